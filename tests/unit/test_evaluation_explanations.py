"""Integrated gradients of one evaluated row: exact on models with known gradients, complete on trained ones."""

from __future__ import annotations

import math
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from backend.application.evaluation_explanations import (
    ExplainedEvaluation,
    RowExplanationRequest,
    WorkersUnavailable,
    check_baseline,
    check_model,
    check_row,
    check_steps,
)
from backend.domain.base import InvalidInput
from backend.settings import load_settings
from tests.unit.test_evaluation_support import (  # noqa: F401  (session fixture)
    Case,
    changed,
    evaluation_cases,
    store_frame,
    store_model,
    train_mlp,
)
from workers.evaluation.attributions import integrated_gradients
from workers.evaluation.explanation import explain_blob
from workers.evaluation.job import EvaluationFailed
from workers.explanation_engine import RayRowExplainer, checked_explanation, task_failure

pytestmark = [pytest.mark.unit, pytest.mark.timeout(120)]

# The explained output of a small ReLU MLP is close to linear between the baseline and a row, so 64 steps leave a small gap.
COMPLETENESS_TOLERANCE = 0.01
FEATURES = ["a", "b", "c"]
EVALUATION = ExplainedEvaluation(
    evaluation_id=uuid.UUID("6f1c2a52-3b0e-4c55-9d6e-0c1f7a1e5b31"), team_id=uuid.uuid4(), version_id=uuid.uuid4(),
    dataset_version_id=uuid.uuid4(), status="completed", task="classification", split="test", label="target",
    features=FEATURES, classes=["0", "1"], rows=86,
)
TABULAR_SIGNATURE = {"inputs": [{"name": "features", "shape": [None, 3], "dtype": "float32"}], "outputs": []}
NUMERIC_COLUMNS = {"a": "float", "b": "integer", "c": "boolean", "target": "integer"}


def fixed_model(build: Any) -> Any:
    import keras

    inputs = keras.Input(shape=(3,), name="features")
    return keras.Model(inputs, build(keras, inputs))


def test_linear_model_attributions_exact() -> None:
    weights, bias = np.array([2.0, -3.0, 0.5], dtype="float32"), 1.5
    layer_weights = [weights.reshape(3, 1), np.array([bias], dtype="float32")]

    def build(keras: Any, inputs: Any) -> Any:
        dense = keras.layers.Dense(1)
        outputs = dense(inputs)
        dense.set_weights(layer_weights)
        return outputs

    model = fixed_model(build)
    row, baseline = np.array([1.0, 2.0, -4.0], dtype="float32"), np.array([0.5, -1.0, 2.0], dtype="float32")

    attributions = integrated_gradients(model, row, baseline, steps=3, features=FEATURES)

    expected = weights * (row - baseline)
    assert [item["feature"] for item in attributions] == FEATURES
    assert [item["attribution"] for item in attributions] == pytest.approx(expected.tolist(), abs=1e-5)


@pytest.mark.parametrize("steps", [1, 7])
def test_quadratic_model_attributions_exact(steps: int) -> None:
    """f(x) = Σ wᵢxᵢ² has the gradient 2wᵢxᵢ, linear along the path, so the trapezoidal rule is exact at any steps."""
    weights = np.array([1.0, -2.0, 0.25], dtype="float32")

    def build(keras: Any, inputs: Any) -> Any:
        dense = keras.layers.Dense(1, use_bias=False)
        outputs = dense(keras.layers.Multiply()([inputs, inputs]))
        dense.set_weights([weights.reshape(3, 1)])
        return outputs

    model = fixed_model(build)
    row, baseline = np.array([3.0, 1.0, -2.0], dtype="float32"), np.array([1.0, -1.0, 0.0], dtype="float32")

    from_zero = integrated_gradients(model, row, steps=steps)
    from_baseline = integrated_gradients(model, row, baseline, steps=steps)

    assert [item["attribution"] for item in from_zero] == pytest.approx((weights * row**2).tolist(), abs=1e-4)
    assert [item["attribution"] for item in from_baseline] == pytest.approx((weights * (row**2 - baseline**2)).tolist(), abs=1e-4)


