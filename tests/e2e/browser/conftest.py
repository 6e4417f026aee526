"""Real headless Chromium (Debian's, driven by Playwright) against a real Wangge served over HTTP.

Playwright is pointed at the installed browser and never downloads one. One browser serves the
whole session; each test gets fresh contexts (separate cookie jars, like separate people), in
which every request that is not for Wangge itself is aborted and remembered, so a page that
needs the internet fails its test. Wangge runs in-process under uvicorn on a free loopback port,
on the session's event loop, over the same seeded graphs the other e2e tests use.
"""

import asyncio
import os
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import uvicorn
from joserfc.jwk import OKPKey
from playwright.async_api import Browser, BrowserContext, Page, Route, async_playwright
from starlette.applications import Starlette

from api.app import create_app
from api.web.config import WebConfig
from authz.audit.writer import AuditWriter
from authz.engine import PolicyEngine
from authz.tokens import LocalIssuer, TokenValidator
from graph_model.store import GraphStore
from ops.processes import free_port
from tests.e2e.conftest import AUDIENCE, ISSUER, LIMITS

CHROMIUM = os.environ.get("WANGGE_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(os.environ.get("WANGGE_TEST_OUTPUT", "test-output")) / "screenshots"


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        # Chromium's sandbox cannot start as root (CI runs as root); the pages are our own
        args = ["--no-sandbox"] if os.geteuid() == 0 else []
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=args)
        yield launched
        await launched.close()


@dataclass
class Site:
    """Wangge at `url`, and what each browser context tried to fetch from anywhere else."""

    url: str
    issuer: LocalIssuer
    browser: Browser
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    async def context(self) -> BrowserContext:
        context = await self.browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})

        async def only_wangge(route: Route) -> None:
            if route.request.url.startswith(f"{self.url}/"):
                await route.continue_()
            else:
                self.blocked.append(route.request.url)
                await route.abort("internetdisconnected")

        await context.route("**/*", only_wangge)
        context.on("page", self._watch)
        return context

    def _watch(self, page: Page) -> None:
        """Console errors include CSP refusals ("Refused to execute inline script ...")."""
        page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        page.on("pageerror", lambda error: self.errors.append(str(error)))


async def sign_in(site: "Site", context: BrowserContext, subject: str, start: str = "/console/policy") -> Page:
    """Through the console's redirect, the dev provider's subject picker and the callback, as a person would."""
    page = await context.new_page()
    await page.goto(f"{site.url}{start}")
    await page.wait_for_url(f"{site.url}/oidc/authorize?**")
    await page.get_by_label("身份").select_option(subject)
    await page.get_by_role("button", name="登录").click()
    await page.locator(".subject", has_text=subject).wait_for()
    return page


async def serious_violations(page: Page) -> list[str]:
    """axe-core (vendored from npm, served by Wangge) on the page as shown: serious and critical findings."""
    await page.add_script_tag(url="/static/vendor/axe.min.js")
    results = await page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])}× e.g. {v['nodes'][0]['target']})"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


async def screenshot(page: Page, name: str) -> Path:
    path = SCREENSHOTS / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=path, full_page=True)
    return path


async def serve(app: Starlette, port: int) -> AsyncIterator[str]:
    """`app` under uvicorn on `port` of the loopback until the generator is closed. Without its lifespan:
    that would close the session's shared store when the test ends."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


@pytest.fixture
async def site(
    store: GraphStore, issuer: LocalIssuer, test_grants: None, browser: Browser, tmp_path: Path, audit_key: OKPKey
) -> AsyncIterator[Site]:
    """Wangge in dev mode with the console: its own OpenID provider at its own URL, as `wangge serve` runs it,
    its audit writer signing with the session's audit key (which verifies the shared graphs' checkpoints)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    web = WebConfig(url, url, "wangge-console", secrets.token_urlsafe(16), secrets.token_urlsafe(32), True, tmp_path)
    engine = PolicyEngine(store, poll_interval=3600)
    validator = TokenValidator(issuer.public_keys, ISSUER, AUDIENCE)
    app = create_app(
        store, validator, engine, LIMITS, AuditWriter(store, audit_key), dev=True, web=web, dev_issuer=issuer
    )
    await engine.start()
    try:
        async for served in serve(app, port):
            yield Site(served, issuer, browser)
    finally:
        await engine.stop()
