"""Plans one root field of a read operation: the `Root` to compose, its parameters, and the shaper
that turns the statement's nested maps into the field's response value.

The walk is graphql-core's own field collection (`collect_subfields`) over the coerced variables,
so fragments, aliases, @skip/@include and merged selections come out exactly as execution would
see them. Arguments are read with `get_argument_values` and decoded with the very functions the
resolvers use (page sizes, cursors, global ids, filters), so a bad value fails the same way.

What the compiled path does not reproduce exactly raises `Uncompiled`, and the whole operation
runs through the resolvers instead: a field missing from `api.compiled.fields`, any bad argument,
a missing row (NOT_FOUND), a null where the schema promises a value. Errors are therefore always
worded by the resolvers; the compiled path serves only complete answers.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from itertools import count
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    get_argument_values,
    get_named_type,
)
from graphql.execution import Executor
from graphql.execution.collect_fields import FieldDetails, collect_subfields

from api import global_id
from api.case.inputs import CaseFilter
from api.compiled.fields import FIELDS, Column, Derived, Figure, Follow, GlobalId, Reading
from api.errors import ApiError
from api.filters import within
from api.grid.queries import KeyPlaceFilter
from api.limits import Limits
from api.operation_needs import ROW_TYPES
from api.pagination import decode_cursor, encode_cursor, page_size
from api.person.queries import HouseholdFilter, PersonFilter, person_query
from api.place.queries import OrganizationFilter
from authz.classes import DataClass
from authz.gate import Access
from authz.masking import MASKS, served_raw
from graph_model.cypher.compiled import HOPS, SHAPES, Read, Root, Step

Shaper = Callable[[dict[str, Any], "Served"], Any]
Mask = Callable[[Any], Any]
Entry = tuple[str, Shaper, str | None, Mask | None]  # alias, value, and the class (value) and mask of a personal one


class Uncompiled(Exception):
    """This operation runs through the resolvers (see the module docstring for when)."""


@dataclass
class Served:
    """What shaping needs of the request: its access, its clock (epoch ms, read once: whether a case
    is overdue), and the rows it served, for the audit record."""

    access: Access
    now_ms: int
    touched: dict[str, set[str]] = field(default_factory=dict)
    _raw: dict[str, dict[str, bool]] = field(default_factory=dict)

    def record(self, type_name: str, raw_id: str) -> None:
        self.touched.setdefault(type_name, set()).add(raw_id)

    def raw_in(self, grid: str) -> dict[str, bool]:
        """Which personal classes (by value: an enum member hashes in Python) are served raw in this
        grid: decided once per grid, not per value."""
        found = self._raw.get(grid)
        if found is None:
            raw = served_raw(lambda data_class: self.access.is_raw(data_class, grid))
            found = self._raw[grid] = {data_class.value: served for data_class, served in raw.items()}
        return found


# Person column → (its class, its mask): masking is one lookup per served value, from the table.
_MASKED: dict[str, tuple[str, Mask]] = {
    column: (data_class.value, mask) for data_class, columns in MASKS.items() for column, mask in columns.items()
}
# Columns every node reads whatever was selected: the key (cursors, ids, the audit record), the grid
# of a person (masking is per grid), the code of a grid (figures are answered per grid).
_ALWAYS: dict[str, tuple[str, ...]] = {"Person": ("grid",), "Grid": ("code",)}


def _snake(name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in name)


def _input(cls: type, value: Mapping[str, Any] | None) -> Any:
    """The strawberry input object the resolver would have received."""
    return cls(**{_snake(k): v for k, v in (value or {}).items()})


def _unwrap(gql_type: Any) -> tuple[Any, bool, bool]:
    """(named type, non-null, list) of a field's type; lists of lists are not compiled."""
    non_null = isinstance(gql_type, GraphQLNonNull)
    inner = gql_type.of_type if non_null else gql_type
    if isinstance(inner, GraphQLList):
        item = inner.of_type.of_type if isinstance(inner.of_type, GraphQLNonNull) else inner.of_type
        if isinstance(item, GraphQLList):
            raise Uncompiled
        return item, non_null, True
    return inner, non_null, False


def _is_connection(named: Any) -> bool:
    return isinstance(named, GraphQLObjectType) and {"edges", "nodes", "pageInfo"} <= named.fields.keys()


class _Node:
    """One node's read, accumulated while the selections on it are planned."""

    def __init__(self, shape: str) -> None:
        self.shape = shape
        self.columns: dict[str, None] = dict.fromkeys((SHAPES[shape].key, *_ALWAYS.get(shape, ())))
        self.steps: list[Step] = []

    def read(self) -> Read:
        return Read(tuple(self.columns), tuple(self.steps))


