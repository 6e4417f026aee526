"""Hashing of audit rows: each row's hash covers every stored property and its predecessor's hash."""

import hashlib
import json
from typing import Any

HASHED_OUT = ("hash",)


def canonical(row: dict[str, Any]) -> str:
    return json.dumps({k: v for k, v in row.items() if k not in HASHED_OUT}, sort_keys=True, ensure_ascii=False,
                      separators=(",", ":"))  # fmt: skip


def row_hash(row: dict[str, Any]) -> str:
    """`prev` is part of the row, so a hash fixes the row's place in its chain too."""
    return hashlib.sha256(canonical(row).encode()).hexdigest()
