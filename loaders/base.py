"""Base DataLoaders: one named statement per batch, whatever the number of keys.

Loaders live for one request only (built in `get_context`): their cache holds rows
fetched for one principal and must never answer the next caller. They fetch; they
never decide who may see what: the row scope the gate decided arrives as the
`$grids` parameter of each statement, read when the batch runs.
"""

from collections.abc import Hashable, Iterable, Sequence
from typing import Any, ClassVar, Protocol

from strawberry.dataloader import DataLoader

from graph_model.statement import Statement
from graph_model.store import GraphStore, Record


class RowScope(Protocol):
    def grid_list(self, type_name: str) -> list[str]: ...

    def record(self, type_name: str, ids: Iterable[str]) -> None: ...


class ScopedLoader:
    """Adds `$grids` (the grids whose rows of `row_type` the caller may see) to a batch's parameters."""

    row_type: ClassVar[str | None] = None

    def __init__(self, store: GraphStore, scope: RowScope) -> None:
        self._store = store
        self._scope = scope

    def params(self, **params: Any) -> dict[str, Any]:
        if self.row_type is not None:
            params["grids"] = self._scope.grid_list(self.row_type)
        return params

    def fetched(self, rows: Iterable[Record]) -> None:
        if self.row_type is not None:
            self._scope.record(self.row_type, (row["id"] for row in rows))


class RecordByIdLoader(ScopedLoader, DataLoader[str, Record | None]):
    """Loads one record per key; a key with no row (missing or out of scope) yields None: NOT_FOUND."""

    statement: ClassVar[Statement]
    param: ClassVar[str] = "ids"
    key_column: ClassVar[str] = "id"

    def __init__(self, store: GraphStore, scope: RowScope) -> None:
        ScopedLoader.__init__(self, store, scope)
        DataLoader.__init__(self, load_fn=self._load)

    async def _load(self, keys: Sequence[str]) -> list[Record | None]:
        rows = await self._store.read(self.statement, self.params(**{self.param: list(dict.fromkeys(keys))}))
        self.fetched(rows)
        found = {row[self.key_column]: row for row in rows}
        return [found.get(key) for key in keys]


class RecordsByKeyLoader(ScopedLoader, DataLoader[str, list[Record]]):
    """Loads the list of records hanging off each key (members of a household, staff of a grid)."""

    statement: ClassVar[Statement]
    param: ClassVar[str] = "ids"
    group_column: ClassVar[str]

    def __init__(self, store: GraphStore, scope: RowScope) -> None:
        ScopedLoader.__init__(self, store, scope)
        DataLoader.__init__(self, load_fn=self._load)

    async def _load(self, keys: Sequence[str]) -> list[list[Record]]:
        rows = await self._store.read(self.statement, self.params(**{self.param: list(dict.fromkeys(keys))}))
        self.fetched(rows)
        groups: dict[str, list[Record]] = {key: [] for key in keys}
        for row in rows:
            groups[row[self.group_column]].append(row)
        return [groups[key] for key in keys]


class CountByKeyLoader(ScopedLoader, DataLoader[str, int]):
    statement: ClassVar[Statement]
    group_column: ClassVar[str]

    def __init__(self, store: GraphStore, scope: RowScope) -> None:
        ScopedLoader.__init__(self, store, scope)
        DataLoader.__init__(self, load_fn=self._load)

    async def _load(self, keys: Sequence[str]) -> list[int]:
        rows = await self._store.read(self.statement, {"ids": list(dict.fromkeys(keys))})
        counts = {row[self.group_column]: row["n"] for row in rows}
        return [int(counts.get(key, 0)) for key in keys]


PageKey = tuple[str, str, int]


class PageByParentLoader(ScopedLoader, DataLoader[PageKey, list[Record]]):
    """Loads one page (after-cursor, limit) per parent, for many parents in one statement."""

    statement: ClassVar[Statement]
    parent_column: ClassVar[str]

    def __init__(self, store: GraphStore, scope: RowScope) -> None:
        ScopedLoader.__init__(self, store, scope)
        DataLoader.__init__(self, load_fn=self._load, cache_key_fn=_hashable)

    async def _load(self, keys: Sequence[PageKey]) -> list[list[Record]]:
        keyed = [{self.parent_column: p, "after": a, "limit": n} for p, a, n in dict.fromkeys(keys)]
        rows = await self._store.read(self.statement, self.params(keys=keyed))
        self.fetched(row for page in rows for row in page["rows"])
        pages = {(row[self.parent_column], row["after"]): row["rows"] for row in rows}
        return [pages.get((parent, after), [])[:limit] for parent, after, limit in keys]


def _hashable(key: PageKey) -> Hashable:
    return key
