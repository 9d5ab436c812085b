"""The websocket at /ws/ through the real ASGI application (docs/realtime-protocol.md)."""

import json

import pytest
from channels.db import database_sync_to_async
from channels.layers import InMemoryChannelLayer, get_channel_layer
from channels.testing import WebsocketCommunicator

from boards.models import Membership, Space
from boards.services.spaces import membership_remove, space_update
from project.asgi import application
from realtime import groups
from realtime.models import Event
from tests.realtime.conftest import (
    ORIGIN,
    append_events,
    open_socket,
    receive,
    receive_events,
    subscribe,
    write_events,
)

pytestmark = pytest.mark.django_db(transaction=True)


# Subscribe, replay, live ----------------------------------------------------------


async def test_subscribe_without_after_seq_streams_only_new_events(public_space, alice):
    await write_events(public_space, 2)
    socket = await open_socket(alice)
    subscribed = await subscribe(socket, public_space)
    assert subscribed == {"op": "subscribed", "space": public_space.slug, "head_seq": 2}
    assert await socket.receive_nothing()
    await write_events(public_space, 1)
    frame = await receive(socket)
    assert frame["op"] == "event"
    assert frame["space"] == public_space.slug
    assert frame["seq"] == 3
    assert frame["type"] == "test.note"
    assert frame["data"] == {"n": 0}
    assert frame["html"] == ""
    await socket.disconnect()


async def test_subscribe_with_after_seq_replays_missed_events_then_goes_live(public_space, alice):
    await write_events(public_space, 5)
    socket = await open_socket(alice)
    assert (await subscribe(socket, public_space, after_seq=2))["head_seq"] == 5
    assert await receive_events(socket, 3) == [3, 4, 5]
    await write_events(public_space, 2)
    assert await receive_events(socket, 2) == [6, 7]
    assert await socket.receive_nothing()
    await socket.disconnect()


async def test_events_committed_during_replay_arrive_once_in_order(
    public_space, alice, monkeypatch
):
    """The seam: events that commit while the replay reads the log are neither lost
    nor sent twice, whether they land in the replay read or only on the live path."""
    import realtime.consumers

    await write_events(public_space, 3)
    real_log_read = realtime.consumers.log_read

    def racing_log_read(**kwargs):
        append_events(public_space, 2)  # in the replay read and live: duplicates
        read = real_log_read(**kwargs)
        append_events(public_space, 2)  # live only, while the replay is sent
        return read

    monkeypatch.setattr(realtime.consumers, "log_read", racing_log_read)
    socket = await open_socket(alice)
    assert (await subscribe(socket, public_space, after_seq=1))["head_seq"] == 5
    assert await receive_events(socket, 6) == [2, 3, 4, 5, 6, 7]
    monkeypatch.setattr(realtime.consumers, "log_read", real_log_read)
    await write_events(public_space, 1)
    assert await receive_events(socket, 1) == [8]
    assert await socket.receive_nothing()
    await socket.disconnect()


async def test_one_layer_group_membership_per_space_per_process(public_space, alice, bob):
    sockets = [await open_socket(alice), await open_socket(bob), await open_socket()]
    for socket in sockets:
        await subscribe(socket, public_space)
    layer = get_channel_layer()
    if isinstance(layer, InMemoryChannelLayer):  # it shows its groups
        assert len(layer.groups[groups.space_group(public_space.pk)]) == 1
    await write_events(public_space, 1)
    for socket in sockets:
        assert await receive_events(socket, 1) == [1]
    for socket in sockets:
        await socket.disconnect()


async def test_unsubscribe_stops_events(public_space, alice):
    socket = await open_socket(alice)
    await subscribe(socket, public_space)
    await socket.send_json_to({"op": "unsubscribe", "space": public_space.slug, "ref": 7})
    assert await receive(socket) == {"op": "unsubscribed", "space": public_space.slug, "ref": 7}
    await write_events(public_space, 1)
    assert await socket.receive_nothing()
    await socket.disconnect()


async def test_ping_answers_pong_with_ref(alice):
    socket = await open_socket(alice)
    await socket.send_json_to({"op": "ping", "ref": "a1"})
    assert await receive(socket) == {"op": "pong", "ref": "a1"}
    await socket.disconnect()


