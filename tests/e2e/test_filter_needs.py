"""Filters are classified like the data they test: a filter needs its class unmasked.

Tags tell who is disabled, low-income or a veteran; a name prefix or an age bound recovers
masked names and birth dates one probe at a time. So each needs `read` (not `read_masked`)
of its class where the rows are, L4 ones a purpose too, and the audit record lists them.
Both backends; the masked-names role is test-only, added for the test and removed after it.
"""

from collections.abc import AsyncIterator
from typing import Any

import pytest

from api import global_id
from authz.changes import ChangeSet
from authz.grants import Grant
from authz.policy_store import PolicyStore
from authz.rules import Rule
from tests.e2e.conftest import Api
from tests.e2e.test_audit_trail import records

PURPOSE = "reason:safety-check"
TAGGED = ["disabled", "low_income", "veteran", "mental_health", "elderly_alone", "left_behind_child"]
BY_TAGS = "query TagFilter($t: [String!]) { persons(first: 100, filter: {tags: $t}) { nodes { id } } }"
TAGS_OF_TAGGED = "query($t: [String!]) { persons(first: 100, filter: {tags: $t}) { nodes { tags } } }"
PROBE = "query Probe($f: PersonFilter) { p: persons(first: 100, filter: $f) { nodes { name grid { code } } } }"
NAMES_MASKED = Rule("e2e_names_masked", "person.basic", "read_masked", "allow")
GRIDS = Rule(NAMES_MASKED.role, "grid", "read", "allow")
MASKED_READER, MIXED_READER = "e2e-names-masked", "e2e-names-mixed"


def staff(api: Api, suffix: str) -> str:
    return f"staff-{api.samples.grids[0]}-{suffix}"


