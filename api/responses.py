"""Shapes every GraphQL error into `{message, extensions.code}` without leaking internals.

Errors strawberry raises itself (parse, validation, limits, variable coercion) carry no
code; they are the client's fault and become BAD_USER_INPUT. An unreachable graph is
SERVICE_UNAVAILABLE; a write it lost on the way is SERVICE_UNAVAILABLE with
`extensions.outcome = "unknown"`. Anything else is masked as INTERNAL_SERVER_ERROR: its message
might hold a value from the data.
"""

from typing import Any

from graphql import GraphQLError

from api.errors import Code
from graph_model.store import GraphUnavailable, OutcomeUnknown


def format_error(error: GraphQLError) -> dict[str, Any]:
    formatted: dict[str, Any] = dict(error.formatted)
    extensions = dict(formatted.get("extensions") or {})
    if "code" not in extensions:
        original = error.original_error
        if original is None or isinstance(original, GraphQLError):
            extensions["code"] = Code.BAD_USER_INPUT.value
        elif isinstance(original, OutcomeUnknown):
            extensions["code"], extensions["outcome"] = Code.SERVICE_UNAVAILABLE.value, "unknown"
            formatted["message"] = (
                "The graph store stopped answering during this change: it may or may not have been applied. "
                "Read it back, or retry with the same Idempotency-Key."
            )
        elif isinstance(original, GraphUnavailable):
            extensions["code"] = Code.SERVICE_UNAVAILABLE.value
            formatted["message"] = "The graph store is unavailable; try again shortly."
        else:
            extensions["code"] = Code.INTERNAL_SERVER_ERROR.value
            formatted["message"] = "Internal server error"
    formatted["extensions"] = extensions
    return formatted
