"""Root fields for persons and households."""

from datetime import date

import strawberry

from api import global_id
from api.context import Info
from api.errors import bad_input
from api.fields import classified, filter_field
from api.filters import within
from api.node_query import fetch
from api.pagination import Connection, connection, decode_cursor, page_size
from api.person.types import Household, Person
from authz.classes import DataClass
from loaders.pages import PersonQuery

MAX_AGE = 150


@strawberry.input
class PersonFilter:
    grid: strawberry.ID | None = filter_field(DataClass.GRID, "Persons of this grid.")
    division: str | None = filter_field(DataClass.DIVISION, "Persons of this division (code).")
    name_prefix: str | None = filter_field(DataClass.PERSON_BASIC, "Names starting with this.")
    tags: list[str] | None = filter_field(DataClass.PERSON_SENSITIVE, "Any of these tags.")
    age_min: int | None = filter_field(DataClass.PERSON_BASIC, "Born at least this many years ago.")
    age_max: int | None = filter_field(DataClass.PERSON_BASIC, "Born at most this many years ago.")


@strawberry.input
class HouseholdFilter:
    grid: strawberry.ID | None = filter_field(DataClass.GRID, "Households of this grid.")
    division: str | None = filter_field(DataClass.DIVISION, "Households of this division (code).")


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def person_query(f: PersonFilter, today: date) -> PersonQuery:
    """Ages become a birth-date range, so the comparison runs in the statement on stored dates."""
    for age in (f.age_min, f.age_max):
        if age is not None and not 0 <= age <= MAX_AGE:
            raise bad_input(f"ages must be between 0 and {MAX_AGE}")
    if f.age_min is not None and f.age_max is not None and f.age_min > f.age_max:
        raise bad_input("ageMin must not exceed ageMax")
    born_to = _years_before(today, f.age_min).isoformat() if f.age_min is not None else None
    born_from = None
    if f.age_max is not None:
        born_from = date.fromordinal(_years_before(today, f.age_max + 1).toordinal() + 1).isoformat()
    return PersonQuery(
        within=within(f.grid, f.division),
        name_prefix=f.name_prefix or None,
        tags=f.tags or None,
        born_from=born_from,
        born_to=born_to,
    )


@strawberry.type
class PersonQueryRoot:
    @classified(DataClass.PERSON_BASIC)
    async def persons(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: PersonFilter | None = None,
    ) -> Connection[Person]:
        size = page_size(first, info.context.limits.max_page_size)
        query = person_query(filter or PersonFilter(), date.today())
        rows = await info.context.loaders.pages.persons(query, decode_cursor(after), size + 1)
        return connection(rows, size, lambda row: Person.from_record(row, info.context.access))

    @classified(DataClass.PERSON_BASIC)
    async def person(self, info: Info, id: strawberry.ID) -> Person:
        return await fetch(info, "Person", global_id.decode(id, "Person")[1])

    @classified(DataClass.HOUSEHOLD)
    async def households(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: HouseholdFilter | None = None,
    ) -> Connection[Household]:
        f = filter or HouseholdFilter()
        size = page_size(first, info.context.limits.max_page_size)
        rows = await info.context.loaders.pages.households(within(f.grid, f.division), decode_cursor(after), size + 1)
        return connection(rows, size, Household.from_record)

    @classified(DataClass.HOUSEHOLD)
    async def household(self, info: Info, id: strawberry.ID) -> Household:
        return await fetch(info, "Household", global_id.decode(id, "Household")[1])
