"""Per-grid counts are a class of their own (grid.stats), and introspection needs a grant.

A valid token is not a right: a subject with no grant, or a resident, gets no counts at all;
a grid chief gets them for the grids of its jurisdiction and null for any other grid; the
schema is described only to callers who hold at least one grant. Both backends.
"""

from typing import Any

from api import global_id
from tests.e2e.conftest import Api

COUNTS = "query($g: ID!) { grid(id: $g) { code householdCount personCount } }"
VILLAGE = "query($v: String!) { division(code: $v) { grids { code householdCount personCount } } }"
STRANGER = "nobody-at-all"


def grid_id(api: Api, i: int) -> str:
    return global_id.encode("Grid", api.samples.grids[i])


def refused(body: dict[str, Any]) -> list[str]:
    assert body["data"] is None and [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"], body
    paths: list[str] = body["errors"][0]["extensions"]["paths"]
    return paths


async def test_counts_are_refused_without_grid_stats(api: Api) -> None:
    resident = f"resident-{api.samples.grids[0]}-1"
    for subject in (STRANGER, resident, "auditor-3308", "officer-330802-zonghezhifa"):
        paths = refused(await api.gql(COUNTS, sub=subject, g=grid_id(api, 0)))
        assert {"grid.householdCount", "grid.personCount"} <= set(paths), subject
    directory = await api.gql("query($g: ID!) { grid(id: $g) { code name } }", sub=resident, g=grid_id(api, 0))
    assert directory["data"]["grid"]["code"] == api.samples.grids[0]


async def test_a_chief_counts_its_own_grid_only(api: Api) -> None:
    own, neighbour = api.samples.grids[0], api.samples.grids[1]
    chief = f"staff-{own}-chief"
    body = await api.gql(VILLAGE, sub=chief, v=own[:12])
    assert "errors" not in body, body
    counts = {g["code"]: (g["householdCount"], g["personCount"]) for g in body["data"]["division"]["grids"]}
    households, persons = counts[own]
    assert households is not None and persons is not None and 0 < households <= persons
    assert counts[neighbour] == (None, None)
    reader = await api.gql(VILLAGE, v=own[:12])  # 网格长 rights over the whole city
    assert {g["code"]: (g["householdCount"], g["personCount"]) for g in reader["data"]["division"]["grids"]}[
        own
    ] == counts[own]


async def test_a_department_counts_its_county_only(api: Api) -> None:
    officer = "officer-330802-minzheng"
    inside = await api.gql(COUNTS, sub=officer, g=grid_id(api, 0))
    assert inside["data"]["grid"]["personCount"] > 0, inside
    outside = await api.gql(COUNTS, sub=officer, g=grid_id(api, 2))  # 衢江区
    assert outside["data"]["grid"] == {"code": api.samples.grids[2], "householdCount": None, "personCount": None}


async def test_introspection_needs_a_grant(api: Api) -> None:
    for query, path in (
        ("{ __schema { queryType { name } } }", "__schema"),
        ('{ t: __type(name: "Person") { fields { name } } }', "t"),
        ("query Q { ...Schema } fragment Schema on Query { __schema { types { name } } }", "__schema"),
    ):
        assert refused(await api.gql(query, sub=STRANGER)) == [path]
    assert (await api.gql("{ __typename }", sub=STRANGER))["data"] == {"__typename": "Query"}
    resident = f"resident-{api.samples.grids[0]}-1"
    described = await api.gql('{ __type(name: "Person") { fields { name description } } }', sub=resident)
    fields = {f["name"]: f["description"] for f in described["data"]["__type"]["fields"]}
    assert "[person.sensitive, L4]" in fields["tags"]
