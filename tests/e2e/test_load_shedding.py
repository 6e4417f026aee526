"""Issue 14 point 3: a worker holds a bounded number of GraphQL requests; the next is refused at once.

Against a real `wangge serve` (one gunicorn worker, WANGGE_MAX_IN_FLIGHT=2, its embedded graph):
requests held by a frozen graph fill the worker; what comes next is a 503 with Retry-After and
SERVICE_UNAVAILABLE within a fraction of a second, health checks still answer, the held requests
finish once the graph thaws, and the audit trail counts the refused ones. Then the worker is
saturated for real (more clients than slots): every answer is a 200 or a fast, marked 503.
"""

import asyncio
import json
import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from tests.common.server import Server, cli
from tests.e2e.test_serving import embedded_pid

PERSONS = '{ persons(first: 20, filter: {division: "330802"}) { nodes { id name } } }'
SHED_RECORDS = '{ auditRecords(first: 50, filter: {decision: "none"}) { nodes { outcome shedCount subject } } }'


def subject(server: Server, role: str) -> str:
    return next(g["sub"] for g in map(json.loads, cli(server.env, "token", "--list").splitlines()) if g["role"] == role)


def timed_post(server: Server, token: str) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = server.query(token, PERSONS)
    return response, time.monotonic() - started


def test_a_full_worker_refuses_at_once_and_the_trail_counts_it(serve_dir: Path) -> None:
    server = Server(serve_dir, workers=1, env={"WANGGE_MAX_IN_FLIGHT": "2"})
    try:
        server.wait_ready()
        token = cli(server.env, "token", "--sub", subject(server, "grid_chief")).strip()
        assert server.query(token, PERSONS).status_code == 200
        graph = embedded_pid(serve_dir)
        os.kill(graph, signal.SIGSTOP)
        try:
            with ThreadPoolExecutor(2) as pool:
                held = [pool.submit(timed_post, server, token) for _ in range(2)]
                time.sleep(1.0)  # both are in the worker, waiting on the frozen graph
                refused = [timed_post(server, token) for _ in range(4)]
                health = httpx.get(f"{server.url}/healthz", timeout=5)
                os.kill(graph, signal.SIGCONT)
                answered = [f.result() for f in held]
        finally:
            os.kill(graph, signal.SIGCONT)
        for response, seconds in refused:
            assert response.status_code == 503 and seconds < 0.5, (response.status_code, seconds)
            assert response.headers["retry-after"] == "1"
            assert [e["extensions"]["code"] for e in response.json()["errors"]] == ["SERVICE_UNAVAILABLE"]
        assert health.status_code == 200, "a full worker still answers its health check"
        assert [r.status_code for r, _ in answered] == [200, 200], "the admitted requests finish once the graph thaws"
        assert server.query(token, PERSONS).status_code == 200, "the slots are free again"

        auditor = cli(server.env, "token", "--sub", subject(server, "auditor")).strip()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            body = server.query(auditor, SHED_RECORDS).json()
            shed = [n for n in body["data"]["auditRecords"]["nodes"] if n["outcome"] == "shed"]
            if shed:
                break
            time.sleep(0.3)
        assert [(n["shedCount"], n["subject"]) for n in shed] == [(4, None)], body
    finally:
        assert server.stop() == 0
    assert "intact" in cli(server.env, "audit", "verify"), "the shed records are on the verified chain"


async def saturate(
    server: Server, token: str, clients: int, seconds: float
) -> tuple[list[float], list[float], list[str]]:
    answered: list[float] = []
    shed: list[float] = []
    other: list[str] = []
    headers = {"authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=server.url, headers=headers, timeout=30, limits=limits) as client:
        until = time.monotonic() + seconds

        async def one_client() -> None:
            while time.monotonic() < until:
                started = time.monotonic()
                try:
                    response = await client.post("/graphql", json={"query": PERSONS})
                except httpx.TransportError as exc:  # a dropped connection is an outcome too: count it, show it
                    other.append(f"{type(exc).__name__} after {time.monotonic() - started:.3f} s")
                    continue
                took = time.monotonic() - started
                if response.status_code == 200 and "errors" not in response.json():
                    answered.append(took)
                elif response.status_code == 503 and response.headers.get("retry-after") == "1":
                    shed.append(took)
                else:
                    other.append(f"{response.status_code} {response.text[:200]}")

        await asyncio.gather(*(one_client() for _ in range(clients)))
    return answered, shed, other


def test_a_saturated_worker_answers_or_sheds_fast_and_nothing_else(serve_dir: Path) -> None:
    server = Server(serve_dir, workers=1, env={"WANGGE_MAX_IN_FLIGHT": "2"})
    try:
        server.wait_ready()
        token = cli(server.env, "token", "--sub", subject(server, "grid_chief")).strip()
        answered, shed, other = asyncio.run(saturate(server, token, clients=12, seconds=4))
        assert other == [], (other[:3], server.log[-3000:])
        assert answered and shed, (len(answered), len(shed))
        shed.sort()
        answered.sort()
        median_shed, median_answered = shed[len(shed) // 2], answered[len(answered) // 2]
        assert median_shed < median_answered, (median_shed, median_answered)
        print(f"answered {len(answered)} (p50 {median_answered * 1000:.0f} ms), shed {len(shed)} "
              f"(p50 {median_shed * 1000:.1f} ms, slowest {shed[-1] * 1000:.0f} ms)")  # fmt: skip
        assert httpx.get(f"{server.url}/readyz", timeout=5).status_code == 200
    finally:
        assert server.stop() == 0
