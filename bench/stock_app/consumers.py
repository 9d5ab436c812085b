"""The stock consumers, written the way the Channels tutorial writes them."""

from __future__ import annotations

from typing import Any

from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings


class RoomConsumer(AsyncJsonWebsocketConsumer):
    """One subscriber: joins the room group and forwards every room message."""

    async def connect(self) -> None:
        await self.channel_layer.group_add(settings.ROOM_GROUP, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        await self.channel_layer.group_discard(settings.ROOM_GROUP, self.channel_name)

    async def room_message(self, event: dict[str, Any]) -> None:
        await self.send_json(event)


class PublishConsumer(AsyncJsonWebsocketConsumer):
    """Relay for the in-memory layer, which a separate publisher process cannot reach.

    The publisher sends the message it would have passed to ``group_send``; this
    consumer does the ``group_send`` inside the server process. Only used with
    ``BENCH_LAYER=memory``.
    """

    async def receive_json(self, content: dict[str, Any], **kwargs: Any) -> None:
        await self.channel_layer.group_send(settings.ROOM_GROUP, content)
