"""The compiled read path's per-request cost in process: the grid page, over one embedded FalkorDB.

Run: `.venv/bin/python -m bench.plan_cache [--scale tiny] [--n 300] [--work DIR]`.

One app (gate, masking and audit on) is called through httpx's ASGI transport, so no HTTP server or
worker scheduling is in the figure; each request asks for another grid (only parameters change). It
prints the wall time per request (p50, p95) and the Python process's CPU time per request: the
graph runs in its own process, so the CPU figure is this process's share (the app and the in-process
client), which is where planning spends. Run it on two checkouts to compare them; the data directory
given with `--work` is reused, so both read the same graph.
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
from api.limits import Limits
from authz.audit.writer import AuditWriter
from authz.engine import PolicyEngine
from authz.tokens import LocalIssuer, TokenValidator
from bench.harness import figures, grant_reader, seeded_graphs
from bench.read_api import GRID_PAGE
from graph_model.cypher.grid import GET_ALL_GRID_CODES
from ops.graph import open_store

READER = "bench-reader"
ISSUER, AUDIENCE = "https://wangge.bench/issuer", "wangge-api"


async def _run(url: str, n: int, warmup: int) -> None:
    store = open_store(url)
    engine = PolicyEngine(store, poll_interval=3600)
    try:
        await grant_reader(store, READER)
        grids = [global_id.encode("Grid", r["code"]) for r in await store.read(GET_ALL_GRID_CODES)]
        issuer = LocalIssuer(RSAKey.generate_key(2048, parameters={"kid": "bench"}, private=True), ISSUER, AUDIENCE)
        validator = TokenValidator(issuer.public_keys, ISSUER, AUDIENCE)
        app = create_app(store, validator, engine, Limits(), AuditWriter(store))
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
                if i >= warmup:
                    wall.append(took)
                    cpu.append(took_cpu)
                    members.append(sum(len(h["members"]) for h in answer["data"]["grid"]["households"]["nodes"]))
        wall_figures = figures(wall)
        print(f"grid page, {n} requests over {len(grids)} grids (median {statistics.median(members):.0f} members)")
        print(f"  wall p50 {wall_figures.p50_ms:.2f} ms  p95 {wall_figures.p95_ms:.2f} ms")
        print(f"  CPU of this process per request: mean {statistics.mean(cpu) * 1000:.3f} ms, "
              f"p50 {statistics.median(cpu) * 1000:.3f} ms")  # fmt: skip
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
