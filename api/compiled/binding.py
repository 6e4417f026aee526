"""The per-request half of a plan: its statement parameters, from the coerced variables and the
request's access, by binders the planning walk left behind.

A plan's structure (`api.compiled.plan`) is shared by every request with the same document,
operation and directive values; only what is bound here changes between them: ids, cursors, page
sizes, filter values, the row scope (`$s_*`, `$s_root`, the case scope) and the clock. Arguments
are read with graphql-core's `get_argument_values` and decoded with the very functions the
resolvers use, so a bad value fails the same way: `Uncompiled`, for this request only.

Three facts about values change the statement's text, not only its parameters: whether a page has a
cursor (`after`), whether a filtered hop has its filter, and which of a root page's optional filters
are given (`graph_model.cypher.compiled.RootFilter`). A binder records each as a flag in
its slot; the plan composes (and remembers) one statement per combination of flags.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from graphql import FieldNode, GraphQLField, get_argument_values
from graphql.execution.values import VariableValues

from api import global_id
from api.case.inputs import CaseFilter
from api.compiled.shapers import Uncompiled
from api.errors import ApiError
from api.filters import within
from api.grid.queries import KeyPlaceFilter
from api.limits import Limits
from api.pagination import decode_cursor, page_size
from api.person.queries import HouseholdFilter, PersonFilter, person_query
from api.place.queries import OrganizationFilter
from authz.gate import Access
from graph_model.cypher.compiled import SHAPES


@dataclass(slots=True)
class Request:
    """One request's values, and what its binders make of them."""

    variables: VariableValues
    access: Access
    limits: Limits
    now_ms: int
    params: dict[str, Any]
    flags: list[bool]


Binder = Callable[[Request], None]


def arguments(definition: GraphQLField, node: FieldNode, request: Request) -> dict[str, Any]:
    try:
        return get_argument_values(definition, node, request.variables)
    except Exception as exc:  # execution would answer it: let the resolvers
        raise Uncompiled from exc


def page(args: Mapping[str, Any], limits: Limits) -> tuple[int, str]:
    try:
        return page_size(args.get("first"), limits.max_page_size), decode_cursor(args.get("after"))
    except ApiError as exc:
        raise Uncompiled from exc


def scope(shape: str) -> Binder:
    """The row scope of a shape's nodes below the root: covering prefixes, or the case scope."""
    if SHAPES[shape].scope is not None:
        key = f"s_{shape}"

        def prefixes(request: Request) -> None:
            request.params[key] = request.access.grid_prefixes(shape)

        return prefixes
    if SHAPES[shape].predicate is not None:  # the one predicate scope: cases'

        def cases(request: Request) -> None:
            request.params.update(request.access.cases.params())

        return cases
    return lambda request: None


def hop(
    definition: GraphQLField, node: FieldNode, number: int, filter_slot: tuple[str, int] | None, after_slot: int | None
) -> Binder:
    """A followed field's arguments: its filter (`$f<n>`, by the argument `filter_slot` names) and, for
    a connection (`after_slot` given), its page (`$n<n>`, `$a<n>`)."""

    def bind(request: Request) -> None:
        args = arguments(definition, node, request)
        if filter_slot is not None:
            name, slot = filter_slot
            value = args.get(name)
            request.flags[slot] = value is not None
            if value is not None:
                request.params[f"f{number}"] = getattr(value, "value", value)
        if after_slot is not None:
            size, after = page(args, request.limits)
            request.params[f"n{number}"] = size + 1
            request.flags[after_slot] = bool(after)
            if after:
                request.params[f"a{number}"] = after

    return bind


def by_key(definition: GraphQLField, node: FieldNode, shape: str, name: str) -> Binder:
    """`$key` of a root read by id (a division by its code)."""

    def bind(request: Request) -> None:
        args = arguments(definition, node, request)
        try:
            request.params["key"] = args["code"] if name == "division" else global_id.decode(args["id"], shape)[1]
        except ApiError as exc:
            raise Uncompiled from exc

    return bind


PAGES = {"persons": "Person", "households": "Household", "organizations": "Organization", "keyPlaces": "KeyPlace",
         "cases": "Case", "overdueCases": "Case"}  # fmt: skip


def root_page(
    definition: GraphQLField, node: FieldNode, name: str, after_slot: int, optional: Mapping[str, int]
) -> Binder:
    """A root page's filters, its row scope under the filter's prefix, its size and cursor. An optional
    filter (`optional`: its parameter → its slot) is a parameter and a flag only when given."""
    shape = PAGES[name]

    def bind(request: Request) -> None:
        args = arguments(definition, node, request)
        try:
            prefix, filters = _page_filters(name, args, request.now_ms)
        except ApiError as exc:
            raise Uncompiled from exc
        size, after = page(args, request.limits)
        params = request.params
        if SHAPES[shape].scope is None:  # cases: the predicate scope, under the filter's prefix
            params.update(request.access.cases.params())
            params["within"] = prefix
        else:
            params["s_root"] = [g for g in request.access.grid_list(shape) if g.startswith(prefix)]
        for key, value in filters.items():
            slot = optional.get(key)
            if slot is None:
                params[key] = value
            elif value is not None:
                params[key], request.flags[slot] = value, True
        params["n0"], params["a0"] = size + 1, after
        request.flags[after_slot] = bool(after)

    return bind


def _snake(name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in name)


def _input(cls: type, value: Mapping[str, Any] | None) -> Any:
    """The strawberry input object the resolver would have received."""
    return cls(**{_snake(k): v for k, v in (value or {}).items()})


def _page_filters(name: str, args: Mapping[str, Any], now_ms: int) -> tuple[str, dict[str, Any]]:
    """The jurisdiction prefix and the root filters' parameters, decoded as the resolvers decode them."""
    shape, value = PAGES[name], args.get("filter")
    if name == "overdueCases":
        return within(None, args.get("divisionCode")), {"department": args.get("departmentCode"), "now": now_ms}
    if shape == "Case":
        f = _input(CaseFilter, value)
        status = f.status.value if f.status else None
        return within(f.grid, f.division), {"status": status, "category": f.category or None}
    if shape == "Person":
        query = person_query(_input(PersonFilter, value), date.today())
        filters = {k: v for k, v in query.__dict__.items() if k != "within"}
        return query.within, filters
    if shape == "Household":
        f = _input(HouseholdFilter, value)
        return within(f.grid, f.division), {}
    if shape == "Organization":
        f = _input(OrganizationFilter, value)
        return within(f.grid, f.division), {"kind": f.kind, "name_prefix": f.name_prefix}
    f = _input(KeyPlaceFilter, value)
    return within(f.grid, f.division), {"kind": f.kind, "risk": f.risk}
