"""Run one evaluation: load the rows and the model, predict, and build the JSON report.

The report is a dict of plain JSON values (no numpy types, no NaN or infinity):

- "evaluationId", "task", "split", "label", "features", "classes" (None for regression)
- "rows": rows evaluated, and "droppedRows": rows of the split left out for a missing label
- "metrics": `metrics.classification_metrics` or `metrics.regression_metrics` without the
  residual histogram
- "curves": for classification "roc", "pr" and "calibration" (None unless binary), and for
  regression "residuals", the residual histogram
- "thresholds": `metrics.threshold_table` for a binary model, else None
- "thresholdScores": `metrics.threshold_scores` for a binary model, else None, from which
  `backend.application.evaluation_thresholds` computes the metrics at any threshold
- "primaryMetric": "accuracy" or "rmse", the metric whose difference from overall is each slice's gap
- "slices": `slicing.slice_metrics`, worst first
- "attributions": {"permutation", "metric", "rows", "repeats"} for models with numeric
  inputs, else None
- "notes": why a metric is missing or how the rows were prepared
"""

from __future__ import annotations

import logging
import math
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from backend.domain.expressions import columns_of
from workers.evaluation.attributions import permutation_importance
from workers.evaluation.data import EvaluationRows, load_rows
from workers.evaluation.job import MODEL_FORMATS, SPLITS, TASKS, EvaluationFailed, EvaluationJob
from workers.evaluation.metrics import (
    as_probabilities,
    check_finite,
    classification_curves,
    classification_metrics,
    regression_metrics,
    threshold_scores,
    threshold_table,
)
from workers.evaluation.predictions import Predictor, batch_predictor, check_model_fits, load_model, missing_activation
from workers.evaluation.slicing import PRIMARY_METRICS, slice_metrics

log = logging.getLogger(__name__)

PERMUTATION_MAX_ROWS = 2000
PERMUTATION_REPEATS = 5
# Log loss moves with every probability, so it ranks features even where accuracy or F1 would not change.
PERMUTATION_METRICS = {"classification": "logLoss", "regression": "rmse"}


def evaluate_blob(job: EvaluationJob) -> dict[str, Any]:
    """Evaluate the job's model on its dataset rows and return the report, removing the temporary files first."""
    with tempfile.TemporaryDirectory(prefix="modelcloud-evaluate-") as folder:
        return run_evaluation(job, folder)


def run_evaluation(job: EvaluationJob, workdir: str | Path | None = None) -> dict[str, Any]:
    """Evaluate the job and return the report. Raises EvaluationFailed with the reason for users.

    The model blob is copied into `workdir` for Keras to load, or into a temporary folder
    that is removed afterwards when `workdir` is None.
    """
    if workdir is None:
        return evaluate_blob(job)
    started = time.monotonic()
    log.info("evaluation started", extra={"evaluation_id": job.evaluation_id})
    _check_job(job)

    rows = load_rows(job, _slice_columns(job))
    model = load_model(job, workdir)
    check_model_fits(model, job, text=rows.text)
    activation = missing_activation(model, job)
    predict = batch_predictor(model, text=rows.text, activation=activation)
    outputs = predict(rows.x)
    check_finite(outputs)

    notes = list(rows.notes)
    if activation is not None:
        notes.append(f"The model's last layer is linear, so its outputs were read as logits and passed through {activation}.")
    if job.task == "classification":
        measured = _classification(job, rows, outputs, notes)
    else:
        measured = _regression(job, rows, outputs, notes)

    report = {
        "evaluationId": job.evaluation_id,
        "task": job.task,
        "split": job.split,
        "label": job.label,
        "features": list(job.features),
        "classes": list(job.classes) if job.classes is not None else None,
        "rows": int(rows.table.num_rows),
        "droppedRows": rows.dropped_rows,
        **measured,
        "primaryMetric": PRIMARY_METRICS[job.task],
        "slices": slice_metrics(
            {name: rows.table[name] for name in rows.table.column_names},
            rows.y_true,
            outputs if job.task == "classification" else outputs[:, 0],
            job.slices,
            task=job.task,
            classes=job.classes,
            label=job.label,
        ),
        "attributions": None if rows.text else _attributions(job, rows, predict),
        "notes": notes,
    }
    log.info(
        "evaluation finished",
        extra={"evaluation_id": job.evaluation_id, "rows": report["rows"], "seconds": round(time.monotonic() - started, 3)},
    )
    return _plain(report, job.evaluation_id)


