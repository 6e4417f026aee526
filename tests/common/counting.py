"""A real store wrapped to count round trips: N+1 tests assert how many statements a request sends."""

from collections.abc import Mapping, Sequence
from typing import Any

from graph_model.statement import Statement
from graph_model.store import GraphStore, Record


class CountingStore:
    def __init__(self, inner: GraphStore) -> None:
        self.inner = inner
        self.backend = inner.backend
        self.sent: list[str] = []

    async def read(self, stmt: Statement, params: Mapping[str, Any] | None = None) -> list[Record]:
        self.sent.append(stmt.name)
        return await self.inner.read(stmt, params)

    async def write(self, stmt: Statement, params: Mapping[str, Any] | None = None) -> list[Record]:
        self.sent.append(stmt.name)
        return await self.inner.write(stmt, params)

    def graph_reads(self) -> list[str]:
        """Statements other than the audit append that every request makes (it is not data access)."""
        return [name for name in self.sent if name != "APPEND_AUDIT_RECORDS"]

    async def migrate(self, stmts: Sequence[Statement]) -> None:
        await self.inner.migrate(stmts)

    async def ping(self) -> bool:
        return await self.inner.ping()

    async def close(self) -> None:
        """The wrapped store belongs to the test session, not to the app that closes this wrapper."""
