"""Classification and regression metrics and curves, computed with numpy only.

The definitions follow scikit-learn's (`precision_recall_fscore_support` with
zero_division=0, `roc_auc_score`, `average_precision_score`, `log_loss`, `roc_curve`,
`precision_recall_curve`, `calibration_curve` with the uniform strategy, `r2_score`), and the
tests check every number against them. Results are plain Python values ready for JSON. A
metric that is undefined on the given rows is None, and the result's "notes" list gives the reason.

`y_true` of a classifier is the class index of each row. `probabilities` is the model's
output, shape (rows, classes), or (rows, 1) or (rows,) with the positive class's probability
for a binary model. A binary model predicts its positive class (index 1) when that class's
probability is at least 0.5.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from workers.evaluation.job import EvaluationFailed

LOG_LOSS_EPSILON = 1e-15
DECISION_THRESHOLD = 0.5
CALIBRATION_BINS = 10
RESIDUAL_BINS = 30
DEFAULT_MAX_POINTS = 200
DEFAULT_THRESHOLDS = tuple(round(step * 0.01, 2) for step in range(101))
# Float32 outputs of a softmax sum to 1 within about 1e-6, so a wider gap means the model does not output probabilities.
PROBABILITY_TOLERANCE = 1e-3
MAX_LISTED_CLASSES = 10


def check_finite(predictions: np.ndarray) -> None:
    """Raise EvaluationFailed, with the number of rows affected, if any prediction is NaN or infinite."""
    values = np.asarray(predictions, dtype="float64")
    if values.size == 0:
        return
    rows = values.reshape(len(values), -1) if values.ndim else values.reshape(1, 1)
    bad_rows = int(np.count_nonzero(~np.isfinite(rows).all(axis=1)))
    if bad_rows:
        raise EvaluationFailed(
            f"The model returned NaN or infinite outputs for {bad_rows} of {len(rows)} rows, so no metric can be computed. "
            "Check the feature columns of those rows for extreme values, or the model for a numerically unstable layer."
        )


def as_probabilities(probabilities: np.ndarray, class_count: int) -> np.ndarray:
    """Return the model's output as float64 probabilities of shape (rows, class_count).

    A binary model's single column p becomes the two columns 1 − p and p. Raises
    EvaluationFailed when the output has another width, is not finite, lies outside [0, 1],
    or has rows that do not sum to 1.
    """
    values = np.asarray(probabilities, dtype="float64")
    if values.ndim == 1:
        values = values.reshape(-1, 1)
    if values.ndim != 2:
        raise EvaluationFailed(
            f"The model's output has shape {list(values.shape)}, but a classifier must output one row of class probabilities per input row."
        )
    check_finite(values)

    width = values.shape[1]
    if width == 1 and class_count == 2:
        values = np.concatenate([1.0 - values, values], axis=1)
    elif width != class_count:
        raise EvaluationFailed(
            f"The model outputs {width} values per row, but the label has {class_count} classes, so it needs "
            f"{class_count} outputs{' (or 1 for the positive class)' if class_count == 2 else ''}."
        )

    if values.size and (values.min() < -PROBABILITY_TOLERANCE or values.max() > 1 + PROBABILITY_TOLERANCE):
        raise EvaluationFailed(
            f"The model outputs values from {values.min():.6g} to {values.max():.6g}, but classification metrics need "
            "probabilities from 0 to 1. End the model with a sigmoid or softmax activation."
        )
    if width > 1 and values.size:
        largest_gap = float(np.max(np.abs(values.sum(axis=1) - 1.0)))
        if largest_gap > PROBABILITY_TOLERANCE:
            raise EvaluationFailed(
                f"The model's outputs in a row sum to as far as {largest_gap:.3g} from 1, but class probabilities must sum to 1. "
                "End the model with a softmax activation."
            )
    return np.clip(values, 0.0, 1.0)


def predicted_classes(probabilities: np.ndarray) -> np.ndarray:
    """Return each row's predicted class index: the positive class at p ≥ 0.5 for two classes, else the most probable."""
    if probabilities.shape[1] == 2:
        return (probabilities[:, 1] >= DECISION_THRESHOLD).astype("int64")
    return np.argmax(probabilities, axis=1).astype("int64")


