"""Opens the configured graph for a command: an external URL, a running embedded one, or a new one."""

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from graph_model.store import GraphStore
from ops.embedded import EmbeddedGraph, find_running, start_recorded
from ops.errors import OperatorError
from ops.graph import open_store
from ops.preflight import check_graph_url, check_writable
from ops.settings import Settings

REACH_TIMEOUT = 3.0


def graph_url(settings: Settings) -> tuple[str, EmbeddedGraph | None]:
    """The URL to use and, when this call started the embedded graph, its handle (the caller stops it).

    A configured URL must be well formed and the embedded graph needs a writable data directory;
    either failing raises `OperatorError` before anything else happens."""
    if settings.graph_url:
        check_graph_url(settings.graph_url)
        return settings.graph_url, None
    check_writable(settings.data_dir)
    running = find_running(settings.data_dir)
    if running:
        return running, None
    graph = start_recorded(settings.data_dir, settings.graph_port)
    return graph.url, graph


def store_for(settings: Settings, url: str) -> GraphStore:
    password = settings.graph_password.reveal() if settings.graph_password else None
    return open_store(url, settings.graph_user, password)


async def reached_store(settings: Settings, url: str) -> GraphStore:
    """A store on `url` that answered a ping within a few seconds, else `OperatorError`.

    Without it a configured URL pointing at nothing (or at something that is not a graph) surfaced
    after the Neo4j driver's own retries, some 35–60 s later, as a traceback of hundreds of lines."""
    store = store_for(settings, url)
    driver_log = logging.getLogger("neo4j")
    level = driver_log.level
    driver_log.setLevel(logging.CRITICAL)  # its "Unable to retrieve routing information" would be a second line
    try:
        answered = await asyncio.wait_for(store.ping(), REACH_TIMEOUT)
    except TimeoutError:
        answered = False
    finally:
        driver_log.setLevel(level)
    if not answered:
        await store.close()
        shown = check_graph_url(url) if settings.graph_url else url
        raise OperatorError(
            f"no graph answers at {shown} within {REACH_TIMEOUT:.0f} s; start it, or fix or unset WANGGE_GRAPH_URL"
        )
    return store


@asynccontextmanager
async def opened_store(settings: Settings) -> AsyncIterator[GraphStore]:
    url, owned = graph_url(settings)
    try:
        store = await reached_store(settings, url)
    except OperatorError:
        if owned:
            owned.stop()
        raise
    try:
        yield store
    finally:
        await store.close()
        if owned:
            owned.stop()
