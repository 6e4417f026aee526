"""`myAccessHistory` on both engines: a resident sees who read their own record (offices, classes,
purposes), never a staff member's subject, nothing about anyone else, and the look-up itself is on
the record; the statements behind it seek the data-subject index instead of scanning the trail."""

import json
import time
from datetime import datetime
from typing import Any

from api import global_id
from graph_model.cypher.audit import LIST_ACCESSES_TO_DATA_SUBJECT, OF_DATA_SUBJECT
from graph_model.cypher.resident import GET_RESIDENT_PERSON
from graph_model.store import GraphStore
from tests.e2e.conftest import READER, Api

AUDITOR = "auditor-3308"
HISTORY = """query MyHistory($after: String) { myAccessHistory(first: 100, after: $after) {
  pageInfo { hasNextPage endCursor } nodes { at operationType dataClasses purpose offices { kind code name } } } }"""
READ_PERSON = "query ReadOnePerson($id: ID!) { person(id: $id) { name } }"
AUDIT = """query Look($f: AuditFilter) { auditRecords(first: 20, filter: $f) {
  nodes { subject operationName dataClasses dataSubjects } } }"""


async def residents(api: Api) -> list[tuple[str, str]]:
    """The two resident personas of the first grid and the persons their sign-ins stand for."""
    found = []
    for i in (1, 2):
        subject = f"resident-{api.samples.grids[0]}-{i}"
        found.append((subject, (await api.store.read(GET_RESIDENT_PERSON, {"subject": subject}))[0]["person"]))
    return found


def now_ms() -> int:
    """Records are stamped in whole milliseconds when their request starts: one made after this is at or after it."""
    return int(time.time() * 1000)


async def history_since(api: Api, subject: str, since: int) -> list[dict[str, Any]]:
    answer = await api.gql(HISTORY, sub=subject)
    assert "errors" not in answer, answer
    nodes: list[dict[str, Any]] = answer["data"]["myAccessHistory"]["nodes"]
    return [n for n in nodes if round(datetime.fromisoformat(n["at"]).timestamp() * 1000) >= since]


async def test_a_resident_sees_the_offices_that_read_them_and_nothing_else(api: Api) -> None:
    (first, mine), (second, theirs) = await residents(api)
    county = api.samples.grids[0][:6]
    officer = f"officer-{county}-minzheng"
    since = now_ms()
    for subject, person, purpose in (
        (READER, mine, "reason:safety-check"),
        (officer, mine, "reason:special-care"),
        (READER, theirs, "reason:dispute"),
    ):
        read = await api.gql(READ_PERSON, sub=subject, purpose=purpose, id=global_id.encode("Person", person))
        assert read["data"]["person"]["name"], read

    seen = await history_since(api, first, since)
    assert [n["purpose"] for n in seen] == ["reason:special-care", "reason:safety-check"]  # newest first
    department, grid_staff = seen[0]["offices"], seen[1]["offices"]
    assert department == [{"kind": "DEPARTMENT", "code": f"{county}-minzheng", "name": department[0]["name"]}]
    assert department[0]["name"].endswith("民政局")
    assert grid_staff == [{"kind": "GRID_STAFF", "code": "3308", "name": "衢州市"}]
    assert all(n["dataClasses"] == ["person.basic"] and n["operationType"] == "query" for n in seen)
    assert [n["purpose"] for n in await history_since(api, second, since)] == ["reason:dispute"]

    shown = json.dumps(await api.gql(HISTORY, sub=first), ensure_ascii=False)
    assert READER not in shown and officer not in shown and "staff-" not in shown and first not in shown


async def test_the_look_up_is_recorded_and_left_out_of_the_list(api: Api) -> None:
    (first, mine), _ = await residents(api)
    since = now_ms()
    await history_since(api, first, since)
    await history_since(api, first, since)
    assert await history_since(api, first, since) == []  # its own look-ups are not "who read my data"
    me = global_id.encode("Person", mine)
    looked = await api.gql(AUDIT, sub=AUDITOR, f={"subject": first, "dataSubject": me})
    records = looked["data"]["auditRecords"]["nodes"]  # the web page's look-ups too, where it ran before
    assert len([r for r in records if r["operationName"] == "MyHistory"]) >= 3
    assert all(r["dataClasses"] == ["access_history"] and r["dataSubjects"] == [me] for r in records)


async def test_nobody_can_ask_for_someone_elses_history(api: Api) -> None:
    (first, _), (_, theirs) = await residents(api)
    other = global_id.encode("Person", theirs)
    named = await api.gql("query($p: ID!) { myAccessHistory(person: $p) { nodes { at } } }", sub=first, p=other)
    assert named["errors"] and named.get("data") is None
    searched = await api.gql(AUDIT, sub=first, f={"dataSubject": other})
    assert searched["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    for outsider in (READER, AUDITOR):  # no access_history rule: staff and auditors have no "own" history here
        refused = await api.gql(HISTORY, sub=outsider)
        assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_the_history_shows_offices_never_people() -> None:
    """The published types have no field that could carry a reader's subject or name."""
    from api.limits import Limits
    from api.schema import build_schema

    types = build_schema(Limits())._schema.type_map
    assert set(types["DataAccess"].fields) == {"at", "offices", "operationType", "dataClasses", "purpose"}
    assert set(types["Office"].fields) == {"kind", "code", "name"}


async def test_the_data_subject_index_is_sought_on_both_engines(store: GraphStore) -> None:
    """The resident's list and every auditor's data-subject read start from the index: on FalkorDB the
    array index on the records' own `data_subjects` (no `AuditAccess` entry is read there; which index a
    scan uses, and that it yields only the named records, is proven by profile in
    tests/integration/test_audit_index.py), on Neo4j the `AuditAccess` entries' index."""
    params = {"data_subject": "x", "reader": "r", "before": "~", "limit": 10, "subject": None, "data_class": None,
              "decision": None, "since": None, "until": None, "trace_id": None, "jurisdiction": None}  # fmt: skip
    for stmt in (LIST_ACCESSES_TO_DATA_SUBJECT, *OF_DATA_SUBJECT):
        plan = await store.plan(stmt, params)  # type: ignore[attr-defined]
        if store.backend == "falkordb":
            assert any(line.startswith("Node By Index Scan | (a:AuditRecord)") for line in plan), (stmt, plan)
            assert not any("AuditAccess" in line or line.startswith("Node By Label Scan") for line in plan), plan
        else:
            assert any(line.startswith("NodeIndexSeek") and "x:AuditAccess(data_subject)" in line for line in plan), (
                stmt,
                plan,
            )
            assert not any(line.startswith(("NodeByLabelScan", "AllNodesScan")) for line in plan), plan
