"""The case lifecycle over HTTP with each role's token, on both engines: every state, return and
re-dispatch, transfer, escalation, extension approved and refused, suspension stopping the clock,
rework, closing, rating and reopening; illegal transitions and the admitted list (准入)."""

from datetime import datetime, timedelta

from api import global_id
from api.case.calendar import CHINA, load_calendar
from tests.common.cases import (
    CENTRE,
    G0,
    WORKER,
    CaseApi,
    code,
    officer,
    spot,
)

YINGJI = "330802-yingji"


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text)


async def _accepted(cases: CaseApi, n: int, **fields: object) -> dict:
    reported = (await cases.report(WORKER, **spot(n), **fields))["data"]["reportCase"]
    return (await cases.act(CENTRE, "acceptCase", reported["id"]))["data"]["acceptCase"]


async def test_full_path_through_every_state(cases: CaseApi) -> None:
    calendar = load_calendar()
    case = await _accepted(cases, 1)
    assert case["status"] == "ACCEPTED" and _time(case["dueAt"]) == cases.clock.now + timedelta(hours=2)
    case_id = case["id"]
    assigned = (await cases.act(CENTRE, "assignCase", case_id, departmentCode=YINGJI))["data"]["assignCase"]
    assert assigned["status"] == "ASSIGNED" and assigned["department"] == YINGJI
    cases.clock.advance(minutes=30)
    signed = (await cases.act(officer("yingji"), "signCase", case_id))["data"]["signCase"]
    assert signed["status"] == "SIGNED"
    assert _time(signed["dueAt"]) == calendar.add(cases.clock.now, 5 * calendar.day_minutes)

    until = (cases.clock.now + timedelta(days=10)).isoformat()
    asked = await cases.act(officer("yingji"), "requestExtension", case_id, until=until, reason="需协调产权单位")
    assert asked["data"]["requestExtension"]["extensionUntil"] == until
    decided = (await cases.act(CENTRE, "decideExtension", case_id, approved=True))["data"]["decideExtension"]
    assert decided["dueAt"] == until and decided["extensions"] == 1 and decided["extensionUntil"] is None

    due_before = _time(decided["dueAt"])
    suspended_at = cases.clock.now
    suspended = await cases.act(officer("yingji"), "suspendCase", case_id, reason="等待汛期结束")
    assert suspended["data"]["suspendCase"]["status"] == "SUSPENDED"
    assert suspended["data"]["suspendCase"]["dueAt"] is None
    cases.clock.advance(days=30)  # far past the old due time: a suspended case is never overdue
    assert (await cases.ok(CENTRE, "query($id: ID!) { case(id: $id) { overdue } }", id=case_id))["overdue"] is False
    resumed = (await cases.act(officer("yingji"), "resumeCase", case_id))["data"]["resumeCase"]
    left = calendar.between(suspended_at, due_before)
    assert resumed["status"] == "SIGNED"
    assert abs(calendar.between(cases.clock.now, _time(resumed["dueAt"])) - left) < 1

    resolved = await cases.act(officer("yingji"), "resolveCase", case_id, result="已加装井盖")
    assert resolved["data"]["resolveCase"]["status"] == "RESOLVED"
    rework = (await cases.act(CENTRE, "verifyCase", case_id, passed=False, note="井盖未固定"))["data"]["verifyCase"]
    assert rework["status"] == "SIGNED" and rework["reworks"] == 1
    await cases.act(officer("yingji"), "resolveCase", case_id, result="已固定")
    verified = (await cases.act(CENTRE, "verifyCase", case_id, passed=True))["data"]["verifyCase"]
    assert verified["status"] == "VERIFIED"
    closed = (await cases.act(CENTRE, "closeCase", case_id))["data"]["closeCase"]
    assert closed["status"] == "CLOSED" and closed["dueAt"] is None and closed["overdue"] is False
    rated = (await cases.act(WORKER, "rateCase", case_id, score=4, comment="及时"))["data"]["rateCase"]
    assert rated["satisfaction"] == 4
    again = await cases.act(WORKER, "rateCase", case_id, score=1)
    assert code(again) == "BAD_USER_INPUT"
    reopened = (await cases.act(WORKER, "reopenCase", case_id, reason="井盖又被盗"))["data"]["reopenCase"]
    assert reopened["status"] == "ACCEPTED" and reopened["satisfaction"] is None

    steps = (await cases.ok(CENTRE, "query($id: ID!) { case(id: $id) { steps { action by fromStatus toStatus } } }",
                            id=case_id))["steps"]  # fmt: skip
    assert [s["action"] for s in steps] == [
        "report", "accept", "assign", "sign", "request_extension", "approve_extension", "suspend", "resume",
        "resolve", "rework", "resolve", "verify", "close", "rate", "reopen",
    ]  # fmt: skip
    assert steps[0]["by"] is None  # the reporter is case.reporter, never a step's actor
    assert steps[3] == {"action": "sign", "by": officer("yingji"), "fromStatus": "ASSIGNED", "toStatus": "SIGNED"}


