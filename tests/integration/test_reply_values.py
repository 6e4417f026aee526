"""Both stores hand back the same plain Python values for every kind a statement of ours returns,
and refuse graph objects (a node carries every property, masked or not, and internal ids).

The FalkorDB store reads the server's compact reply itself (graph_model/backends/falkordb_reply.py):
this pins that reader to what the client's own parser and the Neo4j store give.
"""

import pytest

from graph_model.statement import Statement
from graph_model.store import GraphStore

VALUES = Statement(
    "TEST_REPLY_VALUES",
    "RETURN null AS nothing, $text AS text, $big AS big, -$big - 1 AS small, true AS yes, false AS no, "
    "0.5 AS half, [] AS empty, {} AS bare, [1, 'two', [3, null], {k: [false]}] AS mixed, "
    "{name: $text, inner: {list: [1.5, 'x'], none: null}} AS map, [$text, 7] AS pair",
)
NODE = Statement("TEST_REPLY_NODE", "MATCH (g:Grid) RETURN g LIMIT 1")
DIVIDE = Statement("TEST_REPLY_ERROR", "UNWIND [1, 2] AS n RETURN n / $by AS q")
TEXT = '张三 "quoted" \\ 😀 \n'
BIG = 2**63 - 1


def _types(value: object) -> object:
    """The value's shape by exact type, so that a dict subclass or an int posing as a bool shows."""
    if type(value) is dict:
        return {k: _types(v) for k, v in value.items()}
    if type(value) is list:
        return [_types(v) for v in value]
    return type(value).__name__


async def test_every_kind_of_value_comes_back_plain(store: GraphStore) -> None:
    [row] = await store.read(VALUES, {"text": TEXT, "big": BIG})
    assert row == {
        "nothing": None, "text": TEXT, "big": BIG, "small": -BIG - 1, "yes": True, "no": False, "half": 0.5,
        "empty": [], "bare": {}, "mixed": [1, "two", [3, None], {"k": [False]}],
        "map": {"name": TEXT, "inner": {"list": [1.5, "x"], "none": None}}, "pair": [TEXT, 7],
    }  # fmt: skip
    assert _types(row) == {
        "nothing": "NoneType", "text": "str", "big": "int", "small": "int", "yes": "bool", "no": "bool",
        "half": "float", "empty": [], "bare": {}, "mixed": ["int", "str", ["int", "NoneType"], {"k": ["bool"]}],
        "map": {"name": "str", "inner": {"list": ["float", "str"], "none": "NoneType"}}, "pair": ["str", "int"],
    }  # fmt: skip


async def test_a_statement_returning_a_node_is_refused(store: GraphStore) -> None:
    with pytest.raises(TypeError, match=r"entit|node"):
        await store.read(NODE)


async def test_a_run_time_error_is_raised_not_returned(store: GraphStore) -> None:
    with pytest.raises(Exception, match=r"(?i)zero"):
        await store.read(DIVIDE, {"by": 0})
