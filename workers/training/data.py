"""Load a run's dataset version into train and validation arrays.

The canonical Parquet blob has a `split` column. Rows marked `train` and `validation` are
used, and `test` rows are left for evaluation. Rows whose label is missing are dropped and
counted. Arrow and NumPy do the work, so this module does not import TensorFlow.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from backend.storage import BlobNotFound, open_artifact_store
from workers.training.job import TrainingFailed, TrainingJob

SPLIT_COLUMN = "split"
MAX_CLASSES = 1000
MAX_LISTED_COLUMNS = 20


@dataclass(frozen=True)
class TrainingData:
    """The arrays one run trains and validates on.

    `train_x` is float32 of shape (rows, features), or for text an object array of str of
    shape (rows, 1). `train_y` contains class indices (int32) into `classes` for
    classification and float32 values for regression, where `classes` is None.
    """

    train_x: np.ndarray
    train_y: np.ndarray
    validation_x: np.ndarray
    validation_y: np.ndarray
    classes: list[str] | None
    dropped_rows: int
    features: list[str]


def load_training_data(job: TrainingJob) -> TrainingData:
    """Read the job's dataset blob and return its train and validation rows; raises TrainingFailed."""
    task = job.config["model"]["task"]
    inputs = [job.text_column] if job.config["model"]["template"] == "text_classifier" else list(job.features)
    if not inputs or inputs[0] is None:
        raise TrainingFailed("The run has no input columns: choose feature columns, or a text column for text_classifier.")

    table = _read_rows(job, inputs)
    labelled = _has_value(table[job.label])
    dropped_rows = table.num_rows - int(pc.sum(pc.cast(labelled, pa.int64())).as_py() or 0)
    table = table.filter(labelled)

    is_train = pc.equal(table[SPLIT_COLUMN], "train")
    train, validation = table.filter(is_train), table.filter(pc.invert(is_train))
    if train.num_rows == 0:
        raise TrainingFailed(
            f"The dataset has no train rows with a value in the label column {job.label!r}. "
            f"Mark rows as train in the {SPLIT_COLUMN!r} column, for example with a split operation."
        )

    if job.config["model"]["template"] == "text_classifier":
        train_x, validation_x = _text(train, job.text_column), _text(validation, job.text_column)
    else:
        train_x, validation_x = _feature_matrices(train, validation, job.features)

    if task == "classification":
        classes, train_y, validation_y = _class_indices(train, validation, job.label)
    else:
        classes = None
        train_y, validation_y = _regression_values(train, job.label), _regression_values(validation, job.label)

    return TrainingData(
        train_x=train_x,
        train_y=train_y,
        validation_x=validation_x,
        validation_y=validation_y,
        classes=classes,
        dropped_rows=dropped_rows,
        features=list(job.features),
    )


def _read_rows(job: TrainingJob, inputs: list[str]) -> pa.Table:
    """Read the input, label and split columns, keeping only train and validation rows."""
    wanted = list(dict.fromkeys([*inputs, job.label, SPLIT_COLUMN]))
    store = open_artifact_store(job.artifacts)
    try:
        with store.local_file(job.dataset_sha256) as path:
            available = pq.read_schema(path).names
            missing = [name for name in wanted if name not in available]
            if missing:
                raise TrainingFailed(_missing_columns(missing, available))
            table = pq.read_table(path, columns=wanted)
    except BlobNotFound:
        raise TrainingFailed(
            f"The dataset file {job.dataset_sha256} is missing from the artifact store, so the run cannot read it. "
            "Upload the dataset version again."
        ) from None
    except pa.ArrowInvalid as error:
        raise TrainingFailed(f"The dataset file {job.dataset_sha256} is not readable Parquet: {error}") from None

    split_type = table.schema.field(SPLIT_COLUMN).type
    if not (pa.types.is_string(split_type) or pa.types.is_large_string(split_type)):
        raise TrainingFailed(f"The {SPLIT_COLUMN!r} column must be text (train, validation or test).")
    return table.filter(pc.is_in(table[SPLIT_COLUMN], pa.array(["train", "validation"])))


