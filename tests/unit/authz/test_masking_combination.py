"""No combination of what a reader may see determines a value it is served masked.

A subject holding several roles in several grids can have each personal class raw,
masked or absent in a person's grid, independently. For every such combination, and for
subjects drawn from the roles of the default policy with their compiled capabilities, a
drawn person (valid GB 11643 number, generated name and phone) is served through
`Person.from_record`; everything the reader then sees goes to an attacker who enumerates
the candidates of each masked value (`tests.common.reidentify`). The guarantees:

- masked ID number: at least 500 candidates, even granting the attacker region, birth date
  and gender (every sequence of the gender's parity; the check character follows);
- masked birth date: no character of it in the ID number the reader sees;
- masked name: only the surname shows; at least 31 candidates per character of the given
  name (the smallest given-name pool of the generator; real names draw on thousands);
- masked phone: at least 10,000 candidates; masked tags: nothing.

Values served raw are checked to be the stored ones, so masking everything would not pass.
"""

from datetime import date
from itertools import product
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api.person.types import Person
from authz.capabilities import compile_capabilities
from authz.classes import DataClass
from authz.gate import Access
from authz.grants import Grant
from authz.masking import MASKS
from authz.rules import default_rules
from graph_model.store import Record
from ops.datagen import names
from ops.datagen.codes import id_check_char
from ops.datagen.population import REFERENCE_DATE
from tests.common.reidentify import GENDERS, OLD_AGE, age_on, agrees, count, fits, id_candidates, name_alphabets

BASIC, IDENTITY = DataClass.PERSON_BASIC, DataClass.PERSON_IDENTITY
CONTACT, SENSITIVE = DataClass.PERSON_CONTACT, DataClass.PERSON_SENSITIVE
MIN_ID_CANDIDATES, MIN_NAME_CANDIDATES, MIN_PHONE_CANDIDATES = 500, 31, 10_000

COUNTIES = ("330802", "330803", "330822", "330824", "330825", "330881")
ELSEWHERE_BORN = ("110105", "510104")  # floating residents carry numbers from their home county


@st.composite
def persons(draw: st.DrawFn) -> Record:
    """A stored person row as the generator makes them; the ID's region is the grid's county or another."""
    county = draw(st.sampled_from(COUNTIES))
    born = draw(st.dates(date(1900, 1, 1), REFERENCE_DATE))
    male = draw(st.booleans())
    rng = draw(st.randoms(use_true_random=False))
    region = draw(st.sampled_from((county, *COUNTIES, *ELSEWHERE_BORN)))
    body = f"{region}{born:%Y%m%d}{2 * draw(st.integers(0, 499)) + male:03d}"
    old = age_on(born, REFERENCE_DATE) >= OLD_AGE
    return {
        "id": "per-drawn",
        "household": "hh-drawn",
        "grid": f"{county}{draw(st.integers(0, 10**9 - 1)):09d}",
        "name": names.full_name(rng.random, names.surname(rng.random), male, old),
        "gender": "male" if male else "female",
        "birth_date": born.isoformat(),
        "residency": draw(st.sampled_from(("registered", "resident", "floating"))),
        "relation": draw(st.sampled_from(("head", "spouse", "child", "parent", "grandchild", "other"))),
        "id_number": body + id_check_char(body),
        "phone": names.mobile(rng.random),
        "tags": draw(st.lists(st.sampled_from(("disabled", "low_income", "veteran", "elderly_alone")), unique=True)),
    }


def stored(row: Record) -> dict[str, Any]:
    """The values a raw reader gets, by field."""
    return {
        **{f: row[f] for f in ("name", "gender", "residency", "relation", "id_number", "phone", "tags")},
        "birth_date": date.fromisoformat(row["birth_date"]),
    }


