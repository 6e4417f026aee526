"""Webhook signing secrets at rest: sealed with AES-GCM under a key kept in the data directory.

A receiver trusts whatever carries a valid signature, so a `whsec_` secret in a graph dump or
backup would let anyone holding it forge case events to a department's back office. The graph
therefore holds each secret sealed (`aesgcm:` + base64 of nonce and ciphertext) under a key that
lives only in `<data_dir>/keys/webhook-secrets.json` (made once, race-free, like the audit key),
with the webhook's id as associated data: a sealed secret copied onto another webhook does not
open. Secrets stored in plain text before sealing existed still open as they are; the dispatcher
seals each when it next uses it (`api/webhook/dispatch.py`).
"""

import base64
import os
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from authz.key_files import load_or_create

SEALED = "aesgcm:"
NONCE_BYTES = 12


class UnreadableSecret(Exception):
    """A sealed secret that this key does not open (another data directory's key, or tampered)."""


class SecretBox:
    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key)

    @classmethod
    def load(cls, data_dir: Path) -> "SecretBox":
        made = load_or_create(
            data_dir / "keys" / "webhook-secrets.json",
            lambda: {"k": base64.b64encode(AESGCM.generate_key(bit_length=256)).decode()},
        )
        return cls(base64.b64decode(made["k"]))

    @classmethod
    def ephemeral(cls) -> "SecretBox":
        """A key of this process alone: for apps that keep no data directory (in-process tests)."""
        return cls(AESGCM.generate_key(bit_length=256))

    def seal(self, webhook_id: str, secret: str) -> str:
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, secret.encode(), webhook_id.encode())
        return SEALED + base64.b64encode(nonce + sealed).decode()

    def open(self, webhook_id: str, stored: str) -> str:
        if not is_sealed(stored):
            return stored  # from before sealing: plain `whsec_…`
        raw = base64.b64decode(stored[len(SEALED) :])
        try:
            return self._aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], webhook_id.encode()).decode()
        except InvalidTag:
            raise UnreadableSecret(webhook_id) from None


def is_sealed(stored: str) -> bool:
    return stored.startswith(SEALED)
