"""Each result a websocket operation streams is on the audit record before it is sent.

Over HTTP the view writes one record per request with the answer's outcome (`api.graphql_view`);
a subscription answers many times, so each `next` it sends is recorded like the answer to a read:
who, the decision and the rules that made it (the gate's, made again before each page of events),
the classes, the data subjects, the outcome and its error codes. A result the audit trail does not
take is not sent: it is replaced by a SERVICE_UNAVAILABLE error (fail closed).

Strawberry sends streamed errors as graphql-core formats them, so this is also where they get the
`extensions.code` every answer carries (`api.responses.format_error`). HTTP requests are not touched.
"""

from collections.abc import AsyncIterator, Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionResult

from api.errors import ApiError, Code
from api.extensions.tracing import document_hash, operation_name, operation_type
from api.responses import format_error
from api.sockets import SocketContext
from authz.audit.writer import AuditUnavailable

SWITCHED = 101  # the status of the websocket handshake, on every record of what the connection streams


class StreamAudit(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        context = self.execution_context.context
        if isinstance(context, SocketContext):
            context.renew()
        yield

    async def on_stream_result(self, result: ExecutionResult) -> AsyncIterator[None]:  # type: ignore[override]
        context = self.execution_context.context
        if isinstance(context, SocketContext):
            await self._record(context, result)
        yield

    async def _record(self, context: SocketContext, result: ExecutionResult) -> None:
        execution, draft = self.execution_context, context.audit
        draft.operation_name, draft.operation_type = operation_name(execution), operation_type(execution)
        draft.document_hash = document_hash(execution.query)
        formatted = [(error, format_error(error)) for error in result.errors or ()]
        draft.error_codes = [shaped["extensions"]["code"] for _, shaped in formatted]
        if formatted:
            result.errors = [
                GraphQLError(shaped["message"], path=error.path, extensions=shaped["extensions"])
                for error, shaped in formatted
            ]
        if context.trail is None:
            return
        try:
            await context.trail.append(draft.entry(context.access, "error" if formatted else "ok", SWITCHED))
        except AuditUnavailable:
            message = "The audit trail could not record this result, so it is withheld; resubscribe shortly."
            result.data, result.errors = None, [ApiError(message, Code.SERVICE_UNAVAILABLE)]
