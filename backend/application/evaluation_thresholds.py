"""A binary classifier's precision, recall and confusion counts at any decision threshold, from its evaluation report.

The worker stores the exact scores of a binary classifier in the report as "thresholdScores":
the distinct positive-class scores in ascending order, with the numbers of positive and negative
rows that score at least each of them (`workers.evaluation.metrics.threshold_scores`). A row is
predicted positive when its score is at least the threshold, as in the report's threshold table,
so the counts at a threshold t are those at the first stored score ≥ t, found by bisection.
Plain Python, because this runs in the API process.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from typing import Any

from backend.domain.base import InvalidInput
from backend.domain.evaluation import COMPLETED, FAILED

SCORES_KEY = "thresholdScores"


def threshold_metrics(
    *, evaluation_id: str, status: str, task: str, classes: list[str] | None, report: dict[str, Any] | None, threshold: float
) -> dict[str, Any]:
    """Return the confusion counts, precision, recall, F1, accuracy and false positive rate at `threshold`.

    A rate whose denominator is 0 is None. Precision is None when no row is predicted positive,
    recall when no row is positive, and the false positive rate when no row is negative. F1 is
    None when there are neither positive rows nor positive predictions. Accuracy is always defined,
    because a completed evaluation has at least one row. Raises InvalidInput for a
    threshold outside [0, 1], an evaluation that has not completed, one that is not of a binary
    classifier, and a report from before the scores were stored.
    """
    check_threshold(threshold)
    scores = _stored_scores(evaluation_id, status, task, classes, report)
    return metrics_at_threshold(scores, threshold)


def check_threshold(threshold: float) -> None:
    if not isinstance(threshold, (int, float)) or not math.isfinite(threshold) or not 0.0 <= threshold <= 1.0:
        raise InvalidInput(
            f"threshold {threshold!r} is invalid; expected a number from 0 to 1, the positive-class score at or above "
            "which a row is predicted positive.",
            field="threshold",
            value=threshold,
        )


def metrics_at_threshold(scores: dict[str, Any], threshold: float) -> dict[str, Any]:
    """Compute the metrics at `threshold` from a `thresholdScores` dict of the report."""
    ascending: list[float] = scores["scores"]
    positives, negatives = int(scores["positives"]), int(scores["negatives"])
    first_at_or_above = bisect_left(ascending, threshold)
    if first_at_or_above < len(ascending):
        tp = int(scores["positivesAtOrAbove"][first_at_or_above])
        fp = int(scores["negativesAtOrAbove"][first_at_or_above])
    else:
        tp = fp = 0
    fn = positives - tp
    tn = negatives - fp
    return {
        "threshold": float(threshold),
        "tp": tp,
        "fp": fp,
        "tn": tn,
        "fn": fn,
        "precision": _ratio(tp, tp + fp),
        "recall": _ratio(tp, tp + fn),
        "f1": _ratio(2 * tp, 2 * tp + fp + fn),
        "accuracy": (tp + tn) / (positives + negatives),
        "falsePositiveRate": _ratio(fp, fp + tn),
    }


def _stored_scores(
    evaluation_id: str, status: str, task: str, classes: list[str] | None, report: dict[str, Any] | None
) -> dict[str, Any]:
    if status != COMPLETED:
        outcome = "failed" if status == FAILED else "is still pending"
        raise InvalidInput(
            f"Evaluation {evaluation_id} {outcome}, so it has no scores to apply a threshold to; "
            "thresholdMetrics needs a completed evaluation.",
            field="id",
            value=evaluation_id,
        )
    if task != "classification" or classes is None or len(classes) != 2:
        kind = "a regression" if task != "classification" else f"a {len(classes or [])}-class"
        raise InvalidInput(
            f"Evaluation {evaluation_id} is of {kind} model; the threshold explorer is for binary classifiers, "
            "whose rows are predicted positive at or above a threshold.",
            field="id",
            value=evaluation_id,
        )
    scores = (report or {}).get(SCORES_KEY)
    if not scores:
        raise InvalidInput(
            f"Evaluation {evaluation_id} was completed before reports kept the scores that thresholdMetrics needs. "
            "Evaluate the model version again to explore its thresholds; its `thresholds` table still covers steps of 0.01.",
            field="id",
            value=evaluation_id,
        )
    return scores


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None
