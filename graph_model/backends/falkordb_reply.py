"""Reads FalkorDB's compact replies into plain rows, in one synchronous pass.

The `falkordb` client parses a reply with one awaited coroutine per value and returns maps as
OrderedDicts, which the store then copied into plain dicts: for the grid page (about 1,150
values) that was the largest cost of the request in the worker after the statement itself,
measured. Our statements return only scalars, lists and maps (a node, relationship or path would
carry the graph's internal ids and every property, masked or not), so this reader knows those
and refuses the rest, as the Neo4j store does.

The compact format (https://docs.falkordb.com/design/client_spec.html): `[header, rows, stats]`,
or `[stats]` for a statement that returns nothing; the header lists `[column type, name]`; each
cell is `[value type, value]`, lists hold cells and maps alternate keys and cells.
"""

from typing import Any

from redis.exceptions import ResponseError

from graph_model.store import Record

_NULL, _STRING, _INTEGER, _BOOLEAN, _DOUBLE, _ARRAY = 1, 2, 3, 4, 5, 6
_MAP = 10
_NAMES = {7: "a relationship", 8: "a node", 9: "a path", 11: "a point", 12: "a vector"}


def rows(reply: list[Any]) -> list[Record]:
    """The reply's rows as {column: value}; a run-time error the server appended is raised."""
    if reply and isinstance(reply[-1], ResponseError):
        raise reply[-1]
    if len(reply) < 3:
        return []
    names = [column[1] for column in reply[0]]
    return [{name: value(cell) for name, cell in zip(names, row, strict=True)} for row in reply[1]]


def value(cell: list[Any]) -> Any:
    kind, raw = cell
    if kind == _STRING:
        return raw
    if kind == _INTEGER:
        return int(raw)
    if kind == _ARRAY:
        return [value(item) for item in raw]
    if kind == _NULL:
        return None
    if kind == _MAP:
        return {raw[i]: value(raw[i + 1]) for i in range(0, len(raw), 2)}
    if kind == _BOOLEAN:
        return raw == "true"
    if kind == _DOUBLE:
        return float(raw)
    raise TypeError(f"a statement returned {_NAMES.get(kind, f'a value of type {kind}')}; return its properties")
