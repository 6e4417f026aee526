"""Base DataLoaders: one named statement per batch, whatever the number of keys.

Loaders live for one request only (built in `get_context`): their cache holds rows
fetched for one principal and must never answer the next caller. They fetch; they
never decide who may see what.
"""

from collections.abc import Hashable, Sequence
from typing import Any, ClassVar

from strawberry.dataloader import DataLoader

from graph_model.statement import Statement
from graph_model.store import GraphStore, Record


class RecordByIdLoader(DataLoader[str, Record | None]):
    """Loads one record per key; a key with no row yields None (the caller decides NOT_FOUND)."""

    statement: ClassVar[Statement]
    param: ClassVar[str] = "ids"
    key_column: ClassVar[str] = "id"

    def __init__(self, store: GraphStore) -> None:
        super().__init__(load_fn=self._load)
        self._store = store

    async def _load(self, keys: Sequence[str]) -> list[Record | None]:
        rows = await self._store.read(self.statement, {self.param: list(dict.fromkeys(keys))})
        found = {row[self.key_column]: row for row in rows}
        return [found.get(key) for key in keys]


class RecordsByKeyLoader(DataLoader[str, list[Record]]):
    """Loads the list of records hanging off each key (members of a household, staff of a grid)."""

    statement: ClassVar[Statement]
    param: ClassVar[str] = "ids"
    group_column: ClassVar[str]

    def __init__(self, store: GraphStore) -> None:
        super().__init__(load_fn=self._load)
        self._store = store

    async def _load(self, keys: Sequence[str]) -> list[list[Record]]:
        rows = await self._store.read(self.statement, {self.param: list(dict.fromkeys(keys))})
        groups: dict[str, list[Record]] = {key: [] for key in keys}
        for row in rows:
            groups[row[self.group_column]].append(row)
        return [groups[key] for key in keys]


class CountByKeyLoader(DataLoader[str, int]):
    statement: ClassVar[Statement]
    group_column: ClassVar[str]

    def __init__(self, store: GraphStore) -> None:
        super().__init__(load_fn=self._load)
        self._store = store

    async def _load(self, keys: Sequence[str]) -> list[int]:
        rows = await self._store.read(self.statement, {"ids": list(dict.fromkeys(keys))})
        counts = {row[self.group_column]: row["n"] for row in rows}
        return [int(counts.get(key, 0)) for key in keys]


PageKey = tuple[str, str, int]


class PageByParentLoader(DataLoader[PageKey, list[Record]]):
    """Loads one page (after-cursor, limit) per parent, for many parents in one statement."""

    statement: ClassVar[Statement]
    parent_column: ClassVar[str]

    def __init__(self, store: GraphStore) -> None:
        super().__init__(load_fn=self._load, cache_key_fn=_hashable)
        self._store = store

    async def _load(self, keys: Sequence[PageKey]) -> list[list[Record]]:
        params: dict[str, Any] = {
            "keys": [{self.parent_column: p, "after": a, "limit": n} for p, a, n in dict.fromkeys(keys)]
        }
        rows = await self._store.read(self.statement, params)
        pages = {(row[self.parent_column], row["after"]): row["rows"] for row in rows}
        return [pages.get((parent, after), [])[:limit] for parent, after, limit in keys]


def _hashable(key: PageKey) -> Hashable:
    return key
