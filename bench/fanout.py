"""Fan-out benchmark: N websocket subscribers to one space, one open-loop publisher.

This is a measuring tool, not a test. For each run it

1. runs the target's ``setup`` in a fresh process (fixtures, migrations, ...);
2. starts the server(s) with daphne as subprocesses pinned with ``taskset``;
3. opens N websocket clients from this one asyncio process (pinned to
   ``--client-cpu``) and waits until every client is subscribed;
4. starts the publisher in its own process (pinned to ``--publisher-cpu``), which
   publishes at a fixed rate scheduled by absolute times (open loop): message *i*
   is due at ``start + (i - 1) / rate`` whatever happened to message *i - 1*;
5. records, per client, the receipt time of every bench frame together with the
   ``seq`` and the publish timestamp the frame carries (same machine clock);
6. stops when every expected frame has arrived, or when nothing has arrived for
   ``--quiet`` seconds after the last publish, or at last publish + ``--grace``.

It reports the connect time of all N clients, completeness (delivered /
expected), sequence gaps, latency p50/p90/p99/max (receipt minus publish time),
delivered frames per second, and server CPU seconds per delivery (utime + stime
of the daphne process(es) from ``/proc/<pid>/stat``, read when the first
measured message is due and again when collection ends, divided by the frames
received in between).

The first ``--warmup`` seconds of messages are published and delivered but left
out of the figures (connections to Redis/PostgreSQL are opened lazily).

``--saturate`` steps the rate up (``--rate`` times ``--step`` each time) until
a run loses a frame or has p99 >= 1 s, then bisects ``--refine`` times between
the last good and the first bad rate, and reports the last good rate. Each step
is a fresh run (new servers, new clients), so a failed step's backlog cannot
leak into the next one.

Several targets can be given (``--target stock,carnet``): they are run one after
the other with the same arguments and reported side by side.

Run it as ``python -m bench.fanout --help`` from the repository root.

Targets
-------
A target is an object with the attributes of :class:`Target`; the registry
:data:`TARGETS` maps a name to ``"module:attribute"``. Its ``setup`` and
``publish`` run in their own (spawned) processes, so a target must be
importable by name and everything it returns must pickle.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import math
import multiprocessing as mp
import os
import queue as queue_mod
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from array import array
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol, cast

REPO_ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"

#: Target name -> "module:attribute" of an object implementing :class:`Target`.
TARGETS: dict[str, str] = {
    "stock": "bench.targets.stock:TARGET",
    "carnet": "bench.targets.carnet:TARGET",
}

#: A run is "good" (sustained) when completeness is 100 % and p99 is below this.
P99_LIMIT_S = 1.0

#: Client CPU utilisation from which a run is flagged as possibly client-bound
#: (the client costs about 25 us of CPU per received frame with asyncio).
CLIENT_BOUND_UTIL = 0.8

#: A run is flagged as disturbed when the server's cores were busier than the
#: server processes by more than this (Redis, PostgreSQL or anything else ran there).
DISTURBED_BUSY = 0.15


# --------------------------------------------------------------------------- #
# The target interface
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class RunConfig:
    """Everything a run needs; handed to the target's hooks (it pickles)."""

    target: str
    clients: int
    rate: float
    duration: float
    warmup: float
    layer: str
    processes: int
    server_cpu: str | None
    client_cpu: str | None
    publisher_cpu: str | None
    redis_url: str
    database_url: str
    grace: float
    quiet: float
    connect_timeout: float
    connect_concurrency: int
    log_dir: str
    #: Fresh per run (set by :func:`run_once`).
    run_id: str = ""

    @property
    def layer_prefix(self) -> str:
        """Channel-layer key prefix for this run; the harness deletes its keys afterwards."""
        return f"bench-{self.run_id}"

    @property
    def warmup_count(self) -> int:
        """Messages published before the measured ones."""
        return math.ceil(self.warmup * self.rate)

    @property
    def message_count(self) -> int:
        """All messages of a run, warm-up included; seqs are 1..message_count."""
        return self.warmup_count + max(1, round(self.duration * self.rate))


@dataclass(frozen=True)
class ServerSpec:
    """How to start one server process: ``daphne -b HOST -p PORT *args`` with ``env`` added."""

    args: list[str]
    env: dict[str, str]


@dataclass(frozen=True)
class Schedule:
    """Open-loop schedule: message ``seq`` (1-based) is due at ``start_at + (seq - 1) / rate``."""

    start_at: float
    rate: float
    count: int

    def due(self, seq: int) -> float:
        return self.start_at + (seq - 1) / self.rate


@dataclass
class PublishReport:
    """What the publisher process reports back."""

    sent: int = 0
    errors: int = 0
    first_error: str = ""
    #: Largest delay between a message's due time and its publish call, in seconds.
    max_lag: float = 0.0
    #: Wall time from the first due time to the return of the last publish call.
    span: float = 0.0


