"""The Article 21 gate as a strawberry extension: decide after validation, before any resolver.

If anything the operation asks for is denied, execution never starts: the answer is
one FORBIDDEN error naming every denied field path, and no graph statement is sent
beyond the one that may load the caller's grants. Otherwise the decision's row scope
and masking go into the request context for the loaders and types to apply. Each
decision is a span (classes, decision, deciding rules: never values) and every denied
class counts in `wangge.authz.denials`.
"""

from collections.abc import AsyncIterator

from opentelemetry import metrics, trace
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionResult

from api.context import Context
from api.errors import ApiError, Code
from api.operation_needs import collect_needs
from authz.gate import Decision, decide, deciding_rules

_tracer = trace.get_tracer("wangge.authz")
_denials = metrics.get_meter("wangge.authz").create_counter(
    "wangge.authz.denials", unit="{field}", description="Denied fields, by data class."
)


def _refusal(decision: Decision) -> ApiError | None:
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
        context: Context = execution.context
        document = execution.graphql_document
        if document is not None:
            with _tracer.start_as_current_span("wangge.gate") as span:
                needs = collect_needs(execution.schema._schema, document, execution.operation_name, execution.variables)
                caps = await context.policy.capabilities(context.principal.subject)
                decision = decide(caps, needs, context.policy.grids, context.purpose)
                context.access.adopt(decision.access)
                rules = deciding_rules(caps, context.policy.rules, needs)
                audit = context.audit
                audit.needs, audit.deciding_rules, audit.denied_paths = needs, rules, decision.denied
                audit.grants = [
                    {"role": g.role, "jurisdiction": g.jurisdiction, "department": g.department} for g in caps.grants
                ]
                audit.decision = "allow" if decision.allowed else "deny"
                span.set_attribute("wangge.data_classes", sorted({n.data_class.value for n in needs}))
                span.set_attribute("wangge.decision", audit.decision)
                span.set_attribute("wangge.rules", rules)
                span.set_attribute("wangge.policy_version", caps.version)
                denied = {n.path: n.data_class.value for n in needs if n.path in set(decision.denied)}
                for data_class in denied.values():
                    _denials.add(1, {"data_class": data_class})
                refusal = _refusal(decision)
                if refusal is not None:
                    execution.result = ExecutionResult(data=None, errors=[refusal])
        yield
