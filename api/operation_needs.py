"""What an operation asks for, before it runs: every field's path, data class, action and row types.

The walk follows the operation as execution would (fragments, inline fragments,
aliases, @skip/@include with the request's variables), so no spelling of a query can
reach a classified field unseen. `node(id)` is resolved to the type its id names.
"""

from collections.abc import Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValueNode,
    VariableNode,
    get_named_type,
    get_operation_ast,
)

from api import global_id
from api.errors import ApiError
from api.fields import ACTION, DATA_CLASS, NODE_ENTRY
from api.node_query import ENTRY_CLASSES
from authz.classes import Action
from authz.gate import Need

ROW_TYPES = frozenset({"Person", "Household", "Dwelling", "Building", "Organization", "KeyPlace"})


def _metadata(field: Any) -> Mapping[str, Any]:
    definition = field.extensions.get("strawberry-definition") if field.extensions else None
    return definition.metadata if definition is not None and definition.metadata else {}


def _row_type(named: GraphQLNamedType) -> str:
    """A connection reads the rows of its nodes."""
    if isinstance(named, GraphQLObjectType) and "nodes" in named.fields and "pageInfo" in named.fields:
        return get_named_type(named.fields["nodes"].type).name
    return named.name


class _Walk:
    def __init__(self, schema: GraphQLSchema, document: DocumentNode, variables: Mapping[str, Any]) -> None:
        self.schema = schema
        self.variables = dict(variables)
        self.fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        self.needs: list[Need] = []

    def value(self, node: ValueNode) -> Any:
        if isinstance(node, VariableNode):
            return self.variables.get(node.name.value)
        return getattr(node, "value", None)

    def included(self, node: Any) -> bool:
        """@skip and @include as execution applies them; an unresolvable condition counts as included."""
        for directive in node.directives or ():
            condition = next((a.value for a in directive.arguments if a.name.value == "if"), None)
            if condition is None:
                continue
            value = self.value(condition)
            if directive.name.value == "skip" and value is True:
                return False
            if directive.name.value == "include" and value is False:
                return False
        return True

    def selections(
        self, selection_set: SelectionSetNode, parent: GraphQLNamedType, path: str, seen: frozenset[str]
    ) -> None:
        for selection in selection_set.selections:
            if not self.included(selection):
                continue
            if isinstance(selection, FieldNode):
                self.field(selection, parent, path, seen)
            elif isinstance(selection, InlineFragmentNode):
                target = (
                    self.schema.type_map[selection.type_condition.name.value] if selection.type_condition else parent
                )
                self.selections(selection.selection_set, target, path, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is not None and name not in seen:
                    target = self.schema.type_map[fragment.type_condition.name.value]
                    self.selections(fragment.selection_set, target, path, seen | {name})

    def field(self, node: FieldNode, parent: GraphQLNamedType, path: str, seen: frozenset[str]) -> None:
        name = node.name.value
        fields = getattr(parent, "fields", {})
        if name.startswith("__") or name not in fields:
            return
        definition = fields[name]
        here = f"{path}.{node.alias.value if node.alias else name}".lstrip(".")
        returned = get_named_type(definition.type)
        meta = _metadata(definition)
        row_types = tuple(t for t in (parent.name, _row_type(returned)) if t in ROW_TYPES)
        if DATA_CLASS in meta:
            action = meta.get(ACTION, Action.READ)
            self.needs.append(Need(here, meta[DATA_CLASS], action, row_types))
        if meta.get(NODE_ENTRY):
            self.node_entry(node, here)
        if node.selection_set is not None:
            self.selections(node.selection_set, returned, here, seen)

    def node_entry(self, node: FieldNode, path: str) -> None:
        """`node(id)` reads a row of the type its id names: ask for that type's entry class."""
        argument = next((a for a in node.arguments if a.name.value == "id"), None)
        if argument is None:
            return
        raw = self.value(argument.value)
        try:
            type_name = global_id.decode(str(raw))[0]
        except ApiError:
            return  # the resolver answers BAD_USER_INPUT for a malformed id
        if type_name in ENTRY_CLASSES:
            row_types = (type_name,) if type_name in ROW_TYPES else ()
            self.needs.append(Need(path, ENTRY_CLASSES[type_name], Action.READ, row_types))


def collect_needs(
    schema: GraphQLSchema, document: DocumentNode, operation_name: str | None, variables: Mapping[str, Any] | None
) -> list[Need]:
    operation: OperationDefinitionNode | None = get_operation_ast(document, operation_name)
    if operation is None:
        return []
    root = schema.get_root_type(operation.operation)
    if root is None:
        return []
    walk = _Walk(schema, document, variables or {})
    walk.selections(operation.selection_set, root, "", frozenset())
    return walk.needs
