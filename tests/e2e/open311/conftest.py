"""The Open311 suites' client: the real app on each backend, keys made as the operator makes them.

Keys are made before the app starts (the operator command also grants the client its role, and
the app's policy engine reads the policy when it starts). An Open311 client needs only its own role.
"""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from api.case.routing import GridRouter
from api.case.services import CaseServices
from authz.tokens import LocalIssuer
from graph_model.store import GraphStore
from ops.open311_keys import create_client_key
from tests.common.cases import CaseApi, Clock
from tests.e2e.conftest import app_client

HOTLINE, APP = "e2e-hotline", "e2e-resident-app"


@dataclass
class Open311Api:
    cases: CaseApi
    key: str  # the hotline's
    other_key: str  # the resident app's, another client in the same county

    @property
    def client(self) -> httpx.AsyncClient:
        return self.cases.client

    async def post(self, key: str | None = None, as_json: bool = False, **params: Any) -> httpx.Response:
        body = {**params, "api_key": key or self.key} if key != "" else params
        if as_json:
            return await self.client.post("/open311/v2/requests.json", json=body)
        return await self.client.post("/open311/v2/requests.json", data=body)

    async def get(self, path: str, key: str | None = None, **params: Any) -> httpx.Response:
        query = {**params, "api_key": key or self.key} if key != "" else params
        return await self.client.get(f"/open311/v2/{path}", params=query)


@pytest.fixture
async def open311(store: GraphStore, issuer: LocalIssuer, test_grants: None) -> AsyncIterator[Open311Api]:
    key = await create_client_key(store, HOTLINE, "hotline", "3308")
    other = await create_client_key(store, APP, "resident", "330802")
    clock = Clock()
    services = CaseServices(router=GridRouter(store), clock=clock)
    async with app_client(store, issuer, cases=services) as client:
        yield Open311Api(CaseApi(client, issuer, clock), key, other)
