"""A department's webhooks, for its officers; the dead-letter list of webhook deliveries, for the
security officer who replays them."""

from typing import Annotated

import strawberry

from api.context import Info
from api.fields import classified, filter_argument
from api.pagination import Connection, connection, decode_cursor, page_size
from api.webhook.ownership import officer_departments, own_department
from api.webhook.types import Webhook, WebhookDelivery
from authz.classes import DataClass


@strawberry.type
class WebhookQuery:
    @classified(
        DataClass.WEBHOOK,
        "The webhooks of the caller's departments (or of one of them), active or not, by id; never their secrets.",
    )
    async def webhooks(
        self, info: Info, department_code: Annotated[str | None, filter_argument(DataClass.WEBHOOK)] = None
    ) -> list[Webhook]:
        departments = [await own_department(info, department_code)] if department_code else None
        rows = await info.context.loaders.webhooks.listed(departments or await officer_departments(info))
        return [Webhook.from_record(row) for row in rows]

    @classified(DataClass.WEBHOOK_DELIVERY, "Deliveries that failed every attempt, by id; never their content.")
    async def dead_webhook_deliveries(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[WebhookDelivery]:
        size = page_size(first, info.context.limits.max_page_size)
        rows = await info.context.loaders.webhooks.dead(decode_cursor(after), size + 1)
        return connection(rows, size, WebhookDelivery.from_record)
