"""The case suites' client: the real app over ASGI on each backend, with a clock each test moves.

The default policy gives residents no case rule (case.basic is personal data, and granting it would
make every resident grant wait for a second officer). These suites open the resident channel as an
operator would, with the two rules loaded around each test and removed after it, so that the suites
after them see the shipped policy and both engines end with the same one.
"""

from collections.abc import AsyncIterator

import pytest

from api.case.routing import GridRouter
from api.case.services import CaseServices
from authz.changes import ChangeSet
from authz.policy_store import PolicyStore
from authz.rules import Rule
from authz.tokens import LocalIssuer
from graph_model.store import GraphStore
from tests.common.cases import CaseApi, Clock
from tests.common.samples import Samples, pick_samples
from tests.e2e.conftest import app_client

RESIDENT_CHANNEL = (Rule("resident", "case.basic", "read"), Rule("resident", "case.basic", "report"))


@pytest.fixture
async def cases(store: GraphStore, issuer: LocalIssuer, test_grants: None) -> AsyncIterator[CaseApi]:
    policy = PolicyStore(store)
    await policy.apply(ChangeSet(add_rules=RESIDENT_CHANNEL), await policy.version(), "e2e-fixture", "resident channel")
    clock = Clock()
    services = CaseServices(router=GridRouter(store), clock=clock)
    try:
        async with app_client(store, issuer, cases=services) as client:
            yield CaseApi(client, issuer, clock)
    finally:
        change = ChangeSet(remove_rules=RESIDENT_CHANNEL)
        await policy.apply(change, await policy.version(), "e2e-fixture", "resident channel closed")


@pytest.fixture
async def samples(store: GraphStore) -> Samples:
    return await pick_samples(store)
