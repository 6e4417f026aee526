"""`wangge seed`: generate the 衢州 demo data and write it, with a progress bar and a summary."""

import sys
import time
from dataclasses import dataclass

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from api.case.catalogue import install_catalogue
from authz.policy_store import PolicyStore
from graph_model.cypher.division import COUNT_DIVISIONS
from graph_model.cypher.maintenance import DELETE_NODES_BATCH
from graph_model.cypher.schema import SCHEMA
from graph_model.store import GraphStore
from ops.datagen import SCALES, generate
from ops.ingest import ingest, ingest_history

DEMO_SCALE = "demo"


class GraphNotEmpty(RuntimeError):
    pass


@dataclass(frozen=True)
class SeedReport:
    totals: dict[str, int]
    seconds: float

    @property
    def rows(self) -> int:
        return sum(self.totals.values())


async def is_empty(store: GraphStore) -> bool:
    rows = await store.read(COUNT_DIVISIONS)
    return not rows or rows[0]["n"] == 0


async def clear(store: GraphStore, batch: int = 20000) -> None:
    while (await store.write(DELETE_NODES_BATCH, {"limit": batch}))[0]["deleted"]:
        pass


async def seed(
    store: GraphStore, scale: str, seed_value: int = 0, reset: bool = False, show: bool = True, history: bool = False
) -> SeedReport:
    """`history` adds the two years of historical cases (ops/datagen/cases.py): `wangge seed` and the
    demo graph of `wangge serve` ask for them; the test session's graph starts without cases."""
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; choose one of {', '.join(SCALES)}")
    if not await is_empty(store):
        if not reset:
            raise GraphNotEmpty("the graph already holds data; pass --reset to replace it")
        await clear(store)
    started = time.perf_counter()
    expected = SCALES[scale].expected["persons"]
    columns = (TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, disable=not show, transient=False) as progress:
        persons = progress.add_task(f"persons ({scale})", total=expected)
        other = progress.add_task("other rows", total=None)

        def advance(kind: str, n: int) -> None:
            progress.advance(persons if kind == "persons" else other, n)

        totals = await ingest(store, generate(scale, seed_value), advance)
        if history:
            totals["cases"] = await ingest_history(store, scale, seed_value, advance)
    await PolicyStore(store).ensure_initialized()
    await install_catalogue(store)
    return SeedReport(totals, time.perf_counter() - started)


async def prepare_graph(store: GraphStore, demo_scale: str | None) -> None:
    """Migrate, install the default policy and the work-item catalogue; load demo data into an empty graph
    when asked.

    Callers ask only for the embedded graph: a configured one is never seeded this way.
    """
    await store.migrate(SCHEMA)
    await PolicyStore(store).ensure_initialized()
    await install_catalogue(store)
    if demo_scale and await is_empty(store):
        print(f"The graph is empty: loading the {demo_scale} data set of 衢州 …", file=sys.stderr, flush=True)
        report = await seed(store, demo_scale, show=False, history=True)
        print(f"Loaded {report.rows} rows in {report.seconds:.1f} s.", file=sys.stderr, flush=True)
