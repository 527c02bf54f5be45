"""Evaluating a trained model over the public API on a real local Ray, checked against scikit-learn."""

from __future__ import annotations

import io
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pandas as pd
import pytest

from tests.e2e.test_training_flow import MLP, Project, wait_for
from tests.support.server import Client, Server

pytestmark = pytest.mark.e2e

EVALUATE = (
    "mutation($i: EvaluateModelVersionInput!) { evaluateModelVersion(input: $i) { id status task classes features } }"
)
EVALUATION = (
    "query($id: ID!) { evaluation(id: $id) { status failureReason rows summary { name value } metrics curves slices "
    "thresholds attributions notes } }"
)
VERSION_STATUS = "query($id: ID!) { modelVersion(id: $id) { status } }"


THRESHOLD_METRICS = (
    "query($id: ID!, $t: Float!) { evaluation(id: $id) { thresholdMetrics(threshold: $t) "
    "{ threshold tp fp tn fn precision recall f1 accuracy falsePositiveRate } } }"
)
EXPLAIN = (
    "mutation($id: ID!, $row: Int!, $steps: Int!) { explainEvaluationRow(evaluationId: $id, row: $row, steps: $steps) "
    "{ evaluationId row steps baseline baselineRows task explainedClass actual prediction baselinePrediction "
    "attributionSum completenessGap features { feature value baselineValue attribution } } }"
)
# Integrated gradients of a small trained ReLU network over 128 steps leave a completeness gap below this on a probability.
COMPLETENESS_TOLERANCE = 0.01


@dataclass
class Evaluated:
    """A model trained through the platform on breast cancer, and its completed evaluation on the test split."""

    server: Server
    client: Client
    project: Project
    run: dict[str, Any]
    version_id: str
    evaluation_id: str
    report: dict[str, Any]


@pytest.fixture(scope="module")
def evaluated(server: Server, dataset_files: Path) -> Evaluated:
    client = Client(server, token=server.admin_token)
    project = Project(server, client, dataset_files)
    run = project.start(MLP)
    finished = project.finished(run["id"])
    assert finished["status"] == "SUCCEEDED", finished["failureReason"]
    version_id = finished["modelVersionId"]
    wait_for(lambda: client.data(VERSION_STATUS, {"id": version_id})["modelVersion"]["status"] == "ready", 120, "inspection")

    requested = client.data(EVALUATE, {"i": {"versionId": version_id, "datasetVersionId": project.version_id, "slices": [
        {"kind": "quantiles", "feature": "mean radius", "bins": 4}, {"kind": "filter", "name": "large", "filter": "`mean area` > 800"},
    ]}})["evaluateModelVersion"]
    report = wait_for(
        lambda: (e := client.data(EVALUATION, {"id": requested["id"]})["evaluation"])["status"] != "PENDING" and e,
        180, "the evaluation",
    )
    assert requested["task"] == "classification"
    assert requested["classes"] == ["0", "1"]
    assert requested["features"] == run["features"]
    return Evaluated(server, client, project, run, version_id, requested["id"], report)


def test_evaluation_matches_scikit_learn(evaluated: Evaluated) -> None:
    from sklearn.metrics import accuracy_score, f1_score, log_loss, roc_auc_score

    report, run = evaluated.report, evaluated.run
    assert report["status"] == "COMPLETED", report["failureReason"]
    rows = evaluated.project.test_rows()
    probabilities = predict(evaluated.server, evaluated.version_id, rows[run["features"]].to_numpy(dtype="float32"))
    truth = rows["target"].to_numpy()
    predicted = (probabilities >= 0.5).astype(int)
    summary = {item["name"]: item["value"] for item in report["summary"]}
    assert report["rows"] == len(rows)
    assert summary["accuracy"] == pytest.approx(accuracy_score(truth, predicted), abs=1e-9)
    assert summary["f1"] == pytest.approx(f1_score(truth, predicted, average="macro"), abs=1e-9)
    assert summary["rocAuc"] == pytest.approx(roc_auc_score(truth, probabilities), abs=1e-6)
    assert summary["logLoss"] == pytest.approx(log_loss(truth, np.clip(probabilities, 1e-15, 1 - 1e-15)), abs=1e-5)
    assert report["metrics"]["confusionMatrix"] == [
        [int(((truth == t) & (predicted == p)).sum()) for p in (0, 1)] for t in (0, 1)
    ]
    at_half = next(row for row in report["thresholds"] if abs(row["threshold"] - 0.5) < 1e-9)
    assert (at_half["tp"], at_half["fn"]) == (report["metrics"]["confusionMatrix"][1][1], report["metrics"]["confusionMatrix"][1][0])
    large = next(item for item in report["slices"] if item["name"] == "large")
    assert large["rows"] == int((rows["mean area"] > 800).sum())
    assert sum(item["rows"] for item in report["slices"] if item.get("feature") == "mean radius") == len(rows)
    assert {item["feature"] for item in report["attributions"]["permutation"]} == set(run["features"])