def test_binary_row_explanation_matches_model(evaluation_cases: dict[str, Case]) -> None:
    case = evaluation_cases["cancer"]
    rows = case.test_rows
    features = case.job.features
    probability = float(case.predict(rows.loc[[3]])[0, 0])
    predicted = 1 if probability >= 0.5 else 0
    train = case.frame[case.frame["split"] == "train"]
    mean = train[features].to_numpy(dtype="float32").astype("float64").mean(axis=0).astype("float32")
    mean_probability = float(np.asarray(case.model(mean.reshape(1, -1)))[0, 0])

    explanation = explain_blob(case.job, 3, 64, "mean")

    assert explanation["row"] == 3
    assert explanation["baseline"] == "mean"
    assert explanation["baselineRows"] == "train"
    assert explanation["explainedClass"] == str(predicted)
    assert explanation["actual"] == str(int(rows.loc[3, "target"]))
    assert explanation["prediction"] == pytest.approx(probability if predicted else 1 - probability, abs=1e-6)
    assert explanation["baselinePrediction"] == pytest.approx(mean_probability if predicted else 1 - mean_probability, abs=1e-6)
    assert [item["feature"] for item in explanation["features"]] == features
    assert [item["value"] for item in explanation["features"]] == rows.loc[3, features].to_numpy(dtype="float32").tolist()
    assert [item["baselineValue"] for item in explanation["features"]] == pytest.approx(mean.tolist(), rel=1e-6)
    change = explanation["prediction"] - explanation["baselinePrediction"]
    assert explanation["attributionSum"] == pytest.approx(change, abs=COMPLETENESS_TOLERANCE)
    assert explanation["completenessGap"] == pytest.approx(explanation["attributionSum"] - change, abs=1e-12)
    assert abs(explanation["completenessGap"]) < COMPLETENESS_TOLERANCE


def test_mean_baseline_without_train_rows(evaluation_cases: dict[str, Case]) -> None:
    case = evaluation_cases["cancer"]
    frame = case.frame.drop(columns=["split", "clinic"])
    job = changed(case.job, split=None, dataset_sha256=store_frame(Path(case.job.artifacts), frame))
    mean = frame[case.job.features].to_numpy(dtype="float32").astype("float64").mean(axis=0).astype("float32")

    explanation = explain_blob(job, 0, 16, "mean")

    assert explanation["baselineRows"] == "evaluated"
    assert [item["baselineValue"] for item in explanation["features"]] == pytest.approx(mean.tolist(), rel=1e-6)


def test_regression_row_from_zero_baseline(evaluation_cases: dict[str, Case]) -> None:
    case = evaluation_cases["diabetes"]
    rows = case.test_rows
    prediction = float(case.predict(rows.loc[[0]])[0, 0])
    at_zero = float(np.asarray(case.model(np.zeros((1, len(case.job.features)), dtype="float32")))[0, 0])

    explanation = explain_blob(case.job, 0, 256, "zero")

    assert explanation["explainedClass"] is None
    assert explanation["baselineRows"] is None
    assert float(explanation["actual"]) == pytest.approx(float(rows.loc[0, "target"]))
    assert explanation["prediction"] == pytest.approx(prediction, rel=1e-5)
    assert explanation["baselinePrediction"] == pytest.approx(at_zero, rel=1e-5)
    assert all(item["baselineValue"] == 0.0 for item in explanation["features"])
    # The ReLU kinks along the path cost more precision on an output near 100 than on a probability, so this takes more steps.
    assert abs(explanation["completenessGap"]) < 1e-3 * abs(prediction)


