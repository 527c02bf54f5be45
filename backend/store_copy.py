"""Copy an installation's events into a new, empty database, decrypting and encrypting each event's state.

This is how encryption at rest is turned on or off and how its key changes, and it also moves an
installation between SQLite and PostgreSQL. Each event keeps its position, originator id,
originator version, topic and plaintext state, byte for byte, so no event is upcast or rewritten.
The per-user keys and the request log are copied too. Sessions are not, so users sign in again,
and read models are not, because every process rebuilds them from the events on the new database.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import struct
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from eventsourcing.persistence import Mapper, Notification
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder

from backend.application import encryption
from backend.application.encryption import COPYING, READY, record_for
from backend.application.eventstore import EventStore
from backend.application.keys import KeyStore
from backend.application.request_log import RequestLog
from backend.database import Database, open_database, redacted_url, setup_lock, sqlite_path
from backend.domain.base import utc_now

log = logging.getLogger(__name__)

BATCH_SIZE = 1000
# Tables outside the event log that the copy carries over, each with the columns of its primary key.
COPIED_TABLES: dict[str, tuple[str, ...]] = {
    "user_keys": ("user_id",),
    "request_log": ("deployment_id", "entry_id"),
}

# Called after each batch with the position of the last copied event and the position of the last one to copy.
Progress = Callable[[int, int], None]


class CopyError(Exception):
    """The copy cannot start, or its result differs from the source. The message names the next step."""


@dataclass(frozen=True)
class CopyResult:
    events: int
    last_position: int
    checksum: str  # SHA-256 over every event's position, ids, topic and plaintext state
    table_rows: dict[str, int] = field(default_factory=dict)


@dataclass
class _Checksum:
    digest: Any = field(default_factory=hashlib.sha256)
    events: int = 0

    def add(self, notification: Notification, plaintext: bytes) -> None:
        header = f"{notification.id}\n{notification.originator_id}\n{notification.originator_version}\n{notification.topic}\n"
        self.digest.update(header.encode())
        self.digest.update(struct.pack(">Q", len(plaintext)))
        self.digest.update(plaintext)
        self.events += 1


def copy_store(
    source: EventStore,
    source_database: Database,
    target_url: str,
    target_key: bytes | None,
    *,
    progress: Progress | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> CopyResult:
    """Copy every event of `source`, then the tables of COPIED_TABLES, into the empty database at `target_url`.

    The target is encrypted with `target_key`, or unencrypted when it is None. Raises CopyError when the
    target contains data, when events were appended to the source meanwhile, or when the copy does not verify.
    Until the copy verifies, the target's record marks it as being copied, so no ModelCloud process starts on it.
    """
    if _same_database(source.database_url, target_url):
        raise CopyError(f"--to names the source database {redacted_url(target_url)}. Name a new, empty database.")
    with setup_lock(target_url):
        target = EventStore(target_url, target_key)
        target_database = open_database(target_url)
    try:
        _prepare_target(target, target_database, target_key, clock)
        head = source.head()
        expected = _copy_events(source, target, head, progress)
        if source.head() != head:
            raise CopyError(
                f"Events were appended to the source while it was copied (its newest position moved from {head} to "
                f"{source.head()}). Stop every ModelCloud process and Ray job that uses it, drop the target database "
                "and run the copy again."
            )
        table_rows = {table: _copy_table(source_database, target_database, table, keys) for table, keys in COPIED_TABLES.items()}
        _verify(target, target_database, expected, table_rows)
        with target_database.transaction() as tx:
            encryption.write_record(tx, record_for(target_key, clock(), READY), replace=True)
    finally:
        target_database.close()
        target.close()
    return CopyResult(events=expected.events, last_position=head, checksum=expected.digest.hexdigest(), table_rows=table_rows)


def _same_database(first: str, second: str) -> bool:
    """Return whether two URLs name one database, also when they name it differently (a host alias, a link to the file).

    A target that is the source under another name would pass the emptiness check when the source
    is empty, and the copy would then overwrite the source's encryption record.
    """
    first_sqlite, second_sqlite = first.startswith("sqlite:///"), second.startswith("sqlite:///")
    if first_sqlite and second_sqlite:
        return _same_file(Path(sqlite_path(first)), Path(sqlite_path(second)))
    if first_sqlite or second_sqlite:
        return False
    return _same_postgres_database(first, second)


def _same_file(first: Path, second: Path) -> bool:
    if first.exists() and second.exists():
        return first.samefile(second)
    return first.resolve() == second.resolve()


def _same_postgres_database(first: str, second: str) -> bool:
    """Take a random advisory lock through `first` and try it through `second`; it is taken already only in the same database.

    Advisory locks belong to one database of one server, so this needs no privileges and detects any alias.
    """
    import psycopg

    key = secrets.randbits(63)
    first_url, second_url = (url.replace("postgres://", "postgresql://", 1) for url in (first, second))
    with psycopg.connect(first_url, autocommit=True, connect_timeout=10) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", (key,))
        try:
            with psycopg.connect(second_url, autocommit=True, connect_timeout=10) as probe:
                row = probe.execute("SELECT pg_try_advisory_lock(%s)", (key,)).fetchone()
                taken = bool(row and row[0])
                if taken:
                    probe.execute("SELECT pg_advisory_unlock(%s)", (key,))
        finally:
            holder.execute("SELECT pg_advisory_unlock(%s)", (key,))
    return not taken


def _prepare_target(target: EventStore, database: Database, key: bytes | None, clock: Callable[[], datetime]) -> None:
    """Create the target's tables, check that it is empty, and mark it as being copied."""
    location = redacted_url(target.database_url)
    with setup_lock(target.database_url):
        KeyStore(database).create_table()
        RequestLog(database).create_table()
        encryption.create_table(database)
    record = encryption.read_record(database)
    if record is not None and record.state == COPYING:
        raise CopyError(
            f"The target database at {location} is an unfinished copy: an earlier `modelcloud events copy` stopped "
            "before it verified. Drop it (or delete the SQLite file), then run the copy again into a new, empty database."
        )
    events = target.head()
    if events:
        raise CopyError(
            f"The target database at {location} already contains events (up to position {events}). Copy into a new, "
            "empty database."
        )
    for table in COPIED_TABLES:
        row = database.fetchone(f"SELECT COUNT(*) AS n FROM {table}")
        if row is not None and row["n"]:
            raise CopyError(
                f"The target database at {location} already contains {row['n']} rows in {table}. Copy into a new, empty database."
            )
    with database.transaction() as tx:
        encryption.write_record(tx, record_for(key, clock(), COPYING), replace=True)


