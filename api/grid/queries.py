"""Root fields for grids and key places."""

import strawberry

from api import global_id
from api.context import Info
from api.fields import classified, filter_field
from api.filters import within
from api.grid.types import Grid
from api.node_query import fetch
from api.pagination import Connection, connection, decode_cursor, page_size
from api.place.types import KeyPlace
from authz.classes import DataClass


@strawberry.input
class KeyPlaceFilter:
    grid: strawberry.ID | None = filter_field(DataClass.GRID, "Key places of this grid.")
    division: str | None = filter_field(DataClass.DIVISION, "Key places of this division (code).")
    kind: str | None = filter_field(DataClass.KEY_PLACE)
    risk: str | None = filter_field(DataClass.KEY_PLACE, "low | medium | high")


@strawberry.type
class GridQuery:
    @classified(DataClass.GRID)
    async def grid(self, info: Info, id: strawberry.ID) -> Grid:
        return await fetch(info, "Grid", global_id.decode(id, "Grid")[1])

    @classified(DataClass.KEY_PLACE)
    async def key_places(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: KeyPlaceFilter | None = None,
    ) -> Connection[KeyPlace]:
        f = filter or KeyPlaceFilter()
        size = page_size(first, info.context.limits.max_page_size)
        rows = await info.context.loaders.pages.key_places(
            within(f.grid, f.division), f.kind, f.risk, decode_cursor(after), size + 1
        )
        return connection(rows, size, KeyPlace.from_record)
