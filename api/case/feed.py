"""One poller per worker that tells this worker's followers of the case feed when a step committed.

Subscriptions (and webhook dispatch) follow the graph's feed, not a message bus: the graph is what
every worker and host already share, and the feed's numbers follow commit order, so a follower
that reads `caseEvents` after its own cursor misses nothing whichever worker wrote the step. What
would cost is each follower polling the graph: here one task per worker reads the head (one
indexed read every `interval`, and only while someone waits), and wakes the followers whose
cursor it passed. Each follower then reads its own scoped page: this module never reads events,
so it can hand nothing to anyone.
"""

import asyncio
import logging

from graph_model.background import stop
from graph_model.cypher.feed import GET_CASE_EVENT_HEAD
from graph_model.store import GraphStore, GraphUnavailable

log = logging.getLogger("wangge.api")

POLL_INTERVAL = 0.25  # seconds: a step reaches a subscriber on another worker within about this


class EventFeed:
    def __init__(self, store: GraphStore, interval: float = POLL_INTERVAL) -> None:
        self._store, self._interval = store, interval
        self._head = 0
        self._waiting = 0
        self._moved: asyncio.Condition | None = None
        self._poller: asyncio.Task[None] | None = None

    async def current(self) -> int:
        """The newest event number, read now (where a new follower starts)."""
        rows = await self._store.read(GET_CASE_EVENT_HEAD)
        return int(rows[0]["events"]) if rows else 0

    async def beyond(self, after: int) -> int:
        """Wait until a step numbered after `after` has committed; the newest number known then."""
        if self._head > after:
            return self._head
        if self._moved is None:
            self._moved = asyncio.Condition()
        self._waiting += 1
        if self._poller is None:
            self._poller = asyncio.create_task(self._poll(), name="case-event-feed")
        try:
            async with self._moved:
                await self._moved.wait_for(lambda: self._head > after)
            return self._head
        finally:
            self._waiting -= 1

    async def _poll(self) -> None:
        """Reads only while someone waits; a graph that does not answer only delays the wake-up. It never
        ends by itself: a follower that just woke up and is reading its page would find no poller left."""
        assert self._moved is not None
        while True:
            await asyncio.sleep(self._interval)
            if not self._waiting:
                continue
            try:
                head = await self.current()
            except GraphUnavailable:
                log.warning("case event feed: graph unavailable")
                continue
            if head > self._head:
                self._head = head
                async with self._moved:
                    self._moved.notify_all()

    async def stop(self) -> None:
        await stop(self._poller)
