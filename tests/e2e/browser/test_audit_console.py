"""The auditor's integrity check and export in Chromium: chain status, verification run from the page
(a CSRF-guarded POST), the export on the record, the charts drawn without script."""

from joserfc.jwk import OKPKey

from authz.audit.checkpoint import write_checkpoint
from graph_model.store import GraphStore
from tests.e2e.browser.conftest import Site, screenshot, serious_violations, sign_in

AUDITOR = "auditor-3308"


async def test_an_auditor_verifies_the_trail_and_the_export_is_recorded(
    site: Site, store: GraphStore, audit_key: OKPKey
) -> None:
    await write_checkpoint(store, audit_key)  # as the site's workers do every 30 s while busy
    context = await site.context()
    page = await sign_in(site, context, AUDITOR, start="/console/audit")
    status = page.get_by_role("region", name="审计链完整性")
    summary = await status.locator(".chain-summary").inner_text()
    assert "条链" in summary and "签名有效" in summary
    await status.get_by_role("button", name="立即校验全部审计链").click()
    result = page.locator(".verify-result")
    assert "校验通过" in await result.inner_text()
    assert page.url == f"{site.url}/console/audit/verify"
    charts = page.get_by_role("region", name="统计")
    for title in ("按日、按数据类别访问量", "被拒绝次数（按角色", "获准访问按时段"):
        await charts.locator("figure", has_text=title).wait_for()
    assert await serious_violations(page) == []
    await screenshot(page, "console-audit-verify")

    await page.goto(f"{site.url}/console/audit?subject={AUDITOR}")
    async with page.expect_download() as download:
        await page.get_by_role("button", name="导出").click()
    assert AUDITOR in (await (await download.value).path()).read_text()
    await page.goto(f"{site.url}/console/audit?subject={AUDITOR}")
    records = page.locator("table.records tbody tr")
    assert "AuditExport" in await records.first.inner_text()  # the export, newest, on the record
    assert "AuditVerification" in await page.locator("table.records").inner_text()
    assert site.blocked == [] and site.errors == []
    await context.close()


async def test_verification_needs_a_session_and_a_csrf_token(site: Site) -> None:
    context = await site.context()
    await sign_in(site, context, AUDITOR, start="/console/audit")
    forged = await context.request.post(f"{site.url}/console/audit/verify", form={"csrf": "forged"})
    assert forged.status == 403 and "未执行任何操作" in await forged.text()
    await context.close()