# Who may subscribe ------------------------------------------------------------------


async def test_anonymous_reader_subscribes_to_a_public_space(public_space):
    socket = await open_socket()
    assert (await subscribe(socket, public_space))["op"] == "subscribed"
    await write_events(public_space, 1)
    assert await receive_events(socket, 1) == [1]
    await socket.disconnect()


async def test_anonymous_reader_is_refused_a_private_space(private_space):
    socket = await open_socket()
    error = await subscribe(socket, private_space)
    assert error["op"] == "error"
    assert error["code"] == "forbidden"
    await write_events(private_space, 1)
    assert await socket.receive_nothing()
    await socket.disconnect()


async def test_non_member_is_refused_a_private_space(private_space, outsider):
    socket = await open_socket(outsider)
    error = await subscribe(socket, private_space)
    assert (error["op"], error["code"]) == ("error", "forbidden")
    await write_events(private_space, 1)
    assert await socket.receive_nothing()
    await socket.disconnect()


async def test_unknown_space_gets_the_same_answer_as_a_private_one(outsider):
    socket = await open_socket(outsider)
    await socket.send_json_to({"op": "subscribe", "space": "nowhere"})
    error = await receive(socket)
    assert (error["op"], error["code"]) == ("error", "forbidden")
    await socket.disconnect()


async def test_member_subscribes_to_a_private_space(private_space, alice):
    socket = await open_socket(alice)
    assert (await subscribe(socket, private_space))["op"] == "subscribed"
    await socket.disconnect()


async def test_member_removed_mid_connection_loses_the_subscription(private_space, alice, owner):
    socket = await open_socket(alice)
    await subscribe(socket, private_space)
    membership = await database_sync_to_async(Membership.objects.get)(
        user=alice, space=private_space
    )
    await database_sync_to_async(membership_remove)(actor=owner, membership=membership)
    error = await receive(socket)
    assert error["op"] == "error"
    assert error["code"] == "access_revoked"
    assert error["space"] == private_space.slug
    await write_events(private_space, 1)
    assert await socket.receive_nothing()
    await socket.disconnect()


async def test_other_members_see_the_removal_and_keep_their_subscription(
    private_space, alice, bob, owner
):
    socket = await open_socket(bob)
    await subscribe(socket, private_space)
    membership = await database_sync_to_async(Membership.objects.get)(
        user=alice, space=private_space
    )
    await database_sync_to_async(membership_remove)(actor=owner, membership=membership)
    frame = await receive(socket)
    assert (frame["type"], frame["data"]["user_id"]) == ("member.removed", alice.pk)
    await write_events(private_space, 1)
    assert (await receive(socket))["op"] == "event"
    await socket.disconnect()


async def test_space_becoming_private_ends_anonymous_and_non_member_subscriptions(
    public_space, alice, outsider, owner
):
    anonymous, stranger, member = await open_socket(), await open_socket(outsider), None
    member = await open_socket(alice)
    for socket in (anonymous, stranger, member):
        await subscribe(socket, public_space)
    await database_sync_to_async(space_update)(
        actor=owner, space=public_space, visibility=Space.Visibility.PRIVATE
    )
    for socket in (anonymous, stranger):
        error = await receive(socket)
        assert (error["op"], error["code"]) == ("error", "access_revoked")
    assert (await receive(member))["type"] == "space.updated"
    await write_events(public_space, 1)
    for socket in (anonymous, stranger):
        assert await socket.receive_nothing()
    assert (await receive(member))["op"] == "event"
    for socket in (anonymous, stranger, member):
        await socket.disconnect()


async def test_deactivated_member_loses_subscription_at_the_next_access_check(private_space, alice):
    from realtime.hub import get_hub

    socket = await open_socket(alice)
    await subscribe(socket, private_space)
    alice.is_active = False
    await database_sync_to_async(alice.save)()
    await get_hub().recheck_access()
    error = await receive(socket)
    assert error["code"] == "access_revoked"
    await socket.disconnect()


async def test_foreign_origin_is_refused():
    communicator = WebsocketCommunicator(
        application, "/ws/", headers=[(b"origin", b"http://evil.example"), (b"host", b"localhost")]
    )
    connected, _ = await communicator.connect()
    assert not connected