class Target(Protocol):
    """What a benchmark target provides. See bench/targets/stock.py for an example."""

    #: Channel layers the target can run with (subset of memory, redis, pubsub).
    layers: tuple[str, ...]
    #: Whether the target supports ``--processes 2``.
    multi_process: bool

    def setup(self, cfg: RunConfig) -> dict[str, Any]:
        """Prepare fixtures; runs in a fresh process before the servers start.

        Returns a picklable context handed to every other hook.
        """
        ...

    def server(self, cfg: RunConfig, ctx: dict[str, Any], port: int) -> ServerSpec:
        """The daphne arguments (ASGI app path, ...) and environment of one server."""
        ...

    def ws_url(self, cfg: RunConfig, ctx: dict[str, Any], port: int) -> str:
        """The websocket URL a subscriber connects to on the server at ``port``."""
        ...

    def subscribe_frames(self, cfg: RunConfig, ctx: dict[str, Any]) -> list[str]:
        """Text frames a subscriber sends right after the handshake."""
        ...

    def subscribed(self, frame: str | None) -> bool:
        """Whether the subscriber is now subscribed.

        Called with ``None`` right after the handshake (and the subscribe frames
        are sent), then with every non-bench frame until it returns True.
        """
        ...

    def parse(self, frame: str) -> tuple[int, float] | None:
        """``(seq, publish_time)`` of a bench event frame, or None for any other frame."""
        ...

    def publish(
        self,
        cfg: RunConfig,
        ctx: dict[str, Any],
        ports: list[int],
        begin: Callable[[], Schedule],
    ) -> PublishReport:
        """Publish messages seq 1..count, each at its due time; runs in its own process.

        Open connections first, then call ``begin()`` once: it fixes and returns
        the :class:`Schedule` to follow. Each message carries its ``seq`` and the
        ``time.time()`` taken just before it is handed to the server side.
        Return by ``schedule.due(count) + cfg.grace`` at the latest.
        """
        ...


class Interrupted(Exception):
    """SIGINT or SIGTERM arrived: the current run was cleaned up, stop here."""


_stop_requested = False


def _raise_interrupted(signum: int, frame: Any) -> None:
    global _stop_requested
    if _stop_requested:
        return  # already stopping: let the cleanup finish
    _stop_requested = True
    raise Interrupted(signal.Signals(signum).name)


def install_signal_handlers() -> None:
    """Make SIGINT and SIGTERM raise :class:`Interrupted` (outside the event loop)."""
    signal.signal(signal.SIGINT, _raise_interrupted)
    signal.signal(signal.SIGTERM, _raise_interrupted)


def load_target(name: str) -> Target:
    """Import the target registered under ``name``."""
    module_name, _, attr = TARGETS[name].partition(":")
    return getattr(importlib.import_module(module_name), attr)  # type: ignore[no-any-return]


# --------------------------------------------------------------------------- #
# Helpers shared by publishers
# --------------------------------------------------------------------------- #


async def wait_until(when: float) -> float:
    """Sleep until the wall clock reaches ``when``; return the lag (>= 0) after waking."""
    delay = when - time.time()
    if delay > 0:
        await asyncio.sleep(delay)
    return max(0.0, time.time() - when)


def wait_until_sync(when: float) -> float:
    """Blocking version of :func:`wait_until`."""
    delay = when - time.time()
    if delay > 0:
        time.sleep(delay)
    return max(0.0, time.time() - when)


def pin_current_process(cpus: str | None) -> None:
    """Pin this process to a taskset-style CPU list ("0", "0,1", "0-1")."""
    if cpus:
        os.sched_setaffinity(0, parse_cpu_list(cpus))


def parse_cpu_list(cpus: str) -> set[int]:
    result: set[int] = set()
    for part in cpus.split(","):
        lo, _, hi = part.partition("-")
        result.update(range(int(lo), int(hi or lo) + 1))
    return result


# --------------------------------------------------------------------------- #
# Processes: setup, publisher, servers
# --------------------------------------------------------------------------- #

_MP = mp.get_context("spawn")


def _setup_main(target_name: str, cfg: RunConfig, out: Any) -> None:
    pin_current_process(cfg.publisher_cpu)
    try:
        out.put(("ok", load_target(target_name).setup(cfg)))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent
        out.put(("error", f"{type(exc).__name__}: {exc}"))


def _publisher_main(
    target_name: str, cfg: RunConfig, ctx: dict[str, Any], ports: list[int], out: Any
) -> None:
    """Publisher process: the target prepares, then we fix the start time and go."""
    pin_current_process(cfg.publisher_cpu)
    target = load_target(target_name)

    def begin() -> Schedule:
        # Half a second of lead lets the parent see the schedule before message 1.
        schedule = Schedule(start_at=time.time() + 0.5, rate=cfg.rate, count=cfg.message_count)
        out.put(("schedule", schedule))
        return schedule

    try:
        report = target.publish(cfg, ctx, ports, begin)
    except BaseException as exc:  # noqa: BLE001 - reported to the parent
        report = PublishReport(errors=1, first_error=f"{type(exc).__name__}: {exc}")
    out.put(("report", report))


def run_setup(target_name: str, cfg: RunConfig, timeout: float = 300.0) -> dict[str, Any]:
    """Run the target's setup in a fresh process and return its context."""
    out = _MP.Queue()
    proc = _MP.Process(target=_setup_main, args=(target_name, cfg, out), daemon=True)
    proc.start()
    try:
        status, value = out.get(timeout=timeout)
    except queue_mod.Empty:
        raise RuntimeError(f"{target_name} setup did not finish in {timeout:.0f} s") from None
    finally:
        proc.join(5)
        if proc.is_alive():
            proc.kill()
    if status != "ok":
        raise RuntimeError(f"{target_name} setup failed: {value}")
    return value  # type: ignore[no-any-return]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def daphne_command() -> list[str]:
    exe = Path(sys.executable).with_name("daphne")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("daphne")
    return [found] if found else [sys.executable, "-m", "daphne"]


