"""Outgoing webhooks on both engines, to a real receiver over real HTTP, signatures checked there.

A receiver that fails twice gets every event of its department's cases exactly once by
`webhook-id`, and none of other cases; a delivery that fails every attempt is dead, listed for the
security officer (without its content) and delivered once when that officer replays it; a
department cannot register for another department, and only the security officer replays.
"""

import asyncio
import base64
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx
import pytest
from standardwebhooks.webhooks import Webhook as StandardWebhook
from standardwebhooks.webhooks import WebhookVerificationError

from api import global_id
from api.app import create_app
from api.case.routing import GridRouter
from api.case.services import CaseServices
from api.webhook.destinations import Destinations
from api.webhook.dispatch import Backoff, DispatchSettings, WebhookDispatcher
from api.webhook.secrets import SecretBox
from api.webhook.services import WebhookServices
from authz.audit.writer import AuditWriter
from authz.changes import ChangeSet
from authz.engine import PolicyEngine
from authz.grants import Grant
from authz.policy_store import PolicyStore
from authz.tokens import LocalIssuer, TokenValidator
from graph_model.cypher.feed import GET_CASE_EVENT_HEAD
from graph_model.cypher.webhook import CREATE_WEBHOOK
from graph_model.statement import Statement
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


BOX = SecretBox.ephemeral()  # one key for every app and dispatcher here, as one data directory gives them
LOOPBACK = Destinations.parse("127.0.0.1")  # the receiver listens there: allowed as an operator allows an intranet


@dataclass
class Hooks:
    cases: CaseApi
    receiver: Receiver
    url: str  # the receiver's endpoint
    dispatcher: WebhookDispatcher


@asynccontextmanager
async def _serving(store: GraphStore, issuer: LocalIssuer, sending: Destinations) -> AsyncIterator[Hooks]:
    """The app over HTTP, registering receivers on loopback, with one webhook dispatcher at test speed that
    sends where `sending` permits, and a receiver of its own."""
    engine = PolicyEngine(store, poll_interval=0.2)
    validator = TokenValidator(issuer.public_keys, ISSUER, AUDIENCE)
    webhooks = WebhookServices(LOOPBACK, BOX)
    services, audit = CaseServices(router=GridRouter(store), clock=Clock(), webhooks=webhooks), AuditWriter(store)
    app = create_app(store, validator, engine, LIMITS, audit, cases=services)
    dispatcher = WebhookDispatcher(store, engine, audit, WebhookServices(sending, BOX), SETTINGS)
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
            yield Hooks(CaseApi(client, issuer, services.clock), receiver, url, dispatcher)
    finally:
        await dispatcher.stop()
        await engine.stop()


@pytest.fixture
async def hooks(store: GraphStore, issuer: LocalIssuer, test_grants: None) -> AsyncIterator[Hooks]:
    async with _serving(store, issuer, LOOPBACK) as serving:
        yield serving


@pytest.fixture
async def strict_hooks(store: GraphStore, issuer: LocalIssuer, test_grants: None) -> AsyncIterator[Hooks]:
    """Registered while loopback was allowed, sent when it no longer is: as if the receiver's name had
    come to resolve to another address since, which only the check at each connection can catch."""
    async with _serving(store, issuer, Destinations()) as serving:
        yield serving


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


LIST = "query($d: String) { webhooks(departmentCode: $d) { id url department active } }"
ROTATE = "mutation($id: ID!) { rotateWebhookSecret(id: $id) { secret webhook { id active } } }"
DEACTIVATE = "mutation($id: ID!) { deactivateWebhook(id: $id) { id active } }"
STORED_SECRET = Statement("TEST_WEBHOOK_STORED_SECRET", "MATCH (w:Webhook {id: $id}) RETURN w.secret AS secret")


def _reason(body: dict) -> tuple[str, str]:
    return code(body), body["errors"][0]["extensions"].get("reason", "")


