"""Feature attributions: permutation importance ranks noise last, integrated gradients add up to the output change."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.unit.test_evaluation_support import (  # noqa: F401  (session fixture)
    Case,
    changed,
    evaluation_cases,
    store_frame,
    store_model,
    train_mlp,
)
from workers.evaluation.attributions import integrated_gradients, permutation_importance
from workers.evaluation.runner import evaluate_blob

pytestmark = [pytest.mark.unit, pytest.mark.timeout(120)]

NOISY_FEATURES = ["bmi", "s5", "bp", "noise"]


def assert_complete(attributions: list[dict], change: float) -> None:
    """Integrated gradients' completeness: the attributions sum to the output's change along the path."""
    total = sum(item["attribution"] for item in attributions)
    assert total == pytest.approx(change, rel=0.05, abs=0.01)


def test_report_ranks_noise_column_last(evaluation_cases: dict[str, Case], tmp_path: Path) -> None:
    case = evaluation_cases["diabetes"]
    frame = case.frame.copy()
    frame["noise"] = np.random.default_rng(5).normal(size=len(frame))
    model = train_mlp("diabetes_noise", frame, NOISY_FEATURES, (1, "linear"), epochs=15, rate=0.1)
    artifacts = Path(case.job.artifacts)
    job = changed(
        case.job,
        features=NOISY_FEATURES,
        dataset_sha256=store_frame(artifacts, frame),
        model_sha256=store_model(artifacts, model, tmp_path),
    )

    permutation = evaluate_blob(job)["attributions"]["permutation"]

    assert [item["feature"] for item in permutation][-1] == "noise"
    assert permutation[0]["importance"] > 5 * abs(permutation[-1]["importance"])
    assert all(item["std"] >= 0 for item in permutation)


def test_permutation_ignores_unused_column() -> None:
    x = np.random.default_rng(0).normal(size=(300, 3))
    y = 3 * x[:, 0] - 2 * x[:, 1] + 0.1 * np.random.default_rng(1).normal(size=300)

    def predict(rows: np.ndarray) -> np.ndarray:
        return 3 * rows[:, 0] - 2 * rows[:, 1]

    result = permutation_importance(predict, x, y, "regression", "rmse", repeats=4, features=["a", "b", "unused"])

    assert [item["feature"] for item in result] == ["a", "b", "unused"]
    assert result[-1] == {"feature": "unused", "importance": 0.0, "std": 0.0}
    assert result[0]["importance"] > result[1]["importance"] > 0


def test_permutation_is_repeatable() -> None:
    x = np.random.default_rng(0).normal(size=(100, 2))
    y = (x[:, 0] > 0).astype("int64")

    def predict(rows: np.ndarray) -> np.ndarray:
        return 1 / (1 + np.exp(-4 * rows[:, :1]))

    first = permutation_importance(predict, x, y, "classification", "accuracy", seed=3)
    second = permutation_importance(predict, x, y, "classification", "accuracy", seed=3)

    assert first == second
    assert first[0]["feature"] == "feature_0"
    assert first[1] == {"feature": "feature_1", "importance": 0.0, "std": 0.0}


def test_permutation_rejects_metric_of_other_task() -> None:
    with pytest.raises(ValueError, match="Metric 'rmse' is not a classification metric"):
        permutation_importance(lambda rows: rows, np.zeros((2, 1)), np.zeros(2, dtype="int64"), "classification", "rmse")


def test_integrated_gradients_binary_completeness(evaluation_cases: dict[str, Case]) -> None:
    case = evaluation_cases["cancer"]
    features = case.job.features
    baseline = case.frame.loc[case.frame["split"] == "train", features].mean().to_numpy(dtype="float32")
    row = case.test_rows.loc[0, features].to_numpy(dtype="float32")
    probability = case.predict(case.test_rows.loc[[0]])[0, 0]
    baseline_probability = float(case.model(baseline.reshape(1, -1))[0, 0])

    attributions = integrated_gradients(case.model, row, baseline, features=features)

    assert [item["feature"] for item in attributions] == features
    assert_complete(attributions, probability - baseline_probability)


def test_integrated_gradients_negative_class_of_sigmoid(evaluation_cases: dict[str, Case]) -> None:
    case = evaluation_cases["cancer"]
    row = case.test_rows.loc[3, case.job.features].to_numpy(dtype="float32")
    probability = case.predict(case.test_rows.loc[[3]])[0, 0]
    zero_probability = float(case.model(np.zeros((1, len(row)), dtype="float32"))[0, 0])

    attributions = integrated_gradients(case.model, row, target_class=0)

    assert_complete(attributions, (1 - probability) - (1 - zero_probability))


def test_integrated_gradients_multiclass_target(evaluation_cases: dict[str, Case]) -> None:
    case = evaluation_cases["digits"]
    row = case.test_rows.loc[0, case.job.features].to_numpy(dtype="float32")
    outputs = case.predict(case.test_rows.loc[[0]])[0]
    zero_outputs = np.asarray(case.model(np.zeros((1, len(row)), dtype="float32")))[0]
    predicted = int(outputs.argmax())
    other = (predicted + 1) % 10

    by_default = integrated_gradients(case.model, row, steps=100)
    for_other = integrated_gradients(case.model, row, steps=100, target_class=other)

    assert_complete(by_default, outputs[predicted] - zero_outputs[predicted])
    assert_complete(for_other, outputs[other] - zero_outputs[other])
    assert by_default[0]["feature"] == "feature_0"
