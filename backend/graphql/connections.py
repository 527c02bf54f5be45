"""Relay-style connections: every list is paged with `first` and an opaque `after` cursor."""

from __future__ import annotations

import base64
import binascii
import json
import re
import uuid
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

import strawberry

from backend.domain.base import InvalidInput

T = TypeVar("T")
R = TypeVar("R")

POSITION_PATTERN = re.compile(r"[0-9]{1,18}")  # ASCII digits only, and within a signed 64-bit integer
DEFAULT_PAGE = 50
MAX_PAGE = 500


@strawberry.type(description="Where a page sits in the whole list.")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    node: T
    cursor: str


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo

    @strawberry.field(description="The nodes of `edges`, for clients that need no cursors.")
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]


def check_first(first: int) -> int:
    if first < 1 or first > MAX_PAGE:
        raise InvalidInput(f"first {first} is invalid: it must be between 1 and {MAX_PAGE}.", field="first", value=first)
    return first


def encode_cursor(kind: str, value: object) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{value}".encode()).decode().rstrip("=")


def decode_cursor(kind: str, cursor: str | None) -> str | None:
    """Return the value inside a cursor of this kind; InvalidInput naming `after` when it is not one."""
    if cursor is None:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    prefix = f"{kind}:"
    if not text.startswith(prefix):
        raise InvalidInput(
            f"after {cursor[:40]!r} is not a cursor of this list; pass an endCursor this list returned.",
            field="after",
            value=cursor[:40],
        )
    return text[len(prefix) :]


def decode_position_cursor(kind: str, cursor: str | None) -> int | None:
    value = decode_cursor(kind, cursor)
    if value is None:
        return None
    if not POSITION_PATTERN.fullmatch(value):
        assert cursor is not None
        raise InvalidInput(
            f"after {cursor[:40]!r} is not a cursor of this list; pass an endCursor this list returned.",
            field="after",
            value=cursor[:40],
        )
    return int(value)


def page(
    rows: Sequence[R],
    first: int,
    kind: str,
    key: Callable[[R], object],
    node: Callable[[R], T],
    *,
    has_previous: bool,
) -> Connection[T]:
    """Build a connection from `rows`, fetched with LIMIT first + 1 so that an extra row shows more follow."""
    visible = list(rows[:first])
    edges = [Edge(node=node(row), cursor=encode_cursor(kind, key(row))) for row in visible]
    info = PageInfo(
        has_next_page=len(rows) > first,
        has_previous_page=has_previous,
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
    )
    return Connection(edges=edges, page_info=info)


MAX_CURSOR = 1000


def name_cursor(kind: str, after: str | None) -> tuple[str, str] | None:
    """Decode a cursor of a list ordered by name then id into (name key, id); InvalidInput for anything else."""
    if after is not None and len(after) > MAX_CURSOR:
        raise InvalidInput(f"after ({len(after)} characters) is not a cursor of this list.", field="after", value=after[:40])
    raw = decode_cursor(kind, after)
    if raw is None:
        return None
    try:
        parsed = json.loads(raw)
        valid = isinstance(parsed, list) and len(parsed) == 2 and isinstance(parsed[0], str) and isinstance(parsed[1], str)
        identifier = str(uuid.UUID(parsed[1])) if valid else None
    except (ValueError, RecursionError):
        identifier = None
    if identifier is None:
        raise InvalidInput(f"after {after[:40]!r} is not a cursor of this list.", field="after", value=after[:40])  # type: ignore[index]
    return parsed[0], identifier

