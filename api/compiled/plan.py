"""Plans one root field of a read operation: the structure of its composed read (a `Root` to
compose for each combination of its flags), the shaper that turns the statement's nested maps into
the field's response value, and the binders that make each request's parameters.

The walk is graphql-core's own field collection (`collect_subfields`), so fragments, aliases,
@skip/@include and merged selections come out exactly as execution would see them. It reads no
argument value and nothing of the caller: it is given neither the request's access nor its limits,
so a plan cannot depend on them and is shared by every caller (`api.compiled.cache`). What it
reads of the variables is the directives' conditions, which the cache's key holds. Arguments are
bound per request (`api.compiled.binding`), with the very functions the resolvers use.

What the compiled path does not reproduce exactly raises `Uncompiled`, and the whole operation
runs through the resolvers instead: while planning, a field missing from `api.compiled.fields`
or a shape it cannot serve (remembered, since it depends on the document alone); while binding
or shaping, any bad argument, a missing row (NOT_FOUND), a null where the schema promises a value
(for that request only). Errors are therefore always worded by the resolvers; the compiled path
serves only complete answers.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from itertools import count
from typing import Any

from graphql import (
    FieldNode,
    GraphQLEnumType,
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    get_named_type,
)
from graphql.execution import Executor
from graphql.execution.collect_fields import FieldDetails, collect_subfields

from api import global_id
from api.compiled import binding, shapers
from api.compiled.binding import PAGES, Binder, Request
from api.compiled.fields import FIELDS, Column, Derived, Figure, Follow, GlobalId, Reading
from api.compiled.shapers import Entry, RootShaper, Shaper, Uncompiled
from api.errors import ApiError
from api.operation_needs import ROW_TYPES
from authz.masking import MASKS
from graph_model.cypher.compiled import HOPS, ROOT_FILTERS, SHAPES, Composed, Read, Root, Step, compose

# Person column → (its class, its mask): masking is one lookup per served value, from the table.
_MASKED: dict[str, tuple[str, shapers.Mask]] = {
    column: (data_class.value, mask) for data_class, columns in MASKS.items() for column, mask in columns.items()
}
# Columns every node reads whatever was selected: the key (cursors, ids, the audit record), the grid
# of a person (masking is per grid), the code of a grid (figures are answered per grid).
_ALWAYS: dict[str, tuple[str, ...]] = {"Person": ("grid",), "Grid": ("code",)}
# Combinations of flags (cursor or none, filter or none, each root filter or none) whose composed
# statement a plan keeps; others are composed once per engine all the same (`_composed`).
_VARIANTS = 16


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


@dataclass(frozen=True, slots=True)
class _Hop:
    """A step of a node's read whose cursor and filter are the request's flags (slots), if any."""

    hop: str
    child: "_Node | None"
    page: bool = False
    after: int | None = None
    filtered: int | None = None

    def step(self, flags: list[bool]) -> Step:
        read = self.child.read(flags) if self.child is not None else Read(())
        after = self.after is not None and flags[self.after]
        filtered = self.filtered is not None and flags[self.filtered]
        return Step(self.hop, read, page=self.page, after=after, filtered=filtered)


class _Node:
    """One node's read, accumulated while the selections on it are planned."""

    def __init__(self, shape: str) -> None:
        self.shape = shape
        self.columns: dict[str, None] = dict.fromkeys((SHAPES[shape].key, *_ALWAYS.get(shape, ())))
        self.hops: list[_Hop] = []

    def read(self, flags: list[bool]) -> Read:
        return Read(tuple(self.columns), tuple(hop.step(flags) for hop in self.hops))