async def test_missing_origin_is_refused():
    communicator = WebsocketCommunicator(application, "/ws/", headers=[(b"host", b"localhost")])
    connected, _ = await communicator.connect()
    assert not connected


# Bad input and abuse ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("not json", "malformed"),
        ("[1, 2]", "malformed"),
        ('"subscribe"', "malformed"),
        ('{"op": "launch"}', "unknown_op"),
        ("{}", "unknown_op"),
        ('{"op": "subscribe"}', "invalid"),
        ('{"op": "subscribe", "space": 42}', "invalid"),
        ('{"op": "subscribe", "space": "jeunes", "after_seq": -1}', "invalid"),
        ('{"op": "subscribe", "space": "jeunes", "after_seq": "3"}', "invalid"),
        ('{"op": "ping", "ref": {"x": 1}}', "invalid"),
        ('{"op": "unsubscribe", "space": "jeunes"}', "not_subscribed"),
    ],
)
async def test_bad_frames_get_an_error_frame_and_the_connection_lives_on(
    public_space, alice, text, code
):
    socket = await open_socket(alice)
    events_before = await database_sync_to_async(Event.objects.count)()
    await socket.send_to(text_data=text)
    error = await receive(socket)
    assert error["op"] == "error"
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    await socket.send_json_to({"op": "ping"})
    assert await receive(socket) == {"op": "pong"}
    assert await database_sync_to_async(Event.objects.count)() == events_before
    await socket.disconnect()


async def test_binary_frames_are_refused_with_an_error_frame(alice):
    socket = await open_socket(alice)
    await socket.send_to(bytes_data=b"\x00\x01")
    assert (await receive(socket))["code"] == "malformed"
    await socket.disconnect()


async def test_error_frames_echo_the_ref(public_space, alice):
    socket = await open_socket(alice)
    await socket.send_json_to({"op": "subscribe", "space": public_space.slug, "ref": 3})
    assert (await receive(socket))["ref"] == 3
    await socket.send_json_to({"op": "subscribe", "space": public_space.slug, "ref": 4})
    error = await receive(socket)
    assert (error["code"], error["ref"]) == ("already_subscribed", 4)
    await socket.disconnect()


async def test_oversized_frame_gets_an_error_then_close_1009(public_space, alice):
    socket = await open_socket(alice)
    padding = "x" * (64 * 1024)
    await socket.send_to(text_data=json.dumps({"op": "ping", "ref": padding}))
    error = await receive(socket)
    assert error["code"] == "frame_too_large"
    closed = await socket.receive_output(timeout=2)
    assert closed == {"type": "websocket.close", "code": 1009}
    await socket.disconnect()


async def test_frame_size_limit_counts_bytes_and_follows_the_setting(alice, settings):
    settings.CARNET_WS_MAX_FRAME_BYTES = 100
    socket = await open_socket(alice)
    text = json.dumps({"op": "ping", "ref": "é" * 40}, ensure_ascii=False)
    assert len(text) < 100 < len(text.encode())
    await socket.send_to(text_data=text)
    assert (await receive(socket))["code"] == "frame_too_large"
    assert await socket.receive_output(timeout=2) == {"type": "websocket.close", "code": 1009}
    await socket.disconnect()


async def test_flood_gets_rate_limited_then_closed_4008(public_space, alice, settings):
    settings.CARNET_WS_RATE = 1
    settings.CARNET_WS_BURST = 5
    socket = await open_socket(alice)
    for _ in range(5):
        await socket.send_json_to({"op": "ping"})
    for _ in range(5):
        assert await receive(socket) == {"op": "pong"}
    for _ in range(10):
        await socket.send_json_to({"op": "subscribe", "space": public_space.slug})
    error = await receive(socket)
    assert error["code"] == "rate_limited"
    assert await socket.receive_output(timeout=2) == {"type": "websocket.close", "code": 4008}
    assert await database_sync_to_async(Event.objects.count)() == 0
    await socket.disconnect()


