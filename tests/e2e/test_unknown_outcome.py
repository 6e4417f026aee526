"""Issue 14 point 2: a write lost in a frozen graph is answered and audited as of unknown outcome.

A real `wangge serve` (one worker, embedded graph). The graph process is stopped (SIGSTOP) while a
phone correction is on its way and thawed just after the 10 s statement timeout: the answer is
SERVICE_UNAVAILABLE with `extensions.outcome = "unknown"` (before: a plain 503 for a write that was
applied anyway), and the audit record says `unknown` and names the person the write targeted
(before: no data subject). The client then retries with an Idempotency-Key: the retry runs once,
and a second retry with that key is answered from the first, not run again.
"""

import json
import os
import signal
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from tests.common.server import Server, cli
from tests.e2e.test_serving import embedded_pid

PHONE = "mutation($id: ID!, $p: String!) { updatePersonPhone(id: $id, phone: $p) { id } }"
FIRST_PERSON = '{ persons(first: 1, filter: {division: "330802"}) { nodes { id } } }'
RECORDS = "query($s: String!) { auditRecords(first: 20, filter: {dataSubject: $s}) { nodes { outcome errorCodes dataSubjects operationType } } }"


def post(server: Server, token: str, body: dict[str, Any], **headers: str) -> httpx.Response:
    return httpx.post(f"{server.url}/graphql", json=body, headers={"authorization": f"Bearer {token}", **headers},
                      timeout=60)  # fmt: skip


def test_a_write_lost_in_a_frozen_graph_is_unknown_and_a_keyed_retry_runs_once(serve_dir: Path) -> None:
    server = Server(serve_dir, workers=1)
    try:
        server.wait_ready()
        grants = [json.loads(line) for line in cli(server.env, "token", "--list").splitlines()]
        worker = next(g["sub"] for g in grants if g["role"] == "grid_worker")
        auditor = next(g["sub"] for g in grants if g["role"] == "auditor")
        token = cli(server.env, "token", "--sub", worker).strip()
        person = server.query(token, FIRST_PERSON).json()["data"]["persons"]["nodes"][0]["id"]
        change = {"query": PHONE, "variables": {"id": person, "p": "13322220001"}}
        assert post(server, token, change).status_code == 200  # the worker's grants are cached from here on

        graph = embedded_pid(serve_dir)
        answers: list[httpx.Response] = []
        os.kill(graph, signal.SIGSTOP)
        try:
            sender = threading.Thread(target=lambda: answers.append(post(server, token, {**change, "variables": {
                "id": person, "p": "13322220002"}})))  # fmt: skip
            sender.start()
            time.sleep(10.6)  # the write's 10 s socket timeout passes while the graph is frozen
        finally:
            os.kill(graph, signal.SIGCONT)  # thawed in time for the audit record to be written
        sender.join(30)
        lost = answers[0].json()
        assert answers[0].status_code == 200, answers[0].text
        assert [e["extensions"] for e in lost["errors"]] == [{"code": "SERVICE_UNAVAILABLE", "outcome": "unknown"}]

        auditor_token = cli(server.env, "token", "--sub", auditor).strip()
        records = server.query(auditor_token, RECORDS, {"s": person}).json()["data"]["auditRecords"]["nodes"]
        unknown = [r for r in records if r["outcome"] == "unknown"]
        assert unknown == [{"outcome": "unknown", "errorCodes": ["SERVICE_UNAVAILABLE"], "dataSubjects": [person],
                            "operationType": "mutation"}], records  # fmt: skip

        key = {"idempotency-key": f"retry-{time.time_ns()}"}
        retried = post(server, token, change, **key).json()
        assert retried == {"data": {"updatePersonPhone": {"id": person}}}
        replayed = post(server, token, change, **key).json()
        assert replayed == {**retried, "extensions": {"idempotency": "replayed"}}
    finally:
        assert server.stop() == 0
    assert "intact" in cli(server.env, "audit", "verify")
