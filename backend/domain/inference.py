"""Inference windows: one event per deployment, API process and interval, instead of one per request.

Each deployment gets one InferenceLog stream per UTC day, so no stream grows without bound and
loading one to append a window stays cheap.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from backend.domain.base import Cause, ModelCloudAggregate

INFERENCE_NAMESPACE = uuid.UUID("0b8f5a52-3c41-4f6e-9d6f-6f3f1c1d2e7a")
# Upper bounds of the latency histogram's buckets, in milliseconds; the last bucket is unbounded.
LATENCY_BUCKETS_MS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000)


def log_id(deployment_id: uuid.UUID, day: str) -> uuid.UUID:
    """Return the id of a deployment's inference log for one UTC day (YYYY-MM-DD)."""
    return uuid.uuid5(INFERENCE_NAMESPACE, f"{deployment_id}/{day}")


class InferenceLog(ModelCloudAggregate):
    class Opened(ModelCloudAggregate.Created):
        deployment_id: uuid.UUID
        team_id: uuid.UUID
        day: str

        def apply(self, aggregate: InferenceLog) -> None:
            aggregate.deployment_id = self.deployment_id
            aggregate.team_id = self.team_id
            aggregate.day = self.day
            aggregate.windows = 0

    class WindowRecorded(ModelCloudAggregate.Event):
        deployment_id: uuid.UUID
        started_at: datetime
        ended_at: datetime
        process: str
        requests: int
        rows: int
        errors: int
        client_errors: int
        latency_buckets: list[int]
        latency_sum_ms: float
        callers: dict[str, int]
        versions: dict[str, int]

        def apply(self, aggregate: InferenceLog) -> None:
            aggregate.windows += 1

    deployment_id: uuid.UUID
    team_id: uuid.UUID
    day: str
    windows: int

    def __init__(self, **_: Any) -> None:
        pass

    @classmethod
    def open(cls, deployment_id: uuid.UUID, team_id: uuid.UUID, day: str, cause: Cause) -> InferenceLog:
        return cls._start(cls.Opened, cause, id=log_id(deployment_id, day), deployment_id=deployment_id, team_id=team_id, day=day)

    def record(self, cause: Cause, **window: Any) -> None:
        self._record(self.WindowRecorded, cause, deployment_id=self.deployment_id, **window)
