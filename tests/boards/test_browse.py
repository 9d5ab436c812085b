import re
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from boards.models import Article
from boards.selectors.browse import (
    PAGE_SIZE,
    Cursor,
    archive_months,
    keyset_page,
    published_by,
    published_in,
    published_in_category,
    tag_cloud,
)
from tests.factories import make_article, make_category

pytestmark = pytest.mark.django_db

CARD = re.compile(r'<li id="article-(\d+)" class="article-card')


def card_ids(response) -> list[int]:
    return [int(pk) for pk in CARD.findall(response.content.decode())]


def next_link(response) -> str | None:
    match = re.search(r'href="([^"]*\?before=[^"]+)"', response.content.decode())
    return match.group(1).replace("&amp;", "&") if match else None


def make_series(space, author, count: int, *, start: datetime | None = None, **fields):
    """`count` articles one hour apart, the last one the newest."""
    start = start or timezone.now() - timedelta(days=30)
    return [
        make_article(
            space, author, title=f"Article {i}", published_at=start + timedelta(hours=i), **fields
        )
        for i in range(count)
    ]


def test_space_home_lists_the_latest_articles_newest_first_in_the_live_list(
    client, public_space, alice
):
    articles = make_series(public_space, alice, 3)
    response = client.get(public_space.get_absolute_url())
    assert response.status_code == 200
    assert card_ids(response) == [a.pk for a in reversed(articles)]
    html = response.content.decode()
    assert re.search(r'<ol class="article-list" data-live-articles data-category-id="">', html)


def test_space_home_hides_drafts_and_other_spaces(client, public_space, private_space, alice):
    shown = make_article(public_space, alice, title="Publié")
    make_article(public_space, alice, title="Brouillon secret", status=Article.Status.DRAFT)
    make_article(private_space, alice, title="Du comité")
    response = client.get(public_space.get_absolute_url())
    assert card_ids(response) == [shown.pk]
    assert "Brouillon secret" not in response.content.decode()
    assert "Du comité" not in response.content.decode()


def test_pages_follow_each_other_without_gaps_or_repeats(client, public_space, alice):
    articles = make_series(public_space, alice, PAGE_SIZE * 2 + 5)
    seen = []
    url = public_space.get_absolute_url()
    while url:
        response = client.get(url)
        assert response.status_code == 200
        seen += card_ids(response)
        url = next_link(response)
    assert seen == [a.pk for a in reversed(articles)]


def test_pagination_is_stable_when_new_articles_arrive(client, public_space, alice):
    articles = make_series(public_space, alice, PAGE_SIZE + 5)
    first = client.get(public_space.get_absolute_url())
    older = next_link(first)
    assert older

    # Three articles published while the reader reads the first page.
    make_series(public_space, alice, 3, start=timezone.now())

    second = client.get(older)
    expected = [a.pk for a in reversed(articles)][PAGE_SIZE:]
    assert card_ids(second) == expected
    assert next_link(second) is None


def test_articles_sharing_a_timestamp_are_neither_lost_nor_repeated(public_space, alice):
    moment = timezone.now() - timedelta(days=1)
    articles = [make_article(public_space, alice, published_at=moment) for _ in range(7)]
    seen, before = [], None
    while True:
        page = keyset_page(published_in(public_space), before=before, size=3)
        seen += [a.pk for a in page]
        if not page.has_next:
            break
        before = page.next_cursor
    assert seen == sorted((a.pk for a in articles), reverse=True)


def test_a_foreign_or_broken_cursor_gives_the_first_page(client, public_space, alice):
    article = make_article(public_space, alice)
    for junk in ["nonsense", "%%%", "MTIz", "x" * 200]:
        response = client.get(public_space.get_absolute_url(), {"before": junk})
        assert response.status_code == 200
        assert card_ids(response) == [article.pk]


def test_cursor_round_trips_and_is_opaque():
    cursor = Cursor(published_at=timezone.now(), id=42)
    token = cursor.encode()
    assert Cursor.decode(token) == cursor
    assert "42" not in token


def test_list_pages_use_keyset_not_offset(public_space, alice):
    make_series(public_space, alice, PAGE_SIZE + 3)
    first = keyset_page(published_in(public_space), before=None)
    with CaptureQueriesContext(connection) as queries:
        keyset_page(published_in(public_space), before=first.next_cursor)
    article_queries = [q["sql"] for q in queries if 'FROM "boards_article"' in q["sql"]]
    assert article_queries
    for sql in article_queries:
        assert "OFFSET" not in sql.upper()
        assert '"boards_article"."published_at" <=' in sql