def classification_metrics(y_true: np.ndarray, probabilities: np.ndarray, classes: list[str]) -> dict[str, Any]:
    """Compute accuracy, log loss, per-class and averaged precision, recall and F1, ROC AUC, PR AUC and the confusion matrix.

    Averages are over the classes that occur in `y_true` or in the predictions, as scikit-learn
    does when no labels are given. `rocAuc` and `prAuc` are those of class index 1 for a
    binary model, and the mean over classes of one-vs-rest values for more classes, skipping
    the classes that are absent from `y_true`. `prAuc` is the average precision, the
    step-wise area under the precision-recall curve. Rows of `confusionMatrix` are true classes.
    """
    y_true = _class_indices(y_true, len(classes))
    probabilities = as_probabilities(probabilities, len(classes))
    _check_rows(y_true, probabilities)
    y_pred = predicted_classes(probabilities)
    notes: list[str] = []

    confusion = confusion_matrix(y_true, y_pred, len(classes))
    per_class, averages = _precision_recall_f1(confusion, classes)
    true_probabilities = np.clip(probabilities[np.arange(len(y_true)), y_true], LOG_LOSS_EPSILON, 1 - LOG_LOSS_EPSILON)
    roc_auc, pr_auc = _areas(y_true, probabilities, classes, notes)

    result: dict[str, Any] = {
        "rows": int(len(y_true)),
        "accuracy": float(np.mean(y_true == y_pred)),
        "logLoss": float(-np.mean(np.log(true_probabilities))),
        "perClass": per_class,
        **averages,
        "rocAuc": roc_auc,
        "prAuc": pr_auc,
        "confusionMatrix": confusion.tolist(),
        "notes": notes,
    }
    if len(classes) == 2:
        result["positiveClass"] = classes[1]
        result["decisionThreshold"] = DECISION_THRESHOLD
    return result


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, class_count: int) -> np.ndarray:
    """Return the (classes, classes) count matrix whose rows are true classes and columns predicted classes."""
    flat = np.bincount(y_true * class_count + y_pred, minlength=class_count * class_count)
    return flat.reshape(class_count, class_count)


def classification_curves(
    y_true: np.ndarray, probabilities: np.ndarray, classes: list[str], max_points: int = DEFAULT_MAX_POINTS
) -> dict[str, Any]:
    """Compute ROC and precision-recall curves, and for a binary model its calibration curve.

    A binary model gets one curve of each kind, for its positive class (index 1). More classes
    get one one-vs-rest curve per class that has both positive and negative rows. Each curve
    keeps at most `max_points` points, its first and last among them. A threshold of None
    marks the point where no row is predicted positive (scikit-learn's threshold +inf).
    """
    if max_points < 2:
        raise ValueError(f"max_points must be at least 2, got {max_points}.")
    y_true = _class_indices(y_true, len(classes))
    probabilities = as_probabilities(probabilities, len(classes))
    _check_rows(y_true, probabilities)
    notes: list[str] = []

    curve_classes = [1] if len(classes) == 2 else list(range(len(classes)))
    roc, pr = [], []
    skipped = []
    for index in curve_classes:
        positive = y_true == index
        if positive.all() or not positive.any():
            skipped.append(classes[index])
            continue
        scores = probabilities[:, index]
        roc.append({"class": classes[index], "auc": _roc_auc(positive, scores), **roc_curve(positive, scores, max_points)})
        pr.append(
            {
                "class": classes[index],
                "averagePrecision": _average_precision(positive, scores),
                **precision_recall_curve(positive, scores, max_points),
            }
        )
    if skipped:
        notes.append(
            f"ROC and precision-recall curves are left out for class {_listed(skipped)}, because a curve needs rows "
            "of the class and rows of other classes."
        )

    calibration = None
    if len(classes) == 2:
        calibration = {"class": classes[1], **calibration_curve(y_true == 1, probabilities[:, 1])}
    return {"roc": roc, "pr": pr, "calibration": calibration, "notes": notes}


def roc_curve(positive: np.ndarray, scores: np.ndarray, max_points: int = DEFAULT_MAX_POINTS) -> dict[str, list[Any]]:
    """Return false and true positive rates at each distinct score, dropping collinear points as scikit-learn does.

    Raises ValueError unless `positive` has both True and False values.
    """
    if np.all(positive) or not np.any(positive):
        raise ValueError("A ROC curve needs both positive and negative rows.")
    thresholds, tps, fps = _counts_at_thresholds(positive, scores)
    if len(tps) > 2:
        corners = np.r_[True, np.logical_or(np.diff(fps, 2), np.diff(tps, 2)), True]
        thresholds, tps, fps = thresholds[corners], tps[corners], fps[corners]

    tpr = np.r_[0.0, tps / tps[-1]]
    fpr = np.r_[0.0, fps / fps[-1]]
    indices = _spread(len(tpr), max_points)
    return {
        "fpr": fpr[indices].tolist(),
        "tpr": tpr[indices].tolist(),
        "thresholds": _thresholds_with_start(thresholds, indices),
    }


