"""Signed checkpoints over every chain's head.

A chain's own hashes catch an altered or inserted record, but not records cut off
its end. A checkpoint, signed with the audit key (JWS, alg Ed25519 per RFC 9864), fixes how far every
chain reached at a moment; verify then requires each chain to reach at least that far.
"""

import json
import time
import uuid
from pathlib import Path
from typing import Any

from joserfc import jws
from joserfc.jwk import OKPKey

from authz.key_files import load_or_create
from graph_model.cypher.audit import CREATE_AUDIT_CHECKPOINT, GET_AUDIT_CHAIN_HEADS
from graph_model.store import GraphStore, Record


def load_or_create_key(data_dir: Path) -> OKPKey:
    def create() -> dict[str, Any]:
        kid = "audit-" + uuid.uuid4().hex[:8]
        return OKPKey.generate_key("Ed25519", parameters={"kid": kid}, private=True).as_dict(private=True)

    return OKPKey.import_key(load_or_create(data_dir / "keys" / "audit-signing.jwk.json", create))


def sign(key: OKPKey, heads: list[dict[str, Any]], at: int) -> str:
    payload = json.dumps({"at": at, "heads": heads}, sort_keys=True)
    return jws.serialize_compact({"alg": "Ed25519", "kid": key.kid}, payload, key, algorithms=["Ed25519"])


def open_signed(key: OKPKey, signed: str) -> dict[str, Any]:
    """The checkpoint's content; raises if the signature does not verify."""
    return json.loads(jws.deserialize_compact(signed, key, algorithms=["Ed25519"]).payload)


async def chain_heads(store: GraphStore) -> list[Record]:
    """Every chain's head, in chain order (the statement gives them in none)."""
    return sorted(await store.read(GET_AUDIT_CHAIN_HEADS), key=lambda head: head["chain"])


async def write_checkpoint(store: GraphStore, key: OKPKey) -> dict[str, Any]:
    heads = await chain_heads(store)
    at = int(time.time() * 1000)
    signed = sign(key, heads, at)
    await store.write(CREATE_AUDIT_CHECKPOINT, {"id": f"{at:013d}-{uuid.uuid4().hex[:8]}", "at": at, "signed": signed})
    return {"at": at, "heads": heads}