@pytest.mark.parametrize(
    ("name", "index"),
    [
        ("space", "article_space_feed"),
        ("category", "article_category_feed"),
        ("author", "article_author_feed"),
    ],
)
def test_each_list_walks_its_index(public_space, alice, name, index):
    category = make_category(public_space, "Pratiques")
    make_series(public_space, alice, PAGE_SIZE + 3, category=category)
    queryset = {
        "space": published_in(public_space),
        "category": published_in_category(category),
        "author": published_by(alice, public_space),
    }[name]
    cursor = keyset_page(queryset, before=None).next_cursor
    decoded = Cursor.decode(cursor)
    paged = (
        queryset.filter(published_at__lte=decoded.published_at)
        .filter(published_at__isnull=False)
        .order_by("-published_at", "-id")[: PAGE_SIZE + 1]
    )
    with connection.cursor() as db:
        if connection.vendor == "postgresql":
            # A tiny table would be scanned whole; ask the planner what it does at scale.
            db.execute("SET LOCAL enable_seqscan = off")
            db.execute("SET LOCAL enable_sort = off")
    plan = paged.explain()
    assert index in plan


def test_list_views_make_a_bounded_number_of_queries(
    client, public_space, alice, django_assert_max_num_queries
):
    category = make_category(public_space, "Pratiques")
    make_series(public_space, alice, PAGE_SIZE + 5, category=category, tags=["école", "famille"])
    urls = [
        public_space.get_absolute_url(),
        category.get_absolute_url(),
        reverse("boards:tag", kwargs={"space": public_space.slug, "tag": "ecole"}),
        reverse("boards:author", kwargs={"space": public_space.slug, "username": "alice"}),
        reverse("boards:archives", kwargs={"space": public_space.slug}),
        reverse("boards:search_space", kwargs={"space": public_space.slug}) + "?q=article",
        reverse("boards:search") + "?q=article",
        reverse("boards:feed", kwargs={"space": public_space.slug}),
    ]
    client.force_login(alice)
    for url in urls:
        # Not one query per article: the page holds 20 cards with authors, categories, tags.
        with django_assert_max_num_queries(14):
            response = client.get(url)
        assert response.status_code == 200


def test_category_page_lists_only_its_articles_with_its_live_list(client, public_space, alice):
    practice = make_category(public_space, "Pratiques", description="Ce qui marche")
    news = make_category(public_space, "Nouvelles")
    inside = make_article(public_space, alice, category=practice)
    make_article(public_space, alice, category=news)
    make_article(public_space, alice, category=practice, status=Article.Status.DRAFT)
    response = client.get(practice.get_absolute_url())
    assert response.status_code == 200
    assert card_ids(response) == [inside.pk]
    html = response.content.decode()
    assert f'data-live-articles data-category-id="{practice.pk}"' in html
    assert "Ce qui marche" in html


def test_unknown_category_tag_or_author_is_404(client, public_space, alice):
    for name, kwargs in [
        ("boards:category", {"category": "nope"}),
        ("boards:tag", {"tag": "nope"}),
        ("boards:author", {"username": "nobody"}),
    ]:
        url = reverse(name, kwargs={"space": public_space.slug, **kwargs})
        assert client.get(url).status_code == 404


def test_sidebar_counts_published_articles_per_category(client, public_space, alice):
    practice = make_category(public_space, "Pratiques")
    make_article(public_space, alice, category=practice)
    make_article(public_space, alice, category=practice)
    make_article(public_space, alice, category=practice, status=Article.Status.DRAFT)
    html = client.get(public_space.get_absolute_url()).content.decode()
    assert re.search(r"Pratiques</span> <span class=\"count\"[^>]*>2</span>", html)


def test_tag_page_and_tag_cloud(client, public_space, alice):
    tagged = make_article(public_space, alice, tags=["Décrochage"])
    make_article(public_space, alice, tags=["Décrochage", "Familles"])
    make_article(public_space, alice, tags=["Orientation"], status=Article.Status.DRAFT)
    cloud = {item.name: (item.count, item.weight) for item in tag_cloud(public_space)}
    assert cloud == {"Décrochage": (2, 5), "Familles": (1, 1)}
    response = client.get(
        reverse("boards:tag", kwargs={"space": public_space.slug, "tag": "decrochage"})
    )
    assert response.status_code == 200
    assert tagged.pk in card_ids(response)
    assert len(card_ids(response)) == 2
    home = client.get(public_space.get_absolute_url()).content.decode()
    assert "tag-cloud__tag--5" in home
    assert "Orientation" not in home


def test_author_page_lists_their_published_articles_in_this_space_only(
    client, public_space, private_space, alice, bob
):
    mine = make_article(public_space, alice)
    make_article(public_space, bob)
    make_article(private_space, alice)
    make_article(public_space, alice, status=Article.Status.DRAFT)
    url = reverse("boards:author", kwargs={"space": public_space.slug, "username": "alice"})
    response = client.get(url)
    assert card_ids(response) == [mine.pk]


