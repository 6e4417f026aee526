"""Policy persistence in the graph: the Casbin adapter for rules, grants by subject, the change log.

Rules are few (~250) and every worker holds them all through Casbin; grants are many
(one per staff member and official) and are read per subject, never all at once.
"""

import time
import uuid
from typing import Any

from casbin.model import Model
from casbin.persist import load_policy_line
from casbin.persist.adapters.asyncio import AsyncAdapter

from authz.changes import ChangeSet
from authz.grants import Grant
from authz.rules import Rule, default_rules
from graph_model.cypher import policy as cypher
from graph_model.cypher.ingest import CREATE_GRANTS
from graph_model.store import GraphStore

LOCK_TTL_MS = 30_000


def now_ms() -> int:
    return int(time.time() * 1000)


class StaleVersion(RuntimeError):
    """Another change landed first; the caller re-reads and retries or reports a conflict."""


class GraphPolicyAdapter(AsyncAdapter):
    """Loads `p` rules from the graph. Writes go through `PolicyStore.apply`, which versions them."""

    def __init__(self, store: GraphStore) -> None:
        self._store = store

    async def load_policy(self, model: Model) -> None:
        for row in await self._store.read(cypher.GET_POLICY_RULES):
            load_policy_line(", ".join(["p", *Rule.from_record(row).as_casbin()]), model)

    async def save_policy(self, model: Model) -> bool:
        raise NotImplementedError("policy changes are versioned: use PolicyStore.apply")

    async def add_policy(self, sec: str, ptype: str, rule: list[str]) -> bool:
        raise NotImplementedError("policy changes are versioned: use PolicyStore.apply")

    async def remove_policy(self, sec: str, ptype: str, rule: list[str]) -> bool:
        raise NotImplementedError("policy changes are versioned: use PolicyStore.apply")

    async def remove_filtered_policy(self, sec: str, ptype: str, field_index: int, *field_values: str) -> bool:
        raise NotImplementedError("policy changes are versioned: use PolicyStore.apply")


class PolicyStore:
    def __init__(self, store: GraphStore) -> None:
        self._store = store

    async def ensure_initialized(self) -> int:
        """Install the default policy as version 1 the first time a graph is used."""
        version = int((await self._store.write(cypher.INIT_POLICY_HEAD))[0]["version"])
        if version == 0:
            change = ChangeSet(add_rules=tuple(default_rules()))
            try:
                version = await self.apply(change, 0)
            except StaleVersion:  # another process installed it first
                return await self.version()
            await self.log(change, version, "system", "default policy of Wangge", "applied", None)
        return version

    async def version(self) -> int:
        rows = await self._store.read(cypher.GET_POLICY_HEAD)
        return int(rows[0]["version"]) if rows else 0

    async def grants_of(self, subject: str) -> list[Grant]:
        rows = await self._store.read(cypher.GET_ACTIVE_GRANTS_BY_SUBJECT, {"subject": subject, "now": now_ms()})
        return [Grant.from_record(r) for r in rows]

    async def subjects_with_role(self, role: str, department_kind: str | None) -> list[str]:
        rows = await self._store.read(cypher.GET_SUBJECTS_BY_ROLE, {"role": role, "department_kind": department_kind})
        return [r["subject"] for r in rows]

    async def count_active(self, role: str) -> int:
        return int(
            (await self._store.read(cypher.COUNT_ACTIVE_GRANTS_BY_ROLE, {"role": role, "now": now_ms()}))[0]["n"]
        )

    async def apply(self, change: ChangeSet, expected_version: int) -> int:
        """Lock the head at the expected version, write the change, then move the head.

        Workers reload only when the head moves, so none caches a half-written policy; the
        lock makes a concurrent change fail before it writes anything. A lock left by a
        crashed writer expires after `LOCK_TTL_MS`.
        """
        token, now = uuid.uuid4().hex, now_ms()
        lock = {"expected": expected_version, "token": token, "now": now, "stale_before": now - LOCK_TTL_MS}
        if not await self._store.write(cypher.LOCK_POLICY_HEAD, lock):
            raise StaleVersion(f"policy is no longer at version {expected_version}")
        if change.remove_rules:
            await self._store.write(cypher.DELETE_POLICY_RULES, {"rows": [r.as_row() for r in change.remove_rules]})
        if change.remove_grants:
            await self._store.write(cypher.DELETE_GRANTS, {"rows": [g.as_row() for g in change.remove_grants]})
        if change.add_rules:
            await self._store.write(cypher.CREATE_POLICY_RULES, {"rows": [r.as_row() for r in change.add_rules]})
        if change.add_grants:
            await self._store.write(CREATE_GRANTS, {"rows": [g.as_row() for g in change.add_grants]})
        rows = await self._store.write(cypher.BUMP_POLICY_HEAD, {"token": token})
        if not rows:
            raise StaleVersion("the policy lock expired before the change was complete")
        return int(rows[0]["version"])

    async def log(
        self, change: ChangeSet, version: int | None, author: str, reason: str, status: str, approved_by: str | None
    ) -> dict[str, Any]:
        at = now_ms()
        params = {
            "id": uuid.uuid4().hex, "version": version, "author": author, "reason": reason, "status": status,
            "changes": change.to_json(), "proposed_at": at, "applied_at": at if status == "applied" else None,
            "approved_by": approved_by,
        }  # fmt: skip
        return (await self._store.write(cypher.CREATE_POLICY_CHANGE, params))[0]

    async def mark_applied(self, change_id: str, version: int, approved_by: str) -> dict[str, Any] | None:
        params = {"id": change_id, "version": version, "applied_at": now_ms(), "approved_by": approved_by}
        rows = await self._store.write(cypher.MARK_POLICY_CHANGE_APPLIED, params)
        return rows[0] if rows else None

    async def change(self, change_id: str) -> dict[str, Any] | None:
        rows = await self._store.read(cypher.GET_POLICY_CHANGE, {"id": change_id})
        return rows[0] if rows else None

    async def changes(self, limit: int) -> list[dict[str, Any]]:
        return await self._store.read(cypher.LIST_POLICY_CHANGES, {"limit": limit})

    async def applied_after(self, version: int) -> list[dict[str, Any]]:
        return await self._store.read(cypher.LIST_APPLIED_CHANGES_AFTER, {"version": version})