def assert_masks_hold(row: Record, person: Person, visible: frozenset[DataClass], raw: frozenset[DataClass]) -> None:
    """Everything `visible` shows of the person leaves each masked value with many candidates."""
    seen = {f: getattr(person, f) for c in visible for f in MASKS[c]}
    # a raw ID number spells out birth date and gender: it is served raw only beside a raw person.basic
    served_raw = {c for c in raw & visible if c is not IDENTITY or BASIC in raw}
    truth = stored(row)
    for c in served_raw:
        assert {f: seen[f] for f in MASKS[c]} == {f: truth[f] for f in MASKS[c]}
    male = GENDERS.get(seen.get("gender", ""))
    born = seen.get("birth_date")
    if IDENTITY in visible - served_raw:
        found = id_candidates(seen["id_number"], row["id_number"][:6], truth["birth_date"], male)
        assert row["id_number"] in found
        assert len(found) >= MIN_ID_CANDIDATES, (seen["id_number"], len(found))
    if BASIC in visible - served_raw:
        assert born is None
        assert IDENTITY not in visible or set(seen["id_number"][6:14]) == {"*"}
        alphabets = name_alphabets(seen["name"], male, None)
        assert fits(alphabets, row["name"])
        assert count(alphabets) >= MIN_NAME_CANDIDATES ** (len(row["name"]) - 1), seen["name"]
    if CONTACT in visible - served_raw:
        assert agrees(seen["phone"], row["phone"])
        assert 10 ** seen["phone"].count("*") >= MIN_PHONE_CANDIDATES
    if SENSITIVE in visible - served_raw:
        assert seen["tags"] is None


STATES = ("raw", "masked", "absent")


@pytest.mark.parametrize("states", list(product(STATES, repeat=len(MASKS))), ids="-".join)
@settings(max_examples=15, deadline=None)
@given(row=persons())
def test_no_combination_of_classes_determines_a_masked_value(states: tuple[str, ...], row: Record) -> None:
    """Each class raw, masked or absent in the person's grid; without person.basic nothing reaches a Person."""
    held = dict(zip(MASKS, states, strict=True))
    raw = frozenset(c for c, state in held.items() if state == "raw")
    visible = frozenset(c for c, state in held.items() if state != "absent" and held[BASIC] != "absent")
    access = Access(raw={c: frozenset({row["grid"]}) for c in raw})
    assert_masks_hold(row, Person.from_record(row, access), visible, raw)


RULES = default_rules()
POLICY_ROLES = sorted({r.role for r in RULES})
GRID, SIBLING, OTHER_COUNTY = "330802001001001", "330802001001002", "330803101001001"
CATALOG = sorted([GRID, SIBLING, OTHER_COUNTY])
JURISDICTIONS = (GRID, GRID[:12], GRID[:9], GRID[:6], GRID[:4], SIBLING, OTHER_COUNTY)


def grant(policy_role: str, jurisdiction: str) -> Grant:
    role, _, kind = policy_role.partition(":")
    return Grant("drawn", role, jurisdiction, f"{jurisdiction[:6]}-{kind}" if kind else None)


@pytest.mark.parametrize("role", POLICY_ROLES)
@settings(max_examples=10, deadline=None)
@given(
    row=persons(),
    where=st.sampled_from(JURISDICTIONS),
    more=st.lists(st.tuples(st.sampled_from(POLICY_ROLES), st.sampled_from(JURISDICTIONS)), max_size=2),
)
def test_no_subject_of_the_default_policy_recovers_a_masked_value(
    role: str, row: Record, where: str, more: list[tuple[str, str]]
) -> None:
    """Each role of the default policy, with up to two more drawn grants, compiled as the gate compiles them:
    a class is raw in the grid where `read` covers it, masked where only `read_masked` does. Persons are reached
    through person.basic fields only, so without it in the grid nothing of the person is seen."""
    row = {**row, "grid": GRID}
    caps = compile_capabilities("drawn", 1, [grant(role, where), *(grant(*g) for g in more)], RULES)
    raw_grids = {c: caps.grids(c.value, "read", CATALOG) for c in MASKS}
    readable = {c for c in MASKS if GRID in raw_grids[c] | caps.grids(c.value, "read_masked", CATALOG)}
    visible = frozenset(readable if BASIC in readable else ())
    raw = frozenset(c for c in visible if GRID in raw_grids[c])
    assert_masks_hold(row, Person.from_record(row, Access(raw=raw_grids)), visible, raw)
