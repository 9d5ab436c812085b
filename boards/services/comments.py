"""Writes on comments: one level of replies, edits marked, removals that keep their place."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from boards.models import Article, Comment
from boards.permissions import Action, can_edit_comment, can_remove_comment, ensure_can
from boards.rendering import render_markdown
from realtime import events
from realtime.log import event_append

MAX_COMMENT_CHARS = 10_000


def _validate_body(body: str) -> None:
    if not body.strip():
        raise ValidationError({"body": _("Write something first.")}, code="body_required")
    if len(body) > MAX_COMMENT_CHARS:
        raise ValidationError(
            {
                "body": _("A comment holds %(max)s characters at most (this one has %(length)s).")
                % {"max": "10 000", "length": len(body)}
            },
            code="body_too_long",
        )


def _ensure_published(article: Article) -> None:
    if not article.is_published:
        raise ValidationError(_("Comments are open on published articles only."))


def _refresh_count(article: Article) -> None:
    """Recount the article's visible comments; called under the article's row lock."""
    count = Comment.objects.filter(article=article, removed_at__isnull=True).count()
    Article.objects.filter(pk=article.pk).update(comment_count=count)
    article.comment_count = count


def _lock(article: Article) -> None:
    # Serialise comment writers on one article so that the count stays right.
    Article.objects.select_for_update().filter(pk=article.pk).values_list("pk").first()


@transaction.atomic
def comment_create(
    *, author: User, article: Article, body: str, parent: Comment | None = None
) -> Comment:
    """Comment on a published article, or reply to a comment.

    Replies are one level deep: replying to a reply attaches to its top-level comment.
    """
    ensure_can(author, Action.COMMENT, article.space)
    _ensure_published(article)
    _validate_body(body)
    if parent is not None:
        if parent.article_id != article.pk:
            raise ValidationError(_("This comment belongs to another article."))
        if parent.parent_id is not None:
            parent = Comment.objects.get(pk=parent.parent_id)
    _lock(article)
    comment = Comment(
        article=article,
        author=author,
        parent=parent,
        body_md=body,
        body_html=render_markdown(body),
        created_at=timezone.now(),
    )
    comment.full_clean()
    comment.save()
    _refresh_count(article)
    event_append(space=article.space, **events.comment_created(comment))
    return comment


@transaction.atomic
def comment_update(*, actor: User, comment: Comment, body: str) -> Comment:
    """Change one's own comment; it is then marked "edited"."""
    article = comment.article
    if not can_edit_comment(actor, comment, article.space):
        raise PermissionDenied(_("Only its author may edit this comment."))
    _ensure_published(article)
    _validate_body(body)
    if body == comment.body_md:
        return comment
    comment.body_md = body
    comment.body_html = render_markdown(body)
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body_md", "body_html", "edited_at"])
    event_append(space=article.space, **events.comment_updated(comment))
    return comment


@transaction.atomic
def comment_remove(*, actor: User, comment: Comment) -> Comment:
    """Remove a comment: its text goes, "comment removed" stays so replies keep their place.

    Its author or a moderator may; removing twice changes nothing.
    """
    article = comment.article
    if comment.is_removed:
        return comment
    if not can_remove_comment(actor, comment, article.space):
        raise PermissionDenied(_("You are not allowed to remove this comment."))
    _lock(article)
    comment.removed_at = timezone.now()
    comment.body_md = ""
    comment.body_html = ""
    comment.save(update_fields=["removed_at", "body_md", "body_html"])
    _refresh_count(article)
    if article.is_published:
        event_append(space=article.space, **events.comment_removed(comment))
    return comment
