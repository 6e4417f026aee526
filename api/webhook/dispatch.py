"""Sends the case feed to the departments' back offices: signed, retried, at least once.

One dispatcher runs in every worker; they share their work through the graph
(`graph_model/cypher/webhook.py`). Each round, if the feed moved, every active webhook's new
events are enqueued as deliveries, in the scope its registering officer has now (the gate's own
decision for a read of `caseEvents`, so a webhook never carries what its registrar could not read
through the API); then the deliveries that are due are claimed and sent. Just before a delivery is
sent its case is checked against that scope again, so a case that left the department's scope, a
grant revoked, or a replay of an old delivery never sends anything the department may not see now
(such a delivery is dead at once, `OUT_OF_SCOPE`). Each sent delivery is on the audit record under
the registrar's name before it leaves; if the audit trail does not take it, it is not sent.

Signing is the Standard Webhooks scheme, from the `standardwebhooks` package: `webhook-id` (the
delivery's id: a receiver dedupes by it), `webhook-timestamp` and `webhook-signature` (HMAC-SHA256
of `id.timestamp.body`). A 2xx answer delivers; anything else (another status, a timeout, no
connection) is retried after an exponentially growing delay, and after `max_attempts` the
delivery is dead: a security officer lists and replays dead ones (`api/webhook/mutations.py`).

Every connection goes through the destination check (`api/webhook/connections.py`): a host that
now resolves to a non-global address the operator has not allowed gets nothing, and the delivery
is dead at once (`NON_GLOBAL_DESTINATION`); a host that does not resolve is retried. A delivery of
a deactivated webhook is dead at once (`DEACTIVATED`). Secrets are sealed at rest
(`api/webhook/secrets.py`); those stored in plain text before are sealed when a dispatcher starts.
"""

import asyncio
import json
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx2
from standardwebhooks.webhooks import Webhook

from api.audit_draft import AuditDraft
from api.case.feed import EventFeed
from api.webhook.connections import checked_client
from api.webhook.destinations import UNRESOLVED_HOST, RefusedDestination
from api.webhook.secrets import UnreadableSecret
from api.webhook.services import WebhookServices
from authz.audit.writer import AuditUnavailable, AuditWriter
from authz.capabilities import Capabilities
from authz.case_scope import CaseScope
from authz.classes import Action, DataClass
from authz.engine import PolicyEngine
from authz.gate import Need, Needs, decide
from authz.principal import Principal
from graph_model.background import stop
from graph_model.cypher.case import GET_CASES_BY_IDS, LIST_CASE_EVENTS
from graph_model.cypher.webhook import (
    CLAIM_WEBHOOK_DELIVERIES,
    ENQUEUE_WEBHOOK_DELIVERIES,
    LIST_ACTIVE_WEBHOOKS,
    LIST_PLAIN_WEBHOOK_SECRETS,
    RECORD_WEBHOOK_ATTEMPT,
    SEAL_WEBHOOK_SECRET,
)
from graph_model.store import GraphStore, GraphUnavailable, Record

log = logging.getLogger("wangge.webhook")

# What a delivery reads, as the gate sees the `caseEvents` query: case.basic rows of events and cases.
FEED_NEEDS = Needs(
    (
        Need("caseEvents", "caseEvents", DataClass.CASE_BASIC, Action.READ, ("CaseEvent",)),
        Need("caseEvents.case", "caseEvents.case", DataClass.CASE_BASIC, Action.READ, ("CaseEvent", "Case")),
    )
)
OUT_OF_SCOPE = "OUT_OF_SCOPE"
DEACTIVATED = "DEACTIVATED"
UNREADABLE_SECRET = "UNREADABLE_SECRET"  # sealed under another key than this worker's


@dataclass(frozen=True)
class Backoff:
    """The n-th failed attempt waits `first * factor**(n-1)` seconds, at most `cap`, before the next."""

    max_attempts: int = 8
    first: float = 5.0
    factor: float = 3.0
    cap: float = 6 * 3600.0

    def delay(self, attempts: int) -> float:
        return float(min(self.cap, self.first * self.factor ** (attempts - 1)))


@dataclass(frozen=True)
class DispatchSettings:
    backoff: Backoff = Backoff()
    interval: float = 1.0  # seconds between rounds
    lease_ms: int = 60_000  # a claim not settled by then (its worker died) is sent again
    timeout: float = 10.0  # per HTTP attempt
    batch: int = 100  # events enqueued per webhook and deliveries claimed per round


def payload(event: Record) -> str:
    """The body: the Standard Webhooks envelope around the step, as `caseEvents` serves it."""
    at = datetime.fromtimestamp(event["at"] / 1000, UTC).isoformat()
    data = {key: event[key] for key in ("event", "case_id", "action", "by", "from_status", "to_status", "note")}
    return json.dumps({"type": "case.step", "timestamp": at, "data": {**data, "at": at}}, ensure_ascii=False)