def _classification(job: EvaluationJob, rows: EvaluationRows, outputs: np.ndarray, notes: list[str]) -> dict[str, Any]:
    classes = job.classes or []
    probabilities = as_probabilities(outputs, len(classes))
    metrics = classification_metrics(rows.y_true, probabilities, classes)
    curves = classification_curves(rows.y_true, probabilities, classes)
    notes.extend(metrics.pop("notes"))
    notes.extend(curves.pop("notes"))
    binary = len(classes) == 2
    thresholds = threshold_table(rows.y_true, probabilities[:, 1]) if binary else None
    scores = threshold_scores(rows.y_true, probabilities[:, 1]) if binary else None
    return {"metrics": metrics, "curves": curves, "thresholds": thresholds, "thresholdScores": scores}


def _regression(job: EvaluationJob, rows: EvaluationRows, outputs: np.ndarray, notes: list[str]) -> dict[str, Any]:
    metrics = regression_metrics(rows.y_true, outputs[:, 0])
    notes.extend(metrics.pop("notes"))
    residuals = metrics.pop("residuals")
    return {"metrics": metrics, "curves": {"residuals": residuals}, "thresholds": None, "thresholdScores": None}


def _attributions(job: EvaluationJob, rows: EvaluationRows, predict: Predictor) -> dict[str, Any]:
    """Return permutation importance over at most PERMUTATION_MAX_ROWS rows, chosen at random with a fixed seed."""
    chosen = np.arange(len(rows.x))
    if len(chosen) > PERMUTATION_MAX_ROWS:
        chosen = np.sort(np.random.default_rng(0).choice(len(chosen), PERMUTATION_MAX_ROWS, replace=False))
    metric = PERMUTATION_METRICS[job.task]
    importance = permutation_importance(
        predict,
        rows.x[chosen],
        rows.y_true[chosen],
        job.task,
        metric,
        repeats=PERMUTATION_REPEATS,
        seed=0,
        features=list(job.features),
    )
    return {"permutation": importance, "metric": metric, "rows": int(len(chosen)), "repeats": PERMUTATION_REPEATS}


def _check_job(job: EvaluationJob) -> None:
    if job.task not in TASKS:
        raise EvaluationFailed(f"The task {job.task!r} is unknown. Use {' or '.join(TASKS)}.")
    if job.model_format not in MODEL_FORMATS:
        raise EvaluationFailed(f"The model format {job.model_format!r} is unknown. Use {' or '.join(MODEL_FORMATS)}.")
    if job.split is not None and job.split not in SPLITS:
        raise EvaluationFailed(f"The split {job.split!r} is unknown. Use {', '.join(SPLITS)}, or none for every row.")
    if not job.features:
        raise EvaluationFailed("The evaluation names no feature columns. Choose the columns the model takes as input.")
    repeated = sorted({name for name in job.features if job.features.count(name) > 1})
    if repeated:
        raise EvaluationFailed(f"The feature columns name {', '.join(repr(name) for name in repeated)} more than once.")
    if job.label in job.features:
        raise EvaluationFailed(f"The label column {job.label!r} is also a feature column. Remove it from the features.")
    if job.task == "classification" and (not job.classes or len(job.classes) < 2 or len(set(job.classes)) != len(job.classes)):
        raise EvaluationFailed(
            f"Classification needs at least 2 distinct class names in the model's output order, got {job.classes!r}."
        )


def _slice_columns(job: EvaluationJob) -> list[str]:
    """Return the columns the slice specs read, beyond the features and the label."""
    names: list[str] = []
    for spec in job.slices:
        if not isinstance(spec, dict):
            continue
        if spec.get("kind") == "filter":
            try:
                names.extend(sorted(columns_of(spec.get("filter"))))
            except (KeyError, TypeError, AttributeError):
                raise EvaluationFailed(f"The filter of slice {spec.get('name')!r} is not a valid filter tree.") from None
        elif isinstance(spec.get("feature"), str):
            names.append(spec["feature"])
    return [name for name in dict.fromkeys(names) if name not in job.features and name != job.label]


def _plain(report: dict[str, Any], evaluation_id: str) -> dict[str, Any]:
    """Return the report with numpy values as Python values and any NaN or infinity as None, logging how many were replaced."""
    replaced = [0]
    plain = _plain_value(report, replaced)
    if replaced[0]:
        log.warning(
            "evaluation report had non-finite numbers, stored as null",
            extra={"evaluation_id": evaluation_id, "count": replaced[0]},
        )
    return plain


def _plain_value(value: Any, replaced: list[int]) -> Any:
    if isinstance(value, dict):
        return {str(key): _plain_value(item, replaced) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain_value(item, replaced) for item in value]
    if isinstance(value, np.ndarray):
        return _plain_value(value.tolist(), replaced)
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        replaced[0] += 1
        return None
    return value
