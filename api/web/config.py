"""What the web front needs to know: where it is published, which IdP to trust, its session key.

`WANGGE_OIDC_ISSUER`, `WANGGE_OIDC_CLIENT_ID` and `WANGGE_OIDC_CLIENT_SECRET` name the IdP and the
console's registration there. In dev mode Wangge is its own IdP at its public URL, with a client
secret and session key kept under the data directory like the dev issuer's key.
"""

import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from authz.key_files import load_or_create

DEFAULT_CLIENT_ID = "wangge-console"


@dataclass(frozen=True)
class WebConfig:
    public_url: str
    oidc_issuer: str
    client_id: str
    client_secret: str
    session_key: str
    dev_provider: bool
    code_dir: Path

    @property
    def secure_cookies(self) -> bool:
        return self.public_url.startswith("https://")

    @property
    def callback_url(self) -> str:
        return f"{self.public_url}/auth/callback"


def local_secrets(data_dir: Path) -> dict[str, Any]:
    """The session key and dev client secret, created once (0600) and shared by every worker."""

    def create() -> dict[str, Any]:
        return {"session_key": secrets.token_urlsafe(32), "client_secret": secrets.token_urlsafe(32)}

    return load_or_create(data_dir / "keys" / "web-secrets.json", create)
