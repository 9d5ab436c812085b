"""Presence and typing (realtime/presence.py): who is here, who is typing, and expiry.

Time is a fake clock moved by the tests, except in the SIGKILL test, where a real
process really dies. The Redis tests run against REDIS_URL, each under its own key
prefix.
"""

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from typing import Any

import pytest
from channels.db import database_sync_to_async
from django.conf import settings

from realtime.presence import (
    SPACE_SCOPE,
    Member,
    MemoryPresenceStore,
    Presence,
    PresenceTiming,
    RedisPresenceStore,
    thread_scope,
)
from tests.factories import make_thread
from tests.realtime.conftest import open_socket, receive, session_cookie, subscribe
from tests.servers import ROOT

TIMING = PresenceTiming(
    heartbeat=15,
    ttl=45,
    away_after=300,
    broadcast_interval=1,
    typing_interval=2.5,
    typing_idle=7,
    typing_announce=15,
)
SPACE = 7
SLUG = "comite"
THREAD = thread_scope(3)
ALICE = Member(user_id=1, name="Alice", initials="A")
BOB = Member(user_id=2, name="Bob", initials="B")


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class Frames:
    """A broadcast that records what it is given, as the space's subscribers would see it."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    async def __call__(self, space_id: int, frame: dict[str, Any]) -> None:
        assert space_id == SPACE
        self.sent.append(frame)

    def take(self, op: str) -> list[dict[str, Any]]:
        taken = [frame for frame in self.sent if frame["op"] == op]
        self.sent = [frame for frame in self.sent if frame["op"] != op]
        return taken


def names(members: list[dict[str, Any]]) -> list[str]:
    return [member["name"] for member in members]


def redis_url() -> str:
    if not settings.REDIS_URL:
        if settings.CARNET_REQUIRE_SERVICES:
            pytest.fail("needs Redis (REDIS_URL)")
        pytest.skip("needs Redis (REDIS_URL)")
    return settings.REDIS_URL


@pytest.fixture
def prefix():
    """A key prefix of this test's own; its keys are deleted afterwards."""
    value = f"carnet-test:presence:{uuid.uuid4().hex[:12]}"
    yield value
    if settings.REDIS_URL:
        import redis

        client = redis.Redis.from_url(settings.REDIS_URL)
        keys = list(client.scan_iter(f"{value}:*"))
        if keys:
            client.delete(*keys)
        client.close()


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.services)])
def make_store(request, prefix):
    """Stores as separate processes would have them: all sharing one view of presence."""
    memory = MemoryPresenceStore(ttl=TIMING.ttl)

    def make():
        if request.param == "memory":
            return memory  # one process: the memory store is the shared view
        return RedisPresenceStore(url=redis_url(), ttl=TIMING.ttl, prefix=prefix)

    return make  # the tests close their Redis stores on their own event loop


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
async def service(make_store, clock):
    """A function making a Presence service (one per "process") on the shared store."""
    made: list[Presence] = []

    def make(interest: dict[int, str] | None = None) -> tuple[Presence, Frames]:
        frames = Frames()
        presence = Presence(
            store=make_store(),
            broadcast=frames,
            timing=TIMING,
            clock=clock,
            interest=lambda: interest or {},
        )
        made.append(presence)
        return presence, frames

    yield make
    for presence in made:
        await presence.stop()
        await presence.store.close()


async def join(presence: Presence, connection: str, member: Member, scope: str = THREAD):
    return await presence.join(
        connection=connection, space_id=SPACE, slug=SLUG, scope=scope, member=member
    )


# Presence ----------------------------------------------------------------------------


async def test_a_member_with_two_connections_counts_once_and_stays_when_one_closes(service):
    presence, frames = service()

    assert names(await join(presence, "p.1", ALICE)) == ["Alice"]
    await presence.flush()
    assert [names(f["members"]) for f in frames.take("presence")] == [["Alice"]]

    assert names(await join(presence, "p.2", ALICE)) == ["Alice"]  # a second tab
    await presence.flush(force=True)
    assert frames.take("presence") == []  # nothing changed for the others

    await presence.disconnect("p.1")  # one tab closes
    await presence.flush(force=True)
    assert names(await presence.members(SPACE, THREAD)) == ["Alice"]
    assert frames.take("presence") == []

    await presence.disconnect("p.2")  # the last one
    await presence.flush(force=True)
    assert names(await presence.members(SPACE, THREAD)) == []
    assert [f["members"] for f in frames.take("presence")] == [[]]