async def test_reopen_only_within_the_configured_days(cases: CaseApi) -> None:
    case_id = (await _accepted(cases, 2))["id"]
    await cases.act(CENTRE, "assignCase", case_id, departmentCode=YINGJI)
    for mutation, args in (("signCase", {}), ("resolveCase", {"result": "done"})):
        assert "errors" not in await cases.act(officer("yingji"), mutation, case_id, **args)
    await cases.act(CENTRE, "verifyCase", case_id, passed=True)
    await cases.act(CENTRE, "closeCase", case_id)
    cases.clock.advance(days=16)
    late = await cases.act(WORKER, "reopenCase", case_id, reason="again")
    assert code(late) == "BAD_USER_INPUT"
    stranger = await cases.act("staff-330802001001002-worker", "reopenCase", case_id, reason="again")
    assert code(stranger) == "NOT_FOUND"


async def test_return_redispatch_transfer_and_escalation(cases: CaseApi) -> None:
    reported = (await cases.report(WORKER, **spot(3)))["data"]["reportCase"]
    case_id = reported["id"]
    up = (await cases.act(WORKER, "escalateCase", case_id, reason="网格内无法解决"))["data"]["escalateCase"]
    assert up["level"] == "TOWNSHIP" and up["status"] == "REPORTED"
    assert (await cases.act(CENTRE, "escalateCase", case_id, reason="跨镇"))["data"]["escalateCase"][
        "level"
    ] == "COUNTY"
    assert code(await cases.act(CENTRE, "escalateCase", case_id, reason="again")) == "BAD_USER_INPUT"

    await cases.act(CENTRE, "acceptCase", case_id)
    await cases.act(CENTRE, "assignCase", case_id, departmentCode="330802-minzheng")
    returned = (await cases.act(officer("minzheng"), "returnCase", case_id, reason="非本部门职责"))["data"]
    assert returned["returnCase"]["status"] == "ACCEPTED" and returned["returnCase"]["department"] is None
    gone = await cases.gql(officer("minzheng"), "query($id: ID!) { case(id: $id) { status } }", id=case_id)
    assert code(gone) == "NOT_FOUND"  # no longer dispatched to 民政: out of its scope

    await cases.act(CENTRE, "assignCase", case_id, departmentCode=YINGJI)
    moved = await cases.act(CENTRE, "transferCase", case_id, departmentCode="330802-zonghezhifa", reason="属执法")
    assert moved["data"]["transferCase"]["department"] == "330802-zonghezhifa"
    assert code(await cases.act(officer("yingji"), "signCase", case_id)) == "NOT_FOUND"
    signed = (await cases.act(officer("zonghezhifa"), "signCase", case_id))["data"]["signCase"]
    assert signed["status"] == "SIGNED"
    assert code(await cases.act(CENTRE, "transferCase", case_id, departmentCode="339999-yingji", reason="x")) == (
        "BAD_USER_INPUT"
    )
    assert code(await cases.act(officer("zonghezhifa"), "returnCase", case_id, reason="late")) == "BAD_USER_INPUT"


async def test_extension_refused_and_supervision(cases: CaseApi) -> None:
    case_id = (await _accepted(cases, 4))["id"]
    grid_id = global_id.encode("Grid", G0)
    await cases.act(CENTRE, "assignCase", case_id, gridId=grid_id)
    signed = (await cases.act(WORKER, "signCase", case_id))["data"]["signCase"]
    due = signed["dueAt"]
    until = (_time(due) + timedelta(days=3)).isoformat()
    await cases.act(WORKER, "requestExtension", case_id, until=until, reason="材料未齐")
    twice = await cases.act(WORKER, "requestExtension", case_id, until=until, reason="again")
    assert code(twice) == "BAD_USER_INPUT"
    refused = (await cases.act(CENTRE, "decideExtension", case_id, approved=False, note="可按期完成"))["data"]
    assert refused["decideExtension"]["dueAt"] == due and refused["decideExtension"]["extensionUntil"] is None
    assert code(await cases.act(CENTRE, "decideExtension", case_id, approved=True)) == "BAD_USER_INPUT"

    past = (cases.clock.now - timedelta(hours=1)).isoformat()
    assert code(await cases.act(CENTRE, "superviseCase", case_id, dueAt=past)) == "BAD_USER_INPUT"
    sooner = (cases.clock.now + timedelta(days=1)).isoformat()
    supervised = (await cases.act(CENTRE, "superviseCase", case_id, dueAt=sooner, note="催办"))["data"]
    assert supervised["superviseCase"]["dueAt"] == sooner
    assert code(await cases.act(WORKER, "superviseCase", case_id, dueAt=sooner)) == "FORBIDDEN"

    cases.clock.now = _time(sooner) + timedelta(minutes=1)
    late = await cases.act(WORKER, "requestExtension", case_id, until=(cases.clock.now + timedelta(days=2)).isoformat(),
                           reason="too late")  # fmt: skip
    assert code(late) == "BAD_USER_INPUT"


