"""Writes on live threads: threads and their states, messages, mentions and reactions.

Every write appends one event to the space's log (realtime.log.event_append), so the
members who have the thread open see it at once, and a reconnecting tab catches up.
"""

import re

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from accounts.models import User
from boards.models import (
    REACTION_EMOJI,
    Article,
    LiveThread,
    Message,
    MessageMention,
    Reaction,
    Space,
)
from boards.permissions import Action, can, ensure_can
from boards.rendering import render_markdown
from realtime import events
from realtime.log import event_append

MAX_MESSAGE_CHARS = 4000
MAX_TITLE_CHARS = 160
MAX_NONCE_CHARS = 64

# `@username` not glued to a word, an address or a path (alice@example.org is no mention).
MENTION_RE = re.compile(r"(?<![\w@/.+-])@([\w.+-]*\w)")
# Text inside these elements is left alone: links, code.
_NO_MENTION_TAGS = ("a", "code", "pre")
_TAG_RE = re.compile(r"(<[^>]*>)")


# Threads


def _validate_title(title: str) -> str:
    title = title.strip()
    if not title:
        raise ValidationError({"title": _("Give the thread a title.")}, code="title_required")
    if len(title) > MAX_TITLE_CHARS:
        raise ValidationError(
            {"title": _("A title holds %(max)s characters at most.") % {"max": MAX_TITLE_CHARS}},
            code="title_too_long",
        )
    return title


@transaction.atomic
def thread_create(
    *,
    actor: User,
    space: Space,
    title: str,
    description: str = "",
    article: Article | None = None,
) -> LiveThread:
    """Open a live thread in a space (facilitators and owners)."""
    ensure_can(actor, Action.MODERATE, space)
    if article is not None and (article.space_id != space.pk or not article.is_published):
        raise ValidationError({"article": _("Choose a published article of this space.")})
    now = timezone.now()
    thread = LiveThread(
        space=space,
        title=_validate_title(title),
        description=description.strip(),
        article=article,
        created_by=actor,
        created_at=now,
        last_activity_at=now,
    )
    thread.full_clean()
    thread.save()
    _touch_space(space, now)
    event_append(space=space, **events.thread_created(thread))
    return thread


def _set_state(*, actor: User, thread: LiveThread, state: str) -> LiveThread:
    ensure_can(actor, Action.MODERATE, thread.space)
    locked = _lock_thread(thread)
    if locked.state == state:
        return thread
    thread.state = state
    LiveThread.objects.filter(pk=thread.pk).update(state=state)
    event_append(space=thread.space, **events.thread_updated(thread))
    return thread


@transaction.atomic
def thread_lock(*, actor: User, thread: LiveThread) -> LiveThread:
    """Stop new messages; the thread stays readable. Repeating it changes nothing."""
    return _set_state(actor=actor, thread=thread, state=LiveThread.State.LOCKED)


@transaction.atomic
def thread_archive(*, actor: User, thread: LiveThread) -> LiveThread:
    """Close the thread for good: it becomes a transcript (it can still be reopened)."""
    return _set_state(actor=actor, thread=thread, state=LiveThread.State.ARCHIVED)


@transaction.atomic
def thread_reopen(*, actor: User, thread: LiveThread) -> LiveThread:
    return _set_state(actor=actor, thread=thread, state=LiveThread.State.OPEN)


def _lock_thread(thread: LiveThread) -> LiveThread:
    """Serialise writers on one thread, so that its counters stay right."""
    return LiveThread.objects.select_for_update().only("id", "state").get(pk=thread.pk)


def _touch_space(space: Space, now) -> None:
    Space.objects.filter(pk=space.pk).update(last_activity_at=now)
    space.last_activity_at = now


def _refresh_count(thread: LiveThread) -> None:
    count = Message.objects.filter(thread=thread, removed_at__isnull=True).count()
    LiveThread.objects.filter(pk=thread.pk).update(message_count=count)
    thread.message_count = count


