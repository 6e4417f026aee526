"""The worker's startup objects leave the cyclic collector's reach once its lifespan has started."""

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.testclient import TestClient

from ops.garbage import freeze_after_startup


def test_startup_objects_are_frozen_only_after_the_app_started() -> None:
    seen: dict[str, int] = {}

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        seen["during_startup"] = gc.get_freeze_count()
        yield

    app = Starlette(lifespan=lifespan)
    freeze_after_startup(app)
    gc.unfreeze()
    try:
        with TestClient(app):
            seen["serving"] = gc.get_freeze_count()
    finally:
        gc.unfreeze()
    assert seen["during_startup"] == 0
    assert seen["serving"] > 10_000  # the imported modules, at least
