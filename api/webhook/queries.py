"""The dead-letter list of webhook deliveries, for the security officer who replays them."""

import strawberry

from api.context import Info
from api.fields import classified
from api.pagination import Connection, connection, decode_cursor, page_size
from api.webhook.types import WebhookDelivery
from authz.classes import DataClass


@strawberry.type
class WebhookQuery:
    @classified(DataClass.WEBHOOK_DELIVERY, "Deliveries that failed every attempt, by id; never their content.")
    async def dead_webhook_deliveries(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[WebhookDelivery]:
        size = page_size(first, info.context.limits.max_page_size)
        rows = await info.context.loaders.webhooks.dead(decode_cursor(after), size + 1)
        return connection(rows, size, WebhookDelivery.from_record)