async def test_subscriptions_per_connection_are_capped(alice, settings):
    from tests.factories import make_space

    settings.CARNET_WS_MAX_SUBSCRIPTIONS = 2
    spaces = [await database_sync_to_async(make_space)() for _ in range(3)]
    socket = await open_socket(alice)
    assert (await subscribe(socket, spaces[0]))["op"] == "subscribed"
    assert (await subscribe(socket, spaces[1]))["op"] == "subscribed"
    error = await subscribe(socket, spaces[2])
    assert error["code"] == "too_many_subscriptions"
    await socket.disconnect()


async def test_connections_per_member_are_capped(alice, settings):
    settings.CARNET_WS_MAX_CONNECTIONS_PER_USER = 2
    first, second = await open_socket(alice), await open_socket(alice)
    third = WebsocketCommunicator(
        application,
        "/ws/",
        headers=[ORIGIN, (b"host", b"localhost"), (b"cookie", _cookie_of(first))],
    )
    assert (await third.connect())[0]
    error = await receive(third)
    assert error["code"] == "too_many_connections"
    assert await third.receive_output(timeout=2) == {"type": "websocket.close", "code": 4029}
    await third.disconnect()
    await second.disconnect()
    fourth = await open_socket(alice)  # a slot came free
    for socket in (first, fourth):
        await socket.disconnect()


def _cookie_of(communicator: WebsocketCommunicator) -> bytes:
    return dict(communicator.scope["headers"])[b"cookie"]


# Sign-out --------------------------------------------------------------------------


async def test_signing_out_closes_that_sessions_sockets_only(public_space, alice):
    from django.test import Client
    from django.urls import reverse

    browser, other_device = Client(), Client()
    for client in (browser, other_device):
        await database_sync_to_async(client.force_login)(
            alice, backend="django.contrib.auth.backends.ModelBackend"
        )
    cookie = f"sessionid={browser.cookies['sessionid'].value}"
    other_cookie = f"sessionid={other_device.cookies['sessionid'].value}"
    tab = await open_socket(alice, cookie=cookie)
    other = await open_socket(alice, cookie=other_cookie)
    await subscribe(tab, public_space)
    response = await database_sync_to_async(browser.post)(reverse("accounts:sign_out"))
    assert response.status_code == 302
    assert await tab.receive_output(timeout=2) == {"type": "websocket.close", "code": 4001}
    await other.send_json_to({"op": "ping"})
    assert await receive(other) == {"op": "pong"}
    await tab.disconnect()
    await other.disconnect()


async def test_connections_opened_together_share_one_hub_channel(public_space):
    import asyncio

    from realtime.hub import get_hub

    sockets = await asyncio.gather(*(open_socket() for _ in range(20)))
    await asyncio.gather(*(subscribe(socket, public_space) for socket in sockets))
    hub = get_hub()
    assert len(hub.connections) == 20
    layer = get_channel_layer()
    if isinstance(layer, InMemoryChannelLayer):
        assert layer.groups[groups.space_group(public_space.pk)].keys() == {hub.channel}
    await write_events(public_space, 1)
    for socket in sockets:
        assert await receive_events(socket, 1) == [1]
    for socket in sockets:
        await socket.disconnect()


async def test_the_hub_joins_its_groups_again_when_the_layer_forgot_them(public_space, alice):
    from realtime.hub import get_hub

    layer = get_channel_layer()
    if not isinstance(layer, InMemoryChannelLayer):
        pytest.skip("simulates group expiry on the in-memory layer")
    socket = await open_socket(alice)
    await subscribe(socket, public_space)
    layer.groups.pop(groups.space_group(public_space.pk))  # as after group_expiry
    await get_hub().rejoin()
    await write_events(public_space, 1)
    assert await receive_events(socket, 1) == [1]
    await socket.disconnect()


async def test_ephemeral_frames_reach_live_subscribers_of_the_space_only(
    public_space, private_space, alice
):
    from realtime.publish import broadcast_ephemeral

    here, elsewhere = await open_socket(alice), await open_socket(alice)
    await subscribe(here, public_space)
    await subscribe(elsewhere, private_space)
    frame = {"op": "presence", "space": public_space.slug, "members": []}
    await broadcast_ephemeral(public_space.pk, frame)
    assert await receive(here) == frame
    assert await elsewhere.receive_nothing()
    for socket in (here, elsewhere):
        await socket.disconnect()
