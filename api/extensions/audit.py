"""Collects what the audit record needs from strawberry's side of a request: the operation, its
document hash, and whether a write's outcome is unknown (its statement was lost on the way). The
view writes the record, with the error codes of the answer it sends.

The collection runs whether the operation ended normally or by an exception (a failed parse
inside the parser cache, an operation name that names no operation), so a failed operation
is on the record under its (recordable) name too.
"""

from collections.abc import Iterator

from strawberry.extensions import SchemaExtension

from api.context import Context
from api.extensions.tracing import document_hash, operation_name, operation_type
from graph_model.store import OutcomeUnknown


class AuditCollector(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        try:
            yield
        finally:
            execution = self.execution_context
            context: Context = execution.context
            draft = context.audit
            draft.operation_name = operation_name(execution)
            draft.operation_type = operation_type(execution)
            draft.document_hash = document_hash(execution.query)
            errors = execution.result.errors if execution.result else None
            draft.outcome_unknown = any(isinstance(e.original_error, OutcomeUnknown) for e in errors or ())
