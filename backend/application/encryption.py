"""Encryption at rest of the event store: chosen when an installation is created, checked at every start.

The first process to open a database records whether its events are encrypted and the key's
fingerprint, never the key. Every later start compares MODELCLOUD_ENCRYPTION_KEY with that record
and reads the first and newest events, so a missing, added or wrong key stops start-up before
anything is written. Turning encryption on or off, or changing the key, means copying the events
into a new database with `modelcloud events copy`.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from eventsourcing.persistence import MapperDeserialisationError, Notification

from backend.application.eventstore import EventStore
from backend.database import Database, Transaction, redacted_url
from backend.domain.base import iso

log = logging.getLogger(__name__)

TABLE = "event_store_encryption"
# The state of a database that `modelcloud events copy` is still filling, so no process starts on it.
COPYING = "copying"
READY = "ready"
FINGERPRINT_BYTES = 8
COPY_HINT = "`modelcloud events copy --to NEW_DATABASE_URL --to-key-env NEW_KEY_VARIABLE` (see docs/operations.md)"


class EncryptionMismatch(Exception):
    """MODELCLOUD_ENCRYPTION_KEY does not fit the event store it would open."""


@dataclass(frozen=True)
class EncryptionRecord:
    """Whether a database's events are encrypted, and with which key, as recorded when it was created."""

    encrypted: bool
    key_fingerprint: str  # empty when not encrypted
    recorded_at: str
    state: str = READY


def key_fingerprint(key: bytes) -> str:
    """Return the first 8 bytes of the key's SHA-256 in hex, which names a key without revealing it.

    The shell gives the same value: `printf %s "$KEY" | base64 -d | sha256sum | cut -c1-16`.
    """
    return hashlib.sha256(key).hexdigest()[: FINGERPRINT_BYTES * 2]


def record_for(key: bytes | None, at: datetime, state: str = READY) -> EncryptionRecord:
    return EncryptionRecord(key is not None, key_fingerprint(key) if key is not None else "", iso(at), state)


def create_table(database: Database) -> None:
    database.execute(
        f"CREATE TABLE IF NOT EXISTS {TABLE} (singleton INTEGER PRIMARY KEY CHECK (singleton = 1), "
        "encrypted INTEGER NOT NULL, key_fingerprint TEXT NOT NULL, recorded_at TEXT NOT NULL, state TEXT NOT NULL)"
    )


def read_record(database: Database) -> EncryptionRecord | None:
    row = database.fetchone(f"SELECT encrypted, key_fingerprint, recorded_at, state FROM {TABLE} WHERE singleton = 1")
    if row is None:
        return None
    return EncryptionRecord(bool(row["encrypted"]), row["key_fingerprint"], row["recorded_at"], row["state"])


def write_record(tx: Transaction, record: EncryptionRecord, *, replace: bool) -> None:
    """Insert the record, overwriting the stored one with `replace` and keeping it without."""
    conflict = (
        "DO UPDATE SET encrypted = excluded.encrypted, key_fingerprint = excluded.key_fingerprint, "
        "recorded_at = excluded.recorded_at, state = excluded.state"
        if replace
        else "DO NOTHING"
    )
    tx.execute(
        f"INSERT INTO {TABLE} (singleton, encrypted, key_fingerprint, recorded_at, state) VALUES (1, ?, ?, ?, ?) "
        f"ON CONFLICT (singleton) {conflict}",
        (int(record.encrypted), record.key_fingerprint, record.recorded_at, record.state),
    )


def check_encryption(
    store: EventStore, database: Database, key: bytes | None, clock: Callable[[], datetime]
) -> EncryptionRecord:
    """Record the store's encryption on first start, or check `key` against the record.

    Raises EncryptionMismatch when they differ. Call it with the setup lock held, so that two
    processes starting on a new database record once.
    """
    location = redacted_url(store.database_url)
    create_table(database)
    if read_record(database) is None:
        with database.transaction() as tx:
            write_record(tx, _first_record(store, key, clock()), replace=False)
    record = read_record(database)
    assert record is not None, f"{TABLE} lost its row"

    if record.state == COPYING:
        raise EncryptionMismatch(
            f"The database at {location} is an unfinished copy: `modelcloud events copy` stopped before it verified "
            "the copy. Drop that database (or delete the SQLite file) and run the copy again."
        )
    if key is not None and not record.encrypted:
        raise EncryptionMismatch(
            f"MODELCLOUD_ENCRYPTION_KEY is set, but the event store at {location} was created unencrypted on "
            f"{record.recorded_at}. Unset it to use the store as it is. To encrypt the events, unset it and copy them "
            f"into a new database with {COPY_HINT}."
        )
    if key is None and record.encrypted:
        raise EncryptionMismatch(
            f"The event store at {location} is encrypted with the key of fingerprint {record.key_fingerprint}, but "
            "MODELCLOUD_ENCRYPTION_KEY is not set. Set it to that key."
        )
    if key is not None and key_fingerprint(key) != record.key_fingerprint:
        raise EncryptionMismatch(
            f"MODELCLOUD_ENCRYPTION_KEY has fingerprint {key_fingerprint(key)}, but the event store at {location} is "
            f"encrypted with the key of fingerprint {record.key_fingerprint}. Set that key. To change the key, copy the "
            f"events into a new database with {COPY_HINT}."
        )
    check_readable(store)
    log.debug(
        "event store opened",
        extra={"database": location, "encrypted": record.encrypted, "key_fingerprint": record.key_fingerprint},
    )
    return record


def check_readable(store: EventStore) -> None:
    """Decode the first and the newest event, so a store written with another key stops start-up instead of a projection."""
    head = store.head()
    if head == 0:
        return
    samples = [*store.read_log(after=0, limit=1), *store.recorder.select_notifications(start=head, limit=1)]
    for notification in samples:
        try:
            store.decode(notification)
        except MapperDeserialisationError as error:
            raise EncryptionMismatch(
                f"The event at position {notification.id} of the store at {redacted_url(store.database_url)} cannot be "
                f"read with the configured MODELCLOUD_ENCRYPTION_KEY: {_cause(error)}"
            ) from None


def _first_record(store: EventStore, key: bytes | None, now: datetime) -> EncryptionRecord:
    """Return the record for a database that has none: a new one, or one whose events predate the record."""
    first = store.read_log(after=0, limit=1)
    if not first:
        return record_for(key, now)
    # Before the record existed, events were stored as plain JSON, unless the library's CIPHER_KEY was set.
    if _is_plaintext(first[0]):
        return record_for(None, now)
    if key is not None:
        # Recorded only once the key reads them, so a wrong key cannot become the recorded one.
        check_readable(store)
        return record_for(key, now)
    raise EncryptionMismatch(
        f"The event store at {redacted_url(store.database_url)} contains encrypted events, but MODELCLOUD_ENCRYPTION_KEY "
        "is not set. Set it to the key the events were written with."
    )


def _is_plaintext(notification: Notification) -> bool:
    try:
        return isinstance(json.loads(notification.state), dict)
    except ValueError:
        return False


def _cause(error: BaseException) -> str:
    cause = error.__cause__ or error
    return str(cause) or type(cause).__name__
