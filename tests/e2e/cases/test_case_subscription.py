"""The `caseEvents` subscription over a real websocket (uvicorn, graphql-transport-ws), on both engines.

A subscriber sees the steps of the cases in its scope as they commit and nothing else; without a
valid token the connection is refused at `connection_init`; without the class the subscription
fails FORBIDDEN; a grant revoked while it runs ends it FORBIDDEN before the next step in its old
scope is delivered; the connection closes when the token expires; every delivery is audited.
"""

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest

from api.app import create_app
from api.case.routing import GridRouter
from api.case.services import CaseServices
from authz.audit.writer import AuditWriter
from authz.changes import ChangeSet
from authz.engine import PolicyEngine
from authz.grants import Grant
from authz.policy_store import PolicyStore
from authz.tokens import LocalIssuer, TokenValidator
from graph_model.store import GraphStore
from tests.common.cases import CENTRE, G0, OTHER_WORKER, CaseApi, Clock, code, officer, spot
from tests.common.sockets import Subscriber, bearer, served
from tests.e2e.conftest import AUDIENCE, ISSUER, LIMITS

FEED = "subscription($after: Int) { caseEvents(afterEvent: $after) { event action toStatus case { number } } }"


@dataclass
class Live:
    cases: CaseApi
    base: str  # ws:// URL of the served app
    issuer: LocalIssuer
    store: GraphStore

    def open(self, sub: str, ttl: int = 300) -> "Subscriber.opened":  # type: ignore[name-defined]
        return Subscriber.opened(self.base, bearer(self.issuer.issue(sub, ttl=ttl)))


@pytest.fixture
async def live(store: GraphStore, issuer: LocalIssuer, test_grants: None) -> AsyncIterator[Live]:
    """The app served for real; its policy engine polls often, as a worker's does."""
    engine = PolicyEngine(store, poll_interval=0.2)
    services = CaseServices(router=GridRouter(store), clock=Clock())
    validator = TokenValidator(issuer.public_keys, ISSUER, AUDIENCE)
    app = create_app(store, validator, engine, LIMITS, AuditWriter(store), cases=services)
    await engine.start()
    try:
        async with (
            served(app) as base,
            httpx.AsyncClient(base_url=base.replace("ws://", "http://"), timeout=30) as client,
        ):
            yield Live(CaseApi(client, issuer, services.clock), base, issuer, store)  # type: ignore[arg-type]
    finally:
        await engine.stop()


async def _subscribed(subscriber: Subscriber) -> None:
    assert (await subscriber.ack())["type"] == "connection_ack"
    await subscriber.subscribe(FEED)
    await asyncio.sleep(0.3)  # the subscription has read where the feed is now


async def _case(live: Live, n: int, department: str | None = None) -> str:
    case = (await live.cases.report(CENTRE, **spot(n)))["data"]["reportCase"]
    await live.cases.act(CENTRE, "acceptCase", case["id"])
    if department:
        await live.cases.act(CENTRE, "assignCase", case["id"], departmentCode=department)
    return str(case["number"])


def _numbers(payloads: list[dict]) -> list[str]:
    return [p["data"]["caseEvents"]["case"]["number"] for p in payloads]


async def test_each_subscriber_sees_only_its_scope(live: Live) -> None:
    async with (
        live.open(officer("yingji")) as yingji,
        live.open(officer("minzheng")) as minzheng,
        live.open(OTHER_WORKER) as neighbour,
    ):
        for subscriber in (yingji, minzheng, neighbour):
            await _subscribed(subscriber)
        fire = await _case(live, 20, "330802-yingji")  # G0: 应急's, not 民政's, not the next grid's
        social = await _case(live, 21, "330802-minzheng")  # then one for 民政
        own = (await live.cases.report(OTHER_WORKER, lat=28.9, lon=118.802))["data"]["reportCase"]
        # the department sees its case with its earlier steps (numbered after its cursor), and no other
        assert _numbers(await yingji.events(3)) == [fire] * 3
        # 民政's first delivery is its own case: the feed is in commit order, so 应急's came before and was skipped
        assert _numbers(await minzheng.events(3)) == [social] * 3
        # the worker of the next grid sees its own report, not the two cases of G0 before it
        assert _numbers(await neighbour.events(1)) == [own["number"]]
        for subscriber in (yingji, minzheng, neighbour):
            with pytest.raises(TimeoutError):
                await subscriber.message(timeout=1)