@pytest.mark.parametrize("threshold", [0.0, 0.3, 0.5, 0.87, 1.0])
def test_threshold_metrics_match_scikit_learn(evaluated: Evaluated, threshold: float) -> None:
    from sklearn.metrics import confusion_matrix, f1_score, precision_score, recall_score

    rows = evaluated.project.test_rows()
    scores = predict(evaluated.server, evaluated.version_id, rows[evaluated.run["features"]].to_numpy(dtype="float32"))
    truth = rows["target"].to_numpy()
    predicted = (scores >= threshold).astype(int)
    tn, fp, fn, tp = (int(count) for count in confusion_matrix(truth, predicted, labels=[0, 1]).ravel())

    measured = evaluated.client.data(THRESHOLD_METRICS, {"id": evaluated.evaluation_id, "t": threshold})["evaluation"]["thresholdMetrics"]

    assert measured["threshold"] == threshold
    assert (measured["tp"], measured["fp"], measured["tn"], measured["fn"]) == (tp, fp, tn, fn)
    assert measured["accuracy"] == pytest.approx((tp + tn) / len(truth), abs=1e-12)
    for name, expected in (
        ("precision", precision_score(truth, predicted, zero_division=np.nan)),
        ("recall", recall_score(truth, predicted, zero_division=np.nan)),
        ("f1", f1_score(truth, predicted, zero_division=np.nan)),
        ("falsePositiveRate", fp / (fp + tn) if fp + tn else np.nan),
    ):
        if np.isnan(expected):
            assert measured[name] is None, name
        else:
            assert measured[name] == pytest.approx(expected, abs=1e-12), name


def test_threshold_outside_range_rejected(evaluated: Evaluated) -> None:
    body = evaluated.client.post(THRESHOLD_METRICS, {"id": evaluated.evaluation_id, "t": 1.5})

    assert body["data"]["evaluation"]["thresholdMetrics"] is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == "threshold"
    assert error["extensions"]["value"] == 1.5


def test_explained_row_is_complete_and_matches_keras(evaluated: Evaluated) -> None:
    features = evaluated.run["features"]
    data = dataset_rows(evaluated)
    row = data[data["split"] == "test"].iloc[[7]]
    train_mean = data.loc[data["split"] == "train", features].to_numpy(dtype="float32").astype("float64").mean(axis=0)
    model = load(evaluated.server, evaluated.version_id)
    probability = float(np.asarray(model(row[features].to_numpy(dtype="float32")))[0, 0])
    baseline_probability = float(np.asarray(model(train_mean.astype("float32").reshape(1, -1)))[0, 0])

    explained = evaluated.client.data(EXPLAIN, {"id": evaluated.evaluation_id, "row": 7, "steps": 128})["explainEvaluationRow"]

    positive = probability >= 0.5
    assert (explained["evaluationId"], explained["row"], explained["steps"]) == (evaluated.evaluation_id, 7, 128)
    assert (explained["baseline"], explained["baselineRows"], explained["task"]) == ("MEAN", "train", "classification")
    assert explained["explainedClass"] == ("1" if positive else "0")
    assert explained["actual"] == str(int(row["target"].iloc[0]))
    assert explained["prediction"] == pytest.approx(probability if positive else 1 - probability, abs=1e-6)
    assert explained["baselinePrediction"] == pytest.approx(baseline_probability if positive else 1 - baseline_probability, abs=1e-5)
    assert [item["feature"] for item in explained["features"]] == features
    assert [item["value"] for item in explained["features"]] == pytest.approx(row[features].to_numpy(dtype="float32")[0].tolist())
    assert [item["baselineValue"] for item in explained["features"]] == pytest.approx(train_mean.tolist(), rel=1e-5)
    total = sum(item["attribution"] for item in explained["features"])
    assert explained["attributionSum"] == pytest.approx(total, abs=1e-9)
    assert total == pytest.approx(explained["prediction"] - explained["baselinePrediction"], abs=COMPLETENESS_TOLERANCE)
    assert abs(explained["completenessGap"]) < COMPLETENESS_TOLERANCE


def test_explain_row_out_of_range_rejected(evaluated: Evaluated) -> None:
    rows = evaluated.report["rows"]

    error = evaluated.client.error(EXPLAIN, {"id": evaluated.evaluation_id, "row": rows, "steps": 64})

    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == "row"
    assert error["extensions"]["value"] == rows
    assert f"so row must be from 0 to {rows - 1}" in error["message"]


def dataset_rows(evaluated: Evaluated) -> pd.DataFrame:
    """Download every row of the evaluated dataset version, with its split column."""
    response = httpx.get(
        f"{evaluated.server.url}/v1/dataset-versions/{evaluated.project.version_id}/data", params={"format": "parquet"},
        headers={"Authorization": f"Bearer {evaluated.server.admin_token}"},
    )
    assert response.status_code == 200, response.text
    return pd.read_parquet(io.BytesIO(response.content))


def load(server: Server, version_id: str) -> Any:
    """Download the model version and load it with Keras, as a user would."""
    import keras

    response = httpx.get(
        f"{server.url}/v1/model-versions/{version_id}/artifact", headers={"Authorization": f"Bearer {server.admin_token}"}
    )
    assert response.status_code == 200, response.text
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.keras"
        path.write_bytes(response.content)
        return keras.saving.load_model(path, safe_mode=True)


def predict(server: Server, version_id: str, features: np.ndarray) -> Any:
    return np.asarray(load(server, version_id)(features))[:, 0]
