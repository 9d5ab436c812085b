"""Meeting benchmark: M members in one live thread, posting, typing, coming and going.

A measuring tool, not a test (issue 5). For each M it

1. creates, in a fresh process, a space with M members, a live thread and one
   signed-in session per member, on the bench database;
2. starts daphne (pinned with ``taskset`` to ``--server-cpu``);
3. connects every member's websocket from this one asyncio process: ``subscribe``
   to the space, then ``presence.join`` the thread, as the thread page does;
4. for ``--duration`` seconds, each member posts on average every ``--post-every``
   seconds (exponential gaps): they type first (a ``typing`` frame, another 3 s
   later, as the page sends them), post through the thread's form over HTTP (the
   server does the write, as for a browser), then send the typing stop;
   meanwhile ``--churn`` of the members per minute close their socket and come
   back a few seconds later (resuming after the last seq they saw) and every
   member sends ``presence.active`` once a minute;
5. waits until every message reached every member (or ``--grace`` passes).

It reports message latency p50/p99/max (receipt minus the time just before the
POST, carried in the message text; deliveries to a socket opened after the post,
i.e. replays on resume, are left out of the latency but count for completeness),
completeness, frames per second per client by kind (events, presence, typing),
and server CPU (utime + stime of daphne from /proc over the measured window).

    .venv/bin/python -m bench.meeting --members 50,200 --duration 60
    .venv/bin/python -m bench.meeting --members 200 --layer pubsub   # PostgreSQL + Redis
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import multiprocessing as mp
import os
import random
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.fanout import cpu_seconds, daphne_command, free_port, pin_current_process

REPO_ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
_TIME = re.compile(r"bench-t=(\d+\.\d+)")
_LAYERS = {"memory": "", "redis": "core", "pubsub": "pubsub"}


@dataclass(frozen=True)
class Config:
    members: int
    duration: float
    post_every: float
    churn: float
    layer: str
    server_cpu: str | None
    client_cpu: str | None
    database_url: str
    redis_url: str
    grace: float
    work_dir: str
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:8])


def _env(cfg: Config) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "project.settings",
        "DATABASE_URL": cfg.database_url,
        "REDIS_URL": "" if cfg.layer == "memory" else cfg.redis_url,
        "CARNET_CHANNEL_LAYER": _LAYERS[cfg.layer] or "pubsub",
        "CARNET_PRESENCE_KEY_PREFIX": f"carnet-bench:presence:{cfg.run_id}",
        # Every member of the bench comes from one address: no sign-in throttling here.
        "CARNET_WS_MAX_CONNECTIONS_PER_USER": "20",
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-not-secret",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "STATIC_ROOT": str(Path(cfg.work_dir) / "static"),
        "LOG_LEVEL": "WARNING",
    }


def _setup(cfg: Config, out: Any) -> None:
    """In a fresh process: the space, its M members, the thread and the sessions."""
    os.environ.update(_env(cfg))
    if cfg.database_url.startswith("postgres"):
        from bench.targets.carnet import _ensure_postgres_database

        _ensure_postgres_database(cfg.database_url)
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command

    from accounts.models import User
    from boards.models import LiveThread, Membership, Role, Space

    call_command("migrate", verbosity=0)
    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        call_command("collectstatic", verbosity=0, interactive=False)
    space = Space.objects.create(slug=f"reunion-{cfg.run_id}", name=f"Réunion {cfg.run_id}")
    members = []
    for index in range(cfg.members):
        user = User.objects.create(
            username=f"m{cfg.run_id}-{index}",
            display_name=f"Membre {index:03}",
            email=f"m{index}-{cfg.run_id}@example.org",
            password="!",
        )
        Membership.objects.create(user=user, space=space, role=Role.MEMBER)
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        members.append({"id": user.pk, "session": session.session_key})
    thread = LiveThread.objects.create(
        space=space, created_by=User.objects.get(pk=members[0]["id"]), title="Rencontre"
    )
    out.put(
        {
            "space": space.slug,
            "thread": thread.pk,
            "members": members,
            "session_cookie": settings.SESSION_COOKIE_NAME,
            "csrf_cookie": settings.CSRF_COOKIE_NAME,
        }
    )


def setup(cfg: Config) -> dict[str, Any]:
    context = mp.get_context("spawn")
    out = context.Queue()
    process = context.Process(target=_setup, args=(cfg, out))
    process.start()
    try:
        return out.get(timeout=600)
    finally:
        process.join(30)


# The members -------------------------------------------------------------------------


@dataclass
class Stats:
    frames: Counter = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    delivered: set[int] = field(default_factory=set)  # message ids
    posted: dict[int, float] = field(default_factory=dict)  # message id -> t
    post_errors: int = 0
    reconnects: int = 0


class Member:
    def __init__(self, index: int, info: dict[str, Any], ctx: dict[str, Any], run: Run):
        self.index = index
        self.info = info
        self.ctx = ctx
        self.run = run
        self.ws: Any = None
        self.opened_at = 0.0
        self.last_seq: int | None = None
        self.delivered: set[int] = set()
        self.reader: asyncio.Task[None] | None = None

    @property
    def cookie(self) -> str:
        return f"{self.ctx['session_cookie']}={self.info['session']}"

    async def connect(self) -> None:
        from websockets.asyncio.client import connect

        self.ws = await connect(
            f"ws://{HOST}:{self.run.port}/ws/",
            origin=f"http://{HOST}:{self.run.port}",
            additional_headers={"Cookie": self.cookie},
            open_timeout=60,
            max_queue=None,
        )
        self.opened_at = time.time()
        subscribe: dict[str, Any] = {"op": "subscribe", "space": self.ctx["space"]}
        if self.last_seq is not None:
            subscribe["after_seq"] = self.last_seq
        await self.ws.send(json.dumps(subscribe))
        scope = f"thread:{self.ctx['thread']}"
        await self.ws.send(
            json.dumps({"op": "presence.join", "space": self.ctx["space"], "scope": scope})
        )
        self.reader = asyncio.create_task(self.read(self.ws, self.opened_at))

    async def read(self, ws: Any, opened_at: float) -> None:
        stats = self.run.stats
        try:
            async for text in ws:
                now = time.time()
                frame = json.loads(text)
                op = frame.get("op")
                if self.run.measuring:
                    stats.frames[op] += 1
                if op != "event":
                    continue
                self.last_seq = frame["seq"]
                if frame["type"] != "message.posted":
                    continue
                message_id = frame["data"]["message_id"]
                if message_id in self.delivered:
                    continue
                self.delivered.add(message_id)
                found = _TIME.search(frame["html"])
                if found and float(found.group(1)) >= opened_at:
                    stats.latencies.append(now - float(found.group(1)))
        except Exception:
            pass

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self.reader is not None:
            await self.reader

    async def send(self, frame: dict[str, Any]) -> None:
        try:
            await self.ws.send(json.dumps(frame))
        except Exception:
            pass  # closed by the churn meanwhile

    async def talk(self, until: float) -> None:
        """Type, post, stop typing; at exponential intervals until `until`."""
        typing = {"op": "typing", "space": self.ctx["space"], "thread": self.ctx["thread"]}
        while True:
            gap = random.expovariate(1 / self.run.cfg.post_every)
            await asyncio.sleep(min(gap, max(0.0, until - time.time())))
            if time.time() >= until:
                return
            await self.send(typing)
            await asyncio.sleep(3)
            await self.send(typing)
            await asyncio.sleep(1.5)
            await self.run.post(self)
            await self.send({**typing, "state": "stop"})

    async def stay_active(self, until: float) -> None:
        when = time.time() + random.uniform(0, 60)
        while when < until:
            await asyncio.sleep(when - time.time())
            await self.send({"op": "presence.active"})
            when += 60


class Run:
    def __init__(self, cfg: Config, ctx: dict[str, Any], port: int):
        self.cfg = cfg
        self.ctx = ctx
        self.port = port
        self.stats = Stats()
        self.measuring = False
        self.pool = ThreadPoolExecutor(max_workers=16)

    def _post(self, member: Member, body: str) -> int | None:
        csrf = secrets.token_hex(16)
        url = f"http://{HOST}:{self.port}/s/{self.ctx['space']}/t/{self.ctx['thread']}/post/"
        request = urllib.request.Request(
            url,
            data=urllib.parse.urlencode({"body": body, "csrfmiddlewaretoken": csrf}).encode(),
            headers={
                "Cookie": f"{member.cookie}; {self.ctx['csrf_cookie']}={csrf}",
                "Accept": "application/json",
                "Referer": f"http://{HOST}:{self.port}/",
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.loads(response.read())["message_id"]
        except Exception:
            return None

    async def post(self, member: Member) -> None:
        t = time.time()
        body = f"Point {random.randint(1, 999)} : d’accord pour la suite. bench-t={t:.6f}"
        message_id = await asyncio.get_running_loop().run_in_executor(
            self.pool, self._post, member, body
        )
        if message_id is None:
            self.stats.post_errors += 1
        else:
            self.stats.posted[message_id] = t

    async def churn(self, members: list[Member], until: float) -> None:
        per_minute = self.cfg.churn * len(members)
        if per_minute <= 0:
            return
        while True:
            gap = random.expovariate(per_minute / 60)
            await asyncio.sleep(min(gap, max(0.0, until - time.time())))
            if time.time() >= until:
                return
            member = random.choice(members)
            await member.close()
            self.stats.reconnects += 1
            await asyncio.sleep(random.uniform(2, 5))
            await member.connect()


async def run_members(cfg: Config, ctx: dict[str, Any], port: int, pid: int) -> dict[str, Any]:
    run = Run(cfg, ctx, port)
    members = [Member(i, info, ctx, run) for i, info in enumerate(ctx["members"])]
    started = time.monotonic()
    for batch in range(0, len(members), 25):
        await asyncio.gather(*(m.connect() for m in members[batch : batch + 25]))
    connect_s = time.monotonic() - started
    await asyncio.sleep(3)  # the join broadcasts settle

    run.measuring = True
    cpu_before, wall_before = cpu_seconds(pid), time.time()
    until = wall_before + cfg.duration
    tasks = [asyncio.create_task(m.talk(until)) for m in members]
    tasks += [asyncio.create_task(m.stay_active(until)) for m in members]
    tasks.append(asyncio.create_task(run.churn(members, until)))
    await asyncio.gather(*tasks)
    wall = time.time() - wall_before
    cpu = cpu_seconds(pid) - cpu_before
    run.measuring = False
    # Wait for the last posts to reach everybody (members who came back catch up).
    deadline = time.time() + cfg.grace
    expected = set(run.stats.posted)
    while time.time() < deadline and any(not expected <= m.delivered for m in members):
        await asyncio.sleep(0.2)

    for member in members:
        await member.close()
    latencies = sorted(run.stats.latencies)
    delivered = sum(len(expected & m.delivered) for m in members)
    frames = run.stats.frames

    def pct(q: float) -> float:
        if not latencies:
            return float("nan")
        return latencies[min(len(latencies) - 1, max(0, math.ceil(q * len(latencies)) - 1))]

    per_client = {op: count / wall / len(members) for op, count in sorted(frames.items())}
    return {
        "members": cfg.members,
        "layer": cfg.layer,
        "duration_s": round(wall, 1),
        "connect_s": round(connect_s, 2),
        "messages": len(expected),
        "messages_per_s": round(len(expected) / cfg.duration, 2),
        "post_errors": run.stats.post_errors,
        "reconnects": run.stats.reconnects,
        "completeness": delivered / (len(expected) * len(members)) if expected else 1.0,
        "latency_p50_ms": round(pct(0.50) * 1000, 1),
        "latency_p99_ms": round(pct(0.99) * 1000, 1),
        "latency_max_ms": round(pct(1.0) * 1000, 1),
        "latency_mean_ms": round(statistics.fmean(latencies) * 1000, 1) if latencies else None,
        "frames_per_s_per_client": round(sum(frames.values()) / wall / len(members), 2),
        "frames_per_s_per_client_by_kind": {op: round(v, 3) for op, v in per_client.items()},
        "server_cpu_s": round(cpu, 2),
        "server_cpu_percent": round(100 * cpu / wall, 1),
    }


def run_once(cfg: Config) -> dict[str, Any]:
    print(f"[meeting] M={cfg.members}: setting up", file=sys.stderr)
    ctx = setup(cfg)
    port = free_port()
    argv = [*daphne_command(), "-b", HOST, "-p", str(port), "project.asgi:application"]
    if cfg.server_cpu:
        argv = ["taskset", "-c", cfg.server_cpu, *argv]
    log_path = Path(cfg.work_dir) / f"meeting-{cfg.run_id}-server.log"
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), **_env(cfg)}
    with open(log_path, "wb") as log:
        server = subprocess.Popen(argv, cwd=REPO_ROOT, env=env, stdout=log, stderr=log)
    try:
        import socket

        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection((HOST, port), timeout=0.5):
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError(f"daphne did not start; see {log_path}") from None
                time.sleep(0.1)
        print(f"[meeting] M={cfg.members}: running {cfg.duration:.0f} s", file=sys.stderr)
        return asyncio.run(run_members(cfg, ctx, port, server.pid))
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def table(results: list[dict[str, Any]]) -> str:
    rows = [
        ("members", "members"),
        ("layer", "layer"),
        ("messages posted", "messages"),
        ("messages/s (all members)", "messages_per_s"),
        ("completeness", "completeness"),
        ("latency p50 (ms)", "latency_p50_ms"),
        ("latency p99 (ms)", "latency_p99_ms"),
        ("latency max (ms)", "latency_max_ms"),
        ("frames/s per client", "frames_per_s_per_client"),
        ("server CPU (% of one core)", "server_cpu_percent"),
        ("reconnects (churn)", "reconnects"),
        ("post errors", "post_errors"),
    ]
    lines = ["| | " + " | ".join(f"M = {r['members']}" for r in results) + " |"]
    lines.append("|---" * (len(results) + 1) + "|")
    for label, key in rows:
        cells = []
        for r in results:
            value = r[key]
            cells.append(f"{value * 100:.2f} %" if key == "completeness" else str(value))
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    kinds = sorted({k for r in results for k in r["frames_per_s_per_client_by_kind"]})
    for kind in kinds:
        cells = [str(r["frames_per_s_per_client_by_kind"].get(kind, 0)) for r in results]
        lines.append(f"| … of which `{kind}` | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", default="50,200", help="comma-separated M values")
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--post-every", type=float, default=60.0, help="mean s between posts")
    parser.add_argument("--churn", type=float, default=0.1, help="members leaving per minute")
    parser.add_argument("--layer", choices=sorted(_LAYERS), default="memory")
    parser.add_argument("--server-cpu", default="1")
    parser.add_argument("--client-cpu", default="0")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/carnet_bench")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/1")
    parser.add_argument("--grace", type=float, default=20.0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    pin_current_process(args.client_cpu or None)
    work_dir = tempfile.mkdtemp(prefix="carnet-meeting-")
    print(f"[meeting] logs and the embedded database in {work_dir}", file=sys.stderr)
    results = []
    for members in [int(m) for m in args.members.split(",")]:
        database_url = args.database_url
        if args.layer == "memory":
            database_url = f"sqlite:///{Path(work_dir) / 'meeting.sqlite3'}"
        cfg = Config(
            members=members,
            duration=args.duration,
            post_every=args.post_every,
            churn=args.churn,
            layer=args.layer,
            server_cpu=args.server_cpu or None,
            client_cpu=args.client_cpu or None,
            database_url=database_url,
            redis_url=args.redis_url,
            grace=args.grace,
            work_dir=work_dir,
        )
        results.append(run_once(cfg))
        print(f"[meeting] {json.dumps(results[-1])}", file=sys.stderr)
    print(json.dumps(results, indent=2) if args.json else table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
