"""The only code that touches the channel layer when something happens."""

import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from realtime import groups

logger = logging.getLogger(__name__)


def broadcast_event(*, space_id: int, frame: dict[str, Any]) -> None:
    """Hand a committed event to every process serving the space.

    A failure here loses nothing: the event is in the log, and subscribers
    backfill gaps from it.
    """
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(
            groups.space_group(space_id), {"type": "space.event", "frame": frame}
        )
    except Exception:  # the bus is best effort; the log is the truth
        logger.warning("broadcast of space %s event failed", space_id, exc_info=True)
