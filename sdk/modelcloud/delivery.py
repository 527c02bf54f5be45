"""Moving a run's records from memory to its buffer folder, and from there to the server.

Each run has two daemon threads. The writer drains the in-memory queue about once a second,
and at once when `max_points` points wait. It cuts metric points into batches and writes
each batch to the buffer. The sender sends the buffered files in order and deletes each one
only after the server has accepted it. A training script's `log` call therefore only
appends to a list. A record that cannot be written to the buffer (a full disk) stays in
memory and is still sent, but a crash loses it.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from modelcloud.api import ApiClient
from modelcloud.backoff import Backoff
from modelcloud.buffer import REJECTED_FOLDER, RunBuffer, read_record, record_kind
from modelcloud.errors import ApiError, ServerUnavailable
from modelcloud.points import MAX_STEP

log = logging.getLogger("modelcloud")

# The server accepts at most 10,000 points in one logMetrics call.
MAX_BATCH_POINTS = 10_000
# The server rejects GraphQL bodies over MODELCLOUD_MAX_REQUEST_BYTES, 4 MiB by default; a server
# set lower returns 413, and the batch is then split in two.
MAX_BATCH_BYTES = 4_000_000
MAX_BATCH_HISTOGRAMS = 1_000
FLUSH_INTERVAL = 1.0
# Errors that every later request of the run would get too, so sending stops until `sync`.
RUN_ERRORS = frozenset({"UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND"})
# Bytes of one point besides its name: keys, step, value and wall time as compact JSON, an upper bound.
POINT_OVERHEAD_BYTES = 100


def send_record(api: ApiClient, record: dict[str, Any]) -> dict[str, Any] | None:
    """Send one buffered record; return logMetrics' result for a metrics batch and None otherwise."""
    kind = record["kind"]
    run_id = record["runId"]
    if kind == "metrics":
        return api.log_metrics(run_id, record["batchId"], record["points"])
    if kind == "histograms":
        api.log_histograms(run_id, record["batchId"], record["step"], record["epoch"], record["histograms"])
    elif kind == "params":
        api.log_params(run_id, record["params"])
    elif kind == "finish":
        api.finish_run(run_id, record["status"], record["reason"])
    else:
        raise ValueError(f"unknown record kind {kind!r}")
    return None


@dataclass(eq=False)
class PendingRecord:
    """A record waiting to be sent: its buffer file, or only the record in memory when writing that file failed."""

    path: Path
    # Set only when the record could not be written to `path`; such a record is lost if the process crashes.
    record: dict[str, Any] | None = None

    @property
    def in_memory(self) -> bool:
        return self.record is not None

    @property
    def kind(self) -> str:
        return record_kind(self.path)

    def load(self) -> dict[str, Any]:
        return self.record if self.record is not None else read_record(self.path)


def new_batch_id() -> str:
    return uuid.uuid4().hex


