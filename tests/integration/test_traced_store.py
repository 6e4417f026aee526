"""`TracedStore` on both engines: one span per statement, labelled and counted, carrying no values.

The providers here are the SDK's own, with in-memory exporters handed to the store, so this
suite does not depend on (or disturb) the process-wide providers.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from graph_model.cypher.grid import GET_ALL_GRID_CODES
from graph_model.cypher.person import GET_PERSONS_BY_IDS, LIST_PERSONS
from graph_model.statement import Statement
from graph_model.store import GraphStore
from graph_model.traced import TracedStore
from tests.common.counting import CountingStore

BROKEN: Statement = Statement("BROKEN_ON_PURPOSE", "RETURN $name +")


@dataclass
class Traced:
    store: TracedStore
    spans: InMemorySpanExporter
    metrics: InMemoryMetricReader

    def finished(self) -> list[ReadableSpan]:
        return list(self.spans.get_finished_spans())

    def duration_points(self) -> list[tuple[dict, int]]:
        data = self.metrics.get_metrics_data()
        assert data is not None
        return [
            (dict(point.attributes), point.count)
            for rm in data.resource_metrics
            for sm in rm.scope_metrics
            for metric in sm.metrics
            if metric.name == "wangge.graph.statement.duration"
            for point in metric.data.data_points
        ]


@pytest.fixture
def traced(store: GraphStore) -> Iterator[Traced]:
    spans, metrics = InMemorySpanExporter(), InMemoryMetricReader()
    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(SimpleSpanProcessor(spans))
    meter_provider = MeterProvider(metric_readers=[metrics])
    # CountingStore: the session's store must survive anything the wrapper does.
    yield Traced(TracedStore(CountingStore(store), tracer_provider, meter_provider), spans, metrics)
    tracer_provider.shutdown()
    meter_provider.shutdown()


def _everything_recorded(span: ReadableSpan) -> str:
    """Name, attributes, status, events and links of a span, as one string to search for values."""
    return json.dumps(json.loads(span.to_json()), ensure_ascii=False)


async def _grids(store: GraphStore) -> list[str]:
    return [r["code"] for r in await store.read(GET_ALL_GRID_CODES)]


def _list_params(grids: list[str], limit: int, name_prefix: str | None = None, tags: list[str] | None = None) -> dict:
    return {"grids": grids, "after": "", "limit": limit, "name_prefix": name_prefix, "tags": tags,
            "born_from": None, "born_to": None}  # fmt: skip


async def _a_person(store: GraphStore) -> dict:
    return (await store.read(LIST_PERSONS, _list_params(await _grids(store), 1)))[0]


async def test_each_statement_gets_a_labelled_client_span_with_its_row_count(traced: Traced, store: GraphStore) -> None:
    person, grids = await _a_person(store), await _grids(store)
    by_id = await traced.store.read(GET_PERSONS_BY_IDS, {"ids": [person["id"]], "grids": grids})
    by_name = await traced.store.read(LIST_PERSONS, _list_params(grids, 5, name_prefix=person["name"][:1]))
    assert by_id and by_name

    spans = traced.finished()
    assert [s.name for s in spans] == ["GET_PERSONS_BY_IDS", "LIST_PERSONS"]
    for span, rows in zip(spans, (by_id, by_name), strict=True):
        assert span.kind is SpanKind.CLIENT
        assert dict(span.attributes or {}) == {
            "db.system": store.backend,
            "db.operation.name": span.name,
            "wangge.rows": len(rows),
        }
        assert span.status.status_code is StatusCode.UNSET

    points = traced.duration_points()
    assert ({"db.system": store.backend, "db.operation.name": "GET_PERSONS_BY_IDS"}, 1) in points
    assert ({"db.system": store.backend, "db.operation.name": "LIST_PERSONS"}, 1) in points


async def test_spans_carry_no_parameter_values(traced: Traced, store: GraphStore) -> None:
    person, grids = await _a_person(store), await _grids(store)
    by_id = {"ids": [person["id"]], "grids": grids, "id_number": person["id_number"]}  # an extra, unused value too
    await traced.store.read(GET_PERSONS_BY_IDS, by_id)
    await traced.store.read(LIST_PERSONS, _list_params(grids, 5, name_prefix=person["name"], tags=[person["phone"]]))
    recorded = " ".join(_everything_recorded(span) for span in traced.finished())
    for value in (person["id"], person["name"], person["id_number"], person["phone"]):
        assert value not in recorded


async def test_a_failed_statement_is_marked_by_exception_type_only(traced: Traced, store: GraphStore) -> None:
    person = await _a_person(store)
    with pytest.raises(Exception) as raised:
        await traced.store.read(BROKEN, {"name": person["name"]})

    [span] = traced.finished()
    assert span.name == "BROKEN_ON_PURPOSE"
    assert span.status.status_code is StatusCode.ERROR and not span.status.description
    assert (span.attributes or {})["error.type"] == type(raised.value).__qualname__
    assert "wangge.rows" not in (span.attributes or {})
    assert not span.events  # no recorded exception: its message could quote the statement or a value
    assert person["name"] not in _everything_recorded(span)
    error_points = [attrs for attrs, _ in traced.duration_points() if "error.type" in attrs]
    assert error_points == [
        {
            "db.system": store.backend,
            "db.operation.name": "BROKEN_ON_PURPOSE",
            "error.type": type(raised.value).__qualname__,
        }
    ]


async def test_the_wrapper_keeps_the_port(traced: Traced, store: GraphStore) -> None:
    assert traced.store.backend == store.backend
    assert await traced.store.ping()
    assert [s.name for s in traced.finished()] == []  # readiness probes are not traced
