"""Evaluation commands: measure a model version on a dataset version, and record the worker's report.

Before anything is recorded, `evaluate` decides which columns feed the model and in which
order, which classes its outputs are, and whether the task fits the model. A request that
cannot work is then an error naming the field, not a failed evaluation.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from backend.application.aggregates import load
from backend.application.commands import CommandRunner, Outcome
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
from backend.domain.base import Cause, InvalidInput
from backend.domain.datasets import SPLIT_COLUMN
from backend.domain.datasets import DatasetVersion
from backend.domain.evaluation import TASKS, Evaluation, check_slices, check_split, check_value_counts
from backend.domain.registry import ModelVersion, RegisteredModel
from backend.domain.training import TrainingRun
from backend.storage import ArtifactStore


def report_holder(evaluation_id: uuid.UUID) -> str:
    return f"evaluation-report:{evaluation_id}"


class EvaluationService:
    def __init__(self, runner: CommandRunner, artifacts: ArtifactStore, clock: Callable[[], datetime]) -> None:
        self.runner = runner
        self.store = runner.store
        self.artifacts = artifacts
        self.clock = clock

    def evaluate(
        self, principal: Principal, cause: Cause, *, version_id: uuid.UUID, dataset_version_id: uuid.UUID,
        split: str | None = "test", label: str | None = None, task: str | None = None,
        slices: list[dict[str, Any]] | None = None,
    ) -> tuple[uuid.UUID, Outcome]:
        """Request an evaluation of a ready model version; a worker computes the report."""
        check_split(split)
        if task is not None and task not in TASKS:
            raise InvalidInput(f"task {task!r} is invalid; expected classification or regression.", field="task", value=task)
        evaluation_id = uuid.uuid4()

        def decide() -> list[object]:
            return [
                self.build_request(principal, cause, evaluation_id, version_id=version_id, dataset_version_id=dataset_version_id,
                                   split=split, label=label, task=task, slices=slices)
            ]

        return evaluation_id, self.runner.run("evaluateModelVersion", cause, decide)

    def build_request(
        self, principal: Principal | None, cause: Cause, evaluation_id: uuid.UUID, *, version_id: uuid.UUID,
        dataset_version_id: uuid.UUID, split: str | None, label: str | None, task: str | None = None,
        slices: list[dict[str, Any]] | None = None, owner: uuid.UUID | None = None,
    ) -> Evaluation:
        """Check a request and return the new Evaluation for a command to append.

        A None principal is the platform acting for `owner`, such as an evaluation rule for its creator.
        """
        check_split(split)
        version = self._version_for(principal, version_id)
        model = load(self.store, version.model_id, RegisteredModel, "versionId", "Model")
        dataset = self._dataset_version(version, dataset_version_id)
        column_types = dataset.column_types
        chosen_label = self._label(dataset, label)
        self._check_split_rows(dataset, split)
        run = platform_training_run(self.store, version)
        features = feature_columns(version, run, column_types, chosen_label, purpose="evaluation")
        chosen_task = model_task(version, model, run, task, column_types[chosen_label])
        checked_slices = check_slices(slices or [], column_types, chosen_label)
        check_value_counts(checked_slices, self._profile(dataset))
        classes = self._classes(version, run, dataset, chosen_label) if chosen_task == "classification" else None
        return Evaluation.request(
            evaluation_id, cause=cause.for_team(str(version.team_id)), team_id=version.team_id, model_id=version.model_id,
            version_id=version.id, version_number=version.number, dataset_id=dataset.dataset_id,
            dataset_version_id=dataset.id, split=split, label=chosen_label, features=features, task=chosen_task,
            classes=classes, slices=checked_slices,
            owner=principal.user_id if principal is not None else owner,
        )

    def record_report(self, cause: Cause, *, evaluation_id: uuid.UUID, report: dict[str, Any]) -> Outcome:
        """Store the worker's report as a blob and record its digest and headline metrics."""
        encoded = json.dumps(report, sort_keys=True, separators=(",", ":"), allow_nan=False).encode()
        blob = self.artifacts.write_held(lambda: [encoded], report_holder(evaluation_id))

        def decide() -> list[object]:
            evaluation = load(self.store, evaluation_id, Evaluation, "id", "Evaluation")
            evaluation.complete(blob.sha256, int(report.get("rows", 0)), headline(report), cause.for_team(str(evaluation.team_id)))
            return [evaluation]

        return self.runner.run("recordEvaluation", cause, decide)

    def record_failure(self, cause: Cause, *, evaluation_id: uuid.UUID, reason: str) -> Outcome:
        def decide() -> list[object]:
            evaluation = load(self.store, evaluation_id, Evaluation, "id", "Evaluation")
            evaluation.fail(reason, cause.for_team(str(evaluation.team_id)))
            return [evaluation]

        return self.runner.run("recordEvaluationFailure", cause, decide)

    def report(self, sha256: str) -> dict[str, Any]:
        with self.artifacts.open(sha256) as stream:
            return json.loads(stream.read())

    def _version_for(self, principal: Principal | None, version_id: uuid.UUID) -> ModelVersion:
        return ready_model_version(
            self.store, self.artifacts, principal, version_id, action="evaluateModelVersion", purpose="evaluation"
        )

    def _dataset_version(self, version: ModelVersion, dataset_version_id: uuid.UUID) -> DatasetVersion:
        return profiled_dataset_version(self.store, version, dataset_version_id, purpose="evaluation")

    @staticmethod
    def _label(dataset: DatasetVersion, label: str | None) -> str:
        chosen = dataset.label if label is None else label
        if chosen is None:
            raise InvalidInput("The dataset version has no label column; pass label.", field="label", value=None)
        if chosen not in dataset.column_types or chosen == SPLIT_COLUMN:
            raise InvalidInput(f"The label {chosen!r} is not a column of the dataset version.", field="label", value=chosen)
        return chosen

    def _check_split_rows(self, dataset: DatasetVersion, split: str | None) -> None:
        if split is not None:
            check_split_rows(self._profile(dataset), split)

    def _classes(self, version: ModelVersion, run: TrainingRun | None, dataset: DatasetVersion, label: str) -> list[str]:
        profile = {} if run is not None and getattr(run, "classes", None) else self._profile(dataset)
        return model_classes(version, run, profile, label, advice=f"evaluate on the version whose label is {label!r}")

    def _profile(self, dataset: DatasetVersion) -> dict[str, Any]:
        return read_profile(self.artifacts, dataset)


def headline(report: dict[str, Any]) -> dict[str, float | None]:
    """Return the metrics a list of evaluations shows: accuracy, macro F1, ROC AUC and log loss, or MAE, RMSE and R²."""
    metrics = report.get("metrics") or {}
    if report.get("task") == "regression":
        return {name: metrics.get(name) for name in ("mae", "rmse", "r2")}
    return {
        "accuracy": metrics.get("accuracy"),
        "f1": (metrics.get("macro") or {}).get("f1"),
        "rocAuc": metrics.get("rocAuc"),
        "logLoss": metrics.get("logLoss"),
    }
