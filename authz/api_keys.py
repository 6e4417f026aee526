"""API keys of outside channels (Open311 clients): a key names a client, and the client is a subject.

A key is `<id>.<secret>`. The id is looked up; only the SHA-256 of the secret is stored, and it is
compared in constant time. The secret is 32 random bytes, so a fast hash is enough: there is
nothing to guess that a slow hash would protect (unlike a password). A key is shown once, when an
operator creates it, and can be revoked but never read back.

What a client may do is not in the key: it is the subject `open311:<client>`, and the gate decides
with that subject's grants, as for anyone (the operator command grants the `open311_client` role).
"""

import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass

from authz.principal import Principal
from graph_model.cypher.open311 import CREATE_API_KEY, GET_API_KEY, LIST_API_KEYS, REVOKE_API_KEYS
from graph_model.store import GraphStore, Record

CLIENT_NAME = re.compile(r"[a-z0-9][a-z0-9-]{1,39}")
KEY_FORM = re.compile(r"([0-9a-f]{16})\.([A-Za-z0-9_-]{43})")
SUBJECT_PREFIX = "open311:"
CLIENT_APP = "open311"
SOURCES = ("hotline", "resident")  # the case source an outside channel's reports carry


@dataclass(frozen=True)
class KeyHolder:
    """Who a verified key stands for."""

    client: str
    source: str

    @property
    def principal(self) -> Principal:
        return Principal(subject=SUBJECT_PREFIX + self.client, client_id=CLIENT_APP)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def check_client(client: str, source: str) -> None:
    if not CLIENT_NAME.fullmatch(client):
        raise ValueError("a client name is 2 to 40 lower-case letters, digits and '-'")
    if source not in SOURCES:
        raise ValueError(f"the source is one of {', '.join(SOURCES)}")


async def create_key(store: GraphStore, client: str, source: str) -> str:
    """A new key for the client; the only time its secret exists outside the caller's hands."""
    check_client(client, source)
    key_id, secret = secrets.token_hex(8), secrets.token_urlsafe(32)
    params = {"id": key_id, "client": client, "source": source, "hash": _digest(secret),
              "created_at": int(time.time() * 1000)}  # fmt: skip
    await store.write(CREATE_API_KEY, params)
    return f"{key_id}.{secret}"


async def revoke_keys(store: GraphStore, client: str) -> list[str]:
    """Revoke every live key of the client; the ids revoked."""
    rows = await store.write(REVOKE_API_KEYS, {"client": client, "at": int(time.time() * 1000)})
    return [str(r["id"]) for r in rows]


async def list_keys(store: GraphStore) -> list[Record]:
    """Every key ever made, without its hash."""
    return [{k: v for k, v in row.items() if k != "hash"} for row in await store.read(LIST_API_KEYS)]


async def verify_key(store: GraphStore, key: str | None) -> KeyHolder | None:
    """The holder of a live key, or None for a missing, malformed, unknown, wrong or revoked one
    (one answer for all: a caller learns nothing about which ids exist)."""
    found = KEY_FORM.fullmatch(key or "")
    if found is None:
        return None
    key_id, secret = found.groups()
    rows = await store.read(GET_API_KEY, {"id": key_id})
    if not rows or rows[0]["revoked_at"] is not None:
        return None
    if not hmac.compare_digest(rows[0]["hash"], _digest(secret)):
        return None
    return KeyHolder(str(rows[0]["client"]), str(rows[0]["source"]))
