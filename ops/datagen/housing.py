"""Buildings and dwellings (住所) of one grid, placed inside the grid's boundary.

Communities are built up with apartment blocks (单元 × floors × 2 flats per
landing); villages with detached houses, one dwelling each, whose `unit` and
`room` are empty because a rural address is just the house number. Every grid
also gets a few commercial, public and mixed buildings for the organizations
and key places; mixed ones carry flats above the shops. At least 6% of homes
stay empty (more where the last block is large), as real registers show vacant
flats.

Coordinates come from `geometry.point_in` on the grid's own strip, so a
building can never fall outside its grid.
"""

import random
from typing import NamedTuple

from graph_model.rows import BuildingRow, DwellingRow
from ops.datagen import geometry, toponyms
from ops.datagen.layout import GridPlan, VillagePlan

_MARGIN = 0.03  # keeps buildings off the grid's edge, in unit-square terms


class Housing(NamedTuple):
    buildings: list[BuildingRow]
    dwellings: list[DwellingRow]
    homes: list[str]  # dwelling ids in random order: households move into the first ones
    premises: dict[str, list[str]]  # building kind → ids of non-residential buildings


def _floors(rng: random.Random) -> int:
    r = rng.random()
    return 6 if r < 0.4 else rng.randint(7, 11) if r < 0.7 else rng.randint(12, 18)


def build(rng: random.Random, grid: GridPlan, village: VillagePlan, county_name: str) -> Housing:
    code = grid.code
    township = village.township.name
    buildings: list[BuildingRow] = []
    dwellings: list[DwellingRow] = []
    homes: list[str] = []
    premises: dict[str, list[str]] = {"commercial": [], "public": [], "mixed": []}
    urban = village.kind == "community"
    roads = toponyms.road_names(rng, 3) if urban else []

    def add_building(kind: str, address: str) -> str:
        lon, lat = geometry.point_in(grid.strip, rng.uniform(_MARGIN, 1 - _MARGIN), rng.uniform(_MARGIN, 1 - _MARGIN))
        bid = f"bld-{code}-{len(buildings):03d}"
        buildings.append(
            {"id": bid, "address": address, "kind": kind, "lat": lat, "lon": lon, "grid": code, "scope": code}
        )
        return bid

    def add_flats(bid: str, units: int, floors: int, first_floor: int = 1) -> None:
        for u in range(1, units + 1):
            for f in range(first_floor, floors + 1):
                for k in (1, 2):
                    did = f"dwl-{code}-{len(dwellings):04d}"
                    dwellings.append({"id": did, "unit": f"{u}单元", "room": f"{f}{k:02d}", "building": bid,
                                      "scope": code})  # fmt: skip
                    homes.append(did)

    def address(n: int) -> str:
        if urban:
            return f"{county_name}{township}{roads[n % len(roads)]}{n + 1}号"
        return f"{county_name}{township}{village.name}{n + 1}号"

    shops = rng.randint(2, 5) if urban else rng.randint(1, 2)
    for kind, count in (("commercial", shops), ("public", rng.randint(1, 2)), ("mixed", rng.randint(1, 3))):
        for _ in range(count):
            bid = add_building(kind, address(len(buildings)))
            premises[kind].append(bid)
            if kind == "mixed":
                add_flats(bid, 1, rng.randint(3, 6), first_floor=2)
    needed = round(grid.households * rng.uniform(1.06, 1.08))
    while len(homes) < needed:
        if urban:
            bid = add_building("residential", address(len(buildings)))
            add_flats(bid, rng.randint(1, 4), _floors(rng))
        else:
            bid = add_building("residential", address(len(buildings)))
            did = f"dwl-{code}-{len(dwellings):04d}"
            dwellings.append({"id": did, "unit": "", "room": "", "building": bid, "scope": code})
            homes.append(did)
    rng.shuffle(homes)
    return Housing(buildings, dwellings, homes, premises)
