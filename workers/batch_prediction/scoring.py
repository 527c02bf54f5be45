"""Score a dataset version's rows with a model version a chunk at a time, and store them with the prediction columns.

`score_steps` yields progress once it has counted the rows and loaded the model and after every
chunk, then the result. The model is loaded, checked and called as evaluation does
(`workers.evaluation.predictions`): one tf.function over batches, never `model.predict`. A
missing feature value (null or NaN) is replaced by the column's mean over the dataset's train
rows, or over the scored rows when it has none. The file written is canonical Parquet with the
scored rows' original columns, then the prediction columns.
"""

from __future__ import annotations

import logging
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from backend.storage import BlobNotFound, open_artifact_store
from workers.batch_prediction.job import BatchPredictionFailed, BatchPredictionJob
from workers.datasets._parquet import CanonicalWriter
from workers.datasets._types import describe_columns
from workers.evaluation.job import EvaluationFailed, EvaluationJob
from workers.evaluation.metrics import as_probabilities, predicted_classes
from workers.evaluation.predictions import Predictor, batch_predictor, check_model_fits, load_model, missing_activation

log = logging.getLogger(__name__)

SPLIT_COLUMN = "split"
SPLIT_PARTS = ("train", "validation", "test")
TASKS = ("classification", "regression")
MAX_LISTED = 20


@dataclass(frozen=True)
class RowCount:
    """The outcome of one pass over the feature columns: the rows to score and the values that fill missing features."""

    rows: int
    fill_values: dict[str, float]
    filled: dict[str, int]
    """Missing values per feature among the scored rows."""
    fitted_on: str
    """"train" when the fill values are means over the train rows, else "scored"."""


def score_blob(job: BatchPredictionJob) -> Iterator[dict[str, Any]]:
    """Yield what `score_steps` yields, ending with {"failed": reason} instead of raising, and remove temporary files."""
    try:
        with tempfile.TemporaryDirectory(prefix="modelcloud-predict-") as folder:
            yield from score_steps(job, folder)
    except (BatchPredictionFailed, EvaluationFailed) as error:
        log.info("batch prediction failed", extra={"batch_prediction_id": job.batch_prediction_id, "reason": str(error)[:300]})
        yield {"failed": str(error)}


def score_steps(job: BatchPredictionJob, workdir: str | Path) -> Iterator[dict[str, Any]]:
    """Yield {"progress", "total"} items and then {"result": …}; raises BatchPredictionFailed or EvaluationFailed.

    The result contains the stored file's sha256 and size, its rows, columns (as
    {"name", "type"}), label and rows per split part, notes for users, and the fill values used
    (`fitted`, or None when no value was missing). `workdir` contains the model and the output
    file until the generator finishes.
    """
    started = time.monotonic()
    log.info("batch prediction started", extra={"batch_prediction_id": job.batch_prediction_id})
    _check_job(job)
    store = open_artifact_store(job.artifacts)
    try:
        with store.local_file(job.dataset_sha256) as source:
            result: dict[str, Any] = {}
            for item in _score_file(job, store, source, Path(workdir)):
                if "result" in item:
                    result = item["result"]
                yield item
    except BlobNotFound:
        raise BatchPredictionFailed(
            f"The dataset file {job.dataset_sha256} is missing from the artifact store. Upload the dataset version again."
        ) from None
    log.info(
        "batch prediction finished",
        extra={"batch_prediction_id": job.batch_prediction_id, "rows": result.get("rows"),
               "seconds": round(time.monotonic() - started, 3)},
    )


