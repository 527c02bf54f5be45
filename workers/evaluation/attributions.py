"""Feature attributions: permutation importance for any predict function, integrated gradients for a Keras model.

TensorFlow is imported inside `integrated_gradients` only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from workers.evaluation.metrics import as_probabilities, classification_metrics, regression_metrics

HIGHER_IS_BETTER = {"accuracy": True, "f1": True, "r2": True, "logLoss": False, "mae": False, "rmse": False}
METRICS = {"classification": ("accuracy", "f1", "logLoss"), "regression": ("rmse", "mae", "r2")}
DEFAULT_STEPS = 50

PredictFunction = Callable[[np.ndarray], np.ndarray]


def permutation_importance(
    predict_fn: PredictFunction,
    x: np.ndarray,
    y_true: np.ndarray,
    task: str,
    metric: str,
    repeats: int = 5,
    seed: int = 0,
    *,
    features: list[str] | None = None,
) -> list[dict[str, Any]]:
    """Measure how much `metric` worsens when each feature column is shuffled, most important feature first.

    `predict_fn` maps a (rows, features) array to class probabilities or predicted values.
    `importance` is the mean over `repeats` shuffles of the metric's drop (for logLoss, MAE
    and RMSE, its rise), and `std` is the population standard deviation of those drops.
    Features default to the names feature_0, feature_1 and so on. Raises ValueError for a
    metric the task does not have.
    """
    if metric not in METRICS.get(task, ()):
        raise ValueError(f"Metric {metric!r} is not a {task} metric. Use one of {', '.join(METRICS.get(task, ()))}.")
    if repeats < 1:
        raise ValueError(f"repeats must be at least 1, got {repeats}.")
    x = np.asarray(x)
    if x.ndim != 2:
        raise ValueError(f"x must have shape (rows, features), got {list(x.shape)}.")
    names = list(features) if features is not None else [f"feature_{index}" for index in range(x.shape[1])]
    if len(names) != x.shape[1]:
        raise ValueError(f"{len(names)} feature names were given for {x.shape[1]} columns.")

    baseline = _score(task, metric, y_true, predict_fn(x))
    direction = 1.0 if HIGHER_IS_BETTER[metric] else -1.0
    generator = np.random.default_rng(seed)
    rows = len(x)

    results = []
    for column, name in enumerate(names):
        shuffled = np.concatenate([_with_column_shuffled(x, column, generator) for _ in range(repeats)])
        outputs = predict_fn(shuffled)
        scores = [_score(task, metric, y_true, outputs[repeat * rows : (repeat + 1) * rows]) for repeat in range(repeats)]
        if baseline is None or any(score is None for score in scores):
            results.append({"feature": name, "importance": None, "std": None})
            continue
        drops = direction * (baseline - np.asarray(scores, dtype="float64"))
        results.append({"feature": name, "importance": float(drops.mean()), "std": float(drops.std())})

    measured = sorted((item for item in results if item["importance"] is not None), key=lambda item: -item["importance"])
    return measured + [item for item in results if item["importance"] is None]


def integrated_gradients(
    model: Any,
    row: np.ndarray,
    baseline: np.ndarray | None = None,
    steps: int = DEFAULT_STEPS,
    target_class: int | None = None,
    *,
    features: list[str] | None = None,
) -> list[dict[str, Any]]:
    """Attribute one output of a Keras model that has one numeric input to the features of one row.

    The gradients along the straight path from `baseline` (zeros unless given, such as the
    feature means) to `row` are averaged with the trapezoidal rule over `steps` intervals, so
    the attributions sum to about f(row) − f(baseline). With several output columns, f is the
    column of `target_class`, by default the row's most probable class. With a single column
    (a sigmoid or a regression), f is that column, or 1 minus it when `target_class` is 0.
    Attributions keep the input order.
    """
    import tensorflow as tf

    if steps < 1:
        raise ValueError(f"steps must be at least 1, got {steps}.")
    point = np.asarray(row, dtype="float32").reshape(-1)
    start = np.zeros_like(point) if baseline is None else np.asarray(baseline, dtype="float32").reshape(-1)
    if start.shape != point.shape:
        raise ValueError(f"The baseline has {start.size} values, but the row has {point.size}.")
    names = list(features) if features is not None else [f"feature_{index}" for index in range(point.size)]
    if len(names) != point.size:
        raise ValueError(f"{len(names)} feature names were given for {point.size} values.")

    fractions = np.linspace(0.0, 1.0, steps + 1, dtype="float32").reshape(-1, 1)
    path = tf.constant(start + fractions * (point - start))
    with tf.GradientTape() as tape:
        tape.watch(path)
        outputs = model(path, training=False)
        target = _target_output(outputs, target_class)
    # Each path point is a separate row, so the gradient of the summed target is every row's own gradient.
    gradients = tape.gradient(target, path).numpy().astype("float64")

    average_gradient = ((gradients[:-1] + gradients[1:]) / 2.0).mean(axis=0)
    attributions = (point - start).astype("float64") * average_gradient
    return [{"feature": name, "attribution": float(value)} for name, value in zip(names, attributions)]


def _target_output(outputs: Any, target_class: int | None) -> Any:
    """Return the output column that integrated gradients explains, one value per path point."""
    width = outputs.shape[-1]
    if width == 1 or len(outputs.shape) == 1:
        column = outputs if len(outputs.shape) == 1 else outputs[:, 0]
        if target_class not in (None, 0, 1):
            raise ValueError(f"target_class {target_class} does not exist in a model with one output column.")
        return 1.0 - column if target_class == 0 else column
    if target_class is None:
        # The last path point is the row itself.
        target_class = int(np.argmax(outputs[-1].numpy()))
    if not 0 <= target_class < width:
        raise ValueError(f"target_class {target_class} is out of range for a model with {width} outputs.")
    return outputs[:, target_class]


def _with_column_shuffled(x: np.ndarray, column: int, generator: np.random.Generator) -> np.ndarray:
    shuffled = x.copy()
    shuffled[:, column] = generator.permutation(x[:, column])
    return shuffled


def _score(task: str, metric: str, y_true: np.ndarray, outputs: np.ndarray) -> float | None:
    if task == "regression":
        return regression_metrics(y_true, outputs)[metric]
    outputs = np.asarray(outputs)
    class_count = 2 if outputs.ndim == 1 or outputs.shape[1] == 1 else outputs.shape[1]
    measured = classification_metrics(y_true, as_probabilities(outputs, class_count), [str(index) for index in range(class_count)])
    return measured["macro"]["f1"] if metric == "f1" else measured[metric]
