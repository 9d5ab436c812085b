"""Two daphne processes on PostgreSQL + Redis serve one community together."""

import asyncio
import json
import secrets
import urllib.parse
import urllib.request
from typing import Any

import pytest
from channels.db import database_sync_to_async
from django.conf import settings
from websockets.asyncio.client import ClientConnection, connect

from boards.models import Article
from tests.factories import make_article
from tests.realtime.conftest import session_cookie
from tests.servers import daphne_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]

TIMEOUT = 10


@pytest.fixture
def two_daphnes(real_services, transactional_db):
    env = {"REDIS_URL": settings.REDIS_URL, "CARNET_CHANNEL_LAYER": settings.CARNET_CHANNEL_LAYER}
    with daphne_server(extra_env=env) as a, daphne_server(extra_env=env) as b:
        yield a, b


def post_comment(base_url: str, article: Article, cookie: str, body: str) -> None:
    """Comment through the article page's form, as a browser would."""
    csrf = secrets.token_hex(16)  # a 32-character secret is a valid unmasked token
    url = f"{base_url}/s/{article.space.slug}/a/{article.slug}/comments/"
    request = urllib.request.Request(
        url,
        data=urllib.parse.urlencode({"body": body, "csrfmiddlewaretoken": csrf}).encode(),
        headers={"Cookie": f"{cookie}; {settings.CSRF_COOKIE_NAME}={csrf}"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
        assert response.status == 200  # the redirect to the comment, followed


async def open_ws(base_url: str, cookie: str) -> ClientConnection:
    ws = await connect(
        base_url.replace("http://", "ws://") + "/ws/",
        origin=base_url,
        additional_headers={"Cookie": cookie},
        open_timeout=TIMEOUT,
    )
    assert (await next_frame(ws))["op"] == "hello"
    return ws


async def next_frame(ws: ClientConnection) -> dict[str, Any]:
    return json.loads(await asyncio.wait_for(ws.recv(), TIMEOUT))


async def test_comment_through_one_process_reaches_a_subscriber_of_the_other_and_resume_crosses(
    two_daphnes, private_space, alice, bob
):
    server_a, server_b = two_daphnes
    article = await database_sync_to_async(make_article)(private_space, alice)
    alice_cookie = await database_sync_to_async(session_cookie)(alice)
    bob_cookie = await database_sync_to_async(session_cookie)(bob)

    bob_on_b = await open_ws(server_b, bob_cookie)
    await bob_on_b.send(json.dumps({"op": "subscribe", "space": private_space.slug}))
    head = (await next_frame(bob_on_b))["head_seq"]

    await asyncio.to_thread(post_comment, server_a, article, alice_cookie, "Depuis A")
    event = await next_frame(bob_on_b)
    assert (event["op"], event["type"], event["seq"]) == ("event", "comment.created", head + 1)
    assert "Depuis A" in event["html"]
    await bob_on_b.close()

    # Bob is away; a comment lands through B; Bob comes back through A.
    await asyncio.to_thread(post_comment, server_b, article, alice_cookie, "Pendant ton absence")
    bob_on_a = await open_ws(server_a, bob_cookie)
    await bob_on_a.send(
        json.dumps({"op": "subscribe", "space": private_space.slug, "after_seq": head + 1})
    )
    assert (await next_frame(bob_on_a))["op"] == "subscribed"
    missed = await next_frame(bob_on_a)
    assert (missed["seq"], missed["type"]) == (head + 2, "comment.created")
    assert "Pendant ton absence" in missed["html"]

    await asyncio.to_thread(post_comment, server_b, article, alice_cookie, "Depuis B")
    live = await next_frame(bob_on_a)
    assert live["seq"] == head + 3
    assert "Depuis B" in live["html"]
    await bob_on_a.close()