def _score_file(job: BatchPredictionJob, store: Any, source: str, workdir: Path) -> Iterator[dict[str, Any]]:
    parquet = _open_parquet(source, job)
    schema = parquet.schema_arrow
    _check_columns(job, schema)
    text = _is_text_input(schema, job.features)
    counted = _count_rows(parquet, job, text)

    model_job = _model_job(job)
    model = load_model(model_job, workdir)
    check_model_fits(model, model_job, text=text)
    activation = missing_activation(model, model_job)
    predict = batch_predictor(model, text=text, activation=activation)
    yield {"progress": 0, "total": counted.rows}

    output_schema = pa.schema([*schema, *_output_fields(job)])
    output = workdir / "scored.parquet"
    done = 0
    parts: Counter[str] = Counter()
    with CanonicalWriter(str(output), output_schema) as writer:
        for batch in parquet.iter_batches(batch_size=job.chunk_rows):
            rows = _rows_in_split(batch, job.split)
            if rows.num_rows == 0:
                continue
            outputs = _predict(predict, _feature_matrix(rows, job, counted, text))
            arrays = [*rows.columns, *_prediction_arrays(outputs, job)]
            writer.write(pa.RecordBatch.from_arrays(arrays, schema=output_schema))
            if SPLIT_COLUMN in schema.names:
                parts.update(value for value in rows.column(SPLIT_COLUMN).to_pylist() if value is not None)
            done += rows.num_rows
            yield {"progress": done, "total": counted.rows}

    with open(output, "rb") as stream:
        blob = store.write(stream)
    yield {
        "result": {
            "sha256": blob.sha256,
            "size": blob.size,
            "rows": done,
            "columns": describe_columns(output_schema),
            "label": job.label,
            "splits": _ordered_parts(parts) if SPLIT_COLUMN in schema.names else None,
            "notes": _notes(counted, activation),
            "fitted": {"fillValues": counted.fill_values, "fittedOn": counted.fitted_on} if counted.fill_values else None,
        }
    }


def _open_parquet(source: str, job: BatchPredictionJob) -> pq.ParquetFile:
    try:
        return pq.ParquetFile(source)
    except (pa.ArrowInvalid, OSError) as error:
        raise BatchPredictionFailed(f"The dataset file {job.dataset_sha256} is not readable Parquet: {error}") from None


def _check_job(job: BatchPredictionJob) -> None:
    if job.task not in TASKS:
        raise BatchPredictionFailed(f"The task {job.task!r} is unknown. Use {' or '.join(TASKS)}.")
    if job.split is not None and job.split not in SPLIT_PARTS:
        raise BatchPredictionFailed(f"The split {job.split!r} is unknown. Use {', '.join(SPLIT_PARTS)}, or none for every row.")
    if not job.features:
        raise BatchPredictionFailed("The batch prediction names no feature columns. Choose the columns the model takes as input.")
    if job.chunk_rows < 1:
        raise BatchPredictionFailed(f"The chunk size {job.chunk_rows} is invalid; it must be at least 1 row.")
    classes = job.classes or []
    if job.task == "classification" and (len(classes) < 2 or len(set(classes)) != len(classes)):
        raise BatchPredictionFailed(
            f"Classification needs at least 2 distinct class names in the model's output order, got {job.classes!r}."
        )
    expected = 1 + len(classes) if job.task == "classification" else 1
    if len(job.output_columns) != expected or len(set(job.output_columns)) != expected:
        raise BatchPredictionFailed(
            f"A {job.task} model adds {expected} distinct prediction columns, but the job names {_listed(job.output_columns)}."
        )


def _check_columns(job: BatchPredictionJob, schema: pa.Schema) -> None:
    available = schema.names
    missing = [name for name in job.features if name not in available]
    if missing:
        raise BatchPredictionFailed(
            f"The dataset version has no feature column {_listed(missing)}, which the model takes as input. "
            f"Its columns are {_listed(available)}."
        )
    if job.split is not None:
        if SPLIT_COLUMN not in available:
            raise BatchPredictionFailed(
                f"The dataset version has no {SPLIT_COLUMN!r} column, so its {job.split!r} rows are unknown. Score every row "
                "(no split), or derive a version with a split operation."
            )
        kind = schema.field(SPLIT_COLUMN).type
        if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
            raise BatchPredictionFailed(f"The {SPLIT_COLUMN!r} column must be text (train, validation or test), but it is {kind}.")
    clashes = [name for name in job.output_columns if name in available]
    if clashes:
        raise BatchPredictionFailed(
            f"The dataset version already has the column {_listed(clashes)}, which batch prediction adds. Start it again with "
            "an outputPrefix."
        )
    if not _is_text_input(schema, job.features):
        not_numeric = [f"{name!r} ({schema.field(name).type})" for name in job.features if not _is_numeric(schema.field(name).type)]
        if not_numeric:
            raise BatchPredictionFailed(
                f"Feature columns must be integer, float or boolean, but {', '.join(not_numeric[:MAX_LISTED])} "
                f"{'is' if len(not_numeric) == 1 else 'are'} not. Score with a model that takes these columns."
            )


