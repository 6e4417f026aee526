"""Appends audit records with group commit, one hash chain per writer process.

Requests hand their record to `append` and wait until it is committed: a response
leaves only after its record is durable (fail closed). Records that arrive while a
batch is being written go out together in the next statement, so each request costs
at most one graph round trip, and concurrency raises throughput instead of queueing.
If a write fails, its requests fail and the writer moves to a new chain: the old
chain ends where the store last confirmed it, so the trail stays verifiable.
"""

import asyncio
import contextlib
import os
import socket
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import orjson
from joserfc.jwk import OKPKey

from authz.audit.chain import row_hash
from authz.audit.checkpoint import write_checkpoint
from graph_model.cypher.audit import APPEND_AUDIT_RECORDS, PRUNE_AUDIT_CHAIN_HEADS
from graph_model.store import GraphStore

MAX_BATCH = 500


class AuditUnavailable(RuntimeError):
    """The audit store did not take the record; the operation must fail."""


def _declared(purpose: dict[str, Any] | None) -> str | None:
    """The purpose column holds the canonical `case:<ref>` or `reason:<code>` that auditors see and
    export; the record's body keeps the purpose structured (kind, ref or code, note)."""
    if not purpose:
        return None
    return f"{purpose['kind']}:{purpose.get('ref') or purpose.get('code')}"


def new_chain_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


class AuditWriter:
    def __init__(
        self, store: GraphStore, signer: OKPKey | None = None, checkpoint_every: float = 30.0, chain: str | None = None
    ) -> None:
        """With a signer, the writer also signs a checkpoint of every chain at most every `checkpoint_every` s.
        `chain` names the first chain (default: host, pid and a random suffix); it must be unique."""
        self._store = store
        self._pending: list[tuple[dict[str, Any], asyncio.Future[str]]] = []
        self._flusher: asyncio.Task[None] | None = None
        self._signer = signer
        self._checkpoint_every = checkpoint_every
        self._last_checkpoint = time.monotonic()
        self._start_chain(chain)

    @property
    def signer(self) -> OKPKey | None:
        """The audit key, which also verifies the checkpoints it signed (the auditors' integrity check)."""
        return self._signer

    def _start_chain(self, chain: str | None = None) -> None:
        self.chain = chain or new_chain_id()
        self._seq = 0
        self._last = ""

    async def append(self, entry: dict[str, Any]) -> str:
        """Commit one record; returns its id. Raises AuditUnavailable if the store refused it."""
        future: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._pending.append((entry, future))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush())
        return await future

    async def _flush(self) -> None:
        while self._pending:
            batch, self._pending = self._pending[:MAX_BATCH], self._pending[MAX_BATCH:]
            rows, waiting, seq, last = [], [], self._seq, self._last
            for entry, future in batch:
                try:
                    row = self._row(entry, seq + 1, last)
                except Exception as exc:  # a malformed entry fails its own request, never strands the batch
                    future.set_exception(AuditUnavailable(f"audit record could not be built: {type(exc).__name__}"))
                    continue
                seq, last = seq + 1, row["hash"]
                rows.append(row)
                waiting.append(future)
            if not rows:
                continue
            try:
                await self._store.write(
                    APPEND_AUDIT_RECORDS, {"rows": rows, "chain": self.chain, "seq": seq, "hash": last}
                )
            except Exception as exc:
                self._start_chain()
                for future in waiting:
                    if not future.done():
                        future.set_exception(AuditUnavailable(f"audit store unavailable: {type(exc).__name__}"))
                continue
            self._seq, self._last = seq, last
            for future, row in zip(waiting, rows, strict=True):
                if not future.done():
                    future.set_result(row["id"])
            # Inside the loop on purpose: records appended while this awaits are picked up by the
            # next turn. Awaiting after the loop would strand them (append sees a flusher still running).
            await self._maybe_checkpoint()

    async def _maybe_checkpoint(self) -> None:
        if self._signer is None or time.monotonic() - self._last_checkpoint < self._checkpoint_every:
            return
        self._last_checkpoint = time.monotonic()
        with contextlib.suppress(Exception):  # a missed checkpoint weakens nothing already written
            await write_checkpoint(self._store, self._signer)
            # Each batch appends a head (graph_model.cypher.audit); the newest is the chain's head.
            await self._store.write(PRUNE_AUDIT_CHAIN_HEADS, {"chain": self.chain, "seq": self._seq})

    def _row(self, entry: dict[str, Any], seq: int, prev: str) -> dict[str, Any]:
        at = int(entry.get("at") or time.time() * 1000)
        row = {
            "id": f"{at:013d}-{self.chain}-{seq:09d}",
            "chain": self.chain,
            "seq": seq,
            "prev": prev,
            "at": at,
            "day": datetime.fromtimestamp(at / 1000, UTC).strftime("%Y-%m-%d"),
            "body": orjson.dumps(entry, option=orjson.OPT_SORT_KEYS).decode(),  # read back with json.loads
            "subject": entry.get("subject"),
            "decision": entry.get("decision"),
            "outcome": entry.get("outcome"),
            "operation_name": entry.get("operation_name"),
            "data_classes": list(entry.get("data_classes") or []),
            "data_subjects": list(entry.get("data_subjects") or []),
            "jurisdictions": list(entry.get("jurisdictions") or []),
            "purpose": _declared(entry.get("purpose")),
            "trace_id": entry.get("trace_id"),
        }
        row["hash"] = row_hash(row)
        return row
