"""Telemetry setup: what lands on disk without a collector, and OTLP when one is configured.

Providers are built with `set_global=False` here, so these tests never touch the process-wide
providers that the end-to-end privacy test installs.
"""

import importlib.metadata
import json
import multiprocessing
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware
from opentelemetry.sdk.metrics.export import ConsoleMetricExporter
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from api.shedding import LoadShedding
from api.web.headers import SecurityHeaders
from ops.telemetry import (
    BACKUPS,
    MAX_BYTES,
    OTLP_ENDPOINT,
    AppendOnlyLines,
    CompactSpanLines,
    RotatingLines,
    configure_telemetry,
    instrument_http,
    read_spans,
)


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_jsonl_files_hold_one_parseable_document_per_line_with_the_resource(tmp_path: Path) -> None:
    telemetry = configure_telemetry(tmp_path, env={"WANGGE_ENV": "staging"}, set_global=False)
    try:
        tracer = telemetry.tracer_provider.get_tracer("test")
        with tracer.start_as_current_span("outer"), tracer.start_as_current_span("inner"):
            pass
        telemetry.meter_provider.get_meter("test").create_counter("test.count").add(3, {"outcome": "ok"})
        assert telemetry.force_flush()
    finally:
        telemetry.shutdown()

    expected = {
        "service.name": "wangge",
        "service.version": importlib.metadata.version("wangge"),
        "deployment.environment": "staging",
    }
    spans = read_spans(tmp_path / "telemetry" / "spans.jsonl")
    assert sorted(s["name"] for s in spans) == ["inner", "outer"]
    for span in spans:
        assert span["resource"].items() >= expected.items()
    inner, outer = sorted(spans, key=lambda s: s["name"])
    assert inner["parent"] == outer["id"] and inner["trace_id"] == outer["trace_id"] and "parent" not in outer
    assert outer["start"] <= inner["start"] and inner["us"] <= outer["us"]

    exports = _lines(tmp_path / "telemetry" / "metrics.jsonl")
    assert exports
    resource_metrics = [rm for export in exports for rm in export["resource_metrics"]]
    assert all(rm["resource"]["attributes"].items() >= expected.items() for rm in resource_metrics)
    points = [
        point
        for rm in resource_metrics
        for sm in rm["scope_metrics"]
        for metric in sm["metrics"]
        if metric["name"] == "test.count"
        for point in metric["data"]["data_points"]
    ]
    assert points and points[-1]["value"] == 3 and points[-1]["attributes"] == {"outcome": "ok"}


def test_environment_defaults_to_development_and_files_are_the_local_exporters(tmp_path: Path) -> None:
    telemetry = configure_telemetry(tmp_path, env={}, set_global=False)
    try:
        assert isinstance(telemetry.span_exporter, CompactSpanLines)
        assert isinstance(telemetry.metric_exporter, ConsoleMetricExporter)
        resource = telemetry.tracer_provider.resource.attributes
        assert resource["deployment.environment"] == "development"
    finally:
        telemetry.shutdown()


def test_otlp_is_chosen_when_the_standard_endpoint_variable_is_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The exporters are only built, never used: nothing is recorded, so shutdown sends nothing."""
    monkeypatch.setenv(OTLP_ENDPOINT, "http://127.0.0.1:9")
    telemetry = configure_telemetry(tmp_path, set_global=False)
    try:
        assert isinstance(telemetry.span_exporter, OTLPSpanExporter)
        assert isinstance(telemetry.metric_exporter, OTLPMetricExporter)
        assert not (tmp_path / "telemetry").exists()
    finally:
        telemetry.shutdown()


def _in_four_processes(write: Callable[[Path, int], None], path: Path) -> None:
    """Four forked writers on one path at once, as gunicorn's workers are; each must exit cleanly."""
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=write, args=(path, n)) for n in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
        assert worker.exitcode == 0


def _append_lines(path: Path, worker: int) -> None:
    sink = AppendOnlyLines(path)
    for i in range(200):
        sink.write(json.dumps({"worker": worker, "i": i, "pad": "x" * 20_000}) + "\n")
    sink.close()


def test_lines_from_several_processes_never_interleave(tmp_path: Path) -> None:
    """Lines larger than any stdio or pipe buffer, four writers at once: each line still arrives whole."""
    path = tmp_path / "spans.jsonl"
    _in_four_processes(_append_lines, path)
    records = _lines(path)
    assert len(records) == 800
    assert sorted((r["worker"], r["i"]) for r in records) == [(w, i) for w in range(4) for i in range(200)]


def _rotate_lines(path: Path, worker: int) -> None:
    sink = RotatingLines(path, max_bytes=50_000, backups=3)
    for i in range(300):
        sink.write(json.dumps({"worker": worker, "i": i, "pad": "x" * 1_000}) + "\n")
    sink.close()


