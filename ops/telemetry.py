"""OpenTelemetry providers for one process: resource, exporters, and HTTP spans for the app.

Providers are created per worker, in gunicorn's `post_fork`, never in the master: the batch span
processor and the periodic metric reader each run a thread, and threads do not survive a fork.
With `OTEL_EXPORTER_OTLP_ENDPOINT` set, spans and metrics go out over OTLP/HTTP; otherwise they
are appended as JSON lines under `<data dir>/telemetry/` (spans in a compact form, `CompactSpanLines`),
one record per `write(2)` on an `O_APPEND` descriptor, so the lines of several workers never interleave. Those files rotate
(`WANGGE_TELEMETRY_MAX_BYTES`, default 64 MB, and `WANGGE_TELEMETRY_BACKUPS` older files, default 3):
without it 22k requests left 161 MB of spans.

Nothing here decides what a span carries; the emitters (GraphQL extension, traced store) never
record personal values, and `instrument_http` strips query strings from the HTTP spans.
"""

import fcntl
import importlib.metadata
import json
import logging
import logging.handlers
import os
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from opentelemetry import metrics, trace
from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware
from opentelemetry.instrumentation.starlette import StarletteInstrumentor
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import (
    ConsoleMetricExporter,
    MetricExporter,
    MetricsData,
    PeriodicExportingMetricReader,
)
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult
from opentelemetry.trace import SpanKind, StatusCode
from opentelemetry.util.http import parse_excluded_urls
from starlette.applications import Starlette

from api.shedding import LoadShedding

OTLP_ENDPOINT = "OTEL_EXPORTER_OTLP_ENDPOINT"
UNTRACED_PATHS = "/healthz$,/readyz$"  # regexes searched in the URL without its query string
MAX_BYTES = "WANGGE_TELEMETRY_MAX_BYTES"
BACKUPS = "WANGGE_TELEMETRY_BACKUPS"
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
DEFAULT_BACKUPS = 3


