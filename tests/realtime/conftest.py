"""Helpers for websocket tests: a socket over the real ASGI application, events, services."""

import socket
from typing import Any
from urllib.parse import urlparse

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.db import connection, transaction
from django.test import Client

from accounts.models import User
from boards.models import Space
from project.asgi import application
from realtime.log import event_append

ORIGIN = (b"origin", b"http://localhost")
TIMEOUT = 5


def session_cookie(user: User) -> str:
    """A signed-in session for `user`, as the browser's cookie header value."""
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


async def open_socket(
    user: User | None = None, *, cookie: str | None = None, origin: tuple = ORIGIN
) -> WebsocketCommunicator:
    """A connected websocket at /ws/, past its `hello` frame."""
    headers = [origin, (b"host", b"localhost")]
    if user is not None and cookie is None:
        cookie = await database_sync_to_async(session_cookie)(user)
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    communicator = WebsocketCommunicator(application, "/ws/", headers=headers)
    connected, _ = await communicator.connect(timeout=TIMEOUT)
    assert connected
    hello = await communicator.receive_json_from(timeout=TIMEOUT)
    assert hello["op"] == "hello"
    return communicator


async def receive(communicator: WebsocketCommunicator) -> dict[str, Any]:
    return await communicator.receive_json_from(timeout=TIMEOUT)


async def subscribe(
    communicator: WebsocketCommunicator, space: Space, after_seq: int | None = None
) -> dict[str, Any]:
    frame: dict[str, Any] = {"op": "subscribe", "space": space.slug}
    if after_seq is not None:
        frame["after_seq"] = after_seq
    await communicator.send_json_to(frame)
    return await receive(communicator)


async def receive_events(communicator: WebsocketCommunicator, count: int) -> list[int]:
    """The seqs of the next `count` frames, which must all be events."""
    seqs = []
    for _ in range(count):
        frame = await receive(communicator)
        assert frame["op"] == "event", frame
        seqs.append(frame["seq"])
    return seqs


def append_events(space: Space, count: int = 1, type: str = "test.note") -> list[int]:
    """Write `count` events, each in its own transaction, as a service would."""
    seqs = []
    for index in range(count):
        with transaction.atomic():
            event = event_append(space=space, type=type, data={"n": index}, html="")
        seqs.append(event.seq)
    return seqs


write_events = database_sync_to_async(append_events)


def _reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or default_port), 1):
            return True
    except OSError:
        return False


@pytest.fixture
def real_services() -> None:
    """PostgreSQL and Redis: skip without them, or fail when CARNET_REQUIRE_SERVICES is set."""
    missing = []
    if connection.vendor != "postgresql":
        missing.append("PostgreSQL (DATABASE_URL)")
    if not settings.REDIS_URL or not _reachable(settings.REDIS_URL, 6379):
        missing.append("Redis (REDIS_URL)")
    if missing:
        message = "needs " + " and ".join(missing)
        if settings.CARNET_REQUIRE_SERVICES:
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture
def postgresql() -> None:
    if connection.vendor != "postgresql":
        if settings.CARNET_REQUIRE_SERVICES:
            pytest.fail("needs PostgreSQL (DATABASE_URL)")
        pytest.skip("needs PostgreSQL: SQLite serialises writers on one lock")
