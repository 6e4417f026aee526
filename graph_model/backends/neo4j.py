"""Neo4j backend through the official async driver (bolt://, neo4j://, neo4j+s://).

Reads are routed to readers so that a cluster or Aura spreads them; statement text
may be replaced per engine through `NEO4J_OVERRIDES`, keyed by statement name.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from neo4j import AsyncGraphDatabase, RoutingControl
from neo4j.exceptions import ServiceUnavailable, SessionExpired

from graph_model.cypher.overrides import NEO4J_OVERRIDES
from graph_model.statement import Statement
from graph_model.store import GraphUnavailable, Record


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
        return await self._run(stmt, params, RoutingControl.READ)

    async def write(self, stmt: Statement, params: Mapping[str, Any] | None = None) -> list[Record]:
        return await self._run(stmt, params, RoutingControl.WRITE)

    async def _run(self, stmt: Statement, params: Mapping[str, Any] | None, routing: RoutingControl) -> list[Record]:
        text = NEO4J_OVERRIDES.get(stmt.name, stmt.text)
        try:
            result = await self._driver.execute_query(
                text, dict(params or {}), routing_=routing, database_=self._database
            )
        except (ServiceUnavailable, SessionExpired, OSError) as exc:
            raise GraphUnavailable(f"graph unavailable while running {stmt.name}") from exc
        return [record.data() for record in result.records]

    async def migrate(self, stmts: Sequence[Statement]) -> None:
        for stmt in stmts:
            await self.write(stmt)

    async def ping(self) -> bool:
        try:
            await self._driver.verify_connectivity()
        except (ServiceUnavailable, SessionExpired, OSError):
            return False
        return True

    async def close(self) -> None:
        await self._driver.close()