def _ensure_open(thread: LiveThread, state: str) -> None:
    if state == LiveThread.State.LOCKED:
        raise ValidationError(
            _("This thread is locked: it is readable, but no new messages are accepted."),
            code="thread_locked",
        )
    if state == LiveThread.State.ARCHIVED:
        raise ValidationError(
            _("This thread is archived: it is a transcript now, closed to new messages."),
            code="thread_archived",
        )


# Messages


def _validate_body(body: str) -> str:
    if not body.strip():
        raise ValidationError({"body": _("Write something first.")}, code="body_required")
    if len(body) > MAX_MESSAGE_CHARS:
        raise ValidationError(
            {
                "body": _("A message holds %(max)s characters at most (this one has %(length)s).")
                % {"max": "4 000", "length": len(body)}
            },
            code="body_too_long",
        )
    return body.rstrip()


def render_message(body: str, space: Space) -> tuple[str, list[User]]:
    """The message's sanitized HTML, with `@username` of the space's members as links.

    Mentions are linked in the sanitized HTML's text, outside links and code, so that
    nothing the author typed can shape the markup around them; a name that is not a
    member of the space stays plain text. Returns the HTML and the members mentioned.
    """
    html = render_markdown(body)
    candidates = {match.group(1) for match in MENTION_RE.finditer(body)}
    if not candidates:
        return html, []
    members = {
        user.username: user
        for user in User.objects.filter(
            username__in=candidates, memberships__space=space, is_active=True
        )
    }
    if not members:
        return html, []
    mentioned: dict[str, User] = {}

    def link(match: re.Match) -> str:
        user = members.get(match.group(1))
        if user is None:
            return match.group(0)
        mentioned[user.username] = user
        return (
            f'<a class="mention" href="{escape(user.get_absolute_url())}" '
            f'data-user-id="{user.pk}">@{escape(user.username)}</a>'
        )

    parts = []
    depth = 0
    for part in _TAG_RE.split(html):
        if part.startswith("<"):
            name = part.strip("</>").split(maxsplit=1)[0].lower() if part.strip("</>") else ""
            if name in _NO_MENTION_TAGS and not part.endswith("/>"):
                depth += -1 if part.startswith("</") else 1
            parts.append(part)
        elif depth <= 0:
            parts.append(MENTION_RE.sub(link, part))
        else:
            parts.append(part)
    return "".join(parts), list(mentioned.values())


def _store_mentions(message: Message, users: list[User]) -> None:
    MessageMention.objects.filter(message=message).delete()
    MessageMention.objects.bulk_create(
        [
            MessageMention(message=message, user=user)
            for user in users
            if user.pk != message.author_id
        ]
    )


def _for_fragment(message: Message) -> Message:
    """The message again with what its fragment shows: author, parent, reactions."""
    return (
        Message.objects.select_related("author", "reply_to__author", "thread__space")
        .prefetch_related(Prefetch("reactions", queryset=Reaction.objects.select_related("user")))
        .get(pk=message.pk)
    )


@transaction.atomic
def message_post(
    *,
    author: User,
    thread: LiveThread,
    body: str,
    reply_to: Message | None = None,
    client_nonce: str = "",
) -> Message:
    """Post a message in an open thread (members, facilitators, owners).

    `client_nonce` is the poster's tag for the copy it shows before confirmation; it is
    echoed in the `message.posted` event and not stored.
    """
    space = thread.space
    ensure_can(author, Action.CHAT, space)
    body = _validate_body(body)
    locked = _lock_thread(thread)
    _ensure_open(thread, locked.state)
    if reply_to is not None and (reply_to.thread_id != thread.pk or reply_to.is_removed):
        raise ValidationError(
            {"reply_to": _("The message you answer is not in this thread any more.")}
        )
    html, mentioned = render_message(body, space)
    now = timezone.now()
    message = Message(
        thread=thread,
        author=author,
        body_md=body,
        body_html=html,
        reply_to=reply_to,
        created_at=now,
    )
    message.save()
    _store_mentions(message, mentioned)
    _refresh_count(thread)
    LiveThread.objects.filter(pk=thread.pk).update(last_activity_at=now)
    thread.last_activity_at = now
    _touch_space(space, now)
    message = _for_fragment(message)
    message.thread = thread
    event_append(
        space=space, **events.message_posted(message, client_nonce=client_nonce[:MAX_NONCE_CHARS])
    )
    return message


