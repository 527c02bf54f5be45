"""Read the rows an evaluation measures: the job's split of the dataset version, with a label in every row.

Features become a float32 matrix in the job's order. A missing feature value (null or NaN) is
replaced by the column's mean over the labelled train rows, as training does, or over the
evaluated rows when the dataset has no train rows. A single text feature becomes an
object array of str for a text model. Labels become class indices or float64 values.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from backend.storage import BlobNotFound, open_artifact_store
from workers.evaluation.job import EvaluationFailed, EvaluationJob

SPLIT_COLUMN = "split"
MAX_LISTED = 20


@dataclass(frozen=True)
class EvaluationRows:
    """The evaluated rows, as a table for slicing and as arrays for the model and the metrics."""

    table: pa.Table
    """The feature, label and extra columns of the evaluated rows, in row order."""
    x: np.ndarray
    """float32 of shape (rows, features), or an object array of str of shape (rows, 1) for one text feature."""
    y_true: np.ndarray
    """int64 class indices into the job's classes, or float64 label values for regression."""
    dropped_rows: int
    """Rows of the split that were left out because their label is null or NaN."""
    text: bool
    notes: list[str]


def load_rows(job: EvaluationJob, extra_columns: list[str] | tuple[str, ...] = ()) -> EvaluationRows:
    """Read the job's rows from its Parquet blob, keeping `extra_columns` for slicing. Raises EvaluationFailed."""
    table = _read_table(job, extra_columns)
    notes: list[str] = []

    labelled = _has_value(table[job.label])
    in_split = _in_split(table, job.split)
    evaluated = labelled & in_split
    dropped_rows = int(np.count_nonzero(in_split)) - int(np.count_nonzero(evaluated))
    if dropped_rows:
        notes.append(f"{dropped_rows} rows without a value in the label column {job.label!r} were left out.")
    rows = table.filter(pa.array(evaluated))
    if rows.num_rows == 0:
        where = f"the {job.split!r} split" if job.split else "the dataset version"
        raise EvaluationFailed(
            f"{where.capitalize()} has no rows with a value in the label column {job.label!r}, so there is nothing to evaluate."
        )

    text = _is_text_input(rows, job.features)
    if text:
        x = np.array(pc.fill_null(rows[job.features[0]], "").to_pylist(), dtype=object).reshape(-1, 1)
    else:
        train = table.filter(pa.array(labelled & _in_split(table, "train"))) if SPLIT_COLUMN in table.column_names else None
        x = _feature_matrix(rows, train, job.features, notes)

    y_true = _class_indices(rows[job.label], job) if job.task == "classification" else _label_values(rows[job.label], job.label)
    return EvaluationRows(table=rows, x=x, y_true=y_true, dropped_rows=dropped_rows, text=text, notes=notes)


def _read_table(job: EvaluationJob, extra_columns: list[str] | tuple[str, ...]) -> pa.Table:
    store = open_artifact_store(job.artifacts)
    try:
        with store.local_file(job.dataset_sha256) as path:
            available = pq.read_schema(path).names
            _check_columns(job, extra_columns, available)
            columns = [*job.features, job.label, *extra_columns]
            if SPLIT_COLUMN in available:
                columns.append(SPLIT_COLUMN)
            return pq.read_table(path, columns=list(dict.fromkeys(columns)))
    except BlobNotFound:
        raise EvaluationFailed(
            f"The dataset file {job.dataset_sha256} is missing from the artifact store. Upload the dataset version again."
        ) from None
    except pa.ArrowInvalid as error:
        raise EvaluationFailed(f"The dataset file {job.dataset_sha256} is not readable Parquet: {error}") from None


def _check_columns(job: EvaluationJob, extra_columns: list[str] | tuple[str, ...], available: list[str]) -> None:
    missing_features = [name for name in job.features if name not in available]
    if missing_features:
        raise EvaluationFailed(
            f"The dataset version has no feature column {_listed(missing_features)}, which the model takes as input. "
            f"Its columns are {_listed(available)}."
        )
    if job.label not in available:
        raise EvaluationFailed(f"The dataset version has no label column {job.label!r}. Its columns are {_listed(available)}.")
    if job.split is not None and SPLIT_COLUMN not in available:
        raise EvaluationFailed(
            f"The dataset version has no {SPLIT_COLUMN!r} column, so its {job.split!r} rows are unknown. Evaluate every "
            "row (no split), or derive a version with a split operation."
        )
    missing_extra = [name for name in extra_columns if name not in available]
    if missing_extra:
        raise EvaluationFailed(
            f"The dataset version has no column {_listed(missing_extra)}, which a slice names. Its columns are {_listed(available)}."
        )


