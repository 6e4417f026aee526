"""What the web front needs to know: where it is published, which IdP to trust, its session key.

`WANGGE_OIDC_ISSUER`, `WANGGE_OIDC_CLIENT_ID` and `WANGGE_OIDC_CLIENT_SECRET` name the IdP and the
console's registration there. In dev mode Wangge is its own IdP at its public URL, with a client
secret and session key kept under the data directory like the dev issuer's key.
"""

import contextlib
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

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


def local_secrets(data_dir: Path) -> dict[str, str]:
    """The session key and dev client secret, created once (0600) and shared by every worker."""
    path = data_dir / "keys" / "web-secrets.json"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump({"session_key": secrets.token_urlsafe(32), "client_secret": secrets.token_urlsafe(32)}, handle)
        with contextlib.suppress(FileExistsError):  # the first worker's secrets win, never replaced
            os.link(tmp, path)
        tmp.unlink()
    loaded: dict[str, str] = json.loads(path.read_text())
    return loaded
