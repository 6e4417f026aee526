"""The assessment and case-purpose statements on both engines, against a hand-made set of cases
whose figures are worked out below (a period of their own, in 2096, so no other test's cases count)."""

from typing import Any

from api.case.catalogue import install_catalogue, load_catalogue
from graph_model.cypher import case
from graph_model.store import GraphStore
from tests.common.samples import pick_samples

GRID = "330802001001002"
VILLAGE = GRID[:12]
START = 3_000_000_000_000  # 2065: far from every other test's clock
HOUR = 3_600_000
SCOPE = {"area": [GRID], "departments": [], "dept_grids": [], "reporter": None, "petition": []}
DEPARTMENT = "330802-yingji"
# (status, hours to close, late, reworks, extensions, satisfaction, department)
CASES = (
    ("CLOSED", 2, False, 1, 0, 4, None),
    ("CLOSED", 4, True, 0, 1, 2, DEPARTMENT),
    ("REJECTED", None, False, 0, 0, None, None),
    ("SIGNED", None, True, 0, 0, None, DEPARTMENT),
    ("CLOSED", 10, False, 0, 0, None, None),
)


def _case(n: int, status: str, hours: int | None, late: bool, reworks: int, extensions: int,
          satisfaction: int | None, department: str | None) -> dict[str, Any]:  # fmt: skip
    reported = START + n * HOUR
    optional = {"closed_at": None if hours is None else reported + hours * HOUR, "late": late or None,
                "satisfaction": satisfaction, "department": department}  # fmt: skip
    return {"category": "safety.hazard", "description": "assessment", "status": status, "priority": "normal",
            "source": "grid", "grid": GRID, "level": "grid", "reporter": "assessor", "anonymous": False,
            "petition": False, "reported_at": reported, "reworks": reworks, "extensions": extensions, "version": 0,
            **{k: v for k, v in optional.items() if v is not None}}  # fmt: skip


async def test_assessment_and_purpose_statements_agree(seeded_stores: dict[str, GraphStore]) -> None:
    answers = []
    for store in seeded_stores.values():
        await install_catalogue(store, load_catalogue())
        person = (await pick_samples(store)).persons[GRID]
        ids = []
        for n, row in enumerate(CASES):
            params = {"year": "2065", "grid": GRID, "case": _case(n, *row), "duplicate_of": None,
                      "persons": [person] if n == 0 else [], "idempotency": None}  # fmt: skip
            ids.append((await store.write(case.CREATE_CASE, params))[0]["id"])
        period = {"from": START, "to": START + 24 * HOUR}
        figures = await store.read(case.ASSESS_CASES, {"within": VILLAGE, "child_len": 15, **period, **SCOPE})
        unseen = await store.read(case.ASSESS_CASES, {"within": VILLAGE, "child_len": 15, **period, **SCOPE,
                                                      "area": []})  # fmt: skip
        linked = await store.read(case.GET_CASE_PURPOSE_PERSONS, {"id": ids[0], **SCOPE})
        none_linked = await store.read(case.GET_CASE_PURPOSE_PERSONS, {"id": ids[1], **SCOPE})
        out_of_scope = await store.read(case.GET_CASE_PURPOSE_PERSONS, {"id": ids[0], **SCOPE, "area": []})
        purpose = [sorted(r["persons"]) for r in linked + none_linked + out_of_scope]
        answers.append(([{k: v for k, v in r.items()} for r in figures], unseen, purpose == [[person], []]))
    assert answers[0] == answers[1]
    figures, unseen, purpose_ok = answers[0]
    assert purpose_ok and unseen == []
    by_unit = {(r["grouping"], r["unit"]): r for r in figures}
    assert set(by_unit) == {("total", VILLAGE), ("child", GRID), ("department", DEPARTMENT)}
    whole = {k: v for k, v in by_unit[("total", VILLAGE)].items() if k not in ("grouping", "unit")}
    assert whole == {"received": 5, "rejected": 1, "closed": 3, "closed_on_time": 2, "reworked": 1, "extended": 1,
                     "median_ms": 4 * HOUR, "rated": 2, "satisfaction": 3.0}  # fmt: skip
    assert {k: v for k, v in by_unit[("child", GRID)].items() if k != "grouping" and k != "unit"} == whole
    department = by_unit[("department", DEPARTMENT)]
    assert (department["received"], department["closed"], department["closed_on_time"]) == (2, 1, 0)
    assert department["median_ms"] == 4 * HOUR
