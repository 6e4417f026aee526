"""A department's officers register, rotate and deactivate its webhooks; a security officer replays
a dead delivery.

Why the security officer replays: dead letters say where data was to go and why it did not get
there, never what it said, and deciding where data may go is that officer's duty already; the
replay sends nothing by itself (the dispatcher checks the registrar's scope again before it sends),
so the officer who may replay never sees personal data, and the department that receives cannot
re-send to itself what it may no longer see.

A signing secret is shown once, in the answer that made it, and stored sealed
(`api/webhook/secrets.py`). A webhook of a department the caller is no officer of answers like one
that does not exist (NOT_FOUND).
"""

import base64
import secrets
import time
import uuid

import strawberry

from api.context import Info
from api.errors import ApiError, Code, not_found
from api.fields import classified_mutation
from api.webhook.connections import check
from api.webhook.destinations import RefusedDestination
from api.webhook.ownership import officer_departments, own_department
from api.webhook.types import Webhook, WebhookDelivery, WebhookRegistration
from authz.classes import Action, DataClass


def _new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


async def _destination(info: Info, url: str) -> str:
    """The URL if webhooks may send there (api/webhook/destinations.py); BAD_USER_INPUT with its `reason` if not."""
    try:
        return await check(info.context.cases.webhooks.destinations, url)
    except RefusedDestination as refused:
        raise ApiError(str(refused), Code.BAD_USER_INPUT, reason=refused.reason) from None


@strawberry.type
class WebhookMutation:
    @classified_mutation(
        DataClass.WEBHOOK, Action.WRITE,
        "Register a back office of one of the caller's departments: from now on it receives, signed the Standard "
        "Webhooks way, the case events the caller could read with `caseEvents` at the time each is sent. The url "
        "must resolve to global addresses only (or be allowed by the operator's WANGGE_WEBHOOK_ALLOW); otherwise "
        "BAD_USER_INPUT with `reason` BAD_URL, BAD_SCHEME, UNRESOLVED_HOST or NON_GLOBAL_DESTINATION.",
    )  # fmt: skip
    async def register_webhook(self, info: Info, url: str, department_code: str) -> WebhookRegistration:
        context = info.context
        department = await own_department(info, department_code)  # first: no DNS answers for other departments
        url = await _destination(info, url)
        webhook_id, secret = f"wh_{uuid.uuid4().hex}", _new_secret()
        row = await context.loaders.webhooks.create(
            id=webhook_id,
            url=url,
            secret=context.cases.webhooks.secrets.seal(webhook_id, secret),
            department=department,
            subject=context.principal.subject,
            cursor=await context.feed.current() if context.feed else 0,
            now=int(time.time() * 1000),
        )
        return WebhookRegistration(webhook=Webhook.from_record(row), secret=secret)

    @classified_mutation(
        DataClass.WEBHOOK, Action.WRITE,
        "A new signing secret for an active webhook of one of the caller's departments, shown in this answer only; "
        "deliveries sent from now on are signed with it, never again with the old one.",
    )  # fmt: skip
    async def rotate_webhook_secret(self, info: Info, id: strawberry.ID) -> WebhookRegistration:
        secret = _new_secret()
        sealed = info.context.cases.webhooks.secrets.seal(str(id), secret)
        row = await info.context.loaders.webhooks.rotate(str(id), await officer_departments(info), sealed)
        if row is None:
            raise not_found("active webhook")
        return WebhookRegistration(webhook=Webhook.from_record(row), secret=secret)

    @classified_mutation(
        DataClass.WEBHOOK, Action.WRITE,
        "Stop an active webhook of one of the caller's departments for good: nothing more is sent to it.",
    )  # fmt: skip
    async def deactivate_webhook(self, info: Info, id: strawberry.ID) -> Webhook:
        now = int(time.time() * 1000)
        row = await info.context.loaders.webhooks.deactivate(str(id), await officer_departments(info), now)
        if row is None:
            raise not_found("active webhook")
        return Webhook.from_record(row)

    @classified_mutation(
        DataClass.WEBHOOK_DELIVERY, Action.WRITE,
        "Send a dead delivery again, with a fresh count of attempts; NOT_FOUND unless it is dead.",
    )  # fmt: skip
    async def replay_webhook_delivery(self, info: Info, id: strawberry.ID) -> WebhookDelivery:
        row = await info.context.loaders.webhooks.replay(str(id), int(time.time() * 1000))
        if row is None:
            raise not_found("dead webhook delivery")
        return WebhookDelivery.from_record(row)
