"""The GraphQL endpoint: strawberry's ASGI view with our identity, context, limits and error shapes.

Every HTTP request to /graphql, whatever its method and however it ends, is answered as JSON
with a stable code (the GraphiQL page in development aside) and leaves an audit record with
its true outcome before the response leaves.

What is checked, in order, before anything reaches the graph: the method (GET or POST), the
declared body size, the bearer token (size, then signature and claims), the purpose headers,
then the body as it is read (size again, JSON shape and depth, `operationName` type, unpaired
surrogates). Strawberry's own HTTP-level refusals (plain text by default) become JSON errors too.

Subscriptions are served on the same path over a websocket (graphql-transport-ws only): the
connection is identified at `connection_init` (`api.sockets`) and every result it streams is on the
audit record before it is sent (`api.extensions.stream_audit`).
"""

import contextlib
import json
import logging
import re
from collections.abc import Callable
from typing import Any

import orjson
from cross_web import HTTPException
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLHTTPResponse
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET, UnsetType

from api.audit_draft import AuditDraft
from api.case.feed import EventFeed
from api.case.services import CaseServices
from api.context import Context
from api.errors import Code, error_body
from api.limits import Limits
from api.purpose import DEFAULT_REASON_CODES, NOTE_HEADER, PURPOSE_HEADER, InvalidPurpose, Purpose, parse_purpose
from api.responses import format_error
from api.sockets import ANONYMOUS, REFUSED, SocketContext, close_at_expiry, credentials, disarm
from api.web.pages import render
from authz.api_keys import SUBJECT_PREFIX
from authz.audit.writer import AuditUnavailable, AuditWriter
from authz.engine import PolicyEngine
from authz.gate import Access
from authz.policy_service import PolicyService
from authz.principal import Principal
from authz.tokens import InvalidToken, TokenValidator
from graph_model.store import GraphStore
from loaders.registry import build_loaders

log = logging.getLogger("wangge.api")

METHODS = ("GET", "POST")
# The ASGI scope key under which an in-process caller that authenticated the client itself (the Open311
# routes, by API key) hands over the principal. Only code in this process can set a scope key: an HTTP
# request cannot, so a request from outside always goes through the bearer token.
AUTHENTICATED = "wangge.principal"
_STATUS_CODES = {401: Code.UNAUTHENTICATED, 403: Code.FORBIDDEN, 404: Code.NOT_FOUND}
_STATUS_HEADERS = {401: {"WWW-Authenticate": 'Bearer error="invalid_token"'}, 405: {"Allow": ", ".join(METHODS)}}
# Variables are input objects a few levels deep. Deeper JSON is refused before anything walks it
# recursively (the control-character check, graphql-core's coercion) and runs out of stack.
MAX_JSON_DEPTH = 32
# A JSON escape of a UTF-16 surrogate: only then can a decoded body hold an unpaired one.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


