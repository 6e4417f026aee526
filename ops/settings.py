"""Typed settings, read once from the environment at start-up and cast at the boundary.

Secrets are wrapped so they never show up in a repr, a log line or a trace.
"""

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from api.limits import Limits
from api.purpose import DEFAULT_REASON_CODES, reason_codes
from api.webhook.destinations import Destinations
from ops.errors import OperatorError


class Secret:
    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    __str__ = __repr__


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path("var")
    graph_url: str | None = None
    graph_port: int | None = None  # the embedded graph on this loopback port instead of its unix socket
    graph_user: str | None = None
    graph_password: Secret | None = None
    dev: bool = False
    issuer: str = "https://wangge.local/dev-issuer"
    audience: str = "wangge-api"
    jwks_url: str | None = None
    token_leeway: int = 30
    workers: int = 2
    # GraphQL requests per worker at once; past it, 503 at once (api.shedding). A worker is one Python
    # thread: 4 keep its core busy while statements wait on the graph. Measured (bench.load, 16 users,
    # 2 workers): 4 gave the same 54 req/s as 8 at p50 62 ms instead of 214 ms.
    max_in_flight: int = 4
    bind: str = "127.0.0.1:8000"
    limits: Limits = field(default_factory=Limits)
    reason_codes: frozenset[str] = DEFAULT_REASON_CODES
    public_url: str | None = None
    oidc_issuer: str | None = None
    oidc_client_id: str = "wangge-console"
    oidc_client_secret: Secret | None = None
    # Where webhooks may send besides global addresses: intranet receivers (api/webhook/destinations.py).
    webhook_destinations: Destinations = field(default_factory=Destinations)

    @property
    def embedded(self) -> bool:
        return self.graph_url is None


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def _reason_codes(raw: str | None) -> frozenset[str]:
    try:
        return reason_codes(raw)
    except ValueError as exc:
        raise OperatorError(f"{exc}; fix or unset WANGGE_PURPOSE_CODES") from None


def _webhook_destinations(raw: str | None) -> Destinations:
    try:
        return Destinations.parse(raw)
    except ValueError as exc:
        raise OperatorError(f"WANGGE_WEBHOOK_ALLOW: {exc}; list host names and networks, comma separated") from None


def _count(env: Mapping[str, str], name: str, default: int, least: int = 1) -> int:
    """A whole number of at least `least` from the environment; anything else stops start-up naming the variable."""
    raw = env.get(name)
    if raw is None:
        return default
    if not raw.strip().isdigit() or int(raw) < least:
        raise OperatorError(f"{name}={raw!r} is not a whole number ≥ {least}; set it to e.g. {default}, or unset it")
    return int(raw)


def _port(env: Mapping[str, str], name: str) -> int | None:
    if env.get(name) is None:
        return None
    port = _count(env, name, 7379)
    if port > 65535:
        raise OperatorError(f"{name}={port} is not a port (1-65535); set it to e.g. 7379, or unset it")
    return port


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if env is None else env
    password = env.get("WANGGE_GRAPH_PASSWORD")
    client_secret = env.get("WANGGE_OIDC_CLIENT_SECRET")
    limits = Limits(
        max_depth=_count(env, "WANGGE_MAX_DEPTH", Limits.max_depth),
        max_aliases=_count(env, "WANGGE_MAX_ALIASES", Limits.max_aliases),
        max_tokens=_count(env, "WANGGE_MAX_TOKENS", Limits.max_tokens),
        max_page_size=_count(env, "WANGGE_MAX_PAGE_SIZE", Limits.max_page_size),
        max_body_bytes=_count(env, "WANGGE_MAX_BODY_BYTES", Limits.max_body_bytes),
    )
    return Settings(
        data_dir=Path(env.get("WANGGE_DATA_DIR", "var")).resolve(),
        graph_url=env.get("WANGGE_GRAPH_URL") or None,
        graph_port=_port(env, "WANGGE_GRAPH_PORT"),
        graph_user=env.get("WANGGE_GRAPH_USER") or None,
        graph_password=Secret(password) if password else None,
        dev=_flag(env.get("WANGGE_DEV")),
        issuer=env.get("WANGGE_ISSUER", Settings.issuer),
        audience=env.get("WANGGE_AUDIENCE", Settings.audience),
        jwks_url=env.get("WANGGE_JWKS_URL") or None,
        token_leeway=_count(env, "WANGGE_TOKEN_LEEWAY", Settings.token_leeway, least=0),
        workers=_count(env, "WANGGE_WORKERS", Settings.workers),
        max_in_flight=_count(env, "WANGGE_MAX_IN_FLIGHT", Settings.max_in_flight),
        bind=env.get("WANGGE_BIND", Settings.bind),
        limits=limits,
        reason_codes=_reason_codes(env.get("WANGGE_PURPOSE_CODES")),
        public_url=(env.get("WANGGE_PUBLIC_URL") or "").rstrip("/") or None,
        oidc_issuer=(env.get("WANGGE_OIDC_ISSUER") or "").rstrip("/") or None,
        oidc_client_id=env.get("WANGGE_OIDC_CLIENT_ID") or Settings.oidc_client_id,
        oidc_client_secret=Secret(client_secret) if client_secret else None,
        webhook_destinations=_webhook_destinations(env.get("WANGGE_WEBHOOK_ALLOW")),
    )
