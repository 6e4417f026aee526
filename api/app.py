"""`create_app`: the Starlette application, with everything it uses handed in.

Nothing is created at import time; the store, the token validator, the policy engine
and the limits come from ops. The engine's policy watch runs for the app's lifetime.
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.case.services import CaseServices
from api.graphql_view import WanggeGraphQL
from api.limits import Limits
from api.open311.routes import open311_mount
from api.operation_needs import ROW_TYPES
from api.purpose import DEFAULT_REASON_CODES
from api.schema import build_schema
from api.shedding import LoadShedding, ShedTally
from api.web.config import WebConfig
from api.web.headers import SecurityHeaders
from api.web.pages import STATIC_PATH, static_files
from api.web.routes import web_mount
from api.webhook.dispatch import DispatchSettings, WebhookDispatcher
from authz.audit.writer import AuditWriter
from authz.engine import PolicyEngine
from authz.gate import Access
from authz.tokens import LocalIssuer, TokenValidator
from graph_model.store import GraphStore

READY_TIMEOUT = 0.8  # a frozen graph must not hold /readyz past the 1 s a probe may wait
RETRY_AFTER = "2"  # seconds; a restarted embedded graph is back within about that


class RetryAfterOn503:
    """Every 503 tells the client when to try again (`Retry-After`), whichever route answered it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 503:
                headers = MutableHeaders(scope=message)
                headers.setdefault("retry-after", RETRY_AFTER)
            await send(message)

        await self.app(scope, receive, sending)


def create_app(
    store: GraphStore,
    validator: TokenValidator,
    policy: PolicyEngine,
    limits: Limits,
    audit: AuditWriter | None,
    dev: bool = False,
    gate: bool = True,
    compiled: bool = True,
    reason_codes: frozenset[str] = DEFAULT_REASON_CODES,
    web: WebConfig | None = None,
    dev_issuer: LocalIssuer | None = None,
    max_in_flight: int | None = None,
    cases: CaseServices | None = None,
    webhooks: DispatchSettings | None = None,
) -> Starlette:
    """`gate=False` and `audit=None` exist only so the benchmarks can measure the gate and the
    audit trail against the same app without them; `ops` always wires both. `compiled=False`
    serves every read through the resolvers: the differential test compares the two paths.

    /graphql takes every method: the view answers the ones it does not serve (405, as JSON), so
    those requests are on the audit record too instead of being refused by the router.

    `web` adds the console, the residents' pages and sign-in (and, with `dev_issuer`, the development
    OpenID provider); without it the app serves the API alone.

    `max_in_flight` bounds the GraphQL requests this worker runs at once (see `api.shedding`); `None`
    bounds nothing, for in-process test clients that own the whole app.

    `cases` holds the case clock and calendar (tests inject a clock); by default the system clock and
    the shipped calendar.

    `webhooks` runs this worker's share of the webhook deliveries (`api.webhook.dispatch`) for the
    app's lifetime; without it this worker sends none."""
    access = Access if gate else lambda: Access.everything(ROW_TYPES, policy.grids)
    schema = build_schema(limits, gate, compiled)
    cases = cases or CaseServices.default(store)
    graphql = WanggeGraphQL(schema, store, validator, policy, limits, dev, audit, access, reason_codes, cases)

    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> JSONResponse:
        """Ready only while the graph answers a ping within READY_TIMEOUT: a dead graph turns this 503 at
        once, a frozen one within the timeout, and it turns 200 again by itself when the graph is back."""
        try:
            answered = await asyncio.wait_for(store.ping(), READY_TIMEOUT)
        except TimeoutError:
            answered = False
        if answered:
            return JSONResponse({"status": "ready", "graph": store.backend, "policyVersion": policy.version})
        return JSONResponse({"status": "unavailable", "graph": store.backend}, status_code=503)

    web_routes = [web_mount(web, graphql, store, dev_issuer, cases)] if web else []

    tally = ShedTally(audit.append) if audit else None
    middleware = [Middleware(RetryAfterOn503), Middleware(SecurityHeaders)]
    if max_in_flight is not None:  # outermost: a shed answer costs nothing of the layers inside (api.shedding)
        middleware.insert(0, Middleware(LoadShedding, limit=max_in_flight, tally=tally))

    dispatcher = WebhookDispatcher(store, policy, audit, cases.webhooks, webhooks) if webhooks else None

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await policy.start()
        if dispatcher is not None:
            dispatcher.start()
        yield
        if dispatcher is not None:
            await dispatcher.stop()
        if tally is not None:
            await tally.flush()
        await graphql.feed.stop()
        await policy.stop()
        await store.close()

    return Starlette(
        routes=[
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/graphql", graphql),
            open311_mount(graphql, store, cases, limits.max_page_size),
            WebSocketRoute("/graphql", graphql),
            Mount(STATIC_PATH, static_files(), name="static"),
            *web_routes,
        ],
        middleware=middleware,
        lifespan=lifespan,
    )
