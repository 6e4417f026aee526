"""The audit trail detects every kind of tampering, and `wangge audit verify` says so.

Runs on a FalkorDB graph of its own: tampering with the session's shared graph would
break the other suites' trails. The same chain code runs on both engines in the e2e suites.
"""

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from authz.audit.checkpoint import load_or_create_key, write_checkpoint
from authz.audit.verify import verify
from authz.audit.writer import AuditWriter
from graph_model.backends.falkordb import FalkorDBStore
from graph_model.cypher.audit import GET_AUDIT_CHAIN_HEADS, LIST_AUDIT_RECORDS, LIST_AUDIT_RECORDS_OF_DATA_SUBJECT
from graph_model.cypher.schema import SCHEMA
from graph_model.statement import Statement
from ops.embedded import start_embedded
from tests.common import tamper

COUNT_HEADS = Statement(
    "TEST_COUNT_AUDIT_HEADS", "MATCH (h:AuditChainHead) WHERE h.chain = $chain RETURN count(h) AS n"
)
EVERYTHING = {"before": "~", "subject": None, "data_subject": None, "data_class": None, "decision": None,
              "since": None, "until": None, "trace_id": None, "jurisdiction": None, "limit": 1000}  # fmt: skip


@pytest.fixture
async def trail(tmp_path: Path) -> AsyncIterator[tuple[FalkorDBStore, Path, list[dict[str, str]]]]:
    """A fresh graph holding 3 writers' chains of 20 records each, and a signed checkpoint."""
    with start_embedded(tmp_path) as graph:
        store = FalkorDBStore(graph.host, graph.port)
        await store.migrate(SCHEMA)
        key = load_or_create_key(tmp_path)
        for writer_no in range(3):
            writer = AuditWriter(store)
            for n in range(20):
                await writer.append({"subject": f"s{writer_no}", "decision": "allow", "outcome": "ok", "n": n})
        await write_checkpoint(store, key)
        rows = await store.read(LIST_AUDIT_RECORDS, EVERYTHING)
        os.environ["WANGGE_TEST_GRAPH_URL"] = graph.url
        yield store, tmp_path, sorted(rows, key=lambda r: (r["chain"], r["seq"]))
        await store.close()


def cli_audit(data_dir: Path, url: str, command: str = "verify") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "WANGGE_DATA_DIR": str(data_dir), "WANGGE_GRAPH_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "ops", "audit", command], env=env, capture_output=True, text=True, timeout=60
    )


async def test_intact_trail_verifies(trail: tuple[FalkorDBStore, Path, list[dict[str, str]]]) -> None:
    store, data_dir, _rows = trail
    report = await verify(store, load_or_create_key(data_dir))
    assert report.ok and report.records == 60 and report.chains == 3 and report.checkpoints == 1
    result = cli_audit(data_dir, os.environ["WANGGE_TEST_GRAPH_URL"])
    assert result.returncode == 0 and "intact: 60 records in 3 chains" in result.stdout