class WarningLimiter:
    """Log at most `limit` warnings per `window` seconds, then log how many were left out."""

    def __init__(self, limit: int = 10, window: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self.window_start = clock()
        self.logged = 0
        self.suppressed = 0

    def warning(self, message: str, *args: Any) -> None:
        now = self.clock()
        if now - self.window_start >= self.window:
            if self.suppressed:
                log.warning("%d similar warnings were not logged in the last %.0f s", self.suppressed, self.window)
            self.window_start, self.logged, self.suppressed = now, 0, 0
        if self.logged < self.limit:
            self.logged += 1
            log.warning(message, *args)
        else:
            self.suppressed += 1


class Delivery:
    """The queue, buffer and sending of one run.

    `put_*` only appends to a list in memory under a lock. `flush` waits until every record
    is on the server or the timeout ends, and what was not sent stays in the buffer for
    `modelcloud sync`, apart from records that could not be written to it.
    """

    def __init__(
        self,
        api: ApiClient,
        buffer: RunBuffer,
        run_id: str,
        *,
        max_points: int = MAX_BATCH_POINTS,
        max_bytes: int = MAX_BATCH_BYTES,
        interval: float = FLUSH_INTERVAL,
        backoff: Backoff | None = None,
    ) -> None:
        self.api = api
        self.buffer = buffer
        self.run_id = run_id
        self.max_points = max_points
        self.max_bytes = max_bytes
        self.interval = interval
        self.backoff = backoff or Backoff()
        self.rejections = WarningLimiter()

        self._condition = threading.Condition()
        self._queue: list[tuple[str, Any]] = []
        self._queued_points = 0
        self._writing = False
        self._flush_requested = False
        self._closing = False
        self._pending: list[PendingRecord] = [PendingRecord(path) for path in buffer.records()]
        self._paused = False
        # The server's message once it reported that the run has already ended. Records are then set aside unsent.
        self._ended: str | None = None
        self._warned_ended = False
        self._warned_write = False
        self._warned_delete = False
        self._writer = threading.Thread(target=self._write_loop, name=f"modelcloud-writer-{run_id}", daemon=True)
        self._sender = threading.Thread(target=self._send_loop, name=f"modelcloud-sender-{run_id}", daemon=True)

    def start(self) -> None:
        self._writer.start()
        self._sender.start()

    @property
    def unsent_records(self) -> int:
        """The number of records not sent yet, rejected ones not counted."""
        with self._condition:
            return len(self._pending)

    @property
    def unsent_in_memory(self) -> int:
        """The number of unsent records that could not be written to the buffer, which this process's exit loses."""
        with self._condition:
            return sum(1 for entry in self._pending if entry.in_memory)

    @property
    def ended_on_server(self) -> str | None:
        """The server's message when it reported that the run has already ended, else None."""
        with self._condition:
            return self._ended

    def put_metrics(self, points: list[dict[str, Any]]) -> None:
        with self._condition:
            self._queue.append(("points", points))
            self._queued_points += len(points)
            if self._queued_points >= self.max_points:
                self._condition.notify_all()

    def put_histogram(self, entry: dict[str, Any], step: float, epoch: int | None) -> None:
        with self._condition:
            self._queue.append(("histogram", (entry, step, epoch)))

    def put_record(self, kind: str, record: dict[str, Any]) -> None:
        """Queue a params or finish record, kept in order after everything queued before it."""
        with self._condition:
            self._queue.append((kind, record))

    def flush(self, timeout: float) -> bool:
        """Wait until the server has responded to every queued record, at most `timeout` seconds; return whether it has.

        A record the server rejected for good counts as done, because it was logged as a
        warning and moved to the buffer's `rejected/` folder. So do the records of a run that
        has ended on the server. A record kept in memory because the buffer could not be
        written is not done until the server has it.
        """
        deadline = time.monotonic() + timeout
        with self._condition:
            self._flush_requested = True
            self._condition.notify_all()
            self._condition.wait_for(self._settled, timeout=max(0.0, deadline - time.monotonic()))
            return self._settled() and not self._pending and not self._paused

    def close(self, timeout: float) -> bool:
        """Flush, then stop both threads; every record not sent is on disk when this returns, unless writing it failed."""
        sent = self.flush(timeout)
        with self._condition:
            self._closing = True
            self._condition.notify_all()
        self._writer.join()
        # The sender may be inside a request; it is a daemon thread, and the server ignores a batch it already has.
        self._sender.join(timeout=1.0)
        return sent

    def _settled(self) -> bool:
        return not self._queue and not self._writing and (not self._pending or self._paused)

    def _write_loop(self) -> None:
        while True:
            with self._condition:
                self._condition.wait_for(
                    lambda: self._closing or self._flush_requested or self._queued_points >= self.max_points,
                    timeout=self.interval,
                )
                items, self._queue, self._queued_points = self._queue, [], 0
                self._flush_requested = False
                self._writing = bool(items)
                closing = self._closing
            written = self._write(items)
            with self._condition:
                self._pending.extend(written)
                self._writing = False
                self._condition.notify_all()
            if closing:
                return

    def _write(self, items: list[tuple[str, Any]]) -> list[PendingRecord]:
        """Store the queued items as records, in order, cutting points and histograms into batches."""
        written: list[PendingRecord] = []
        points: list[dict[str, Any]] = []
        histograms: list[dict[str, Any]] = []
        histogram_key: tuple[float, int | None] | None = None

        def store(kind: str, record: dict[str, Any]) -> None:
            entry = self._store(self.buffer.next_path(kind), record)
            if entry is not None:
                written.append(entry)

        def write_points() -> None:
            for batch in self._batches(points, self.max_points, _point_size):
                store("metrics", self._metrics_record(batch))
            points.clear()

        def write_histograms() -> None:
            if histogram_key is not None:
                for batch in self._batches(histograms, MAX_BATCH_HISTOGRAMS, _json_size):
                    store("histograms", self._histograms_record(batch, *histogram_key))
            histograms.clear()

        for kind, item in items:
            if kind == "points":
                points.extend(item)
                continue
            if kind == "histogram":
                entry, step, epoch = item
                if histogram_key != (step, epoch):
                    write_histograms()
                    histogram_key = (step, epoch)
                histograms.append(entry)
                continue
            write_points()
            write_histograms()
            store(kind, item)
        write_points()
        write_histograms()
        return written

    def _store(self, path: Path, record: dict[str, Any]) -> PendingRecord | None:
        """Write a record to `path`; keep it in memory when the disk fails, and return None only when JSON cannot hold it."""
        try:
            self.buffer.write_at(path, record)
        except OSError as error:
            if not self._warned_write:
                self._warned_write = True
                log.warning(
                    "writing a record of run %s to %s failed (%s); such records are kept in memory and still sent, "
                    "but a crash before they are sent loses them",
                    self.run_id, self.buffer.folder, error,
                )
            else:
                log.debug("writing record %s of run %s failed: %s", path.name, self.run_id, error)
            return PendingRecord(path, record)
        except ValueError as error:
            # A NaN that escaped the checks before the queue: the server could not read the record either.
            log.error("record %s of run %s is dropped because it cannot be encoded as JSON: %s", path.name, self.run_id, error)
            return None
        return PendingRecord(path)

    def _batches(
        self, entries: list[dict[str, Any]], max_entries: int, size_of: Callable[[dict[str, Any]], int]
    ) -> list[list[dict[str, Any]]]:
        """Cut entries into batches of at most `max_entries` entries and about `max_bytes` bytes of JSON."""
        batches: list[list[dict[str, Any]]] = []
        batch: list[dict[str, Any]] = []
        size = 0
        for entry in entries:
            entry_size = size_of(entry)
            if batch and (len(batch) >= max_entries or size + entry_size > self.max_bytes):
                batches.append(batch)
                batch, size = [], 0
            batch.append(entry)
            size += entry_size
        if batch:
            batches.append(batch)
        return batches

    def _metrics_record(self, points: list[dict[str, Any]]) -> dict[str, Any]:
        return {"kind": "metrics", "runId": self.run_id, "batchId": new_batch_id(), "points": points}

    def _histograms_record(self, histograms: list[dict[str, Any]], step: float, epoch: int | None) -> dict[str, Any]:
        return {
            "kind": "histograms", "runId": self.run_id, "batchId": new_batch_id(), "step": step, "epoch": epoch,
            "histograms": histograms,
        }

    def _send_loop(self) -> None:
        failures = 0
        while True:
            with self._condition:
                self._condition.wait_for(lambda: self._closing or (self._pending and not self._paused))
                if self._closing:
                    return
                entry = self._pending[0]
                ended = self._ended

            if ended is not None:
                self._set_aside_ended([entry])
                continue
            try:
                self._send(entry)
            except ServerUnavailable as error:
                if failures == 0:
                    log.warning(
                        "sending run %s failed, retrying with backoff: %s; unsent records wait in %s",
                        self.run_id, error, self.buffer.folder,
                    )
                delay = self.backoff.delay(failures)
                failures += 1
                with self._condition:
                    if self._condition.wait_for(lambda: self._closing, timeout=delay):
                        return
                continue
            except ApiError as error:
                self._rejected(entry, error)
                continue
            except Exception as error:
                # A damaged file or a bug here must not end the thread, or every later record would wait forever.
                log.debug("sending record %s failed", entry.path, exc_info=True)
                self._set_aside(entry, f"reading or sending it failed ({type(error).__name__}: {error})")
                continue

            if failures:
                log.info("the server accepted run %s's records again after %d failed attempts", self.run_id, failures)
                failures = 0
            self._done(entry)

    def _send(self, entry: PendingRecord) -> None:
        record = entry.load()
        if record["kind"] == "metrics":
            record = self._without_unsendable_steps(record)
            if not record["points"]:
                return
        result = send_record(self.api, record)
        if result is None:
            return
        for rejected in result.get("rejected") or []:
            self.rejections.warning(
                "the server rejected point %s of run %s (metric %r, step %s): %s",
                rejected.get("index"), self.run_id, rejected.get("name"), rejected.get("step"), rejected.get("reason"),
            )

    def _without_unsendable_steps(self, record: dict[str, Any]) -> dict[str, Any]:
        """Leave out points with a step above 2**53, because the server would reject the whole batch for them.

        GraphQL's Float cannot hold such steps exactly. `Run.log` raises for them, so only a
        buffer written by an older client has them.
        """
        sendable = []
        for point in record["points"]:
            step = point.get("step")
            if isinstance(step, (int, float)) and step > MAX_STEP:
                self.rejections.warning(
                    "a point of run %s (metric %r, step %s) was not sent because steps go up to 2**53",
                    self.run_id, point.get("name"), step,
                )
            else:
                sendable.append(point)
        return record if len(sendable) == len(record["points"]) else {**record, "points": sendable}

    def _done(self, entry: PendingRecord) -> None:
        """Take a record the server has out of the queue and delete its file."""
        if not entry.in_memory:
            try:
                self.buffer.delete(entry.path)
            except OSError as error:
                # The server has the record, and it ignores the batch id or finish when sync sends it again.
                if not self._warned_delete:
                    self._warned_delete = True
                    log.warning("deleting sent record %s of run %s failed: %s", entry.path, self.run_id, error)
        with self._condition:
            self._pending.remove(entry)
            self._condition.notify_all()

    def _rejected(self, entry: PendingRecord, error: ApiError) -> None:
        if error.code == "PAYLOAD_TOO_LARGE" and self._split(entry):
            return
        if _run_ended(error):
            with self._condition:
                self._ended = error.message
                entries = list(self._pending)
            self._set_aside_ended(entries)
            return
        if error.code in RUN_ERRORS or (error.code == "CONFLICT" and error.field == "runId"):
            with self._condition:
                first = not self._paused
                self._paused = True
                self._condition.notify_all()
            if first:
                log.warning(
                    "stopped sending run %s because the server rejected it: %s; its records stay in %s, and "
                    "`modelcloud sync` sends them once the URL or token is fixed",
                    self.run_id, error, self.buffer.folder,
                )
            return
        self._set_aside(entry, f"the server rejected it: {error}")

    def _set_aside_ended(self, entries: list[PendingRecord]) -> None:
        """Take the records of a run that has ended on the server out of the queue, unsent.

        Finish records are deleted, because the run has ended either way (also when a finish
        was sent again after its response was lost). The others are moved to `rejected/`, and
        the first time that happens one warning gives the reason.
        """
        others = [entry for entry in entries if entry.kind != "finish"]
        if others and not self._warned_ended:
            self._warned_ended = True
            log.warning(
                "the server rejected run %s because it has already ended (%s); its %d unsent records are moved to %s "
                "and not sent, and so are records logged from now on",
                self.run_id, (self._ended or "").rstrip("."), len(others), self.buffer.folder / REJECTED_FOLDER,
            )
        for entry in entries:
            if entry.kind == "finish":
                self._done(entry)
                log.info("run %s had already ended, so its finish record is dropped: %s", self.run_id, self._ended)
            else:
                self._move_to_rejected(entry)

    def _set_aside(self, entry: PendingRecord, reason: str) -> None:
        """Move a record that sending again cannot fix out of the way, so later records still go."""
        target = self._move_to_rejected(entry)
        if target is None:
            log.warning("record %s of run %s was not sent because %s, and it is lost", entry.path.name, self.run_id, reason)
        else:
            log.warning(
                "record %s of run %s was not sent because %s; it is kept as %s", entry.path.name, self.run_id, reason, target
            )

    def _move_to_rejected(self, entry: PendingRecord) -> Path | None:
        """Move a record to the `rejected` subfolder and out of the queue; return where it is kept, or None if nowhere."""
        target: Path | None
        try:
            if entry.record is not None:
                target = self.buffer.write_rejected(entry.path.name, entry.record)
            else:
                target = self.buffer.reject(entry.path)
        except (OSError, ValueError) as error:
            target = None if entry.in_memory else entry.path
            log.error("moving record %s of run %s to %s failed: %s", entry.path.name, self.run_id, REJECTED_FOLDER, error)
        with self._condition:
            self._pending.remove(entry)
            self._condition.notify_all()
        return target

    def _split(self, entry: PendingRecord) -> bool:
        """Replace a batch the server found too large by two halves with new batch ids; return False if it has one entry."""
        record = entry.load()
        field = {"metrics": "points", "histograms": "histograms"}.get(record["kind"])
        entries = record.get(field) if field else None
        if not entries or len(entries) < 2:
            return False

        half = len(entries) // 2
        halves = []
        for index, part in enumerate((entries[:half], entries[half:]), start=1):
            stored = self._store(self.buffer.part_path(entry.path, index), {**record, "batchId": new_batch_id(), field: part})
            if stored is not None:
                halves.append(stored)
        if not entry.in_memory:
            try:
                self.buffer.delete(entry.path)
            except OSError as error:
                # Sent again by sync, the whole batch would be split again; its points only repeat the halves' values.
                log.warning("deleting split batch %s of run %s failed: %s", entry.path, self.run_id, error)
        self.max_bytes = max(1024, min(self.max_bytes, _json_size(record) // 2))
        log.info("the server found batch %s of run %s too large; it was split in two", entry.path.name, self.run_id)
        with self._condition:
            position = self._pending.index(entry)
            self._pending[position : position + 1] = halves
        return True


def _run_ended(error: ApiError) -> bool:
    """Return whether the server rejected a record because the run has already ended (finished or cancelled)."""
    # The server sends CONFLICT on runId also for a run the platform trains; only the message distinguishes the two.
    return error.code == "CONFLICT" and error.field == "runId" and "has already ended" in error.message


def _point_size(point: dict[str, Any]) -> int:
    return POINT_OVERHEAD_BYTES + len(json.dumps(point["name"]))


def _json_size(entry: dict[str, Any]) -> int:
    return len(json.dumps(entry, separators=(",", ":")))
