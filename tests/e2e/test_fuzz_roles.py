"""A bounded fuzz per demo role: operations generated from the schema, sent over HTTP with a purpose.

hypothesis-graphql writes valid operations over every root query field (and the phone correction,
the one mutation that touches no shared policy) with arbitrary argument values: any text, NUL
included, any numbers, any dates. Each document is extended to select `__typename` and `id`
wherever a type has one (both are free: the gate classifies neither), so every grid-scoped row
in an answer can be identified. Then, for every answer:

- no INTERNAL_SERVER_ERROR, no 5xx: every refusal is one of the API's client-error codes;
- every person, household, building, organization and key place in it lies inside the caller's
  jurisdiction, looked up in the graph itself (the row's grid, or its building's grid), and the
  security officer and the auditor receive none at all.

Public directory data (divisions, grids, departments, staff) is readable city-wide by design.
Derandomized and bounded (`EXAMPLES` per role and backend), so CI time stays fixed.
"""

import re
from collections import Counter
from collections.abc import Iterator
from datetime import UTC
from typing import Any

import graphql
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import mutations, nodes, queries

from api import global_id
from api.schema import build_schema
from graph_model.cypher.household import GET_HOUSEHOLDS_BY_IDS
from graph_model.cypher.person import GET_PERSONS_BY_IDS
from graph_model.cypher.place import GET_BUILDINGS_BY_IDS, GET_KEY_PLACES_BY_IDS, GET_ORGANIZATIONS_BY_IDS
from graph_model.store import GraphStore
from tests.common.samples import Samples
from tests.e2e.conftest import LIMITS, Api

EXAMPLES = 150  # per role and backend: ~20 s on FalkorDB, ~45 s on Neo4j on 2 busy cores
CLIENT_ERRORS = {"UNAUTHENTICATED", "FORBIDDEN", "BAD_USER_INPUT", "NOT_FOUND", "CONFLICT"}
SCOPED = {"Person": GET_PERSONS_BY_IDS, "Household": GET_HOUSEHOLDS_BY_IDS, "Building": GET_BUILDINGS_BY_IDS,
          "KeyPlace": GET_KEY_PLACES_BY_IDS, "Organization": GET_ORGANIZATIONS_BY_IDS}  # fmt: skip
SCHEMA = build_schema(LIMITS)._schema


class _SelectIds(graphql.Visitor):
    """Adds `__typename`, and `id` where the type has one, to every selection set."""

    def __init__(self, type_info: graphql.TypeInfo) -> None:
        super().__init__()
        self.type_info = type_info

    def leave_selection_set(self, node: graphql.SelectionSetNode, *_: Any) -> graphql.SelectionSetNode:
        parent = self.type_info.get_parent_type()
        wanted = ["__typename"] + (["id"] if "id" in getattr(parent, "fields", {}) else [])
        extra = [graphql.FieldNode(name=graphql.NameNode(value=name)) for name in wanted]
        return graphql.SelectionSetNode(selections=(*node.selections, *extra))


def with_ids(document: graphql.DocumentNode) -> str:
    type_info = graphql.TypeInfo(SCHEMA)
    return graphql.print_ast(graphql.visit(document, graphql.TypeInfoVisitor(type_info, _SelectIds(type_info))))


DATES = st.datetimes(timezones=st.none() | st.just(UTC)).map(lambda moment: nodes.String(moment.isoformat()))
TEXT = st.text().map(nodes.String)
# Arbitrary ids and codes rarely name a row, so most are placeholders that each example resolves to
# a real id or division code of the seeded graph, in the caller's grid and outside it alike.
SCALARS = {
    "DateTime": DATES,
    "Date": st.dates().map(nodes.String),
    "ID": st.one_of(st.integers(0, 63).map(lambda n: nodes.String(f"@id:{n}")), TEXT, st.integers().map(nodes.Int)),
    "String": st.one_of(st.integers(0, 63).map(lambda n: nodes.String(f"@code:{n}")), TEXT),
}
PLACEHOLDER = re.compile(r"@(id|code):(\d+)")
ROOTS = [*SCHEMA.query_type.fields]  # one root field per operation: a denied sibling would refuse it all
OPERATIONS = st.one_of(
    *(queries(SCHEMA, fields=[root], custom_scalars=SCALARS, print_ast=with_ids) for root in ROOTS),
    mutations(SCHEMA, fields=["updatePersonPhone"], custom_scalars=SCALARS, print_ast=with_ids),
)