async def test_destinations_that_are_not_global_are_refused_unless_the_operator_allows_them(hooks: Hooks) -> None:
    port = hooks.url.rsplit(":", 1)[1].split("/")[0]
    for url, reason in (
        (f"http://127.0.0.2:{port}/hook", "NON_GLOBAL_DESTINATION"),  # loopback, not the allowed address
        (f"http://[::1]:{port}/hook", "NON_GLOBAL_DESTINATION"),
        ("http://169.254.169.254/latest/meta-data/", "NON_GLOBAL_DESTINATION"),  # link-local: cloud metadata
        ("https://10.0.0.1/hook", "NON_GLOBAL_DESTINATION"),
        ("http://2130706434/hook", "NON_GLOBAL_DESTINATION"),  # 127.0.0.2 spelled as a number
        ("http://no-such-host.invalid/hook", "UNRESOLVED_HOST"),
        ("gopher://127.0.0.1:6379/_", "BAD_SCHEME"),
        ("ftp://x/hook", "BAD_SCHEME"),
        ("http://user:pw@example.org/", "BAD_URL"),
    ):
        refused = await hooks.cases.gql(officer("yingji"), REGISTER, url=url, d="330802-yingji")
        assert _reason(refused) == ("BAD_USER_INPUT", reason), url
    # another department's officer learns nothing about the destination: its refusal comes first
    other = await hooks.cases.gql(officer("minzheng"), REGISTER, url="http://10.0.0.1/", d="330802-yingji")
    assert _reason(other) == ("FORBIDDEN", "NOT_YOUR_DEPARTMENT")
    listed = await hooks.cases.ok(officer("yingji"), LIST)
    assert not any(w["url"].startswith(("http://127.0.0.2", "http://[::1]", "http://169.254")) for w in listed)
    await _register(hooks)  # the allowed receiver (WANGGE_WEBHOOK_ALLOW=127.0.0.1)


async def test_a_destination_refused_at_send_time_gets_nothing(strict_hooks: Hooks) -> None:
    hooks = strict_hooks
    webhook = await _register(hooks)
    await _dispatched(hooks, 32, "330802-yingji")

    async def dead() -> list[dict]:
        nodes = (await hooks.cases.ok(SECURITY, DEAD))["nodes"]
        return [n for n in nodes if n["webhookId"] == webhook]

    deadline = time.monotonic() + 40
    while len(found := await dead()) < 3:
        assert time.monotonic() < deadline, found
        await asyncio.sleep(0.2)
    assert {(d["lastError"], d["attempts"]) for d in found} == {("NON_GLOBAL_DESTINATION", 1)}  # dead at once
    assert hooks.receiver.attempts == []


async def test_redirects_are_not_followed(hooks: Hooks) -> None:
    webhook = await _register(hooks)
    hooks.receiver.redirect = True
    await _dispatched(hooks, 33, "330802-yingji")
    deadline = time.monotonic() + 40
    while len(found := [n for n in (await hooks.cases.ok(SECURITY, DEAD))["nodes"] if n["webhookId"] == webhook]) < 3:
        assert time.monotonic() < deadline, found
        await asyncio.sleep(0.2)
    assert {(d["lastStatus"], d["attempts"]) for d in found} == {(307, 3)}
    # (another test's webhook may have had this port before: count this webhook's attempts only)
    assert hooks.receiver.landed == 0 and len([a for a in hooks.receiver.attempts if a.startswith(webhook)]) == 9


