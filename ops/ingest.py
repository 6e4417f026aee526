"""Writes generated datasets into the graph in `UNWIND` batches, in dependency order."""

from collections.abc import Callable, Iterable

from graph_model.cypher.history import ADVANCE_CASE_COUNTERS, CREATE_HISTORICAL_CASES
from graph_model.cypher.ingest import INGEST_ORDER
from graph_model.cypher.schema import SCHEMA
from graph_model.rows import Dataset
from graph_model.store import GraphStore
from ops.datagen.cases import Serials, history

BATCH_ROWS = 5000


async def ingest(
    store: GraphStore,
    chunks: Iterable[Dataset],
    on_rows: Callable[[str, int], None] = lambda kind, n: None,
    batch_rows: int = BATCH_ROWS,
) -> dict[str, int]:
    """Write every chunk; `on_rows` reports progress (kind, rows written) for a progress bar."""
    await store.migrate(SCHEMA)
    totals: dict[str, int] = {}
    for chunk in chunks:
        for kind, stmts in INGEST_ORDER:
            rows = chunk[kind]  # type: ignore[literal-required]
            for start in range(0, len(rows), batch_rows):
                batch = rows[start : start + batch_rows]
                for stmt in stmts:
                    await store.write(stmt, {"rows": batch})
                on_rows(kind, len(batch))
            totals[kind] = totals.get(kind, 0) + len(rows)
    return totals


async def ingest_history(
    store: GraphStore,
    scale: str,
    seed: int,
    on_rows: Callable[[str, int], None] = lambda kind, n: None,
    batch_rows: int = BATCH_ROWS,
) -> int:
    """Write the historical cases of `scale` after its grids, in full batches across villages (a
    village holds a few hundred cases: per-village batches would be many small round trips); then
    move each year's case counter past its highest serial. The number of cases written."""
    serials, pending, total = Serials(), [], 0
    for village in history(scale, seed, serials):
        pending.extend(village)
        while len(pending) >= batch_rows:
            await store.write(CREATE_HISTORICAL_CASES, {"rows": pending[:batch_rows]})
            on_rows("cases", batch_rows)
            total, pending = total + batch_rows, pending[batch_rows:]
    if pending:
        await store.write(CREATE_HISTORICAL_CASES, {"rows": pending})
        on_rows("cases", len(pending))
    await store.write(ADVANCE_CASE_COUNTERS, {"years": serials.counters()})
    return total + len(pending)
