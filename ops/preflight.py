"""Checks that run before a command starts or seeds anything, so an operator's mistake costs one line.

Each check raises `OperatorError` with a message that says what is wrong and how to fix it; the
CLI prints it as a single line and exits non-zero. They are cheap (a parse, a bind, a TCP connect
with a short timeout), so a mistake is reported within seconds instead of after a graph was
started, data was seeded or gunicorn's workers crashed one by one.
"""

import errno
import socket
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from ops.datagen import SCALES
from ops.errors import OperatorError
from ops.settings import Settings

GRAPH_SCHEMES = {"falkordb", "falkordb+unix", "bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc"}


def parse_bind(bind: str) -> tuple[str, int]:
    """HOST:PORT (IPv6 as [::1]:8000), with a port in 1–65535."""
    host, sep, port = bind.rpartition(":")
    host = host.removeprefix("[").removesuffix("]")
    if not sep or not host:
        raise OperatorError(f"--bind {bind!r} is not HOST:PORT; use e.g. --bind 127.0.0.1:8000")
    if not port.isdigit() or not 1 <= int(port) <= 65535:
        raise OperatorError(f"--bind {bind!r}: the port must be a number from 1 to 65535, e.g. 127.0.0.1:8000")
    return host, int(port)


def check_bind(bind: str) -> tuple[str, int]:
    """Bind the address once, as gunicorn will (SO_REUSEADDR), so a taken port or unknown host fails now."""
    host, port = parse_bind(bind)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror:
        raise OperatorError(f"--bind {bind!r}: host {host!r} is unknown; use an address of this machine") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise OperatorError(
                    f"--bind {bind}: port {port} is already in use; stop what listens there or choose another port"
                ) from None
            raise OperatorError(
                f"--bind {bind}: cannot listen there ({exc.strerror}); use an address of this machine"
            ) from None
    return host, port


def check_scale(scale: str, option: str) -> None:
    if scale not in SCALES:
        raise OperatorError(f"{option} {scale!r} is not a scale; choose one of {', '.join(SCALES)}")


def check_issuer(settings: Settings) -> None:
    if not settings.jwks_url and not settings.dev:
        raise OperatorError("no token issuer configured: set WANGGE_JWKS_URL to your IdP's JWKS, or WANGGE_DEV=1")


def check_writable(data_dir: Path) -> None:
    """Create the data directory if needed and prove a file can be written in it."""
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=data_dir):
            pass
    except OSError as exc:
        raise OperatorError(
            f"data directory {data_dir} is not writable ({exc.strerror}); set WANGGE_DATA_DIR to a writable directory"
        ) from None


def _without_credentials(url: str) -> str:
    parts = urlsplit(url)
    return parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()


def check_graph_url(url: str) -> str:
    """A known scheme with a host and no credentials inside; returns the URL as it may be shown."""
    shown = _without_credentials(url)
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises ValueError on a port that is not a number in range
    except ValueError:
        raise OperatorError(f"WANGGE_GRAPH_URL {shown!r} has an invalid port; use e.g. bolt://host:7687") from None
    if parts.scheme not in GRAPH_SCHEMES or not (parts.path if parts.scheme == "falkordb+unix" else parts.hostname):
        raise OperatorError(
            f"WANGGE_GRAPH_URL {shown!r} is not a graph URL; use neo4j://host:7687, bolt://…, or falkordb://host:port"
        )
    if parts.username or parts.password:
        raise OperatorError(
            f"WANGGE_GRAPH_URL {shown} holds credentials; move them to WANGGE_GRAPH_USER and WANGGE_GRAPH_PASSWORD"
        )
    return shown


def check_audit_trail(settings: Settings) -> None:
    """`audit verify` reads an existing trail and never creates one: its key, and an embedded graph, must exist.

    The key's place is the one `authz.audit.checkpoint.load_or_create_key` uses (which would create it)."""
    key = settings.data_dir / "keys" / "audit-signing.jwk.json"
    if not key.exists():
        raise OperatorError(
            f"no audit signing key at {key}: WANGGE_DATA_DIR must be the data directory of the service that wrote the trail"
        )
    if settings.embedded and not (settings.data_dir / "falkordb").is_dir():
        raise OperatorError(
            f"no embedded graph under {settings.data_dir}: set WANGGE_DATA_DIR to the service's, or WANGGE_GRAPH_URL"
        )
