"""Who sees which case, and who may take which step: the insider's attempts, on both engines.

A resident sees only its own reports; a department only what is dispatched to it; grid staff
their grid; the reporter is hidden from part-timers and, for an anonymous report, from all but
the intake centre; 信访 needs case.petition and a declared purpose; governance roles see none.
"""

from api import global_id
from tests.common.cases import (
    CENTRE,
    CHIEF,
    G0,
    NEIGHBOUR,
    OTHER_WORKER,
    PART_TIMER,
    RESIDENT,
    RESIDENT_FIELDS,
    WORKER,
    CaseApi,
    code,
    officer,
    spot,
)
from tests.common.samples import Samples

READ = "query($id: ID!) { case(id: $id) { number status reporter anonymous } }"
READ_OWN = "query($id: ID!) { case(id: $id) { number status anonymous } }"  # residents hold no case.reporter
LIST = "query($f: CaseFilter) { cases(first: 100, filter: $f) { nodes { number reporter } } }"
LIST_OWN = "query { cases(first: 100) { nodes { number } } }"


async def test_a_resident_sees_its_own_reports_only(cases: CaseApi) -> None:
    mine = await cases.report(RESIDENT, RESIDENT_FIELDS, **spot(10), source="RESIDENT", contactPhone="13800001111")
    case_id = mine["data"]["reportCase"]["id"]
    assert code(await cases.gql(NEIGHBOUR, READ_OWN, id=case_id)) == "NOT_FOUND"
    assert code(await cases.gql(RESIDENT, READ, id=case_id)) == "FORBIDDEN"  # not even its own reporter field
    assert (await cases.ok(CHIEF, READ, id=case_id))["reporter"] == RESIDENT
    staff_case = (await cases.report(WORKER, **spot(11)))["data"]["reportCase"]
    assert code(await cases.gql(RESIDENT, READ_OWN, id=staff_case["id"])) == "NOT_FOUND"
    listed = {n["number"] for n in (await cases.ok(RESIDENT, LIST_OWN))["nodes"]}
    by_chief = {n["number"]: n["reporter"] for n in (await cases.ok(CHIEF, LIST))["nodes"]}
    assert mine["data"]["reportCase"]["number"] in listed and staff_case["number"] not in listed
    assert {by_chief[n] for n in listed if n in by_chief} == {RESIDENT}
    assert code(await cases.act(RESIDENT, "acceptCase", case_id)) == "FORBIDDEN"  # no `assign`: gate refuses
    probing = await cases.report(
        RESIDENT, RESIDENT_FIELDS, **spot(12), personIds=[global_id.encode("Person", "anyone")]
    )
    assert code(probing) == "FORBIDDEN"  # linking persons needs person.basic unmasked


async def test_departments_see_what_is_dispatched_to_them(cases: CaseApi) -> None:
    case_id = (await cases.report(WORKER, **spot(13)))["data"]["reportCase"]["id"]
    assert code(await cases.gql(officer("yingji"), READ, id=case_id)) == "NOT_FOUND"
    await cases.act(CENTRE, "acceptCase", case_id)
    await cases.act(CENTRE, "assignCase", case_id, departmentCode="330802-yingji")
    seen = await cases.ok(officer("yingji"), READ, id=case_id)
    assert seen["status"] == "ASSIGNED" and seen["reporter"] is None  # case.reporter is masked for departments
    assert code(await cases.gql(officer("minzheng"), READ, id=case_id)) == "NOT_FOUND"
    assert code(await cases.gql("officer-330803-yingji", READ, id=case_id)) == "NOT_FOUND"
    assert code(await cases.act(officer("minzheng"), "signCase", case_id)) == "NOT_FOUND"
    assert code(await cases.act(officer("yingji"), "acceptCase", case_id)) == "FORBIDDEN"
    grid_attempt = await cases.act(WORKER, "signCase", case_id)
    assert grid_attempt["errors"][0]["extensions"] == {"code": "FORBIDDEN", "reason": "NOT_ASSIGNEE"}
    numbers = {n["number"] for n in (await cases.ok(officer("yingji"), LIST))["nodes"]}
    assert seen["number"] in numbers


async def test_grid_staff_see_their_grid_and_part_timers_no_reporter(cases: CaseApi) -> None:
    case_id = (await cases.report(RESIDENT, RESIDENT_FIELDS, **spot(14)))["data"]["reportCase"]["id"]
    assert code(await cases.gql(OTHER_WORKER, READ, id=case_id)) == "NOT_FOUND"
    assert (await cases.ok(CHIEF, READ, id=case_id))["reporter"] == RESIDENT
    assert (await cases.ok(PART_TIMER, READ, id=case_id))["reporter"] is None
    other_grid = {"f": {"grid": global_id.encode("Grid", G0)}}
    assert (await cases.ok(OTHER_WORKER, LIST, **other_grid))["nodes"] == []
    for governance in ("security-3308-1", "auditor-3308"):
        assert code(await cases.gql(governance, READ, id=case_id)) == "FORBIDDEN"


async def test_anonymous_reports_hide_the_reporter_from_all_but_the_intake_centre(cases: CaseApi) -> None:
    case = (await cases.report(RESIDENT, RESIDENT_FIELDS, **spot(15), anonymous=True))["data"]["reportCase"]
    assert case["anonymous"] is True
    case_id = case["id"]
    for sub in (CHIEF, WORKER, RESIDENT, "centre-330803"):
        body = await cases.gql(sub, READ, id=case_id)
        assert "errors" in body or body["data"]["case"]["reporter"] is None, (sub, body)
    assert (await cases.ok(CENTRE, READ, id=case_id))["reporter"] == RESIDENT
    steps = await cases.ok(CHIEF, "query($id: ID!) { case(id: $id) { steps { by } } }", id=case_id)
    assert steps == {"steps": [{"by": None}]}


async def test_petitions_need_case_petition_and_a_purpose(cases: CaseApi) -> None:
    case = (await cases.report(CENTRE, **spot(16), category="petition.request", description="信访：征地补偿"))["data"]
    case_id = case["reportCase"]["id"]
    assert code(await cases.gql(WORKER, READ, id=case_id)) == "NOT_FOUND"
    assert code(await cases.gql(CHIEF, READ, id=case_id, purpose=None)) == "NOT_FOUND"
    assert (await cases.ok(CHIEF, READ, id=case_id))["status"] == "REPORTED"
    await cases.act(CENTRE, "acceptCase", case_id)
    await cases.act(CENTRE, "assignCase", case_id, departmentCode="330802-xinfang")
    assert (await cases.ok(officer("xinfang"), READ, id=case_id))["status"] == "ASSIGNED"


async def test_linked_persons_must_be_in_the_reporters_scope(cases: CaseApi, samples: Samples) -> None:
    inside = global_id.encode("Person", samples.persons[G0])
    outside = global_id.encode("Person", samples.persons[samples.grids[-1]])
    linked = await cases.report(WORKER, **spot(17), personIds=[inside])
    assert "errors" not in linked
    refused = await cases.report(WORKER, **spot(18), personIds=[inside, outside])
    assert code(refused) == "NOT_FOUND"
