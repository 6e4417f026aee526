"""Spans and metrics per GraphQL operation and its parse, validate and execute phases, never per field.

strawberry's `OpenTelemetryExtension` opens a span for every resolved field; strawberry already
spends ~8 µs per field and a grid page resolves ~1,000, so field spans would multiply the cost
of the API's main page. Graph round trips get their own spans from `TracedStore`.

A span carries the operation's name and type and a SHA-256 of the document. It never carries
variables, results or error messages: all three can hold names, ID numbers and phones (graphql
validation errors quote the offending variable value). Operation names come from the client: a
plain GraphQL name is recorded as is, anything else (too long, a personal-looking number in it)
only as its hash, the same hash the audit trail records (`api.client_text.recordable_name`).
"""

import hashlib
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from functools import partial

from opentelemetry import metrics, trace
from opentelemetry.trace import Span, Status, StatusCode
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext

from api.client_text import recordable_name

_SCOPE = "wangge.graphql"
UNKNOWN = "unknown"


def operation_name(context: ExecutionContext) -> str:
    name = context.operation_name
    return recordable_name(name) if name else "anonymous"


def operation_type(context: ExecutionContext) -> str:
    try:
        return context.operation_type.value
    except Exception:  # no document (parse failed) or no operation of that name
        return UNKNOWN


def document_hash(query: str | None) -> str:
    return hashlib.sha256((query or "").encode()).hexdigest()


class OperationInstruments:
    """The tracer and instruments of one schema, built once and shared by all its requests."""

    def __init__(
        self, tracer_provider: trace.TracerProvider | None = None, meter_provider: metrics.MeterProvider | None = None
    ) -> None:
        self.tracer = trace.get_tracer(_SCOPE, tracer_provider=tracer_provider)
        meter = metrics.get_meter(_SCOPE, meter_provider=meter_provider)
        self.requests = meter.create_counter(
            "wangge.graphql.operations", unit="{operation}", description="GraphQL operations, by name and outcome."
        )
        self.duration = meter.create_histogram(
            "wangge.graphql.operation.duration", unit="ms", description="GraphQL operation time, by name and outcome."
        )


class OperationTracing(SchemaExtension):
    def __init__(self, *, instruments: OperationInstruments, execution_context: ExecutionContext | None = None) -> None:
        self._instruments = instruments

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        start = time.perf_counter()
        failed = False
        with self._span("graphql.operation") as span:
            span.set_attribute("wangge.graphql.document.sha256", document_hash(context.query))
            try:
                yield
            except BaseException:
                failed = True
                raise
            finally:
                name, kind = operation_name(context), operation_type(context)
                failed = failed or _has_errors(context)
                if kind != UNKNOWN:
                    span.update_name(f"{kind} {name}")
                span.set_attributes({"graphql.operation.name": name, "graphql.operation.type": kind})
                if failed:
                    span.set_status(Status(StatusCode.ERROR))
                labels = {"graphql.operation.name": name, "outcome": "error" if failed else "ok"}
                self._instruments.requests.add(1, labels)
                self._instruments.duration.record((time.perf_counter() - start) * 1000, labels)

    def on_parse(self) -> Iterator[None]:
        with self._span("graphql.parse"):
            yield

    def on_validate(self) -> Iterator[None]:
        with self._span("graphql.validate") as span:
            yield
            if self.execution_context.pre_execution_errors:
                span.set_status(Status(StatusCode.ERROR))

    def on_execute(self) -> Iterator[None]:
        with self._span("graphql.execute") as span:
            yield
            if _has_errors(self.execution_context):
                span.set_status(Status(StatusCode.ERROR))

    def _span(self, name: str) -> AbstractContextManager[Span]:
        """Failures are marked by the hooks themselves: the SDK's default would record the message."""
        return self._instruments.tracer.start_as_current_span(
            name, record_exception=False, set_status_on_exception=False
        )


def _has_errors(context: ExecutionContext) -> bool:
    result = context.result
    return bool(context.pre_execution_errors or (result is not None and getattr(result, "errors", None)))


def operation_tracing(
    tracer_provider: trace.TracerProvider | None = None, meter_provider: metrics.MeterProvider | None = None
) -> Callable[[], SchemaExtension]:
    """A factory for `Schema(extensions=...)`; the instruments are made here, once, not per request."""
    return partial(OperationTracing, instruments=OperationInstruments(tracer_provider, meter_provider))