def precision_recall_curve(
    positive: np.ndarray, scores: np.ndarray, max_points: int = DEFAULT_MAX_POINTS
) -> dict[str, list[Any]]:
    """Return precision and recall at each distinct score, highest threshold first, after a start point (recall 0, precision 1).

    Raises ValueError unless `positive` has a True value.
    """
    if not np.any(positive):
        raise ValueError("A precision-recall curve needs positive rows.")
    thresholds, tps, fps = _counts_at_thresholds(positive, scores)
    precision = np.r_[1.0, _divide(tps, tps + fps)]
    recall = np.r_[0.0, tps / tps[-1]]
    indices = _spread(len(recall), max_points)
    return {
        "precision": precision[indices].tolist(),
        "recall": recall[indices].tolist(),
        "thresholds": _thresholds_with_start(thresholds, indices),
    }


def calibration_curve(positive: np.ndarray, scores: np.ndarray, bins: int = CALIBRATION_BINS) -> dict[str, list[Any]]:
    """Return, for equal-width bins of predicted probability, the mean prediction, the fraction of positives and the count.

    A score on an inner edge falls in the lower bin, as in scikit-learn's calibration_curve.
    Empty bins have a count of 0 and None for both means.
    """
    edges = np.linspace(0.0, 1.0, bins + 1)
    bin_ids = np.searchsorted(edges[1:-1], scores, side="left")
    counts = np.bincount(bin_ids, minlength=bins)
    score_sums = np.bincount(bin_ids, weights=scores, minlength=bins)
    positive_sums = np.bincount(bin_ids, weights=positive.astype("float64"), minlength=bins)
    filled = counts > 0
    return {
        "binEdges": edges.tolist(),
        "meanPredicted": [float(value) if keep else None for value, keep in zip(_divide(score_sums, counts), filled)],
        "fractionPositive": [float(value) if keep else None for value, keep in zip(_divide(positive_sums, counts), filled)],
        "count": counts.astype("int64").tolist(),
    }


def threshold_table(
    y_true: np.ndarray, positive_scores: np.ndarray, thresholds: list[float] | tuple[float, ...] | None = None
) -> list[dict[str, Any]]:
    """Return precision, recall, F1 and confusion counts of a binary model at each threshold.

    A row is predicted positive when its positive-class score is at least the threshold, so
    the row for 0.5 matches `classification_metrics`. `y_true` is 1 for the positive class.
    """
    chosen = np.asarray(DEFAULT_THRESHOLDS if thresholds is None else thresholds, dtype="float64")
    if not np.isfinite(chosen).all():
        raise ValueError("Thresholds must be finite numbers.")
    positive = np.asarray(y_true) == 1
    scores = np.asarray(positive_scores, dtype="float64").reshape(-1)
    check_finite(scores)
    positive_scores_sorted = np.sort(scores[positive])
    negative_scores_sorted = np.sort(scores[~positive])

    tp = len(positive_scores_sorted) - np.searchsorted(positive_scores_sorted, chosen, side="left")
    fp = len(negative_scores_sorted) - np.searchsorted(negative_scores_sorted, chosen, side="left")
    fn = len(positive_scores_sorted) - tp
    tn = len(negative_scores_sorted) - fp
    precision = _divide(tp, tp + fp)
    recall = _divide(tp, tp + fn)
    f1 = _divide(2 * tp, 2 * tp + fp + fn)
    return [
        {
            "threshold": float(chosen[i]),
            "precision": float(precision[i]),
            "recall": float(recall[i]),
            "f1": float(f1[i]),
            "tp": int(tp[i]),
            "fp": int(fp[i]),
            "tn": int(tn[i]),
            "fn": int(fn[i]),
        }
        for i in range(len(chosen))
    ]


def threshold_scores(y_true: np.ndarray, positive_scores: np.ndarray) -> dict[str, Any]:
    """Return the distinct positive-class scores, ascending, with the positive and negative rows scoring at least each.

    This is the exact, compact form of a binary model's scores, with at most one entry per row.
    At any threshold t, the true and false positives are the counts at the first score ≥ t, or
    0 when no score is that high. `backend.application.evaluation_thresholds` finds that score
    by bisection. `y_true` is 1 for the positive class.
    """
    positive = np.asarray(y_true).reshape(-1) == 1
    scores = np.asarray(positive_scores, dtype="float64").reshape(-1)
    if len(positive) != len(scores):
        raise ValueError(f"y_true has {len(positive)} rows but the scores have {len(scores)}.")
    check_finite(scores)

    distinct, score_index = np.unique(scores, return_inverse=True)
    positives_at_score = np.bincount(score_index, weights=positive, minlength=len(distinct))
    negatives_at_score = np.bincount(score_index, weights=~positive, minlength=len(distinct))
    return {
        "scores": distinct.tolist(),
        "positivesAtOrAbove": np.cumsum(positives_at_score[::-1])[::-1].astype("int64").tolist(),
        "negativesAtOrAbove": np.cumsum(negatives_at_score[::-1])[::-1].astype("int64").tolist(),
        "positives": int(np.count_nonzero(positive)),
        "negatives": int(np.count_nonzero(~positive)),
    }


