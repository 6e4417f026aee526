"""The case suites' client: the real app over ASGI on each backend, with a clock each test moves.

Residents use the default policy's case rules (`case.basic` read and report), as shipped.
"""

from collections.abc import AsyncIterator

import pytest

from api.case.routing import GridRouter
from api.case.services import CaseServices
from authz.tokens import LocalIssuer
from graph_model.store import GraphStore
from tests.common.cases import CaseApi, Clock
from tests.common.samples import Samples, pick_samples
from tests.e2e.conftest import app_client


@pytest.fixture
async def cases(store: GraphStore, issuer: LocalIssuer, test_grants: None) -> AsyncIterator[CaseApi]:
    clock = Clock()
    services = CaseServices(router=GridRouter(store), clock=clock)
    async with app_client(store, issuer, cases=services) as client:
        yield CaseApi(client, issuer, clock)


@pytest.fixture
async def samples(store: GraphStore) -> Samples:
    return await pick_samples(store)
