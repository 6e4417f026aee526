"""A policy change approved through one gunicorn worker takes effect in every worker within 2 seconds."""

import json
import time
from pathlib import Path

from api import global_id
from tests.common.server import Server, cli

PERSON = "query($id: ID!) { person(id: $id) { name } }"


def person_query(server: Server, token: str, person_id: str) -> dict[str, object]:
    return server.query(token, PERSON, {"id": person_id}).json()


def test_grant_reaches_every_worker_within_two_seconds(serve_dir: Path) -> None:
    server = Server(serve_dir)
    try:
        server.wait_ready()
        grants = [json.loads(line) for line in cli(server.env, "token", "--list").splitlines()]
        grid = next(g["jurisdiction"] for g in grants if g["role"] == "grid_chief")
        officer = cli(server.env, "token", "--sub", "security-3308-1").strip()
        second = cli(server.env, "token", "--sub", "security-3308-2").strip()
        newcomer = cli(server.env, "token", "--sub", "newcomer-propagation").strip()
        chief = cli(server.env, "token", "--sub", f"staff-{grid}-chief").strip()
        page = server.query(chief, "{ persons(first: 1) { nodes { id } } }").json()
        person_id = page["data"]["persons"]["nodes"][0]["id"]
        assert global_id.decode(person_id)[0] == "Person"
        for _ in range(8):  # both workers have cached the newcomer's (empty) capabilities
            assert person_query(server, newcomer, person_id)["errors"][0]["extensions"]["code"] == "FORBIDDEN"

        change = {
            "reason": "propagation test",
            "addGrants": [{"subject": "newcomer-propagation", "role": "grid_worker", "jurisdiction": grid}],
        }
        mutation = "mutation($c: PolicyChangeInput!) { proposePolicyChange(change: $c) { id status } }"
        proposed = server.query(officer, mutation, {"c": change}).json()["data"]["proposePolicyChange"]
        assert proposed["status"] == "PENDING", proposed  # personal data for a new subject: a second officer
        approve = "mutation($id: ID!) { approvePolicyChange(id: $id) { status } }"
        applied_at = time.monotonic()
        body = server.query(second, approve, {"id": proposed["id"]}).json()
        assert body["data"]["approvePolicyChange"]["status"] == "APPLIED", body
        time.sleep(max(0.0, 2.0 - (time.monotonic() - applied_at)))
        answers = [person_query(server, newcomer, person_id) for _ in range(20)]
        assert all("errors" not in a and a["data"]["person"]["name"] for a in answers), answers
    finally:
        assert server.stop() == 0