def _count_rows(parquet: pq.ParquetFile, job: BatchPredictionJob, text: bool) -> RowCount:
    """Count the rows to score and compute each numeric feature's fill value, reading only the feature and split columns."""
    has_split = SPLIT_COLUMN in parquet.schema_arrow.names
    features = [] if text else list(job.features)
    width = len(features)
    scored_sum, scored_known = np.zeros(width), np.zeros(width, dtype="int64")
    train_sum, train_known = np.zeros(width), np.zeros(width, dtype="int64")
    missing = np.zeros(width, dtype="int64")
    rows = train_rows = 0
    read = [*features, *([SPLIT_COLUMN] if has_split else [])]
    batches = parquet.iter_batches(batch_size=job.chunk_rows, columns=read) if read else []
    if not read:
        rows = parquet.metadata.num_rows
    for batch in batches:
        in_split = _split_mask(batch, job.split)
        rows += int(np.count_nonzero(in_split))
        if not features:
            continue
        values = np.column_stack([_numeric(batch.column(name)) for name in features])
        known = ~np.isnan(values)
        scored_sum += np.where(known & in_split[:, None], values, 0.0).sum(axis=0)
        scored_known += (known & in_split[:, None]).sum(axis=0)
        missing += (~known & in_split[:, None]).sum(axis=0)
        if has_split:
            in_train = _split_mask(batch, "train")
            train_rows += int(np.count_nonzero(in_train))
            train_sum += np.where(known & in_train[:, None], values, 0.0).sum(axis=0)
            train_known += (known & in_train[:, None]).sum(axis=0)

    if rows == 0:
        raise BatchPredictionFailed(
            f"The {job.split!r} split of the dataset version has no rows, so there is nothing to score."
            if job.split is not None
            else "The dataset version has no rows, so there is nothing to score."
        )
    fitted_on = "train" if train_rows else "scored"
    source_sum, source_known = (train_sum, train_known) if train_rows else (scored_sum, scored_known)
    fill_values: dict[str, float] = {}
    filled: dict[str, int] = {}
    for position, name in enumerate(features):
        if not missing[position]:
            continue
        if not source_known[position]:
            raise BatchPredictionFailed(
                f"Feature column {name!r} has no values in the {'train' if train_rows else 'scored'} rows, so its missing "
                "values cannot be filled in."
            )
        fill_values[name] = float(source_sum[position] / source_known[position])
        filled[name] = int(missing[position])
    return RowCount(rows=rows, fill_values=fill_values, filled=filled, fitted_on=fitted_on)


def _model_job(job: BatchPredictionJob) -> EvaluationJob:
    """Return the job the evaluation's model loader and checks read: the model, the features, the task and the classes."""
    return EvaluationJob(
        evaluation_id=job.batch_prediction_id, artifacts=job.artifacts, model_sha256=job.model_sha256,
        model_format=job.model_format, dataset_sha256=job.dataset_sha256, split=job.split, label=job.label or "",
        features=list(job.features), task=job.task, classes=list(job.classes) if job.classes is not None else None, slices=[],
    )


def _output_fields(job: BatchPredictionJob) -> list[pa.Field]:
    prediction, *probabilities = job.output_columns
    kind = pa.string() if job.task == "classification" else pa.float64()
    return [pa.field(prediction, kind), *(pa.field(name, pa.float64()) for name in probabilities)]


