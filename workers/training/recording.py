"""The chief worker's reports: each epoch, checkpoint and outcome becomes a command on the run.

The worker writes the events itself, through the same training service the API uses, so a
run keeps its history when the API server restarts while Ray goes on. Every command names the
attempt. When the run has moved on (cancelled, failed, or restarted by the reconciler), the
command is rejected, and `StaleAttempt` stops this worker's training.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from pathlib import Path
from typing import Any

from backend.application.commands import CommandRunner
from backend.application.eventstore import EventStore
from backend.application.registry import RegistryService
from backend.application.training import TrainingService
from backend.domain.base import SYSTEM_ACTOR, Cause, Conflict, utc_now
from backend.domain.training import MAX_POINTS_PER_BATCH
from backend.storage import open_artifact_store
from backend.telemetry import tracer
from workers.ray_runtime import worker_encryption_key

log = logging.getLogger(__name__)

POINTS_FLUSH_SECONDS = 1.0


class StaleAttempt(Exception):
    """The run no longer accepts reports from this attempt, so its worker must stop."""


class TrainingRecorder:
    """Record a run's progress from the chief worker; implements the training loop's reporter."""

    def __init__(self, database_url: str, artifacts: str, run_id: str, attempt: int) -> None:
        self.store = EventStore(database_url, worker_encryption_key())
        self.artifacts = open_artifact_store(artifacts)
        runner = CommandRunner(self.store)
        self.training = TrainingService(runner, self.artifacts, RegistryService(runner, self.artifacts, utc_now), utc_now)
        self.run_id = uuid.UUID(run_id)
        self.attempt = attempt
        self.pending_points: list[dict[str, Any]] = []
        self.flushed_at = time.monotonic()

    def close(self) -> None:
        self.store.close()

    def started(self, summary: dict[str, Any]) -> None:
        # The chief's process and node, so an operator can find the worker of a running attempt.
        located = {**summary, "chiefPid": os.getpid(), "chiefNode": socket.gethostname()}
        self._call(self.training.record_prepared, summary=located)

    def steps(self, points: list[dict[str, Any]]) -> None:
        """Buffer step points and record them at most about once a second, so logging every step stays cheap."""
        self.pending_points.extend(points)
        if time.monotonic() - self.flushed_at >= POINTS_FLUSH_SECONDS or len(self.pending_points) >= MAX_POINTS_PER_BATCH:
            self._flush_points()

    def epoch(self, record: dict[str, Any]) -> None:
        self._flush_points()
        self._call(self.training.record_epoch, record=record)

    def checkpoint(self, epoch: int, path: str) -> None:
        blob = self._store_file(path)
        self._call(self.training.record_checkpoint, epoch=epoch, sha256=blob.sha256, size=blob.size)

    def succeeded(self, result: dict[str, Any]) -> None:
        """Store the trained model and record the run's success, which registers the model's next version."""
        self._flush_points()
        blob = self._store_file(result["modelPath"])
        self._call(self.training.succeed, result=result, sha256=blob.sha256, size=blob.size)

    def failed(self, reason: str) -> None:
        self._flush_points()
        self._call(self.training.fail, reason=reason)

    def _flush_points(self) -> None:
        while self.pending_points:
            batch, self.pending_points = self.pending_points[:MAX_POINTS_PER_BATCH], self.pending_points[MAX_POINTS_PER_BATCH:]
            self._call(self.training.record_points, points=batch)
        self.flushed_at = time.monotonic()

    def _store_file(self, path: str) -> Any:
        with tracer.start_as_current_span("store artifact") as span, Path(path).open("rb") as stream:
            blob = self.artifacts.write(stream)
            span.set_attribute("modelcloud.size", blob.size)
            return blob

    def _call(self, command: Any, **values: Any) -> None:
        cause = Cause.new(SYSTEM_ACTOR, None, at=utc_now())
        try:
            command(cause, run_id=self.run_id, attempt=self.attempt, **values)
        except Conflict as error:
            if error.field == "attempt":
                log.info("training report rejected as stale", extra={"run_id": str(self.run_id), "attempt": self.attempt})
                raise StaleAttempt(error.message) from None
            raise
