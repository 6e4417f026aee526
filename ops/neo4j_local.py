"""A local Neo4j Community server for development and tests (`wangge neo4j-local`).

Why: the production backend is Neo4j, and every Cypher statement must also be tested on a real Neo4j.
FalkorDB's Bolt listener is not a usable stand-in (see DESIGN.md), and the machines have no Neo4j install, but
they do have Java 17 and Maven and reach Maven Central. So we run the embedded Neo4j Community 5.26 LTS
(`org.neo4j:neo4j`, version pinned in `neo4j_launcher/pom.xml`) through a one-file launcher,
`neo4j_launcher/Neo4jLocal.java`, started with Java's single-file source launcher: no build step, no install.

- `ensure_classpath` resolves the jars with Maven once and caches the classpath, keyed by the pom's hash.
- `start_neo4j_local` starts the server in the background and returns once Bolt answers (the launcher prints
  `bolt://127.0.0.1:P` only then); `Neo4jLocal.stop` shuts it down with SIGTERM.
- `run_neo4j_local` is the foreground variant behind the CLI command.

The server binds to loopback only, has auth disabled and keeps its data under `<data_dir>/neo4j`, so data
survives a restart. Its stderr goes to `<data_dir>/neo4j-launcher.log`, Neo4j's own logs to
`<data_dir>/neo4j/logs`; nothing but the Bolt URL reaches our stdout.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import select
import shlex
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType, TracebackType

from ops.processes import free_port, terminate

LAUNCHER_DIR = Path(__file__).parent / "neo4j_launcher"
POM = LAUNCHER_DIR / "pom.xml"
LAUNCHER_SOURCE = LAUNCHER_DIR / "Neo4jLocal.java"
HOST = "127.0.0.1"

# JVM tuning for a small dev/test server; replace it with WANGGE_NEO4J_JAVA_OPTS (space-separated).
DEFAULT_JAVA_TUNING = ("-Xms128m", "-Xmx512m", "-XX:+UseSerialGC")
# What Neo4j's own start script passes; without java.nio the page cache falls back to a slower mode.
JAVA_FLAGS = (
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dlog4j2.disable.jmx=true",
)
PAGE_CACHE = "192m"
MAVEN_TIMEOUT = 900.0
_TAIL_CHARS = 4000


def default_cache_dir() -> Path:
    """Where the resolved classpath is cached: `$WANGGE_CACHE_DIR`, else `$XDG_CACHE_HOME/wangge`."""
    if explicit := os.environ.get("WANGGE_CACHE_DIR"):
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "wangge"


def java_binary() -> str:
    """`$JAVA_HOME/bin/java` if JAVA_HOME is set, else `java` from PATH."""
    if java_home := os.environ.get("JAVA_HOME"):
        java = Path(java_home) / "bin" / "java"
        if not java.is_file():
            raise RuntimeError(f"JAVA_HOME is set to {java_home}, but {java} does not exist")
        return str(java)
    java_path = shutil.which("java")
    if java_path is None:
        raise RuntimeError("no `java` on PATH and JAVA_HOME is not set; Neo4j 5.26 needs Java 17 or 21")
    return java_path


def _classpath_complete(classpath: str) -> bool:
    entries = [e for e in classpath.split(os.pathsep) if e]
    return bool(entries) and all(Path(e).exists() for e in entries)


def ensure_classpath(cache_dir: Path) -> str:
    """Return the launcher's classpath, resolving it with Maven only when needed.

    The result is cached in `cache_dir/neo4j-classpath-<pom hash>.txt`; it is resolved again when the pom
    changed or a listed jar is gone from the local Maven repository. A file lock keeps concurrent callers
    from running Maven twice.
    """
    pom_hash = hashlib.sha256(POM.read_bytes()).hexdigest()[:16]
    cache_dir.mkdir(parents=True, exist_ok=True)
    cached = cache_dir / f"neo4j-classpath-{pom_hash}.txt"
    with (cache_dir / "neo4j-classpath.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if cached.is_file():
            classpath = cached.read_text(encoding="utf-8").strip()
            if _classpath_complete(classpath):
                return classpath
        mvn = shutil.which("mvn")
        if mvn is None:
            raise RuntimeError("`mvn` is not on PATH; it is needed once to fetch the Neo4j jars")
        partial = cached.with_name(f"{cached.name}.{os.getpid()}.tmp")
        command = [
            mvn, "-q", "-B", "-f", str(POM), "dependency:build-classpath",
            f"-Dmdep.outputFile={partial}",
        ]  # fmt: skip
        try:
            done = subprocess.run(
                command, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=MAVEN_TIMEOUT,
                check=False,
            )  # fmt: skip
        except subprocess.TimeoutExpired as exc:
            partial.unlink(missing_ok=True)
            raise RuntimeError(f"Maven did not resolve {POM} within {MAVEN_TIMEOUT:.0f}s") from exc
        if done.returncode != 0 or not partial.is_file():
            partial.unlink(missing_ok=True)
            output = (done.stdout + done.stderr)[-_TAIL_CHARS:]
            raise RuntimeError(f"Maven failed to resolve {POM} (exit {done.returncode}):\n{output}")
        classpath = partial.read_text(encoding="utf-8").strip()
        if not _classpath_complete(classpath):
            partial.unlink(missing_ok=True)
            raise RuntimeError(f"Maven wrote an empty or incomplete classpath for {POM}")
        os.replace(partial, cached)
        return classpath


def _java_command(classpath: str, home: Path, bolt_port: int) -> list[str]:
    tuning = os.environ.get("WANGGE_NEO4J_JAVA_OPTS")
    return [
        java_binary(),
        *(shlex.split(tuning) if tuning is not None else DEFAULT_JAVA_TUNING),
        *JAVA_FLAGS,
        "-cp", classpath,
        str(LAUNCHER_SOURCE),
        "--home", str(home),
        "--bolt-port", str(bolt_port),
        "--page-cache", PAGE_CACHE,
        "--exit-on-stdin-eof",
    ]  # fmt: skip


@dataclass
class Neo4jLocal:
    """A running local Neo4j server; stop it with `stop()` or use it as a context manager."""

    process: subprocess.Popen[bytes]
    bolt_port: int
    home: Path
    log_path: Path
    url: str = ""
    _log_offset: int = field(default=0, repr=False)

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self, timeout: float = 60.0) -> int:
        """SIGTERM (clean shutdown, checkpoints the store), wait, kill on overrun; return the exit code."""
        terminate(self.process, timeout)
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                pipe.close()
        return self.process.returncode

    def log_tail(self, chars: int = _TAIL_CHARS) -> str:
        """The end of what the launcher wrote to stderr since this start."""
        try:
            with self.log_path.open("rb") as log:
                log.seek(self._log_offset)
                return log.read().decode("utf-8", errors="replace")[-chars:]
        except OSError:
            return ""

    def __enter__(self) -> Neo4jLocal:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def _spawn(data_dir: Path, bolt_port: int, cache_dir: Path | None) -> Neo4jLocal:
    classpath = ensure_classpath(cache_dir or default_cache_dir())
    home = (data_dir / "neo4j").resolve()
    home.mkdir(parents=True, exist_ok=True)
    port = bolt_port or free_port()
    log_path = data_dir.resolve() / "neo4j-launcher.log"
    with log_path.open("ab") as log:
        offset = log.tell()
        process = subprocess.Popen(
            _java_command(classpath, home, port),
            stdin=subprocess.PIPE,  # closed by us (or by our death): the launcher then shuts down
            stdout=subprocess.PIPE,
            stderr=log,
            start_new_session=True,  # signals reach it only through us
        )
    return Neo4jLocal(process=process, bolt_port=port, home=home, log_path=log_path, _log_offset=offset)


def _await_ready(server: Neo4jLocal, timeout: float) -> str:
    """Read the launcher's stdout until the Bolt URL line; raise RuntimeError if it exits or times out."""
    stdout = server.process.stdout
    assert stdout is not None
    expected = f"bolt://{HOST}:{server.bolt_port}"
    deadline = time.monotonic() + timeout
    buffer = b""
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise RuntimeError(
                f"Neo4j did not report Bolt ready on port {server.bolt_port} within {timeout:.0f}s; "
                f"launcher log {server.log_path}:\n{server.log_tail()}"
            )
        readable, _, _ = select.select([stdout], [], [], min(remaining, 0.5))
        chunk = os.read(stdout.fileno(), 4096) if readable else b""
        buffer += chunk
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            if line.decode("utf-8", errors="replace").strip() == expected:
                return expected
        if readable and not chunk:  # EOF: the launcher exited or closed stdout
            try:
                server.process.wait(5)
            except subprocess.TimeoutExpired:
                raise RuntimeError(
                    f"Neo4j launcher closed stdout without reporting Bolt ready; launcher log "
                    f"{server.log_path}:\n{server.log_tail()}"
                ) from None
        if server.process.poll() is not None:
            raise RuntimeError(
                f"Neo4j launcher exited with code {server.process.returncode} before Bolt was ready; "
                f"launcher log {server.log_path}:\n{server.log_tail()}"
            )