def test_files_rotate_by_size_and_keep_a_few_whole_files_with_several_writers(tmp_path: Path) -> None:
    """Four processes write ~1.2 MB into a 50 kB bound with 3 backups: four files remain, each within the
    bound (plus one line), every line whole, the newest lines in the live file, nothing duplicated."""
    path = tmp_path / "spans.jsonl"
    _in_four_processes(_rotate_lines, path)
    files = sorted(p.name for p in tmp_path.iterdir() if p.suffix != ".lock")
    assert files == ["spans.jsonl", "spans.jsonl.1", "spans.jsonl.2", "spans.jsonl.3"]
    kept = {name: _lines(tmp_path / name) for name in files}
    assert all(len(lines) > 0 and (tmp_path / name).stat().st_size <= 50_000 + 1_100 for name, lines in kept.items())
    seen = [(r["worker"], r["i"]) for lines in kept.values() for r in lines]
    assert len(seen) == len(set(seen)) < 1_200
    assert max(r["i"] for r in kept["spans.jsonl"]) == 299


def test_the_exporters_use_the_configured_bound(tmp_path: Path) -> None:
    telemetry = configure_telemetry(tmp_path, env={MAX_BYTES: "4000", BACKUPS: "2"}, set_global=False)
    try:
        tracer = telemetry.tracer_provider.get_tracer("test")
        for n in range(60):  # a batch (one line) each
            with tracer.start_as_current_span(f"span-{n}"):
                pass
            assert telemetry.force_flush()
    finally:
        telemetry.shutdown()
    folder = tmp_path / "telemetry"
    assert sorted(p.name for p in folder.glob("spans.jsonl*")) == ["spans.jsonl", "spans.jsonl.1", "spans.jsonl.2"]
    names = [s["name"] for p in folder.glob("spans.jsonl*") for s in read_spans(p)]
    assert "span-59" in names and "span-0" not in names


def test_a_second_global_configuration_is_refused(tmp_path: Path) -> None:
    """Run in a fresh interpreter: the global providers of this test session must stay as they are."""
    script = textwrap.dedent(
        f"""
        from pathlib import Path
        from ops.telemetry import configure_telemetry
        configure_telemetry(Path({str(tmp_path)!r}), env={{}})
        try:
            configure_telemetry(Path({str(tmp_path)!r}), env={{}})
        except RuntimeError as exc:
            print("refused:", exc)
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60, cwd=Path.cwd()
    )
    assert out.stdout.startswith("refused: global OpenTelemetry providers were already set"), out.stderr


def test_the_end_of_the_app_lifespan_exports_what_is_still_queued(tmp_path: Path) -> None:
    """A worker dies by the SIGTERM uvicorn re-raises, so no `atexit` flush: the lifespan's end must do it.

    The fresh interpreter leaves with `os._exit`, as such a worker does, right after the lifespan ends.
    """
    script = textwrap.dedent(
        f"""
        import os
        from pathlib import Path
        from opentelemetry import metrics, trace
        from starlette.applications import Starlette
        from starlette.testclient import TestClient
        from ops.telemetry import configure_telemetry, flush_at_shutdown

        folder = Path({str(tmp_path)!r})
        configure_telemetry(folder, env={{}}, export_interval_millis=3_600_000)
        app = Starlette()
        flush_at_shutdown(app)
        with TestClient(app):
            with trace.get_tracer("test").start_as_current_span("queued"):
                metrics.get_meter("test").create_counter("test.queued").add(1)
            before = [(folder / "telemetry" / name).read_text() for name in ("spans.jsonl", "metrics.jsonl")]
        after = [(folder / "telemetry" / name).read_text() for name in ("spans.jsonl", "metrics.jsonl")]
        print(before == ["", ""], '"queued"' in after[0], '"test.queued"' in after[1], flush=True)
        os._exit(0)
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60, cwd=Path.cwd()
    )
    assert out.stdout.split() == ["True", "True", "True"], out.stderr


def test_a_shed_request_is_answered_in_front_of_the_http_tracing() -> None:
    """Clients that ignore Retry-After are shed by the thousand a second: no span, header rewrite or
    route for them, yet their 503 carries the headers every answer has."""
    spans = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(spans))

    async def answer(request: Request) -> PlainTextResponse:
        return PlainTextResponse("ok")

    app = Starlette(
        routes=[Route("/graphql", answer, methods=["POST"]), Route("/other", answer)],
        middleware=[Middleware(LoadShedding, limit=0), Middleware(SecurityHeaders)],
    )
    instrument_http(app, tracer_provider=provider)
    assert [m.cls for m in app.user_middleware[:2]] == [LoadShedding, OpenTelemetryMiddleware]
    with TestClient(app) as client:
        shed = client.post("/graphql", json={})
        assert (shed.status_code, shed.headers["retry-after"]) == (503, "1")
        assert (shed.headers["x-content-type-options"], shed.headers["referrer-policy"]) == ("nosniff", "same-origin")
        assert spans.get_finished_spans() == ()
        assert client.get("/other").status_code == 200
    assert [s.name for s in spans.get_finished_spans()] == ["GET /other"]
