"""Every route of the web front, under one Mount that carries the session middleware.

The session cookie exists only on these routes: /graphql stays bearer-only, so no cookie can
ever authorize an API call (and the API needs no CSRF defence of its own). Inside the session
middleware, `LiveSessions` empties any signed-in session that the server-side registry no longer
holds (signed out), so a replayed cookie is refused on every worker.
"""

from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.routing import BaseRoute, Mount
from starlette.types import ASGIApp

from api.case.services import CaseServices
from api.web.access_history import access_history_routes
from api.web.audit_console import audit_routes
from api.web.code_store import CodeStore
from api.web.config import WebConfig
from api.web.dev_provider import ConsoleClient, DevProvider
from api.web.directory import directory_routes
from api.web.graphql_client import GraphQLClient
from api.web.live_sessions import LiveSessions, SessionRegistry
from api.web.my_cases import my_cases_routes
from api.web.policy_console import policy_routes
from api.web.provider_routes import provider_routes
from api.web.relying_party import relying_party_routes
from api.web.report_case import report_routes
from authz.tokens import LocalIssuer
from graph_model.store import GraphStore

SESSION_COOKIE = "wangge_session"
SESSION_SECONDS = 8 * 3600  # a working day; the access token inside usually ends it sooner


def web_mount(
    config: WebConfig, graphql: ASGIApp, store: GraphStore, dev_issuer: LocalIssuer | None, cases: CaseServices
) -> Mount:
    """`cases` gives the residents' pages the case clock and the reopen window the API applies."""
    api = GraphQLClient(graphql)
    sessions = SessionRegistry(store)
    routes: list[BaseRoute] = [
        *relying_party_routes(config, sessions),
        *policy_routes(api),
        *audit_routes(api),
        *directory_routes(api),
        *access_history_routes(api),
        *report_routes(api),
        *my_cases_routes(api, cases),
    ]
    if config.dev_provider and dev_issuer is not None:
        client = ConsoleClient(config.client_id, config.client_secret, config.callback_url)
        provider = DevProvider(config.oidc_issuer, dev_issuer, client, CodeStore(config.code_dir))
        routes += provider_routes(provider, store)
    session = Middleware(
        SessionMiddleware,
        secret_key=config.session_key,
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_SECONDS,
        same_site="lax",
        https_only=config.secure_cookies,
    )
    return Mount("", routes=routes, middleware=[session, Middleware(LiveSessions, registry=sessions)])
