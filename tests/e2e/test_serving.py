"""`wangge serve` for real: gunicorn with two ASGI workers, the embedded graph started once by the master.

Checks what an operator relies on: the printed URL and token instructions, tokens from
the CLI, readiness that follows the graph process, a fast clear error (not a hang) when
the graph dies, a clean stop, and data that survives a restart.
"""

import json
import os
import signal
import time
from pathlib import Path

import httpx

from tests.common.server import Server, cli


def embedded_pid(serve_dir: Path) -> int:
    return int(json.loads((serve_dir / "falkordb" / "server.json").read_text())["pid"])


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_serve_end_to_end(serve_dir: Path) -> None:
    server = Server(serve_dir)
    try:
        assert "loading the tiny data set" in server.output
        assert f"{server.url}/graphql" in server.output and "wangge token --sub" in server.output
        server.wait_ready()
        grants = [json.loads(line) for line in cli(server.env, "token", "--list").splitlines()]
        roles = {g["role"] for g in grants}
        assert roles == {"grid_chief", "grid_worker", "grid_part_time", "grid_instructor", "centre_operator",
                         "department_officer", "security_officer", "auditor", "resident"}  # fmt: skip
        assert all(set(g) == {"sub", "role", "jurisdiction", "department"} for g in grants)
        stats = json.loads(cli(server.env, "db", "stats"))
        assert 2_500 <= stats["nodes"]["Person"] == stats["relationships"]["MEMBER_OF"]
        assert stats["nodes"]["Grid"] == 3 and stats["nodes"]["Grant"] == len(grants)
        token = cli(server.env, "token", "--sub", grants[0]["sub"], "--ttl", "120").strip()
        assert token.count(".") == 2
        for _ in range(6):  # several requests, so both workers answer
            body = server.query(token, "{ divisions { code children { code } } }").json()
            assert body["data"]["divisions"][0]["code"] == "3308"
        ide = httpx.get(f"{server.url}/graphql", headers={"accept": "text/html"}, timeout=10)
        assert ide.status_code == 200 and "graphiql" in ide.text.lower()

        graph_pid = embedded_pid(serve_dir)
        os.kill(graph_pid, signal.SIGKILL)
        started = time.monotonic()
        body = server.query(token, "{ divisions { code } }").json()
        assert time.monotonic() - started < 10
        assert body["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
        assert httpx.get(f"{server.url}/readyz", timeout=10).status_code == 503
    finally:
        assert server.stop() == 0


def test_stop_and_restart_keep_the_data(serve_dir: Path) -> None:
    server = Server(serve_dir)
    server.wait_ready()
    graph_pid = embedded_pid(serve_dir)
    grants = [json.loads(line) for line in cli(server.env, "token", "--list").splitlines()]
    chief = next(g["sub"] for g in grants if g["role"] == "grid_chief")
    token = cli(server.env, "token", "--sub", chief).strip()
    before = server.query(token, '{ persons(first: 5, filter: {division: "330802"}) { nodes { id name } } }').json()
    assert server.stop(signal.SIGINT, timeout=5) == 0, "Ctrl-C stops the workers gracefully, without the kill timeout"
    assert not alive(graph_pid), "the embedded graph must stop with the service"

    again = Server(serve_dir)
    try:
        assert "loading" not in again.output, "a restart must not seed again"
        again.wait_ready()
        after = again.query(token, '{ persons(first: 5, filter: {division: "330802"}) { nodes { id name } } }').json()
        assert after == before and len(after["data"]["persons"]["nodes"]) == 5
    finally:
        assert again.stop() == 0
