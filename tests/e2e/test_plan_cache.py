"""One cached plan serves every caller and every value exactly as the resolvers do, on both backends.

A compiled plan is shared by every request with the same document, operation and directive values
(api.compiled.cache), so an insider's first guess is that it carries the first caller's view to the
next. Here the same document goes, alternately, to callers who read raw and masked values, who hold
different grids, and with alternating @skip/@include conditions, ids, cursors, page sizes and bad
values; each answer must equal byte for byte what an app without the compiled path gives the same
caller, the plan must be made once, and each request sends one statement per root field plus the
audit append.
"""

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Route

from api import global_id
from api.compiled.cache import Plans, plans_for
from graph_model.store import GraphStore
from tests.common.counting import CountingStore
from tests.common.samples import Samples
from tests.e2e.conftest import READER, Api, app_client
from tests.e2e.test_fuzz_roles import subject_of

PURPOSE = "reason:public-service"
GRID_PAGE = """query($id: ID!, $first: Int, $after: String) { grid(id: $id) { code householdCount personCount
  households(first: $first, after: $after) { pageInfo { hasNextPage endCursor } nodes { id
    members { id name gender birthDate idNumber phone } } } } }"""


@dataclass
class Pair:
    compiled: httpx.AsyncClient
    resolved: httpx.AsyncClient
    counting: CountingStore
    plans: list[Plans]
    token: Any

    async def both(self, sub: str, query: str, **variables: Any) -> dict[str, Any]:
        """Sends the operation as `sub` to both apps; asserts identical answers; the answer."""
        headers = {"authorization": f"Bearer {self.token(sub)}", "wangge-purpose": PURPOSE}
        body = {"query": query, "variables": variables}
        self.counting.sent.clear()
        compiled = await self.compiled.post("/graphql", json=body, headers=headers)
        resolved = await self.resolved.post("/graphql", json=body, headers=headers)
        assert compiled.status_code == resolved.status_code == 200, (sub, variables)
        assert compiled.content == resolved.content, (sub, variables)
        return compiled.json()  # type: ignore[no-any-return]

    def compiled_reads(self) -> list[str]:
        """The statements the last request sent, a composed statement's digest dropped."""
        return [n.rsplit("_", 1)[0] if n.startswith("COMPILED_") else n for n in self.counting.graph_reads()]

    @property
    def walks(self) -> int:
        return self.plans[0].walks


@pytest.fixture
async def pair(store: GraphStore, api: Api) -> AsyncIterator[Pair]:
    counting = CountingStore(store)
    plans: list[Plans] = []

    def keep_plans(app: Starlette) -> None:
        view = next(r for r in app.routes if isinstance(r, Route) and r.path == "/graphql").endpoint
        plans.append(plans_for(view.schema._schema))  # type: ignore[attr-defined]

    async with AsyncExitStack() as stack:
        compiled = await stack.enter_async_context(app_client(counting, api.issuer, keep_plans))
        resolved = await stack.enter_async_context(app_client(store, api.issuer, compiled=False))
        yield Pair(compiled, resolved, counting, plans, api.token)


def _grid(samples: Samples, n: int) -> str:
    return global_id.encode("Grid", samples.grids[n])


def _id_numbers(body: dict[str, Any]) -> list[str]:
    return [m["idNumber"] for h in body["data"]["grid"]["households"]["nodes"] for m in h["members"]]


async def test_one_plan_serves_raw_and_masked_callers_each_their_own_view(pair: Pair, api: Api) -> None:
    """A city-wide grid chief (raw), the grid's own chief (raw), its part-timer (ID numbers and phones
    masked), the civil affairs officer of its county (ID numbers masked), and another grid's
    part-timer (grids are public, their households and counts are not: none, and null), twice round."""
    grid = api.samples.grids[0]
    callers = [READER, subject_of("chief", grid), subject_of("part1", grid), "officer-330802-minzheng",
               subject_of("part1", api.samples.grids[2])]  # fmt: skip
    for caller in callers:  # each caller's grants, loaded once
        await pair.both(caller, GRID_PAGE, id=_grid(api.samples, 0), first=5)
    walks = pair.walks
    seen: dict[str, list[str]] = {}
    for _ in range(2):
        for caller in callers:
            body = await pair.both(caller, GRID_PAGE, id=_grid(api.samples, 0), first=5)
            assert pair.compiled_reads() == ["COMPILED_GRID_BY_KEY"], caller
            seen.setdefault(caller, _id_numbers(body))
    outsider = seen.pop(callers[-1])
    assert outsider == [] and body["data"]["grid"]["householdCount"] is None
    assert pair.walks == walks == 1
    raw, masked = seen[READER], seen[subject_of("part1", grid)]
    assert raw == seen[subject_of("chief", grid)] and not any("*" in n for n in raw)
    assert len(masked) == len(raw) and all(n.endswith("*" * 12) for n in masked)
    assert seen["officer-330802-minzheng"] == masked


async def test_one_plan_keeps_each_caller_to_its_own_grids(pair: Pair, api: Api) -> None:
    """Two part-timers of different grids send the same document, alternately: each sees persons of
    its own grid only, and an id of the other's grid is NOT_FOUND for it, as the resolvers answer."""
    persons = "query { persons(first: 100) { nodes { id name phone grid { code } } } }"
    person = "query($id: ID!) { person(id: $id) { name grid { code } } }"
    grids = api.samples.grids[0], api.samples.grids[2]
    for _ in range(2):
        for mine, theirs in (grids, grids[::-1]):
            body = await pair.both(subject_of("part1", mine), persons)
            assert pair.compiled_reads() in (["COMPILED_PERSON_PAGE"], ["GET_ACTIVE_GRANTS_BY_SUBJECT", "COMPILED_PERSON_PAGE"])  # fmt: skip
            assert body["data"]["persons"]["nodes"] and {n["grid"]["code"] for n in body["data"]["persons"]["nodes"]} == {mine}  # fmt: skip
            other = global_id.encode("Person", api.samples.persons[theirs])
            assert (await pair.both(subject_of("part1", mine), person, id=other))["errors"][0]["extensions"][
                "code"
            ] == "NOT_FOUND"
            own = global_id.encode("Person", api.samples.persons[mine])
            assert (await pair.both(subject_of("part1", mine), person, id=own))["data"]["person"]["grid"][
                "code"
            ] == mine
    assert pair.walks == 2  # one per document


