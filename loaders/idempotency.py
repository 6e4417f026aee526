"""The graph side of idempotency keys: claim, complete, release, sweep (see `graph_model.cypher.idempotency`).

Not a DataLoader: each call is one write that must not be batched with another request's.
"""

from dataclasses import dataclass

from graph_model.cypher.idempotency import (
    CLAIM_IDEMPOTENCY_KEY,
    COMPLETE_IDEMPOTENCY_KEY,
    DELETE_EXPIRED_IDEMPOTENCY_KEYS,
    RELEASE_IDEMPOTENCY_KEY,
)
from graph_model.store import GraphStore

SWEEP_LIMIT = 100  # expired keys removed per completed key: enough to keep up, never a long statement


@dataclass(frozen=True)
class Held:
    """What a key's node holds after a claim: `claim` is the caller's own token if it won."""

    claim: str
    fingerprint: str
    state: str  # pending | done
    response: str
    subjects: list[str]


class IdempotencyKeys:
    def __init__(self, store: GraphStore) -> None:
        self._store = store

    async def claim(self, key_id: str, claim: str, fingerprint: str, now: int, ttl: int, lease: int) -> Held:
        params = {"id": key_id, "claim": claim, "fingerprint": fingerprint, "now": now, "expires": now + ttl,
                  "stale": now - lease}  # fmt: skip
        row = (await self._store.write(CLAIM_IDEMPOTENCY_KEY, params))[0]
        return Held(row["claim"], row["fingerprint"], row["state"], row["response"] or "", list(row["subjects"] or []))

    async def complete(self, key_id: str, claim: str, response: str, subjects: list[str], now: int) -> bool:
        """Store the answer; then remove a few expired keys, so the graph holds about a day's keys."""
        params = {"id": key_id, "claim": claim, "response": response, "subjects": subjects}
        rows = await self._store.write(COMPLETE_IDEMPOTENCY_KEY, params)
        await self._store.write(DELETE_EXPIRED_IDEMPOTENCY_KEYS, {"now": now, "limit": SWEEP_LIMIT})
        return bool(rows and rows[0]["completed"])

    async def release(self, key_id: str, claim: str) -> None:
        await self._store.write(RELEASE_IDEMPOTENCY_KEY, {"id": key_id, "claim": claim})