@pytest.mark.parametrize(
    "attack",
    ["alter", "forge_data_subjects", "delete", "reorder", "insert", "truncate", "truncate_head", "forge_checkpoint"],
)
async def test_tampering_is_caught(trail: tuple[FalkorDBStore, Path, list[dict[str, str]]], attack: str) -> None:
    store, data_dir, rows = trail
    victim = rows[25]  # the 6th record of the second chain
    chain_rows = [r for r in rows if r["chain"] == victim["chain"]]
    if attack == "alter":
        await store.write(tamper.ALTER_RECORD, {"id": victim["id"], "subject": "someone-else"})
    elif attack == "forge_data_subjects":  # the search now finds the record under a person it never named
        await store.write(tamper.FORGE_DATA_SUBJECTS, {"id": victim["id"], "data_subjects": ["P-forged"]})
        found = await store.read(LIST_AUDIT_RECORDS_OF_DATA_SUBJECT, {**EVERYTHING, "data_subject": "P-forged"})
        assert [r["id"] for r in found] == [victim["id"]]
    elif attack == "delete":
        await store.write(tamper.DELETE_RECORD, {"id": victim["id"]})
    elif attack == "reorder":
        await store.write(tamper.SWAP_SEQ, {"first": victim["id"], "second": chain_rows[6]["id"]})
    elif attack == "insert":
        await store.write(tamper.INSERT_RECORD, {"id": victim["id"] + "x", "chain": victim["chain"], "seq": 21,
                                                 "prev": chain_rows[-1]["hash"], "hash": "0" * 64, "at": 0})  # fmt: skip
    elif attack == "truncate":  # remove the last record and rewind the head to hide it
        await store.write(tamper.DELETE_RECORD, {"id": chain_rows[-1]["id"]})
        await store.write(tamper.REWIND_HEAD, {"chain": victim["chain"], "seq": 19, "hash": chain_rows[-2]["hash"]})
    elif attack == "truncate_head":  # remove the last record only
        await store.write(tamper.DELETE_RECORD, {"id": chain_rows[-1]["id"]})
    elif attack == "forge_checkpoint":  # delete the real checkpoints, then truncate and sign with another key
        await store.write(tamper.DELETE_CHECKPOINTS)
        await store.write(tamper.DELETE_RECORD, {"id": chain_rows[-1]["id"]})
        await store.write(tamper.REWIND_HEAD, {"chain": victim["chain"], "seq": 19, "hash": chain_rows[-2]["hash"]})
        await write_checkpoint(store, load_or_create_key(data_dir / "attacker"))
    report = await verify(store, load_or_create_key(data_dir))
    assert not report.ok, attack
    assert victim["chain"] in report.problem or "checkpoint" in report.problem
    result = cli_audit(data_dir, os.environ["WANGGE_TEST_GRAPH_URL"])
    assert result.returncode == 1 and "BROKEN" in result.stderr


async def test_reindex_has_nothing_to_do_on_falkordb(trail: tuple[FalkorDBStore, Path, list[dict[str, str]]]) -> None:
    """FalkorDB keeps no `AuditAccess` entries (graph_model.cypher.audit): the command says so and succeeds."""
    _, data_dir, _ = trail
    result = cli_audit(data_dir, os.environ["WANGGE_TEST_GRAPH_URL"], "reindex")
    assert result.returncode == 0 and result.stdout.startswith("nothing to do"), result


async def test_heads_move_with_their_records(trail: tuple[FalkorDBStore, Path, list[dict[str, str]]]) -> None:
    store, _, rows = trail
    heads = {h["chain"]: h for h in await store.read(GET_AUDIT_CHAIN_HEADS)}
    for chain, head in heads.items():
        last = max((r for r in rows if r["chain"] == chain), key=lambda r: r["seq"])
        assert (head["seq"], head["hash"]) == (20, last["hash"])


async def test_checkpoints_never_strand_concurrent_appends(tmp_path: Path) -> None:
    """A writer that signs a checkpoint after every batch still commits every concurrent append."""
    with start_embedded(tmp_path) as graph:
        store = FalkorDBStore(graph.host, graph.port)
        key = load_or_create_key(tmp_path)
        writer = AuditWriter(store, key, checkpoint_every=0.0)
        try:
            ids = await asyncio.wait_for(asyncio.gather(*(writer.append({"n": n}) for n in range(600))), timeout=60)
            later = await asyncio.wait_for(asyncio.gather(*(writer.append({"n": n}) for n in range(50))), timeout=60)
            assert len(set(ids) | set(later)) == 650
            report = await verify(store, key)
            assert report.ok and report.records == 650 and report.checkpoints >= 2
            left = await store.read(COUNT_HEADS, {"chain": writer.chain})
            assert left == [{"n": 1}]  # each batch appended a head; the writer pruned all but the newest
        finally:
            await store.close()


async def test_a_malformed_entry_fails_alone_and_strands_nothing(trail: tuple[FalkorDBStore, Path, list]) -> None:
    """An entry the writer cannot turn into a row (a purpose that is not structured) fails its own
    request; the others in the same batch are committed and the chain stays verifiable."""
    store, data_dir, _ = trail
    writer = AuditWriter(store, chain="malformed-chain")
    entries = [{"subject": "ok-1"}, {"subject": "bad", "purpose": "free text"}, {"subject": "ok-2"}]
    results = await asyncio.wait_for(
        asyncio.gather(*(writer.append(e) for e in entries), return_exceptions=True), timeout=10
    )
    assert isinstance(results[1], Exception) and "could not be built" in str(results[1])
    assert all(isinstance(r, str) for r in (results[0], results[2]))
    report = await verify(store, load_or_create_key(data_dir))
    assert report.problem is None and report.chains == 4
