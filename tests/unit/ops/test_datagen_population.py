"""People and households look like a population: sizes, ages by relation, tags, names, phones."""

from collections import Counter, defaultdict
from datetime import date

import pytest

from ops.datagen.names import PHONE_PREFIXES
from ops.datagen.population import REFERENCE_DATE

TAGS = {"elderly_alone", "disabled", "low_income", "veteran", "left_behind_child", "community_correction",
        "mental_health", "petitioner"}  # fmt: skip


def _age(birth_date: str) -> int:
    born = date.fromisoformat(birth_date)
    return REFERENCE_DATE.year - born.year - ((REFERENCE_DATE.month, REFERENCE_DATE.day) < (born.month, born.day))


@pytest.fixture(scope="module")
def members(demo: dict[str, list]) -> dict[str, list[dict]]:
    by_household: dict[str, list[dict]] = defaultdict(list)
    for p in demo["persons"]:
        by_household[p["household"]].append(p)
    return by_household


def test_household_sizes_are_one_to_six_with_a_mean_near_2_9(demo: dict[str, list], members: dict) -> None:
    sizes = Counter(len(m) for m in members.values())
    assert set(sizes) <= set(range(1, 7))
    assert set(members) == {h["id"] for h in demo["households"]}
    assert 2.75 <= len(demo["persons"]) / len(members) <= 3.05


def test_each_household_has_one_adult_head_and_its_own_dwelling(demo: dict[str, list], members: dict) -> None:
    for people in members.values():
        heads = [p for p in people if p["relation"] == "head"]
        assert len(heads) == 1 and _age(heads[0]["birth_date"]) >= 18
    dwellings = [h["dwelling"] for h in demo["households"]]
    assert len(set(dwellings)) == len(dwellings)
    assert {h["kind"] for h in demo["households"]} == {"family", "collective"}


def test_ages_agree_with_relations(members: dict) -> None:
    for people in members.values():
        head = next(p for p in people if p["relation"] == "head")
        head_age = _age(head["birth_date"])
        for p in people:
            age = _age(p["birth_date"])
            assert 0 <= age <= 95
            if p["relation"] == "child":
                assert age <= head_age - 18, (head, p)
            elif p["relation"] == "grandchild":
                assert age <= head_age - 36, (head, p)
            elif p["relation"] == "parent":
                assert age >= head_age + 18, (head, p)
            elif p["relation"] == "spouse":
                assert p["gender"] != head["gender"]


def test_special_group_tags_are_rare_and_fit_the_person(demo: dict[str, list], members: dict) -> None:
    persons = demo["persons"]
    counts = Counter(t for p in persons for t in p["tags"])
    assert set(counts) == TAGS  # every tag occurs at demo scale
    assert all(n / len(persons) < 0.03 for n in counts.values()), counts
    for p in persons:
        if "elderly_alone" in p["tags"]:
            assert len(members[p["household"]]) == 1 and _age(p["birth_date"]) >= 60
        if "left_behind_child" in p["tags"]:
            assert _age(p["birth_date"]) < 16
            assert not {"child", "other"} & {m["relation"] for m in members[p["household"]]}


def test_names_and_phones_look_real(demo: dict[str, list]) -> None:
    for p in [*demo["persons"], *demo["staff"]]:
        assert 2 <= len(p["name"]) <= 4 and all("\u4e00" <= ch <= "\u9fff" for ch in p["name"]), p["name"]
        assert len(p["phone"]) == 11 and p["phone"].isdigit() and p["phone"][:3] in PHONE_PREFIXES


def test_residency_mixes_registered_resident_and_floating(demo: dict[str, list]) -> None:
    shares = Counter(p["residency"] for p in demo["persons"])
    assert set(shares) == {"registered", "resident", "floating"}
    assert shares["registered"] > shares["floating"] > 0


def test_in_grid_rows_carry_their_grid_as_scope(demo: dict[str, list]) -> None:
    buildings = {b["id"]: b["scope"] for b in demo["buildings"]}
    for key in ("buildings", "households", "persons", "key_places"):
        assert all(row["scope"] == row["grid"] for row in demo[key]), key
    for key, parent in (("dwellings", "building"), ("organizations", "building")):
        assert all(row["scope"] == buildings[row[parent]] for row in demo[key]), key
