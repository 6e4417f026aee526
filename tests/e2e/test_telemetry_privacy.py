"""Telemetry never carries personal values: every span and metric line of real requests, searched.

The app is wired as a worker wires it (store wrapped in `TracedStore`, HTTP instrumented), the
telemetry goes to JSON-lines files, and the requests put real names, ID numbers and phones of
the seeded persons where clients put them: variables, inline literals, operation names, query
strings, invalid input that error messages would quote. Then no line may contain any name, ID
number or phone of any seeded person or grid staff member, while the spans that make telemetry
useful (HTTP, GraphQL phases, graph statements) must all be there. Operation names that are not
plain names appear hashed, and the audit trail records the same hash.

OpenTelemetry's global providers can be set once per process, so they are configured once for
the whole session here and shut down when it ends.
"""

import json
import re
from collections.abc import Iterator
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from api import global_id
from api.client_text import hashed
from authz.tokens import LocalIssuer
from graph_model.cypher.grid import GET_ALL_GRID_CODES, GET_STAFF_BY_GRIDS
from graph_model.cypher.person import LIST_PERSONS
from graph_model.store import GraphStore
from graph_model.traced import TracedStore
from ops.telemetry import Telemetry, configure_telemetry, instrument_http, read_spans
from tests.common.counting import CountingStore
from tests.e2e.conftest import READER, app_client
from tests.e2e.test_read_api import GRID_PAGE

AUDITED_NAMES = "query($s: String) { auditRecords(first: 40, filter: {subject: $s}) { nodes { operationName } } }"
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
DIGIT_RUN = re.compile(r"[0-9X]+")  # ID numbers may end in X; a phone inside a longer number is not that phone


@pytest.fixture(scope="session")
def telemetry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Telemetry]:
    telemetry = configure_telemetry(tmp_path_factory.mktemp("telemetry"), env={"WANGGE_ENV": "test"})
    yield telemetry
    telemetry.shutdown()


@dataclass(frozen=True)
class Personal:
    names: set[str]
    numbers: set[str]  # ID numbers and phones
    person: dict[str, Any]  # one real person, whose values the requests carry


async def read_personal_values(store: GraphStore) -> Personal:
    """Every seeded person and every grid staff member, read through the same statements the API uses."""
    grids = [r["code"] for r in await store.read(GET_ALL_GRID_CODES)]
    persons = await store.read(
        LIST_PERSONS,
        {"grids": grids, "after": "", "limit": 1_000_000, "name_prefix": None, "tags": None,
         "born_from": None, "born_to": None},
    )  # fmt: skip
    staff = await store.read(GET_STAFF_BY_GRIDS, {"ids": grids})
    assert len(persons) > 1000 and len(staff) >= 4 * len(grids)
    people = [*persons, *staff]
    numbers = {p[key] for p in people for key in ("id_number", "phone") if p.get(key)}
    person = next(p for p in persons if p["phone"] and p["id_number"])
    return Personal({p["name"] for p in people}, numbers, person)


def traced_app(store: GraphStore, issuer: LocalIssuer) -> AbstractAsyncContextManager[httpx.AsyncClient]:
    """The app as `ops.asgi.create_from_env` wires it in a worker (traced store, instrumented HTTP),
    otherwise built as the `api` fixture in conftest builds it."""
    return app_client(
        TracedStore(CountingStore(store)), issuer, prepare=instrument_http
    )  # Counting: not closed by the app