async def test_a_department_lists_rotates_and_deactivates_its_webhooks(hooks: Hooks, store: GraphStore) -> None:
    webhook = await _register(hooks)
    old = hooks.receiver.secret
    stored = (await store.read(STORED_SECRET, {"id": webhook}))[0]["secret"]
    assert stored.startswith("aesgcm:") and old not in stored and old[6:] not in stored  # a dump alone tells nothing
    mine = await hooks.cases.ok(officer("yingji"), LIST, d="330802-yingji")
    assert {"id": webhook, "url": hooks.url, "department": "330802-yingji", "active": True} in mine
    assert webhook not in {w["id"] for w in await hooks.cases.ok(officer("minzheng"), LIST)}
    assert _reason(await hooks.cases.gql(officer("minzheng"), LIST, d="330802-yingji")) == (
        "FORBIDDEN", "NOT_YOUR_DEPARTMENT")  # fmt: skip
    assert code(await hooks.cases.gql(WORKER, LIST)) == "FORBIDDEN"
    assert "errors" in await hooks.cases.gql(officer("yingji"), "{ webhooks { secret } }")  # no such field

    await _dispatched(hooks, 34, "330802-yingji")
    await _until(lambda: len(hooks.receiver.accepted) == 3)
    # another department's webhook is as good as missing to an officer elsewhere; grid staff pass no gate
    assert code(await hooks.cases.gql(officer("minzheng"), ROTATE, id=webhook)) == "NOT_FOUND"
    assert code(await hooks.cases.gql(WORKER, ROTATE, id=webhook)) == "FORBIDDEN"
    rotated = await hooks.cases.ok(officer("yingji"), ROTATE, id=webhook)
    new = rotated["secret"]
    assert new.startswith("whsec_") and new != old and rotated["webhook"] == {"id": webhook, "active": True}
    hooks.receiver.secret = new
    await _dispatched(hooks, 21, "330802-yingji")
    await _until(lambda: len(hooks.receiver.accepted) == 6)
    assert hooks.receiver.forged == 0  # signed with the new secret …
    for body, headers in hooks.receiver.signed[3:]:
        with pytest.raises(WebhookVerificationError):  # … and no longer with the old one
            StandardWebhook(old).verify(body, headers)

    assert code(await hooks.cases.gql(officer("minzheng"), DEACTIVATE, id=webhook)) == "NOT_FOUND"
    assert await hooks.cases.ok(officer("yingji"), DEACTIVATE, id=webhook) == {"id": webhook, "active": False}
    await _dispatched(hooks, 22, "330802-yingji")
    await asyncio.sleep(2.0)
    assert len(hooks.receiver.attempts) == 6  # nothing more
    assert code(await hooks.cases.gql(officer("yingji"), DEACTIVATE, id=webhook)) == "NOT_FOUND"
    assert code(await hooks.cases.gql(officer("yingji"), ROTATE, id=webhook)) == "NOT_FOUND"
    listed = await hooks.cases.ok(officer("yingji"), LIST)
    assert {"id": webhook, "url": hooks.url, "department": "330802-yingji", "active": False} in listed


async def test_a_plain_secret_from_before_sealing_still_signs_and_is_sealed(hooks: Hooks, store: GraphStore) -> None:
    webhook, secret = f"wh_{uuid.uuid4().hex}", "whsec_" + base64.b64encode(b"p" * 32).decode()
    head = (await store.read(GET_CASE_EVENT_HEAD))[0]["events"]
    await store.write(CREATE_WEBHOOK, {"id": webhook, "url": hooks.url, "secret": secret,
                                       "department": "330802-yingji", "subject": officer("yingji"), "cursor": head,
                                       "now": int(time.time() * 1000)})  # fmt: skip
    hooks.receiver.secret = secret
    await _dispatched(hooks, 23, "330802-yingji")
    await _until(lambda: len(hooks.receiver.accepted) == 3)
    assert await hooks.dispatcher.seal_plain_secrets() >= 1
    assert await hooks.dispatcher.seal_plain_secrets() == 0
    stored = (await store.read(STORED_SECRET, {"id": webhook}))[0]["secret"]
    assert stored.startswith("aesgcm:") and BOX.open(webhook, stored) == secret
    await _dispatched(hooks, 24, "330802-yingji")
    await _until(lambda: len(hooks.receiver.accepted) == 6)
    assert hooks.receiver.forged == 0
