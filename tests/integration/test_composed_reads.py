"""Every piece of graph_model.cypher.compiled runs on both engines, and both engines answer alike.

The compiler's statements are composed per request, so the contract suite cannot list them; it
composes instead, per root kind, the widest tree the pieces allow (every hop, every column, nested
as the API nests them, pages with and without a cursor, a filtered hop) and compares the two
engines' answers row for row on the same seeded data, each engine with its own dialect. Cases
are made here (the session's graph has none of its own): one reported and accepted on each engine,
with the case statements' own helpers; their serials differ with the tests run before, so case
numbers are left out of the comparison.
"""

from typing import Any

import pytest

from api.case.catalogue import install_catalogue, load_catalogue
from graph_model.cypher import case
from graph_model.cypher.compiled import HOPS, ROOT_FILTERS, SHAPES, Read, Root, Step, compose
from graph_model.store import GraphStore
from tests.common.samples import Samples, pick_samples
from tests.integration.test_case_statements import EVERYWHERE, GRID, _apply, _create
from tests.integration.test_store_contract import canonical


def _all(shape: str, *steps: Step) -> Read:
    return Read(tuple(SHAPES[shape].columns), steps)


def _roots(s: Samples) -> dict[str, tuple[Root, dict[str, Any]]]:
    # Steps are numbered depth-first from 1, so the grid's households page is n3, its buildings page
    # n11/a11 and its filtered staff f15.
    building = _all("Building", Step("IN_GRID", _all("Grid")), Step("BUILDING_ORGANIZATIONS", _all("Organization")))
    household = _all(
        "Household",
        Step("HOUSEHOLD_MEMBERS", _all("Person", Step("PERSON_HOUSEHOLD", _all("Household")))),
        Step("HOUSEHOLD_DWELLING", _all("Dwelling", Step("DWELLING_BUILDING", building))),
        Step("IN_GRID", _all("Grid")),
    )
    grid = _all(
        "Grid",
        Step("GRID_VILLAGE", _all("Division", Step("DIVISION_PARENT", _all("Division")))),
        Step("GRID_HOUSEHOLDS", household, page=True),
        Step("GRID_BUILDINGS", building, page=True, after=True),
        Step("GRID_KEY_PLACES", _all("KeyPlace")),
        Step("GRID_STAFF", _all("Staff"), filtered=True),
        Step("GRID_STAFF", _all("Staff")),
        Step("GRID_HOUSEHOLD_COUNT"),
        Step("GRID_PERSON_COUNT"),
    )
    division = _all("Division", Step("DIVISION_CHILDREN", _all("Division")), Step("DIVISION_GRIDS", _all("Grid")))
    a_case = _all("Case", Step("IN_GRID", _all("Grid")), Step("CASE_STEPS", _all("CaseStep")),
                  Step("CASE_WORK_ITEM", _all("WorkItemType")))  # fmt: skip
    cases = {**EVERYWHERE, "n0": 5}  # after the case made here (`a0`, per engine)
    # row scopes are division codes tested as prefixes: a county's and one whole grid code here
    every = {f"s_{name}": [s.grids[0][:6], s.grids[-1]] for name, shape in SHAPES.items() if shape.scope}
    page = {"s_root": s.grids, "n0": 5, "a0": s.person}
    person_filters = {"name_prefix": "", "born_from": "1900-01-01", "born_to": "2000-01-01"}
    return {
        "grid": (Root("BY_KEY", "Grid", grid), {**every, "key": s.grids[0], "n3": 4, "n11": 3, "a11": s.building, "f15": "grid_chief"}),
        "division": (Root("BY_KEY", "Division", division), {"key": s.grids[0][:9]}),
        "person": (Root("BY_KEY", "Person", _all("Person", Step("PERSON_HOUSEHOLD", household))), {**every, "key": s.person}),
        "organization": (
            Root("BY_KEY", "Organization", _all("Organization", Step("ORGANIZATION_BUILDING", building))),
            {**every, "key": s.organization},
        ),
        "persons": (Root("PAGE", "Person", _all("Person", Step("IN_GRID", _all("Grid"))), after=True, given=frozenset(person_filters)), {**every, **page, **person_filters}),
        "households": (Root("PAGE", "Household", household), {**every, "s_root": s.grids, "n0": 3, "a0": ""}),
        "organizations": (Root("PAGE", "Organization", _all("Organization")), {**page, "a0": ""}),
        "keyPlaces": (Root("PAGE", "KeyPlace", _all("KeyPlace")), {**page, "a0": ""}),
        "case": (Root("BY_KEY", "Case", a_case), EVERYWHERE),  # `key`: the case made here, per engine
        "cases": (Root("PAGE", "Case", a_case, given=frozenset({"status"})), {**cases, "within": GRID, "status": "ACCEPTED"}),
        "overdueCases": (
            Root("PAGE", "Case", a_case, filters="OverdueCase"),
            {**cases, "within": GRID[:6], "department": None, "now": 1_790_000_700_000},
        ),
    }  # fmt: skip


@pytest.fixture(scope="module")
async def samples(seeded_stores: dict[str, GraphStore]) -> Samples:
    return await pick_samples(seeded_stores["falkordb"])


