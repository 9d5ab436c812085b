"""The websocket at /ws/: one connection per browser tab, multiplexed over spaces.

Thin on purpose: parse a frame (realtime.protocol), ask a selector, hand the
subscription to the hub, reply. The protocol is docs/realtime-protocol.md.

The consumer has no channel-layer channel of its own: the process's hub
(realtime.hub) holds the one layer subscription per space and writes event frames
straight to `send_text`, in the hub's task. Nothing on that path goes through
`dispatch`, so no event pays the database-connection hop that
`AsyncConsumer.dispatch` makes before every message.
"""

import hashlib
import logging
import time
from typing import Any

from channels.consumer import AsyncConsumer, get_handler_name
from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from django.conf import settings

from boards.permissions import Action, standing_allows
from realtime.hub import get_hub
from realtime.presence import Member, new_connection_id, presence_frame, scope_thread_id
from realtime.protocol import (
    PROTOCOL_VERSION,
    ClientFrame,
    CloseCode,
    ErrorCode,
    ProtocolError,
    ReloadReason,
    ServerOp,
    TokenBucket,
    encode,
    error_frame,
    parse_client_frame,
    with_ref,
)
from realtime.selectors import log_read, subscription_access, thread_space_id
from realtime.subscriptions import Subscription

logger = logging.getLogger(__name__)


def session_hash(session_key: str | None) -> str | None:
    """Session keys never travel through the channel layer; their hash does."""
    if not session_key:
        return None
    return hashlib.sha256(session_key.encode()).hexdigest()[:32]


