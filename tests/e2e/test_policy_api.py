"""Policy management over GraphQL, as security officers use it, and what it refuses."""

from typing import Any

from api import global_id
from tests.e2e.conftest import Api

OFFICER, SECOND = "security-3308-1", "security-3308-2"
PROPOSE = "mutation($c: PolicyChangeInput!) { proposePolicyChange(change: $c) { id version status author addGrants { subject } } }"
VERSIONS = "{ policyVersions(first: 100) { id version status reason } }"
APPROVE = "mutation($id: ID!) { approvePolicyChange(id: $id) { status version approvedBy } }"


async def versions(api: Api) -> list[dict[str, Any]]:
    return (await api.gql(VERSIONS, sub=OFFICER))["data"]["policyVersions"]


def grant(subject: str, role: str, jurisdiction: str, **extra: Any) -> dict[str, Any]:
    return {"subject": subject, "role": role, "jurisdiction": jurisdiction, **extra}


async def test_explain_access_names_the_rules(api: Api) -> None:
    query = "query($s: String!, $c: String!, $a: String!, $j: String!) { explainAccess(subject: $s, dataClass: $c, action: $a, jurisdiction: $j) { allowed rules { role dataClass action effect } } }"
    chief = f"staff-{api.samples.grids[0]}-chief"
    allowed = (await api.gql(query, sub=OFFICER, s=chief, c="person.identity", a="read", j=api.samples.grids[0]))[
        "data"
    ]
    assert allowed["explainAccess"] == {
        "allowed": True,
        "rules": [{"role": "grid_chief", "dataClass": "person.identity", "action": "read", "effect": "allow"}],
    }
    elsewhere = (await api.gql(query, sub=OFFICER, s=chief, c="person.identity", a="read", j=api.samples.grids[2]))[
        "data"
    ]
    assert elsewhere["explainAccess"] == {"allowed": False, "rules": []}
    denied = (await api.gql(query, sub=OFFICER, s=OFFICER, c="person.basic", a="read", j="330802"))["data"]
    assert denied["explainAccess"]["allowed"] is False
    assert {"role": "security_officer", "dataClass": "person.basic", "action": "read", "effect": "deny"} in denied[
        "explainAccess"
    ]["rules"]


