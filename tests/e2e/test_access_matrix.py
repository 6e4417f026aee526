"""The attack matrix: every demo role against every class and jurisdiction, and every escape route.

tiny has grids G1 and G2 in one 柯城区 village and G3 in 衢江区. Each case names a demo
subject (as `wangge token --list` shows them), an operation and the outcome: allowed
(with raw or masked values), FORBIDDEN with the denied paths, NOT_FOUND for an
out-of-scope id, or an empty page. Both backends run every case.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from api import global_id
from tests.common.samples import Samples
from tests.e2e.conftest import Api

ID_MASK = re.compile(r"^\d{6}\*{12}$")
PHONE_MASK = re.compile(r"^1\d{2}\*{4}\d{4}$")


def g(s: Samples, i: int) -> str:
    return s.grids[i]


def person(s: Samples, i: int) -> str:
    return global_id.encode("Person", s.persons[g(s, i)])


@dataclass(frozen=True)
class Case:
    subject: Callable[[Samples], str]
    query: str
    variables: Callable[[Samples], dict[str, Any]]
    expect: str  # ok | forbidden | not_found | purpose | empty
    check: Callable[[dict[str, Any]], bool] = lambda data: True
    paths: tuple[str, ...] = ()
    purpose: bool = True


def chief(i: int) -> Callable[[Samples], str]:
    return lambda s: f"staff-{g(s, i)}-chief"


def staff(i: int, suffix: str) -> Callable[[Samples], str]:
    return lambda s: f"staff-{g(s, i)}-{suffix}"


def fixed(subject: str) -> Callable[[Samples], str]:
    return lambda s: subject


PERSON = "query($id: ID!) { person(id: $id) { %s } }"
PHONE_UPDATE = "mutation($id: ID!, $p: String!) { updatePersonPhone(id: $id, phone: $p) { id phone } }"
ON = lambda i: lambda s: {"id": person(s, i)}  # noqa: E731
NONE: Callable[[Samples], dict[str, Any]] = lambda s: {}  # noqa: E731

CASES: dict[str, Case] = {
    # 网格长: everything of their own grid, raw, L4 only with a purpose; nothing of the next grid
    "chief reads own grid raw": Case(chief(0), PERSON % "name idNumber phone tags", ON(0), "ok",
        lambda d: "*" not in d["person"]["idNumber"] and "*" not in d["person"]["phone"] and d["person"]["tags"] is not None),
    "chief L4 without purpose": Case(chief(0), PERSON % "idNumber", ON(0), "purpose", purpose=False),
    "chief L3 needs no purpose": Case(chief(0), PERSON % "name phone", ON(0), "ok", purpose=False),
    "chief next grid same village": Case(chief(0), PERSON % "name", ON(1), "not_found"),
    "chief other county": Case(chief(0), PERSON % "name", ON(2), "not_found"),
    "chief filter on other grid": Case(chief(0), 'query($g: ID!) { persons(filter: {grid: $g}) { nodes { id } } }',
        lambda s: {"g": global_id.encode("Grid", g(s, 1))}, "empty"),
    "chief nested grid page of other grid": Case(chief(0),
        "query($g: ID!) { grid(id: $g) { name staff { name } households(first: 5) { nodes { id members { name } } } keyPlaces { id } } }",
        lambda s: {"g": global_id.encode("Grid", g(s, 2))}, "ok",
        lambda d: d["grid"]["households"]["nodes"] == [] and d["grid"]["keyPlaces"] == [] and d["grid"]["staff"]),
    "chief node of other type out of scope": Case(chief(0), "query($id: ID!) { node(id: $id) { id } }",
        lambda s: {"id": global_id.encode("Household", s.households[g(s, 2)])}, "not_found"),
    "chief traverses household members": Case(chief(0),
        "query($id: ID!) { person(id: $id) { household { members { grid { code } household { members { id } } } } } }",
        ON(0), "ok", lambda d: {m["grid"]["code"] for m in d["person"]["household"]["members"]} == {d["person"]["household"]["members"][0]["grid"]["code"]}),
    # 专职网格员: identity masked, no purpose needed for masked values
    "worker identity masked": Case(staff(0, "worker"), PERSON % "name idNumber", ON(0), "ok",
        lambda d: bool(ID_MASK.match(d["person"]["idNumber"])) and "*" not in d["person"]["name"], purpose=False),
    # 兼职网格员: contact masked, no special-group tags at all
    "part-time phone masked": Case(staff(0, "part1"), PERSON % "phone", ON(0), "ok",
        lambda d: bool(PHONE_MASK.match(d["person"]["phone"])), purpose=False),
    "part-time tags refused": Case(staff(0, "part1"), PERSON % "name tags", ON(0), "forbidden", paths=("person.tags",)),
    "part-time tags via fragment": Case(staff(0, "part1"),
        "query($id: ID!) { person(id: $id) { ...F } } fragment F on Person { name tags }", ON(0), "forbidden",
        paths=("person.tags",)),
    "part-time tags via alias and inline fragment in node": Case(staff(0, "part1"),
        "query($id: ID!) { x: node(id: $id) { ... on Person { t: tags } } }", ON(0), "forbidden", paths=("x.t",)),
    "part-time skip does not hide": Case(staff(0, "part1"),
        "query($id: ID!, $no: Boolean!) { person(id: $id) { tags @skip(if: $no) } }",
        lambda s: {"id": person(s, 0), "no": False}, "forbidden", paths=("person.tags",)),
    "part-time skipped field is not asked": Case(staff(0, "part1"),
        "query($id: ID!, $no: Boolean!) { person(id: $id) { name tags @skip(if: $no) } }",
        lambda s: {"id": person(s, 0), "no": True}, "ok"),
    # 网格指导员: sensitive tags only masked (null)
    "instructor tags masked": Case(staff(0, "instructor"), PERSON % "tags phone", ON(0), "ok",
        lambda d: d["person"]["tags"] is None and bool(PHONE_MASK.match(d["person"]["phone"])), purpose=False),
    # command centre of the township: both grids of the village, not the other county
    "township centre reads both grids": Case(lambda s: f"centre-{g(s, 0)[:9]}", PERSON % "name idNumber", ON(1), "ok",
        lambda d: bool(ID_MASK.match(d["person"]["idNumber"])), purpose=False),
    "township centre other county": Case(lambda s: f"centre-{g(s, 0)[:9]}", PERSON % "name", ON(2), "not_found"),
    "county centre lists its county only": Case(fixed("centre-330802"),
        '{ persons(first: 100, filter: {division: "3308"}) { nodes { grid { code } } } }', NONE, "ok",
        lambda d: d["persons"]["nodes"] and all(p["grid"]["code"].startswith("330802") for p in d["persons"]["nodes"])),
    # departments: each limited to the classes of its duty, in its county
    "民政 reads special groups": Case(fixed("officer-330802-minzheng"), PERSON % "name tags idNumber", ON(0), "ok",
        lambda d: d["person"]["tags"] is not None and bool(ID_MASK.match(d["person"]["idNumber"]))),
    "民政 other county": Case(fixed("officer-330802-minzheng"), PERSON % "name", ON(2), "not_found"),
    "公安 reads identity raw": Case(fixed("officer-330802-gongan"), PERSON % "idNumber", ON(0), "ok",
        lambda d: "*" not in d["person"]["idNumber"]),
    "公安 no special groups": Case(fixed("officer-330802-gongan"), PERSON % "idNumber tags", ON(0), "forbidden",
        paths=("person.tags",)),
    "综合执法 no persons": Case(fixed("officer-330802-zonghezhifa"), '{ persons { nodes { id } } organizations { nodes { name } } }',
        NONE, "forbidden", paths=("persons",)),
    "综合执法 organizations": Case(fixed("officer-330802-zonghezhifa"), '{ organizations(first: 5) { nodes { name uscc } } }',
        NONE, "ok", lambda d: bool(d["organizations"]["nodes"])),
    "综合执法 node of person refused": Case(fixed("officer-330802-zonghezhifa"),
        "query($id: ID!) { node(id: $id) { ... on Household { members { idNumber } } } }", ON(0), "forbidden"),
    # separation of duties
    "security officer no personal data": Case(fixed("security-3308-1"), PERSON % "name", ON(0), "forbidden",
        paths=("person", "person.name")),
    "security officer reads policy": Case(fixed("security-3308-1"), "{ policyVersions(first: 1) { version author } }",
        NONE, "ok", lambda d: d["policyVersions"][0]["version"] >= 1),
    "auditor no personal data": Case(fixed("auditor-3308"), '{ households { nodes { id } } }', NONE, "forbidden",
        paths=("households",)),
    "auditor cannot change policy": Case(fixed("auditor-3308"),
        'mutation { proposePolicyChange(change: {reason: "x", addRules: [{role: "auditor", dataClass: "person.basic", action: "read"}]}) { id } }',
        NONE, "forbidden", paths=("proposePolicyChange",)),
    "grid chief cannot change policy": Case(chief(0),
        'mutation { rollbackPolicy(version: 1, reason: "x") { id } }', NONE, "forbidden", paths=("rollbackPolicy",)),
    # writes: base data of one's own grid only; out of scope answers NOT_FOUND and changes nothing
    "worker corrects a phone in own grid": Case(staff(0, "worker"), PHONE_UPDATE, lambda s: {"id": person(s, 0), "p": "13312345678"},
        "ok", lambda d: d["updatePersonPhone"]["phone"] == "13312345678"),
    "worker cannot write next grid": Case(staff(0, "worker"), PHONE_UPDATE, lambda s: {"id": person(s, 1), "p": "13312345678"},
        "not_found"),
    "part-time cannot write contact": Case(staff(0, "part1"), PHONE_UPDATE, lambda s: {"id": person(s, 0), "p": "13312345678"},
        "forbidden", paths=("updatePersonPhone",)),
    "民政 cannot write": Case(fixed("officer-330802-minzheng"), PHONE_UPDATE, lambda s: {"id": person(s, 0), "p": "13312345678"},
        "forbidden", paths=("updatePersonPhone",)),
    # residents: the public directory of Art. 14 only
    "resident sees the directory": Case(lambda s: f"resident-{g(s, 0)}-1",
        "query($g: ID!) { grid(id: $g) { name staff { name phone role } } divisions { name } }",
        lambda s: {"g": global_id.encode("Grid", g(s, 0))}, "ok", lambda d: len(d["grid"]["staff"]) >= 4),
    "resident no persons": Case(lambda s: f"resident-{g(s, 0)}-1", PERSON % "name", ON(0), "forbidden"),
    # default deny: a valid token naming a subject with no grant
    "stranger denied everything": Case(fixed("nobody-at-all"), "{ divisions { code } }", NONE, "forbidden",
        paths=("divisions", "divisions.code")),
}  # fmt: skip


@pytest.mark.parametrize("name", list(CASES))
async def test_access_matrix(api: Api, name: str) -> None:
    case = CASES[name]
    s = api.samples
    body = await api.gql(
        case.query, sub=case.subject(s), purpose="reason:safety-check" if case.purpose else None, **case.variables(s)
    )
    errors = body.get("errors") or []
    codes = [e["extensions"]["code"] for e in errors]
    if case.expect in ("ok", "empty"):
        assert not errors, errors
        if case.expect == "empty":
            assert next(iter(body["data"].values()))["nodes"] == []
        assert case.check(body["data"]), body["data"]
    elif case.expect == "not_found":
        assert codes == ["NOT_FOUND"], errors
    elif case.expect == "purpose":
        assert codes == ["FORBIDDEN"] and errors[0]["extensions"]["missing"] == "purpose", errors
        assert "Wangge-Purpose" in errors[0]["message"]
    else:
        assert codes == ["FORBIDDEN"], errors
        assert body["data"] is None
        if case.paths:
            assert set(case.paths) <= set(errors[0]["extensions"]["paths"]), errors


async def test_denied_operation_sends_no_statement(api: Api) -> None:
    """No resolver runs for a denied operation: once the caller's grants are cached, nothing reaches the graph."""
    subject = f"staff-{api.samples.grids[0]}-part1"
    variables = {"id": person(api.samples, 0)}
    await api.gql(PERSON % "name", sub=subject, **variables)
    api.store.sent.clear()
    body = await api.gql(PERSON % "name tags", sub=subject, **variables)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert api.store.graph_reads() == [] and api.store.sent.count("APPEND_AUDIT_RECORDS") >= 1


async def test_batched_requests_are_refused(api: Api) -> None:
    response = await api.post([{"query": "{ divisions { code } }"}, {"query": "{ persons { nodes { idNumber } } }"}])
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert api.store.graph_reads() == [] and api.store.sent.count("APPEND_AUDIT_RECORDS") >= 1


async def test_refused_writes_change_nothing(api: Api) -> None:
    s = api.samples
    worker, other = f"staff-{s.grids[0]}-worker", person(s, 1)
    chief_of_other = f"staff-{s.grids[1]}-chief"
    before = (await api.gql(PERSON % "phone", sub=chief_of_other, id=other))["data"]["person"]["phone"]
    for phone in ("13312345678", "not-a-phone"):
        body = await api.gql(PHONE_UPDATE, sub=worker, id=other, p=phone)
        assert body["errors"][0]["extensions"]["code"] in ("NOT_FOUND", "BAD_USER_INPUT")
    bad = await api.gql(PHONE_UPDATE, sub=worker, id=person(s, 0), p="12345")
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert (await api.gql(PERSON % "phone", sub=chief_of_other, id=other))["data"]["person"]["phone"] == before
