"""The GraphiQL page of dev mode loads nothing from another origin, and what it loads is what npm pinned.

Its scripts and stylesheets are Wangge's own static files, vendored from the npm lockfile; their
Subresource Integrity hashes are the ones strawberry's CDN page pinned for the same versions,
so the browser refuses a vendored file that differs from the published one.
"""

import base64
import hashlib
import re

from authz.tokens import LocalIssuer
from graph_model.store import GraphStore
from tests.e2e.conftest import app_client

TAG = re.compile(r"<(?:script|link)\b[^>]*>")
URL = re.compile(r'(?:src|href)="([^"]+)"')
INTEGRITY = re.compile(r'integrity="([^"]+)"')


def asset(tag: str) -> tuple[str, str | None]:
    url, integrity = URL.search(tag), INTEGRITY.search(tag)
    assert url is not None, tag
    return url[1], integrity[1] if integrity else None


async def test_graphiql_page_loads_only_wangge_assets(
    store: GraphStore, issuer: LocalIssuer, test_grants: None
) -> None:
    async with app_client(store, issuer, dev=True) as client:
        page = await client.get("/graphql", headers={"accept": "text/html"})
        assert page.status_code == 200 and "<script>" not in page.text
        assert "script-src 'self'" in page.headers["content-security-policy"]
        assets = [asset(tag) for tag in TAG.findall(page.text)]
        assert len(assets) == 9 and "http" not in page.text
        for url, integrity in assets:
            assert url.startswith("/static/"), url
            served = await client.get(url)
            assert served.status_code == 200, url
            if integrity:
                digest = base64.b64encode(hashlib.sha384(served.content).digest()).decode()
                assert integrity == f"sha384-{digest}", url
        assert sum(1 for _, integrity in assets if integrity) == 6


async def test_no_graphiql_page_outside_dev_mode(store: GraphStore, issuer: LocalIssuer, test_grants: None) -> None:
    async with app_client(store, issuer) as client:
        page = await client.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 401 and page.headers["content-type"] == "application/json"