async def test_grant_waits_for_a_second_officer_and_rollback_undoes_it(api: Api) -> None:
    grid = api.samples.grids[0]
    person = global_id.encode("Person", api.samples.persons[grid])
    newcomer = "new-worker-e2e"
    before = await versions(api)
    assert (await api.gql("query($id: ID!) { person(id: $id) { name } }", sub=newcomer, id=person))["errors"]
    change = {"reason": "new 专职网格员 for G1", "addGrants": [grant(newcomer, "grid_worker", grid)]}
    proposed = (await api.gql(PROPOSE, sub=OFFICER, c=change))["data"]["proposePolicyChange"]
    assert proposed["status"] == "PENDING" and proposed["author"] == OFFICER
    applied = (await api.gql(APPROVE, sub=SECOND, id=proposed["id"]))["data"]["approvePolicyChange"]
    assert applied["status"] == "APPLIED" and applied["approvedBy"] == SECOND
    assert applied["version"] == max(v["version"] or 0 for v in before) + 1
    read = await api.gql("query($id: ID!) { person(id: $id) { name } }", sub=newcomer, id=person)
    assert "errors" not in read and read["data"]["person"]["name"]

    rollback = 'mutation($v: Int!) { rollbackPolicy(version: $v, reason: "undo e2e grant") { version status reason } }'
    undone = (await api.gql(rollback, sub=OFFICER, v=applied["version"] - 1))["data"]["rollbackPolicy"]
    assert undone["status"] == "APPLIED" and undone["version"] == applied["version"] + 1  # narrowing: at once
    again = await api.gql("query($id: ID!) { person(id: $id) { name } }", sub=newcomer, id=person)
    assert again["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_refused_changes_change_nothing(api: Api) -> None:
    grid = api.samples.grids[0]
    refused = {
        "unknown role": {"addGrants": [grant("x1", "mayor", grid)]},
        "unknown class": {"addRules": [{"role": "grid_worker", "dataClass": "person.dna", "action": "read"}]},
        "unknown action": {"addRules": [{"role": "grid_worker", "dataClass": "person.basic", "action": "sell"}]},
        "unknown jurisdiction": {"addGrants": [grant("x2", "grid_worker", "330899999")]},
        "missing department": {"addGrants": [grant("x3", "department_officer", "330802")]},
        "removes manage_policy": {
            "removeRules": [{"role": "security_officer", "dataClass": "policy", "action": "manage_policy"}]
        },
        "denies manage_policy": {
            "addRules": [
                {"role": "security_officer", "dataClass": "policy", "action": "manage_policy", "effect": "deny"}
            ]
        },
        "removes every officer": {
            "removeGrants": [grant(OFFICER, "security_officer", "3308"), grant(SECOND, "security_officer", "3308")]
        },
        "no such rule": {"removeRules": [{"role": "resident", "dataClass": "person.basic", "action": "read"}]},
    }
    before = await versions(api)
    for name, change in refused.items():
        body = await api.gql(PROPOSE, sub=OFFICER, c={"reason": name, **change})
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", (name, body)
    self_grant = await api.gql(
        PROPOSE, sub=OFFICER, c={"reason": "me", "addGrants": [grant(OFFICER, "auditor", "330802")]}
    )
    assert self_grant["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert "themselves" in self_grant["errors"][0]["message"]
    assert await versions(api) == before


async def test_city_wide_grant_needs_a_second_officer(api: Api) -> None:
    change = {
        "reason": "city-wide 公安 liaison",
        "addGrants": [grant("liaison-e2e", "department_officer", "3308", department="3308-gongan")],
    }
    proposed = (await api.gql(PROPOSE, sub=OFFICER, c=change))["data"]["proposePolicyChange"]
    assert proposed["status"] == "PENDING" and proposed["version"] is None
    own = await api.gql(APPROVE, sub=OFFICER, id=proposed["id"])
    assert own["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    grants = "query($s: String!) { roleGrants(subject: $s) { role jurisdiction } }"
    assert (await api.gql(grants, sub=OFFICER, s="liaison-e2e"))["data"]["roleGrants"] == []
    approved = (await api.gql(APPROVE, sub=SECOND, id=proposed["id"]))["data"]["approvePolicyChange"]
    assert approved["status"] == "APPLIED" and approved["approvedBy"] == SECOND
    assert (await api.gql(grants, sub=OFFICER, s="liaison-e2e"))["data"]["roleGrants"] == [
        {"role": "department_officer", "jurisdiction": "3308"}
    ]
    twice = await api.gql(APPROVE, sub=SECOND, id=proposed["id"])
    assert twice["errors"][0]["extensions"]["code"] == "CONFLICT"
    removal = {
        "reason": "liaison ended",
        "removeGrants": [grant("liaison-e2e", "department_officer", "3308", department="3308-gongan")],
    }
    assert (await api.gql(PROPOSE, sub=SECOND, c=removal))["data"]["proposePolicyChange"]["status"] == "APPLIED"


async def test_dry_run_shows_who_gains_and_applies_nothing(api: Api) -> None:
    dry = "mutation($c: PolicyChangeInput!) { dryRunPolicyChange(change: $c) { needsApproval approvalReasons subjectsChecked problems changes { subject dataClass action gained lost } } }"
    change = {
        "reason": "let part-timers see special groups",
        "addRules": [{"role": "grid_part_time", "dataClass": "person.sensitive", "action": "read"}],
    }
    before = await versions(api)
    result = (await api.gql(dry, sub=OFFICER, c=change))["data"]["dryRunPolicyChange"]
    part_timers = {f"staff-{g}-part1" for g in api.samples.grids}
    gained = {c["subject"] for c in result["changes"] if c["dataClass"] == "person.sensitive" and c["gained"]}
    assert part_timers <= gained and result["problems"] == [] and result["needsApproval"] is True
    assert result["approvalReasons"] == ["every grid_part_time gains person.sensitive read in 3308"]
    assert all(c["lost"] == [] for c in result["changes"])
    assert await versions(api) == before
    lockout = {
        "reason": "oops",
        "removeRules": [{"role": "security_officer", "dataClass": "policy", "action": "manage_policy"}],
    }
    problems = (await api.gql(dry, sub=OFFICER, c=lockout))["data"]["dryRunPolicyChange"]["problems"]
    assert problems and "security officer" in problems[0]
