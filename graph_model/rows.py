"""The row shapes that the data generator yields and the ingest statements `UNWIND`.

This module is the contract between `ops.datagen` (which produces rows) and
`graph_model.cypher.ingest` (which writes them): every key here is a parameter
name the statements read, so neither side may rename one alone.

Jurisdiction: every row that lives inside a grid carries `scope`, the code of its
grid. Grid codes extend their village's 12-digit statistical code, so a division
code is a prefix of the scope of everything below it.
"""

from typing import NotRequired, TypedDict


class DivisionRow(TypedDict):
    code: str  # GB/T 2260 (city 4, county 6) or statistical (township 9, village 12 digits)
    name: str
    level: str  # city | county | township | village
    parent: str | None  # parent division code; None for the city


class GridRow(TypedDict):
    id: str  # equals code
    code: str  # village code + 3-digit serial, e.g. "330802001001003"
    name: str
    kind: str  # urban | rural | special
    boundary: str  # WKT polygon (lon lat), tiles its village
    village: str  # village/community division code
    scope: str  # = code


class BuildingRow(TypedDict):
    id: str
    address: str
    kind: str  # residential | commercial | public | mixed
    lat: float
    lon: float
    grid: str
    scope: str


class DwellingRow(TypedDict):
    id: str
    unit: str
    room: str
    building: str
    scope: str


class HouseholdRow(TypedDict):
    id: str
    kind: str  # family | collective
    dwelling: str
    grid: str
    scope: str


class PersonRow(TypedDict):
    id: str
    name: str
    id_number: str  # GB 11643, 18 characters, consistent with birth_date, gender and region
    phone: str  # 11-digit mainland mobile
    gender: str  # male | female
    birth_date: str  # ISO yyyy-mm-dd
    residency: str  # registered | resident | floating
    tags: list[str]  # special-group tags, mostly empty
    household: str
    relation: str  # head | spouse | child | parent | grandchild | other
    grid: str
    scope: str


class OrganizationRow(TypedDict):
    id: str
    name: str
    uscc: str  # GB 32100, 18 characters with a valid check character
    kind: str
    building: str
    scope: str


class KeyPlaceRow(TypedDict):
    id: str
    name: str
    kind: str
    risk: str  # low | medium | high
    grid: str
    scope: str


class DepartmentRow(TypedDict):
    code: str  # e.g. "330802-minzheng"
    name: str
    division: str  # county division code


class StaffRow(TypedDict):
    id: str
    name: str
    phone: str


class ServesRow(TypedDict):
    staff: str
    grid: str
    role: str  # grid_chief | grid_worker | grid_part_time | grid_instructor


class WorksForRow(TypedDict):
    staff: str
    department: str


class GrantRow(TypedDict):
    """A role granted to a subject in a jurisdiction (grid code or division code)."""

    subject: str
    role: str
    jurisdiction: str
    department: str | None
    expires: NotRequired[int | None]  # epoch ms; generated grants never expire


class ResidentAccountRow(TypedDict):
    """The person a resident's sign-in stands for: whose access history is theirs to read (PIPL Art. 45)."""

    subject: str
    person: str


class Dataset(TypedDict):
    divisions: list[DivisionRow]
    grids: list[GridRow]
    buildings: list[BuildingRow]
    dwellings: list[DwellingRow]
    households: list[HouseholdRow]
    persons: list[PersonRow]
    organizations: list[OrganizationRow]
    key_places: list[KeyPlaceRow]
    departments: list[DepartmentRow]
    staff: list[StaffRow]
    serves: list[ServesRow]
    works_for: list[WorksForRow]
    grants: list[GrantRow]
    accounts: list[ResidentAccountRow]
