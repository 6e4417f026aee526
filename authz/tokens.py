"""Bearer JWT validation, and the development issuer whose keys live in the data directory.

JOSE comes from `joserfc`, by Authlib's authors: Authlib 1.9 deprecates its own `authlib.jose`
in favour of it. This module is the only place that imports it.
The algorithm allow-list is fixed here: `none`, HMAC and anything unlisted are
refused before a key is even looked at, which rules out HS/RS confusion. A token past
`MAX_TOKEN_BYTES` is refused before it is even split: real access tokens are well under 2 KB,
and a huge one would only make every worker decode base64 and JSON for nothing.
"""

import json
import time
import urllib.request
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cachetools import LRUCache
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, RSAKey
from joserfc.jwt import JWTClaimsRegistry

from authz.key_files import load_or_create
from authz.principal import Principal

ALGORITHMS = ("RS256", "PS256", "ES256")
MAX_TOKEN_BYTES = 8192


class InvalidToken(Exception):
    """The bearer token is missing, malformed, forged, expired or not meant for us."""


# Tokens whose signature a worker has verified, most recently used kept.
VERIFIED_TOKENS = 1024


class TokenValidator:
    """A client sends the same token for its whole lifetime, and parsing and verifying it (RS256) was
    ~95 µs of the ~140 µs each request spent here. So a token's signature is verified once per worker
    and key set, and its claims, expiry and audience included, on every request. Keys refreshed from
    the IdP are a new key set: every token is verified again against them, so a withdrawn key stops
    its tokens at once. A token that differs by one byte is another key of the cache."""

    def __init__(self, keys: Callable[[], KeySet], issuer: str, audience: str, leeway: int = 30) -> None:
        self._keys = keys
        self._verified: LRUCache[str, tuple[KeySet, dict[str, Any]]] = LRUCache(maxsize=VERIFIED_TOKENS)
        self._claims = JWTClaimsRegistry(
            leeway=leeway,
            iss={"essential": True, "value": issuer},
            aud={"essential": True, "value": audience},
            exp={"essential": True},
            sub={"essential": True},
        )

    def validate(self, token: str) -> Principal:
        if len(token) > MAX_TOKEN_BYTES:
            raise InvalidToken(f"token longer than {MAX_TOKEN_BYTES} bytes")
        keys = self._keys()
        try:
            verified = self._verified.get(token)
            if verified is not None and verified[0] is keys:
                claims = verified[1]
            else:
                claims = jwt.decode(token, keys, algorithms=list(ALGORITHMS)).claims
                self._verified[token] = (keys, claims)
            self._claims.validate(claims)
        except (JoseError, ValueError) as exc:
            raise InvalidToken(str(exc)) from exc
        scope = claims.get("scope")
        return Principal(
            subject=str(claims["sub"]),
            client_id=claims.get("azp") or claims.get("client_id"),
            token_id=claims.get("jti"),
            scopes=frozenset(scope.split()) if isinstance(scope, str) else frozenset(),
            expires_at=int(claims["exp"]),
        )


class RemoteJwks:
    """The configured IdP's JWKS, fetched at most once per `ttl` seconds and on first use."""

    def __init__(self, url: str, ttl: float = 300.0) -> None:
        self._url, self._ttl = url, ttl
        self._keys: KeySet | None = None
        self._fetched = 0.0

    def __call__(self) -> KeySet:
        if self._keys is None or time.monotonic() - self._fetched > self._ttl:
            with urllib.request.urlopen(self._url, timeout=5) as response:
                self._keys = KeySet.import_key_set(json.load(response))
            self._fetched = time.monotonic()
        return self._keys


class LocalIssuer:
    """Development issuer: one RSA key, created on first use, kept under `<data_dir>/keys/`."""

    def __init__(self, key: RSAKey, issuer: str, audience: str) -> None:
        self._key, self.issuer, self.audience = key, issuer, audience
        self._public = KeySet.import_key_set(KeySet([key]).as_dict(private=False))

    @classmethod
    def load_or_create(cls, data_dir: Path, issuer: str, audience: str) -> "LocalIssuer":
        def create() -> dict[str, Any]:
            parameters = {"kid": uuid.uuid4().hex, "use": "sig"}
            return RSAKey.generate_key(2048, parameters=parameters, private=True).as_dict(private=True)

        key = RSAKey.import_key(load_or_create(data_dir / "keys" / "dev-issuer.jwk.json", create))
        return cls(key, issuer, audience)

    def public_keys(self) -> KeySet:
        return self._public

    @property
    def signing_key(self) -> RSAKey:
        """The private key, for the development OpenID provider's ID tokens (same key, same JWKS)."""
        return self._key

    def issue(self, subject: str, ttl: int = 3600, client_id: str = "wangge-cli") -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": subject,
            "azp": client_id,
            "iat": now,
            "nbf": now,
            "exp": now + ttl,
            "jti": uuid.uuid4().hex,
        }
        return jwt.encode({"alg": "RS256", "kid": self._key.kid, "typ": "at+jwt"}, claims, self._key)
