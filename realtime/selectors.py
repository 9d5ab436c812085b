"""Reads for the websocket: who may subscribe, and the log after a given seq.

Plain synchronous functions; async callers go through `database_sync_to_async`.
Authorization always goes through boards.selectors.spaces.space_access (the rules
live in boards.permissions).
"""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model

from boards.models import Membership, Space
from boards.permissions import Action, AnyUser
from boards.selectors.spaces import SpaceAccess, space_access
from realtime.log import event_frame
from realtime.models import Event


def subscription_access(slug: str, user: AnyUser) -> SpaceAccess | None:
    """The space at `slug` as `user` stands in it, if `user` may read it; None otherwise."""
    space = Space.objects.filter(slug=slug).only("id", "slug", "visibility").first()
    if space is None:
        return None
    access = space_access(space, user)
    return access if access.can(Action.READ) else None


@dataclass
class LogRead:
    # Where the read started: `after_seq`, or the head when none was given.
    after_seq: int
    head_seq: int
    frames: list[dict[str, Any]]
    # False when the events right after `after_seq` are no longer in the log.
    contiguous: bool
    # True when more events follow than `limit`.
    truncated: bool
    access: SpaceAccess | None = None


def log_read(
    *,
    space_id: int,
    slug: str,
    after_seq: int | None,
    limit: int,
    until_seq: int | None = None,
    user: AnyUser | None = None,
) -> LogRead:
    """Events of a space after `after_seq` (up to `until_seq`), at most `limit`, in order.

    With `user`, also how that user stands in the space. The space row (head and
    visibility) is read first and the membership last: a change that commits in
    between is then either reflected by the access, or has a seq beyond the head
    and is followed live; never missed by both.
    """
    space = Space.objects.filter(pk=space_id).only("id", "slug", "visibility", "event_seq").first()
    if space is None:
        return LogRead(after_seq=0, head_seq=0, frames=[], contiguous=False, truncated=False)
    head = space.event_seq
    start = head if after_seq is None else after_seq
    events = Event.objects.filter(space_id=space_id, seq__gt=start).order_by("seq")
    if until_seq is not None:
        events = events.filter(seq__lte=until_seq)
    rows = list(events[: limit + 1])
    truncated = len(rows) > limit
    rows = rows[:limit]
    contiguous = not rows or rows[0].seq == start + 1
    if not rows and start < head and (until_seq is None or until_seq > start):
        contiguous = False
    access = None
    if user is not None and space.slug == slug:
        access = space_access(space, user)
    return LogRead(
        after_seq=start,
        head_seq=max(head, rows[-1].seq if rows else 0),
        frames=[event_frame(row, slug) for row in rows],
        contiguous=contiguous,
        truncated=truncated,
        access=access,
    )


def space_heads(space_ids: list[int]) -> dict[int, int]:
    return dict(Space.objects.filter(pk__in=space_ids).values_list("id", "event_seq"))


def read_access_recheck(pairs: set[tuple[int | None, int]]) -> set[tuple[int | None, int]]:
    """Of (user_id or None for anonymous, space_id) pairs, those that may still read.

    A handful of queries for the whole process, whatever the number of connections.
    """
    from django.contrib.auth.models import AnonymousUser

    space_ids = {space_id for _, space_id in pairs}
    user_ids = {user_id for user_id, _ in pairs if user_id is not None}
    spaces = Space.objects.only("id", "slug", "visibility").in_bulk(space_ids)
    users = get_user_model().objects.in_bulk(user_ids)
    memberships = {
        (m.user_id, m.space_id): m
        for m in Membership.objects.filter(user_id__in=user_ids, space_id__in=space_ids)
    }
    allowed = set()
    for user_id, space_id in pairs:
        space = spaces.get(space_id)
        user = AnonymousUser() if user_id is None else users.get(user_id)
        if space is None or user is None:
            continue
        access = SpaceAccess(
            space=space, user=user, membership=memberships.get((user_id, space_id))
        )
        if access.can(Action.READ):
            allowed.add((user_id, space_id))
    return allowed


def thread_space_id(thread_id: int) -> int | None:
    """The space of a live thread, for presence and typing scopes; None if no such thread."""
    from boards.models import LiveThread

    return LiveThread.objects.filter(pk=thread_id).values_list("space_id", flat=True).first()