def can_edit_message(user: User, message: Message, *, now=None) -> bool:
    """Its author, while the thread is open and within CARNET_MESSAGE_EDIT_SECONDS."""
    if message.author_id != user.pk or message.is_removed:
        return False
    return (now or timezone.now()) <= message.edit_deadline


@transaction.atomic
def message_edit(*, actor: User, message: Message, body: str) -> Message:
    """Change one's own message within the edit window; it is then marked "edited"."""
    thread = message.thread
    space = thread.space
    if message.author_id != actor.pk or message.is_removed:
        raise PermissionDenied(_("Only its author may edit this message."))
    ensure_can(actor, Action.CHAT, space)
    if not can_edit_message(actor, message):
        minutes = max(1, settings.CARNET_MESSAGE_EDIT_SECONDS // 60)
        raise PermissionDenied(
            _("A message can be edited only within %(minutes)s minutes of posting it.")
            % {"minutes": minutes}
        )
    body = _validate_body(body)
    locked = _lock_thread(thread)
    _ensure_open(thread, locked.state)
    if body == message.body_md:
        return message
    html, mentioned = render_message(body, space)
    message.body_md = body
    message.body_html = html
    message.edited_at = timezone.now()
    message.save(update_fields=["body_md", "body_html", "edited_at"])
    _store_mentions(message, mentioned)
    fresh = _for_fragment(message)
    fresh.thread = thread
    event_append(space=space, **events.message_edited(fresh))
    return fresh


def can_remove_message(user: User, message: Message) -> bool:
    if message.is_removed or not user.is_authenticated:
        return False
    space = message.thread.space
    if can(user, Action.MODERATE, space):
        return True
    return message.author_id == user.pk and message.thread.is_open and can(user, Action.CHAT, space)


@transaction.atomic
def message_remove(*, actor: User, message: Message) -> Message:
    """Remove a message: its text goes, "message removed" stays in its place.

    Its author (while the thread is open) or a moderator may; removing twice changes
    nothing.
    """
    thread = message.thread
    if message.is_removed:
        return message
    if not can_remove_message(actor, message):
        raise PermissionDenied(_("You are not allowed to remove this message."))
    _lock_thread(thread)
    message.removed_at = timezone.now()
    message.removed_by = actor
    message.body_md = ""
    message.body_html = ""
    message.save(update_fields=["removed_at", "removed_by", "body_md", "body_html"])
    MessageMention.objects.filter(message=message).delete()
    Reaction.objects.filter(message=message).delete()
    _refresh_count(thread)
    fresh = _for_fragment(message)
    fresh.thread = thread
    event_append(space=thread.space, **events.message_removed(fresh))
    return fresh


# Reactions


@transaction.atomic
def reaction_toggle(*, actor: User, message: Message, emoji: str) -> bool:
    """Add the member's `emoji` to the message, or take it back; True when it is now on."""
    thread = message.thread
    ensure_can(actor, Action.REACT, thread.space)
    if emoji not in REACTION_EMOJI:
        raise ValidationError(
            {
                "emoji": _("Choose one of these reactions: %(list)s")
                % {"list": " ".join(REACTION_EMOJI)}
            },
            code="emoji_unknown",
        )
    if message.is_removed:
        raise ValidationError(_("This message was removed."), code="message_removed")
    locked = _lock_thread(thread)
    _ensure_open(thread, locked.state)
    deleted, _detail = Reaction.objects.filter(message=message, user=actor, emoji=emoji).delete()
    on = not deleted
    if on:
        Reaction.objects.create(message=message, user=actor, emoji=emoji)
    fresh = _for_fragment(message)
    fresh.thread = thread
    event_append(
        space=thread.space,
        **events.reaction_changed(fresh, user_id=actor.pk, emoji=emoji, on=on),
    )
    return on
