"""An API client per backend over the real ASGI app, with real tokens from a real issuer key.

Personas are subjects with real role grants in the seeded graph. `reader-city` is a
test-only subject holding 网格长 rights over the whole city, for the read API suites;
the attack matrix uses the demo subjects of `wangge token --list` themselves.
"""

import contextlib
import json
import os
import signal
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from joserfc.jwk import RSAKey
from starlette.applications import Starlette

from api.app import create_app
from api.limits import Limits
from authz.audit.writer import AuditWriter
from authz.changes import ChangeSet
from authz.engine import PolicyEngine
from authz.grants import Grant
from authz.policy_store import PolicyStore
from authz.tokens import LocalIssuer, TokenValidator
from graph_model.store import GraphStore
from tests.common.counting import CountingStore
from tests.common.samples import Samples, pick_samples

ISSUER, AUDIENCE = "https://wangge.test/issuer", "wangge-api"
LIMITS = Limits(max_depth=8, max_aliases=10, max_tokens=1200, max_page_size=100)
READER = "reader-city"
TEST_GRANTS = (Grant(READER, "grid_chief", "3308"),)


@dataclass
class Api:
    client: httpx.AsyncClient
    store: CountingStore
    issuer: LocalIssuer
    samples: Samples
    policy: PolicyEngine

    def token(self, sub: str = READER) -> str:
        return self.issuer.issue(sub, ttl=300)

    async def post(
        self, body: Any, token: str | None = "default", purpose: str | None = "reason:public-service", **headers: str
    ) -> httpx.Response:
        if token == "default":
            token = self.token()
        if token is not None:
            headers["authorization"] = f"Bearer {token}"
        if purpose is not None:
            headers["wangge-purpose"] = purpose
        content = body if isinstance(body, (bytes, str)) else None
        kwargs: dict[str, Any] = {"content": content} if content is not None else {"json": body}
        return await self.client.post("/graphql", headers={"content-type": "application/json", **headers}, **kwargs)

    async def gql(
        self, query: str, sub: str = READER, purpose: str | None = "reason:public-service", **variables: Any
    ) -> dict[str, Any]:
        response = await self.post({"query": query, "variables": variables}, token=self.token(sub), purpose=purpose)
        assert response.status_code == 200, response.text
        return response.json()


KEY = RSAKey.generate_key(2048, parameters={"kid": "e2e"}, private=True)


@pytest.fixture(scope="session")
def issuer() -> LocalIssuer:
    return LocalIssuer(KEY, ISSUER, AUDIENCE)


@pytest.fixture(scope="session")
async def test_grants(seeded_stores: dict[str, GraphStore]) -> None:
    for store in seeded_stores.values():
        policy = PolicyStore(store)
        change = ChangeSet(add_grants=TEST_GRANTS)
        await policy.apply(change, await policy.version(), "e2e-fixture", "test-only reader")


@pytest.fixture
async def api(store: GraphStore, issuer: LocalIssuer, test_grants: None) -> AsyncIterator[Api]:
    counting = CountingStore(store)
    engine = PolicyEngine(counting, poll_interval=3600)
    app = create_app(
        counting, TokenValidator(issuer.public_keys, ISSUER, AUDIENCE), engine, LIMITS, AuditWriter(counting)
    )
    await engine.start()
    counting.sent.clear()
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://wangge.test") as client:
            yield Api(client, counting, issuer, await pick_samples(store), engine)
    finally:
        await engine.stop()


@pytest.fixture
def serve_dir(tmp_path: Path) -> Iterator[Path]:
    """A data directory for a real `wangge serve`; its embedded graph is killed if a test left it running."""
    yield tmp_path
    runtime = tmp_path / "falkordb" / "server.json"
    if runtime.exists():
        with contextlib.suppress(ProcessLookupError):
            os.kill(json.loads(runtime.read_text())["pid"], signal.SIGKILL)


@asynccontextmanager
async def app_client(
    store: GraphStore, issuer: LocalIssuer, prepare: Callable[[Starlette], object] = lambda app: None, **options: Any
) -> AsyncIterator[httpx.AsyncClient]:
    """An app wired like the `api` fixture's, with other options (dev mode, reason codes); `prepare`
    sees the app before it serves (to instrument it, say)."""
    engine = PolicyEngine(store, poll_interval=3600)
    validator = TokenValidator(issuer.public_keys, ISSUER, AUDIENCE)
    app = create_app(store, validator, engine, LIMITS, AuditWriter(store), **options)
    prepare(app)
    await engine.start()
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://wangge.test") as client:
            yield client
    finally:
        await engine.stop()
