"""Builds the schema from the per-domain roots, with the operation limits from settings."""

import logging
from collections.abc import Callable
from functools import partial

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from api.auditing.history import AccessHistoryQuery
from api.auditing.integrity import AuditIntegrityQuery
from api.auditing.queries import AuditQueryRoot
from api.case.assessment import CaseAssessmentQuery
from api.case.events import CaseEventQuery
from api.case.mutations import CaseMutation
from api.case.queries import CaseQuery
from api.case.subscription import CaseEventSubscription
from api.division.queries import DivisionQuery
from api.division.types import Division
from api.extensions.audit import AuditCollector
from api.extensions.case_purpose import CasePurpose
from api.extensions.compiled import CompiledReads
from api.extensions.control_characters import ControlCharacters
from api.extensions.gate import Gate
from api.extensions.stream_audit import StreamAudit
from api.extensions.tracing import operation_tracing
from api.grid.queries import GridQuery
from api.grid.types import Grid
from api.idempotency import Idempotency
from api.limits import Limits
from api.node_query import NodeQuery
from api.person.mutations import PersonMutation
from api.person.queries import PersonQueryRoot
from api.person.types import Household, Person
from api.place.queries import PlaceQuery
from api.place.types import Building, KeyPlace, Organization
from api.policy.mutations import PolicyMutation
from api.policy.queries import PolicyQuery
from api.webhook.mutations import WebhookMutation
from api.webhook.queries import WebhookQuery
from graph_model.store import GraphUnavailable

log = logging.getLogger("wangge.api")

Query = merge_types(
    "Query",
    (
        NodeQuery,
        DivisionQuery,
        GridQuery,
        PersonQueryRoot,
        PlaceQuery,
        PolicyQuery,
        AuditQueryRoot,
        AccessHistoryQuery,
        AuditIntegrityQuery,
        CaseQuery,
        CaseEventQuery,
        CaseAssessmentQuery,
        WebhookQuery,
    ),
)
Mutation = merge_types("Mutation", (PersonMutation, PolicyMutation, CaseMutation, WebhookMutation))
Subscription = merge_types("Subscription", (CaseEventSubscription,))


def build_extensions(limits: Limits, gate: bool = True, compiled: bool = True) -> list[Callable[[], SchemaExtension]]:
    """Factories, so each request gets fresh extension instances.

    Tracing comes first: hooks are entered in list order, and the caches parse and validate
    before they yield, so a later tracing hook would time nothing and miss a failed parse.
    The control-character check comes after the validation cache, whose result it extends.

    The depth and alias rules are built once here and shared by every request: the validation
    cache is keyed by (schema, document, rules), and `QueryDepthLimiter`/`MaxAliasesLimiter`
    make a new rule class per instance, so per-request limiters made every request a cache
    miss (the grid page's ~2 ms validation ran every time, measured) and filled the cache
    with entries that could never hit again. The limits still run: on a miss, with the rules.
    """
    rules = [
        *QueryDepthLimiter(max_depth=limits.max_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=limits.max_aliases).validation_rules,
    ]
    return [
        operation_tracing(),
        partial(MaxTokensLimiter, max_token_count=limits.max_tokens),
        partial(AddValidationRules, rules),
        partial(ParserCache, maxsize=256),
        partial(ValidationCache, maxsize=256),
        ControlCharacters,
        AuditCollector,
        StreamAudit,  # before the gate: a websocket operation's fresh access is what the gate fills
        *([Gate, CasePurpose] if gate else []),
        *([CompiledReads] if gate and compiled else []),
        Idempotency,  # after the gate: a replay is served only to whom the gate lets run it now
    ]


class WanggeSchema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        """Log only unexpected failures, by type and path: client errors are expected, and any
        message may quote a variable or a value from the data (a name, an ID number)."""
        for error in errors:
            original = error.original_error
            if original is not None and not isinstance(original, GraphQLError | GraphUnavailable):
                log.error("unexpected %s at %s", type(original).__name__, error.path)
            elif isinstance(original, GraphUnavailable):
                log.warning("graph unavailable at %s", error.path)


def build_schema(limits: Limits, gate: bool = True, compiled: bool = True) -> strawberry.Schema:
    return WanggeSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=[Person, Household, Grid, Division, Building, Organization, KeyPlace],
        extensions=build_extensions(limits, gate, compiled),
    )
