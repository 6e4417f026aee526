"""The GraphQL endpoint: strawberry's ASGI view with our identity, context and error shapes.

Identity is checked in `get_context`, before the body is parsed or any resolver runs:
an unauthenticated request never reaches the graph. Strawberry's own HTTP-level
refusals (plain text by default) are answered as JSON errors with a stable code.
"""

import json
from collections.abc import Callable
from typing import Any

from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult

from api.audit_draft import AuditDraft
from api.context import Context
from api.errors import Code, error_body
from api.limits import Limits
from api.responses import format_error
from authz.audit.writer import AuditUnavailable, AuditWriter
from authz.engine import PolicyEngine
from authz.gate import Access
from authz.policy_service import PolicyService
from authz.tokens import InvalidToken, TokenValidator
from graph_model.store import GraphStore
from loaders.registry import build_loaders

PURPOSE_HEADER = "wangge-purpose"
_STATUS_CODES = {401: Code.UNAUTHENTICATED, 403: Code.FORBIDDEN, 404: Code.NOT_FOUND}


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
    ) -> None:
        super().__init__(schema, graphql_ide="graphiql" if dev else None, allow_queries_via_get=False)
        self._store, self._validator, self._policy, self._limits = store, validator, policy, limits
        self._admin = PolicyService(store, policy)
        self._audit = audit
        self._access = access

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await JSONResponse(error_body("only HTTP is served", Code.BAD_USER_INPUT), 400)(scope, receive, send)
            return
        request = Request(scope, receive)
        if self.graphql_ide and request.method == "GET" and "text/html" in request.headers.get("accept", ""):
            await (await self.render_graphql_ide(request))(scope, receive, send)
            return
        draft = request.state.audit = AuditDraft()
        try:
            response: Response = await self.run(request)
            outcome = "error" if draft.error_codes else "ok"
        except HTTPException as exc:
            code = _STATUS_CODES.get(exc.status_code, Code.BAD_USER_INPUT)
            headers = {"WWW-Authenticate": 'Bearer error="invalid_token"'} if exc.status_code == 401 else None
            response = JSONResponse(error_body(exc.reason, code), exc.status_code, headers=headers)
            draft.error_codes, outcome = [code.value], "refused"
        await (await self._recorded(request, draft, outcome, response))(scope, receive, send)

    async def _recorded(self, request: Request, draft: AuditDraft, outcome: str, response: Response) -> Response:
        """Commit the audit record before the response leaves; if it cannot be committed, fail closed."""
        if self._audit is None:
            return response
        context: Context | None = getattr(request.state, "context", None)
        access, purpose = (context.access, context.purpose) if context else (None, None)
        try:
            await self._audit.append(draft.entry(access, purpose, outcome, response.status_code))
        except AuditUnavailable:
            message = "The audit trail could not record this request, so its result is withheld; retry shortly."
            return JSONResponse(error_body(message, Code.SERVICE_UNAVAILABLE), 503)
        return response

    async def get_context(self, request: Request, response: Any) -> Context:  # type: ignore[override]
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise HTTPException(401, "A bearer token is required (Authorization: Bearer <token>).")
        try:
            principal = self._validator.validate(token.strip())
        except InvalidToken:
            raise HTTPException(401, "The bearer token is invalid or expired.") from None
        draft: AuditDraft = request.state.audit
        draft.principal = principal
        access = self._access()
        purpose = request.headers.get(PURPOSE_HEADER, "").strip() or None
        context = request.state.context = Context(
            request=request,
            principal=principal,
            loaders=build_loaders(self._store, access),
            limits=self._limits,
            access=access,
            policy=self._policy,
            admin=self._admin,
            purpose=purpose,
            audit=draft,
        )
        return context

    def decode_json(self, data: str | bytes) -> object:
        try:
            decoded = json.loads(data)
        except ValueError:
            raise HTTPException(400, "Unable to parse request body as JSON") from None
        if not isinstance(decoded, dict):
            raise HTTPException(400, "The request body must be a JSON object with a `query` string.")
        return decoded

    def encode_json(self, data: object) -> str:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:  # type: ignore[override]
        body: GraphQLHTTPResponse = {"data": result.data}
        if result.errors:
            body["errors"] = [format_error(error) for error in result.errors]
        if result.extensions:
            body["extensions"] = result.extensions
        return body
