"""Every HTTP request to /graphql leaves an audit record with its true outcome, and no record keeps
client text verbatim: the regressions of the trust issue, on both backends.

Records are read back raw (column and body) through the auditors' own reader, newest first:
each test's app has its own audit chain, so the newest record is the request just made.
"""

import json
import time
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import quote

import pytest

from api.client_text import hashed
from authz.tokens import LocalIssuer
from graph_model.store import GraphStore
from loaders.audit import AuditQuery, AuditReader
from tests.e2e.conftest import READER, Api, app_client

QUERY = {"query": "{ divisions { code } }"}
ID_NUMBER, PHONE = "330802199001011234", "13812345678"


async def newest(store: GraphStore, **query: Any) -> dict[str, Any]:
    """The newest audit record matching the filter, its body decoded (read past the counting store)."""
    row = (await AuditReader(store).page(AuditQuery(**query), None, 1))[0]
    return {**row, "body": json.loads(row["body"])}


def now_ms() -> int:
    return int(time.time() * 1000)


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"])
async def test_other_methods_are_answered_as_json_and_recorded(api: Api, method: str) -> None:
    started = now_ms()
    response = await api.client.request(method, "/graphql", json=QUERY,
                                        headers={"authorization": f"Bearer {api.token()}"})  # fmt: skip
    assert response.status_code == 405 and response.headers["allow"] == "GET, POST"
    if method != "HEAD":
        assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    record = await newest(api.store.inner, decision="none")
    assert record["at"] >= started and record["body"]["http_status"] == 405
    assert record["outcome"] == "refused" and record["body"]["error_codes"] == ["BAD_USER_INPUT"]
    assert api.store.graph_reads() == []


@pytest.mark.parametrize(
    "query",
    [
        "query Broken { divisions { code ",
        "query Broken { divisions { nope } }",
        "query Broken { divisions { " + "code " * 1300 + "} }",
        "query Broken @@ { }",
    ],
    ids=["syntax", "unknown field", "too many tokens", "bad token"],
)
async def test_parse_and_validation_errors_are_recorded_as_errors_with_their_code(api: Api, query: str) -> None:
    response = await api.post({"query": query})
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    record = await newest(api.store.inner, subject=READER)
    assert record["outcome"] == "error" and record["body"]["error_codes"] == ["BAD_USER_INPUT"]
    assert record["decision"] == "none" and record["body"]["document_hash"]
    assert api.store.graph_reads() == []


@pytest.mark.parametrize("name", [5, 1.5, True, [], {}, ["Op"]])
async def test_non_string_operation_name_is_bad_input_and_recorded(api: Api, name: object) -> None:
    response = await api.post({"query": "query Op { divisions { code } }", "operationName": name})
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    record = await newest(api.store.inner, subject=READER)
    assert record["outcome"] == "refused" and record["body"]["error_codes"] == ["BAD_USER_INPUT"]
    assert record["body"]["http_status"] == 400 and record["operation_name"] is None


@pytest.mark.parametrize(
    ("purpose", "note"),
    [
        (ID_NUMBER, None),
        (f"reason:{ID_NUMBER}", None),
        (f"case:{ID_NUMBER}", None),
        (f"case:{PHONE}", None),
        ("reason:public-service", f"visit to {ID_NUMBER}"),
        ("reason:public-service", "call 138-1234-5678"),
        ("reason:public-service", quote("电话１３８１２３４５６７８")),  # fullwidth digits
        ("reason:public-service", quote("生日19900101")),
        ("reason:public-service", "x" * 201),
        ("reason:public-service", "a%00b"),
        ("reason:public-service", "%ff%fe"),  # not UTF-8
        ("reason:no-such-code", None),
        ("2026-001", None),
        (None, "a note without a purpose"),
    ],
)
async def test_malformed_purpose_is_refused_and_never_stored(api: Api, purpose: str | None, note: str | None) -> None:
    headers = {"wangge-purpose-note": note} if note is not None else {}
    response = await api.post(QUERY, purpose=purpose, **headers)
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert ID_NUMBER not in response.text and PHONE not in response.text
    record = await newest(api.store.inner, subject=READER)
    assert record["outcome"] == "refused" and record["purpose"] is None and record["body"]["purpose"] is None
    stored = json.dumps(record, ensure_ascii=False)
    for value in (ID_NUMBER, PHONE, "138-1234-5678", "１３８", "19900101", "no-such-code", "note without"):
        assert value not in stored
    assert api.store.graph_reads() == []


async def test_purpose_is_recorded_structured(api: Api) -> None:
    note = "家访 follow-up, room 12"
    body = (await api.post(QUERY, purpose="reason:dispute", **{"wangge-purpose-note": quote(note)})).json()
    assert "errors" not in body
    record = await newest(api.store.inner, subject=READER)
    assert record["purpose"] == "reason:dispute"
    assert record["body"]["purpose"] == {"kind": "reason", "code": "dispute", "note": note}
    assert "errors" not in (await api.post(QUERY, purpose="reason:law-enforcement")).json()
    record = await newest(api.store.inner, subject=READER)
    assert record["purpose"] == "reason:law-enforcement"
    assert record["body"]["purpose"] == {"kind": "reason", "code": "law-enforcement", "note": None}


