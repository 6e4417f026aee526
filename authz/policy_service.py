"""Policy management for security officers: propose, dry-run, approve, reject, roll back, explain.

Every applied change is a new policy version with author and reason, written in one
statement. Refused before anything is written: unknown roles, classes, actions or
jurisdictions; grants that already exist or do not; expiries in the past; anything
outside the officer's own jurisdiction (rules are city-wide); a subject granting itself
a role; a change that breaks separation of duties or leaves no officer able to manage
policy. Whether a change needs a second officer is computed (duties.py), never configured.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from authz.capabilities import Capabilities, compile_capabilities
from authz.changes import ChangeSet
from authz.classes import GOVERNANCE_ROLES, Action, DataClass, Role
from authz.duties import (
    MANAGE,
    OFFICER,
    SEPARATION_OF_DUTIES,
    beneficiaries,
    duty_conflict,
    grants_after,
    independent_officer,
    outside_scope,
    role_widening,
    rule_conflict,
    widening,
)
from authz.engine import PolicyEngine
from authz.grants import Grant
from authz.policy_store import StaleVersion, now_ms
from authz.reference import explain
from authz.rollback import restore
from authz.rules import Rule
from graph_model.cypher.division import GET_DIVISIONS_BY_CODES
from graph_model.store import GraphStore

DRY_RUN_SUBJECTS = 200
OUT_OF_JURISDICTION = "OUT_OF_JURISDICTION"


class PolicyRejected(Exception):
    """`kind` is the error code the API answers with: BAD_USER_INPUT, FORBIDDEN, NOT_FOUND or CONFLICT;
    `reason` a stable refinement of FORBIDDEN (SEPARATION_OF_DUTIES, OUT_OF_JURISDICTION)."""

    def __init__(self, message: str, kind: str = "BAD_USER_INPUT", reason: str | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.reason = reason


def _separation(message: str) -> PolicyRejected:
    return PolicyRejected(message, "FORBIDDEN", SEPARATION_OF_DUTIES)


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
    approval_reasons: list[str]
    subjects_checked: int
    truncated: bool = False
    problems: list[str] = field(default_factory=list)

    @property
    def needs_approval(self) -> bool:
        return bool(self.approval_reasons)


def _effective(caps: Capabilities) -> dict[tuple[str, str], frozenset[str]]:
    """Allow prefixes not swallowed by a deny prefix: what a dry run compares."""
    return {
        key: frozenset(a for a in scope.allow if not any(a.startswith(d) for d in scope.deny))
        for key, scope in caps.scopes.items()
    }


def _active(grants: Iterable[Grant], now: int) -> list[Grant]:
    return [g for g in grants if g.active(now)]


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

    def _rules_after(self, change: ChangeSet) -> tuple[Rule, ...]:
        return tuple(sorted((set(self._engine.rules) - set(change.remove_rules)) | set(change.add_rules)))

    def _check_vocabulary(self, change: ChangeSet) -> None:
        if change.empty:
            raise PolicyRejected("the change is empty")
        classes = {c.value for c in DataClass}
        actions = {a.value for a in Action}
        for rule in change.add_rules + change.remove_rules:
            if rule.data_class not in classes:
                raise PolicyRejected(f"unknown data class {rule.data_class!r}")
            if rule.action not in actions:
                raise PolicyRejected(f"unknown action {rule.action!r}")
            if rule.effect not in ("allow", "deny"):
                raise PolicyRejected(f"effect must be allow or deny, not {rule.effect!r}")
            if rule.role.partition(":")[0] not in {r.value for r in Role}:
                raise PolicyRejected(f"unknown role {rule.role!r}")
        in_force = set(self._engine.rules)
        for rule in change.remove_rules:
            if rule not in in_force:
                raise PolicyRejected(f"no such rule: {rule.role}, {rule.data_class}, {rule.action}, {rule.effect}")
        for rule in change.add_rules:
            if rule in in_force:
                raise PolicyRejected(f"already in force: {rule.role}, {rule.data_class}, {rule.action}, {rule.effect}")
        roles_after = {r.role for r in self._rules_after(change)}
        now = now_ms()
        for grant in change.add_grants + change.remove_grants:
            if grant.policy_role not in roles_after:
                raise PolicyRejected(f"unknown role {grant.policy_role!r}")
            if grant.role == Role.DEPARTMENT_OFFICER.value and not grant.department:
                raise PolicyRejected("a department officer's grant names the department")
        for grant in change.add_grants:
            if not grant.active(now):
                raise PolicyRejected("a grant's expiry must lie in the future")

    async def _stored(self, change: ChangeSet) -> tuple[ChangeSet, dict[str, list[Grant]]]:
        """The change with removals as stored (expiry and provenance included), and the subjects' grants."""
        current = await self._policy.all_grants_of(g.subject for g in change.add_grants + change.remove_grants)
        by_key = {g.key: g for grants in current.values() for g in grants}
        adding = [g.key for g in change.add_grants]
        if len(set(adding)) != len(adding):
            raise PolicyRejected("the change adds the same grant twice")
        for grant in change.add_grants:
            if grant.key in by_key:
                raise PolicyRejected(f"{grant.subject} already holds {grant.role} in {grant.jurisdiction}")
        removals = []
        for grant in change.remove_grants:
            if grant.key not in by_key:
                raise PolicyRejected(f"{grant.subject} holds no {grant.role} in {grant.jurisdiction}")
            removals.append(by_key[grant.key])
        stored = ChangeSet(change.add_rules, change.remove_rules, change.add_grants, tuple(removals))
        return stored, current

    async def validate(self, change: ChangeSet, actor: str) -> ChangeSet:
        """Refuse what may not be applied by `actor`; answer the change with removals as stored."""
        self._check_vocabulary(change)
        jurisdictions = {g.jurisdiction for g in change.add_grants + change.remove_grants}
        unknown = jurisdictions - await self._known_jurisdictions(jurisdictions)
        if unknown:
            raise PolicyRejected(f"unknown jurisdiction {sorted(unknown)[0]!r}")
        change, current = await self._stored(change)
        if any(g.subject == actor for g in change.add_grants):
            raise PolicyRejected("nobody may grant a role to themselves", "FORBIDDEN", SEPARATION_OF_DUTIES)
        outside = outside_scope(await self._engine.capabilities(actor), change)
        if outside:
            what = "rules apply city-wide" if "3308" in outside and (change.add_rules or change.remove_rules) else ""
            raise PolicyRejected(
                f"{actor} manages policy only within its own jurisdiction, not in {', '.join(outside)}"
                + (f" ({what}: a city-level security officer changes them)" if what else ""),
                "FORBIDDEN",
                OUT_OF_JURISDICTION,
            )
        await self._check_duties(change, current)
        await self._keeps_an_officer(change)
        return change

    async def _check_duties(self, change: ChangeSet, current: dict[str, list[Grant]]) -> None:
        conflict = rule_conflict(change)
        if conflict:
            raise _separation(conflict)
        rules_after = self._rules_after(change)
        now = now_ms()
        affected = dict(current)
        if change.add_rules or change.remove_rules:
            affected.update(await self._policy.grants_of_role_holders(GOVERNANCE_ROLES))
        for subject, grants in grants_after(affected, change).items():
            conflict = duty_conflict(subject, _active(grants, now), rules_after)
            if conflict:
                raise _separation(conflict)

    async def _keeps_an_officer(self, change: ChangeSet) -> None:
        rules_after = self._rules_after(change)
        manage = Rule(OFFICER, *MANAGE, "allow")
        if manage not in rules_after or Rule(OFFICER, *MANAGE, "deny") in rules_after:
            raise PolicyRejected("the change would leave no security officer able to manage policy")
        remaining = (
            await self._policy.count_active(OFFICER)
            - sum(g.role == OFFICER for g in change.remove_grants)
            + sum(g.role == OFFICER for g in change.add_grants)
        )
        if remaining < 1:
            raise PolicyRejected("the change would remove the last security officer")

    async def approval_reasons(self, change: ChangeSet) -> list[str]:
        """Why the change needs a second officer: what it widens, per subject and per role; empty if nothing."""
        rules_before, rules_after = self._engine.rules, self._rules_after(change)
        reasons = [f"lifts the deny rule {r.role}, {r.data_class}, {r.action}" for r in change.remove_rules
                   if r.effect == "deny"]  # fmt: skip
        for role in sorted({r.role for r in change.add_rules + change.remove_rules}):
            reasons += role_widening(role, rules_before, rules_after)
        now = now_ms()
        current = await self._policy.all_grants_of(beneficiaries(change))
        for subject, after in grants_after(current, change).items():
            before = compile_capabilities(subject, 0, _active(current.get(subject, ()), now), rules_before)
            reasons += widening(before, compile_capabilities(subject, 0, _active(after, now), rules_after))
        return reasons

    async def propose(self, change: ChangeSet, author: str, reason: str) -> dict[str, Any]:
        if not reason.strip():
            raise PolicyRejected("a policy change needs a reason")
        base = self._engine.version
        change = await self.validate(change, author)
        if await self.approval_reasons(change):
            return await self._policy.log_pending(change, author, reason)
        return await self._apply(change, base, author, reason)

    async def approve(self, change_id: str, approver: str) -> dict[str, Any]:
        base = self._engine.version
        pending = await self._pending(change_id)
        author = pending["author"]
        change = ChangeSet.from_json(pending["changes"])
        if approver == author:
            raise _separation("a second security officer must approve this change, not its author")
        if approver in beneficiaries(change):
            raise _separation(f"{approver} is named by the change and may not approve it")
        caps = await self._engine.capabilities(approver)
        touched = {r.role for r in change.add_rules + change.remove_rules}
        if touched & {g.policy_role for g in caps.grants}:
            raise _separation(f"{approver} holds a role whose rules the change alters and may not approve it")
        if not independent_officer(caps.grants, author, change):
            raise _separation(
                f"{approver} holds no officer grant over the change that was approved by someone other than {author}"
            )
        change = await self.validate(change, approver)
        return await self._apply(change, base, author, pending["reason"], approver, change_id)

    async def reject(self, change_id: str, officer: str) -> dict[str, Any]:
        """Refuse a pending change (its author may withdraw it); nothing of it is applied."""
        change = ChangeSet.from_json((await self._pending(change_id))["changes"])
        outside = outside_scope(await self._engine.capabilities(officer), change)
        if outside:
            raise PolicyRejected(f"{officer} may not decide on {', '.join(outside)}", "FORBIDDEN", OUT_OF_JURISDICTION)
        rejected = await self._policy.reject(change_id, officer)
        if rejected is None:
            raise PolicyRejected("the change was decided concurrently", "CONFLICT")
        return rejected

    async def _pending(self, change_id: str) -> dict[str, Any]:
        pending = await self._policy.change(change_id)
        if pending is None:
            raise PolicyRejected("no such policy change", "NOT_FOUND")
        if pending["status"] != "pending":
            raise PolicyRejected(f"the change is {pending['status']}, not pending", "CONFLICT")
        return pending

    async def rollback(self, version: int, author: str, reason: str) -> dict[str, Any]:
        """Restore exactly the state of `version` (rules, and the grants changed since), as a new change
        that goes through the same checks and approval rule as any other."""
        if not 1 <= version < self._engine.version:
            raise PolicyRejected(f"version must be between 1 and {self._engine.version - 1}")
        undone = [ChangeSet.from_json(row["changes"]) for row in await self._policy.applied_after(version)]
        subjects = {g.subject for c in undone for g in c.add_grants + c.remove_grants}
        grants_now = [g for grants in (await self._policy.all_grants_of(subjects)).values() for g in grants]
        diff = restore(undone, self._engine.rules, grants_now, now_ms())
        if diff.empty:
            raise PolicyRejected(f"the policy already is as it was at version {version}")
        return await self.propose(diff, author, f"rollback to version {version}: {reason}")

    async def _apply(
        self,
        change: ChangeSet,
        base: int,
        author: str,
        reason: str,
        approver: str | None = None,
        change_id: str | None = None,
    ) -> dict[str, Any]:
        """Apply only onto the version the change was validated against (`base`): a change validated
        against an older policy could break an invariant of the newer one (e.g. the last officer)."""
        try:
            applied = await self._policy.apply(change, base, author, reason, approver, change_id)
        except StaleVersion as exc:
            raise PolicyRejected(f"{exc}; retry", "CONFLICT") from exc
        await self._engine.refresh()
        return applied

    async def dry_run(self, change: ChangeSet, author: str) -> DryRun:
        problems: list[str] = []
        try:
            change = await self.validate(change, author)
        except PolicyRejected as exc:
            problems.append(str(exc))
        subjects = beneficiaries(change)
        for rule in change.add_rules + change.remove_rules:
            role, _, kind = rule.role.partition(":")
            subjects.update(await self._policy.subjects_with_role(role, kind or None))
        ordered = sorted(subjects)
        checked = ordered[:DRY_RUN_SUBJECTS]
        rules_before, rules_after = self._engine.rules, self._rules_after(change)
        current = await self._policy.all_grants_of(checked)
        now = now_ms()
        deltas: list[AccessDelta] = []
        for subject, after_grants in grants_after(current, change).items():
            if subject not in current:
                continue
            before = _effective(compile_capabilities(subject, 0, _active(current[subject], now), rules_before))
            after = _effective(compile_capabilities(subject, 0, _active(after_grants, now), rules_after))
            for key in sorted(set(before) | set(after)):
                old, new = before.get(key, frozenset()), after.get(key, frozenset())
                if old != new:
                    deltas.append(
                        AccessDelta(subject, key[0], key[1], tuple(sorted(new - old)), tuple(sorted(old - new)))
                    )
        reasons = await self.approval_reasons(change)
        return DryRun(deltas, reasons, len(checked), len(ordered) > len(checked), problems)

    async def explain(
        self, subject: str, data_class: str, action: str, jurisdiction: str
    ) -> tuple[bool, list[list[str]]]:
        grants: list[Grant] = await self._policy.grants_of(subject)
        return explain(self._engine.rules, grants, subject, data_class, action, jurisdiction)
