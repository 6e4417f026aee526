"""A real uvicorn serving an app on loopback, and a graphql-transport-ws client over real websockets.

httpx's ASGI transport speaks no websocket, so subscription tests serve the app with uvicorn (which
serves websockets with the `websockets` package, as under gunicorn) in the test's own event loop.
"""

import asyncio
import contextlib
import io
import json
import warnings
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import uvicorn
from starlette.applications import Starlette
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from ops.processes import free_port

PROTOCOL = "graphql-transport-ws"


@asynccontextmanager
async def served(app: Starlette) -> AsyncIterator[str]:
    """The app behind a real uvicorn on a free loopback port; its ws:// base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    task = asyncio.create_task(server._serve())
    while not server.started:
        if task.done():  # it could not start (the free port was taken meanwhile, say): say why
            task.result()
            raise AssertionError(f"uvicorn did not start on port {port}")
        await asyncio.sleep(0.02)
    try:
        yield f"ws://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        done, _ = await asyncio.wait([task], timeout=10)
        if not done:
            # Seen now and then in long sessions: uvicorn still waiting for a connection at shutdown. Where
            # it waits is reported (pytest's warnings summary), and the server is stopped regardless.
            stuck = [io.StringIO() for _ in server.server_state.tasks]
            for held, out in zip(server.server_state.tasks, stuck, strict=True):
                held.print_stack(file=out)
            warnings.warn("uvicorn kept connections open:\n" + "\n".join(o.getvalue() for o in stuck), stacklevel=1)
            server.force_exit = True
            if not (await asyncio.wait([task], timeout=5))[0]:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task


class Subscriber:
    """One graphql-transport-ws connection running one subscription."""

    def __init__(self, socket: ClientConnection) -> None:
        self.socket = socket

    @classmethod
    @asynccontextmanager
    async def opened(cls, base: str, payload: dict[str, Any]) -> AsyncIterator["Subscriber"]:
        async with connect(f"{base}/graphql", subprotocols=[PROTOCOL], open_timeout=10) as socket:  # type: ignore[list-item]
            await socket.send(json.dumps({"type": "connection_init", "payload": payload}))
            yield cls(socket)

    async def ack(self) -> dict[str, Any]:
        return await self.message()

    async def subscribe(self, query: str, **variables: Any) -> None:
        body = {"query": query, "variables": variables}
        await self.socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": body}))

    async def message(self, timeout: float = 10) -> dict[str, Any]:
        message: dict[str, Any] = json.loads(await asyncio.wait_for(self.socket.recv(), timeout))
        return message

    async def events(self, count: int, timeout: float = 10) -> list[dict[str, Any]]:
        """The next `count` messages' payloads; fails on anything but `next`."""
        payloads = []
        for _ in range(count):
            message = await self.message(timeout)
            assert message["type"] == "next", message
            payloads.append(message["payload"])
        return payloads

    async def closed(self, timeout: float = 10) -> tuple[int | None, str]:
        """Wait for the server to close the connection: its close code and reason."""
        try:
            while True:
                await asyncio.wait_for(self.socket.recv(), timeout)
        except ConnectionClosed as closed:
            return (closed.rcvd.code, closed.rcvd.reason) if closed.rcvd else (None, "")


def bearer(token: str, purpose: str = "reason:public-service") -> dict[str, str]:
    return {"authorization": f"Bearer {token}", "wangge-purpose": purpose}
