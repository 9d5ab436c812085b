"""The event log under loss: dropped layer messages, Redis away, retention, concurrency."""

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels_redis.core import RedisChannelLayer
from django.core.management import call_command
from django.db import transaction

import realtime.publish
from boards.services.comments import comment_create, comment_remove, comment_update
from realtime.hub import get_hub
from realtime.log import event_append
from realtime.models import Event
from tests.factories import make_article
from tests.realtime.conftest import (
    open_socket,
    receive,
    receive_events,
    subscribe,
    write_events,
)

pytestmark = pytest.mark.django_db(transaction=True)


def drop_layer_messages(monkeypatch, seqs: set[int]) -> list[int]:
    """Make the channel layer lose the space events whose seq is in `seqs`."""
    layer = get_channel_layer()
    real_group_send = layer.group_send
    dropped: list[int] = []

    async def lossy_group_send(group, message):
        seq = message.get("frame", {}).get("seq")
        if seq in seqs:
            dropped.append(seq)
            return
        await real_group_send(group, message)

    monkeypatch.setattr(layer, "group_send", lossy_group_send)
    return dropped


async def test_events_the_layer_drops_are_backfilled_from_the_log_in_order(
    public_space, alice, bob, monkeypatch
):
    sockets = [await open_socket(alice), await open_socket(bob)]
    for socket in sockets:
        await subscribe(socket, public_space)
    dropped = drop_layer_messages(monkeypatch, {2, 3, 5})
    await write_events(public_space, 6)
    assert dropped == [2, 3, 5]
    for socket in sockets:
        assert await receive_events(socket, 6) == [1, 2, 3, 4, 5, 6]
        assert await socket.receive_nothing()
        await socket.disconnect()


async def test_a_dropped_last_event_arrives_at_the_next_sweep(public_space, alice, monkeypatch):
    socket = await open_socket(alice)
    await subscribe(socket, public_space)
    drop_layer_messages(monkeypatch, {2})
    await write_events(public_space, 2)
    assert await receive_events(socket, 1) == [1]
    assert await socket.receive_nothing()
    await get_hub().sweep()
    assert await receive_events(socket, 1) == [2]
    await socket.disconnect()


async def test_write_succeeds_with_redis_down_and_a_reconnecting_client_gets_it(
    public_space, alice, monkeypatch
):
    socket = await open_socket(alice)
    head = (await subscribe(socket, public_space))["head_seq"]
    await socket.disconnect()
    # Nothing listens on port 9: every layer call fails as with Redis down.
    dead = RedisChannelLayer(hosts=["redis://127.0.0.1:9/0"])
    monkeypatch.setattr(realtime.publish, "get_channel_layer", lambda: dead)
    assert await write_events(public_space, 1) == [head + 1]
    assert await database_sync_to_async(Event.objects.filter(space=public_space).count)() == 1
    monkeypatch.undo()
    socket = await open_socket(alice)
    await subscribe(socket, public_space, after_seq=head)
    assert await receive_events(socket, 1) == [head + 1]
    await socket.disconnect()


async def test_a_connected_client_gets_an_event_written_while_redis_was_down(
    public_space, alice, monkeypatch
):
    socket = await open_socket(alice)
    await subscribe(socket, public_space)
    dead = RedisChannelLayer(hosts=["redis://127.0.0.1:9/0"])
    monkeypatch.setattr(realtime.publish, "get_channel_layer", lambda: dead)
    await write_events(public_space, 1)
    assert await socket.receive_nothing()
    await get_hub().sweep()
    assert await receive_events(socket, 1) == [1]
    await socket.disconnect()


# Retention ---------------------------------------------------------------------------


