"""Child processes the service and its tests start: a free loopback port, and a clean stop."""

import signal
import socket
import subprocess


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def terminate(process: subprocess.Popen[bytes] | subprocess.Popen[str], timeout: float) -> int:
    """SIGTERM so the child can flush (AOF, Neo4j store), wait, kill if it overruns; the exit code."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode
