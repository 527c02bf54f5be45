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
from backend.application.serving_signatures import check_serving_signature
from backend.application.teams import team_with_role
from backend.domain.access import Principal
from backend.domain.base import Cause, InvalidInput, NotFound
from backend.domain.datasets import READY as DATASET_READY
from backend.domain.datasets import SPLIT_COLUMN
from backend.domain.datasets import DatasetVersion
from backend.domain.evaluation import TASKS, Evaluation, check_slices, check_split
from backend.domain.identity import EDITOR
from backend.domain.registry import READY as MODEL_READY
from backend.domain.registry import ModelVersion, RegisteredModel
from backend.domain.training import TrainingRun
from backend.domain.training_data import TABULAR_TYPES
from backend.storage import ArtifactStore

MAX_SHOWN = 10


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
        run = self._training_run(version)
        features = self._features(version, run, column_types, chosen_label)
        chosen_task = self._task(version, model, run, task, column_types[chosen_label])
        classes = self._classes(version, run, dataset, chosen_label) if chosen_task == "classification" else None
        return Evaluation.request(
            evaluation_id, cause=cause.for_team(str(version.team_id)), team_id=version.team_id, model_id=version.model_id,
            version_id=version.id, version_number=version.number, dataset_id=dataset.dataset_id,
            dataset_version_id=dataset.id, split=split, label=chosen_label, features=features, task=chosen_task,
            classes=classes, slices=check_slices(slices or [], column_types, chosen_label),
            owner=principal.user_id if principal is not None else owner,
        )

    def record_report(self, cause: Cause, *, evaluation_id: uuid.UUID, report: dict[str, Any]) -> Outcome:
        """Store the worker's report as a blob and record its digest and headline metrics."""
        encoded = json.dumps(report, sort_keys=True, separators=(",", ":"), allow_nan=False).encode()
        blob = self.artifacts.write([encoded])
        self.artifacts.add_reference(blob.sha256, report_holder(evaluation_id))

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
        version = load(self.store, version_id, ModelVersion, "versionId", "Model version")
        try:
            if principal is not None:
                team_with_role(self.store, principal, version.team_id, EDITOR, "evaluateModelVersion")
        except NotFound:
            raise NotFound(f"Model version {version_id} was not found.", field="versionId", value=str(version_id)) from None
        if version.status != MODEL_READY:
            raise InvalidInput(
                f"Model version {version.number} is {version.status}; evaluation needs a ready version.",
                field="versionId",
                value=str(version_id),
            )
        if version.format == "savedmodel":
            check_serving_signature(self.store, self.artifacts, version)
        return version

    def _dataset_version(self, version: ModelVersion, dataset_version_id: uuid.UUID) -> DatasetVersion:
        dataset = load(self.store, dataset_version_id, DatasetVersion, "datasetVersionId", "Dataset version")
        if dataset.team_id != version.team_id:
            raise NotFound(f"Dataset version {dataset_version_id} was not found in the model's team.",
                           field="datasetVersionId", value=str(dataset_version_id))
        if dataset.status != DATASET_READY:
            raise InvalidInput(f"Dataset version {dataset.number} is {dataset.status}; evaluation needs a profiled version.",
                               field="datasetVersionId", value=str(dataset_version_id))
        return dataset

    @staticmethod
    def _label(dataset: DatasetVersion, label: str | None) -> str:
        chosen = dataset.label if label is None else label
        if chosen is None:
            raise InvalidInput("The dataset version has no label column; pass label.", field="label", value=None)
        if chosen not in dataset.column_types or chosen == SPLIT_COLUMN:
            raise InvalidInput(f"The label {chosen!r} is not a column of the dataset version.", field="label", value=chosen)
        return chosen

    def _check_split_rows(self, dataset: DatasetVersion, split: str | None) -> None:
        if split is None:
            return
        splits = (self._profile(dataset).get("splits") or {})
        if not int((splits.get(split) or {}).get("rows", 0)):
            raise InvalidInput(
                f"The dataset version has no {split} rows; pick another split, or null for every row.", field="split", value=split
            )

    def _training_run(self, version: ModelVersion) -> TrainingRun | None:
        run_id = version.lineage.get("trainingRun")
        if run_id is None:
            return None
        try:
            run = load(self.store, uuid.UUID(run_id), TrainingRun, "versionId", "Training run")
        except NotFound:
            return None
        return run if run.source == "platform" else None

    @staticmethod
    def _features(version: ModelVersion, run: TrainingRun | None, column_types: dict[str, str], label: str) -> list[str]:
        """Return the feature columns in the model's input order: the training run's, else the dataset's columns."""
        if run is not None:
            features = list(run.plan["features"])
            missing = [name for name in features if name not in column_types]
            if missing:
                raise InvalidInput(
                    f"The model was trained on columns the dataset version lacks: {', '.join(map(repr, missing[:MAX_SHOWN]))}"
                    f"{' and more' if len(missing) > MAX_SHOWN else ''}.",
                    field="datasetVersionId",
                    value=None,
                )
        else:
            features = [name for name in column_types if name not in (label, SPLIT_COLUMN)]
        others = [f"{name!r} ({column_types[name]})" for name in features if column_types[name] not in TABULAR_TYPES]
        if others and (run is None or run.plan.get("textColumn") is None):
            raise InvalidInput(
                f"Evaluation takes numeric feature columns, but the dataset version has {', '.join(others[:MAX_SHOWN])}.",
                field="datasetVersionId",
                value=None,
            )
        inputs = (getattr(version, "signature", None) or {}).get("inputs") or []
        width = (inputs[0].get("shape") or [None])[-1] if len(inputs) == 1 else None
        if run is None and width != len(features):
            raise InvalidInput(
                f"Model version {version.number} takes inputs of shape {inputs[0].get('shape') if inputs else None}, but the "
                f"dataset version has {len(features)} feature columns: {', '.join(map(repr, features[:MAX_SHOWN]))}"
                f"{' and more' if len(features) > MAX_SHOWN else ''}.",
                field="datasetVersionId",
                value=None,
            )
        return features

    @staticmethod
    def _task(version: ModelVersion, model: RegisteredModel, run: TrainingRun | None, task: str | None, label_type: str) -> str:
        known = None
        if run is not None:
            known = run.config["model"]["task"]
        elif model.task in TASKS:
            known = model.task
        if known is not None and task is not None and task != known:
            raise InvalidInput(
                f"Model {model.name!r} is a {known} model, so {task} metrics do not apply to it.", field="task", value=task
            )
        if task is not None or known is not None:
            return task or known  # type: ignore[return-value]
        outputs = (getattr(version, "signature", None) or {}).get("outputs") or []
        width = (outputs[0].get("shape") or [None])[-1] if len(outputs) == 1 else None
        return "regression" if width == 1 and label_type == "float" else "classification"

    def _classes(self, version: ModelVersion, run: TrainingRun | None, dataset: DatasetVersion, label: str) -> list[str]:
        if run is not None and getattr(run, "classes", None):
            return list(run.classes)  # type: ignore[arg-type]
        summary = self._profile(dataset).get("label") or {}
        if summary.get("column") != label or not summary.get("distributionExact", True):
            raise InvalidInput(
                f"The classes of label {label!r} are not known; evaluate on the version whose label is {label!r}.",
                field="label",
                value=label,
            )
        classes = [str(item["value"]) for item in sorted(summary.get("distribution") or [], key=lambda item: item["value"])]
        outputs = (getattr(version, "signature", None) or {}).get("outputs") or []
        width = (outputs[0].get("shape") or [None])[-1] if len(outputs) == 1 else None
        if width not in ((1, 2) if len(classes) == 2 else (len(classes),)):
            raise InvalidInput(
                f"Model version {version.number} has {width} outputs, but the label {label!r} has {len(classes)} classes.",
                field="label",
                value=label,
            )
        return classes

    def _profile(self, dataset: DatasetVersion) -> dict[str, Any]:
        with self.artifacts.open(dataset.profile_sha256) as stream:
            return json.loads(stream.read())


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
