"""An API client per backend over the real ASGI app, with real tokens from a real issuer key."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from joserfc.jwk import RSAKey

from api.app import create_app
from api.limits import Limits
from authz.tokens import LocalIssuer, TokenValidator
from graph_model.store import GraphStore
from tests.common.counting import CountingStore
from tests.common.samples import Samples, pick_samples

ISSUER, AUDIENCE = "https://wangge.test/issuer", "wangge-api"
LIMITS = Limits(max_depth=8, max_aliases=10, max_tokens=1200, max_page_size=100)


@dataclass
class Api:
    client: httpx.AsyncClient
    store: CountingStore
    issuer: LocalIssuer
    samples: Samples

    def token(self, sub: str = "tester") -> str:
        return self.issuer.issue(sub, ttl=300)

    async def post(self, body: Any, token: str | None = "default", **headers: str) -> httpx.Response:
        if token == "default":
            token = self.token()
        if token is not None:
            headers["authorization"] = f"Bearer {token}"
        content = body if isinstance(body, (bytes, str)) else None
        kwargs: dict[str, Any] = {"content": content} if content is not None else {"json": body}
        return await self.client.post("/graphql", headers={"content-type": "application/json", **headers}, **kwargs)

    async def gql(self, query: str, **variables: Any) -> dict[str, Any]:
        response = await self.post({"query": query, "variables": variables})
        assert response.status_code == 200, response.text
        return response.json()


KEY = RSAKey.generate_key(2048, parameters={"kid": "e2e"}, private=True)


@pytest.fixture(scope="session")
def issuer() -> LocalIssuer:
    return LocalIssuer(KEY, ISSUER, AUDIENCE)


@pytest.fixture
async def api(store: GraphStore, issuer: LocalIssuer) -> AsyncIterator[Api]:
    counting = CountingStore(store)
    app = create_app(counting, TokenValidator(issuer.public_keys, ISSUER, AUDIENCE), LIMITS)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://wangge.test") as client:
        yield Api(client, counting, issuer, await pick_samples(store))
