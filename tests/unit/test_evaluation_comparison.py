"""Comparing evaluations: metric rows side by side, the best value, data notes, curves and version diffs.

The reports are built by the worker's own metric functions on small arrays, so they have the
shape and the values the worker stores.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
from sklearn import metrics as sk

from backend.application.evaluation_comparison import (
    CatalogNames,
    EvaluatedData,
    check_compared_ids,
    compare_evaluations,
    latest_common_evaluations,
    metric_differences,
    metric_values,
)
from backend.domain.base import InvalidInput
from workers.evaluation.metrics import classification_curves, classification_metrics, regression_metrics

pytestmark = pytest.mark.unit

BINARY_TRUTH = np.array([0, 0, 1, 1, 1, 0, 1, 0])
GOOD_SCORES = np.array([0.1, 0.3, 0.8, 0.7, 0.9, 0.2, 0.6, 0.4])
POOR_SCORES = np.array([0.6, 0.3, 0.4, 0.7, 0.9, 0.2, 0.3, 0.8])


def classification_report(truth: np.ndarray, scores: np.ndarray, classes: list[str]) -> dict[str, Any]:
    probabilities = scores.reshape(-1, 1) if scores.ndim == 1 else scores
    metrics = classification_metrics(truth, probabilities, classes)
    curves = classification_curves(truth, probabilities, classes)
    metrics.pop("notes")
    curves.pop("notes")
    return {"task": "classification", "metrics": metrics, "curves": curves}


def regression_report(truth: np.ndarray, predicted: np.ndarray) -> dict[str, Any]:
    metrics = regression_metrics(truth, predicted)
    metrics.pop("notes")
    return {"task": "regression", "metrics": metrics, "curves": {"residuals": metrics.pop("residuals")}}


def evaluation_row(evaluation_id: str, **fields: Any) -> dict[str, Any]:
    row = {
        "evaluation_id": evaluation_id, "status": "completed", "task": "classification", "model_id": "model-1", "version_number": 1,
        "dataset_id": "dataset-1", "dataset_version_id": "data-1", "split": "test", "label": "target",
        "classes": json.dumps(["0", "1"]), "report_sha256": evaluation_id, "requested_position": 1,
    }
    row.update(fields)
    return row


NAMES = CatalogNames(models={"model-1": "cancer", "model-2": "cancer-wide"}, datasets={"dataset-1": "breast-cancer"},
                     dataset_versions={"data-1": 2, "data-2": 3})


def compared(*pairs: tuple[dict[str, Any], dict[str, Any]], catalog: CatalogNames = NAMES) -> Any:
    reports = {row["report_sha256"]: report for row, report in pairs}
    return compare_evaluations([row for row, _report in pairs], reports.__getitem__, catalog)


def by_name(comparison: Any) -> dict[str, Any]:
    return {metric.name: metric for metric in comparison.metrics}


@pytest.mark.parametrize("count", [0, 1, 11])
def test_ids_outside_two_to_ten_rejected(count: int) -> None:
    with pytest.raises(InvalidInput) as raised:
        check_compared_ids([f"id-{number}" for number in range(count)])

    assert raised.value.field == "ids"
    assert raised.value.value == count
    assert f"takes 2 to 10 evaluation ids, but ids contains {count}." in raised.value.message


def test_repeated_id_rejected() -> None:
    with pytest.raises(InvalidInput) as raised:
        check_compared_ids(["a", "b", "a"])

    assert raised.value.value == "a"
    assert "names evaluation a twice" in raised.value.message


def test_pending_evaluation_rejected() -> None:
    good = classification_report(BINARY_TRUTH, GOOD_SCORES, ["0", "1"])

    with pytest.raises(InvalidInput) as raised:
        compared((evaluation_row("first"), good), (evaluation_row("second", status="pending", report_sha256=None), good))

    assert raised.value.field == "ids"
    assert raised.value.value == "second"
    assert "Evaluation second is pending, but only completed evaluations can be compared" in raised.value.message


def test_other_task_rejected() -> None:
    good = classification_report(BINARY_TRUTH, GOOD_SCORES, ["0", "1"])
    regression = regression_report(np.array([1.0, 2.0, 3.0]), np.array([1.5, 2.0, 2.5]))

    with pytest.raises(InvalidInput) as raised:
        compared((evaluation_row("first"), good), (evaluation_row("second", task="regression", classes=None), regression))

    assert raised.value.value == "second"
    assert "is a regression evaluation, but evaluation first is a classification evaluation" in raised.value.message


def test_metric_values_in_given_order() -> None:
    good = classification_report(BINARY_TRUTH, GOOD_SCORES, ["0", "1"])
    poor = classification_report(BINARY_TRUTH, POOR_SCORES, ["0", "1"])

    comparison = compared((evaluation_row("poor"), poor), (evaluation_row("good"), good))
    metrics = by_name(comparison)

    assert comparison.task == "classification"
    assert metrics["accuracy"].values == [
        sk.accuracy_score(BINARY_TRUTH, POOR_SCORES >= 0.5), sk.accuracy_score(BINARY_TRUTH, GOOD_SCORES >= 0.5)
    ]
    assert metrics["rocAuc"].values == pytest.approx(
        [sk.roc_auc_score(BINARY_TRUTH, POOR_SCORES), sk.roc_auc_score(BINARY_TRUTH, GOOD_SCORES)]
    )
    assert metrics["macro.f1"].values == pytest.approx(
        [sk.f1_score(BINARY_TRUTH, POOR_SCORES >= 0.5, average="macro"), sk.f1_score(BINARY_TRUTH, GOOD_SCORES >= 0.5, average="macro")]
    )
    assert metrics["perClass.1.recall"].values == pytest.approx(
        [sk.recall_score(BINARY_TRUTH, POOR_SCORES >= 0.5), sk.recall_score(BINARY_TRUTH, GOOD_SCORES >= 0.5)]
    )
    assert metrics["accuracy"].best == [1]
    assert metrics["accuracy"].higher_is_better is True


def test_log_loss_best_is_lowest() -> None:
    good = classification_report(BINARY_TRUTH, GOOD_SCORES, ["0", "1"])
    poor = classification_report(BINARY_TRUTH, POOR_SCORES, ["0", "1"])

    metrics = by_name(compared((evaluation_row("good"), good), (evaluation_row("poor"), poor)))

    assert metrics["logLoss"].higher_is_better is False
    assert metrics["logLoss"].values[0] < metrics["logLoss"].values[1]
    assert metrics["logLoss"].best == [0]


def test_equal_values_share_best() -> None:
    good = classification_report(BINARY_TRUTH, GOOD_SCORES, ["0", "1"])

    metrics = by_name(compared((evaluation_row("a"), good), (evaluation_row("b"), good), (evaluation_row("c"), good)))

    assert metrics["accuracy"].best == [0, 1, 2]


def test_nearly_equal_values_tie() -> None:
    good = classification_report(BINARY_TRUTH, GOOD_SCORES, ["0", "1"])
    # The same accuracy summed in another order: it differs only in the last bits.
    accuracy = good["metrics"]["accuracy"]
    nearly = {**good, "metrics": {**good["metrics"], "accuracy": accuracy * (1 + 1e-15), "logLoss": 0.0}}
    exact = {**good, "metrics": {**good["metrics"], "logLoss": -0.0}}

    differences = {difference.name: difference for difference in metric_differences(nearly, exact)}
    metrics = by_name(compared((evaluation_row("nearly"), nearly), (evaluation_row("exact"), exact)))

    assert nearly["metrics"]["accuracy"] != accuracy
    assert differences["accuracy"].difference == 0
    assert differences["accuracy"].better is None
    assert str(differences["logLoss"].difference) == "0.0"
    assert differences["logLoss"].better is None
    assert metrics["accuracy"].best == [0, 1]


def test_small_real_difference_has_better() -> None:
    good = classification_report(BINARY_TRUTH, GOOD_SCORES, ["0", "1"])
    higher = {**good, "metrics": {**good["metrics"], "accuracy": good["metrics"]["accuracy"] + 1e-6}}

    differences = {difference.name: difference for difference in metric_differences(good, higher)}

    assert differences["accuracy"].difference == pytest.approx(1e-6)
    assert differences["accuracy"].better == "b"


def test_undefined_metric_has_no_best() -> None:
    # Every row of the first class: ROC AUC needs both classes, so it is undefined in both reports.
    truth = np.zeros(4, dtype="int64")
    first = classification_report(truth, np.array([0.1, 0.2, 0.3, 0.4]), ["0", "1"])
    second = classification_report(truth, np.array([0.6, 0.2, 0.3, 0.4]), ["0", "1"])

    metrics = by_name(compared((evaluation_row("a"), first), (evaluation_row("b"), second)))

    assert metrics["rocAuc"].values == [None, None]
    assert metrics["rocAuc"].best == []
    assert metrics["accuracy"].best == [0]


def test_same_data_has_no_note() -> None:
    good = classification_report(BINARY_TRUTH, GOOD_SCORES, ["0", "1"])

    comparison = compared((evaluation_row("a"), good), (evaluation_row("b"), good))

    assert comparison.same_data is True
    assert comparison.different_classes is False
    assert comparison.notes == []


def test_other_split_is_noted_by_name() -> None:
    good = classification_report(BINARY_TRUTH, GOOD_SCORES, ["0", "1"])
    other = evaluation_row("b", model_id="model-2", version_number=4, split=None, dataset_version_id="data-2")

    comparison = compared((evaluation_row("a"), good), (other, good))

    assert comparison.same_data is False
    assert comparison.notes == [
        "The evaluations measured different data, so their metrics are not strictly comparable. "
        "cancer v1: the test split of dataset breast-cancer v2, label 'target'; "
        "cancer-wide v4: every row of dataset breast-cancer v3, label 'target'."
    ]


def test_data_names_each_evaluation() -> None:
    good = classification_report(BINARY_TRUTH, GOOD_SCORES, ["0", "1"])
    other = evaluation_row("b", model_id="model-2", version_number=4, split="validation", label="diagnosis")

    comparison = compared((evaluation_row("a"), good), (other, good))

    assert comparison.data == [
        EvaluatedData(evaluation_id="a", model_name="cancer", model_version_number=1, dataset_name="breast-cancer",
                      dataset_version_id="data-1", dataset_version_number=2, split="test", label="target"),
        EvaluatedData(evaluation_id="b", model_name="cancer-wide", model_version_number=4, dataset_name="breast-cancer",
                      dataset_version_id="data-1", dataset_version_number=2, split="validation", label="diagnosis"),
    ]


def test_unnamed_data_falls_back_to_ids() -> None:
    good = classification_report(BINARY_TRUTH, GOOD_SCORES, ["0", "1"])

    comparison = compared((evaluation_row("a"), good), (evaluation_row("b", split="train"), good), catalog=CatalogNames())

    assert comparison.data[0].model_name == "model-1"
    assert comparison.data[0].dataset_version_number is None
    assert "model-1 v1: the test split of version data-1 of dataset dataset-1, label 'target'" in comparison.notes[0]


def test_other_classes_give_null_class_metrics() -> None:
    binary = classification_report(BINARY_TRUTH, GOOD_SCORES, ["0", "1"])
    truth = np.array([0, 1, 2, 2])
    probabilities = np.array([[0.8, 0.1, 0.1], [0.2, 0.7, 0.1], [0.1, 0.1, 0.8], [0.3, 0.3, 0.4]])
    three = classification_report(truth, probabilities, ["0", "1", "2"])

    comparison = compared((evaluation_row("binary"), binary), (evaluation_row("three", classes=json.dumps(["0", "1", "2"])), three))
    metrics = by_name(comparison)

    assert metrics["perClass.2.f1"].values == [None, 1.0]
    assert metrics["perClass.2.f1"].best == [1]
    assert comparison.different_classes is True
    assert comparison.same_data is True
    assert comparison.notes == [
        "The evaluations have different classes, so a per-class metric is null for an evaluation without that class."
    ]


def test_binary_curves_are_points() -> None:
    good = classification_report(BINARY_TRUTH, GOOD_SCORES, ["0", "1"])
    fpr, tpr, _ = sk.roc_curve(BINARY_TRUTH, GOOD_SCORES)

    curves = compared((evaluation_row("a"), good), (evaluation_row("b"), good)).curves[0]

    assert curves.evaluation_id == "a"
    assert [curve.class_name for curve in curves.roc] == ["1"]
    roc = curves.roc[0]
    assert roc.area == pytest.approx(sk.roc_auc_score(BINARY_TRUTH, GOOD_SCORES))
    assert [point.x for point in roc.points] == pytest.approx(fpr.tolist())
    assert [point.y for point in roc.points] == pytest.approx(tpr.tolist())
    assert roc.points[0].threshold is None
    assert roc.points[-1].threshold == pytest.approx(GOOD_SCORES.min())
    pr = curves.pr[0]
    assert pr.area == pytest.approx(sk.average_precision_score(BINARY_TRUTH, GOOD_SCORES))
    assert [point.x for point in pr.points] == good["curves"]["pr"][0]["recall"]
    assert [point.y for point in pr.points] == good["curves"]["pr"][0]["precision"]
    assert (pr.points[0].x, pr.points[0].y) == (0.0, 1.0)
    assert curves.residuals is None


def test_regression_rows_and_residuals() -> None:
    truth = np.array([3.0, 5.0, 2.5, 7.0, 4.0])
    close = regression_report(truth, np.array([2.8, 5.1, 2.9, 6.5, 4.2]))
    far = regression_report(truth, np.array([1.0, 6.0, 4.0, 5.0, 4.0]))
    rows = [evaluation_row(name, task="regression", classes=None) for name in ("far", "close")]

    comparison = compare_evaluations(rows, {"far": far, "close": close}.__getitem__)
    metrics = by_name(comparison)

    assert list(metrics) == ["mae", "mse", "rmse", "r2"]
    assert metrics["mae"].values == pytest.approx(
        [sk.mean_absolute_error(truth, [1.0, 6.0, 4.0, 5.0, 4.0]), sk.mean_absolute_error(truth, [2.8, 5.1, 2.9, 6.5, 4.2])]
    )
    assert metrics["rmse"].best == [1]
    assert metrics["r2"].best == [1]
    residuals = comparison.curves[1].residuals
    assert residuals is not None
    assert residuals.counts == np.histogram(truth - np.array([2.8, 5.1, 2.9, 6.5, 4.2]), bins=30)[0].tolist()
    assert comparison.curves[1].roc == []


def test_latest_shared_data_is_chosen() -> None:
    rows_a = [
        evaluation_row("a-new-other", dataset_version_id="data-2", requested_position=9),
        evaluation_row("a-new", requested_position=7),
        evaluation_row("a-old", requested_position=3),
    ]
    rows_b = [
        evaluation_row("b-pending", status="pending", requested_position=10),
        evaluation_row("b-new", requested_position=8),
        evaluation_row("b-validation", split="validation", requested_position=6),
    ]

    pair = latest_common_evaluations(rows_a, rows_b)

    assert pair is not None
    assert (pair[0]["evaluation_id"], pair[1]["evaluation_id"]) == ("a-new", "b-new")


def test_no_shared_data_gives_none() -> None:
    rows_a = [evaluation_row("a", split="test")]
    rows_b = [evaluation_row("b", split="validation"), evaluation_row("b-label", label="other")]

    assert latest_common_evaluations(rows_a, rows_b) is None


def test_differences_are_b_minus_a() -> None:
    good = classification_report(BINARY_TRUTH, GOOD_SCORES, ["0", "1"])
    poor = classification_report(BINARY_TRUTH, POOR_SCORES, ["0", "1"])

    differences = {difference.name: difference for difference in metric_differences(poor, good)}

    accuracy = differences["accuracy"]
    assert (accuracy.a, accuracy.b) == (poor["metrics"]["accuracy"], good["metrics"]["accuracy"])
    assert accuracy.difference == pytest.approx(good["metrics"]["accuracy"] - poor["metrics"]["accuracy"])
    assert accuracy.better == "b"
    assert differences["logLoss"].difference < 0
    assert differences["logLoss"].better == "b"
    assert set(differences) == set(metric_values(good))


def test_equal_or_missing_values_have_no_better() -> None:
    good = classification_report(BINARY_TRUTH, GOOD_SCORES, ["0", "1"])
    without_auc = {**good, "metrics": {**good["metrics"], "rocAuc": None}}

    differences = {difference.name: difference for difference in metric_differences(good, without_auc)}

    assert differences["accuracy"].difference == 0
    assert differences["accuracy"].better is None
    assert differences["rocAuc"].difference is None
    assert differences["rocAuc"].better is None
