"""Compiled reads against the resolvers, on both backends: the same bytes, in fewer statements.

The differential test sends each generated operation (hypothesis-graphql over every root query
field, ids and codes replaced by real ones of the seeded graph, in and outside the caller's
jurisdiction) to two apps over the same graph: one that compiles reads, one that resolves every
field. As each of several roles, masked and unmasked, with a purpose, the two response bodies must
be identical byte for byte: data, nulls, masks, errors and their paths, key order.
"""

import re
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass

import httpx
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import nodes, queries

from api import global_id
from api.pagination import encode_cursor
from graph_model.cypher.compiled import HOPS
from graph_model.store import GraphStore
from tests.common.counting import CountingStore
from tests.e2e.conftest import READER, Api, app_client
from tests.e2e.test_fuzz_roles import SCALARS, SCHEMA, real_values, resolve, subject_of, with_ids

EXAMPLES = 50  # per role and backend; about a third take the compiled path (see --hypothesis-show-statistics)
PURPOSE = {"wangge-purpose": "reason:public-service"}
ROLES = ("reader", "part1", "resident", "officer-330802-minzheng")  # raw city-wide, own grid, public, masked
COMPILED_ROOTS = ("node", "grid", "person", "persons", "household", "households", "building", "organizations", "keyPlaces",
                  "division")  # fmt: skip
# Mostly values that resolve (real ids and codes, page sizes in range), so that most operations take
# the compiled path; the rest are arbitrary and take the resolvers' path in both apps.
VALUES = {
    **SCALARS,
    "ID": st.one_of(st.integers(0, 63).map(lambda n: nodes.String(f"@id:{n}")), SCALARS["ID"]),
    "String": st.one_of(st.integers(0, 63).map(lambda n: nodes.String(f"@code:{n}")), SCALARS["String"]),
    "Int": st.one_of(st.integers(1, 100), st.integers(1, 100), st.integers(-(2**31), 2**31 - 1)).map(nodes.Int),
}
AFTER = re.compile(r'after: "(?:[^"\\]|\\.)*"')  # a generated cursor is mostly malformed: half become real ones
QUERIES = st.one_of(
    *(queries(SCHEMA, fields=[root], custom_scalars=VALUES, print_ast=with_ids) for root in COMPILED_ROOTS)
)


@dataclass
class Pair:
    compiled: httpx.AsyncClient
    resolved: httpx.AsyncClient
    counting: CountingStore


@pytest.fixture
async def pair(store: GraphStore, issuer: object, test_grants: None) -> AsyncIterator[Pair]:
    counting = CountingStore(store)
    async with AsyncExitStack() as stack:
        compiled = await stack.enter_async_context(app_client(counting, issuer))  # type: ignore[arg-type]
        resolved = await stack.enter_async_context(app_client(store, issuer, compiled=False))  # type: ignore[arg-type]
        yield Pair(compiled, resolved, counting)


def _kinds(sent: list[str]) -> list[str]:
    """Statement names with a composed statement's digest dropped."""
    return [name.rsplit("_", 1)[0] if name.startswith("COMPILED_") else name for name in sent]


def _subject(role: str, grid: str) -> str:
    return READER if role == "reader" else subject_of(role, grid)


def differential(examples: int) -> settings:
    """Hypothesis settings of the differential tests: a fixed sample (derandomized, so a failure comes
    back on the next run), no deadline (requests over a shared machine take what they take)."""
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    )


@pytest.mark.parametrize("role", ROLES)
@differential(EXAMPLES)
@given(operation=QUERIES, data=st.data())
async def test_compiled_and_resolved_answers_are_identical(
    pair: Pair, api: Api, role: str, operation: str, data: st.DataObject
) -> None:
    query = resolve(operation, real_values(api.samples))
    cursors = [encode_cursor(raw) for raw in (api.samples.person, api.samples.household, "")]
    query = AFTER.sub(
        lambda m: m[0] if data.draw(st.booleans()) else f'after: "{data.draw(st.sampled_from(cursors))}"', query
    )
    headers = {"authorization": f"Bearer {api.token(_subject(role, api.samples.grids[0]))}", **PURPOSE}
    body = {"query": query}
    pair.counting.sent.clear()
    compiled = await pair.compiled.post("/graphql", json=body, headers=headers)
    event("compiled" if any(n.startswith("COMPILED_") for n in pair.counting.sent) else "resolved")
    resolved = await pair.resolved.post("/graphql", json=body, headers=headers)
    assert compiled.status_code == resolved.status_code, query
    assert compiled.content == resolved.content, query


