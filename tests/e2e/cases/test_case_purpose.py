"""A case as the declared purpose, on both engines: it justifies reading the persons that case
concerns, for a caller who may see the case, and nothing else. The insider tries it on a person
the case does not concern, on a page of the whole grid, and with a case of another grid."""

from api import global_id
from tests.common.cases import CHIEF, G0, G1, OTHER_WORKER, WORKER, CaseApi, spot

PERSON = "query($id: ID!) { person(id: $id) { name idNumber } }"
PAGE = "query($g: ID!) { persons(first: 20, filter: {grid: $g}) { nodes { id idNumber } } }"
OTHERS = "query($g: ID!) { persons(first: 5, filter: {grid: $g}) { nodes { id } } }"


def _reason(body: dict[str, object]) -> str:
    errors = body["errors"]
    assert isinstance(errors, list) and body["data"] is None, body
    return f"{errors[0]['extensions']['code']}:{errors[0]['extensions'].get('reason')}"


async def test_a_case_purpose_reads_the_persons_of_that_case_only(cases: CaseApi) -> None:
    grid = global_id.encode("Grid", G0)
    linked, unlinked = [n["id"] for n in (await cases.ok(CHIEF, OTHERS, g=grid))["nodes"][:2]]
    case = (await cases.report(WORKER, **spot(30), personIds=[linked]))["data"]["reportCase"]
    purpose = f"case:{case['number']}"
    read = await cases.gql(CHIEF, PERSON, purpose=purpose, id=linked)
    assert "errors" not in read and "*" not in read["data"]["person"]["idNumber"], read
    refused = await cases.gql(CHIEF, PERSON, purpose=purpose, id=unlinked)
    assert _reason(refused) == "FORBIDDEN:PURPOSE_PERSONS"
    assert _reason(await cases.gql(CHIEF, PAGE, purpose=purpose, g=grid)) == "FORBIDDEN:PURPOSE_PERSONS"
    assert "errors" not in await cases.gql(CHIEF, PERSON, purpose="reason:dispute", id=unlinked)


async def test_a_case_purpose_needs_a_case_the_caller_may_see(cases: CaseApi) -> None:
    grid = global_id.encode("Grid", G0)
    linked = (await cases.ok(CHIEF, OTHERS, g=grid))["nodes"][0]["id"]
    elsewhere = (await cases.report(OTHER_WORKER, lat=28.9, lon=118.802))["data"]["reportCase"]
    assert elsewhere["grid"]["code"] == G1
    nowhere = await cases.gql(CHIEF, PERSON, purpose="case:1999-000001", id=linked)  # no case of 1999 exists
    assert _reason(nowhere) == "FORBIDDEN:PURPOSE_CASE"
    unseen = await cases.gql(CHIEF, PERSON, purpose=f"case:{elsewhere['number']}", id=linked)
    assert unseen == nowhere  # an unseen case answers exactly as a missing one: no probing numbers
    mine = (await cases.report(WORKER, **spot(31), personIds=[linked]))["data"]["reportCase"]
    g1_chief = f"staff-{G1}-chief"
    assert _reason(await cases.gql(g1_chief, PERSON, purpose=f"case:{mine['number']}", id=linked)) == (
        "FORBIDDEN:PURPOSE_CASE"
    )
