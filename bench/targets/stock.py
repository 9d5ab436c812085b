"""The stock Channels broadcast app (bench/stock_app) as a fan-out target."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from typing import Any

from bench.fanout import PublishReport, RunConfig, Schedule, ServerSpec, wait_until
from bench.stock_app.publisher import ROOM_MESSAGE, make_message

_TYPE_PREFIX = '{"type": "' + ROOM_MESSAGE + '"'


class StockTarget:
    """Subscribers connect to ``/ws/room/`` and send nothing; the publisher group_sends.

    With the in-memory layer a separate process cannot reach the group, so the
    publisher then sends each message over a websocket to ``/ws/publish/`` and
    the server relays it with ``group_send`` (one extra local hop).
    """

    layers = ("memory", "redis", "pubsub")
    multi_process = True

    def setup(self, cfg: RunConfig) -> dict[str, Any]:
        return {}

    def server(self, cfg: RunConfig, ctx: dict[str, Any], port: int) -> ServerSpec:
        return ServerSpec(
            args=["bench.stock_app.asgi:application"],
            env={
                "DJANGO_SETTINGS_MODULE": "bench.stock_app.settings",
                "BENCH_LAYER": cfg.layer,
                "REDIS_URL": cfg.redis_url,
                "BENCH_LAYER_PREFIX": cfg.layer_prefix,
            },
        )

    def ws_url(self, cfg: RunConfig, ctx: dict[str, Any], port: int) -> str:
        return f"ws://127.0.0.1:{port}/ws/room/"

    def subscribe_frames(self, cfg: RunConfig, ctx: dict[str, Any]) -> list[str]:
        return []

    def subscribed(self, frame: str | None) -> bool:
        # connect() does group_add before accept(), so the handshake is the ack.
        return True

    def parse(self, frame: str) -> tuple[int, float] | None:
        if not frame.startswith(_TYPE_PREFIX):
            return None
        data = json.loads(frame)
        return int(data["seq"]), float(data["t"])

    def publish(
        self,
        cfg: RunConfig,
        ctx: dict[str, Any],
        ports: list[int],
        begin: Callable[[], Schedule],
    ) -> PublishReport:
        return asyncio.run(_publish(cfg, ports, begin))


async def _publish(
    cfg: RunConfig, ports: list[int], begin: Callable[[], Schedule]
) -> PublishReport:
    report = PublishReport()
    send: Callable[[int], Any]
    if cfg.layer == "memory":
        from websockets.asyncio.client import connect
        from websockets.typing import Origin

        origin = Origin(f"http://127.0.0.1:{ports[0]}")
        ws = await connect(
            f"ws://127.0.0.1:{ports[0]}/ws/publish/", origin=origin, compression=None
        )

        async def send(seq: int) -> None:
            await ws.send(json.dumps(make_message(seq)))

    else:
        from bench.stock_app.publisher import group_send, setup_django

        setup_django(cfg.layer, cfg.redis_url, cfg.layer_prefix)
        send = group_send

    schedule = begin()
    deadline = schedule.due(schedule.count) + cfg.grace
    for seq in range(1, schedule.count + 1):
        lag = await wait_until(schedule.due(seq))
        report.max_lag = max(report.max_lag, lag)
        if time.time() > deadline:
            break
        try:
            await send(seq)
            report.sent += 1
        except Exception as exc:  # noqa: BLE001 - counted and reported
            report.errors += 1
            report.first_error = report.first_error or f"{type(exc).__name__}: {exc}"
    report.span = time.time() - schedule.start_at
    if cfg.layer == "memory":
        await ws.close()
    return report


TARGET = StockTarget()
