"""The insider attacks on policy management that the trust review confirmed, each now refused or held back.

Every test runs on both engines through the real API. `security-3308-1` and `security-3308-2`
are the seeded city-level officers; new officers made here are approved by the second one.
"""

import asyncio
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from api import global_id
from tests.e2e.conftest import Api

A, B = "security-3308-1", "security-3308-2"
PROPOSE = "mutation($c: PolicyChangeInput!) { proposePolicyChange(change: $c) { id version status approvedBy } }"
APPROVE = "mutation($id: ID!) { approvePolicyChange(id: $id) { id version status approvedBy } }"
REJECT = "mutation($id: ID!) { rejectPolicyChange(id: $id) { status rejectedBy } }"
ROLLBACK = 'mutation($v: Int!) { rollbackPolicy(version: $v, reason: "sod test") { id version status } }'
GRANTS = "query($s: String!) { roleGrants(subject: $s) { role jurisdiction } }"
NAME = "query($id: ID!) { person(id: $id) { name } }"


def rule(role: str, data_class: str, action: str, effect: str = "allow") -> dict[str, str]:
    return {"role": role, "dataClass": data_class, "action": action, "effect": effect}


def grant(subject: str, role: str, jurisdiction: str, **extra: Any) -> dict[str, Any]:
    return {"subject": subject, "role": role, "jurisdiction": jurisdiction, **extra}


async def propose(api: Api, by: str, **change: Any) -> dict[str, Any]:
    return await api.gql(PROPOSE, sub=by, c={"reason": "sod test", **change})


def refusal(body: dict[str, Any]) -> tuple[str, str | None]:
    extensions = body["errors"][0]["extensions"]
    return extensions["code"], extensions.get("reason")


async def roles_of(api: Api, subject: str) -> list[dict[str, str]]:
    return (await api.gql(GRANTS, sub=A, s=subject))["data"]["roleGrants"]


async def make_officer(api: Api, subject: str, jurisdiction: str = "3308") -> None:
    """An officer the way the API allows it: proposed by A, approved by B."""
    proposed = (await propose(api, A, addGrants=[grant(subject, "security_officer", jurisdiction)]))["data"]
    assert proposed["proposePolicyChange"]["status"] == "PENDING"
    approved = await api.gql(APPROVE, sub=B, id=proposed["proposePolicyChange"]["id"])
    assert approved["data"]["approvePolicyChange"]["status"] == "APPLIED", approved