def test_author_page_of_someone_with_no_tie_to_the_space_is_404(client, public_space, outsider):
    url = reverse("boards:author", kwargs={"space": public_space.slug, "username": "oscar"})
    assert client.get(url).status_code == 404


def test_archives_count_articles_by_month_in_local_time(client, public_space, alice):
    tz = timezone.get_current_timezone()
    make_article(public_space, alice, published_at=datetime(2025, 11, 3, 10, tzinfo=tz))
    make_article(public_space, alice, published_at=datetime(2025, 11, 28, 10, tzinfo=tz))
    # 23:30 on 31 January in Montréal is already February in UTC.
    make_article(public_space, alice, published_at=datetime(2026, 1, 31, 23, 30, tzinfo=tz))
    make_article(
        public_space,
        alice,
        status=Article.Status.DRAFT,
        published_at=datetime(2025, 10, 1, tzinfo=tz),
    )
    years = archive_months(public_space)
    assert [(y.year, [(m.month, m.count) for m in y.months]) for y in years] == [
        (2026, [(1, 1)]),
        (2025, [(11, 2)]),
    ]
    response = client.get(reverse("boards:archives", kwargs={"space": public_space.slug}))
    assert response.status_code == 200
    assert f"/s/{public_space.slug}/archives/2025/11/" in response.content.decode()


def test_archive_month_page_lists_that_month_only(client, public_space, alice):
    tz = timezone.get_current_timezone()
    november = make_article(public_space, alice, published_at=datetime(2025, 11, 3, tzinfo=tz))
    make_article(public_space, alice, published_at=datetime(2025, 12, 1, 0, 5, tzinfo=tz))
    make_article(public_space, alice, published_at=datetime(2025, 10, 31, 23, 55, tzinfo=tz))
    url = reverse(
        "boards:archive_month", kwargs={"space": public_space.slug, "year": "2025", "month": "11"}
    )
    assert url == f"/s/{public_space.slug}/archives/2025/11/"
    response = client.get(url)
    assert response.status_code == 200
    assert card_ids(response) == [november.pk]


def test_archive_month_out_of_range_is_404(client, public_space):
    assert client.get(f"/s/{public_space.slug}/archives/2025/13/").status_code == 404
    assert client.get(f"/s/{public_space.slug}/archives/2025/00/").status_code == 404


def test_every_list_of_a_private_space_is_404_to_outsiders(client, private_space, alice, outsider):
    category = make_category(private_space, "Dossiers")
    make_article(private_space, alice, category=category, tags=["budget"])
    urls = [
        private_space.get_absolute_url(),
        category.get_absolute_url(),
        reverse("boards:tag", kwargs={"space": private_space.slug, "tag": "budget"}),
        reverse("boards:author", kwargs={"space": private_space.slug, "username": "alice"}),
        reverse("boards:archives", kwargs={"space": private_space.slug}),
        f"/s/{private_space.slug}/archives/2025/11/",
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    client.force_login(outsider)
    for url in urls:
        assert client.get(url).status_code == 404, url
    client.force_login(alice)
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_empty_space_home_invites_a_member_to_write(client, public_space, alice):
    client.force_login(alice)
    html = client.get(public_space.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert reverse("boards:article_write", kwargs={"space": public_space.slug}) in html
    assert 'class="empty' in html


def test_space_home_shows_links_member_count_and_feed(client, public_space, alice, bob):
    public_space.links.create(title="Réseau Réussite", url="https://example.org/reseau")
    html = client.get(public_space.get_absolute_url()).content.decode()
    assert "Réseau Réussite" in html
    assert "<strong>2</strong>" in html
    assert 'type="application/rss+xml"' in html
    assert reverse("boards:feed", kwargs={"space": public_space.slug}) in html


def test_private_space_pages_advertise_no_public_feed(client, private_space, alice):
    client.force_login(alice)
    html = client.get(private_space.get_absolute_url()).content.decode()
    assert "application/rss+xml" not in html


def test_archive_month_links_to_the_nearest_months_with_articles(client, public_space, alice):
    tz = timezone.get_current_timezone()
    make_article(public_space, alice, published_at=datetime(2025, 6, 10, tzinfo=tz))
    make_article(public_space, alice, published_at=datetime(2025, 11, 3, tzinfo=tz))
    make_article(public_space, alice, published_at=datetime(2026, 2, 1, 12, tzinfo=tz))
    html = client.get(f"/s/{public_space.slug}/archives/2025/11/").content.decode()
    assert f'rel="prev" href="/s/{public_space.slug}/archives/2025/06/"' in html
    assert f'href="/s/{public_space.slug}/archives/2026/02/"' in html
    first = client.get(f"/s/{public_space.slug}/archives/2025/06/").content.decode()
    assert 'rel="prev"' not in first
    assert f'href="/s/{public_space.slug}/archives/2025/11/"' in first
