"""Picks the graph backend from a URL: `falkordb://host:port` or `falkordb+unix:///path/to/socket`
(embedded or external), or a Neo4j scheme."""

from urllib.parse import urlsplit

from graph_model.backends.falkordb import FalkorDBStore
from graph_model.backends.neo4j import Neo4jStore
from graph_model.store import GraphStore

NEO4J_SCHEMES = {"bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc"}


def open_store(url: str, user: str | None = None, password: str | None = None) -> GraphStore:
    parts = urlsplit(url)
    if parts.scheme == "falkordb":
        return FalkorDBStore(parts.hostname or "127.0.0.1", parts.port or 6379)
    if parts.scheme == "falkordb+unix":
        return FalkorDBStore("", 0, unix_socket=parts.path)
    if parts.scheme in NEO4J_SCHEMES:
        return Neo4jStore(url, user, password)
    raise ValueError(
        f"unsupported graph URL scheme {parts.scheme!r}; use falkordb://, falkordb+unix:// or bolt:// / neo4j://"
    )
