"""Writes of base data by grid staff (Art. 10(2), 13), each one statement with the row scope in it.

A write outside the caller's scope matches no row and changes nothing; the caller
answers NOT_FOUND, exactly as for a missing id.

Every write goes through `targeted_write`, naming the rows it aims at: the rows it returns are
the audit record's data subjects, and if its outcome is unknown (the graph stopped answering
mid-statement) the targeted rows are, since it may have changed them.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from graph_model.cypher.person import UPDATE_PERSON_PHONE
from graph_model.statement import Statement
from graph_model.store import GraphStore, OutcomeUnknown, Record
from loaders.base import RowScope


async def targeted_write(
    store: GraphStore,
    scope: RowScope,
    stmt: Statement,
    params: Mapping[str, Any],
    targets: Mapping[str, Iterable[str]],
) -> list[Record]:
    """Run one write; its returned rows carry `id`. `targets` maps row types to the ids it aims at
    (the first row type also labels what the returned ids are)."""
    try:
        rows = await store.write(stmt, params)
    except OutcomeUnknown:
        for type_name, ids in targets.items():
            scope.record(type_name, ids)
        raise
    scope.record(next(iter(targets)), (row["id"] for row in rows))
    return rows


class Writes:
    def __init__(self, store: GraphStore, scope: RowScope) -> None:
        self._store = store
        self._scope = scope

    async def person_phone(self, person_id: str, phone: str) -> bool:
        params = {"id": person_id, "phone": phone, "grids": self._scope.grid_list("Person")}
        rows = await targeted_write(self._store, self._scope, UPDATE_PERSON_PHONE, params, {"Person": [person_id]})
        return bool(rows)
