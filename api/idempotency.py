"""`Idempotency-Key` for mutations (draft-ietf-httpapi-idempotency-key-header): a retry is answered, not redone.

A client that lost an answer (a timeout, a 503 with an unknown outcome, a dropped connection)
sends the mutation again with the same key. The first request with a key claims it in the graph
(so every worker and host sees it) and stores its answer there for a day; later requests with
the same key and the same body get that answer again, marked `extensions.idempotency =
"replayed"`, without running anything. The same key with another body is BAD_USER_INPUT
(`reason: IDEMPOTENCY_KEY_REUSED`); a key whose first request is still running is CONFLICT
(`reason: IDEMPOTENCY_KEY_IN_USE`). Keys are per subject: the node is named by a hash of subject
and key, so one subject cannot reach another's answer, and the key itself is never stored.

This runs after the gate: a replay is only served to a caller the gate lets run the very same
operation now (a revoked grant gets FORBIDDEN, not yesterday's answer), and its audit record
names the data subjects of the original. An answer that says the graph was unavailable is not
kept (the key is released), so the retry runs; a claim whose worker died or lost the graph
mid-write is taken over after `LEASE_MS`. After an unknown outcome a retry therefore runs again:
a key cannot make a lost write and its claim one transaction, so it guarantees one answer per key
for every outcome the service saw, not exactly-once application. A write that must not happen
twice stores the key's hash (`Context.idempotency_key`) in its own statement and looks for it
there first: `reportCase` does (`CREATE_CASE`), so its retry answers the case the lost attempt made.
"""

import hashlib
import logging
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import orjson
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionResult

from api import global_id
from api.audit_draft import DATA_SUBJECT_TYPES
from api.context import Context
from api.errors import ApiError, Code
from api.extensions.tracing import operation_type
from api.responses import format_error
from graph_model.store import GraphUnavailable

log = logging.getLogger("wangge.api")

HEADER = "idempotency-key"
TTL_MS = 24 * 3600 * 1000  # a key is remembered for a day
# A pending claim older than this was abandoned: past the 10 s statement timeout, with room for a
# mutation of a few statements. A claim sent to a frozen graph lands when it thaws, so a retry right
# after that 503 may meet IDEMPOTENCY_KEY_IN_USE for up to this long.
LEASE_MS = 30_000
MAX_KEY = 255


def _key(context: Context) -> str | None:
    """The key as sent (an sf-string, quotes optional), or None without the header; malformed is the client's error."""
    values = context.request.headers.getlist(HEADER)
    if not values:
        return None
    key = values[0].strip()
    if len(key) >= 2 and key[0] == key[-1] == '"':
        key = key[1:-1]
    if len(values) > 1 or not 1 <= len(key) <= MAX_KEY or not all("!" <= c <= "~" for c in key):
        raise ApiError(f"Send one Idempotency-Key of 1 to {MAX_KEY} visible ASCII characters.", Code.BAD_USER_INPUT)
    return key


def fingerprint(query: str | None, variables: dict[str, Any] | None, operation_name: str | None) -> str:
    body = {"query": query, "variables": variables or {}, "operationName": operation_name}
    return hashlib.sha256(orjson.dumps(body, option=orjson.OPT_SORT_KEYS)).hexdigest()


def _replayed(response: str) -> ExecutionResult:
    stored = orjson.loads(response)
    errors = [
        GraphQLError(e["message"], path=e.get("path"), extensions=e.get("extensions")) for e in stored.get("errors", ())
    ]
    return ExecutionResult(data=stored.get("data"), errors=errors or None)


class Idempotency(SchemaExtension):
    replayed = False

    def get_results(self) -> dict[str, Any]:
        return {"idempotency": "replayed"} if self.replayed else {}

    async def on_execute(self) -> AsyncIterator[None]:
        execution = self.execution_context
        context: Context = execution.context
        if execution.result is not None or operation_type(execution) != "mutation":
            yield
            return
        try:
            key = _key(context)
        except ApiError as error:
            execution.result = ExecutionResult(data=None, errors=[error])
            key = None
        if key is None:
            yield
            return
        keys, claim, now = context.loaders.idempotency, uuid.uuid4().hex, int(time.time() * 1000)
        key_id = hashlib.sha256(f"{context.principal.subject}\n{key}".encode()).hexdigest()
        context.idempotency_key = key_id
        asked = fingerprint(execution.query, execution.variables, execution.operation_name)
        try:
            held = await keys.claim(key_id, claim, asked, now, TTL_MS, LEASE_MS)
        except GraphUnavailable:
            message = "The graph store is unavailable; nothing was changed. Retry with the same Idempotency-Key."
            execution.result = ExecutionResult(data=None, errors=[ApiError(message, Code.SERVICE_UNAVAILABLE)])
            yield
            return
        if held.claim != claim:
            execution.result = self._answer_for(held, asked, context)
            yield
            return
        yield
        await self._keep(keys, key_id, claim, context)

    def _answer_for(self, held: Any, asked: str, context: Context) -> ExecutionResult:
        if held.fingerprint != asked:
            error = ApiError("This Idempotency-Key was sent with another request; use a new key for a new request.",
                             Code.BAD_USER_INPUT, reason="IDEMPOTENCY_KEY_REUSED")  # fmt: skip
            return ExecutionResult(data=None, errors=[error])
        if held.state != "done":
            error = ApiError("The first request with this Idempotency-Key is still running; retry shortly.",
                             Code.CONFLICT, reason="IDEMPOTENCY_KEY_IN_USE")  # fmt: skip
            return ExecutionResult(data=None, errors=[error])
        for subject in held.subjects:
            type_name, raw = global_id.decode(subject)
            context.access.record(type_name, [raw])
        self.replayed, context.audit.idempotency = True, "replayed"
        return _replayed(held.response)

    async def _keep(self, keys: Any, key_id: str, claim: str, context: Context) -> None:
        """Store the answer for the next retry, or release the key if the graph failed this one."""
        result = self.execution_context.result
        errors = list(result.errors or ()) if result else []
        try:
            if result is None or any(isinstance(e.original_error, GraphUnavailable) for e in errors):
                await keys.release(key_id, claim)
                return
            response = orjson.dumps({"data": result.data, "errors": [format_error(e) for e in errors]}).decode()
            subjects = [
                global_id.encode(t, raw)
                for t in DATA_SUBJECT_TYPES
                for raw in sorted(context.access.touched.get(t, ()))
            ]
            await keys.complete(key_id, claim, response, subjects, int(time.time() * 1000))
            context.audit.idempotency = "stored"
        except GraphUnavailable:
            log.warning("an idempotency key could not be kept; a retry within %d s meets a conflict", LEASE_MS // 1000)
