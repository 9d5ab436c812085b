from datetime import timedelta

import feedparser
import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.services import user_feed_token_rotate
from boards.models import Article, Membership
from tests.factories import make_article, make_category

pytestmark = pytest.mark.django_db


def parse(response) -> feedparser.FeedParserDict:
    assert response.status_code == 200, response.status_code
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def titles(feed) -> list[str]:
    return [entry.title for entry in feed.entries]


@pytest.fixture
def published(public_space, alice):
    category = make_category(public_space, "Pratiques")
    older = make_article(
        public_space,
        alice,
        title="Le mentorat entre pairs",
        body="Un **texte** riche.",
        category=category,
        tags=["Mentorat"],
        published_at=timezone.now() - timedelta(days=2),
    )
    newer = make_article(public_space, alice, title="Les stages en entreprise")
    make_article(public_space, alice, title="Brouillon caché", status=Article.Status.DRAFT)
    return category, older, newer


def test_space_rss_feed_is_valid_and_lists_published_articles_newest_first(
    client, public_space, published
):
    _category, older, newer = published
    response = client.get(reverse("boards:feed", kwargs={"space": public_space.slug}))
    assert response["Content-Type"].startswith("application/rss+xml")
    feed = parse(response)
    assert feed.version == "rss20"
    assert feed.feed.title == public_space.name
    assert titles(feed) == [newer.title, older.title]
    entry = feed.entries[1]
    assert entry.link == f"http://testserver{older.get_absolute_url()}"
    assert "<strong>texte</strong>" in entry.description
    assert {tag.term for tag in entry.tags} == {"Pratiques", "Mentorat"}
    assert entry.author == "Alice"


def test_space_atom_feed_is_valid(client, public_space, published):
    _category, older, newer = published
    response = client.get(reverse("boards:feed_atom", kwargs={"space": public_space.slug}))
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = parse(response)
    assert feed.version == "atom10"
    assert titles(feed) == [newer.title, older.title]
    assert feed.entries[0].published_parsed is not None
    assert feed.entries[0].updated_parsed is not None


def test_category_feeds_list_only_that_category(client, public_space, published):
    category, older, _newer = published
    kwargs = {"space": public_space.slug, "category": category.slug}
    for name, version in [
        ("boards:category_feed", "rss20"),
        ("boards:category_feed_atom", "atom10"),
    ]:
        feed = parse(client.get(reverse(name, kwargs=kwargs)))
        assert feed.version == version
        assert titles(feed) == [older.title]
        assert "Pratiques" in feed.feed.title


def test_feeds_never_contain_drafts(client, public_space, published):
    for name in ["boards:feed", "boards:feed_atom"]:
        content = client.get(reverse(name, kwargs={"space": public_space.slug})).content
        assert b"Brouillon" not in content


def test_private_space_has_no_public_feed(client, private_space, alice):
    make_article(private_space, alice, title="Secret du comité")
    client.force_login(alice)  # even a member: the public addresses do not exist
    category = make_category(private_space, "Dossiers")
    urls = [
        reverse("boards:feed", kwargs={"space": private_space.slug}),
        reverse("boards:feed_atom", kwargs={"space": private_space.slug}),
        reverse(
            "boards:category_feed", kwargs={"space": private_space.slug, "category": category.slug}
        ),
    ]
    for url in urls:
        assert client.get(url).status_code == 404


def test_unknown_space_or_category_feed_is_404(client, public_space):
    assert client.get("/s/nowhere/feed/").status_code == 404
    assert client.get(f"/s/{public_space.slug}/c/nothing/feed/").status_code == 404


def private_feed_url(token: str, space, name: str = "boards:private_feed") -> str:
    return reverse(name, kwargs={"token": token, "space": space.slug})


def test_member_reads_a_private_space_through_their_personal_feed(client, private_space, alice):
    article = make_article(private_space, alice, title="Ordre du jour du comité")
    make_article(private_space, alice, title="Brouillon du comité", status=Article.Status.DRAFT)
    response = client.get(private_feed_url(alice.feed_token, private_space))
    feed = parse(response)
    assert titles(feed) == [article.title]
    assert response["Cache-Control"] == "private, no-store"
    assert "noindex" in response["X-Robots-Tag"]
    atom = parse(
        client.get(private_feed_url(alice.feed_token, private_space, "boards:private_feed_atom"))
    )
    assert atom.version == "atom10"
    assert titles(atom) == [article.title]


def test_personal_feed_of_a_private_category(client, private_space, alice):
    category = make_category(private_space, "Dossiers")
    inside = make_article(private_space, alice, title="Dossier budget", category=category)
    make_article(private_space, alice, title="Hors dossier")
    url = reverse(
        "boards:private_category_feed",
        kwargs={"token": alice.feed_token, "space": private_space.slug, "category": category.slug},
    )
    assert titles(parse(client.get(url))) == [inside.title]


def test_a_rotated_token_is_refused(client, private_space, alice):
    make_article(private_space, alice, title="Ordre du jour")
    old_token = alice.feed_token
    user_feed_token_rotate(user=alice)
    assert client.get(private_feed_url(old_token, private_space)).status_code == 404
    assert client.get(private_feed_url(alice.feed_token, private_space)).status_code == 200


def test_a_token_stops_working_when_the_member_leaves(client, private_space, alice):
    url = private_feed_url(alice.feed_token, private_space)
    assert client.get(url).status_code == 200
    Membership.objects.filter(user=alice, space=private_space).delete()
    assert client.get(url).status_code == 404


def test_a_token_opens_only_the_spaces_of_its_owner(client, private_space, outsider):
    assert client.get(private_feed_url(outsider.feed_token, private_space)).status_code == 404
    assert client.get(private_feed_url("not-a-token", private_space)).status_code == 404


def test_a_deactivated_members_token_is_refused(client, private_space, alice):
    alice.is_active = False
    alice.save()
    assert client.get(private_feed_url(alice.feed_token, private_space)).status_code == 404


def test_profile_page_lists_the_personal_feeds_of_my_private_spaces(
    client, public_space, private_space, alice
):
    client.force_login(alice)
    html = client.get(reverse("accounts:profile_edit")).content.decode()
    assert private_feed_url(alice.feed_token, private_space) in html
    assert private_feed_url(alice.feed_token, public_space) not in html


def test_rotating_from_the_profile_changes_the_listed_address(client, private_space, alice):
    client.force_login(alice)
    old = private_feed_url(alice.feed_token, private_space)
    client.post(reverse("accounts:feed_token_rotate"))
    alice.refresh_from_db()
    html = client.get(reverse("accounts:profile_edit")).content.decode()
    assert old not in html
    assert private_feed_url(alice.feed_token, private_space) in html
