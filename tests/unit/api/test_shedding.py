"""Load shedding in front of an app that holds its requests until released: the bound, the fast 503, the tally."""

import asyncio
from typing import Any

import httpx
from starlette.types import Receive, Scope, Send

from api.shedding import LoadShedding, ShedTally


class Held:
    """An ASGI app whose /graphql answers wait for `release`; every other path answers at once."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.entered = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["path"] == "/graphql":
            self.entered += 1
            await self.release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": b"ok"})


async def test_past_the_bound_requests_are_refused_at_once_and_counted() -> None:
    held, recorded = Held(), []

    async def append(entry: dict[str, Any]) -> None:
        recorded.append(entry)

    tally = ShedTally(append, interval=0.05)
    shedding = LoadShedding(held, limit=2, tally=tally)
    transport = httpx.ASGITransport(app=shedding)
    async with httpx.AsyncClient(transport=transport, base_url="http://wangge.test") as client:
        admitted = [asyncio.create_task(client.post("/graphql", json={})) for _ in range(2)]
        while held.entered < 2:
            await asyncio.sleep(0.001)
        refused = await asyncio.gather(*(client.post("/graphql", json={}) for _ in range(3)))
        assert [r.status_code for r in refused] == [503] * 3 and held.entered == 2, "shed requests never reach the app"
        assert all(r.headers["retry-after"] == "1" for r in refused)
        assert refused[0].json()["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
        assert (await client.get("/healthz")).status_code == 200, "health checks are never shed"
        held.release.set()
        assert [r.status_code for r in await asyncio.gather(*admitted)] == [200, 200]
        assert shedding.in_flight == 0 and (await client.post("/graphql", json={})).status_code == 200
    await asyncio.sleep(0.1)
    assert [(e["outcome"], e["shed_count"], e["subject"], e["http_status"]) for e in recorded] == [
        ("shed", 3, None, 503)
    ]


async def test_a_count_the_trail_could_not_take_waits_for_the_next_flush() -> None:
    attempts: list[int] = []

    async def append(entry: dict[str, Any]) -> None:
        attempts.append(entry["shed_count"])
        if len(attempts) == 1:
            raise RuntimeError("audit store unavailable")

    tally = ShedTally(append, interval=3600)
    tally.shed()
    tally.shed()
    await tally.flush()
    tally.shed()
    await tally.flush()
    await tally.flush()
    assert attempts == [2, 3], "nothing lost, nothing counted twice, nothing written for nothing"


async def test_a_failing_request_frees_its_slot() -> None:
    async def failing(scope: Scope, receive: Receive, send: Send) -> None:
        raise RuntimeError("a bug")

    shedding = LoadShedding(failing, limit=1)
    transport = httpx.ASGITransport(app=shedding, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://wangge.test") as client:
        for _ in range(3):
            assert (await client.post("/graphql", json={})).status_code == 500
    assert shedding.in_flight == 0