@dataclass
class Server:
    port: int
    proc: subprocess.Popen[bytes]
    log_path: Path


def start_server(target: Target, cfg: RunConfig, ctx: dict[str, Any], index: int) -> Server:
    port = free_port()
    spec = target.server(cfg, ctx, port)
    argv = [*daphne_command(), "-b", HOST, "-p", str(port), *spec.args]
    if cfg.server_cpu:
        argv = ["taskset", "-c", cfg.server_cpu, *argv]
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), **spec.env}
    log_path = Path(cfg.log_dir) / f"{cfg.target}-{cfg.run_id}-server{index}.log"
    with open(log_path, "wb") as log:
        # taskset execs daphne, so proc.pid is daphne's pid.
        proc = subprocess.Popen(argv, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    return Server(port=port, proc=proc, log_path=log_path)


def wait_for_port(server: Server, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise RuntimeError(f"server exited early; see {server.log_path}:\n{tail(server)}")
        try:
            with socket.create_connection((HOST, server.port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server did not listen on {server.port} in {timeout:.0f} s")


def tail(server: Server, lines: int = 20) -> str:
    try:
        return "\n".join(server.log_path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def stop_server(server: Server) -> None:
    if server.proc.poll() is None:
        server.proc.send_signal(signal.SIGTERM)
        try:
            server.proc.wait(5)
        except subprocess.TimeoutExpired:
            server.proc.kill()
            server.proc.wait(5)


_CLK_TCK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """utime + stime of a whole process (all threads), in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # fields[0] is field 3 (state); utime and stime are fields 14 and 15.
    return (int(fields[11]) + int(fields[12])) / _CLK_TCK


def core_times() -> dict[int, tuple[int, int]]:
    """Per-CPU (busy, total) jiffies from /proc/stat."""
    times: dict[int, tuple[int, int]] = {}
    with open("/proc/stat") as f:
        for line in f:
            if line.startswith("cpu") and line[3].isdigit():
                name, *values = line.split()
                ticks = [int(v) for v in values[:8]]
                idle = ticks[3] + ticks[4]  # idle + iowait
                times[int(name[3:])] = (sum(ticks) - idle, sum(ticks))
    return times


def core_busy(
    before: dict[int, tuple[int, int]], after: dict[int, tuple[int, int]], cpus: str | None
) -> float:
    """Busy fraction of the CPUs in ``cpus`` (all CPUs when None) between two samples."""
    chosen = parse_cpu_list(cpus) if cpus else set(after)
    busy = sum(after[c][0] - before[c][0] for c in chosen if c in before and c in after)
    total = sum(after[c][1] - before[c][1] for c in chosen if c in before and c in after)
    return busy / total if total else 0.0


def cleanup_redis_prefix(redis_url: str, prefix: str) -> None:
    """Delete the keys a run's channel layer left behind (best effort)."""
    try:
        import redis
    except ImportError:
        return
    try:
        client = redis.Redis.from_url(redis_url)
        keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
        if keys:
            client.delete(*keys)
        client.close()
    except Exception:  # noqa: BLE001 - cleanup must not hide the results
        pass


# --------------------------------------------------------------------------- #
# Clients
# --------------------------------------------------------------------------- #


class Collector:
    """Receipt records of all subscribers, kept as compact arrays."""

    def __init__(self, target: Target, clients: int, expected_total: int) -> None:
        self.target = target
        self.recv_at = [array("d") for _ in range(clients)]
        self.published_at = [array("d") for _ in range(clients)]
        self.seqs = [array("q") for _ in range(clients)]
        self.bench_frames = 0
        self.other_frames = 0
        self.last_frame_at = 0.0
        self.expected_total = expected_total
        self.all_in = asyncio.Event()
        self.closed_early = 0

    def on_frame(self, sub: _Subscriber, now: float, text: str) -> None:
        parsed = self.target.parse(text)
        if parsed is None:
            self.other_frames += 1
            if not sub.is_subscribed and self.target.subscribed(text):
                sub.mark_subscribed()
            return
        seq, published = parsed
        i = sub.index
        self.recv_at[i].append(now)
        self.published_at[i].append(published)
        self.seqs[i].append(seq)
        self.bench_frames += 1
        self.last_frame_at = now
        if self.bench_frames >= self.expected_total:
            self.all_in.set()


class _Subscriber(asyncio.Protocol):
    """One websocket client on a raw asyncio transport, driven by websockets' sans-I/O protocol.

    Receipt time is taken once per ``data_received`` call, before any parsing,
    so client-side parsing cost does not inflate the measured latency of the
    frames in that chunk.
    """

    def __init__(
        self,
        index: int,
        url: str,
        origin: str,
        subscribe_frames: list[str],
        collector: Collector,
        ready: asyncio.Future[None],
    ) -> None:
        from websockets.client import ClientProtocol
        from websockets.typing import Origin
        from websockets.uri import parse_uri

        self.index = index
        self.ws = ClientProtocol(parse_uri(url), origin=Origin(origin), max_size=None)
        self.subscribe_frames = subscribe_frames
        self.collector = collector
        self.ready = ready
        self.is_subscribed = False
        self.transport: asyncio.Transport | None = None
        self._fragments: list[bytes] = []

    # asyncio.Protocol -------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # asyncio's and uvloop's transports both have the Transport API.
        self.transport = cast(asyncio.Transport, transport)
        self.ws.send_request(self.ws.connect())
        self._flush()

    def data_received(self, data: bytes) -> None:
        from websockets.frames import Frame, Opcode
        from websockets.http11 import Response

        now = time.time()
        ws = self.ws
        ws.receive_data(data)
        for event in ws.events_received():
            if isinstance(event, Frame):
                opcode = event.opcode
                if opcode is Opcode.TEXT or opcode is Opcode.BINARY:
                    if event.fin:
                        self.collector.on_frame(self, now, bytes(event.data).decode())
                    else:
                        self._fragments = [bytes(event.data)]
                elif opcode is Opcode.CONT:
                    self._fragments.append(bytes(event.data))
                    if event.fin:
                        text = b"".join(self._fragments).decode()
                        self._fragments = []
                        self.collector.on_frame(self, now, text)
            elif isinstance(event, Response):
                if ws.handshake_exc is not None:
                    self._fail(ws.handshake_exc)
                    return
                for frame in self.subscribe_frames:
                    ws.send_text(frame.encode())
                if self.collector.target.subscribed(None):
                    self.mark_subscribed()
        self._flush()

    def eof_received(self) -> bool | None:
        self.ws.receive_eof()
        self._flush()
        return None

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.ready.done():
            self.ready.set_exception(ConnectionError(f"connection lost: {exc}"))
        elif self.transport is not None:
            self.collector.closed_early += 1
        self.transport = None

    # ------------------------------------------------------------------------

    def mark_subscribed(self) -> None:
        self.is_subscribed = True
        if not self.ready.done():
            self.ready.set_result(None)

    def abort(self) -> None:
        transport, self.transport = self.transport, None
        if transport is not None:
            transport.abort()

    def _fail(self, exc: BaseException) -> None:
        if not self.ready.done():
            self.ready.set_exception(exc)
        self.abort()

    def _flush(self) -> None:
        transport = self.transport
        if transport is None:
            return
        for chunk in self.ws.data_to_send():
            if chunk:
                transport.write(chunk)
            elif transport.can_write_eof():
                transport.write_eof()


async def connect_all(
    target: Target,
    cfg: RunConfig,
    ctx: dict[str, Any],
    ports: list[int],
    collector: Collector,
) -> tuple[list[_Subscriber], float, int]:
    """Open and subscribe N clients, spread round-robin over ``ports``.

    Returns the subscribers, the wall time until all are subscribed, and the
    number of clients that failed to connect or subscribe.
    """
    loop = asyncio.get_running_loop()
    frames = target.subscribe_frames(cfg, ctx)
    limit = asyncio.Semaphore(cfg.connect_concurrency)
    subs: list[_Subscriber] = []
    failures = 0
    first_error = ""

    async def one(index: int) -> None:
        nonlocal failures, first_error
        port = ports[index % len(ports)]
        ready: asyncio.Future[None] = loop.create_future()
        sub = _Subscriber(
            index, target.ws_url(cfg, ctx, port), f"http://{HOST}:{port}", frames, collector, ready
        )
        async with limit:
            try:
                await loop.create_connection(lambda: sub, HOST, port)
                await asyncio.wait_for(ready, cfg.connect_timeout)
            except Exception as exc:  # noqa: BLE001 - counted and reported
                failures += 1
                first_error = first_error or f"{type(exc).__name__}: {exc}"
                sub.abort()
                return
        subs.append(sub)

    started = time.perf_counter()
    await asyncio.wait_for(
        asyncio.gather(*(one(i) for i in range(cfg.clients))),
        cfg.connect_timeout + 30 + cfg.clients * 0.05,
    )
    elapsed = time.perf_counter() - started
    if first_error:
        print(f"  connect: {failures} failures, first: {first_error}", file=sys.stderr)
    return subs, elapsed, failures


# --------------------------------------------------------------------------- #
# One run
# --------------------------------------------------------------------------- #


def _percentile(sorted_values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile of an ascending sequence."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(q / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


@dataclass
class RunResult:
    """The figures of one run (``asdict`` gives the JSON form)."""

    target: str
    layer: str
    clients: int
    processes: int
    rate: float
    duration: float
    connected: int = 0
    connect_s: float = 0.0
    connect_failures: int = 0
    published: int = 0
    publish_errors: int = 0
    publish_first_error: str = ""
    publish_max_lag_ms: float = 0.0
    expected: int = 0
    delivered: int = 0
    completeness: float = 0.0
    missing: int = 0
    gaps: int = 0
    clients_with_gaps: int = 0
    duplicates: int = 0
    out_of_order: int = 0
    closed_early: int = 0
    latency_ms: dict[str, float] = field(default_factory=dict)
    delivered_per_s: float = 0.0
    server_cpu_s: float = 0.0
    server_cpu_util: float = 0.0
    server_cpu_us_per_delivery: float = 0.0
    client_cpu_util: float = 0.0
    #: Busy fraction of the server's and the client's cores, whoever used them:
    #: well above the process's own utilisation means something else ran there.
    server_core_busy: float = 0.0
    client_core_busy: float = 0.0
    server_cores: int = 1
    collect_s: float = 0.0
    error: str = ""

    @property
    def disturbed(self) -> bool:
        """The server's core was much busier than the server itself: other work ran there."""
        return self.server_core_busy - self.server_cpu_util / self.server_cores > DISTURBED_BUSY

    @property
    def client_bound(self) -> bool:
        """The client process was this busy, so the figures may be the client's limit."""
        return self.client_cpu_util >= CLIENT_BOUND_UTIL

    @property
    def good(self) -> bool:
        p99 = self.latency_ms.get("p99", math.inf) / 1000
        return (
            not self.error
            and self.connect_failures == 0
            and self.expected > 0
            and self.delivered == self.expected
            and self.duplicates == 0
            and p99 < P99_LIMIT_S
        )


def analyse(
    result: RunResult, collector: Collector, clients: Sequence[int], first: int, last: int
) -> None:
    """Fill completeness, gaps and latency for measured messages ``first..last``.

    Only connected ``clients`` count; connect failures are reported on their own.
    """
    measured = last - first + 1
    result.expected = measured * len(clients)
    latencies: list[float] = []
    delivered = missing = gaps = with_gaps = dups = ooo = 0
    for i in clients:
        seqs = collector.seqs[i]
        recv = collector.recv_at[i]
        pub = collector.published_at[i]
        seen: set[int] = set()
        prev = -1
        for j, seq in enumerate(seqs):
            if seq < prev:
                ooo += 1
            prev = max(prev, seq)
            if seq < first or seq > last:
                continue
            if seq in seen:
                dups += 1
                continue
            seen.add(seq)
            latencies.append(recv[j] - pub[j])
        delivered += len(seen)
        runs = 0
        in_gap = False
        for seq in range(first, last + 1):
            if seq in seen:
                in_gap = False
            else:
                missing += 1
                if not in_gap:
                    runs += 1
                in_gap = True
        gaps += runs
        with_gaps += runs > 0
    latencies.sort()
    result.delivered = delivered
    result.missing = missing
    result.gaps = gaps
    result.clients_with_gaps = with_gaps
    result.duplicates = dups
    result.out_of_order = ooo
    result.completeness = delivered / result.expected if result.expected else 0.0
    result.latency_ms = {
        name: round(_percentile(latencies, q) * 1000, 2)
        for name, q in (("p50", 50), ("p90", 90), ("p99", 99), ("max", 100))
    }
    result.delivered_per_s = round(delivered / result.duration, 1)


async def _run_async(
    target: Target, cfg: RunConfig, ctx: dict[str, Any], servers: list[Server], result: RunResult
) -> None:
    ports = [s.port for s in servers]
    warm, count = cfg.warmup_count, cfg.message_count
    collector = Collector(target, cfg.clients, count * cfg.clients)

    # Inside the event loop a signal must not raise in a random callback: it ends
    # collection instead, and run_once raises Interrupted once the servers are down.
    loop = asyncio.get_running_loop()
    main_task = asyncio.current_task()

    def request_stop() -> None:
        global _stop_requested
        _stop_requested = True
        collector.all_in.set()
        if main_task is not None and result.connected == 0:
            main_task.cancel()  # still connecting

    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, request_stop)

    subs, result.connect_s, result.connect_failures = await connect_all(
        target, cfg, ctx, ports, collector
    )
    result.connect_s = round(result.connect_s, 3)
    result.connected = len(subs)
    if not subs:
        result.error = "no client connected"
        return
    collector.expected_total = count * len(subs)

    out = _MP.Queue()
    pub = _MP.Process(target=_publisher_main, args=(cfg.target, cfg, ctx, ports, out), daemon=True)
    pub.start()
    try:
        await _collect(cfg, servers, collector, pub, out, result, warm, count)
    finally:
        for sub in subs:
            sub.abort()
        if pub.is_alive():
            pub.join(2)
        if pub.is_alive():
            pub.kill()
    analyse(result, collector, sorted(sub.index for sub in subs), warm + 1, count)


async def _collect(
    cfg: RunConfig,
    servers: list[Server],
    collector: Collector,
    pub: Any,
    out: Any,
    result: RunResult,
    warm: int,
    count: int,
) -> None:
    async def next_message(deadline: float) -> tuple[str, Any] | None:
        while time.time() < deadline:
            try:
                return out.get_nowait()  # type: ignore[no-any-return]
            except queue_mod.Empty:
                if not pub.is_alive() and out.empty():
                    return None
                await asyncio.sleep(0.05)
        return None

    msg = await next_message(time.time() + 120)
    if msg is None or msg[0] != "schedule":
        result.error = "publisher did not start"
        return
    schedule: Schedule = msg[1]
    measure_from = schedule.due(warm + 1)
    last_due = schedule.due(count)
    hard_deadline = last_due + cfg.grace

    # CPU probe at the due time of the first measured message.
    await asyncio.sleep(max(0.0, measure_from - time.time()))
    cpu0 = sum(cpu_seconds(s.proc.pid) for s in servers)
    self0 = cpu_seconds(os.getpid())
    cores0 = core_times()
    wall0 = time.time()
    frames0 = collector.bench_frames

    report: PublishReport | None = None
    while True:
        now = time.time()
        if collector.all_in.is_set() or now >= hard_deadline:
            break
        if report is None:
            try:
                kind, value = out.get_nowait()
                if kind == "report":
                    report = value
            except queue_mod.Empty:
                if not pub.is_alive():
                    report = PublishReport(errors=1, first_error="publisher process died")
        elif now - max(collector.last_frame_at, last_due) > cfg.quiet and now > last_due:
            break
        try:
            await asyncio.wait_for(collector.all_in.wait(), 0.05)
        except TimeoutError:
            pass

    cpu1 = sum(cpu_seconds(s.proc.pid) for s in servers)
    self1 = cpu_seconds(os.getpid())
    cores1 = core_times()
    wall1 = time.time()
    frames = collector.bench_frames - frames0
    result.collect_s = round(wall1 - schedule.start_at, 2)
    result.server_cpu_s = round(cpu1 - cpu0, 3)
    result.server_cpu_util = round((cpu1 - cpu0) / (wall1 - wall0), 3)
    result.server_cpu_us_per_delivery = round((cpu1 - cpu0) / frames * 1e6, 1) if frames else 0.0
    result.client_cpu_util = round((self1 - self0) / (wall1 - wall0), 3)
    result.server_core_busy = round(core_busy(cores0, cores1, cfg.server_cpu), 3)
    result.server_cores = len(parse_cpu_list(cfg.server_cpu)) if cfg.server_cpu else len(cores1)
    result.client_core_busy = round(core_busy(cores0, cores1, cfg.client_cpu), 3)
    result.closed_early = collector.closed_early

    if report is None:
        msg = await next_message(time.time() + 3)
        report = msg[1] if msg and msg[0] == "report" else PublishReport()
    result.published = report.sent - min(report.sent, warm)
    result.publish_errors = report.errors
    result.publish_first_error = report.first_error
    result.publish_max_lag_ms = round(report.max_lag * 1000, 2)


def run_once(target_name: str, cfg: RunConfig) -> RunResult:
    """One complete, time-bounded run: setup, servers, clients, publisher, teardown."""
    cfg = replace(cfg, target=target_name, run_id=uuid.uuid4().hex[:10])
    target = load_target(target_name)
    result = RunResult(
        target=target_name,
        layer=cfg.layer,
        clients=cfg.clients,
        processes=cfg.processes,
        rate=cfg.rate,
        duration=cfg.duration,
    )
    if cfg.layer not in target.layers:
        result.error = f"{target_name} does not support layer {cfg.layer}"
        return result
    if cfg.processes > 1 and (not target.multi_process or cfg.layer == "memory"):
        result.error = f"{target_name} cannot run {cfg.processes} processes on layer {cfg.layer}"
        return result

    servers: list[Server] = []
    try:
        ctx = run_setup(target_name, cfg)
        servers = [start_server(target, cfg, ctx, i) for i in range(cfg.processes)]
        for server in servers:
            wait_for_port(server)
        try:
            asyncio.run(_run_async(target, cfg, ctx, servers, result))
        except asyncio.CancelledError:
            pass
        finally:
            # Closing the loop reset the signals to their defaults.
            install_signal_handlers()
        if _stop_requested:
            raise Interrupted("stopped by a signal")
        for server in servers:
            if server.proc.poll() is not None:
                result.error = f"server died; see {server.log_path}"
    except Interrupted:
        raise
    except Exception as exc:  # noqa: BLE001 - a failed run is a result, not a crash
        result.error = result.error or f"{type(exc).__name__}: {exc}"
    finally:
        for server in servers:
            stop_server(server)
        if cfg.layer != "memory":
            cleanup_redis_prefix(cfg.redis_url, cfg.layer_prefix)
    return result


# --------------------------------------------------------------------------- #
# Saturation
# --------------------------------------------------------------------------- #


def saturate(
    target_name: str, cfg: RunConfig, step: float, refine: int, max_rate: float, retries: int
) -> tuple[float | None, list[RunResult]]:
    """Highest rate with 100 % completeness and p99 < 1 s, and every step's result.

    A step that fails while other work disturbed the server's core is run again,
    up to ``retries`` times, so that a busy machine does not end the search early.
    """
    steps: list[RunResult] = []

    def attempt(rate: float) -> bool:
        for _ in range(retries + 1):
            res = run_once(target_name, replace(cfg, rate=rate))
            steps.append(res)
            progress(res)
            if res.good or not res.disturbed:
                break
        return res.good

    good: float | None = None
    bad: float | None = None
    rate = cfg.rate
    while rate <= max_rate:
        if attempt(rate):
            good = rate
            rate = round(rate * step, 2)
        else:
            bad = rate
            break
    if good is not None and bad is not None:
        for _ in range(refine):
            rate = round((good + bad) / 2, 2)
            if rate in (good, bad):
                break
            if attempt(rate):
                good = rate
            else:
                bad = rate
    return good, steps


# --------------------------------------------------------------------------- #
# Output
# --------------------------------------------------------------------------- #


def progress(res: RunResult) -> None:
    lat = res.latency_ms
    print(
        f"  {res.target:6} {res.layer:6} N={res.clients:<5} R={res.rate:<7g} "
        f"complete={res.completeness:7.2%} p50={lat.get('p50', math.nan):8.1f}ms "
        f"p99={lat.get('p99', math.nan):8.1f}ms cpu/deliv="
        f"{res.server_cpu_us_per_delivery:6.1f}us {'OK' if res.good else 'FAIL'}"
        f"{' ' + res.error if res.error else ''}",
        file=sys.stderr,
        flush=True,
    )


_ROWS: list[tuple[str, str]] = [
    ("layer", "layer"),
    ("clients (connected)", "clients"),
    ("daphne processes", "processes"),
    ("rate requested (msg/s)", "rate"),
    ("messages measured", "published"),
    ("publisher max lag (ms)", "publish_max_lag_ms"),
    ("connect time, all N (s)", "connect_s"),
    ("completeness", "completeness"),
    ("missing frames", "missing"),
    ("sequence gaps (runs)", "gaps"),
    ("clients with gaps", "clients_with_gaps"),
    ("duplicates / out of order", "dups"),
    ("latency p50 (ms)", "p50"),
    ("latency p90 (ms)", "p90"),
    ("latency p99 (ms)", "p99"),
    ("latency max (ms)", "max"),
    ("delivered frames/s", "delivered_per_s"),
    ("server CPU (s)", "server_cpu_s"),
    ("server CPU utilisation", "server_cpu_util"),
    ("server CPU per delivery (us)", "server_cpu_us_per_delivery"),
    ("client CPU utilisation", "client_cpu_util"),
    ("server / client core busy", "cores"),
    ("sustained (100 %, p99 < 1 s)", "good"),
    ("error", "error"),
]


def _cell(res: RunResult, key: str) -> str:
    if key in ("p50", "p90", "p99", "max"):
        return f"{res.latency_ms.get(key, math.nan):.1f}"
    if key == "clients":
        return f"{res.clients} ({res.connected})"
    if key == "completeness":
        return f"{res.completeness:.4%}"
    if key == "dups":
        return f"{res.duplicates} / {res.out_of_order}"
    if key == "good":
        return "yes" if res.good else "no"
    if key == "cores":
        return f"{res.server_core_busy:.0%} / {res.client_core_busy:.0%}"
    if key in ("server_cpu_util", "client_cpu_util"):
        return f"{getattr(res, key):.0%}"
    if key == "published":
        return f"{res.published} x {res.clients}"
    value = getattr(res, key)
    if key == "error" and value:
        return "see below"
    return "-" if value == "" else str(value)


def table(results: list[RunResult]) -> str:
    width = max(len(label) for label, _ in _ROWS)
    cols = [[_cell(r, key) for _, key in _ROWS] for r in results]
    colw = [
        max(len(r.target), *(len(c) for c in col)) for r, col in zip(results, cols, strict=True)
    ]
    lines = [
        " " * width
        + "  "
        + "  ".join(r.target.rjust(w) for r, w in zip(results, colw, strict=True))
    ]
    for row, (label, key) in enumerate(_ROWS):
        if key == "error" and not any(r.error for r in results):
            continue
        cells = [col[row].rjust(w) for col, w in zip(cols, colw, strict=True)]
        lines.append(label.ljust(width) + "  " + "  ".join(cells))
    lines += [f"error ({r.target}): {r.error}" for r in results if r.error]
    lines += [
        f"warning ({r.target}): the client was {r.client_cpu_util:.0%} busy; "
        "the figures may be the client's limit"
        for r in results
        if r.client_bound
    ]
    lines += [
        f"warning ({r.target}): the server's core was {r.server_core_busy:.0%} busy, "
        f"the server {r.server_cpu_util:.0%}: something else ran there"
        for r in results
        if r.disturbed
    ]
    return "\n".join(lines)


def steps_table(target: str, steps: list[RunResult], best: float | None) -> str:
    head = (
        f"{'rate':>8} {'complete':>9} {'gaps':>6} {'p50 ms':>9} {'p99 ms':>9} {'max ms':>9} "
        f"{'deliv/s':>9} {'cpu us/d':>9} {'srv cpu':>8} {'srv core':>8} {'cli cpu':>8}  ok"
    )
    lines = [
        f"saturation, {target}: best sustained rate = {best if best is not None else 'none'}",
        head,
    ]
    for r in sorted(steps, key=lambda s: s.rate):
        lat = r.latency_ms
        lines.append(
            f"{r.rate:>8g} {r.completeness:>9.2%} {r.gaps:>6} {lat.get('p50', math.nan):>9.1f} "
            f"{lat.get('p99', math.nan):>9.1f} {lat.get('max', math.nan):>9.1f} "
            f"{r.delivered_per_s:>9.1f} {r.server_cpu_us_per_delivery:>9.1f} "
            f"{r.server_cpu_util:>8.0%} {r.server_core_busy:>8.0%} {r.client_cpu_util:>8.0%}"
            f"  {'yes' if r.good else 'no'}"
            + ("  client-bound?" if r.client_bound else "")
            + ("  disturbed" if r.disturbed else "")
            + (f"  ({r.error})" if r.error else "")
        )
    return "\n".join(lines)


def comparison(summary: dict[str, Any]) -> str:
    """Ratios the issue's targets are stated in, when stock and carnet both ran."""
    if "stock" not in summary or "carnet" not in summary:
        return ""
    s, c = summary["stock"], summary["carnet"]
    lines: list[str] = []
    if s.get("best_rate") and c.get("best_rate"):
        ratio = c["best_rate"] / s["best_rate"]
        lines.append(f"  sustained rate, carnet / stock = {ratio:.2f} (target >= 3)")
    if "run" in s and "run" in c and not s["run"]["error"] and not c["run"]["error"]:
        sp50, cp50 = s["run"]["latency_ms"]["p50"], c["run"]["latency_ms"]["p50"]
        if sp50 > 0 and not math.isnan(cp50):
            lines.append(
                f"  p50 latency, carnet / stock = {cp50 / sp50:.3f} (target <= 0.333 at 2 msg/s)"
            )
    return "\n".join(["carnet vs stock:", *lines]) if lines else ""


# --------------------------------------------------------------------------- #
# CLI
# --------------------------------------------------------------------------- #


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m bench.fanout",
        description="Websocket fan-out benchmark (one space, N subscribers, open-loop publisher).",
    )
    p.add_argument(
        "--target",
        default="stock",
        help="stock, carnet, or a comma list run one after the other (default stock)",
    )
    p.add_argument("--clients", "-n", type=int, default=100, help="subscribers (default 100)")
    p.add_argument(
        "--rate", "-r", type=float, default=2.0, help="messages/s (start rate with --saturate)"
    )
    p.add_argument(
        "--duration", "-d", type=float, default=10.0, help="measured seconds (default 10)"
    )
    p.add_argument("--warmup", type=float, default=2.0, help="unmeasured seconds first (default 2)")
    p.add_argument("--layer", choices=("memory", "redis", "pubsub"), default="pubsub")
    p.add_argument("--processes", type=int, choices=(1, 2), default=1, help="daphne processes")
    p.add_argument(
        "--server-cpu", default="1", help="taskset CPU list for daphne (default 1; '' = no pinning)"
    )
    p.add_argument("--client-cpu", default="0", help="CPU list for the client process (default 0)")
    p.add_argument(
        "--publisher-cpu", default=None, help="CPU list for the publisher (default: client's)"
    )
    p.add_argument("--saturate", action="store_true", help="find the highest sustained rate")
    p.add_argument("--step", type=float, default=1.5, help="rate multiplier per saturation step")
    p.add_argument("--refine", type=int, default=2, help="bisection steps after the first failure")
    p.add_argument(
        "--retry-disturbed",
        type=int,
        default=2,
        help="re-run a failed saturation step this often when other work disturbed it",
    )
    p.add_argument("--max-rate", type=float, default=2000.0, help="saturation stops here")
    p.add_argument(
        "--grace", type=float, default=10.0, help="seconds to wait after the last publish"
    )
    p.add_argument("--quiet", type=float, default=2.0, help="stop after this long without frames")
    p.add_argument("--connect-timeout", type=float, default=60.0, help="per-client connect timeout")
    p.add_argument("--connect-concurrency", type=int, default=50, help="handshakes in flight")
    p.add_argument("--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/1"))
    p.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/carnet_bench"
        ),
        help="carnet target only",
    )
    p.add_argument("--log-dir", default=None, help="server logs (default: a temp dir)")
    p.add_argument("--json", action="store_true", help="print JSON on stdout instead of tables")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    targets = [t.strip() for t in args.target.split(",") if t.strip()]
    unknown = [t for t in targets if t not in TARGETS]
    if unknown:
        print(f"unknown target(s): {', '.join(unknown)}", file=sys.stderr)
        return 2
    log_dir = args.log_dir or tempfile.mkdtemp(prefix="carnet-bench-")
    Path(log_dir).mkdir(parents=True, exist_ok=True)
    cfg = RunConfig(
        target=targets[0],
        clients=args.clients,
        rate=args.rate,
        duration=args.duration,
        warmup=args.warmup,
        layer=args.layer,
        processes=args.processes,
        server_cpu=args.server_cpu or None,
        client_cpu=args.client_cpu or None,
        publisher_cpu=args.publisher_cpu or args.client_cpu or None,
        redis_url=args.redis_url,
        database_url=args.database_url,
        grace=args.grace,
        quiet=args.quiet,
        connect_timeout=args.connect_timeout,
        connect_concurrency=args.connect_concurrency,
        log_dir=log_dir,
    )
    pin_current_process(cfg.client_cpu)
    # Outside the event loop, SIGINT and SIGTERM raise Interrupted; every run
    # stops its servers in a finally block.
    install_signal_handlers()
    _raise_fd_limit(cfg.clients * 2 + 256)
    print(f"server logs in {log_dir}", file=sys.stderr)

    summary: dict[str, Any] = {}
    results: list[RunResult] = []
    try:
        for name in targets:
            if args.saturate:
                best, steps = saturate(
                    name, cfg, args.step, args.refine, args.max_rate, args.retry_disturbed
                )
                summary[name] = {"best_rate": best, "steps": [_as_json(s) for s in steps]}
                if not args.json:
                    print(steps_table(name, steps, best))
                    print()
            else:
                res = run_once(name, cfg)
                progress(res)
                results.append(res)
                summary[name] = {"run": _as_json(res)}
    except Interrupted as stop:
        print(f"interrupted ({stop}); servers stopped", file=sys.stderr)
        return 130

    if args.json:
        json.dump({"args": vars(args), "results": summary}, sys.stdout, indent=2)
        print()
    else:
        if results:
            print(table(results))
        text = comparison(summary)
        if text:
            print(text)
    return 0


def _as_json(res: RunResult) -> dict[str, Any]:
    data = asdict(res)
    data["good"] = res.good
    data["client_bound"] = res.client_bound
    data["disturbed"] = res.disturbed
    return data


def _raise_fd_limit(wanted: int) -> None:
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(wanted, hard), hard))


if __name__ == "__main__":
    # Re-import as bench.fanout so that spawned processes and the target modules
    # see one copy of the classes above.
    sys.path.insert(0, str(REPO_ROOT))
    from bench.fanout import main as _main

    raise SystemExit(_main())
