"""FalkorDB backend, for the embedded server ops starts and for an external FalkorDB alike.

Socket timeouts are set on purpose: if the graph process dies or freezes, a request must fail
with `GraphUnavailable` within seconds instead of hanging a worker; a write fails with
`OutcomeUnknown`, since the server may have applied it before the answer was lost. Replies are parsed
by hiredis (a dependency; redis-py picks it up): reading 100k audit records for verify
went from 7.4 k to 32 k records/s with it, measured.

Parameters: the `falkordb` client sends them inside the query text, as a `CYPHER k=v …` header
it writes itself (strings in double quotes, backslashes and quotes escaped), which the server
parses as values, never as statement text. Strings round-trip unchanged through it (quotes,
backslashes, newlines, any Unicode: tested against a real server). Three kinds of value do not,
and each is refused here, naming the parameter but never its value, before anything is sent:
a string holding NUL (the server reads the text as a C string, so the query would be cut short
there), a float that is not finite (no literal for it), and an integer outside 64 bits (the
server clamps it without a word). The API refuses such input earlier; this guards every caller.
"""

import asyncio
import math
import time
from collections.abc import Mapping, Sequence
from typing import Any

from falkordb.asyncio.graph import AsyncGraph
from redis.asyncio import BlockingConnectionPool, Redis, UnixDomainSocketConnection
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

from graph_model.backends import falkordb_reply
from graph_model.cypher.overrides import check_engine, runs_on
from graph_model.statement import Statement
from graph_model.store import GraphUnavailable, OutcomeUnknown, Record

_UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
_EMPTY_KEY = "empty key"
# The server refuses a statement with BUSY while it prepares to fork (an AOF rewrite, a snapshot):
# refused, so not run. Preparing waits for the statements in flight, so it grows with the graph and
# its writes: while `city` was seeded (batches of thousands of rows, a loaded machine) it took from
# 0.03 s to 9.7 s, and the seed died on one. Refused statements are sent again, backing off from
# 2 ms to 100 ms, for up to `_BUSY_PATIENCE` seconds: a write kept waiting is better than one lost.
_BUSY = "BUSY"
_BUSY_PATIENCE = 30.0
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


class UnsafeParameter(ValueError):
    """A parameter value that the query header cannot carry; the message names the parameter only."""


def _problem(value: Any) -> str | None:
    """Why a value cannot go into the query header, or None if it can.

    Exact type tests first: ingest sends 100k-row batches, and this walk must stay a small
    fraction of the client's own encoding of them (measured: 0.3 s against 1.9 s)."""
    kind = type(value)
    if kind is str:
        return "holds a NUL character" if "\x00" in value else None
    if kind is bool or value is None:
        return None
    if kind is int:
        return None if _INT64_MIN <= value <= _INT64_MAX else "is outside 64-bit integers (FalkorDB would clamp it)"
    if kind is float:
        return None if math.isfinite(value) else "is not a finite number"
    if isinstance(value, dict):
        value = value.values()
    elif not isinstance(value, list | tuple):
        return None
    for item in value:
        if (problem := _problem(item)) is not None:
            return problem
    return None


class FalkorDBStore:
    backend = "falkordb"

    def __init__(
        self, host: str, port: int, graph: str = "wangge", timeout: float = 10.0, unix_socket: str | None = None
    ) -> None:
        """`unix_socket` (a path) replaces host and port: the embedded graph listens on one."""
        address: dict[str, Any] = (
            {"connection_class": UnixDomainSocketConnection, "path": unix_socket}
            if unix_socket
            else {"host": host, "port": port}
        )
        pool = BlockingConnectionPool(
            **address,
            max_connections=32,
            decode_responses=True,
            timeout=timeout,
            socket_timeout=timeout,
            socket_connect_timeout=min(timeout, 3.0),
        )
        # The graph handle is built on a plain client: `FalkorDB(...)` probes the server synchronously
        # when constructed, which fails (or blocks) a worker that starts while the graph is down.
        self._client = Redis(connection_pool=pool)
        self._graph = AsyncGraph(self._client, graph)

    async def read(self, stmt: Statement, params: Mapping[str, Any] | None = None) -> list[Record]:
        return await self._run(stmt, params, read_only=True)

    async def write(self, stmt: Statement, params: Mapping[str, Any] | None = None) -> list[Record]:
        return await self._run(stmt, params, read_only=False)

    async def _run(self, stmt: Statement, params: Mapping[str, Any] | None, read_only: bool) -> list[Record]:
        check_engine(stmt, self.backend)
        params = dict(params or {})
        for name, value in params.items():
            if (problem := _problem(value)) is not None:
                raise UnsafeParameter(f"{stmt.name}: parameter ${name} {problem}")
        # The client's own parameter header (see the module docstring); its reply parser is not used
        # (see falkordb_reply).
        command = ("GRAPH.RO_QUERY" if read_only else "GRAPH.QUERY", self._graph.name,
                   self._graph._build_params_header(params) + stmt.text, "--compact")  # fmt: skip
        give_up, pause = time.monotonic() + _BUSY_PATIENCE, 0.002
        while True:
            try:
                return falkordb_reply.rows(await self._client.execute_command(*command))
            except _UNREACHABLE as exc:
                failure = GraphUnavailable if read_only else OutcomeUnknown
                raise failure(f"graph unavailable while running {stmt.name}") from exc
            except ResponseError as exc:
                if read_only and _EMPTY_KEY in str(exc):
                    return []  # the graph key appears with the first write; until then it holds nothing
                if not str(exc).startswith(_BUSY):
                    raise
                if time.monotonic() + pause > give_up:
                    raise GraphUnavailable(f"graph busy while running {stmt.name}; not run") from exc
            await asyncio.sleep(pause)
            pause = min(pause * 2, 0.1)

    async def plan(self, stmt: Statement, params: Mapping[str, Any] | None = None) -> list[str]:
        """The engine's plan of `stmt`, one operator per line (tests assert that a read seeks an index)."""
        check_engine(stmt, self.backend)
        return [line.strip() for line in (await self._graph.explain(stmt.text, dict(params or {}))).plan]

    async def profile(self, stmt: Statement, params: Mapping[str, Any] | None = None) -> list[str]:
        """The plan of `stmt` run once, each operator with the records it produced. FalkorDB's plan does
        not name the index a scan uses; how many records the scan produced tells (tests assert it)."""
        check_engine(stmt, self.backend)
        return [line.strip() for line in (await self._graph.profile(stmt.text, dict(params or {}))).plan]

    async def migrate(self, stmts: Sequence[Statement]) -> None:
        for stmt in stmts:
            if not runs_on(stmt, self.backend):
                continue
            try:
                await self.write(stmt)
            except ResponseError as exc:
                if "already indexed" not in str(exc):
                    raise

    async def ping(self) -> bool:
        try:
            await self._client.ping()
        except _UNREACHABLE:
            return False
        return True

    async def close(self) -> None:
        await self._client.aclose()
