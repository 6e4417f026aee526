"""The households and people of one grid, with valid, unique GB 11643 ID numbers.

Ages are counted at the fixed `REFERENCE_DATE`, not today, so that the same
seed gives the same rows next year too. ID numbers are unique without any
state shared between grids: the region part is the county, the sequence is the
grid's slot within its county (odd for men, even for women), so two grids never
collide, and within the grid a birth date already taken for that sex is
redrawn within the same year of age.

This is the hot path of the `city` scale (2.3M people): per person it draws a
handful of floats and does dict and string work only; check characters come
from precomputed partial sums.
"""

import random
from datetime import date
from typing import Final

from graph_model.rows import HouseholdRow, PersonRow
from ops.datagen import households, names
from ops.datagen.codes import ID_CHECK, weighted_digit_sum
from ops.datagen.layout import GridPlan

REFERENCE_DATE: Final = date(2025, 6, 30)

_RESIDENCY: Final = {
    # kind: (registered up to, resident up to), floating after
    "urban": (0.72, 0.84),
    "rural": (0.86, 0.93),
    "special": (0.40, 0.55),
}
_COLLECTIVE_SHARE: Final = {"urban": 0.015, "rural": 0.005, "special": 0.25}

# Independent special-group tags, drawn with one float per person: (tag, cumulative rate, minimum age)
_TAGS: Final = (
    ("disabled", 0.016, 0),
    ("low_income", 0.028, 0),
    ("veteran", 0.044, 20),
    ("mental_health", 0.047, 12),
    ("petitioner", 0.048, 18),
    ("community_correction", 0.0484, 18),
)
_ELDERLY_ALONE_AGE: Final = 70
_LEFT_BEHIND_AGE: Final = 16  # children under 16 (国务院 2016 definition)
_GUARDIAN_PHONE_AGE: Final = 12  # younger children are reached through the head's phone


class BirthCalendar:
    """Birth dates for ages at `REFERENCE_DATE`, with the GB 11643 pieces of each date cached."""

    def __init__(self) -> None:
        ref = REFERENCE_DATE
        # born on an ordinal in (bounds[a + 1], bounds[a]] → exactly `a` years old on the reference date
        self.bounds = [date(ref.year - a, ref.month, ref.day).toordinal() for a in range(households.MAX_AGE + 2)]
        self._pieces: dict[int, tuple[str, str, int]] = {}

    def draw(self, draw: names.Draw, age: int) -> int:
        lo, hi = self.bounds[age + 1] + 1, self.bounds[age]
        return lo + int(draw() * (hi - lo + 1))

    def pieces(self, ordinal: int) -> tuple[str, str, int]:
        """(ISO date, yyyymmdd, weighted sum of yyyymmdd at positions 7–14 of the ID number)."""
        found = self._pieces.get(ordinal)
        if found is None:
            day = date.fromordinal(ordinal)
            ymd = day.strftime("%Y%m%d")
            found = self._pieces[ordinal] = (day.isoformat(), ymd, weighted_digit_sum(ymd, 6))
        return found


def _tags(draw: names.Draw, age: int, male: bool) -> list[str]:
    r = draw()
    if r >= _TAGS[-1][1]:
        return []
    tag, _, min_age = next(t for t in _TAGS if r < t[1])
    if age < min_age or (tag == "veteran" and not male and draw() < 0.9):  # veterans are mostly men
        return []
    if tag == "disabled" and draw() < 0.25:
        return ["disabled", "low_income"]  # disability and 低保 go together more often than chance
    return [tag]


def _takes_family_name(m: households.Member, carrier: households.Member) -> bool:
    """Children take the father's surname; so does the head's father when the head is the son."""
    if m is carrier or m.relation in ("child", "grandchild"):
        return True
    return m.relation == "parent" and m.male and carrier.relation == "head"


def populate(
    rng: random.Random, grid: GridPlan, region: str, homes: list[str], calendar: BirthCalendar
) -> tuple[list[HouseholdRow], list[PersonRow]]:
    """`grid.households` households in the first dwellings of `homes`, and their members."""
    draw = rng.random
    code = grid.code
    rural = grid.kind == "rural"
    registered, resident = _RESIDENCY[grid.kind]
    collective_share = _COLLECTIVE_SHARE[grid.kind]
    region_sum = weighted_digit_sum(region, 0)
    seq = {male: f"{2 * grid.slot + (1 if male else 2):03d}" for male in (True, False)}
    base = {male: region_sum + weighted_digit_sum(s, 14) for male, s in seq.items()}
    taken: set[tuple[int, bool]] = set()
    hh_rows: list[HouseholdRow] = []
    persons: list[PersonRow] = []
    for n in range(grid.households):
        hh_id = f"hh-{code}-{n:04d}"
        size = households.household_size(draw)
        is_collective = draw() < collective_share
        if is_collective:
            members, skip = households.collective(draw, max(size, 3)), False
        else:
            members, skip = households.family(draw, size, rural)
        hh_rows.append(
            {"id": hh_id, "kind": "collective" if is_collective else "family", "dwelling": homes[n],
             "grid": code, "scope": code}
        )  # fmt: skip
        r = draw()
        residency = "floating" if is_collective else "registered" if r < registered else "resident"
        if not is_collective and r >= resident:
            residency = "floating"
        family = names.surname(draw)
        carrier = next((m for m in members if m.male and m.relation in ("head", "spouse")), members[0])
        head_phone = ""
        for m in members:
            ordinal = calendar.draw(draw, m.age)
            while (ordinal, m.male) in taken:
                ordinal = calendar.draw(draw, m.age)
            taken.add((ordinal, m.male))
            iso, ymd, ymd_sum = calendar.pieces(ordinal)
            surname = family if not is_collective and _takes_family_name(m, carrier) else names.surname(draw)
            name = names.full_name(draw, surname, m.male, m.age >= 45)
            phone = head_phone if m.age < _GUARDIAN_PHONE_AGE and head_phone else names.mobile(draw)
            head_phone = head_phone or phone
            tags = _tags(draw, m.age, m.male)
            if len(members) == 1 and m.age >= _ELDERLY_ALONE_AGE:
                tags.append("elderly_alone")
            if skip and m.relation == "grandchild" and m.age < _LEFT_BEHIND_AGE:
                tags.append("left_behind_child")
            persons.append(
                {"id": f"per-{code}-{len(persons):05d}", "name": name,
                 "id_number": f"{region}{ymd}{seq[m.male]}{ID_CHECK[(base[m.male] + ymd_sum) % 11]}",
                 "phone": phone, "gender": "male" if m.male else "female", "birth_date": iso,
                 "residency": residency, "tags": tags, "household": hh_id, "relation": m.relation,
                 "grid": code, "scope": code}
            )  # fmt: skip
    return hh_rows, persons