def refused(body: dict[str, Any]) -> list[str]:
    assert body["data"] is None and [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"], body
    paths: list[str] = body["errors"][0]["extensions"]["paths"]
    return paths


@pytest.fixture
async def masked_names(api: Api, store: Any) -> AsyncIterator[None]:
    """One subject reads names masked in grid B only; another reads them raw in grid A and masked in grid B."""
    a, b = api.samples.grids[0], api.samples.grids[1]
    rules = (NAMES_MASKED, GRIDS)
    grants = (
        Grant(MASKED_READER, NAMES_MASKED.role, b),
        Grant(MIXED_READER, "grid_chief", a),
        Grant(MIXED_READER, NAMES_MASKED.role, b),
    )
    policy = PolicyStore(store)
    added = ChangeSet(add_rules=rules, add_grants=grants)
    await policy.apply(added, await policy.version(), "e2e-fixture", "masked names for the filter tests")
    await api.policy.refresh()
    yield
    removed = ChangeSet(remove_rules=rules, remove_grants=grants)
    await policy.apply(removed, await policy.version(), "e2e-fixture", "undo masked names")
    await api.policy.refresh()


async def test_tags_need_unmasked_tags(api: Api) -> None:
    """指导员 reads tags masked (null) and 兼职 not at all: neither may filter by them, however spelled."""
    for suffix in ("instructor", "part1"):
        body = await api.gql(BY_TAGS, sub=staff(api, suffix), purpose=PURPOSE, t=["veteran"])
        assert refused(body) == ["persons(filter.tags)"]
    aliased = await api.gql(PROBE, sub=staff(api, "part1"), f={"tags": ["disabled"]})
    assert refused(aliased) == ["p(filter.tags)"]
    literal = '{ persons(filter: {grid: null, tags: ["disabled"]}) { nodes { id } } }'
    assert refused(await api.gql(literal, sub=staff(api, "instructor"))) == ["persons(filter.tags)"]


async def test_tags_are_served_to_raw_readers_with_a_purpose(api: Api) -> None:
    worker = staff(api, "worker")
    body = await api.gql(TAGS_OF_TAGGED, sub=worker, purpose=PURPOSE, t=TAGGED)
    assert "errors" not in body, body
    nodes = body["data"]["persons"]["nodes"]
    assert nodes and all(set(n["tags"]) & set(TAGGED) for n in nodes)
    without = await api.gql(BY_TAGS, sub=worker, purpose=None, t=TAGGED)  # no tag is shown, yet tags are tested
    assert without["errors"][0]["extensions"]["missing"] == "purpose"
    assert without["errors"][0]["extensions"]["dataClasses"] == ["person.sensitive"]


async def test_the_audit_record_lists_the_filter_classes(api: Api) -> None:
    worker, instructor = staff(api, "worker"), staff(api, "instructor")
    await api.gql(BY_TAGS, sub=worker, purpose=PURPOSE, t=["veteran"])
    await api.gql(BY_TAGS, sub=instructor, purpose=PURPOSE, t=["veteran"])
    allowed = next(r for r in await records(api, subject=worker) if r["operationName"] == "TagFilter")
    assert allowed["decision"] == "allow" and "person.sensitive" in allowed["dataClasses"] and "L4" in allowed["levels"]
    assert "grid_worker|person.sensitive|read|allow" in allowed["decidingRules"]
    denied = next(r for r in await records(api, subject=instructor) if r["operationName"] == "TagFilter")
    assert denied["decision"] == "deny" and denied["deniedPaths"] == ["persons(filter.tags)"]
    assert "person.sensitive" in denied["dataClasses"]


async def test_name_and_age_filters_are_named_when_persons_are_not_readable(api: Api) -> None:
    enforcement = "officer-330802-zonghezhifa"
    body = await api.gql(PROBE, sub=enforcement, f={"namePrefix": "张", "ageMin": 60})
    assert {"p", "p(filter.namePrefix)", "p(filter.ageMin)"} <= set(refused(body))


async def test_masked_names_cannot_be_probed(api: Api, masked_names: None) -> None:
    """Names come masked: listing is allowed, a name prefix or an age bound would unmask them, so it is not."""
    listing = await api.gql(PROBE, sub=MASKED_READER, f=None)
    assert "errors" not in listing, listing
    assert listing["data"]["p"]["nodes"] and all("*" in n["name"] for n in listing["data"]["p"]["nodes"])
    for probe, path in (({"namePrefix": "张"}, "p(filter.namePrefix)"), ({"ageMax": 30}, "p(filter.ageMax)")):
        assert refused(await api.gql(PROBE, sub=MASKED_READER, f=probe)) == [path]


async def test_a_filter_runs_only_where_its_values_are_raw(api: Api, masked_names: None) -> None:
    """Raw names in grid A, masked in grid B: the same prefix lists A's matches and never B's."""
    a, b = api.samples.grids[0], api.samples.grids[1]
    b_person = global_id.encode("Person", api.samples.persons[b])
    real = (await api.gql("query($id: ID!) { person(id: $id) { name } }", id=b_person))["data"]["person"]["name"]
    listing = await api.gql(PROBE, sub=MIXED_READER, f=None)
    assert {n["grid"]["code"] for n in listing["data"]["p"]["nodes"]} >= {a}
    everyone = await api.gql(PROBE, sub=MIXED_READER, f={"grid": global_id.encode("Grid", b)})
    assert everyone["data"]["p"]["nodes"] and all("*" in n["name"] for n in everyone["data"]["p"]["nodes"])
    for probe in ({"namePrefix": real[0]}, {"namePrefix": real}, {"ageMin": 0}):
        found = await api.gql(PROBE, sub=MIXED_READER, f=probe)
        assert "errors" not in found, found
        assert {n["grid"]["code"] for n in found["data"]["p"]["nodes"]} <= {a}
        in_b = await api.gql(PROBE, sub=MIXED_READER, f={**probe, "grid": global_id.encode("Grid", b)})
        assert in_b["data"]["p"]["nodes"] == []


async def test_other_filters_need_their_class(api: Api) -> None:
    """Organization and key place filters test organization and key place values; a resident holds neither."""
    resident = f"resident-{api.samples.grids[0]}-1"
    organizations = '{ organizations(filter: {namePrefix: "衢州", kind: "company"}) { nodes { id } } }'
    assert {"organizations(filter.namePrefix)", "organizations(filter.kind)"} <= set(
        refused(await api.gql(organizations, sub=resident))
    )
    places = '{ keyPlaces(filter: {risk: "high"}) { nodes { risk } } }'
    assert "keyPlaces(filter.risk)" in refused(await api.gql(places, sub=resident))
    served = await api.gql(places, sub=staff(api, "chief"))
    assert "errors" not in served and all(n["risk"] == "high" for n in served["data"]["keyPlaces"]["nodes"])
