"""Historical cases: deterministic by seed, in proportion to the population (city: about a million),
every value one the API can serve, numbers unique with a serial per year, and a realistic mix."""

from collections import Counter

from api.case.catalogue import load_catalogue
from api.case.enums import CaseLevel, CasePriority, CaseSource, CaseStatus
from ops.datagen import SCALES, layout
from ops.datagen.cases import END, START, Serials, cases_per_person, history
from ops.datagen.scales import PERSONS_PER_HOUSEHOLD


def _rows(scale: str, seed: int = 0) -> list[dict[str, object]]:
    return [row for village in history(scale, seed) for row in village]


def test_same_seed_same_cases_other_seed_other_cases() -> None:
    assert _rows("tiny") == _rows("tiny")
    assert _rows("tiny") != _rows("tiny", 1)


def test_volumes_follow_the_population_and_the_city_reaches_a_million() -> None:
    city = sum(g.households for plan in layout.plan(SCALES["city"], 0) for v in plan.villages for g in v.grids)
    assert 950_000 < city * PERSONS_PER_HOUSEHOLD * cases_per_person() < 1_050_000
    tiny = len(_rows("tiny"))
    assert 0.8 < tiny / (SCALES["tiny"].expected["persons"] * cases_per_person()) < 1.2


def test_every_value_is_one_the_api_serves() -> None:
    codes = {item.code for item in load_catalogue()}
    serials = Serials()
    rows = [row for village in history("demo", 0, serials) for row in village]
    for row in rows:
        assert all((CaseStatus(row["status"]), CasePriority(row["priority"]), CaseSource(row["source"]),
                    CaseLevel(row["level"])))  # fmt: skip
        assert row["category"] in codes and START <= row["reported_at"] < END  # type: ignore[operator]
        assert None not in row.values()
        assert (row["status"] == "CLOSED") == ("closed_at" in row)
    numbers = [str(row["id"]) for row in rows]
    assert len(set(numbers)) == len(numbers)
    highest: dict[str, int] = {}
    for year, serial in (n.split("-") for n in numbers):
        highest[year] = max(highest.get(year, 0), int(serial))
    assert serials.counters() == [{"year": y, "n": n} for y, n in sorted(highest.items())]
    assert len(highest) == 3  # Nov 2024 to Oct 2026: a serial per year, each from 1


def test_the_mix_is_mostly_closed_with_open_cases_at_the_end() -> None:
    rows = _rows("demo")
    statuses = Counter(str(row["status"]) for row in rows)
    assert 0.85 < statuses["CLOSED"] / len(rows) < 0.95 and statuses["REJECTED"] > 0
    assert Counter(str(r["category"]) for r in rows).most_common(1)[0][0] == "city.environment"
    recent = [r for r in rows if r["reported_at"] > END - 10 * 86_400_000]  # type: ignore[operator]
    assert sum(r["status"] != "CLOSED" for r in recent) / len(recent) > 0.3
    closed = [r for r in rows if r["status"] == "CLOSED"]
    assert 0.02 < sum("late" in r for r in closed) / len(closed) < 0.25
    assert 0.5 < sum("satisfaction" in r for r in closed) / len(closed) < 0.8
