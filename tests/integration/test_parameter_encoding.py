"""Every parameter reaches the graph as a value: hostile strings round-trip unchanged on both engines,
and the FalkorDB backend refuses what its client's query header cannot carry instead of sending it.

The round trip goes through the audit writer (its subject and operation-name columns are stored as
given) and the statement `verify` reads records with, so the chain these records form must also
still verify at the end of the session.
"""

import math
import uuid

import pytest

from authz.audit.chain import row_hash
from authz.audit.writer import AuditWriter
from graph_model.backends.falkordb import FalkorDBStore, UnsafeParameter
from graph_model.cypher.audit import GET_AUDIT_RECORDS_BY_SEQ
from graph_model.store import GraphStore

HOSTILE = [
    'a"b', "a'b", "a\\b", "\\", "trailing\\", '\\"', "\\n", "\\u0041", "line\nbreak", "cr\rlf\n", "tab\tx",
    '"}) MATCH (n) DETACH DELETE n //', "' OR 1=1 --", "`backtick`", "$param", "CYPHER x=1 RETURN 1",
    "张三 李四", "emoji 😀 𝔘", "\u2028\u2029", "\ufeff", "\x01\x1f\x7f", "", " ", "{}", "[1,2]", "\U0010ffff",
]  # fmt: skip


async def test_hostile_strings_round_trip_unchanged(store: GraphStore) -> None:
    writer = AuditWriter(store, chain=f"encoding-test-{uuid.uuid4().hex[:8]}")
    for text in HOSTILE:
        await writer.append({"subject": text, "operation_name": text[::-1], "outcome": "ok"})
    rows = await store.read(GET_AUDIT_RECORDS_BY_SEQ, {"chain": writer.chain, "from": 1, "to": len(HOSTILE) + 1})
    assert [r["subject"] for r in rows] == HOSTILE
    assert [r["operation_name"] for r in rows] == [text[::-1] for text in HOSTILE]
    assert all(row_hash(r) == r["hash"] for r in rows)  # the stored body came back byte for byte too


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("a\x00b", "NUL"),
        (["ok", {"nested": "\x00"}], "NUL"),
        (math.nan, "finite"),
        (math.inf, "finite"),
        (2**63, "64-bit"),
        ([-(2**63) - 1], "64-bit"),
    ],
)
async def test_falkordb_refuses_what_its_query_header_cannot_carry(
    seeded_stores: dict[str, GraphStore], value: object, problem: str
) -> None:
    store = seeded_stores["falkordb"]
    assert isinstance(store, FalkorDBStore)
    with pytest.raises(UnsafeParameter, match=problem) as refused:
        await store.read(GET_AUDIT_RECORDS_BY_SEQ, {"chain": value, "from": 1, "to": 2})
    assert "GET_AUDIT_RECORDS_BY_SEQ: parameter $chain" in str(refused.value)
    assert "a\x00b" not in str(refused.value)


async def test_falkordb_sends_the_extremes_it_can_carry(seeded_stores: dict[str, GraphStore]) -> None:
    store = seeded_stores["falkordb"]
    for value in (2**63 - 1, -(2**63), 1e308, -0.0, True, None):
        assert await store.read(GET_AUDIT_RECORDS_BY_SEQ, {"chain": value, "from": 1, "to": 2}) == []
