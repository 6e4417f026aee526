"""Policy persistence in the graph: the Casbin adapter for rules, grants by subject, the change log.

Rules are few (~250) and every worker holds them all through Casbin; grants are many
(one per staff member and official) and are read per subject, never all at once.
"""

import time
import uuid
from collections.abc import Iterable
from typing import Any

from casbin.model import Model
from casbin.persist import load_policy_line
from casbin.persist.adapters.asyncio import AsyncAdapter

from authz.changes import ChangeSet
from authz.grants import Grant
from authz.rules import Rule, default_rules
from graph_model.cypher import policy as cypher
from graph_model.store import GraphStore

SYSTEM = "system"


def now_ms() -> int:
    return int(time.time() * 1000)


class StaleVersion(RuntimeError):
    """Another change landed first (or the pending change was decided meanwhile): nothing was written."""


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
            try:
                applied = await self.apply(ChangeSet(add_rules=tuple(default_rules())), 0, SYSTEM, "default policy")
                return int(applied["version"])
            except StaleVersion:  # another process installed it first
                return await self.version()
        return version

    async def version(self) -> int:
        rows = await self._store.read(cypher.GET_POLICY_HEAD)
        return int(rows[0]["version"]) if rows else 0

    async def grants_of(self, subject: str) -> list[Grant]:
        rows = await self._store.read(cypher.GET_ACTIVE_GRANTS_BY_SUBJECT, {"subject": subject, "now": now_ms()})
        return [Grant.from_record(r) for r in rows]

    async def all_grants_of(self, subjects: Iterable[str]) -> dict[str, list[Grant]]:
        """Every stored grant of these subjects, expired ones too, keyed by subject."""
        wanted = sorted(set(subjects))
        found: dict[str, list[Grant]] = {s: [] for s in wanted}
        for row in await self._store.read(cypher.GET_GRANTS_BY_SUBJECTS, {"subjects": wanted}):
            found[row["subject"]].append(Grant.from_record(row))
        return found

    async def grants_of_role_holders(self, roles: Iterable[str]) -> dict[str, list[Grant]]:
        """Every grant of each subject who holds one of `roles` (meant for the few governance roles)."""
        found: dict[str, list[Grant]] = {}
        for row in await self._store.read(cypher.GET_GRANTS_OF_ROLE_HOLDERS, {"roles": sorted(roles)}):
            found.setdefault(row["subject"], []).append(Grant.from_record(row))
        return found

    async def subjects_with_role(self, role: str, department_kind: str | None) -> list[str]:
        rows = await self._store.read(cypher.GET_SUBJECTS_BY_ROLE, {"role": role, "department_kind": department_kind})
        return [r["subject"] for r in rows]

    async def count_active(self, role: str) -> int:
        return int(
            (await self._store.read(cypher.COUNT_ACTIVE_GRANTS_BY_ROLE, {"role": role, "now": now_ms()}))[0]["n"]
        )

    async def apply(
        self,
        change: ChangeSet,
        expected_version: int,
        author: str,
        reason: str,
        approved_by: str | None = None,
        change_id: str | None = None,
    ) -> dict[str, Any]:
        """Apply a change as the next version, with its log entry, in one statement (atomic on both engines);
        answers the log entry.

        `change_id` names a pending change being approved; without it a new, applied entry is logged.
        Raises StaleVersion, having written nothing, if the head moved from `expected_version`
        or the pending change is no longer pending.
        """
        params = {
            "id": change_id or uuid.uuid4().hex, "expected": expected_version, "author": author, "reason": reason,
            "changes": change.to_json(), "now": now_ms(), "approved_by": approved_by,
            "rule_roles": sorted({r.role for r in change.remove_rules}),
            "remove_rules": [r.key for r in change.remove_rules],
            "grant_subjects": sorted({g.subject for g in change.remove_grants}),
            "remove_grants": [g.key for g in change.remove_grants],
            "add_rules": [r.as_row() for r in change.add_rules],
            "add_grants": [g.as_row() for g in change.add_grants],
        }  # fmt: skip
        rows = await self._store.write(cypher.APPLY_POLICY_CHANGE, params)
        if not rows:
            raise StaleVersion(f"the policy is no longer at version {expected_version}, or the change was decided")
        return rows[0]

    async def log_pending(self, change: ChangeSet, author: str, reason: str) -> dict[str, Any]:
        params = {
            "id": uuid.uuid4().hex,
            "author": author,
            "reason": reason,
            "changes": change.to_json(),
            "now": now_ms(),
        }
        return (await self._store.write(cypher.CREATE_PENDING_POLICY_CHANGE, params))[0]

    async def reject(self, change_id: str, by: str) -> dict[str, Any] | None:
        rows = await self._store.write(cypher.REJECT_POLICY_CHANGE, {"id": change_id, "by": by, "now": now_ms()})
        return rows[0] if rows else None

    async def change(self, change_id: str) -> dict[str, Any] | None:
        rows = await self._store.read(cypher.GET_POLICY_CHANGE, {"id": change_id})
        return rows[0] if rows else None

    async def changes(self, limit: int) -> list[dict[str, Any]]:
        return await self._store.read(cypher.LIST_POLICY_CHANGES, {"limit": limit})

    async def applied_after(self, version: int) -> list[dict[str, Any]]:
        return await self._store.read(cypher.LIST_APPLIED_CHANGES_AFTER, {"version": version})
