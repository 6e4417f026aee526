"""Registrations and dead letters of the outgoing webhooks: one named statement each.

Who may register or replay is the gate's decision (classes `webhook`, `webhook.delivery`); which
department a registration may name is the mutation's (`api/webhook/mutations.py`). Deliveries as
read here carry no payload: the officers who manage them never see what they said.
"""

from typing import Any

from graph_model.cypher.webhook import (
    CREATE_WEBHOOK,
    DEACTIVATE_WEBHOOK,
    LIST_DEAD_WEBHOOK_DELIVERIES,
    LIST_WEBHOOKS,
    REPLAY_WEBHOOK_DELIVERY,
    ROTATE_WEBHOOK_SECRET,
)
from graph_model.store import GraphStore, Record


class Webhooks:
    def __init__(self, store: GraphStore) -> None:
        self._store = store

    async def create(self, **webhook: Any) -> Record:
        return (await self._store.write(CREATE_WEBHOOK, webhook))[0]

    async def listed(self, departments: list[str]) -> list[Record]:
        return await self._store.read(LIST_WEBHOOKS, {"departments": departments})

    async def rotate(self, webhook_id: str, departments: list[str], sealed: str) -> Record | None:
        """The webhook, now signing with the `sealed` secret; None unless it is active and of `departments`."""
        rows = await self._store.write(ROTATE_WEBHOOK_SECRET, {"id": webhook_id, "departments": departments,
                                                                "secret": sealed})  # fmt: skip
        return rows[0] if rows else None

    async def deactivate(self, webhook_id: str, departments: list[str], now: int) -> Record | None:
        """None unless the webhook was active and of `departments`."""
        params = {"id": webhook_id, "departments": departments, "now": now}
        rows = await self._store.write(DEACTIVATE_WEBHOOK, params)
        return rows[0] if rows else None

    async def dead(self, after: str, limit: int) -> list[Record]:
        return await self._store.read(LIST_DEAD_WEBHOOK_DELIVERIES, {"after": after, "limit": limit})

    async def replay(self, delivery_id: str, now: int) -> Record | None:
        """Due again at once with a fresh count of attempts; None unless it is dead."""
        rows = await self._store.write(REPLAY_WEBHOOK_DELIVERY, {"id": delivery_id, "now": now})
        return rows[0] if rows else None
