"""The resident channel as the default policy ships it (case.basic read and report), attacked from inside.

Two residents of one grid, each with its own token, on both engines: the neighbour finds nothing of the
resident's report by id, in lists, through filters, in the change feed or in counts (nor does an Open311
channel: tests/e2e/open311/test_resident_reports.py); a resident takes no centre or handler step even on its own case, rates and reopens only its own
closed case, and never learns the reporter field or which staff member handled its case.
"""

from typing import Any

from api import global_id
from tests.common.cases import CENTRE, CHIEF, G0, NEIGHBOUR, RESIDENT, CaseApi, code, officer, spot

OWN = "id number status category department assignee dueAt overdue satisfaction steps { action at by note }"
BY_ID = "query($id: ID!) { case(id: $id) { number } }"
LIST = "query($f: CaseFilter) { cases(first: 100, filter: $f) { nodes { number } } }"
OVERDUE = "query($d: String) { overdueCases(first: 100, divisionCode: $d) { nodes { number } } }"
FEED = "query($after: String) { caseEvents(first: 100, after: $after) { nodes { by note case { number } } } }"
ASSESS = """query($d: String!) { caseAssessment(divisionCode: $d, from: "2026-01-01T00:00:00+08:00",
  to: "2028-01-01T00:00:00+08:00") { division { received } } }"""
YINGJI = "330802-yingji"
# Every step a resident must not take, with arguments that would otherwise be valid.
FOREIGN_STEPS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("acceptCase", {}),
    ("rejectCase", {"reason": "重复"}),
    ("assignCase", {"departmentCode": YINGJI}),
    ("signCase", {}),
    ("returnCase", {"reason": "非本单位"}),
    ("transferCase", {"departmentCode": "330802-minzheng", "reason": "转办"}),
    ("escalateCase", {"reason": "上报"}),
    ("superviseCase", {"dueAt": "2030-01-01T09:00:00+08:00"}),
    ("requestExtension", {"until": "2030-01-01T09:00:00+08:00", "reason": "延期"}),
    ("decideExtension", {"approved": True}),
    ("suspendCase", {"reason": "挂账"}),
    ("resumeCase", {}),
    ("resolveCase", {"result": "已处理"}),
    ("verifyCase", {"passed": True}),
    ("closeCase", {}),
)


async def _report(cases: CaseApi, sub: str, n: int, **fields: Any) -> dict[str, Any]:
    body = await cases.report(sub, OWN, **spot(n), source="RESIDENT", **fields)
    assert "errors" not in body, body
    return dict(body["data"]["reportCase"])


async def _numbers(cases: CaseApi, sub: str, query: str, **variables: Any) -> set[str]:
    return {n["number"] for n in (await cases.ok(sub, query, **variables))["nodes"]}


async def _closed(cases: CaseApi, case_id: str) -> None:
    """The case through the centre and a department to CLOSED."""
    steps = (
        (CENTRE, "acceptCase", {}),
        (CENTRE, "assignCase", {"departmentCode": YINGJI}),
        (officer("yingji"), "signCase", {}),
        (officer("yingji"), "resolveCase", {"result": "已由张三师傅修复，电话13800001234"}),
        (CENTRE, "verifyCase", {"passed": True}),
        (CENTRE, "closeCase", {}),
    )
    for sub, mutation, args in steps:
        body = await cases.act(sub, mutation, case_id, **args)
        assert "errors" not in body, (mutation, body)


async def test_a_neighbour_finds_nothing_of_a_residents_report(cases: CaseApi) -> None:
    mine = await _report(cases, RESIDENT, 20, contactPhone="13900002222")
    assert mine["status"] == "REPORTED" and mine["id"]
    assert code(await cases.gql(NEIGHBOUR, BY_ID, id=mine["id"])) == "NOT_FOUND"
    assert (await cases.ok(RESIDENT, BY_ID, id=mine["id"]))["number"] == mine["number"]
    filters: list[dict[str, Any] | None] = [
        None,
        {"status": "REPORTED"},
        {"category": "safety.hazard"},
        {"grid": global_id.encode("Grid", G0)},
        {"division": "3308"},
    ]
    for f in filters:
        assert mine["number"] not in await _numbers(cases, NEIGHBOUR, LIST, f=f), f
        assert mine["number"] in await _numbers(cases, RESIDENT, LIST, f=f), f
    cases.clock.advance(days=3)  # past its acceptance time: overdue for the centre, still nobody else's
    assert mine["number"] in await _numbers(cases, CENTRE, OVERDUE, d="330802")
    assert mine["number"] not in await _numbers(cases, NEIGHBOUR, OVERDUE, d=None)
    feed = (await cases.ok(NEIGHBOUR, FEED))["nodes"]
    assert mine["number"] not in {e["case"]["number"] for e in feed}
    refused = await cases.gql(NEIGHBOUR, ASSESS, d=G0)
    assert refused["errors"][0]["extensions"] == {"code": "FORBIDDEN", "reason": "OUTSIDE_JURISDICTION"}
    for secret in ("reporter", "contactPhone"):  # case.reporter: not even its own report's
        asked = await cases.gql(RESIDENT, f"query($id: ID!) {{ case(id: $id) {{ {secret} }} }}", id=mine["id"])
        assert asked["errors"][0]["extensions"]["code"] == "FORBIDDEN", secret


