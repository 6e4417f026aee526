"""Sign-in and sign-out: OpenID Connect code flow with PKCE through Authlib's Starlette client.

Authlib keeps state, nonce and the PKCE verifier in the session between the redirect and the
callback, and checks the ID token (signature from the IdP's JWKS, issuer, audience, nonce, expiry).
Where the user goes after sign-in is a local path only (`next` must start with a single `/`), so
the sign-in page is no open redirect.
"""

import time
from urllib.parse import urlsplit

from authlib.integrations.starlette_client import OAuth, OAuthError
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from api.web.config import WebConfig
from api.web.live_sessions import SESSION_ID, SessionRegistry
from api.web.pages import render
from api.web.session import csrf_valid, sign_in, signed_in

SIGN_IN = "/auth/sign-in"


def local_path(target: str | None) -> str:
    """`target` if it is a path on this site, else `/`: never `//host`, `/\\host` or a scheme."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(ord(c) < 0x20 for c in target):
        return "/"
    return target


def sign_in_url(request: Request) -> str:
    return f"{SIGN_IN}?next={request.url.path}"


def relying_party_routes(config: WebConfig, sessions: SessionRegistry) -> list[BaseRoute]:
    oauth = OAuth()
    idp = oauth.register(
        "wangge",
        client_id=config.client_id,
        client_secret=config.client_secret,
        server_metadata_url=f"{config.oidc_issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": "openid", "code_challenge_method": "S256"},
    )

    async def start(request: Request) -> Response:
        request.session["next"] = local_path(request.query_params.get("next"))
        response: Response = await idp.authorize_redirect(request, config.callback_url)
        return response

    async def callback(request: Request) -> Response:
        try:
            token = await idp.authorize_access_token(request)
        except OAuthError as error:
            return render(request, "message.html", 400, title="登录失败", text=f"身份认证未完成（{error.error}）。")
        following = local_path(request.session.get("next"))
        expires_at = int(token.get("expires_at") or time.time() + int(token.get("expires_in", 0)))
        subject = token["userinfo"]["sub"]
        await sessions.open(sign_in(request, subject, token["access_token"], expires_at), subject, expires_at)
        return RedirectResponse(following, 303)

    async def sign_out(request: Request) -> Response:
        user = signed_in(request)
        if user is None or not csrf_valid(user, await request.form()):
            return render(request, "message.html", 403, title="请求被拒绝", text="表单已失效，请刷新页面后重试。")
        await sessions.end(request.session[SESSION_ID])  # the live-session check let only an open one through
        request.session.clear()
        return RedirectResponse("/", 303)

    return [
        Route(SIGN_IN, start, methods=["GET"]),
        Route("/auth/callback", callback, methods=["GET"]),
        Route("/auth/sign-out", sign_out, methods=["POST"]),
    ]
