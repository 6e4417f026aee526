"""`wangge serve` for real: gunicorn with two ASGI workers, the embedded graph started once by the master.

Checks what an operator relies on: the printed URL and token instructions, tokens from
the CLI, readiness that follows the graph process (503 with Retry-After within 1 s when it
freezes or dies, 200 again once the master has restarted it), a clean stop, and data that
survives a restart.
"""

import contextlib
import json
import os
import signal
import stat
import time
from pathlib import Path

import httpx

from tests.common.server import Server, cli


def embedded_pid(serve_dir: Path) -> int:
    return int(json.loads((serve_dir / "falkordb" / "server.json").read_text())["pid"])


def tcp_listeners(pid: int) -> list[str]:
    """Local addresses of the TCP sockets `pid` listens on, from /proc (hex address:port)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):
            target = os.readlink(fd)
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    listening = []
    for table in ("tcp", "tcp6"):
        for line in Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and fields[9] in inodes:  # 0A: LISTEN
                listening.append(fields[1])
    return listening


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
        assert f"Wangge console: {server.url}/console/policy" in server.output
        graph = json.loads((serve_dir / "falkordb" / "server.json").read_text())
        sock = serve_dir / "falkordb" / "graph.sock"
        assert graph["url"] == f"falkordb+unix://{sock}" and stat.S_ISSOCK(sock.stat().st_mode)
        assert stat.S_IMODE(sock.stat().st_mode) == 0o700, "only the service's user may connect"
        assert tcp_listeners(graph["pid"]) == [], "the embedded graph listens on its unix socket only"
        assert (serve_dir / "falkordb" / "server.log").stat().st_size > 0, "its log is kept in the data dir"
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
        console = httpx.get(f"{server.url}/console/policy", timeout=10)
        assert console.status_code == 303 and console.headers["location"] == "/auth/sign-in?next=/console/policy"
        discovery = httpx.get(f"{server.url}/.well-known/openid-configuration", timeout=10).json()
        assert discovery["issuer"] == server.url and discovery["jwks_uri"] == f"{server.url}/oidc/jwks"

    finally:
        assert server.stop() == 0


def readyz(server: Server) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = httpx.get(f"{server.url}/readyz", timeout=10)
    return response, time.monotonic() - started


def test_the_graph_comes_back_by_itself(serve_dir: Path) -> None:
    """Issue 14 point 1: a frozen graph gets a 503 with Retry-After within 1 s; a killed one is started
    again by the serving master, and /readyz turns 200 with the same data, the service never restarted."""
    server = Server(serve_dir)
    try:
        server.wait_ready()
        chief = next(json.loads(g)["sub"] for g in cli(server.env, "token", "--list").splitlines() if "chief" in g)
        token = cli(server.env, "token", "--sub", chief).strip()
        query = '{ persons(first: 5, filter: {division: "330802"}) { nodes { id name } } }'
        before = server.query(token, query).json()
        graph_pid = embedded_pid(serve_dir)

        os.kill(graph_pid, signal.SIGSTOP)
        try:
            frozen, seconds = readyz(server)
        finally:
            os.kill(graph_pid, signal.SIGCONT)
        assert frozen.status_code == 503 and frozen.headers["retry-after"].isdigit() and seconds < 1, seconds
        assert readyz(server)[0].status_code == 200

        os.kill(graph_pid, signal.SIGKILL)
        killed = time.monotonic()
        answer = server.query(token, query)
        assert time.monotonic() - killed < 10 and answer.status_code in (200, 503)
        assert answer.status_code == 200 or answer.headers["retry-after"].isdigit()
        assert answer.json() == before or answer.json()["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
        statuses = set()
        while (response := readyz(server))[0].status_code != 200:
            statuses.add(response[0].status_code)
            assert response[1] < 1 and response[0].headers["retry-after"].isdigit()
            assert time.monotonic() - killed < 20, "the graph did not come back"
            time.sleep(0.1)
        back = time.monotonic() - killed
        assert statuses <= {503} and embedded_pid(serve_dir) != graph_pid and server.process.poll() is None
        assert server.query(token, query).json() == before, f"back after {back:.1f} s, without its data"
        print(f"/readyz 200 again {back:.1f} s after the kill")
    finally:
        assert server.stop() == 0
    assert not alive(embedded_pid(serve_dir)), "the restarted graph stops with the service"


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
