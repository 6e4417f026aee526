"""Keep the cyclic garbage collector's full passes off the request path's tail.

A worker holds about 120k long-lived objects once its modules, schema and policy are loaded. Each
full (generation 2) collection walked all of them: 100-200 ms, measured in a serving worker under
load, a dozen times in 30 s, each one a stall of every request that worker had in flight (they were
the p99 of `bench.load`). Nothing loaded at startup ever becomes garbage, so it is moved out of the
collector's reach once the app has started (`gc.freeze`); full passes then walk only what requests
created since.
"""

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette


def freeze_after_startup(app: Starlette) -> None:
    """Freeze what exists once `app`'s lifespan has started (its policy loaded, its clients open)."""
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[Any]:
        async with inner(app) as state:
            gc.collect()  # what startup left as garbage is not kept forever
            gc.freeze()
            yield state

    app.router.lifespan_context = lifespan
