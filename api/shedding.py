"""Load shedding: a bounded number of GraphQL requests in flight per worker; the next one is refused at once.

Without it, a worker took every request it was given and answered all of them slowly (64
closed-loop users on 2 workers: p99 3.3 s at a flat ~60 req/s): queueing only adds latency once
the CPU is busy. Past `limit` requests in flight, a request is answered 503 with `Retry-After` and
a GraphQL `SERVICE_UNAVAILABLE` error before its body, token or document is looked at, so a shed
answer costs microseconds and the requests already admitted keep their latency. Only the GraphQL
path is bounded: /healthz and /readyz must answer whatever the load, or an orchestrator would
restart a worker for being busy.

A shed request has read nothing, so it is not worth a record of its own, which would be a graph
write per refusal exactly when the graph is busiest; the audit trail still says it happened:
`ShedTally` writes one record per worker and second of shedding with the number refused.

The middleware is the app's outermost layer, in front of the HTTP tracing too: clients that ignore
`Retry-After` (64 of them on 2 workers, measured) sent ~1,900 requests/s to be shed, and a span,
metrics and header rewriting per refusal took CPU from the admitted requests. So a shed answer
carries the headers the inner layers would have added, and is counted by one metric instead of a span.
"""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from opentelemetry import metrics
from starlette.types import ASGIApp, Receive, Scope, Send

from api.errors import Code, error_body
from api.web.headers import ALWAYS

log = logging.getLogger("wangge.api")

SHED_RETRY_AFTER = "1"  # seconds: a slot frees within a request's time, so a short pause is enough
_BODY = orjson.dumps(
    error_body(
        "The service is at capacity and did not start this request; retry after a pause.", Code.SERVICE_UNAVAILABLE
    )
)
_HEADERS = [
    (b"content-type", b"application/json"),
    (b"content-length", str(len(_BODY)).encode()),
    (b"retry-after", SHED_RETRY_AFTER.encode()),
    *((name.encode(), value.encode()) for name, value in ALWAYS),
]


class ShedTally:
    """Counts shed requests and appends one audit entry per `interval` while shedding goes on.

    `append` is the audit writer's; the entry has no subject (no token was read) and names no data."""

    def __init__(self, append: Callable[[dict[str, Any]], Awaitable[object]], interval: float = 1.0) -> None:
        self._append = append
        self._interval = interval
        self._count = 0
        self._first = 0
        self._flusher: asyncio.Task[None] | None = None

    def shed(self) -> None:
        if self._count == 0:
            self._first = int(time.time() * 1000)
        self._count += 1
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush_later())

    async def _flush_later(self) -> None:
        await asyncio.sleep(self._interval)
        await self.flush()

    async def flush(self) -> None:
        """Record what was shed so far; if the trail cannot take it now, the count waits for the next flush."""
        if self._count == 0:
            return
        count, first = self._count, self._first
        self._count = 0
        try:
            await self._append(shed_entry(count, first))
        except Exception as exc:
            self._count, self._first = self._count + count, first
            log.warning("could not record %d shed requests: %s", count, type(exc).__name__)


def shed_entry(count: int, first: int) -> dict[str, Any]:
    return {
        "at": first,
        "subject": None,
        "decision": "none",
        "outcome": "shed",
        "shed_count": count,
        "shed_until": int(time.time() * 1000),
        "error_codes": [Code.SERVICE_UNAVAILABLE.value],
        "http_status": 503,
    }


class LoadShedding:
    """ASGI middleware: at most `limit` requests to `path` in this worker at once, counted until their
    response is sent (the audit commit included); the rest are answered 503 at once, never queued."""

    def __init__(self, app: ASGIApp, limit: int, path: str = "/graphql", tally: ShedTally | None = None) -> None:
        self.app = app
        self.limit = limit
        self.path = path
        self.tally = tally
        self.in_flight = 0
        self._shed = metrics.get_meter("wangge.api").create_counter(
            "wangge.http.shed", unit="{request}", description="Requests answered 503 at once, past the in-flight bound."
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != self.path:
            await self.app(scope, receive, send)
            return
        if self.in_flight >= self.limit:
            await send({"type": "http.response.start", "status": 503, "headers": _HEADERS})
            await send({"type": "http.response.body", "body": _BODY})
            self._shed.add(1)
            if self.tally is not None:
                self.tally.shed()
            return
        self.in_flight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1
