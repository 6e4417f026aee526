"""Input boundaries: what the API refuses as BAD_USER_INPUT before anything reaches the graph.

Control characters in any string argument (document literals and variables, nested input
objects and lists), unpaired surrogates, phones and division codes that only look right (a
trailing newline, fullwidth digits), audit filter dates outside the trail's range. Both backends.
"""

import base64

import pytest

from api import global_id
from api.extensions.control_characters import MESSAGE
from tests.e2e.conftest import Api

CONTROLS = ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\r", "\x1b", "\x1f", "\x7f"]
NAME_PREFIX = "query($p: String) { persons(filter: {namePrefix: $p}) { nodes { id } } }"
FILTER = "query($f: PersonFilter) { persons(filter: $f) { nodes { id } } }"
PHONE_UPDATE = "mutation($id: ID!, $p: String!) { updatePersonPhone(id: $id, phone: $p) { id } }"


def escaped(char: str) -> str:
    """The GraphQL string escape of a character, as a client writes it into a literal."""
    return f"\\u{ord(char):04x}"


def literal_cases(char: str) -> list[str]:
    c = escaped(char)
    return [
        f'{{ persons(filter: {{namePrefix: "a{c}b"}}) {{ nodes {{ id }} }} }}',
        f'{{ persons(filter: {{tags: ["elderly", "{c}"]}}) {{ nodes {{ id }} }} }}',
        f'{{ division(code: "3308{c}") {{ code }} }}',
        f'query($p: String = "{c}") {{ persons(filter: {{namePrefix: $p}}) {{ nodes {{ id }} }} }}',
        f'mutation {{ updatePersonPhone(id: "x", phone: "1331234567{c}") {{ id }} }}',
    ]


def variable_cases(char: str) -> list[tuple[str, dict[str, object]]]:
    return [
        (NAME_PREFIX, {"p": f"a{char}b"}),
        (FILTER, {"f": {"tags": ["elderly", f"x{char}"]}}),
        (FILTER, {"f": {"namePrefix": char, "grid": None}}),
        (PHONE_UPDATE, {"id": "x", "p": f"1331234567{char}"}),
    ]


def assert_refused(api: Api, body: dict[str, object], message: str | None = None) -> None:
    error = body["errors"][0]  # type: ignore[index]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    if message is not None:
        assert error["message"] == message, error


@pytest.mark.parametrize("char", CONTROLS, ids=[f"U+{ord(c):04X}" for c in CONTROLS])
async def test_control_characters_in_literals_are_bad_input(api: Api, char: str) -> None:
    for query in literal_cases(char):
        assert_refused(api, await api.gql(query), MESSAGE)
    assert api.store.graph_reads() == []  # refused in validation: not even the gate's grants were read


@pytest.mark.parametrize("char", CONTROLS, ids=[f"U+{ord(c):04X}" for c in CONTROLS])
async def test_control_characters_in_variables_are_bad_input(api: Api, char: str) -> None:
    for query, variables in variable_cases(char):
        assert_refused(api, await api.gql(query, **variables), MESSAGE)
    assert api.store.graph_reads() == []


async def test_tab_and_newline_pass_and_reach_the_graph_as_parameters(api: Api) -> None:
    for prefix in ("a\tb", "a\nb", 'x"}) RETURN 1 //', "\\", "张\u2028"):
        body = await api.gql(NAME_PREFIX, p=prefix)
        assert "errors" not in body and body["data"]["persons"]["nodes"] == []
    assert any(name.startswith("COMPILED_PERSON_PAGE_") for name in api.store.graph_reads())


@pytest.mark.parametrize(
    "raw",
    [
        rb'{"query": "query($p: String) { persons(filter: {namePrefix: $p}) { nodes { id } } }", "variables": {"p": "\ud800"}}',
        rb'{"query": "{ divisions { code } }", "operationName": "\udfff"}',
        rb'{"query": "{ divisions(parent: \"\\ud800\") { code } }"}',
    ],
    ids=["variable", "operation name", "literal"],
)
async def test_unpaired_surrogates_are_bad_input(api: Api, raw: bytes) -> None:
    response = await api.post(raw)
    assert response.status_code in (200, 400)
    assert_refused(api, response.json())
    assert api.store.graph_reads() == []