def _has_value(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Return True for each value that is neither null nor NaN."""
    if pa.types.is_floating(column.type):
        return pc.invert(pc.fill_null(pc.is_nan(column), True))
    return pc.is_valid(column)


def _missing_columns(missing: list[str], available: list[str]) -> str:
    listed = ", ".join(repr(name) for name in available[:MAX_LISTED_COLUMNS])
    more = f" and {len(available) - MAX_LISTED_COLUMNS} more" if len(available) > MAX_LISTED_COLUMNS else ""
    hint = (
        f" The {SPLIT_COLUMN!r} column marks each row as train, validation or test: derive a version with a split operation."
        if SPLIT_COLUMN in missing
        else ""
    )
    return f"The dataset has no column {', '.join(repr(name) for name in missing)}. Its columns are {listed}{more}.{hint}"


def _feature_matrices(train: pa.Table, validation: pa.Table, features: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Return float32 matrices; a missing value (null or NaN) becomes the column's train mean."""
    train_columns, validation_columns = [], []
    for name in features:
        kind = train.schema.field(name).type
        if not (pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_boolean(kind) or pa.types.is_decimal(kind)):
            raise TrainingFailed(
                f"Feature column {name!r} has type {_type_name(kind)}, but features must be integer, float or boolean. "
                "Drop it from the features, or cast or encode it in a derived dataset version."
            )
        train_values, validation_values = _numeric(train[name]), _numeric(validation[name])

        known = train_values[~np.isnan(train_values)]
        if known.size == 0:
            raise TrainingFailed(f"Feature column {name!r} has no values in the train rows; drop it from the features.")
        mean = float(known.mean())
        train_columns.append(np.where(np.isnan(train_values), mean, train_values))
        validation_columns.append(np.where(np.isnan(validation_values), mean, validation_values))

    return (
        np.stack(train_columns, axis=1).astype("float32"),
        np.stack(validation_columns, axis=1).astype("float32"),
    )


def _numeric(column: pa.ChunkedArray) -> np.ndarray:
    """Return the column as float64 with NaN for each null."""
    return pc.cast(column, pa.float64()).to_numpy(zero_copy_only=False).astype("float64")


def _text(table: pa.Table, column: str) -> np.ndarray:
    """Return an object array of shape (rows, 1) of str; a null text becomes the empty string."""
    kind = table.schema.field(column).type
    if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        raise TrainingFailed(f"Text column {column!r} has type {_type_name(kind)}, but text_classifier needs a text (string) column.")
    values = pc.fill_null(table[column], "").to_pylist()
    return np.array(values, dtype=object).reshape(-1, 1)


def _class_indices(train: pa.Table, validation: pa.Table, label: str) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Return the classes as text, sorted by value, and each row's class index."""
    kind = train.schema.field(label).type
    if not (pa.types.is_integer(kind) or pa.types.is_string(kind) or pa.types.is_large_string(kind)
            or pa.types.is_boolean(kind) or pa.types.is_floating(kind)):
        raise TrainingFailed(
            f"Label column {label!r} has type {_type_name(kind)}, but a classification label must be text, integer, boolean or float."
        )
    train_values, validation_values = train[label].to_pylist(), validation[label].to_pylist()

    values = sorted(set(train_values) | set(validation_values))
    if len(values) > MAX_CLASSES:
        raise TrainingFailed(
            f"Label column {label!r} has {len(values)} distinct values, and classification accepts at most {MAX_CLASSES}. "
            "Choose a label with fewer classes, or set model.task to regression for a numeric label."
        )
    if len(values) < 2:
        raise TrainingFailed(
            f"Label column {label!r} has only the value {str(values[0])!r} in the train and validation rows, "
            "and classification needs at least 2 classes."
        )

    index = {value: position for position, value in enumerate(values)}
    classes = [str(value) for value in values]
    return (
        classes,
        np.array([index[value] for value in train_values], dtype="int32"),
        np.array([index[value] for value in validation_values], dtype="int32"),
    )


def _regression_values(table: pa.Table, label: str) -> np.ndarray:
    kind = table.schema.field(label).type
    if not (pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_decimal(kind)):
        raise TrainingFailed(
            f"Label column {label!r} has type {_type_name(kind)}, but regression needs a numeric label. "
            "Set model.task to classification, or choose a numeric label."
        )
    values = _numeric(table[label]).astype("float32")
    if not np.isfinite(values).all():
        raise TrainingFailed(f"Label column {label!r} contains an infinite value; remove or replace those rows.")
    return values


def _type_name(kind: pa.DataType) -> str:
    """Return the type's name as the dataset profile shows it: string for text, else Arrow's name."""
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return "string"
    return str(kind)
