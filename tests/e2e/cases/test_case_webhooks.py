"""Outgoing webhooks on both engines, to a real receiver over real HTTP, signatures checked there.

A receiver that fails twice gets every event of its department's cases exactly once by
`webhook-id`, and none of other cases; a delivery that fails every attempt is dead, listed for the
security officer (without its content) and delivered once when that officer replays it; a
department cannot register for another department, and only the security officer replays.
"""

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest

from api import global_id
from api.app import create_app
from api.case.routing import GridRouter
from api.case.services import CaseServices
from api.webhook.dispatch import Backoff, DispatchSettings, WebhookDispatcher
from authz.audit.writer import AuditWriter
from authz.changes import ChangeSet
from authz.engine import PolicyEngine
from authz.grants import Grant
from authz.policy_store import PolicyStore
from authz.tokens import LocalIssuer, TokenValidator
from graph_model.store import GraphStore
from tests.common.cases import CENTRE, WORKER, CaseApi, Clock, code, officer, spot
from tests.common.receiver import Receiver
from tests.common.sockets import served
from tests.e2e.conftest import AUDIENCE, ISSUER, LIMITS

REGISTER = """mutation($url: String!, $d: String!) { registerWebhook(url: $url, departmentCode: $d) {
  secret webhook { id url department } } }"""
DEAD = "{ deadWebhookDeliveries(first: 100) { nodes { id webhookId department event status attempts lastStatus lastError } } }"
REPLAY = "mutation($id: ID!) { replayWebhookDelivery(id: $id) { id status attempts } }"
SETTINGS = DispatchSettings(backoff=Backoff(max_attempts=3, first=0.2, factor=2.0), interval=0.1, lease_ms=5_000)
SECURITY = "security-3308-1"


@dataclass
class Hooks:
    cases: CaseApi
    receiver: Receiver
    url: str  # the receiver's endpoint


@pytest.fixture
async def hooks(store: GraphStore, issuer: LocalIssuer, test_grants: None) -> AsyncIterator[Hooks]:
    """The app over HTTP with one webhook dispatcher at test speed, and a receiver of its own."""
    engine = PolicyEngine(store, poll_interval=0.2)
    validator = TokenValidator(issuer.public_keys, ISSUER, AUDIENCE)
    services, audit = CaseServices(router=GridRouter(store), clock=Clock()), AuditWriter(store)
    app = create_app(store, validator, engine, LIMITS, audit, cases=services)
    dispatcher = WebhookDispatcher(store, engine, audit, SETTINGS)
    receiver = Receiver()
    await engine.start()
    dispatcher.start()
    try:
        async with (
            served(receiver.app()) as receiving,
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://wangge.test", timeout=30
            ) as client,
        ):
            url = receiving.replace("ws://", "http://") + "/hook"
            yield Hooks(CaseApi(client, issuer, services.clock), receiver, url)
    finally:
        await dispatcher.stop()
        await engine.stop()


async def _register(hooks: Hooks, department: str = "330802-yingji") -> str:
    registered = await hooks.cases.ok(officer(department.split("-")[1]), REGISTER, url=hooks.url, d=department)
    hooks.receiver.secret = registered["secret"]
    assert registered["secret"].startswith("whsec_") and registered["webhook"]["department"] == department
    return str(registered["webhook"]["id"])


async def _dispatched(hooks: Hooks, n: int, department: str) -> str:
    case = (await hooks.cases.report(CENTRE, **spot(n)))["data"]["reportCase"]
    await hooks.cases.act(CENTRE, "acceptCase", case["id"])
    await hooks.cases.act(CENTRE, "assignCase", case["id"], departmentCode=department)
    return str(case["id"])


async def _until(check: "object", timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not check():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.1)


async def test_a_receiver_that_fails_twice_gets_each_event_once_and_only_its_scope(hooks: Hooks) -> None:
    webhook = await _register(hooks)
    hooks.receiver.failing = 2
    await _dispatched(hooks, 26, "330802-minzheng")  # 民政's cases, before and after 应急's
    mine = await _dispatched(hooks, 27, "330802-yingji")
    await _dispatched(hooks, 28, "330802-minzheng")
    await _until(lambda: len(hooks.receiver.accepted) >= 3)
    await asyncio.sleep(1.5)  # room for a duplicate or a stray event to arrive
    received = hooks.receiver
    assert received.forged == 0 and received.attempts.count("") == 0
    assert sorted(received.accepted_ids.values()) == [1, 1, 1], received.accepted_ids  # once each, by id
    assert len(received.attempts) == 5  # two 503s, each retried
    assert {body["data"]["action"] for body in received.accepted} == {"report", "accept", "assign"}
    assert {body["data"]["case_id"] for body in received.accepted} == {global_id.decode(mine)[1]}
    assert all(body["type"] == "case.step" for body in received.accepted)
    assert all(i.startswith(webhook + "-") for i in received.accepted_ids)


