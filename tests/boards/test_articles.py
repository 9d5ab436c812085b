"""Articles: drafts, publishing, permalinks, tags, covers, images, the editor and permissions."""

import io
from html.parser import HTMLParser

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from PIL import Image

from boards.models import Article, ArticleImage, ArticleSlugRedirect, Comment, Tag
from boards.selectors.articles import my_drafts
from boards.services import articles as services
from realtime.models import Event
from tests.factories import make_article, make_category, make_comment


@pytest.fixture(autouse=True)
def english(client):
    """Messages are checked in English, whatever the French catalogue says."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def png(name: str = "photo.png", size: tuple[int, int] = (40, 30)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (31, 111, 139)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def write(space, author, **fields) -> Article:
    fields.setdefault("title", "Retour sur la rencontre des intervenants")
    fields.setdefault("body", "Nous étions **trente** autour de la table.")
    return services.article_create(author=author, space=space, **fields)


def events_of(space, type_prefix: str = "article.") -> list[Event]:
    return list(Event.objects.filter(space=space, type__startswith=type_prefix).order_by("seq"))


class Elements(HTMLParser):
    """Every start tag of a page with its attributes, to assert on structure."""

    def __init__(self, html: str):
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def find(self, tag: str, **attrs: str) -> list[dict[str, str | None]]:
        return [
            found
            for name, found in self.elements
            if name == tag
            and all(found.get(key.rstrip("_")) == value for key, value in attrs.items())
        ]


# Writing and publishing


def test_a_new_article_is_a_draft_rendered_once_at_write_time(public_space, alice):
    article = write(public_space, alice, body="Un *petit* texte\n\n<script>alert(1)</script>")
    assert article.status == Article.Status.DRAFT
    assert article.published_at is None
    assert "<em>petit</em>" in article.body_html
    assert "<script>" not in article.body_html
    assert article.excerpt.startswith("Un petit texte")
    assert article.reading_minutes == 1


def test_saving_a_draft_appends_no_event(public_space, alice):
    article = write(public_space, alice)
    services.article_update(actor=alice, article=article, body="Autre chose")
    services.article_autosave(author=alice, space=public_space, article=article, body="Encore")
    assert events_of(public_space) == []


def test_publishing_appends_an_event_carrying_the_article_card(
    public_space, alice, django_capture_on_commit_callbacks
):
    category = make_category(public_space, "Le décrochage")
    article = write(public_space, alice, category=category)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.article_publish(actor=alice, article=article)
    assert callbacks, "the broadcast waits for the commit"
    article.refresh_from_db()
    assert article.is_published and article.published_at is not None
    [event] = events_of(public_space)
    assert event.type == "article.published"
    assert event.payload["data"] == {
        "article_id": article.pk,
        "category_id": category.pk,
        "url": f"/s/jeunes/a/{article.slug}/",
        "title": article.title,
    }
    card = Elements(event.payload["html"])
    assert card.find("li", id=f"article-{article.pk}", class_="article-card")
    assert card.find("span", **{"data-comment-count": str(article.pk)})


def test_publishing_twice_changes_nothing(public_space, alice):
    article = write(public_space, alice, publish=True)
    first_date = article.published_at
    services.article_publish(actor=alice, article=article)
    assert article.published_at == first_date
    assert len(events_of(public_space)) == 1


def test_publishing_needs_a_text(public_space, alice):
    article = write(public_space, alice, body="   ")
    with pytest.raises(ValidationError) as error:
        services.article_publish(actor=alice, article=article)
    assert "body" in error.value.message_dict
    article.refresh_from_db()
    assert not article.is_published


def test_an_empty_title_is_refused_with_a_clear_error(public_space, alice):
    with pytest.raises(ValidationError) as error:
        write(public_space, alice, title="   ")
    assert error.value.message_dict["title"] == ["Give your article a title."]


def test_an_oversized_body_is_refused_with_a_clear_error(public_space, alice):
    with pytest.raises(ValidationError) as error:
        write(public_space, alice, body="x" * (services.MAX_BODY_CHARS + 1))
    assert "100 000" in error.value.message_dict["body"][0]
    assert not Article.objects.exists()


def test_a_category_of_another_space_is_refused(public_space, private_space, alice):
    elsewhere = make_category(private_space, "Secret")
    with pytest.raises(ValidationError):
        write(public_space, alice, category=elsewhere)


# Permalinks


def test_slugs_are_unique_within_a_space_only(public_space, private_space, alice):
    first = write(public_space, alice, title="Les parents, des alliés")
    second = write(public_space, alice, title="Les parents, des alliés")
    elsewhere = write(private_space, alice, title="Les parents, des alliés")
    assert first.slug == "les-parents-des-allies"
    assert second.slug == "les-parents-des-allies-2"
    assert elsewhere.slug == "les-parents-des-allies"


def test_a_draft_slug_follows_its_title(public_space, alice):
    article = write(public_space, alice, title="Premier jet")
    services.article_update(actor=alice, article=article, title="Titre définitif")
    assert article.slug == "titre-definitif"


def test_editing_the_title_of_a_published_article_keeps_its_address(client, public_space, alice):
    article = write(public_space, alice, title="Titre d'origine", publish=True)
    services.article_update(actor=alice, article=article, title="Un tout autre titre")
    article.refresh_from_db()
    assert article.slug == "titre-dorigine"
    assert article.title == "Un tout autre titre"
    assert client.get(article.get_absolute_url()).status_code == 200


def test_an_unpublished_article_keeps_its_address_when_its_title_changes(public_space, alice):
    article = write(public_space, alice, title="Titre d'origine", publish=True)
    services.article_unpublish(actor=alice, article=article)
    services.article_update(actor=alice, article=article, title="Nouveau titre")
    assert article.slug == "titre-dorigine"


def test_renaming_the_slug_redirects_the_old_address_permanently(client, public_space, alice):
    article = write(public_space, alice, title="Ancien nom", publish=True)
    old_url = article.get_absolute_url()
    services.article_update(actor=alice, article=article, slug="nouveau-nom")
    assert ArticleSlugRedirect.objects.filter(article=article, slug="ancien-nom").exists()
    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == "/s/jeunes/a/nouveau-nom/"
    assert client.get("/s/jeunes/a/nouveau-nom/").status_code == 200


def test_an_old_slug_is_not_given_to_another_article(public_space, alice):
    article = write(public_space, alice, title="Ancien nom", publish=True)
    services.article_update(actor=alice, article=article, slug="nouveau-nom")
    other = write(public_space, alice, title="Ancien nom")
    assert other.slug == "ancien-nom-2"


def test_renaming_to_an_address_in_use_is_refused(public_space, alice):
    write(public_space, alice, title="Occupé", publish=True)
    article = write(public_space, alice, title="Autre", publish=True)
    with pytest.raises(ValidationError) as error:
        services.article_update(actor=alice, article=article, slug="occupe")
    assert "slug" in error.value.message_dict


# Tags


def test_tags_are_created_on_the_fly_once_per_space(public_space, private_space, alice):
    first = write(public_space, alice, tags="Décrochage, parents , décrochage,, ")
    second = write(public_space, alice, tags="decrochage, Transition")
    write(private_space, alice, tags="décrochage")
    assert sorted(tag.slug for tag in first.tags.all()) == ["decrochage", "parents"]
    assert sorted(tag.slug for tag in second.tags.all()) == ["decrochage", "transition"]
    assert Tag.objects.filter(space=public_space).count() == 3
    assert Tag.objects.filter(space=public_space, slug="decrochage").get().name == "Décrochage"
    assert Tag.objects.filter(space=private_space).count() == 1


def test_updating_tags_replaces_them(public_space, alice):
    article = write(public_space, alice, tags="un, deux")
    services.article_update(actor=alice, article=article, tags="deux, trois")
    assert sorted(tag.slug for tag in article.tags.all()) == ["deux", "trois"]


# Covers and editor images


def test_a_cover_must_be_an_image(public_space, alice):
    fake = SimpleUploadedFile("cover.png", b"not an image at all", content_type="image/png")
    with pytest.raises(ValidationError) as error:
        write(public_space, alice, cover=fake)
    assert "cover" in error.value.message_dict


def test_a_cover_is_stored_under_the_space_with_an_unguessable_name(public_space, alice):
    article = write(public_space, alice, cover=png("ma photo.png"))
    assert article.cover.name.startswith(f"spaces/{public_space.pk}/")
    assert "ma photo" not in article.cover.name


def test_an_editor_image_is_stored_and_served_to_readers_of_the_space(
    client, private_space, alice, outsider
):
    image = services.article_image_upload(uploader=alice, space=private_space, image=png())
    assert image.image.name.startswith(f"spaces/{private_space.pk}/")
    client.force_login(alice)
    assert client.get(image.image.url).status_code == 200
    client.force_login(outsider)
    assert client.get(image.image.url).status_code == 404


def test_an_oversized_editor_image_is_refused(settings, public_space, alice):
    settings.CARNET_IMAGE_MAX_BYTES = 100
    with pytest.raises(ValidationError):
        services.article_image_upload(uploader=alice, space=public_space, image=png())
    assert not ArticleImage.objects.exists()


def test_readers_may_not_upload_images(public_space, reader):
    with pytest.raises(PermissionDenied):
        services.article_image_upload(uploader=reader, space=public_space, image=png())


# Permissions


@pytest.mark.parametrize("role", ["alice", "facilitator", "owner"])
def test_contributors_may_write(public_space, role, request):
    user = request.getfixturevalue(role)
    assert write(public_space, user).author == user


@pytest.mark.parametrize("role", ["reader", "outsider"])
def test_readers_and_outsiders_may_not_write(public_space, role, request):
    with pytest.raises(PermissionDenied):
        write(public_space, request.getfixturevalue(role))


@pytest.mark.parametrize(
    ("role", "may_edit", "may_unpublish", "may_delete"),
    [
        ("alice", True, True, True),  # the author
        ("bob", False, False, False),
        ("facilitator", True, True, False),
        ("owner", True, True, False),
        ("reader", False, False, False),
        ("outsider", False, False, False),
    ],
)
def test_who_may_edit_unpublish_and_delete_a_published_article(
    public_space, alice, role, may_edit, may_unpublish, may_delete, request
):
    user = request.getfixturevalue(role)
    article = write(public_space, alice, publish=True)

    def attempt(action, **kwargs) -> bool:
        """Try the action, then roll it back so that the next one starts from the same state."""
        fresh = Article.objects.get(pk=article.pk)
        try:
            with transaction.atomic():
                action(actor=user, article=fresh, **kwargs)
                raise _Rollback
        except PermissionDenied:
            return False
        except _Rollback:
            return True

    assert attempt(services.article_update, title="Titre corrigé") is may_edit
    assert attempt(services.article_unpublish) is may_unpublish
    assert attempt(services.article_delete) is may_delete
    assert Article.objects.get(pk=article.pk).title == article.title


class _Rollback(Exception):
    pass


@pytest.mark.parametrize("role", ["bob", "facilitator", "owner"])
def test_nobody_but_its_author_edits_or_publishes_a_draft(public_space, alice, role, request):
    user = request.getfixturevalue(role)
    article = write(public_space, alice)
    with pytest.raises(PermissionDenied):
        services.article_update(actor=user, article=article, title="Pris")
    with pytest.raises(PermissionDenied):
        services.article_publish(actor=user, article=article)


def test_a_moderator_edit_keeps_the_author_and_announces_the_change(
    public_space, alice, facilitator
):
    article = write(public_space, alice, publish=True)
    services.article_update(actor=facilitator, article=article, body="Texte modéré")
    article.refresh_from_db()
    assert article.author == alice
    assert article.edited_at is not None
    assert [event.type for event in events_of(public_space)] == [
        "article.published",
        "article.updated",
    ]


def test_unpublishing_hides_the_article_and_tells_the_space(client, public_space, alice, bob):
    article = write(public_space, alice, publish=True)
    services.article_unpublish(actor=alice, article=article)
    assert events_of(public_space)[-1].type == "article.unpublished"
    assert events_of(public_space)[-1].payload["data"] == {"article_id": article.pk}
    client.force_login(bob)
    assert client.get(article.get_absolute_url()).status_code == 404


def test_deleting_removes_the_article_and_its_comments(public_space, alice, bob):
    article = write(public_space, alice, publish=True)
    make_comment(article, bob)
    services.article_delete(actor=alice, article=article)
    assert not Article.objects.filter(pk=article.pk).exists()
    assert not Comment.objects.exists()
    assert events_of(public_space)[-1].type == "article.unpublished"


def test_deleting_a_draft_tells_nobody(public_space, alice):
    article = write(public_space, alice)
    services.article_delete(actor=alice, article=article)
    assert events_of(public_space) == []


# Reading


@pytest.mark.parametrize("role", ["bob", "facilitator", "owner", "reader", "outsider"])
def test_drafts_are_invisible_to_everyone_but_their_author(
    client, public_space, alice, role, request
):
    article = write(public_space, alice)
    client.force_login(request.getfixturevalue(role))
    assert client.get(article.get_absolute_url()).status_code == 404
    assert (
        client.get(reverse("boards:article_edit", args=["jeunes", article.slug])).status_code == 404
    )


def test_the_author_sees_their_draft_marked_as_such(client, public_space, alice):
    article = write(public_space, alice)
    client.force_login(alice)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "only you can see this page" in response.content.decode()


def test_anonymous_visitors_read_published_articles_of_public_spaces_only(
    client, public_space, private_space, alice
):
    public = write(public_space, alice, publish=True)
    private = write(private_space, alice, publish=True)
    assert client.get(public.get_absolute_url()).status_code == 200
    assert client.get(private.get_absolute_url()).status_code == 404


def test_the_article_page_shows_its_tools_only_to_those_who_may_use_them(
    client, public_space, alice, bob, facilitator
):
    article = write(public_space, alice, publish=True)
    edit_url = reverse("boards:article_edit", args=["jeunes", article.slug])
    delete_url = reverse("boards:article_delete", args=["jeunes", article.slug])
    client.force_login(alice)
    page = client.get(article.get_absolute_url()).content.decode()
    assert edit_url in page and delete_url in page
    client.force_login(bob)
    page = client.get(article.get_absolute_url()).content.decode()
    assert edit_url not in page and delete_url not in page
    client.force_login(facilitator)
    page = client.get(article.get_absolute_url()).content.decode()
    assert edit_url in page and delete_url not in page


def test_my_drafts_lists_only_my_drafts(client, public_space, alice, bob):
    mine = write(public_space, alice, title="Mon brouillon")
    write(public_space, alice, title="Publié", publish=True)
    write(public_space, bob, title="Celui de Bob")
    assert list(my_drafts(user=alice, space=public_space)) == [mine]
    client.force_login(alice)
    page = client.get(reverse("boards:drafts", args=["jeunes"])).content.decode()
    assert "Mon brouillon" in page and "Celui de Bob" not in page and "Publié" not in page


def test_readers_have_no_write_page(client, public_space, reader):
    client.force_login(reader)
    assert client.get(reverse("boards:article_write", args=["jeunes"])).status_code == 403
    assert client.get(reverse("boards:drafts", args=["jeunes"])).status_code == 403


def test_the_space_nav_offers_write_and_drafts_to_writers_only(client, public_space, alice, reader):
    client.force_login(alice)
    page = client.get(public_space.get_absolute_url()).content.decode()
    assert reverse("boards:article_write", args=["jeunes"]) in page
    client.force_login(reader)
    page = client.get(public_space.get_absolute_url()).content.decode()
    assert reverse("boards:article_write", args=["jeunes"]) not in page


# The editor, with and without JavaScript


def test_the_preview_button_renders_without_saving(client, public_space, alice):
    client.force_login(alice)
    response = client.post(
        reverse("boards:article_write", args=["jeunes"]),
        {"title": "Essai", "body": "Du **gras**", "action": "preview"},
    )
    assert response.status_code == 200
    assert "<strong>gras</strong>" in response.content.decode()
    assert not Article.objects.exists()


def test_publishing_from_the_form_leads_to_the_article(client, public_space, alice):
    category = make_category(public_space, "Expériences positives")
    client.force_login(alice)
    response = client.post(
        reverse("boards:article_write", args=["jeunes"]),
        {
            "title": "Un projet qui marche",
            "body": "Le récit.",
            "category": category.pk,
            "tags": "projet, réussite",
            "action": "publish",
        },
    )
    article = Article.objects.get()
    assert response.status_code == 302
    assert response["Location"] == article.get_absolute_url()
    assert article.is_published and article.category == category
    assert article.tags.count() == 2


def test_saving_a_draft_from_the_form_returns_to_the_editor(client, public_space, alice):
    client.force_login(alice)
    response = client.post(
        reverse("boards:article_write", args=["jeunes"]),
        {"title": "Pas fini", "body": "…", "action": "save"},
    )
    article = Article.objects.get()
    assert not article.is_published
    assert response["Location"] == reverse("boards:article_edit", args=["jeunes", article.slug])


def test_the_form_shows_clear_errors_and_keeps_the_text(client, public_space, alice):
    client.force_login(alice)
    response = client.post(
        reverse("boards:article_write", args=["jeunes"]),
        {"title": "", "body": "Mon texte précieux", "action": "publish"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Give your article a title." in page
    assert "Mon texte précieux" in page
    assert not Article.objects.exists()


def test_the_form_refuses_an_oversized_body(client, public_space, alice):
    client.force_login(alice)
    response = client.post(
        reverse("boards:article_write", args=["jeunes"]),
        {"title": "Long", "body": "x" * (services.MAX_BODY_CHARS + 1), "action": "save"},
    )
    assert response.status_code == 400
    assert "The text is too long" in response.content.decode()


def test_the_form_refuses_a_file_that_is_not_an_image_as_cover(client, public_space, alice):
    client.force_login(alice)
    fake = SimpleUploadedFile("cover.gif", b"GIF? no.", content_type="image/gif")
    response = client.post(
        reverse("boards:article_write", args=["jeunes"]),
        {"title": "Couverture", "body": "…", "action": "save", "cover": fake},
    )
    assert response.status_code == 400
    assert "This file is not an image we can read." in response.content.decode()


def test_the_upload_button_inserts_the_image_markdown_without_javascript(
    client, public_space, alice
):
    client.force_login(alice)
    response = client.post(
        reverse("boards:article_write", args=["jeunes"]),
        {"title": "Photos", "body": "Avant", "action": "upload", "image": png()},
    )
    image = ArticleImage.objects.get()
    assert f"![]({image.image.url})" in response.content.decode()


def test_the_live_preview_is_the_same_renderer(client, public_space, alice):
    client.force_login(alice)
    response = client.post(
        reverse("boards:article_preview", args=["jeunes"]),
        {"body": "# Titre\n\n[x](javascript:alert(1))"},
    )
    assert response.status_code == 200
    html = response.json()["html"]
    assert Elements(html).find("h1")
    assert not [attrs for tag, attrs in Elements(html).elements if attrs.get("href")]


def test_the_live_preview_is_for_writers_only(client, public_space, reader):
    client.force_login(reader)
    response = client.post(reverse("boards:article_preview", args=["jeunes"]), {"body": "x"})
    assert response.status_code == 403


def test_autosave_creates_the_draft_then_updates_it(client, public_space, alice):
    client.force_login(alice)
    url = reverse("boards:article_autosave", args=["jeunes"])
    first = client.post(url, {"title": "", "body": "Début"}).json()
    article = Article.objects.get()
    assert first["article_id"] == article.pk
    assert first["edit_url"] == reverse("boards:article_edit", args=["jeunes", article.slug])
    second = client.post(url, {"article": article.pk, "title": "Mon titre", "body": "Suite"})
    assert second.status_code == 200
    article.refresh_from_db()
    assert (article.title, article.body_md, article.status) == ("Mon titre", "Suite", "draft")
    assert Article.objects.count() == 1
    assert events_of(public_space) == []


def test_the_write_page_saves_into_the_draft_the_autosave_created(client, public_space, alice):
    client.force_login(alice)
    draft = client.post(
        reverse("boards:article_autosave", args=["jeunes"]), {"title": "Tôt", "body": "…"}
    ).json()
    client.post(
        reverse("boards:article_write", args=["jeunes"]),
        {"title": "Final", "body": "Texte", "action": "publish", "draft": draft["article_id"]},
    )
    article = Article.objects.get()
    assert article.pk == draft["article_id"]
    assert article.is_published and article.title == "Final"


def test_autosave_never_touches_someone_elses_draft(client, public_space, alice, bob):
    article = write(public_space, alice, body="À moi")
    client.force_login(bob)
    response = client.post(
        reverse("boards:article_autosave", args=["jeunes"]),
        {"article": article.pk, "title": "Volé", "body": "…"},
    )
    assert response.status_code == 404
    article.refresh_from_db()
    assert article.body_md == "À moi"


def test_autosave_leaves_published_articles_alone(client, public_space, alice):
    article = write(public_space, alice, body="En ligne", publish=True)
    client.force_login(alice)
    response = client.post(
        reverse("boards:article_autosave", args=["jeunes"]),
        {"article": article.pk, "title": article.title, "body": "Brouillon en cours"},
    )
    assert response.status_code == 400
    article.refresh_from_db()
    assert article.body_md == "En ligne"


def test_the_image_endpoint_answers_the_markdown(client, public_space, alice):
    client.force_login(alice)
    response = client.post(reverse("boards:image_upload", args=["jeunes"]), {"image": png()})
    assert response.status_code == 201
    image = ArticleImage.objects.get()
    assert response.json()["markdown"] == f"![]({image.image.url})"


def test_the_image_endpoint_explains_a_refusal(client, public_space, alice):
    client.force_login(alice)
    fake = SimpleUploadedFile("x.png", b"<svg onload=alert(1)>", content_type="image/png")
    response = client.post(reverse("boards:image_upload", args=["jeunes"]), {"image": fake})
    assert response.status_code == 400
    assert response.json()["error"] == "This file is not an image we can read."


def test_deleting_asks_for_confirmation_first(client, public_space, alice):
    article = write(public_space, alice, publish=True)
    url = reverse("boards:article_delete", args=["jeunes", article.slug])
    client.force_login(alice)
    assert client.get(url).status_code == 200
    assert Article.objects.exists()
    assert client.post(url).status_code == 302
    assert not Article.objects.exists()


def test_a_moderator_unpublishes_through_a_confirmation(client, public_space, alice, facilitator):
    article = write(public_space, alice, publish=True)
    url = reverse("boards:article_unpublish", args=["jeunes", article.slug])
    client.force_login(facilitator)
    assert client.get(url).status_code == 200
    client.post(url)
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_the_article_list_card_of_a_factory_article_renders(public_space, alice):
    from django.template.loader import render_to_string

    article = make_article(public_space, alice, title="Carte", tags=["a"])
    html = render_to_string("boards/_article_card.html", {"article": article})
    assert Elements(html).find("li", id=f"article-{article.pk}", class_="article-card")


# The demo space


def test_the_demo_articles_are_seeded_once_with_comments_and_varied_dates(db):
    from boards.demo import seed_demo_network
    from boards.demo_content import ARTICLES, seed_demo_articles

    network = seed_demo_network()
    space = network.public_space
    categories = network.categories[space.slug]
    created = seed_demo_articles(space, network.users, categories)
    again = seed_demo_articles(space, network.users, categories)
    assert len(created) == len(ARTICLES) >= 12
    assert again == []
    articles = Article.objects.filter(space=space)
    assert articles.count() == len(ARTICLES)
    assert all(article.is_published for article in articles)
    assert {article.category.name for article in articles} == set(categories)
    assert len({article.published_at.date() for article in articles}) == len(ARTICLES)
    assert all(article.comment_count >= 2 for article in articles)
    assert Comment.objects.filter(article__space=space, parent__isnull=False).exists()
    assert Tag.objects.filter(space=space).count() > 10
