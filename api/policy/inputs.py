"""Inputs of policy changes; plain strings here, validated against the vocabulary by authz."""

from datetime import UTC, datetime

import strawberry

from api.errors import bad_input
from authz.changes import ChangeSet
from authz.grants import Grant
from authz.rules import Rule

EARLIEST, LATEST = datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)


def _epoch_ms(at: datetime | None) -> int | None:
    """A time without a zone is read as UTC; outside 2000-2100 it is a typing error, not a policy."""
    if at is None:
        return None
    at = at if at.tzinfo else at.replace(tzinfo=UTC)
    if not EARLIEST <= at < LATEST:
        raise bad_input("expiresAt must lie between 2000 and 2100")
    return int(at.timestamp() * 1000)


@strawberry.input
class RuleInput:
    role: str
    data_class: str
    action: str
    effect: str = "allow"

    def to_rule(self) -> Rule:
        return Rule(self.role, self.data_class, self.action, self.effect)


@strawberry.input
class GrantInput:
    subject: str
    role: str
    jurisdiction: str
    department: str | None = None
    expires_at: datetime | None = strawberry.field(default=None, description="Null = until revoked.")

    def to_grant(self) -> Grant:
        return Grant(self.subject, self.role, self.jurisdiction, self.department, _epoch_ms(self.expires_at))


@strawberry.input(description="Rules and grants to add and remove together, as one new policy version.")
class PolicyChangeInput:
    reason: str
    add_rules: list[RuleInput] = strawberry.field(default_factory=list)
    remove_rules: list[RuleInput] = strawberry.field(default_factory=list)
    add_grants: list[GrantInput] = strawberry.field(default_factory=list)
    remove_grants: list[GrantInput] = strawberry.field(default_factory=list)

    def to_change(self) -> ChangeSet:
        return ChangeSet(
            tuple(r.to_rule() for r in self.add_rules),
            tuple(r.to_rule() for r in self.remove_rules),
            tuple(g.to_grant() for g in self.add_grants),
            tuple(g.to_grant() for g in self.remove_grants),
        )
