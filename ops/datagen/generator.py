"""Orchestration: turn a planned layout into a stream of `Dataset` chunks.

Ordering guarantee (what an ingester may rely on): every reference in a row —
parent division, village, grid, building, dwelling, household, staff,
department, and a grant's jurisdiction — names a row yielded in an earlier
chunk, or under an earlier key of the same chunk in `Dataset` order. Never a
row of the same list: a division's parent always comes in an earlier chunk,
which is why the city, the counties and each township get chunks of their own
before the village chunks below them.

Each village chunk draws from its own `random.Random` seeded by (seed, village
code), so it depends on nothing generated before it; only the layout, planned
once up front, is shared. Memory therefore stays at one village's rows however
large the scale.
"""

import random
from collections.abc import Iterator

from graph_model.rows import Dataset
from ops.datagen import geometry, housing, layout, organizations, population, staff
from ops.datagen.divisions import CITY_CODE, CITY_NAME, COUNTIES
from ops.datagen.scales import SCALES


def empty_chunk() -> Dataset:
    return Dataset(
        divisions=[], grids=[], buildings=[], dwellings=[], households=[], persons=[], organizations=[],
        key_places=[], departments=[], staff=[], serves=[], works_for=[], grants=[], accounts=[],
    )  # fmt: skip


def _city_chunk() -> Dataset:
    chunk = empty_chunk()
    chunk["divisions"].append({"code": CITY_CODE, "name": CITY_NAME, "level": "city", "parent": None})
    chunk["grants"].extend(staff.city_officials())
    return chunk


def _counties_chunk(seed: int) -> Dataset:
    chunk = empty_chunk()
    rng = random.Random(f"{seed}/counties")
    for county in COUNTIES:
        chunk["divisions"].append({"code": county.code, "name": county.name, "level": "county", "parent": CITY_CODE})
        depts, officers, works, grants = staff.departments(rng, county)
        chunk["departments"].extend(depts)
        chunk["staff"].extend(officers)
        chunk["works_for"].extend(works)
        chunk["grants"].append(staff.centre_operator(county.code))
        chunk["grants"].extend(grants)
    return chunk


def _township_chunk(plan: layout.TownshipPlan) -> Dataset:
    t = plan.township
    chunk = empty_chunk()
    chunk["divisions"].append({"code": t.code, "name": t.name, "level": "township", "parent": t.county.code})
    chunk["grants"].append(staff.centre_operator(t.code))
    return chunk


def _village_chunk(
    village: layout.VillagePlan, seed: int, calendar: population.BirthCalendar, with_residents: bool
) -> Dataset:
    rng = random.Random(f"{seed}/{village.code}")
    county = village.township.county
    chunk = empty_chunk()
    chunk["divisions"].append(
        {"code": village.code, "name": village.name, "level": "village", "parent": village.township.code}
    )
    for grid in village.grids:
        chunk["grids"].append(
            {"id": grid.code, "code": grid.code, "name": grid.name, "kind": grid.kind,
             "boundary": geometry.to_wkt(geometry.ring_of(grid.strip)),
             "village": village.code, "scope": grid.code}
        )  # fmt: skip
        homes = housing.build(rng, grid, village, county.name)
        households, persons = population.populate(rng, grid, county.code, homes.homes, calendar)
        chunk["buildings"].extend(homes.buildings)
        chunk["dwellings"].extend(homes.dwellings)
        chunk["households"].extend(households)
        chunk["persons"].extend(persons)
        chunk["organizations"].extend(organizations.organizations(rng, grid, village, homes.premises, seed))
        chunk["key_places"].extend(organizations.key_places(rng, grid, village))
        members, serves, grants = staff.grid_staff(rng, grid.code)
        chunk["staff"].extend(members)
        chunk["serves"].extend(serves)
        chunk["grants"].extend(grants)
        if with_residents:
            grants, accounts = staff.residents(grid.code, persons)
            chunk["grants"].extend(grants)
            chunk["accounts"].extend(accounts)
            with_residents = False
    return chunk


def generate(scale: str, seed: int = 0) -> Iterator[Dataset]:
    """Yield the dataset of `scale` in chunks of about one village; same (scale, seed), same rows."""
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; choose one of {', '.join(SCALES)}")
    plans = layout.plan(SCALES[scale], seed)  # planned before the first chunk: a bad scale fails here
    return _chunks(plans, seed)


def _chunks(plans: list[layout.TownshipPlan], seed: int) -> Iterator[Dataset]:
    calendar = population.BirthCalendar()
    yield _city_chunk()
    yield _counties_chunk(seed)
    residents_pending = True  # two resident personas, in the first grid of the dataset
    for plan in plans:
        yield _township_chunk(plan)
        for village in plan.villages:
            yield _village_chunk(village, seed, calendar, residents_pending)
            residents_pending = False
