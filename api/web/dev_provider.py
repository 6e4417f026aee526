"""The development OpenID provider: Authlib's authorization server, so dev runs the production flow.

With `WANGGE_DEV=1` Wangge is its own IdP, and the console signs in through the same OpenID
Connect code flow with PKCE that it runs against a real IdP. Authlib supplies the protocol (the
code grant, its PKCE and OpenID extensions, client authentication, error responses); this module
supplies what Authlib leaves to a framework: the Starlette request and response adapters, the one
registered client (the console itself, with exactly one redirect URI), the code store and the tokens.

Tokens come from the dev issuer (`authz.tokens.LocalIssuer`): the access token is the very kind
of token `wangge token` prints, which the API validates as it validates any other; the ID token
is signed with the same key, which is why the JWKS here is the dev issuer's key set.
Who signs in is picked from a list of the demo subjects: there are no passwords, which is why
none of these routes exist outside dev mode.
"""

import hmac
import time
from dataclasses import dataclass
from typing import Any, ClassVar

from authlib.oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import OAuth2Request
from authlib.oauth2.rfc6749.errors import InvalidRequestError
from authlib.oauth2.rfc6749.grants import AuthorizationCodeGrant
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from api.web.code_store import CODE_TTL, AuthorizationCode, CodeStore
from authz.tokens import LocalIssuer

ACCESS_TOKEN_TTL = 900


@dataclass(frozen=True)
class ConsoleClient:
    """The console as the provider's only client: confidential, code flow, one exact redirect URI."""

    client_id: str
    client_secret: str
    redirect_uri: str

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_allowed_scope(self, scope: str) -> str:
        return " ".join(s for s in (scope or "").split() if s == "openid")

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri == self.redirect_uri

    def check_client_secret(self, client_secret: str) -> bool:
        return hmac.compare_digest(client_secret.encode(), self.client_secret.encode())

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method == "client_secret_basic"

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


class RequiredPkce(CodeChallenge):
    """PKCE with S256 on every authorization request, confidential client or not (OAuth 2.1)."""

    SUPPORTED_CODE_CHALLENGE_METHOD: ClassVar[list[str]] = ["S256"]

    def validate_code_challenge(self, grant: Any, redirect_uri: str) -> None:
        data = grant.request.payload.data
        if not data.get("code_challenge") or data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("PKCE with code_challenge_method=S256 is required.")
        super().validate_code_challenge(grant, redirect_uri)


class DevOpenIDCode(OpenIDCode):
    def __init__(self, provider: "DevProvider") -> None:
        super().__init__(require_nonce=True)
        self._provider = provider

    def exists_nonce(self, nonce: str, request: OAuth2Request) -> bool:
        return False  # a replayed nonce is caught by the client, which keeps it in its session

    def resolve_client_private_key(self, client: ConsoleClient) -> Any:
        return self._provider.issuer.signing_key

    def get_client_algorithm(self, client: ConsoleClient) -> str:
        return "RS256"

    def get_encode_header(self, client: ConsoleClient) -> dict[str, str]:
        return {"alg": "RS256", "kid": self._provider.issuer.signing_key.kid}

    def get_client_claims(self, client: ConsoleClient) -> dict[str, Any]:
        return {"iss": self._provider.url, "aud": [client.client_id], "exp": int(time.time()) + ACCESS_TOKEN_TTL}

    def generate_user_info(self, user: str, scope: str) -> UserInfo:
        return UserInfo(sub=user)


class CodeGrant(AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS: ClassVar[list[str]] = ["client_secret_basic"]

    def save_authorization_code(self, code: str, request: OAuth2Request) -> None:
        data = request.payload.data
        self.server.codes.save(
            code,
            AuthorizationCode(
                client_id=request.client.client_id,
                redirect_uri=request.payload.redirect_uri,
                scope=request.client.get_allowed_scope(request.payload.scope),
                subject=request.user,
                nonce=data.get("nonce"),
                code_challenge=data["code_challenge"],
                code_challenge_method=data["code_challenge_method"],
                auth_time=int(time.time()),
                expires_at=time.time() + CODE_TTL,
            ),
        )

    def query_authorization_code(self, code: str, client: ConsoleClient) -> AuthorizationCode | None:
        granted = self.server.codes.take(code)
        return granted if granted and granted.client_id == client.client_id else None

    def delete_authorization_code(self, authorization_code: AuthorizationCode) -> None:
        """Already gone: `query_authorization_code` took it."""

    def authenticate_user(self, authorization_code: AuthorizationCode) -> str:
        return authorization_code.subject


class DevProvider(AuthorizationServer):  # type: ignore[misc]
    """Authlib's server with Starlette adapters. Authlib's server is synchronous, so each endpoint
    reads the form first and hands Authlib a request whose payload is already decoded."""

    def __init__(self, url: str, issuer: LocalIssuer, client: ConsoleClient, codes: CodeStore) -> None:
        super().__init__(scopes_supported=["openid"])
        self.url, self.issuer, self.client, self.codes = url, issuer, client, codes
        self.register_grant(CodeGrant, [RequiredPkce(required=True), DevOpenIDCode(self)])
        self.register_token_generator("default", self._tokens)

    def _tokens(self, grant_type: str, client: ConsoleClient, user: str, scope: str, **_: Any) -> dict[str, Any]:
        access = self.issuer.issue(user, ACCESS_TOKEN_TTL, client_id=client.client_id)
        return {"token_type": "Bearer", "access_token": access, "expires_in": ACCESS_TOKEN_TTL, "scope": scope}

    def query_client(self, client_id: str) -> ConsoleClient | None:
        return self.client if client_id == self.client.client_id else None

    def save_token(self, token: dict[str, Any], request: OAuth2Request) -> None:
        """Access tokens are self-contained JWTs: nothing to keep."""

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        """No listeners."""

    def create_oauth2_request(self, request: "StarletteOAuth2Request") -> OAuth2Request:
        return request

    def handle_response(self, status: int, body: Any, headers: list[tuple[str, str]]) -> Response:
        if isinstance(body, dict):
            return JSONResponse(body, status, dict(headers))
        return Response(body, status, dict(headers))

    def metadata(self) -> dict[str, Any]:
        """The discovery document (OpenID Connect Discovery 1.0)."""
        return {
            "issuer": self.url,
            "authorization_endpoint": f"{self.url}/oidc/authorize",
            "token_endpoint": f"{self.url}/oidc/token",
            "jwks_uri": f"{self.url}/oidc/jwks",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic"],
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": ["sub", "iss", "aud", "exp", "iat", "auth_time", "nonce"],
        }

    def jwks(self) -> dict[str, Any]:
        keys: dict[str, Any] = self.issuer.public_keys().as_dict(private=False)
        return keys


class StarletteOAuth2Request(OAuth2Request):
    """An Authlib request built from a Starlette request whose query and form were read already."""

    def __init__(self, request: Request, form: FormData | None = None) -> None:
        super().__init__(request.method, str(request.url), headers=request.headers)
        self._args = dict(request.query_params)
        self._form = dict(form or {})
        self.payload = BasicOAuth2Payload({**self._args, **self._form})

    @property
    def args(self) -> dict[str, str]:
        return self._args

    @property
    def form(self) -> dict[str, str]:
        return self._form
