"""Comments: one level of replies, edits marked, removals that keep their place, counts."""

from html.parser import HTMLParser

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from boards.models import Article, Comment
from boards.services import comments as services
from realtime.models import Event
from tests.factories import make_article


@pytest.fixture(autouse=True)
def english(client):
    """Messages are checked in English, whatever the French catalogue says."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def article(public_space, alice) -> Article:
    return make_article(public_space, alice, title="Les parents, des alliés")


def comment_events(space) -> list[Event]:
    return list(Event.objects.filter(space=space, type__startswith="comment.").order_by("seq"))


class Tree(HTMLParser):
    """The elements of a page as (tag, attrs, ancestors) to check the comment DOM contract."""

    def __init__(self, html: str):
        super().__init__()
        self.stack: list[tuple[str, dict]] = []
        self.found: list[tuple[str, dict, list[tuple[str, dict]]]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.found.append((tag, attrs, list(self.stack)))
        if tag not in {"img", "br", "hr", "input", "meta", "link"}:
            self.stack.append((tag, attrs))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def one(self, tag: str, **attrs: str) -> tuple[dict, list[tuple[str, dict]]]:
        matches = [
            (found, ancestors)
            for name, found, ancestors in self.found
            if name == tag
            and all(
                found.get(key.rstrip("_").replace("_", "-")) == value
                for key, value in attrs.items()
            )
        ]
        assert len(matches) == 1, f"{tag} {attrs}: {len(matches)} matches"
        return matches[0]


# Writing


def test_a_member_comments_and_the_space_hears_of_it(
    public_space, article, bob, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        comment = services.comment_create(author=bob, article=article, body="Très *juste*.")
    assert comment.body_html == "<p>Très <em>juste</em>.</p>\n"
    article.refresh_from_db()
    assert article.comment_count == 1
    [event] = comment_events(public_space)
    assert event.type == "comment.created"
    assert event.payload["data"] == {
        "comment_id": comment.pk,
        "article_id": article.pk,
        "parent_id": None,
        "comment_count": 1,
    }
    tree = Tree(event.payload["html"])
    found, ancestors = tree.one("article", id=f"comment-{comment.pk}")
    assert found["class"] == "comment"
    assert found["data-comment-id"] == str(comment.pk)
    assert found["data-author-id"] == str(bob.pk)
    assert ancestors[0][0] == "li"
    tree.one("ol", class_="replies", data_parent_id=str(comment.pk))


def test_the_live_fragment_hides_every_per_viewer_control(public_space, article, bob):
    services.comment_create(author=bob, article=article, body="Bonjour")
    html = comment_events(public_space)[0].payload["html"]
    tree = Tree(html)
    controls = [attrs for _tag, attrs, _up in tree.found if "data-owner-only" in attrs]
    controls += [attrs for _tag, attrs, _up in tree.found if "data-moderator-only" in attrs]
    assert len(controls) == 3
    assert all("hidden" in attrs for attrs in controls)


def test_replying_to_a_reply_attaches_to_the_top_level_comment(public_space, article, bob, alice):
    top = services.comment_create(author=bob, article=article, body="Question ?")
    reply = services.comment_create(author=alice, article=article, body="Réponse", parent=top)
    again = services.comment_create(author=bob, article=article, body="Merci", parent=reply)
    assert reply.parent == top
    assert again.parent == top
    assert comment_events(public_space)[-1].payload["data"]["parent_id"] == top.pk
    assert "<ol" not in comment_events(public_space)[-1].payload["html"]


def test_a_reply_must_belong_to_the_same_article(public_space, article, alice, bob):
    other = make_article(public_space, alice, title="Autre")
    elsewhere = services.comment_create(author=bob, article=other, body="Ailleurs")
    with pytest.raises(ValidationError):
        services.comment_create(author=bob, article=article, body="x", parent=elsewhere)


def test_an_empty_comment_is_refused(article, bob):
    with pytest.raises(ValidationError) as error:
        services.comment_create(author=bob, article=article, body="  \n ")
    assert error.value.message_dict["body"] == ["Write something first."]


def test_an_oversized_comment_is_refused(article, bob):
    with pytest.raises(ValidationError):
        services.comment_create(
            author=bob, article=article, body="x" * (services.MAX_COMMENT_CHARS + 1)
        )
    assert not Comment.objects.exists()


def test_nobody_comments_on_a_draft(public_space, alice, bob):
    draft = make_article(public_space, alice, status=Article.Status.DRAFT)
    with pytest.raises(ValidationError):
        services.comment_create(author=alice, article=draft, body="Note")
    assert comment_events(public_space) == []


@pytest.mark.parametrize("role", ["alice", "bob", "facilitator", "owner"])
def test_contributors_may_comment(article, role, request):
    services.comment_create(author=request.getfixturevalue(role), article=article, body="Oui")


@pytest.mark.parametrize("role", ["reader", "outsider"])
def test_readers_and_outsiders_may_not_comment(article, role, request):
    with pytest.raises(PermissionDenied):
        services.comment_create(author=request.getfixturevalue(role), article=article, body="Non")


def test_editing_marks_the_comment_edited(public_space, article, bob):
    comment = services.comment_create(author=bob, article=article, body="Premier jet")
    services.comment_update(actor=bob, comment=comment, body="Version **revue**")
    comment.refresh_from_db()
    assert comment.edited_at is not None
    assert "<strong>revue</strong>" in comment.body_html
    event = comment_events(public_space)[-1]
    assert event.type == "comment.updated"
    assert "edited" in event.payload["html"] or "modifié" in event.payload["html"]


@pytest.mark.parametrize("role", ["alice", "facilitator", "owner", "reader"])
def test_only_its_author_edits_a_comment(article, bob, role, request):
    comment = services.comment_create(author=bob, article=article, body="À moi")
    with pytest.raises(PermissionDenied):
        services.comment_update(actor=request.getfixturevalue(role), comment=comment, body="Hop")


def test_removing_keeps_the_place_and_the_replies(public_space, article, alice, bob):
    top = services.comment_create(author=bob, article=article, body="Propos regrettable")
    reply = services.comment_create(author=alice, article=article, body="Hum", parent=top)
    services.comment_remove(actor=bob, comment=top)
    top.refresh_from_db()
    article.refresh_from_db()
    assert top.is_removed and top.body_md == "" and top.body_html == ""
    assert Comment.objects.filter(pk=reply.pk, parent=top).exists()
    assert article.comment_count == 1
    event = comment_events(public_space)[-1]
    assert event.type == "comment.removed"
    assert event.payload["data"]["comment_count"] == 1
    assert "Propos regrettable" not in event.payload["html"]
    Tree(event.payload["html"]).one("ol", class_="replies", data_parent_id=str(top.pk))


def test_removing_twice_changes_nothing(public_space, article, bob):
    comment = services.comment_create(author=bob, article=article, body="x")
    services.comment_remove(actor=bob, comment=comment)
    services.comment_remove(actor=bob, comment=comment)
    article.refresh_from_db()
    assert article.comment_count == 0
    assert [event.type for event in comment_events(public_space)] == [
        "comment.created",
        "comment.removed",
    ]


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("bob", True), ("facilitator", True), ("owner", True), ("alice", False), ("reader", False)],
)
def test_who_may_remove_a_comment(article, bob, role, allowed, request):
    comment = services.comment_create(author=bob, article=article, body="Un avis")
    actor = request.getfixturevalue(role)
    if allowed:
        services.comment_remove(actor=actor, comment=comment)
        assert Comment.objects.get(pk=comment.pk).is_removed
    else:
        with pytest.raises(PermissionDenied):
            services.comment_remove(actor=actor, comment=comment)


def test_the_count_follows_creations_and_removals(article, alice, bob):
    first = services.comment_create(author=bob, article=article, body="1")
    services.comment_create(author=alice, article=article, body="2", parent=first)
    services.comment_create(author=bob, article=article, body="3")
    services.comment_remove(actor=bob, comment=first)
    article.refresh_from_db()
    assert article.comment_count == 2


# Pages


def test_the_article_page_follows_the_comment_dom_contract(
    client, public_space, article, alice, bob
):
    top = services.comment_create(author=bob, article=article, body="Première")
    reply = services.comment_create(author=alice, article=article, body="Réponse", parent=top)
    client.force_login(bob)
    tree = Tree(client.get(article.get_absolute_url()).content.decode())
    section, _up = tree.one("section", id="comments")
    assert section["data-article-id"] == str(article.pk)
    _list, up = tree.one("ol", class_="comment-list")
    assert ("section", section) in up
    _top, up = tree.one("article", id=f"comment-{top.pk}")
    assert [tag for tag, _attrs in up[-2:]] == ["ol", "li"]
    _reply, up = tree.one("article", id=f"comment-{reply.pk}")
    assert ("ol", {"class": "replies", "data-parent-id": str(top.pk)}) in up
    count, _up = tree.one("span", data_comment_count=str(article.pk))
    assert count["class"] == "count-pill"


def test_the_page_reveals_controls_to_those_who_may_use_them(
    client, public_space, article, alice, bob, facilitator
):
    comment = services.comment_create(author=bob, article=article, body="Mon avis")
    edit_url = reverse("boards:comment_edit", args=["jeunes", comment.pk])

    def controls(user) -> dict[str, bool]:
        client.force_login(user)
        tree = Tree(client.get(article.get_absolute_url()).content.decode())
        shown = {}
        for _tag, attrs, _up in tree.found:
            for marker in ("data-owner-only", "data-moderator-only"):
                if marker in attrs:
                    shown[marker] = shown.get(marker, False) or "hidden" not in attrs
        return shown

    assert controls(bob) == {"data-owner-only": True, "data-moderator-only": False}
    assert controls(alice) == {"data-owner-only": False, "data-moderator-only": False}
    assert controls(facilitator) == {"data-owner-only": False, "data-moderator-only": True}
    client.force_login(bob)
    assert edit_url in client.get(article.get_absolute_url()).content.decode()


def test_posting_a_comment_leads_to_its_anchor(client, article, bob):
    client.force_login(bob)
    response = client.post(
        reverse("boards:comment_post", args=["jeunes", article.slug]), {"body": "Bravo"}
    )
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#comment-{comment.pk}"


def test_posting_a_reply_from_the_page(client, article, alice, bob):
    top = services.comment_create(author=alice, article=article, body="Question")
    client.force_login(bob)
    page = client.get(f"{article.get_absolute_url()}?reply={top.pk}").content.decode()
    assert "Replying to Alice" in page
    client.post(
        reverse("boards:comment_post", args=["jeunes", article.slug]),
        {"body": "Ma réponse", "parent": top.pk},
    )
    assert Comment.objects.get(body_md="Ma réponse").parent == top


def test_an_empty_comment_gets_a_form_error(client, article, bob):
    client.force_login(bob)
    response = client.post(
        reverse("boards:comment_post", args=["jeunes", article.slug]), {"body": "   "}
    )
    assert response.status_code == 400
    assert "Write something first." in response.content.decode()
    assert not Comment.objects.exists()


def test_readers_see_no_comment_form_and_cannot_post(client, article, reader):
    client.force_login(reader)
    page = client.get(article.get_absolute_url()).content.decode()
    assert 'id="comment-form"' not in page
    response = client.post(
        reverse("boards:comment_post", args=["jeunes", article.slug]), {"body": "Essai"}
    )
    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_nobody_comments_on_a_private_article_from_outside(client, private_space, alice, outsider):
    article = make_article(private_space, alice)
    client.force_login(outsider)
    response = client.post(
        reverse("boards:comment_post", args=["comite", article.slug]), {"body": "Coucou"}
    )
    assert response.status_code == 404


def test_editing_a_comment_from_its_page(client, article, bob, alice):
    comment = services.comment_create(author=bob, article=article, body="Avant")
    url = reverse("boards:comment_edit", args=["jeunes", comment.pk])
    client.force_login(alice)
    assert client.get(url).status_code == 403
    client.force_login(bob)
    assert client.get(url).status_code == 200
    response = client.post(url, {"body": "Après"})
    assert response["Location"] == comment.get_absolute_url()
    comment.refresh_from_db()
    assert comment.body_md == "Après" and comment.edited_at is not None


def test_removing_a_comment_asks_first_and_leaves_a_mark(client, article, bob):
    comment = services.comment_create(author=bob, article=article, body="Oups")
    url = reverse("boards:comment_remove", args=["jeunes", comment.pk])
    client.force_login(bob)
    assert client.get(url).status_code == 200
    assert not Comment.objects.get().is_removed
    response = client.post(url)
    assert response["Location"] == comment.get_absolute_url()
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Oups" not in page
    assert f'id="comment-{comment.pk}"' in page


def test_the_article_page_reads_comments_in_a_fixed_number_of_queries(
    client, article, alice, bob, django_assert_max_num_queries
):
    for index in range(8):
        top = services.comment_create(author=bob, article=article, body=f"Avis {index}")
        services.comment_create(author=alice, article=article, body="Réponse", parent=top)
    client.force_login(bob)
    with django_assert_max_num_queries(14):
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
