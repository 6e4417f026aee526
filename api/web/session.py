"""Who is signed in, their CSRF token, and the one-shot message a page shows after a form.

The session is Starlette's signed cookie (HttpOnly, SameSite=Lax, Secure behind https). It is
replaced whole at sign-in, so a session planted before sign-in (fixation) carries nothing over,
and it holds the access token only as long as the token lives. Its id must also be open in the
server-side registry (`live_sessions`), which sign-out closes: a replayed cookie is no session. Pages never trust the cookie for
authorization: they pass the token to the GraphQL API, which validates it on every call.
"""

import hmac
import secrets
import time
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request

CSRF_FIELD = "csrf"


@dataclass(frozen=True)
class WebUser:
    subject: str
    token: str
    csrf: str


def sign_in(request: Request, subject: str, token: str, expires_at: int) -> str:
    """A new session, whole; returns its id, which the server-side registry must open (api.web.live_sessions)."""
    session_id = secrets.token_urlsafe(32)
    request.session.clear()
    request.session.update(
        {"sub": subject, "token": token, "exp": expires_at, CSRF_FIELD: secrets.token_urlsafe(32), "sid": session_id}
    )
    return session_id


def signed_in(request: Request) -> WebUser | None:
    session = request.session
    if not session.get("sub") or int(session.get("exp", 0)) <= time.time():
        return None
    return WebUser(session["sub"], session["token"], session[CSRF_FIELD])


def csrf_valid(user: WebUser, form: Any) -> bool:
    sent = form.get(CSRF_FIELD)
    return isinstance(sent, str) and hmac.compare_digest(sent.encode(), user.csrf.encode())


def flash(request: Request, kind: str, text: str) -> None:
    request.session["flash"] = {"kind": kind, "text": text}


def take_flash(request: Request) -> dict[str, str] | None:
    message: dict[str, str] | None = request.session.pop("flash", None)
    return message