async def test_a_dead_delivery_is_listed_without_content_and_replayed_by_the_security_officer(hooks: Hooks) -> None:
    webhook = await _register(hooks)
    hooks.receiver.failing = -1
    await _dispatched(hooks, 29, "330802-yingji")

    def dead_ones() -> list[dict]:
        return [n for n in listed if n["webhookId"] == webhook]

    listed: list[dict] = []
    deadline = time.monotonic() + 20
    while len(dead_ones()) < 3:
        assert time.monotonic() < deadline, listed
        await asyncio.sleep(0.3)
        listed = (await hooks.cases.ok(SECURITY, DEAD))["nodes"]
    dead = dead_ones()
    assert all(d["status"] == "dead" and d["attempts"] == 3 and d["lastStatus"] == 503 for d in dead), dead
    assert len(hooks.receiver.attempts) == 9 and not hooks.receiver.accepted
    # only the security officer replays: not the department, not grid staff
    for sub in (officer("yingji"), WORKER):
        assert code(await hooks.cases.gql(sub, REPLAY, id=dead[0]["id"])) == "FORBIDDEN"
    assert code(await hooks.cases.gql(SECURITY, REPLAY, id=f"{webhook}-0")) == "NOT_FOUND"
    hooks.receiver.failing = 0
    replayed = await hooks.cases.ok(SECURITY, REPLAY, id=dead[0]["id"])
    assert replayed == {"id": dead[0]["id"], "status": "pending", "attempts": 0}
    await _until(lambda: len(hooks.receiver.accepted) == 1)
    await asyncio.sleep(1.0)
    assert hooks.receiver.accepted_ids == {dead[0]["id"]: 1}
    assert code(await hooks.cases.gql(SECURITY, REPLAY, id=dead[0]["id"])) == "NOT_FOUND"  # delivered, not dead


async def test_who_may_register_and_for_which_department(hooks: Hooks) -> None:
    # a department cannot register a back office for another department's cases
    taken = await hooks.cases.gql(officer("minzheng"), REGISTER, url=hooks.url, d="330802-yingji")
    assert code(taken) == "FORBIDDEN" and taken["errors"][0]["extensions"]["reason"] == "NOT_YOUR_DEPARTMENT"
    for sub in (WORKER, SECURITY, "auditor-3308", CENTRE):  # no `webhook` rule: refused by the gate
        assert code(await hooks.cases.gql(sub, REGISTER, url=hooks.url, d="330802-yingji")) == "FORBIDDEN"
    for url in ("ftp://x/hook", "http://user:pw@example.org/", "not a url", "http://" + "a" * 2050):
        bad = await hooks.cases.gql(officer("yingji"), REGISTER, url=url, d="330802-yingji")
        assert code(bad) == "BAD_USER_INPUT", url
    # the dead letters are the security officer's: a department cannot read them
    assert code(await hooks.cases.gql(officer("yingji"), DEAD)) == "FORBIDDEN"


async def test_a_revoked_registrar_stops_its_webhook(hooks: Hooks, store: GraphStore) -> None:
    policy, grant = PolicyStore(store), Grant("hook-revoked", "department_officer", "330802", "330802-yingji")
    await policy.apply(ChangeSet(add_grants=(grant,)), await policy.version(), "e2e-fixture", "registrar")
    try:
        registered = await hooks.cases.ok("hook-revoked", REGISTER, url=hooks.url, d="330802-yingji")
        hooks.receiver.secret = registered["secret"]
        await _dispatched(hooks, 30, "330802-yingji")
        await _until(lambda: len(hooks.receiver.accepted) == 3)
        await policy.apply(ChangeSet(remove_grants=(grant,)), await policy.version(), "e2e-fixture", "revoked")
        await asyncio.sleep(1.0)  # the policy watch polls every 0.2 s
        await _dispatched(hooks, 31, "330802-yingji")  # 应急's again, but the registrar is gone
        await asyncio.sleep(3.0)
        assert len(hooks.receiver.accepted) == 3 and len(hooks.receiver.attempts) == 3
    finally:
        if grant in await policy.grants_of("hook-revoked"):
            await policy.apply(ChangeSet(remove_grants=(grant,)), await policy.version(), "e2e-fixture", "cleanup")