def test_multiclass_row_explains_most_probable_class(evaluation_cases: dict[str, Case]) -> None:
    case = evaluation_cases["digits"]
    outputs = case.predict(case.test_rows.loc[[5]])[0]

    explanation = explain_blob(case.job, 5, 64, "mean")

    assert explanation["explainedClass"] == str(int(outputs.argmax()))
    assert explanation["prediction"] == pytest.approx(float(outputs.max()), abs=1e-6)
    assert abs(explanation["completenessGap"]) < COMPLETENESS_TOLERANCE


def test_logits_model_explained_as_probability(evaluation_cases: dict[str, Case], tmp_path: Path) -> None:
    case = evaluation_cases["cancer"]
    logits = train_mlp("cancer_logits", case.frame, case.job.features, (1, "linear"), epochs=3, rate=0.01)
    job = changed(case.job, model_sha256=store_model(Path(case.job.artifacts), logits, tmp_path))
    logit = float(np.asarray(logits(case.test_rows.loc[[0], case.job.features].to_numpy(dtype="float32")))[0, 0])
    probability = 1 / (1 + math.exp(-logit))

    explanation = explain_blob(job, 0, 64, "mean")

    expected = probability if explanation["explainedClass"] == "1" else 1 - probability
    assert explanation["explainedClass"] == ("1" if probability >= 0.5 else "0")
    assert explanation["prediction"] == pytest.approx(expected, abs=1e-6)
    assert abs(explanation["completenessGap"]) < COMPLETENESS_TOLERANCE


def test_worker_rejects_row_out_of_range(evaluation_cases: dict[str, Case]) -> None:
    case = evaluation_cases["cancer"]
    rows = len(case.test_rows)

    with pytest.raises(EvaluationFailed, match=f"Row {rows} is out of range; the evaluation has {rows} rows, from 0 to {rows - 1}"):
        explain_blob(case.job, rows, 8, "mean")


def test_worker_rejects_unknown_baseline(evaluation_cases: dict[str, Case]) -> None:
    with pytest.raises(EvaluationFailed, match="The baseline 'median' is unknown. Use mean or zero."):
        explain_blob(evaluation_cases["cancer"].job, 0, 8, "median")


def test_worker_rejects_text_feature(evaluation_cases: dict[str, Case]) -> None:
    job = changed(evaluation_cases["cancer"].job, features=["clinic"])

    with pytest.raises(EvaluationFailed, match="The feature column 'clinic' is text, and integrated gradients need numeric"):
        explain_blob(job, 0, 8, "mean")


def test_worker_rejects_infinite_feature(evaluation_cases: dict[str, Case]) -> None:
    case = evaluation_cases["cancer"]
    frame = case.frame.copy()
    first_test_row = frame.index[frame["split"] == "test"][0]
    frame.loc[first_test_row, "mean area"] = np.inf
    job = changed(case.job, dataset_sha256=store_frame(Path(case.job.artifacts), frame))

    with pytest.raises(EvaluationFailed, match="Row 0 or the baseline has an infinite value in 'mean area'"):
        explain_blob(job, 0, 8, "mean")


def test_unknown_baseline_rejected() -> None:
    with pytest.raises(InvalidInput) as raised:
        check_baseline("median")

    assert raised.value.field == "baseline"
    assert raised.value.message == "baseline 'median' is invalid; expected mean or zero."


@pytest.mark.parametrize("steps", [0, -1, 1025, True])
def test_steps_outside_range_rejected(steps: int) -> None:
    with pytest.raises(InvalidInput) as raised:
        check_steps(steps)

    assert raised.value.field == "steps"
    assert raised.value.value == steps
    assert "expected a whole number from 1 to 1024" in raised.value.message


@pytest.mark.parametrize("row", [-1, 86, 10**9])
def test_row_outside_range_rejected(row: int) -> None:
    with pytest.raises(InvalidInput) as raised:
        check_row(EVALUATION, row)

    assert raised.value.field == "row"
    assert raised.value.value == row
    assert "has 86 evaluated rows, so row must be from 0 to 85" in raised.value.message


