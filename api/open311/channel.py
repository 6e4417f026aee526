"""An Open311 client's way into the data: the GraphQL API itself, as the key's subject.

The routes authenticate the client by its API key; this hands the principal to the same ASGI
view every app uses (the gate, the case row scope, the audit record), in process, so Open311 has
no path to the graph that the GraphQL API lacks. The principal travels in the ASGI scope, which
only code in this process can set (`api.graphql_view.AUTHENTICATED`).
"""

from typing import Any

import httpx2
from starlette.types import ASGIApp, Receive, Scope, Send

from api.graphql_view import AUTHENTICATED
from api.web.graphql_client import Answer
from authz.principal import Principal


class Channel:
    def __init__(self, graphql: ASGIApp) -> None:
        self._graphql = graphql

    async def __call__(self, principal: Principal, query: str, **variables: Any) -> Answer:
        async def as_client(scope: Scope, receive: Receive, send: Send) -> None:
            await self._graphql({**scope, AUTHENTICATED: principal}, receive, send)

        transport = httpx2.ASGITransport(app=as_client)
        async with httpx2.AsyncClient(transport=transport, base_url="http://wangge.internal") as client:
            response = await client.post("/graphql", json={"query": query, "variables": variables})
        body = response.json()
        return Answer(body.get("data") or {}, body.get("errors") or [])
