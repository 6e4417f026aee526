"""`wangge serve` for real: gunicorn with two ASGI workers, the embedded graph started once by the master.

Checks what an operator relies on: the printed URL and token instructions, tokens from
the CLI, readiness that follows the graph process, a fast clear error (not a hang) when
the graph dies, a clean stop, and data that survives a restart.
"""

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ops.embedded import free_port

WANGGE = [sys.executable, "-m", "ops"]


def cli(env: dict[str, str], *args: str) -> str:
    return subprocess.run([*WANGGE, *args], env=env, check=True, capture_output=True, text=True, timeout=60).stdout


class Server:
    def __init__(self, data_dir: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "WANGGE_DATA_DIR": str(data_dir), "WANGGE_DEV": "1"}
        self.env.pop("WANGGE_GRAPH_URL", None)
        self.process = subprocess.Popen(
            [*WANGGE, "serve", "--bind", f"127.0.0.1:{self.port}", "--workers", "2", "--demo-scale", "tiny"],
            env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        self.output = self._read_until("Listening at")

    def _read_until(self, marker: str, timeout: float = 120) -> str:
        lines: list[str] = []
        deadline = time.monotonic() + timeout
        assert self.process.stdout is not None
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                raise AssertionError("server exited:\n" + "".join(lines))
            lines.append(line)
            if marker in line:
                return "".join(lines)
        raise AssertionError("server not listening:\n" + "".join(lines))

    def wait_ready(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise AssertionError("never ready")

    def query(self, token: str, query: str) -> httpx.Response:
        headers = {"authorization": f"Bearer {token}"}
        return httpx.post(f"{self.url}/graphql", json={"query": query}, headers=headers, timeout=30)

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(30)


@pytest.fixture
def data_dir(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path
    runtime = tmp_path / "falkordb" / "server.json"
    if runtime.exists():
        pid = json.loads(runtime.read_text())["pid"]
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def embedded_pid(data_dir: Path) -> int:
    return int(json.loads((data_dir / "falkordb" / "server.json").read_text())["pid"])


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_serve_end_to_end(data_dir: Path) -> None:
    server = Server(data_dir)
    try:
        assert "loading the tiny data set" in server.output
        assert f"{server.url}/graphql" in server.output and "wangge token --sub" in server.output
        server.wait_ready()
        grants = [json.loads(line) for line in cli(server.env, "token", "--list").splitlines()]
        roles = {g["role"] for g in grants}
        assert roles == {"grid_chief", "grid_worker", "grid_part_time", "grid_instructor", "centre_operator",
                         "department_officer", "security_officer", "auditor", "resident"}  # fmt: skip
        assert all(set(g) == {"sub", "role", "jurisdiction", "department"} for g in grants)
        token = cli(server.env, "token", "--sub", grants[0]["sub"], "--ttl", "120").strip()
        assert token.count(".") == 2
        for _ in range(6):  # several requests, so both workers answer
            body = server.query(token, "{ divisions { code children { code } } }").json()
            assert body["data"]["divisions"][0]["code"] == "3308"
        ide = httpx.get(f"{server.url}/graphql", headers={"accept": "text/html"}, timeout=10)
        assert ide.status_code == 200 and "graphiql" in ide.text.lower()

        graph_pid = embedded_pid(data_dir)
        os.kill(graph_pid, signal.SIGKILL)
        started = time.monotonic()
        body = server.query(token, "{ divisions { code } }").json()
        assert time.monotonic() - started < 10
        assert body["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
        assert httpx.get(f"{server.url}/readyz", timeout=10).status_code == 503
    finally:
        assert server.stop() == 0


def test_stop_and_restart_keep_the_data(data_dir: Path) -> None:
    server = Server(data_dir)
    server.wait_ready()
    graph_pid = embedded_pid(data_dir)
    grants = [json.loads(line) for line in cli(server.env, "token", "--list").splitlines()]
    chief = next(g["sub"] for g in grants if g["role"] == "grid_chief")
    token = cli(server.env, "token", "--sub", chief).strip()
    before = server.query(token, '{ persons(first: 5, filter: {division: "330802"}) { nodes { id name } } }').json()
    assert server.stop() == 0
    assert not alive(graph_pid), "the embedded graph must stop with the service"

    again = Server(data_dir)
    try:
        assert "loading" not in again.output, "a restart must not seed again"
        again.wait_ready()
        after = again.query(token, '{ persons(first: 5, filter: {division: "330802"}) { nodes { id name } } }').json()
        assert after == before and len(after["data"]["persons"]["nodes"]) == 5
    finally:
        assert again.stop() == 0
