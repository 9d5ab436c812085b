"""The websocket protocol, version 1: frame kinds, error and close codes, parsing.

docs/realtime-protocol.md is the same contract written for people; keep both in step.
Every frame is a JSON object whose `op` names its kind, in both directions.
"""

import json
import re
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from typing import Any

PROTOCOL_VERSION = 1

# Longest `ref` a client may attach to a frame, echoed back in the reply.
MAX_REF_LENGTH = 64
# Space slugs are SlugFields of at most 60 characters.
MAX_SLUG_LENGTH = 60


class ClientOp(StrEnum):
    SUBSCRIBE = "subscribe"
    UNSUBSCRIBE = "unsubscribe"
    PING = "ping"
    PRESENCE_JOIN = "presence.join"
    PRESENCE_LEAVE = "presence.leave"
    PRESENCE_ACTIVE = "presence.active"
    TYPING = "typing"


class ServerOp(StrEnum):
    HELLO = "hello"
    SUBSCRIBED = "subscribed"
    UNSUBSCRIBED = "unsubscribed"
    EVENT = "event"
    RELOAD = "reload"
    ERROR = "error"
    PONG = "pong"
    PRESENCE = "presence"  # ephemeral: no seq (realtime/presence.py)
    PRESENCE_LEFT = "presence.left"
    TYPING = "typing"  # ephemeral: no seq


class ErrorCode(StrEnum):
    MALFORMED = "malformed"  # not a JSON object, or a binary frame
    UNKNOWN_OP = "unknown_op"
    INVALID = "invalid"  # a field is missing or has the wrong type
    FRAME_TOO_LARGE = "frame_too_large"
    RATE_LIMITED = "rate_limited"
    FORBIDDEN = "forbidden"  # no such space, or not readable by this connection
    ALREADY_SUBSCRIBED = "already_subscribed"
    NOT_SUBSCRIBED = "not_subscribed"
    TOO_MANY_SUBSCRIPTIONS = "too_many_subscriptions"
    TOO_MANY_CONNECTIONS = "too_many_connections"
    ACCESS_REVOKED = "access_revoked"  # a subscription ended: membership or visibility changed
    UNAVAILABLE = "unavailable"  # the server could not read the log; retry later
    NOT_JOINED = "not_joined"  # presence.leave of a scope not joined
    NOT_ALLOWED = "not_allowed"  # typing without the right to post in the space


class CloseCode(IntEnum):
    """Websocket close codes the server uses (4000-4999 are the application's)."""

    FRAME_TOO_LARGE = 1009  # the standard "message too big"
    SIGNED_OUT = 4001  # the session signed out; do not reconnect with it
    RATE_LIMITED = 4008  # kept flooding after a rate_limited error
    TOO_MANY_CONNECTIONS = 4029  # the member already has the maximum of connections


class ReloadReason(StrEnum):
    RETENTION = "retention"  # events after after_seq were pruned from the log
    TOO_FAR = "too_far"  # more events missed than one replay sends
    AHEAD = "ahead"  # after_seq is beyond the log's head (the log was reset)


@dataclass(frozen=True)
class ClientFrame:
    op: ClientOp
    ref: str | int | None = None
    space: str | None = None
    after_seq: int | None = None
    # Presence and typing: "space" or "thread:<id>"; the thread typed in; start or stop.
    scope: str | None = None
    thread: int | None = None
    state: str | None = None