class WebhookDispatcher:
    def __init__(
        self,
        store: GraphStore,
        policy: PolicyEngine,
        audit: AuditWriter | None,
        services: WebhookServices,
        settings: DispatchSettings = DispatchSettings(),
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._store, self._policy, self._audit, self._settings, self._clock = store, policy, audit, settings, clock
        self._services = services
        self._feed = EventFeed(store)
        self._seen = -1  # the feed's head at the last enqueueing round
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="webhook-dispatch")

    async def stop(self) -> None:
        await stop(self._task)

    async def seal_plain_secrets(self) -> int:
        """Seal the secrets stored in plain text before sealing existed; how many this call sealed."""
        sealed = 0
        for row in await self._store.read(LIST_PLAIN_WEBHOOK_SECRETS):
            sealed_secret = self._services.secrets.seal(row["id"], row["secret"])
            params = {"id": row["id"], "plain": row["secret"], "sealed": sealed_secret}
            sealed += len(await self._store.write(SEAL_WEBHOOK_SECRET, params))
        return sealed

    async def _run(self) -> None:
        async with checked_client(self._services.destinations, self._settings.timeout) as client:
            while True:
                try:
                    await self.seal_plain_secrets()
                    break
                except GraphUnavailable:
                    await asyncio.sleep(self._settings.interval)
            while True:
                await asyncio.sleep(self._settings.interval)
                try:
                    await self.round(client)
                except GraphUnavailable:
                    log.warning("webhook dispatch: graph unavailable")

    def _now(self) -> int:
        return int(self._clock() * 1000)

    async def round(self, client: httpx2.AsyncClient) -> None:
        head = await self._feed.current()
        if head != self._seen:
            for hook in await self._store.read(LIST_ACTIVE_WEBHOOKS):
                await self._enqueue(hook)
            self._seen = head
        claim = uuid.uuid4().hex
        params = {"now": self._now(), "limit": self._settings.batch, "lease": self._settings.lease_ms, "claim": claim}
        due = await self._store.write(CLAIM_WEBHOOK_DELIVERIES, params)
        await asyncio.gather(*(self._send(client, delivery, claim) for delivery in due))

    async def _scope(self, subject: str) -> tuple[Capabilities, CaseScope | None]:
        """The registrar's capabilities, and its case scope as the gate decides it now (None: it may not
        read the feed)."""
        caps = await self._policy.capabilities(subject)
        decision = decide(caps, FEED_NEEDS, self._policy.grids, None)
        return caps, decision.access.cases if decision.allowed else None

    async def _enqueue(self, hook: Record) -> None:
        _, scope = await self._scope(hook["subject"])
        if scope is None:
            return
        params = {"after": hook["cursor"], "limit": self._settings.batch, **scope.params()}
        events = await self._store.read(LIST_CASE_EVENTS, params)
        if not events:
            return
        rows = [
            {"id": f"{hook['id']}-{e['event']}", "event": e["event"], "case_id": e["case_id"], "payload": payload(e)}
            for e in events
        ]
        enqueue = {"webhook": hook["id"], "cursor": hook["cursor"], "next": events[-1]["event"], "rows": rows}
        await self._store.write(ENQUEUE_WEBHOOK_DELIVERIES, {**enqueue, "now": self._now()})

    async def _send(self, client: httpx2.AsyncClient, delivery: Record, claim: str) -> None:
        if not delivery["active"]:
            await self._settle(delivery, claim, "dead", None, DEACTIVATED)
            return
        try:
            secret = self._services.secrets.open(delivery["webhook"], delivery["secret"])
        except UnreadableSecret:
            await self._settle(delivery, claim, "dead", None, UNREADABLE_SECRET)
            return
        caps, scope = await self._scope(delivery["subject"])
        if scope is None or not await self._store.read(
            GET_CASES_BY_IDS, {"ids": [delivery["case_id"]], **scope.params()}
        ):
            await self._settle(delivery, claim, "dead", None, OUT_OF_SCOPE)
            return
        if not await self._audited(delivery, caps):
            return  # not sent; the claim runs out and a later round tries again
        moment = datetime.fromtimestamp(self._clock(), UTC)
        headers = {
            "content-type": "application/json",
            "webhook-id": delivery["id"],
            "webhook-timestamp": str(int(moment.timestamp())),
            "webhook-signature": Webhook(secret).sign(delivery["id"], moment, delivery["payload"]),
        }
        try:
            response = await client.post(delivery["url"], content=delivery["payload"].encode(), headers=headers)
        except httpx2.HTTPError as exc:
            await self._failed(delivery, claim, None, type(exc).__name__)
            return
        except RefusedDestination as refused:  # DNS changed since registration, or no answer now
            if refused.reason == UNRESOLVED_HOST:
                await self._failed(delivery, claim, None, refused.reason)
            else:
                await self._settle(delivery, claim, "dead", None, refused.reason)
            return
        if 200 <= response.status_code < 300:
            await self._settle(delivery, claim, "delivered", response.status_code, None)
        else:
            await self._failed(delivery, claim, response.status_code, f"HTTP {response.status_code}")

    async def _failed(self, delivery: Record, claim: str, status: int | None, error: str) -> None:
        attempts = int(delivery["attempts"]) + 1
        backoff = self._settings.backoff
        if attempts >= backoff.max_attempts:
            await self._settle(delivery, claim, "dead", status, error)
        else:
            await self._settle(
                delivery, claim, "pending", status, error, self._now() + int(backoff.delay(attempts) * 1000)
            )

    async def _settle(
        self, delivery: Record, claim: str, status: str, code: int | None, error: str | None, next_at: int | None = None
    ) -> None:
        params: dict[str, Any] = {"id": delivery["id"], "claim": claim, "status": status, "next_at": next_at,
                                  "last_status": code, "last_error": error, "now": self._now()}  # fmt: skip
        await self._store.write(RECORD_WEBHOOK_ATTEMPT, params)

    async def _audited(self, delivery: Record, caps: Capabilities) -> bool:
        """The send is a read by the registrar, through its back office: on the record before it leaves."""
        if self._audit is None:
            return True
        draft = AuditDraft(principal=Principal(delivery["subject"], client_id="webhook"), needs=list(FEED_NEEDS.fields))
        draft.operation_name, draft.operation_type, draft.decision = "webhookDelivery", "webhook", "allow"
        draft.grants = [
            {"role": g.role, "jurisdiction": g.jurisdiction, "department": g.department} for g in caps.grants
        ]
        try:
            await self._audit.append(draft.entry(None, "ok", 0))
        except AuditUnavailable:
            return False
        return True
