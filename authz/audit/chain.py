"""Hashing of audit rows: each row's hash covers every stored property and its predecessor's hash.

The canonical text is compact JSON with sorted keys and non-ASCII text as is, the form of
`json.dumps(sort_keys=True, ensure_ascii=False, separators=(",", ":"))` that every record so far was
hashed over. orjson writes the very same bytes for a row's values (text, integers, null, lists of
text; tests/unit/authz/test_audit_canonical.py pins it) at a fraction of the cost: a grid page's
record holds ~190 data subjects, in its body and again in its own list.
"""

import hashlib
from typing import Any

import orjson

HASHED_OUT = ("hash",)


def canonical(row: dict[str, Any]) -> bytes:
    return orjson.dumps({k: v for k, v in row.items() if k not in HASHED_OUT}, option=orjson.OPT_SORT_KEYS)


def row_hash(row: dict[str, Any]) -> str:
    """`prev` is part of the row, so a hash fixes the row's place in its chain too."""
    return hashlib.sha256(canonical(row)).hexdigest()