class ProtocolError(Exception):
    def __init__(self, code: ErrorCode, message: str, ref: str | int | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.ref = ref


def parse_client_frame(text: str) -> ClientFrame:
    """Decode and validate one client frame; raise ProtocolError when it is not valid."""
    try:
        content = json.loads(text)
    except ValueError:
        raise ProtocolError(ErrorCode.MALFORMED, "Frames must be JSON objects.") from None
    if not isinstance(content, dict):
        raise ProtocolError(ErrorCode.MALFORMED, "Frames must be JSON objects.")
    ref = content.get("ref")
    if ref is not None and not _valid_ref(ref):
        raise ProtocolError(
            ErrorCode.INVALID,
            f"ref must be a string of at most {MAX_REF_LENGTH} characters or an integer.",
        )
    try:
        op = ClientOp(content.get("op"))
    except ValueError:
        raise ProtocolError(
            ErrorCode.UNKNOWN_OP,
            "Unknown op; expected subscribe, unsubscribe, ping, presence.join, "
            "presence.leave, presence.active or typing.",
            ref,
        ) from None
    if op in (ClientOp.PING, ClientOp.PRESENCE_ACTIVE):
        return ClientFrame(op=op, ref=ref)
    space = content.get("space")
    if not isinstance(space, str) or not 0 < len(space) <= MAX_SLUG_LENGTH:
        raise ProtocolError(ErrorCode.INVALID, "space must be a space's address (slug).", ref)
    after_seq = content.get("after_seq")
    if op is ClientOp.SUBSCRIBE and after_seq is not None:
        if isinstance(after_seq, bool) or not isinstance(after_seq, int) or after_seq < 0:
            raise ProtocolError(ErrorCode.INVALID, "after_seq must be an integer >= 0.", ref)
    if op in (ClientOp.PRESENCE_JOIN, ClientOp.PRESENCE_LEAVE):
        scope = content.get("scope")
        if not isinstance(scope, str) or not _SCOPE.fullmatch(scope):
            raise ProtocolError(
                ErrorCode.INVALID, 'scope must be "space" or "thread:<thread id>".', ref
            )
        return ClientFrame(op=op, ref=ref, space=space, scope=scope)
    if op is ClientOp.TYPING:
        thread = content.get("thread")
        if not _positive_id(thread):
            raise ProtocolError(ErrorCode.INVALID, "thread must be a thread id.", ref)
        state = content.get("state", "start")
        if state not in ("start", "stop"):
            raise ProtocolError(ErrorCode.INVALID, 'state must be "start" or "stop".', ref)
        return ClientFrame(op=op, ref=ref, space=space, thread=thread, state=state)
    return ClientFrame(op=op, ref=ref, space=space, after_seq=after_seq)


_SCOPE = re.compile(r"space|thread:[1-9][0-9]{0,17}")


def _positive_id(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, int) and 0 < value < 2**63


def _valid_ref(ref: Any) -> bool:
    if isinstance(ref, bool):
        return False
    if isinstance(ref, int):
        return -(2**53) < ref < 2**53
    return isinstance(ref, str) and len(ref) <= MAX_REF_LENGTH


def encode(frame: dict[str, Any]) -> str:
    """The one JSON encoding of a server frame (compact, UTF-8 kept as is)."""
    return json.dumps(frame, ensure_ascii=False, separators=(",", ":"))


def with_ref(frame: dict[str, Any], ref: str | int | None) -> dict[str, Any]:
    if ref is not None:
        frame["ref"] = ref
    return frame


def error_frame(
    code: ErrorCode, message: str, *, ref: str | int | None = None, space: str | None = None
) -> dict[str, Any]:
    frame: dict[str, Any] = {"op": ServerOp.ERROR, "code": code, "message": message}
    if space is not None:
        frame["space"] = space
    return with_ref(frame, ref)


class TokenBucket:
    """A per-connection rate limit on client frames.

    `rate` tokens per second refill a bucket of `burst`; each frame takes one. The
    bucket may go into debt down to -`burst`: frames taken in debt are refused, and a
    connection that reaches the floor is flooding and gets closed.
    """

    def __init__(self, *, rate: float, burst: int, now: float):
        self.rate = rate
        self.burst = burst
        self.tokens = float(burst)
        self.stamp = now

    def take(self, now: float) -> bool:
        """Take one token; False when the frame must be refused."""
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        self.tokens -= 1
        return self.tokens >= 0

    @property
    def exhausted(self) -> bool:
        return self.tokens <= -self.burst