class LiveConsumer(AsyncConsumer):
    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        self.scope = scope
        self.base_send = send
        self.user = scope.get("user")
        authenticated = self.user is not None and self.user.is_authenticated
        self.user_id: int | None = self.user.pk if authenticated else None
        session = scope.get("session")
        self.session_hash = session_hash(session.session_key if session is not None else None)
        self.subscriptions: dict[int, Subscription] = {}
        self.open = False
        self.attached = False
        self.bucket = TokenBucket(
            rate=settings.CARNET_WS_RATE, burst=settings.CARNET_WS_BURST, now=time.monotonic()
        )
        self.refusing = False
        # Presence: this connection's id across processes, what others see of its
        # member (nothing for anonymous readers), and the spaces of threads seen.
        self.presence_id = new_connection_id()
        self.member = Member.of(self.user) if authenticated else None
        self.thread_spaces: dict[int, int | None] = {}
        try:
            while True:
                await self.dispatch(await receive())
        except StopConsumer:
            pass
        finally:
            self.open = False
            if self.attached:
                self.attached = False
                await self.hub.detach(self)

    async def dispatch(self, message: dict[str, Any]) -> None:
        # No aclose_old_connections() here, unlike AsyncConsumer.dispatch: handlers
        # that read the database go through database_sync_to_async, which closes
        # stale connections itself.
        handler = getattr(self, get_handler_name(message), None)
        if handler is not None:
            await handler(message)

    # Websocket events --------------------------------------------------------------

    async def websocket_connect(self, message: dict[str, Any]) -> None:
        await self.base_send({"type": "websocket.accept"})
        self.open = True
        self.hub = get_hub()
        if not await self.hub.attach(self):
            await self.send_frame(
                error_frame(
                    ErrorCode.TOO_MANY_CONNECTIONS,
                    "Too many open connections for this account; close other tabs.",
                )
            )
            await self.close(CloseCode.TOO_MANY_CONNECTIONS)
            return
        self.attached = True
        await self.send_frame(
            {
                "op": ServerOp.HELLO,
                "v": PROTOCOL_VERSION,
                "user_id": self.user_id,
                "max_frame_bytes": settings.CARNET_WS_MAX_FRAME_BYTES,
            }
        )

    async def websocket_receive(self, message: dict[str, Any]) -> None:
        if not self.open:
            return
        text = message.get("text")
        if text is None:
            await self.send_frame(
                error_frame(ErrorCode.MALFORMED, "Binary frames are not supported.")
            )
            return
        limit = settings.CARNET_WS_MAX_FRAME_BYTES
        if len(text) > limit or len(text.encode()) > limit:
            await self.send_frame(
                error_frame(ErrorCode.FRAME_TOO_LARGE, f"Frames are limited to {limit} bytes.")
            )
            await self.close(CloseCode.FRAME_TOO_LARGE)
            return
        if not await self._within_rate():
            return
        try:
            frame = parse_client_frame(text)
        except ProtocolError as error:
            await self.send_frame(error_frame(error.code, error.message, ref=error.ref))
            return
        await getattr(self, f"op_{frame.op.replace('.', '_')}")(frame)

    async def websocket_disconnect(self, message: dict[str, Any]) -> None:
        raise StopConsumer

    async def _within_rate(self) -> bool:
        if self.bucket.take(time.monotonic()):
            self.refusing = False
            return True
        if self.bucket.exhausted:
            await self.close(CloseCode.RATE_LIMITED)
        elif not self.refusing:
            self.refusing = True
            await self.send_frame(
                error_frame(ErrorCode.RATE_LIMITED, "Too many frames; slow down.")
            )
        return False

    # Client operations -------------------------------------------------------------

    async def op_ping(self, frame: ClientFrame) -> None:
        await self.send_frame(with_ref({"op": ServerOp.PONG}, frame.ref))

    async def op_subscribe(self, frame: ClientFrame) -> None:
        if any(s.slug == frame.space for s in self.subscriptions.values()):
            await self._error(ErrorCode.ALREADY_SUBSCRIBED, "Already subscribed.", frame)
            return
        if len(self.subscriptions) >= settings.CARNET_WS_MAX_SUBSCRIPTIONS:
            await self._error(
                ErrorCode.TOO_MANY_SUBSCRIPTIONS, "Too many subscriptions on one connection.", frame
            )
            return
        space_id = self.hub.space_ids.get(frame.space)
        if space_id is None:
            # First subscription to this space in this process: resolve the slug (and
            # refuse early, without joining a group). Later ones go straight to the
            # log read, which checks access again anyway.
            try:
                access = await database_sync_to_async(subscription_access)(frame.space, self.user)
            except Exception:
                logger.exception("subscribe to %s failed", frame.space)
                await self._error(ErrorCode.UNAVAILABLE, "Try again in a moment.", frame)
                return
            if access is None:
                await self._error(ErrorCode.FORBIDDEN, "No such space, or not readable.", frame)
                return
            space_id = self.hub.space_ids[frame.space] = access.space.pk
        if space_id in self.subscriptions:
            await self._error(ErrorCode.ALREADY_SUBSCRIBED, "Already subscribed.", frame)
            return
        subscription = Subscription(connection=self, space_id=space_id, slug=frame.space)
        self.subscriptions[space_id] = subscription
        await self.hub.subscribe(subscription)
        await self._start(subscription, frame)

    async def _start(self, subscription: Subscription, frame: ClientFrame) -> None:
        """Replay from the log after `after_seq`, then let live events through."""
        try:
            read = await database_sync_to_async(log_read)(
                space_id=subscription.space_id,
                slug=subscription.slug,
                after_seq=frame.after_seq,
                limit=settings.CARNET_EVENT_REPLAY_MAX,
                user=self.user,
            )
        except Exception:
            logger.exception("replay of %s failed", frame.space)
            await self.end(subscription)
            await self._error(ErrorCode.UNAVAILABLE, "Try again in a moment.", frame)
            return
        if read.access is None or not read.access.can(Action.READ):
            if read.access is None:  # the space is gone or its slug changed
                self.hub.space_ids.pop(subscription.slug, None)
            await self.end(subscription)
            await self._error(ErrorCode.FORBIDDEN, "No such space, or not readable.", frame)
            return
        reason = None
        if read.after_seq > read.head_seq:
            reason = ReloadReason.AHEAD
        elif not read.contiguous:
            reason = ReloadReason.RETENTION
        elif read.truncated:
            reason = ReloadReason.TOO_FAR
        if reason is not None:
            await self.reload(subscription, reason, ref=frame.ref)
            return
        subscription.set_access(read.access, read.head_seq)
        self.hub.note_head(subscription.space_id, read.head_seq)
        await self.send_frame(
            with_ref(
                {"op": ServerOp.SUBSCRIBED, "space": subscription.slug, "head_seq": read.head_seq},
                frame.ref,
            )
        )
        await subscription.sequencer.replay(after_seq=read.after_seq, frames=read.frames)

    async def op_unsubscribe(self, frame: ClientFrame) -> None:
        subscription = next((s for s in self.subscriptions.values() if s.slug == frame.space), None)
        if subscription is None:
            await self._error(ErrorCode.NOT_SUBSCRIBED, "Not subscribed to this space.", frame)
            return
        await self.end(subscription)
        await self.send_frame(
            with_ref({"op": ServerOp.UNSUBSCRIBED, "space": subscription.slug}, frame.ref)
        )

    # Presence and typing (realtime.presence) ---------------------------------------

    async def op_presence_join(self, frame: ClientFrame) -> None:
        subscription = await self._presence_subscription(frame, frame.scope)
        if subscription is None:
            return
        try:
            members = await self.hub.presence.join(
                connection=self.presence_id,
                space_id=subscription.space_id,
                slug=subscription.slug,
                scope=frame.scope,
                member=self.member,
            )
        except Exception:
            logger.exception("presence.join failed")
            await self.send_frame(
                error_frame(ErrorCode.UNAVAILABLE, "Try again in a moment.", ref=frame.ref)
            )
            return
        await self.send_frame(
            with_ref(
                presence_frame(slug=subscription.slug, scope=frame.scope, members=members),
                frame.ref,
            )
        )

    async def op_presence_leave(self, frame: ClientFrame) -> None:
        space_id = self.hub.space_ids.get(frame.space)
        left = space_id is not None and await self._safely(
            self.hub.presence.leave(
                connection=self.presence_id, space_id=space_id, scope=frame.scope
            )
        )
        if not left:
            await self._error(ErrorCode.NOT_JOINED, "Not present in this scope.", frame)
            return
        await self.send_frame(
            with_ref(
                {"op": ServerOp.PRESENCE_LEFT, "space": frame.space, "scope": frame.scope},
                frame.ref,
            )
        )

    async def op_presence_active(self, frame: ClientFrame) -> None:
        await self._safely(self.hub.presence.active(self.presence_id))

    async def op_typing(self, frame: ClientFrame) -> None:
        subscription = await self._presence_subscription(frame, f"thread:{frame.thread}")
        if subscription is None:
            return
        if self.member is None or not standing_allows(
            subscription.standing, Action.CHAT, subscription.space
        ):
            await self._error(ErrorCode.NOT_ALLOWED, "You may not write in this space.", frame)
            return
        if frame.state == "stop":
            call = self.hub.presence.typing_stop(
                space_id=subscription.space_id, thread_id=frame.thread, user_id=self.member.user_id
            )
        else:
            call = self.hub.presence.typing_start(
                connection=self.presence_id,
                space_id=subscription.space_id,
                slug=subscription.slug,
                thread_id=frame.thread,
                member=self.member,
            )
        await self._safely(call)

    async def _safely(self, call: Any) -> Any:
        # Presence is ephemeral: a Redis blip loses an update, never the connection.
        try:
            return await call
        except Exception:
            logger.warning("presence update failed", exc_info=True)
            return None

    async def _presence_subscription(self, frame: ClientFrame, scope: str) -> Subscription | None:
        """The live subscription `frame` is about, with `scope` in its space; else an error."""
        subscription = next((s for s in self.subscriptions.values() if s.slug == frame.space), None)
        if subscription is None or not subscription.live or not subscription.readable:
            await self._error(ErrorCode.NOT_SUBSCRIBED, "Subscribe to this space first.", frame)
            return None
        thread_id = scope_thread_id(scope)
        if thread_id is not None:
            if thread_id not in self.thread_spaces:
                try:
                    found = await database_sync_to_async(thread_space_id)(thread_id)
                except Exception:
                    logger.exception("thread lookup failed")
                    await self.send_frame(
                        error_frame(ErrorCode.UNAVAILABLE, "Try again in a moment.", ref=frame.ref)
                    )
                    return None
                if len(self.thread_spaces) >= 100:  # bounded, whatever a client asks
                    self.thread_spaces.clear()
                self.thread_spaces[thread_id] = found
            if self.thread_spaces[thread_id] != subscription.space_id:
                await self._error(ErrorCode.INVALID, "No such thread in this space.", frame)
                return None
        return subscription

    # Called by subscriptions and the hub ------------------------------------------

    async def send_text(self, text: str) -> None:
        if self.open:
            await self.base_send({"type": "websocket.send", "text": text})

    async def send_frame(self, frame: dict[str, Any]) -> None:
        await self.send_text(encode(frame))

    async def end(self, subscription: Subscription) -> None:
        if self.subscriptions.get(subscription.space_id) is subscription:
            del self.subscriptions[subscription.space_id]
        await self.hub.unsubscribe(subscription)

    async def revoke(self, subscription: Subscription) -> None:
        """The reader may no longer read the space: end the subscription and say so."""
        if self.subscriptions.get(subscription.space_id) is not subscription:
            return
        await self.end(subscription)
        await self.send_frame(
            error_frame(
                ErrorCode.ACCESS_REVOKED,
                "You may no longer read this space.",
                space=subscription.slug,
            )
        )

    async def reload(
        self, subscription: Subscription, reason: ReloadReason, *, ref: str | int | None = None
    ) -> None:
        """The log cannot bring this reader up to date: ask the client to reload the page."""
        await self.end(subscription)
        await self.send_frame(
            with_ref({"op": ServerOp.RELOAD, "space": subscription.slug, "reason": reason}, ref)
        )

    async def signed_out(self) -> None:
        await self.close(CloseCode.SIGNED_OUT)

    async def close(self, code: int) -> None:
        if not self.open:
            return
        await self.base_send({"type": "websocket.close", "code": code})
        self.open = False
        if self.attached:
            self.attached = False
            await self.hub.detach(self)

    async def _error(self, code: ErrorCode, message: str, frame: ClientFrame) -> None:
        await self.send_frame(error_frame(code, message, ref=frame.ref, space=frame.space))
