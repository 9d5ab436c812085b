"""Ordered, exactly-once delivery of one space's events, with gaps filled from the log.

The channel layer is a best-effort bus: channels-redis drops the oldest messages of
a full channel and the pub/sub layer loses what is published while it reconnects.
The log is the truth. A Sequencer sits between the two: it forwards events in `seq`
order, drops those already forwarded, buffers those that arrive early, and reads
the missing ones from the log (through `database_sync_to_async`, never on the fast
path).
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from channels.db import database_sync_to_async
from django.conf import settings

from realtime.protocol import ReloadReason, encode
from realtime.selectors import log_read

logger = logging.getLogger(__name__)

Deliver = Callable[[int, dict[str, Any], str], Awaitable[None]]
# Called when events cannot be read from the log any more; returns whether to go on
# (skipping the lost events) or stop.
OnLost = Callable[[ReloadReason, int], Awaitable[bool]]


class Sequencer:
    def __init__(
        self,
        *,
        space_id: int,
        slug: str,
        deliver: Deliver,
        on_lost: OnLost,
        last_seq: int | None = None,
        busy: bool = False,
    ):
        self.space_id = space_id
        self.slug = slug
        self.deliver = deliver
        self.on_lost = on_lost
        # The last seq handed to `deliver`; None until the starting point is known.
        self.last_seq = last_seq
        # True while a replay or a backfill runs: live events wait in `pending`.
        self.busy = busy
        self.pending: dict[int, tuple[dict[str, Any], str]] = {}
        self.closed = False
        self._task: asyncio.Task[None] | None = None

    async def offer(self, seq: int, frame: dict[str, Any], text: str) -> None:
        """A live event, as the layer delivered it (possibly late, twice, or after a gap)."""
        if self.closed:
            return
        if self.busy:
            if self.last_seq is None or seq > self.last_seq:
                self.pending[seq] = (frame, text)
            return
        if self.last_seq is None:
            self.last_seq = seq - 1
        if seq == self.last_seq + 1:
            self.last_seq = seq
            await self.deliver(seq, frame, text)
        elif seq > self.last_seq:
            self.pending[seq] = (frame, text)
            self.start_catch_up()

    def start_catch_up(self, *, to_head: bool = False) -> None:
        """Fill the gap before the pending events (or up to the log's head) in a task."""
        if self.busy or self.closed:
            return
        self.busy = True
        self._task = asyncio.create_task(self._catch_up_task(to_head))

    async def _catch_up_task(self, to_head: bool) -> None:
        try:
            await self.catch_up(to_head=to_head)
        except Exception:
            logger.exception("backfill of space %s failed", self.space_id)
        finally:
            self._task = None

    async def replay(self, *, after_seq: int, frames: list[dict[str, Any]]) -> None:
        """Forward a replay read from the log, then what arrived live meanwhile.

        Precondition: the sequencer was created busy, so live events were buffered.
        """
        self.last_seq = after_seq
        for frame in frames:
            await self._deliver_from_log(frame)
        await self.catch_up()

    async def catch_up(self, *, to_head: bool = False) -> None:
        """Drain the pending events in order, reading gaps from the log. Clears `busy`."""
        self.busy = True
        try:
            while not self.closed:
                await self._drain()
                if self.closed or (not self.pending and not to_head):
                    return
                until = min(self.pending) - 1 if self.pending else None
                try:
                    read = await database_sync_to_async(log_read)(
                        space_id=self.space_id,
                        slug=self.slug,
                        after_seq=self.last_seq,
                        until_seq=until,
                        limit=settings.CARNET_EVENT_REPLAY_MAX,
                    )
                except Exception:
                    # The database is away: keep what is pending; the next event or
                    # the hub's sweep tries again.
                    logger.warning("log read of space %s failed", self.space_id, exc_info=True)
                    return
                if not read.contiguous:
                    lost_to = (min(self.pending) - 1) if self.pending else read.head_seq
                    if not await self.on_lost(ReloadReason.RETENTION, lost_to):
                        self.closed = True
                        return
                    self.last_seq = max(self.last_seq or 0, lost_to)
                    continue
                for frame in read.frames:
                    await self._deliver_from_log(frame)
                to_head = read.truncated
        finally:
            self.busy = False

    async def _drain(self) -> None:
        while self.pending and not self.closed:
            last = self.last_seq or 0
            for seq in [seq for seq in self.pending if seq <= last]:
                del self.pending[seq]
            frame_text = self.pending.pop(last + 1, None)
            if frame_text is None:
                return
            self.last_seq = last + 1
            await self.deliver(last + 1, *frame_text)

    async def _deliver_from_log(self, frame: dict[str, Any]) -> None:
        seq = frame["seq"]
        if self.closed or (self.last_seq is not None and seq <= self.last_seq):
            return
        self.last_seq = seq
        pending = self.pending.pop(seq, None)
        await self.deliver(seq, frame, pending[1] if pending else encode(frame))

    def close(self) -> None:
        self.closed = True
        self.pending.clear()
        if self._task is not None and self._task is not asyncio.current_task():
            self._task.cancel()
