"""Keeps the embedded graph running under `wangge serve`: a graph process that dies is started again.

Before this, a killed graph left `/readyz` at 503 until someone restarted the whole service. The
supervisor runs in gunicorn's master, on every turn of its main loop (at least once a second, and at
once on SIGCHLD), never in a thread: the master forks workers, and a thread caught mid-lock by a fork
could deadlock the child. A restart only spawns the process on the same socket or port (the URL the
workers hold); the server replays its AOF before it answers, and the workers' next statements reconnect.
Restarts back off (0.5 s, doubling up to 30 s) while the graph keeps dying, and the backoff resets
once it has stayed up for a minute.
"""

import logging
import time
from collections.abc import Callable
from pathlib import Path

from ops.embedded import EmbeddedGraph, record, spawn

FIRST_DELAY, MAX_DELAY, STABLE_AFTER = 0.5, 30.0, 60.0
log = logging.getLogger("gunicorn.error")  # the master's log, where gunicorn reports its workers


class Supervisor:
    def __init__(self, data_dir: Path, graph: EmbeddedGraph, clock: Callable[[], float] = time.monotonic) -> None:
        self.data_dir = data_dir
        self.graph = graph
        self._clock = clock
        self._delay = FIRST_DELAY
        self._started = clock()
        self._due: float | None = None

    def tick(self) -> None:
        """Called often; restarts the graph once it has been dead for the current backoff delay."""
        now = self._clock()
        if self.graph.alive():
            if now - self._started >= STABLE_AFTER:
                self._delay = FIRST_DELAY
            return
        if self._due is None:
            self._due = now + self._delay
            log.error(
                "The embedded graph (pid %s) exited; restarting it in %.1f s", self.graph.process.pid, self._delay
            )
            return
        if now < self._due:
            return
        self.graph.process = spawn(self.data_dir / "falkordb", self.graph.port, self.graph.socket)
        record(self.data_dir, self.graph)
        self._started, self._due = now, None
        self._delay = min(self._delay * 2, MAX_DELAY)
        log.warning("The embedded graph was started again (pid %s); it reloads its AOF", self.graph.process.pid)
