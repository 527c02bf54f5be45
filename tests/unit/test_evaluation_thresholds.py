"""The threshold explorer: metrics at any threshold from the stored scores, checked against scikit-learn."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pytest
from sklearn import metrics as sk
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression

from backend.application.evaluation_thresholds import metrics_at_threshold, threshold_metrics
from backend.domain.base import InvalidInput
from workers.evaluation.metrics import threshold_scores, threshold_table

pytestmark = pytest.mark.unit

EVALUATION_ID = "7d0c1f52-0d1e-4c55-9d6e-0c1f7a1e5b31"


@pytest.fixture(scope="module")
def cancer_scores() -> tuple[np.ndarray, np.ndarray]:
    """Breast cancer labels and a logistic regression's positive-class scores, rounded so that some rows tie."""
    x, y = load_breast_cancer(return_X_y=True)
    model = LogisticRegression(max_iter=5000).fit(x[::2], y[::2])
    return y[1::2], np.round(model.predict_proba(x[1::2])[:, 1], 2)


def stored(y_true: np.ndarray, scores: np.ndarray) -> dict[str, Any]:
    """The scores as the report keeps them, after a round trip through JSON as the API reads them."""
    return json.loads(json.dumps(threshold_scores(y_true, scores), allow_nan=False))


def report_of(y_true: np.ndarray, scores: np.ndarray) -> dict[str, Any]:
    return {"thresholdScores": stored(y_true, scores)}


def sklearn_metrics(y_true: np.ndarray, scores: np.ndarray, threshold: float) -> dict[str, Any]:
    """scikit-learn's values with NaN where a metric is undefined, the way the API returns null."""
    y_pred = (scores >= threshold).astype(int)
    tn, fp, fn, tp = sk.confusion_matrix(y_true, y_pred, labels=[0, 1]).ravel()
    return {
        "tp": int(tp), "fp": int(fp), "tn": int(tn), "fn": int(fn),
        "precision": sk.precision_score(y_true, y_pred, zero_division=np.nan),
        "recall": sk.recall_score(y_true, y_pred, zero_division=np.nan),
        "f1": sk.f1_score(y_true, y_pred, zero_division=np.nan),
        "accuracy": sk.accuracy_score(y_true, y_pred),
        "falsePositiveRate": fp / (fp + tn) if fp + tn else math.nan,
    }


def assert_matches(measured: dict[str, Any], expected: dict[str, Any]) -> None:
    for name in ("tp", "fp", "tn", "fn"):
        assert measured[name] == expected[name], name
    for name in ("precision", "recall", "f1", "accuracy", "falsePositiveRate"):
        if math.isnan(expected[name]):
            assert measured[name] is None, name
        else:
            assert measured[name] == pytest.approx(expected[name], abs=1e-12), name


def test_stored_scores_are_distinct_and_sorted(cancer_scores: tuple[np.ndarray, np.ndarray]) -> None:
    y_true, scores = cancer_scores

    kept = stored(y_true, scores)

    assert kept["scores"] == sorted(set(scores.tolist()))
    assert len(kept["scores"]) < len(scores)
    assert kept["positives"] == int(y_true.sum())
    assert kept["negatives"] == int((y_true == 0).sum())
    assert kept["positivesAtOrAbove"][0] == kept["positives"]
    assert kept["negativesAtOrAbove"][0] == kept["negatives"]


@pytest.mark.parametrize("threshold", [0.0, 1.0, 0.5, 0.005, 0.333, 0.999])
def test_metrics_match_scikit_learn(cancer_scores: tuple[np.ndarray, np.ndarray], threshold: float) -> None:
    y_true, scores = cancer_scores

    measured = threshold_metrics(
        evaluation_id=EVALUATION_ID, status="completed", task="classification", classes=["0", "1"],
        report=report_of(y_true, scores), threshold=threshold,
    )

    assert measured["threshold"] == threshold
    assert_matches(measured, sklearn_metrics(y_true, scores, threshold))


