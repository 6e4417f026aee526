"""Registering a webhook (a department officer, for its own department) and replaying a dead
delivery (a security officer).

Why the security officer replays: dead letters say where data was to go and why it did not get
there, never what it said, and deciding where data may go is that officer's duty already; the
replay sends nothing by itself (the dispatcher checks the registrar's scope again before it sends),
so the officer who may replay never sees personal data, and the department that receives cannot
re-send to itself what it may no longer see.
"""

import base64
import secrets
import time
import uuid
from urllib.parse import urlsplit

import strawberry

from api.context import Info
from api.errors import ApiError, Code, bad_input, not_found
from api.fields import classified_mutation
from api.webhook.types import Webhook, WebhookDelivery, WebhookRegistration
from authz.classes import Action, DataClass, Role

MAX_URL = 2048


def _checked_url(url: str) -> str:
    parts = urlsplit(url)
    if (
        len(url) > MAX_URL
        or parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.username is not None
        or any(c.isspace() for c in url)
    ):
        raise bad_input("url must be an absolute http(s) URL without credentials, at most 2048 characters")
    return url


@strawberry.type
class WebhookMutation:
    @classified_mutation(
        DataClass.WEBHOOK, Action.WRITE,
        "Register a back office of one of the caller's departments: from now on it receives, signed the Standard "
        "Webhooks way, the case events the caller could read with `caseEvents` at the time each is sent.",
    )  # fmt: skip
    async def register_webhook(self, info: Info, url: str, department_code: str) -> WebhookRegistration:
        context = info.context
        url = _checked_url(url)
        caps = await context.policy.capabilities(context.principal.subject)
        mine = {g.department for g in caps.grants if g.role == Role.DEPARTMENT_OFFICER.value}
        if department_code not in mine:
            raise ApiError("Only an officer of that department may register its webhooks.", Code.FORBIDDEN,
                           reason="NOT_YOUR_DEPARTMENT")  # fmt: skip
        secret = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
        row = await context.loaders.webhooks.create(
            id=f"wh_{uuid.uuid4().hex}",
            url=url,
            secret=secret,
            department=department_code,
            subject=context.principal.subject,
            cursor=await context.feed.current() if context.feed else 0,
            now=int(time.time() * 1000),
        )
        return WebhookRegistration(webhook=Webhook.from_record(row), secret=secret)

    @classified_mutation(
        DataClass.WEBHOOK_DELIVERY, Action.WRITE,
        "Send a dead delivery again, with a fresh count of attempts; NOT_FOUND unless it is dead.",
    )  # fmt: skip
    async def replay_webhook_delivery(self, info: Info, id: strawberry.ID) -> WebhookDelivery:
        row = await info.context.loaders.webhooks.replay(str(id), int(time.time() * 1000))
        if row is None:
            raise not_found("dead webhook delivery")
        return WebhookDelivery.from_record(row)
