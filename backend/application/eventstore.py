"""The one ordered event log of every bounded context, on SQLite or PostgreSQL."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import Notification

from backend.database import postgres_parameters, sqlite_path
from backend.trace_context import stored_traceparent

AGGREGATE_CACHE_SIZE = 10_000
SQLITE_LOCK_TIMEOUT_SECONDS = 30
# AES-GCM from the `cryptography` package, with a random 96-bit nonce for each event.
CIPHER_TOPIC = "eventsourcing.cryptography:AESCipher"


class EventStore(Application):
    """The eventsourcing application holding every aggregate; its notification log is the event log.

    With an `encryption_key`, the state of each event is encrypted before it is stored. Topics,
    originator ids and versions, and positions stay readable.
    """

    name = "ModelCloud"

    def __init__(self, database_url: str, encryption_key: bytes | None = None) -> None:
        self.database_url = database_url
        self.encrypted = encryption_key is not None
        super().__init__(env=store_environment(database_url, encryption_key))

    def read_log(self, after: int, limit: int) -> list[Notification]:
        """Return up to `limit` stored events whose position is greater than `after`, in log order."""
        return list(self.recorder.select_notifications(start=after, limit=limit, inclusive_of_start=False))

    def head(self) -> int:
        """Return the position of the newest event, or 0 for an empty log."""
        return self.recorder.max_notification_id() or 0

    def decode(self, notification: Notification) -> Any:
        return self.mapper.to_domain_event(notification)

    def creation_traceparent(self, aggregate_id: UUID) -> str:
        """Return the `traceparent` stored on an aggregate's first event, or "" when it has none or the aggregate does not exist."""
        first = next(iter(self.events.get(aggregate_id, lte=1)), None)
        return stored_traceparent(getattr(first, "traceparent", ""))


def store_environment(database_url: str, encryption_key: bytes | None = None) -> dict[str, str]:
    """Translate a MODELCLOUD_DATABASE_URL and MODELCLOUD_ENCRYPTION_KEY into the eventsourcing library's settings."""
    environment = {
        "AGGREGATE_CACHE_MAXSIZE": str(AGGREGATE_CACHE_SIZE),
        "AGGREGATE_CACHE_FASTFORWARD": "y",
        "DEEPCOPY_FROM_AGGREGATE_CACHE": "y",
        # The library merges the process environment into these settings and looks up MODELCLOUD_CIPHER_* before
        # CIPHER_*. Setting the prefixed names here leaves the key to MODELCLOUD_ENCRYPTION_KEY alone.
        "MODELCLOUD_CIPHER_TOPIC": CIPHER_TOPIC if encryption_key is not None else "",
        "MODELCLOUD_CIPHER_KEY": base64.b64encode(encryption_key).decode() if encryption_key is not None else "",
    }
    if database_url.startswith("sqlite:///"):
        path = sqlite_path(database_url)
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        environment.update(
            PERSISTENCE_MODULE="eventsourcing.sqlite",
            SQLITE_DBNAME=path,
            SQLITE_LOCK_TIMEOUT=str(SQLITE_LOCK_TIMEOUT_SECONDS),
        )
    else:
        environment.update(
            PERSISTENCE_MODULE="eventsourcing.postgres",
            POSTGRES_CONNECT_TIMEOUT="10",
            **postgres_parameters(database_url),
        )
    return environment
