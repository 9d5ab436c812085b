"""Carnet itself (project.asgi, /ws/) as a fan-out target.

Subscribers are anonymous readers of a fresh public space (one per run, so its
event seqs start at 1) and send one ``subscribe`` frame. The publisher posts
comments on one article of that space:

- with a Redis layer (``redis`` = RedisChannelLayer, ``pubsub``), from its own
  process through ``boards.services.comments.comment_create`` on the same
  PostgreSQL database: the write, the event log and ``group_send`` on commit,
  as a web worker would;
- with the in-memory layer (the embedded default: SQLite, one process), over
  HTTP to the server's comment form, since only the server process can reach
  its in-memory layer; the server then pays for the write too.

``BENCH_CARNET_PAYLOAD=note`` publishes a bare ``bench.note`` event through
``event_append`` instead (a ~110-byte frame, like the stock app's) rather than a
comment (whose frame carries the ~1.5 KB rendered comment fragment).

Each comment's text (or the note's data) carries the publish time, taken just
before the write starts.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import re
import secrets
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.fanout import PublishReport, RunConfig, Schedule, ServerSpec, wait_until

_EVENT_PREFIX = '{"op":"event"'
_TIME = re.compile(r"bench-t=(\d+\.\d+)")
_LAYERS = {"memory": "", "redis": "core", "pubsub": "pubsub"}


def _payload() -> str:
    return os.environ.get("BENCH_CARNET_PAYLOAD", "comment")


def _env(cfg: RunConfig, ctx: dict[str, Any] | None = None) -> dict[str, str]:
    database_url = ctx["database_url"] if ctx else _database_url(cfg)
    return {
        "DJANGO_SETTINGS_MODULE": "project.settings",
        "DATABASE_URL": database_url,
        "REDIS_URL": "" if cfg.layer == "memory" else cfg.redis_url,
        "CARNET_CHANNEL_LAYER": _LAYERS[cfg.layer] or "pubsub",
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-not-secret",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "STATIC_ROOT": str(Path(cfg.log_dir) / "static"),
        "LOG_LEVEL": "WARNING",
    }


def _database_url(cfg: RunConfig) -> str:
    if cfg.layer == "memory":
        return f"sqlite:///{Path(cfg.log_dir).resolve() / 'carnet-bench.sqlite3'}"
    return cfg.database_url


def _django(cfg: RunConfig, ctx: dict[str, Any] | None = None) -> None:
    os.environ.update(_env(cfg, ctx))
    import django

    django.setup()


def _ensure_postgres_database(url: str) -> None:
    import psycopg

    parsed = urllib.parse.urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


class CarnetTarget:
    layers = ("memory", "redis", "pubsub")
    multi_process = True

    def setup(self, cfg: RunConfig) -> dict[str, Any]:
        database_url = _database_url(cfg)
        if database_url.startswith("postgres"):
            _ensure_postgres_database(database_url)
        _django(cfg)
        from django.conf import settings
        from django.core.management import call_command
        from django.test import Client
        from django.utils import timezone

        from accounts.models import User
        from boards.models import Article, Membership, Role, Space

        call_command("migrate", verbosity=0)
        if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
            call_command("collectstatic", verbosity=0, interactive=False)
        author, created = User.objects.get_or_create(
            username="bench-author", defaults={"display_name": "Bench", "email": "b@example.org"}
        )
        if created:
            author.set_password(secrets.token_urlsafe())
            author.save()
        space = Space.objects.create(slug=f"bench-{cfg.run_id}", name=f"Bench {cfg.run_id}")
        Membership.objects.create(user=author, space=space, role=Role.OWNER)
        article = Article.objects.create(
            space=space,
            author=author,
            title="Bench",
            slug="bench",
            body_md="Bench",
            body_html="<p>Bench</p>",
            status=Article.Status.PUBLISHED,
            published_at=timezone.now(),
        )
        client = Client()
        client.force_login(author, backend="django.contrib.auth.backends.ModelBackend")
        return {
            "database_url": database_url,
            "space": space.slug,
            "space_id": space.pk,
            "article_id": article.pk,
            "author_id": author.pk,
            "session": client.cookies[settings.SESSION_COOKIE_NAME].value,
            "session_cookie_name": settings.SESSION_COOKIE_NAME,
            "csrf_cookie_name": settings.CSRF_COOKIE_NAME,
        }

    def server(self, cfg: RunConfig, ctx: dict[str, Any], port: int) -> ServerSpec:
        return ServerSpec(args=["project.asgi:application"], env=_env(cfg, ctx))

    def ws_url(self, cfg: RunConfig, ctx: dict[str, Any], port: int) -> str:
        return f"ws://127.0.0.1:{port}/ws/"

    def subscribe_frames(self, cfg: RunConfig, ctx: dict[str, Any]) -> list[str]:
        return [json.dumps({"op": "subscribe", "space": ctx["space"]})]

    def subscribed(self, frame: str | None) -> bool:
        return frame is not None and '"op":"subscribed"' in frame

    def parse(self, frame: str) -> tuple[int, float] | None:
        if not frame.startswith(_EVENT_PREFIX):
            return None
        data = json.loads(frame)
        if data["type"] == "bench.note":
            return int(data["seq"]), float(data["data"]["t"])
        found = _TIME.search(data["html"])
        return (int(data["seq"]), float(found.group(1))) if found else None

    def publish(
        self,
        cfg: RunConfig,
        ctx: dict[str, Any],
        ports: list[int],
        begin: Callable[[], Schedule],
    ) -> PublishReport:
        if cfg.layer == "memory":
            return _publish_http(cfg, ctx, ports[0], begin)
        _django(cfg, ctx)
        return asyncio.run(_publish_services(cfg, ctx, begin))


async def _publish_services(
    cfg: RunConfig, ctx: dict[str, Any], begin: Callable[[], Schedule]
) -> PublishReport:
    """Write through the services from this process; `group_send` runs on this loop."""
    from asgiref.sync import sync_to_async
    from django.db import transaction

    from accounts.models import User
    from boards.models import Article, Space
    from boards.services.comments import comment_create
    from realtime.log import event_append

    author = await User.objects.aget(pk=ctx["author_id"])
    article = await Article.objects.select_related("space").aget(pk=ctx["article_id"])
    space = await Space.objects.aget(pk=ctx["space_id"])
    note = _payload() == "note"

    def write(published: float) -> None:
        if note:
            with transaction.atomic():
                event_append(space=space, type="bench.note", data={"t": published}, html="")
        else:
            comment_create(author=author, article=article, body=f"bench-t={published:.6f}")

    write_async = sync_to_async(write)
    report = PublishReport()
    schedule = begin()
    deadline = schedule.due(schedule.count) + cfg.grace
    for seq in range(1, schedule.count + 1):
        report.max_lag = max(report.max_lag, await wait_until(schedule.due(seq)))
        if time.time() > deadline:
            break
        try:
            await write_async(time.time())
            report.sent += 1
        except Exception as exc:  # noqa: BLE001 - counted and reported
            report.errors += 1
            report.first_error = report.first_error or f"{type(exc).__name__}: {exc}"
    report.span = time.time() - schedule.start_at
    return report


def _publish_http(
    cfg: RunConfig, ctx: dict[str, Any], port: int, begin: Callable[[], Schedule]
) -> PublishReport:
    """Post comments through the server's comment form (the in-memory layer's only way in)."""
    from bench.fanout import wait_until_sync

    csrf = secrets.token_hex(16)
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"{ctx['session_cookie_name']}={ctx['session']}; "
        f"{ctx['csrf_cookie_name']}={csrf}",
    }
    path = f"/s/{ctx['space']}/a/bench/comments/"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    report = PublishReport()
    schedule = begin()
    deadline = schedule.due(schedule.count) + cfg.grace
    for seq in range(1, schedule.count + 1):
        report.max_lag = max(report.max_lag, wait_until_sync(schedule.due(seq)))
        if time.time() > deadline:
            break
        body = urllib.parse.urlencode(
            {"body": f"bench-t={time.time():.6f}", "csrfmiddlewaretoken": csrf}
        )
        try:
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            if response.status != 302:
                raise RuntimeError(f"comment post answered {response.status}")
            report.sent += 1
        except Exception as exc:  # noqa: BLE001 - counted and reported
            report.errors += 1
            report.first_error = report.first_error or f"{type(exc).__name__}: {exc}"
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.close()
    report.span = time.time() - schedule.start_at
    return report


TARGET = CarnetTarget()
