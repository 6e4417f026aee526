"""Relay cursor connections over id-ordered pages.

A page is fetched with one extra row to learn whether another page follows; the
page size is capped by settings, and a cursor is an opaque wrapper of the last id.
"""

import base64
import binascii
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

import strawberry

from api.client_text import has_control_characters
from api.errors import bad_input
from graph_model.store import Record

T = TypeVar("T")
DEFAULT_PAGE = 20


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    nodes: list[T]
    page_info: PageInfo


def encode_cursor(raw_id: str) -> str:
    return base64.urlsafe_b64encode(f"cursor:{raw_id}".encode()).decode()


def decode_cursor(cursor: str | None) -> str:
    if cursor is None:
        return ""
    try:
        text = base64.urlsafe_b64decode(cursor.encode("ascii")).decode()
    except (binascii.Error, UnicodeError, ValueError):
        raise bad_input("malformed cursor") from None
    if not text.startswith("cursor:") or has_control_characters(text):  # a NUL would cut FalkorDB's query
        raise bad_input("malformed cursor")
    return text.removeprefix("cursor:")


def page_size(first: int | None, cap: int) -> int:
    size = DEFAULT_PAGE if first is None else first
    if size < 1 or size > cap:
        raise bad_input(f"first must be between 1 and {cap}")
    return size


def connection(rows: Sequence[Record], size: int, build: Callable[[Record], T]) -> Connection[T]:
    """`rows` holds up to size+1 records, in id order."""
    nodes = [build(row) for row in rows[:size]]
    edges = [Edge(cursor=encode_cursor(row["id"]), node=node) for row, node in zip(rows, nodes, strict=False)]
    return Connection(
        edges=edges,
        nodes=nodes,
        page_info=PageInfo(has_next_page=len(rows) > size, end_cursor=edges[-1].cursor if edges else None),
    )
