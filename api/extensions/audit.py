"""Collects what the audit record needs from strawberry's side of a request: the operation,
its document hash and the error codes of its result. The view writes the record."""

from collections.abc import Iterator

from strawberry.extensions import SchemaExtension

from api.context import Context
from api.extensions.tracing import document_hash, operation_name, operation_type
from api.responses import format_error


class AuditCollector(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        execution = self.execution_context
        context: Context = execution.context
        draft = context.audit
        draft.operation_name = operation_name(execution)
        draft.operation_type = operation_type(execution)
        draft.document_hash = document_hash(execution.query)
        result = execution.result
        errors = (result.errors if result is not None else None) or execution.pre_execution_errors or []
        draft.error_codes = [format_error(e)["extensions"]["code"] for e in errors]
