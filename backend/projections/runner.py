"""Keeps every projection caught up with the event log, each at its own tracking position.

A batch of events and the tracking position it reaches commit in one transaction, and the
position only moves by compare-and-set, so each event changes a read model exactly once even
when several processes run the same projections. On PostgreSQL each projection also has a
lease (an advisory lock), so one process at a time applies it and another takes over when
that process dies.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from backend.application.eventstore import EventStore
from backend.database import Database, Transaction
from backend.leases import Leases, LocalLeases
from backend.projections.base import Change, Projection
from backend.projections.broker import CHANNEL, ChangeBroker, encode
from backend.telemetry import projection_batch_seconds, projection_lag_events, projection_position, tracer
from backend.trace_context import links_to, parent_from, single_origin, stored_traceparent

log = logging.getLogger(__name__)

BATCH_SIZE = 500
TRACKING_TABLE = "projection_tracking"
SCHEMAS_TABLE = "projection_schemas"


def schema_digest(projection: Projection) -> str:
    """Return a digest of a projection's table and index definitions; when it changes, the stored tables are stale."""
    text = "\n".join([*projection.tables.values(), *projection.indexes])
    return hashlib.sha256(text.encode()).hexdigest()


class TrackingConflict(Exception):
    """Another process advanced the projection first; this batch is dropped and re-read."""


