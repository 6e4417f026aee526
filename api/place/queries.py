"""Root fields for buildings, organizations and departments."""

from typing import Annotated

import strawberry

from api import global_id
from api.context import Info
from api.fields import classified, filter_argument, filter_field
from api.filters import CITY, within
from api.node_query import fetch
from api.pagination import Connection, connection, decode_cursor, page_size
from api.place.types import Building, Department, Organization
from authz.classes import DataClass


@strawberry.input
class OrganizationFilter:
    grid: strawberry.ID | None = filter_field(DataClass.GRID, "Organizations of this grid.")
    division: str | None = filter_field(DataClass.DIVISION, "Organizations of this division (code).")
    kind: str | None = filter_field(DataClass.ORGANIZATION)
    name_prefix: str | None = filter_field(DataClass.ORGANIZATION, "Names starting with this.")


@strawberry.type
class PlaceQuery:
    @classified(DataClass.BUILDING)
    async def building(self, info: Info, id: strawberry.ID) -> Building:
        return await fetch(info, "Building", global_id.decode(id, "Building")[1])

    @classified(DataClass.ORGANIZATION)
    async def organizations(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: OrganizationFilter | None = None,
    ) -> Connection[Organization]:
        f = filter or OrganizationFilter()
        size = page_size(first, info.context.limits.max_page_size)
        rows = await info.context.loaders.pages.organizations(
            within(f.grid, f.division), f.kind, f.name_prefix, decode_cursor(after), size + 1
        )
        return connection(rows, size, Organization.from_record)

    @classified(DataClass.DEPARTMENT, "Departments of Art. 4, optionally of one county.")
    async def departments(
        self,
        info: Info,
        division: Annotated[str | None, filter_argument(DataClass.DEPARTMENT, "A county code.")] = None,
    ) -> list[Department]:
        rows = await info.context.loaders.pages.departments(within(None, division) if division else CITY)
        return [Department(code=r["code"], name=r["name"], division_code=r["division"]) for r in rows]
