"""Batch prediction commands: score a dataset version with a model version in a worker, and record its progress and result.

`start` picks the feature columns, the task and the classes as evaluation does
(`model_inputs.py`), and the names of the columns it adds, before anything is recorded, so
a request that cannot work is an error naming the field. The worker's Parquet file becomes
the next version of the scored version's dataset in the same command that completes the
batch prediction.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from backend.application.aggregates import load
from backend.application.commands import CommandRunner, Outcome
from backend.application.datasets import DatasetService
from backend.application.model_inputs import (
    check_split_rows,
    feature_columns,
    model_classes,
    model_task,
    platform_training_run,
    profiled_dataset_version,
    read_profile,
    ready_model_version,
)
from backend.domain.access import Principal
from backend.domain.base import Cause, Conflict, DomainError, InvalidInput
from backend.domain.batch_prediction import BatchPrediction, check_no_clash, check_output_prefix, output_columns
from backend.domain.datasets import Dataset, DatasetVersion
from backend.domain.evaluation import check_split
from backend.domain.registry import ModelVersion, RegisteredModel
from backend.domain.training import TrainingRun
from backend.storage import ArtifactStore

ACTION = "startBatchPrediction"
PURPOSE = "batch prediction"


class BatchPredictionService:
    def __init__(
        self, runner: CommandRunner, artifacts: ArtifactStore, datasets: DatasetService, clock: Callable[[], datetime]
    ) -> None:
        self.runner = runner
        self.store = runner.store
        self.artifacts = artifacts
        self.datasets = datasets
        self.clock = clock

    def start(
        self, principal: Principal, cause: Cause, *, model_version_id: uuid.UUID, dataset_version_id: uuid.UUID,
        split: str | None = None, output_prefix: str | None = None,
    ) -> tuple[uuid.UUID, Outcome]:
        """Request a batch prediction of a ready model version on a profiled dataset version, whose rows a worker then scores."""
        check_split(split)
        prefix = check_output_prefix(output_prefix)
        batch_prediction_id = uuid.uuid4()

        def decide() -> list[object]:
            return [self._request(principal, cause, batch_prediction_id, model_version_id, dataset_version_id, split, prefix)]

        return batch_prediction_id, self.runner.run(ACTION, cause, decide)

    def record_progress(self, cause: Cause, *, batch_prediction_id: uuid.UUID, rows_done: int, rows_total: int) -> Outcome:
        def decide() -> list[object]:
            batch = self._load(batch_prediction_id)
            recorded = batch.record_progress(rows_done, rows_total, cause.for_team(str(batch.team_id)))
            return [batch] if recorded else []

        return self.runner.run("recordBatchPredictionProgress", cause, decide)

    def record_result(self, cause: Cause, *, batch_prediction_id: uuid.UUID, result: dict[str, Any]) -> Outcome:
        """Record the worker's Parquet file as a new dataset version and complete the batch prediction, in one command.

        `result` is what the worker returned: the file's sha256 and size, its rows, columns, label
        and splits, notes for users, and the fill values it used for missing features. When the
        version cannot be recorded (the dataset was archived meanwhile), the batch prediction fails
        with the reason. A batch prediction that has already finished records nothing.
        """
        batch = self._load(batch_prediction_id)
        if not batch.active:
            self.artifacts.delete_unreferenced(result["sha256"])
            return Outcome(position=0, events=0)

        def complete(version_id: uuid.UUID, number: int, team_cause: Cause) -> list[object]:
            current = self._load(batch_prediction_id)
            if not current.complete(version_id, number, int(result["rows"]), list(result.get("notes") or []), team_cause):
                raise Conflict(f"Batch prediction {batch_prediction_id} has already {current.status}.", field="id",
                               value=str(batch_prediction_id))
            return [current]

        operation = batch.lineage_operation()
        if result.get("fitted"):
            operation["fitted"] = result["fitted"]
        try:
            added = self.datasets.record_worker_version(
                "recordBatchPrediction", cause, parent_id=batch.dataset_version_id, content=result, operation=operation,
                action=ACTION, with_version=complete,
            )
        except DomainError as error:
            if not self._load(batch_prediction_id).active:
                return Outcome(position=0, events=0)
            return self.record_failure(
                cause, batch_prediction_id=batch_prediction_id,
                reason=f"The scored rows could not be recorded as a dataset version: {error.message}",
            )
        return added.outcome

    def record_failure(self, cause: Cause, *, batch_prediction_id: uuid.UUID, reason: str) -> Outcome:
        def decide() -> list[object]:
            batch = self._load(batch_prediction_id)
            recorded = batch.fail(reason, cause.for_team(str(batch.team_id)))
            return [batch] if recorded else []

        return self.runner.run("recordBatchPredictionFailure", cause, decide)

    def _load(self, batch_prediction_id: uuid.UUID) -> BatchPrediction:
        return load(self.store, batch_prediction_id, BatchPrediction, "id", "Batch prediction")

    def _request(
        self, principal: Principal, cause: Cause, batch_prediction_id: uuid.UUID, model_version_id: uuid.UUID,
        dataset_version_id: uuid.UUID, split: str | None, prefix: str,
    ) -> BatchPrediction:
        version = ready_model_version(
            self.store, self.artifacts, principal, model_version_id, action=ACTION, purpose=PURPOSE, field="modelVersionId"
        )
        model = load(self.store, version.model_id, RegisteredModel, "modelVersionId", "Model")
        scored = profiled_dataset_version(self.store, version, dataset_version_id, purpose=PURPOSE)
        load(self.store, scored.dataset_id, Dataset, "datasetVersionId", "Dataset").check_active(ACTION)
        profile = read_profile(self.artifacts, scored)
        check_split_rows(profile, split)

        column_types = scored.column_types
        label = scored.label
        run = platform_training_run(self.store, version)
        features = feature_columns(version, run, column_types, label, purpose=PURPOSE)
        task = model_task(version, model, run, None, column_types.get(label) if label is not None else None)
        classes = self._classes(version, run, scored, profile) if task == "classification" else None
        outputs = output_columns(task, classes, prefix)
        check_no_clash(outputs, list(column_types), prefix)

        rows_total = int(profile["splits"][split]["rows"]) if split is not None else scored.rows
        return BatchPrediction.request(
            batch_prediction_id, cause=cause.for_team(str(version.team_id)), team_id=version.team_id, model_id=version.model_id,
            model_name=model.name, model_version_id=version.id, model_version_number=version.number,
            dataset_id=scored.dataset_id, dataset_version_id=scored.id, dataset_version_number=scored.number, split=split,
            label=label, features=features, task=task, classes=classes, output_prefix=prefix, output_columns=outputs,
            rows_total=rows_total, owner=principal.user_id,
        )

    @staticmethod
    def _classes(version: ModelVersion, run: TrainingRun | None, scored: DatasetVersion, profile: dict[str, Any]) -> list[str]:
        if run is not None and getattr(run, "classes", None):
            return list(run.classes)  # type: ignore[arg-type]
        if scored.label is None:
            raise InvalidInput(
                f"The classes of model version {version.number} are not known: no platform training run recorded them, and "
                f"dataset version {scored.number} has no label column whose values name them. Score a version with the "
                "label column, or a model trained on the platform.",
                field="datasetVersionId",
                value=str(scored.id),
            )
        return model_classes(
            version, run, profile, scored.label, advice="score a dataset version whose label column holds the model's classes"
        )
