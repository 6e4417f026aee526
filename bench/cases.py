"""Case benchmark (issue 13): `reportCase` (routing included), lifecycle transitions, `overdueCases` for a
county and the Art. 23 figures of the whole city, over a real `wangge serve` (gunicorn, 2 workers) on
each engine, with the scale's historical cases seeded (city: about 1,000,000).

Run: `.venv/bin/python -m bench.cases [--scale demo] [--n 200] [--engines falkordb,neo4j] [--work DIR]`.

Every figure is the served API with gate, case scope and audit on, timed from the client:
- reportCase: a grid worker reports at random points of its grid (point-in-polygon routing, the
  duplicate search, the counter lock), at 1 in flight (p50) and 8 in flight (reports/s);
- transitions: each reported case goes accept → assign (a department) → sign → resolve → verify →
  close, one chain per case and 8 chains at once: p50 per step and steps/s;
- overdueCases: the county centre's first page of its county's overdue cases;
- caseAssessment: a city-wide centre's figures of the whole city over the two years of history.
`--work DIR` keeps the seeded graphs for the next run (seeding city takes long).
"""

import argparse
import asyncio
import random
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
from shapely import Point, Polygon, from_wkt

from authz.changes import ChangeSet
from authz.grants import Grant
from authz.policy_store import PolicyStore
from authz.tokens import LocalIssuer
from bench.harness import Figures, figures, seeded_graphs, served, with_store
from bench.read_api import load
from graph_model.cypher.case import GET_GRID_BOUNDARIES
from graph_model.store import GraphStore
from ops.settings import Settings

COUNTY = "330802"
CATEGORY, DEPARTMENT = "city.environment", f"{COUNTY}-zonghezhifa"  # the item's lead department (主办)
CITY_CENTRE = "bench-city-centre"
REPORT = "mutation($i: ReportCaseInput!) { reportCase(input: $i) { id grid { code } } }"
OVERDUE = "query($d: String!) { overdueCases(first: 50, divisionCode: $d) { nodes { id dueAt } } }"
ASSESS = (
    "query($d: String!, $from: DateTime!, $to: DateTime!) { caseAssessment(divisionCode: $d, from: $from, to: $to) "
    "{ division { received closed closureRate onTimeRate reworkRate extensionRate medianHandlingHours satisfaction } "
    "children { code received } departments { code received } } }"
)
CHAIN = (
    ("centre", "acceptCase", ""),
    ("centre", "assignCase", f', departmentCode: "{DEPARTMENT}"'),
    ("officer", "signCase", ""),
    ("officer", "resolveCase", ', result: "已处理"'),
    ("centre", "verifyCase", ", passed: true"),
    ("centre", "closeCase", ""),
)
IN_FLIGHT = 8


def _points(boundary: str, seed: int) -> Iterator[tuple[float, float]]:
    """Random points strictly inside a grid (lat, lon), forever."""
    polygon: Polygon = from_wkt(boundary)
    west, south, east, north = polygon.bounds
    rng = random.Random(seed)
    while True:
        lon, lat = rng.uniform(west, east), rng.uniform(south, north)
        if polygon.contains(Point(lon, lat)):
            yield lat, lon


async def _prepare(store: GraphStore) -> tuple[str, str]:
    """The benchmark's grid (the county's first) and its boundary; a city-wide centre for the figures."""
    grid, boundary = next((r["code"], r["boundary"]) for r in await store.read(GET_GRID_BOUNDARIES)
                          if r["code"].startswith(COUNTY))  # fmt: skip
    policy = PolicyStore(store)
    grant = Grant(CITY_CENTRE, "centre_operator", "3308")
    if grant not in await policy.grants_of(CITY_CENTRE):
        await policy.apply(ChangeSet(add_grants=(grant,)), await policy.version(), "bench", "city centre")
    return grid, boundary


class Client:
    def __init__(self, http: httpx.AsyncClient, issuer: LocalIssuer) -> None:
        self._http = http
        self._tokens: dict[str, str] = {}
        self._issuer = issuer

    async def __call__(self, sub: str, query: str, **variables: Any) -> dict[str, Any]:
        token = self._tokens.setdefault(sub, self._issuer.issue(sub, 24 * 3600))
        headers = {"authorization": f"Bearer {token}", "wangge-purpose": "reason:public-service"}
        response = await self._http.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
        body: dict[str, Any] = response.json()
        assert response.status_code == 200 and "errors" not in body, str(body)[:300]
        return body["data"]