async def test_a_resident_sees_no_one_elses_case_and_no_petition(cases: CaseApi) -> None:
    staff_case = (await cases.report(CHIEF, **spot(21)))["data"]["reportCase"]
    petition = await cases.report(CENTRE, **spot(22), category="petition.request", description="信访：补偿")
    others = (staff_case, petition["data"]["reportCase"])
    for case in others:
        assert code(await cases.gql(RESIDENT, BY_ID, id=case["id"])) == "NOT_FOUND"
        as_purpose = await cases.gql(RESIDENT, BY_ID, id=case["id"], purpose=f"case:{case['number']}")
        assert as_purpose["errors"][0]["extensions"] == {"code": "FORBIDDEN", "reason": "PURPOSE_CASE"}
    listed = await _numbers(cases, RESIDENT, LIST, f=None)
    assert not listed & {case["number"] for case in others}


async def test_a_resident_takes_no_centre_or_handler_step_even_on_its_own_case(cases: CaseApi) -> None:
    mine = await _report(cases, RESIDENT, 23)
    for mutation, args in FOREIGN_STEPS:
        body = await cases.act(RESIDENT, mutation, mine["id"], selection="number", **args)
        error = body["errors"][0]
        assert error["extensions"]["code"] == "FORBIDDEN" and mutation in error["extensions"]["paths"], body
    assert (await cases.ok(CENTRE, "query($id: ID!) { case(id: $id) { status steps { action } } }", id=mine["id"])) == {
        "status": "REPORTED",
        "steps": [{"action": "report"}],
    }


async def test_a_resident_rates_and_reopens_its_own_closed_case_only(cases: CaseApi) -> None:
    mine = await _report(cases, RESIDENT, 24)
    theirs = await _report(cases, NEIGHBOUR, 25)
    for case in (mine, theirs):
        await _closed(cases, case["id"])
    assert code(await cases.act(NEIGHBOUR, "rateCase", mine["id"], selection="number", score=1)) == "NOT_FOUND"
    stranger = await cases.act(NEIGHBOUR, "reopenCase", mine["id"], selection="number", reason="捣乱")
    assert code(stranger) == "NOT_FOUND"
    rated = await cases.act(RESIDENT, "rateCase", mine["id"], selection=OWN, score=5, comment="很快")
    assert rated["data"]["rateCase"]["satisfaction"] == 5, rated
    assert code(await cases.act(RESIDENT, "rateCase", mine["id"], selection="number", score=1)) == "BAD_USER_INPUT"
    reopened = await cases.act(RESIDENT, "reopenCase", mine["id"], selection=OWN, reason="又坏了")
    assert reopened["data"]["reopenCase"]["status"] == "ACCEPTED", reopened
    cases.clock.advance(days=16)
    late = await cases.act(NEIGHBOUR, "reopenCase", theirs["id"], selection="number", reason="还是坏的")
    assert code(late) == "BAD_USER_INPUT"  # past the 15 days: the state machine, not the scope, refuses


async def test_a_resident_learns_the_office_not_the_staff_member(cases: CaseApi) -> None:
    """Staff identities and staff notes are shown to staff only (`CaseScope.as_staff`); the office is shown."""
    mine = await _report(cases, RESIDENT, 26)
    await _closed(cases, mine["id"])
    seen = await cases.ok(RESIDENT, f"query($id: ID!) {{ case(id: $id) {{ {OWN} }} }}", id=mine["id"])
    assert seen["department"] == YINGJI and seen["assignee"] is None
    assert [s["action"] for s in seen["steps"]] == ["report", "accept", "assign", "sign", "resolve", "verify", "close"]
    assert {(s["by"], s["note"]) for s in seen["steps"]} == {(None, None)}
    staff_view = await cases.ok(CHIEF, "query($id: ID!) { case(id: $id) { steps { by note } } }", id=mine["id"])
    assert officer("yingji") in {s["by"] for s in staff_view["steps"]}
    assert any("张三" in (s["note"] or "") for s in staff_view["steps"])
    feed = [e for e in (await cases.ok(RESIDENT, FEED))["nodes"] if e["case"]["number"] == mine["number"]]
    assert len(feed) == 7 and {(e["by"], e["note"]) for e in feed} == {(None, None)}
