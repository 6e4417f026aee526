"""Security headers on every response, and a strict Content-Security-Policy on every HTML page.

The policy allows scripts, styles and fonts from Wangge's own origin only, and no inline script:
a name or a note that slips past escaping still cannot run. GraphiQL's stylesheet embeds its
fonts as `data:` URLs, hence `font-src data:`; the map images are inline SVG, hence `img-src data:`.
"""

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    )
)


# On every answer, HTML or not; `api.shedding` sends them itself on the 503s it answers in front of this.
ALWAYS: tuple[tuple[str, str], ...] = (("x-content-type-options", "nosniff"), ("referrer-policy", "same-origin"))


class SecurityHeaders:
    """`nosniff` and a same-origin referrer everywhere; the CSP and no-framing on HTML answers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in ALWAYS:
                    headers.setdefault(name, value)
                if headers.get("content-type", "").startswith("text/html"):
                    headers["content-security-policy"] = CONTENT_SECURITY_POLICY
            await send(message)

        await self.app(scope, receive, sending)
