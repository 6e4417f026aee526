"""Neo4j backend through the official async driver (bolt://, neo4j://, neo4j+s://).

Reads are routed to readers so that a cluster or Aura spreads them; statement text
may be replaced per engine through `NEO4J_OVERRIDES`, keyed by statement name, and a statement
declared for FalkorDB only is refused (`graph_model.cypher.overrides`).

A read runs as an auto-commit statement in a read session: RUN and PULL go out together,
one round trip. `execute_query` wraps every statement in BEGIN … COMMIT and, without a
database named, resolves the home database first: a 3-row read took 5.6–8.7 ms that way
against 3.4 ms auto-commit on the same local Neo4j (measured). Writes keep the managed
transaction, which retries transient failures; one whose connection is lost raises
`OutcomeUnknown`, since the server may have committed it.

Records become plain dicts here, not through the driver's `Record.data()`: that walks every value
with abstract-class `isinstance` tests, and on the grid page (1,150 values) it was the largest
single cost of the request in the worker (2.96 of 31.8 s profiled over 300 requests; measured).
Statements return properties, never nodes, relationships or paths (FalkorDB's client would return
its own objects for those): one that does is refused here rather than answered differently.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from neo4j import READ_ACCESS, AsyncGraphDatabase, RoutingControl
from neo4j import Record as Neo4jRecord
from neo4j.exceptions import ServiceUnavailable, SessionExpired
from neo4j.graph import Node, Path, Relationship

from graph_model.cypher.overrides import NEO4J_OVERRIDES, check_engine, runs_on
from graph_model.statement import Statement
from graph_model.store import GraphUnavailable, OutcomeUnknown, Record


class Neo4jStore:
    backend = "neo4j"

    def __init__(
        self, url: str, user: str | None = None, password: str | None = None, database: str | None = None
    ) -> None:
        auth = (user, password) if user else None
        self._driver = AsyncGraphDatabase.driver(
            url,
            auth=auth,
            connection_acquisition_timeout=10.0,
            connection_timeout=5.0,
            notifications_min_severity="OFF",
        )
        self._database = database

    async def read(self, stmt: Statement, params: Mapping[str, Any] | None = None) -> list[Record]:
        text = self._text(stmt)
        try:
            async with self._driver.session(database=self._database, default_access_mode=READ_ACCESS) as session:
                result = await session.run(text, dict(params or {}))
                return [_row(record) async for record in result]
        except (ServiceUnavailable, SessionExpired, OSError) as exc:
            raise GraphUnavailable(f"graph unavailable while running {stmt.name}") from exc

    async def write(self, stmt: Statement, params: Mapping[str, Any] | None = None) -> list[Record]:
        text = self._text(stmt)
        try:
            result = await self._driver.execute_query(
                text, dict(params or {}), routing_=RoutingControl.WRITE, database_=self._database
            )
        except (ServiceUnavailable, SessionExpired, OSError) as exc:
            raise OutcomeUnknown(f"graph unavailable while running {stmt.name}") from exc
        return [_row(record) for record in result.records]

    async def plan(self, stmt: Statement, params: Mapping[str, Any] | None = None) -> list[str]:
        """The engine's plan of `stmt`, one operator per line (tests assert that a read seeks an index)."""
        text = self._text(stmt)
        async with self._driver.session(database=self._database, default_access_mode=READ_ACCESS) as session:
            summary = await (await session.run("EXPLAIN " + text, dict(params or {}))).consume()
        lines, todo = [], [summary.plan or {}]
        while todo:
            operator = todo.pop()
            lines.append(f"{operator.get('operatorType', '')} | {operator.get('args', {}).get('Details', '')}")
            todo.extend(operator.get("children", []))
        return lines

    def _text(self, stmt: Statement) -> str:
        check_engine(stmt, self.backend)
        return NEO4J_OVERRIDES.get(stmt.name, stmt.text)

    async def migrate(self, stmts: Sequence[Statement]) -> None:
        for stmt in stmts:
            if runs_on(stmt, self.backend):
                await self.write(stmt)

    async def ping(self) -> bool:
        try:
            await self._driver.verify_connectivity()
        except (ServiceUnavailable, SessionExpired, OSError):
            return False
        return True

    async def close(self) -> None:
        await self._driver.close()


_SCALARS = frozenset({str, int, float, bool, type(None)})


def _row(record: Neo4jRecord) -> Record:
    return {key: _plain(value) for key, value in record.items()}


def _plain(value: Any) -> Any:
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is list:
        return [_plain(item) for item in value]
    if kind is dict:
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, Node | Relationship | Path):
        raise TypeError("statements return properties, not graph entities")
    return value