def _rows_in_split(batch: pa.RecordBatch, split: str | None) -> pa.RecordBatch:
    if split is None:
        return batch
    return batch.filter(pa.array(_split_mask(batch, split)))


def _split_mask(batch: pa.RecordBatch, split: str | None) -> np.ndarray:
    """Return a boolean mask of the batch's rows in `split`, or of every row when it is None."""
    if split is None:
        return np.ones(batch.num_rows, dtype=bool)
    column = batch.column(SPLIT_COLUMN)
    return pc.fill_null(pc.equal(column, split), False).to_numpy(zero_copy_only=False).astype(bool)


def _feature_matrix(rows: pa.RecordBatch, job: BatchPredictionJob, counted: RowCount, text: bool) -> np.ndarray:
    if text:
        return np.array(pc.fill_null(rows.column(job.features[0]), "").to_pylist(), dtype=object).reshape(-1, 1)
    matrix = np.empty((rows.num_rows, len(job.features)), dtype="float32")
    for position, name in enumerate(job.features):
        values = _numeric(rows.column(name))
        if name in counted.fill_values:
            values = np.where(np.isnan(values), counted.fill_values[name], values)
        matrix[:, position] = values
    return matrix


def _predict(predict: Predictor, x: np.ndarray) -> np.ndarray:
    outputs = predict(x)
    bad_rows = int(np.count_nonzero(~np.isfinite(outputs).all(axis=1)))
    if bad_rows:
        raise BatchPredictionFailed(
            f"The model returned NaN or infinite outputs for {bad_rows} of {len(outputs)} rows of a chunk. Check the feature "
            "columns of those rows for extreme values, or the model for a numerically unstable layer."
        )
    return outputs


def _prediction_arrays(outputs: np.ndarray, job: BatchPredictionJob) -> list[pa.Array]:
    """Return the prediction column, then for a classifier one probability column per class in the model's output order."""
    if job.task == "regression":
        return [pa.array(outputs[:, 0], type=pa.float64())]
    classes = list(job.classes or [])
    probabilities = as_probabilities(outputs, len(classes))
    names = [classes[index] for index in predicted_classes(probabilities)]
    return [
        pa.array(names, type=pa.string()),
        *(pa.array(probabilities[:, position], type=pa.float64()) for position in range(len(classes))),
    ]


def _notes(counted: RowCount, activation: str | None) -> list[str]:
    notes = []
    if counted.filled:
        counts = ", ".join(f"{name!r} ({count})" for name, count in list(counted.filled.items())[:MAX_LISTED])
        source = "the train rows" if counted.fitted_on == "train" else "the scored rows"
        notes.append(f"Missing feature values were replaced by the column's mean over {source}: {counts}.")
    if activation is not None:
        notes.append(f"The model's last layer is linear, so its outputs were read as logits and passed through {activation}.")
    return notes


def _ordered_parts(parts: Counter[str]) -> dict[str, int]:
    ordered = {part: parts[part] for part in SPLIT_PARTS if part in parts}
    ordered.update(sorted((part, count) for part, count in parts.items() if part not in SPLIT_PARTS))
    return ordered


def _is_text_input(schema: pa.Schema, features: list[str]) -> bool:
    kind = schema.field(features[0]).type
    return len(features) == 1 and (pa.types.is_string(kind) or pa.types.is_large_string(kind))


def _is_numeric(kind: pa.DataType) -> bool:
    return pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_boolean(kind)


def _numeric(column: pa.Array) -> np.ndarray:
    """Return the column as float64 with NaN for each null."""
    return pc.cast(column, pa.float64()).to_numpy(zero_copy_only=False).astype("float64")


def _listed(names: list[str]) -> str:
    listed = ", ".join(repr(name) for name in names[:MAX_LISTED])
    return listed + (f" and {len(names) - MAX_LISTED} more" if len(names) > MAX_LISTED else "")
