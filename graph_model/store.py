"""The one port through which everything reaches the graph.

Callers hand a named `Statement` and plain parameters and get plain dicts back;
no driver object ever crosses this boundary, so the API and loaders are the same
whichever engine sits behind it.
"""

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from graph_model.statement import Statement

Record = dict[str, Any]


class GraphUnavailable(RuntimeError):
    """The graph engine cannot be reached; callers answer 'unavailable' rather than hang."""


class OutcomeUnknown(GraphUnavailable):
    """A write failed on the way (timed out, connection lost): it may or may not have been applied.

    Backends raise it for any unreachable-graph failure of a write, even one that never left the
    client, because they cannot always tell the two apart; saying "unknown" is never a lie."""


class GraphStore(Protocol):
    backend: str

    async def read(self, stmt: Statement, params: Mapping[str, Any] | None = None) -> list[Record]: ...

    async def write(self, stmt: Statement, params: Mapping[str, Any] | None = None) -> list[Record]: ...

    async def migrate(self, stmts: Sequence[Statement]) -> None:
        """Run schema statements idempotently (indexes and constraints already present are fine)."""
        ...

    async def ping(self) -> bool: ...

    async def close(self) -> None: ...
