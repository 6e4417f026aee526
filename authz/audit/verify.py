"""`wangge audit verify`: walk every chain and report the first record that breaks it.

Checks, per chain: sequence numbers run 1, 2, 3 … without gap or repeat (a removed or
inserted record); each row's hash matches its content (an altered record); each row's
`prev` is its predecessor's hash (a reordered or spliced record); the chain reaches
its head and every signed checkpoint (records cut off the end). Records of a chain
without a head were not written by a writer.
"""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from joserfc.errors import JoseError
from joserfc.jwk import OKPKey

from authz.audit.chain import row_hash
from authz.audit.checkpoint import open_signed
from graph_model.cypher.audit import (
    GET_AUDIT_CHAIN_HEADS,
    GET_AUDIT_CHECKPOINTS,
    GET_AUDIT_RECORD_CHAINS,
    GET_AUDIT_RECORDS_BY_SEQ,
)
from graph_model.store import GraphStore

PAGE = 5000


@dataclass
class VerifyReport:
    records: int = 0
    chains: int = 0
    checkpoints: int = 0
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


class Broken(Exception):
    pass


async def _records(store: GraphStore, chain: str, last: int) -> AsyncIterator[dict[str, Any]]:
    for start in range(1, last + 1, PAGE):
        for row in await store.read(GET_AUDIT_RECORDS_BY_SEQ, {"chain": chain, "from": start, "to": start + PAGE}):
            yield row


async def _checkpoint_marks(store: GraphStore, key: OKPKey, report: VerifyReport) -> dict[str, dict[int, str]]:
    marks: dict[str, dict[int, str]] = {}
    for checkpoint in await store.read(GET_AUDIT_CHECKPOINTS):
        try:
            content = open_signed(key, checkpoint["signed"])
        except (JoseError, ValueError) as exc:
            raise Broken(f"checkpoint {checkpoint['id']}: signature does not verify") from exc
        report.checkpoints += 1
        for head in content["heads"]:
            marks.setdefault(head["chain"], {})[head["seq"]] = head["hash"]
    return marks


async def _verify_chain(
    store: GraphStore, chain: str, head: dict[str, Any], marks: dict[int, str], report: VerifyReport
) -> None:
    expected, previous = 1, ""
    hashes_at_marks: dict[int, str] = {}
    async for row in _records(store, chain, max([head["seq"], *marks])):
        label = f"record {row['id']} (chain {chain}, #{row['seq']})"
        if row["seq"] != expected:
            what = "is missing" if row["seq"] > expected else "appears twice"
            raise Broken(f"chain {chain}: record #{min(expected, row['seq'])} {what} (next found: {row['id']})")
        if row_hash(row) != row["hash"]:  # the read returns every stored property; the hash covers all but itself
            raise Broken(f"{label}: content does not match its hash (altered)")
        if row["prev"] != previous:
            raise Broken(f"{label}: does not follow its predecessor (reordered or inserted)")
        if row["seq"] in marks:
            hashes_at_marks[row["seq"]] = row["hash"]
        previous, expected = row["hash"], expected + 1
        report.records += 1
    last = expected - 1
    if last != head["seq"] or previous != head["hash"]:
        raise Broken(f"chain {chain}: ends at #{last} but its head says #{head['seq']} (records removed from the end)")
    for seq, digest in sorted(marks.items()):
        if hashes_at_marks.get(seq) != digest:
            raise Broken(f"chain {chain}: a signed checkpoint fixes #{seq}, which is missing or changed")


async def verify(store: GraphStore, key: OKPKey) -> VerifyReport:
    report = VerifyReport()
    try:
        marks = await _checkpoint_marks(store, key, report)
        # Records are counted before the heads are read: a record and its head move in one statement,
        # so appends by a live service in between only put heads further, never behind their records.
        written = {r["chain"]: r for r in await store.read(GET_AUDIT_RECORD_CHAINS)}
        heads = {h["chain"]: h for h in await store.read(GET_AUDIT_CHAIN_HEADS)}
        for chain in sorted(set(marks) - set(heads)):
            raise Broken(f"chain {chain}: in a signed checkpoint but its head is gone")
        for chain in sorted(set(written) - set(heads)):
            raise Broken(f"chain {chain}: records without a writer's head (inserted)")
        for chain in sorted(heads):
            await _verify_chain(store, chain, heads[chain], marks.get(chain, {}), report)
            stored = written.get(chain, {"records": 0, "last": 0})
            if stored["records"] > heads[chain]["seq"] or (stored["last"] or 0) > heads[chain]["seq"]:
                raise Broken(f"chain {chain}: holds records beyond its head (inserted)")
            report.chains += 1
    except Broken as exc:
        report.problem = str(exc)
    return report
