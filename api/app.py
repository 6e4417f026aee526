"""`create_app`: the Starlette application, with everything it uses handed in.

Nothing is created at import time; the store, the token validator, the policy engine
and the limits come from ops. The engine's policy watch runs for the app's lifetime.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from api.graphql_view import WanggeGraphQL
from api.limits import Limits
from api.operation_needs import ROW_TYPES
from api.purpose import DEFAULT_REASON_CODES
from api.schema import build_schema
from authz.audit.writer import AuditWriter
from authz.engine import PolicyEngine
from authz.gate import Access
from authz.tokens import TokenValidator
from graph_model.store import GraphStore


def create_app(
    store: GraphStore,
    validator: TokenValidator,
    policy: PolicyEngine,
    limits: Limits,
    audit: AuditWriter | None,
    dev: bool = False,
    gate: bool = True,
    reason_codes: frozenset[str] = DEFAULT_REASON_CODES,
) -> Starlette:
    """`gate=False` and `audit=None` exist only so the benchmarks can measure the gate and the
    audit trail against the same app without them; `ops` always wires both.

    /graphql takes every method: the view answers the ones it does not serve (405, as JSON), so
    those requests are on the audit record too instead of being refused by the router."""
    access = Access if gate else lambda: Access.everything(ROW_TYPES, policy.grids)
    schema = build_schema(limits, gate)
    graphql = WanggeGraphQL(schema, store, validator, policy, limits, dev, audit, access, reason_codes)

    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> JSONResponse:
        """Ready only while the graph answers; a dead embedded graph turns this 503 at once."""
        if await store.ping():
            return JSONResponse({"status": "ready", "graph": store.backend, "policyVersion": policy.version})
        return JSONResponse({"status": "unavailable", "graph": store.backend}, status_code=503)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await policy.start()
        yield
        await policy.stop()
        await store.close()

    return Starlette(
        routes=[
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/graphql", graphql),
        ],
        lifespan=lifespan,
    )