def _in_split(table: pa.Table, split: str | None) -> np.ndarray:
    """Return a boolean mask of the rows in `split`, or of every row when it is None."""
    if split is None:
        return np.ones(table.num_rows, dtype=bool)
    column = table[SPLIT_COLUMN]
    if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        raise EvaluationFailed(f"The {SPLIT_COLUMN!r} column must be text (train, validation or test), but it is {column.type}.")
    return pc.fill_null(pc.equal(column, split), False).to_numpy(zero_copy_only=False).astype(bool)


def _has_value(column: pa.ChunkedArray) -> np.ndarray:
    """Return True for each value that is neither null nor NaN."""
    return ~pc.is_null(column, nan_is_null=True).to_numpy(zero_copy_only=False).astype(bool)


def _is_text_input(rows: pa.Table, features: list[str]) -> bool:
    kind = rows.schema.field(features[0]).type
    return len(features) == 1 and (pa.types.is_string(kind) or pa.types.is_large_string(kind))


def _feature_matrix(rows: pa.Table, train: pa.Table | None, features: list[str], notes: list[str]) -> np.ndarray:
    not_numeric = [
        f"{name!r} ({rows.schema.field(name).type})"
        for name in features
        if not _is_numeric(rows.schema.field(name).type)
    ]
    if not_numeric:
        raise EvaluationFailed(
            f"Feature columns must be integer, float or boolean, but {', '.join(not_numeric[:MAX_LISTED])} "
            f"{'is' if len(not_numeric) == 1 else 'are'} not. Choose numeric features, or a single text feature for a text model."
        )

    matrix = np.empty((rows.num_rows, len(features)), dtype="float32")
    filled: dict[str, int] = {}
    for position, name in enumerate(features):
        values = _numeric(rows[name])
        missing = np.isnan(values)
        if missing.any():
            fill_value = _fill_value(name, values, train)
            values = np.where(missing, fill_value, values)
            filled[name] = int(missing.sum())
        matrix[:, position] = values

    if filled:
        counts = ", ".join(f"{name!r} ({count})" for name, count in list(filled.items())[:MAX_LISTED])
        source = "the train rows" if train is not None and train.num_rows else "the evaluated rows"
        notes.append(f"Missing feature values were replaced by the column's mean over {source}: {counts}.")
    return matrix


def _fill_value(name: str, values: np.ndarray, train: pa.Table | None) -> float:
    source = _numeric(train[name]) if train is not None and train.num_rows else values
    known = source[~np.isnan(source)]
    if known.size == 0:
        raise EvaluationFailed(f"Feature column {name!r} has no values, so its missing values cannot be filled in.")
    return float(known.mean())


def _class_indices(column: pa.ChunkedArray, job: EvaluationJob) -> np.ndarray:
    classes = job.classes or []
    index = {name: position for position, name in enumerate(classes)}
    values = column.to_pylist()
    names = [_class_name(value, index) for value in values]
    unknown = Counter(name for name in names if name not in index)
    if unknown:
        listed = ", ".join(f"{name!r} ({count} rows)" for name, count in unknown.most_common(MAX_LISTED))
        raise EvaluationFailed(
            f"The label column {job.label!r} has values the model has no class for: {listed}. "
            f"The model's classes are {_listed(classes)}."
        )
    return np.array([index[name] for name in names], dtype="int64")


def _class_name(value: object, index: dict[str, int]) -> str:
    """Return the class name of a label value: its text, or for a whole float such as 1.0 the integer's text when that is a class."""
    name = str(value)
    if name not in index and isinstance(value, float) and value.is_integer() and str(int(value)) in index:
        return str(int(value))
    return name


def _label_values(column: pa.ChunkedArray, label: str) -> np.ndarray:
    if not _is_numeric(column.type) or pa.types.is_boolean(column.type):
        raise EvaluationFailed(f"Regression needs a numeric label, but the label column {label!r} is {column.type}.")
    values = _numeric(column)
    infinite = int(np.count_nonzero(np.isinf(values)))
    if infinite:
        raise EvaluationFailed(f"The label column {label!r} has {infinite} infinite values. Remove or replace those rows.")
    return values


def _is_numeric(kind: pa.DataType) -> bool:
    return pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_boolean(kind) or pa.types.is_decimal(kind)


def _numeric(column: pa.ChunkedArray) -> np.ndarray:
    """Return the column as float64 with NaN for each null."""
    return pc.cast(column, pa.float64()).to_numpy(zero_copy_only=False).astype("float64")


def _listed(names: list[str]) -> str:
    listed = ", ".join(repr(name) for name in names[:MAX_LISTED])
    return listed + (f" and {len(names) - MAX_LISTED} more" if len(names) > MAX_LISTED else "")
