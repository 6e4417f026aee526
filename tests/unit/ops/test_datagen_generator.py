"""The chunk stream: ordering guarantee, determinism, scale structure, divisions, staff and grants."""

from collections import Counter, defaultdict

import pytest

from graph_model.rows import Dataset
from ops.datagen import SCALES, generate
from ops.datagen.divisions import COUNTIES
from ops.datagen.staff import ROLES

KEYS = list(Dataset.__annotations__)
ID_FIELD = {"divisions": "code", "departments": "code"}  # every other identified row uses "id"
REFERENCES = {  # key → (field, key it must point to)
    "divisions": [("parent", "divisions")],
    "grids": [("village", "divisions")],
    "buildings": [("grid", "grids")],
    "dwellings": [("building", "buildings")],
    "households": [("dwelling", "dwellings"), ("grid", "grids")],
    "persons": [("household", "households"), ("grid", "grids")],
    "organizations": [("building", "buildings")],
    "key_places": [("grid", "grids")],
    "departments": [("division", "divisions")],
    "serves": [("staff", "staff"), ("grid", "grids")],
    "works_for": [("staff", "staff"), ("department", "departments")],
    "grants": [("department", "departments")],
    "accounts": [("person", "persons")],
}
REQUIRED_DEPARTMENTS = (
    "gongan", "minzheng", "weijian", "yingji", "zonghezhifa", "shichangjianguan", "renshe", "xinfang", "sifa",
    "tuiyijunren",
)  # fmt: skip


def _check_order(chunks: list[Dataset]) -> None:
    """Each reference must name a row of an earlier chunk or of an earlier key in this chunk."""
    seen: dict[str, set[str]] = defaultdict(set)
    for chunk in chunks:
        assert list(chunk) == KEYS
        for key in KEYS:
            for row in chunk[key]:
                for field, target in REFERENCES.get(key, []):
                    if row[field] is not None:
                        assert row[field] in seen[target], (key, row)
                if key == "grants":
                    assert row["jurisdiction"] in seen["divisions"] | seen["grids"], row
                    if row["subject"].startswith(("staff-", "officer-")):
                        assert row["subject"] in seen["staff"], row
            if key in ("serves", "works_for", "grants", "accounts"):  # links, not identified rows
                continue
            ids = [row[ID_FIELD.get(key, "id")] for row in chunk[key]]
            assert not seen[key] & set(ids), f"duplicate {key} ids"
            assert len(set(ids)) == len(ids), f"duplicate {key} ids"
            seen[key].update(ids)


def test_every_reference_points_backwards_in_tiny(tiny_chunks: list[Dataset]) -> None:
    _check_order(tiny_chunks)


def test_every_reference_points_backwards_in_demo(demo_chunks: list[Dataset]) -> None:
    _check_order(demo_chunks)


def test_same_seed_same_rows_other_seed_other_rows(tiny_chunks: list[Dataset]) -> None:
    assert list(generate("tiny", seed=0)) == tiny_chunks
    other = list(generate("tiny", seed=1))
    assert other != tiny_chunks
    assert [p["id_number"] for c in other for p in c["persons"]] != [
        p["id_number"] for c in tiny_chunks for p in c["persons"]
    ]


def test_unknown_scale_is_refused_before_any_chunk() -> None:
    with pytest.raises(ValueError, match="tiny"):
        generate("huge")


def test_tiny_has_three_grids_across_a_grid_and_a_county_border(tiny: dict[str, list]) -> None:
    grids = tiny["grids"]
    assert len(grids) == 3
    counties = Counter(g["code"][:6] for g in grids)
    assert counties == {"330802": 2, "330803": 1}
    kecheng = [g for g in grids if g["code"].startswith("330802")]
    assert kecheng[0]["village"] == kecheng[1]["village"]


@pytest.mark.parametrize("fixture", ["tiny", "demo"])
def test_city_and_all_counties_are_always_emitted(fixture: str, request: pytest.FixtureRequest) -> None:
    divisions = {d["code"]: d for d in request.getfixturevalue(fixture)["divisions"]}
    assert divisions["3308"]["level"] == "city" and divisions["3308"]["parent"] is None
    for county in COUNTIES:
        assert divisions[county.code] == {"code": county.code, "name": county.name, "level": "county",
                                          "parent": "3308"}  # fmt: skip


def test_division_and_grid_codes_extend_their_parents(demo: dict[str, list]) -> None:
    length = {"city": 4, "county": 6, "township": 9, "village": 12}
    for d in demo["divisions"]:
        assert len(d["code"]) == length[d["level"]] and d["code"].isdigit()
        if d["parent"] is not None:
            assert d["code"].startswith(d["parent"])
    for g in demo["grids"]:
        assert len(g["code"]) == 15 and g["code"].startswith(g["village"])
        assert g["id"] == g["code"] == g["scope"]


def test_every_county_has_grids_in_demo(demo: dict[str, list]) -> None:
    assert {g["code"][:6] for g in demo["grids"]} == {c.code for c in COUNTIES}
    assert len(demo["grids"]) == SCALES["demo"].expected["grids"]


@pytest.mark.parametrize("fixture", ["tiny", "demo"])
def test_households_per_grid_follow_article_9(fixture: str, request: pytest.FixtureRequest) -> None:
    data = request.getfixturevalue(fixture)
    per_grid = Counter(h["grid"] for h in data["households"])
    assert set(per_grid) == {g["code"] for g in data["grids"]}
    assert all(300 <= n <= 500 for n in per_grid.values()), per_grid


def test_every_role_code_is_granted_in_tiny(tiny: dict[str, list]) -> None:
    assert {g["role"] for g in tiny["grants"]} == set(ROLES)


def test_each_grid_has_its_article_11_team(tiny: dict[str, list]) -> None:
    serves = defaultdict(Counter)
    for s in tiny["serves"]:
        serves[s["grid"]][s["role"]] += 1
    for grid in tiny["grids"]:
        team = serves[grid["code"]]
        assert team["grid_chief"] == team["grid_worker"] == team["grid_instructor"] == 1
        assert 1 <= team["grid_part_time"] <= 3
    grants = {(g["subject"], g["role"], g["jurisdiction"]) for g in tiny["grants"] if g["department"] is None}
    assert all((s["staff"], s["role"], s["grid"]) in grants for s in tiny["serves"])
    assert f"staff-{tiny['grids'][0]['code']}-chief" in {s["id"] for s in tiny["staff"]}


def test_departments_and_their_officers_exist_in_every_county(tiny: dict[str, list]) -> None:
    codes = {d["code"] for d in tiny["departments"]}
    works_for = {(w["staff"], w["department"]) for w in tiny["works_for"]}
    officer_grants = {(g["subject"], g["jurisdiction"], g["department"]) for g in tiny["grants"]
                      if g["role"] == "department_officer"}  # fmt: skip
    for county in COUNTIES:
        for slug in REQUIRED_DEPARTMENTS:
            code = f"{county.code}-{slug}"
            assert code in codes
            assert (f"officer-{code}", code) in works_for
            assert (f"officer-{code}", county.code, code) in officer_grants


def test_command_centres_exist_for_every_county_and_township_with_grids(tiny: dict[str, list]) -> None:
    centres = {g["jurisdiction"] for g in tiny["grants"] if g["role"] == "centre_operator"}
    townships = {g["code"][:9] for g in tiny["grids"]}
    assert centres == townships | {c.code for c in COUNTIES}
    assert all(g["subject"] == f"centre-{g['jurisdiction']}" for g in tiny["grants"] if g["role"] == "centre_operator")
