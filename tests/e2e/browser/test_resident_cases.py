"""A resident reports a problem and follows it in Chromium; the neighbour sees nothing of it; a forged
form and a point outside every grid change nothing; a problem placed by a click on the grid's map is
rated and reopened from its page once closed.

Cases are filed with the system clock (the served app's), at points of grid G0 that no other suite uses.
"""

import httpx
from playwright.async_api import BrowserContext, Page

from api import global_id
from api.web.grid_map import GridMap
from graph_model.cypher.case import GET_GRID_BOUNDARIES
from graph_model.store import GraphStore
from tests.common.cases import CENTRE, G0, NEIGHBOUR, RESIDENT, officer, spot
from tests.e2e.browser.conftest import Site, screenshot, serious_violations, sign_in

MY_CASES = "query { cases(first: 100) { nodes { number description } } }"


async def gql(site: Site, subject: str, query: str, **variables: object) -> dict:
    headers = {"authorization": f"Bearer {site.issuer.issue(subject, ttl=60)}", "wangge-purpose": "reason:dispute"}
    async with httpx.AsyncClient(base_url=site.url) as client:
        response = await client.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
    body: dict = response.json()
    assert "errors" not in body, body
    return body["data"]


async def report(page: Page, site: Site, description: str, lat: float, lon: float) -> None:
    await page.goto(f"{site.url}/report")
    await page.get_by_label("问题类别").select_option("safety.hazard")
    await page.get_by_label("问题描述").fill(description)
    await page.get_by_label("纬度").fill(str(lat))
    await page.get_by_label("经度").fill(str(lon))
    await page.get_by_role("button", name="提交", exact=True).click()


async def resident_page(site: Site, subject: str) -> tuple[BrowserContext, Page]:
    context = await site.context()
    return context, await sign_in(site, context, subject, start="/auth/sign-in?next=/")


async def test_a_resident_reports_and_follows_a_problem_the_neighbour_never_sees(site: Site) -> None:
    context, page = await resident_page(site, RESIDENT)
    await page.get_by_role("link", name="报告问题").first.click()
    await page.wait_for_url(f"{site.url}/report")
    assert await page.locator('input[type="image"]').count() == 0  # no map before a grid is chosen
    await page.get_by_label("网格", exact=True).select_option(G0)
    await page.get_by_role("button", name="显示地图").click()
    await page.wait_for_url(f"{site.url}/report?grid={G0}")
    assert await page.locator(f'input[type="image"][name="map-{G0}"]').count() == 1
    assert await serious_violations(page) == []
    await screenshot(page, "report")
    description = "小区东门路灯不亮（浏览器测试）"
    await report(page, site, description, **spot(27))
    await page.wait_for_url(f"{site.url}/my-cases/*")
    number = page.url.rsplit("/", 1)[1]
    assert f"事件编号 {number}" in await page.locator(".flash.ok").inner_text()
    assert await page.locator("dd.status").inner_text() == "待受理"
    assert "提交" in await page.locator("table.steps").inner_text()
    assert await serious_violations(page) == []
    await screenshot(page, "my-case")
    await page.get_by_role("link", name="返回我的事件").click()
    await page.wait_for_url(f"{site.url}/my-cases")
    row = page.locator("table.cases tbody tr").filter(has_text=number)
    assert "公共安全隐患" in await row.inner_text() and "待受理" in await row.inner_text()
    assert await page.locator("table.cases tbody tr").first.inner_text() == await row.inner_text()  # newest first
    assert await serious_violations(page) == []
    await screenshot(page, "my-cases")

    other, theirs = await resident_page(site, NEIGHBOUR)
    await theirs.goto(f"{site.url}/my-cases")
    assert number not in await theirs.locator("main").inner_text()
    response = await theirs.goto(f"{site.url}/my-cases/{number}")
    assert response is not None and response.status == 404
    shown = await theirs.locator("main").inner_text()
    assert "未找到" in shown and description not in shown
    assert site.blocked == [] and all("status of 404" in error for error in site.errors)
    await other.close()
    await context.close()


