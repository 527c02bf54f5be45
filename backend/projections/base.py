"""The projection contract: the tables a projection owns, and how one event changes them inside the runner's transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from backend.database import Transaction
from backend.domain.base import iso, parse_iso  # noqa: F401  (re-exported for projections)


@dataclass(frozen=True)
class Change:
    """A committed change to a read model, sent to live subscribers: a topic and a few ids (never a payload)."""

    topic: str
    keys: dict[str, Any] = field(default_factory=dict)


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
