"""Every operation leaves an audit record before its response, and auditors can find it.

Both backends. Records carry ids, classes and codes, never a name, ID number or phone.
"""

import csv
import io
import json
from typing import Any

import httpx

from api import global_id
from api.app import create_app
from authz.audit.verify import verify
from authz.audit.writer import AuditWriter
from authz.engine import PolicyEngine
from authz.tokens import TokenValidator
from graph_model.backends.falkordb import FalkorDBStore
from graph_model.cypher.person import GET_PERSONS_BY_IDS
from ops.processes import free_port
from tests.e2e.conftest import AUDIENCE, ISSUER, LIMITS, Api

AUDITOR = "auditor-3308"
RECORDS = """query Audit($f: AuditFilter, $first: Int) { auditRecords(first: $first, filter: $f) { nodes {
  id at subject decision outcome errorCodes operationName dataClasses levels dataSubjects deniedPaths
  decidingRules purpose traceId roles { role jurisdiction } chain seq } } }"""


async def records(api: Api, **filters: Any) -> list[dict[str, Any]]:
    body = await api.gql(RECORDS, sub=AUDITOR, f=filters, first=20)
    assert "errors" not in body, body
    return body["data"]["auditRecords"]["nodes"]


async def test_allowed_read_is_on_record_with_its_data_subjects(api: Api, store: Any) -> None:
    grid = api.samples.grids[0]
    chief = f"staff-{grid}-chief"
    person = global_id.encode("Person", api.samples.persons[grid])
    read = await api.gql("query ChiefReadsPerson($id: ID!) { person(id: $id) { name idNumber phone } }", sub=chief,
                         purpose="reason:safety-check", id=person)  # fmt: skip
    assert "errors" not in read
    record = (await records(api, subject=chief))[0]
    assert record["operationName"] == "ChiefReadsPerson" and record["decision"] == "allow" and record["outcome"] == "ok"
    assert record["dataClasses"] == ["person.basic", "person.contact", "person.identity"]
    assert "L4" in record["levels"] and record["purpose"] == "reason:safety-check"
    assert person in record["dataSubjects"]
    assert {"role": "grid_chief", "jurisdiction": grid} in record["roles"]
    assert "grid_chief|person.identity|read|allow" in record["decidingRules"]
    by_subject = await records(api, dataSubject=person)
    assert record["id"] in {r["id"] for r in by_subject}

    raw = (await store.read(GET_PERSONS_BY_IDS, {"ids": [api.samples.persons[grid]], "grids": api.samples.grids}))[0]
    export = await api.gql(f'{{ auditExport(format: JSONL, filter: {{subject: "{chief}"}}) }}', sub=AUDITOR)
    text = json.dumps(record, ensure_ascii=False) + export["data"]["auditExport"]
    for value in (raw["name"], raw["id_number"], raw["phone"]):
        assert value not in text


async def test_denied_failed_and_unauthenticated_are_on_record(api: Api) -> None:
    part_time = f"staff-{api.samples.grids[0]}-part1"
    person = global_id.encode("Person", api.samples.persons[api.samples.grids[0]])
    await api.gql("query PeekTags($id: ID!) { person(id: $id) { tags } }", sub=part_time, id=person)
    await api.gql("query Broken { persons(first: 1000) { nodes { id } } }", sub=part_time)
    response = await api.post({"query": "query Anonymous { divisions { code } }"}, token="not-a-token")
    assert response.status_code == 401
    mine = await records(api, subject=part_time)
    denied = next(r for r in mine if r["operationName"] == "PeekTags")
    assert denied["decision"] == "deny" and denied["errorCodes"] == ["FORBIDDEN"]
    assert denied["deniedPaths"] == ["person.tags"] and denied["dataSubjects"] == []
    failed = next(r for r in mine if r["operationName"] == "Broken")
    assert failed["outcome"] == "error" and failed["errorCodes"] == ["BAD_USER_INPUT"]
    refused = (await records(api, decision="NONE"))[0]
    assert (
        refused["subject"] is None and refused["errorCodes"] == ["UNAUTHENTICATED"] and refused["outcome"] == "refused"
    )


async def test_counts_export_and_who_may_read_the_trail(api: Api) -> None:
    for by in ("SUBJECT", "DATA_CLASS", "DAY"):
        counts = (await api.gql("query($by: AuditGroup!) { auditCounts(by: $by) { key count } }", sub=AUDITOR, by=by))[
            "data"
        ]
        assert counts["auditCounts"] and all(c["count"] >= 1 for c in counts["auditCounts"])
    exported = (await api.gql("{ auditExport(format: CSV, limit: 5) }", sub=AUDITOR))["data"]["auditExport"]
    table = list(csv.reader(io.StringIO(exported)))
    assert table[0][:4] == ["id", "at", "subject", "decision"] and 1 <= len(table) - 1 <= 5
    latest = (await records(api, subject=AUDITOR))[0]
    assert latest["operationName"] is not None and latest["dataClasses"] == ["audit"]
    for outsider in (f"staff-{api.samples.grids[0]}-chief", "security-3308-1"):
        body = await api.gql("{ auditRecords { nodes { id } } }", sub=outsider)
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_trail_of_the_session_verifies(api: Api, store: Any, audit_key: Any) -> None:
    await api.gql("{ divisions { code } }")
    report = await verify(store, audit_key)
    assert report.ok, report.problem
    assert report.records > 0


async def test_fails_closed_when_the_audit_store_is_down(api: Api, store: Any, issuer: Any) -> None:
    dead = FalkorDBStore("127.0.0.1", free_port(), timeout=1.0)
    engine = PolicyEngine(store, poll_interval=3600)
    await engine.start()
    app = create_app(store, TokenValidator(issuer.public_keys, ISSUER, AUDIENCE), engine, LIMITS, AuditWriter(dead))
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://wangge.test") as client:
            response = await client.post("/graphql", json={"query": "{ divisions { code name } }"},
                                         headers={"authorization": f"Bearer {api.token()}"})  # fmt: skip
    finally:
        await engine.stop()
    assert response.status_code == 503
    assert response.json()["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
    assert "衢州" not in response.text
