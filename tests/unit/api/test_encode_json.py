"""Responses are encoded with orjson: byte for byte what the stdlib encoder wrote before."""

import json

from api.graphql_view import WanggeGraphQL

BODIES = [
    {"data": {"grid": {"name": "荷花街道网格一", "households": [{"id": "SG91c2Vob2xkOjE=", "members": []}]}}},
    {"data": None, "errors": [{"message": "Forbidden: 张三's idNumber", "locations": [{"line": 1, "column": 3}],
                               "path": ["person", "idNumber"], "extensions": {"code": "FORBIDDEN"}}]},
    {"data": {"n": 1.5, "ok": True, "tags": ["低保", "😀"], "quote": "\"\\\n\t\u2028"}},
]  # fmt: skip


def test_orjson_writes_what_the_stdlib_wrote() -> None:
    encode = WanggeGraphQL.encode_json
    for body in BODIES:
        assert encode(None, body) == json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()  # type: ignore[arg-type]