def regression_metrics(y_true: np.ndarray, y_pred: np.ndarray) -> dict[str, Any]:
    """Compute MAE, MSE, RMSE, R² and a 30-bin histogram of the residuals (true − predicted).

    R² is None when there are fewer than 2 rows or the true values are all equal, because it
    divides by their variance. Raises EvaluationFailed if a prediction is NaN or infinite.
    """
    y_pred = np.asarray(y_pred, dtype="float64").reshape(-1)
    y_true = np.asarray(y_true, dtype="float64").reshape(-1)
    check_finite(y_pred)
    if len(y_true) != len(y_pred):
        raise ValueError(f"y_true has {len(y_true)} rows but y_pred has {len(y_pred)}.")
    if len(y_true) == 0:
        raise ValueError("Regression metrics need at least one row.")
    notes: list[str] = []

    residuals = y_true - y_pred
    mse = float(np.mean(residuals**2))
    total = float(np.sum((y_true - y_true.mean()) ** 2))
    r2 = None
    if len(y_true) < 2:
        notes.append("R² is undefined for a single row.")
    elif total == 0.0:
        notes.append("R² is undefined because every true value is the same, so their variance is 0.")
    else:
        r2 = 1.0 - float(np.sum(residuals**2)) / total

    return {
        "rows": int(len(y_true)),
        "mae": float(np.mean(np.abs(residuals))),
        "mse": mse,
        "rmse": float(np.sqrt(mse)),
        "r2": r2,
        "residuals": residual_histogram(residuals),
        "notes": notes,
    }


def residual_histogram(residuals: np.ndarray, bins: int = RESIDUAL_BINS) -> dict[str, Any]:
    """Return equal-width bin counts over the finite residuals, with the range they span."""
    finite = residuals[np.isfinite(residuals)]
    if finite.size == 0:
        return {"low": None, "high": None, "counts": []}
    counts, edges = np.histogram(finite, bins=bins)
    return {"low": float(edges[0]), "high": float(edges[-1]), "counts": counts.astype("int64").tolist()}


def _class_indices(y_true: np.ndarray, class_count: int) -> np.ndarray:
    values = np.asarray(y_true).reshape(-1)
    if values.size and (not np.issubdtype(values.dtype, np.integer) or values.min() < 0 or values.max() >= class_count):
        raise ValueError(f"y_true must contain class indices from 0 to {class_count - 1}.")
    return values.astype("int64")


def _check_rows(y_true: np.ndarray, probabilities: np.ndarray) -> None:
    if len(y_true) != len(probabilities):
        raise ValueError(f"y_true has {len(y_true)} rows but the probabilities have {len(probabilities)}.")
    if len(y_true) == 0:
        raise ValueError("Classification metrics need at least one row.")


