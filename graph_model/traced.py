"""`TracedStore`: one span and one duration sample per graph statement, around any `GraphStore`.

Contrib has no Neo4j instrumentation and the FalkorDB client's Redis spans would show raw
commands, so the store itself labels each round trip with its statement's name. Parameters
are never recorded (they carry names, ID numbers, phones); nor are exception messages, which
drivers fill with query text and values. A span carries the statement name, the backend, the
row count and, on failure, the exception's type.
"""

import time
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from opentelemetry import metrics, trace
from opentelemetry.trace import SpanKind, Status, StatusCode

from graph_model.statement import Statement
from graph_model.store import GraphStore, Record

_SCOPE = "wangge.graph"


def _error(exc: BaseException) -> str:
    return type(exc).__qualname__


class TracedStore:
    def __init__(
        self,
        inner: GraphStore,
        tracer_provider: trace.TracerProvider | None = None,
        meter_provider: metrics.MeterProvider | None = None,
    ) -> None:
        """Without explicit providers the global ones are used, even if they are installed after this call."""
        self.inner = inner
        self.backend = inner.backend
        self._tracer = trace.get_tracer(_SCOPE, tracer_provider=tracer_provider)
        meter = metrics.get_meter(_SCOPE, meter_provider=meter_provider)
        self._duration = meter.create_histogram(
            "wangge.graph.statement.duration", unit="ms", description="Time of one graph statement, by name."
        )

    async def read(self, stmt: Statement, params: Mapping[str, Any] | None = None) -> list[Record]:
        return await self._traced(stmt, self.inner.read, params)

    async def write(self, stmt: Statement, params: Mapping[str, Any] | None = None) -> list[Record]:
        return await self._traced(stmt, self.inner.write, params)

    async def _traced(
        self,
        stmt: Statement,
        run: Callable[[Statement, Mapping[str, Any] | None], Awaitable[list[Record]]],
        params: Mapping[str, Any] | None,
    ) -> list[Record]:
        labels = {"db.system": self.backend, "db.operation.name": stmt.name}
        start = time.perf_counter()
        with self._span(stmt.name, labels) as span:
            try:
                rows = await run(stmt, params)
            except BaseException as exc:
                self._duration.record((time.perf_counter() - start) * 1000, {**labels, "error.type": _error(exc)})
                raise
            span.set_attribute("wangge.rows", len(rows))
        self._duration.record((time.perf_counter() - start) * 1000, labels)
        return rows

    @contextmanager
    def _span(self, name: str, attributes: dict[str, str]) -> Iterator[trace.Span]:
        """A client span that marks failures by exception type only (the SDK's default would add the message)."""
        with self._tracer.start_as_current_span(
            name, kind=SpanKind.CLIENT, attributes=attributes, record_exception=False, set_status_on_exception=False
        ) as span:
            try:
                yield span
            except BaseException as exc:
                span.set_attribute("error.type", _error(exc))
                span.set_status(Status(StatusCode.ERROR))
                raise

    async def migrate(self, stmts: Sequence[Statement]) -> None:
        """Schema statements run once at start-up, outside any request; one span covers the batch."""
        with self._span("migrate", {"db.system": self.backend}):
            await self.inner.migrate(stmts)

    async def ping(self) -> bool:
        """Readiness probes poll this; they are not worth a span each."""
        return await self.inner.ping()

    async def close(self) -> None:
        await self.inner.close()
