"""Policy changes: each applied change is a new version with author and reason.

The author is always the authenticated subject, never an argument, so the two-person
rule and the ban on self-grants cannot be sidestepped.
"""

from collections.abc import Awaitable
from typing import Any

import strawberry

from api.context import Info
from api.errors import ApiError, Code
from api.fields import classified_mutation
from api.policy.inputs import PolicyChangeInput
from api.policy.types import AccessChange, PolicyChange, PolicyDryRun
from authz.classes import Action, DataClass
from authz.policy_service import PolicyRejected


def _rejected(exc: PolicyRejected) -> ApiError:
    return ApiError(str(exc), Code(exc.kind), **({"reason": exc.reason} if exc.reason else {}))


async def _decided(outcome: Awaitable[dict[str, Any]]) -> PolicyChange:
    """The change a mutation made or decided on; the service's refusal becomes its API error."""
    try:
        return PolicyChange.from_record(await outcome)
    except PolicyRejected as exc:
        raise _rejected(exc) from None


@strawberry.type
class PolicyMutation:
    @classified_mutation(
        DataClass.POLICY, Action.MANAGE_POLICY,
        "Apply a change as a new version, or leave it PENDING for a second officer when it widens access to "
        "L3/L4 classes, writes, policy or audit, or lifts a deny.",
    )  # fmt: skip
    async def propose_policy_change(self, info: Info, change: PolicyChangeInput) -> PolicyChange:
        return await _decided(
            info.context.admin.propose(change.to_change(), info.context.principal.subject, change.reason)
        )

    @classified_mutation(
        DataClass.POLICY, Action.MANAGE_POLICY, "Who would gain or lose which access; nothing is applied."
    )
    async def dry_run_policy_change(self, info: Info, change: PolicyChangeInput) -> PolicyDryRun:
        result = await info.context.admin.dry_run(change.to_change(), info.context.principal.subject)
        return PolicyDryRun(
            changes=[AccessChange.from_delta(d) for d in result.deltas],
            needs_approval=result.needs_approval,
            approval_reasons=result.approval_reasons,
            subjects_checked=result.subjects_checked,
            truncated=result.truncated,
            problems=result.problems,
        )

    @classified_mutation(DataClass.POLICY, Action.MANAGE_POLICY, "Approve another officer's pending change.")
    async def approve_policy_change(self, info: Info, id: strawberry.ID) -> PolicyChange:
        return await _decided(info.context.admin.approve(str(id), info.context.principal.subject))

    @classified_mutation(
        DataClass.POLICY, Action.MANAGE_POLICY,
        "Refuse another officer's pending change, or withdraw one's own; nothing of it is applied.",
    )  # fmt: skip
    async def reject_policy_change(self, info: Info, id: strawberry.ID) -> PolicyChange:
        return await _decided(info.context.admin.reject(str(id), info.context.principal.subject))

    @classified_mutation(
        DataClass.POLICY, Action.MANAGE_POLICY,
        "Restore the rules and grants of `version` as a new change (pending if it widens access, as any change).",
    )  # fmt: skip
    async def rollback_policy(self, info: Info, version: int, reason: str) -> PolicyChange:
        return await _decided(info.context.admin.rollback(version, info.context.principal.subject, reason))
