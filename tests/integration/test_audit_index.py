"""The audit trail's data-subject index, per engine (graph_model.cypher.audit).

FalkorDB finds a data subject's records through the array index on their own `data_subjects` and
writes no `AuditAccess` node; Neo4j, which indexes no list elements, writes one per data subject and
seeks those. FalkorDB's plan does not name the index a scan uses, so the scale test profiles: over
thousands of records, the scan yields exactly the records that name the data subject, which only the
array index can (the id index would yield every record older than the cursor; a label scan shows as one).
"""

import asyncio
import re
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest

from authz.audit.writer import AuditWriter
from graph_model.backends.falkordb import FalkorDBStore
from graph_model.cypher.audit import (
    LIST_ACCESSES_TO_DATA_SUBJECT,
    LIST_AUDIT_RECORDS,
    LIST_AUDIT_RECORDS_OF_DATA_SUBJECT,
    OF_DATA_SUBJECT,
)
from graph_model.cypher.schema import SCHEMA
from graph_model.statement import Statement
from graph_model.store import GraphStore
from ops.embedded import EmbeddedGraph

RECORDS = 3000
NAMED = 10  # records naming P7: n = 7, 307, … 2707
FILTERS = {"data_subject": "P7", "reader": "nobody", "before": "~", "limit": 100, "subject": None,
           "data_class": None, "decision": None, "since": None, "until": None, "trace_id": None,
           "jurisdiction": None}  # fmt: skip
COUNT_ACCESS = Statement(
    "TEST_COUNT_AUDIT_ACCESS_OF", "MATCH (x:AuditAccess) WHERE x.data_subject IN $subjects RETURN count(x) AS n"
)
SCANNED = re.compile(r"^Node By Index Scan \| \(a:AuditRecord\) \| Records produced: (\d+)")


def entry(n: int, subject: str, data_subjects: list[str]) -> dict[str, Any]:
    return {"at": 1_700_000_000_000 + n, "subject": subject, "decision": "allow", "outcome": "ok",
            "data_classes": ["person.basic"], "data_subjects": data_subjects, "jurisdictions": ["330802"]}  # fmt: skip


@pytest.fixture(scope="module")
async def large_trail(falkordb_server: EmbeddedGraph) -> AsyncIterator[FalkorDBStore]:
    """A graph of its own on the session's FalkorDB: 3,000 records, each naming a person and a household."""
    store = FalkorDBStore(falkordb_server.host, falkordb_server.port, graph="audit_index_scale")
    await store.migrate(SCHEMA)
    writer = AuditWriter(store, chain="audit-index-scale")
    await asyncio.gather(
        *(writer.append(entry(n, f"reader-{n % 7}", [f"P{n % 300}", f"H{n % 40}"])) for n in range(RECORDS))
    )
    yield store
    await store.close()


async def test_falkordb_seeks_the_records_own_data_subjects(large_trail: FalkorDBStore) -> None:
    """Every data-subject read, with and without a cursor, scans the 10 records naming P7 and no other."""
    newest = await large_trail.read(LIST_AUDIT_RECORDS_OF_DATA_SUBJECT, FILTERS)
    assert len(newest) == NAMED and all("P7" in r["data_subjects"] for r in newest)
    for before in ("~", newest[4]["id"]):
        for stmt in (*OF_DATA_SUBJECT, LIST_ACCESSES_TO_DATA_SUBJECT):
            profile = await large_trail.profile(stmt, {**FILTERS, "before": before})
            scanned = [int(m.group(1)) for line in profile if (m := SCANNED.match(line))]
            assert scanned == [NAMED], (stmt, profile)
            assert not any(line.startswith("Node By Label Scan") for line in profile), (stmt, profile)
    older = await large_trail.read(LIST_AUDIT_RECORDS_OF_DATA_SUBJECT, {**FILTERS, "before": newest[4]["id"]})
    assert older == newest[5:]
    accesses = await large_trail.read(LIST_ACCESSES_TO_DATA_SUBJECT, {**FILTERS, "reader": "reader-0"})
    assert accesses == [r for r in newest if r["subject"] != "reader-0"] and 0 < len(accesses) < NAMED
    assert (await large_trail.read(COUNT_ACCESS, {"subjects": ["P7", "H3"]})) == [{"n": 0}]


async def test_an_append_writes_access_entries_on_neo4j_only(store: GraphStore) -> None:
    """Neo4j needs one `AuditAccess` node per data subject to find a record; FalkorDB needs none, and
    both find the record by each of its data subjects."""
    subjects = [f"entries-{uuid.uuid4().hex}-{i}" for i in range(3)]
    writer = AuditWriter(store, chain=f"access-entries-{uuid.uuid4().hex}")
    await writer.append(entry(0, "entries-reader", subjects))
    assert (await store.read(COUNT_ACCESS, {"subjects": subjects}))[0]["n"] == (3 if store.backend == "neo4j" else 0)
    for data_subject in subjects:
        found = await store.read(LIST_AUDIT_RECORDS_OF_DATA_SUBJECT, {**FILTERS, "data_subject": data_subject})
        assert [r["chain"] for r in found] == [writer.chain]


async def test_a_page_ends_before_its_cursor(store: GraphStore) -> None:
    """Pages of the trail are cut at the cursor on both engines. FalkorDB's range index on `id` ignored a
    `<` bound on a string, so before the cursor was compared as `toString(a.id)` every page of the
    auditor's list started again from the newest record."""
    data_subject, subject = f"cursor-{uuid.uuid4().hex}", f"cursor-reader-{uuid.uuid4().hex}"
    writer = AuditWriter(store, chain=f"cursor-{uuid.uuid4().hex}")
    ids = [await writer.append(entry(n, subject, [data_subject])) for n in range(4)]
    params = {**FILTERS, "data_subject": data_subject, "before": ids[2]}
    pages = [
        await store.read(LIST_AUDIT_RECORDS, {**params, "data_subject": None, "subject": subject}),
        await store.read(LIST_AUDIT_RECORDS_OF_DATA_SUBJECT, params),
        await store.read(LIST_ACCESSES_TO_DATA_SUBJECT, params),
    ]
    assert [[r["id"] for r in page] for page in pages] == [[ids[1], ids[0]]] * 3
