"""Writes on articles: drafts, publishing, permalinks, tags, covers and editor images.

Markdown is rendered once here, at write time (boards.rendering); pages and event
fragments insert the stored HTML. Drafts are private to their author and never
produce events; published articles announce every change to the space.
"""

import re

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.validators import validate_image_upload
from boards.models import Article, ArticleImage, ArticleSlugRedirect, Category, Space, Tag
from boards.permissions import (
    Action,
    can_delete_article,
    can_edit_article,
    can_unpublish_article,
    ensure_can,
)
from boards.rendering import excerpt_of, reading_minutes_of, render_markdown
from realtime import events
from realtime.log import event_append

MAX_BODY_CHARS = 100_000
MAX_TAGS = 12
SLUG_BASE_MAX = 200
# Sent when nothing better is known: pass a real value, or leave the field as it is.
UNCHANGED = object()


def _denied() -> PermissionDenied:
    return PermissionDenied(_("You are not allowed to change this article."))


def _validate_body(body: str) -> None:
    if len(body) > MAX_BODY_CHARS:
        raise ValidationError(
            {
                "body": _(
                    "The text is too long: %(length)s characters, %(max)s at most. "
                    "Split it into several articles."
                )
                % {"length": f"{len(body):,}".replace(",", " "), "max": "100 000"}
            },
            code="body_too_long",
        )


def _validate_title(title: str) -> None:
    if not title.strip():
        raise ValidationError({"title": _("Give your article a title.")}, code="title_required")


def _validate_category(category: Category | None, space: Space) -> None:
    if category is not None and category.space_id != space.pk:
        raise ValidationError({"category": _("This category belongs to another space.")})


def _validate_cover(cover: UploadedFile) -> None:
    try:
        validate_image_upload(cover, max_bytes=settings.CARNET_IMAGE_MAX_BYTES)
    except ValidationError as error:
        raise ValidationError({"cover": error.messages}) from error


_HEADINGS = re.compile(r"<h[1-6][^>]*>.*?</h[1-6]>", re.DOTALL)


def _render(article: Article) -> None:
    article.body_html = render_markdown(article.body_md)
    # Headings read badly run into the sentences of a card's excerpt.
    article.excerpt = excerpt_of(_HEADINGS.sub(" ", article.body_html)) or excerpt_of(
        article.body_html
    )
    article.reading_minutes = reading_minutes_of(article.body_html)


def _slug_taken(space: Space, slug: str, article: Article | None) -> bool:
    articles = Article.objects.filter(space=space, slug=slug)
    redirects = ArticleSlugRedirect.objects.filter(space=space, slug=slug)
    if article is not None and article.pk:
        articles = articles.exclude(pk=article.pk)
        redirects = redirects.exclude(article=article)
    return articles.exists() or redirects.exists()


def slug_allocate(*, space: Space, title: str, article: Article | None = None) -> str:
    """A slug for `title` that no other article of the space uses or used (old slugs too)."""
    base = slugify(title)[:SLUG_BASE_MAX].strip("-") or "article"
    slug, suffix = base, 2
    while _slug_taken(space, slug, article):
        slug = f"{base}-{suffix}"
        suffix += 1
    return slug


@transaction.atomic
def tag_get_or_create(*, actor: User, space: Space, name: str) -> Tag | None:
    """The space's tag called `name` (matched by slug, so "Décrochage" = "decrochage").

    Returns None for a name with nothing usable in it.
    """
    ensure_can(actor, Action.WRITE_ARTICLE, space)
    name = " ".join(name.split())[: Tag._meta.get_field("name").max_length]
    slug = slugify(name)[: Tag._meta.get_field("slug").max_length]
    if not slug:
        return None
    tag = Tag.objects.filter(space=space, slug=slug).first()
    if tag is not None:
        return tag
    try:
        with transaction.atomic():
            return Tag.objects.create(space=space, name=name, slug=slug)
    except IntegrityError:  # created meanwhile by another writer
        return Tag.objects.get(space=space, slug=slug)


def tags_from_text(*, actor: User, space: Space, text: str) -> list[Tag]:
    """Tags from a comma-separated list, created on the fly, without duplicates."""
    names = [part for part in (text or "").split(",") if part.strip()]
    tags: dict[int, Tag] = {}
    for name in names:
        tag = tag_get_or_create(actor=actor, space=space, name=name)
        if tag is not None:
            tags[tag.pk] = tag
    if len(tags) > MAX_TAGS:
        raise ValidationError(
            {"tags": _("%(max)s tags at most, please.") % {"max": MAX_TAGS}}, code="too_many_tags"
        )
    return list(tags.values())


def tags_as_text(article: Article) -> str:
    return ", ".join(tag.name for tag in article.tags.all())


def _set_tags(article: Article, actor: User, tags: str | list[str]) -> None:
    text = tags if isinstance(tags, str) else ",".join(tags)
    article.tags.set(tags_from_text(actor=actor, space=article.space, text=text))


@transaction.atomic
def article_create(
    *,
    author: User,
    space: Space,
    title: str,
    body: str = "",
    category: Category | None = None,
    tags: str | list[str] = "",
    cover: UploadedFile | None = None,
    publish: bool = False,
) -> Article:
    """Create a draft (or publish at once with `publish=True`)."""
    ensure_can(author, Action.WRITE_ARTICLE, space)
    _validate_title(title)
    _validate_body(body)
    _validate_category(category, space)
    if cover is not None:
        _validate_cover(cover)
    now = timezone.now()
    article = Article(
        space=space,
        author=author,
        title=title.strip(),
        slug=slug_allocate(space=space, title=title),
        body_md=body,
        category=category,
        created_at=now,
        updated_at=now,
    )
    if cover is not None:
        article.cover = cover
    _render(article)
    article.full_clean(exclude=["slug"])
    article.save()
    _set_tags(article, author, tags)
    if publish:
        article_publish(actor=author, article=article)
    return article


