"""Refuses control characters in string arguments, after validation and before the gate.

Every string literal of the document (arguments, nested input objects and lists, directive
arguments, variable defaults) and every string of the variables, at any depth, is checked.
Tab and newline pass, since text may hold them; NUL and the rest of C0 do not: none belongs in
the data, and NUL cuts FalkorDB's query text short (its client writes parameters into the text).
The refusal is an ordinary validation error, so nothing runs and the audit trail records it.

The document's literals are scanned once per query text (apps send the same few documents over
and over; a walk of the grid page's document took 0.27 ms), its variables on every request.
"""

from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from graphql import BREAK, DocumentNode, StringValueNode, Visitor, parse, visit
from strawberry.extensions import SchemaExtension

from api.client_text import has_control_characters
from api.errors import bad_input

MESSAGE = "String arguments may not contain control characters (NUL, or C0 other than tab and newline)."


class _LiteralScan(Visitor):
    found = False

    def enter_string_value(self, node: StringValueNode, *_: Any) -> object:
        if has_control_characters(node.value):
            self.found = True
            return BREAK
        return None


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _literals_hold(document: DocumentNode) -> bool:
    scan = _LiteralScan()
    visit(document, scan)
    return scan.found


@lru_cache(maxsize=256)
def _query_literals_hold(query: str) -> bool:
    """Only ever called with a text that already parsed and validated."""
    return _literals_hold(parse(query))


def holds_control_characters(query: str | None, document: DocumentNode, variables: dict[str, Any] | None) -> bool:
    if any(has_control_characters(text) for text in _strings(variables)):
        return True
    return _query_literals_hold(query) if query is not None else _literals_hold(document)


class ControlCharacters(SchemaExtension):
    def on_validate(self) -> Iterator[None]:
        """Placed after the validation cache, so the document is validated when this runs."""
        execution = self.execution_context
        document = execution.graphql_document
        checkable = not execution.pre_execution_errors and document is not None
        if checkable and holds_control_characters(execution.query, document, execution.variables):
            execution.pre_execution_errors = [bad_input(MESSAGE)]
        yield
