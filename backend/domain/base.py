"""Shared parts of every aggregate and event of ModelCloud: the cause of a change, its time, and the domain errors."""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, ClassVar, TypeVar

from eventsourcing.domain import Aggregate

# Index aggregates derive their ids from a unique key with this namespace, so two
# creations of the same key collide on version 1 of the same stream.
INDEX_NAMESPACE = uuid.UUID("6f1c2a52-3b0e-4c55-9d6e-0c1f7a1e5b31")

SYSTEM_ACTOR = "system"


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def iso(moment: datetime | None) -> str | None:
    """Render a time as sortable ISO 8601 text in UTC with microseconds, the form every table stores."""
    if moment is None:
        return None
    try:
        return moment.astimezone(timezone.utc).isoformat(timespec="microseconds")
    except OverflowError:
        # Only a time within hours of year 1 or 9999 overflows in UTC; keep its own offset.
        return moment.isoformat(timespec="microseconds")


def parse_iso(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


@dataclass(frozen=True)
class Cause:
    """Origin of a change: the actor, the team it acts for, its time, and the request it belongs to."""

    actor: str
    team: str | None
    correlation_id: str
    causation_id: str
    at: datetime = field(default_factory=utc_now)

    @classmethod
    def new(cls, actor: str, team: str | None, *, at: datetime | None = None, correlation_id: str | None = None) -> Cause:
        request_id = correlation_id or str(uuid.uuid4())
        return cls(actor=actor, team=team, correlation_id=request_id, causation_id=request_id, at=at or utc_now())

    def for_team(self, team: str | None) -> Cause:
        return Cause(self.actor, team, self.correlation_id, self.causation_id, self.at)


class DomainError(Exception):
    """A rule of the domain rejected a command; `code` is the GraphQL error code it maps to."""

    code: ClassVar[str] = "BAD_USER_INPUT"

    def __init__(self, message: str, *, field: str | None = None, value: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.value = value


class InvalidInput(DomainError):
    code = "BAD_USER_INPUT"


class NotFound(DomainError):
    code = "NOT_FOUND"


class Conflict(DomainError):
    code = "CONFLICT"


class Forbidden(DomainError):
    code = "FORBIDDEN"


class Unauthenticated(DomainError):
    code = "UNAUTHENTICATED"


class PayloadTooLarge(DomainError):
    code = "PAYLOAD_TOO_LARGE"


TAggregate = TypeVar("TAggregate", bound="ModelCloudAggregate")


class ModelCloudAggregate(Aggregate):
    """An aggregate whose events all carry actor, team, correlation id and causation id."""

    class Event(Aggregate.Event):
        actor: str
        team: str | None
        correlation_id: str
        causation_id: str
        # W3C traceparent of the command span that appended the event, or "" without tracing. The
        # command runner sets it just before the append. Events stored before it existed decode
        # with this default, because the library restores a stored event's attributes on top of its class.
        traceparent: str = field(default="", kw_only=True)

    class Created(Event, Aggregate.Created):
        pass

    @classmethod
    def _start(cls: type[TAggregate], event_class: type[Any], cause: Cause, *, id: uuid.UUID, **fields: Any) -> TAggregate:  # noqa: A002
        return cls._create(event_class, id=id, timestamp=cause.at, **_metadata(cause), **fields)

    def _record(self, event_class: type[Any], cause: Cause, **fields: Any) -> None:
        self.trigger_event(event_class, timestamp=cause.at, **_metadata(cause), **fields)


def _metadata(cause: Cause) -> dict[str, Any]:
    return {
        "actor": cause.actor,
        "team": cause.team,
        "correlation_id": cause.correlation_id,
        "causation_id": cause.causation_id,
    }


def index_id(kind: str, *key: str) -> uuid.UUID:
    """Id of the index aggregate that reserves `key` (case-folded) for one `kind` of name."""
    return uuid.uuid5(INDEX_NAMESPACE, "/".join([kind, *(part.casefold() for part in key)]))


class NameIndex(ModelCloudAggregate):
    """Reserves a unique name: its id derives from the name, so a second reservation conflicts."""

    class Reserved(ModelCloudAggregate.Created):
        kind: str
        key: str
        owner_id: uuid.UUID

        def apply(self, aggregate: NameIndex) -> None:
            aggregate.kind = self.kind
            aggregate.key = self.key
            aggregate.owner_id = self.owner_id

    kind: str
    key: str
    owner_id: uuid.UUID

    def __init__(self, **_: Any) -> None:
        pass

    @classmethod
    def reserve(cls, kind: str, key: str, owner_id: uuid.UUID, cause: Cause) -> NameIndex:
        return cls._start(cls.Reserved, cause, id=index_id(kind, key), kind=kind, key=key, owner_id=owner_id)


def finite_json(value: Any) -> Any:
    """Return JSON data with NaN and infinities as text, since JSON parsers reject them as numbers."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {key: finite_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [finite_json(item) for item in value]
    return value
