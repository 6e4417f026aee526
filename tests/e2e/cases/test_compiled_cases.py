"""Compiled case reads against the resolvers, on both backends: the same bytes, the same audit record.

Cases in every relation to the callers are made first (a department's, a resident's with a phone,
an anonymous one, a 信访 one, one past its due time), then each operation is sent as each role to an
app that compiles reads and to one that resolves every field, over the same graph and the same
clock. The two answers must be identical byte for byte (data, nulls, masked reporters, errors and
their paths, key order), and so must the audit records they leave (data subjects, classes,
decision, outcome). Hand-written operations cover every compiled case field and every scope;
generated ones (hypothesis-graphql over `case`, `cases` and `overdueCases`) the odd shapes.
"""

import json
import re
from collections.abc import AsyncIterator, Mapping
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx
import pytest
from hypothesis import event, given
from hypothesis import strategies as st
from hypothesis_graphql import nodes, queries

from api import global_id
from api.case.routing import GridRouter
from api.case.services import CaseServices
from api.pagination import encode_cursor
from authz.tokens import LocalIssuer
from graph_model.statement import Statement
from graph_model.store import GraphStore, Record
from tests.common.cases import (
    CENTRE,
    CHIEF,
    G0,
    G1,
    NEIGHBOUR,
    OTHER_WORKER,
    PART_TIMER,
    RESIDENT,
    WORKER,
    CaseApi,
    officer,
    spot,
)
from tests.common.counting import CountingStore
from tests.e2e.conftest import READER, app_client
from tests.e2e.test_compiled_reads import differential
from tests.e2e.test_fuzz_roles import SCALARS, SCHEMA, resolve, with_ids

# grid staff (raw reporter), a part-timer and a department (masked reporter), the intake centre, a
# resident reporter and its neighbour (who reports anonymously), another grid's worker, and the city-wide reader
ROLES = (WORKER, PART_TIMER, CENTRE, officer("yingji"), RESIDENT, NEIGHBOUR, OTHER_WORKER, READER)
CASE = """id number status category description priority source level lat lon department assignee assignedGrid
  reportedAt dueAt overdue extensionUntil satisfaction reworks extensions duplicateOf anonymous reporter contactPhone
  grid { id code name divisionPath village { code } } workItem { code name category admitted lead assist version }
  steps { action at by fromStatus toStatus note } __typename"""
OWN = CASE.replace(" reporter contactPhone", "")  # residents hold no case.reporter
OPERATIONS = (
    "query($id: ID!) { case(id: $id) { %s } }",
    "query($f: CaseFilter) { cases(first: 3, filter: $f) { pageInfo { hasNextPage endCursor } edges { cursor node { %s } } } }",
    "query($after: String) { cases(first: 2, after: $after) { nodes { %s } pageInfo { endCursor } } }",
    'query { overdueCases(first: 50, divisionCode: "330802") { nodes { %s } } }',
    'query { late: overdueCases(departmentCode: "330802-yingji") { edges { node { %s } } } all: cases { nodes { number } } }',
    # persons under a case's grid: the persons' own row scope and masking
    "query($id: ID!) { case(id: $id) { number grid { households(first: 2) { nodes { members { name idNumber phone } } } } } }",
)  # fmt: skip
GENERATED = 20  # examples per role and backend
VALUES = {
    **SCALARS,
    "ID": st.one_of(st.integers(0, 15).map(lambda n: nodes.String(f"@id:{n}")), SCALARS["ID"]),
    "String": st.one_of(st.integers(0, 15).map(lambda n: nodes.String(f"@code:{n}")), SCALARS["String"]),
    "Int": st.one_of(st.integers(1, 60), st.integers(-(2**31), 2**31 - 1)).map(nodes.Int),
}
GENERATED_OPERATIONS = st.one_of(
    *(queries(SCHEMA, fields=[root], custom_scalars=VALUES, print_ast=with_ids) for root in ("case", "cases", "overdueCases"))
)  # fmt: skip
AFTER = re.compile(r'after: "(?:[^"\\]|\\.)*"')
VOLATILE = {"at", "duration_ms", "trace_id"}


