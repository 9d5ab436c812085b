"""The only code that sends to the channel layer when something happens."""

import asyncio
import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings

from realtime import groups

logger = logging.getLogger(__name__)


def broadcast_event(*, space_id: int, frame: dict[str, Any]) -> None:
    """Hand a committed event to every process serving the space.

    Best effort and bounded in time (CARNET_EVENT_BROADCAST_TIMEOUT): a failure
    loses nothing, the event is in the log and subscribers backfill gaps from it.
    """
    _group_send(
        groups.space_group(space_id), {"type": "space.event", "space_id": space_id, "frame": frame}
    )


def broadcast_signed_out(*, user_id: int, session_hash: str | None) -> None:
    """Close the websockets of a session that signed out (all of the user's if None)."""
    _group_send(
        groups.user_group(user_id),
        {"type": "user.signed_out", "user_id": user_id, "session": session_hash},
    )


async def broadcast_ephemeral(space_id: int, frame: dict[str, Any]) -> None:
    """Hand a presence or typing frame to the space's subscribers in every process.

    Ephemeral: no seq, not in the event log, nothing to backfill if the layer loses
    it (the next transition or sweep says the truth again). Called from the event
    loop (realtime.presence); raises when the layer fails, the caller logs.
    """
    layer = get_channel_layer()
    if layer is None:
        return
    await asyncio.wait_for(
        layer.group_send(
            groups.space_group(space_id),
            {"type": "space.ephemeral", "space_id": space_id, "frame": frame},
        ),
        settings.CARNET_EVENT_BROADCAST_TIMEOUT,
    )


def _group_send(group: str, message: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return

    async def send() -> None:
        await asyncio.wait_for(
            layer.group_send(group, message), settings.CARNET_EVENT_BROADCAST_TIMEOUT
        )

    try:
        async_to_sync(send)()
    except Exception:  # the bus is best effort; the log is the truth
        logger.warning("group_send to %s failed", group, exc_info=True)
