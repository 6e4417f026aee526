"""The development OpenID provider's endpoints: discovery, authorize (the subject picker), token, JWKS.

Only mounted in dev mode. The picker lists the subjects that hold grants in the graph, as
`wangge token --list` does; choosing one is the whole of "authentication" here, so the form carries
a CSRF token (no other site can sign a browser in as someone) and the provider redirects only to
the console's registered callback.
"""

import secrets

from authlib.oauth2 import OAuth2Error
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from api.web.dev_provider import DevProvider, StarletteOAuth2Request
from api.web.pages import render
from graph_model.cypher.grant import LIST_GRANTS
from graph_model.store import GraphStore

PICKER_CSRF = "idp_csrf"


def provider_routes(provider: DevProvider, store: GraphStore) -> list[BaseRoute]:
    async def discovery(request: Request) -> Response:
        return JSONResponse(provider.metadata())

    async def jwks(request: Request) -> Response:
        return JSONResponse(provider.jwks())

    async def authorize(request: Request) -> Response:
        form = await request.form() if request.method == "POST" else None
        oauth_request = StarletteOAuth2Request(request)  # the OAuth parameters are the query's only
        try:
            grant = provider.get_consent_grant(oauth_request)
        except OAuth2Error as error:
            return render(request, "message.html", 400, title="登录请求无效", text=error.description or error.error)
        grants = await store.read(LIST_GRANTS)
        if form is None:
            token = request.session[PICKER_CSRF] = secrets.token_urlsafe(32)
            return render(request, "authorize.html", grants=grants, csrf=token, query=request.url.query)
        sent, expected = form.get("csrf"), request.session.pop(PICKER_CSRF, None)
        subject = form.get("subject")
        if not expected or not isinstance(sent, str) or not secrets.compare_digest(sent, expected):
            return render(request, "message.html", 403, title="请求被拒绝", text="表单已失效，请重新登录。")
        if subject not in {grant["subject"] for grant in grants}:
            return render(request, "message.html", 400, title="登录请求无效", text="请选择列表中的一个身份。")
        response: Response = provider.create_authorization_response(oauth_request, subject, grant)
        return response

    async def token(request: Request) -> Response:
        response: Response = provider.create_token_response(StarletteOAuth2Request(request, await request.form()))
        return response

    return [
        Route("/.well-known/openid-configuration", discovery, methods=["GET"]),
        Route("/oidc/jwks", jwks, methods=["GET"]),
        Route("/oidc/authorize", authorize, methods=["GET", "POST"]),
        Route("/oidc/token", token, methods=["POST"]),
    ]
