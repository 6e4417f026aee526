"""A case as the declared purpose (`Wangge-Purpose: case:<id>`): valid for the persons that case
concerns, and only for a case the caller may see.

Runs after the gate, before the compiled reads. Before execution: the case must be in the caller's
case scope (as `case(id)` would read it); a case that is missing or out of scope answers the same
FORBIDDEN, so the purpose header cannot probe which case numbers exist. After a read: every person
it read must be one the case concerns (its `CONCERNS` links); otherwise the whole answer is
withheld, since the purpose justified none of the others. The audit record keeps what was read
either way. A mutation is checked for the case only: the persons it changes are named in its
arguments and pass the gate's row scope like any write.
"""

from collections.abc import AsyncIterator

from graphql import OperationType
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionResult

from api.case.scope import reading_scope
from api.context import Context
from api.errors import ApiError, Code

PERSON_ROWS = "Person"


def _refusal(message: str, reason: str) -> ApiError:
    return ApiError(message, Code.FORBIDDEN, reason=reason)


class CasePurpose(SchemaExtension):
    async def on_execute(self) -> AsyncIterator[None]:
        execution = self.execution_context
        context: Context = execution.context
        kind, _, case_id = (context.purpose or "").partition(":")
        if kind != "case" or execution.result is not None or execution.graphql_document is None:
            yield
            return
        persons = await context.loaders.cases.purpose_persons(case_id, await reading_scope(context))
        if persons is None:
            refusal = _refusal("the declared case is not one you may see", "PURPOSE_CASE")
            execution.result = ExecutionResult(data=None, errors=[refusal])
            yield
            return
        yield
        if execution.operation_type is OperationType.MUTATION:
            return
        if context.access.touched.get(PERSON_ROWS, set()) - persons:
            # Raised, not set as the result: strawberry answers the result it held before this hook
            # resumed, and turns an error raised here into the whole answer (data null).
            raise _refusal("the declared case does not concern every person this request read", "PURPOSE_PERSONS")