def _rename_slug(article: Article, new_slug: str) -> None:
    new_slug = slugify(new_slug)[: Article._meta.get_field("slug").max_length].strip("-")
    if not new_slug:
        raise ValidationError({"slug": _("Enter an address made of letters, digits and dashes.")})
    if new_slug == article.slug:
        return
    if _slug_taken(article.space, new_slug, article):
        raise ValidationError(
            {"slug": _("Another article of this space already uses this address.")}
        )
    if article.published_at is not None:
        # The old address was public: keep it working with a permanent redirect.
        ArticleSlugRedirect.objects.get_or_create(
            space=article.space, slug=article.slug, defaults={"article": article}
        )
    ArticleSlugRedirect.objects.filter(space=article.space, slug=new_slug).delete()
    article.slug = new_slug


@transaction.atomic
def article_update(
    *,
    actor: User,
    article: Article,
    title: str | None = None,
    body: str | None = None,
    category: Category | None | object = UNCHANGED,
    tags: str | list[str] | None = None,
    cover: UploadedFile | None = None,
    remove_cover: bool = False,
    slug: str | None = None,
) -> Article:
    """Change an article; `None` (or UNCHANGED for the category) leaves a field as it is.

    Editing the title of an article that was ever published keeps its address; only
    an explicit `slug` renames it, and the old address then redirects.
    """
    if not can_edit_article(actor, article):
        raise _denied()
    space = article.space
    if title is not None:
        _validate_title(title)
        article.title = title.strip()
        if article.published_at is None and slug is None:
            article.slug = slug_allocate(space=space, title=title, article=article)
    if body is not None:
        _validate_body(body)
        article.body_md = body
        _render(article)
    if category is not UNCHANGED:
        _validate_category(category, space)
        article.category = category
    if cover is not None:
        _validate_cover(cover)
        article.cover = cover
    elif remove_cover:
        article.cover = ""
    if slug is not None:
        _rename_slug(article, slug)
    now = timezone.now()
    article.updated_at = now
    if article.is_published:
        article.edited_at = now
    article.full_clean()
    article.save()
    if tags is not None:
        _set_tags(article, actor, tags)
    if article.is_published:
        event_append(space=space, **events.article_updated(article))
    return article


@transaction.atomic
def article_autosave(
    *,
    author: User,
    space: Space,
    article: Article | None = None,
    title: str = "",
    body: str = "",
    category: Category | None = None,
    tags: str | None = None,
) -> Article:
    """Save a draft as the author types: no event, an empty title allowed for now.

    Creates the draft when `article` is None. Published articles are not autosaved:
    their changes go live only when the author presses "Update".
    """
    ensure_can(author, Action.WRITE_ARTICLE, space)
    if article is not None:
        if article.space_id != space.pk or article.author_id != author.pk:
            raise _denied()
        if article.is_published:
            raise ValidationError(
                _("Published articles are not saved automatically: press Update.")
            )
    _validate_body(body)
    _validate_category(category, space)
    now = timezone.now()
    if article is None:
        article = Article(space=space, author=author, created_at=now)
    article.title = title.strip()
    if article.published_at is None:
        article.slug = slug_allocate(space=space, title=title, article=article)
    article.body_md = body
    article.category = category
    article.updated_at = now
    _render(article)
    article.full_clean(exclude=["title", "slug"])
    article.save()
    if tags is not None:
        _set_tags(article, author, tags)
    return article


@transaction.atomic
def article_publish(*, actor: User, article: Article) -> Article:
    """Publish a draft. Only its author publishes; safe to repeat."""
    if article.author_id != actor.pk or not can_edit_article(actor, article):
        raise _denied()
    if article.is_published:
        return article
    _validate_title(article.title)
    if not article.body_md.strip():
        raise ValidationError({"body": _("Write something before publishing.")})
    article.status = Article.Status.PUBLISHED
    # A republished article keeps its first date, like its address.
    article.published_at = article.published_at or timezone.now()
    article.updated_at = timezone.now()
    article.save(update_fields=["status", "published_at", "updated_at"])
    event_append(space=article.space, **events.article_published(article))
    return article


@transaction.atomic
def article_unpublish(*, actor: User, article: Article) -> Article:
    """Turn a published article back into its author's draft; safe to repeat."""
    if not article.is_published:
        if article.author_id == actor.pk:
            return article
        raise _denied()
    if not can_unpublish_article(actor, article):
        raise _denied()
    article.status = Article.Status.DRAFT
    article.updated_at = timezone.now()
    article.save(update_fields=["status", "updated_at"])
    event_append(space=article.space, **events.article_unpublished(article))
    return article


@transaction.atomic
def article_delete(*, actor: User, article: Article) -> None:
    """Delete an article with its comments. Only its author may."""
    if not can_delete_article(actor, article):
        raise _denied()
    was_published = article.is_published
    space = article.space
    spec = events.article_unpublished(article)
    article.delete()
    if was_published:
        event_append(space=space, **spec)


@transaction.atomic
def article_image_upload(*, uploader: User, space: Space, image: UploadedFile) -> ArticleImage:
    """Store an image for an article body under the space's media, with a random name."""
    ensure_can(uploader, Action.WRITE_ARTICLE, space)
    validate_image_upload(image, max_bytes=settings.CARNET_IMAGE_MAX_BYTES)
    article_image = ArticleImage(space=space, uploaded_by=uploader, image=image)
    article_image.save()
    return article_image
