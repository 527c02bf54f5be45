"""Model inputs: the feature columns a model version reads from a dataset version, in input order, with its task and classes.

Evaluation and batch prediction decide these the same way before they record a request, so
a request that cannot work is an error naming the field instead of a failed job. `purpose`
names the feature in messages, such as "evaluation" or "batch prediction".
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from backend.application.aggregates import load
from backend.application.eventstore import EventStore
from backend.application.serving_signatures import check_serving_signature
from backend.application.teams import team_with_role
from backend.domain.access import Principal
from backend.domain.base import InvalidInput, NotFound
from backend.domain.datasets import READY as DATASET_READY
from backend.domain.datasets import SPLIT_COLUMN
from backend.domain.datasets import DatasetVersion
from backend.domain.evaluation import TASKS
from backend.domain.identity import EDITOR
from backend.domain.registry import READY as MODEL_READY
from backend.domain.registry import ModelVersion, RegisteredModel
from backend.domain.training import TrainingRun
from backend.domain.training_data import TABULAR_TYPES
from backend.storage import ArtifactStore

MAX_SHOWN = 10


def ready_model_version(
    store: EventStore, artifacts: ArtifactStore, principal: Principal | None, version_id: uuid.UUID, *, action: str, purpose: str,
    field: str = "versionId",
) -> ModelVersion:
    """Return a ready model version after checking that the caller is an editor of its team.

    A None principal is the platform acting on its own. Another team's version raises NotFound.
    Errors name `field`, the input that contains the version's id.
    """
    version = load(store, version_id, ModelVersion, field, "Model version")
    try:
        if principal is not None:
            team_with_role(store, principal, version.team_id, EDITOR, action)
    except NotFound:
        raise NotFound(f"Model version {version_id} was not found.", field=field, value=str(version_id)) from None
    if version.status != MODEL_READY:
        raise InvalidInput(
            f"Model version {version.number} is {version.status}; {purpose} needs a ready version.",
            field=field,
            value=str(version_id),
        )
    if version.format == "savedmodel":
        try:
            check_serving_signature(store, artifacts, version)
        except InvalidInput as error:
            raise InvalidInput(error.message, field=field, value=error.value) from None
    return version


def profiled_dataset_version(
    store: EventStore, version: ModelVersion, dataset_version_id: uuid.UUID, *, purpose: str
) -> DatasetVersion:
    """Return a profiled dataset version of the model version's team; another team's version raises NotFound."""
    dataset = load(store, dataset_version_id, DatasetVersion, "datasetVersionId", "Dataset version")
    if dataset.team_id != version.team_id:
        raise NotFound(f"Dataset version {dataset_version_id} was not found in the model's team.",
                       field="datasetVersionId", value=str(dataset_version_id))
    if dataset.status != DATASET_READY:
        raise InvalidInput(f"Dataset version {dataset.number} is {dataset.status}; {purpose} needs a profiled version.",
                           field="datasetVersionId", value=str(dataset_version_id))
    return dataset


def read_profile(artifacts: ArtifactStore, dataset: DatasetVersion) -> dict[str, Any]:
    with artifacts.open(dataset.profile_sha256) as stream:
        return json.loads(stream.read())


def check_split_rows(profile: dict[str, Any], split: str | None) -> None:
    """Raise InvalidInput when the profiled version has no rows in `split`; None stands for every row."""
    if split is None:
        return
    splits = profile.get("splits") or {}
    if not int((splits.get(split) or {}).get("rows", 0)):
        raise InvalidInput(
            f"The dataset version has no {split} rows; pick another split, or null for every row.", field="split", value=split
        )


def platform_training_run(store: EventStore, version: ModelVersion) -> TrainingRun | None:
    """Return the platform training run that produced the version, or None for uploads and runs tracked by the SDK."""
    run_id = version.lineage.get("trainingRun")
    if run_id is None:
        return None
    try:
        run = load(store, uuid.UUID(run_id), TrainingRun, "versionId", "Training run")
    except NotFound:
        return None
    return run if run.source == "platform" else None


def feature_columns(
    version: ModelVersion, run: TrainingRun | None, column_types: dict[str, str], label: str | None, *, purpose: str
) -> list[str]:
    """Return the feature columns in the model's input order: the training run's, else the dataset's columns.

    Without a training run, every column except the label and the split is a feature, and their
    number must match the width of the model's single input.
    """
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
            f"{purpose.capitalize()} takes numeric feature columns, but the dataset version has {', '.join(others[:MAX_SHOWN])}.",
            field="datasetVersionId",
            value=None,
        )
    width = input_width(version)
    if run is None and width != len(features):
        inputs = (getattr(version, "signature", None) or {}).get("inputs") or []
        raise InvalidInput(
            f"Model version {version.number} takes inputs of shape {inputs[0].get('shape') if inputs else None}, but the "
            f"dataset version has {len(features)} feature columns: {', '.join(map(repr, features[:MAX_SHOWN]))}"
            f"{' and more' if len(features) > MAX_SHOWN else ''}.",
            field="datasetVersionId",
            value=None,
        )
    return features


def model_task(
    version: ModelVersion, model: RegisteredModel, run: TrainingRun | None, task: str | None, label_type: str | None
) -> str:
    """Return classification or regression: the requested task, else the run's or the model's, else a guess from the output.

    The guess is regression for a single output and a float label, and classification otherwise.
    """
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
    width = output_width(version)
    return "regression" if width == 1 and label_type == "float" else "classification"


def model_classes(
    version: ModelVersion, run: TrainingRun | None, profile: dict[str, Any], label: str, *, advice: str
) -> list[str]:
    """Return the class names in the model's output order: the training run's, else the label's sorted values.

    `advice` ends the message when the label's classes are not known, saying what to do instead.
    """
    if run is not None and getattr(run, "classes", None):
        return list(run.classes)  # type: ignore[arg-type]
    summary = profile.get("label") or {}
    if summary.get("column") != label or not summary.get("distributionExact", True):
        raise InvalidInput(f"The classes of label {label!r} are not known; {advice}.", field="label", value=label)
    values = [item["value"] for item in summary.get("distribution") or []]
    if any(value is None for value in values):
        # The profile writes NaN and infinities as null, and such a value is no class.
        raise InvalidInput(f"The label {label!r} has non-finite values (NaN or infinity); clean them before using it as classes.",
                           field="label", value=label)
    classes = [str(value) for value in sorted(values)]
    width = output_width(version)
    if width not in ((1, 2) if len(classes) == 2 else (len(classes),)):
        raise InvalidInput(
            f"Model version {version.number} has {width} outputs, but the label {label!r} has {len(classes)} classes.",
            field="label",
            value=label,
        )
    return classes


def input_width(version: ModelVersion) -> int | None:
    """Return the last dimension of the model's single input, or None when it has several inputs or none."""
    inputs = (getattr(version, "signature", None) or {}).get("inputs") or []
    return (inputs[0].get("shape") or [None])[-1] if len(inputs) == 1 else None


def output_width(version: ModelVersion) -> int | None:
    """Return the last dimension of the model's single output, or None when it has several outputs or none."""
    outputs = (getattr(version, "signature", None) or {}).get("outputs") or []
    return (outputs[0].get("shape") or [None])[-1] if len(outputs) == 1 else None
