"""The app factory each gunicorn worker calls: settings, store and validator wired per process.

Stores are created in the worker, after the fork, so no connection or event loop
is shared between processes. The store is wrapped to span each statement and the app
instrumented for HTTP spans; both report to the providers the `post_fork` hook installed.
"""

from starlette.applications import Starlette

from api.app import create_app
from authz.audit.checkpoint import load_or_create_key
from authz.audit.writer import AuditWriter
from authz.engine import PolicyEngine
from authz.tokens import LocalIssuer, RemoteJwks, TokenValidator
from graph_model.traced import TracedStore
from ops.runtime import store_for
from ops.settings import Settings, load_settings
from ops.telemetry import flush_at_shutdown, instrument_http


def build_validator(settings: Settings) -> TokenValidator:
    if settings.jwks_url:
        keys = RemoteJwks(settings.jwks_url)
    elif settings.dev:
        keys = LocalIssuer.load_or_create(settings.data_dir, settings.issuer, settings.audience).public_keys
    else:
        raise RuntimeError("no token issuer configured: set WANGGE_JWKS_URL, or WANGGE_DEV=1 for the dev issuer")
    return TokenValidator(keys, settings.issuer, settings.audience, settings.token_leeway)


def create_from_env() -> Starlette:
    settings = load_settings()
    if not settings.graph_url:
        raise RuntimeError("workers need WANGGE_GRAPH_URL; `wangge serve` sets it for the embedded graph")
    store = TracedStore(store_for(settings, settings.graph_url))
    audit = AuditWriter(store, load_or_create_key(settings.data_dir))
    app = create_app(
        store, build_validator(settings), PolicyEngine(store), settings.limits, audit, settings.dev,
        reason_codes=settings.reason_codes,
    )  # fmt: skip
    instrument_http(app)
    flush_at_shutdown(app)
    return app