class RootPlanner:
    """Plans one root field; `numbers` follows the composer's depth-first step numbering."""

    def __init__(self, executor: Executor, access: Access, limits: Limits) -> None:
        self.executor = executor
        self.schema: GraphQLSchema = executor.schema
        self.access = access
        self.limits = limits
        self.numbers = count(1)
        self.params: dict[str, Any] = {}

    def arguments(self, definition: GraphQLField, details: list[FieldDetails]) -> dict[str, Any]:
        try:
            return get_argument_values(definition, details[0].node, self.executor.variable_values)
        except Exception as exc:  # execution would answer it: let the resolvers
            raise Uncompiled from exc

    def subfields(self, parent: GraphQLObjectType, details: list[FieldDetails]) -> dict[str, list[FieldDetails]]:
        e = self.executor
        collected = collect_subfields(self.schema, e.fragments, e.variable_values, e.operation, parent, details)
        for group in collected.grouped_field_set.values():
            if any(d.defer_usage is not None or d.fragment_variable_values is not None for d in group):
                raise Uncompiled
        return collected.grouped_field_set

    def scope(self, shape: str) -> None:
        if SHAPES[shape].scope is not None:
            self.params[f"s_{shape}"] = self.access.grid_prefixes(shape)
        elif SHAPES[shape].predicate is not None:  # the one predicate scope: cases'
            self.params.update(self.access.cases.params())

    # -- objects ---------------------------------------------------------------------------------

    def object(self, gql_type: GraphQLObjectType, details: list[FieldDetails], node: _Node) -> Shaper:
        table = FIELDS.get(gql_type.name)
        if table is None:
            raise Uncompiled
        entries: list[Entry] = []
        for alias, group in self.subfields(gql_type, details).items():
            name = group[0].node.name.value
            if name == "__typename":
                entries.append((alias, _constant(gql_type.name), None, None))
                continue
            reading = table.get(name)
            if reading is None:
                raise Uncompiled
            shaper = self.field(gql_type, gql_type.fields[name], group, reading, node)
            personal = _MASKED.get(reading.name) if node.shape == "Person" and isinstance(reading, Column) else None
            entries.append((alias, shaper, *(personal or (None, None))))
        return _object_shaper(entries, node.shape if node.shape in ROW_TYPES else None, SHAPES[node.shape].key)

    def field(
        self,
        parent: GraphQLObjectType,
        definition: GraphQLField,
        group: list[FieldDetails],
        reading: Reading,
        node: _Node,
    ) -> Shaper:
        named, non_null, is_list = _unwrap(definition.type)
        if isinstance(reading, GlobalId):
            node.columns[reading.column] = None
            return _global_id(reading.type_name, reading.column)
        if isinstance(reading, Derived):
            node.columns.update(dict.fromkeys(reading.columns))
            compute = reading.compute
            return lambda obj, served: compute(obj, served.access, served.now_ms)
        if isinstance(reading, Column):
            node.columns[reading.name] = None
            convert = _enum(named) if isinstance(named, GraphQLEnumType) else reading.convert
            return self.column(reading.name, convert, non_null and parent.name != "Person")
        if isinstance(reading, Figure):
            number = next(self.numbers)
            node.steps.append(Step(reading.hop))
            return _figure(f"h{number}", reading.data_class)
        return self.follow(definition, group, reading, node, named, non_null, is_list)

    def column(self, name: str, convert: Callable[[Any], Any] | None, non_null: bool) -> Shaper:
        """The stored value as the scalar serializes it; a personal value is masked by the object's shaper."""

        def plain(obj: dict[str, Any], served: Served) -> Any:
            value = obj[name]
            if value is None:
                if non_null:
                    raise Uncompiled
                return None
            return value if convert is None else convert(value)

        return plain

    def follow(
        self,
        definition: GraphQLField,
        group: list[FieldDetails],
        reading: Follow,
        node: _Node,
        named: Any,
        non_null: bool,
        is_list: bool,
    ) -> Shaper:
        hop = HOPS[reading.hop]
        args = self.arguments(definition, group)
        number = next(self.numbers)
        child = _Node(hop.target)
        self.scope(hop.target)
        filtered = reading.filter is not None and args.get(reading.filter) is not None
        if filtered:
            value = args[reading.filter]  # type: ignore[index]
            self.params[f"f{number}"] = getattr(value, "value", value)
        key = f"h{number}"
        if _is_connection(named):
            size, after = self.page(args)
            self.params[f"n{number}"] = size + 1
            if after:
                self.params[f"a{number}"] = after
            shaper = self.connection(named, group, child, size)
            node.steps.append(Step(reading.hop, child.read(), page=True, after=bool(after), filtered=filtered))
            return _at(key, shaper)
        shaper = self.object(named, group, child)
        node.steps.append(Step(reading.hop, child.read(), filtered=filtered))
        if is_list:
            return _each(key, shaper)
        return _one(key, shaper, non_null)

    def page(self, args: Mapping[str, Any]) -> tuple[int, str]:
        try:
            return page_size(args.get("first"), self.limits.max_page_size), decode_cursor(args.get("after"))
        except ApiError as exc:
            raise Uncompiled from exc

    def connection(self, gql_type: GraphQLObjectType, details: list[FieldDetails], node: _Node, size: int) -> Shaper:
        """`nodes` and `edges { node }` read the same rows: both plan into one node read."""
        node_type = get_named_type(gql_type.fields["nodes"].type)
        parts: list[tuple[str, str, Any]] = []
        for alias, group in self.subfields(gql_type, details).items():
            name = group[0].node.name.value
            if name == "__typename":
                parts.append((alias, name, gql_type.name))
            elif name == "nodes":
                parts.append((alias, name, self.object(node_type, group, node)))
            elif name == "pageInfo":
                info_type = get_named_type(gql_type.fields["pageInfo"].type)
                parts.append((alias, name, list(self.subfields(info_type, group).items())))
            else:
                edge_type = get_named_type(gql_type.fields["edges"].type)
                parts.append((alias, name, self.edge(edge_type, group, node, node_type)))
        return _connection(parts, size, node.shape if node.shape in ROW_TYPES else None)

    def edge(
        self, edge_type: GraphQLObjectType, details: list[FieldDetails], node: _Node, node_type: Any
    ) -> list[tuple[str, str, Any]]:
        fields = []
        for alias, group in self.subfields(edge_type, details).items():
            name = group[0].node.name.value
            if name == "node":
                fields.append((alias, name, self.object(node_type, group, node)))
            else:
                fields.append((alias, name, edge_type.name))
        return fields


