"""Search runs on SQLite FTS5 in the embedded run and on PostgreSQL full text in the
services run: every test here runs on both, a few check the engine underneath."""

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from boards.models import Article
from boards.search import fts5_query, search, snippet_html
from tests.factories import make_article, make_comment

pytestmark = pytest.mark.django_db


def found(results) -> list[tuple[str, int]]:
    return [(hit.kind, (hit.comment or hit.article).pk) for hit in results.hits]


def test_finds_published_articles_by_words_of_their_title_or_text(public_space, alice):
    by_title = make_article(public_space, alice, title="Le décrochage scolaire")
    by_body = make_article(
        public_space, alice, title="Notes", body="Nous avons parlé du décrochage hier."
    )
    make_article(public_space, alice, title="Autre chose", body="Rien à voir.")
    results = search(reader=alice, query="décrochage")
    assert set(found(results)) == {("article", by_title.pk), ("article", by_body.pk)}


def test_accents_and_capitals_do_not_matter(public_space, alice):
    article = make_article(public_space, alice, title="Le décrochage scolaire au secondaire")
    for query in ["decrochage", "DÉCROCHAGE", "Decrochage Scolaire", "décrochage"]:
        assert found(search(reader=alice, query=query)) == [("article", article.pk)], query


def test_unaccented_text_is_found_by_accented_words(public_space, alice):
    article = make_article(public_space, alice, title="Ecole et famille", body="Une ecole ouverte.")
    assert found(search(reader=alice, query="école")) == [("article", article.pk)]


def test_drafts_never_appear_not_even_to_their_author(public_space, alice):
    make_article(public_space, alice, title="Brouillon sur le décrochage", status="draft")
    assert found(search(reader=alice, query="décrochage")) == []


def test_private_spaces_are_searched_only_by_their_members(
    client, public_space, private_space, alice, outsider
):
    public = make_article(public_space, alice, title="Budget public du décrochage")
    private = make_article(private_space, alice, title="Budget confidentiel du décrochage")
    comment = make_comment(private, alice, body="Le budget est serré.")
    anonymous = client.get("/").wsgi_request.user  # AnonymousUser

    assert set(found(search(reader=alice, query="budget"))) == {
        ("article", public.pk),
        ("article", private.pk),
        ("comment", comment.pk),
    }
    assert found(search(reader=outsider, query="budget")) == [("article", public.pk)]
    assert found(search(reader=anonymous, query="budget")) == [("article", public.pk)]
    assert found(search(reader=outsider, query="budget", space=private_space)) == []


def test_searching_within_a_space_stays_in_it(public_space, private_space, alice):
    make_article(public_space, alice, title="Orientation en public")
    inside = make_article(private_space, alice, title="Orientation au comité")
    results = search(reader=alice, query="orientation", space=private_space)
    assert found(results) == [("article", inside.pk)]


def test_comments_are_found_but_not_removed_ones_nor_those_on_drafts(public_space, alice, bob):
    article = make_article(public_space, alice, title="Une rencontre")
    kept = make_comment(article, bob, body="La persévérance des élèves me touche.")
    make_comment(article, bob, body="Persévérance retirée.", removed_at=timezone.now())
    draft = make_article(public_space, alice, title="Brouillon", status=Article.Status.DRAFT)
    make_comment(draft, bob, body="Persévérance sur un brouillon.")
    assert found(search(reader=alice, query="perseverance")) == [("comment", kept.pk)]


def test_results_are_ranked_most_relevant_first(public_space, alice):
    passing = make_article(
        public_space,
        alice,
        title="Compte rendu de la réunion",
        body="Long compte rendu. " * 30 + "On a aussi évoqué le mentorat une fois.",
    )
    central = make_article(
        public_space,
        alice,
        title="Le mentorat entre pairs",
        body="Le mentorat aide. Un mentorat bien préparé, un mentorat suivi.",
    )
    results = search(reader=alice, query="mentorat")
    assert found(results) == [("article", central.pk), ("article", passing.pk)]
    assert results.hits[0].score > results.hits[1].score


def test_all_words_are_required(public_space, alice):
    both = make_article(public_space, alice, title="Stage en entreprise", body="Un stage réussi.")
    make_article(public_space, alice, title="Stage", body="Rien d'autre.")
    assert found(search(reader=alice, query="stage entreprise")) == [("article", both.pk)]


def test_snippets_highlight_the_words_and_escape_everything_else(public_space, alice):
    make_article(
        public_space,
        alice,
        title="Sécurité",
        body="Du texte <script>alert(1)</script> puis **décrochage** <img src=x onerror=alert(2)>.",
    )
    hit = search(reader=alice, query="decrochage").hits[0]
    snippet = str(hit.snippet)
    assert "<mark>décrochage</mark>" in snippet
    assert "<script" not in snippet
    assert "<img" not in snippet
    assert "**" not in snippet


def test_snippet_html_keeps_only_balanced_marks():
    html = str(snippet_html("a <b>\ue000mot\ue001 et \ue000coupé"))
    assert html == "a &lt;b&gt;<mark>mot</mark> et <mark>coupé</mark>"


def test_the_index_follows_edits_and_deletions(public_space, alice):
    article = make_article(public_space, alice, title="Ancien titre", body="Texte premier.")
    article.title = "Nouveau titre"
    article.body_md = "Texte second."
    article.save()
    assert found(search(reader=alice, query="ancien")) == []
    assert found(search(reader=alice, query="nouveau second")) == [("article", article.pk)]
    comment = make_comment(article, alice, body="Une remarque pertinente.")
    comment.body_md = "Une objection."
    comment.save()
    assert found(search(reader=alice, query="remarque")) == []
    assert found(search(reader=alice, query="objection")) == [("comment", comment.pk)]
    article.delete()
    assert found(search(reader=alice, query="nouveau")) == []
    assert found(search(reader=alice, query="objection")) == []


