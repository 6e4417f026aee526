"""Loaders and writes of cases: one named statement per batch, the case row scope in each.

The scope of cases is the gate's `CaseScope` (authz/case_scope.py), read when a batch runs:
the gate fills it in after the loaders were built. Loaders fetch and write; they never decide
which step a caller may take (that is the state machine's, in api/case/).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from strawberry.dataloader import DataLoader

from authz.case_scope import CaseScope
from graph_model.cypher.case import (
    APPLY_CASE_ACTION,
    ASSESS_CASES,
    CREATE_CASE,
    FIND_DUPLICATE_CASES,
    GET_BUILDING_LOCATIONS,
    GET_CASE_BY_IDEMPOTENCY_KEY,
    GET_CASE_PURPOSE_PERSONS,
    GET_CASE_STEPS_BY_CASES,
    GET_CASES_BY_IDS,
    GET_WORK_ITEM_TYPES,
    LIST_CASE_EVENTS,
    LIST_CASES,
    LIST_OVERDUE_CASES,
)
from graph_model.cypher.person import GET_PERSONS_BY_IDS
from graph_model.store import GraphStore, Record
from loaders.base import RowScope

ROW_TYPE = "Case"


class CaseRowScope(RowScope, Protocol):
    cases: CaseScope


class CaseByIdLoader(DataLoader[str, Record | None]):
    def __init__(self, store: GraphStore, scope: CaseRowScope) -> None:
        super().__init__(load_fn=self._load)
        self._store, self._scope = store, scope

    async def _load(self, keys: Sequence[str]) -> list[Record | None]:
        params = {"ids": list(dict.fromkeys(keys)), **self._scope.cases.params()}
        rows = await self._store.read(GET_CASES_BY_IDS, params)
        self._scope.record(ROW_TYPE, (r["id"] for r in rows))
        found = {r["id"]: r for r in rows}
        return [found.get(k) for k in keys]


class StepsByCaseLoader(DataLoader[str, list[Record]]):
    def __init__(self, store: GraphStore, scope: CaseRowScope) -> None:
        super().__init__(load_fn=self._load)
        self._store, self._scope = store, scope

    async def _load(self, keys: Sequence[str]) -> list[list[Record]]:
        params = {"ids": list(dict.fromkeys(keys)), **self._scope.cases.params()}
        groups: dict[str, list[Record]] = {k: [] for k in keys}
        for row in await self._store.read(GET_CASE_STEPS_BY_CASES, params):
            groups[row["case_id"]].append(row)
        return [groups[k] for k in keys]


class WorkItemsLoader(DataLoader[str, Record | None]):
    """The catalogue is small (tens of items): one batch reads all of it, whatever codes are asked."""

    def __init__(self, store: GraphStore) -> None:
        super().__init__(load_fn=self._load)
        self._store = store

    async def _load(self, keys: Sequence[str]) -> list[Record | None]:
        found = {r["code"]: r for r in await self._store.read(GET_WORK_ITEM_TYPES)}
        return [found.get(k) for k in keys]

    async def every(self) -> list[Record]:
        rows = await self._store.read(GET_WORK_ITEM_TYPES)
        for row in rows:
            self.prime(row["code"], row)
        return rows


@dataclass(frozen=True)
class CaseQuery:
    within: str  # a division or grid code prefix
    status: str | None = None
    category: str | None = None


class Cases:
    """Pages of cases and the writes of the lifecycle, each one statement with the case scope in it."""

    def __init__(self, store: GraphStore, scope: CaseRowScope) -> None:
        self._store, self._scope = store, scope

    def _params(self, **params: Any) -> dict[str, Any]:
        return {**params, **self._scope.cases.params()}

    async def _rows(self, rows: list[Record]) -> list[Record]:
        self._scope.record(ROW_TYPE, (r["id"] for r in rows))
        return rows

    async def page(self, query: CaseQuery, after: str, limit: int) -> list[Record]:
        params = self._params(within=query.within, status=query.status, category=query.category, after=after)
        return await self._rows(await self._store.read(LIST_CASES, {**params, "limit": limit}))

    async def overdue(self, within: str, department: str | None, now: int, after: str, limit: int) -> list[Record]:
        params = self._params(within=within, department=department, now=now, after=after, limit=limit)
        return await self._rows(await self._store.read(LIST_OVERDUE_CASES, params))

    async def events(self, after: int, limit: int) -> list[Record]:
        rows = await self._store.read(LIST_CASE_EVENTS, self._params(after=after, limit=limit))
        self._scope.record(ROW_TYPE, {r["case_id"] for r in rows})
        return rows

    async def building_locations(self, ids: list[str]) -> list[Record]:
        return await self._store.read(GET_BUILDING_LOCATIONS, {"ids": ids})

    async def persons(self, ids: list[str], grids: list[str]) -> list[Record]:
        """The persons of `ids` that live in `grids` (where the caller reads persons unmasked)."""
        return await self._store.read(GET_PERSONS_BY_IDS, {"ids": ids, "grids": grids})

    async def duplicates(self, category: str, since: int, box: tuple[float, float, float, float]) -> list[Record]:
        south, west, north, east = box
        params = {"category": category, "since": since, "south": south, "west": west, "north": north, "east": east}
        return await self._store.read(FIND_DUPLICATE_CASES, params)

    async def create(
        self,
        year: str,
        grid: str,
        case: dict[str, Any],
        duplicate_of: str | None,
        persons: list[str],
        idempotency: str | None = None,
    ) -> tuple[str, bool]:
        """The new case's id and True; or, if a case was made under `idempotency` already, its id and False."""
        params = {"year": year, "grid": grid, "case": case, "duplicate_of": duplicate_of, "persons": persons,
                  "idempotency": idempotency}  # fmt: skip
        rows = await self._store.write(CREATE_CASE, params)
        if rows:
            self._scope.record(ROW_TYPE, (r["id"] for r in rows))
            return str(rows[0]["id"]), True
        made = await self._store.read(GET_CASE_BY_IDEMPOTENCY_KEY, {"idempotency": idempotency})
        return str(made[0]["id"]), False

    async def apply(
        self, case_id: str, version: int, action: str, changes: dict[str, Any], step: dict[str, Any]
    ) -> bool:
        """Change the case and add its step if it is still at `version` and in scope; False changes nothing."""
        params = self._params(id=case_id, version=version, action=action, changes=changes, **step)
        return bool(await self._store.write(APPLY_CASE_ACTION, params))

    async def purpose_persons(self, case_id: str, scope: CaseScope) -> frozenset[str] | None:
        """The persons a case concerns, if the case is in `scope`; None for a missing or unseen case.
        The scope is given, not the request's: the gate decides one only for reads of case rows."""
        rows = await self._store.read(GET_CASE_PURPOSE_PERSONS, {"id": case_id, **scope.params()})
        return frozenset(rows[0]["persons"]) if rows else None

    async def assess(self, scope: CaseScope, within: str, period: tuple[int, int], child_len: int) -> list[Record]:
        """Assessment figures per grouping and unit (ASSESS_CASES), over the cases in `scope`."""
        params = {"within": within, "from": period[0], "to": period[1], "child_len": child_len, **scope.params()}
        return await self._store.read(ASSESS_CASES, params)