# -- shapers ---------------------------------------------------------------------------------------


def _constant(value: str) -> Shaper:
    return lambda obj, served: value


def _enum(named: GraphQLEnumType) -> Callable[[Any], Any]:
    """A stored value that is no member fails in the resolver (with an error the resolvers word)."""
    names = {getattr(v.value, "value", v.value): name for name, v in named.values.items()}

    def name(value: Any) -> str:
        found = names.get(value)
        if found is None:
            raise Uncompiled
        return found

    return name


def _global_id(type_name: str, column: str) -> Shaper:
    return lambda obj, served: global_id.encode(type_name, obj[column])


def _figure(key: str, data_class: DataClass) -> Shaper:
    def figure(obj: dict[str, Any], served: Served) -> int | None:
        return int(obj[key]) if served.access.covers(data_class, obj["code"]) else None

    return figure


def _object_shaper(entries: list[Entry], row_type: str | None, key: str) -> Shaper:
    """One response object; a person's values are masked per its grid (the masked form of a
    non-null value may be null: a withheld birth date, so those are not checked for null)."""
    personal = any(data_class is not None for _, _, data_class, _ in entries)

    def shape(obj: dict[str, Any], served: Served) -> dict[str, Any]:
        if row_type is not None:
            served.record(row_type, obj[key])
        if not personal:
            return {alias: get(obj, served) for alias, get, _, _ in entries}
        raw = served.raw_in(obj["grid"])
        out = {}
        for alias, get, data_class, mask in entries:
            value = get(obj, served)
            out[alias] = mask(value) if data_class is not None and not raw[data_class] else value  # type: ignore[misc]
        return out

    return shape


def _at(key: str, shaper: Shaper) -> Shaper:
    return lambda obj, served: shaper(obj[key], served)


def _each(key: str, shaper: Shaper) -> Shaper:
    return lambda obj, served: [shaper(item, served) for item in obj[key]]


def _one(key: str, shaper: Shaper, non_null: bool) -> Shaper:
    def one(obj: dict[str, Any], served: Served) -> Any:
        value = obj[key]
        if value is None:
            if non_null:
                raise Uncompiled
            return None
        return shaper(value, served)

    return one


