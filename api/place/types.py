"""Buildings, organizations (组织机构), key places (重点场所) and departments (Art. 4)."""

from typing import Self

import strawberry

from api import global_id
from api.context import Info
from api.fields import classified
from api.grid.types import Grid, load_grid
from api.node import Node
from authz.classes import DataClass
from graph_model.store import Record


@strawberry.type(description="A building inside a grid.")
class Building(Node):
    address: str = classified(DataClass.BUILDING)
    kind: str = classified(DataClass.BUILDING)
    lat: float = classified(DataClass.BUILDING)
    lon: float = classified(DataClass.BUILDING)
    raw_id: strawberry.Private[str]
    grid_id: strawberry.Private[str]

    @classmethod
    def from_record(cls, row: Record) -> Self:
        return cls(
            id=strawberry.ID(global_id.encode("Building", row["id"])),
            raw_id=row["id"],
            address=row["address"],
            kind=row["kind"],
            lat=row["lat"],
            lon=row["lon"],
            grid_id=row["grid"],
        )

    @classified(DataClass.GRID)
    async def grid(self, info: Info) -> Grid:
        return await load_grid(info, self.grid_id)

    @classified(DataClass.ORGANIZATION)
    async def organizations(self, info: Info) -> list["Organization"]:
        rows = await info.context.loaders.organizations_by_building.load(self.raw_id)
        return [Organization.from_record(r) for r in rows]


@strawberry.type(description="An organization (company, institution, social organization) in a building.")
class Organization(Node):
    name: str = classified(DataClass.ORGANIZATION)
    uscc: str = classified(DataClass.ORGANIZATION, "Unified social credit code (GB 32100).")
    kind: str = classified(DataClass.ORGANIZATION)
    building_id: strawberry.Private[str]

    @classmethod
    def from_record(cls, row: Record) -> Self:
        return cls(
            id=strawberry.ID(global_id.encode("Organization", row["id"])),
            name=row["name"],
            uscc=row["uscc"],
            kind=row["kind"],
            building_id=row["building"],
        )

    @classified(DataClass.BUILDING)
    async def building(self, info: Info) -> Building:
        return Building.from_record(await info.context.loaders.building_by_id.load(self.building_id))


@strawberry.type(description="A key place (重点场所) that grid staff watch.")
class KeyPlace(Node):
    name: str = classified(DataClass.KEY_PLACE)
    kind: str = classified(DataClass.KEY_PLACE)
    risk: str = classified(DataClass.KEY_PLACE, "low | medium | high")
    grid_id: strawberry.Private[str]

    @classmethod
    def from_record(cls, row: Record) -> Self:
        return cls(
            id=strawberry.ID(global_id.encode("KeyPlace", row["id"])),
            name=row["name"],
            kind=row["kind"],
            risk=row["risk"],
            grid_id=row["grid"],
        )

    @classified(DataClass.GRID)
    async def grid(self, info: Info) -> Grid:
        return await load_grid(info, self.grid_id)


@strawberry.type(description="A department of Art. 4 at county level.")
class Department:
    code: str = classified(DataClass.DEPARTMENT)
    name: str = classified(DataClass.DEPARTMENT)
    division_code: str = classified(DataClass.DEPARTMENT)
