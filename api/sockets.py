"""GraphQL over a websocket (graphql-transport-ws): who the connection is, and until when.

The handshake carries no usable credentials in a browser, so the bearer token comes in the
`connection_init` payload (`{"authorization": "Bearer …"}`), or else in the handshake's
Authorization header; `wangge-purpose` and `wangge-purpose-note` may come either way too, the
payload winning. A connection whose token does not validate is closed at `connection_init`
(4403, the protocol's refusal) and that refusal is on the audit record. A connection lives no
longer than its token: it is closed (4403) when the token expires, whatever it is streaming.

One connection runs one operation at a time, and each operation starts with its own access,
loaders and audit draft (`SocketContext.renew`): a loader's cache or a gate decision must never
pass from one operation to the next.
"""

import asyncio
import contextlib
import time
from collections.abc import Mapping
from dataclasses import dataclass

from starlette.datastructures import Headers
from starlette.websockets import WebSocket

from api.audit_draft import AuditDraft
from api.context import Context
from authz.audit.writer import AuditWriter
from authz.gate import Access
from authz.principal import Principal
from loaders.registry import build_loaders

ANONYMOUS = Principal(subject="")  # until `connection_init` names someone; nothing runs before it
CREDENTIAL_KEYS = ("authorization", "wangge-purpose", "wangge-purpose-note")
REFUSED = 4403  # graphql-transport-ws closes refused connections with 4403 Forbidden


@dataclass
class SocketContext(Context):
    connection_params: dict[str, object] | None = None  # the `connection_init` payload (strawberry sets it)
    trail: AuditWriter | None = None  # each streamed result is recorded before it is sent

    def renew(self) -> None:
        """A fresh access, loaders and audit draft for the same principal and purpose."""
        access = Access()
        self.access, self.loaders = access, build_loaders(self.store, access)
        self.audit = AuditDraft(principal=self.principal, purpose=self.audit.purpose)


def credentials(socket: WebSocket, payload: Mapping[str, object] | None) -> Headers:
    """The handshake's credential headers, overridden by string values of the payload's same keys."""
    found = {key: socket.headers[key] for key in CREDENTIAL_KEYS if key in socket.headers}
    for key, value in (payload or {}).items():
        if key.lower() in CREDENTIAL_KEYS and isinstance(value, str):
            found[key.lower()] = value
    return Headers(headers=found)


def close_at_expiry(socket: WebSocket, expires_at: int | None) -> None:
    if expires_at is not None:
        socket.state.expiry = asyncio.create_task(_close_after(socket, expires_at - time.time()))


def disarm(socket: WebSocket) -> None:
    """The connection ended first: its expiry timer has nothing left to close."""
    timer: asyncio.Task[None] | None = getattr(socket.state, "expiry", None)
    if timer is not None:
        timer.cancel()


async def _close_after(socket: WebSocket, delay: float) -> None:
    await asyncio.sleep(max(0.0, delay))
    with contextlib.suppress(RuntimeError):  # the client closed it in the meantime
        await socket.close(code=REFUSED, reason="The bearer token expired; reconnect with a new one.")
