"""Sign-in through the OpenID Connect code flow with PKCE, sessions, CSRF and redirects, in Chromium."""

import httpx

from tests.e2e.browser.conftest import Site, screenshot, sign_in

OFFICER, AUDITOR = "security-3308-1", "auditor-3308"


async def test_console_pages_redirect_to_sign_in_without_a_session(site: Site) -> None:
    async with httpx.AsyncClient(base_url=site.url) as client:
        for path in ("/console/policy", "/console/audit"):
            response = await client.get(path)
            assert response.status_code == 303 and response.headers["location"] == f"/auth/sign-in?next={path}"
        discovery = (await client.get("/.well-known/openid-configuration")).json()
        assert discovery["issuer"] == site.url and discovery["code_challenge_methods_supported"] == ["S256"]
        start = await client.get("/auth/sign-in?next=/console/audit")
        assert start.status_code == 302 and "code_challenge=" in start.headers["location"]
        assert "code_challenge_method=S256" in start.headers["location"]
        cookie = start.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie  # http: no Secure


async def test_sign_in_as_an_officer_and_sign_out(site: Site) -> None:
    context = await site.context()
    page = await sign_in(site, context, OFFICER)
    assert page.url == f"{site.url}/console/policy"
    await page.get_by_role("heading", name="角色与规则").wait_for()
    cookies = {c["name"]: c for c in await context.cookies()}
    assert cookies["wangge_session"]["httpOnly"] and cookies["wangge_session"]["sameSite"] == "Lax"
    await screenshot(page, "console-policy")
    await page.get_by_role("button", name="退出登录").click()
    await page.goto(f"{site.url}/console/policy")
    await page.wait_for_url(f"{site.url}/oidc/authorize?**")
    assert site.blocked == [] and site.errors == []
    await context.close()


async def test_no_open_redirect_after_sign_in(site: Site) -> None:
    context = await site.context()
    for target in ("//evil.example/x", "/\\\\evil.example", "https://evil.example/"):
        page = await context.new_page()
        await page.goto(f"{site.url}/auth/sign-in?next={target}")
        await page.get_by_label("身份").select_option(AUDITOR)
        await page.get_by_role("button", name="登录").click()
        await page.wait_for_load_state()
        assert page.url == f"{site.url}/", target
        await page.close()
    assert site.blocked == []
    await context.close()


async def test_a_session_cookie_replayed_after_sign_out_is_refused(site: Site) -> None:
    """Sign-out ends the session on the server: a copy of the cookie taken before is no session afterwards,
    while the same officer's other session (another browser) stays open."""
    context, other = await site.context(), await site.context()
    page = await sign_in(site, context, OFFICER)
    await sign_in(site, other, OFFICER)
    copied = next(c for c in await context.cookies() if c["name"] == "wangge_session")
    csrf = await page.locator("input[name=csrf]").first.get_attribute("value")
    await page.get_by_role("button", name="退出登录").click()
    await page.wait_for_url(f"{site.url}/")

    replay = await site.context()
    await replay.add_cookies([copied])
    refused = await replay.request.get(f"{site.url}/console/policy", max_redirects=0)
    assert refused.status == 303 and refused.headers["location"] == "/auth/sign-in?next=/console/policy"
    form = {"csrf": csrf or "", "kind": "add_rule", "reason": "replay", "role": "resident", "data_class": "grid"}
    posted = await replay.request.post(f"{site.url}/console/policy/compose", form=form)
    assert posted.status == 403 and "未执行任何操作" in await posted.text()
    still = await other.request.get(f"{site.url}/console/policy", max_redirects=0)
    assert still.status == 200
    assert site.blocked == [] and site.errors == []
    for browser_context in (context, other, replay):
        await browser_context.close()
