"""Read API benchmark: GraphQL over a real gunicorn against its floor, and issue 12's cheap wins one by one.

Run: `.venv/bin/python -m bench.read_api [--scale demo] [--n 200] [--rounds 2] [--work DIR]`.

For (a) a person by id, (b) the grid page and (c) a filtered persons page, on each engine, it prints
p50/p95 and requests/s of the served API (gate, masking and audit on) at 1 and 8 requests in flight,
beside the floor: one hand-written statement returning exactly that response's data (bench/floors.py),
timed through the same driver in the same run, after checking that it returns the same data.

The API is served once per variant of bench/variants.py: as shipped, and with each cheap win undone
on its own. Variants are interleaved, `--rounds` times in rotated order, and the table gives the
median over rounds, with the spread of the p50s so the noise shows. It also times each answer's audit
append alone (the write its request waits for before the response leaves), and the floor statement
then that append in one call, and reports which loop, HTTP parser and PackStream decoder the workers
really mapped. With the `echo` variant (HTTP alone, see bench/variants.py) it prints each shape's
bound: floor then append, plus echo, the least a request can take with its record committed before
its response, beside issue 12's target. `--work DIR` keeps the seeded graphs for
the next run. Requests are sent with aiohttp on uvloop (`--client httpx` for the client used before
2026-12-01, which added several milliseconds of its own to the grid page).
"""

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import orjson
import uvloop

from api import global_id
from api.audit_draft import AuditDraft
from authz.audit.writer import AuditWriter
from authz.tokens import LocalIssuer
from bench.floors import FLOOR_GRID_PAGE, FLOOR_PERSON, FLOOR_PERSONS
from bench.harness import (
    CLIENTS,
    Figures,
    figures,
    grant_reader,
    http_client,
    seeded_graphs,
    served_variant,
    time_async,
    with_store,
)
from bench.variants import VARIANTS, echo_name
from graph_model.statement import Statement
from graph_model.store import GraphStore
from ops.settings import Settings
from tests.common.samples import pick_samples

PERSON = "query($id: ID!) { person(id: $id) { id name gender birthDate idNumber phone tags household { id kind } grid { id code name } } }"
GRID_PAGE = "query($id: ID!) { grid(id: $id) { id code name households(first: 50) { nodes { id members { id name gender birthDate idNumber } } } } }"
PERSONS = 'query { persons(first: 50, filter: {division: "330802", ageMin: 60}) { nodes { id name gender birthDate idNumber phone tags } } }'
SHAPES = ("a person", "b grid page", "c persons")
READER = "bench-reader"
IN_FLIGHT = (1, 8)
TARGETS = {"a person": 1.5, "b grid page": 1.3, "c persons": 1.5}  # p50 over the floor, issue 12
LIBRARIES = ("uvloop", "httptools", "neo4j/_rust", "orjson")


@dataclass(frozen=True)
class Case:
    query: str
    variables: dict[str, str]
    floor: Statement
    params: dict[str, Any]


def _years_before(day: date, years: int) -> str:
    return day.replace(year=day.year - years, day=28 if (day.month, day.day) == (2, 29) else day.day).isoformat()


async def cases(store: GraphStore, engine: str) -> dict[str, Case]:
    await grant_reader(store, READER)
    s = await pick_samples(store)
    county = [g for g in s.grids if g.startswith("330802")]
    return {
        "a person": Case(PERSON, {"id": global_id.encode("Person", s.person)}, FLOOR_PERSON,
                         {"id": s.person, "grids": s.grids}),
        "b grid page": Case(GRID_PAGE, {"id": global_id.encode("Grid", s.grids[0])}, FLOOR_GRID_PAGE[engine],
                            {"id": s.grids[0], "first": 50, "grids": s.grids}),
        "c persons": Case(PERSONS, {}, FLOOR_PERSONS,
                          {"grids": county, "born_to": _years_before(date.today(), 60), "first": 50}),
    }  # fmt: skip


def same_data(shape: str, api: dict[str, Any], floor: list[dict[str, Any]]) -> bool:
    """Whether the API answered the floor's rows, compared on ids, names, birth dates and ID numbers."""

    def served(p: dict[str, Any]) -> tuple[Any, ...]:
        return global_id.decode(p["id"], "Person")[1], p["name"], p["birthDate"], p["idNumber"]

    def bare(p: dict[str, Any]) -> tuple[Any, ...]:
        return p["id"], p["name"], p["birth_date"], p["id_number"]

    if shape == "a person":
        return served(api["person"]) == bare(floor[0]["person"])
    if shape == "b grid page":
        pages = [[served(m) for m in h["members"]] for h in api["grid"]["households"]["nodes"]]
        return pages == [[bare(m) for m in h["members"]] for h in floor[0]["grid"]["households"]]
    return [served(p) for p in api["persons"]["nodes"]] == [bare(r["person"]) for r in floor]


