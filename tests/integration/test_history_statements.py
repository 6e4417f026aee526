"""The historical-case statements on both engines: generated rows land as cases the API reads like
live ones (same answers on both engines), and the case counter only ever moves forward.

The rows are tiny's first history rows moved to 2064 (numbers and times): no other test's
cases or pages meet them."""

from typing import Any

from api.case.enums import CaseStatus
from graph_model.cypher import case, history
from graph_model.store import GraphStore
from ops.datagen.cases import history as generated
from tests.integration.test_store_contract import canonical

SHIFT = 40 * 365 * 86_400_000
SCOPE = {"departments": [], "dept_grids": [], "reporter": None, "petition": []}


def _rows() -> list[dict[str, Any]]:
    rows = next(village for village in generated("tiny", 0) if village)[:5]
    moved = [{**r, "id": f"2064-{n:06d}", "reported_at": r["reported_at"] + SHIFT} for n, r in enumerate(rows, 1)]
    return [{**r, **{k: r[k] + SHIFT for k in ("closed_at", "due_at") if k in r}} for r in moved]


async def test_history_statements_agree(seeded_stores: dict[str, GraphStore]) -> None:
    rows = _rows()
    answers = []
    for store in seeded_stores.values():
        written = await store.write(history.CREATE_HISTORICAL_CASES, {"rows": rows})
        grids = sorted({r["grid"] for r in rows})
        read = await store.read(case.GET_CASES_BY_IDS, {"ids": [r["id"] for r in rows], "area": grids, **SCOPE})
        moved = await store.write(history.ADVANCE_CASE_COUNTERS, {"years": [{"year": "2064", "n": len(rows)}]})
        kept = await store.write(history.ADVANCE_CASE_COUNTERS, {"years": [{"year": "2064", "n": 1}]})  # never back
        live = await store.write(case.CREATE_CASE, _live("2064", rows[0]["grid"]))
        answers.append((written[0]["n"], canonical(read), moved, kept, live))
    assert answers[0] == answers[1]
    count, read, moved, kept, live = answers[0]
    assert count == len(rows) and len(read) == len(rows)
    assert moved == kept == [{"year": "2064", "n": len(rows)}]
    assert live == [{"id": f"2064-{len(rows) + 1:06d}"}]  # a live report goes on after the history
    assert {r["status"] for r in rows} <= {s.value for s in CaseStatus}


def _live(year: str, grid: str) -> dict[str, Any]:
    row = {"category": "safety.hazard", "description": "after the history", "status": "REPORTED",
           "priority": "normal", "source": "grid", "grid": grid, "level": "grid", "reporter": "history-test",
           "anonymous": False, "petition": False, "reported_at": SHIFT, "reworks": 0, "extensions": 0, "version": 0}  # fmt: skip
    return {"year": year, "grid": grid, "case": row, "duplicate_of": None, "persons": [], "idempotency": None}
