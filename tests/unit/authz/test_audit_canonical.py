"""Records hashed before the hash text was written by orjson still verify: the canonical text of any
row a store returns (text, integers, null, booleans, lists of text) is byte for byte the stdlib form
every earlier record was hashed over."""

import hashlib
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from authz.audit.chain import canonical, row_hash

_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)  # a lone surrogate is refused on write
_VALUES = st.one_of(st.none(), st.booleans(), st.integers(-(2**63), 2**63 - 1), _TEXT, st.lists(_TEXT, max_size=5))


def _stdlib(row: dict[str, Any]) -> bytes:
    rest = {k: v for k, v in row.items() if k != "hash"}
    return json.dumps(rest, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


@settings(max_examples=500)
@given(st.dictionaries(_TEXT.filter(bool), _VALUES, max_size=8))
def test_the_canonical_text_is_the_stdlib_form(row: dict[str, Any]) -> None:
    assert canonical(row) == _stdlib(row)


def test_a_record_hashed_the_old_way_keeps_its_hash() -> None:
    row = {"id": "1796131000000-h-1-000000001", "chain": "h-1", "seq": 1, "prev": "", "at": 1796131000000,
           "body": '{"a": "王\\u0000\\n", "b": 1.5}', "subject": "张三 \u2028 \x7f", "decision": "allow",
           "data_subjects": ["UGVyc29uOjE", "SG91c2Vob2xkOjI"], "purpose": None, "trace_id": None}  # fmt: skip
    assert row_hash({**row, "hash": "ignored"}) == hashlib.sha256(_stdlib(row)).hexdigest()
