"""A statement the FalkorDB server refuses with BUSY is sent again, not failed.

The server answers BUSY, running nothing, while its main thread is held: as FalkorDB prepares to
fork for an AOF rewrite or a snapshot, or runs a script. Seeding `city` died on one (BUSY
preparing to fork, in an AOF rewrite under a large graph); a request would have answered 503.
A fork on a small graph is over too fast to hit on purpose, so the test holds the server the other
documented way: a script that spins for a second, with the server's BUSY threshold lowered.
"""

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator

import pytest
from redis.exceptions import ResponseError

from graph_model.backends.falkordb import FalkorDBStore
from graph_model.statement import Statement
from graph_model.store import GraphStore

WRITE = Statement(
    "TEST_BUSY_WRITE", "MERGE (c:TestBusyCounter {id: $id}) SET c.n = coalesce(c.n, 0) + 1 RETURN c.n AS n"
)
READ = Statement("TEST_BUSY_READ", "MATCH (c:TestBusyCounter {id: $id}) RETURN c.n AS n")
# The counters go again: the contract suite compares the two engines' node counts by label.
REMOVE = Statement("TEST_BUSY_REMOVE", "MATCH (c:TestBusyCounter) WHERE c.id IN $ids DELETE c")
SPIN = (  # busy for ARGV[1] seconds by the server's clock
    "local t = redis.call('TIME') local stop = t[1] * 1e6 + t[2] + ARGV[1] * 1e6 "
    "while true do t = redis.call('TIME') if t[1] * 1e6 + t[2] > stop then return 1 end end"
)
HELD_S = 1.0


@pytest.fixture
async def falkordb(seeded_stores: dict[str, GraphStore]) -> AsyncIterator[FalkorDBStore]:
    store = seeded_stores["falkordb"]
    assert isinstance(store, FalkorDBStore)
    before = (await store._client.config_get("busy-reply-threshold"))["busy-reply-threshold"]
    await store._client.config_set("busy-reply-threshold", 20)
    try:
        yield store
    finally:
        await store._client.config_set("busy-reply-threshold", before)


async def test_statements_refused_busy_are_sent_again_and_run_once(falkordb: FalkorDBStore) -> None:
    spinning = asyncio.create_task(falkordb._client.eval(SPIN, 0, HELD_S))
    await asyncio.sleep(0.1)  # past the threshold: from now on the server answers BUSY
    with pytest.raises(ResponseError, match=r"^BUSY"):
        await falkordb._client.ping()  # the server really is refusing
    started = time.monotonic()
    ids = [f"busy-{uuid.uuid4().hex}" for _ in range(4)]
    counts = await asyncio.gather(*(falkordb.write(WRITE, {"id": i}) for i in ids))
    waited = time.monotonic() - started
    with contextlib.suppress(ResponseError):
        await spinning
    assert waited > HELD_S / 2  # they waited for the server instead of failing
    assert [c[0]["n"] for c in counts] == [1, 1, 1, 1]  # each ran once: a BUSY refusal ran nothing
    try:
        assert [(await falkordb.read(READ, {"id": i}))[0]["n"] for i in ids] == [1, 1, 1, 1]
    finally:
        await falkordb.write(REMOVE, {"ids": ids})
