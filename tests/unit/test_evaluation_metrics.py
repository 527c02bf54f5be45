"""Evaluation metrics and curves agree with scikit-learn's on the predictions of real trained models."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import calibration, metrics as sk

from tests.unit.test_evaluation_support import Case, evaluation_cases  # noqa: F401  (session fixture)
from workers.evaluation.job import EvaluationFailed
from workers.evaluation.metrics import (
    DEFAULT_THRESHOLDS,
    LOG_LOSS_EPSILON,
    as_probabilities,
    classification_curves,
    classification_metrics,
    regression_metrics,
    threshold_table,
)

pytestmark = [pytest.mark.unit, pytest.mark.timeout(120)]

CLOSE = 1e-12
BINARY = ["0", "1"]
DIGITS = [str(digit) for digit in range(10)]


@pytest.fixture(scope="module")
def binary(evaluation_cases: dict[str, Case]) -> tuple[np.ndarray, np.ndarray]:
    """True classes and the sigmoid column of the breast cancer model on its test rows."""
    case = evaluation_cases["cancer"]
    rows = case.test_rows
    return rows["target"].to_numpy(dtype="int64"), case.predict(rows)


@pytest.fixture(scope="module")
def multiclass(evaluation_cases: dict[str, Case]) -> tuple[np.ndarray, np.ndarray]:
    """True digits and the softmax outputs of the digits model on its test rows."""
    case = evaluation_cases["digits"]
    rows = case.test_rows
    return rows["target"].to_numpy(dtype="int64"), case.predict(rows)


def sklearn_probabilities(outputs: np.ndarray) -> np.ndarray:
    """Two columns for a sigmoid output, clipped as the platform clips for log loss."""
    columns = np.concatenate([1 - outputs, outputs], axis=1) if outputs.shape[1] == 1 else outputs
    return np.clip(columns, LOG_LOSS_EPSILON, 1 - LOG_LOSS_EPSILON)


def test_binary_metrics_match_sklearn(binary: tuple[np.ndarray, np.ndarray]) -> None:
    y_true, outputs = binary
    scores = outputs[:, 0]
    y_pred = (scores >= 0.5).astype(int)

    result = classification_metrics(y_true, outputs, BINARY)

    assert result["rows"] == len(y_true)
    assert result["accuracy"] == pytest.approx(sk.accuracy_score(y_true, y_pred), abs=CLOSE)
    assert result["logLoss"] == pytest.approx(sk.log_loss(y_true, sklearn_probabilities(outputs), labels=[0, 1]), abs=1e-9)
    assert result["rocAuc"] == pytest.approx(sk.roc_auc_score(y_true, scores), abs=CLOSE)
    assert result["prAuc"] == pytest.approx(sk.average_precision_score(y_true, scores), abs=CLOSE)
    assert result["confusionMatrix"] == sk.confusion_matrix(y_true, y_pred).tolist()
    assert result["positiveClass"] == "1"
    assert result["notes"] == []


def test_binary_averages_match_sklearn(binary: tuple[np.ndarray, np.ndarray]) -> None:
    y_true, outputs = binary
    y_pred = (outputs[:, 0] >= 0.5).astype(int)

    result = classification_metrics(y_true, outputs, BINARY)

    for average in ("macro", "micro", "weighted"):
        precision, recall, f1, _ = sk.precision_recall_fscore_support(y_true, y_pred, average=average, zero_division=0)
        assert result[average]["precision"] == pytest.approx(precision, abs=CLOSE), average
        assert result[average]["recall"] == pytest.approx(recall, abs=CLOSE), average
        assert result[average]["f1"] == pytest.approx(f1, abs=CLOSE), average
    precision, recall, f1, support = sk.precision_recall_fscore_support(y_true, y_pred, zero_division=0)
    assert [item["class"] for item in result["perClass"]] == BINARY
    assert [item["precision"] for item in result["perClass"]] == pytest.approx(precision, abs=CLOSE)
    assert [item["recall"] for item in result["perClass"]] == pytest.approx(recall, abs=CLOSE)
    assert [item["f1"] for item in result["perClass"]] == pytest.approx(f1, abs=CLOSE)
    assert [item["support"] for item in result["perClass"]] == support.tolist()


def test_sigmoid_column_equals_two_columns(binary: tuple[np.ndarray, np.ndarray]) -> None:
    y_true, outputs = binary

    single = classification_metrics(y_true, outputs, BINARY)
    double = classification_metrics(y_true, np.concatenate([1 - outputs, outputs], axis=1), BINARY)

    assert single == double


# Float32 softmax rows sum to 1 within about 1e-7, closer than the platform's check but not than scikit-learn's.
@pytest.mark.filterwarnings("ignore:The y_prob values do not sum to one")
def test_multiclass_metrics_match_sklearn(multiclass: tuple[np.ndarray, np.ndarray]) -> None:
    y_true, outputs = multiclass
    y_pred = outputs.argmax(axis=1)
    assert set(y_true) == set(range(10))

    result = classification_metrics(y_true, outputs, DIGITS)

    assert result["accuracy"] == pytest.approx(sk.accuracy_score(y_true, y_pred), abs=CLOSE)
    assert result["logLoss"] == pytest.approx(sk.log_loss(y_true, sklearn_probabilities(outputs), labels=range(10)), abs=1e-9)
    assert result["rocAuc"] == pytest.approx(sk.roc_auc_score(y_true, outputs, multi_class="ovr", average="macro"), abs=CLOSE)
    one_hot = np.eye(10)[y_true]
    assert result["prAuc"] == pytest.approx(sk.average_precision_score(one_hot, outputs, average="macro"), abs=CLOSE)
    assert result["confusionMatrix"] == sk.confusion_matrix(y_true, y_pred, labels=range(10)).tolist()
    assert "positiveClass" not in result


def test_multiclass_averages_match_sklearn(multiclass: tuple[np.ndarray, np.ndarray]) -> None:
    y_true, outputs = multiclass
    y_pred = outputs.argmax(axis=1)

    result = classification_metrics(y_true, outputs, DIGITS)

    for average in ("macro", "micro", "weighted"):
        precision, recall, f1, _ = sk.precision_recall_fscore_support(y_true, y_pred, average=average, zero_division=0)
        assert result[average] == pytest.approx({"precision": precision, "recall": recall, "f1": f1}, abs=CLOSE), average
    precision, recall, f1, support = sk.precision_recall_fscore_support(y_true, y_pred, labels=range(10), zero_division=0)
    assert [item["f1"] for item in result["perClass"]] == pytest.approx(f1, abs=CLOSE)
    assert [item["precision"] for item in result["perClass"]] == pytest.approx(precision, abs=CLOSE)
    assert [item["recall"] for item in result["perClass"]] == pytest.approx(recall, abs=CLOSE)
    assert [item["support"] for item in result["perClass"]] == support.tolist()


def test_multiclass_auc_skips_absent_class(multiclass: tuple[np.ndarray, np.ndarray]) -> None:
    y_true, outputs = multiclass
    kept = y_true != 3
    y_true, outputs = y_true[kept], outputs[kept]
    y_pred = outputs.argmax(axis=1)
    present = [digit for digit in range(10) if digit != 3]

    result = classification_metrics(y_true, outputs, DIGITS)

    expected_roc = np.mean([sk.roc_auc_score(y_true == digit, outputs[:, digit]) for digit in present])
    expected_pr = np.mean([sk.average_precision_score(y_true == digit, outputs[:, digit]) for digit in present])
    assert result["rocAuc"] == pytest.approx(expected_roc, abs=CLOSE)
    assert result["prAuc"] == pytest.approx(expected_pr, abs=CLOSE)
    assert any("9 of 10 classes" in note and "'3'" in note for note in result["notes"])
    # Class 3 still counts in the averages when the model predicted it, as in scikit-learn.
    _, _, f1, _ = sk.precision_recall_fscore_support(y_true, y_pred, average="macro", zero_division=0)
    assert result["macro"]["f1"] == pytest.approx(f1, abs=CLOSE)
    assert result["perClass"][3]["support"] == 0


def test_binary_auc_undefined_with_one_class(binary: tuple[np.ndarray, np.ndarray]) -> None:
    y_true, outputs = binary
    only_positive = y_true == 1

    result = classification_metrics(y_true[only_positive], outputs[only_positive], BINARY)

    assert result["rocAuc"] is None
    assert result["prAuc"] == pytest.approx(1.0)
    assert any("ROC AUC is undefined" in note for note in result["notes"])


def test_binary_curves_match_sklearn(binary: tuple[np.ndarray, np.ndarray]) -> None:
    y_true, outputs = binary
    scores = outputs[:, 0]

    curves = classification_curves(y_true, outputs, BINARY)

    assert curves["notes"] == []
    [roc] = curves["roc"]
    fpr, tpr, thresholds = sk.roc_curve(y_true, scores)
    assert roc["class"] == "1"
    assert roc["fpr"] == pytest.approx(fpr.tolist(), abs=CLOSE)
    assert roc["tpr"] == pytest.approx(tpr.tolist(), abs=CLOSE)
    assert roc["thresholds"][0] is None
    assert np.isinf(thresholds[0])
    assert roc["thresholds"][1:] == pytest.approx(thresholds[1:].tolist(), abs=CLOSE)
    assert roc["auc"] == pytest.approx(sk.roc_auc_score(y_true, scores), abs=CLOSE)

    [pr] = curves["pr"]
    precision, recall, pr_thresholds = sk.precision_recall_curve(y_true, scores)
    # scikit-learn orders by rising threshold and ends with (precision 1, recall 0), where the platform starts.
    assert pr["precision"] == pytest.approx(precision[::-1].tolist(), abs=CLOSE)
    assert pr["recall"] == pytest.approx(recall[::-1].tolist(), abs=CLOSE)
    assert pr["thresholds"][1:] == pytest.approx(pr_thresholds[::-1].tolist(), abs=CLOSE)


def test_curves_keep_at_most_max_points(binary: tuple[np.ndarray, np.ndarray]) -> None:
    y_true, outputs = binary
    scores = outputs[:, 0]
    fpr, tpr, thresholds = sk.roc_curve(y_true, scores, drop_intermediate=False)
    precision, recall, pr_thresholds = sk.precision_recall_curve(y_true, scores)
    roc_at = {float(t): (f, r) for t, f, r in zip(thresholds[1:], fpr[1:], tpr[1:])}
    pr_at = {float(t): (p, r) for t, p, r in zip(pr_thresholds, precision[:-1], recall[:-1])}

    curves = classification_curves(y_true, outputs, BINARY, max_points=12)

    [roc], [pr] = curves["roc"], curves["pr"]
    assert len(roc["fpr"]) <= 12
    assert len(pr["precision"]) <= 12
    assert (roc["fpr"][0], roc["tpr"][0], roc["fpr"][-1], roc["tpr"][-1]) == (0.0, 0.0, 1.0, 1.0)
    assert (pr["recall"][0], pr["recall"][-1]) == (0.0, 1.0)
    for threshold, false_rate, true_rate in zip(roc["thresholds"][1:], roc["fpr"][1:], roc["tpr"][1:]):
        assert (false_rate, true_rate) == pytest.approx(roc_at[threshold], abs=CLOSE)
    for threshold, kept_precision, kept_recall in zip(pr["thresholds"][1:], pr["precision"][1:], pr["recall"][1:]):
        assert (kept_precision, kept_recall) == pytest.approx(pr_at[threshold], abs=CLOSE)


def test_calibration_matches_sklearn(binary: tuple[np.ndarray, np.ndarray]) -> None:
    y_true, outputs = binary
    scores = outputs[:, 0]
    fraction_positive, mean_predicted = calibration.calibration_curve(y_true, scores, n_bins=10, strategy="uniform")

    result = classification_curves(y_true, outputs, BINARY)["calibration"]

    filled = [count > 0 for count in result["count"]]
    assert result["binEdges"] == pytest.approx(np.linspace(0, 1, 11).tolist())
    assert sum(result["count"]) == len(y_true)
    assert [value for value, keep in zip(result["meanPredicted"], filled) if keep] == pytest.approx(mean_predicted, abs=CLOSE)
    assert [value for value, keep in zip(result["fractionPositive"], filled) if keep] == pytest.approx(fraction_positive, abs=CLOSE)
    assert all(value is None for value, keep in zip(result["meanPredicted"], filled) if not keep)


def test_multiclass_curves_per_class(multiclass: tuple[np.ndarray, np.ndarray]) -> None:
    y_true, outputs = multiclass

    curves = classification_curves(y_true, outputs, DIGITS, max_points=1000)

    assert [curve["class"] for curve in curves["roc"]] == DIGITS
    assert curves["calibration"] is None
    for digit, (roc, pr) in enumerate(zip(curves["roc"], curves["pr"])):
        fpr, tpr, _ = sk.roc_curve(y_true == digit, outputs[:, digit])
        assert roc["fpr"] == pytest.approx(fpr.tolist(), abs=CLOSE)
        assert roc["tpr"] == pytest.approx(tpr.tolist(), abs=CLOSE)
        precision, recall, _ = sk.precision_recall_curve(y_true == digit, outputs[:, digit])
        assert pr["precision"] == pytest.approx(precision[::-1].tolist(), abs=CLOSE)
        assert pr["recall"] == pytest.approx(recall[::-1].tolist(), abs=CLOSE)


def test_threshold_table_at_half_matches_confusion(binary: tuple[np.ndarray, np.ndarray]) -> None:
    y_true, outputs = binary

    table = threshold_table(y_true, outputs[:, 0])
    [(tn, fp), (fn, tp)] = classification_metrics(y_true, outputs, BINARY)["confusionMatrix"]

    assert [row["threshold"] for row in table] == list(DEFAULT_THRESHOLDS)
    half = table[50]
    assert half["threshold"] == 0.5
    assert (half["tn"], half["fp"], half["fn"], half["tp"]) == (tn, fp, fn, tp)


def test_threshold_table_matches_sklearn(binary: tuple[np.ndarray, np.ndarray]) -> None:
    y_true, outputs = binary
    scores = outputs[:, 0]
    chosen = [0.0, 0.05, 0.3, 0.77, 0.999, 1.0, float(np.median(scores))]

    table = threshold_table(y_true, scores, chosen)

    for row in table:
        y_pred = (scores >= row["threshold"]).astype(int)
        tn, fp, fn, tp = sk.confusion_matrix(y_true, y_pred, labels=[0, 1]).ravel()
        assert (row["tn"], row["fp"], row["fn"], row["tp"]) == (tn, fp, fn, tp)
        assert row["precision"] == pytest.approx(sk.precision_score(y_true, y_pred, zero_division=0), abs=CLOSE)
        assert row["recall"] == pytest.approx(sk.recall_score(y_true, y_pred, zero_division=0), abs=CLOSE)
        assert row["f1"] == pytest.approx(sk.f1_score(y_true, y_pred, zero_division=0), abs=CLOSE)


def test_regression_metrics_match_sklearn(evaluation_cases: dict[str, Case]) -> None:
    case = evaluation_cases["diabetes"]
    rows = case.test_rows
    y_true, y_pred = rows["target"].to_numpy(dtype="float64"), case.predict(rows)[:, 0]

    result = regression_metrics(y_true, y_pred)

    assert result["rows"] == len(y_true)
    assert result["mae"] == pytest.approx(sk.mean_absolute_error(y_true, y_pred), rel=CLOSE)
    assert result["mse"] == pytest.approx(sk.mean_squared_error(y_true, y_pred), rel=CLOSE)
    assert result["rmse"] == pytest.approx(sk.root_mean_squared_error(y_true, y_pred), rel=CLOSE)
    assert result["r2"] == pytest.approx(sk.r2_score(y_true, y_pred), abs=CLOSE)
    counts, edges = np.histogram(y_true - y_pred, bins=30)
    assert result["residuals"] == {"low": edges[0], "high": edges[-1], "counts": counts.tolist()}


def test_regression_r2_undefined_for_constant_truth() -> None:
    result = regression_metrics(np.full(5, 3.0), np.array([2.0, 3.0, 4.0, 3.5, 3.0]))

    assert result["r2"] is None
    assert any("R²" in note for note in result["notes"])
    assert result["mae"] == pytest.approx(0.5)


def test_nan_prediction_fails_naming_rows(evaluation_cases: dict[str, Case]) -> None:
    y_pred = np.arange(10, dtype="float64")
    y_pred[[2, 7]] = [np.nan, np.inf]

    with pytest.raises(EvaluationFailed, match="for 2 of 10 rows"):
        regression_metrics(np.arange(10.0), y_pred)


def test_nan_probability_fails(binary: tuple[np.ndarray, np.ndarray]) -> None:
    y_true, outputs = binary
    broken = outputs.copy()
    broken[0, 0] = np.nan

    with pytest.raises(EvaluationFailed, match=f"for 1 of {len(y_true)} rows"):
        classification_metrics(y_true, broken, BINARY)


def test_outputs_outside_unit_interval_fail() -> None:
    with pytest.raises(EvaluationFailed, match="probabilities from 0 to 1"):
        as_probabilities(np.array([[-2.0], [3.5]]), 2)


def test_rows_not_summing_to_one_fail() -> None:
    with pytest.raises(EvaluationFailed, match="sum to 1"):
        as_probabilities(np.array([[0.2, 0.2, 0.2], [0.1, 0.8, 0.1]]), 3)


def test_output_width_must_match_classes() -> None:
    with pytest.raises(EvaluationFailed, match="outputs 2 values per row, but the label has 3 classes"):
        as_probabilities(np.array([[0.5, 0.5]]), 3)