@pytest.mark.parametrize(
    ("status", "message"), [("pending", "is still pending; explain its rows once it has completed"), ("failed", "failed, so it has no evaluated rows")]
)
def test_unfinished_evaluation_rejected(status: str, message: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        check_row(replace(EVALUATION, status=status, rows=None), 0)

    assert raised.value.field == "evaluationId"
    assert message in raised.value.message


def test_tabular_keras_model_accepted() -> None:
    check_model(EVALUATION, "keras", TABULAR_SIGNATURE, NUMERIC_COLUMNS)


@pytest.mark.parametrize(
    ("model_format", "signature", "columns", "message"),
    [
        ("savedmodel", TABULAR_SIGNATURE, NUMERIC_COLUMNS, "in the 'savedmodel' format; integrated gradients need a .keras version"),
        ("keras", TABULAR_SIGNATURE, {**NUMERIC_COLUMNS, "a": "string"}, "non-numeric column 'a' (string), as a text model takes"),
        (
            "keras", {"inputs": [{"name": "image", "shape": [None, 8, 8, 1], "dtype": "float32"}]}, NUMERIC_COLUMNS,
            "inputs are float32 of shape [None, 8, 8, 1]; integrated gradients need one numeric input of shape [None, 3]",
        ),
        (
            "keras", {"inputs": [{"name": "text", "shape": [None, 3], "dtype": "string"}]}, NUMERIC_COLUMNS,
            "inputs are string of shape [None, 3]",
        ),
        ("keras", {"inputs": []}, NUMERIC_COLUMNS, "inputs are none"),
    ],
)
def test_model_that_cannot_be_explained_rejected(
    model_format: str, signature: dict[str, Any], columns: dict[str, str], message: str
) -> None:
    with pytest.raises(InvalidInput) as raised:
        check_model(EVALUATION, model_format, signature, columns)

    assert raised.value.field == "evaluationId"
    assert raised.value.value == str(EVALUATION.evaluation_id)
    assert message in raised.value.message


REQUEST = RowExplanationRequest(
    evaluation_id=str(EVALUATION.evaluation_id), model_sha256="0" * 64, model_format="keras", dataset_sha256="1" * 64,
    split="test", label="target", features=FEATURES, task="classification", classes=["0", "1"], row=4, steps=64, baseline="mean",
)


def test_unreachable_ray_is_unavailable() -> None:
    def fail_to_connect(_settings: Any) -> None:
        raise ConnectionError("Could not connect to 127.0.0.1:6379")

    explainer = RayRowExplainer(load_settings(), connect=fail_to_connect)

    with pytest.raises(WorkersUnavailable) as raised:
        explainer.explain(REQUEST)

    assert raised.value.code == "SERVICE_UNAVAILABLE"
    assert raised.value.field == "evaluationId"
    assert "Ray could not be reached, so row 4 was not explained: Could not connect to 127.0.0.1:6379." in raised.value.message


def test_task_timeout_and_crash_are_unavailable() -> None:
    from ray.exceptions import GetTimeoutError, WorkerCrashedError

    timed_out = task_failure(GetTimeoutError("timed out"), REQUEST)
    crashed = task_failure(WorkerCrashedError(), REQUEST)

    assert timed_out.code == crashed.code == "SERVICE_UNAVAILABLE"
    assert "Explaining row 4 took longer than 300 seconds and was stopped" in timed_out.message
    assert "The worker explaining row 4 failed: The worker died unexpectedly" in crashed.message


def test_worker_reason_becomes_invalid_input() -> None:
    with pytest.raises(InvalidInput) as raised:
        checked_explanation({"failed": "The model file could not be loaded as a Keras model in safe mode: bad zip"}, REQUEST)

    assert raised.value.field == "evaluationId"
    assert raised.value.message.endswith("could not be explained: The model file could not be loaded as a Keras model in safe mode: bad zip")
