"""Sessions that end when the user signs out, on every worker and host: a server-side registry.

The session cookie is signed, so no one can forge one, but a copy stays valid until it expires:
whoever replays it after sign-out would be signed in again. So each sign-in opens a session in the
graph (under the SHA-256 of a random id that only the cookie holds), every request to the web
front checks that it is still open, and sign-out deletes it. A cookie naming no open session is
emptied and answered as signed out. Without the graph the front cannot tell, so it answers 503
rather than guess either way.
"""

import hashlib
import time

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from api.web.pages import render
from graph_model.cypher.web_session import (
    DELETE_EXPIRED_WEB_SESSIONS,
    END_WEB_SESSION,
    GET_LIVE_WEB_SESSION,
    OPEN_WEB_SESSION,
)
from graph_model.store import GraphStore, GraphUnavailable

SESSION_ID = "sid"


def _key(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


class SessionRegistry:
    def __init__(self, store: GraphStore) -> None:
        self._store = store

    async def open(self, session_id: str, subject: str, expires_at: int) -> None:
        now = int(time.time())
        await self._store.write(DELETE_EXPIRED_WEB_SESSIONS, {"now": now})
        await self._store.write(OPEN_WEB_SESSION, {"id": _key(session_id), "subject": subject, "expires": expires_at})

    async def is_open(self, session_id: str, subject: str) -> bool:
        rows = await self._store.read(GET_LIVE_WEB_SESSION, {"id": _key(session_id), "now": int(time.time())})
        return bool(rows) and rows[0]["subject"] == subject

    async def end(self, session_id: str) -> None:
        await self._store.write(END_WEB_SESSION, {"id": _key(session_id)})


class LiveSessions:
    """Inside the session middleware: a signed-in session whose id the registry does not hold is emptied."""

    def __init__(self, app: ASGIApp, registry: SessionRegistry) -> None:
        self.app, self.registry = app, registry

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        session = scope.get("session") if scope["type"] == "http" else None
        if session and session.get("sub"):
            session_id = session.get(SESSION_ID)
            try:
                live = isinstance(session_id, str) and await self.registry.is_open(session_id, session["sub"])
            except GraphUnavailable:
                text = "暂时无法确认登录状态，请稍后重试。"
                await render(Request(scope), "message.html", 503, title="服务暂不可用", text=text)(scope, receive, send)
                return
            if not live:
                session.clear()
        await self.app(scope, receive, send)