async def test_presence_frames_name_the_space_and_scope_and_show_only_public_fields(service):
    presence, frames = service()
    await join(presence, "p.1", Member(user_id=1, name="Alice", initials="A", avatar="/a.png"))
    await presence.flush()

    [frame] = frames.take("presence")
    assert frame == {
        "op": "presence",
        "space": SLUG,
        "scope": THREAD,
        "members": [{"id": 1, "name": "Alice", "initials": "A", "avatar": "/a.png", "away": False}],
    }


async def test_space_and_thread_scopes_are_separate(service):
    presence, _ = service()
    await join(presence, "p.1", ALICE, scope=SPACE_SCOPE)
    await join(presence, "p.2", BOB, scope=THREAD)

    assert names(await presence.members(SPACE, SPACE_SCOPE)) == ["Alice"]
    assert names(await presence.members(SPACE, THREAD)) == ["Bob"]

    assert await presence.leave(connection="p.2", space_id=SPACE, scope=THREAD)
    assert not await presence.leave(connection="p.2", space_id=SPACE, scope=THREAD)
    assert names(await presence.members(SPACE, THREAD)) == []


async def test_a_look_without_a_member_does_not_add_anyone(service):
    presence, _ = service()
    await join(presence, "p.1", ALICE)

    seen = await presence.join(
        connection="anon.1", space_id=SPACE, slug=SLUG, scope=THREAD, member=None
    )

    assert names(seen) == ["Alice"]
    assert names(await presence.members(SPACE, THREAD)) == ["Alice"]


async def test_a_member_turns_away_after_minutes_without_activity_in_any_tab_and_comes_back(
    service, clock
):
    presence, frames = service()
    await join(presence, "p.1", ALICE)
    await join(presence, "p.2", ALICE)
    await join(presence, "p.3", BOB)
    await presence.flush()
    frames.take("presence")

    clock.advance(200)
    await presence.active("p.2")  # Alice does something in her second tab
    clock.advance(150)  # 350 s since Bob's last activity, 150 s since Alice's
    await presence.heartbeat()
    await presence.flush()
    [frame] = frames.take("presence")
    assert {m["name"]: m["away"] for m in frame["members"]} == {"Alice": False, "Bob": True}

    clock.advance(30)
    await presence.heartbeat()  # still away: no news
    await presence.flush()
    assert frames.take("presence") == []

    clock.advance(1)
    await presence.active("p.3")  # Bob is back
    await presence.flush()
    [frame] = frames.take("presence")
    assert {m["name"]: m["away"] for m in frame["members"]} == {"Alice": False, "Bob": False}


async def test_entries_expire_after_missed_heartbeats_and_the_departure_is_broadcast(
    service, clock
):
    doomed, _ = service()  # a process that will stop heartbeating, as if killed
    survivor, frames = service(interest={SPACE: SLUG})  # serves subscribers of the space
    await join(doomed, "dead.1", ALICE)
    await join(survivor, "live.1", BOB)
    await doomed.flush()
    await survivor.flush()
    frames.take("presence")

    clock.advance(TIMING.heartbeat)
    await survivor.heartbeat()
    await survivor.flush()
    assert frames.take("presence") == []  # 15 s: Alice is still here
    assert names(await survivor.members(SPACE, THREAD)) == ["Alice", "Bob"]

    clock.advance(TIMING.ttl - TIMING.heartbeat)
    # Her last heartbeat is `ttl` old: no read shows her any more...
    assert names(await survivor.members(SPACE, THREAD)) == ["Bob"]
    # ...and the survivor's next round removes her and tells the others.
    await survivor.heartbeat()
    await survivor.flush()
    assert [names(f["members"]) for f in frames.take("presence")] == [["Bob"]]


async def test_heartbeats_keep_members_present_beyond_the_ttl(service, clock):
    presence, frames = service()
    await join(presence, "p.1", ALICE)
    for _ in range(10):
        clock.advance(TIMING.heartbeat)
        await presence.step()
    assert names(await presence.members(SPACE, THREAD)) == ["Alice"]