GRID_PAGE = """query($id: ID!, $first: Int) { grid(id: $id) { id code name householdCount personCount
  village { code parent { code } } staff(role: GRID_CHIEF) { name role } keyPlaces { id name }
  buildings(first: 3) { nodes { address organizations { name building { id } } } }
  households(first: $first) { pageInfo { hasNextPage endCursor } edges { cursor node { id kind
    dwelling { unit building { address grid { code } } }
    members { id name idNumber household { id members { id } } grid { code } } } } } } }"""


async def test_one_statement_per_root_field_whatever_the_nesting(api: Api) -> None:
    """Every hop the compiler knows, nested five deep, in pages of 5 and of 50: one statement per root
    field, plus the audit append."""
    grid = global_id.encode("Grid", api.samples.grids[0])
    await api.gql(GRID_PAGE, id=grid, first=1)  # the caller's grants, loaded once
    for first in (5, 50):
        api.store.sent.clear()
        body = await api.gql(GRID_PAGE, id=grid, first=first)
        assert "errors" not in body and len(body["data"]["grid"]["households"]["edges"]) == first
        assert _kinds(api.store.sent) == ["COMPILED_GRID_BY_KEY", "APPEND_AUDIT_RECORDS"]
    two_roots = """query($id: ID!) { persons(first: 20, filter: {division: "330802", ageMin: 60}) { nodes { id
      household { members { name } } } } division(code: "330802") { grids { code } children { name } }
      person(id: $id) { name grid { name } } }"""
    api.store.sent.clear()
    body = await api.gql(two_roots, id=global_id.encode("Person", api.samples.person))
    assert "errors" not in body and body["data"]["persons"]["nodes"]
    sent = sorted(_kinds(api.store.sent))
    assert sent == [
        "APPEND_AUDIT_RECORDS",
        "COMPILED_DIVISION_BY_KEY",
        "COMPILED_PERSON_BY_KEY",
        "COMPILED_PERSON_PAGE",
    ]


async def test_every_hop_is_compiled_by_the_grid_page_and_its_neighbours(api: Api) -> None:
    """The statement-count test above covers every hop of graph_model's table (so each one runs on both
    engines there), except the person's own household and grid, covered here, and a case's steps and
    work item (tests/e2e/cases/test_compiled_cases.py)."""
    covered = {"IN_GRID", "GRID_VILLAGE", "DIVISION_PARENT", "GRID_STAFF", "GRID_KEY_PLACES", "GRID_BUILDINGS",
               "BUILDING_ORGANIZATIONS", "ORGANIZATION_BUILDING", "GRID_HOUSEHOLDS", "HOUSEHOLD_DWELLING",
               "DWELLING_BUILDING", "HOUSEHOLD_MEMBERS", "PERSON_HOUSEHOLD", "GRID_HOUSEHOLD_COUNT",
               "GRID_PERSON_COUNT", "DIVISION_GRIDS", "DIVISION_CHILDREN", "CASE_STEPS", "CASE_WORK_ITEM"}  # fmt: skip
    assert covered == set(HOPS)
    api.store.sent.clear()
    body = await api.gql(
        "query($id: ID!) { person(id: $id) { household { kind grid { code } } grid { code } } }",
        id=global_id.encode("Person", api.samples.person),
    )
    assert body["data"]["person"]["grid"]["code"] == body["data"]["person"]["household"]["grid"]["code"]
    assert _kinds(api.store.graph_reads()) == ["GET_ACTIVE_GRANTS_BY_SUBJECT", "COMPILED_PERSON_BY_KEY"]
    api.store.sent.clear()
    body = await api.gql(
        "query($id: ID!) { node(id: $id) { id ... on Organization { name building { address } } ... on Person { name } } }",
        id=global_id.encode("Organization", api.samples.organization),
    )
    assert body["data"]["node"]["building"]["address"] and "name" in body["data"]["node"]
    assert _kinds(api.store.graph_reads()) == ["COMPILED_ORGANIZATION_BY_KEY"]
