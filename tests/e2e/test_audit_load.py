"""Under concurrent load on a real two-worker gunicorn, with one worker killed by SIGKILL mid-load,
every request that got a response has its audit record, and the trail still verifies."""

import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from graph_model.cypher.audit import LIST_AUDIT_RECORDS
from ops.graph import open_store
from tests.common.server import Server, cli

REQUESTS = 400
KILL_AFTER = 120


def worker_pids(master: int, graph: int) -> list[int]:
    """gunicorn's workers: the master's children other than the embedded graph server."""
    out = subprocess.run(["ps", "--ppid", str(master), "-o", "pid="], capture_output=True, text=True).stdout
    return [pid for pid in map(int, out.split()) if pid != graph]


async def recorded_operations(url: str, subject: str) -> list[str]:
    store = open_store(url)
    try:
        params = {"before": "~", "subject": subject, "data_subject": None, "data_class": None, "decision": None,
                  "since": None, "until": None, "trace_id": None, "jurisdiction": None, "limit": 100_000}  # fmt: skip
        return [r["operation_name"] for r in await store.read(LIST_AUDIT_RECORDS, params)]
    finally:
        await store.close()


def test_no_answered_request_lacks_its_record(serve_dir: Path) -> None:
    server = Server(serve_dir)
    try:
        server.wait_ready()
        grants = [json.loads(line) for line in cli(server.env, "token", "--list").splitlines()]
        chief = next(g["sub"] for g in grants if g["role"] == "grid_chief")
        token = cli(server.env, "token", "--sub", chief).strip()
        graph = json.loads((serve_dir / "falkordb" / "server.json").read_text())
        victim = worker_pids(server.process.pid, graph["pid"])[0]
        answered: list[int] = []
        lock = threading.Lock()

        def send(i: int) -> None:
            query = f"query Load_{i} {{ persons(first: 5) {{ nodes {{ id name }} }} }}"
            try:
                response = server.query(token, query)
            except httpx.TransportError:
                return  # the connection died with the killed worker: no response, no promise
            if response.status_code == 200 and response.json().get("data"):
                with lock:
                    answered.append(i)
                    if len(answered) == KILL_AFTER:
                        os.kill(victim, signal.SIGKILL)

        with ThreadPoolExecutor(8) as pool:
            list(pool.map(send, range(REQUESTS)))
        assert victim not in worker_pids(server.process.pid, graph["pid"])
        names = asyncio.run(recorded_operations(graph["url"], chief))
        recorded = {int(n.removeprefix("Load_")) for n in names if n and n.startswith("Load_")}
        assert len(answered) >= REQUESTS * 0.8
        assert set(answered) <= recorded, sorted(set(answered) - recorded)[:10]
        env = {**server.env, "WANGGE_GRAPH_URL": graph["url"]}
        verified = subprocess.run([sys.executable, "-m", "ops", "audit", "verify"], env=env, capture_output=True,
                                  text=True, timeout=120)  # fmt: skip
        assert verified.returncode == 0, verified.stderr
    finally:
        assert server.stop() == 0
