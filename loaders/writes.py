"""Writes of base data by grid staff (Art. 10(2), 13), each one statement with the row scope in it.

A write outside the caller's scope matches no row and changes nothing; the caller
answers NOT_FOUND, exactly as for a missing id.
"""

from graph_model.cypher.person import UPDATE_PERSON_PHONE
from graph_model.store import GraphStore
from loaders.base import RowScope


class Writes:
    def __init__(self, store: GraphStore, scope: RowScope) -> None:
        self._store = store
        self._scope = scope

    async def person_phone(self, person_id: str, phone: str) -> bool:
        params = {"id": person_id, "phone": phone, "grids": self._scope.grid_list("Person")}
        rows = await self._store.write(UPDATE_PERSON_PHONE, params)
        self._scope.record("Person", (row["id"] for row in rows))
        return bool(rows)
