"""The gate sees what execution sees: variables coerced with their defaults, conditions and ids alike.

Regression cases of the trust issue: a variable's default value used to reach the resolver
while the gate, reading the raw request variables, saw nothing (so `node(id)` asked for no
entry class); aliases chosen by the client must not reach the audit trail. Both backends.
"""

from typing import Any

from api import global_id
from tests.e2e.conftest import Api
from tests.e2e.test_audit_trail import records

ENFORCEMENT = "officer-330802-zonghezhifa"  # buildings and organizations, no household, no person
VETERANS = "officer-330802-tuiyijunren"  # persons, but no household
PURPOSE = "reason:safety-check"


def household(api: Api) -> str:
    return global_id.encode("Household", api.samples.households[api.samples.grids[0]])


def person(api: Api) -> str:
    return global_id.encode("Person", api.samples.persons[api.samples.grids[0]])


def refused(body: dict[str, Any]) -> list[str]:
    assert body["data"] is None, body
    assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"], body
    paths: list[str] = body["errors"][0]["extensions"]["paths"]
    return paths


async def test_a_default_id_asks_for_the_entry_class_of_its_type(api: Api) -> None:
    """The exact attack of the issue: the household's entry class is named, not only the fields below it."""
    query = 'query($i: ID! = "HID") { node(id: $i) { ...on Household { members { idNumber } } } }'
    query = query.replace("HID", household(api))
    assert "node" in refused(await api.gql(query, sub=ENFORCEMENT, purpose=PURPOSE))


async def test_a_default_id_cannot_read_a_household_without_household_rights(api: Api) -> None:
    """退役军人 reads persons but not households: with the id as a default, members of a household used to leak."""
    selection = "{ node(id: HID) { id ...on Household { members { name } } } }"
    for query in ("query($i: ID! = HID) " + selection.replace("HID", "$i"), selection):  # as a default, as a literal
        body = await api.gql(query.replace("HID", f'"{household(api)}"'), sub=VETERANS, purpose=PURPOSE)
        assert refused(body) == ["node"]


async def test_a_passed_id_overrides_its_default(api: Api) -> None:
    """The default names a person (allowed), the request a household (refused): the gate follows the request."""
    query = "query($i: ID! = %s) { node(id: $i) { id } }"
    body = await api.gql(query % f'"{person(api)}"', sub=VETERANS, purpose=PURPOSE, i=household(api))
    assert refused(body) == ["node"]
    allowed = await api.gql(query % f'"{household(api)}"', sub=VETERANS, purpose=PURPOSE, i=person(api))
    assert allowed["data"]["node"]["id"] == person(api), allowed


async def test_skip_and_include_read_their_defaults(api: Api) -> None:
    """A part-time worker may not read tags: a field skipped by a default is not asked, one included by it is."""
    part_time = f"staff-{api.samples.grids[0]}-part1"
    skip = "query($id: ID!, $hide: Boolean = true) { person(id: $id) { name tags @skip(if: $hide) } }"
    body = await api.gql(skip, sub=part_time, id=person(api))
    assert "errors" not in body and body["data"]["person"]["name"], body
    assert refused(await api.gql(skip, sub=part_time, id=person(api), hide=False)) == ["person.tags"]
    include = (
        "query($id: ID!, $show: Boolean = true) { person(id: $id) { name ...on Person @include(if: $show) { tags } } }"
    )
    assert refused(await api.gql(include, sub=part_time, id=person(api))) == ["person.tags"]
    body = await api.gql(include, sub=part_time, id=person(api), show=False)
    assert "errors" not in body and "tags" not in body["data"]["person"], body


async def test_variables_that_do_not_coerce_are_refused_before_any_read(api: Api) -> None:
    subject = f"staff-{api.samples.grids[0]}-chief"
    await api.gql("{ divisions { code } }", sub=subject)  # caches the caller's grants
    api.store.sent.clear()
    body = await api.gql("query($n: Int!) { persons(first: $n) { nodes { id } } }", sub=subject, n="many")
    assert [e["extensions"]["code"] for e in body["errors"]] == ["BAD_USER_INPUT"] and body["data"] is None
    assert api.store.graph_reads() == []


async def test_aliases_reach_the_client_but_not_the_audit_trail(api: Api) -> None:
    """An alias is text the client chose: the error names it back, the audit record keeps field names."""
    part_time = f"staff-{api.samples.grids[0]}-part1"
    query = "query AliasProbe($id: ID!) { zhangsan_330802199001011234: person(id: $id) { secret: tags } }"
    assert refused(await api.gql(query, sub=part_time, id=person(api))) == ["zhangsan_330802199001011234.secret"]
    record = next(r for r in await records(api, subject=part_time) if r["operationName"] == "AliasProbe")
    assert record["deniedPaths"] == ["person.tags"]