def real_values(samples: Samples) -> dict[str, list[str]]:
    """Global ids of every kind of row and division codes at every level, from the seeded graph."""
    ids = [global_id.encode("Building", samples.building), global_id.encode("Organization", samples.organization),
           global_id.encode("KeyPlace", samples.key_place)]  # fmt: skip
    for grid in samples.grids:
        ids += [global_id.encode("Grid", grid), global_id.encode("Division", grid[:6]),
                global_id.encode("Person", samples.persons[grid]), global_id.encode("Household", samples.households[grid])]  # fmt: skip
    codes = sorted({grid[:size] for grid in samples.grids for size in (4, 6, 9, 12, 15)})
    return {"id": ids, "code": codes}


def resolve(operation: str, values: dict[str, list[str]]) -> str:
    return PLACEHOLDER.sub(lambda m: values[m[1]][int(m[2]) % len(values[m[1]])], operation)


# Demo subjects (`wangge token --list`) and where their scoped rows may come from; None: nowhere.
ROLES = {
    "chief": lambda grid: grid,
    "part1": lambda grid: grid,
    "resident": lambda grid: grid,
    "officer-330802-minzheng": lambda grid: "330802",
    "security-3308-1": lambda grid: None,
    "auditor-3308": lambda grid: None,
}


def subject_of(role: str, grid: str) -> str:
    if role in ("chief", "part1"):
        return f"staff-{grid}-{role}"
    return f"resident-{grid}-1" if role == "resident" else role


def scoped_rows(value: object) -> Iterator[tuple[str, str]]:
    """(type, raw id) of every grid-scoped object anywhere in an answer."""
    if isinstance(value, dict):
        if value.get("__typename") in SCOPED and isinstance(value.get("id"), str):
            yield global_id.decode(value["id"], value["__typename"])
        for item in value.values():
            yield from scoped_rows(item)
    elif isinstance(value, list):
        for item in value:
            yield from scoped_rows(item)


async def grids_of(store: GraphStore, rows: set[tuple[str, str]], every_grid: list[str]) -> dict[str, str]:
    """The grid of each row, read from the graph with no scope: raw id → grid code."""
    found: dict[str, str] = {}
    for type_name, statement in SCOPED.items():
        ids = sorted(raw for kind, raw in rows if kind == type_name)
        if ids:
            records = await store.read(statement, {"ids": ids, "grids": every_grid})
            if type_name == "Organization":
                buildings = {r["id"]: r["building"] for r in records}
                located = await store.read(GET_BUILDINGS_BY_IDS, {"ids": sorted(set(buildings.values())),
                                                                  "grids": every_grid})  # fmt: skip
                grid_of = {b["id"]: b["grid"] for b in located}
                found.update({org: grid_of[building] for org, building in buildings.items()})
            else:
                found.update({r["id"]: r["grid"] for r in records})
    return found


@pytest.fixture
def tally() -> Iterator[Counter[str]]:
    """Counts over all examples of one test, checked once they have all run: the fuzz reached execution
    (not only refusals) and, for the grid chief, who reads everything of a grid, checked scoped rows."""
    counts: Counter[str] = Counter()
    yield counts
    assert counts["answers"] > 0, counts
    assert counts["rows"] >= counts["rows expected"], counts


@pytest.mark.parametrize("role", list(ROLES))
@settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])  # fmt: skip
@given(operation=OPERATIONS)
async def test_fuzzed_operations_stay_in_scope_and_never_fail_internally(
    api: Api, tally: Counter[str], role: str, operation: str
) -> None:
    grid = api.samples.grids[0]
    subject, jurisdiction = subject_of(role, grid), ROLES[role](grid)
    operation = resolve(operation, real_values(api.samples))
    response = await api.post({"query": operation}, token=api.token(subject))
    assert response.status_code < 500, (operation, response.text[:300])
    body = response.json()
    codes = {error["extensions"]["code"] for error in body.get("errors", [])}
    assert codes <= CLIENT_ERRORS, (operation, body["errors"])
    rows = set(scoped_rows(body.get("data")))
    if rows:
        assert jurisdiction is not None, (subject, operation, sorted(rows)[:3])
        grids = await grids_of(api.store.inner, rows, api.samples.grids)
        outside = {raw: g for raw, g in grids.items() if not g.startswith(jurisdiction)}
        assert len(grids) == len(rows) and not outside, (subject, operation, outside)
    tally["answers"] += body.get("data") is not None
    tally["rows"] += len(rows)
    tally["rows expected"] = int(role == "chief")