async def test_many_members_joining_at_once_make_one_frame_per_interval(service, clock):
    presence, frames = service()
    for user_id in range(1, 201):
        await join(presence, f"p.{user_id}", Member(user_id=user_id, name=f"M{user_id:03}"))
        await presence.flush()  # the background loop runs often; the interval holds it back
        clock.advance(0.004)

    clock.advance(TIMING.broadcast_interval)
    await presence.flush()
    sent = frames.take("presence")
    assert len(sent) == 2  # the first join, then everything else coalesced
    assert len(sent[-1]["members"]) == 200

    for _ in range(5):  # heartbeats without a change say nothing
        clock.advance(TIMING.heartbeat)
        await presence.step()
    assert frames.take("presence") == []


async def test_two_processes_announce_one_change_once(service):
    one, frames_one = service(interest={SPACE: SLUG})
    two, frames_two = service(interest={SPACE: SLUG})
    await join(one, "a.1", ALICE)
    await one.flush()
    await two.heartbeat()
    await two.flush()

    assert len(frames_one.take("presence")) + len(frames_two.take("presence")) == 1


# Redis: shared by processes ------------------------------------------------------------


@pytest.mark.services
async def test_two_redis_stores_see_each_others_members(prefix, clock):
    url = redis_url()
    frames = Frames()
    one = Presence(
        store=RedisPresenceStore(url=url, ttl=TIMING.ttl, prefix=prefix),
        broadcast=frames,
        timing=TIMING,
        clock=clock,
    )
    two = Presence(
        store=RedisPresenceStore(url=url, ttl=TIMING.ttl, prefix=prefix),
        broadcast=frames,
        timing=TIMING,
        clock=clock,
    )
    try:
        await join(one, "one.1", ALICE)
        assert names(await join(two, "two.1", BOB)) == ["Alice", "Bob"]
        assert names(await one.members(SPACE, THREAD)) == ["Alice", "Bob"]
        await join(two, "two.2", ALICE)  # Alice's second tab, on the other process
        await one.disconnect("one.1")
        assert names(await one.members(SPACE, THREAD)) == ["Alice", "Bob"]
        await two.disconnect("two.2")
        assert names(await one.members(SPACE, THREAD)) == ["Bob"]
    finally:
        for presence in (one, two):
            await presence.store.close()


DOOMED_PROCESS = """
import asyncio, sys
from realtime.presence import Member, Presence, PresenceTiming, RedisPresenceStore

async def main(url, prefix, heartbeat, ttl):
    timing = PresenceTiming(heartbeat=float(heartbeat), ttl=float(ttl), broadcast_interval=0.1)
    async def broadcast(space_id, frame):
        pass
    presence = Presence(
        store=RedisPresenceStore(url=url, ttl=timing.ttl, prefix=prefix),
        broadcast=broadcast,
        timing=timing,
    )
    await presence.join(
        connection="doomed.1", space_id=7, slug="comite", scope="thread:3",
        member=Member(user_id=1, name="Alice", initials="A"),
    )
    presence.start()
    print("ready", flush=True)
    await asyncio.Event().wait()

asyncio.run(main(*sys.argv[1:]))
"""


