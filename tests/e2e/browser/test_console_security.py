"""What an insider would try against the console: forged forms, no session, a resident in the
console, script in a change's reason, a planted session cookie. Each is refused or inert."""

import httpx

from graph_model.store import GraphStore
from tests.common.samples import pick_samples
from tests.e2e.browser.conftest import Site, screenshot, serious_violations, sign_in

OFFICER, SECOND = "security-3308-1", "security-3308-2"
VERSIONS = "{ policyVersions(first: 100) { id status } }"
PROPOSE = "mutation($c: PolicyChangeInput!) { proposePolicyChange(change: $c) { id status } }"
XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>"\'><svg onload="window.__xss=3">'


async def gql(site: Site, subject: str, query: str, **variables: object) -> dict:
    headers = {"authorization": f"Bearer {site.issuer.issue(subject, ttl=60)}"}
    async with httpx.AsyncClient(base_url=site.url) as client:
        response = await client.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
    body: dict = response.json()
    return body


async def test_forged_or_sessionless_forms_change_nothing(site: Site) -> None:
    before = await gql(site, OFFICER, VERSIONS)
    context = await site.context()
    await sign_in(site, context, OFFICER)
    form = {"kind": "add_rule", "reason": "forged", "role": "resident", "data_class": "person.basic", "action": "read"}
    forged = await context.request.post(f"{site.url}/console/policy/propose", form={**form, "csrf": "forged"})
    assert forged.status == 403 and "未执行任何操作" in await forged.text()
    missing = await context.request.post(f"{site.url}/console/policy/propose", form=form)
    assert missing.status == 403
    async with httpx.AsyncClient(base_url=site.url) as anonymous:
        for path in ("/console/policy/propose", "/console/policy/decide", "/console/audit/export", "/auth/sign-out"):
            response = await anonymous.post(path, data={**form, "csrf": "x"})
            assert response.status_code == 403, path
    assert await gql(site, OFFICER, VERSIONS) == before
    await context.close()


async def test_a_resident_sees_the_directory_and_no_console(site: Site, store: GraphStore) -> None:
    grid = (await pick_samples(store)).grids[0]
    context = await site.context()
    page = await sign_in(site, context, f"resident-{grid}-1", start="/auth/sign-in?next=/")
    card = page.locator(".grid-card").first
    await card.locator("svg.map path").wait_for()
    assert await card.locator("table tbody tr").count() >= 1
    assert await serious_violations(page) == []
    await screenshot(page, "directory")
    for path, refused in (("/console/policy", "无法打开权限管理"), ("/console/audit", "无权执行此操作")):
        response = await page.goto(f"{site.url}{path}")
        assert response is not None and response.status == 403, path
        assert refused in await page.locator("main").inner_text()
    assert site.blocked == [] and all("status of 403" in error for error in site.errors)
    await context.close()


async def test_script_in_a_reason_is_shown_as_text(site: Site, store: GraphStore) -> None:
    grid = (await pick_samples(store)).grids[0]
    grant = {"subject": "xss-worker-e2e", "role": "grid_worker", "jurisdiction": grid}
    proposed = await gql(site, OFFICER, PROPOSE, c={"reason": XSS, "addGrants": [grant]})
    change = proposed["data"]["proposePolicyChange"]
    assert change["status"] == "PENDING"
    context = await site.context()
    page = await sign_in(site, context, SECOND)
    pending = page.get_by_role("article").filter(has_text="window.__xss=2")
    assert XSS in await pending.inner_text()
    assert await page.evaluate("window.__xss") is None
    await pending.get_by_role("button", name="驳回").click()
    assert "已驳回" in await page.locator(".flash").first.inner_text()
    assert await page.evaluate("window.__xss") is None
    assert site.errors == []
    await context.close()


async def test_a_planted_session_cookie_does_not_survive_sign_in(site: Site) -> None:
    """Session fixation: whatever cookie a victim's browser held before, sign-in replaces the session whole."""
    attacker = await site.context()
    await sign_in(site, attacker, OFFICER)
    planted = next(c for c in await attacker.cookies() if c["name"] == "wangge_session")
    victim = await site.context()
    await victim.add_cookies([planted])
    page = await sign_in(site, victim, SECOND, start="/auth/sign-in?next=/console/audit")
    held = next(c for c in await victim.cookies() if c["name"] == "wangge_session")
    assert held["value"] != planted["value"]
    assert SECOND in await page.locator(".subject").inner_text()
    await attacker.close()
    await victim.close()
