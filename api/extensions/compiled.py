"""Serves a read operation with one composed statement per root field, after the gate decided.

Runs after the gate: an operation the gate refused already has its answer. A query whose every
root field compiles (see `api.compiled.plan`) is read with one statement per root field, sent
together, and its response is built straight from their results: strawberry's execution does
not start. Anything else (a mutation, a field not compiled, a bad argument, a missing row) runs
through the resolvers as before, with nothing recorded from the attempt.
"""

import asyncio
from collections.abc import AsyncIterator
from functools import lru_cache
from typing import Any

from graphql import OperationType
from graphql.execution import Executor
from graphql.execution.collect_fields import collect_fields
from opentelemetry import trace
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionResult

from api.compiled.plan import Planned, Served, Uncompiled, plan_root
from api.context import Context
from graph_model.cypher.compiled import Composed, Root, compose
from graph_model.store import Record

_tracer = trace.get_tracer("wangge.api")


@lru_cache(maxsize=1024)
def _composed(root: Root, backend: str) -> Composed:
    """Plans repeat (the same page shape for every caller): each is composed once per engine, its
    statement and its rows' unpacker together."""
    return compose(root, backend)


class CompiledReads(SchemaExtension):
    async def on_execute(self) -> AsyncIterator[None]:
        execution = self.execution_context
        if execution.result is None and execution.graphql_document is not None:
            result = await self._serve()
            if result is not None:
                execution.result = result
        yield

    async def _serve(self) -> ExecutionResult | None:
        execution = self.execution_context
        context: Context = execution.context
        executor = Executor.build(
            execution.schema._schema,
            execution.graphql_document,  # type: ignore[arg-type]
            raw_variable_values=dict(execution.variables or {}),
            operation_name=execution.operation_name,
        )
        if isinstance(executor, list) or executor.operation.operation is not OperationType.QUERY:
            return None
        schema = executor.schema
        assert schema.query_type is not None
        grouped = collect_fields(
            schema, executor.fragments, executor.variable_values, schema.query_type, executor.operation
        ).grouped_field_set
        now_ms = context.cases.now_ms()  # once: the overdue cases read and their `overdue` agree
        try:
            planned: dict[str, Planned | None] = {}
            for alias, group in grouped.items():
                name = group[0].node.name.value
                planned[alias] = (
                    None
                    if name == "__typename"
                    else plan_root(executor, context.access, context.limits, now_ms, name, group)
                )
            with _tracer.start_as_current_span("wangge.compiled") as span:
                span.set_attribute("wangge.root_fields", len(planned))
                data = await self._read(context, planned, now_ms)
        except Uncompiled:
            return None
        return ExecutionResult(data=data, errors=None)

    async def _read(self, context: Context, planned: dict[str, "Planned | None"], now_ms: int) -> dict[str, Any]:
        store = context.store
        composed = {alias: _composed(p.root, store.backend) for alias, p in planned.items() if p is not None}
        reads = [store.read(composed[alias].statement, p.params) for alias, p in planned.items() if p is not None]
        results = iter(await asyncio.gather(*reads))
        served = Served(context.access, now_ms)
        data = {
            alias: "Query" if p is None else p.shaper(_rows(composed[alias], next(results)), served)
            for alias, p in planned.items()
        }
        for type_name, ids in served.touched.items():
            context.access.record(type_name, ids)
        return data


def _rows(composed: Composed, records: list[Record]) -> list[dict[str, Any]]:
    return [composed.unpack(record["row"]) for record in records]
