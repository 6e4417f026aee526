"""Audit trail benchmark: what recording every operation costs, how fast appends go, how fast verify walks.

Run: `.venv/bin/python -m bench.audit [--requests 300] [--records 1000000]`. On the embedded FalkorDB:

- the grid page through two in-process apps over one seeded `demo` store, one writing audit records
  and one built without them, requests interleaved: p50/p95 sequentially and requests/s with 8
  concurrent clients; target: audit-on/audit-off p50 ratio <= 1.25;
- sustained appends/s of one AuditWriter under 256 concurrent appenders (group commit);
- `verify` over `--records` records (written by the writer first): records/s.

Prints figures; never asserts on time.
"""

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

import httpx

from api import global_id
from api.app import create_app
from api.limits import Limits
from authz.audit.checkpoint import load_or_create_key, write_checkpoint
from authz.audit.verify import verify
from authz.audit.writer import AuditWriter
from authz.engine import PolicyEngine
from authz.tokens import LocalIssuer, TokenValidator
from bench.harness import Figures, figures, grant_reader, seeded_graphs
from bench.read_api import GRID_PAGE
from graph_model.backends.falkordb import FalkorDBStore
from graph_model.cypher.grid import GET_ALL_GRID_CODES
from graph_model.store import GraphStore
from ops.embedded import start_embedded
from ops.graph import open_store
from ops.settings import Settings

READER = "bench-audit-reader"
IN_FLIGHT = 8


async def grid_page(store: GraphStore, work: Path, requests: int) -> dict[str, tuple[Figures, float]]:
    await grant_reader(store, READER)
    settings = Settings(data_dir=work)
    issuer = LocalIssuer.load_or_create(work, settings.issuer, settings.audience)
    validator = TokenValidator(issuer.public_keys, settings.issuer, settings.audience)
    grid = (await store.read(GET_ALL_GRID_CODES))[0]["code"]
    body = {"query": GRID_PAGE, "variables": {"id": global_id.encode("Grid", grid)}}
    headers = {"authorization": f"Bearer {issuer.issue(READER, 3600)}", "wangge-purpose": "bench"}
    engine = PolicyEngine(store, poll_interval=3600)
    await engine.start()
    apps = {
        "audit on": create_app(store, validator, engine, Limits(), AuditWriter(store)),
        "audit off": create_app(store, validator, engine, Limits(), None),
    }
    clients = {k: httpx.AsyncClient(transport=httpx.ASGITransport(app=a), base_url="http://b") for k, a in apps.items()}

    async def once(name: str) -> float:
        started = time.perf_counter()
        response = await clients[name].post("/graphql", json=body, headers=headers)
        assert response.status_code == 200 and "errors" not in response.json(), response.text[:300]
        return time.perf_counter() - started

    samples: dict[str, list[float]] = {name: [] for name in apps}
    for _ in range(20):
        for name in apps:
            await once(name)
    for _ in range(requests):
        for name in apps:
            samples[name].append(await once(name))
    results = {}
    for name in apps:
        gate = asyncio.Semaphore(IN_FLIGHT)

        async def bounded(app: str = name, gate: asyncio.Semaphore = gate) -> float:
            async with gate:
                return await once(app)

        started = time.perf_counter()
        await asyncio.gather(*(bounded() for _ in range(requests)))
        results[name] = (figures(samples[name]), requests / (time.perf_counter() - started))
    for client in clients.values():
        await client.aclose()
    await engine.stop()
    return results


async def appends(store: GraphStore, count: int, concurrency: int = 256) -> float:
    writer = AuditWriter(store)
    entry = {"subject": "bench", "decision": "allow", "outcome": "ok", "data_classes": ["person.basic"],
             "data_subjects": ["UGVyc29uOnAtMQ"], "jurisdictions": ["330802"], "operation_name": "Bench"}  # fmt: skip
    queue = iter(range(count))

    async def appender() -> None:
        for _ in queue:
            await writer.append(entry)

    started = time.perf_counter()
    await asyncio.gather(*(appender() for _ in range(concurrency)))
    return count / (time.perf_counter() - started)


async def verify_speed(work: Path, records: int) -> tuple[float, float, int]:
    with start_embedded(work / "verify-graph") as graph:
        store = FalkorDBStore(graph.host, graph.port, timeout=120)
        try:
            rate = await appends(store, records)
            key = load_or_create_key(work)
            await write_checkpoint(store, key)
            started = time.perf_counter()
            report = await verify(store, key)
            seconds = time.perf_counter() - started
            assert report.ok, report.problem
            return rate, report.records / seconds, report.records
        finally:
            await store.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--records", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        with seeded_graphs(work, "demo", ("falkordb",)) as urls:

            async def page() -> dict[str, tuple[Figures, float]]:
                store = open_store(urls["falkordb"])
                try:
                    return await grid_page(store, work, args.requests)
                finally:
                    await store.close()

            pages = asyncio.run(page())
        append_rate, verify_rate, verified = asyncio.run(verify_speed(work, args.records))
    on, off = pages["audit on"], pages["audit off"]
    print(f"\ngrid page (50 households with members) on demo, embedded FalkorDB, in-process ASGI, n={args.requests}")
    for name, (fig, rps) in pages.items():
        print(f"  {name:9}  {fig.row()}  concurrent(8 in flight) {rps:7.1f} req/s")
    print(f"  audit on / off p50 ratio {on[0].p50_ms / off[0].p50_ms:.3f}  (target <= 1.25)")
    print(f"\naudit appends, one writer, 256 concurrent appenders: {append_rate:,.0f} appends/s ({verified:,} records)")
    print(f"audit verify over {verified:,} records (one chain, one checkpoint): {verify_rate:,.0f} records/s")


if __name__ == "__main__":
    main()
