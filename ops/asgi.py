"""The app factory each gunicorn worker calls: settings, store and validator wired per process.

Stores are created in the worker, after the fork, so no connection or event loop
is shared between processes. The store is wrapped to span each statement and the app
instrumented for HTTP spans; both report to the providers the `post_fork` hook installed.
"""

from starlette.applications import Starlette

from api.app import create_app
from api.case.services import CaseServices
from api.web.config import WebConfig, local_secrets
from api.webhook.dispatch import DispatchSettings
from api.webhook.secrets import SecretBox
from api.webhook.services import WebhookServices
from authz.audit.checkpoint import load_or_create_key
from authz.audit.writer import AuditWriter
from authz.engine import PolicyEngine
from authz.tokens import LocalIssuer, RemoteJwks, TokenValidator
from graph_model.traced import TracedStore
from ops.garbage import freeze_after_startup
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


def public_url(settings: Settings) -> str:
    return settings.public_url or f"http://{settings.bind}"


def build_web(settings: Settings) -> tuple[WebConfig | None, LocalIssuer | None]:
    """Sign-in against WANGGE_OIDC_ISSUER, or in dev mode against Wangge's own OpenID provider at its
    public URL; neither configured, no console (the API serves on alone)."""
    url, codes = public_url(settings), settings.data_dir / "oidc-codes"
    secret = settings.oidc_client_secret.reveal() if settings.oidc_client_secret else None
    if settings.oidc_issuer and secret:
        session_key = local_secrets(settings.data_dir)["session_key"]
        config = WebConfig(url, settings.oidc_issuer, settings.oidc_client_id, secret, session_key, False, codes)
        return config, None
    if not settings.dev:
        return None, None
    local = local_secrets(settings.data_dir)
    issuer = LocalIssuer.load_or_create(settings.data_dir, settings.issuer, settings.audience)
    client_secret = secret or local["client_secret"]
    config = WebConfig(url, url, settings.oidc_client_id, client_secret, local["session_key"], True, codes)
    return config, issuer


def create_from_env() -> Starlette:
    settings = load_settings()
    if not settings.graph_url:
        raise RuntimeError("workers need WANGGE_GRAPH_URL; `wangge serve` sets it for the embedded graph")
    store = TracedStore(store_for(settings, settings.graph_url))
    audit = AuditWriter(store, load_or_create_key(settings.data_dir))
    web, dev_issuer = build_web(settings)
    webhooks = WebhookServices(settings.webhook_destinations, SecretBox.load(settings.data_dir))
    app = create_app(
        store, build_validator(settings), PolicyEngine(store), settings.limits, audit, settings.dev,
        reason_codes=settings.reason_codes, web=web, dev_issuer=dev_issuer,
        max_in_flight=settings.max_in_flight, cases=CaseServices.default(store, webhooks), webhooks=DispatchSettings(),
    )  # fmt: skip
    instrument_http(app)
    flush_at_shutdown(app)
    freeze_after_startup(app)
    return app
