"""Closed-loop load on a real `wangge serve` (2 gunicorn workers, embedded graph): what overload does.

Run: `.venv/bin/python -m bench.load [--users 16,64] [--seconds 60] [--max-in-flight N] [--work DIR]`.

Each of `--users` users sends one request, waits for its answer, and sends the next, for
`--seconds`; requests cycle through read_api's three shapes (a person, the grid page, a filtered
persons page). A shed answer (503) is followed by a pause of its `Retry-After`, as a client that
honours the header would do (`--ignore-retry-after` hammers instead). It prints, per user count:
answered requests per second, p50/p95/p99 of the answered ones, the slowest 503, every other
outcome by kind, each worker's resident memory before and after, and how late the load generator's
own event loop ran (on a busy machine the client's lag is part of every latency it measures). `--max-in-flight` sets
WANGGE_MAX_IN_FLIGHT for the served workers (`0` leaves the service's default).

The generator shares the 2 cores with the service, so it must cost little per request: it runs on uvloop
with aiohttp's C-accelerated client (`--client httpx` keeps the former httpx generator for comparison; with
64 users it took 80-95% of a core by itself and the latencies it reported were mostly its own).
"""

import argparse
import asyncio
import os
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import httpx
import orjson
import uvloop

from authz.tokens import LocalIssuer
from bench.harness import CLIENTS, Post, http_client, seeded_graphs, with_store
from bench.read_api import READER, Case, cases, request_body, request_headers
from ops.settings import Settings
from tests.common.server import Server


@dataclass
class Tally:
    answered: list[float] = field(default_factory=list)
    shed: list[float] = field(default_factory=list)
    other: Counter[str] = field(default_factory=Counter)
    lag: list[float] = field(default_factory=list)  # the load generator's own event-loop lag


async def probe_lag(until: float, tally: Tally) -> None:
    """How late a 10 ms sleep wakes up in this process: latency the client adds on a busy machine."""
    while time.monotonic() < until:
        started = time.perf_counter()
        await asyncio.sleep(0.01)
        tally.lag.append(time.perf_counter() - started - 0.01)


def percentile(ordered: list[float], q: float) -> float:
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1000 if ordered else float("nan")


def worker_rss_mb(server: Server) -> list[float]:
    """Resident memory of each gunicorn worker, from /proc."""
    pid = server.process.pid
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    sizes = []
    for child in children:
        status = Path(f"/proc/{child}/status").read_text()
        kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
        sizes.append(round(kb / 1024, 1))
    return sorted(sizes)


def kind_of(status: int, body: bytes) -> str:
    try:
        errors = orjson.loads(body).get("errors") or []
    except orjson.JSONDecodeError:
        return f"{status} not JSON"
    codes = sorted({e.get("extensions", {}).get("code", "?") for e in errors})
    return f"{status} {','.join(codes) or 'ok'}"


async def user(
    post: Post, bodies: list[bytes], until: float, tally: Tally, offset: int, honour_retry_after: bool
) -> None:
    turn = offset
    while time.monotonic() < until:
        body = bodies[turn % len(bodies)]
        turn += 1
        started = time.perf_counter()
        try:
            status, retry_after, answer = await post(body)
        except (httpx.TransportError, aiohttp.ClientError) as exc:
            tally.other[f"transport {type(exc).__name__}"] += 1
            continue
        elapsed = time.perf_counter() - started
        kind = kind_of(status, answer)
        if kind == "200 ok":
            tally.answered.append(elapsed)
        elif kind == "503 SERVICE_UNAVAILABLE" and retry_after.isdigit():
            tally.shed.append(elapsed)
            if honour_retry_after:
                await asyncio.sleep(int(retry_after))
        else:
            tally.other[kind] += 1


async def run_load(
    base: str, token: str, plan: dict[str, Case], users: int, seconds: float, honour: bool, client: str
) -> Tally:
    bodies = [request_body(c) for c in plan.values()]
    tally = Tally()
    async with http_client(client, base, request_headers(token), users) as post:
        for body in bodies:  # warm both workers' caches
            for _ in range(4):
                await post(body)
        until = time.monotonic() + seconds
        started = time.perf_counter()
        await asyncio.gather(
            probe_lag(until, tally), *(user(post, bodies, until, tally, i, honour) for i in range(users))
        )
        tally.other["wall_ms"] = int((time.perf_counter() - started) * 1000)
    return tally


def report(users: int, tally: Tally, rss_before: list[float], rss_after: list[float]) -> None:
    wall = tally.other.pop("wall_ms") / 1000
    answered, shed, lag = sorted(tally.answered), sorted(tally.shed), sorted(tally.lag)
    print(
        f"{users:3d} users: {len(answered) / wall:6.1f} answered/s  p50 {percentile(answered, 0.5):7.1f} ms"
        f"  p95 {percentile(answered, 0.95):7.1f} ms  p99 {percentile(answered, 0.99):7.1f} ms"
        f"  | shed {len(shed)} ({len(shed) / wall:.1f}/s, slowest {percentile(shed, 1.0):.1f} ms)"
        f"  | other {dict(tally.other) or 'none'}  | worker RSS MB {rss_before} -> {rss_after}"
        f"  | client loop lag p50 {percentile(lag, 0.5):.1f} ms p99 {percentile(lag, 0.99):.1f} ms",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", default="16,64")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--scale", default="tiny")
    parser.add_argument("--max-in-flight", type=int, default=0)
    parser.add_argument("--ignore-retry-after", action="store_true")
    parser.add_argument("--client", choices=sorted(CLIENTS), default="aiohttp")
    parser.add_argument("--work", type=Path, help="keep the seeded graph here and reuse it next time")
    args = parser.parse_args()
    if args.max_in_flight:
        os.environ["WANGGE_MAX_IN_FLIGHT"] = str(args.max_in_flight)
    with tempfile.TemporaryDirectory() as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        with seeded_graphs(work, args.scale, ("falkordb",), reuse=args.work is not None) as urls:
            url = urls["falkordb"]
            plan = asyncio.run(with_store(url, lambda store: cases(store, "falkordb")))
            data_dir = work / "serve-load"
            data_dir.mkdir(exist_ok=True)
            settings = Settings(data_dir=data_dir)
            token = LocalIssuer.load_or_create(data_dir, settings.issuer, settings.audience).issue(READER, 24 * 3600)
            server = Server(data_dir, url, workers=2)
            try:
                server.wait_ready()
                for users in (int(u) for u in args.users.split(",")):
                    before = worker_rss_mb(server)
                    load = run_load(
                        server.url, token, plan, users, args.seconds, not args.ignore_retry_after, args.client
                    )  # type: ignore[arg-type]
                    tally = uvloop.run(load)
                    report(users, tally, before, worker_rss_mb(server))
            finally:
                server.stop()


if __name__ == "__main__":
    main()
