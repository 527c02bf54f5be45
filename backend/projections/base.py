"""The projection contract: the tables a projection owns, and how one event changes them inside the runner's transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from backend.database import Database, Row, Transaction
from backend.domain.base import iso, parse_iso  # noqa: F401  (re-exported for projections)


@dataclass(frozen=True)
class Change:
    """A committed change to a read model, sent to live subscribers: a topic and a few ids (never a payload)."""

    topic: str
    keys: dict[str, Any] = field(default_factory=dict)
    # W3C traceparent of the command span that appended the event behind the change, or "" without tracing.
    traceparent: str = field(default="", compare=False)


class Projection:
    """A read model built only from events. Subclasses name their tables and apply each event.

    `apply` runs inside the transaction that also advances this projection's tracking position,
    so a row is written exactly once per event; it returns the changes to announce after commit.
    """

    name: ClassVar[str]
    tables: ClassVar[dict[str, str]]  # table name -> CREATE TABLE statement
    indexes: ClassVar[list[str]] = []

    def apply(self, tx: Transaction, event: Any, position: int) -> list[Change]:
        handler = getattr(self, f"on_{type(event).__qualname__.replace('.', '_')}", None)
        if handler is None:
            return []
        return handler(tx, event, position) or []


def like_pattern(text: str) -> str:
    """Return a case-folded LIKE pattern matching `text` anywhere, with LIKE's wildcards escaped (use ESCAPE '\\')."""
    escaped = text.casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_by_name(
    database: Database, table: str, id_column: str, teams: list[str] | None, name_contains: str | None, archived: bool | None,
    after: tuple[str, str] | None, limit: int,
) -> list[Row]:
    """Rows of a table with `team_id`, `name_key` and `archived` columns, by name then id, after the previous page's (name, id)."""
    clauses: list[str] = []
    params: list[Any] = []
    if teams is not None:
        if not teams:
            return []
        clauses.append(f"team_id IN ({','.join('?' * len(teams))})")
        params.extend(teams)
    if name_contains:
        clauses.append("name_key LIKE ? ESCAPE '\\'")
        params.append(like_pattern(name_contains))
    if archived is not None:
        clauses.append("archived = ?")
        params.append(int(archived))
    if after is not None:
        clauses.append(f"(name_key > ? OR (name_key = ? AND {id_column} > ?))")
        params.extend([after[0], after[0], after[1]])
    sql = f"SELECT * FROM {table}"
    if clauses:
        sql += " WHERE " + " AND ".join(clauses)
    return database.fetchall(sql + f" ORDER BY name_key, {id_column} LIMIT ?", [*params, limit])


def search_newest_first(
    database: Database, table: str, order_column: str, teams: list[str] | None, equals: dict[str, Any],
    statuses: list[str] | None, before: int | None, limit: int,
) -> list[Row]:
    """Rows of a table with `team_id` and `status` columns, newest `order_column` first, before the previous page's last.

    `equals` maps a column to the value it must have; a None value sets no condition.
    """
    clauses: list[str] = []
    params: list[Any] = []
    if teams is not None:
        if not teams:
            return []
        clauses.append(f"team_id IN ({','.join('?' * len(teams))})")
        params.extend(teams)
    if statuses:
        clauses.append(f"status IN ({','.join('?' * len(statuses))})")
        params.extend(statuses)
    for column, value in equals.items():
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    if before is not None:
        clauses.append(f"{order_column} < ?")
        params.append(before)
    sql = f"SELECT * FROM {table}"
    if clauses:
        sql += " WHERE " + " AND ".join(clauses)
    return database.fetchall(sql + f" ORDER BY {order_column} DESC LIMIT ?", [*params, limit])
