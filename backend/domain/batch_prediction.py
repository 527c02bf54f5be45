"""Batch predictions: a model version scores every row (or one split) of a dataset version in a worker.

The request records what the worker needs: the feature columns in the model's input order,
the task, the classes in the model's output order and the names of the columns it adds. The
scored rows become the next version of the same dataset, derived from the scored version by a
`predict` operation that names the model version, so dataset lineage shows both parents.
"""

from __future__ import annotations

import uuid
from typing import Any

from backend.domain.base import Cause, InvalidInput, ModelCloudAggregate
from backend.domain.datasets import MAX_COLUMN_NAME, MAX_COLUMNS
from backend.domain.validation import check_characters, check_length, shown

PENDING, RUNNING, COMPLETED, FAILED = "pending", "running", "completed", "failed"
STATUSES = (PENDING, RUNNING, COMPLETED, FAILED)
ACTIVE = (PENDING, RUNNING)
PREDICTION_COLUMN = "prediction"
PROBABILITY_PREFIX = "probability_"
PREDICT_OPERATION = "predict"
MAX_OUTPUT_PREFIX = 64
MAX_REASON = 2000
MAX_NOTES = 20


class BatchPrediction(ModelCloudAggregate):
    class Requested(ModelCloudAggregate.Created):
        team_id: uuid.UUID
        model_id: uuid.UUID
        model_name: str
        model_version_id: uuid.UUID
        model_version_number: int
        dataset_id: uuid.UUID
        dataset_version_id: uuid.UUID
        dataset_version_number: int
        split: str | None
        label: str | None
        features: list[str]
        task: str
        classes: list[str] | None
        output_prefix: str
        output_columns: list[str]
        rows_total: int
        owner: uuid.UUID

        def apply(self, aggregate: BatchPrediction) -> None:
            aggregate.team_id = self.team_id
            aggregate.model_id = self.model_id
            aggregate.model_name = self.model_name
            aggregate.model_version_id = self.model_version_id
            aggregate.model_version_number = self.model_version_number
            aggregate.dataset_version_id = self.dataset_version_id
            aggregate.split = self.split
            aggregate.task = self.task
            aggregate.output_columns = list(self.output_columns)
            aggregate.status = PENDING
            aggregate.rows_done = 0
            aggregate.rows_total = self.rows_total
            aggregate.result_dataset_version_id = None

    class Progressed(ModelCloudAggregate.Event):
        rows_done: int
        rows_total: int

        def apply(self, aggregate: BatchPrediction) -> None:
            aggregate.status = RUNNING
            aggregate.rows_done = self.rows_done
            aggregate.rows_total = self.rows_total

    class Completed(ModelCloudAggregate.Event):
        result_dataset_version_id: uuid.UUID
        result_dataset_version_number: int
        rows: int
        notes: list[str]

        def apply(self, aggregate: BatchPrediction) -> None:
            aggregate.status = COMPLETED
            aggregate.rows_done = self.rows
            aggregate.result_dataset_version_id = self.result_dataset_version_id

    class Failed(ModelCloudAggregate.Event):
        reason: str

        def apply(self, aggregate: BatchPrediction) -> None:
            aggregate.status = FAILED

    team_id: uuid.UUID
    model_id: uuid.UUID
    model_name: str
    model_version_id: uuid.UUID
    model_version_number: int
    dataset_version_id: uuid.UUID
    split: str | None
    task: str
    output_columns: list[str]
    status: str
    rows_done: int
    rows_total: int
    result_dataset_version_id: uuid.UUID | None

    def __init__(self, **_: Any) -> None:
        pass

    @property
    def active(self) -> bool:
        return self.status in ACTIVE

    @classmethod
    def request(cls, batch_prediction_id: uuid.UUID, *, cause: Cause, **fields: Any) -> BatchPrediction:
        return cls._start(cls.Requested, cause, id=batch_prediction_id, **fields)

    def record_progress(self, rows_done: int, rows_total: int, cause: Cause) -> bool:
        """Record the rows scored so far; returns False (and records nothing) once the prediction has finished."""
        if not self.active:
            return False
        self._record(self.Progressed, cause, rows_done=rows_done, rows_total=rows_total)
        return True

    def complete(self, result_version_id: uuid.UUID, result_number: int, rows: int, notes: list[str], cause: Cause) -> bool:
        if not self.active:
            return False
        self._record(
            self.Completed, cause, result_dataset_version_id=result_version_id, result_dataset_version_number=result_number,
            rows=rows, notes=[note[:MAX_REASON] for note in notes[:MAX_NOTES]],
        )
        return True

    def fail(self, reason: str, cause: Cause) -> bool:
        if not self.active:
            return False
        self._record(self.Failed, cause, reason=reason[:MAX_REASON])
        return True

    def lineage_operation(self) -> dict[str, Any]:
        """Return the `predict` operation that the result version records as how it was derived from the scored version."""
        return {
            "op": PREDICT_OPERATION,
            "batchPredictionId": str(self.id),
            "modelId": str(self.model_id),
            "modelName": self.model_name,
            "modelVersionId": str(self.model_version_id),
            "modelVersionNumber": self.model_version_number,
            "split": self.split,
            "task": self.task,
            "columns": list(self.output_columns),
        }


def check_output_prefix(prefix: str | None) -> str:
    """Return the prefix of the prediction columns' names: empty when None."""
    if prefix is None:
        return ""
    check_characters("outputPrefix", prefix)
    return check_length("outputPrefix", prefix, maximum=MAX_OUTPUT_PREFIX)


def output_columns(task: str, classes: list[str] | None, prefix: str) -> list[str]:
    """Return the names of the columns a batch prediction adds, in the order it writes them.

    A classifier adds `prediction` (the class name) and `probability_<class>` for each class in
    the model's output order; a regression model adds `prediction`. Each name starts with `prefix`.
    """
    names = [f"{prefix}{PREDICTION_COLUMN}"]
    if task == "classification":
        names.extend(f"{prefix}{PROBABILITY_PREFIX}{name}" for name in classes or [])
    for name in names:
        check_characters("outputPrefix", name)
        if len(name) > MAX_COLUMN_NAME:
            raise InvalidInput(
                f"The prediction column {shown(name)} would be longer than {MAX_COLUMN_NAME} characters; pass a shorter "
                "outputPrefix, or score with a model whose class names are shorter.",
                field="outputPrefix",
                value=prefix or None,
            )
    return names


def check_no_clash(outputs: list[str], columns: list[str], prefix: str) -> None:
    """Raise InvalidInput naming the output columns the dataset version already has, or when they would exceed MAX_COLUMNS."""
    existing = set(columns)
    clashes = [name for name in outputs if name in existing]
    if clashes:
        listed = ", ".join(repr(name) for name in clashes[:5])
        raise InvalidInput(
            f"The dataset version already has a column named {listed}, which batch prediction would add; pass an "
            f"outputPrefix such as 'predicted_' to name the new columns differently.",
            field="outputPrefix",
            value=prefix or None,
        )
    if len(columns) + len(outputs) > MAX_COLUMNS:
        raise InvalidInput(
            f"The dataset version has {len(columns)} columns, and the {len(outputs)} prediction columns would take it past "
            f"the limit of {MAX_COLUMNS}; drop columns in a derived version first.",
            field="datasetVersionId",
            value=None,
        )
