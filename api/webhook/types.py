"""Webhooks and their deliveries as the API shows them: never a delivery's content, never a secret
after registration."""

from datetime import UTC, datetime
from typing import Self

import strawberry

from api.fields import classified
from authz.classes import DataClass
from graph_model.store import Record


def _time(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, UTC)


@strawberry.type(description="A department back office that receives the case events its registrar's scope allows.")
class Webhook:
    id: strawberry.ID = classified(DataClass.WEBHOOK)
    url: str = classified(DataClass.WEBHOOK)
    department: str = classified(DataClass.WEBHOOK, "The department code it was registered for.")
    created_at: datetime = classified(DataClass.WEBHOOK)
    active: bool = classified(DataClass.WEBHOOK, "False once deactivated: nothing more is sent to it.")

    @classmethod
    def from_record(cls, row: Record) -> Self:
        return cls(id=strawberry.ID(row["id"]), url=row["url"], department=row["department"],
                   created_at=_time(row["created_at"]), active=row["active"])  # fmt: skip


@strawberry.type
class WebhookRegistration:
    webhook: Webhook = classified(DataClass.WEBHOOK)
    secret: str = classified(
        DataClass.WEBHOOK, "The Standard Webhooks signing secret (`whsec_…`): shown in this answer only."
    )


@strawberry.type(description="One event owed to one webhook; its id is the `webhook-id` the receiver dedupes by.")
class WebhookDelivery:
    id: strawberry.ID = classified(DataClass.WEBHOOK_DELIVERY)
    webhook_id: strawberry.ID = classified(DataClass.WEBHOOK_DELIVERY)
    department: str = classified(DataClass.WEBHOOK_DELIVERY)
    event: int = classified(DataClass.WEBHOOK_DELIVERY, "The case feed's event number it carries.")
    status: str = classified(DataClass.WEBHOOK_DELIVERY, "pending | delivered | dead")
    attempts: int = classified(DataClass.WEBHOOK_DELIVERY)
    last_status: int | None = classified(DataClass.WEBHOOK_DELIVERY, "The HTTP status of the last attempt.")
    last_error: str | None = classified(
        DataClass.WEBHOOK_DELIVERY, "Why the last attempt failed: `HTTP 503`, a transport error's name, OUT_OF_SCOPE."
    )
    updated_at: datetime = classified(DataClass.WEBHOOK_DELIVERY)

    @classmethod
    def from_record(cls, row: Record) -> Self:
        return cls(id=strawberry.ID(row["id"]), webhook_id=strawberry.ID(row["webhook"]),
                   department=row["department"], event=row["event"], status=row["status"],
                   attempts=row["attempts"], last_status=row["last_status"], last_error=row["last_error"],
                   updated_at=_time(row["updated_at"]))  # fmt: skip
