"""Two security officers and an auditor at work in Chromium, each in a browser context of their own.

The first officer composes a grant, sees its dry-run impact and proposes it; the console shows
the API's refusal when they try to approve their own change; the second officer approves it; the
auditor finds that approval on the record and exports it. The grant is removed again at the end,
so both engines end with the same policy.
"""

import httpx
from playwright.async_api import Page

from api import global_id
from graph_model.store import GraphStore
from tests.common.samples import pick_samples
from tests.e2e.browser.conftest import Site, screenshot, serious_violations, sign_in
from tests.e2e.conftest import READER

OFFICER, SECOND, AUDITOR = "security-3308-1", "security-3308-2", "auditor-3308"
NEWCOMER = "console-worker-e2e"


async def flash(page: Page) -> str:
    return await page.locator(".flash").first.inner_text()


async def explain_and_roll_back(page: Page, grid: str) -> None:
    await page.goto(page.url.split("?")[0])
    await page.get_by_label("主体的授权").fill(NEWCOMER)
    await page.get_by_role("button", name="查询授权").click()
    assert grid in await page.get_by_role("table").filter(has_text=f"{NEWCOMER} 的授权").inner_text()
    await page.get_by_label("主体", exact=True).fill(NEWCOMER)
    await page.get_by_label("数据类别", exact=True).fill("person.basic")
    await page.get_by_label("操作", exact=True).fill("read")
    await page.get_by_label("辖区", exact=True).fill(grid)
    await page.get_by_role("button", name="为什么可以（或不可以）？").click()
    assert "允许 · grid_worker person.basic read allow" in await page.locator(".explain").inner_text()
    granted = page.get_by_role("article").filter(has_text="新增专职网格员（控制台测试）").filter(has_text="已生效")
    version = int((await granted.get_attribute("aria-label") or "").removeprefix("版本 "))
    before = page.get_by_role("article", name=f"版本 {version - 1}", exact=True)
    await before.get_by_label("回滚理由").fill("控制台测试结束")
    await before.get_by_role("button", name="回滚到此版本").click()
    assert f"已回滚到版本 {version - 1}" in await flash(page)
    await page.goto(f"{page.url.split('?')[0]}?subject={NEWCOMER}")
    assert "无授权" in await page.get_by_role("table").filter(has_text=f"{NEWCOMER} 的授权").inner_text()


async def test_compose_approve_and_audit(site: Site, store: GraphStore) -> None:
    grid = (await pick_samples(store)).grids[0]
    author = await site.context()
    page = await sign_in(site, author, OFFICER)
    assert await serious_violations(page) == []
    await page.get_by_label("类型").select_option("add_grant")
    await page.get_by_label("理由", exact=True).fill("新增专职网格员（控制台测试）")
    await page.get_by_label("授权对象（授权）").fill(NEWCOMER)
    await page.get_by_label("角色", exact=True).select_option("grid_worker")
    await page.get_by_label("辖区（授权：区划或网格编码）").fill(grid)
    await page.get_by_role("button", name="预演影响").click()
    impact = page.get_by_role("region", name="预演结果")
    await impact.get_by_text("需要另一名安全管理员审批").wait_for()
    assert NEWCOMER in await impact.locator("table.impact").inner_text()
    await screenshot(page, "console-policy-dry-run")
    await page.get_by_role("button", name="提交变更").click()
    assert "等待另一名安全管理员审批" in await flash(page)
    pending = page.get_by_role("article").filter(has_text="新增专职网格员（控制台测试）")
    await pending.get_by_role("button", name="批准").click()
    assert "无权执行此操作" in await flash(page)  # the API refuses the author; the page says so
    await page.get_by_role("article").filter(has_text="新增专职网格员（控制台测试）").wait_for()

    approver = await site.context()
    second = await sign_in(site, approver, SECOND)
    change = second.get_by_role("article").filter(has_text="新增专职网格员（控制台测试）")
    assert f"{NEWCOMER} · grid_worker" in await change.inner_text()
    await change.get_by_role("button", name="批准").click()
    assert "已批准，变更已生效" in await flash(second)
    await screenshot(second, "console-policy-approved")

    auditing = await site.context()
    audit = await sign_in(site, auditing, AUDITOR, start="/console/audit")
    await audit.get_by_label("访问者", exact=True).fill(SECOND)
    await audit.get_by_role("button", name="检索").click()
    records = audit.locator("table.records")
    await records.get_by_text("ApprovePolicyChange").first.wait_for()
    assert await serious_violations(audit) == []
    await screenshot(audit, "console-audit")
    async with audit.expect_download() as download:
        await audit.get_by_role("button", name="导出").click()
    exported = (await (await download.value).path()).read_text()
    assert "ApprovePolicyChange" in exported and SECOND in exported

    await explain_and_roll_back(page, grid)
    assert site.blocked == [] and site.errors == []
    for context in (author, approver, auditing):
        await context.close()


async def test_an_auditor_finds_who_read_a_person(site: Site, store: GraphStore) -> None:
    """One person's access history: a grid chief reads a record through the API, the auditor finds
    that read by the person's id, with the class read and the declared purpose."""
    person = global_id.encode("Person", (await pick_samples(store)).person)
    headers = {"authorization": f"Bearer {site.issuer.issue(READER, ttl=60)}", "wangge-purpose": "reason:safety-check"}
    query = {"query": "query ReadOnePerson($id: ID!) { person(id: $id) { name } }", "variables": {"id": person}}
    async with httpx.AsyncClient(base_url=site.url) as client:
        read = (await client.post("/graphql", json=query, headers=headers)).json()
    assert read["data"]["person"]["name"]

    context = await site.context()
    page = await sign_in(site, context, AUDITOR, start=f"/console/audit?data_subject={person}")
    row = page.locator("table.records tbody tr").filter(has_text="ReadOnePerson")
    text = await row.first.inner_text()
    assert READER in text and "person.basic" in text and "reason:safety-check" in text
    assert site.blocked == [] and site.errors == []
    await context.close()
