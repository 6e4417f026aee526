"""`create_app`: the Starlette application, with everything it uses handed in.

Nothing is created at import time; the store, the token validator and the limits
come from ops, and the store is closed when the app shuts down.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from api.graphql_view import WanggeGraphQL
from api.limits import Limits
from api.schema import build_schema
from authz.tokens import TokenValidator
from graph_model.store import GraphStore


def create_app(store: GraphStore, validator: TokenValidator, limits: Limits, dev: bool = False) -> Starlette:
    graphql = WanggeGraphQL(build_schema(limits), store, validator, limits, dev)

    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> JSONResponse:
        """Ready only while the graph answers; a dead embedded graph turns this 503 at once."""
        if await store.ping():
            return JSONResponse({"status": "ready", "graph": store.backend})
        return JSONResponse({"status": "unavailable", "graph": store.backend}, status_code=503)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await store.close()

    return Starlette(
        routes=[
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/graphql", graphql, methods=["GET", "POST"]),
        ],
        lifespan=lifespan,
    )
