"""The named sizes of demo data, with the magnitudes each is expected to reach.

A scale fixes how many grids each county gets and how many households a grid
holds; everything else (people, buildings, organizations) follows from the
household count. The expected figures are what a run prints and what a
benchmark may compare against; the generator does not force them exactly.

`tiny` has exactly three grids, two adjacent ones in one 柯城区 community and
one in a 衢江区 village, so that tests can cross a grid and a county border.
Art. 9 wants 300–500 households per grid and a household averages about 2.9
people here, so three grids cannot go below about 2.6k people: `tiny` keeps
its grids near the lower bound instead.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from ops.datagen.divisions import COUNTIES

PERSONS_PER_HOUSEHOLD: Final = 2.92  # mean of the household-size table in `population`


@dataclass(frozen=True, slots=True)
class Scale:
    name: str
    grids_per_county: Mapping[str, int]  # county code → grids; empty for the hand-made `tiny` layout
    households_per_grid: tuple[int, int]  # inclusive bounds (Art. 9: 300–500)
    townships_per_county: int | None  # None: every township of the county gets grids
    expected: Mapping[str, int] = field(default_factory=dict)  # grids, households, persons


def _expected(grids: int, households_per_grid: tuple[int, int]) -> dict[str, int]:
    households = grids * sum(households_per_grid) // 2
    return {"grids": grids, "households": households, "persons": round(households * PERSONS_PER_HOUSEHOLD)}


_TINY_HOUSEHOLDS: Final = (300, 340)
_DEMO_GRIDS: Final = {"330802": 10, "330803": 7, "330822": 5, "330824": 5, "330825": 7, "330881": 9}
# The city scale sizes each county by its census population at ~400 households of ~2.9 people per grid.
_CITY_GRIDS: Final = {c.code: round(c.population / (400 * PERSONS_PER_HOUSEHOLD)) for c in COUNTIES}

SCALES: Final[Mapping[str, Scale]] = {
    "tiny": Scale("tiny", {}, _TINY_HOUSEHOLDS, None, _expected(3, _TINY_HOUSEHOLDS)),
    "demo": Scale("demo", _DEMO_GRIDS, (300, 500), 3, _expected(sum(_DEMO_GRIDS.values()), (300, 500))),
    "city": Scale("city", _CITY_GRIDS, (300, 500), None, _expected(sum(_CITY_GRIDS.values()), (300, 500))),
}