def _copy_events(source: EventStore, target: EventStore, head: int, progress: Progress | None) -> _Checksum:
    checksum = _Checksum()
    insert = _row_inserter(target)
    for batch in _batches(source, head):
        rows = []
        for notification in batch:
            plaintext = _decrypt(source.mapper, notification.state)
            checksum.add(notification, plaintext)
            rows.append((notification, _encrypt(target.mapper, plaintext)))
        insert(rows)
        if progress is not None:
            progress(batch[-1].id, head)
    _advance_sequence(target, head)
    return checksum


def _batches(store: EventStore, head: int) -> Iterator[Sequence[Notification]]:
    after = 0
    while after < head:
        batch = store.recorder.select_notifications(start=after, stop=head, limit=BATCH_SIZE, inclusive_of_start=False)
        if not batch:
            return
        yield batch
        after = batch[-1].id


def _decrypt(mapper: Mapper[Any], state: bytes) -> bytes:
    """Return the transcoded state as the mapper stored it, before compression and encryption."""
    if mapper.cipher is not None:
        state = mapper.cipher.decrypt(state)
    if mapper.compressor is not None:
        state = mapper.compressor.decompress(state)
    return state


def _encrypt(mapper: Mapper[Any], plaintext: bytes) -> bytes:
    if mapper.compressor is not None:
        plaintext = mapper.compressor.compress(plaintext)
    if mapper.cipher is not None:
        plaintext = mapper.cipher.encrypt(plaintext)
    return plaintext


Rows = list[tuple[Notification, bytes]]


