"""A resident's "who read my data" page in Chromium: the department that read their record and its
declared purpose, no staff member, and nothing of the other resident's, whatever the address says.

The purposes are real cases concerning each resident (a case purpose is valid only for the persons
its case concerns, and only for a reader who may see the case): one dispatched to the department.
"""

import time

import httpx

from api import global_id
from graph_model.cypher.case import CREATE_CASE
from graph_model.cypher.resident import GET_RESIDENT_PERSON
from graph_model.store import GraphStore
from tests.common.samples import pick_samples
from tests.e2e.browser.conftest import Site, screenshot, serious_violations, sign_in
from tests.e2e.conftest import READER

READ_PERSON = "query ReadOnePerson($id: ID!) { person(id: $id) { name } }"


async def read_person(site: Site, reader: str, person: str, case: str) -> None:
    headers = {"authorization": f"Bearer {site.issuer.issue(reader, ttl=60)}", "wangge-purpose": f"case:{case}"}
    body = {"query": READ_PERSON, "variables": {"id": global_id.encode("Person", person)}}
    async with httpx.AsyncClient(base_url=site.url) as client:
        read = (await client.post("/graphql", json=body, headers=headers)).json()
    assert read["data"]["person"]["name"], read


async def concerning(store: GraphStore, grid: str, person: str, department: str | None) -> str:
    """A case about `person`, dispatched to `department`: no place, so no later report is its duplicate."""
    case = {"category": "service.special_care", "description": "走访", "status": "ASSIGNED", "priority": "normal",
            "source": "centre", "grid": grid, "level": "grid", "reporter": "e2e-my-data", "anonymous": False,
            "petition": False, "reported_at": int(time.time() * 1000), "reworks": 0, "extensions": 0, "version": 0,
            **({"department": department} if department else {})}  # fmt: skip
    params = {
        "year": "2026",
        "grid": grid,
        "case": case,
        "duplicate_of": None,
        "persons": [person],
        "idempotency": None,
    }
    return str((await store.write(CREATE_CASE, params))[0]["id"])


async def test_a_resident_sees_the_department_that_read_them_and_no_one_elses(site: Site, store: GraphStore) -> None:
    grid = (await pick_samples(store)).grids[0]
    resident, other = f"resident-{grid}-1", f"resident-{grid}-2"
    mine, theirs = [(await store.read(GET_RESIDENT_PERSON, {"subject": s}))[0]["person"] for s in (resident, other)]
    officer = f"officer-{grid[:6]}-minzheng"
    my_case = await concerning(store, grid, mine, f"{grid[:6]}-minzheng")
    their_case = await concerning(store, grid, theirs, None)
    await read_person(site, officer, mine, my_case)
    await read_person(site, READER, theirs, their_case)

    context = await site.context()
    page = await sign_in(site, context, resident, start="/auth/sign-in?next=/")
    await page.get_by_role("link", name="谁查阅了我的数据？").click()
    await page.wait_for_url(f"{site.url}/my-data")
    row = page.locator("table.history tbody tr").filter(has_text=f"办理事件 {my_case}")
    text = await row.inner_text()
    assert "民政局" in text and "人员基本信息" in text and "查阅" in text
    shown = await page.locator("main").inner_text()
    assert officer not in shown and READER not in shown and their_case not in shown
    assert await serious_violations(page) == []
    await screenshot(page, "my-data")

    someone = global_id.encode("Person", theirs)
    for probe in (f"/my-data?person={someone}", f"/my-data?data_subject={someone}", f"/my-data?subject={other}"):
        await page.goto(f"{site.url}{probe}")
        shown = await page.locator("main").inner_text()
        assert f"办理事件 {my_case}" in shown and their_case not in shown, probe
    assert site.blocked == [] and site.errors == []
    await context.close()