async def load(call: Any, n: int, in_flight: int, warmup: int = 10) -> Figures:
    """`n` calls, `in_flight` at a time: latency percentiles and the rate over the wall time."""
    for _ in range(warmup):
        await call()
    samples: list[float] = []

    async def worker(count: int) -> None:
        for _ in range(count):
            started = time.perf_counter()
            await call()
            samples.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(worker(n // in_flight) for _ in range(in_flight)))
    return figures(samples, time.perf_counter() - started)


async def floor_figures(store: GraphStore, plan: dict[str, Case], n: int) -> dict[str, dict[int, Figures]]:
    report: dict[str, dict[int, Figures]] = {}
    for shape, case in plan.items():

        async def call(c: Case = case) -> object:
            return await store.read(c.floor, c.params)

        report[shape] = {k: await load(call, n, k) for k in IN_FLIGHT}
    return report


def data_subjects(shape: str, rows: list[dict[str, Any]]) -> list[str]:
    """The data subjects the audit record of the shape's answer names (as the service records them)."""
    if shape == "a person":
        person = rows[0]["person"]
        return [global_id.encode("Household", person["household"]["id"]), global_id.encode("Person", person["id"])]
    if shape == "b grid page":
        page = rows[0]["grid"]["households"]
        households = [global_id.encode("Household", h["id"]) for h in page]
        return households + [global_id.encode("Person", m["id"]) for h in page for m in h["members"]]
    return [global_id.encode("Person", r["person"]["id"]) for r in rows]


@dataclass(frozen=True)
class Appends:
    """A shape's record appended alone, and right after its floor statement in one call: the read and
    the write a served request waits for in turn, timed together."""

    alone: Figures
    after_floor: Figures


async def audit_appends(store: GraphStore, plan: dict[str, Case], rows: dict[str, Any], n: int) -> dict[str, Appends]:
    """Per shape, 1 in flight, its answer's record: the write each request waits for before its response."""
    report = {}
    for shape, shape_rows in rows.items():
        entry = AuditDraft().entry(None, "ok", 200)
        entry["subject"], entry["data_classes"] = READER, ["household", "person.basic", "person.identity"]
        entry["data_subjects"] = data_subjects(shape, shape_rows)
        writer, case = AuditWriter(store, chain=f"bench-append-{time.time_ns()}"), plan[shape]

        async def read_then_append(w: AuditWriter = writer, e: dict[str, Any] = entry, c: Case = case) -> str:
            await store.read(c.floor, c.params)
            return await w.append(dict(e))

        alone = await time_async(lambda w=writer, e=entry: w.append(dict(e)), n)
        report[shape] = Appends(alone, await time_async(read_then_append, n))
    return report


def request_body(case: Case) -> bytes:
    return orjson.dumps({"query": case.query, "variables": case.variables})


def request_headers(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}", "wangge-purpose": "reason:public-service",
            "content-type": "application/json"}  # fmt: skip


async def record_answers(base: str, token: str, plan: dict[str, Case], client: str, into: Path) -> None:
    """The shipped service's answer to each request body, for the `echo` variant to send back."""
    into.mkdir(exist_ok=True)
    async with http_client(client, base, request_headers(token), 1) as post:
        for case in plan.values():
            body = request_body(case)
            (into / echo_name(body)).write_bytes((await post(body))[2])


async def api_figures(
    base: str, token: str, plan: dict[str, Case], n: int, floors: dict[str, list[dict[str, Any]]], client: str
) -> dict[str, dict[int, Figures]]:
    report: dict[str, dict[int, Figures]] = {}
    async with http_client(client, base, request_headers(token), max(IN_FLIGHT)) as post:
        for shape, case in plan.items():
            body = request_body(case)
            answer = orjson.loads((await post(body))[2])
            assert "errors" not in answer, str(answer)[:300]
            assert same_data(shape, answer["data"], floors[shape]), f"{shape}: the floor returns other data"

            async def call(b: bytes = body) -> None:
                status, _, text = await post(b)
                assert status == 200, text[:300]

            report[shape] = {k: await load(call, n, k) for k in IN_FLIGHT}
    return report


def engine_variants(engine: str, chosen: str | None) -> tuple[str, ...]:
    wanted = chosen.split(",") if chosen else VARIANTS
    return tuple(v for v in VARIANTS if v in wanted and (engine == "neo4j" or v != "no-rust-ext"))


def run_engine(engine: str, url: str, work: Path, args: argparse.Namespace) -> None:
    async def prepare(store: GraphStore) -> tuple[dict[str, Case], dict[str, Any], dict[str, Any], Figures]:
        plan = await cases(store, engine)
        rows = {shape: await store.read(c.floor, c.params) for shape, c in plan.items()}
        return plan, rows, await floor_figures(store, plan, args.n), await audit_appends(store, plan, rows, args.n)

    plan, rows, floor, append = asyncio.run(with_store(url, prepare))  # type: ignore[arg-type,misc]
    data_dir = work / f"serve-{engine}"
    data_dir.mkdir(exist_ok=True)
    settings = Settings(data_dir=data_dir)
    token = LocalIssuer.load_or_create(data_dir, settings.issuer, settings.audience).issue(READER, 24 * 3600)
    variants = engine_variants(engine, args.variants)
    if "echo" in variants:
        echo = work / f"echo-{engine}"
        with served_variant(url, data_dir, "shipped") as server:
            uvloop.run(record_answers(server.url, token, plan, args.client, echo))
        os.environ["WANGGE_BENCH_ECHO"] = str(echo)
    runs: dict[str, list[dict[str, dict[int, Figures]]]] = {v: [] for v in variants}
    for r in range(args.rounds):
        for variant in variants[r % len(variants) :] + variants[: r % len(variants)]:
            with served_variant(url, data_dir, variant) as server:
                runs[variant].append(uvloop.run(api_figures(server.url, token, plan, args.n, rows, args.client)))
                if r == 0:  # after the load, when every worker has booted and served
                    mapped = server.worker_libraries(LIBRARIES)
                    print(f"  {engine} {variant:21} every worker maps: {', '.join(k for k, v in mapped.items() if v)}")
    print_engine(engine, args, floor, append, runs)


def _median(runs: list[dict[str, dict[int, Figures]]], shape: str, k: int) -> tuple[Figures, float]:
    values = [run[shape][k] for run in runs]
    p50s = [f.p50_ms for f in values]
    med = Figures(statistics.median(p50s), statistics.median(f.p95_ms for f in values),
                  statistics.median(f.per_second for f in values))  # fmt: skip
    spread = (max(p50s) - min(p50s)) / med.p50_ms * 100 if med.p50_ms else 0.0
    return med, spread


def print_engine(
    engine: str,
    args: argparse.Namespace,
    floor: dict[str, dict[int, Figures]],
    append: dict[str, Appends],
    runs: dict[str, list[dict[str, dict[int, Figures]]]],
) -> None:
    print(f"\n== {engine}, {args.scale} data, n={args.n} per figure, median of {args.rounds} interleaved rounds ==")
    for shape in SHAPES:
        print(f"\n{shape}")
        print(f"  audit append alone (this answer's record), 1 in flight  {append[shape].alone.row()}")
        print(f"  floor, then that append, 1 in flight                    {append[shape].after_floor.row()}")
        for k in IN_FLIGHT:
            f = floor[shape][k]
            print(
                f"  floor    {k} in flight  p50 {f.p50_ms:7.2f} ms  p95 {f.p95_ms:7.2f} ms  {f.per_second:7.1f} req/s"
            )
        for variant, results in runs.items():
            for k in IN_FLIGHT:
                med, spread = _median(results, shape, k)
                ratio = med.p50_ms / floor[shape][k].p50_ms
                shipped = _median(runs["shipped"], shape, k)[0]
                print(
                    f"  {variant:21} {k} in flight  p50 {med.p50_ms:7.2f} ms (±{spread:4.1f}%)  p95 {med.p95_ms:7.2f} ms"
                    f"  {med.per_second:7.1f} req/s  {ratio:5.2f}x floor  p50 vs shipped {med.p50_ms / shipped.p50_ms:5.2f}x"
                )
        if "echo" in runs:
            print_bound(shape, floor[shape][1], append[shape], _median(runs["echo"], shape, 1)[0])


def print_bound(shape: str, floor: Figures, append: Appends, echo: Figures) -> None:
    """The least a served request can take with its record committed before the response: the statement
    and the append it waits for (timed in turn, in one call), and HTTP alone. Against the target, it
    says whether any server-side work could meet it."""
    bound = append.after_floor.p50_ms + echo.p50_ms
    print(
        f"  bound = floor then append {append.after_floor.p50_ms:.2f} + echo {echo.p50_ms:.2f}, 1 in flight"
        f"  p50 {bound:7.2f} ms  {bound / floor.p50_ms:5.2f}x floor  (target {TARGETS[shape]}x)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="demo")
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--engines", default="falkordb,neo4j")
    parser.add_argument(
        "--client", choices=sorted(CLIENTS), default="aiohttp", help="the HTTP client (see bench.harness)"
    )
    parser.add_argument("--variants", help="comma-separated variants of bench/variants.py (default: all)")
    parser.add_argument("--work", type=Path, help="keep the seeded graphs here and reuse them next time")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        with seeded_graphs(work, args.scale, tuple(args.engines.split(",")), reuse=args.work is not None) as urls:
            for engine, url in urls.items():
                run_engine(engine, url, work, args)


if __name__ == "__main__":
    main()