class AppendOnlyLines:
    """A text sink whose every `write` is one `os.write` on an `O_APPEND` file: whole lines, any process."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o640)

    def write(self, text: str) -> int:
        return os.write(self._fd, text.encode())

    def flush(self) -> None:
        """Nothing is buffered here."""

    def stat(self) -> os.stat_result:
        return os.fstat(self._fd)

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


class _SharedRotation(logging.handlers.RotatingFileHandler):
    """The standard library's size-based rotation (`name`, `name.1` … `name.N`), made safe for several
    worker processes writing one file: a rollover happens under an exclusive `flock`, only if the file
    is still the one this process writes (another worker may have rotated it first), and a writer whose file was rotated away by another process reopens the name, as
    `WatchedFileHandler` does. Writes go through `AppendOnlyLines`, so a line is still one `write(2)`."""

    def __init__(self, path: Path, max_bytes: int, backups: int) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        super().__init__(path, maxBytes=max_bytes, backupCount=backups)
        self.terminator = ""
        self._lock_path = path.with_name(f".{path.name}.lock")

    def _open(self) -> AppendOnlyLines:  # type: ignore[override]
        return AppendOnlyLines(Path(self.baseFilename))

    def _rotated_away(self) -> bool:
        try:
            current = os.stat(self.baseFilename)
        except FileNotFoundError:
            return True
        mine = self.stream.stat()
        return (current.st_dev, current.st_ino) != (mine.st_dev, mine.st_ino)

    def shouldRollover(self, record: logging.LogRecord) -> bool:
        if self._rotated_away():
            self.stream.close()
            self.stream = self._open()
        return self.stream.stat().st_size + len(record.msg) > self.maxBytes

    def doRollover(self) -> None:
        with open(self._lock_path, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if self._rotated_away():
                self.stream.close()  # another worker rotated it first: write to the new file
                self.stream = self._open()
            else:
                super().doRollover()  # renames name.N-1 … name to name.N … name.1, then opens name anew


class RotatingLines:
    """The text sink the console exporters write to: each `write` is one whole line, rotated by size."""

    def __init__(self, path: Path, max_bytes: int = DEFAULT_MAX_BYTES, backups: int = DEFAULT_BACKUPS) -> None:
        self.path = path
        self._handler = _SharedRotation(path, max_bytes, backups)

    def write(self, text: str) -> int:
        self._handler.handle(logging.makeLogRecord({"msg": text, "levelno": logging.INFO}))
        return len(text)

    def flush(self) -> None:
        """Nothing is buffered here."""

    def close(self) -> None:
        self._handler.close()


# Attributes that say nothing a span's line does not already say: the HTTP instrumentation's
# restatements of the route and of this host (its URL, host, port, scheme, server name, protocol
# version) and the client's port, and a statement span's `db.operation.name` (its span name). The
# User-Agent goes too: free text the client chose, which could carry anything, a phone included.
DROPPED_ATTRIBUTES = frozenset({
    "http.scheme", "http.host", "net.host.port", "http.flavor", "http.server_name", "http.url", "http.target",
    "net.peer.port", "db.operation.name", "http.user_agent",
})  # fmt: skip


def _compact(span: ReadableSpan, t0: int) -> dict[str, Any]:
    """One span as the file keeps it: ids in plain hex, its start in µs after the batch's `t0` (µs since
    the epoch) and its duration in µs, kind and status only when not the default."""
    start, end = span.start_time or 0, span.end_time or span.start_time or 0
    entry: dict[str, Any] = {"name": span.name, "id": format(span.context.span_id, "016x")}
    if span.parent is not None:
        entry["parent"] = format(span.parent.span_id, "016x")
    entry["start"], entry["us"] = start // 1000 - t0, (end - start) // 1000
    if span.kind is not SpanKind.INTERNAL:
        entry["kind"] = span.kind.name.lower()
    if span.status.status_code is StatusCode.ERROR:
        entry["error"] = True
    attributes = {k: v for k, v in (span.attributes or {}).items() if k not in DROPPED_ATTRIBUTES}
    if attributes:
        entry["attributes"] = attributes
    return entry


class CompactSpanLines(SpanExporter):
    """Spans as JSON lines, one line per exported batch: the resource once, then each trace's spans under
    its id. The SDK's console format (`ReadableSpan.to_json`) repeated the resource, the trace id, empty
    events and links and ISO timestamps in every span: a grid page's ~9 spans took 7.7 KB; here they take
    well under 2 KB (measured, see tests/e2e/test_span_size.py). `read_spans` turns a file back into spans."""

    def __init__(self, out: "RotatingLines", resource: Resource) -> None:
        self._out = out
        self._resource = dict(resource.attributes)

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        t0 = min((span.start_time or 0) for span in spans) // 1000 if spans else 0
        traces: dict[str, list[dict[str, Any]]] = {}
        for span in spans:
            traces.setdefault(format(span.context.trace_id, "032x"), []).append(_compact(span, t0))
        batch = {"resource": self._resource, "t0": t0, "traces": traces}
        self._out.write(json.dumps(batch, separators=(",", ":")) + "\n")
        return SpanExportResult.SUCCESS

    def shutdown(self) -> None:
        """The file is closed by `Telemetry.shutdown`."""

    def force_flush(self, timeout_millis: int = 30_000) -> bool:
        return True


def read_spans(path: Path) -> list[dict[str, Any]]:
    """Every span of a file `CompactSpanLines` wrote, flat, each with its `trace_id`, `resource`, its
    `attributes` (maybe empty) and its start in µs since the epoch."""
    spans = []
    for line in path.read_text(encoding="utf-8").splitlines():
        batch = json.loads(line)
        for trace_id, members in batch["traces"].items():
            spans.extend(
                {
                    "attributes": {},
                    **s,
                    "start": s["start"] + batch["t0"],
                    "trace_id": trace_id,
                    "resource": batch["resource"],
                }
                for s in members
            )
    return spans


def _metrics_line(data: MetricsData) -> str:
    return data.to_json(indent=None) + "\n"


@dataclass
class Telemetry:
    tracer_provider: TracerProvider
    meter_provider: MeterProvider
    span_exporter: SpanExporter
    metric_exporter: MetricExporter
    files: tuple[RotatingLines, ...] = ()

    def force_flush(self, timeout_millis: int = 10_000) -> bool:
        return self.tracer_provider.force_flush(timeout_millis) and self.meter_provider.force_flush(timeout_millis)

    def shutdown(self) -> None:
        self.tracer_provider.shutdown()
        self.meter_provider.shutdown()
        for sink in self.files:
            sink.close()


def _version() -> str:
    try:
        return importlib.metadata.version("wangge")
    except importlib.metadata.PackageNotFoundError:
        return "0.0.0"


def build_resource(env: Mapping[str, str]) -> Resource:
    return Resource.create(
        {
            "service.name": "wangge",
            "service.version": _version(),
            "deployment.environment": env.get("WANGGE_ENV", "development"),
        }
    )


def _exporters(
    data_dir: Path, env: Mapping[str, str], resource: Resource
) -> tuple[SpanExporter, MetricExporter, tuple[RotatingLines, ...]]:
    """OTLP when a collector is configured; JSON lines on disk otherwise, so a fresh machine still has traces."""
    if env.get(OTLP_ENDPOINT):
        from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        return OTLPSpanExporter(), OTLPMetricExporter(), ()  # both read the standard OTEL_EXPORTER_OTLP_* variables
    bound = int(env.get(MAX_BYTES, DEFAULT_MAX_BYTES)), int(env.get(BACKUPS, DEFAULT_BACKUPS))
    spans = RotatingLines(data_dir / "telemetry" / "spans.jsonl", *bound)
    metric_lines = RotatingLines(data_dir / "telemetry" / "metrics.jsonl", *bound)
    return (
        CompactSpanLines(spans, resource),
        ConsoleMetricExporter(out=metric_lines, formatter=_metrics_line),
        (spans, metric_lines),
    )


def configure_telemetry(
    data_dir: Path,
    *,
    env: Mapping[str, str] | None = None,
    set_global: bool = True,
    export_interval_millis: float | None = None,
) -> Telemetry:
    """Build this process's providers and, unless `set_global` is false, install them as the global ones.

    OpenTelemetry lets a process set its global providers once; a second attempt is refused
    here loudly rather than ignored with a warning, so a test or a hook cannot silently export
    to the wrong place. Pass `set_global=False` to get providers that only the caller uses.
    """
    env = os.environ if env is None else env
    resource = build_resource(env)
    span_exporter, metric_exporter, files = _exporters(data_dir, env, resource)
    tracer_provider = TracerProvider(resource=resource)
    tracer_provider.add_span_processor(BatchSpanProcessor(span_exporter))
    reader = PeriodicExportingMetricReader(metric_exporter, export_interval_millis=export_interval_millis)
    meter_provider = MeterProvider(resource=resource, metric_readers=[reader])
    telemetry = Telemetry(tracer_provider, meter_provider, span_exporter, metric_exporter, files)
    if set_global:
        trace.set_tracer_provider(tracer_provider)
        metrics.set_meter_provider(meter_provider)
        if trace.get_tracer_provider() is not tracer_provider or metrics.get_meter_provider() is not meter_provider:
            telemetry.shutdown()
            raise RuntimeError("global OpenTelemetry providers were already set in this process")
    return telemetry


def _strip_query(span: trace.Span, scope: dict[str, Any]) -> None:
    """A query string may carry GraphQL variables (a refused GET still gets traced): keep only the path."""
    if not scope.get("query_string") or not span.is_recording():
        return
    attributes: Mapping[str, Any] = getattr(span, "attributes", None) or {}
    for key in ("http.url", "url.full", "http.target"):
        if key in attributes:
            span.set_attribute(key, str(attributes[key]).split("?", 1)[0])
    if "url.query" in attributes:
        span.set_attribute("url.query", "")


def instrument_http(
    app: Starlette,
    tracer_provider: trace.TracerProvider | None = None,
    meter_provider: metrics.MeterProvider | None = None,
) -> None:
    """HTTP server spans and metrics for `app`, except the health probes, without per-message spans.

    `StarletteInstrumentor.instrument_app` (0.66b1) reads its excluded URLs from
    `OTEL_PYTHON_STARLETTE_EXCLUDED_URLS` once, at import, and offers no switch for the
    `http send`/`http receive` spans it opens for every ASGI message. So the middleware it
    registers is given our defaults here; the environment variable still adds exclusions.
    """
    StarletteInstrumentor.instrument_app(
        app, server_request_hook=_strip_query, tracer_provider=tracer_provider, meter_provider=meter_provider
    )
    entries = [m for m in app.user_middleware if m.cls is OpenTelemetryMiddleware]
    if len(entries) != 1:
        raise RuntimeError(f"expected one OpenTelemetry middleware on the app, found {len(entries)}")
    if app.user_middleware[0].cls is not OpenTelemetryMiddleware:
        raise RuntimeError("expected the OpenTelemetry middleware outermost, as StarletteInstrumentor adds it")
    if len(app.user_middleware) > 1 and app.user_middleware[1].cls is LoadShedding:  # shed before any span
        app.user_middleware[0:2] = app.user_middleware[1::-1]
    extra = os.environ.get("OTEL_PYTHON_STARLETTE_EXCLUDED_URLS", os.environ.get("OTEL_PYTHON_EXCLUDED_URLS", ""))
    entries[0].kwargs["excluded_urls"] = parse_excluded_urls(",".join(p for p in (UNTRACED_PATHS, extra) if p))
    entries[0].kwargs["exclude_spans"] = ["receive", "send"]


def flush_at_shutdown(app: Starlette, timeout_millis: int = 3_000) -> None:
    """Export what the global providers still hold when the app's lifespan ends.

    uvicorn re-raises the SIGTERM it handled once the server has stopped, so a worker dies by
    that signal: neither `atexit` (where the SDK would flush) nor gunicorn's `worker_exit` runs.
    The end of the lifespan is the last moment a worker still runs our code.
    """
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[Any]:
        try:
            async with inner(app) as state:
                yield state
        finally:
            for provider in (trace.get_tracer_provider(), metrics.get_meter_provider()):
                flush = getattr(provider, "force_flush", None)  # SDK providers; the API's no-op ones have none
                if flush is not None:
                    flush(timeout_millis)

    app.router.lifespan_context = lifespan
