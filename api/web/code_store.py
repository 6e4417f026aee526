"""Authorization codes of the development OpenID provider, as files every worker process sees.

gunicorn runs several workers: the browser's authorize request and the client's token request may
land on different ones, so codes cannot live in one process's memory. A code is kept under the
SHA-256 of its value (the value itself is never written), expires after `CODE_TTL` seconds, and
is taken by an atomic rename, so it is redeemed at most once even when two token requests race.
"""

import hashlib
import json
import os
import secrets
import time
from dataclasses import asdict, dataclass
from pathlib import Path

CODE_TTL = 60


@dataclass(frozen=True)
class AuthorizationCode:
    """What the token request must match: Authlib's grant and its PKCE and OpenID extensions read it."""

    client_id: str
    redirect_uri: str
    scope: str
    subject: str
    nonce: str | None
    code_challenge: str
    code_challenge_method: str
    auth_time: int
    expires_at: float

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time

    def get_acr(self) -> None:
        return None

    def get_amr(self) -> None:
        return None


class CodeStore:
    def __init__(self, directory: Path) -> None:
        self._directory = directory

    def _path(self, code: str) -> Path:
        return self._directory / hashlib.sha256(code.encode()).hexdigest()

    def save(self, code: str, granted: AuthorizationCode) -> None:
        self._directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._sweep()
        path = self._path(code)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(asdict(granted), handle)

    def _sweep(self) -> None:
        """Codes nobody redeemed would pile up otherwise."""
        stale = time.time() - CODE_TTL
        for entry in self._directory.iterdir():
            if entry.stat().st_mtime < stale:
                entry.unlink(missing_ok=True)

    def take(self, code: str) -> AuthorizationCode | None:
        """The code's grant, removed from the store; None if unknown, already taken or expired."""
        path = self._path(code)
        taken = path.with_name(f"{path.name}.{secrets.token_hex(8)}")
        try:
            os.rename(path, taken)
        except (FileNotFoundError, OSError):
            return None
        try:
            granted = AuthorizationCode(**json.loads(taken.read_text()))
        finally:
            taken.unlink(missing_ok=True)
        return granted if granted.expires_at > time.time() else None
