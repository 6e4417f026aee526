"""Hostile and careless requests get JSON errors with stable codes, never a 500 or a stack trace."""

import pytest

from api import global_id
from tests.e2e.conftest import Api

DEPTHS = (40, 990, 100_000)  # past the JSON depth limit; at Python's recursion limit; far past it


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"42",
        b'"a string"',
        b"null",
        b"[]",
        b"\xff\xfe",
        b'{"query": 5}',
        b'{"query": "{ divisions { code } }", "variables": 3}',
        b'{"query": "query Op { divisions { code } }", "operationName": 5}',
        b'{"query": "query Op { divisions { code } }", "operationName": ["Op"]}',
        *(b'{"query": "{ divisions { code } }", "variables": {"a": ' + b"[" * n + b"]" * n + b"}}" for n in DEPTHS),
        *(
            b'{"query": "{ divisions { code } }", "variables": {"a": ' + b'{"b":' * n + b"1" + b"}" * n + b"}}"
            for n in DEPTHS
        ),
    ],
    ids=lambda body: body[:40].decode(errors="replace") + (f" (nested, {len(body)} bytes)" if len(body) > 80 else ""),
)
async def test_malformed_bodies(api: Api, body: bytes) -> None:
    response = await api.post(body)
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert api.store.graph_reads() == [] and api.store.sent.count("APPEND_AUDIT_RECORDS") >= 1


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        ("{ divisions { nope } }", {}),
        ("{ divisions { code ", {}),
        ("query($id: ID!) { person(id: $id) { id } }", {"id": 5.5}),
        ("query($n: Int) { persons(first: $n) { nodes { id } } }", {"n": "many"}),
        ("{ persons(first: 101) { nodes { id } } }", {}),
        ("{ persons(first: 0) { nodes { id } } }", {}),
        ('{ persons(after: "garbage") { nodes { id } } }', {}),
        ("{ persons(filter: {ageMin: 50, ageMax: 20}) { nodes { id } } }", {}),
        ('{ persons(filter: {division: "1100"}) { nodes { id } } }', {}),
        ("query($id: ID!) { person(id: $id) { id } }", {"id": "!!!not-base64"}),
        ("query($id: ID!) { node(id: $id) { id } }", {"id": global_id.encode("Secret", "x")}),
    ],
)
async def test_invalid_operations(api: Api, query: str, variables: dict[str, object]) -> None:
    response = await api.post({"query": query, "variables": variables})
    assert response.status_code in (200, 400)
    errors = response.json()["errors"]
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT", errors
    assert "Traceback" not in response.text


async def test_id_of_another_type_is_refused(api: Api) -> None:
    grid_as_person = global_id.encode("Grid", api.samples.grids[0])
    body = await api.gql("query($id: ID!) { person(id: $id) { id } }", id=grid_as_person)
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_depth_alias_and_size_limits(api: Api) -> None:
    deep = "{ divisions { children { children { children { grids { households { nodes { members { household { grid { code } } } } } } } } } } }"
    aliases = "{ " + " ".join(f"a{i}: divisions {{ code }}" for i in range(11)) + " }"
    huge = "{ divisions { " + "code " * 1300 + "} }"
    for query in (deep, aliases, huge):
        body = (await api.post({"query": query})).json()
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", query[:40]
    assert api.store.graph_reads() == [] and api.store.sent.count("APPEND_AUDIT_RECORDS") >= 1


async def test_get_and_other_methods(api: Api) -> None:
    response = await api.client.get("/graphql", params={"query": "{ divisions { code } }"},
                                    headers={"authorization": f"Bearer {api.token()}"})  # fmt: skip
    assert response.status_code in (400, 405)
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    for method in ("PUT", "DELETE", "PATCH", "OPTIONS"):
        response = await api.client.request(method, "/graphql", json={"query": "{ divisions { code } }"})
        assert response.status_code == 405 and response.headers["allow"] == "GET, POST"
        assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert api.store.graph_reads() == [] and api.store.sent.count("APPEND_AUDIT_RECORDS") == 5
