"""`auditChains` and `auditVerification` on both engines: auditors only; without the server's audit key
nothing is vouched for."""

import httpx
from joserfc.jwk import OKPKey

from api.app import create_app
from authz.audit.checkpoint import write_checkpoint
from authz.audit.writer import AuditWriter
from authz.engine import PolicyEngine
from authz.tokens import LocalIssuer, TokenValidator
from graph_model.store import GraphStore
from tests.e2e.conftest import AUDIENCE, ISSUER, LIMITS

AUDITOR = "auditor-3308"
CHAINS = "{ auditChains { checkpointAt checkpointValid chains { chain head signed } } }"
VERIFY = "{ auditVerification { ok problem records chains checkpoints verifiedAt } }"


async def ask(store: GraphStore, issuer: LocalIssuer, writer: AuditWriter, subject: str, query: str) -> dict:
    engine = PolicyEngine(store, poll_interval=3600)
    app = create_app(store, TokenValidator(issuer.public_keys, ISSUER, AUDIENCE), engine, LIMITS, writer)
    await engine.start()
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://wangge.test") as client:
            headers = {"authorization": f"Bearer {issuer.issue(subject, ttl=60)}"}
            answer: dict = (await client.post("/graphql", json={"query": query}, headers=headers)).json()
            return answer
    finally:
        await engine.stop()


async def test_an_auditor_sees_each_chain_and_verifies_the_trail(
    store: GraphStore, issuer: LocalIssuer, audit_key: OKPKey
) -> None:
    writer = AuditWriter(store, audit_key)
    await ask(store, issuer, writer, AUDITOR, "{ divisions { code } }")  # a record on the writer's chain
    await write_checkpoint(store, audit_key)
    status = (await ask(store, issuer, writer, AUDITOR, CHAINS))["data"]["auditChains"]
    assert status["checkpointValid"] and status["checkpointAt"]
    mine = next(c for c in status["chains"] if c["chain"] == writer.chain)
    assert mine["signed"] == 1 and mine["head"] >= 1
    verified = (await ask(store, issuer, writer, AUDITOR, VERIFY))["data"]["auditVerification"]
    assert verified["ok"] and verified["problem"] is None and verified["records"] >= 2 and verified["checkpoints"] >= 1


async def test_only_auditors_and_only_with_the_key(store: GraphStore, issuer: LocalIssuer, audit_key: OKPKey) -> None:
    for outsider in ("security-3308-1", "reader-city"):
        refused = await ask(store, issuer, AuditWriter(store, audit_key), outsider, VERIFY)
        assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    await write_checkpoint(store, audit_key)
    keyless = AuditWriter(store)  # a server whose writer signs nothing cannot vouch for any checkpoint
    unchecked = (await ask(store, issuer, keyless, AUDITOR, CHAINS))["data"]["auditChains"]
    assert unchecked["checkpointAt"] and not unchecked["checkpointValid"]
    assert all(chain["signed"] is None for chain in unchecked["chains"])
    unverified = (await ask(store, issuer, keyless, AUDITOR, VERIFY))["data"]["auditVerification"]
    assert not unverified["ok"] and "no audit key" in unverified["problem"]
