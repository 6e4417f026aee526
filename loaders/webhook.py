"""Registrations and dead letters of the outgoing webhooks: one named statement each.

Who may register or replay is the gate's decision (classes `webhook`, `webhook.delivery`); which
department a registration may name is the mutation's (`api/webhook/mutations.py`). Deliveries as
read here carry no payload: the officers who manage them never see what they said.
"""

from typing import Any

from graph_model.cypher.webhook import CREATE_WEBHOOK, LIST_DEAD_WEBHOOK_DELIVERIES, REPLAY_WEBHOOK_DELIVERY
from graph_model.store import GraphStore, Record


class Webhooks:
    def __init__(self, store: GraphStore) -> None:
        self._store = store

    async def create(self, **webhook: Any) -> Record:
        return (await self._store.write(CREATE_WEBHOOK, webhook))[0]

    async def dead(self, after: str, limit: int) -> list[Record]:
        return await self._store.read(LIST_DEAD_WEBHOOK_DELIVERIES, {"after": after, "limit": limit})

    async def replay(self, delivery_id: str, now: int) -> Record | None:
        """Due again at once with a fresh count of attempts; None unless it is dead."""
        rows = await self._store.write(REPLAY_WEBHOOK_DELIVERY, {"id": delivery_id, "now": now})
        return rows[0] if rows else None
