"""Publisher for the stock app: ``channel_layer.group_send`` from a separate process.

Each message is the event a stock consumer's ``room_message`` forwards as is:
``{"type": "room.message", "seq": n, "t": <time.time() at publish>, "body": "xx..."}``,
padded so the frame a subscriber receives is about :data:`FRAME_BYTES` bytes.
"""

from __future__ import annotations

import json
import os
import time
from typing import Any

FRAME_BYTES = 110
ROOM_MESSAGE = "room.message"


def make_message(seq: int) -> dict[str, Any]:
    """The layer message for ``seq``, stamped with the current time."""
    message: dict[str, Any] = {"type": ROOM_MESSAGE, "seq": seq, "t": time.time(), "body": ""}
    message["body"] = "x" * max(0, FRAME_BYTES - len(json.dumps(message)))
    return message


def setup_django(layer: str, redis_url: str, prefix: str) -> None:
    """Configure this process with the stock settings for ``layer``."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.stock_app.settings"
    os.environ["BENCH_LAYER"] = layer
    os.environ["REDIS_URL"] = redis_url
    os.environ["BENCH_LAYER_PREFIX"] = prefix
    import django

    django.setup()


async def group_send(seq: int) -> None:
    """Publish message ``seq`` to the room through the configured channel layer."""
    from channels.layers import get_channel_layer
    from django.conf import settings

    layer = get_channel_layer()
    assert layer is not None
    await layer.group_send(settings.ROOM_GROUP, make_message(seq))
