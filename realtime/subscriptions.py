"""One connection's subscription to one space: ordered events, and access kept current.

Access is decided at subscribe time by boards.permissions (through
realtime.selectors) and then followed event by event: the events that change who may
read (`space.updated`, `member.*`) are applied to the subscriber's standing in `seq`
order, so a removed member gets nothing after the event that removed them. The
hub's periodic re-check through the database catches the rest (a deactivated
account, a deleted space).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from boards.models import Space
from boards.permissions import NON_MEMBER, Action, standing_allows
from boards.selectors.spaces import SpaceAccess
from realtime.protocol import ReloadReason
from realtime.sequencing import Sequencer

if TYPE_CHECKING:
    from realtime.consumers import LiveConsumer

ACCESS_EVENT_TYPES = frozenset(
    {"space.updated", "member.joined", "member.role_changed", "member.removed"}
)


class Subscription:
    def __init__(self, *, connection: LiveConsumer, space_id: int, slug: str):
        self.connection = connection
        self.space_id = space_id
        self.slug = slug
        # A detached copy whose visibility follows `space.updated` events; nothing is
        # forwarded before `set_access` (the sequencer starts busy).
        self.space = Space(pk=space_id, slug=slug, visibility=Space.Visibility.PRIVATE)
        self.standing = NON_MEMBER
        # Events up to this seq are already reflected in `standing` and `space`.
        self.access_seq = 0
        self.sequencer = Sequencer(
            space_id=self.space_id,
            slug=self.slug,
            deliver=self._forward,
            on_lost=self._lost,
            busy=True,
        )

    def set_access(self, access: SpaceAccess, as_of_seq: int) -> None:
        self.space.visibility = access.space.visibility
        self.standing = access.standing
        self.access_seq = as_of_seq

    @property
    def live(self) -> bool:
        """Past its replay and still open: ready for frames outside the log."""
        return self.sequencer.last_seq is not None and not self.sequencer.closed

    @property
    def readable(self) -> bool:
        return standing_allows(self.standing, Action.READ, self.space)

    async def _forward(self, seq: int, frame: dict[str, Any], text: str) -> None:
        if frame["type"] in ACCESS_EVENT_TYPES and seq > self.access_seq:
            self._follow(frame)
            if not self.readable:
                await self.connection.revoke(self)
                return
        await self.connection.send_text(text)

    def _follow(self, frame: dict[str, Any]) -> None:
        data = frame["data"]
        if frame["type"] == "space.updated":
            self.space.visibility = data.get("visibility", self.space.visibility)
        elif self.connection.user_id is not None and data.get("user_id") == self.connection.user_id:
            if frame["type"] == "member.removed":
                self.standing = NON_MEMBER
            else:
                self.standing = data.get("role", self.standing)

    async def _lost(self, reason: ReloadReason, lost_to: int) -> bool:
        await self.connection.reload(self, reason)
        return False
