"""Policy management for security officers: propose, dry-run, approve, roll back, explain.

Every applied change is a new policy version with author and reason. Refused here,
before anything is written: unknown roles, classes, actions or jurisdictions; a
subject granting itself a role; a change that leaves no security officer able to
manage policy. A grant covering the whole city waits for a second officer (two-person rule).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from authz.capabilities import Capabilities, compile_capabilities
from authz.changes import ChangeSet
from authz.classes import Action, DataClass, Role
from authz.engine import PolicyEngine
from authz.grants import Grant
from authz.policy_store import StaleVersion
from authz.reference import explain
from authz.rules import Rule
from graph_model.cypher.division import GET_DIVISIONS_BY_CODES
from graph_model.store import GraphStore

CITY = "3308"
MANAGE = Rule(Role.SECURITY_OFFICER.value, DataClass.POLICY.value, Action.MANAGE_POLICY.value, "allow")
DRY_RUN_SUBJECTS = 200


class PolicyRejected(Exception):
    """`kind` is the error code the API answers with: BAD_USER_INPUT, FORBIDDEN, NOT_FOUND or CONFLICT."""

    def __init__(self, message: str, kind: str = "BAD_USER_INPUT") -> None:
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class AccessDelta:
    subject: str
    data_class: str
    action: str
    gained: tuple[str, ...]
    lost: tuple[str, ...]


@dataclass(frozen=True)
class DryRun:
    deltas: list[AccessDelta]
    needs_approval: bool
    subjects_checked: int
    truncated: bool = False
    problems: list[str] = field(default_factory=list)


def _effective(caps: Capabilities) -> dict[tuple[str, str], frozenset[str]]:
    """Allow prefixes not swallowed by a deny prefix: what a dry run compares."""
    return {
        key: frozenset(a for a in scope.allow if not any(a.startswith(d) for d in scope.deny))
        for key, scope in caps.scopes.items()
    }


class PolicyService:
    def __init__(self, store: GraphStore, engine: PolicyEngine) -> None:
        self._store = store
        self._engine = engine
        self._policy = engine.records

    async def _known_jurisdictions(self, codes: Iterable[str]) -> set[str]:
        wanted = set(codes)
        grids = wanted.intersection(self._engine.grids)
        rows = await self._store.read(GET_DIVISIONS_BY_CODES, {"codes": sorted(wanted - grids)})
        return grids | {r["code"] for r in rows}

    async def validate(self, change: ChangeSet, author: str) -> None:
        if change.empty:
            raise PolicyRejected("the change is empty")
        classes = {c.value for c in DataClass}
        actions = {a.value for a in Action}
        roles_after = {r.role for r in self._engine.rules} | {r.role for r in change.add_rules}
        for rule in change.add_rules + change.remove_rules:
            if rule.data_class not in classes:
                raise PolicyRejected(f"unknown data class {rule.data_class!r}")
            if rule.action not in actions:
                raise PolicyRejected(f"unknown action {rule.action!r}")
            if rule.effect not in ("allow", "deny"):
                raise PolicyRejected(f"effect must be allow or deny, not {rule.effect!r}")
            if rule.role.partition(":")[0] not in {r.value for r in Role}:
                raise PolicyRejected(f"unknown role {rule.role!r}")
        for rule in change.remove_rules:
            if rule not in self._engine.rules:
                raise PolicyRejected(f"no such rule: {rule.role}, {rule.data_class}, {rule.action}, {rule.effect}")
        for grant in change.add_grants + change.remove_grants:
            if grant.policy_role not in roles_after:
                raise PolicyRejected(f"unknown role {grant.policy_role!r}")
            if grant.role == Role.DEPARTMENT_OFFICER.value and not grant.department:
                raise PolicyRejected("a department officer's grant names the department")
        jurisdictions = {g.jurisdiction for g in change.add_grants + change.remove_grants}
        unknown = jurisdictions - await self._known_jurisdictions(jurisdictions)
        if unknown:
            raise PolicyRejected(f"unknown jurisdiction {sorted(unknown)[0]!r}")
        if any(g.subject == author for g in change.add_grants):
            raise PolicyRejected("nobody may grant a role to themselves", "FORBIDDEN")
        await self._keeps_an_officer(change)

    async def _keeps_an_officer(self, change: ChangeSet) -> None:
        rules_after = (set(self._engine.rules) - set(change.remove_rules)) | set(change.add_rules)
        denied = any(
            r.role == MANAGE.role
            and r.data_class == MANAGE.data_class
            and r.action == MANAGE.action
            and r.effect == "deny"
            for r in rules_after
        )
        if MANAGE not in rules_after or denied:
            raise PolicyRejected("the change would leave no security officer able to manage policy")
        officer = Role.SECURITY_OFFICER.value
        remaining = (
            await self._policy.count_active(officer)
            - sum(g.role == officer for g in change.remove_grants)
            + sum(g.role == officer for g in change.add_grants)
        )
        if remaining < 1:
            raise PolicyRejected("the change would remove the last security officer")

    @staticmethod
    def needs_approval(change: ChangeSet) -> bool:
        return any(g.jurisdiction == CITY for g in change.add_grants)

    async def propose(self, change: ChangeSet, author: str, reason: str) -> dict[str, Any]:
        if not reason.strip():
            raise PolicyRejected("a policy change needs a reason")
        await self.validate(change, author)
        if self.needs_approval(change):
            return await self._policy.log(change, None, author, reason, "pending", None)
        version = await self._apply(change)
        return await self._policy.log(change, version, author, reason, "applied", None)

    async def approve(self, change_id: str, approver: str) -> dict[str, Any]:
        pending = await self._policy.change(change_id)
        if pending is None:
            raise PolicyRejected("no such policy change", "NOT_FOUND")
        if pending["status"] != "pending":
            raise PolicyRejected(f"the change is {pending['status']}, not pending", "CONFLICT")
        if pending["author"] == approver:
            raise PolicyRejected("a second security officer must approve this change", "FORBIDDEN")
        change = ChangeSet.from_json(pending["changes"])
        await self.validate(change, approver)
        version = await self._apply(change)
        applied = await self._policy.mark_applied(change_id, version, approver)
        if applied is None:
            raise PolicyRejected("the change was approved concurrently", "CONFLICT")
        return applied

    async def rollback(self, version: int, author: str, reason: str) -> dict[str, Any]:
        if not 1 <= version < self._engine.version:
            raise PolicyRejected(f"version must be between 1 and {self._engine.version - 1}")
        undo = ChangeSet()
        for applied in await self._policy.applied_after(version):
            undo = undo.then(ChangeSet.from_json(applied["changes"]).inverse())
        return await self.propose(undo, author, f"rollback to version {version}: {reason}")

    async def _apply(self, change: ChangeSet) -> int:
        try:
            version = await self._policy.apply(change, await self._policy.version())
        except StaleVersion as exc:
            raise PolicyRejected(f"{exc}; retry", "CONFLICT") from exc
        await self._engine.refresh()
        return version

    async def dry_run(self, change: ChangeSet, author: str) -> DryRun:
        problems: list[str] = []
        try:
            await self.validate(change, author)
        except PolicyRejected as exc:
            problems.append(str(exc))
        subjects = {g.subject for g in change.add_grants + change.remove_grants}
        for rule in change.add_rules + change.remove_rules:
            role, _, kind = rule.role.partition(":")
            subjects.update(await self._policy.subjects_with_role(role, kind or None))
        ordered = sorted(subjects)
        checked = ordered[:DRY_RUN_SUBJECTS]
        rules_before = self._engine.rules
        rules_after = tuple((set(rules_before) - set(change.remove_rules)) | set(change.add_rules))
        deltas: list[AccessDelta] = []
        for subject in checked:
            grants = await self._policy.grants_of(subject)
            after_grants = [g for g in grants if g not in change.remove_grants] + [
                g for g in change.add_grants if g.subject == subject
            ]
            before = _effective(compile_capabilities(subject, 0, grants, rules_before))
            after = _effective(compile_capabilities(subject, 0, after_grants, rules_after))
            for key in sorted(set(before) | set(after)):
                old, new = before.get(key, frozenset()), after.get(key, frozenset())
                if old != new:
                    deltas.append(
                        AccessDelta(subject, key[0], key[1], tuple(sorted(new - old)), tuple(sorted(old - new)))
                    )
        return DryRun(deltas, self.needs_approval(change), len(checked), len(ordered) > len(checked), problems)

    async def explain(
        self, subject: str, data_class: str, action: str, jurisdiction: str
    ) -> tuple[bool, list[list[str]]]:
        grants: list[Grant] = await self._policy.grants_of(subject)
        return explain(self._engine.rules, grants, subject, data_class, action, jurisdiction)
