"""Serves a read operation with one composed statement per root field, after the gate decided.

Runs after the gate: an operation the gate refused already has its answer. A query whose every
root field compiles (see `api.compiled.plan`) is read with one statement per root field, sent
together, and its response is built straight from their results: strawberry's execution does
not start. Anything else (a mutation, a field not compiled, a bad argument, a missing row) runs
through the resolvers as before, with nothing recorded from the attempt.
"""

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from opentelemetry import trace
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionResult

from api.compiled.cache import plans_for
from api.compiled.plan import Bound
from api.compiled.shapers import Served, Uncompiled
from api.context import Context
from graph_model.cypher.compiled import Composed
from graph_model.store import Record

_tracer = trace.get_tracer("wangge.api")


class CompiledReads(SchemaExtension):
    async def on_execute(self) -> AsyncIterator[None]:
        execution = self.execution_context
        if execution.result is None and execution.graphql_document is not None:
            result = await self._serve()
            if result is not None:
                execution.result = result
        yield

    async def _serve(self) -> ExecutionResult | None:
        """The operation's plan comes from the schema's cache (`api.compiled.cache`); only its
        parameters are made for this request."""
        execution = self.execution_context
        context: Context = execution.context
        schema = execution.schema._schema
        planned = plans_for(schema).plan(schema, execution.query, execution.operation_name, execution.variables or {})
        if planned is None:
            return None
        plan, variables = planned
        now_ms = context.cases.now_ms()  # once: the overdue cases read and their `overdue` agree
        try:
            bound = plan.bind(variables, context.access, context.limits, now_ms, context.store.backend)
            with _tracer.start_as_current_span("wangge.compiled") as span:
                span.set_attribute("wangge.root_fields", len(bound))
                data = await self._read(context, bound, now_ms)
        except Uncompiled:
            return None
        return ExecutionResult(data=data, errors=None)

    async def _read(self, context: Context, bound: dict[str, Bound | None], now_ms: int) -> dict[str, Any]:
        reads = [context.store.read(b.composed.statement, b.params) for b in bound.values() if b is not None]
        results = iter(await asyncio.gather(*reads))
        data, served = {}, []
        for alias, b in bound.items():
            if b is None:
                data[alias] = "Query"
                continue
            served.append(Served(context.access, now_ms, b.params))
            data[alias] = b.shaper(_rows(b.composed, next(results)), served[-1])
        for root in served:  # only once every root was served: else the resolvers answer, and record
            for type_name, ids in root.touched.items():
                context.access.record(type_name, ids)
        return data


def _rows(composed: Composed, records: list[Record]) -> list[dict[str, Any]]:
    return [composed.unpack(record["row"]) for record in records]