class WanggeGraphQL(GraphQL[Context, None]):
    def __init__(
        self,
        schema: Any,
        store: GraphStore,
        validator: TokenValidator,
        policy: PolicyEngine,
        limits: Limits,
        dev: bool,
        audit: AuditWriter | None,
        access: Callable[[], Access] = Access,
        reason_codes: frozenset[str] = DEFAULT_REASON_CODES,
        cases: CaseServices | None = None,
    ) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql" if dev else None,
            allow_queries_via_get=False,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            max_subscriptions_per_connection=1,
        )
        self._cases = cases or CaseServices.default(store)
        self.feed = EventFeed(store)
        self._store, self._validator, self._policy, self._limits = store, validator, policy, limits
        self._admin = PolicyService(store, policy)
        self._audit = audit
        self._access = access
        self._reason_codes = reason_codes

    async def render_graphql_ide(self, request: Request) -> Response:
        """Strawberry's hook for the IDE page: GraphiQL from Wangge's own static files, not strawberry's
        page, which loads React and GraphiQL from a public CDN and stays on "Loading..." offline."""
        return render(request, "graphiql.html")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            socket = WebSocket(scope, receive, send)
            try:
                await self.run(socket)
            finally:
                disarm(socket)
            return
        if scope["type"] != "http":
            await JSONResponse(error_body("only HTTP is served", Code.BAD_USER_INPUT), 400)(scope, receive, send)
            return
        request = Request(scope, self._bounded(receive))
        draft = request.state.audit = AuditDraft()
        try:
            response = await self._answer(request)
            outcome = "error" if draft.error_codes else "ok"
        except HTTPException as exc:
            code = _STATUS_CODES.get(exc.status_code, Code.BAD_USER_INPUT)
            response = JSONResponse(error_body(exc.reason, code), exc.status_code, _STATUS_HEADERS.get(exc.status_code))
            draft.error_codes, outcome = [code.value], "refused"
        except Exception as exc:  # a bug: still answered as JSON and on the record, never with its message
            log.error("unexpected %s answering %s /graphql", type(exc).__name__, request.method)
            response = JSONResponse(error_body("Internal server error", Code.INTERNAL_SERVER_ERROR), 500)
            draft.error_codes, outcome = [Code.INTERNAL_SERVER_ERROR.value], "error"
        await (await self._recorded(request, draft, outcome, response))(scope, receive, send)

    async def _answer(self, request: Request) -> Response:
        if request.method not in METHODS:
            raise HTTPException(405, "GraphQL is served over GET (the GraphiQL page) and POST only.")
        if self.graphql_ide and request.method == "GET" and "text/html" in request.headers.get("accept", ""):
            return await self.render_graphql_ide(request)
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self._limits.max_body_bytes:
            raise _too_large(self._limits.max_body_bytes)
        response: Response = await self.run(request)
        return response

    def _bounded(self, receive: Receive) -> Receive:
        """`receive`, refusing a body that grows past the limit while it is read (no Content-Length)."""
        limit, received = self._limits.max_body_bytes, 0

        async def bounded() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _too_large(limit)
            return message

        return bounded

    async def _recorded(self, request: Request, draft: AuditDraft, outcome: str, response: Response) -> Response:
        """Commit the audit record before the response leaves; if it cannot be committed, fail closed."""
        if self._audit is None:
            return response
        context: Context | None = getattr(request.state, "context", None)
        try:
            await self._audit.append(draft.entry(context.access if context else None, outcome, response.status_code))
        except AuditUnavailable:
            message = "The audit trail could not record this request, so its result is withheld; retry shortly."
            return JSONResponse(error_body(message, Code.SERVICE_UNAVAILABLE), 503)
        return response

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:  # type: ignore[override]
        if isinstance(request, WebSocket):
            return self._context(SocketContext, request, ANONYMOUS, AuditDraft(), trail=self._audit)
        draft: AuditDraft = request.state.audit
        draft.principal = request.scope.get(AUTHENTICATED) or self._bearer(request.headers)
        draft.purpose = self._purpose(request.headers)
        context = request.state.context = self._context(Context, request, draft.principal, draft)
        return context

    async def on_ws_connect(self, context: Context) -> UnsetType:  # type: ignore[override]
        """`connection_init`: the connection is the token's subject from now until the token expires."""
        assert isinstance(context, SocketContext) and isinstance(context.request, WebSocket)
        draft = context.audit
        headers = credentials(context.request, context.connection_params)
        try:
            principal, purpose = self._bearer(headers), self._purpose(headers)
        except HTTPException as exc:
            draft.error_codes = [_STATUS_CODES.get(exc.status_code, Code.BAD_USER_INPUT).value]
            if self._audit is not None:
                with contextlib.suppress(AuditUnavailable):  # refused either way
                    await self._audit.append(draft.entry(None, "refused", REFUSED))
            raise ConnectionRejectionError from None
        context.principal = draft.principal = principal
        draft.purpose, context.purpose = purpose, purpose.declared if purpose else None
        close_at_expiry(context.request, principal.expires_at)
        return UNSET

    def _bearer(self, headers: Headers) -> Principal:
        scheme, _, token = headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise HTTPException(401, "A bearer token is required (Authorization: Bearer <token>).")
        try:
            principal = self._validator.validate(token.strip())
        except InvalidToken:
            raise HTTPException(401, "The bearer token is invalid or expired.") from None
        if principal.subject.startswith(SUBJECT_PREFIX):  # an Open311 client is reached by its API key only
            raise HTTPException(401, "The bearer token is invalid or expired.")
        return principal

    def _context(
        self, kind: type[Context], request: Request | WebSocket, principal: Principal, draft: AuditDraft, **extra: Any
    ) -> Context:
        access = self._access()
        return kind(
            request=request,
            principal=principal,
            loaders=build_loaders(self._store, access),
            store=self._store,
            limits=self._limits,
            access=access,
            policy=self._policy,
            admin=self._admin,
            purpose=draft.purpose.declared if draft.purpose else None,
            audit=draft,
            cases=self._cases,
            audit_key=self._audit.signer if self._audit else None,
            feed=self.feed,
            **extra,
        )

    def _purpose(self, headers: Headers) -> Purpose | None:
        if len(headers.getlist(PURPOSE_HEADER)) > 1 or len(headers.getlist(NOTE_HEADER)) > 1:
            raise HTTPException(400, "Send Wangge-Purpose and Wangge-Purpose-Note at most once each.")
        try:
            return parse_purpose(headers.get(PURPOSE_HEADER), headers.get(NOTE_HEADER), self._reason_codes)
        except InvalidPurpose as exc:
            raise HTTPException(400, str(exc)) from None

    def decode_json(self, data: str | bytes) -> object:
        try:
            decoded = json.loads(data)
        except (ValueError, RecursionError):
            raise HTTPException(400, "Unable to parse request body as JSON") from None
        if not isinstance(decoded, dict):
            raise HTTPException(400, "The request body must be a JSON object with a `query` string.")
        if not isinstance(decoded.get("operationName"), str | None):
            raise HTTPException(400, "The GraphQL operation's `operationName` must be a string or null, if provided.")
        raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
        if raw.count(b"[") + raw.count(b"{") > MAX_JSON_DEPTH and _nested_deeper(decoded, MAX_JSON_DEPTH):
            raise HTTPException(400, f"The request body is nested more than {MAX_JSON_DEPTH} levels deep.")
        if _SURROGATE_ESCAPE.search(raw) and not _encodable(decoded):
            raise HTTPException(400, "The request body holds an unpaired UTF-16 surrogate escape.")
        return decoded

    def encode_json(self, data: object) -> bytes:
        """orjson: the same compact UTF-8 JSON as `json.dumps(ensure_ascii=False, separators=(",", ":"))`,
        keys in the same order, non-ASCII text as is, at a fraction of the CPU per response."""
        return orjson.dumps(data)

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:  # type: ignore[override]
        """The error codes of the answer are the outcome the audit trail records, whichever phase failed."""
        body: GraphQLHTTPResponse = {"data": result.data}
        if result.errors:
            body["errors"] = [format_error(error) for error in result.errors]
            draft: AuditDraft = request.state.audit
            draft.error_codes = [error["extensions"]["code"] for error in body["errors"]]
        if result.extensions:
            body["extensions"] = result.extensions
        return body


def _too_large(limit: int) -> HTTPException:
    return HTTPException(413, f"The request body is larger than {limit} bytes.")


def _nested_deeper(decoded: object, limit: int) -> bool:
    """Whether any list or object lies deeper than `limit`, found without recursion."""
    stack = [(decoded, 1)]
    while stack:
        value, depth = stack.pop()
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else None
        if children is None:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def _encodable(decoded: object) -> bool:
    """False if a string holds an unpaired surrogate: it could not be written to the graph or answered."""
    try:
        json.dumps(decoded, ensure_ascii=False).encode()
    except UnicodeEncodeError:
        return False
    return True
