"""The pages' way into the data: the GraphQL API itself, called with the signed-in user's token.

The request goes through the same ASGI view as any app's (token validation, the gate, masking,
the audit record), in process, so the console has no path to the graph that the API lacks.
"""

from dataclasses import dataclass, field
from typing import Any

import httpx2
from starlette.types import ASGIApp

from api.web.session import WebUser

CONSOLE_PURPOSE = "reason:public-service"


@dataclass(frozen=True)
class Answer:
    data: dict[str, Any]
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def error_codes(self) -> list[str]:
        return [error.get("extensions", {}).get("code", "") for error in self.errors]


class GraphQLClient:
    def __init__(self, graphql: ASGIApp) -> None:
        self._transport = httpx2.ASGITransport(app=graphql)

    async def __call__(self, user: WebUser, query: str, **variables: Any) -> Answer:
        headers = {"authorization": f"Bearer {user.token}", "wangge-purpose": CONSOLE_PURPOSE}
        async with httpx2.AsyncClient(transport=self._transport, base_url="http://wangge.internal") as client:
            response = await client.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
        body = response.json()
        return Answer(body.get("data") or {}, body.get("errors") or [])
