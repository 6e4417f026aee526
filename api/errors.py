"""Stable error codes: every error a client sees carries `extensions.code`.

Codes are API: clients branch on them, so they are an enum and never change name.
"""

from enum import StrEnum
from typing import Any

from graphql import GraphQLError


class Code(StrEnum):
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    BAD_USER_INPUT = "BAD_USER_INPUT"
    NOT_FOUND = "NOT_FOUND"
    CONFLICT = "CONFLICT"
    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


class ApiError(GraphQLError):
    def __init__(self, message: str, code: Code, **extensions: Any) -> None:
        super().__init__(message, extensions={"code": code.value, **extensions})


def bad_input(message: str) -> ApiError:
    return ApiError(message, Code.BAD_USER_INPUT)


def not_found(what: str) -> ApiError:
    return ApiError(f"{what} not found", Code.NOT_FOUND)


def error_body(message: str, code: Code) -> dict[str, Any]:
    return {"errors": [{"message": message, "extensions": {"code": code.value}}]}