async def test_an_officer_cannot_lift_its_own_denies(api: Api) -> None:
    """Problem 1: removing the officer's denies and adding allows applied at once."""
    person = global_id.encode("Person", api.samples.persons[api.samples.grids[0]])
    swap = [rule("security_officer", c, "read", "deny") for c in ("person.basic", "person.identity")]
    body = await propose(api, A, removeRules=swap, addRules=[{**r, "effect": "allow"} for r in swap])
    assert refusal(body) == ("FORBIDDEN", "SEPARATION_OF_DUTIES")
    lifted = (await propose(api, A, removeRules=swap))["data"]["proposePolicyChange"]
    assert lifted["status"] == "PENDING"  # lifting a deny waits for a second officer …
    approval = await api.gql(APPROVE, sub=B, id=lifted["id"])
    assert refusal(approval) == ("FORBIDDEN", "SEPARATION_OF_DUTIES")  # … who may not be a holder of that role
    assert (await api.gql(REJECT, sub=B, id=lifted["id"]))["data"]["rejectPolicyChange"] == {
        "status": "REJECTED", "rejectedBy": B,
    }  # fmt: skip
    assert (await api.gql(NAME, sub=A, id=person))["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_widening_a_role_waits_for_a_second_officer(api: Api) -> None:
    """Problem 1, any rule: `resident, person.basic, read, allow` applied at once."""
    proposed = (await propose(api, A, addRules=[rule("resident", "person.basic", "read")]))["data"]
    assert proposed["proposePolicyChange"]["status"] == "PENDING"
    resident = f"resident-{api.samples.grids[0]}-1"
    person = global_id.encode("Person", api.samples.persons[api.samples.grids[0]])
    assert (await api.gql(NAME, sub=resident, id=person))["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    await api.gql(REJECT, sub=A, id=proposed["proposePolicyChange"]["id"])  # the author withdraws it


async def test_granting_every_county_at_once_waits_like_the_city(api: Api) -> None:
    """Problem 2: `grid_chief` in all six counties in one change applied at once."""
    counties = ["330802", "330803", "330822", "330824", "330825", "330881"]
    body = await propose(api, A, addGrants=[grant("six-counties", "grid_chief", c) for c in counties])
    assert body["data"]["proposePolicyChange"]["status"] == "PENDING"
    assert await roles_of(api, "six-counties") == []
    await api.gql(REJECT, sub=B, id=body["data"]["proposePolicyChange"]["id"])


async def test_a_new_officer_needs_an_independent_approval(api: Api) -> None:
    """Problem 3: A made B' an officer at once, and B' approved A's city-wide grant."""
    proposed = (await propose(api, A, addGrants=[grant("officer-c", "security_officer", "3308")]))["data"]
    pending = proposed["proposePolicyChange"]
    assert pending["status"] == "PENDING" and await roles_of(api, "officer-c") == []
    assert refusal(await api.gql(APPROVE, sub=A, id=pending["id"])) == ("FORBIDDEN", "SEPARATION_OF_DUTIES")
    not_yet = await api.gql(APPROVE, sub="officer-c", id=pending["id"])
    assert refusal(not_yet)[0] == "FORBIDDEN"  # holds no manage_policy at all yet
    approved = (await api.gql(APPROVE, sub=B, id=pending["id"]))["data"]["approvePolicyChange"]
    assert approved["status"] == "APPLIED" and approved["approvedBy"] == B


async def test_officers_act_only_in_their_jurisdiction(api: Api) -> None:
    """Problem 3: an officer granted at a county changed grants in another county."""
    await make_officer(api, "officer-330802", "330802")
    elsewhere = await propose(api, "officer-330802", addGrants=[grant("x-330803", "resident", "330803")])
    assert refusal(elsewhere) == ("FORBIDDEN", "OUT_OF_JURISDICTION")
    rules = await propose(api, "officer-330802", addRules=[rule("resident", "building", "read")])
    assert refusal(rules) == ("FORBIDDEN", "OUT_OF_JURISDICTION")
    inside = await propose(api, "officer-330802", addGrants=[grant("x-330802", "resident", api.samples.grids[0])])
    assert inside["data"]["proposePolicyChange"]["status"] == "APPLIED"  # directory only: L1, at once


async def test_officers_and_auditors_hold_no_personal_data_role(api: Api) -> None:
    """Problem 3: an officer also granted `grid_chief` elsewhere read personal data there."""
    grid = api.samples.grids[2]
    for subject, role in ((B, "grid_chief"), ("auditor-3308", "grid_worker"), (B, "auditor")):
        body = await propose(api, A, addGrants=[grant(subject, role, grid)])
        assert refusal(body) == ("FORBIDDEN", "SEPARATION_OF_DUTIES"), (subject, role, body)
    chief = f"staff-{grid}-chief"
    officer = await propose(api, A, addGrants=[grant(chief, "security_officer", "3308")])
    assert refusal(officer) == ("FORBIDDEN", "SEPARATION_OF_DUTIES")
    assert {r["role"] for r in await roles_of(api, B)} == {"security_officer"}


async def test_rollback_restores_the_state_of_the_version(api: Api) -> None:
    """Problem 4: rollback re-created a grant revoked after the target version."""
    start = max(v["version"] or 0 for v in (await api.gql("{ policyVersions(first: 200) { version } }", sub=A))[
        "data"]["policyVersions"])  # fmt: skip
    grid = api.samples.grids[0]
    x, y = grant("rollback-x", "grid_worker", grid), grant("rollback-y", "resident", grid)
    pending = (await propose(api, A, addGrants=[x]))["data"]["proposePolicyChange"]
    assert (await api.gql(APPROVE, sub=B, id=pending["id"]))["data"]["approvePolicyChange"]["version"] == start + 1
    assert (await propose(api, A, addGrants=[y]))["data"]["proposePolicyChange"]["version"] == start + 2
    assert (await propose(api, A, removeGrants=[x]))["data"]["proposePolicyChange"]["version"] == start + 3

    to_start = (await api.gql(ROLLBACK, sub=A, v=start))["data"]["rollbackPolicy"]
    assert to_start["status"] == "APPLIED"  # removes y only: narrowing, at once
    assert await roles_of(api, "rollback-x") == [] and await roles_of(api, "rollback-y") == []

    to_x = (await api.gql(ROLLBACK, sub=A, v=start + 1))["data"]["rollbackPolicy"]
    assert to_x["status"] == "PENDING"  # gives x personal data again: the same rule as any change
    assert (await api.gql(APPROVE, sub=B, id=to_x["id"]))["data"]["approvePolicyChange"]["status"] == "APPLIED"
    assert await roles_of(api, "rollback-x") == [{"role": "grid_worker", "jurisdiction": grid}]
    assert await roles_of(api, "rollback-y") == []
    again = await api.gql(ROLLBACK, sub=A, v=start + 1)
    assert refusal(again)[0] == "BAD_USER_INPUT"  # already in that state: nothing to apply
    assert (await propose(api, A, removeGrants=[x]))["data"]["proposePolicyChange"]["status"] == "APPLIED"


async def test_a_grant_expires_exactly(api: Api) -> None:
    """Problem 9: an expired grant worked for up to a minute (capabilities were cached)."""
    grid = api.samples.grids[0]
    person = global_id.encode("Person", api.samples.persons[grid])
    expires = datetime.now(UTC) + timedelta(seconds=3)
    change = [grant("short-lived", "grid_worker", grid, expiresAt=expires.isoformat())]
    pending = (await propose(api, A, addGrants=change))["data"]["proposePolicyChange"]
    assert (await api.gql(APPROVE, sub=B, id=pending["id"]))["data"]["approvePolicyChange"]["status"] == "APPLIED"
    assert "errors" not in await api.gql(NAME, sub="short-lived", id=person)  # compiled and cached now
    await asyncio.sleep(max(0.0, expires.timestamp() - time.time()) + 0.05)
    assert (await api.gql(NAME, sub="short-lived", id=person))["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_expiries_out_of_range_are_bad_input(api: Api) -> None:
    """Problem 9: an `expiresAt` of year 1 gave INTERNAL_SERVER_ERROR."""
    grid = api.samples.grids[0]
    for when in ("0001-01-01T00:00:00+00:00", "9999-12-31T23:59:59", "2001-01-01T00:00:00Z"):
        body = await propose(api, A, addGrants=[grant("expiry-x", "resident", grid, expiresAt=when)])
        assert refusal(body)[0] == "BAD_USER_INPUT", (when, body)
    assert await roles_of(api, "expiry-x") == []


async def test_racing_changes_never_share_a_version(api: Api) -> None:
    """The same change sent twice at once: it applies once, as one version, and the other answers
    CONFLICT (it lost the race for the version) or BAD_USER_INPUT (it came second: the grant exists)."""
    grid = api.samples.grids[1]
    change = [grant("race-subject", "resident", grid)]
    bodies = await asyncio.gather(propose(api, A, addGrants=change), propose(api, A, addGrants=change))
    applied = [b["data"]["proposePolicyChange"]["version"] for b in bodies if "errors" not in b]
    assert len(applied) == 1, bodies
    assert all(refusal(b)[0] in ("CONFLICT", "BAD_USER_INPUT") for b in bodies if "errors" in b)
    assert await roles_of(api, "race-subject") == [{"role": "resident", "jurisdiction": grid}]
