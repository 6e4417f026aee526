"""The compiled read path's plan cache (api.compiled.cache), without a graph: what is in its key, what
is not, and its bound.

The end-to-end tests (tests/e2e/test_plan_cache.py) show that one cached plan answers every caller
as the resolvers do; these pin the cache's own rules: a plan is made once per (document, operation,
directive values), whatever the ids, cursors, page sizes and callers; endless distinct documents
keep at most `maxsize` plans; a value that cannot be bound fails its request only.
"""

from typing import Any

import pytest

from api import global_id
from api.compiled.cache import OperationPlan, Plans
from api.compiled.shapers import Uncompiled
from api.limits import Limits
from api.pagination import encode_cursor
from api.schema import build_schema
from authz.gate import Access
from graph_model.cypher.compiled import SHAPES

SCHEMA = build_schema(Limits())._schema
G0, G1 = "330802001001001", "330803001001001"
PAGE = """query Page($id: ID!, $first: Int, $after: String) { grid(id: $id) { code
  households(first: $first, after: $after) { pageInfo { hasNextPage } nodes { id members { name idNumber } } } } }"""
DIRECTIVES = """query($id: ID!, $members: Boolean!) { grid(id: $id) { code
  households(first: 3) { nodes { id members @include(if: $members) { name } } } } }"""


def _plan(plans: Plans, query: str, **variables: Any) -> OperationPlan | None:
    planned = plans.plan(SCHEMA, query, None, variables)
    return None if planned is None else planned[0]


def _bind(plans: Plans, query: str, access: Access | None = None, **variables: Any) -> dict[str, Any]:
    planned = plans.plan(SCHEMA, query, None, variables)
    assert planned is not None
    plan, coerced = planned
    bound = plan.bind(coerced, access or Access(), Limits(), 0, "falkordb")
    return {alias: b for alias, b in bound.items() if b is not None}


def _grid(code: str) -> str:
    return global_id.encode("Grid", code)


def test_ids_cursors_and_page_sizes_are_parameters_of_one_plan() -> None:
    plans = Plans()
    first = _bind(plans, PAGE, id=_grid(G0), first=5)["grid"]
    later = _bind(plans, PAGE, id=_grid(G1), first=50, after=encode_cursor("h-1"))["grid"]
    assert (plans.walks, plans.hits) == (1, 1)
    assert (first.params["key"], first.params["n1"], "a1" not in first.params) == (G0, 6, True)
    assert (later.params["key"], later.params["n1"], later.params["a1"]) == (G1, 51, "h-1")
    # a cursor changes the statement's text (FalkorDB compares nothing on a first page), not the plan
    assert first.composed.statement != later.composed.statement
    assert first.shaper is later.shaper


def test_the_row_scope_is_a_parameter_made_from_each_request_s_access() -> None:
    """One plan, two callers: each request's scope parameters come from its own access."""
    plans = Plans()
    mine = Access(grids={t: frozenset({G0}) for t in SHAPES}, catalog=[G0, G1])
    theirs = Access(grids={t: frozenset({G1}) for t in SHAPES}, catalog=[G0, G1])
    a = _bind(plans, PAGE, mine, id=_grid(G0))["grid"]
    b = _bind(plans, PAGE, theirs, id=_grid(G0))["grid"]
    assert plans.walks == 1 and a.composed is b.composed
    # the covering division codes of each caller's one grid: its county, in this catalogue
    assert (a.params["s_Household"], a.params["s_Person"]) == (["330802"], ["330802"])
    assert (b.params["s_Household"], b.params["s_Person"]) == (["330803"], ["330803"])


def test_directive_values_are_in_the_key() -> None:
    plans = Plans()
    for members in (True, False, True, False):
        _plan(plans, DIRECTIVES, id=_grid(G0), members=members)
    assert plans.walks == 2
    shown = _bind(plans, DIRECTIVES, id=_grid(G0), members=True)["grid"].composed.statement.text
    hidden = _bind(plans, DIRECTIVES, id=_grid(G0), members=False)["grid"].composed.statement.text
    assert "MEMBER_OF" in shown and "MEMBER_OF" not in hidden
    assert plans.walks == 2


