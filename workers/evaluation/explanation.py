"""Integrated gradients for one row of an evaluation, on the evaluation's own rows and model.

The rows come from `data.load_rows` with the evaluation's job, so row i is the i-th row the
report measured. Those are the split's rows that have a label, in the dataset version's order,
with missing feature values filled as the evaluation fills them. The explained output is the
predicted class's probability for a classifier (its class chosen as the report chooses it) and
the predicted value for a regression model. TensorFlow is imported inside the functions.
"""

from __future__ import annotations

import math
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from workers.evaluation.attributions import integrated_gradients
from workers.evaluation.data import load_rows
from workers.evaluation.job import EvaluationFailed, EvaluationJob
from workers.evaluation.metrics import as_probabilities, check_finite, predicted_classes
from workers.evaluation.predictions import check_model_fits, load_model, missing_activation

BASELINES = ("mean", "zero")


def explain_blob(job: EvaluationJob, row: int, steps: int, baseline: str) -> dict[str, Any]:
    """Explain `row` of the job's evaluated rows, loading the model in a temporary folder that is removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="modelcloud-explain-") as folder:
        return explain_row(job, row, steps, baseline, folder)


def explain_row(job: EvaluationJob, row: int, steps: int, baseline: str, workdir: str | Path) -> dict[str, Any]:
    """Return the integrated gradients of `row` with the feature values, baseline, predictions and completeness gap.

    `baseline` "mean" starts the path at each feature's mean over the train rows ("baselineRows"
    is "train"), or over the evaluated rows when the dataset version has no train rows
    ("evaluated"). "zero" starts it at 0. `completenessGap` is the sum of the attributions minus (prediction − baseline
    prediction); it shrinks as `steps` grows. Raises EvaluationFailed with the reason for users.
    """
    if baseline not in BASELINES:
        raise EvaluationFailed(f"The baseline {baseline!r} is unknown. Use {' or '.join(BASELINES)}.")
    rows = load_rows(job)
    if rows.text:
        raise EvaluationFailed(
            f"The feature column {job.features[0]!r} is text, and integrated gradients need numeric feature columns."
        )
    if not 0 <= row < len(rows.x):
        raise EvaluationFailed(f"Row {row} is out of range; the evaluation has {len(rows.x)} rows, from 0 to {len(rows.x) - 1}.")

    model = load_model(job, workdir)
    check_model_fits(model, job, text=False)
    explained_model = _with_activation(model, missing_activation(model, job))
    point = rows.x[row]
    start, baseline_rows = _feature_means(job, rows.x) if baseline == "mean" else (np.zeros_like(point), None)
    _check_finite_inputs(job, point, start, row)

    outputs = _outputs(explained_model, np.stack([point, start]))
    target_class = _target_class(job, outputs[0]) if job.task == "classification" else None
    prediction, baseline_prediction = (_explained_value(job, output, target_class) for output in outputs)
    attributions = integrated_gradients(explained_model, point, start, steps, target_class, features=list(job.features))
    attribution_sum = math.fsum(item["attribution"] for item in attributions)
    if not math.isfinite(attribution_sum):
        raise EvaluationFailed(
            f"The gradients of the model along the path to row {row} are not finite, so no attribution can be computed."
        )

    return {
        "row": row,
        "steps": steps,
        "baseline": baseline,
        "baselineRows": baseline_rows,
        "task": job.task,
        "explainedClass": job.classes[target_class] if job.classes is not None and target_class is not None else None,
        "actual": _actual(job, rows.y_true[row]),
        "prediction": prediction,
        "baselinePrediction": baseline_prediction,
        "attributionSum": attribution_sum,
        "completenessGap": attribution_sum - (prediction - baseline_prediction),
        "features": [
            {"feature": item["feature"], "value": float(value), "baselineValue": float(base), "attribution": item["attribution"]}
            for item, value, base in zip(attributions, point, start)
        ],
    }


def _feature_means(job: EvaluationJob, evaluated: np.ndarray) -> tuple[np.ndarray, str]:
    """Return each feature's mean over the dataset version's labelled train rows, or over the evaluated rows when it has none.

    The train rows come first because the model was fitted around them. A column that was
    constant in training has exactly that value as its train mean. Another split's mean of it
    can differ slightly, and a Normalization layer divides that difference by a near-zero
    train deviation, so the path would start far outside anything the model has seen.
    """
    if job.split != "train":
        try:
            train = load_rows(replace(job, split="train")).x
        except EvaluationFailed:
            train = None
        if train is not None:
            return train.astype("float64").mean(axis=0).astype("float32"), "train"
    return evaluated.astype("float64").mean(axis=0).astype("float32"), "train" if job.split == "train" else "evaluated"


def _with_activation(model: Any, activation: str | None) -> Any:
    """Return the model, or for a classifier that outputs logits, a callable that applies the activation the report applied."""
    if activation is None:
        return model
    import tensorflow as tf

    finish = tf.sigmoid if activation == "sigmoid" else tf.nn.softmax

    def with_activation(inputs: Any, training: bool = False) -> Any:
        return finish(model(inputs, training=training))

    return with_activation


def _outputs(model: Any, x: np.ndarray) -> np.ndarray:
    import tensorflow as tf

    outputs = np.asarray(model(tf.constant(x), training=False), dtype="float64").reshape(len(x), -1)
    check_finite(outputs)
    return outputs


def _target_class(job: EvaluationJob, output: np.ndarray) -> int:
    """Return the class the report predicts for this output: the positive class at p ≥ 0.5 for two classes, else the most probable."""
    probabilities = as_probabilities(output.reshape(1, -1), len(job.classes or []))
    return int(predicted_classes(probabilities)[0])


def _explained_value(job: EvaluationJob, output: np.ndarray, target_class: int | None) -> float:
    if target_class is None:
        return float(output[0])
    return float(as_probabilities(output.reshape(1, -1), len(job.classes or []))[0, target_class])


def _actual(job: EvaluationJob, label: Any) -> str:
    """Return the row's label as text: its class name, or its value for regression."""
    if job.task == "classification" and job.classes is not None:
        return job.classes[int(label)]
    return repr(float(label))


def _check_finite_inputs(job: EvaluationJob, point: np.ndarray, start: np.ndarray, row: int) -> None:
    infinite = [name for name, value, base in zip(job.features, point, start) if not (np.isfinite(value) and np.isfinite(base))]
    if infinite:
        raise EvaluationFailed(
            f"Row {row} or the baseline has an infinite value in {', '.join(repr(name) for name in infinite[:10])}, "
            "so the path between them is undefined. Replace the infinite values in the dataset version."
        )