async def test_surrogate_pairs_are_ordinary_text(api: Api) -> None:
    raw = rb'{"query": "query($p: String) { persons(filter: {namePrefix: $p}) { nodes { id } } }", "variables": {"p": "\ud83d\ude00"}}'
    body = (await api.post(raw)).json()
    assert "errors" not in body and body["data"]["persons"]["nodes"] == []


@pytest.mark.parametrize(
    "phone",
    ["13312345678\n", "13312345678 ", "１３３１２３４５６７８", "133１２３４５６７８", "١٣٣١٢٣٤٥٦٧٨", "+8613312345678"],
    ids=["trailing newline", "trailing space", "fullwidth", "mixed", "arabic-indic", "country code"],
)
async def test_phone_must_be_eleven_ascii_digits(api: Api, phone: str) -> None:
    grid = api.samples.grids[0]
    person = global_id.encode("Person", api.samples.persons[grid])
    body = await api.gql(PHONE_UPDATE, sub=f"staff-{grid}-worker", id=person, p=phone)
    assert_refused(api, body, "phone must be an 11-digit mainland mobile number")
    assert "UPDATE_PERSON_PHONE" not in api.store.sent


@pytest.mark.parametrize("division", ["330802\n", "３３０８０２", "330802 ", "٣٣٠٨٠٢"])
async def test_division_code_must_be_ascii_digits_in_full(api: Api, division: str) -> None:
    body = await api.gql(FILTER, f={"division": division})
    assert_refused(api, body, "division must be a 衢州 division code such as 330802")
    assert "LIST_PERSONS" not in api.store.sent


AUDIT = "query($f: AuditFilter) { auditRecords(first: 1, filter: $f) { nodes { id } } auditCounts(by: DAY, filter: $f) { key } }"


@pytest.mark.parametrize(
    "bounds",
    [
        {"from": "0001-01-01T00:00:00"},
        {"from": "1969-12-31T23:59:59Z"},
        {"to": "9999-12-31T23:59:59-14:00"},
        {"from": "0001-01-01T00:00:00+14:00", "to": "2026-01-01T00:00:00"},
    ],
)
async def test_audit_dates_out_of_range_are_bad_input(api: Api, bounds: dict[str, str]) -> None:
    body = await api.gql(AUDIT, sub="auditor-3308", f=bounds)
    codes = {error["extensions"]["code"] for error in body["errors"]}
    assert codes == {"BAD_USER_INPUT"}, body
    assert not [name for name in api.store.sent if "AUDIT" in name and name != "APPEND_AUDIT_RECORDS"]


async def test_audit_dates_in_range_are_served(api: Api) -> None:
    body = await api.gql(AUDIT, sub="auditor-3308", f={"from": "1970-01-01T00:00:00", "to": "9999-12-31T23:59:59Z"})
    assert "errors" not in body and body["data"]["auditRecords"]["nodes"]


async def test_control_characters_hidden_in_ids_and_cursors_are_bad_input(api: Api) -> None:
    """A NUL inside the base64 of a global id or cursor passes the literal check; it must still be
    refused before it reaches the graph (on FalkorDB it cut the query: INTERNAL_SERVER_ERROR)."""
    person = base64.urlsafe_b64encode(b"Person:p\x001").decode()
    cursor = base64.urlsafe_b64encode(b"cursor:\x00").decode()
    for query, variables in (
        ("query($id: ID!) { person(id: $id) { id } }", {"id": person}),
        ("query($c: String!) { persons(first: 1, after: $c) { nodes { id } } }", {"c": cursor}),
    ):
        body = await api.gql(query, **variables)
        assert [e["extensions"]["code"] for e in body["errors"]] == ["BAD_USER_INPUT"], body
