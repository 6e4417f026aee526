"""Read API benchmark: GraphQL over a real gunicorn vs the bare GraphStore statements, on both engines.

Run: `.venv/bin/python -m bench.read_api [--scale demo] [--n 300]`. Prints, per engine and query,
p50/p95 latency and requests per second of the API (sequential, keep-alive) and of the same data
fetched with the statements the API itself sends, and the API/raw ratio of the medians.
"""

import argparse
import asyncio
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from api import global_id
from authz.tokens import LocalIssuer
from bench.harness import Figures, grant_reader, seeded_graphs, served, time_async, time_sync, with_store
from graph_model.cypher.grid import GET_GRIDS_BY_IDS, GET_HOUSEHOLD_PAGES_BY_GRIDS
from graph_model.cypher.household import GET_HOUSEHOLDS_BY_IDS
from graph_model.cypher.person import GET_PERSONS_BY_HOUSEHOLDS, GET_PERSONS_BY_IDS, LIST_PERSONS
from graph_model.store import GraphStore
from ops.settings import Settings
from tests.common.samples import pick_samples

PERSON = "query($id: ID!) { person(id: $id) { id name gender birthDate idNumber phone tags household { id kind } grid { id code name } } }"
GRID_PAGE = "query($id: ID!) { grid(id: $id) { id code name households(first: 50) { nodes { id kind members { id name gender birthDate idNumber phone tags } } } } }"
PERSONS = 'query { persons(first: 50, filter: {division: "330802", ageMin: 60}) { nodes { id name gender birthDate idNumber phone tags } } }'
PERSON_FILTER = {"after": "", "limit": 51, "name_prefix": None, "tags": None,
                 "born_from": None, "born_to": "1966-11-25"}  # fmt: skip


READER = "bench-reader"


async def raw_figures(store: GraphStore, n: int) -> tuple[dict[str, Figures], dict[str, str]]:
    """The statements the API sends for the same data, with the reader's row scope (every grid)."""
    await grant_reader(store, READER)
    s = await pick_samples(store)
    grids = s.grids
    county = [g for g in grids if g.startswith("330802")]

    async def person() -> None:
        row = (await store.read(GET_PERSONS_BY_IDS, {"ids": [s.person], "grids": grids}))[0]
        await store.read(GET_HOUSEHOLDS_BY_IDS, {"ids": [row["household"]], "grids": grids})
        await store.read(GET_GRIDS_BY_IDS, {"ids": [row["grid"]]})

    async def grid_page() -> None:
        await store.read(GET_GRIDS_BY_IDS, {"ids": [s.grids[0]]})
        page = await store.read(
            GET_HOUSEHOLD_PAGES_BY_GRIDS, {"keys": [{"grid": s.grids[0], "after": "", "limit": 51}], "grids": grids}
        )
        await store.read(GET_PERSONS_BY_HOUSEHOLDS, {"ids": [h["id"] for h in page[0]["rows"][:50]], "grids": grids})

    async def persons() -> None:
        await store.read(LIST_PERSONS, {**PERSON_FILTER, "grids": county})

    ids = {"person": global_id.encode("Person", s.person), "grid": global_id.encode("Grid", s.grids[0])}
    return {
        "a person": await time_async(person, n),
        "b grid page": await time_async(grid_page, n),
        "c persons": await time_async(persons, n),
    }, ids


def api_figures(base: str, token: str, ids: dict[str, str], n: int) -> dict[str, tuple[Figures, float]]:
    cases = {
        "a person": (PERSON, {"id": ids["person"]}),
        "b grid page": (GRID_PAGE, {"id": ids["grid"]}),
        "c persons": (PERSONS, {}),
    }
    results = {}
    headers = {"authorization": f"Bearer {token}", "wangge-purpose": "reason:public-service"}
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        for name, (query, variables) in cases.items():

            def call(q: str = query, v: dict[str, str] = variables) -> None:
                response = client.post("/graphql", json={"query": q, "variables": v})
                assert "errors" not in response.json(), response.text[:300]

            sequential = time_sync(call, n)
            results[name] = (sequential, _throughput(base, headers, query, variables, n))
    return results


def _throughput(base: str, headers: dict[str, str], query: str, variables: dict[str, str], n: int) -> float:
    """Requests/s with 4 concurrent keep-alive clients."""
    clients = [httpx.Client(base_url=base, headers=headers, timeout=30) for _ in range(4)]

    def worker(client: httpx.Client) -> None:
        for _ in range(n // 4):
            client.post("/graphql", json={"query": query, "variables": variables})

    started = time.perf_counter()
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(worker, clients))
    elapsed = time.perf_counter() - started
    for client in clients:
        client.close()
    return (n // 4) * 4 / elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="demo")
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--engines", default="falkordb,neo4j")
    args = parser.parse_args()
    report: dict[str, dict[str, tuple[Figures, Figures, float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        with seeded_graphs(work, args.scale, tuple(args.engines.split(","))) as urls:
            for engine, url in urls.items():
                raw, ids = asyncio.run(with_store(url, lambda store: raw_figures(store, args.n)))  # type: ignore[misc]
                data_dir = work / f"serve-{engine}"
                data_dir.mkdir()
                settings = Settings(data_dir=data_dir)
                token = LocalIssuer.load_or_create(data_dir, settings.issuer, settings.audience).issue(READER, 3600)
                with served(url, data_dir) as base:
                    api = api_figures(base, token, ids, args.n)
                report[engine] = {name: (raw[name], api[name][0], api[name][1]) for name in raw}
    print(f"\nread API on {args.scale} data, n={args.n} sequential requests each (2 gunicorn workers)")
    for name in ("a person", "b grid page", "c persons"):
        print(f"\n{name}")
        for engine, rows in report.items():
            raw, api, rps = rows[name]
            print(f"  {engine:8} raw  {raw.row()}")
            print(
                f"  {engine:8} api  {api.row()}  concurrent(4) {rps:7.1f} req/s  api/raw p50 {api.p50_ms / raw.p50_ms:5.2f}x"
            )


if __name__ == "__main__":
    main()