async def test_a_forged_form_or_a_point_outside_every_grid_files_nothing(site: Site) -> None:
    before = await gql(site, RESIDENT, MY_CASES)
    context, page = await resident_page(site, RESIDENT)
    form = {"category": "safety.hazard", "description": "伪造的报告", "lat": "28.9", "lon": "118.785"}
    forged = await context.request.post(f"{site.url}/report", form={**form, "csrf": "forged"})
    assert forged.status == 403 and "未执行任何操作" in await forged.text()
    assert (await context.request.post(f"{site.url}/report", form=form)).status == 403
    async with httpx.AsyncClient(base_url=site.url) as anonymous:
        for path in ("/report", "/my-cases/2026-000001/rate", "/my-cases/2026-000001/reopen"):
            assert (
                await anonymous.post(path, data={**form, "csrf": "x", "score": "1", "reason": "x"})
            ).status_code == 403
        assert (await anonymous.get("/my-cases")).status_code == 303  # to sign-in
    await report(page, site, "河边护栏断了", lat=30.5, lon=120.1)  # Hangzhou: no grid of 衢州
    alert = page.get_by_role("alert")
    assert "该位置不在本市任何网格范围内" in await alert.inner_text()
    assert await page.get_by_label("问题描述").input_value() == "河边护栏断了"  # what was typed stays
    assert await serious_violations(page) == []
    await screenshot(page, "report-outside-grids")
    assert await gql(site, RESIDENT, MY_CASES) == before
    await context.close()


async def test_a_problem_placed_on_the_map_is_rated_and_reopened_once_closed(site: Site, store: GraphStore) -> None:
    boundary = next(g["boundary"] for g in await store.read(GET_GRID_BOUNDARIES) if g["code"] == G0)
    place = spot(29)
    x, y = GridMap.of(boundary).pixel(place["lon"], place["lat"])
    context, page = await resident_page(site, RESIDENT)
    await page.goto(f"{site.url}/report?grid={G0}")
    await page.get_by_label("问题类别").select_option("safety.hazard")
    await page.get_by_label("问题描述").fill("楼道堆放杂物（浏览器测试）")
    await page.locator(f'input[type="image"][name="map-{G0}"]').click(position={"x": x, "y": y})
    await page.wait_for_url(f"{site.url}/my-cases/*")
    number = page.url.rsplit("/", 1)[1]
    case_id = global_id.encode("Case", number)
    filed = (await gql(site, CENTRE, "query($id: ID!) { case(id: $id) { lat lon } }", id=case_id))["case"]
    assert abs(filed["lat"] - place["lat"]) < 2e-4 and abs(filed["lon"] - place["lon"]) < 2e-4, filed
    for sub, step in (
        (CENTRE, "acceptCase(id: $id)"),
        (CENTRE, 'assignCase(id: $id, departmentCode: "330802-yingji")'),
        (officer("yingji"), "signCase(id: $id)"),
        (officer("yingji"), 'resolveCase(id: $id, result: "已清理")'),
        (CENTRE, "verifyCase(id: $id, passed: true)"),
        (CENTRE, "closeCase(id: $id)"),
    ):
        await gql(site, sub, f"mutation($id: ID!) {{ {step} {{ status }} }}", id=case_id)
    await page.reload()
    assert await page.locator("dd.status").inner_text() == "已结案"
    steps = await page.locator("table.steps").inner_text()
    assert all(label in steps for label in ("受理", "交办", "签收", "办结", "核查通过", "结案"))
    assert officer("yingji") not in await page.locator("main").inner_text() and "已清理" not in steps
    assert await serious_violations(page) == []
    await screenshot(page, "my-case-closed")
    await page.get_by_label("5 分 · 非常满意").check()
    await page.get_by_role("button", name="提交评价").click()
    assert "感谢您的评价" in await page.locator(".flash.ok").inner_text()
    assert await page.get_by_role("button", name="提交评价").count() == 0
    await page.get_by_label("原因").fill("杂物又堆回来了")
    await page.get_by_role("button", name="申请重新办理").click()
    assert "已申请重新办理" in await page.locator(".flash.ok").inner_text()
    assert await page.locator("dd.status").inner_text() == "已受理"
    await page.goto(f"{site.url}/my-cases")
    listed = await page.locator("table.cases tbody tr td:first-child").all_inner_texts()
    assert number in listed and listed == sorted(listed, reverse=True)  # newest first
    assert site.blocked == [] and site.errors == []
    await context.close()