async def test_alternating_skip_and_include_give_the_shapes_asked_for(pair: Pair, api: Api) -> None:
    query = """query($id: ID!, $members: Boolean!, $noPhone: Boolean!) { grid(id: $id) { code
      households(first: 3) { nodes { id members @include(if: $members) { name phone @skip(if: $noPhone) } } } } }"""
    combinations = [(True, False), (False, False), (True, True), (True, False), (False, True), (True, True)]
    for caller in (READER, subject_of("part1", api.samples.grids[0])):
        for members, no_phone in combinations:
            body = await pair.both(caller, query, id=_grid(api.samples, 0), members=members, noPhone=no_phone)
            assert pair.compiled_reads()[-1] == "COMPILED_GRID_BY_KEY"
            household = body["data"]["grid"]["households"]["nodes"][0]
            assert ("members" in household) is members
            if members:
                assert ("phone" in household["members"][0]) is not no_phone
    assert pair.walks == 4  # one per combination of conditions, for both callers


async def test_ids_cursors_and_page_sizes_change_no_plan(pair: Pair, api: Api) -> None:
    """Pages of every size after every cursor, of two grids: one plan, one statement per request."""
    await pair.both(READER, GRID_PAGE, id=_grid(api.samples, 0), first=1)  # the caller's grants, loaded once
    for n in (0, 1):
        after = None
        for first in (1, 2, 5, 2):
            body = await pair.both(READER, GRID_PAGE, id=_grid(api.samples, n), first=first, after=after)
            assert pair.compiled_reads() == ["COMPILED_GRID_BY_KEY"]
            page = body["data"]["grid"]["households"]
            assert len(page["nodes"]) == first and page["pageInfo"]["hasNextPage"]
            after = page["pageInfo"]["endCursor"]
    assert (pair.walks, pair.plans[0].hits) == (1, 8)


async def test_a_bad_value_falls_back_for_its_request_only(pair: Pair, api: Api) -> None:
    """Bad values answer the resolvers' errors; the same document with good values compiles again."""
    good = {"id": _grid(api.samples, 0), "first": 2}
    await pair.both(READER, GRID_PAGE, **good)
    assert pair.compiled_reads()[-1] == "COMPILED_GRID_BY_KEY"
    for bad in ({"id": "nonsense"}, {**good, "first": 0}, {**good, "after": "%%%"}, {**good, "first": 1000}):
        body = await pair.both(READER, GRID_PAGE, **bad)
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
        assert not any(name.startswith("COMPILED_") for name in pair.compiled_reads())
        await pair.both(READER, GRID_PAGE, **good)
        assert pair.compiled_reads() == ["COMPILED_GRID_BY_KEY"]
    assert pair.walks == 1


async def test_node_ids_of_every_type_through_one_plan(pair: Pair, api: Api) -> None:
    query = """query($id: ID!) { node(id: $id) { id ... on Person { name idNumber household { id } }
      ... on Grid { code households(first: 2) { nodes { id } } } ... on Organization { name building { address } } } }"""
    s = api.samples
    ids = [global_id.encode("Person", s.person), _grid(s, 0), global_id.encode("Organization", s.organization),
           global_id.encode("Household", s.household), global_id.encode("Person", s.persons[s.grids[2]])]  # fmt: skip
    for caller in (READER, subject_of("part1", s.grids[0])):
        for node_id in [*ids, *ids]:
            await pair.both(caller, query, id=node_id)
    assert pair.walks == 1


async def test_filters_from_a_default_given_emptied_or_nulled_answer_as_the_resolvers(pair: Pair, api: Api) -> None:
    """A root page's statement tests only the filters a request gives (graph_model.cypher.compiled.
    RootFilter): a filter taken from the variable's default, given, emptied ("" and [] filter nothing,
    as in the resolvers) or nulled field by field must answer exactly as the resolvers do, for a raw
    and a masked caller (who may not filter by tags, a sensitive class: refused alike)."""
    query = """query($f: PersonFilter = {ageMin: 60, division: "330802"}) {
      persons(first: 20, filter: $f) { nodes { id name birthDate tags } } }"""
    filters: list[dict[str, Any] | None] = [
        None, {"ageMin": 60}, {"ageMin": None, "namePrefix": ""}, {"tags": []}, {"namePrefix": "王", "ageMax": 90},
        {"tags": ["elderly_alone"], "ageMax": 90}, {},
    ]  # fmt: skip
    today = date.today()
    sixty_years_ago = today.replace(year=today.year - 60, day=28 if (today.month, today.day) == (2, 29) else today.day)
    for caller in (READER, subject_of("part1", api.samples.grids[0])):
        for f in filters:
            body = await pair.both(caller, query, **({} if f is None else {"f": f}))
            if "errors" not in body:
                assert pair.compiled_reads()[-1] == "COMPILED_PERSON_PAGE", (caller, f)
            if caller == READER and f is None:  # the default applies: aged 60 or more
                nodes = body["data"]["persons"]["nodes"]
                assert nodes and all(n["birthDate"] <= sixty_years_ago.isoformat() for n in nodes)
