"""Policy reading for security officers and auditors: versions, rules, grants, explanations."""

import strawberry

from api.context import Info
from api.fields import classified
from api.policy.types import AccessExplanation, PolicyChange, PolicyRule, RoleGrant
from authz.classes import DataClass
from authz.rules import Rule

MAX_VERSIONS = 200


@strawberry.type
class PolicyQuery:
    @classified(DataClass.POLICY, "Policy changes, newest first: applied versions and pending proposals.")
    async def policy_versions(self, info: Info, first: int = 50) -> list[PolicyChange]:
        rows = await info.context.policy.records.changes(min(max(first, 1), MAX_VERSIONS))
        return [PolicyChange.from_record(r) for r in rows]

    @classified(DataClass.POLICY, "The rules in force, optionally of one role.")
    def policy_rules(self, info: Info, role: str | None = None) -> list[PolicyRule]:
        return [PolicyRule.from_rule(r) for r in info.context.policy.rules if role is None or r.role == role]

    @classified(DataClass.POLICY, "Roles that rules name (department officers per department kind).")
    def roles(self, info: Info) -> list[str]:
        return sorted({r.role for r in info.context.policy.rules})

    @classified(DataClass.POLICY, "Active role grants of one subject.")
    async def role_grants(self, info: Info, subject: str) -> list[RoleGrant]:
        return [RoleGrant.from_grant(g) for g in await info.context.policy.records.grants_of(subject)]

    @classified(DataClass.POLICY, "Why may (or may not) a subject do an action with a data class in a jurisdiction.")
    async def explain_access(
        self, info: Info, subject: str, data_class: str, action: str, jurisdiction: str
    ) -> AccessExplanation:
        allowed, rules = await info.context.admin.explain(subject, data_class, action, jurisdiction)
        return AccessExplanation(allowed=allowed, rules=[PolicyRule.from_rule(Rule(*r)) for r in rules])
