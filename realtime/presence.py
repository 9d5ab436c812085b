"""Who is here and who is typing, per space and per live thread: ephemeral, with expiry.

Presence
    A *scope* is a space ("space") or a live thread of it ("thread:<id>"). Each
    websocket connection that joins a scope is one entry, so a member with three
    tabs has three entries and counts once; closing one tab keeps them present. The
    process serving a connection re-writes its entries every `heartbeat` seconds;
    an entry whose last heartbeat is older than `ttl` is ignored by every read and
    removed by the next sweep. A process killed with SIGKILL stops heartbeating, so
    its members disappear from every list after at most `ttl` + `heartbeat`
    seconds (45 + 15 = 60 s by default): `ttl` for the entries to go stale, one
    sweep interval for a surviving process to notice and broadcast the change.
    A member is *away* when none of their connections in the scope showed activity
    (a `presence.active`, `presence.join` or `typing` frame) for `away_after` seconds.

    With REDIS_URL the entries live in Redis, shared by every process: per
    (space, scope) a sorted set of connection ids scored by last heartbeat (`:hb`),
    one scored by last activity (`:act`) and a hash of connection id -> member
    (`:info`); per space a set of its scopes; every key expires on its own when
    nobody heartbeats it any more. Without REDIS_URL the same shape lives in memory.

Broadcasts
    Frames go to the space's group as ephemeral frames (realtime.publish, no seq,
    never in the event log) and only on transitions: each flush computes the
    scope's member list and compares its digest with the last one broadcast
    (stored with the entries, so that two processes do not both announce the same
    change). A scope is broadcast at most once every `broadcast_interval` seconds
    per process, so churn in a 200-member thread coalesces into one frame.

Typing
    "Alice is typing…": a member's `typing` frames are accepted at most every
    `typing_interval` seconds; the first one broadcasts a start, the others only
    extend it; `typing_idle` seconds after the last accepted one, or when the member
    says they stopped (the message was sent), a stop is broadcast. A start tells
    clients to keep the line for `typing_announce` seconds unless a stop arrives
    first, and is repeated before that runs out while the member keeps typing.
    Typing lives in the memory of the process that serves the typing connection;
    it is never stored.

All times come from an injectable clock (wall-clock seconds, since processes compare
heartbeats with one another), so tests move time instead of sleeping.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import json
import logging
import math
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Protocol

logger = logging.getLogger(__name__)

Clock = Callable[[], float]
Broadcast = Callable[[int, dict[str, Any]], Awaitable[None]]
ScopeKey = tuple[int, str]  # (space id, scope)

SPACE_SCOPE = "space"
THREAD_SCOPE_PREFIX = "thread:"


def thread_scope(thread_id: int) -> str:
    return f"{THREAD_SCOPE_PREFIX}{thread_id}"


def scope_thread_id(scope: str) -> int | None:
    """The thread id of a "thread:<id>" scope; None for the space scope."""
    if scope.startswith(THREAD_SCOPE_PREFIX):
        return int(scope[len(THREAD_SCOPE_PREFIX) :])
    return None


@dataclass(frozen=True)
class PresenceTiming:
    """The numbers behind presence and typing, in seconds (docs/realtime-protocol.md)."""

    heartbeat: float = 15.0
    ttl: float = 45.0
    away_after: float = 300.0
    broadcast_interval: float = 1.0
    typing_interval: float = 2.5
    typing_idle: float = 7.0
    typing_announce: float = 15.0

    @property
    def expiry_bound(self) -> float:
        """At most this long after a process dies, its members have left every list."""
        return self.ttl + self.heartbeat

    @classmethod
    def from_settings(cls) -> PresenceTiming:
        from django.conf import settings

        return cls(
            heartbeat=settings.CARNET_PRESENCE_HEARTBEAT_SECONDS,
            ttl=settings.CARNET_PRESENCE_TTL_SECONDS,
            away_after=settings.CARNET_PRESENCE_AWAY_SECONDS,
            broadcast_interval=settings.CARNET_PRESENCE_BROADCAST_INTERVAL,
            typing_interval=settings.CARNET_TYPING_INTERVAL_SECONDS,
            typing_idle=settings.CARNET_TYPING_IDLE_SECONDS,
            typing_announce=settings.CARNET_TYPING_ANNOUNCE_SECONDS,
        )


@dataclass(frozen=True)
class Member:
    """What the others see of a present member: no e-mail, nothing private."""

    user_id: int
    name: str
    initials: str = ""
    avatar: str = ""

    @classmethod
    def of(cls, user: Any) -> Member:
        """From a loaded User (no database access: its fields are already there)."""
        avatar = user.avatar.url if user.avatar else ""
        return cls(user_id=user.pk, name=user.name, initials=user.initials, avatar=avatar)

    def to_json(self) -> str:
        return json.dumps(
            {
                "id": self.user_id,
                "name": self.name,
                "initials": self.initials,
                "avatar": self.avatar,
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str) -> Member:
        data = json.loads(text)
        return cls(
            user_id=data["id"], name=data["name"], initials=data["initials"], avatar=data["avatar"]
        )


@dataclass(frozen=True)
class Entry:
    """One connection in one scope, as written at each heartbeat."""

    space_id: int
    scope: str
    connection: str
    member: Member
    active_at: float


def members_list(
    rows: Iterable[tuple[Member, float]], *, now: float, away_after: float
) -> list[dict[str, Any]]:
    """The member list of a scope from its live (member, last activity) rows.

    One item per member whatever their number of connections; away when none of
    them showed activity for `away_after` seconds. Sorted by name, for stable digests.
    """
    latest: dict[int, tuple[Member, float]] = {}
    for member, active_at in rows:
        known = latest.get(member.user_id)
        if known is None or active_at > known[1]:
            latest[member.user_id] = (member, active_at)
    items = [
        {
            "id": member.user_id,
            "name": member.name,
            "initials": member.initials,
            "avatar": member.avatar,
            "away": now - active_at >= away_after,
        }
        for member, active_at in latest.values()
    ]
    items.sort(key=lambda item: (item["name"].casefold(), item["id"]))
    return items


def members_digest(members: list[dict[str, Any]]) -> str:
    text = json.dumps(members, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:24]


# Stores ------------------------------------------------------------------------------


class PresenceStore(Protocol):
    async def put(self, entries: list[Entry], now: float) -> None:
        """Write (or re-write) entries with `now` as their heartbeat."""

    async def remove(self, keys: list[tuple[int, str, str]]) -> None:
        """Remove (space id, scope, connection) entries."""

    async def rows(self, space_id: int, scope: str, now: float) -> list[tuple[Member, float]]:
        """The live entries of a scope: (member, last activity), stale ones left out."""

    async def scopes(self, space_id: int) -> list[str]:
        """The scopes of a space that may still have entries."""

    async def expire(self, space_id: int, scope: str, now: float) -> int:
        """Remove the stale entries of a scope; how many were removed."""

    async def swap_digest(self, space_id: int, scope: str, digest: str) -> str | None:
        """Record the digest of the last broadcast member list; return the previous one."""

    async def close(self) -> None: ...


class MemoryPresenceStore:
    """The embedded default: one process, so its memory is the shared view."""

    def __init__(self, *, ttl: float):
        self.ttl = ttl
        # (space id, scope) -> connection -> (member, heartbeat, last activity)
        self.entries: dict[ScopeKey, dict[str, tuple[Member, float, float]]] = {}
        self.digests: dict[ScopeKey, str] = {}

    async def put(self, entries: list[Entry], now: float) -> None:
        for entry in entries:
            scope = self.entries.setdefault((entry.space_id, entry.scope), {})
            scope[entry.connection] = (entry.member, now, entry.active_at)

    async def remove(self, keys: list[tuple[int, str, str]]) -> None:
        for space_id, scope, connection in keys:
            entries = self.entries.get((space_id, scope))
            if entries is not None:
                entries.pop(connection, None)
                if not entries:
                    del self.entries[(space_id, scope)]

    async def rows(self, space_id: int, scope: str, now: float) -> list[tuple[Member, float]]:
        entries = self.entries.get((space_id, scope), {})
        return [(m, active) for m, beat, active in entries.values() if beat > now - self.ttl]

    async def scopes(self, space_id: int) -> list[str]:
        return sorted({scope for sid, scope in self.entries if sid == space_id})

    async def expire(self, space_id: int, scope: str, now: float) -> int:
        entries = self.entries.get((space_id, scope), {})
        stale = [conn for conn, (_, beat, _) in entries.items() if beat <= now - self.ttl]
        await self.remove([(space_id, scope, conn) for conn in stale])
        return len(stale)

    async def swap_digest(self, space_id: int, scope: str, digest: str) -> str | None:
        previous = self.digests.get((space_id, scope))
        self.digests[(space_id, scope)] = digest
        return previous

    async def close(self) -> None:
        pass


class RedisPresenceStore:
    """Shared by every process: see the module docstring for the keys."""

    def __init__(self, *, url: str, ttl: float, prefix: str = "carnet:presence"):
        import redis.asyncio as redis

        self.redis = redis.Redis.from_url(url, decode_responses=True)
        self.ttl = ttl
        self.prefix = prefix
        # Keys outlive their entries a little, and then go by themselves.
        self.key_ttl = max(1, math.ceil(ttl * 2))

    def _key(self, space_id: int, scope: str, kind: str) -> str:
        return f"{self.prefix}:{space_id}:{scope}:{kind}"

    def _scopes_key(self, space_id: int) -> str:
        return f"{self.prefix}:{space_id}:scopes"

    async def put(self, entries: list[Entry], now: float) -> None:
        if not entries:
            return
        pipe = self.redis.pipeline(transaction=False)
        for entry in entries:
            hb, act, info = (
                self._key(entry.space_id, entry.scope, k) for k in ("hb", "act", "info")
            )
            pipe.zadd(hb, {entry.connection: now})
            pipe.zadd(act, {entry.connection: entry.active_at})
            pipe.hset(info, entry.connection, entry.member.to_json())
            for key in (hb, act, info):
                pipe.expire(key, self.key_ttl)
            pipe.sadd(self._scopes_key(entry.space_id), entry.scope)
            pipe.expire(self._scopes_key(entry.space_id), self.key_ttl)
        await pipe.execute()

    async def remove(self, keys: list[tuple[int, str, str]]) -> None:
        if not keys:
            return
        pipe = self.redis.pipeline(transaction=False)
        for space_id, scope, connection in keys:
            pipe.zrem(self._key(space_id, scope, "hb"), connection)
            pipe.zrem(self._key(space_id, scope, "act"), connection)
            pipe.hdel(self._key(space_id, scope, "info"), connection)
        await pipe.execute()

    async def rows(self, space_id: int, scope: str, now: float) -> list[tuple[Member, float]]:
        connections = await self.redis.zrangebyscore(
            self._key(space_id, scope, "hb"), f"({now - self.ttl}", "+inf"
        )
        if not connections:
            return []
        pipe = self.redis.pipeline(transaction=False)
        pipe.hmget(self._key(space_id, scope, "info"), connections)
        pipe.zmscore(self._key(space_id, scope, "act"), connections)
        infos, activities = await pipe.execute()
        return [
            (Member.from_json(info), float(active or 0))
            for info, active in zip(infos, activities, strict=True)
            if info is not None
        ]

    async def scopes(self, space_id: int) -> list[str]:
        return sorted(await self.redis.smembers(self._scopes_key(space_id)))

    async def expire(self, space_id: int, scope: str, now: float) -> int:
        hb = self._key(space_id, scope, "hb")
        stale = await self.redis.zrangebyscore(hb, "-inf", now - self.ttl)
        if stale:
            await self.remove([(space_id, scope, connection) for connection in stale])
        if not await self.redis.zcard(hb):
            await self.redis.srem(self._scopes_key(space_id), scope)
        return len(stale)

    async def swap_digest(self, space_id: int, scope: str, digest: str) -> str | None:
        return await self.redis.set(
            self._key(space_id, scope, "digest"), digest, ex=self.key_ttl * 2, get=True
        )

    async def close(self) -> None:
        await self.redis.aclose()


# Typing ------------------------------------------------------------------------------

TypingKey = tuple[int, int, int]  # (space id, thread id, user id)


class TypingNote(Enum):
    IGNORED = "ignored"
    ACCEPTED = "accepted"
    ANNOUNCE = "announce"


@dataclass
class _Typing:
    connection: str
    slug: str
    member: Member
    accepted_at: float
    announced_at: float


class TypingTracker:
    """Who types where, in this process: start, extend, stop; transitions only."""

    def __init__(self, timing: PresenceTiming):
        self.timing = timing
        self.entries: dict[TypingKey, _Typing] = {}

    def note(
        self, key: TypingKey, *, connection: str, slug: str, member: Member, now: float
    ) -> TypingNote:
        """A keystroke: ignored (throttled), accepted, or accepted with a start to broadcast."""
        entry = self.entries.get(key)
        if entry is None or now >= entry.accepted_at + self.timing.typing_idle:
            self.entries[key] = _Typing(connection, slug, member, now, now)
            return TypingNote.ANNOUNCE
        if now - entry.accepted_at < self.timing.typing_interval:
            return TypingNote.IGNORED
        entry.accepted_at = now
        entry.connection = connection
        # Clients keep a start for `typing_announce` seconds: repeat it before then if
        # the server's own deadline now goes beyond theirs.
        if now + self.timing.typing_idle > entry.announced_at + self.timing.typing_announce:
            entry.announced_at = now
            return TypingNote.ANNOUNCE
        return TypingNote.ACCEPTED

    def stop(self, key: TypingKey) -> _Typing | None:
        return self.entries.pop(key, None)

    def expire(self, now: float) -> list[tuple[TypingKey, _Typing]]:
        idle = self.timing.typing_idle
        gone = [(k, e) for k, e in self.entries.items() if now >= e.accepted_at + idle]
        for key, _ in gone:
            del self.entries[key]
        return gone

    def drop_connection(self, connection: str) -> list[tuple[TypingKey, _Typing]]:
        gone = [(k, e) for k, e in self.entries.items() if e.connection == connection]
        for key, _ in gone:
            del self.entries[key]
        return gone

    def next_deadline(self) -> float | None:
        if not self.entries:
            return None
        return min(e.accepted_at for e in self.entries.values()) + self.timing.typing_idle


def typing_frame(
    *, slug: str, thread_id: int, member: Member, state: str, expires_in: float | None = None
) -> dict[str, Any]:
    frame: dict[str, Any] = {
        "op": "typing",
        "space": slug,
        "thread": thread_id,
        "user": {"id": member.user_id, "name": member.name},
        "state": state,
    }
    if expires_in is not None:
        frame["expires_in"] = expires_in
    return frame


def presence_frame(*, slug: str, scope: str, members: list[dict[str, Any]]) -> dict[str, Any]:
    return {"op": "presence", "space": slug, "scope": scope, "members": members}


# The per-process service -----------------------------------------------------------


@dataclass
class LocalConnection:
    """A connection served by this process: what its heartbeats re-write."""

    member: Member
    active_at: float
    scopes: dict[ScopeKey, str] = field(default_factory=dict)  # -> space slug


_process_token = uuid.uuid4().hex[:12]
_connection_numbers = itertools.count(1)


def new_connection_id() -> str:
    """Unique across processes and restarts: a random process token and a counter."""
    return f"{_process_token}.{next(_connection_numbers)}"


class Presence:
    """Presence and typing for the connections of one process (one event loop).

    `broadcast(space_id, frame)` sends an ephemeral frame to the space's subscribers
    in every process. `interest()` gives the spaces (id -> slug) whose scopes this
    process sweeps besides those its own connections joined: the spaces it has
    subscribers in, so that a crashed process's members are seen to leave.
    """

    def __init__(
        self,
        *,
        store: PresenceStore,
        broadcast: Broadcast,
        timing: PresenceTiming | None = None,
        clock: Clock = time.time,
        interest: Callable[[], Mapping[int, str]] | None = None,
    ):
        self.store = store
        self.broadcast = broadcast
        self.timing = timing or PresenceTiming()
        self.clock = clock
        self.interest = interest or (lambda: {})
        self.connections: dict[str, LocalConnection] = {}
        self.typing = TypingTracker(self.timing)
        self.dirty: dict[ScopeKey, str] = {}  # -> slug
        self.last_broadcast: dict[ScopeKey, float] = {}
        self.next_heartbeat = self.clock() + self.timing.heartbeat
        self._wake: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None

    # Presence ---------------------------------------------------------------------

    async def join(
        self, *, connection: str, space_id: int, slug: str, scope: str, member: Member | None
    ) -> list[dict[str, Any]]:
        """Enter a scope (or, with no member, only look at it); its current member list.

        Joining is activity. Call only for connections whose reader may read the space.
        """
        now = self.clock()
        if member is not None:
            local = self.connections.get(connection)
            if local is None:
                local = self.connections[connection] = LocalConnection(member, now)
            local.active_at = now
            local.scopes[(space_id, scope)] = slug
            await self.store.put([Entry(space_id, scope, connection, member, local.active_at)], now)
            self._mark((space_id, scope), slug)
        return await self.members(space_id, scope)

    async def leave(self, *, connection: str, space_id: int, scope: str) -> bool:
        """Leave a scope; False when the connection was not in it."""
        local = self.connections.get(connection)
        if local is None or (space_id, scope) not in local.scopes:
            return False
        slug = local.scopes.pop((space_id, scope))
        if not local.scopes:
            del self.connections[connection]
        await self.store.remove([(space_id, scope, connection)])
        self._mark((space_id, scope), slug)
        return True

    async def leave_space(self, *, connection: str, space_id: int) -> None:
        """Leave every scope of a space (the subscription to it ended)."""
        for joined_space, scope in self.joined(connection):
            if joined_space == space_id:
                await self.leave(connection=connection, space_id=space_id, scope=scope)

    async def disconnect(self, connection: str) -> None:
        """The connection closed: its entries go now, and whatever it was typing stops."""
        for (space_id, thread_id, _), entry in self.typing.drop_connection(connection):
            await self._broadcast(space_id, self._typing_stop(entry, thread_id))
        local = self.connections.pop(connection, None)
        if local is None:
            return
        await self.store.remove([(sid, scope, connection) for sid, scope in local.scopes])
        for key, slug in local.scopes.items():
            self._mark(key, slug)

    async def active(self, connection: str) -> None:
        """The person behind the connection did something: not away (any more)."""
        local = self.connections.get(connection)
        if local is None:
            return
        now = self.clock()
        was_idle = now - local.active_at >= self.timing.away_after
        local.active_at = now
        await self.store.put(self._entries_of(connection, local), now)
        if was_idle:
            # Maybe shown as away until now (unless another tab was active): a transition.
            for key, slug in local.scopes.items():
                self._mark(key, slug)

    async def members(self, space_id: int, scope: str) -> list[dict[str, Any]]:
        now = self.clock()
        rows = await self.store.rows(space_id, scope, now)
        return members_list(rows, now=now, away_after=self.timing.away_after)

    def joined(self, connection: str) -> set[ScopeKey]:
        local = self.connections.get(connection)
        return set(local.scopes) if local else set()

    # Typing -----------------------------------------------------------------------

    async def typing_start(
        self, *, connection: str, space_id: int, slug: str, thread_id: int, member: Member
    ) -> bool:
        """A keystroke in a thread; True when it was accepted (not throttled)."""
        key = (space_id, thread_id, member.user_id)
        note = self.typing.note(
            key, connection=connection, slug=slug, member=member, now=self.clock()
        )
        if note is TypingNote.IGNORED:
            return False
        if note is TypingNote.ANNOUNCE:
            frame = typing_frame(
                slug=slug,
                thread_id=thread_id,
                member=member,
                state="start",
                expires_in=self.timing.typing_announce,
            )
            await self._broadcast(space_id, frame)
            self._poke()
        await self.active(connection)
        return True

    async def typing_stop(self, *, space_id: int, thread_id: int, user_id: int) -> bool:
        """The member stopped typing (their message was sent); False if they were not."""
        entry = self.typing.stop((space_id, thread_id, user_id))
        if entry is None:
            return False
        await self._broadcast(space_id, self._typing_stop(entry, thread_id))
        return True

    def _typing_stop(self, entry: _Typing, thread_id: int) -> dict[str, Any]:
        return typing_frame(slug=entry.slug, thread_id=thread_id, member=entry.member, state="stop")

    # Background work ----------------------------------------------------------------

    async def heartbeat(self) -> None:
        """Re-write this process's entries, then expire stale ones in the scopes it watches."""
        now = self.clock()
        self.next_heartbeat = now + self.timing.heartbeat
        for key, last in list(self.last_broadcast.items()):
            if now - last >= self.timing.broadcast_interval:
                del self.last_broadcast[key]  # no longer holds anything back
        entries = [
            e for conn, local in self.connections.items() for e in self._entries_of(conn, local)
        ]
        await self.store.put(entries, now)
        watched: dict[ScopeKey, str] = {}
        for local in self.connections.values():
            watched.update(local.scopes)
        for space_id, slug in dict(self.interest()).items():
            for scope in await self.store.scopes(space_id):
                watched.setdefault((space_id, scope), slug)
        for key, slug in watched.items():
            await self.store.expire(*key, now)
            # Departures, and members who turned away: a digest that did not change
            # makes the flush send nothing.
            self._mark(key, slug)

    async def flush(self, *, force: bool = False) -> None:
        """Broadcast the member lists that changed, at most one per scope per interval."""
        now = self.clock()
        for key, slug in list(self.dirty.items()):
            last = self.last_broadcast.get(key)
            if not force and last is not None and now - last < self.timing.broadcast_interval:
                continue
            del self.dirty[key]
            members = await self.members(*key)
            digest = members_digest(members)
            if await self.store.swap_digest(*key, digest) == digest:
                continue
            self.last_broadcast[key] = now
            await self._broadcast(key[0], presence_frame(slug=slug, scope=key[1], members=members))

    async def expire_typing(self) -> None:
        for (space_id, thread_id, _), entry in self.typing.expire(self.clock()):
            await self._broadcast(space_id, self._typing_stop(entry, thread_id))

    async def step(self) -> None:
        """One round of whatever background work is due."""
        if self.clock() >= self.next_heartbeat:
            await self.heartbeat()
        await self.expire_typing()
        await self.flush()

    def next_wake(self) -> float:
        """When `step` next has something to do (seconds on the clock)."""
        times = [self.next_heartbeat]
        deadline = self.typing.next_deadline()
        if deadline is not None:
            times.append(deadline)
        for key in self.dirty:
            times.append(self.last_broadcast.get(key, 0.0) + self.timing.broadcast_interval)
        return min(times)

    def start(self) -> None:
        if self._task is None:
            self._wake = asyncio.Event()
            self._task = asyncio.create_task(self._run())

    async def close(self) -> None:
        """Stop, after telling the others what changed last (the last tab just closed)."""
        await self.stop()
        try:
            await self.flush(force=True)
        finally:
            await self.store.close()

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            try:
                await task
            except (asyncio.CancelledError, Exception):
                pass

    async def _run(self) -> None:
        assert self._wake is not None
        while True:
            delay = max(0.0, self.next_wake() - self.clock())
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=delay)
            except TimeoutError:
                pass
            self._wake.clear()
            try:
                await self.step()
            except asyncio.CancelledError:
                raise
            except Exception:
                # Redis away for a moment: entries age meanwhile, the next round re-writes.
                logger.warning("presence round failed", exc_info=True)
                self.next_heartbeat = min(self.next_heartbeat, self.clock() + 1.0)
                await asyncio.sleep(1.0)

    # Internals ------------------------------------------------------------------------

    def _entries_of(self, connection: str, local: LocalConnection) -> list[Entry]:
        return [
            Entry(space_id, scope, connection, local.member, local.active_at)
            for space_id, scope in local.scopes
        ]

    def _mark(self, key: ScopeKey, slug: str) -> None:
        self.dirty[key] = slug
        self._poke()

    def _poke(self) -> None:
        if self._wake is not None:
            self._wake.set()

    async def _broadcast(self, space_id: int, frame: dict[str, Any]) -> None:
        try:
            await self.broadcast(space_id, frame)
        except Exception:  # ephemeral: the next transition or sweep tells the truth again
            logger.warning("presence broadcast to space %s failed", space_id, exc_info=True)


def store_from_settings() -> PresenceStore:
    from django.conf import settings

    timing = PresenceTiming.from_settings()
    if settings.REDIS_URL:
        return RedisPresenceStore(
            url=settings.REDIS_URL, ttl=timing.ttl, prefix=settings.CARNET_PRESENCE_KEY_PREFIX
        )
    return MemoryPresenceStore(ttl=timing.ttl)


_services: dict[asyncio.AbstractEventLoop, Presence] = {}


def get_presence() -> Presence:
    """The presence service of the running event loop (one per daphne process)."""
    loop = asyncio.get_running_loop()
    service = _services.get(loop)
    if service is None:
        from realtime.publish import broadcast_ephemeral

        service = _services[loop] = Presence(
            store=store_from_settings(),
            broadcast=broadcast_ephemeral,
            timing=PresenceTiming.from_settings(),
        )
    return service


def release_presence(service: Presence) -> None:
    """Forget a loop's service, whose hub winds down; then await its `close()`.

    Synchronous, so that the hub can call it before its first await: a connection
    arriving meanwhile gets a new service rather than a closing one.
    """
    for loop, known in list(_services.items()):
        if known is service:
            del _services[loop]
