"""Inputs of policy changes; plain strings here, validated against the vocabulary by authz."""

from datetime import datetime

import strawberry

from authz.changes import ChangeSet
from authz.grants import Grant
from authz.rules import Rule


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
        expires = int(self.expires_at.timestamp() * 1000) if self.expires_at else None
        return Grant(self.subject, self.role, self.jurisdiction, self.department, expires)


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