class RootPlanner:
    """Walks one root field; `numbers` follows the composer's depth-first step numbering, `slots`
    numbers the flags its binders set, `fields` counts the fields planned (what a plan weighs)."""

    def __init__(self, executor: Executor) -> None:
        self.executor = executor
        self.schema: GraphQLSchema = executor.schema
        self.numbers = count(1)
        self.slots = count(0)
        self.binders: list[Binder] = []
        self.fields = 1
        self._scoped: set[str] = set()

    def subfields(self, parent: GraphQLObjectType, details: list[FieldDetails]) -> dict[str, list[FieldDetails]]:
        e = self.executor
        collected = collect_subfields(self.schema, e.fragments, e.variable_values, e.operation, parent, details)
        self.fields += len(collected.grouped_field_set)
        for group in collected.grouped_field_set.values():
            if any(d.defer_usage is not None or d.fragment_variable_values is not None for d in group):
                raise Uncompiled
        return collected.grouped_field_set

    def scope(self, shape: str) -> None:
        if shape not in self._scoped:
            self._scoped.add(shape)
            self.binders.append(binding.scope(shape))

    # -- objects ---------------------------------------------------------------------------------

    def object(self, gql_type: GraphQLObjectType, details: list[FieldDetails], node: _Node) -> Shaper:
        table = FIELDS.get(gql_type.name)
        if table is None:
            raise Uncompiled
        entries: list[Entry] = []
        for alias, group in self.subfields(gql_type, details).items():
            name = group[0].node.name.value
            if name == "__typename":
                entries.append((alias, shapers.constant(gql_type.name), None, None))
                continue
            reading = table.get(name)
            if reading is None:
                raise Uncompiled
            shaper = self.field(gql_type, gql_type.fields[name], group, reading, node)
            personal = _MASKED.get(reading.name) if node.shape == "Person" and isinstance(reading, Column) else None
            entries.append((alias, shaper, *(personal or (None, None))))
        row_type = node.shape if node.shape in ROW_TYPES else None
        return shapers.object_shaper(entries, row_type, SHAPES[node.shape].key)

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
            return shapers.global_id_of(reading.type_name, reading.column)
        if isinstance(reading, Derived):
            node.columns.update(dict.fromkeys(reading.columns))
            return shapers.derived(reading.compute)
        if isinstance(reading, Column):
            node.columns[reading.name] = None
            convert = shapers.enum_name(named) if isinstance(named, GraphQLEnumType) else reading.convert
            return shapers.column(reading.name, convert, non_null and parent.name != "Person")
        if isinstance(reading, Figure):
            number = next(self.numbers)
            node.hops.append(_Hop(reading.hop, None))
            return shapers.figure(f"h{number}", reading.data_class)
        return self.follow(definition, group, reading, node, named, non_null, is_list)

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
        number = next(self.numbers)
        child = _Node(hop.target)
        self.scope(hop.target)
        paged = _is_connection(named)
        filtered = next(self.slots) if reading.filter is not None else None
        after = next(self.slots) if paged else None
        if definition.args or paged:  # bound even when unused: a value that does not coerce fails as in execution
            filter_slot = None if filtered is None else (reading.filter or "", filtered)
            self.binders.append(binding.hop(definition, group[0].node, number, filter_slot, after))
        key = f"h{number}"
        if paged:
            shaper = self.connection(named, group, child, f"n{number}")
            node.hops.append(_Hop(reading.hop, child, page=True, after=after, filtered=filtered))
            return shapers.at(key, shaper)
        shaper = self.object(named, group, child)
        node.hops.append(_Hop(reading.hop, child, filtered=filtered))
        if is_list:
            return shapers.each(key, shaper)
        return shapers.one(key, shaper, non_null)

    def connection(
        self, gql_type: GraphQLObjectType, details: list[FieldDetails], node: _Node, rows_param: str
    ) -> Shaper:
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
                selected = self.subfields(info_type, group).items()
                parts.append((alias, name, [(a, g[0].node.name.value) for a, g in selected]))
            else:
                edge_type = get_named_type(gql_type.fields["edges"].type)
                parts.append((alias, name, self.edge(edge_type, group, node, node_type)))
        return shapers.connection(parts, rows_param, node.shape if node.shape in ROW_TYPES else None)

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


# -- roots -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Bound:
    """A root field ready to read for one request: its statement, parameters and shaper."""

    composed: Composed
    params: dict[str, Any]
    shaper: RootShaper


@lru_cache(maxsize=1024)
def _composed(root: Root, backend: str) -> Composed:
    """Plans repeat (the same page shape for every caller): each is composed once per engine, its
    statement and its rows' unpacker together, also when a plan was evicted and made again."""
    return compose(root, backend)


