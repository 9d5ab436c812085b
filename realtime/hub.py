"""The per-process fan-out hub.

Stock Channels gives every websocket its own layer channel and its own task woken
for every group message, pays a database-connection hop before each handled
message and encodes the frame once per recipient. Here one hub per process (per
event loop) owns a single layer channel, joins each space's group once whatever
the number of local subscribers, encodes each event's frame once and writes that
text to every local subscription of the space, in the hub's own task.

The hub also:
- keeps events of each space in order and fills gaps from the log, once for the
  whole process (a Sequencer per space), before handing them to subscriptions;
- joins the users' groups of its connections, to close the sockets of a session
  that signs out;
- sweeps periodically: re-joins its groups (channels-redis forgets group members
  after `group_expiry`), compares each space's head in the database with what it
  forwarded (a message lost silently by the layer is then backfilled within one
  sweep), and re-checks every subscription's read access.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings

from realtime import groups
from realtime.presence import get_presence, release_presence
from realtime.protocol import ReloadReason, encode
from realtime.selectors import read_access_recheck, space_heads
from realtime.sequencing import Sequencer

if TYPE_CHECKING:
    from realtime.consumers import LiveConsumer
    from realtime.subscriptions import Subscription

logger = logging.getLogger(__name__)

_hubs: dict[asyncio.AbstractEventLoop, Hub] = {}

# Joining a group may wait for a Redis connection; a join that fails is retried by
# the next sweep, and the sweep's backfill covers what was missed meanwhile.
LAYER_CALL_TIMEOUT = 5.0


def get_hub() -> Hub:
    """The hub of the running event loop (one per daphne process)."""
    loop = asyncio.get_running_loop()
    hub = _hubs.get(loop)
    if hub is None:
        hub = _hubs[loop] = Hub(loop)
    return hub


@dataclass
class HubSpace:
    sequencer: Sequencer
    subscriptions: set[Subscription] = field(default_factory=set)


class Hub:
    def __init__(self, loop: asyncio.AbstractEventLoop):
        self.loop = loop
        self.layer = get_channel_layer()
        self.channel: str | None = None
        self.spaces: dict[int, HubSpace] = {}
        self.users: dict[int, set[LiveConsumer]] = {}
        self.connections: set[LiveConsumer] = set()
        # Space slugs to ids, so that later subscriptions skip one database round trip.
        self.space_ids: dict[str, int] = {}
        self._joined: set[str] = set()
        self._lock = asyncio.Lock()
        self._start_lock = asyncio.Lock()
        self._receiver: asyncio.Task[None] | None = None
        self._sweeper: asyncio.Task[None] | None = None
        self._last_rejoin = time.monotonic()
        self._last_recheck = time.monotonic()
        # Presence and typing of this process's connections; it also sweeps the
        # presence of the spaces followed here, where another process may have died.
        self.presence = get_presence()
        self.presence.interest = lambda: {
            space_id: space.sequencer.slug for space_id, space in self.spaces.items()
        }

    # Connections -----------------------------------------------------------------

    async def attach(self, connection: LiveConsumer) -> bool:
        """Register a connection; False when its member already has the maximum.

        Call right after `get_hub()`, with no await in between.
        """
        user_id = connection.user_id
        if user_id is not None:
            mine = self.users.setdefault(user_id, set())
            if len(mine) >= settings.CARNET_WS_MAX_CONNECTIONS_PER_USER:
                if not mine:
                    del self.users[user_id]
                return False
            mine.add(connection)
        self.connections.add(connection)
        await self._start()
        if user_id is not None:
            await self._join(groups.user_group(user_id))
        return True

    async def detach(self, connection: LiveConsumer) -> None:
        await self._presence_call(self.presence.disconnect(connection.presence_id))
        for subscription in list(connection.subscriptions.values()):
            await self.unsubscribe(subscription)
        self.connections.discard(connection)
        user_id = connection.user_id
        if user_id is not None and connection in self.users.get(user_id, ()):
            self.users[user_id].discard(connection)
            if not self.users[user_id]:
                del self.users[user_id]
                await self._leave(groups.user_group(user_id))
        if not self.connections:
            await self._stop()

    # Subscriptions ---------------------------------------------------------------

    async def subscribe(self, subscription: Subscription) -> None:
        """Add a subscription and make sure this process is in the space's group.

        Call before reading the log for the replay: what commits after the read then
        reaches the subscription live.
        """
        space = self.spaces.get(subscription.space_id)
        if space is None:
            space = self.spaces[subscription.space_id] = HubSpace(
                sequencer=self._space_sequencer(subscription.space_id, subscription.slug)
            )
        space.subscriptions.add(subscription)
        await self._join(groups.space_group(subscription.space_id))

    async def unsubscribe(self, subscription: Subscription) -> None:
        subscription.sequencer.close()
        # Before looking at the hub's state: nothing may await between that and its change.
        await self._presence_call(
            self.presence.leave_space(
                connection=subscription.connection.presence_id, space_id=subscription.space_id
            )
        )
        space = self.spaces.get(subscription.space_id)
        if space is None or subscription not in space.subscriptions:
            return
        space.subscriptions.discard(subscription)
        if not space.subscriptions:
            space.sequencer.close()
            del self.spaces[subscription.space_id]
            await self._leave(groups.space_group(subscription.space_id))

    def note_head(self, space_id: int, head_seq: int) -> None:
        """A subscription read the log up to `head_seq`: where the space starts, if unknown."""
        space = self.spaces.get(space_id)
        if space is not None and space.sequencer.last_seq is None:
            space.sequencer.last_seq = head_seq

    def _space_sequencer(self, space_id: int, slug: str) -> Sequencer:
        async def fan_out(seq: int, frame: dict[str, Any], text: str) -> None:
            space = self.spaces.get(space_id)
            if space is None:
                return
            for subscription in tuple(space.subscriptions):
                await subscription.sequencer.offer(seq, frame, text)

        async def skip_lost(reason: ReloadReason, lost_to: int) -> bool:
            # Subscriptions find the same hole and each answers `reload`.
            return True

        return Sequencer(space_id=space_id, slug=slug, deliver=fan_out, on_lost=skip_lost)

    # The layer -------------------------------------------------------------------

    async def _start(self) -> None:
        if self.layer is None:
            return
        # Connections arrive together: the first one opens the hub's channel, the
        # others wait for it (one channel and one receive loop per hub).
        async with self._start_lock:
            self.presence.start()
            if self._sweeper is None:
                self._sweeper = asyncio.create_task(self._sweep_loop())
            if self._receiver is not None:
                return
            try:
                self.channel = await asyncio.wait_for(
                    self.layer.new_channel(prefix="carnet-hub."), LAYER_CALL_TIMEOUT
                )
            except Exception:
                # Redis is away (the pub/sub layer subscribes here): connections still
                # work from the log, through the sweep, which also tries this again.
                logger.warning("hub could not open its layer channel", exc_info=True)
                return
            self._receiver = asyncio.create_task(self._receive_loop())

    async def _stop(self) -> None:
        # Leave the registry before the first await: a connection arriving while this
        # hub winds down gets a new hub rather than a stopping one.
        if _hubs.get(self.loop) is self:
            del _hubs[self.loop]
        release_presence(self.presence)
        await self._presence_call(self.presence.close())
        tasks = [task for task in (self._receiver, self._sweeper) if task is not None]
        for task in tasks:
            task.cancel()
        if tasks:
            # Bounded: a layer stuck on a dead Redis connection must not hold the stop.
            await asyncio.wait(tasks, timeout=LAYER_CALL_TIMEOUT)
        self._receiver = self._sweeper = None
        async with self._lock:
            for group in list(self._joined):
                await self._layer_call("group_discard", group)
            self._joined.clear()

    async def _join(self, group: str) -> None:
        async with self._lock:
            if group not in self._joined and self.layer is not None:
                if await self._layer_call("group_add", group):
                    self._joined.add(group)

    async def _leave(self, group: str) -> None:
        async with self._lock:
            if group in self._joined and not self._wanted(group):
                self._joined.discard(group)
                await self._layer_call("group_discard", group)

    def _wanted(self, group: str) -> bool:
        kind, _, ident = group.partition(".")
        if kind == "space":
            return int(ident) in self.spaces
        return int(ident) in self.users

    async def _layer_call(self, method: str, group: str) -> bool:
        if self.layer is None or self.channel is None:
            return False
        try:
            await asyncio.wait_for(
                getattr(self.layer, method)(group, self.channel), LAYER_CALL_TIMEOUT
            )
        except Exception:
            # Redis is away: the sweep joins again and backfills from the log.
            logger.warning("%s %s failed", method, group, exc_info=True)
            return False
        return True

    async def _receive_loop(self) -> None:
        delay = 0.2
        while True:
            try:
                message = await self.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                task = asyncio.current_task()
                if task is not None and task.cancelling():
                    # The layer's own clean-up on cancel failed and hid the cancellation.
                    raise asyncio.CancelledError from None
                logger.warning("hub receive failed; retrying in %.1fs", delay, exc_info=True)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)
                await self.resync()
                continue
            delay = 0.2
            try:
                await self.handle(message)
            except Exception:
                logger.exception("hub could not handle %r", message.get("type"))

    async def handle(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        if kind == "space.event":
            space = self.spaces.get(message["space_id"])
            if space is not None:
                frame = message["frame"]
                await space.sequencer.offer(frame["seq"], frame, encode(frame))
        elif kind == "space.ephemeral":
            # Presence and typing (realtime.presence): no seq, not in the log; written
            # as is to the subscriptions that finished their replay.
            space = self.spaces.get(message["space_id"])
            if space is not None:
                text = encode(message["frame"])
                for subscription in tuple(space.subscriptions):
                    if subscription.live:
                        await subscription.connection.send_text(text)
        elif kind == "user.signed_out":
            session = message.get("session")
            for connection in tuple(self.users.get(message["user_id"], ())):
                if session is None or session == connection.session_hash:
                    await connection.signed_out()

    async def _presence_call(self, call: Any) -> None:
        # Presence is ephemeral: Redis away must not break a subscription or a close.
        try:
            await asyncio.wait_for(call, LAYER_CALL_TIMEOUT)
        except Exception:
            logger.warning("presence update failed", exc_info=True)

    # Sweeps ----------------------------------------------------------------------

    async def _sweep_loop(self) -> None:
        while True:
            await asyncio.sleep(settings.CARNET_WS_SWEEP_SECONDS)
            try:
                await self.sweep()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("hub sweep failed")

    async def sweep(self, *, force: bool = False) -> None:
        """Backfill what the layer lost, re-join groups and re-check access when due."""
        now = time.monotonic()
        if self._receiver is None and self.connections:
            await self._start()
        if force or now - self._last_rejoin >= settings.CARNET_WS_REJOIN_SECONDS:
            self._last_rejoin = now
            await self.rejoin()
        else:
            await self.rejoin(all_groups=False)
        await self.backfill_heads()
        if force or now - self._last_recheck >= settings.CARNET_WS_RECHECK_SECONDS:
            self._last_recheck = now
            await self.recheck_access()

    async def resync(self) -> None:
        """After the layer failed: re-join every group, then backfill from the log."""
        try:
            await self.rejoin()
            await self.backfill_heads()
        except Exception:
            logger.warning("hub resync failed", exc_info=True)

    async def rejoin(self, *, all_groups: bool = True) -> None:
        """Join the groups this process needs: all of them, or those a failure left out."""
        wanted = {groups.space_group(space_id) for space_id in self.spaces}
        wanted |= {groups.user_group(user_id) for user_id in self.users}
        async with self._lock:
            for group in sorted(wanted if all_groups else wanted - self._joined):
                if await self._layer_call("group_add", group):
                    self._joined.add(group)

    async def backfill_heads(self) -> None:
        if not self.spaces:
            return
        heads = await database_sync_to_async(space_heads)(list(self.spaces))
        for space_id, head in heads.items():
            space = self.spaces.get(space_id)
            if space is None:
                continue
            behind = space.sequencer.last_seq is not None and head > space.sequencer.last_seq
            if behind:
                space.sequencer.start_catch_up(to_head=True)
            for subscription in tuple(space.subscriptions):
                last = subscription.sequencer.last_seq
                if last is not None and head > last and not behind:
                    subscription.sequencer.start_catch_up(to_head=True)

    async def recheck_access(self) -> None:
        """End the subscriptions whose reader may no longer read the space."""
        subscriptions = [s for space in self.spaces.values() for s in space.subscriptions]
        if not subscriptions:
            return
        pairs = {(s.connection.user_id, s.space_id) for s in subscriptions}
        allowed = await database_sync_to_async(read_access_recheck)(pairs)
        for subscription in subscriptions:
            if (subscription.connection.user_id, subscription.space_id) not in allowed:
                await subscription.connection.revoke(subscription)