class RecordingStore(CountingStore):
    """Counts statements and keeps the audit records appended, to compare what both paths record."""

    def __init__(self, inner: GraphStore) -> None:
        super().__init__(inner)
        self.records: list[dict[str, Any]] = []

    async def write(self, stmt: Statement, params: Mapping[str, Any] | None = None) -> list[Record]:
        if stmt.name == "APPEND_AUDIT_RECORDS" and params is not None:
            for row in params["rows"]:
                body = json.loads(row["body"])
                self.records.append({k: v for k, v in body.items() if k not in VOLATILE})
        return await super().write(stmt, params)


@dataclass
class Made:
    """The cases made for one test: global ids and numbers."""

    ids: dict[str, str] = field(default_factory=dict)
    numbers: dict[str, str] = field(default_factory=dict)


@dataclass
class Pair:
    compiled: httpx.AsyncClient
    resolved: httpx.AsyncClient
    compiled_store: RecordingStore
    resolved_store: RecordingStore
    issuer: LocalIssuer
    made: Made

    async def both(self, sub: str, query: str, purpose: str = "reason:public-service", **variables: Any) -> Any:
        """Sends the operation to both apps; asserts identical answers and audit records; the answer."""
        headers = {"authorization": f"Bearer {self.issuer.issue(sub, ttl=300)}", "wangge-purpose": purpose}
        body = {"query": query, "variables": variables}
        self.compiled_store.sent.clear()
        self.compiled_store.records.clear()
        self.resolved_store.records.clear()
        compiled = await self.compiled.post("/graphql", json=body, headers=headers)
        resolved = await self.resolved.post("/graphql", json=body, headers=headers)
        assert compiled.status_code == resolved.status_code, (sub, query, variables)
        assert compiled.content == resolved.content, (sub, query, variables)
        assert self.compiled_store.records, "every request leaves a record"
        assert self.compiled_store.records == self.resolved_store.records, (sub, query, variables)
        return compiled.json()

    def compiled_statements(self) -> bool:
        return any(name.startswith("COMPILED_") for name in self.compiled_store.sent)


def _spot(n: int) -> dict[str, float]:
    """Points of G0 east of the other case suites' spots (which reuse one longitude): no duplicates of theirs."""
    return {**spot(n), "lon": 118.792}


async def _make(cases: CaseApi) -> Made:
    made = Made()

    async def report(name: str, sub: str, selection: str = "id number", **fields: Any) -> str:
        body = await cases.report(sub, selection, **fields)
        assert "errors" not in body, body
        made.ids[name], made.numbers[name] = body["data"]["reportCase"]["id"], body["data"]["reportCase"]["number"]
        return made.ids[name]

    dispatched = await report("dispatched", WORKER, **_spot(21))
    for step, extra in (("acceptCase", {}), ("assignCase", {"departmentCode": "330802-yingji"})):
        assert "errors" not in await cases.act(CENTRE, step, dispatched, **extra)
    resident = await report("resident", RESIDENT, source="RESIDENT", contactPhone="13800001111", **_spot(22))
    sooner = (cases.clock.now + timedelta(days=1)).isoformat()
    steps = (("acceptCase", {}), ("assignCase", {"staffId": global_id.encode("Staff", WORKER)}),
             ("superviseCase", {"dueAt": sooner, "note": "催办"}))  # fmt: skip
    for step, extra in steps:  # who acts, to whom and the note: for staff, not for the reporter
        assert "errors" not in await cases.act(CENTRE, step, resident, **extra)
    # by the neighbour: the case suites take every report of RESIDENT's to name it to the grid chief
    await report("anonymous", NEIGHBOUR, source="RESIDENT", anonymous=True, contactPhone="13800002222", **_spot(23))
    await report("petition", CHIEF, category="petition.request", **_spot(24))
    await report("duplicate", WORKER, **_spot(22))  # the same item at the same spot: a duplicate of the resident's
    return made


# The cases made, per backend: made once in the session's graph, since every one stays open and
# overdue in the pages of the suites that run after this one.
_MADE: dict[str, Made] = {}


