"""Art. 23 assessment over HTTP on both engines: five cases of one day in grid G1 taken through the
lifecycle, the figures worked out by hand, and who may ask for which division's figures.

The day (2027-03-02, a Tuesday) is this suite's own: no other test's clock stands on it.
"""

from datetime import datetime
from typing import Any

from api.case.calendar import CHINA
from tests.common.cases import CENTRE, G0, G1, OTHER_WORKER, RESIDENT, CaseApi, officer

DAY = datetime(2027, 3, 2, 9, 0, tzinfo=CHINA)
FIGURES = ("code kind received rejected closed closedOnTime closureRate onTimeRate reworkRate extensionRate "
           "medianHandlingHours rated satisfaction")  # fmt: skip
ASSESS = (
    "query($d: String!, $from: DateTime!, $to: DateTime!) { caseAssessment(divisionCode: $d, from: $from, to: $to) "
    f"{{ division {{ {FIGURES} }} children {{ {FIGURES} }} departments {{ {FIGURES} }} }} }}"
)
PERIOD = {"from": "2027-03-02T00:00:00+08:00", "to": "2027-03-03T00:00:00+08:00"}
DEPARTMENT = "330802-yingji"
EXPECTED = {"received": 5, "rejected": 1, "closed": 3, "closedOnTime": 2, "closureRate": 0.75, "onTimeRate": 0.6667,
            "reworkRate": 0.25, "extensionRate": 0.0, "medianHandlingHours": 2.0, "rated": 2,
            "satisfaction": 4.0}  # fmt: skip


async def _report(cases: CaseApi, n: int) -> str:
    body = await cases.report(OTHER_WORKER, lat=28.89 + n * 0.002, lon=118.805, category="city.environment")
    case = body["data"]["reportCase"]
    assert case["grid"]["code"] == G1, body
    return str(case["id"])


async def _steps(cases: CaseApi, case_id: str, *steps: tuple[str, str, dict[str, Any]]) -> None:
    for sub, mutation, args in steps:
        body = await cases.act(sub, mutation, case_id, **args)
        assert "errors" not in body, (mutation, body)


def _dispatched() -> tuple[tuple[str, str, dict[str, Any]], ...]:
    return (
        (CENTRE, "assignCase", {"departmentCode": DEPARTMENT}),
        (officer("yingji"), "signCase", {}),
        (officer("yingji"), "resolveCase", {"result": "已处理"}),
    )


async def _one_day_of_cases(cases: CaseApi) -> None:
    """A closed after 1 h, rated 5; B reworked once, closed after 2 h, rated 3; C rejected; D accepted
    and left open; E dispatched late (after its 11:00 dispatch limit) and closed after 6 h."""
    cases.clock.now = DAY
    a, b, c, d, e = [await _report(cases, n) for n in range(5)]
    verify = (CENTRE, "verifyCase", {"passed": True})
    await _steps(cases, a, (CENTRE, "acceptCase", {}), *_dispatched(), verify)
    rework = (CENTRE, "verifyCase", {"passed": False, "note": "返工"})
    again = (officer("yingji"), "resolveCase", {"result": "已重新处理"})
    await _steps(cases, b, (CENTRE, "acceptCase", {}), *_dispatched(), rework, again, verify)
    await _steps(cases, c, (CENTRE, "rejectCase", {"reason": "不属于受理范围"}))
    await _steps(cases, d, (CENTRE, "acceptCase", {}))
    await _steps(cases, e, (CENTRE, "acceptCase", {}))
    cases.clock.advance(hours=1)
    await _steps(cases, a, (CENTRE, "closeCase", {}), (CENTRE, "rateCase", {"score": 5}))
    cases.clock.advance(hours=1)
    await _steps(cases, b, (CENTRE, "closeCase", {}), (CENTRE, "rateCase", {"score": 3}))
    cases.clock.advance(hours=4)
    await _steps(cases, e, *_dispatched(), verify, (CENTRE, "closeCase", {}))


def _figures(node: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in node.items() if k not in ("code", "kind")}


async def test_assessment_figures_and_who_may_ask_for_them(cases: CaseApi) -> None:
    await _one_day_of_cases(cases)
    grid = await cases.ok(OTHER_WORKER, ASSESS, d=G1, **PERIOD)
    assert (grid["division"]["code"], grid["division"]["kind"], grid["children"]) == (G1, "grid", [])
    assert _figures(grid["division"]) == EXPECTED
    village = await cases.ok(CENTRE, ASSESS, d=G1[:12], **PERIOD)
    assert village["division"]["kind"] == "village" and _figures(village["division"]) == EXPECTED
    children = {c["code"]: c for c in village["children"]}
    assert _figures(children[G1]) == EXPECTED and children[G0]["received"] == 0 and children[G0]["closureRate"] is None
    department = {d["code"]: d for d in village["departments"]}[DEPARTMENT]
    assert (department["kind"], department["received"], department["closed"], department["onTimeRate"]) == (
        "department",
        3,
        3,
        0.6667,
    )
    county = await cases.ok(officer("yingji"), ASSESS, d="330802", **PERIOD)
    assert (county["division"]["received"], county["division"]["closed"]) == (3, 3)  # what is dispatched to it
    assert "330802001" in {c["code"] for c in county["children"]}
    for sub, division in (
        (OTHER_WORKER, "330802"),
        (OTHER_WORKER, G0),
        (CENTRE, "3308"),
        (RESIDENT, G1),
    ):  # tiny: 330802 is all the centre's
        refused = await cases.gql(sub, ASSESS, d=division, **PERIOD)
        assert refused["errors"][0]["extensions"] == {"code": "FORBIDDEN", "reason": "OUTSIDE_JURISDICTION"}, sub
    assert (await cases.gql("auditor-3308", ASSESS, d=G1, **PERIOD))["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    bad = await cases.gql(CENTRE, ASSESS, d=G1, **{"from": PERIOD["to"], "to": PERIOD["from"]})
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    unknown = await cases.gql(CENTRE, ASSESS, d="330899", **PERIOD)
    assert unknown["errors"][0]["extensions"]["code"] == "NOT_FOUND"
