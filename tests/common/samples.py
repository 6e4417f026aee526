"""Real ids picked from the seeded `tiny` graph, so tests never hard-code generated values."""

from dataclasses import dataclass

from graph_model.cypher.grid import GET_ALL_GRID_CODES, GET_BUILDING_PAGES_BY_GRIDS, GET_HOUSEHOLD_PAGES_BY_GRIDS
from graph_model.cypher.person import GET_PERSONS_BY_HOUSEHOLDS
from graph_model.cypher.place import LIST_KEY_PLACES, LIST_ORGANIZATIONS
from graph_model.store import GraphStore


@dataclass(frozen=True)
class Samples:
    grids: list[str]  # every grid of tiny, in code order: two in one 柯城区 village, one in 衢江区
    household: str  # first household of the first grid
    dwelling: str
    person: str  # first member of that household
    building: str
    organization: str
    organization_building: str
    key_place: str
    persons: dict[str, str]  # grid code → one person living there
    households: dict[str, str]  # grid code → one household there


# At `city` scale (1,948 grids) one statement over every grid outlasts the store's 10 s timeout.
SAMPLED_GRIDS_PER_STATEMENT = 100


async def pick_samples(store: GraphStore) -> Samples:
    grids = [r["code"] for r in await store.read(GET_ALL_GRID_CODES)]
    everything = {"grids": grids, "after": "", "limit": 1}
    first_page = {"keys": [{"grid": grids[0], "after": "", "limit": 1}], "grids": grids}
    household = (await store.read(GET_HOUSEHOLD_PAGES_BY_GRIDS, first_page))[0]["rows"][0]
    building = (await store.read(GET_BUILDING_PAGES_BY_GRIDS, first_page))[0]["rows"][0]
    pages = []
    for start in range(0, len(grids), SAMPLED_GRIDS_PER_STATEMENT):
        keys = [{"grid": g, "after": "", "limit": 1} for g in grids[start : start + SAMPLED_GRIDS_PER_STATEMENT]]
        pages += await store.read(GET_HOUSEHOLD_PAGES_BY_GRIDS, {"keys": keys, "grids": grids})
    households = {page["grid"]: page["rows"][0]["id"] for page in pages}
    residents = await store.read(GET_PERSONS_BY_HOUSEHOLDS, {"ids": list(households.values()), "grids": grids})
    persons = {}
    for row in residents:
        persons.setdefault(row["grid"], row["id"])
    members = [r for r in residents if r["household"] == household["id"]]
    organization = (await store.read(LIST_ORGANIZATIONS, {**everything, "kind": None, "name_prefix": None}))[0]
    key_place = (await store.read(LIST_KEY_PLACES, {**everything, "kind": None, "risk": None}))[0]
    return Samples(
        grids=grids,
        household=household["id"],
        dwelling=household["dwelling"],
        person=members[0]["id"],
        building=building["id"],
        organization=organization["id"],
        organization_building=organization["building"],
        key_place=key_place["id"],
        persons=persons,
        households=households,
    )
