"""Cursor pages of the root connections (persons, households, organizations, key places).

`within` is a division or grid code: the page reads the grids of the caller's row scope
whose code starts with it (grid codes extend their village's code), so the filter and
the scope become one indexed `IN $grids`. A page asks for `limit` rows after the cursor
id; the caller asks for one more than it shows to know whether a next page exists.
"""

from dataclasses import dataclass
from typing import Any

from graph_model.cypher.division import GET_ROOT_DIVISIONS
from graph_model.cypher.household import LIST_HOUSEHOLDS
from graph_model.cypher.person import LIST_PERSONS
from graph_model.cypher.place import GET_DEPARTMENTS, LIST_KEY_PLACES, LIST_ORGANIZATIONS
from graph_model.statement import Statement
from graph_model.store import GraphStore, Record
from loaders.base import RowScope


@dataclass(frozen=True)
class PersonQuery:
    within: str
    name_prefix: str | None = None
    tags: list[str] | None = None
    born_from: str | None = None
    born_to: str | None = None


class Pages:
    def __init__(self, store: GraphStore, scope: RowScope) -> None:
        self._store = store
        self._scope = scope

    async def _page(
        self, stmt: Statement, row_type: str, within: str, after: str, limit: int, **filters: Any
    ) -> list[Record]:
        grids = [g for g in self._scope.grid_list(row_type) if g.startswith(within)]
        if not grids:
            return []
        rows = await self._store.read(stmt, {"grids": grids, "after": after, "limit": limit, **filters})
        self._scope.record(row_type, (row["id"] for row in rows))
        return rows

    async def persons(self, query: PersonQuery, after: str, limit: int) -> list[Record]:
        filters = {k: v for k, v in query.__dict__.items() if k != "within"}
        return await self._page(LIST_PERSONS, "Person", query.within, after, limit, **filters)

    async def households(self, within: str, after: str, limit: int) -> list[Record]:
        return await self._page(LIST_HOUSEHOLDS, "Household", within, after, limit)

    async def organizations(
        self, within: str, kind: str | None, name_prefix: str | None, after: str, limit: int
    ) -> list[Record]:
        return await self._page(
            LIST_ORGANIZATIONS, "Organization", within, after, limit, kind=kind, name_prefix=name_prefix
        )

    async def key_places(self, within: str, kind: str | None, risk: str | None, after: str, limit: int) -> list[Record]:
        return await self._page(LIST_KEY_PLACES, "KeyPlace", within, after, limit, kind=kind, risk=risk)

    async def root_divisions(self) -> list[Record]:
        return await self._store.read(GET_ROOT_DIVISIONS)

    async def departments(self, within: str) -> list[Record]:
        return await self._store.read(GET_DEPARTMENTS, {"within": within})