async def test_non_admitted_items_are_refused_to_grid_staff(cases: CaseApi) -> None:
    case = await _accepted(cases, 5, category="enforcement.market")
    case_id = case["id"]
    staff_id = global_id.encode("Staff", WORKER)
    for args in ({"staffId": staff_id}, {"gridId": global_id.encode("Grid", G0)}):
        refused = await cases.act(CENTRE, "assignCase", case_id, **args)
        assert refused["errors"][0]["extensions"] == {"code": "FORBIDDEN", "reason": "NOT_ADMITTED"}
    unchanged = await cases.ok(CENTRE, "query($id: ID!) { case(id: $id) { status steps { action } } }", id=case_id)
    assert unchanged == {"status": "ACCEPTED", "steps": [{"action": "report"}, {"action": "accept"}]}
    to_department = await cases.act(CENTRE, "assignCase", case_id, departmentCode="330802-shichangjianguan")
    assert to_department["data"]["assignCase"]["status"] == "ASSIGNED"

    admitted = (await _accepted(cases, 6))["id"]
    to_staff = (await cases.act(CENTRE, "assignCase", admitted, staffId=staff_id))["data"]["assignCase"]
    assert to_staff["assignee"] == WORKER
    assert code(await cases.act("staff-330802001001001-chief", "signCase", admitted)) == "FORBIDDEN"
    assert (await cases.act(WORKER, "signCase", admitted))["data"]["signCase"]["status"] == "SIGNED"


async def test_illegal_transitions_change_nothing(cases: CaseApi) -> None:
    reported = (await cases.report(WORKER, **spot(7)))["data"]["reportCase"]
    case_id = reported["id"]
    attempts = [
        (officer("yingji"), "signCase", {}),
        (CENTRE, "closeCase", {}),
        (CENTRE, "verifyCase", {"passed": True}),
        (WORKER, "resumeCase", {}),
        (WORKER, "rateCase", {"score": 5}),
        (CENTRE, "assignCase", {"departmentCode": YINGJI}),
        (CENTRE, "decideExtension", {"approved": True}),
    ]
    for sub, mutation, args in attempts:
        body = await cases.act(sub, mutation, case_id, **args)
        assert code(body) in ("BAD_USER_INPUT", "NOT_FOUND"), (mutation, body)
    both = await cases.act(CENTRE, "assignCase", case_id, departmentCode=YINGJI, gridId=global_id.encode("Grid", G0))
    assert code(both) == "BAD_USER_INPUT"
    after = await cases.ok(CENTRE, "query($id: ID!) { case(id: $id) { status dueAt steps { action } } }", id=case_id)
    assert after == {"status": "REPORTED", "dueAt": reported["dueAt"], "steps": [{"action": "report"}]}


async def test_overdue_after_moving_the_clock_over_national_day(cases: CaseApi) -> None:
    cases.clock.now = datetime(2026, 9, 30, 16, 0, tzinfo=CHINA)  # Wednesday; 1 to 7 October are holidays
    reported = (await cases.report(WORKER, **spot(8)))["data"]["reportCase"]
    # 2 working hours: 16:00-17:30 on 30 September, then 08:30-09:00 on Thursday 8 October
    assert reported["dueAt"] == "2026-10-08T09:00:00+08:00"
    overdue = 'query { overdueCases(first: 100, divisionCode: "330802001") { nodes { number overdue } } }'
    cases.clock.now = datetime(2026, 10, 7, 23, 0, tzinfo=CHINA)
    assert reported["number"] not in {n["number"] for n in (await cases.ok(CENTRE, overdue))["nodes"]}
    cases.clock.now = datetime(2026, 10, 8, 9, 1, tzinfo=CHINA)
    listed = {n["number"]: n["overdue"] for n in (await cases.ok(CENTRE, overdue))["nodes"]}
    assert listed[reported["number"]] is True
    other_county = 'query { overdueCases(first: 100, divisionCode: "330803") { nodes { number } } }'
    assert reported["number"] not in {n["number"] for n in (await cases.ok(CENTRE, other_county))["nodes"]}
