"""Property: random sequences of policy changes by random officers never widen personal-data access
without an independent second officer, and never let a governance role hold personal data.

Each example runs a drawn sequence of proposals (grants, revocations, rule toggles), approvals
and rejections through the policy service on the real graph (both engines), and after every
step compares the personal-data access of the watched subjects before and after it. Whatever
the service refuses is fine; what it applies is checked. The graph is restored after each example.

Personal-data access means access to other people's data. A case class held through a role that sees
cases only as their reporter (a resident: authz/case_scope.py) opens nothing but the subject's own
reports, so such rules are left out when the access is compiled: one officer may make someone a
resident, who may then report problems and follow its own reports, and that widens no one's view.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from authz.capabilities import PERSONAL, compile_capabilities, separated
from authz.case_scope import CASE_ROLES
from authz.changes import ChangeSet
from authz.classes import DataClass
from authz.duties import beneficiaries, gains
from authz.grants import Grant
from authz.policy_service import PolicyRejected, PolicyService
from authz.policy_store import PolicyStore
from authz.rules import Rule
from tests.e2e.conftest import Api

CITY_OFFICERS = ("security-3308-1", "security-3308-2")
CASE_CLASSES = frozenset(c.value for c in (DataClass.CASE_BASIC, DataClass.CASE_REPORTER, DataClass.CASE_PETITION))
COUNTY_OFFICER = "prop-officer-330802"
NEWCOMERS = ("prop-1", "prop-2")
ROLES = ("resident", "grid_part_time", "grid_worker", "grid_chief", "security_officer", "auditor")
TOGGLED = (
    Rule("resident", "person.basic", "read"),
    Rule("grid_part_time", "person.sensitive", "read"),
    Rule("grid_part_time", "person.contact", "read_masked"),
)

officers = st.sampled_from((*CITY_OFFICERS, COUNTY_OFFICER))
proposals = st.one_of(
    st.tuples(
        st.just("grant"),
        officers,
        st.sampled_from((*NEWCOMERS, CITY_OFFICERS[1])),
        st.sampled_from(ROLES),
        st.integers(0, 3),
    ),
    st.tuples(st.just("revoke"), officers, st.integers(0, 9)),
    st.tuples(st.just("rule"), officers, st.sampled_from(TOGGLED)),
)
# What happens next to a pending proposal: approved by a random officer, by a city officer other
# than the author, rejected, left pending, or an older pending change is approved instead.
decisions = st.tuples(st.sampled_from(("approve", "approve by other", "reject", "leave", "approve older")), officers)
steps = st.lists(st.tuples(proposals, decisions), min_size=2, max_size=5)


@dataclass
class Run:
    api: Api
    service: PolicyService
    watched: tuple[str, ...]
    places: tuple[str, ...]
    pending: list[dict[str, Any]] = field(default_factory=list)

    async def personal(self) -> dict[str, Any]:
        rules = [r for r in self.api.policy.rules if r.data_class not in CASE_CLASSES or _sees_others_cases(r.role)]
        found = {}
        for subject in self.watched:
            grants = await self.api.policy.records.grants_of(subject)
            found[subject] = compile_capabilities(subject, 0, grants, rules)
        return found

    async def propose(self, proposal: tuple[Any, ...]) -> tuple[str | None, set[str]]:
        """Propose; answer who applied it alone ("alone", or None if it was refused or is pending)."""
        kind, officer, *args = proposal
        if kind == "grant":
            subject, role, place = args
            change = ChangeSet(add_grants=(Grant(subject, role, self.places[place]),))
        elif kind == "revoke":
            held = [g for s in NEWCOMERS for g in await self.api.policy.records.grants_of(s)]
            if not held:
                return None, set()
            change = ChangeSet(remove_grants=(held[args[0] % len(held)],))
        else:
            (rule,) = args
            present = rule in self.api.policy.rules
            change = ChangeSet(remove_rules=(rule,)) if present else ChangeSet(add_rules=(rule,))
        try:
            row = await self.service.propose(change, officer, "property")
        except PolicyRejected:
            return None, set()
        if row["status"] == "pending":
            self.pending.append(row)
            return None, set()
        return "alone", beneficiaries(change)

    async def decide(self, decision: str, officer: str) -> tuple[str | None, str, set[str]]:
        """Decide on the newest (or oldest) pending change; answer its author if it was applied,
        the deciding officer, and the change's subjects."""
        if not self.pending or decision == "leave":
            return None, officer, set()
        chosen = self.pending[0 if decision == "approve older" else -1]
        if decision == "approve by other":
            officer = next(o for o in CITY_OFFICERS if o != chosen["author"])
        try:
            if decision == "reject":
                await self.service.reject(chosen["id"], officer)
                self.pending.remove(chosen)
                return None, officer, set()
            applied = await self.service.approve(chosen["id"], officer)
        except PolicyRejected:
            return None, officer, set()
        self.pending.remove(chosen)
        assert applied["approved_by"] == officer != applied["author"]
        return applied["author"], officer, beneficiaries(ChangeSet.from_json(applied["changes"]))


@asynccontextmanager
async def restored(api: Api) -> AsyncIterator[None]:
    """Put back the rules and the newcomers' grants as they were before the example."""
    records: PolicyStore = api.policy.records
    rules = set(api.policy.rules)
    try:
        yield
    finally:
        await api.policy.refresh()
        now = set(api.policy.rules)
        grants = [g for s in (*NEWCOMERS, *CITY_OFFICERS) for g in await records.grants_of(s) if g.granted_by]
        undo = ChangeSet(tuple(sorted(rules - now)), tuple(sorted(now - rules)), (), tuple(grants))
        if not undo.empty:
            await records.apply(undo, api.policy.version, "property-test", "restore")
        await api.policy.refresh()


async def _county_officer(api: Api, service: PolicyService) -> None:
    if await api.policy.records.grants_of(COUNTY_OFFICER):
        return
    change = ChangeSet(add_grants=(Grant(COUNTY_OFFICER, "security_officer", "330802"),))
    pending = await service.propose(change, CITY_OFFICERS[0], "property-test county officer")
    await service.approve(pending["id"], CITY_OFFICERS[1])


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=steps)
async def test_no_sequence_widens_personal_access_alone(api: Api, sequence: list[tuple[Any, ...]]) -> None:
    service = PolicyService(api.store, api.policy)
    await _county_officer(api, service)
    grid = api.samples.grids[0]
    watched = (*NEWCOMERS, *CITY_OFFICERS, COUNTY_OFFICER, f"resident-{grid}-1", f"staff-{grid}-part1")
    run = Run(api, service, watched, ("3308", "330802", grid, api.samples.grids[2]))
    async with restored(api):
        for proposal, (decision, officer) in sequence:
            before = await run.personal()
            alone, named = await run.propose(proposal)
            middle = await run.personal()
            author, approver, approved = await run.decide(decision, officer)
            after = await run.personal()
            for subject in watched:
                assert not _personal_gains(before[subject], middle[subject]), (proposal, subject, alone, named)
                if _personal_gains(middle[subject], after[subject]):
                    assert author is not None and approver != author and approver not in approved, (decision, subject)
                for caps in (middle[subject], after[subject]):
                    if separated(caps.grants):
                        assert not any(caps.scope(c, a).anywhere for c, a in caps.scopes if c in PERSONAL), subject


def _sees_others_cases(policy_role: str) -> bool:
    return policy_role.partition(":")[0] in CASE_ROLES


def _personal_gains(before: Any, after: Any) -> dict[tuple[str, str], list[str]]:
    return {k: v for k, v in gains(before, after).items() if k[0] in PERSONAL}