async def _reports(api: Client, grid: str, boundary: str, n: int, reported: list[str]) -> dict[str, Figures]:
    points = _points(boundary, 7)
    reporter = f"staff-{grid}-worker"

    async def report() -> None:
        lat, lon = next(points)
        data = {"category": CATEGORY, "description": "垃圾堆放", "lat": lat, "lon": lon, "source": "GRID"}
        answer = (await api(reporter, REPORT, i=data))["reportCase"]
        assert answer["grid"]["code"] == grid, answer
        reported.append(answer["id"])

    return {f"{k} in flight": await load(report, n, k) for k in (1, IN_FLIGHT)}


async def _transitions(api: Client, cases: list[str]) -> Figures:
    subjects = {"centre": f"centre-{COUNTY}", "officer": f"officer-{DEPARTMENT}"}
    samples: list[float] = []
    gate = asyncio.Semaphore(IN_FLIGHT)

    async def chain(case_id: str) -> None:
        async with gate:
            for who, mutation, args in CHAIN:
                started = time.perf_counter()
                await api(subjects[who], f"mutation($id: ID!) {{ {mutation}(id: $id{args}) {{ status }} }}", id=case_id)
                samples.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(chain(c) for c in cases))
    return figures(samples, time.perf_counter() - started)


async def _run(base: str, issuer: LocalIssuer, grid: str, boundary: str, n: int) -> None:
    """Each figure is printed as soon as it is measured: a later one failing (the city's figures can
    outlast the store's 10 s timeout at city scale) loses none of the earlier ones."""
    limits = httpx.Limits(max_connections=IN_FLIGHT, max_keepalive_connections=IN_FLIGHT)
    async with httpx.AsyncClient(base_url=base, timeout=300, limits=limits) as http:
        api = Client(http, issuer)
        reported: list[str] = []
        for name, row in (await _reports(api, grid, boundary, n, reported)).items():
            print(f"reportCase, {name:12}            {row.row()}", flush=True)
        steps = await _transitions(api, reported[-n:])
        print(f"transitions ({len(CHAIN)} per case, {IN_FLIGHT} chains at once) {steps.row()}", flush=True)
        overdue = await load(lambda: api(f"centre-{COUNTY}", OVERDUE, d=COUNTY), n, 1, warmup=3)
        print(f"overdueCases, county {COUNTY}, first 50      {overdue.row()}", flush=True)
        period = {"from": "2024-11-01T00:00:00+08:00", "to": "2026-12-01T00:00:00+08:00"}
        try:
            city = (await api(CITY_CENTRE, ASSESS, d="3308", **period))["caseAssessment"]
        except AssertionError as failed:
            print(f"caseAssessment, whole city, two years    failed: {failed}", flush=True)
            return
        assess = await load(lambda: api(CITY_CENTRE, ASSESS, d="3308", **period), max(5, n // 20), 1, warmup=1)
        print(f"caseAssessment, whole city, two years    {assess.row()}")
        print(f"  city figures: {city['division']}")


def run_engine(engine: str, url: str, work: Path, scale: str, n: int) -> None:
    grid, boundary = asyncio.run(with_store(url, _prepare))  # type: ignore[misc]
    data_dir = work / f"serve-{engine}"
    data_dir.mkdir(exist_ok=True)
    settings = Settings(data_dir=data_dir)
    issuer = LocalIssuer.load_or_create(data_dir, settings.issuer, settings.audience)
    print(f"\n== {engine}, {scale} data with its historical cases, n={n} ==", flush=True)
    with served(url, data_dir) as base:
        asyncio.run(_run(base, issuer, grid, boundary, n))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="demo", choices=("tiny", "demo", "city"))
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--engines", default="falkordb,neo4j")
    parser.add_argument("--work", type=Path, default=None, help="keep the seeded graphs here for the next run")
    args = parser.parse_args()
    engines = tuple(args.engines.split(","))
    with tempfile.TemporaryDirectory() as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        with seeded_graphs(work, args.scale, engines, reuse=args.work is not None, history=True) as urls:
            for engine, url in urls.items():
                run_engine(engine, url, work, args.scale, args.n)


if __name__ == "__main__":
    main()
