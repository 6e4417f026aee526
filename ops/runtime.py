"""Opens the configured graph for a command: an external URL, a running embedded one, or a new one."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from graph_model.store import GraphStore
from ops.embedded import EmbeddedGraph, find_running, start_recorded
from ops.graph import open_store
from ops.settings import Settings


def graph_url(settings: Settings) -> tuple[str, EmbeddedGraph | None]:
    """The URL to use and, when this call started the embedded graph, its handle (the caller stops it)."""
    if settings.graph_url:
        return settings.graph_url, None
    running = find_running(settings.data_dir)
    if running:
        return running, None
    graph = start_recorded(settings.data_dir)
    return graph.url, graph


def store_for(settings: Settings, url: str) -> GraphStore:
    password = settings.graph_password.reveal() if settings.graph_password else None
    return open_store(url, settings.graph_user, password)


@asynccontextmanager
async def opened_store(settings: Settings) -> AsyncIterator[GraphStore]:
    url, owned = graph_url(settings)
    store = store_for(settings, url)
    try:
        yield store
    finally:
        await store.close()
        if owned:
            owned.stop()
