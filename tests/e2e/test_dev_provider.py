"""The development OpenID provider, attacked at the protocol level over the real ASGI app.

The client side here is hand-made (its own PKCE verifier, state and nonce), so each refusal is
the provider's: no PKCE, a foreign redirect URI, a forged picker form, a wrong verifier, a code
used twice, a wrong client secret. The one good exchange yields an access token the API accepts
and an ID token for this client from this issuer.
"""

import base64
import hashlib
import re
import secrets
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from joserfc import jwt

from api.app import create_app
from api.web.config import WebConfig
from authz.audit.writer import AuditWriter
from authz.engine import PolicyEngine
from authz.tokens import LocalIssuer, TokenValidator
from graph_model.store import GraphStore
from tests.e2e.conftest import AUDIENCE, ISSUER, LIMITS

URL, CLIENT, SECRET = "http://127.0.0.1:8000", "wangge-console", "s3cret-for-tests"
CALLBACK = f"{URL}/auth/callback"
SUBJECT = "security-3308-1"


@pytest.fixture
async def provider(
    store: GraphStore, issuer: LocalIssuer, test_grants: None, tmp_path: Path
) -> AsyncIterator[httpx.AsyncClient]:
    web = WebConfig(URL, URL, CLIENT, SECRET, secrets.token_urlsafe(32), True, tmp_path)
    validator = TokenValidator(issuer.public_keys, ISSUER, AUDIENCE)
    engine = PolicyEngine(store, poll_interval=3600)
    app = create_app(store, validator, engine, LIMITS, AuditWriter(store), web=web, dev_issuer=issuer)
    await engine.start()
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=URL) as client:
            yield client
    finally:
        await engine.stop()


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorize_query(challenge: str | None, nonce: str = "n-1", redirect_uri: str = CALLBACK) -> str:
    params = {"response_type": "code", "client_id": CLIENT, "redirect_uri": redirect_uri, "scope": "openid",
              "state": "st-1", "nonce": nonce}  # fmt: skip
    if challenge:
        params |= {"code_challenge": challenge, "code_challenge_method": "S256"}
    return urlencode(params)


async def code_for(client: httpx.AsyncClient, query: str, subject: str = SUBJECT) -> str:
    picker = await client.get(f"/oidc/authorize?{query}")
    assert picker.status_code == 200
    match = re.search(r'name="csrf" value="([^"]+)"', picker.text)
    assert match is not None
    chosen = await client.post(f"/oidc/authorize?{query}", data={"csrf": match[1], "subject": subject})
    assert chosen.status_code == 302 and chosen.headers["location"].startswith(f"{CALLBACK}?")
    answer = parse_qs(urlsplit(chosen.headers["location"]).query)
    assert answer["state"] == ["st-1"]
    return answer["code"][0]


async def exchange(client: httpx.AsyncClient, code: str, verifier: str, secret: str = SECRET) -> httpx.Response:
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK, "code_verifier": verifier}
    return await client.post("/oidc/token", data=form, auth=(CLIENT, secret))


async def test_a_good_exchange_gives_tokens_the_api_and_the_client_accept(
    provider: httpx.AsyncClient, issuer: LocalIssuer
) -> None:
    verifier, challenge = pkce()
    tokens = (await exchange(provider, await code_for(provider, authorize_query(challenge)), verifier)).json()
    identity = jwt.decode(tokens["id_token"], issuer.public_keys()).claims
    assert identity["iss"] == URL and identity["aud"] == [CLIENT] and identity["sub"] == SUBJECT
    assert identity["nonce"] == "n-1" and "at_hash" in identity
    headers = {"authorization": f"Bearer {tokens['access_token']}"}
    read = await provider.post("/graphql", json={"query": "{ roles }"}, headers=headers)
    assert read.status_code == 200 and "security_officer" in read.json()["data"]["roles"]
    jwks = (await provider.get("/oidc/jwks")).json()
    assert [key["kid"] for key in jwks["keys"]] == [issuer.signing_key.kid] and "d" not in jwks["keys"][0]


async def test_codes_are_single_use_and_bound_to_the_verifier(provider: httpx.AsyncClient) -> None:
    verifier, challenge = pkce()
    code = await code_for(provider, authorize_query(challenge))
    wrong = await exchange(provider, code, pkce()[0])
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
    again = await exchange(provider, code, verifier)  # the failed attempt used the code up
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
    fresh = await code_for(provider, authorize_query(challenge))
    assert (await exchange(provider, fresh, verifier, secret="guessed")).status_code == 401
    assert (
        await exchange(provider, fresh, verifier)
    ).status_code == 200  # a client that failed to authenticate burns no code


async def test_the_provider_refuses_what_an_attacker_would_try(provider: httpx.AsyncClient) -> None:
    no_pkce = await provider.get(f"/oidc/authorize?{authorize_query(None)}")
    assert no_pkce.status_code == 400 and "PKCE" in no_pkce.text
    elsewhere = await provider.get(
        f"/oidc/authorize?{authorize_query(pkce()[1], redirect_uri='https://evil.example/cb')}"
    )
    assert elsewhere.status_code == 400 and "location" not in elsewhere.headers
    query = authorize_query(pkce()[1])
    await provider.get(f"/oidc/authorize?{query}")
    forged = await provider.post(f"/oidc/authorize?{query}", data={"csrf": "forged", "subject": SUBJECT})
    assert forged.status_code == 403
    picker = await provider.get(f"/oidc/authorize?{query}")
    csrf = re.search(r'name="csrf" value="([^"]+)"', picker.text)
    assert csrf is not None
    stranger = await provider.post(f"/oidc/authorize?{query}", data={"csrf": csrf[1], "subject": "nobody-at-all"})
    assert stranger.status_code == 400 and "location" not in stranger.headers


async def test_the_session_cookie_is_secure_behind_https(
    store: GraphStore, issuer: LocalIssuer, test_grants: None, tmp_path: Path
) -> None:
    public = "https://wangge.example"
    web = WebConfig(public, public, CLIENT, SECRET, secrets.token_urlsafe(32), True, tmp_path)
    validator = TokenValidator(issuer.public_keys, ISSUER, AUDIENCE)
    app = create_app(
        store, validator, PolicyEngine(store, poll_interval=3600), LIMITS, None, web=web, dev_issuer=issuer
    )
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=public) as client:
        query = authorize_query(pkce()[1], redirect_uri=f"{public}/auth/callback")
        picker = await client.get(f"/oidc/authorize?{query}")
    cookie = picker.headers["set-cookie"].lower()
    assert picker.status_code == 200 and "secure" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    assert "script-src 'self'" in picker.headers["content-security-policy"]
