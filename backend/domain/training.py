"""Training runs: a model trained on Ray from a dataset version and a configuration revision.

A run's events are its whole history: queued, started (once per attempt), the data it
prepared, every epoch with its metrics and histograms, checkpoints, restarts after a lost
worker, and how it ended. Each event from a worker carries the attempt it belongs to, so a
worker of an earlier attempt that still runs is rejected instead of mixing its epochs in.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from backend.domain.base import Cause, Conflict, InvalidInput, ModelCloudAggregate
from backend.domain.tracking import MAX_PARAMS, MAX_POINTS_PER_BATCH, check_histograms, check_params
from backend.domain.validation import check_characters, check_length, clean_text

QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED = "queued", "running", "succeeded", "failed", "cancelled"
STATUSES = (QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED)
FINISHED = (SUCCEEDED, FAILED, CANCELLED)
PLATFORM, EXTERNAL = "platform", "external"
OUTCOMES = (SUCCEEDED, FAILED, CANCELLED)
MAX_REASON = 2000
MAX_RUN_NAME = 128
MAX_GIT_COMMIT = 64
# Histograms are stored by epoch, a 32-bit integer in the read model and in GraphQL.
MAX_HISTOGRAM_STEP = 2**31 - 1


def check_run_name(name: str) -> str:
    check_characters("name", name)
    return check_length("name", name.strip(), minimum=1, maximum=MAX_RUN_NAME)


class TrainingRun(ModelCloudAggregate):
    """One training run and its attempts; the number of workers and the settings come from its configuration revision."""

    class Queued(ModelCloudAggregate.Created):
        team_id: uuid.UUID
        name: str
        source: str
        owner: uuid.UUID
        model_id: uuid.UUID
        dataset_id: uuid.UUID
        dataset_version_id: uuid.UUID
        config_profile_id: uuid.UUID
        config_revision: int
        config: dict[str, Any]
        base_version_id: uuid.UUID | None
        plan: dict[str, Any]

        def apply(self, aggregate: TrainingRun) -> None:
            aggregate.team_id = self.team_id
            aggregate.model_id = self.model_id
            aggregate.dataset_version_id = self.dataset_version_id
            aggregate.config_profile_id = self.config_profile_id
            aggregate.config_revision = self.config_revision
            aggregate.base_version_id = self.base_version_id
            aggregate.source = PLATFORM
            aggregate.config = self.config
            aggregate.plan = self.plan
            aggregate.params = {}
            aggregate.status = QUEUED
            aggregate.attempt = 0
            aggregate.cancel_requested = False
            aggregate.epochs_done = 0
            aggregate.checkpoint = None

    class Started(ModelCloudAggregate.Event):
        attempt: int
        workers: int
        resume_epoch: int

        def apply(self, aggregate: TrainingRun) -> None:
            aggregate.status = RUNNING
            aggregate.attempt = self.attempt

    class Prepared(ModelCloudAggregate.Event):
        attempt: int
        summary: dict[str, Any]

        def apply(self, aggregate: TrainingRun) -> None:
            pass

    class EpochCompleted(ModelCloudAggregate.Event):
        attempt: int
        epoch: int
        step: int
        metrics: dict[str, float]
        learning_rate: float | None
        duration_seconds: float
        eta_seconds: float | None
        histograms: list[dict[str, Any]]

        def apply(self, aggregate: TrainingRun) -> None:
            aggregate.epochs_done = self.epoch

    class MetricsLogged(ModelCloudAggregate.Event):
        attempt: int
        points: list[dict[str, Any]]
        batch_id: str | None = None

        def apply(self, aggregate: TrainingRun) -> None:
            if self.batch_id is not None:
                aggregate.batch_ids.add(self.batch_id)

    class Opened(ModelCloudAggregate.Created):
        """A run that a tracking client created for training code that runs outside the platform."""

        team_id: uuid.UUID
        name: str
        source: str
        owner: uuid.UUID
        tags: dict[str, str]
        params: dict[str, Any]
        dataset_id: uuid.UUID | None
        dataset_version_id: uuid.UUID | None
        git_commit: str | None
        git_dirty: bool | None

        def apply(self, aggregate: TrainingRun) -> None:
            aggregate.team_id = self.team_id
            aggregate.source = EXTERNAL
            aggregate.model_id = None
            aggregate.dataset_version_id = self.dataset_version_id
            aggregate.config_profile_id = None
            aggregate.config_revision = 0
            aggregate.base_version_id = None
            aggregate.config = {}
            aggregate.plan = {}
            aggregate.status = RUNNING
            aggregate.attempt = 1
            aggregate.cancel_requested = False
            aggregate.epochs_done = 0
            aggregate.checkpoint = None
            aggregate.params = dict(self.params)

    class ParamsLogged(ModelCloudAggregate.Event):
        params: dict[str, Any]

        def apply(self, aggregate: TrainingRun) -> None:
            aggregate.params.update(self.params)

    class HistogramsLogged(ModelCloudAggregate.Event):
        batch_id: str
        step: int
        epoch: int
        histograms: list[dict[str, Any]]

        def apply(self, aggregate: TrainingRun) -> None:
            aggregate.batch_ids.add(self.batch_id)

    class Finished(ModelCloudAggregate.Event):
        """An external run's end, as its client reported it."""

        status: str
        reason: str | None

        def apply(self, aggregate: TrainingRun) -> None:
            aggregate.status = self.status

    class ModelRegistered(ModelCloudAggregate.Event):
        model_id: uuid.UUID
        version_id: uuid.UUID
        number: int

        def apply(self, aggregate: TrainingRun) -> None:
            pass

    class Checkpointed(ModelCloudAggregate.Event):
        attempt: int
        epoch: int
        sha256: str
        size: int

        def apply(self, aggregate: TrainingRun) -> None:
            aggregate.checkpoint = {"epoch": self.epoch, "sha256": self.sha256}

    class Restarted(ModelCloudAggregate.Event):
        """A worker was lost; the next attempt starts again from the last checkpoint."""

        attempt: int
        reason: str
        resume_epoch: int

        def apply(self, aggregate: TrainingRun) -> None:
            aggregate.status = QUEUED

    class CancelRequested(ModelCloudAggregate.Event):
        def apply(self, aggregate: TrainingRun) -> None:
            aggregate.cancel_requested = True

    class Cancelled(ModelCloudAggregate.Event):
        def apply(self, aggregate: TrainingRun) -> None:
            aggregate.status = CANCELLED

    class Succeeded(ModelCloudAggregate.Event):
        attempt: int
        epochs: int
        stopped_early: bool
        best_epoch: int | None
        metrics: dict[str, float]
        classes: list[str] | None
        model_sha256: str
        model_size: int
        version_id: uuid.UUID | None
        version_number: int | None
        registration_error: str | None

        def apply(self, aggregate: TrainingRun) -> None:
            aggregate.status = SUCCEEDED
            aggregate.classes = self.classes

    class Failed(ModelCloudAggregate.Event):
        attempt: int
        reason: str

        def apply(self, aggregate: TrainingRun) -> None:
            aggregate.status = FAILED

    team_id: uuid.UUID
    source: str
    model_id: uuid.UUID | None
    dataset_version_id: uuid.UUID | None
    config_profile_id: uuid.UUID | None
    config_revision: int
    params: dict[str, Any]
    batch_ids: set[str]
    base_version_id: uuid.UUID | None
    config: dict[str, Any]
    plan: dict[str, Any]
    status: str
    attempt: int
    cancel_requested: bool
    epochs_done: int
    checkpoint: dict[str, Any] | None

    def __init__(self, **_: Any) -> None:
        self.batch_ids = set()

    @classmethod
    def queue(
        cls, run_id: uuid.UUID, *, team_id: uuid.UUID, name: str, owner: uuid.UUID, model_id: uuid.UUID, dataset_id: uuid.UUID,
        dataset_version_id: uuid.UUID, config_profile_id: uuid.UUID, config_revision: int, config: dict[str, Any],
        base_version_id: uuid.UUID | None, plan: dict[str, Any], cause: Cause,
    ) -> TrainingRun:
        return cls._start(
            cls.Queued, cause, id=run_id, team_id=team_id, name=check_run_name(name), source=PLATFORM, owner=owner, model_id=model_id,
            dataset_id=dataset_id, dataset_version_id=dataset_version_id, config_profile_id=config_profile_id,
            config_revision=config_revision, config=config, base_version_id=base_version_id, plan=plan,
        )

    @classmethod
    def open(
        cls, run_id: uuid.UUID, *, team_id: uuid.UUID, name: str, owner: uuid.UUID, tags: dict[str, str],
        params: dict[str, Any], dataset_id: uuid.UUID | None, dataset_version_id: uuid.UUID | None,
        git_commit: str | None, git_dirty: bool | None, cause: Cause,
    ) -> TrainingRun:
        """Open an external run, which is running from the start and ends when its client finishes it."""
        if git_commit is not None:
            check_length("gitCommit", git_commit, minimum=1, maximum=MAX_GIT_COMMIT)
        return cls._start(
            cls.Opened, cause, id=run_id, team_id=team_id, name=check_run_name(name), source=EXTERNAL, owner=owner,
            tags=tags, params=check_params(params), dataset_id=dataset_id, dataset_version_id=dataset_version_id,
            git_commit=git_commit, git_dirty=git_dirty,
        )

    def log_points(self, batch_id: str, points: list[dict[str, Any]], cause: Cause) -> bool:
        """Record a client's batch of checked points; returns False when this batch id was recorded before."""
        # A batch sent again after its response was lost is acknowledged even when the run has ended since.
        if batch_id in self.batch_ids:
            return False
        self._check_external("logMetrics")
        if points:
            self._record(self.MetricsLogged, cause, attempt=self.attempt, points=points, batch_id=batch_id)
        return True

    def log_params(self, params: dict[str, Any], cause: Cause) -> None:
        """Add parameters; a parameter keeps its first value, as in MLflow, so a different value is rejected."""
        self._check_external("logParams")
        params = check_params(params)
        # Compared as JSON, so 1, 1.0 and true are different values, as a client sent them.
        changed = {
            key: value for key, value in params.items() if key in self.params and _as_json(self.params[key]) != _as_json(value)
        }
        if changed:
            key = next(iter(changed))
            raise Conflict(
                f"Parameter {key!r} is already {self.params[key]!r}; a run's parameters cannot change, so log the new "
                "value under another name.",
                field=f"params.{key}",
                value=str(changed[key])[:200],
            )
        new = {key: value for key, value in params.items() if key not in self.params}
        if len(self.params) + len(new) > MAX_PARAMS:
            raise InvalidInput(
                f"The run has {len(self.params)} parameters, and {len(new)} more would pass the limit of {MAX_PARAMS} a run.",
                field="params",
                value=len(new),
            )
        if new:
            self._record(self.ParamsLogged, cause, params=new)

    def log_histograms(self, batch_id: str, step: int, epoch: int | None, histograms: list[dict[str, Any]], cause: Cause) -> bool:
        if batch_id in self.batch_ids:
            return False
        self._check_external("logHistograms")
        for name, number in (("step", step), ("epoch", epoch)):
            if number is not None and not 0 <= number <= MAX_HISTOGRAM_STEP:
                raise InvalidInput(f"{name} {number} is invalid: it must be from 0 to {MAX_HISTOGRAM_STEP}.", field=name,
                                   value=number)
        check_histograms(histograms)
        self._record(self.HistogramsLogged, cause, batch_id=batch_id, step=step, epoch=step if epoch is None else epoch,
                     histograms=histograms)
        return True

    def finish(self, status: str, reason: str | None, cause: Cause) -> None:
        self._check_external("finishRun")
        if status not in OUTCOMES:
            raise InvalidInput(f"status {status!r} is invalid; expected one of {', '.join(OUTCOMES)}.", field="status", value=status)
        # A reason is often an exception's text, so characters that cannot be stored are replaced, not rejected.
        if reason is not None:
            reason = clean_text(reason)[:MAX_REASON]
        self._record(self.Finished, cause, status=status, reason=reason)

    def record_registration(self, model_id: uuid.UUID, version_id: uuid.UUID, number: int, cause: Cause) -> None:
        self._record(self.ModelRegistered, cause, model_id=model_id, version_id=version_id, number=number)

    def _check_external(self, action: str) -> None:
        if self.source != EXTERNAL:
            raise Conflict(
                f"Run {self.id} is trained by the platform, which records its progress itself; {action} is for runs "
                "that createRun opened.",
                field="runId",
                value=str(self.id),
            )
        if self.finished:
            raise Conflict(f"Run {self.id} has already ended as {self.status}, so it takes no more data.", field="runId",
                           value=str(self.id))

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def max_attempts(self) -> int:
        return 1 + int(self.config.get("maxRetries", 0))

    @property
    def resume_epoch(self) -> int:
        return int(self.checkpoint["epoch"]) if self.checkpoint else 0

    def start(self, workers: int, cause: Cause) -> int:
        """Start the next attempt and return its number."""
        if self.status != QUEUED or self.cancel_requested:
            raise Conflict(f"Run {self.id} is {self.status}, so it cannot start.", field="id", value=str(self.id))
        self._record(self.Started, cause, attempt=self.attempt + 1, workers=workers, resume_epoch=self.resume_epoch)
        return self.attempt

    def prepare(self, attempt: int, summary: dict[str, Any], cause: Cause) -> None:
        self._check_attempt(attempt)
        self._record(self.Prepared, cause, attempt=attempt, summary=summary)

    def complete_epoch(self, attempt: int, record: dict[str, Any], cause: Cause) -> None:
        self._check_attempt(attempt)
        # After a restart the epochs after the checkpoint run again, and the read model keeps the newer ones.
        epoch = int(record["epoch"])
        self._record(
            self.EpochCompleted, cause, attempt=attempt, epoch=epoch, step=int(record["step"]),
            metrics={str(name): float(value) for name, value in record["metrics"].items()},
            learning_rate=_optional_float(record.get("learningRate")),
            duration_seconds=float(record["durationSeconds"]), eta_seconds=_optional_float(record.get("etaSeconds")),
            histograms=list(record.get("histograms") or []),
        )

    def log_metrics(self, attempt: int, points: list[dict[str, Any]], cause: Cause) -> None:
        self._check_attempt(attempt)
        if len(points) > MAX_POINTS_PER_BATCH:
            raise InvalidInput(
                f"A batch has {len(points)} points; at most {MAX_POINTS_PER_BATCH} are accepted.", field="points", value=len(points)
            )
        self._record(self.MetricsLogged, cause, attempt=attempt, points=points)

    def record_checkpoint(self, attempt: int, epoch: int, sha256: str, size: int, cause: Cause) -> None:
        self._check_attempt(attempt)
        self._record(self.Checkpointed, cause, attempt=attempt, epoch=epoch, sha256=sha256, size=size)

    def restart(self, reason: str, cause: Cause) -> bool:
        """Queue the next attempt after a lost worker; returns False (and fails the run) when no retries are left."""
        if self.status != RUNNING:
            return False
        reason = reason[:MAX_REASON]
        if self.attempt >= self.max_attempts:
            retries = self.max_attempts - 1
            self._record(
                self.Failed, cause, attempt=self.attempt,
                reason=f"{reason} No retries are left ({retries} allowed by maxRetries).",
            )
            return False
        self._record(self.Restarted, cause, attempt=self.attempt, reason=reason, resume_epoch=self.resume_epoch)
        return True

    def request_cancel(self, cause: Cause) -> None:
        if self.finished:
            raise Conflict(f"Run {self.id} has already ended as {self.status}; only a queued or running run can be cancelled.",
                           field="id", value=str(self.id))
        if self.cancel_requested:
            return
        self._record(self.CancelRequested, cause)
        # Nothing of the platform runs an external run's code, so cancelling it just ends it.
        if self.status == QUEUED or self.source == EXTERNAL:
            self._record(self.Cancelled, cause)

    def cancel(self, cause: Cause) -> bool:
        """Record that the workers of a run whose cancel was requested have stopped."""
        if self.finished or not self.cancel_requested:
            return False
        self._record(self.Cancelled, cause)
        return True

    def succeed(self, attempt: int, result: dict[str, Any], registration: dict[str, Any], cause: Cause) -> None:
        self._check_attempt(attempt)
        self._record(
            self.Succeeded, cause, attempt=attempt, epochs=int(result["epochs"]), stopped_early=bool(result["stoppedEarly"]),
            best_epoch=result.get("bestEpoch"), metrics={str(k): float(v) for k, v in (result.get("metrics") or {}).items()},
            classes=result.get("classes"), model_sha256=registration["sha256"], model_size=int(registration["size"]),
            version_id=registration.get("version_id"), version_number=registration.get("number"),
            registration_error=registration.get("error"),
        )

    def fail(self, attempt: int | None, reason: str, cause: Cause) -> bool:
        """Fail the run; `attempt` None fails whichever attempt is current (the reconciler's view)."""
        if self.finished:
            return False
        if attempt is not None:
            self._check_attempt(attempt)
        self._record(self.Failed, cause, attempt=self.attempt, reason=reason[:MAX_REASON])
        return True

    def _check_attempt(self, attempt: int) -> None:
        if self.status != RUNNING or attempt != self.attempt:
            raise Conflict(
                f"Run {self.id} is {self.status} at attempt {self.attempt}; a report from attempt {attempt} is stale.",
                field="attempt",
                value=attempt,
            )


def _optional_float(value: Any) -> float | None:
    return None if value is None else float(value)


def _as_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)
