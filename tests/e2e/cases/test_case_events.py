"""The change feed: `caseEvents(after, first)` over HTTP on both engines, scoped like the cases."""

from tests.common.cases import CENTRE, CHIEF, RESIDENT, RESIDENT_FIELDS, CaseApi, code, officer, spot

FEED = """query($after: String, $first: Int) { caseEvents(after: $after, first: $first) {
  pageInfo { hasNextPage endCursor } nodes { event action toStatus case { number department } } } }"""


async def _drain(cases: CaseApi, sub: str, after: str | None, first: int = 2) -> tuple[list[dict], str | None]:
    """Every event after the cursor, `first` per page; the cursor to poll from next."""
    events: list[dict] = []
    while True:
        page = await cases.ok(sub, FEED, after=after, first=first)
        events += page["nodes"]
        after = page["pageInfo"]["endCursor"] or after
        if not page["pageInfo"]["hasNextPage"]:
            return events, after


async def test_a_department_follows_its_cases_in_commit_order(cases: CaseApi) -> None:
    _, cursor = await _drain(cases, officer("yingji"), None, 100)
    case = (await cases.report(CENTRE, **spot(30), category="safety.fire"))["data"]["reportCase"]
    await cases.act(CENTRE, "acceptCase", case["id"])
    unseen, cursor = await _drain(cases, officer("yingji"), cursor)
    assert case["number"] not in {e["case"]["number"] for e in unseen}  # not dispatched to 应急 yet
    await cases.act(CENTRE, "assignCase", case["id"], departmentCode="330802-yingji")
    await cases.act(officer("yingji"), "signCase", case["id"])
    events, cursor = await _drain(cases, officer("yingji"), cursor)
    mine = [e for e in events if e["case"]["number"] == case["number"]]
    # the case's earlier steps arrive with it: numbered after this department's cursor, invisible before
    assert [e["action"] for e in mine] == ["report", "accept", "assign", "sign"]
    everything, _ = await _drain(cases, officer("yingji"), None, 100)
    numbers = [e["event"] for e in everything]
    assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers)
    history = [e["action"] for e in everything if e["case"]["number"] == case["number"]]
    assert history == ["report", "accept", "assign", "sign"]
    assert {e["case"]["department"] for e in everything} == {"330802-yingji"}
    assert (await _drain(cases, officer("yingji"), cursor))[0] == []


async def test_residents_see_only_their_reports_and_cursors_are_checked(cases: CaseApi) -> None:
    own = (await cases.report(RESIDENT, RESIDENT_FIELDS, **spot(31), source="RESIDENT"))["data"]["reportCase"]
    other = (await cases.report(CENTRE, **spot(32)))["data"]["reportCase"]["number"]
    events, _ = await _drain(cases, RESIDENT, None, 100)
    seen = {e["case"]["number"] for e in events}
    assert own["number"] in seen and other not in seen
    reporters = await cases.ok(CHIEF, "query { cases(first: 100) { nodes { number reporter } } }")
    assert {n["reporter"] for n in reporters["nodes"] if n["number"] in seen} == {RESIDENT}
    assert code(await cases.gql(RESIDENT, FEED, after="bm90LWEtY3Vyc29y", first=2)) == "BAD_USER_INPUT"
    assert code(await cases.gql("security-3308-1", FEED, first=2)) == "FORBIDDEN"
