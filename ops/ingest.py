"""Writes generated datasets into the graph in `UNWIND` batches, in dependency order."""

from collections.abc import Callable, Iterable

from graph_model.cypher.ingest import INGEST_ORDER
from graph_model.cypher.schema import SCHEMA
from graph_model.rows import Dataset
from graph_model.store import GraphStore

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
