"""The Article 21 gate as a strawberry extension: decide after validation, before any resolver.

If anything the operation asks for is denied, execution never starts: the answer is
one FORBIDDEN error naming every denied field path, and no graph statement is sent
beyond the one that may load the caller's grants. Otherwise the decision's row scope
and masking go into the request context for the loaders and types to apply.
"""

from collections.abc import AsyncIterator

from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionResult

from api.context import Context
from api.errors import ApiError, Code
from api.operation_needs import collect_needs
from authz.gate import decide, deciding_rules


class Gate(SchemaExtension):
    async def on_execute(self) -> AsyncIterator[None]:
        execution = self.execution_context
        context: Context = execution.context
        document = execution.graphql_document
        if document is not None:
            schema = execution.schema._schema
            needs = collect_needs(schema, document, execution.operation_name, execution.variables)
            caps = await context.policy.capabilities(context.principal.subject)
            decision = decide(caps, needs, context.policy.grids, context.purpose)
            context.access.grids, context.access.raw = decision.access.grids, decision.access.raw
            audit = context.audit
            audit.needs = needs
            audit.grants = [
                {"role": g.role, "jurisdiction": g.jurisdiction, "department": g.department} for g in caps.grants
            ]
            audit.decision = "allow" if decision.allowed else "deny"
            audit.denied_paths = decision.denied
            audit.deciding_rules = deciding_rules(caps, context.policy.rules, needs)
            if decision.denied:
                error = ApiError(
                    "Not allowed to read or change: " + ", ".join(decision.denied),
                    Code.FORBIDDEN,
                    paths=decision.denied,
                )
                execution.result = ExecutionResult(data=None, errors=[error])
            elif decision.missing_purpose:
                classes = ", ".join(decision.missing_purpose)
                error = ApiError(
                    f"Unmasked {classes} needs a declared purpose: send the Wangge-Purpose header "
                    "(for example the case id the request serves).",
                    Code.FORBIDDEN,
                    missing="purpose",
                    dataClasses=decision.missing_purpose,
                )
                execution.result = ExecutionResult(data=None, errors=[error])
        yield
