"""Signal measurements that the monitoring process records for a deployment at each interval with traffic.

Each deployment gets one SignalLog stream per UTC day, like its inference log, so a stream stays
short. A measurement contains the deployment's signals over the interval and the drift of each
input feature. The drift series of deploymentHealth, the monitoring wall and the Prometheus drift
gauges are read from these measurements.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from backend.domain.base import Cause, ModelCloudAggregate

SIGNAL_LOG_NAMESPACE = uuid.UUID("3f1b2c7d-9a84-4e06-8d5f-0c6e7a2b9f41")


def signal_log_id(deployment_id: uuid.UUID, day: str) -> uuid.UUID:
    """Return the id of a deployment's signal log for one UTC day (YYYY-MM-DD)."""
    return uuid.uuid5(SIGNAL_LOG_NAMESPACE, f"{deployment_id}/{day}")


class SignalLog(ModelCloudAggregate):
    class Opened(ModelCloudAggregate.Created):
        deployment_id: uuid.UUID
        team_id: uuid.UUID
        day: str

        def apply(self, aggregate: SignalLog) -> None:
            aggregate.deployment_id = self.deployment_id
            aggregate.team_id = self.team_id
            aggregate.day = self.day
            aggregate.through_position = 0

    class Measured(ModelCloudAggregate.Event):
        deployment_id: uuid.UUID
        started_at: datetime
        ended_at: datetime
        # Signal name -> value, None where the interval had no data for it.
        values: dict[str, float | None]
        # Feature name -> {"psi", "ks", "rows", "missing"}.
        features: dict[str, dict[str, Any]]
        version: int | None
        # The log position of the newest inference window measured, so late windows are measured in the next interval.
        through_position: int = 0

        def apply(self, aggregate: SignalLog) -> None:
            aggregate.through_position = max(aggregate.through_position, self.through_position)

    deployment_id: uuid.UUID
    team_id: uuid.UUID
    day: str
    through_position: int

    def __init__(self, **_: Any) -> None:
        pass

    @classmethod
    def open(cls, deployment_id: uuid.UUID, team_id: uuid.UUID, day: str, cause: Cause) -> SignalLog:
        return cls._start(cls.Opened, cause, id=signal_log_id(deployment_id, day), deployment_id=deployment_id,
                          team_id=team_id, day=day)

    def measure(self, cause: Cause, *, started_at: datetime, ended_at: datetime, values: dict[str, float | None],
                features: dict[str, dict[str, Any]], version: int | None, through_position: int) -> bool:
        """Record a measurement of the inference windows up to `through_position` and return True.

        Return False without recording when this stream already measured windows that far.
        """
        if through_position <= self.through_position:
            return False
        self._record(self.Measured, cause, deployment_id=self.deployment_id, started_at=started_at, ended_at=ended_at,
                     values=values, features=features, version=version, through_position=through_position)
        return True
