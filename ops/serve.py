"""`wangge serve`: gunicorn with ASGI workers in front of one graph.

The embedded graph is started here, in the master, exactly once; workers learn its
address through WANGGE_GRAPH_URL. Demo data is loaded if the graph is empty.
"""

import asyncio
import os
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from gunicorn.app.base import BaseApplication
from gunicorn.arbiter import Arbiter

from ops.runtime import graph_url, reached_store
from ops.seeding import DEMO_SCALE, prepare_graph
from ops.settings import Settings
from ops.supervisor import Supervisor
from ops.telemetry import configure_telemetry


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any], supervisor: Supervisor | None) -> None:
        self._options = options
        self._supervisor = supervisor
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from ops.asgi import create_from_env

        return create_from_env()

    def run(self) -> None:
        """Ctrl-C stops like SIGTERM: gunicorn's quick stop sends workers SIGQUIT, which uvicorn workers
        ignore, so they were SIGKILLed after the graceful timeout and lost unexported telemetry.

        The supervisor of the embedded graph runs where the arbiter keeps its worker count, on every turn
        of its main loop."""
        arbiter = Arbiter(self)
        arbiter.handle_int = arbiter.handle_term
        if self._supervisor is not None:
            manage, supervisor = arbiter.manage_workers, self._supervisor

            def manage_and_supervise() -> None:
                manage()
                supervisor.tick()

            arbiter.manage_workers = manage_and_supervise
        arbiter.run()


def _telemetry_hook(data_dir: Path) -> Callable[[Any, Any], None]:
    """Telemetry providers per worker, after the fork: their export threads would not survive one."""

    def post_fork(server: Any, worker: Any) -> None:
        configure_telemetry(data_dir)

    return post_fork


async def _prepare(settings: Settings, url: str, demo_scale: str | None) -> None:
    store = await reached_store(settings, url)
    try:
        await prepare_graph(store, demo_scale)
    finally:
        await store.close()


def serve(settings: Settings, bind: str, workers: int, demo_scale: str = DEMO_SCALE) -> None:
    url, owned = graph_url(settings)
    try:
        asyncio.run(_prepare(settings, url, demo_scale if settings.embedded else None))
        os.environ["WANGGE_GRAPH_URL"] = url
        if not settings.public_url:  # workers read settings from the environment; sign-in returns here
            settings = replace(settings, public_url=f"http://{bind}")
            os.environ["WANGGE_PUBLIC_URL"] = settings.public_url
        from ops.asgi import build_validator, build_web

        if settings.dev:
            build_validator(settings)  # creates the dev issuer's key before workers race to
        web, _ = build_web(settings)  # and the session key
        print(f"Wangge GraphQL: http://{bind}/graphql", flush=True)
        if web:
            print(
                f"Wangge console: {web.public_url}/console/policy · {web.public_url}/console/audit · {web.public_url}/",
                flush=True,
            )
        if settings.dev:
            cli = sys.argv[0] if Path(sys.argv[0]).name == "wangge" else "wangge"
            print(f"Get a token:   {cli} token --sub <subject>   (subjects: {cli} token --list)", flush=True)
            print(f"GraphiQL:      open http://{bind}/graphql in a browser", flush=True)
        _Gunicorn(
            {
                "bind": bind,
                "workers": workers,
                "worker_class": "uvicorn_worker.UvicornWorker",
                "graceful_timeout": 10,
                "timeout": 60,
                "accesslog": None,
                "control_socket": str(settings.data_dir / "gunicorn.ctl"),
                "post_fork": _telemetry_hook(settings.data_dir),
            },
            Supervisor(settings.data_dir, owned) if owned else None,
        ).run()
    finally:
        if owned:
            owned.stop()
