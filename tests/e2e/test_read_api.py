"""The read API over HTTP, on both backends: the names other parts rely on, and their answers."""

import pytest

from api import global_id
from tests.e2e.conftest import Api

GRID_PAGE = """
query GridPage($id: ID!, $first: Int, $after: String) {
  grid(id: $id) {
    id code name householdCount personCount
    village { code level }
    staff { name role }
    keyPlaces { id name risk }
    households(first: $first, after: $after) {
      pageInfo { hasNextPage endCursor }
      edges { cursor node { id kind members { id name gender birthDate idNumber phone tags
        household { id } grid { id code name } } } }
    }
  }
}
"""


async def test_person_with_household_and_grid(api: Api) -> None:
    person_id = global_id.encode("Person", api.samples.person)
    body = await api.gql(
        "query($id: ID!) { person(id: $id) { id name gender birthDate idNumber phone tags "
        "household { id members { id } dwelling { unit room building { address } } } grid { id code name } } }",
        id=person_id,
    )
    person = body["data"]["person"]
    assert "errors" not in body
    assert person["id"] == person_id
    assert len(person["idNumber"]) == 18 and person["idNumber"][:6] == api.samples.grids[0][:6]
    assert person["idNumber"][6:14] == person["birthDate"].replace("-", "")
    assert person_id in {m["id"] for m in person["household"]["members"]}
    assert person["grid"]["code"] == api.samples.grids[0]


async def test_grid_page_paginates_without_overlap(api: Api) -> None:
    grid_id = global_id.encode("Grid", api.samples.grids[0])
    first = (await api.gql(GRID_PAGE, id=grid_id, first=50))["data"]["grid"]
    assert 300 <= first["householdCount"] <= 500
    assert {s["role"] for s in first["staff"]} >= {
        "GRID_CHIEF",
        "GRID_WORKER",
        "GRID_PART_TIME",
        "GRID_INSTRUCTOR",
    }
    page = first["households"]
    assert len(page["edges"]) == 50 and page["pageInfo"]["hasNextPage"]
    second = (await api.gql(GRID_PAGE, id=grid_id, first=50, after=page["pageInfo"]["endCursor"]))["data"]["grid"]
    ids_1 = [e["node"]["id"] for e in page["edges"]]
    ids_2 = [e["node"]["id"] for e in second["households"]["edges"]]
    assert not set(ids_1) & set(ids_2)
    members = [m for e in page["edges"] for m in e["node"]["members"]]
    assert members and all(m["grid"]["code"] == first["code"] for m in members)


async def test_grid_page_round_trips_do_not_grow_with_page_size(api: Api) -> None:
    """The whole page (grid, counts, staff, key places, village, households, members, their households and
    grids) is one compiled statement, plus the audit record's append: 2; plus one read of the caller's
    grants when the policy cache is cold."""
    grid_id = global_id.encode("Grid", api.samples.grids[0])
    await api.gql(GRID_PAGE, id=grid_id, first=1)
    assert api.store.sent.count("GET_ACTIVE_GRANTS_BY_SUBJECT") == 1
    counts = {}
    for first in (5, 50):
        api.store.sent.clear()
        body = await api.gql(GRID_PAGE, id=grid_id, first=first)
        assert len(body["data"]["grid"]["households"]["edges"]) == first
        counts[first] = list(api.store.sent)
    assert counts[5] == counts[50]
    assert len(counts[50]) == 2 and counts[50][0].startswith("COMPILED_GRID_BY_KEY_"), counts[50]
    assert counts[50][1] == "APPEND_AUDIT_RECORDS"


async def test_division_tree(api: Api) -> None:
    body = await api.gql("{ divisions { code name level children { code name level } } }")
    city = body["data"]["divisions"][0]
    assert city["code"] == "3308" and city["level"] == "city"
    assert {c["code"] for c in city["children"]} == {
        "330802",
        "330803",
        "330822",
        "330824",
        "330825",
        "330881",
    }
    village = api.samples.grids[0][:12]
    body = await api.gql(
        "query($c: String!) { division(code: $c) { level grids { code } parent { level } } }", c=village
    )
    assert body["data"]["division"]["level"] == "village"
    assert api.samples.grids[0] in {g["code"] for g in body["data"]["division"]["grids"]}


async def test_persons_filters_and_pagination(api: Api) -> None:
    query = "query($f: PersonFilter, $after: String) { persons(first: 100, after: $after, filter: $f) { pageInfo { hasNextPage endCursor } nodes { id birthDate tags grid { code } name } } }"
    grid_id = global_id.encode("Grid", api.samples.grids[0])
    seen: list[str] = []
    after = None
    while True:
        page = (await api.gql(query, f={"grid": grid_id}, after=after))["data"]["persons"]
        assert all(p["grid"]["code"] == api.samples.grids[0] for p in page["nodes"])
        seen += [p["id"] for p in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    grid = (await api.gql("query($id: ID!) { grid(id: $id) { personCount } }", id=grid_id))["data"]["grid"]
    assert len(seen) == len(set(seen)) == grid["personCount"]
    elderly = (await api.gql(query, f={"division": "330802", "ageMin": 80}))["data"]["persons"]["nodes"]
    assert elderly and all(p["birthDate"] <= "1946-12-31" for p in elderly)
    surname = elderly[0]["name"][0]
    named = (await api.gql(query, f={"namePrefix": surname}))["data"]["persons"]["nodes"]
    assert named and all(p["name"].startswith(surname) for p in named)


async def test_households_organizations_key_places_departments(api: Api) -> None:
    body = await api.gql(
        '{ households(first: 3, filter: {division: "330803"}) { nodes { grid { code } members { id } } } '
        "organizations(first: 5) { nodes { id name uscc building { id address grid { code } } } } "
        'keyPlaces(first: 5, filter: {division: "3308"}) { nodes { id name kind risk grid { code } } } '
        'departments(division: "330802") { code name divisionCode } }'
    )
    data = body["data"]
    assert "errors" not in body
    assert all(h["grid"]["code"].startswith("330803") for h in data["households"]["nodes"])
    assert all(len(o["uscc"]) == 18 for o in data["organizations"]["nodes"])
    assert data["keyPlaces"]["nodes"]
    assert {d["divisionCode"] for d in data["departments"]} == {"330802"} and len(data["departments"]) >= 10


@pytest.mark.parametrize(
    "type_name", ["Person", "Household", "Grid", "Building", "Organization", "KeyPlace", "Division"]
)
async def test_node_resolves_every_type(api: Api, type_name: str) -> None:
    raw = {
        "Person": api.samples.person, "Household": api.samples.household, "Grid": api.samples.grids[0],
        "Building": api.samples.building, "Organization": api.samples.organization,
        "KeyPlace": api.samples.key_place, "Division": "330802",
    }[type_name]  # fmt: skip
    node_id = global_id.encode(type_name, raw)
    body = await api.gql("query($id: ID!) { node(id: $id) { __typename id } }", id=node_id)
    assert body["data"]["node"] == {"__typename": type_name, "id": node_id}


async def test_missing_ids_answer_not_found(api: Api) -> None:
    for query, type_name in (
        ("person", "Person"),
        ("household", "Household"),
        ("grid", "Grid"),
        ("building", "Building"),
    ):
        body = await api.gql(f"query($id: ID!) {{ {query}(id: $id) {{ id }} }}", id=global_id.encode(type_name, "nope"))
        assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    body = await api.gql("query($id: ID!) { node(id: $id) { id } }", id=global_id.encode("Person", "nope"))
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