async def test_resume_from_a_pruned_seq_answers_reload(public_space, alice):
    await write_events(public_space, 10)
    await database_sync_to_async(call_command)("prune_events", keep=3, days=0)
    assert await database_sync_to_async(
        lambda: list(Event.objects.values_list("seq", flat=True))
    )() == [8, 9, 10]
    socket = await open_socket(alice)
    reload = await subscribe(socket, public_space, after_seq=2)
    assert reload == {"op": "reload", "space": public_space.slug, "reason": "retention"}
    await write_events(public_space, 1)
    assert await socket.receive_nothing()  # no subscription was left behind
    assert (await subscribe(socket, public_space, after_seq=8))["head_seq"] == 11
    assert await receive_events(socket, 3) == [9, 10, 11]
    await socket.disconnect()


async def test_resume_further_back_than_one_replay_answers_reload(public_space, alice, settings):
    settings.CARNET_EVENT_REPLAY_MAX = 5
    await write_events(public_space, 8)
    socket = await open_socket(alice)
    assert (await subscribe(socket, public_space, after_seq=1))["reason"] == "too_far"
    assert (await subscribe(socket, public_space, after_seq=3))["op"] == "subscribed"
    assert await receive_events(socket, 5) == [4, 5, 6, 7, 8]
    await socket.disconnect()


async def test_resume_from_beyond_the_head_answers_reload(public_space, alice):
    await write_events(public_space, 2)
    socket = await open_socket(alice)
    assert (await subscribe(socket, public_space, after_seq=50))["reason"] == "ahead"
    await socket.disconnect()


def test_prune_keeps_recent_events_by_age_and_count(public_space):
    from datetime import timedelta

    from django.utils import timezone

    from realtime.retention import events_prune

    for _ in range(6):
        with transaction.atomic():
            event_append(space=public_space, type="test.note", data={})
    Event.objects.filter(seq__lte=2).update(created_at=timezone.now() - timedelta(days=40))
    assert events_prune(keep_count=100, keep_days=30) == 2
    assert events_prune(keep_count=3, keep_days=30) == 1
    assert list(Event.objects.values_list("seq", flat=True)) == [4, 5, 6]


# Concurrency ---------------------------------------------------------------------------


async def test_twenty_concurrent_writers_get_contiguous_seqs_delivered_in_order(
    postgresql, public_space, alice, bob
):
    sockets = [await open_socket(alice), await open_socket(bob), await open_socket()]
    for socket in sockets:
        await subscribe(socket, public_space)
    writers = 20
    start = threading.Barrier(writers)

    def write(index: int) -> int:
        start.wait(timeout=10)
        with transaction.atomic():
            return event_append(space=public_space, type="test.note", data={"i": index}).seq

    with ThreadPoolExecutor(max_workers=writers) as pool:
        seqs = await asyncio.gather(
            *(
                database_sync_to_async(write, thread_sensitive=False, executor=pool)(index)
                for index in range(writers)
            )
        )
    assert sorted(seqs) == list(range(1, writers + 1))
    for socket in sockets:
        assert await receive_events(socket, writers) == list(range(1, writers + 1))
        assert await socket.receive_nothing()
        await socket.disconnect()


# Comments, the events pages use -----------------------------------------------------


async def test_comment_created_updated_removed_reach_subscribers_with_data_and_html(
    public_space, alice, bob
):
    article = await database_sync_to_async(make_article)(public_space, alice)
    socket = await open_socket(bob)
    await subscribe(socket, public_space)
    comment = await database_sync_to_async(comment_create)(
        author=alice, article=article, body="Bonjour *tout le monde*"
    )
    created = await receive(socket)
    assert created["type"] == "comment.created"
    assert created["data"] == {
        "comment_id": comment.pk,
        "article_id": article.pk,
        "parent_id": None,
        "comment_count": 1,
    }
    assert f'id="comment-{comment.pk}"' in created["html"]
    assert "<em>tout le monde</em>" in created["html"]
    await database_sync_to_async(comment_update)(actor=alice, comment=comment, body="Salut")
    assert (await receive(socket))["type"] == "comment.updated"
    await database_sync_to_async(comment_remove)(actor=alice, comment=comment)
    removed = await receive(socket)
    assert (removed["type"], removed["data"]["comment_count"]) == ("comment.removed", 0)
    await socket.disconnect()