def _precision_recall_f1(confusion: np.ndarray, classes: list[str]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    tp = np.diag(confusion).astype("float64")
    fp = confusion.sum(axis=0) - tp
    fn = confusion.sum(axis=1) - tp
    support = confusion.sum(axis=1)
    precision, recall, f1 = _divide(tp, tp + fp), _divide(tp, tp + fn), _divide(2 * tp, 2 * tp + fp + fn)

    per_class = [
        {
            "class": name,
            "precision": float(precision[i]),
            "recall": float(recall[i]),
            "f1": float(f1[i]),
            "support": int(support[i]),
        }
        for i, name in enumerate(classes)
    ]

    occurring = (support > 0) | (confusion.sum(axis=0) > 0)
    weights = support[occurring]
    micro_tp, micro_fp, micro_fn = tp.sum(), fp.sum(), fn.sum()
    averages = {
        "macro": {
            "precision": float(precision[occurring].mean()),
            "recall": float(recall[occurring].mean()),
            "f1": float(f1[occurring].mean()),
        },
        "micro": {
            "precision": float(_divide(micro_tp, micro_tp + micro_fp)),
            "recall": float(_divide(micro_tp, micro_tp + micro_fn)),
            "f1": float(_divide(2 * micro_tp, 2 * micro_tp + micro_fp + micro_fn)),
        },
        "weighted": {
            "precision": float(_divide(np.sum(precision[occurring] * weights), weights.sum())),
            "recall": float(_divide(np.sum(recall[occurring] * weights), weights.sum())),
            "f1": float(_divide(np.sum(f1[occurring] * weights), weights.sum())),
        },
    }
    return per_class, averages


def _areas(y_true: np.ndarray, probabilities: np.ndarray, classes: list[str], notes: list[str]) -> tuple[float | None, float | None]:
    """Return ROC AUC and average precision: of class 1 for two classes, else the one-vs-rest mean over the classes present."""
    if len(classes) == 2:
        positive = y_true == 1
        roc_auc = average_precision = None
        if positive.all() or not positive.any():
            present = classes[1] if positive.all() else classes[0]
            notes.append(f"ROC AUC is undefined because every row has class {present!r}, and it needs rows of both classes.")
        else:
            roc_auc = _roc_auc(positive, probabilities[:, 1])
        if positive.any():
            average_precision = _average_precision(positive, probabilities[:, 1])
        else:
            notes.append(f"PR AUC is undefined because no row has the positive class {classes[1]!r}.")
        return roc_auc, average_precision

    present = [index for index in range(len(classes)) if 0 < np.count_nonzero(y_true == index) < len(y_true)]
    absent = [classes[index] for index in range(len(classes)) if index not in present]
    if not present:
        notes.append("ROC AUC and PR AUC are undefined because the rows contain a single class.")
        return None, None
    if absent:
        notes.append(
            f"ROC AUC and PR AUC average over {len(present)} of {len(classes)} classes. They leave out {_listed(absent)}, "
            "because a one-vs-rest curve needs rows of the class and rows of other classes."
        )
    roc_aucs = [_roc_auc(y_true == index, probabilities[:, index]) for index in present]
    precisions = [_average_precision(y_true == index, probabilities[:, index]) for index in present]
    return float(np.mean(roc_aucs)), float(np.mean(precisions))


def _counts_at_thresholds(positive: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return the distinct scores, highest first, with the true and false positives at score ≥ each of them."""
    order = np.argsort(scores, kind="mergesort")[::-1]
    sorted_scores = np.asarray(scores, dtype="float64")[order]
    sorted_positive = np.asarray(positive, dtype=bool)[order]
    last_of_each_score = np.r_[np.flatnonzero(np.diff(sorted_scores)), len(sorted_scores) - 1]
    tps = np.cumsum(sorted_positive)[last_of_each_score].astype("float64")
    fps = (last_of_each_score + 1) - tps
    return sorted_scores[last_of_each_score], tps, fps


def _roc_auc(positive: np.ndarray, scores: np.ndarray) -> float:
    _, tps, fps = _counts_at_thresholds(positive, scores)
    tpr = np.r_[0.0, tps / tps[-1]]
    fpr = np.r_[0.0, fps / fps[-1]]
    return float(np.trapezoid(tpr, fpr))


def _average_precision(positive: np.ndarray, scores: np.ndarray) -> float:
    _, tps, fps = _counts_at_thresholds(positive, scores)
    recall = np.r_[0.0, tps / tps[-1]]
    precision = tps / (tps + fps)
    return float(np.sum(np.diff(recall) * precision))


def _spread(count: int, max_points: int) -> np.ndarray:
    """Return up to `max_points` evenly spread indices into `count` points, the first and last included."""
    if count <= max_points:
        return np.arange(count)
    return np.unique(np.round(np.linspace(0, count - 1, max_points)).astype("int64"))


def _thresholds_with_start(thresholds: np.ndarray, indices: np.ndarray) -> list[float | None]:
    """Return the thresholds of the points at `indices`, None standing for the start point above every score."""
    with_start = [None, *thresholds.tolist()]
    return [with_start[index] for index in indices]


def _divide(numerator: Any, denominator: Any) -> Any:
    """Divide elementwise, with 0 where the denominator is 0 (scikit-learn's zero_division=0)."""
    numerator = np.asarray(numerator, dtype="float64")
    denominator = np.asarray(denominator, dtype="float64")
    return np.divide(numerator, denominator, out=np.zeros(np.broadcast(numerator, denominator).shape), where=denominator != 0)


def _listed(names: list[str]) -> str:
    listed = ", ".join(repr(name) for name in names[:MAX_LISTED_CLASSES])
    more = f" and {len(names) - MAX_LISTED_CLASSES} more" if len(names) > MAX_LISTED_CLASSES else ""
    return listed + more
