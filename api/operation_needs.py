"""What an operation asks for, before it runs: every field's and filter's path, data class, action and row types.

The gate must see what execution will see. So the operation, its fragments and its coerced
variables come from graphql-core's `Executor.build`, the very call `execute` makes next (so a
variable's default applies exactly as it will in execution), and @skip/@include and arguments
are read with graphql-core's own `get_directive_values` and `get_argument_values` over those
values. The walk then follows the operation as execution would (fragments, inline fragments,
aliases), so no spelling of a query can reach a classified field unseen; it may count in more
than execution resolves (every type condition, a condition that fails to coerce), never less.

`node(id)` asks for the entry class of the type its id names. An argument or input field
declared with `filter_field`/`filter_argument` that carries a value is a raw need: the filter
tests stored values, whatever masking the field itself would get. `__schema` and `__type` are
collected as introspection; `__typename` is free.
"""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLArgument,
    GraphQLError,
    GraphQLField,
    GraphQLIncludeDirective,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLSkipDirective,
    InlineFragmentNode,
    SelectionSetNode,
    get_argument_values,
    get_directive_values,
    get_named_type,
)
from graphql.execution import Executor
from graphql.execution.values import VariableValues
from graphql.language import FragmentSpreadNode

from api import global_id
from api.errors import ApiError
from api.fields import ACTION, DATA_CLASS, NODE_ENTRY
from api.node_query import ENTRY_CLASSES
from api.per_schema import per_schema
from authz.classes import Action, DataClass
from authz.gate import Need, Needs

ROW_TYPES = frozenset({"Person", "Household", "Dwelling", "Building", "Organization", "KeyPlace", "Case", "CaseEvent"})
INTROSPECTION = frozenset({"__schema", "__type"})


def _metadata(definition: Any) -> Mapping[str, Any]:
    strawberry_definition = definition.extensions.get("strawberry-definition") if definition.extensions else None
    return (strawberry_definition.metadata or {}) if strawberry_definition is not None else {}


def _row_type(named: GraphQLNamedType) -> str:
    """A connection reads the rows of its nodes."""
    if isinstance(named, GraphQLObjectType) and "nodes" in named.fields and "pageInfo" in named.fields:
        return get_named_type(named.fields["nodes"].type).name
    return named.name


def _tests_values(input_type: GraphQLInputType, seen: frozenset[str] = frozenset()) -> bool:
    """Holds a classified input field, at any depth (a recursive input type counts, to be safe)."""
    named = get_named_type(input_type)
    if not isinstance(named, GraphQLInputObjectType):
        return False
    if named.name in seen:
        return True
    return any(DATA_CLASS in _metadata(f) or _tests_values(f.type, seen | {named.name}) for f in named.fields.values())


@dataclass(frozen=True, slots=True)
class _Field:
    """What the walk needs of one field of one type, read once per schema."""

    definition: GraphQLField
    returned: GraphQLNamedType
    data_class: DataClass | None
    action: Action
    row_types: tuple[str, ...]
    node_entry: bool
    filters: tuple[tuple[str, GraphQLArgument], ...]  # arguments that are or hold filters


class _Catalog:
    """The schema's fields as the walk reads them, built on first use of each."""

    def __init__(self) -> None:
        self._fields: dict[tuple[str, str], _Field | None] = {}

    def field(self, parent: GraphQLNamedType, name: str) -> "_Field | None":
        key = (parent.name, name)
        if key not in self._fields:
            self._fields[key] = self._read(parent, name)
        return self._fields[key]

    @staticmethod
    def _read(parent: GraphQLNamedType, name: str) -> "_Field | None":
        definition = getattr(parent, "fields", {}).get(name)
        if definition is None:
            return None  # `__typename`, or a field validation has refused already
        meta = _metadata(definition)
        returned = get_named_type(definition.type)
        filters = tuple(
            (arg_name, arg)
            for arg_name, arg in definition.args.items()
            if DATA_CLASS in _metadata(arg) or _tests_values(arg.type)
        )
        return _Field(
            definition=definition,
            returned=returned,
            data_class=meta.get(DATA_CLASS),
            action=meta.get(ACTION, Action.READ),
            row_types=tuple(t for t in (parent.name, _row_type(returned)) if t in ROW_TYPES),
            node_entry=bool(meta.get(NODE_ENTRY)),
            filters=filters,
        )


_catalog = per_schema(_Catalog)


def _items(value: Any) -> Iterator[Any]:
    """The input objects in a value: itself, or those of a list, at any depth."""
    if isinstance(value, list):
        for item in value:
            yield from _items(item)
    elif value is not None:
        yield value