def _row_inserter(target: EventStore) -> Callable[[Rows], None]:
    """Return a function that inserts events at their own positions, which the library's recorders cannot do.

    It writes the library's own tables, named by the recorder, in the columns of eventsourcing 9.5.
    """
    recorder = target.recorder
    if isinstance(recorder, SQLiteApplicationRecorder):
        # The SQLite recorder's position is the table's rowid, stored with the originator id as 32 hex digits.
        statement = (
            f"INSERT INTO {recorder.events_table_name} (rowid, originator_id, originator_version, topic, state) "
            "VALUES (?, ?, ?, ?, ?)"
        )

        def insert_sqlite(rows: Rows) -> None:
            with recorder.datastore.transaction(commit=True) as cursor:
                cursor.executemany(
                    statement,
                    [(n.id, _uuid(n.originator_id).hex, n.originator_version, n.topic, state) for n, state in rows],
                )

        return insert_sqlite
    if isinstance(recorder, PostgresApplicationRecorder):
        from psycopg.sql import SQL, Identifier

        statement = SQL(
            "INSERT INTO {schema}.{table} (notification_id, originator_id, originator_version, topic, state) "
            "VALUES (%s, %s, %s, %s, %s)"
        ).format(schema=Identifier(recorder.datastore.schema), table=Identifier(recorder.events_table_name))

        def insert_postgres(rows: Rows) -> None:
            with recorder.datastore.transaction(commit=True) as cursor:
                cursor.executemany(
                    statement,
                    [(n.id, _uuid(n.originator_id), n.originator_version, n.topic, state) for n, state in rows],
                )

        return insert_postgres
    raise CopyError(f"Cannot copy events into a {type(recorder).__name__}. The target must be SQLite or PostgreSQL.")


def _advance_sequence(target: EventStore, head: int) -> None:
    """Make PostgreSQL number the next event after the copied ones, as SQLite's rowid does by itself."""
    recorder = target.recorder
    if not isinstance(recorder, PostgresApplicationRecorder) or head == 0:
        return
    table = f"{recorder.datastore.schema}.{recorder.events_table_name}"
    with recorder.datastore.transaction(commit=True) as cursor:
        cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'notification_id'), %s)", (table, head))


def _uuid(originator_id: uuid.UUID | str) -> uuid.UUID:
    return originator_id if isinstance(originator_id, uuid.UUID) else uuid.UUID(originator_id)


def _copy_table(source: Database, target: Database, table: str, keys: tuple[str, ...]) -> int:
    """Copy every row of `table` in primary-key order, BATCH_SIZE rows a transaction, and return how many were copied."""
    order = ", ".join(keys)
    after = f"({order}) > ({', '.join('?' for _ in keys)})"
    copied = 0
    last: tuple[Any, ...] | None = None
    while True:
        where = f"WHERE {after} " if last is not None else ""
        rows = source.fetchall(f"SELECT * FROM {table} {where}ORDER BY {order} LIMIT ?", (*(last or ()), BATCH_SIZE))
        if not rows:
            return copied
        columns = list(rows[0])
        statement = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
        with target.transaction() as tx:
            for row in rows:
                tx.execute(statement, [row[column] for column in columns])
        copied += len(rows)
        last = tuple(rows[-1][key] for key in keys)


def _verify(target: EventStore, database: Database, expected: _Checksum, table_rows: dict[str, int]) -> None:
    """Read the copy back with the target's key and compare its count and checksum with the source's."""
    found = _Checksum()
    for batch in _batches(target, target.head()):
        for notification in batch:
            found.add(notification, _decrypt(target.mapper, notification.state))
    if found.events != expected.events or found.digest.hexdigest() != expected.digest.hexdigest():
        raise CopyError(
            f"The copy does not match the source: {found.events} events with checksum {found.digest.hexdigest()[:16]} "
            f"against {expected.events} with {expected.digest.hexdigest()[:16]}. Drop the target database and run the "
            "copy again."
        )
    for table, rows in table_rows.items():
        row = database.fetchone(f"SELECT COUNT(*) AS n FROM {table}")
        stored = int(row["n"]) if row is not None else 0
        if stored != rows:
            raise CopyError(
                f"The copy of {table} has {stored} rows against {rows} read from the source. Drop the target database "
                "and run the copy again."
            )
    log.info("copy verified", extra={"events": found.events, "database": redacted_url(target.database_url)})