class RootPlan:
    """A root field's structure, shared by the requests it serves; `bind` makes one request's read."""

    def __init__(self, planner: RootPlanner, root: Callable[[list[bool]], Root], shaper: RootShaper) -> None:
        self.binders = tuple(planner.binders)
        self.slots = next(planner.slots)  # the number of flags the walk handed out
        self.fields = planner.fields
        self.root = root
        self.shaper = shaper
        self._composed: dict[tuple[tuple[bool, ...], str], Composed] = {}

    def bind(self, request: Request, backend: str) -> Bound:
        request.params, request.flags = {}, [False] * self.slots
        for bind in self.binders:
            bind(request)
        key = (tuple(request.flags), backend)
        composed = self._composed.get(key)
        if composed is None:
            composed = _composed(self.root(request.flags), backend)
            if len(self._composed) < _VARIANTS:
                self._composed[key] = composed
        return Bound(composed, request.params, self.shaper)


class NodePlan:
    """`node(id)`: the id names the type, and so the structure, which is planned once per type."""

    def __init__(self, definition: GraphQLField, node: FieldNode, plans: dict[str, RootPlan | None]) -> None:
        self.definition, self.node, self.plans = definition, node, plans
        self.fields = sum(plan.fields for plan in plans.values() if plan is not None)

    def bind(self, request: Request, backend: str) -> Bound:
        args = binding.arguments(self.definition, self.node, request)
        try:
            shape, key = global_id.decode(args["id"])
        except ApiError as exc:
            raise Uncompiled from exc
        plan = self.plans.get(shape)
        if plan is None:  # not a type `node` compiles, or one whose selection cannot compile
            raise Uncompiled
        bound = plan.bind(request, backend)
        bound.params["key"] = key
        return bound


Plan = RootPlan | NodePlan
_BY_ID = {"grid": "Grid", "person": "Person", "household": "Household", "building": "Building", "case": "Case",
          "division": "Division"}  # fmt: skip
_NODE_TYPES = ("Grid", "Person", "Household", "Building", "Division", "Organization", "KeyPlace")
_OTHER_FILTERS = {"overdueCases": "OverdueCase"}  # pages filtered otherwise than their shape's (ROOT_FILTERS)


def _by_key(executor: Executor, shape: str, group: list[FieldDetails], binders: tuple[Binder, ...]) -> RootPlan:
    planner = RootPlanner(executor)
    planner.binders.extend(binders)
    node = _Node(shape)
    shaper = planner.object(executor.schema.type_map[shape], group, node)  # type: ignore[arg-type]
    planner.scope(shape)
    return RootPlan(planner, lambda flags: Root("BY_KEY", shape, node.read(flags)), shapers.found(shaper))


def _node_plan(executor: Executor, shape: str, group: list[FieldDetails]) -> RootPlan | None:
    try:
        return _by_key(executor, shape, group, ())
    except Uncompiled:
        return None


def plan_root(executor: Executor, name: str, group: list[FieldDetails]) -> Plan:
    """The structure of one root field's composed read, or `Uncompiled`, whatever the values."""
    query_type = executor.schema.query_type
    assert query_type is not None
    definition = query_type.fields.get(name)
    if definition is None:  # `__schema`, `__type`
        raise Uncompiled
    field_node = group[0].node
    if name == "node":  # fragments on other types select nothing
        return NodePlan(definition, field_node, {s: _node_plan(executor, s, group) for s in _NODE_TYPES})
    if name in _BY_ID:
        shape = _BY_ID[name]
        return _by_key(executor, shape, group, (binding.by_key(definition, field_node, shape, name),))
    if name in PAGES:
        shape = PAGES[name]
        planner = RootPlanner(executor)
        after = next(planner.slots)
        filters = _OTHER_FILTERS.get(name)
        optional = {f.param: next(planner.slots) for f in ROOT_FILTERS[filters or shape] if f.param}
        planner.binders.append(binding.root_page(definition, field_node, name, after, optional))
        node = _Node(shape)
        shaper = planner.connection(get_named_type(definition.type), group, node, "n0")

        def root(flags: list[bool]) -> Root:
            given = frozenset(param for param, slot in optional.items() if flags[slot])
            return Root("PAGE", shape, node.read(flags), after=flags[after], filters=filters, given=given)

        return RootPlan(planner, root, shaper)
    raise Uncompiled
