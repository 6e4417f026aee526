"""The local Neo4j Community server (`ops.neo4j_local`) really serves Bolt and keeps its data across restarts.

Starts the real server from the Maven Central jars (the first run on a machine resolves them with Maven),
talks to it with the official async driver, stops it, starts it again on the same data directory.
"""

import asyncio
from pathlib import Path

from neo4j import AsyncGraphDatabase

from ops.neo4j_local import start_neo4j_local


async def test_neo4j_local_serves_bolt_and_persists_across_restart(tmp_path: Path) -> None:
    server = await asyncio.to_thread(start_neo4j_local, tmp_path, 0)
    try:
        assert server.url == f"bolt://127.0.0.1:{server.bolt_port}"
        async with AsyncGraphDatabase.driver(server.url, auth=None) as driver:
            await driver.verify_connectivity()
            _, summary, _ = await driver.execute_query("CREATE (n:T {x: $x})", x=42)
            assert summary.counters.nodes_created == 1
            assert summary.server.agent.startswith("Neo4j/5.26.")
            records, _, _ = await driver.execute_query("MATCH (n:T) RETURN n.x AS x")
            assert [r["x"] for r in records] == [42]
    finally:
        exit_code = await asyncio.to_thread(server.stop)
    assert not server.alive()
    # The JVM reports 143 after SIGTERM once its shutdown hook has stopped the DBMS cleanly.
    assert exit_code == 143, server.log_tail()
    assert "neo4j-local: stopped" in server.log_tail()

    again = await asyncio.to_thread(start_neo4j_local, tmp_path, 0)
    try:
        assert again.home == server.home
        async with AsyncGraphDatabase.driver(again.url, auth=None) as driver:
            records, _, _ = await driver.execute_query("MATCH (n:T) RETURN n.x AS x")
            assert [r["x"] for r in records] == [42]
    finally:
        await asyncio.to_thread(again.stop)
    assert not again.alive()
