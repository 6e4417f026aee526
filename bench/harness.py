"""What every benchmark shares: seeded graphs on both engines, a real `wangge serve`, timing figures.

Benchmarks print figures; they never assert on time.
"""

import asyncio
import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import httpx

from authz.changes import ChangeSet
from authz.grants import Grant
from authz.policy_store import PolicyStore
from graph_model.store import GraphStore
from ops.embedded import start_embedded
from ops.graph import open_store
from ops.neo4j_local import start_neo4j_local
from ops.processes import free_port
from ops.seeding import is_empty, seed
from tests.common.server import Server


@dataclass(frozen=True)
class Figures:
    p50_ms: float
    p95_ms: float
    per_second: float

    def row(self) -> str:
        return f"p50 {self.p50_ms:7.2f} ms  p95 {self.p95_ms:7.2f} ms  {self.per_second:8.1f}/s"


def figures(samples_s: list[float], wall_s: float | None = None) -> Figures:
    ordered = sorted(samples_s)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    total = wall_s if wall_s is not None else sum(samples_s)
    return Figures(statistics.median(ordered) * 1000, p95 * 1000, len(ordered) / total)


def time_sync(call: Callable[[], object], n: int, warmup: int = 20) -> Figures:
    for _ in range(warmup):
        call()
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return figures(samples)


async def time_async(call: Callable[[], Awaitable[object]], n: int, warmup: int = 20) -> Figures:
    for _ in range(warmup):
        await call()
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        await call()
        samples.append(time.perf_counter() - started)
    return figures(samples)


@contextmanager
def seeded_graphs(
    work: Path,
    scale: str,
    engines: tuple[str, ...] = ("falkordb", "neo4j"),
    reuse: bool = False,
    history: bool = False,
) -> Iterator[dict[str, str]]:
    """Start each engine in `work`, seed `scale` once (with historical cases if `history`), and yield
    engine → URL. The embedded FalkorDB listens on its unix socket, as `wangge serve` runs it (before
    2026-12-01 the benchmarks used a loopback TCP port).

    With `reuse`, a graph that already holds data (both engines persist under `work`) is served
    as it is: seeding `demo` takes minutes, and runs compared with each other want the same data."""
    urls: dict[str, str] = {}
    stoppers: list[Callable[[], object]] = []
    try:
        if "falkordb" in engines:
            graph = start_embedded(work / "falkordb", port=None)  # the unix socket, as `wangge serve` runs it
            stoppers.append(graph.stop)
            urls["falkordb"] = graph.url
        if "neo4j" in engines:
            server = start_neo4j_local(work / "neo4j")
            stoppers.append(server.stop)
            urls["neo4j"] = server.url
        for engine, url in urls.items():
            started = time.perf_counter()
            if asyncio.run(_seed(url, scale, reuse, history)):
                print(f"seeded {scale} on {engine} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
            else:
                print(f"reusing the data under {work} on {engine}", file=sys.stderr)
        yield urls
    finally:
        for stop in reversed(stoppers):
            stop()


async def _seed(url: str, scale: str, reuse: bool, history: bool) -> bool:
    store = open_store(url)
    try:
        if reuse and not await is_empty(store):
            return False
        await seed(store, scale, reset=True, show=False, history=history)
        return True
    finally:
        await store.close()


async def grant_reader(store: GraphStore, subject: str) -> None:
    """A city-wide 网格长 for the benchmarks: every grid in scope, raw values with a purpose."""
    policy = PolicyStore(store)
    grant = Grant(subject, "grid_chief", "3308")
    if grant in await policy.grants_of(subject):  # a reused graph keeps it
        return
    change = ChangeSet(add_grants=(grant,))
    await policy.apply(change, await policy.version(), "bench", "benchmark reader")


async def with_store(url: str, work: Callable[[GraphStore], Awaitable[object]]) -> object:
    store = open_store(url)
    try:
        return await work(store)
    finally:
        await store.close()


class VariantServer(Server):
    """`wangge serve` started through bench.variants, with one cheap win of issue 12 undone (or none)."""

    def __init__(self, data_dir: Path, graph_url: str, workers: int, variant: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "WANGGE_DATA_DIR": str(data_dir), "WANGGE_DEV": "1", "WANGGE_GRAPH_URL": graph_url,
                    "WANGGE_MAX_IN_FLIGHT": "64"}  # fmt: skip  # latency is measured here, not shedding
        command = [sys.executable, "-m", "bench.variants", variant, "serve"]
        self.process = subprocess.Popen(
            [*command, "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers)],
            env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        self.output = self._read_until("Listening at")
        threading.Thread(target=self.process.stdout.read, daemon=True).start()  # type: ignore[union-attr]

    def worker_libraries(self, names: tuple[str, ...]) -> dict[str, bool]:
        """Which of `names` every worker process has mapped: what it really runs, not what is installed."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        maps = [Path(f"/proc/{pid}/maps").read_text() for pid in children]
        return {name: bool(maps) and all(name in m for m in maps) for name in names}


@contextmanager
def served(url: str, data_dir: Path, workers: int = 2) -> Iterator[str]:
    """A real `wangge serve` (gunicorn, ASGI workers) on `url`; yields its base URL. It does not shed
    (WANGGE_MAX_IN_FLIGHT 64): latency is measured here, not shedding."""
    server = Server(data_dir, url, workers, env={"WANGGE_MAX_IN_FLIGHT": "64"})
    try:
        server.wait_ready()
        yield server.url
    finally:
        server.stop()


@contextmanager
def served_variant(url: str, data_dir: Path, variant: str, workers: int = 2) -> Iterator[VariantServer]:
    """Like `served`, through bench.variants; yields the server, whose workers can be inspected."""
    server = VariantServer(data_dir, url, workers, variant)
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


Answer = tuple[int, str, bytes]  # status, Retry-After, body
Post = Callable[[bytes], Awaitable[Answer]]


@asynccontextmanager
async def aiohttp_post(base: str, headers: dict[str, str], connections: int) -> AsyncIterator[Post]:
    connector = aiohttp.TCPConnector(limit=connections)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(base, headers=headers, connector=connector, timeout=timeout) as session:

        async def post(body: bytes) -> Answer:
            async with session.post("/graphql", data=body) as response:
                return response.status, response.headers.get("retry-after", ""), await response.read()

        yield post


@asynccontextmanager
async def httpx_post(base: str, headers: dict[str, str], connections: int) -> AsyncIterator[Post]:
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=60, limits=limits) as client:

        async def post(body: bytes) -> Answer:
            response = await client.post("/graphql", content=body)
            return response.status_code, response.headers.get("retry-after", ""), response.content

        yield post


CLIENTS = {"aiohttp": aiohttp_post, "httpx": httpx_post}


def http_client(kind: str, base: str, headers: dict[str, str], connections: int) -> AbstractAsyncContextManager[Post]:
    """A client that POSTs JSON bodies to /graphql over up to `connections` kept-alive connections.

    The benchmarks run on the cores they measure, so the client's own cost per request is part of
    every figure: aiohttp's (C-accelerated) is several milliseconds less than httpx's on the grid
    page. `httpx` is kept to compare with figures taken before."""
    return CLIENTS[kind](base, headers, connections)
