"""A real `wangge serve` in a subprocess (gunicorn, ASGI workers), for e2e tests and benchmarks.

Without a graph URL it runs the embedded graph with `tiny` demo data; with one, it serves that graph.
"""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from ops.processes import free_port

WANGGE = [sys.executable, "-m", "ops"]


def cli(env: dict[str, str], *args: str) -> str:
    return subprocess.run([*WANGGE, *args], env=env, check=True, capture_output=True, text=True, timeout=60).stdout


class Server:
    def __init__(
        self, data_dir: Path, graph_url: str | None = None, workers: int = 2, env: dict[str, str] | None = None
    ) -> None:
        """`env` adds or overrides settings of the served process (WANGGE_MAX_IN_FLIGHT, say)."""
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "WANGGE_DATA_DIR": str(data_dir), "WANGGE_DEV": "1", **(env or {})}
        self.env.pop("WANGGE_GRAPH_URL", None)
        if graph_url:
            self.env["WANGGE_GRAPH_URL"] = graph_url
        self.process = subprocess.Popen(
            [*WANGGE, "serve", "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers), "--demo-scale", "tiny"],
            env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        self._lines: list[str] = []
        self.output = self._read_until("Listening at")
        # keep draining, so a full pipe never blocks the server's logging; kept for `log`
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.append(line)

    @property
    def log(self) -> str:
        """Everything the server printed so far: a failed test shows why a worker died."""
        return self.output + "".join(self._lines)

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

    def query(self, token: str, query: str, variables: dict[str, object] | None = None) -> httpx.Response:
        """A new connection per request, so gunicorn spreads requests over its workers."""
        body = {"query": query, "variables": variables or {}}
        return httpx.post(f"{self.url}/graphql", json=body, headers={"authorization": f"Bearer {token}"}, timeout=30)

    def stop(self, sig: signal.Signals = signal.SIGTERM, timeout: float = 30) -> int:
        self.process.send_signal(sig)
        return self.process.wait(timeout)
