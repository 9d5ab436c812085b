"""One builder per event type: the schema of every event in one place.

Each builder returns the keyword arguments of `realtime.log.event_append`:
`type` ("<noun>.<verb>"), `data` (ids and small JSON-safe values) and `html`
(a server-rendered, sanitized fragment the browser inserts as is).
"""

from typing import Any, TypedDict

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from boards.models import (
    REACTION_EMOJI,
    Article,
    Comment,
    LiveThread,
    Membership,
    Message,
    Space,
)


class EventSpec(TypedDict):
    type: str
    data: dict[str, Any]
    html: str


def space_updated(space: Space) -> EventSpec:
    return {
        "type": "space.updated",
        "data": {
            "space_id": space.pk,
            "name": space.name,
            "tagline": space.tagline,
            "visibility": space.visibility,
            "accent_color": space.accent_color,
        },
        "html": "",
    }


def member_joined(membership: Membership) -> EventSpec:
    return {
        "type": "member.joined",
        "data": {"user_id": membership.user_id, "role": membership.role},
        "html": "",
    }


def member_role_changed(membership: Membership) -> EventSpec:
    return {
        "type": "member.role_changed",
        "data": {"user_id": membership.user_id, "role": membership.role},
        "html": "",
    }


def member_removed(*, space_id: int, user_id: int) -> EventSpec:
    return {"type": "member.removed", "data": {"user_id": user_id}, "html": ""}


# Articles and comments (issue 3). Fragments are rendered for no particular viewer and
# in the site's default language: per-viewer controls stay `hidden` and the client
# reveals them (see templates/boards/_comment.html). Only published articles have events.


def _fragment(template: str, context: dict[str, Any]) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(template, context)


def _article_data(article: Article) -> dict[str, Any]:
    return {
        "article_id": article.pk,
        "category_id": article.category_id,
        "url": article.get_absolute_url(),
        "title": article.title,
    }


def article_published(article: Article) -> EventSpec:
    return {
        "type": "article.published",
        "data": _article_data(article),
        "html": _fragment("boards/_article_card.html", {"article": article}),
    }


def article_updated(article: Article) -> EventSpec:
    return {
        "type": "article.updated",
        "data": _article_data(article),
        "html": _fragment("boards/_article_card.html", {"article": article}),
    }


def article_unpublished(article: Article) -> EventSpec:
    return {"type": "article.unpublished", "data": {"article_id": article.pk}, "html": ""}


def _comment_event(type: str, comment: Comment) -> EventSpec:
    return {
        "type": type,
        "data": {
            "comment_id": comment.pk,
            "article_id": comment.article_id,
            "parent_id": comment.parent_id,
            "comment_count": comment.article.comment_count,
        },
        "html": _fragment("boards/_comment.html", {"comment": comment}),
    }


def comment_created(comment: Comment) -> EventSpec:
    return _comment_event("comment.created", comment)


def comment_updated(comment: Comment) -> EventSpec:
    return _comment_event("comment.updated", comment)


def comment_removed(comment: Comment) -> EventSpec:
    return _comment_event("comment.removed", comment)


# Live threads (issue 5). Message fragments follow the same rule as comments: rendered
# for no particular viewer, per-viewer controls `hidden` for the client to reveal.


def _thread_data(thread: LiveThread) -> dict[str, Any]:
    return {
        "thread_id": thread.pk,
        "title": thread.title,
        "state": thread.state,
        "message_count": thread.message_count,
        "url": thread.get_absolute_url(),
    }


def thread_created(thread: LiveThread) -> EventSpec:
    return {
        "type": "thread.created",
        "data": _thread_data(thread),
        "html": _fragment("boards/_thread_item.html", {"thread": thread}),
    }


def thread_updated(thread: LiveThread) -> EventSpec:
    return {
        "type": "thread.updated",
        "data": _thread_data(thread),
        "html": _fragment("boards/_thread_item.html", {"thread": thread}),
    }


def _message_event(type: str, message: Message, extra: dict[str, Any] | None = None) -> EventSpec:
    reactions = message.reaction_summary()
    data = {
        "thread_id": message.thread_id,
        "message_id": message.pk,
        "author_id": message.author_id,
        "reply_to_id": message.reply_to_id,
        "message_count": message.thread.message_count,
        "removed": message.is_removed,
        "reactions": {entry["emoji"]: entry["count"] for entry in reactions},
        **(extra or {}),
    }
    return {
        "type": type,
        "data": data,
        "html": _fragment(
            "boards/_message.html", {"message": message, "reaction_emoji": REACTION_EMOJI}
        ),
    }


def message_posted(message: Message, *, client_nonce: str = "") -> EventSpec:
    """`client_nonce` is the poster's own tag for its optimistic copy, echoed as is."""
    return _message_event("message.posted", message, {"client_nonce": client_nonce})


def message_edited(message: Message) -> EventSpec:
    return _message_event("message.edited", message)


def message_removed(message: Message) -> EventSpec:
    return _message_event("message.removed", message)


def reaction_changed(message: Message, *, user_id: int, emoji: str, on: bool) -> EventSpec:
    return _message_event(
        "reaction.changed", message, {"user_id": user_id, "emoji": emoji, "on": on}
    )