class ProjectionRunner:
    """Applies new events to each projection; catch-up first, then whenever woken or polled."""

    def __init__(
        self,
        store: EventStore,
        database: Database,
        projections: Sequence[Projection],
        broker: ChangeBroker,
        *,
        poll_interval: float = 0.5,
        decode: Callable[[Any], Any] | None = None,
        leases: Leases | None = None,
    ) -> None:
        self.store = store
        self.database = database
        self.projections = {projection.name: projection for projection in projections}
        self.broker = broker
        self.poll_interval = poll_interval
        self.decode = decode or store.decode
        self.leases = leases or LocalLeases()
        self.owned: frozenset[str] = frozenset()
        self._claimed_once = False
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._progress = threading.Condition()
        self._thread: threading.Thread | None = None
        self._process_lock = threading.Lock()
        self.failures: dict[str, str] = {}

    # set-up

    def create_tables(self) -> None:
        """Create missing tables; a projection whose table definitions changed since they were made is rebuilt from 0.

        A projection whose stored digest matches is left alone, without DDL: on PostgreSQL,
        `CREATE INDEX IF NOT EXISTS` locks its table even when the index exists, and that lock
        would deadlock with another process applying a batch to the same table.
        """
        with self.database.transaction() as tx:
            tx.execute(
                f"CREATE TABLE IF NOT EXISTS {TRACKING_TABLE} (name TEXT PRIMARY KEY, position BIGINT NOT NULL)"
            )
            tx.execute(f"CREATE TABLE IF NOT EXISTS {SCHEMAS_TABLE} (name TEXT PRIMARY KEY, digest TEXT NOT NULL)")
            current = {
                row["name"]: row["digest"]
                for row in tx.fetchall(
                    f"SELECT s.name, s.digest FROM {SCHEMAS_TABLE} s JOIN {TRACKING_TABLE} t ON t.name = s.name"
                )
            }
            for projection in self.projections.values():
                digest = schema_digest(projection)
                if current.get(projection.name) == digest:
                    continue
                stored = tx.fetchone(f"SELECT digest FROM {SCHEMAS_TABLE} WHERE name = ?", (projection.name,))
                if stored is not None and stored["digest"] != digest:
                    log.info("projection tables changed; rebuilding from position 0", extra={"projection": projection.name})
                    self._drop_projection(tx, projection)
                self._create_projection_tables(tx, projection)
                tx.execute(
                    f"INSERT INTO {SCHEMAS_TABLE} (name, digest) VALUES (?, ?) "
                    "ON CONFLICT (name) DO UPDATE SET digest = excluded.digest",
                    (projection.name, digest),
                )

    @staticmethod
    def _create_projection_tables(tx: Transaction, projection: Projection) -> None:
        for statement in projection.tables.values():
            tx.execute(statement)
        for statement in projection.indexes:
            tx.execute(statement)
        tx.execute(
            f"INSERT INTO {TRACKING_TABLE} (name, position) VALUES (?, 0) ON CONFLICT (name) DO NOTHING",
            (projection.name,),
        )

    @staticmethod
    def _drop_projection(tx: Transaction, projection: Projection) -> None:
        for table in projection.tables:
            tx.execute(f"DROP TABLE IF EXISTS {table}")
        tx.execute(f"DELETE FROM {TRACKING_TABLE} WHERE name = ?", (projection.name,))

    # reading state

    def positions(self) -> dict[str, int]:
        rows = self.database.fetchall(f"SELECT name, position FROM {TRACKING_TABLE}")
        known = {row["name"]: int(row["position"]) for row in rows}
        return {name: known.get(name, 0) for name in self.projections}

    def lag(self) -> dict[str, int]:
        head = self.store.head()
        lags = {name: max(0, head - position) for name, position in self.positions().items()}
        for name, lag in lags.items():
            projection_lag_events.labels(name).set(lag)
        return lags

    def wait_for(self, position: int, timeout: float = 10.0, names: Sequence[str] | None = None) -> bool:
        """Block until every projection (or each of `names`) has applied the event at `position`; False on timeout.

        The projections may be applied by another process; this one only reads their positions.
        """
        deadline = time.monotonic() + timeout
        self.wake()
        while True:
            positions = self.positions()
            watched = [positions[name] for name in (names or positions)]
            if min(watched, default=position) >= position:
                return True
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            with self._progress:
                self._progress.wait(min(remaining, 0.05))

    # processing

    def wake(self) -> None:
        self._wake.set()

    def catch_up(self) -> int:
        """Apply every event in the log to every projection; return how many batches were committed."""
        with self._process_lock:
            batches = 0
            while True:
                committed = self._process_once()
                batches += committed
                if not committed:
                    return batches

    def _process_once(self) -> int:
        self._claim_leases()
        if not self.owned:
            return 0
        positions = {name: position for name, position in self.positions().items() if name in self.owned}
        start = min(positions.values(), default=0)
        notifications = self.store.read_log(after=start, limit=BATCH_SIZE)
        if not notifications:
            return 0
        decoded = [(notification.id, self.decode(notification)) for notification in notifications]
        committed = 0
        for name in positions:
            projection = self.projections[name]
            pending = [(position, event) for position, event in decoded if position > positions[name]]
            if not pending:
                continue
            try:
                self._apply_batch(projection, positions[name], pending)
            except TrackingConflict:
                log.info("projection was advanced by another process", extra={"projection": name})
            except Exception as error:  # noqa: BLE001  (one failing projection must not stop the others)
                self._record_failure(name, pending[0][0], error)
                continue
            self.failures.pop(name, None)
            committed += 1
        with self._progress:
            self._progress.notify_all()
        return committed

    def _apply_batch(self, projection: Projection, expected: int, batch: list[tuple[int, Any]]) -> None:
        last = batch[-1][0]
        started = time.perf_counter()
        origins = [stored_traceparent(getattr(event, "traceparent", "")) for _, event in batch]
        # The batch links to every command span whose events it applies. When there is only one,
        # the batch is also that span's child, so it shows in the command's own trace.
        parent = parent_from(single_origin(origins))
        with tracer.start_as_current_span(f"projection {projection.name}", context=parent, links=links_to(origins)) as span:
            span.set_attribute("modelcloud.projection", projection.name)
            span.set_attribute("modelcloud.events", len(batch))
            correlation_ids = sorted({getattr(event, "correlation_id", "") for _, event in batch} - {""})
            span.set_attribute("modelcloud.correlation_ids", correlation_ids[:20])
            changes: list[Change] = []
            with self.database.transaction() as tx:
                # Claim the batch first: the row lock (PostgreSQL) or write lock (SQLite) makes a
                # concurrent runner see the new position and skip, instead of applying twice.
                moved = tx.execute(
                    f"UPDATE {TRACKING_TABLE} SET position = ? WHERE name = ? AND position = ?",
                    (last, projection.name, expected),
                )
                if moved != 1:
                    raise TrackingConflict(projection.name)
                for (position, event), origin in zip(batch, origins):
                    changes.extend(_traced(projection.apply(tx, event, position), origin))
                if self.database.dialect == "postgres":
                    self._notify(tx, projection, changes)
            if self.database.dialect != "postgres" and changes:
                self.broker.publish(changes)
        projection_position.labels(projection.name).set(last)
        projection_batch_seconds.labels(projection.name).observe(time.perf_counter() - started)

    @staticmethod
    def _notify(tx: Transaction, projection: Projection, changes: list[Change]) -> None:
        """Send each change with NOTIFY. A change over the payload limit is logged and not sent, because a failed NOTIFY would stop the projection."""
        for change in changes:
            payload = encode(change)
            if payload is None:
                log.error(
                    "change exceeds the NOTIFY payload limit; it was not sent to subscribers",
                    extra={"projection": projection.name, "topic": change.topic, "keys": sorted(change.keys)},
                )
                continue
            tx.execute("SELECT pg_notify(?, ?)", (CHANNEL, payload))

    def _claim_leases(self) -> None:
        leases = self.leases.claim(f"projection:{name}" for name in self.projections)
        owned = frozenset(name for name in self.projections if f"projection:{name}" in leases)
        if self._claimed_once and owned - self.owned:
            log.info("took over projections whose lease became free", extra={"projections": sorted(owned - self.owned)})
        self._claimed_once = True
        self.owned = owned

    def _record_failure(self, name: str, position: int, error: Exception) -> None:
        if name not in self.failures:
            log.error(
                "projection failed to apply a batch; it retries and the others go on",
                exc_info=error,
                extra={"projection": name, "position": position},
            )
        self.failures[name] = f"{type(error).__name__} at or after position {position}: {error}"

    # lifecycle

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run_forever, name="projection-runner", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        self.leases.release_all()
        self.owned = frozenset()

    def _run_forever(self) -> None:
        while not self._stop.is_set():
            try:
                self.catch_up()
                self.lag()
            except Exception:
                log.exception("projection runner could not read the event log; retrying")
                self._stop.wait(1.0)
            # A failing projection is retried on the next poll, not in a tight loop.
            self._wake.wait(self.poll_interval)
            self._wake.clear()

    def rebuild(self, names: Sequence[str] | None = None, *, timeout: float = 3600.0) -> bool:
        """Drop the named projections' tables (all when None), rewind them to position 0 and replay the log.

        This process replays the projections whose lease it can take. A running process that
        holds the others replays them, and this call waits for it. Returns False when they have
        not reached the log's head within `timeout` seconds.
        """
        chosen = list(names) if names else list(self.projections)
        unknown = [name for name in chosen if name not in self.projections]
        if unknown:
            raise KeyError(f"Unknown projection {', '.join(unknown)}; known: {', '.join(self.projections)}.")
        with self._process_lock:
            with self.database.transaction() as tx:
                for name in chosen:
                    projection = self.projections[name]
                    self._drop_projection(tx, projection)
                    self._create_projection_tables(tx, projection)
                if self.database.dialect == "postgres":
                    # Every process's listener wakes its projections on the event store's channel, as after an
                    # append, so the process that holds a lease replays now rather than at its next poll.
                    tx.execute("SELECT pg_notify(?, '')", (self.store.recorder.channel_name,))
        log.info("projections rewound to position 0", extra={"projections": chosen})
        head = self.store.head()
        self.catch_up()
        elsewhere = [name for name in chosen if name not in self.owned]
        if elsewhere:
            log.info("waiting for the leaseholder to replay these projections", extra={"projections": elsewhere})
        return self.wait_for(head, timeout=timeout, names=elsewhere) if elsewhere else True


def _traced(changes: list[Change], traceparent: str) -> list[Change]:
    """Give each change the `traceparent` of the event that caused it, so its push to subscribers can link to that command."""
    if not traceparent:
        return changes
    return [replace(change, traceparent=traceparent) for change in changes]
