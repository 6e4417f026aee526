"""Grids (网格, Art. 2 and 9) and the staff that serve them (Art. 11-13)."""

from enum import Enum
from typing import TYPE_CHECKING, Annotated, Self

import strawberry

from api import global_id
from api.context import Info
from api.fields import classified, filter_argument
from api.node import Node
from api.pagination import Connection, connection, decode_cursor, page_size
from authz.classes import DataClass
from graph_model.division_codes import DIVISION_CODE_LENGTHS
from graph_model.store import Record

if TYPE_CHECKING:
    from api.division.types import Division
    from api.person.types import Household
    from api.place.types import Building, KeyPlace


@strawberry.enum(description="Grid staff roles of Art. 11.")
class StaffRole(Enum):
    GRID_CHIEF = "grid_chief"
    GRID_WORKER = "grid_worker"
    GRID_PART_TIME = "grid_part_time"
    GRID_INSTRUCTOR = "grid_instructor"


@strawberry.type(description="A member of a grid's staff; names and phones are published per Art. 14.")
class Staff:
    id: strawberry.ID
    name: str = classified(DataClass.STAFF_DIRECTORY)
    phone: str = classified(DataClass.STAFF_DIRECTORY)
    role: StaffRole = classified(DataClass.STAFF_DIRECTORY)

    @classmethod
    def from_record(cls, row: Record) -> Self:
        return cls(
            id=strawberry.ID(global_id.encode("Staff", row["id"])),
            name=row["name"],
            phone=row["phone"],
            role=StaffRole(row["role"]),
        )


# Grids are public (Art. 14), their figures are not: a count says how many people live where, so it
# has its own class, granted to the roles whose duty needs it, in their jurisdiction. The grid itself
# stays readable everywhere, so the count cannot narrow the rows the way personal fields do; it
# answers null for a grid outside the caller's grid.stats jurisdiction instead, and the gate refuses
# it outright to a caller who holds grid.stats nowhere.
_OUTSIDE = "Null for a grid outside the caller's grid.stats jurisdiction."


@strawberry.type(description="A grid: the basic service and management unit of a village or community.")
class Grid(Node):
    code: str = classified(DataClass.GRID)
    name: str = classified(DataClass.GRID)
    kind: str = classified(DataClass.GRID)
    boundary: str = classified(DataClass.GRID, "Boundary polygon as WKT (longitude latitude).")
    division_path: list[str] = classified(
        DataClass.GRID, "Codes of the grid's divisions from the city down to its village or community."
    )
    raw_id: strawberry.Private[str]
    village_code: strawberry.Private[str]

    @classmethod
    def from_record(cls, row: Record) -> Self:
        return cls(
            id=strawberry.ID(global_id.encode("Grid", row["id"])),
            raw_id=row["id"],
            code=row["code"],
            name=row["name"],
            kind=row["kind"],
            boundary=row["boundary"],
            village_code=row["village"],
            division_path=division_path(row["code"]),
        )

    @classified(DataClass.DIVISION)
    async def village(self, info: Info) -> Annotated["Division", strawberry.lazy("api.division.types")]:
        from api.division.types import Division

        return Division.from_record(await info.context.loaders.division_by_code.load(self.village_code))

    @classified(DataClass.HOUSEHOLD)
    async def households(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Annotated["Household", strawberry.lazy("api.person.types")]]:
        from api.person.types import Household

        size = page_size(first, info.context.limits.max_page_size)
        key = (self.raw_id, decode_cursor(after), size + 1)
        return connection(await info.context.loaders.household_page_by_grid.load(key), size, Household.from_record)

    @classified(DataClass.BUILDING)
    async def buildings(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Annotated["Building", strawberry.lazy("api.place.types")]]:
        from api.place.types import Building

        size = page_size(first, info.context.limits.max_page_size)
        key = (self.raw_id, decode_cursor(after), size + 1)
        return connection(await info.context.loaders.building_page_by_grid.load(key), size, Building.from_record)

    @classified(DataClass.STAFF_DIRECTORY, "Staff serving this grid, optionally of one role.")
    async def staff(
        self, info: Info, role: Annotated[StaffRole | None, filter_argument(DataClass.STAFF_DIRECTORY)] = None
    ) -> list[Staff]:
        rows = await info.context.loaders.staff_by_grid.load(self.raw_id)
        return [Staff.from_record(r) for r in rows if role is None or r["role"] == role.value]

    @classified(DataClass.KEY_PLACE)
    async def key_places(self, info: Info) -> list[Annotated["KeyPlace", strawberry.lazy("api.place.types")]]:
        from api.place.types import KeyPlace

        return [KeyPlace.from_record(r) for r in await info.context.loaders.key_places_by_grid.load(self.raw_id)]

    @classified(DataClass.GRID_STATS, _OUTSIDE)
    async def household_count(self, info: Info) -> int | None:
        if not info.context.access.covers(DataClass.GRID_STATS, self.code):
            return None
        return await info.context.loaders.household_count_by_grid.load(self.raw_id)

    @classified(DataClass.GRID_STATS, _OUTSIDE)
    async def person_count(self, info: Info) -> int | None:
        if not info.context.access.covers(DataClass.GRID_STATS, self.code):
            return None
        return await info.context.loaders.person_count_by_grid.load(self.raw_id)


def division_path(grid_code: str) -> list[str]:
    """Grid codes extend their village's 12-digit code, which extends township (9), county (6) and city (4)."""
    return [grid_code[:n] for n in DIVISION_CODE_LENGTHS]


async def load_grid(info: Info, grid_id: str) -> Grid:
    """The grid a record lives in; every in-grid type resolves its `grid` field through here."""
    return Grid.from_record(await info.context.loaders.grid_by_id.load(grid_id))