def test_query_syntax_from_readers_is_harmless(public_space, alice):
    make_article(public_space, alice, title="Projet NEAR")
    for query in ['"', "NEAR(", "a OR", "*", "-", "'; DROP TABLE", "()", "title:x", "é" * 300]:
        search(reader=alice, query=query)  # must not raise
    assert fts5_query('projet" OR *') == '"projet"* "OR"'


def test_prefixes_find_longer_words_and_plurals(public_space, alice):
    article = make_article(public_space, alice, title="Nos projets d'orientation")
    assert found(search(reader=alice, query="projet")) == [("article", article.pk)]


def test_results_page_by_twenty(public_space, alice):
    for number in range(25):
        make_article(public_space, alice, title=f"Atelier numéro {number}")
    first = search(reader=alice, query="atelier")
    second = search(reader=alice, query="atelier", page=2)
    assert len(first.hits) == 20 and first.has_next
    assert len(second.hits) == 5 and not second.has_next
    assert not set(found(first)) & set(found(second))


def test_global_search_page_shows_results_from_readable_spaces(
    client, public_space, private_space, alice
):
    make_article(public_space, alice, title="Persévérance en public")
    make_article(private_space, alice, title="Persévérance au comité")
    html = client.get(reverse("boards:search"), {"q": "perseverance"}).content.decode()
    assert "<mark>Persévérance</mark> en public" in html
    assert "au comité" not in html
    assert '<meta name="robots" content="noindex">' in html
    client.force_login(alice)
    html = client.get(reverse("boards:search"), {"q": "perseverance"}).content.decode()
    assert "<mark>Persévérance</mark> au comité" in html


def test_space_search_page_is_404_for_outsiders_of_a_private_space(
    client, private_space, alice, outsider
):
    make_article(private_space, alice, title="Secret")
    url = reverse("boards:search_space", kwargs={"space": private_space.slug})
    assert client.get(url, {"q": "secret"}).status_code == 404
    client.force_login(outsider)
    assert client.get(url, {"q": "secret"}).status_code == 404
    client.force_login(alice)
    response = client.get(url, {"q": "secret"})
    assert response.status_code == 200
    assert "<mark>" in response.content.decode() or "Secret" in response.content.decode()


def test_search_page_without_words_or_results_says_so(client, public_space):
    url = reverse("boards:search_space", kwargs={"space": public_space.slug})
    empty = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert empty.status_code == 200
    assert 'class="empty' in empty.content.decode()
    nothing = client.get(url, {"q": "introuvable"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "introuvable" in nothing.content.decode()
    assert 'class="search-hit' not in nothing.content.decode()


def test_search_runs_on_the_databases_own_full_text_engine(public_space, alice):
    make_article(public_space, alice, title="Décrochage")
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master "
                "WHERE type = 'trigger' AND name LIKE 'boards_%_fts_%'"
            )
            assert len(cursor.fetchall()) == 6
            cursor.execute(
                "SELECT rowid FROM boards_article_fts WHERE boards_article_fts MATCH 'decrochage'"
            )
            assert len(cursor.fetchall()) == 1
        else:
            assert connection.vendor == "postgresql"
            cursor.execute("SELECT to_tsvector('carnet_fr', 'Décrochages scolaires')::text")
            assert cursor.fetchone()[0] == "'decrochag':1 'scolair':2"


def _require_postgresql() -> None:
    if connection.vendor != "postgresql":
        if settings.CARNET_REQUIRE_SERVICES:
            pytest.fail("the services run must use PostgreSQL (DATABASE_URL=postgres://...)")
        pytest.skip("PostgreSQL only: run with DATABASE_URL=postgres://... (services run)")


@pytest.mark.services
def test_postgresql_search_stems_french_and_ignores_stopwords(public_space, alice):
    _require_postgresql()
    article = make_article(
        public_space, alice, title="Les élèves persévèrent", body="Ils réussissent."
    )
    assert found(search(reader=alice, query="élève réussir")) == [("article", article.pk)]
    assert found(search(reader=alice, query="les eleves")) == [("article", article.pk)]
    assert found(search(reader=alice, query='"eleves perseverent" -absent')) == [
        ("article", article.pk)
    ]


@pytest.mark.services
def test_postgresql_search_uses_the_gin_indexes(public_space, alice):
    _require_postgresql()
    from boards import search as engine

    make_article(public_space, alice, title="Décrochage")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            f"EXPLAIN SELECT a.id FROM boards_article a "
            f"WHERE ({engine._PG_ARTICLE_VECTOR}) @@ websearch_to_tsquery('carnet_fr', %s)",
            ["decrochage"],
        )
        article_plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute(
            f"EXPLAIN SELECT c.id FROM boards_comment c "
            f"WHERE ({engine._PG_COMMENT_VECTOR}) @@ websearch_to_tsquery('carnet_fr', %s)",
            ["decrochage"],
        )
        comment_plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "boards_article_search" in article_plan
    assert "boards_comment_search" in comment_plan


def test_titles_of_matching_articles_are_highlighted_and_escaped(public_space, alice):
    make_article(public_space, alice, title="<b>Décrochage</b> & persévérance", body="Texte.")
    hit = search(reader=alice, query="decrochage").hits[0]
    assert str(hit.title) == "&lt;b&gt;<mark>Décrochage</mark>&lt;/b&gt; &amp; persévérance"
