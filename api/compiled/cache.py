"""Compiled plans, cached per (document, operation, directive values): only parameters change per request.

What a plan's structure depends on, and so the key: the document (the SHA-256 of its text), the
operation's name, and the values of the variables that any directive reads (@skip/@include decide
which fields are collected). Nothing of the caller: the planner is given neither the request's
access nor its limits (`api.compiled.plan`), since every caller-dependent decision is made per
request: the row scope is a parameter (covering prefixes, `$s_root`, the case scope), masking,
per-grid figures and reporter or staff fields are decided per row while shaping from the request's
access, page sizes are parameters the shapers read back. So the "capability shape" in the key of
issue 12 is empty by construction, and one plan serves a grid chief and a masked officer alike.
Argument values that change the statement's text (a cursor or none, a filter or none) are flags
each plan composes once per combination of; `node(id)`'s type is planned once per type (`NodePlan`).

Bounded by memory, not only by count, so that a client sending endless distinct documents cannot
grow a worker: plans weigh what they hold (`FIELD_BYTES` per planned field, `CHAR_BYTES` per
character of the document they keep nodes of), and the least recently used go first past
`budget`; a plan heavier than `largest` (a document that expands fragments into thousands of
fields) is made per request, as before the cache. Documents are parsed again without locations
for the cache: a node with a location holds every token of its document.

An operation that cannot compile is remembered as such (that decision depends on the key alone);
a value that cannot be bound fails its own request only (`Uncompiled` from binding).
"""

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cachetools import LRUCache
from graphql import (
    DirectiveNode,
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    VariableNode,
    Visitor,
    parse,
    visit,
)
from graphql.execution import Executor
from graphql.execution.collect_fields import collect_fields
from graphql.execution.values import VariableValues, get_variable_values

from api.compiled.binding import Request
from api.compiled.plan import Bound, Plan, plan_root
from api.compiled.shapers import Uncompiled
from api.limits import Limits
from api.per_schema import per_schema
from authz.gate import Access

# Measured with tracemalloc (2026-12-01): a plan of 30 aliased grid pages (360 fields) held 499 KB of
# closures and templates; a document parsed without locations 43-46 bytes per character.
FIELD_BYTES = 1_400
CHAR_BYTES = 48
BUDGET = 64 * 2**20  # per schema, so per worker


class _DirectiveVariables(Visitor):
    """The names of the variables that any directive of the document reads."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()
        self.depth = 0

    def enter_directive(self, node: DirectiveNode, *_: Any) -> None:
        self.depth += 1

    def leave_directive(self, node: DirectiveNode, *_: Any) -> None:
        self.depth -= 1

    def enter_variable(self, node: VariableNode, *_: Any) -> None:
        if self.depth:
            self.names.add(node.name.value)


@dataclass(frozen=True, slots=True)
class _Operation:
    """What the key needs of a document: the document (parsed without locations), its query operation
    (None: nothing to compile) and the variables its directives read, in a fixed order."""

    document: DocumentNode
    definition: OperationDefinitionNode | None
    directive_variables: tuple[str, ...]
    weight: int


def _operation(query: str, operation_name: str | None) -> _Operation:
    """The operation as `Executor.build` chooses it; fragments with variables of their own are not compiled."""
    document = parse(query, no_location=True)
    weight = CHAR_BYTES * len(query)
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    fragments = [d for d in document.definitions if isinstance(d, FragmentDefinitionNode)]
    if operation_name is None:
        chosen = operations[0] if len(operations) == 1 else None
    else:
        chosen = next((o for o in operations if o.name and o.name.value == operation_name), None)
    if chosen is None or chosen.operation is not OperationType.QUERY or any(f.variable_definitions for f in fragments):
        return _Operation(document, None, (), weight)
    found = _DirectiveVariables()
    visit(document, found)
    return _Operation(document, chosen, tuple(sorted(found.names)), weight)


class OperationPlan:
    """Every root field's plan, by response key (None: `__typename`)."""

    def __init__(self, roots: Mapping[str, Plan | None], weight: int) -> None:
        self.roots = roots
        self.weight = weight

    def bind(
        self, variables: VariableValues, access: Access, limits: Limits, now_ms: int, backend: str
    ) -> dict[str, Bound | None]:
        """This request's reads, or `Uncompiled` when one of its values cannot be bound."""
        request = Request(variables, access, limits, now_ms, {}, [])
        return {alias: None if plan is None else plan.bind(request, backend) for alias, plan in self.roots.items()}


def _plan(
    schema: GraphQLSchema, operation: _Operation, raw: Mapping[str, Any], name: str | None
) -> OperationPlan | None:
    """Every root field planned, or None: some root field cannot compile whatever the values."""
    executor = Executor.build(schema, operation.document, raw_variable_values=dict(raw), operation_name=name)
    if isinstance(executor, list):
        return None
    assert schema.query_type is not None
    grouped = collect_fields(
        schema, executor.fragments, executor.variable_values, schema.query_type, executor.operation
    ).grouped_field_set
    roots: dict[str, Plan | None] = {}
    fields = 0
    try:
        for alias, group in grouped.items():
            field_name = group[0].node.name.value
            plan = None if field_name == "__typename" else plan_root(executor, field_name, group)
            roots[alias] = plan
            fields += 1 if plan is None else plan.fields
    except Uncompiled:
        return None
    return OperationPlan(roots, FIELD_BYTES * fields + operation.weight)


def _weight(plan: OperationPlan | None) -> int:
    return FIELD_BYTES if plan is None else plan.weight


class Plans:
    """One schema's plans. `walks` counts the plans made (each a walk of the operation), `hits` the
    requests a kept plan served."""

    def __init__(self, budget: int = BUDGET, largest: int | None = None) -> None:
        self._operations: LRUCache[tuple[bytes, str | None], _Operation] = LRUCache(
            budget // 4, getsizeof=lambda operation: operation.weight
        )
        self._plans: LRUCache[tuple[Any, ...], OperationPlan | None] = LRUCache(budget, getsizeof=_weight)
        self.largest = budget // 64 if largest is None else largest
        self.walks = self.hits = 0

    def plan(
        self, schema: GraphQLSchema, query: str | None, name: str | None, raw: Mapping[str, Any]
    ) -> tuple[OperationPlan, VariableValues] | None:
        """The operation's plan and its coerced variables, or None: the resolvers answer it (not a query,
        variables that do not coerce, a field or shape the compiled path does not serve)."""
        if query is None:
            return None
        key = (hashlib.sha256(query.encode()).digest(), name)
        operation = self._operations.get(key)
        if operation is None:
            operation = _operation(query, name)
            if operation.weight <= self.largest:
                self._operations[key] = operation
        if operation.definition is None:
            return None
        variables = get_variable_values(schema, operation.definition.variable_definitions or (), dict(raw))
        if isinstance(variables, list):
            return None  # execution answers with graphql-core's errors
        plan_key = (*key, tuple(variables.coerced.get(v) for v in operation.directive_variables))
        if plan_key in self._plans:
            self.hits += 1
            plan = self._plans[plan_key]
        else:
            self.walks += 1
            plan = _plan(schema, operation, raw, name)
            if _weight(plan) <= self.largest:
                self._plans[plan_key] = plan
        return None if plan is None else (plan, variables)

    def __len__(self) -> int:
        """The plans kept."""
        return len(self._plans)


plans_for = per_schema(Plans)  # a schema's plans hold its types
