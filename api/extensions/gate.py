"""The Article 21 gate as a strawberry extension: decide after validation, before any resolver.

If anything the operation asks for is denied, execution never starts: the answer is
one FORBIDDEN error naming every denied path as the client wrote it (aliases included),
and no graph statement is sent beyond the one that may load the caller's grants. The
audit record keeps the denied paths in schema field names only: an alias is text the
client chose and may hold anything. Otherwise the decision's row scope and masking go
into the request context for the loaders and types to apply. Each decision is a span
(classes, decision, deciding rules: never values) and every denied class counts in
`wangge.authz.denials`. Where graphql-core would refuse the request before resolving
anything (variables that do not coerce), the gate answers with graphql-core's errors.

Strawberry starts a subscription whatever answer this hook sets (and an exception raised here
leaves the other extensions' hooks open), so a subscription's resolver calls `admit` itself
before it reads or yields anything, and again before each page (`api/case/subscription.py`).
"""

from collections.abc import AsyncIterator

from graphql import GraphQLError
from opentelemetry import metrics, trace
from opentelemetry.trace import Span
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionResult

from api.context import Context
from api.errors import ApiError, Code
from api.operation_needs import collect_needs
from authz.gate import Decision, Needs, decide, deciding_rules

_tracer = trace.get_tracer("wangge.authz")
_denials = metrics.get_meter("wangge.authz").create_counter(
    "wangge.authz.denials", unit="{field}", description="Denied fields, by data class."
)


def _error(decision: Decision) -> ApiError | None:
    if decision.denied:
        return ApiError(
            "Not allowed to read or change: " + ", ".join(decision.denied), Code.FORBIDDEN, paths=decision.denied
        )
    if decision.missing_purpose:
        classes = ", ".join(decision.missing_purpose)
        return ApiError(
            f"Unmasked {classes} needs a declared purpose: send the Wangge-Purpose header "
            "(for example the case id the request serves).",
            Code.FORBIDDEN,
            missing="purpose",
            dataClasses=decision.missing_purpose,
        )
    return None


class Gate(SchemaExtension):
    async def on_execute(self) -> AsyncIterator[None]:
        execution = self.execution_context
        if execution.graphql_document is not None:
            with _tracer.start_as_current_span("wangge.gate") as span:
                errors = await self._refusal(span)
            if errors:
                execution.result = ExecutionResult(data=None, errors=errors)
        yield

    async def _refusal(self, span: Span) -> list[GraphQLError]:
        execution = self.execution_context
        asked = collect_needs(
            execution.schema._schema, execution.graphql_document, execution.operation_name, execution.variables
        )
        if isinstance(asked, list):
            return asked
        error = await admit(execution.context, asked, span)
        return [error] if error else []


async def admit(context: Context, asked: Needs, span: Span) -> ApiError | None:
    """Decide what the operation asks for the context's principal, now, and fill in the context's access
    and audit draft; the refusal, if any. A subscription calls it again before each page of events it
    delivers: what it may see is decided by the policy in force then, not the one it started under."""
    needs = list(asked.fields)
    caps = await context.policy.capabilities(context.principal.subject)
    decision = decide(caps, asked, context.policy.grids, context.purpose)
    context.access.adopt(decision.access)
    rules = deciding_rules(caps, context.policy.rules, needs)
    audit = context.audit
    audit.needs, audit.deciding_rules, audit.denied_paths = needs, rules, decision.denied_fields
    audit.grants = [{"role": g.role, "jurisdiction": g.jurisdiction, "department": g.department} for g in caps.grants]
    audit.decision = "allow" if decision.allowed else "deny"
    span.set_attribute("wangge.data_classes", sorted({n.data_class.value for n in needs}))
    span.set_attribute("wangge.decision", audit.decision)
    span.set_attribute("wangge.rules", rules)
    span.set_attribute("wangge.policy_version", caps.version)
    refused = set(decision.denied)
    for data_class in {n.path: n.data_class.value for n in needs if n.path in refused}.values():
        _denials.add(1, {"data_class": data_class})
    return _error(decision)