def hostile_requests(person: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(method, url, httpx arguments): where a careless or hostile client puts personal values."""
    name, id_number, phone = person["name"], person["id_number"], person["phone"]
    person_id = global_id.encode("Person", person["id"])
    grid_id = global_id.encode("Grid", person["grid"])
    find = "query FindByName($p: String!) { persons(filter: {namePrefix: $p}) { nodes { id name idNumber phone } } }"
    scoped = "query($p: String, $g: ID) { persons(filter: {namePrefix: $p, grid: $g}) { nodes { name phone } } }"
    gql = "/graphql"
    return [
        ("POST", gql, {"json": {"query": GRID_PAGE, "variables": {"id": grid_id, "first": 20}}}),
        ("POST", gql, {"json": {"query": "query Person($id: ID!) { person(id: $id) { name idNumber phone } }",
                                "variables": {"id": person_id}}}),
        ("POST", gql, {"json": {"query": find, "variables": {"p": name[:1]}}}),
        ("POST", gql, {"json": {"query": find, "variables": {"p": name}, "operationName": "FindByName"}}),
        ("POST", gql, {"json": {"query": scoped, "variables": {"p": name, "g": grid_id}}}),
        ("POST", gql, {"json": {"query": f'{{ persons(filter: {{namePrefix: "{name}"}}) {{ nodes {{ id }} }} }}'}}),
        ("POST", gql, {"json": {"query": find, "variables": {"p": name}, "operationName": name}}),
        ("POST", gql, {"json": {"query": f"query P{phone} {{ divisions {{ code }} }}"}}),
        ("POST", gql, {"json": {"query": "query($n: Int) { persons(first: $n) { nodes { id } } }",
                                "variables": {"n": id_number}}}),
        ("POST", gql, {"json": {"query": f'{{ person(id: "{phone}") {{ id }} }}'}}),
        ("POST", gql, {"json": {"query": f'{{ persons(filter: {{namePrefix: "{name}"'}}),
        ("POST", f"{gql}?phone={phone}&id_number={id_number}&name={name}",
         {"json": {"query": "{ divisions { code } }"}}),
        ("GET", gql, {"params": {"query": find, "variables": json.dumps({"p": name}, ensure_ascii=False)}}),
        ("POST", gql, {"json": {"query": find, "variables": {"p": name}}, "headers": {"authorization": ""}}),
        ("GET", "/healthz", {}),
        ("GET", "/readyz", {}),
    ]  # fmt: skip


def personal_values_in(line: str, numbers: set[str]) -> list[str]:
    """CJK text (every name is CJK) and ID numbers or phones in one line, decoded so escapes hide nothing."""
    text = json.dumps(json.loads(line), ensure_ascii=False)
    found = [match.group() for match in CJK.finditer(text)] + sorted(set(DIGIT_RUN.findall(text)) & numbers)
    return [f"{value!r} in {text[:300]}" for value in found]


def read_lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def metric_points(exports: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    return [
        point
        for export in exports
        for rm in export["resource_metrics"]
        for sm in rm["scope_metrics"]
        for metric in sm["metrics"]
        if metric["name"] == name
        for point in metric["data"]["data_points"]
    ]


async def test_telemetry_of_real_requests_carries_no_personal_values(
    store: GraphStore, issuer: LocalIssuer, test_grants: None, telemetry: Telemetry
) -> None:
    personal = await read_personal_values(store)
    assert all(CJK.search(name) for name in personal.names)  # so "no CJK at all" below covers every name

    headers = {"authorization": f"Bearer {issuer.issue(READER, ttl=300)}", "wangge-purpose": "reason:public-service"}
    responses = []
    async with traced_app(store, issuer) as client:
        for method, url, kwargs in hostile_requests(personal.person):
            kwargs["headers"] = {**headers, **kwargs.get("headers", {})}
            responses.append(await client.request(method, url, **kwargs))
        auditor = {**headers, "authorization": f"Bearer {issuer.issue('auditor-3308', ttl=300)}"}
        trail = await client.post(
            "/graphql", json={"query": AUDITED_NAMES, "variables": {"s": READER}}, headers=auditor
        )
    assert [r.status_code for r in responses[:5]] == [200] * 5
    assert responses[1].json()["data"]["person"]["name"] == personal.person["name"]  # real data went through
    assert telemetry.force_flush()

    folder = telemetry.files[0].path.parent
    span_lines = (folder / "spans.jsonl").read_text(encoding="utf-8").splitlines()
    metric_lines = (folder / "metrics.jsonl").read_text(encoding="utf-8").splitlines()
    assert span_lines and metric_lines
    leaks = [leak for line in [*span_lines, *metric_lines] for leak in personal_values_in(line, personal.numbers)]
    assert not leaks, leaks[:5]

    spans = read_spans(folder / "spans.jsonl")
    names = {s["name"] for s in spans}
    assert {"POST /graphql", "GET /graphql", "graphql.parse", "graphql.validate", "graphql.execute"} <= names
    assert {"query GridPage", "query Person", "query FindByName", "query anonymous", "graphql.operation"} <= names
    operations = {(s["attributes"].get("graphql.operation.name"), s["attributes"].get("graphql.operation.type"))
                  for s in spans if "wangge.graphql.document.sha256" in s["attributes"]}  # fmt: skip
    by_phone, by_name = hashed(f"P{personal.person['phone']}"), hashed(personal.person["name"])
    assert {(by_name, "unknown"), (by_phone, "query"), ("anonymous", "unknown"), ("GridPage", "query")} <= operations
    assert not [s for s in spans if "healthz" in json.dumps(s) or "readyz" in json.dumps(s)]
    assert not [s for s in spans if s["name"].endswith((" send", " receive"))]

    statements = [s for s in spans if s["attributes"].get("db.system") == store.backend]
    compiled = {s["name"].rsplit("_", 1)[0] for s in statements if s["name"].startswith("COMPILED_")}
    assert {"COMPILED_GRID_BY_KEY", "COMPILED_PERSON_BY_KEY", "COMPILED_PERSON_PAGE"} <= compiled
    assert all("wangge.rows" in s["attributes"] for s in statements)
    # The reads a request makes sit under its execute span, in its HTTP trace (policy loads run outside requests).
    http_traces = {s["trace_id"] for s in spans if s["name"] == "POST /graphql"}
    executes = {s["id"] for s in spans if s["name"] == "graphql.execute"}
    reads = [s for s in statements if s["name"] in {"GET_GRIDS_BY_IDS", "GET_PERSONS_BY_IDS", "LIST_PERSONS"}]
    assert all(s["trace_id"] in http_traces and s["parent"] in executes for s in reads)

    exports = read_lines(folder / "metrics.jsonl")
    outcomes = {(p["attributes"]["graphql.operation.name"], p["attributes"]["outcome"])
                for p in metric_points(exports, "wangge.graphql.operations")}  # fmt: skip
    assert {("GridPage", "ok"), ("FindByName", "ok"), (by_phone, "ok"), (by_name, "error")} <= outcomes
    audited = {r["operationName"] for r in trail.json()["data"]["auditRecords"]["nodes"]}
    assert {by_phone, by_name, "GridPage", "FindByName"} <= audited
    assert {p["attributes"]["db.system"] for p in metric_points(exports, "wangge.graph.statement.duration")} >= {
        store.backend
    }
    assert metric_points(exports, "http.server.duration")
