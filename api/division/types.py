"""Administrative divisions (GB/T 2260 and statistical codes): city, county, township, village."""

from typing import Self

import strawberry

from api import global_id
from api.context import Info
from api.fields import classified
from api.grid.types import Grid
from api.node import Node
from authz.classes import DataClass
from graph_model.store import Record


@strawberry.type(description="An administrative division: city, county, township or village/community.")
class Division(Node):
    code: str = classified(DataClass.DIVISION)
    name: str = classified(DataClass.DIVISION)
    level: str = classified(DataClass.DIVISION, "city | county | township | village")
    parent_code: strawberry.Private[str | None]

    @classmethod
    def from_record(cls, row: Record) -> Self:
        return cls(
            id=strawberry.ID(global_id.encode("Division", row["code"])),
            code=row["code"],
            name=row["name"],
            level=row["level"],
            parent_code=row["parent"],
        )

    @classified(DataClass.DIVISION)
    async def parent(self, info: Info) -> "Division | None":
        if self.parent_code is None:
            return None
        row = await info.context.loaders.division_by_code.load(self.parent_code)
        return Division.from_record(row) if row else None

    @classified(DataClass.DIVISION)
    async def children(self, info: Info) -> list["Division"]:
        return [Division.from_record(r) for r in await info.context.loaders.divisions_by_parent.load(self.code)]

    @classified(DataClass.GRID, "Every grid within this division.")
    async def grids(self, info: Info) -> list[Grid]:
        return [Grid.from_record(r) for r in await info.context.loaders.grids_by_division.load(self.code)]