@pytest.fixture
async def pair(store: GraphStore, issuer: LocalIssuer, cases: CaseApi) -> AsyncIterator[Pair]:
    """Both apps on the clock of the case suites' app."""
    services = CaseServices(router=GridRouter(store), clock=cases.clock)
    compiled_store, resolved_store = RecordingStore(store), RecordingStore(store)
    async with AsyncExitStack() as stack:
        compiled = await stack.enter_async_context(app_client(compiled_store, issuer, cases=services))  # type: ignore[arg-type]
        resolved = await stack.enter_async_context(
            app_client(resolved_store, issuer, cases=services, compiled=False)  # type: ignore[arg-type]
        )
        made = _MADE.get(store.backend) or await _make(cases)
        _MADE[store.backend] = made
        cases.clock.advance(days=10)  # every open case is past its due time now
        yield Pair(compiled, resolved, compiled_store, resolved_store, issuer, made)


def _variables(made: Made) -> list[dict[str, Any]]:
    """Every case made and a missing one; the grid's cases after a cursor, another grid's by status, 信访 by category."""
    return [
        *({"id": case_id} for case_id in made.ids.values()),
        {"id": global_id.encode("Case", "2026-999999")},
        {"f": {"grid": global_id.encode("Grid", G0)}, "after": encode_cursor(made.numbers["resident"])},
        {"f": {"grid": global_id.encode("Grid", G1), "status": "REPORTED"}},
        {"f": {"division": "330802", "category": "petition.request"}},
    ]


@pytest.mark.parametrize("sub", ROLES)
async def test_compiled_case_reads_answer_as_the_resolvers(pair: Pair, sub: str) -> None:
    """Each operation with each of its variables, under a reason and under the dispatched case as purpose
    (which refuses the persons read below a case's grid: they are not the persons the case concerns)."""
    selection = OWN if sub in (RESIDENT, NEIGHBOUR) else CASE
    compiled = 0
    for operation in OPERATIONS:
        query = operation.replace("%s", selection)
        used = {
            json.dumps({k: v for k, v in variables.items() if f"${k}" in query}) for variables in _variables(pair.made)
        }
        for variables in map(json.loads, sorted(used)):
            for purpose in ("reason:public-service", f"case:{pair.made.numbers['dispatched']}"):
                await pair.both(sub, query, purpose, **variables)
                compiled += pair.compiled_statements()
    # Pages compile for every role (a case out of scope, a bad id or a purpose refused answer through
    # the resolvers): the comparison is not between two runs of the resolvers.
    assert compiled >= 5, compiled


async def test_what_each_role_sees_through_the_compiled_path(pair: Pair) -> None:
    """The comparison above could pass with both paths wrong alike: the scope and masks, as documented."""
    query = (
        "query($id: ID!) { case(id: $id) { number reporter contactPhone overdue assignee steps { action by note } } }"
    )
    resident = pair.made.ids["resident"]
    chief = (await pair.both(CHIEF, query, id=resident))["data"]["case"]
    assert (chief["reporter"], chief["contactPhone"], chief["overdue"]) == (RESIDENT, "13800001111", True)
    assert pair.compiled_statements() and chief["assignee"] == WORKER
    assert [(s["action"], s["by"], s["note"]) for s in chief["steps"]] == [
        ("report", None, None), ("accept", CENTRE, None), ("assign", CENTRE, None), ("supervise", CENTRE, "催办")
    ]  # fmt: skip
    own = query.replace(" reporter contactPhone", "")
    reporter = (await pair.both(RESIDENT, own, id=resident))["data"]["case"]
    assert pair.compiled_statements() and reporter["assignee"] is None and len(reporter["steps"]) == 4
    assert {(s["by"], s["note"]) for s in reporter["steps"]} == {(None, None)}  # the office acts, not a person
    masked = (await pair.both(PART_TIMER, query, id=resident))["data"]["case"]
    assert (masked["reporter"], masked["contactPhone"]) == (None, None)
    anonymous = pair.made.ids["anonymous"]
    assert (await pair.both(WORKER, query, id=anonymous))["data"]["case"]["reporter"] is None
    assert (await pair.both(CENTRE, query, id=anonymous))["data"]["case"]["reporter"] == NEIGHBOUR
    department = (await pair.both(officer("yingji"), query, id=pair.made.ids["dispatched"]))["data"]["case"]
    assert department["reporter"] is None and [s["action"] for s in department["steps"]] == [
        "report",
        "accept",
        "assign",
    ]
    for outsider, case_id in ((NEIGHBOUR, resident), (OTHER_WORKER, resident), (officer("minzheng"), pair.made.ids["dispatched"])):  # fmt: skip
        body = await pair.both(outsider, query.replace(" reporter contactPhone", ""), id=case_id)
        assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    petition = "query($id: ID!) { case(id: $id) { number } }"
    assert (await pair.both(CHIEF, petition, id=pair.made.ids["petition"]))["data"]["case"]
    assert (await pair.both(PART_TIMER, petition, id=pair.made.ids["petition"]))["errors"][0]["extensions"][
        "code"
    ] == "NOT_FOUND"
    mine = "query { cases(first: 100) { nodes { number } } }"
    seen = {n["number"] for n in (await pair.both(RESIDENT, mine))["data"]["cases"]["nodes"]}
    assert pair.compiled_statements() and pair.made.numbers["resident"] in seen
    assert pair.made.numbers["dispatched"] not in seen and pair.made.numbers["anonymous"] not in seen