async def test_purpose_given_twice_is_refused(api: Api) -> None:
    headers = [("authorization", f"Bearer {api.token()}"), ("wangge-purpose", "reason:dispute"),
               ("wangge-purpose", f"case:{ID_NUMBER}")]  # fmt: skip
    response = await api.client.post("/graphql", json=QUERY, headers=headers)
    assert response.status_code == 400
    assert (await newest(api.store.inner, subject=READER))["purpose"] is None


async def test_reason_codes_are_configurable(store: GraphStore, issuer: LocalIssuer, test_grants: None) -> None:
    headers = {"authorization": f"Bearer {issuer.issue(READER, ttl=300)}"}
    async with app_client(store, issuer, reason_codes=frozenset({"flood-drill"})) as client:
        allowed = await client.post("/graphql", json=QUERY, headers={**headers, "wangge-purpose": "reason:flood-drill"})
        default = await client.post("/graphql", json=QUERY, headers={**headers, "wangge-purpose": "reason:dispute"})
    assert allowed.status_code == 200 and "errors" not in allowed.json()
    assert default.status_code == 400 and "flood-drill" in default.json()["errors"][0]["message"]


@pytest.mark.parametrize(
    "name",
    [f"Q{ID_NUMBER}", f"P{PHONE}", "P138_1234_5678", "Born19900101", "Op" + "x" * 63],
)
async def test_operation_names_that_may_hold_personal_values_are_stored_hashed(api: Api, name: str) -> None:
    body = (await api.post({"query": f"query {name} {{ divisions {{ code }} }}"})).json()
    assert "errors" not in body
    record = await newest(api.store.inner, subject=READER)
    assert record["operation_name"] == hashed(name) == record["body"]["operation_name"]
    assert record["operation_name"].startswith("sha256:") and name not in json.dumps(record)


@pytest.mark.parametrize("name", ["GridPage", "A" * 64, "Report2026", "_private"])
async def test_plain_operation_names_are_stored_as_they_are(api: Api, name: str) -> None:
    assert "errors" not in (await api.post({"query": f"query {name} {{ divisions {{ code }} }}"})).json()
    assert (await newest(api.store.inner, subject=READER))["operation_name"] == name


async def test_unknown_operation_name_is_recorded_hashed(api: Api) -> None:
    response = await api.post({"query": "query Op { divisions { code } }", "operationName": f"Q{ID_NUMBER}"})
    assert response.status_code == 400
    record = await newest(api.store.inner, subject=READER)
    assert record["operation_name"] == hashed(f"Q{ID_NUMBER}") and record["outcome"] == "refused"


async def test_oversized_body_is_refused_with_json_and_recorded(api: Api) -> None:
    oversized = {"query": "{ divisions { code } }", "variables": {"pad": "x" * 2_000_000}}
    declared = await api.post(oversized)  # Content-Length says it all: refused before reading

    async def chunks() -> AsyncIterator[bytes]:
        payload = json.dumps(oversized).encode()
        for start in range(0, len(payload), 65536):
            yield payload[start : start + 65536]

    streamed = await api.client.post("/graphql", content=chunks(), headers={
        "authorization": f"Bearer {api.token()}", "content-type": "application/json"})  # fmt: skip
    for response in (declared, streamed):
        assert response.status_code == 413
        assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    rows = await AuditReader(api.store.inner).page(AuditQuery(decision="none"), None, 2)
    assert [(json.loads(r["body"])["http_status"], r["outcome"]) for r in rows] == [(413, "refused")] * 2
    assert [r["subject"] for r in rows] == [READER, None]  # the streamed body got past the token check first
    assert api.store.graph_reads() == []


async def test_body_under_the_limit_is_served(api: Api) -> None:
    body = (await api.post({"query": "{ divisions { code } }", "variables": {"pad": "x" * 900_000}})).json()
    assert body["data"]["divisions"]


async def test_oversized_token_is_unauthenticated_and_recorded(api: Api) -> None:
    response = await api.post(QUERY, token="e30." + "A" * 9000 + ".sig")
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    record = await newest(api.store.inner, decision="none")
    assert record["body"]["error_codes"] == ["UNAUTHENTICATED"] and record["body"]["http_status"] == 401


async def test_graphiql_page_is_recorded(store: GraphStore, issuer: LocalIssuer, test_grants: None) -> None:
    started = now_ms()
    async with app_client(store, issuer, dev=True) as client:
        page = await client.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()
    record = await newest(store, decision="none")
    assert record["at"] >= started and record["outcome"] == "ok" and record["body"]["http_status"] == 200
