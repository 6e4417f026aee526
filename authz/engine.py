"""One per worker process: the rules (through Casbin), the grid catalog, compiled capabilities.

A background task polls the policy head (one indexed read every `poll_interval`) and
reloads when it moves, so a change made through any worker takes effect in every
worker within about a second. Capabilities are cached per subject and dropped on
every reload, so no decision outlives the policy version it was made under.
"""

import asyncio
import logging
import time
from collections import OrderedDict

import casbin

from authz.capabilities import Capabilities, compile_capabilities
from authz.policy_store import GraphPolicyAdapter, PolicyStore, now_ms
from authz.rules import MODEL, Rule
from graph_model.background import stop
from graph_model.cypher.grid import GET_ALL_GRID_CODES
from graph_model.store import GraphStore, GraphUnavailable

log = logging.getLogger("wangge.authz")
CATALOG_EVERY = 60.0


class PolicyEngine:
    def __init__(self, store: GraphStore, poll_interval: float = 0.5, cache_size: int = 20_000) -> None:
        self._store = store
        self.records = PolicyStore(store)
        self._enforcer = casbin.AsyncEnforcer(str(MODEL), GraphPolicyAdapter(store))
        self._poll_interval = poll_interval
        self._cache_size = cache_size
        self._caps: OrderedDict[str, Capabilities] = OrderedDict()
        self._task: asyncio.Task[None] | None = None
        self.version = -1
        self.rules: tuple[Rule, ...] = ()
        self.grids: list[str] = []

    async def start(self) -> None:
        await self.records.ensure_initialized()
        await self.refresh()
        self._task = asyncio.create_task(self._watch(), name="policy-watch")

    async def stop(self) -> None:
        await stop(self._task)

    async def refresh(self) -> None:
        version = await self.records.version()
        await self._enforcer.load_policy()
        self.rules = tuple(sorted(Rule(*p[:4]) for p in self._enforcer.get_policy()))
        self.grids = [row["code"] for row in await self._store.read(GET_ALL_GRID_CODES)]
        self._caps.clear()
        self.version = version

    async def _watch(self) -> None:
        """Reload on a new policy version, and at least every `CATALOG_EVERY` s for grids added since."""
        last = time.monotonic()
        while True:
            await asyncio.sleep(self._poll_interval)
            try:
                if await self.records.version() != self.version or time.monotonic() - last > CATALOG_EVERY:
                    await self.refresh()
                    last = time.monotonic()
            except GraphUnavailable:
                log.warning("policy watch: graph unavailable")

    async def capabilities(self, subject: str) -> Capabilities:
        cached = self._caps.get(subject)
        if (
            cached is not None
            and cached.version == self.version
            and (cached.expires is None or now_ms() < cached.expires)
        ):
            self._caps.move_to_end(subject)
            return cached
        version = self.version
        caps = compile_capabilities(subject, version, await self.records.grants_of(subject), self.rules)
        if version == self.version:
            self._caps[subject] = caps
            if len(self._caps) > self._cache_size:
                self._caps.popitem(last=False)
        return caps
