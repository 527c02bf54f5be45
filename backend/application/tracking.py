"""Tracking commands: runs that users' own training code opens, logs to and finishes through a client.

Batches of points and histograms carry a client-made batch id. A batch id the run has
recorded before is acknowledged without recording anything, so a client that retries after
a lost response stores each batch once.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from backend.application.aggregates import load
from backend.application.commands import CommandRunner, Outcome
from backend.application.registry import AddedVersion, RegistryService
from backend.application.teams import team_with_role
from backend.application.training import TrainingService
from backend.domain.access import Principal
from backend.domain.base import Cause, NotFound
from backend.domain.datasets import DatasetVersion
from backend.domain.identity import EDITOR
from backend.domain.registry import RegisteredModel, check_tags
from backend.domain.tracking import CheckedBatch, check_batch_id, check_points
from backend.domain.training import TrainingRun

# Many processes may log to one run at once (each data-parallel worker, say), so a batch retries
# as often as an upload does before it reports a conflict.
TRACKING_ATTEMPTS = 60


@dataclass(frozen=True)
class LoggedBatch:
    """The outcome of a batch: how many points were recorded, each rejected point, and whether it was a repeat."""

    accepted: int
    already_stored: bool
    rejected: list[dict[str, Any]] = field(default_factory=list)
    outcome: Outcome = Outcome(0, 0)


class TrackingService:
    def __init__(
        self, runner: CommandRunner, training: TrainingService, registry: RegistryService, clock: Callable[[], datetime]
    ) -> None:
        self.runner = runner
        self.store = runner.store
        self.training = training
        self.registry = registry
        self.clock = clock

    def create_run(
        self, principal: Principal, cause: Cause, *, team_id: uuid.UUID, name: str, tags: dict[str, str] | None = None,
        params: dict[str, Any] | None = None, dataset_version_id: uuid.UUID | None = None, git_commit: str | None = None,
        git_dirty: bool | None = None,
    ) -> tuple[uuid.UUID, Outcome]:
        """Open an external run in the team; it is running until its client finishes it."""
        run_id = uuid.uuid4()
        team_cause = cause.for_team(str(team_id))
        checked_tags = check_tags(tags or {})

        def decide() -> list[object]:
            team_with_role(self.store, principal, team_id, EDITOR, "createRun")
            dataset_id = None
            if dataset_version_id is not None:
                version = load(self.store, dataset_version_id, DatasetVersion, "datasetVersionId", "Dataset version")
                if version.team_id != team_id:
                    raise NotFound(f"Dataset version {dataset_version_id} was not found in this team.",
                                   field="datasetVersionId", value=str(dataset_version_id))
                dataset_id = version.dataset_id
            run = TrainingRun.open(
                run_id, team_id=team_id, name=name, owner=principal.user_id, tags=checked_tags, params=params or {},
                dataset_id=dataset_id, dataset_version_id=dataset_version_id, git_commit=git_commit, git_dirty=git_dirty,
                cause=team_cause,
            )
            return [run]

        return run_id, self.runner.run("createRun", cause, decide)

    def log_metrics(
        self, principal: Principal, cause: Cause, *, run_id: uuid.UUID, batch_id: str, points: list[dict[str, Any]]
    ) -> LoggedBatch:
        """Record a batch of points; each bad point is rejected with its reason and the others are kept."""
        check_batch_id(batch_id)
        checked: CheckedBatch = check_points(points, self.clock())
        recorded: dict[str, bool] = {}

        def decide() -> list[object]:
            run = self.training.run_for(principal, run_id, EDITOR, "logMetrics", "runId")
            recorded["new"] = run.log_points(batch_id, checked.accepted, cause.for_team(str(run.team_id)))
            return [run]

        outcome = self.runner.run("logMetrics", cause, decide, attempts=TRACKING_ATTEMPTS)
        if not recorded["new"]:
            return LoggedBatch(accepted=0, already_stored=True, outcome=outcome)
        return LoggedBatch(accepted=len(checked.accepted), already_stored=False, rejected=checked.rejected, outcome=outcome)

    def log_params(self, principal: Principal, cause: Cause, *, run_id: uuid.UUID, params: dict[str, Any]) -> Outcome:
        def decide() -> list[object]:
            run = self.training.run_for(principal, run_id, EDITOR, "logParams", "runId")
            run.log_params(params, cause.for_team(str(run.team_id)))
            return [run]

        return self.runner.run("logParams", cause, decide, attempts=TRACKING_ATTEMPTS)

    def log_histograms(
        self, principal: Principal, cause: Cause, *, run_id: uuid.UUID, batch_id: str, step: int, epoch: int | None,
        histograms: list[dict[str, Any]],
    ) -> Outcome:
        check_batch_id(batch_id)

        def decide() -> list[object]:
            run = self.training.run_for(principal, run_id, EDITOR, "logHistograms", "runId")
            run.log_histograms(batch_id, step, epoch, histograms, cause.for_team(str(run.team_id)))
            return [run]

        return self.runner.run("logHistograms", cause, decide, attempts=TRACKING_ATTEMPTS)

    def finish_run(
        self, principal: Principal, cause: Cause, *, run_id: uuid.UUID, status: str, reason: str | None = None
    ) -> Outcome:
        def decide() -> list[object]:
            run = self.training.run_for(principal, run_id, EDITOR, "finishRun", "runId")
            run.finish(status, reason, cause.for_team(str(run.team_id)))
            return [run]

        return self.runner.run("finishRun", cause, decide, attempts=TRACKING_ATTEMPTS)

    def register_model(
        self, principal: Principal, cause: Cause, *, run_id: uuid.UUID, model_id: uuid.UUID, upload_id: uuid.UUID
    ) -> AddedVersion:
        """Make an uploaded model file the model's next version, with the run (and its dataset version) as lineage."""
        run = self.training.run_for(principal, run_id, EDITOR, "registerRunModel", "runId")
        model = load(self.store, model_id, RegisteredModel, "modelId", "Model")
        if model.team_id != run.team_id:
            # Another team's model looks exactly like a missing one.
            raise NotFound(f"Model {model_id} was not found in the run's team.", field="modelId", value=str(model_id))
        lineage = {"trainingRun": str(run_id)}
        if run.dataset_version_id is not None:
            lineage["datasetVersion"] = str(run.dataset_version_id)
        added = self.registry.upload_version(principal, cause, model_id=model_id, upload_id=upload_id, lineage=lineage)

        def decide() -> list[object]:
            current = self.training.get(run_id)
            current.record_registration(model_id, added.version_id, added.number, cause.for_team(str(current.team_id)))
            return [current]

        self.runner.run("registerRunModel", cause, decide, attempts=TRACKING_ATTEMPTS)
        return added
