"""Counts prediction calls in memory and records them as one window event per deployment and interval."""

from __future__ import annotations

import bisect
import logging
import os
import socket
import threading
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from backend.application.aggregates import exists, load
from backend.application.commands import CommandRunner
from backend.application.request_log import LoggedCall, RequestLog
from backend.domain.base import SYSTEM_ACTOR, Cause, iso
from backend.domain.inference import LATENCY_BUCKETS_MS, InferenceLog, log_id

log = logging.getLogger(__name__)


@dataclass
class Window:
    team_id: uuid.UUID
    requests: int = 0
    rows: int = 0
    errors: int = 0
    client_errors: int = 0
    latency_buckets: list[int] = field(default_factory=lambda: [0] * (len(LATENCY_BUCKETS_MS) + 1))
    latency_sum_ms: float = 0.0
    callers: Counter[str] = field(default_factory=Counter)
    versions: Counter[str] = field(default_factory=Counter)


class InferenceMeter:
    """Thread-safe counters per deployment; `flush` appends what was counted since the last flush."""

    def __init__(self, runner: CommandRunner, clock: Callable[[], datetime], request_log: RequestLog | None = None) -> None:
        self.runner = runner
        self.clock = clock
        self.request_log = request_log
        self._sampled: list[LoggedCall] = []
        self.process = f"{socket.gethostname()}:{os.getpid()}"
        self._lock = threading.Lock()
        self._windows: dict[uuid.UUID, Window] = {}
        self._started_at = clock()

    def count(self, deployment_id: uuid.UUID, team_id: uuid.UUID, *, caller: str, version: int | None, rows: int,
              latency_ms: float, error: str | None = None) -> None:
        """Count one call; `error` is "client" for a rejected request and "server" for a model or serving failure."""
        with self._lock:
            window = self._windows.setdefault(deployment_id, Window(team_id=team_id))
            window.requests += 1
            window.rows += rows
            window.errors += error == "server"
            window.client_errors += error == "client"
            window.latency_buckets[bisect.bisect_left(LATENCY_BUCKETS_MS, latency_ms)] += 1
            window.latency_sum_ms += latency_ms
            window.callers[caller] += 1
            if version is not None:
                window.versions[str(version)] += 1

    def log_call(self, call: LoggedCall) -> None:
        """Keep a sampled call until the next flush writes it to the request log."""
        with self._lock:
            self._sampled.append(call)

    def flush(self) -> int:
        """Record every non-empty window as an InferenceLog.WindowRecorded event; returns how many were recorded.

        The sampled calls kept since the last flush go to the request log first.
        """
        now = self.clock()
        self.flush_sampled()
        with self._lock:
            windows, self._windows = self._windows, {}
            started, self._started_at = self._started_at, now
        recorded = 0
        for deployment_id, window in windows.items():
            try:
                self._record(deployment_id, window, started, now)
                recorded += 1
            except Exception:
                # The counts of this window are lost, but predictions go on; the next window starts empty.
                log.exception("inference window could not be recorded", extra={"deployment_id": str(deployment_id),
                                                                               "requests": window.requests})
        return recorded

    def flush_sampled(self) -> int:
        """Write the sampled calls kept since the last flush to the request log; returns how many were written.

        `modelcloud serve` calls it every few seconds, more often than `flush`, so a call reaches the
        request log soon after it is made.
        """
        with self._lock:
            sampled, self._sampled = self._sampled, []
        if not sampled or self.request_log is None:
            return 0
        try:
            self.request_log.append(sampled)
        except Exception:
            log.exception("sampled calls could not be written to the request log", extra={"calls": len(sampled)})
            return 0
        return len(sampled)

    def _record(self, deployment_id: uuid.UUID, window: Window, started: datetime, ended: datetime) -> None:
        day = iso(ended)[:10]  # type: ignore[index]
        cause = Cause.new(SYSTEM_ACTOR, str(window.team_id), at=ended)

        def decide() -> list[object]:
            stream_id = log_id(deployment_id, day)
            if exists(self.runner.store, stream_id):
                stream = load(self.runner.store, stream_id, InferenceLog, "deploymentId", "Inference log")
            else:
                stream = InferenceLog.open(deployment_id, window.team_id, day, cause)
            stream.record(
                cause, started_at=started, ended_at=ended, process=self.process, requests=window.requests, rows=window.rows,
                errors=window.errors, client_errors=window.client_errors, latency_buckets=list(window.latency_buckets),
                latency_sum_ms=round(window.latency_sum_ms, 3), callers=dict(window.callers), versions=dict(window.versions),
            )
            return [stream]

        self.runner.run("recordInferenceWindow", cause, decide)
