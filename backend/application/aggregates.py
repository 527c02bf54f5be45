"""Loading aggregates for commands, with the NotFound every context raises for a missing id."""

from __future__ import annotations

import uuid
from typing import TypeVar

from eventsourcing.application import AggregateNotFoundError

from backend.application.eventstore import EventStore
from backend.domain.base import NotFound

T = TypeVar("T")


def load(store: EventStore, aggregate_id: uuid.UUID, kind: type[T], field: str, label: str) -> T:
    """Return the aggregate, or raise NotFound naming `field` when it is missing or of another kind."""
    try:
        aggregate = store.repository.get(aggregate_id)
    except AggregateNotFoundError:
        aggregate = None
    if not isinstance(aggregate, kind):
        raise NotFound(f"{label} {aggregate_id} was not found.", field=field, value=str(aggregate_id))
    return aggregate


def exists(store: EventStore, aggregate_id: uuid.UUID) -> bool:
    """Return whether any aggregate has this id, such as an index aggregate reserving a name."""
    try:
        store.repository.get(aggregate_id)
    except AggregateNotFoundError:
        return False
    return True
