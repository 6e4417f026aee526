"""Persons (实有人口), households and the dwellings they live at."""

from datetime import date
from typing import Self

import strawberry

from api import global_id
from api.context import Info
from api.fields import classified
from api.grid.types import Grid, load_grid
from api.node import Node
from api.place.types import Building
from authz.classes import DataClass
from authz.gate import Access
from authz.masking import mask_row
from graph_model.store import Record


@strawberry.type(
    description="A person registered or living in a grid. Masked values appear where policy allows only masked reading."
)
class Person(Node):
    name: str = classified(DataClass.PERSON_BASIC, "Masked as 张* where only masked reading is allowed.")
    gender: str = classified(DataClass.PERSON_BASIC, "male | female")
    birth_date: date | None = classified(DataClass.PERSON_BASIC, "Null where only masked reading is allowed.")
    residency: str = classified(DataClass.PERSON_BASIC, "registered | resident | floating")
    relation: str = classified(DataClass.PERSON_BASIC, "Relation to the head of the household.")
    id_number: str = classified(
        DataClass.PERSON_IDENTITY,
        "Citizen ID number (GB 11643); masked as 330802************ (region only), also where person.basic is masked.",
    )
    phone: str = classified(DataClass.PERSON_CONTACT, "Masked as 138****5678.")
    tags: list[str] | None = classified(DataClass.PERSON_SENSITIVE, "Special-group tags; null where masked.")
    household_id: strawberry.Private[str]
    grid_id: strawberry.Private[str]

    @classmethod
    def from_record(cls, row: Record, access: Access) -> Self:
        """Masking happens here, once per row, so every field resolver stays a plain attribute."""
        grid = row["grid"]
        values = {
            "name": row["name"],
            "gender": row["gender"],
            "birth_date": date.fromisoformat(row["birth_date"]),
            "residency": row["residency"],
            "relation": row["relation"],
            "id_number": row["id_number"],
            "phone": row["phone"],
            "tags": row["tags"] or [],
        }
        mask_row(values, lambda data_class: access.is_raw(data_class, grid))
        return cls(
            id=strawberry.ID(global_id.encode("Person", row["id"])),
            household_id=row["household"],
            grid_id=grid,
            **values,
        )

    @classified(DataClass.HOUSEHOLD)
    async def household(self, info: Info) -> "Household":
        return Household.from_record(await info.context.loaders.household_by_id.load(self.household_id))

    @classified(DataClass.GRID)
    async def grid(self, info: Info) -> Grid:
        return await load_grid(info, self.grid_id)


@strawberry.type(description="A dwelling (住所): a unit and room in a building.")
class Dwelling:
    unit: str = classified(DataClass.HOUSEHOLD)
    room: str = classified(DataClass.HOUSEHOLD)
    building_id: strawberry.Private[str]

    @classified(DataClass.BUILDING)
    async def building(self, info: Info) -> Building:
        return Building.from_record(await info.context.loaders.building_by_id.load(self.building_id))


@strawberry.type(description="A household (户) living at one dwelling.")
class Household(Node):
    kind: str = classified(DataClass.HOUSEHOLD, "family | collective")
    raw_id: strawberry.Private[str]
    dwelling_id: strawberry.Private[str]
    grid_id: strawberry.Private[str]

    @classmethod
    def from_record(cls, row: Record) -> Self:
        return cls(
            id=strawberry.ID(global_id.encode("Household", row["id"])),
            raw_id=row["id"],
            kind=row["kind"],
            dwelling_id=row["dwelling"],
            grid_id=row["grid"],
        )

    @classified(DataClass.PERSON_BASIC)
    async def members(self, info: Info) -> list[Person]:
        rows = await info.context.loaders.persons_by_household.load(self.raw_id)
        return [Person.from_record(r, info.context.access) for r in rows]

    @classified(DataClass.HOUSEHOLD)
    async def dwelling(self, info: Info) -> Dwelling:
        row = await info.context.loaders.dwelling_by_id.load(self.dwelling_id)
        return Dwelling(unit=row["unit"], room=row["room"], building_id=row["building"])

    @classified(DataClass.GRID)
    async def grid(self, info: Info) -> Grid:
        return await load_grid(info, self.grid_id)
