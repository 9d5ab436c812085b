"""Reads of live threads and their messages, through the permission rules.

Messages are paged by id (keyset): the newest page first, then `before=<id>` for older
pages and `after=<id>` for newer ones. A page asked for by cursor never shifts when new
messages arrive, unlike offset pages.
"""

from dataclasses import dataclass

from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.http import Http404

from boards.models import LiveThread, Membership, Message, Reaction, Space
from boards.selectors.spaces import SpaceAccess

PAGE_SIZE = 50
MEMBER_SUGGESTIONS = 8

_STATE_ORDER = Case(
    When(state=LiveThread.State.OPEN, then=Value(0)),
    When(state=LiveThread.State.LOCKED, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def threads_of(space: Space) -> QuerySet[LiveThread]:
    """A space's threads: open first, then locked, then archived; by last activity."""
    return (
        LiveThread.objects.filter(space=space)
        .select_related("space", "created_by", "article")
        .annotate(state_rank=_STATE_ORDER)
        .order_by("state_rank", "-last_activity_at", "-id")
    )


def thread_get_for_user(access: SpaceAccess, thread_id: int) -> LiveThread:
    """A thread of the space `access` reads; 404 for another space's thread."""
    thread = (
        LiveThread.objects.filter(pk=thread_id, space=access.space)
        .select_related("space", "created_by", "article")
        .first()
    )
    if thread is None:
        raise Http404
    thread.space = access.space
    return thread


def message_get_for_user(access: SpaceAccess, thread: LiveThread, message_id: int) -> Message:
    message = (
        _messages().filter(pk=message_id, thread=thread).first()
        if thread.space_id == access.space.pk
        else None
    )
    if message is None:
        raise Http404
    message.thread = thread
    return message


def _messages() -> QuerySet[Message]:
    return Message.objects.select_related("author", "reply_to__author").prefetch_related(
        Prefetch("reactions", queryset=Reaction.objects.select_related("user").order_by("id"))
    )


@dataclass
class MessagePage:
    messages: list[Message]  # oldest first, as displayed
    has_older: bool
    has_newer: bool

    @property
    def older_cursor(self) -> int | None:
        return self.messages[0].pk if self.has_older and self.messages else None

    @property
    def newer_cursor(self) -> int | None:
        return self.messages[-1].pk if self.has_newer and self.messages else None

    @property
    def is_latest(self) -> bool:
        return not self.has_newer


def messages_page(
    thread: LiveThread,
    *,
    before: int | None = None,
    after: int | None = None,
    size: int = PAGE_SIZE,
) -> MessagePage:
    """One page of a thread's messages, oldest first; the newest page without a cursor.

    A bounded number of queries whatever the page holds: messages with authors and
    quoted parents, reactions with their members, and one query to know if more exist.
    """
    base = _messages().filter(thread=thread)
    if after is not None:
        rows = list(base.filter(pk__gt=after).order_by("id")[: size + 1])
        has_newer = len(rows) > size
        rows = rows[:size]
        has_older = Message.objects.filter(thread=thread, pk__lte=after).exists()
    else:
        if before is not None:
            base = base.filter(pk__lt=before)
        rows = list(base.order_by("-id")[: size + 1])
        has_older = len(rows) > size
        rows = rows[:size][::-1]
        has_newer = (
            before is not None and Message.objects.filter(thread=thread, pk__gte=before).exists()
        )
    for message in rows:
        message.thread = thread
    return MessagePage(messages=rows, has_older=has_older, has_newer=has_newer)


def page_cursor_for(thread: LiveThread, message_id: int, size: int = PAGE_SIZE) -> int | None:
    """The `before` cursor of a page holding the message near its middle; None: the newest."""
    newer = list(
        Message.objects.filter(thread=thread, pk__gt=message_id)
        .order_by("id")
        .values_list("id", flat=True)[:size]
    )
    if len(newer) < size:
        return None
    return newer[size // 2]


def member_suggestions(space: Space, query: str, limit: int = MEMBER_SUGGESTIONS) -> list[dict]:
    """Members whose username or name starts with (or contains) `query`, for @mentions."""
    query = query.strip().lstrip("@")[:60]
    members = Membership.objects.filter(space=space, user__is_active=True).select_related("user")
    if query:
        members = members.filter(
            Q(user__username__icontains=query) | Q(user__display_name__icontains=query)
        )
    rows = list(members.order_by("user__username")[:200])
    lowered = query.lower()
    rows.sort(
        key=lambda row: (
            not row.user.username.lower().startswith(lowered),
            not row.user.name.lower().startswith(lowered),
            row.user.username.lower(),
        )
    )
    return [
        {
            "username": row.user.username,
            "name": row.user.name,
            "initials": row.user.initials,
            "avatar": row.user.avatar.url if row.user.avatar else "",
        }
        for row in rows[:limit]
    ]