def test_a_value_that_cannot_be_bound_fails_its_request_only() -> None:
    plans = Plans()
    for bad in ({"id": "not-an-id"}, {"id": _grid(G0), "first": 0}, {"id": _grid(G0), "after": "%%"}):
        with pytest.raises(Uncompiled):
            _bind(plans, PAGE, **bad)
    assert _bind(plans, PAGE, id=_grid(G0))["grid"].params["key"] == G0
    assert plans.walks == 1


def test_node_is_planned_per_type_its_id_names() -> None:
    query = "query($id: ID!) { node(id: $id) { id ... on Person { name } ... on Grid { code } } }"
    plans = Plans()
    person = _bind(plans, query, id=global_id.encode("Person", "p-1"))["node"]
    grid = _bind(plans, query, id=_grid(G0))["node"]
    assert "COMPILED_PERSON_BY_KEY" in person.composed.statement.name and person.params["key"] == "p-1"
    assert "COMPILED_GRID_BY_KEY" in grid.composed.statement.name and grid.params["key"] == G0
    with pytest.raises(Uncompiled):  # a type `node` does not compile: this request only
        _bind(plans, query, id=global_id.encode("Staff", "s-1"))
    assert plans.walks == 1


def test_what_cannot_compile_is_remembered_and_what_is_not_a_query_is_not_planned() -> None:
    plans = Plans()
    uncompiled = "query($id: ID!) { grid(id: $id) { code } divisions { code } }"
    for _ in range(3):
        assert _plan(plans, uncompiled, id=_grid(G0)) is None
    assert plans.walks == 1
    mutation = 'mutation { updatePersonPhone(id: "x", phone: "13800000000") { id } }'
    assert _plan(plans, mutation) is None
    assert _plan(plans, PAGE) is None  # a variable that does not coerce ($id missing): execution answers
    assert plans.walks == 1


def test_endless_distinct_documents_keep_plans_within_the_budget() -> None:
    documents = [f"query Q{n}($id: ID!) {{ grid(id: $id) {{ code }} }}" for n in range(10)]
    weight = _plan(Plans(), documents[0], id=_grid(G0)).weight  # type: ignore[union-attr]  # all weigh the same
    plans = Plans(budget=4 * weight, largest=weight)
    for query in documents:
        _plan(plans, query, id=_grid(G0))
    assert plans.walks == 10 and len(plans) == 4
    _plan(plans, documents[-1], id=_grid(G0))
    assert plans.walks == 10  # the most recent is kept
    _plan(plans, documents[0], id=_grid(G0))
    assert plans.walks == 11  # the least recently used went first


def test_a_plan_heavier_than_the_largest_kept_is_made_per_request() -> None:
    """A few characters of fragment spreads can plan thousands of fields: such a plan is not kept."""
    weight = _plan(Plans(), PAGE, id=_grid(G0)).weight  # type: ignore[union-attr]
    plans = Plans(largest=weight - 1)
    for _ in range(2):
        assert _plan(plans, PAGE, id=_grid(G0)) is not None
    assert plans.walks == 2 and len(plans) == 0


DEFAULTS = """query($id: ID!, $members: Boolean = false, $first: Int = 2) { grid(id: $id) { code
  households(first: $first) { nodes { id members @include(if: $members) { name idNumber } } } } }"""


def test_a_variable_left_to_its_default_keys_and_binds_as_its_default_value() -> None:
    """An insider omits a variable to ride on a plan made for another value: an omitted directive
    variable is keyed as its default, and an omitted page size binds its default, never the last one."""
    plans = Plans()
    shown = _bind(plans, DEFAULTS, id=_grid(G0), members=True, first=40)["grid"]
    omitted = _bind(plans, DEFAULTS, id=_grid(G0))["grid"]
    explicit = _bind(plans, DEFAULTS, id=_grid(G0), members=False, first=2)["grid"]
    assert plans.walks == 2, "the omitted and the explicit false share one plan, true has its own"
    assert "MEMBER_OF" in shown.composed.statement.text
    assert "MEMBER_OF" not in omitted.composed.statement.text
    assert omitted.composed is explicit.composed
    assert (shown.params["n1"], omitted.params["n1"], explicit.params["n1"]) == (41, 3, 3)