@pytest.fixture(scope="module")
async def made_cases(seeded_stores: dict[str, GraphStore]) -> dict[str, str]:
    """An accepted case with two steps on each engine: engine → its number."""
    made = {}
    for engine, store in seeded_stores.items():
        await install_catalogue(store, load_catalogue())
        made[engine] = await _create(store)
        await store.write(case.APPLY_CASE_ACTION, _apply(made[engine], 0, "accept", status="ACCEPTED"))
    return made


def test_the_trees_use_every_hop(samples: Samples) -> None:
    def hops(read: Read) -> set[str]:
        return {name for step in read.steps for name in {step.hop} | hops(step.read)}

    used = set().union(*(hops(root.read) for root, _ in _roots(samples).values()))
    assert used == set(HOPS)


@pytest.mark.parametrize("name", ["grid", "division", "person", "organization", "persons", "households",
                                  "organizations", "keyPlaces", "case", "cases", "overdueCases"])  # fmt: skip
async def test_engines_agree_on_composed_reads(
    name: str, seeded_stores: dict[str, GraphStore], samples: Samples, made_cases: dict[str, str]
) -> None:
    root, params = _roots(samples)[name]
    answers = []
    for engine, store in seeded_stores.items():
        composed = compose(root, engine)
        made = made_cases[engine]
        if root.shape == "Case":  # the key, or a page that starts at the case made here
            params = {**params, "key": made, "a0": made[:-1] + chr(ord(made[-1]) - 1)}
        rows = [composed.unpack(r["row"]) for r in await store.read(composed.statement, params)]
        if root.shape == "Case":
            assert rows and rows[0]["id"] == made
            rows = [{k: v for k, v in row.items() if k != "id"} for row in rows]
        answers.append(rows)
    falkor, neo = answers
    assert falkor, f"{name} returned nothing, so the comparison proves nothing"
    assert canonical(falkor) == canonical(neo)
    if root.shape == "Case":  # the case made here, with its grid, its two steps in order and its work item
        made = falkor[0]
        assert [step["action"] for step in made["h2"]] == ["report", "accept"] and made["h1"]["code"] == GRID
        assert made["h3"]["code"] == "safety.hazard"
    if name == "grid":  # numbered depth-first: the village h1 (its parent h2), households h3, buildings h11 …
        steps = {"h1", "h3", "h11", "h14", "h15", "h16", "h17", "h18"}
        assert set(falkor[0]) == {*root.read.columns, *steps} and set(falkor[0]["h1"]) == {
            "code",
            "name",
            "level",
            "h2",
        }


# A value for each optional root filter: what a page is given when it is composed with that filter.
_GIVEN = {"name_prefix": "", "tags": ["elderly_alone"], "born_from": "1950-01-01", "born_to": "2000-01-01",
          "kind": "school", "risk": "high", "status": "ACCEPTED", "category": "safety.hazard", "department": "d"}  # fmt: skip


_OPTIONAL = [(name, f.param) for name, tests in ROOT_FILTERS.items() for f in tests if f.param]


@pytest.mark.parametrize(("name", "param"), _OPTIONAL)
async def test_each_optional_root_filter_runs_alone_on_both_engines(
    name: str, param: str, seeded_stores: dict[str, GraphStore], samples: Samples, made_cases: dict[str, str]
) -> None:
    """A page is composed with only the optional filters its request gives, so each filter's test is
    its own statement text: each one runs on both engines, alone, with the same answer (cases: rows
    that pass the filter); and a filter not given is not in the text at all."""
    shape, filters = ("Case", name) if name == "OverdueCase" else (name, None)
    root = Root("PAGE", shape, _all(shape), filters=filters, given=frozenset({param}))
    params = {"s_root": samples.grids, "n0": 5, "a0": "", "within": samples.grids[0][:6], "now": 1_790_000_700_000,
              **EVERYWHERE, param: _GIVEN[param]}  # fmt: skip
    answers = []
    for engine, store in seeded_stores.items():
        composed = compose(root, engine)
        others = {f.param for f in ROOT_FILTERS[name] if f.param and f.param != param}
        assert f"${param}" in composed.statement.text
        assert not any(f"${other}" in composed.statement.text for other in others)
        answers.append([composed.unpack(r["row"]) for r in await store.read(composed.statement, params)])
    if shape == "Case":  # the tests run before made other cases on each engine: each answer is checked alone
        assert all(row[param] == _GIVEN[param] for rows in answers for row in rows)
        if param != "department":  # the accepted case made here on each engine has none
            assert all(answers), "the case made here passes the filter on each engine"
    else:
        assert canonical(answers[0]) == canonical(answers[1])


async def test_the_composed_overdue_page_starts_from_the_due_time_index(
    seeded_stores: dict[str, GraphStore], samples: Samples
) -> None:
    """As LIST_OVERDUE_CASES does (tests/integration/test_case_statements.py): Neo4j seeks the `due_at`
    index, which holds open cases only, and FalkorDB scans an index, never every case."""
    root, params = _roots(samples)["overdueCases"]
    for engine, store in seeded_stores.items():
        plan = await store.plan(compose(root, engine).statement, {**params, "a0": ""})  # type: ignore[attr-defined]
        if engine == "neo4j":
            assert any(line.startswith("NodeIndexSeekByRange") and "v0:Case(due_at)" in line for line in plan), plan
        else:
            assert any(line.startswith("Node By Index Scan | (v0:Case)") for line in plan), plan
        assert not any(line.startswith(("NodeByLabelScan", "AllNodesScan", "Node By Label Scan")) for line in plan)
