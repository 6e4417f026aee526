"""Cursor pages of the root connections (persons, households, organizations, key places).

`within` is a division or grid code: everything whose grid code starts with it is in
range. A page asks for `limit` rows after the cursor id; the caller asks for one more
than it shows to know whether a next page exists.
"""

from dataclasses import dataclass
from typing import Any

from graph_model.cypher.division import GET_ROOT_DIVISIONS
from graph_model.cypher.household import LIST_HOUSEHOLDS
from graph_model.cypher.person import LIST_PERSONS
from graph_model.cypher.place import GET_DEPARTMENTS, LIST_KEY_PLACES, LIST_ORGANIZATIONS
from graph_model.store import GraphStore, Record


@dataclass(frozen=True)
class PersonQuery:
    within: str
    name_prefix: str | None = None
    tags: list[str] | None = None
    born_from: str | None = None
    born_to: str | None = None


class Pages:
    def __init__(self, store: GraphStore) -> None:
        self._store = store

    async def persons(self, query: PersonQuery, after: str, limit: int) -> list[Record]:
        params: dict[str, Any] = {**query.__dict__, "after": after, "limit": limit}
        return await self._store.read(LIST_PERSONS, params)

    async def households(self, within: str, after: str, limit: int) -> list[Record]:
        return await self._store.read(LIST_HOUSEHOLDS, {"within": within, "after": after, "limit": limit})

    async def organizations(
        self, within: str, kind: str | None, name_prefix: str | None, after: str, limit: int
    ) -> list[Record]:
        params = {"within": within, "kind": kind, "name_prefix": name_prefix, "after": after, "limit": limit}
        return await self._store.read(LIST_ORGANIZATIONS, params)

    async def key_places(self, within: str, kind: str | None, risk: str | None, after: str, limit: int) -> list[Record]:
        params = {"within": within, "kind": kind, "risk": risk, "after": after, "limit": limit}
        return await self._store.read(LIST_KEY_PLACES, params)

    async def root_divisions(self) -> list[Record]:
        return await self._store.read(GET_ROOT_DIVISIONS)

    async def departments(self, within: str) -> list[Record]:
        return await self._store.read(GET_DEPARTMENTS, {"within": within})