@pytest.mark.services
async def test_a_process_killed_with_sigkill_loses_its_members_within_the_bound(prefix):
    url = redis_url()
    timing = PresenceTiming(heartbeat=0.5, ttl=1.5, broadcast_interval=0.1)
    process = subprocess.Popen(
        [sys.executable, "-c", DOOMED_PROCESS, url, prefix, str(timing.heartbeat), str(timing.ttl)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    frames = Frames()
    observer = Presence(
        store=RedisPresenceStore(url=url, ttl=timing.ttl, prefix=prefix),
        broadcast=frames,
        timing=timing,
        interest=lambda: {SPACE: SLUG},  # this process serves subscribers of the space
    )
    try:
        ready = await asyncio.wait_for(asyncio.to_thread(process.stdout.readline), 20)
        assert ready.strip() == b"ready"
        observer.start()

        # Alive, the other process keeps Alice present well beyond the ttl.
        await asyncio.sleep(timing.ttl * 2)
        assert names(await observer.members(SPACE, THREAD)) == ["Alice"]

        os.kill(process.pid, signal.SIGKILL)
        killed_at = time.monotonic()
        process.wait(timeout=5)
        while not any(f["op"] == "presence" and f["members"] == [] for f in frames.sent):
            assert time.monotonic() - killed_at < timing.expiry_bound + 1, "Alice never left"
            await asyncio.sleep(0.05)
        elapsed = time.monotonic() - killed_at

        assert elapsed <= timing.expiry_bound + 0.5  # + scheduling slack
        assert names(await observer.members(SPACE, THREAD)) == []
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        await observer.stop()
        await observer.store.close()


# Typing ------------------------------------------------------------------------------


async def typing(presence: Presence, connection: str, member: Member, thread: int = 3) -> bool:
    return await presence.typing_start(
        connection=connection, space_id=SPACE, slug=SLUG, thread_id=thread, member=member
    )


async def test_typing_is_announced_once_throttled_and_stops_after_a_few_idle_seconds(
    service, clock
):
    presence, frames = service()
    await join(presence, "p.1", ALICE)

    assert await typing(presence, "p.1", ALICE)
    [start] = frames.take("typing")
    assert start == {
        "op": "typing",
        "space": SLUG,
        "thread": 3,
        "user": {"id": 1, "name": "Alice"},
        "state": "start",
        "expires_in": TIMING.typing_announce,
    }

    clock.advance(1)
    assert not await typing(presence, "p.1", ALICE)  # within the interval: ignored
    clock.advance(2)
    assert await typing(presence, "p.1", ALICE)  # accepted, extends, says nothing
    assert frames.take("typing") == []

    clock.advance(TIMING.typing_idle - 0.1)
    await presence.expire_typing()
    assert frames.take("typing") == []  # still within a few seconds of the last keystroke
    clock.advance(0.1)
    await presence.expire_typing()
    assert [(f["state"], f["user"]["name"]) for f in frames.take("typing")] == [("stop", "Alice")]


async def test_typing_stops_at_once_when_the_message_is_sent_or_the_tab_closes(service):
    presence, frames = service()
    await typing(presence, "p.1", ALICE)
    await typing(presence, "p.2", BOB)
    frames.take("typing")

    assert await presence.typing_stop(space_id=SPACE, thread_id=3, user_id=ALICE.user_id)
    assert not await presence.typing_stop(space_id=SPACE, thread_id=3, user_id=ALICE.user_id)
    await presence.disconnect("p.2")

    assert [(f["state"], f["user"]["name"]) for f in frames.take("typing")] == [
        ("stop", "Alice"),
        ("stop", "Bob"),
    ]
    await presence.expire_typing()
    assert frames.take("typing") == []


async def test_long_typing_repeats_its_start_before_clients_forget_it(service, clock):
    presence, frames = service()
    starts = []
    for _ in range(20):  # a minute of steady typing, one frame every 3 s
        await typing(presence, "p.1", ALICE)
        starts += [clock.now for f in frames.take("typing") if f["state"] == "start"]
        clock.advance(3)
        await presence.expire_typing()
    assert frames.take("typing") == []  # never stopped meanwhile

    gaps = [later - earlier for earlier, later in zip(starts, starts[1:], strict=False)]
    assert 3 <= len(starts) <= 8  # a few repeats, not one per keystroke
    # Clients keep a start `typing_announce` seconds: each repeat comes before that ends.
    assert all(gap + TIMING.typing_idle <= TIMING.typing_announce + 3 for gap in gaps)


async def test_typing_in_two_threads_is_two_indicators(service):
    presence, frames = service()
    await typing(presence, "p.1", ALICE, thread=3)
    await typing(presence, "p.1", ALICE, thread=4)
    assert [f["thread"] for f in frames.take("typing")] == [3, 4]


async def test_typing_counts_as_activity(service, clock):
    presence, frames = service()
    await join(presence, "p.1", ALICE)
    await presence.flush()
    clock.advance(TIMING.away_after + 1)
    await presence.heartbeat()
    await presence.flush()
    assert [f["members"][0]["away"] for f in frames.take("presence")] == [False, True]

    await typing(presence, "p.1", ALICE)
    await presence.flush(force=True)
    assert [f["members"][0]["away"] for f in frames.take("presence")] == [False]


async def test_the_background_loop_sends_stops_and_transitions_by_itself(make_store):
    frames = Frames()
    presence = Presence(
        store=make_store(),
        broadcast=frames,
        timing=PresenceTiming(typing_idle=0.2, broadcast_interval=0.05),
    )
    presence.start()
    try:
        await typing(presence, "p.1", ALICE)
        await join(presence, "p.1", ALICE)
        for _ in range(100):
            if any(f["op"] == "typing" and f["state"] == "stop" for f in frames.sent):
                break
            await asyncio.sleep(0.02)
        assert [f["op"] for f in frames.sent].count("presence") == 1
        assert [f["state"] for f in frames.sent if f["op"] == "typing"] == ["start", "stop"]
    finally:
        await presence.stop()
        await presence.store.close()


# Over the websocket -------------------------------------------------------------------


@pytest.fixture
def quick_presence(settings):
    """Broadcasts within a tenth of a second, so that the tests do not wait on throttling."""
    settings.CARNET_PRESENCE_BROADCAST_INTERVAL = 0.1
    return settings


async def next_of(socket, op: str) -> dict[str, Any]:
    """The next frame of kind `op`, skipping presence broadcasts that came first."""
    for _ in range(20):
        frame = await receive(socket)
        if frame["op"] == op:
            return frame
    raise AssertionError(f"no {op} frame")


async def members_seen(socket, scope: str = THREAD) -> list[str]:
    """The names in the next presence frame of `scope`."""
    while True:
        frame = await next_of(socket, "presence")
        if frame["scope"] == scope:
            return names(frame["members"])


async def seeing(socket, expected: list[str], scope: str = THREAD) -> None:
    """Wait until a presence frame of `scope` lists `expected` (earlier ones may be stale)."""
    for _ in range(10):
        if await members_seen(socket, scope) == expected:
            return
    raise AssertionError(f"never saw {expected}")


async def present_in(socket, space, thread, *, ref: str = "j") -> list[str]:
    """Subscribe and join the thread's presence; the names the reply lists."""
    assert (await subscribe(socket, space))["op"] == "subscribed"
    await socket.send_json_to(
        {"op": "presence.join", "space": space.slug, "scope": f"thread:{thread.pk}", "ref": ref}
    )
    frame = await receive(socket)
    while frame.get("ref") != ref:
        frame = await receive(socket)
    assert frame["op"] == "presence", frame
    return names(frame["members"])


@pytest.mark.django_db(transaction=True)
async def test_over_the_websocket_two_tabs_of_one_member_count_once_until_both_close(
    quick_presence, private_space, alice, bob
):
    thread = await database_sync_to_async(make_thread)(private_space, alice)
    scope = f"thread:{thread.pk}"
    alice_one = await open_socket(alice)
    assert await present_in(alice_one, private_space, thread) == ["Alice"]
    bob_socket = await open_socket(bob)
    assert await present_in(bob_socket, private_space, thread) == ["Alice", "Bob"]
    await seeing(alice_one, ["Alice", "Bob"], scope)
    await seeing(bob_socket, ["Alice", "Bob"], scope)  # Bob's arrival, told to all

    alice_two = await open_socket(alice)  # Alice opens a second tab
    assert await present_in(alice_two, private_space, thread) == ["Alice", "Bob"]
    await alice_one.disconnect()  # and closes the first
    assert await bob_socket.receive_nothing(timeout=0.5)  # still there for Bob

    await alice_two.disconnect()
    await seeing(bob_socket, ["Bob"], scope)
    await bob_socket.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_over_the_websocket_typing_reaches_the_others_throttled_and_stops(
    quick_presence, private_space, alice, bob
):
    thread = await database_sync_to_async(make_thread)(private_space, alice)
    alice_socket, bob_socket = await open_socket(alice), await open_socket(bob)
    await present_in(alice_socket, private_space, thread)
    await present_in(bob_socket, private_space, thread)
    await seeing(bob_socket, ["Alice", "Bob"], f"thread:{thread.pk}")
    typing = {"op": "typing", "space": private_space.slug, "thread": thread.pk}

    await alice_socket.send_json_to(typing)
    start = await next_of(bob_socket, "typing")
    assert (start["state"], start["user"], start["thread"]) == (
        "start",
        {"id": alice.pk, "name": "Alice"},
        thread.pk,
    )
    await alice_socket.send_json_to(typing)  # again at once: throttled, nothing new
    assert await bob_socket.receive_nothing(timeout=0.3)
    await alice_socket.send_json_to({**typing, "state": "stop"})  # she sent her message
    assert (await next_of(bob_socket, "typing"))["state"] == "stop"

    await alice_socket.disconnect()
    await bob_socket.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_over_the_websocket_only_chatting_members_may_type(
    quick_presence, private_space, alice, reader
):
    thread = await database_sync_to_async(make_thread)(private_space, alice)
    alice_socket, reader_socket = await open_socket(alice), await open_socket(reader)
    await present_in(alice_socket, private_space, thread)
    await present_in(reader_socket, private_space, thread)  # readers are present...
    await seeing(alice_socket, ["Alice", "Rita"], f"thread:{thread.pk}")

    await reader_socket.send_json_to(
        {"op": "typing", "space": private_space.slug, "thread": thread.pk, "ref": 1}
    )
    error = await next_of(reader_socket, "error")  # ...but may not type
    assert (error["code"], error["ref"]) == ("not_allowed", 1)
    assert await alice_socket.receive_nothing(timeout=0.3)

    await alice_socket.disconnect()
    await reader_socket.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_over_the_websocket_presence_of_a_private_space_stays_with_its_readers(
    quick_presence, private_space, public_space, alice, outsider
):
    thread = await database_sync_to_async(make_thread)(private_space, alice)
    alice_socket = await open_socket(alice)
    await present_in(alice_socket, private_space, thread)
    outsider_socket = await open_socket(outsider)
    join = {"op": "presence.join", "space": private_space.slug, "scope": f"thread:{thread.pk}"}

    await outsider_socket.send_json_to(join)
    assert (await receive(outsider_socket))["code"] == "not_subscribed"
    assert (await subscribe(outsider_socket, private_space))["code"] == "forbidden"
    await outsider_socket.send_json_to(join)
    assert (await receive(outsider_socket))["code"] == "not_subscribed"
    # Subscribed elsewhere, the outsider still hears nothing of the private space.
    assert (await subscribe(outsider_socket, public_space))["op"] == "subscribed"
    await alice_socket.send_json_to(
        {"op": "typing", "space": private_space.slug, "thread": thread.pk}
    )
    assert await outsider_socket.receive_nothing(timeout=0.3)

    await alice_socket.disconnect()
    await outsider_socket.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_over_the_websocket_a_removed_member_leaves_the_list_and_hears_no_more(
    quick_presence, private_space, alice, bob, owner
):
    from boards.models import Membership
    from boards.services.spaces import membership_remove

    thread = await database_sync_to_async(make_thread)(private_space, alice)
    scope = f"thread:{thread.pk}"
    alice_socket, bob_socket = await open_socket(alice), await open_socket(bob)
    await present_in(alice_socket, private_space, thread)
    await present_in(bob_socket, private_space, thread)
    await seeing(alice_socket, ["Alice", "Bob"], scope)
    await seeing(bob_socket, ["Alice", "Bob"], scope)

    membership = await database_sync_to_async(Membership.objects.get)(user=bob, space=private_space)
    await database_sync_to_async(membership_remove)(actor=owner, membership=membership)
    assert (await next_of(bob_socket, "error"))["code"] == "access_revoked"
    await seeing(alice_socket, ["Alice"], scope)  # Bob is gone for the others

    await alice_socket.send_json_to(
        {"op": "typing", "space": private_space.slug, "thread": thread.pk}
    )
    assert await bob_socket.receive_nothing(timeout=0.3)  # and hears nothing more
    await alice_socket.disconnect()
    await bob_socket.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_over_the_websocket_anonymous_readers_see_presence_without_being_listed(
    quick_presence, public_space, alice
):
    thread = await database_sync_to_async(make_thread)(public_space, alice)
    alice_socket = await open_socket(alice)
    await present_in(alice_socket, public_space, thread)
    await seeing(alice_socket, ["Alice"], f"thread:{thread.pk}")
    anonymous = await open_socket()
    assert await present_in(anonymous, public_space, thread) == ["Alice"]
    assert await alice_socket.receive_nothing(timeout=0.3)  # nobody new to show
    await anonymous.send_json_to({"op": "typing", "space": public_space.slug, "thread": thread.pk})
    assert (await next_of(anonymous, "error"))["code"] == "not_allowed"

    await alice_socket.disconnect()
    await anonymous.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ({"op": "presence.join", "space": "comite"}, "invalid"),
        ({"op": "presence.join", "space": "comite", "scope": "room:1"}, "invalid"),
        ({"op": "presence.join", "space": "comite", "scope": "thread:x"}, "invalid"),
        ({"op": "presence.join", "space": "comite", "scope": "thread:999999"}, "invalid"),
        ({"op": "presence.leave", "space": "comite", "scope": "space"}, "not_joined"),
        ({"op": "typing", "space": "comite"}, "invalid"),
        ({"op": "typing", "space": "comite", "thread": True}, "invalid"),
        ({"op": "typing", "space": "comite", "thread": 999999}, "invalid"),
        ({"op": "typing", "space": "comite", "thread": 1, "state": "maybe"}, "invalid"),
        ({"op": "typing", "space": "jeunes", "thread": 1}, "not_subscribed"),
    ],
)
async def test_over_the_websocket_bad_presence_and_typing_frames_get_error_frames(
    quick_presence, private_space, public_space, alice, frame, code
):
    socket = await open_socket(alice)
    assert (await subscribe(socket, private_space))["op"] == "subscribed"
    await socket.send_json_to({**frame, "ref": "bad"})
    error = await receive(socket)
    assert (error["op"], error["code"], error["ref"]) == ("error", code, "bad")
    await socket.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_over_the_websocket_a_thread_of_another_space_cannot_be_joined_or_typed_in(
    quick_presence, private_space, public_space, alice
):
    other = await database_sync_to_async(make_thread)(public_space, alice)
    socket = await open_socket(alice)
    assert (await subscribe(socket, private_space))["op"] == "subscribed"
    for frame in (
        {"op": "presence.join", "space": private_space.slug, "scope": f"thread:{other.pk}"},
        {"op": "typing", "space": private_space.slug, "thread": other.pk},
    ):
        await socket.send_json_to(frame)
        assert (await receive(socket))["code"] == "invalid"
    await socket.disconnect()