def test_threshold_at_and_between_scores(cancer_scores: tuple[np.ndarray, np.ndarray]) -> None:
    y_true, scores = cancer_scores
    kept = stored(y_true, scores)
    middle = kept["scores"][len(kept["scores"]) // 2]
    above_middle = kept["scores"][len(kept["scores"]) // 2 + 1]

    at_score = metrics_at_threshold(kept, middle)
    between = metrics_at_threshold(kept, (middle + above_middle) / 2)

    assert_matches(at_score, sklearn_metrics(y_true, scores, middle))
    assert_matches(between, sklearn_metrics(y_true, scores, (middle + above_middle) / 2))
    assert at_score["tp"] + at_score["fp"] == int((scores >= middle).sum())
    assert between["tp"] + between["fp"] == int((scores > middle).sum())


def test_scores_of_exactly_zero_and_one() -> None:
    y_true = np.array([0, 0, 1, 1, 0, 1])
    scores = np.array([0.0, 0.0, 1.0, 0.4, 1.0, 0.4])
    kept = stored(y_true, scores)

    at_one = metrics_at_threshold(kept, 1.0)
    at_zero = metrics_at_threshold(kept, 0.0)

    assert (at_one["tp"], at_one["fp"], at_one["tn"], at_one["fn"]) == (1, 1, 2, 2)
    assert_matches(at_one, sklearn_metrics(y_true, scores, 1.0))
    assert (at_zero["tp"], at_zero["fp"]) == (3, 3)
    assert_matches(at_zero, sklearn_metrics(y_true, scores, 0.0))


def test_undefined_rates_are_null() -> None:
    y_true = np.array([0, 0, 0])
    scores = np.array([0.2, 0.3, 0.6])
    kept = stored(y_true, scores)

    nothing_predicted = metrics_at_threshold(kept, 0.9)
    some_predicted = metrics_at_threshold(kept, 0.5)

    assert nothing_predicted["precision"] is None
    assert nothing_predicted["recall"] is None
    assert nothing_predicted["f1"] is None
    assert nothing_predicted["falsePositiveRate"] == 0.0
    assert nothing_predicted["accuracy"] == 1.0
    assert_matches(some_predicted, sklearn_metrics(y_true, scores, 0.5))
    assert some_predicted["precision"] == 0.0


def test_grid_matches_report_table(cancer_scores: tuple[np.ndarray, np.ndarray]) -> None:
    y_true, scores = cancer_scores
    kept = stored(y_true, scores)

    for row in threshold_table(y_true, scores):
        measured = metrics_at_threshold(kept, row["threshold"])
        assert (measured["tp"], measured["fp"], measured["tn"], measured["fn"]) == (row["tp"], row["fp"], row["tn"], row["fn"])


@pytest.mark.parametrize("threshold", [-0.01, 1.01, math.nan, math.inf, -math.inf])
def test_threshold_outside_range_rejected(cancer_scores: tuple[np.ndarray, np.ndarray], threshold: float) -> None:
    y_true, scores = cancer_scores

    with pytest.raises(InvalidInput) as raised:
        threshold_metrics(
            evaluation_id=EVALUATION_ID, status="completed", task="classification", classes=["0", "1"],
            report=report_of(y_true, scores), threshold=threshold,
        )

    assert raised.value.field == "threshold"
    assert "expected a number from 0 to 1" in raised.value.message
    assert raised.value.value == threshold or math.isnan(threshold)


@pytest.mark.parametrize(
    ("status", "task", "classes", "report", "message"),
    [
        ("pending", "classification", ["0", "1"], None, "is still pending"),
        ("failed", "classification", ["0", "1"], None, f"Evaluation {EVALUATION_ID} failed"),
        ("completed", "regression", None, {"thresholdScores": None}, "regression model; the threshold explorer is for binary"),
        ("completed", "classification", ["a", "b", "c"], {"thresholdScores": None}, "3-class model; the threshold explorer is for binary"),
        ("completed", "classification", ["0", "1"], {"thresholds": []}, "Evaluate the model version again"),
    ],
)
def test_evaluation_without_scores_rejected(
    status: str, task: str, classes: list[str] | None, report: dict[str, Any] | None, message: str
) -> None:
    with pytest.raises(InvalidInput) as raised:
        threshold_metrics(evaluation_id=EVALUATION_ID, status=status, task=task, classes=classes, report=report, threshold=0.5)

    assert raised.value.field == "id"
    assert raised.value.value == EVALUATION_ID
    assert message in raised.value.message
