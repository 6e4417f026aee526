"""Every GraphQL request needs a valid bearer token; health routes do not."""

import time

import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey

from authz.tokens import LocalIssuer
from tests.common.tokens import unsigned
from tests.e2e.conftest import AUDIENCE, ISSUER, KEY, Api

QUERY = {"query": "{ divisions { code } }"}


async def test_valid_token_reads(api: Api) -> None:
    body = (await api.post(QUERY)).json()
    assert body["data"]["divisions"][0]["code"] == "3308"


@pytest.mark.parametrize(
    "case",
    [
        "missing",
        "not_bearer",
        "empty",
        "none_alg",
        "foreign_key",
        "expired",
        "wrong_audience",
        "wrong_issuer",
        "oversized",
    ],
)
async def test_refused_tokens_are_unauthenticated(api: Api, case: str) -> None:
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": "mallory", "exp": now + 60}
    foreign = RSAKey.generate_key(2048, parameters={"kid": "foreign"}, private=True)
    headers = {
        "missing": {},
        "not_bearer": {"authorization": "Basic dXNlcjpwYXNz"},
        "empty": {"authorization": "Bearer "},
        "none_alg": {"authorization": "Bearer " + unsigned({"alg": "none"}, claims)},
        "foreign_key": {"authorization": "Bearer " + jwt.encode({"alg": "RS256", "kid": "foreign"}, claims, foreign)},
        "expired": {"authorization": "Bearer " + api.issuer.issue("mallory", ttl=-120)},
        "wrong_audience": {"authorization": "Bearer " + LocalIssuer(KEY, ISSUER, "other-api").issue("mallory")},
        "wrong_issuer": {"authorization": "Bearer " + LocalIssuer(KEY, "https://evil.test", AUDIENCE).issue("mallory")},
        # signed by the trusted key and otherwise valid: refused for its size alone
        "oversized": {
            "authorization": "Bearer "
            + jwt.encode({"alg": "RS256", "kid": KEY.kid}, {**claims, "pad": "x" * 9000}, KEY)
        },
    }[case]
    response = await api.client.post("/graphql", json=QUERY, headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert api.store.graph_reads() == [] and api.store.sent.count("APPEND_AUDIT_RECORDS") >= 1


async def test_health_routes_need_no_token(api: Api) -> None:
    assert (await api.client.get("/healthz")).json() == {"status": "ok"}
    ready = await api.client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["status"] == "ready"
