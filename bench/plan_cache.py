"""The compiled read path's per-request cost in process: the grid page, over one embedded FalkorDB.

Run: `.venv/bin/python -m bench.plan_cache [--scale tiny] [--n 300] [--work DIR]`.

One app (gate, masking and audit on) is called through httpx's ASGI transport, so no HTTP server or
worker scheduling is in the figure; each request asks for another grid (only parameters change). It
prints the wall time per request (p50, p95), the Python process's CPU time per request (the graph
runs in its own process, so this is the app's and the in-process client's share), and the time the
compiled read path spends on its own: `CompiledReads._serve` less the statements' reads (planning,
binding, shaping). Run it on two checkouts to compare them; the data directory given with `--work`
is reused, so both read the same graph.
"""

import argparse
import asyncio
import statistics
import time
from pathlib import Path

import httpx
from joserfc.jwk import RSAKey

from api import global_id
from api.app import create_app
from api.extensions.compiled import CompiledReads
from api.limits import Limits
from authz.audit.writer import AuditWriter
from authz.engine import PolicyEngine
from authz.tokens import LocalIssuer, TokenValidator
from bench.harness import figures, grant_reader, seeded_graphs
from bench.read_api import GRID_PAGE
from graph_model.cypher.grid import GET_ALL_GRID_CODES
from graph_model.statement import Statement
from graph_model.store import GraphStore, Record
from ops.graph import open_store

READER = "bench-reader"
ISSUER, AUDIENCE = "https://wangge.bench/issuer", "wangge-api"


class _Timed:
    """The compiled path's own time: `_serve` wrapped, the store's reads timed inside it."""

    def __init__(self) -> None:
        self.serve: list[float] = []
        self.reading = 0.0

    def install(self) -> None:
        serve = CompiledReads._serve

        async def timed(extension: CompiledReads) -> object:
            self.reading = 0.0
            started = time.perf_counter()
            try:
                return await serve(extension)
            finally:
                self.serve.append(time.perf_counter() - started - self.reading)

        CompiledReads._serve = timed  # type: ignore[method-assign]

    def store(self, inner: GraphStore) -> GraphStore:
        timed = self

        class TimedReads:
            def __getattr__(self, name: str) -> object:
                return getattr(inner, name)

            async def read(self, stmt: Statement, params: object = None) -> list[Record]:
                started = time.perf_counter()
                try:
                    return await inner.read(stmt, params)  # type: ignore[arg-type]
                finally:
                    timed.reading += time.perf_counter() - started

        return TimedReads()  # type: ignore[return-value]


async def _run(url: str, n: int, warmup: int) -> None:
    store = open_store(url)
    engine = PolicyEngine(store, poll_interval=3600)
    try:
        await grant_reader(store, READER)
        grids = [global_id.encode("Grid", r["code"]) for r in await store.read(GET_ALL_GRID_CODES)]
        issuer = LocalIssuer(RSAKey.generate_key(2048, parameters={"kid": "bench"}, private=True), ISSUER, AUDIENCE)
        validator = TokenValidator(issuer.public_keys, ISSUER, AUDIENCE)
        timed = _Timed()
        timed.install()
        app = create_app(timed.store(store), validator, engine, Limits(), AuditWriter(store))
        await engine.start()
        headers = {"authorization": f"Bearer {issuer.issue(READER, 3600)}", "wangge-purpose": "reason:public-service"}
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://wangge.bench") as client:
            wall, cpu, members = [], [], []
            for i in range(warmup + n):
                body = {"query": GRID_PAGE, "variables": {"id": grids[i % len(grids)]}}
                started, started_cpu = time.perf_counter(), time.process_time()
                response = await client.post("/graphql", json=body, headers=headers)
                took, took_cpu = time.perf_counter() - started, time.process_time() - started_cpu
                answer = response.json()
                if "errors" in answer:
                    raise RuntimeError(str(answer["errors"])[:300])
                if i == warmup - 1:
                    timed.serve.clear()
                if i >= warmup:
                    wall.append(took)
                    cpu.append(took_cpu)
                    members.append(sum(len(h["members"]) for h in answer["data"]["grid"]["households"]["nodes"]))
        wall_figures = figures(wall)
        print(f"grid page, {n} requests over {len(grids)} grids (median {statistics.median(members):.0f} members)")
        print(f"  wall p50 {wall_figures.p50_ms:.2f} ms  p95 {wall_figures.p95_ms:.2f} ms")
        print(f"  CPU of this process per request: mean {statistics.mean(cpu) * 1000:.3f} ms, "
              f"p50 {statistics.median(cpu) * 1000:.3f} ms")  # fmt: skip
        print(f"  compiled path less its reads (plan, bind, shape): p50 {statistics.median(timed.serve) * 1000:.3f} ms, "
              f"mean {statistics.mean(timed.serve) * 1000:.3f} ms")  # fmt: skip
    finally:
        await engine.stop()
        await store.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="tiny")
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--work", type=Path, required=True, help="data directory, reused by the next run")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    with seeded_graphs(args.work, args.scale, ("falkordb",), reuse=True) as urls:
        asyncio.run(_run(urls["falkordb"], args.n, args.warmup))


if __name__ == "__main__":
    main()