class _Walk:
    def __init__(self, executor: Executor) -> None:
        self.schema = executor.schema
        self.variables: VariableValues = executor.variable_values
        self.fragments = executor.fragment_definitions
        self.catalog = _catalog(executor.schema)
        self.needs: list[Need] = []
        self.introspection: list[tuple[str, str]] = []

    def included(self, node: FieldNode | InlineFragmentNode | FragmentSpreadNode) -> bool:
        """@skip and @include as execution applies them; a condition that does not coerce counts as included
        (execution then fails the whole operation, so counting it in can only ask for more)."""
        if not node.directives:
            return True
        try:
            skip = get_directive_values(GraphQLSkipDirective, node, self.variables)
            if skip and skip["if"]:
                return False
            include = get_directive_values(GraphQLIncludeDirective, node, self.variables)
        except GraphQLError:
            return True
        return not (include and not include["if"])

    def selections(
        self, selection_set: SelectionSetNode, parent: GraphQLNamedType, path: str, names: str, seen: frozenset[str]
    ) -> None:
        for selection in selection_set.selections:
            if not self.included(selection):
                continue
            if isinstance(selection, FieldNode):
                self.field(selection, parent, path, names, seen)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = self.schema.type_map[condition.name.value] if condition else parent
                self.selections(selection.selection_set, target, path, names, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is not None and name not in seen:
                    target = self.schema.type_map[fragment.type_condition.name.value]
                    self.selections(fragment.selection_set, target, path, names, seen | {name})

    def field(self, node: FieldNode, parent: GraphQLNamedType, path: str, names: str, seen: frozenset[str]) -> None:
        name = node.name.value
        here = f"{path}.{node.alias.value}" if node.alias else f"{path}.{name}"
        there = f"{names}.{name}"
        if name in INTROSPECTION:
            self.introspection.append((here[1:], there[1:]))
            return
        field = self.catalog.field(parent, name)
        if field is None:
            return
        if field.data_class is not None:
            self.needs.append(Need(here[1:], there[1:], field.data_class, field.action, field.row_types))
        if field.node_entry or field.filters:
            self.arguments(node, field, here[1:], there[1:])
        if node.selection_set is not None:
            self.selections(node.selection_set, field.returned, here, there, seen)

    def arguments(self, node: FieldNode, field: _Field, here: str, there: str) -> None:
        """The values execution will pass; if they do not coerce, the field errors before it resolves."""
        try:
            values = get_argument_values(field.definition, node, self.variables)
        except GraphQLError:
            return
        if field.node_entry:
            self.node_entry(values.get("id"), here, there)
        for name, argument in field.filters:
            self.filter(values.get(name), argument, name, field, here, there)

    def filter(
        self, value: Any, declared: GraphQLArgument | GraphQLInputField, at: str, field: _Field, here: str, there: str
    ) -> None:
        """A filter with a value needs its class unmasked; input objects are searched for theirs."""
        if value is None:
            return
        data_class = _metadata(declared).get(DATA_CLASS)
        if data_class is not None:
            self.needs.append(Need(f"{here}({at})", f"{there}({at})", data_class, Action.READ, field.row_types, True))
        named = get_named_type(declared.type)
        if isinstance(named, GraphQLInputObjectType):
            for item in _items(value):
                for name, input_field in named.fields.items():
                    self.filter(item.get(name), input_field, f"{at}.{name}", field, here, there)

    def node_entry(self, raw_id: Any, here: str, there: str) -> None:
        """`node(id)` reads a row of the type its id names: ask for that type's entry class."""
        try:
            type_name = global_id.decode(str(raw_id))[0]
        except ApiError:
            return  # the resolver answers BAD_USER_INPUT for a malformed id
        if type_name in ENTRY_CLASSES:
            row_types = (type_name,) if type_name in ROW_TYPES else ()
            self.needs.append(Need(here, there, ENTRY_CLASSES[type_name], Action.READ, row_types))


def collect_needs(
    schema: GraphQLSchema, document: DocumentNode, operation_name: str | None, variables: Mapping[str, Any] | None
) -> Needs | list[GraphQLError]:
    """The operation's needs, or graphql-core's own request errors (no such operation, variables that
    do not coerce): execution would answer those and resolve nothing, so the gate answers them too."""
    executor = Executor.build(
        schema, document, raw_variable_values=dict(variables or {}), operation_name=operation_name
    )
    if isinstance(executor, list):
        return executor
    root = schema.get_root_type(executor.operation.operation)
    if root is None:
        return Needs(())
    walk = _Walk(executor)
    walk.selections(executor.operation.selection_set, root, "", "", frozenset())
    return Needs(tuple(walk.needs), tuple(walk.introspection))