async def test_one_statement_per_case_root_field(pair: Pair) -> None:
    """A page of cases with their steps, grid and work item, a case and the overdue cases: one
    statement each, plus the audit append, whatever the page size."""
    page = """query($first: Int) { cases(first: $first) { pageInfo { hasNextPage } nodes { number overdue
      steps { action at by } grid { code name village { code } } workItem { name } } } }"""
    await pair.both(CHIEF, page, first=1)  # the caller's grants, loaded once
    for first in (2, 50):
        pair.compiled_store.sent.clear()
        body = await pair.compiled.post(
            "/graphql",
            json={"query": page, "variables": {"first": first}},
            headers={"authorization": f"Bearer {pair.issuer.issue(CHIEF, ttl=300)}"},
        )
        nodes_ = body.json()["data"]["cases"]["nodes"]
        assert len(nodes_) >= min(first, 4) and all(n["steps"] and n["grid"] for n in nodes_)  # 4 made in its grid
        assert _kinds(pair.compiled_store.sent) == ["COMPILED_CASE_PAGE", "APPEND_AUDIT_RECORDS"]
    roots = (
        """query($id: ID!) { case(id: $id) { number steps { action } } overdueCases(first: 5) { nodes { number } } }"""
    )
    for _ in range(2):  # the first loads the centre's grants
        await pair.both(CENTRE, roots, id=pair.made.ids["dispatched"])
    assert sorted(_kinds(pair.compiled_store.sent)) == [
        "APPEND_AUDIT_RECORDS",
        "COMPILED_CASE_BY_KEY",
        "COMPILED_OVERDUECASE_PAGE",
    ]


def _kinds(sent: list[str]) -> list[str]:
    return [name.rsplit("_", 1)[0] if name.startswith("COMPILED_") else name for name in sent]


@pytest.mark.parametrize("sub", (WORKER, PART_TIMER, CENTRE, officer("yingji"), RESIDENT))
@differential(GENERATED)
@given(operation=GENERATED_OPERATIONS, data=st.data())
async def test_generated_case_operations_answer_as_the_resolvers(
    pair: Pair, sub: str, operation: str, data: st.DataObject
) -> None:
    made = pair.made
    values = {
        "id": [*made.ids.values(), global_id.encode("Grid", G0), global_id.encode("Case", "2026-000000")],
        "code": ["330802", G0[:9], G0, "330802-yingji", "safety.hazard", "petition.request", "3308"],
    }
    query = resolve(operation, values)
    cursors = [encode_cursor(number) for number in made.numbers.values()]
    query = AFTER.sub(
        lambda m: m[0] if data.draw(st.booleans()) else f'after: "{data.draw(st.sampled_from(cursors))}"', query
    )
    await pair.both(sub, query)
    event("compiled" if pair.compiled_statements() else "resolved")
