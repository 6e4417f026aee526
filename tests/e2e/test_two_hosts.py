"""Issue 14 point 7: two `wangge serve` instances against one Neo4j behave as one service.

Two hosts (two data directories sharing the issuer and audit keys, as hosts of one service share
their secrets) serve one Neo4j of their own, seeded with `tiny`: a grant approved through one is
enforced by the other within 2 s, a phone corrected through one is read through the other, a
mutation's Idempotency-Key claimed on one is answered on the other, and `wangge audit verify`
finds both hosts' chains intact from either data directory.
"""

import asyncio
import json
import shutil
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ops.graph import open_store
from ops.neo4j_local import start_neo4j_local
from ops.seeding import prepare_graph, seed
from tests.common.server import Server, cli

PERSON = "query($id: ID!) { person(id: $id) { name phone } }"
PHONE = "mutation($id: ID!, $p: String!) { updatePersonPhone(id: $id, phone: $p) { id phone } }"
PROPOSE = "mutation($c: PolicyChangeInput!) { proposePolicyChange(change: $c) { id status } }"
APPROVE = "mutation($id: ID!) { approvePolicyChange(id: $id) { status } }"


@pytest.fixture(scope="module")
def shared_neo4j(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Neo4j of this module's own: the policy changes below must not reach the session's graphs."""

    async def seeded(url: str) -> None:
        store = open_store(url)
        try:
            await seed(store, "tiny", 0, reset=True, show=False)
            await prepare_graph(store, None)
        finally:
            await store.close()

    with start_neo4j_local(tmp_path_factory.mktemp("two-hosts-neo4j")) as server:
        asyncio.run(seeded(server.url))
        yield server.url


def post(server: Server, token: str, query: str, variables: dict[str, object], **headers: str) -> dict[str, object]:
    headers = {"authorization": f"Bearer {token}", "wangge-purpose": "reason:base-data", **headers}
    body = {"query": query, "variables": variables}
    answer: dict[str, object] = httpx.post(f"{server.url}/graphql", json=body, headers=headers, timeout=30).json()
    return answer


def test_two_hosts_on_one_neo4j_are_one_service(tmp_path: Path, shared_neo4j: str) -> None:
    first = Server(tmp_path / "host-a", shared_neo4j)
    second: Server | None = None
    try:
        first.wait_ready()
        shutil.copytree(tmp_path / "host-a" / "keys", tmp_path / "host-b" / "keys")
        second = Server(tmp_path / "host-b", shared_neo4j)
        second.wait_ready()
        env = first.env
        grants = [json.loads(line) for line in cli(env, "token", "--list").splitlines()]
        grid = next(g["jurisdiction"] for g in grants if g["role"] == "grid_chief")
        token = {sub: cli(env, "token", "--sub", sub).strip()
                 for sub in ("security-3308-1", "security-3308-2", "newcomer-two-hosts", f"staff-{grid}-worker",
                             f"staff-{grid}-chief")}  # fmt: skip
        chief, worker = token[f"staff-{grid}-chief"], token[f"staff-{grid}-worker"]
        page = second.query(chief, "{ persons(first: 1) { nodes { id } } }").json()
        person = page["data"]["persons"]["nodes"][0]["id"]

        # a grant approved through the first host is enforced by the second within 2 s
        for _ in range(6):  # the second host's workers have cached the newcomer's empty capabilities
            refused = post(second, token["newcomer-two-hosts"], PERSON, {"id": person})
            assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN", refused  # type: ignore[index]
        change = {"reason": "two hosts", "addGrants": [{"subject": "newcomer-two-hosts", "role": "grid_worker",
                                                         "jurisdiction": grid}]}  # fmt: skip
        proposed = post(first, token["security-3308-1"], PROPOSE, {"c": change})["data"]["proposePolicyChange"]  # type: ignore[index]
        approved = post(first, token["security-3308-2"], APPROVE, {"id": proposed["id"]})
        applied_at = time.monotonic()
        assert approved["data"]["approvePolicyChange"]["status"] == "APPLIED", approved  # type: ignore[index]
        time.sleep(max(0.0, 2.0 - (time.monotonic() - applied_at)))
        answers = [post(second, token["newcomer-two-hosts"], PERSON, {"id": person}) for _ in range(10)]
        assert all("errors" not in a and a["data"]["person"]["name"] for a in answers), answers  # type: ignore[index]

        # a write through one host is read through the other
        written = post(first, worker, PHONE, {"id": person, "p": "13344445555"})
        assert written["data"]["updatePersonPhone"]["phone"] == "13344445555", written  # type: ignore[index]
        read = post(second, chief, PERSON, {"id": person})
        assert read["data"]["person"]["phone"] == "13344445555", read  # type: ignore[index]

        # an idempotency key claimed through one host is answered through the other
        key = {"idempotency-key": f"two-hosts-{uuid.uuid4()}"}
        once = post(first, worker, PHONE, {"id": person, "p": "13344446666"}, **key)
        again = post(second, worker, PHONE, {"id": person, "p": "13344446666"}, **key)
        assert again == {**once, "extensions": {"idempotency": "replayed"}}, (once, again)
    finally:
        assert first.stop() == 0
        assert second is None or second.stop() == 0
    for host in (first, second):
        assert host is not None
        verified = cli(host.env, "audit", "verify")
        assert "intact" in verified, verified