async def test_resuming_after_an_event_misses_nothing(live: Live) -> None:
    async with live.open(officer("yingji")) as first:
        await _subscribed(first)
        number = await _case(live, 22, "330802-yingji")
        events = await first.events(3)
    resume_after = events[0]["data"]["caseEvents"]["event"]
    async with live.open(officer("yingji")) as again:
        assert (await again.ack())["type"] == "connection_ack"
        await again.subscribe(FEED, after=resume_after)
        assert _numbers(await again.events(2)) == [number] * 2


@pytest.mark.parametrize("payload", [{}, {"authorization": "Bearer not-a-token"}, {"authorization": "Basic eDp5"}])
async def test_no_valid_token_is_refused_at_connection_init(live: Live, payload: dict) -> None:
    async with Subscriber.opened(live.base, payload) as subscriber:
        assert await subscriber.closed() == (4403, "Forbidden")


async def test_without_the_class_the_subscription_fails_forbidden(live: Live) -> None:
    async with live.open("security-3308-1") as officer_of_policy:
        assert (await officer_of_policy.ack())["type"] == "connection_ack"
        await officer_of_policy.subscribe(FEED)
        refused = await officer_of_policy.message()
        assert refused["type"] == "next" and refused["payload"]["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        assert "caseEvents" in refused["payload"]["errors"][0]["extensions"]["paths"]
        assert (await officer_of_policy.message())["type"] == "complete"


async def test_a_revoked_grant_ends_the_subscription_before_the_next_step(live: Live) -> None:
    policy, grant = PolicyStore(live.store), Grant("feed-revoked", "grid_worker", G0)
    await policy.apply(ChangeSet(add_grants=(grant,)), await policy.version(), "e2e-fixture", "subscriber")
    try:
        async with live.open("feed-revoked") as subscriber:
            await _subscribed(subscriber)
            before = await _case(live, 23)
            assert _numbers(await subscriber.events(2)) == [before] * 2
            await policy.apply(ChangeSet(remove_grants=(grant,)), await policy.version(), "e2e-fixture", "revoked")
            await asyncio.sleep(1.0)  # the worker's policy watch polls every 0.2 s
            await _case(live, 24)  # in the grid it no longer holds
            ended = await subscriber.message()
            assert code(ended["payload"]) == "FORBIDDEN", ended
            assert (await subscriber.message())["type"] == "complete"
    finally:
        if grant in await policy.grants_of("feed-revoked"):
            await policy.apply(ChangeSet(remove_grants=(grant,)), await policy.version(), "e2e-fixture", "cleanup")


async def test_the_connection_closes_when_the_token_expires(live: Live) -> None:
    async with live.open(officer("yingji"), ttl=2) as subscriber:
        await _subscribed(subscriber)
        started = asyncio.get_running_loop().time()
        close_code, _ = await subscriber.closed(timeout=10)
        assert close_code == 4403 and asyncio.get_running_loop().time() - started < 5


async def test_every_delivery_and_refusal_is_audited(live: Live) -> None:
    async with live.open(officer("yingji")) as subscriber:
        await _subscribed(subscriber)
        number = await _case(live, 25, "330802-yingji")
        assert _numbers(await subscriber.events(3)) == [number] * 3
    async with Subscriber.opened(live.base, {}) as nobody:
        await nobody.closed()
    audit = "query($s: String) { auditRecords(first: 50, filter: {subject: $s}) { nodes { operationType outcome decision dataClasses errorCodes deciding: decidingRules } } }"
    delivered = (await live.cases.ok("auditor-3308", audit, s=officer("yingji")))["nodes"]
    streamed = [r for r in delivered if r["operationType"] == "subscription"][:3]
    assert len(streamed) == 3 and all(r["outcome"] == "ok" and r["decision"] == "allow" for r in streamed), streamed
    assert all(r["dataClasses"] == ["case.basic"] and r["deciding"] for r in streamed), streamed
    refused = (await live.cases.ok("auditor-3308", audit, s=None))["nodes"]
    assert any(r["outcome"] == "refused" and r["errorCodes"] == ["UNAUTHENTICATED"] for r in refused), refused


async def test_a_case_purpose_does_not_open_a_subscription(live: Live) -> None:
    number = await _case(live, 26, "330802-yingji")
    payload = bearer(live.issuer.issue(officer("yingji")), purpose=f"case:{number}")
    async with Subscriber.opened(live.base, payload) as subscriber:
        assert (await subscriber.ack())["type"] == "connection_ack"
        await subscriber.subscribe(FEED)
        refused = (await subscriber.message())["payload"]["errors"][0]["extensions"]
        assert refused == {"code": "FORBIDDEN", "reason": "PURPOSE_CASE"}
