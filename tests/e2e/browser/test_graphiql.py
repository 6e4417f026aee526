"""GraphiQL renders and runs a query in Chromium with every origin but Wangge cut off."""

import json

from tests.e2e.browser.conftest import Site, screenshot
from tests.e2e.conftest import READER


async def test_graphiql_runs_a_query_offline(site: Site) -> None:
    context = await site.context()
    headers = json.dumps({"Authorization": f"Bearer {site.issuer.issue(READER, ttl=300)}"})
    # GraphiQL keeps its headers in local storage (shouldPersistHeaders); put the token there as a user would
    setting = f"localStorage.setItem('graphiql:headers', {json.dumps(headers)})"
    await context.add_init_script(f"if (location.origin === {json.dumps(site.url)}) {setting}")
    page = await context.new_page()
    await page.goto(f"{site.url}/graphql?q={{divisions{{code name}}}}")
    await page.locator(".graphiql-execute-button").click()
    result = page.locator(".graphiql-response .CodeMirror")
    await result.get_by_text('"衢州市"').wait_for()
    assert '"3308"' in await result.inner_text()
    await screenshot(page, "graphiql")
    assert site.blocked == [] and site.errors == []
    await context.close()