def start_neo4j_local(
    data_dir: Path, bolt_port: int = 0, timeout: float = 180, *, cache_dir: Path | None = None
) -> Neo4jLocal:
    """Start Neo4j in the background with its home at `data_dir/neo4j`; return once Bolt is ready.

    `bolt_port` 0 picks a free port. The first call on a machine downloads the jars with Maven.
    """
    server = _spawn(data_dir, bolt_port, cache_dir)
    try:
        server.url = _await_ready(server, timeout)
    except BaseException:
        server.stop(timeout=30)
        raise
    return server


def run_neo4j_local(data_dir: Path, bolt_port: int, timeout: float = 180, *, cache_dir: Path | None = None) -> int:
    """Run Neo4j in the foreground: print the Bolt URL when ready, relay SIGTERM/SIGINT, return its exit code.

    A stop through a forwarded signal counts as success (0), whatever exit code the JVM reports for it.
    """
    signalled: list[int] = []
    child: list[subprocess.Popen[bytes]] = []

    def forward(signum: int, _frame: FrameType | None) -> None:
        signalled.append(signum)
        if child and child[0].poll() is None:
            child[0].send_signal(signal.SIGTERM)

    previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGTERM, signal.SIGINT)}
    server: Neo4jLocal | None = None
    try:
        try:
            server = _spawn(data_dir, bolt_port, cache_dir)
            child.append(server.process)
            if signalled:
                server.process.send_signal(signal.SIGTERM)
            url = _await_ready(server, timeout)
        except RuntimeError as exc:
            if signalled:
                return 0
            print(f"neo4j-local: {exc}", file=sys.stderr)
            return 1
        print(url, flush=True)
        print(
            f"neo4j-local: home {server.home}, launcher log {server.log_path}; stop with Ctrl-C or SIGTERM",
            file=sys.stderr,
            flush=True,
        )
        code = server.process.wait()
        if signalled and code in (0, 128 + signal.SIGTERM, 128 + signal.SIGINT, -signal.SIGTERM):
            return 0
        return code if code >= 0 else 128 - code
    finally:
        if server is not None:
            server.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