def _connection(parts: list[tuple[str, str, Any]], size: int, row_type: str | None) -> Shaper:
    """A page read with one extra row: the extra row says whether another page follows (and is on
    the audit record, as the loaders record every row they fetch)."""

    def shape(rows: list[dict[str, Any]], served: Served) -> dict[str, Any]:
        if row_type is not None:
            for row in rows:
                served.record(row_type, row["id"])
        page = rows[:size]
        out: dict[str, Any] = {}
        for alias, name, spec in parts:
            if name == "__typename":
                out[alias] = spec
            elif name == "nodes":
                out[alias] = [spec(row, served) for row in page]
            elif name == "pageInfo":
                out[alias] = _page_info(spec, page, len(rows) > size)
            else:
                out[alias] = [_edge(spec, row, served) for row in page]
        return out

    return shape


def _edge(fields: list[tuple[str, str, Any]], row: dict[str, Any], served: Served) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for alias, name, spec in fields:
        if name == "node":
            out[alias] = spec(row, served)
        elif name == "cursor":
            out[alias] = encode_cursor(row["id"])
        else:
            out[alias] = spec
    return out


def _page_info(fields: list[tuple[str, list[FieldDetails]]], page: list[dict[str, Any]], more: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for alias, group in fields:
        name = group[0].node.name.value
        if name == "hasNextPage":
            out[alias] = more
        elif name == "endCursor":
            out[alias] = encode_cursor(page[-1]["id"]) if page else None
        else:
            out[alias] = "PageInfo"
    return out


# -- roots -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Planned:
    """`shaper` takes the statement's rows, each unpacked into its map (`Composed.unpack`)."""

    root: Root
    params: dict[str, Any]
    shaper: Callable[[list[dict[str, Any]], Served], Any]


_BY_ID = {"grid": "Grid", "person": "Person", "household": "Household", "building": "Building", "case": "Case"}
_NODE_TYPES = frozenset({"Grid", "Person", "Household", "Building", "Division", "Organization", "KeyPlace"})
_PAGES = {"persons": "Person", "households": "Household", "organizations": "Organization", "keyPlaces": "KeyPlace",
          "cases": "Case", "overdueCases": "Case"}  # fmt: skip
_OTHER_FILTERS = {"overdueCases": "OverdueCase"}  # pages filtered otherwise than their shape's (ROOT_FILTERS)


def _page_filters(name: str, args: Mapping[str, Any], now_ms: int) -> tuple[str, dict[str, Any]]:
    """The jurisdiction prefix and the root filters' parameters, decoded as the resolvers decode them."""
    shape, value = _PAGES[name], args.get("filter")
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


def plan_root(
    executor: Executor, access: Access, limits: Limits, now_ms: int, name: str, group: list[FieldDetails]
) -> Planned:
    """The composed read of one root field, or `Uncompiled`."""
    query_type = executor.schema.query_type
    assert query_type is not None
    definition = query_type.fields.get(name)
    if definition is None:  # `__schema`, `__type`
        raise Uncompiled
    planner = RootPlanner(executor, access, limits)
    args = planner.arguments(definition, group)
    try:
        if name in _BY_ID or name in ("division", "node"):
            if name == "node":  # the id names the type; fragments on other types select nothing
                shape, key = global_id.decode(args["id"])
                if shape not in _NODE_TYPES:
                    raise Uncompiled
            else:
                shape = _BY_ID.get(name, "Division")
                key = args["code"] if name == "division" else global_id.decode(args["id"], shape)[1]
            node = _Node(shape)
            shaper = planner.object(executor.schema.type_map[shape], group, node)  # type: ignore[arg-type]
            planner.scope(shape)
            params = {**planner.params, "key": key}
            return Planned(Root("BY_KEY", shape, node.read()), params, _found(shaper))
        if name in _PAGES:
            shape = _PAGES[name]
            prefix, filters = _page_filters(name, args, now_ms)
            size, after = planner.page(args)
            node = _Node(shape)
            shaper = planner.connection(get_named_type(definition.type), group, node, size)
            if SHAPES[shape].scope is None:  # cases: the predicate scope, under the filter's prefix
                planner.scope(shape)
                scope: dict[str, Any] = {"within": prefix}
            else:
                scope = {"s_root": [g for g in access.grid_list(shape) if g.startswith(prefix)]}
            params = {**planner.params, **filters, **scope, "n0": size + 1, "a0": after}
            root = Root("PAGE", shape, node.read(), after=bool(after), filters=_OTHER_FILTERS.get(name))
            return Planned(root, params, shaper)
    except ApiError as exc:
        raise Uncompiled from exc
    raise Uncompiled


def _found(shaper: Shaper) -> Callable[[list[dict[str, Any]], Served], Any]:
    def found(rows: list[dict[str, Any]], served: Served) -> Any:
        if not rows:
            raise Uncompiled  # NOT_FOUND, worded by the resolver
        return shaper(rows[0], served)

    return found
