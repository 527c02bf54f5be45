"""Notification channels (webhooks), the delivery of each notification to a channel, and each user's read marks.

A channel's signing secret never enters the event log in the clear. The event contains it sealed
with the channel's own key, which is kept outside the event store (see backend/application/keys.py),
so deleting that key erases the secret.

A delivery is one notification to one channel. Its stream records every attempt with the
receiver's response. After the last attempt fails, the delivery stays failed and nothing else is
affected.
"""

from __future__ import annotations

import copy
import uuid
from datetime import datetime
from typing import Any

from backend.domain.base import Cause, Conflict, InvalidInput, ModelCloudAggregate
from backend.domain.validation import check_length

INBOX_NAMESPACE = uuid.UUID("1d4c9a0b-7e52-4f3a-9b61-5a2e8c0f4d93")
WEBHOOK = "webhook"
PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"


def check_channel_settings(values: dict[str, Any]) -> dict[str, Any]:
    """Check a channel's name and enabled flag.

    The service checks the URL, because that check resolves the host name.
    """
    checked = dict(values)
    if "name" in checked:
        if not isinstance(checked["name"], str):
            raise InvalidInput("name must be a string.", field="name", value=str(checked["name"])[:40])
        checked["name"] = check_length("name", checked["name"].strip(), minimum=1, maximum=128)
    if "enabled" in checked and not isinstance(checked["enabled"], bool):
        raise InvalidInput("enabled must be true or false.", field="enabled", value=str(checked["enabled"])[:40])
    return checked


class NotificationChannel(ModelCloudAggregate):
    class Created(ModelCloudAggregate.Created):
        team_id: uuid.UUID
        name: str
        kind: str
        url: str
        sealed_secret: str
        enabled: bool

        def apply(self, aggregate: NotificationChannel) -> None:
            for field in ("team_id", "name", "kind", "url", "sealed_secret", "enabled"):
                setattr(aggregate, field, getattr(self, field))
            aggregate.deleted = False

    class Revised(ModelCloudAggregate.Event):
        changes: dict[str, Any]

        def apply(self, aggregate: NotificationChannel) -> None:
            for field, value in self.changes.items():
                setattr(aggregate, field, copy.copy(value))

    class SecretRotated(ModelCloudAggregate.Event):
        sealed_secret: str

        def apply(self, aggregate: NotificationChannel) -> None:
            aggregate.sealed_secret = self.sealed_secret

    class Deleted(ModelCloudAggregate.Event):
        def apply(self, aggregate: NotificationChannel) -> None:
            aggregate.deleted = True

    team_id: uuid.UUID
    name: str
    kind: str
    url: str
    sealed_secret: str
    enabled: bool
    deleted: bool

    def __init__(self, **_: Any) -> None:
        pass

    @classmethod
    def create(cls, channel_id: uuid.UUID, cause: Cause, **fields: Any) -> NotificationChannel:
        return cls._start(cls.Created, cause, id=channel_id, kind=WEBHOOK, **fields)

    def revise(self, changes: dict[str, Any], cause: Cause) -> None:
        self._check_live()
        changed = {field: value for field, value in changes.items() if getattr(self, field) != value}
        if changed:
            self._record(self.Revised, cause, changes=changed)

    def rotate_secret(self, sealed_secret: str, cause: Cause) -> None:
        self._check_live()
        self._record(self.SecretRotated, cause, sealed_secret=sealed_secret)

    def delete(self, cause: Cause) -> None:
        self._check_live()
        self._record(self.Deleted, cause)

    def _check_live(self) -> None:
        if self.deleted:
            raise Conflict(f"Notification channel {self.name!r} was deleted.", field="id", value=str(self.id))


class WebhookDelivery(ModelCloudAggregate):
    """One notification sent to one webhook channel, with every attempt and the receiver's response."""

    class Queued(ModelCloudAggregate.Created):
        team_id: uuid.UUID
        channel_id: uuid.UUID
        alert_id: uuid.UUID
        incident: int
        event: str
        body: str
        max_attempts: int

        def apply(self, aggregate: WebhookDelivery) -> None:
            for field in ("team_id", "channel_id", "alert_id", "incident", "event", "body", "max_attempts"):
                setattr(aggregate, field, getattr(self, field))
            aggregate.attempts = 0
            aggregate.status = PENDING
            aggregate.next_attempt_at = self.timestamp

    class Attempted(ModelCloudAggregate.Event):
        attempt: int
        ok: bool
        status_code: int | None
        error: str | None
        duration_ms: float
        next_attempt_at: datetime | None

        def apply(self, aggregate: WebhookDelivery) -> None:
            aggregate.attempts = self.attempt
            aggregate.next_attempt_at = self.next_attempt_at
            if self.ok:
                aggregate.status = DELIVERED
            elif self.next_attempt_at is None:
                aggregate.status = FAILED

    team_id: uuid.UUID
    channel_id: uuid.UUID
    alert_id: uuid.UUID
    incident: int
    event: str
    body: str
    max_attempts: int
    attempts: int
    status: str
    next_attempt_at: datetime | None

    def __init__(self, **_: Any) -> None:
        pass

    @classmethod
    def queue(cls, cause: Cause, **fields: Any) -> WebhookDelivery:
        return cls._start(cls.Queued, cause, id=uuid.uuid4(), **fields)

    def record_attempt(self, cause: Cause, *, ok: bool, status_code: int | None, error: str | None, duration_ms: float,
                       retry_at: datetime | None) -> None:
        """Record one attempt, or raise Conflict if the delivery is no longer pending.

        `retry_at` is the time of the next attempt. It is ignored after a success or the last attempt.
        """
        if self.status != PENDING:
            raise Conflict(f"Delivery {self.id} is already {self.status}.", field="id", value=str(self.id))
        attempt = self.attempts + 1
        retry = None if ok or attempt >= self.max_attempts else retry_at
        self._record(self.Attempted, cause, attempt=attempt, ok=ok, status_code=status_code, error=error,
                     duration_ms=round(duration_ms, 3), next_attempt_at=retry)


def inbox_id(user_id: uuid.UUID, team_id: uuid.UUID) -> uuid.UUID:
    return uuid.uuid5(INBOX_NAMESPACE, f"{user_id}/{team_id}")


class NotificationInbox(ModelCloudAggregate):
    """Read mark of one user in a team's in-app notifications: the position of the newest notification read."""

    class Opened(ModelCloudAggregate.Created):
        user_id: uuid.UUID
        team_id: uuid.UUID

        def apply(self, aggregate: NotificationInbox) -> None:
            aggregate.user_id = self.user_id
            aggregate.team_id = self.team_id
            aggregate.read_up_to = 0

    class ReadUpTo(ModelCloudAggregate.Event):
        position: int

        def apply(self, aggregate: NotificationInbox) -> None:
            aggregate.read_up_to = self.position

    user_id: uuid.UUID
    team_id: uuid.UUID
    read_up_to: int

    def __init__(self, **_: Any) -> None:
        pass

    @classmethod
    def open(cls, user_id: uuid.UUID, team_id: uuid.UUID, cause: Cause) -> NotificationInbox:
        return cls._start(cls.Opened, cause, id=inbox_id(user_id, team_id), user_id=user_id, team_id=team_id)

    def mark_read(self, position: int, cause: Cause) -> bool:
        """Mark notifications up to `position` as read and return True, or return False if they already are."""
        if position <= self.read_up_to:
            return False
        self._record(self.ReadUpTo, cause, position=position)
        return True
