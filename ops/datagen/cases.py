"""Historical cases of the two years before the demo's present, so that case pages, overdue lists and
the Art. 23 figures are exercised on real volumes (city: about 1,000,000).

Each grid's cases come from their own `random.Random`, seeded by (seed, grid code), from the planned
layout alone: the rest of the data set is the same with or without them, and the same seed gives
the same cases. A case row is what a live case holds at the end of its life (status, department,
reworks, extensions, lateness, closing time, rating), without its step trail: a million cases of
five to ten steps each would multiply the seed's size for no figure that needs them. Numbers are
`<year>-<serial>` with a serial per year, as live reports number them (`CREATE_CASE`): six digits,
more past 999,999. Each year's case counter is then set past that year's highest serial, so live
reports continue after the history and never take a number it holds.

The mix is drawn up from 12345 hotline and 数字城管 practice: street and environment issues lead,
then safety hazards, services and disputes; nine in ten cases end closed, a few are rejected, and
the last weeks of the period still hold open cases, some of them overdue.
"""

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

from api.case.calendar import CHINA
from api.case.catalogue import WorkItem, load_catalogue
from ops.datagen import geometry, layout
from ops.datagen.scales import PERSONS_PER_HOUSEHOLD, SCALES

START: Final = int(datetime(2024, 11, 1, tzinfo=CHINA).timestamp() * 1000)
END: Final = int(datetime(2026, 11, 1, tzinfo=CHINA).timestamp() * 1000)  # a month before the tests' clock
CITY_CASES: Final = 1_000_000
HOUR: Final = 3_600_000
DAY: Final = 24 * HOUR
RECENT: Final = 30 * DAY  # cases reported this close to END may still be open
WEIGHTS: Final = {
    "city.environment": 26, "safety.hazard": 12, "city.illegal_building": 6, "safety.fire": 4,
    "safety.public_order": 5, "dispute.neighbour": 9, "dispute.labour": 2, "petition.request": 2,
    "service.proxy": 9, "service.social_security": 5, "service.special_care": 4, "service.health": 3,
    "service.veterans": 1, "base.collection": 6, "enforcement.market": 2, "enforcement.ecology": 1,
    "enforcement.land": 1, "agriculture.subsidy_check": 1, "culture.venue_inspection": 0.5,
    "religion.venue_affairs": 0.5,  # an item missing here weighs 1
}  # fmt: skip
OPEN_STATUSES: Final = (("ACCEPTED", 3), ("ASSIGNED", 3), ("SIGNED", 8), ("SUSPENDED", 1), ("RESOLVED", 2))
SOURCES: Final = (("grid", 55), ("hotline", 20), ("resident", 15), ("department", 5), ("centre", 5))
SCORES: Final = ((5, 55), (4, 28), (3, 10), (2, 4), (1, 3))


def _pick(rng: random.Random, choices: tuple[tuple[Any, float], ...]) -> Any:
    return rng.choices([c for c, _ in choices], [w for _, w in choices])[0]


def cases_per_person() -> float:
    """The city's share: about 1,000,000 cases over its expected persons; smaller scales in proportion."""
    return CITY_CASES / SCALES["city"].expected["persons"]


@dataclass
class Serials:
    """Per-year case serials across the whole history (numbers are `<year>-<serial>`)."""

    next: dict[str, int] = field(default_factory=dict)

    def take(self, year: str) -> str:
        self.next[year] = self.next.get(year, 0) + 1
        return f"{year}-{self.next[year]:06d}"

    def counters(self) -> list[dict[str, Any]]:
        """Each year's highest serial, as `ADVANCE_CASE_COUNTERS` takes them."""
        return [{"year": year, "n": n} for year, n in sorted(self.next.items())]


def _reporter(source: str, grid: str, county: str, item: WorkItem) -> str:
    return {
        "grid": f"staff-{grid}-worker",
        "hotline": "open311:hotline-12345",
        "resident": f"resident-{grid}-1",
        "department": f"officer-{county}-{item.lead}",
        "centre": f"centre-{county}",
    }[source]


def _case(rng: random.Random, grid: layout.GridPlan, county: str, item: WorkItem, serials: Serials) -> dict[str, Any]:
    reported = rng.randrange(START, END)
    moment = datetime.fromtimestamp(reported / 1000, CHINA)
    lon, lat = geometry.point_in(grid.strip, rng.uniform(0.05, 0.95), rng.uniform(0.05, 0.95))
    source = _pick(rng, SOURCES)
    recency = max(0.0, 1 - (END - reported) / RECENT)
    roll = rng.random()
    status = "REJECTED" if roll < 0.04 else _pick(rng, OPEN_STATUSES) if roll < 0.05 + 0.6 * recency else "CLOSED"
    handling = min(math.exp(rng.gauss(math.log(30), 1.0)), 60 * 24) * HOUR  # median 30 h, at most 60 days
    late = rng.random() < (0.6 if handling > 5 * DAY else 0.04)
    row: dict[str, Any] = {
        "id": serials.take(str(moment.year)), "category": item.code, "description": f"{item.name}（历史事项）",
        "status": status, "priority": "urgent" if rng.random() < 0.08 else "normal", "source": source,
        "grid": grid.code, "level": rng.choices(("grid", "township", "county"), (85, 10, 5))[0],
        "reporter": _reporter(source, grid.code, county, item),
        "anonymous": source == "resident" and rng.random() < 0.03, "petition": item.petition,
        "lat": lat, "lon": lon, "reported_at": reported, "version": 0,
        "reworks": (1 if rng.random() < 0.05 else 0) if status != "REJECTED" else 0,
        "extensions": (1 if rng.random() < 0.04 else 0) if status != "REJECTED" else 0,
    }  # fmt: skip
    if status == "REJECTED":
        return row
    if status != "ACCEPTED":
        row["department"] = f"{county}-{item.lead}"
    if status == "CLOSED":
        row["closed_at"] = reported + int(handling)
        if rng.random() < 0.65:
            row["satisfaction"] = _pick(rng, SCORES)
    elif status == "SUSPENDED":
        row["remaining"] = float(rng.randrange(60, 2400))
    else:
        row["due_at"] = reported + rng.randrange(2 * HOUR, 10 * DAY)
    if late:
        row["late"] = True  # a step was taken past its due time: not closed on time
    return row


def grid_cases(
    seed: int, grid: layout.GridPlan, county: str, items: list[WorkItem], serials: Serials
) -> list[dict[str, Any]]:
    rng = random.Random(f"{seed}/cases/{grid.code}")
    weights = [WEIGHTS.get(i.code, 1) for i in items]
    expected = grid.households * PERSONS_PER_HOUSEHOLD * cases_per_person()
    count = max(0, round(rng.gauss(expected, math.sqrt(expected))))
    return [_case(rng, grid, county, rng.choices(items, weights)[0], serials) for _ in range(count)]


def history(scale: str, seed: int = 0, serials: Serials | None = None) -> Iterator[list[dict[str, Any]]]:
    """The historical cases of `scale`, one list per village; `serials` ends holding each year's highest."""
    serials = serials if serials is not None else Serials()
    items = load_catalogue()
    for plan in layout.plan(SCALES[scale], seed):
        county = plan.township.county.code
        for village in plan.villages:
            yield [row for grid in village.grids for row in grid_cases(seed, grid, county, items, serials)]
