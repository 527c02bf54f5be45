"""Evaluating a trained model over the public API on a real local Ray, checked against scikit-learn."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import httpx
import numpy as np
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


def test_evaluation_matches_scikit_learn(server: Server, dataset_files: Path) -> None:
    from sklearn.metrics import accuracy_score, f1_score, log_loss, roc_auc_score

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
    assert report["status"] == "COMPLETED", report["failureReason"]
    rows = project.test_rows()
    probabilities = predict(server, version_id, rows[run["features"]].to_numpy(dtype="float32"))
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


def predict(server: Server, version_id: str, features: np.ndarray) -> Any:
    import keras

    response = httpx.get(
        f"{server.url}/v1/model-versions/{version_id}/artifact", headers={"Authorization": f"Bearer {server.admin_token}"}
    )
    assert response.status_code == 200, response.text
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.keras"
        path.write_bytes(response.content)
        model = keras.saving.load_model(path, safe_mode=True)
    return np.asarray(model(features))[:, 0]
