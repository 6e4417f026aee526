"""Differential: the needs the gate collects against the fields graphql-core actually resolves.

Random documents come from hypothesis-graphql over the served schema's domain roots, then are
rewritten at random the ways the gate must see through: literal arguments and input fields
lifted into variables that are passed or left to their default, @skip/@include on variables
with defaults, aliases, and real ids of the seeded graph in place of random ones so that
`node(id)` and the lookups resolve. Each document runs for real (both backends) through the
schema the app serves, without the gate and with every row in scope, while a schema extension
records every resolver call with the arguments graphql-core coerced for it. Every classified
field that resolved, every filter that reached its resolver with a value, the entry class of
every `node(id)` that resolved and every introspection field must be among the needs the gate
collects for the same document and variables: the gate may ask for more, never for less.
"""

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import hypothesis_graphql
import strawberry
from graphql import (
    ArgumentNode,
    BooleanValueNode,
    DirectiveNode,
    DocumentNode,
    FieldNode,
    GraphQLArgument,
    GraphQLField,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLNamedType,
    GraphQLResolveInfo,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    NameNode,
    NullValueNode,
    ObjectFieldNode,
    ObjectValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    StringValueNode,
    ValueNode,
    VariableDefinitionNode,
    VariableNode,
    get_named_type,
    parse,
    parse_type,
    print_ast,
    validate,
    value_from_ast_untyped,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strawberry.extensions import SchemaExtension

from api import global_id
from api.audit_draft import AuditDraft
from api.case.services import CaseServices
from api.context import Context
from api.fields import DATA_CLASS, NODE_ENTRY
from api.limits import Limits
from api.node_query import ENTRY_CLASSES
from api.operation_needs import ROW_TYPES, collect_needs
from api.schema import build_schema
from authz.classes import DataClass
from authz.gate import Access, Needs
from authz.policy_service import PolicyService
from authz.principal import Principal
from loaders.registry import build_loaders
from tests.common.samples import Samples
from tests.e2e.conftest import Api

ROOTS = ("node", "divisions", "division", "grid", "persons", "person", "households", "household", "building",
         "organizations", "keyPlaces", "departments")  # fmt: skip
UNLIMITED = Limits(max_depth=1000, max_aliases=10_000, max_tokens=1_000_000)
TAGS = ("disabled", "low_income", "veteran", "elderly_alone")
# Root selections hypothesis-graphql does not generate, added at random: they are free or need a grant.
INTROSPECTION = tuple(
    parse(f"{{ {selection} }}").definitions[0].selection_set.selections[0]  # type: ignore[attr-defined]
    for selection in ("__typename", "__schema { queryType { name } }", '__type(name: "Person") { name }')
)

Expected = tuple[str, str, DataClass, bool]  # response path, schema path, class, raw


@dataclass
class Recording:
    """Resolver calls of one execution, as (parent type, field name, response path, schema path, arguments)."""

    calls: list[tuple[str, str, str, str, dict[str, Any]]] = field(default_factory=list)
    schema_paths: dict[tuple[str | int, ...], tuple[str, ...]] = field(default_factory=dict)


RECORDING = Recording()


class Recorder(SchemaExtension):
    """Sees every field graphql-core resolves, with the arguments it coerced, just before the resolver runs."""

    def resolve(self, _next: Callable[..., Any], root: Any, info: GraphQLResolveInfo, *args: Any, **kwargs: Any) -> Any:
        full = tuple(info.path.as_list())
        parent = full[:-1]
        while parent and isinstance(parent[-1], int):
            parent = parent[:-1]
        names = RECORDING.schema_paths[full] = (*RECORDING.schema_paths.get(parent, ()), info.field_name)
        response = ".".join(k for k in full if isinstance(k, str))
        RECORDING.calls.append((info.parent_type.name, info.field_name, response, ".".join(names), kwargs))
        return _next(root, info, *args, **kwargs)


def _metadata(definition: GraphQLField | GraphQLArgument | GraphQLInputField) -> Mapping[str, Any]:
    backref = (definition.extensions or {}).get("strawberry-definition")
    return (backref.metadata or {}) if backref is not None else {}


def _filters(value: Any, declared: GraphQLArgument | GraphQLInputField, at: str) -> Iterator[tuple[str, DataClass]]:
    if value is None:
        return
    if DATA_CLASS in _metadata(declared):
        yield at, _metadata(declared)[DATA_CLASS]
    named = get_named_type(declared.type)
    if isinstance(named, GraphQLInputObjectType):
        for item in value if isinstance(value, list) else [value]:
            for name, input_field in named.fields.items():
                yield from _filters(item.get(name), input_field, f"{at}.{name}")


def expected(schema: GraphQLSchema, recording: Recording) -> tuple[set[Expected], set[tuple[str, str]]]:
    """What the gate must have asked for, given what resolved."""
    needs: set[Expected] = set()
    introspection: set[tuple[str, str]] = set()
    for parent, name, path, names, arguments in recording.calls:
        if name in ("__schema", "__type"):
            introspection.add((path, names))
            continue
        definition = getattr(schema.type_map[parent], "fields", {}).get(name)
        if definition is None:
            continue
        meta = _metadata(definition)
        if DATA_CLASS in meta:
            needs.add((path, names, meta[DATA_CLASS], False))
        for arg_name, argument in definition.args.items():
            for at, data_class in _filters(arguments.get(arg_name), argument, arg_name):
                needs.add((f"{path}({at})", f"{names}({at})", data_class, True))
        if meta.get(NODE_ENTRY):
            type_name = global_id.decode(str(arguments["id"]))[0] if _decodes(arguments.get("id")) else None
            if type_name in ENTRY_CLASSES:
                needs.add((path, names, ENTRY_CLASSES[type_name], False))
    return needs, introspection


def _decodes(raw: Any) -> bool:
    try:
        global_id.decode(str(raw))
    except Exception:  # any refusal means the resolver reads nothing
        return False
    return True


class Rewrite:
    """Rewrites a generated document with values drawn from hypothesis: see the module docstring."""

    def __init__(self, schema: GraphQLSchema, draw: Callable[[st.SearchStrategy[Any]], Any], ids: list[str]) -> None:
        self.schema, self.draw, self.ids = schema, draw, ids
        self.definitions: list[VariableDefinitionNode] = []
        self.variables: dict[str, Any] = {}
        self.aliases = 0

    def document(self, generated: DocumentNode) -> DocumentNode:
        operation = generated.definitions[0]
        assert isinstance(operation, OperationDefinitionNode)
        extra = self.draw(
            st.lists(st.sampled_from(INTROSPECTION), max_size=2, unique_by=id)
        )  # two `__type` would conflict
        generated_set = SelectionSetNode(selections=(*operation.selection_set.selections, *extra))
        selection_set = self.selection_set(generated_set, self.schema.query_type)
        return DocumentNode(
            definitions=(
                OperationDefinitionNode(
                    operation=operation.operation,
                    variable_definitions=tuple(self.definitions),
                    directives=(),
                    selection_set=selection_set,
                ),
            )
        )

    def selection_set(self, selection_set: SelectionSetNode, parent: Any) -> SelectionSetNode:
        selections: list[Any] = []
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                selections.append(self.field(selection, parent))
            elif isinstance(selection, InlineFragmentNode):
                target = (
                    self.schema.type_map[selection.type_condition.name.value] if selection.type_condition else parent
                )
                selections.append(
                    InlineFragmentNode(
                        type_condition=selection.type_condition,
                        directives=self.condition(),
                        selection_set=self.selection_set(selection.selection_set, target),
                    )
                )
        return SelectionSetNode(selections=tuple(selections))

    def field(self, node: FieldNode, parent: GraphQLNamedType) -> FieldNode:
        definition = self.schema.get_field(parent, node.name.value)  # introspection fields included
        assert definition is not None, node.name.value
        arguments = tuple(
            ArgumentNode(name=a.name, value=self.value(a.value, definition.args[a.name.value].type, a.name.value))
            for a in node.arguments or ()
        )
        alias = None
        if self.draw(st.booleans()):
            self.aliases += 1
            alias = NameNode(value=f"a{self.aliases}")
        returned = get_named_type(definition.type)
        children = self.selection_set(node.selection_set, returned) if node.selection_set else None
        return FieldNode(
            alias=alias, name=node.name, arguments=arguments, directives=self.condition(), selection_set=children
        )

    def value(self, value: ValueNode, input_type: GraphQLInputType, name: str) -> ValueNode:
        """A realistic literal in place of a random one, sometimes; then, sometimes, a variable instead."""
        value = self.realistic(value, input_type, name)
        named = get_named_type(input_type)
        if isinstance(value, ObjectValueNode) and isinstance(named, GraphQLInputObjectType):
            value = ObjectValueNode(
                fields=tuple(
                    ObjectFieldNode(
                        name=f.name, value=self.value(f.value, named.fields[f.name.value].type, f.name.value)
                    )
                    for f in value.fields
                )
            )
        how = self.draw(st.sampled_from(("literal", "default", "passed", "passed over a default")))
        if how == "literal" or _holds_variable(value):  # a default value cannot hold a variable
            return value
        if how == "default":
            return self.variable(str(input_type), value)
        passed = value_from_ast_untyped(value)
        default = self.realistic(value, input_type, name, force=True) if how == "passed over a default" else None
        return self.variable(str(input_type), default, passed)

    def variable(self, type_name: str, default: ValueNode | None, passed: Any = ...) -> VariableNode:
        """Declares a variable with this default; `passed`, when given, is sent as the request's value."""
        name = NameNode(value=f"v{len(self.definitions)}")
        if passed is not ...:
            self.variables[name.value] = passed
        self.definitions.append(
            VariableDefinitionNode(
                variable=VariableNode(name=name), type=parse_type(type_name), default_value=default, directives=()
            )
        )
        return VariableNode(name=name)

    def realistic(self, value: ValueNode, input_type: GraphQLInputType, name: str, force: bool = False) -> ValueNode:
        named = get_named_type(input_type)
        if not force and self.draw(st.integers(0, 3)) == 0:  # keep the generated value a quarter of the time
            return value
        if named.name == "ID":
            return StringValueNode(value=self.draw(st.sampled_from(self.ids)))
        if name == "tags":
            return ListValueNode(
                values=tuple(StringValueNode(value=t) for t in self.draw(st.lists(st.sampled_from(TAGS))))
            )
        if name in ("division", "parent", "code") and named.name == "String":
            return StringValueNode(value=self.draw(st.sampled_from(("3308", "330802", "330803"))))
        if name == "first" and named.name == "Int":
            return IntValueNode(value=str(self.draw(st.integers(1, 5))))
        if name == "after":
            return NullValueNode()
        return value

    def condition(self) -> tuple[DirectiveNode, ...]:
        """No directive, or @skip/@include on a literal, a defaulted variable or a passed one."""
        kind = self.draw(st.sampled_from((None, None, "skip", "include")))
        if kind is None:
            return ()
        flag = BooleanValueNode(value=self.draw(st.booleans()))
        how = self.draw(st.sampled_from(("literal", "default", "passed", "passed to a nullable")))
        condition: ValueNode = flag
        if how == "default":
            condition = self.variable("Boolean!", flag)
        elif how.startswith("passed"):
            other = BooleanValueNode(value=not flag.value)
            condition = self.variable("Boolean" if how.endswith("nullable") else "Boolean!", other, flag.value)
        argument = ArgumentNode(name=NameNode(value="if"), value=condition)
        return (DirectiveNode(name=NameNode(value=kind), arguments=(argument,)),)


def _holds_variable(value: ValueNode) -> bool:
    if isinstance(value, VariableNode):
        return True
    if isinstance(value, ObjectValueNode):
        return any(_holds_variable(f.value) for f in value.fields)
    if isinstance(value, ListValueNode):
        return any(_holds_variable(v) for v in value.values)
    return False


def real_ids(samples: Samples) -> list[str]:
    return [
        global_id.encode("Person", samples.person),
        global_id.encode("Household", samples.household),
        global_id.encode("Building", samples.building),
        global_id.encode("Organization", samples.organization),
        global_id.encode("KeyPlace", samples.key_place),
        global_id.encode("Division", samples.grids[0][:6]),
        *(global_id.encode("Grid", g) for g in samples.grids),
    ]


@cache
def served() -> strawberry.Schema:
    """The schema the app serves (without the gate, which would refuse before anything resolves), recorded."""
    schema = build_schema(UNLIMITED, gate=False)
    schema.extensions = [Recorder]
    return schema


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(generated=hypothesis_graphql.queries(served()._schema, fields=ROOTS), data=st.data())
async def test_the_gate_asks_for_everything_that_resolves(api: Api, generated: str, data: st.DataObject) -> None:
    schema = served()._schema
    rewrite = Rewrite(schema, data.draw, real_ids(api.samples))
    document = rewrite.document(parse(generated))
    assert validate(schema, document) == [], print_ast(document)
    query = print_ast(document)
    access = Access.everything(ROW_TYPES, api.policy.grids)
    context = Context(
        request=None,  # type: ignore[arg-type]  # no resolver of these roots reads the HTTP request
        principal=Principal("differential"),
        loaders=build_loaders(api.store, access),
        store=api.store,
        limits=UNLIMITED,
        access=access,
        policy=api.policy,
        admin=PolicyService(api.store, api.policy),
        purpose="reason:public-service",
        audit=AuditDraft(),
        cases=CaseServices.default(api.store),
    )
    RECORDING.calls.clear()
    RECORDING.schema_paths.clear()
    await served().execute(query, variable_values=rewrite.variables, context_value=context)
    asked = collect_needs(schema, parse(query), None, rewrite.variables)
    assert isinstance(asked, Needs), asked
    needs, introspection = expected(schema, RECORDING)
    collected = {(n.path, n.schema_path, n.data_class, n.raw) for n in asked.fields}
    assert needs <= collected, (query, rewrite.variables, sorted(needs - collected, key=str))
    assert introspection <= set(asked.introspection), (query, rewrite.variables)
