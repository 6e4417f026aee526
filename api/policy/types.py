"""Policy objects as security officers and auditors see them."""

from datetime import UTC, datetime
from enum import Enum
from typing import Any, Self

import strawberry

from authz.changes import ChangeSet
from authz.grants import Grant
from authz.policy_service import AccessDelta
from authz.rules import Rule


def from_epoch_ms(ms: int | None) -> datetime | None:
    return None if ms is None else datetime.fromtimestamp(ms / 1000, UTC)


@strawberry.enum
class ChangeStatus(Enum):
    APPLIED = "applied"
    PENDING = "pending"
    REJECTED = "rejected"


@strawberry.type(description="A rule: what a role may (or, with effect deny, may never) do with a data class.")
class PolicyRule:
    role: str
    data_class: str
    action: str
    effect: str

    @classmethod
    def from_rule(cls, rule: Rule) -> Self:
        return cls(role=rule.role, data_class=rule.data_class, action=rule.action, effect=rule.effect)


@strawberry.type(description="A role granted to a subject in a jurisdiction (division or grid code).")
class RoleGrant:
    subject: str
    role: str
    jurisdiction: str
    department: str | None
    expires_at: datetime | None = strawberry.field(description="Null = until revoked.")

    @classmethod
    def from_grant(cls, grant: Grant) -> Self:
        return cls(
            subject=grant.subject, role=grant.role, jurisdiction=grant.jurisdiction,
            department=grant.department, expires_at=from_epoch_ms(grant.expires),
        )  # fmt: skip


@strawberry.type(description="One versioned policy change, applied or waiting for a second officer's approval.")
class PolicyChange:
    id: strawberry.ID
    version: int | None
    status: ChangeStatus
    author: str
    reason: str
    approved_by: str | None
    rejected_by: str | None
    proposed_at: datetime
    applied_at: datetime | None
    rejected_at: datetime | None
    add_rules: list[PolicyRule]
    remove_rules: list[PolicyRule]
    add_grants: list[RoleGrant]
    remove_grants: list[RoleGrant]

    @classmethod
    def from_record(cls, row: dict[str, Any]) -> Self:
        change = ChangeSet.from_json(row["changes"])
        return cls(
            id=strawberry.ID(row["id"]),
            version=row["version"],
            status=ChangeStatus(row["status"]),
            author=row["author"],
            reason=row["reason"],
            approved_by=row["approved_by"],
            rejected_by=row.get("rejected_by"),
            proposed_at=from_epoch_ms(row["proposed_at"]),
            applied_at=from_epoch_ms(row["applied_at"]),
            rejected_at=from_epoch_ms(row.get("rejected_at")),
            add_rules=[PolicyRule.from_rule(r) for r in change.add_rules],
            remove_rules=[PolicyRule.from_rule(r) for r in change.remove_rules],
            add_grants=[RoleGrant.from_grant(g) for g in change.add_grants],
            remove_grants=[RoleGrant.from_grant(g) for g in change.remove_grants],
        )


@strawberry.type(description="The decision for one question and the rules that made it.")
class AccessExplanation:
    allowed: bool
    rules: list[PolicyRule]


@strawberry.type(description="How one subject's access to one class and action would change.")
class AccessChange:
    subject: str
    data_class: str
    action: str
    gained: list[str] = strawberry.field(description="Jurisdictions newly covered.")
    lost: list[str] = strawberry.field(description="Jurisdictions no longer covered.")

    @classmethod
    def from_delta(cls, delta: AccessDelta) -> Self:
        return cls(
            subject=delta.subject, data_class=delta.data_class, action=delta.action,
            gained=list(delta.gained), lost=list(delta.lost),
        )  # fmt: skip


@strawberry.type(description="What a proposed change would do, without applying it.")
class PolicyDryRun:
    changes: list[AccessChange]
    needs_approval: bool
    approval_reasons: list[str] = strawberry.field(description="Why a second officer must approve, if one must.")
    subjects_checked: int
    truncated: bool
    problems: list[str] = strawberry.field(description="Why the change would be refused, if it would.")