# Two daphne processes on Redis ------------------------------------------------------------


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
async def test_presence_and_typing_cross_two_daphne_processes(
    real_services, private_space, alice, bob
):
    from tests.realtime.test_processes import next_frame, open_ws
    from tests.servers import daphne_server

    thread = await database_sync_to_async(make_thread)(private_space, alice)
    scope = f"thread:{thread.pk}"
    env = {
        "REDIS_URL": settings.REDIS_URL,
        "CARNET_CHANNEL_LAYER": settings.CARNET_CHANNEL_LAYER,
        "CARNET_PRESENCE_BROADCAST_INTERVAL": "0.1",
        "CARNET_PRESENCE_KEY_PREFIX": f"carnet-test:presence:{uuid.uuid4().hex[:12]}",
    }
    alice_cookie = await database_sync_to_async(session_cookie)(alice)
    bob_cookie = await database_sync_to_async(session_cookie)(bob)

    async def join(ws) -> list[str]:
        await ws.send(json.dumps({"op": "subscribe", "space": private_space.slug}))
        assert (await next_frame(ws))["op"] == "subscribed"
        await ws.send(
            json.dumps(
                {"op": "presence.join", "space": private_space.slug, "scope": scope, "ref": "j"}
            )
        )
        while (frame := await next_frame(ws)).get("ref") != "j":
            pass
        return names(frame["members"])

    async def until(ws, predicate) -> dict[str, Any]:
        while not predicate(frame := await next_frame(ws)):
            pass
        return frame

    with daphne_server(extra_env=env) as server_a, daphne_server(extra_env=env) as server_b:
        alice_on_a = await open_ws(server_a, alice_cookie)
        bob_on_b = await open_ws(server_b, bob_cookie)
        assert await join(alice_on_a) == ["Alice"]
        assert await join(bob_on_b) == ["Alice", "Bob"]  # Alice is on the other process
        await until(
            alice_on_a, lambda f: f["op"] == "presence" and names(f["members"]) == ["Alice", "Bob"]
        )

        await alice_on_a.send(
            json.dumps({"op": "typing", "space": private_space.slug, "thread": thread.pk})
        )
        typing = await until(bob_on_b, lambda f: f["op"] == "typing")
        assert (typing["state"], typing["user"]["name"]) == ("start", "Alice")

        await alice_on_a.close()  # Alice leaves: Bob, on B, sees her typing stop and her go
        await until(bob_on_b, lambda f: f["op"] == "typing" and f["state"] == "stop")
        await until(bob_on_b, lambda f: f["op"] == "presence" and names(f["members"]) == ["Bob"])
        await bob_on_b.close()
