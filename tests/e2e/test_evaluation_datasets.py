"""Evaluations of models trained on the platform on scikit-learn's digits and diabetes, checked against scikit-learn.

Through the public API of a real server on a real local Ray: upload and split each dataset,
train small models, evaluate them, compare the evaluations and diff the versions. The test
process downloads each .keras file, predicts with Keras and computes every metric with
scikit-learn's own functions. A SavedModel export is evaluated against its .keras file too.
"""

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
from sklearn import metrics as sk
from sklearn.preprocessing import label_binarize

from tests.e2e.test_training_flow import STRATIFIED, Project, upload, wait_for
from tests.support.server import Client, Server

# Training three models and evaluating them takes longer than one test's default limit on 2 cores.
pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]

DIGITS_MLP = {
    "model": {"template": "tabular_mlp", "hiddenUnits": [32]}, "epochs": 5, "batchSize": 32, "seed": 5,
    "optimizer": {"name": "adam", "learningRate": 0.01},
}
DIABETES_MLP = {
    "model": {"template": "tabular_mlp", "task": "regression", "hiddenUnits": [16]}, "epochs": 30, "batchSize": 32, "seed": 5,
    "optimizer": {"name": "adam", "learningRate": 0.1}, "metrics": ["mae"],
}
DIABETES_WIDER = {**DIABETES_MLP, "model": {**DIABETES_MLP["model"], "hiddenUnits": [32, 16]}, "seed": 6}
RANDOM_SPLIT = {**STRATIFIED, "strategy": "random"}
DIGIT_CLASSES = [str(digit) for digit in range(10)]
# The report predicts under tf.function and the test calls the model eagerly, so float32 results may differ in the last bits.
CLOSE = 1e-6

VERSION_STATUS = "query($id: ID!) { modelVersion(id: $id) { status failureReason } }"
UPLOAD_VERSION = "mutation($i: UploadModelVersionInput!) { uploadModelVersion(input: $i) { id } }"
EVALUATE = "mutation($i: EvaluateModelVersionInput!) { evaluateModelVersion(input: $i) { id status } }"
EVALUATION = (
    "query($id: ID!) { evaluation(id: $id) { id status failureReason task split rows classes features "
    "summary { name value } metrics curves slices notes } }"
)
COMPARE = """query($ids: [ID!]!) { compareEvaluations(ids: $ids) {
  task sameData differentClasses notes
  data { evaluationId modelName modelVersionNumber datasetName datasetVersionNumber split label }
  evaluations { id split modelVersionId }
  metrics { name values higherIsBetter bestEvaluationIds }
  curves { evaluationId roc { className area points { x y threshold } } pr { className area points { x y } }
           residuals { low high counts } }
} }"""
DIFF = """query($a: ID!, $b: ID!) { compareModelVersions(a: $a, b: $b) {
  evaluation { a { id } b { id } datasetVersionId split label metrics { name a b difference higherIsBetter better } }
} }"""


@dataclass
class Trained:
    project: Project
    features: list[str]
    version_id: str


@pytest.fixture(scope="module")
def client(server: Server) -> Client:
    return Client(server, token=server.admin_token)


@pytest.fixture(scope="module")
def trained(server: Server, client: Client, dataset_files: Path) -> dict[str, Trained]:
    """A model trained on digits and two on diabetes, all started before any is waited on."""
    digits = Project(server, client, dataset_files, "digits")
    diabetes = Project(server, client, dataset_files, "diabetes", RANDOM_SPLIT)
    started = {
        "digits": (digits, digits.start(DIGITS_MLP)),
        "diabetes": (diabetes, diabetes.start(DIABETES_MLP)),
        "diabetes_wider": (diabetes, diabetes.start(DIABETES_WIDER)),
    }

    models = {}
    for name, (project, run) in started.items():
        finished = project.finished(run["id"])
        assert finished["status"] == "SUCCEEDED", finished["failureReason"]
        models[name] = Trained(project, run["features"], ready_version(client, finished["modelVersionId"]))
    return models


@pytest.fixture(scope="module")
def evaluations(client: Client, trained: dict[str, Trained]) -> dict[str, dict[str, Any]]:
    """Completed evaluations by name: digits on its test and validation splits, and each diabetes model on its test split."""
    requests = {
        "digits": (trained["digits"], "test", [{"kind": "label"}]),
        "digits_validation": (trained["digits"], "validation", []),
        "diabetes": (trained["diabetes"], "test", [{"kind": "bins", "feature": "bmi", "bins": 3}]),
        "diabetes_wider": (trained["diabetes_wider"], "test", []),
    }
    requested = {
        name: request_evaluation(client, model.version_id, model.project.version_id, split, slices)
        for name, (model, split, slices) in requests.items()
    }
    return {name: completed(client, evaluation_id) for name, evaluation_id in requested.items()}


def ready_version(client: Client, version_id: str) -> str:
    status = wait_for(
        lambda: (v := client.data(VERSION_STATUS, {"id": version_id})["modelVersion"])["status"] != "pending" and v, 120, "inspection"
    )
    assert status["status"] == "ready", status["failureReason"]
    return version_id


def request_evaluation(client: Client, version_id: str, dataset_version_id: str, split: str, slices: list[dict[str, Any]]) -> str:
    values = {"versionId": version_id, "datasetVersionId": dataset_version_id, "split": split, "slices": slices}
    return client.data(EVALUATE, {"i": values})["evaluateModelVersion"]["id"]


def completed(client: Client, evaluation_id: str) -> dict[str, Any]:
    evaluation = wait_for(
        lambda: (e := client.data(EVALUATION, {"id": evaluation_id})["evaluation"])["status"] != "PENDING" and e,
        180, "the evaluation",
    )
    assert evaluation["status"] == "COMPLETED", evaluation["failureReason"]
    return evaluation


def split_rows(project: Project, split: str) -> pd.DataFrame:
    response = httpx.get(
        f"{project.server.url}/v1/dataset-versions/{project.version_id}/data", params={"format": "parquet"},
        headers={"Authorization": f"Bearer {project.server.admin_token}"},
    )
    assert response.status_code == 200, response.text
    data = pd.read_parquet(io.BytesIO(response.content))
    return data[data["split"] == split].reset_index(drop=True)


def keras_outputs(server: Server, version_id: str, features: np.ndarray) -> np.ndarray:
    """Download the version's .keras file and return its outputs for `features`, called eagerly, as float64."""
    import keras

    response = httpx.get(
        f"{server.url}/v1/model-versions/{version_id}/artifact", headers={"Authorization": f"Bearer {server.admin_token}"}
    )
    assert response.status_code == 200, response.text
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.keras"
        path.write_bytes(response.content)
        model = keras.saving.load_model(path, safe_mode=True)
    return np.asarray(model(features, training=False), dtype="float64")


def predictions(server: Server, model: Trained, split: str) -> tuple[np.ndarray, np.ndarray]:
    """Return the true labels and the downloaded model's outputs on the rows of `split`."""
    rows = split_rows(model.project, split)
    return rows["target"].to_numpy(), keras_outputs(server, model.version_id, rows[model.features].to_numpy(dtype="float32"))


def metric_table(comparison: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {metric["name"]: metric for metric in comparison["metrics"]}


@pytest.mark.filterwarnings("ignore:The y_prob values do not sum to one")
def test_digits_metrics_match_scikit_learn(server: Server, trained: dict[str, Trained], evaluations: dict[str, Any]) -> None:
    evaluation = evaluations["digits"]
    truth, probabilities = predictions(server, trained["digits"], "test")
    predicted = probabilities.argmax(axis=1)
    metrics = evaluation["metrics"]

    assert evaluation["task"] == "classification"
    assert evaluation["classes"] == DIGIT_CLASSES
    assert evaluation["rows"] == len(truth)
    assert metrics["accuracy"] == pytest.approx(sk.accuracy_score(truth, predicted), abs=CLOSE)
    assert metrics["logLoss"] == pytest.approx(sk.log_loss(truth, np.clip(probabilities, 1e-15, 1 - 1e-15), labels=range(10)), abs=1e-5)
    assert metrics["rocAuc"] == pytest.approx(sk.roc_auc_score(truth, probabilities, multi_class="ovr", average="macro"), abs=CLOSE)
    assert metrics["prAuc"] == pytest.approx(
        sk.average_precision_score(label_binarize(truth, classes=range(10)), probabilities, average="macro"), abs=CLOSE
    )
    assert metrics["confusionMatrix"] == sk.confusion_matrix(truth, predicted, labels=range(10)).tolist()

    precision, recall, f1, support = sk.precision_recall_fscore_support(truth, predicted, labels=range(10), zero_division=0)
    assert [entry["class"] for entry in metrics["perClass"]] == DIGIT_CLASSES
    assert [entry["precision"] for entry in metrics["perClass"]] == pytest.approx(precision.tolist(), abs=CLOSE)
    assert [entry["recall"] for entry in metrics["perClass"]] == pytest.approx(recall.tolist(), abs=CLOSE)
    assert [entry["f1"] for entry in metrics["perClass"]] == pytest.approx(f1.tolist(), abs=CLOSE)
    assert [entry["support"] for entry in metrics["perClass"]] == support.tolist()
    for average in ("macro", "micro", "weighted"):
        expected = sk.precision_recall_fscore_support(truth, predicted, average=average, zero_division=0)
        assert [metrics[average][name] for name in ("precision", "recall", "f1")] == pytest.approx(list(expected[:3]), abs=CLOSE), average

    roc_curves = evaluation["curves"]["roc"]
    assert [curve["class"] for curve in roc_curves] == DIGIT_CLASSES
    for digit, curve in enumerate(roc_curves):
        assert curve["auc"] == pytest.approx(sk.roc_auc_score(truth == digit, probabilities[:, digit]), abs=CLOSE), digit
    label_slices = {entry["value"]: entry["rows"] for entry in evaluation["slices"]}
    assert label_slices == {str(digit): int((truth == digit).sum()) for digit in range(10)}


def test_diabetes_metrics_match_scikit_learn(server: Server, trained: dict[str, Trained], evaluations: dict[str, Any]) -> None:
    evaluation = evaluations["diabetes"]
    truth, outputs = predictions(server, trained["diabetes"], "test")
    predicted = outputs[:, 0]
    metrics = evaluation["metrics"]

    assert evaluation["task"] == "regression"
    assert evaluation["classes"] is None
    assert metrics["rows"] == len(truth)
    assert metrics["mae"] == pytest.approx(sk.mean_absolute_error(truth, predicted), rel=CLOSE)
    assert metrics["mse"] == pytest.approx(sk.mean_squared_error(truth, predicted), rel=CLOSE)
    assert metrics["rmse"] == pytest.approx(sk.root_mean_squared_error(truth, predicted), rel=CLOSE)
    assert metrics["r2"] == pytest.approx(sk.r2_score(truth, predicted), abs=CLOSE)

    counts, edges = np.histogram(truth - predicted, bins=30)
    residuals = evaluation["curves"]["residuals"]
    assert residuals["counts"] == counts.tolist()
    assert residuals["low"] == pytest.approx(edges[0], abs=1e-4)
    assert residuals["high"] == pytest.approx(edges[-1], abs=1e-4)
    assert sum(entry["rows"] for entry in evaluation["slices"]) == len(truth)


def test_digits_splits_compared_with_note(client: Client, evaluations: dict[str, Any]) -> None:
    test, validation = evaluations["digits"], evaluations["digits_validation"]

    comparison = client.data(COMPARE, {"ids": [test["id"], validation["id"]]})["compareEvaluations"]
    metrics = metric_table(comparison)

    assert comparison["task"] == "classification"
    assert [evaluation["split"] for evaluation in comparison["evaluations"]] == ["test", "validation"]
    assert comparison["sameData"] is False
    assert len(comparison["notes"]) == 1
    assert "measured different data, so their metrics are not strictly comparable" in comparison["notes"][0]
    assert validation["id"] not in comparison["notes"][0]
    assert [entry["split"] for entry in comparison["data"]] == ["test", "validation"]
    assert [entry["evaluationId"] for entry in comparison["data"]] == [test["id"], validation["id"]]
    assert comparison["differentClasses"] is False
    accuracy = metrics["accuracy"]
    assert accuracy["values"] == [test["metrics"]["accuracy"], validation["metrics"]["accuracy"]]
    best_accuracy = max(accuracy["values"])
    assert accuracy["bestEvaluationIds"] == [
        evaluation["id"] for evaluation in (test, validation) if evaluation["metrics"]["accuracy"] == best_accuracy
    ]
    log_loss = metrics["logLoss"]
    assert log_loss["higherIsBetter"] is False
    assert log_loss["bestEvaluationIds"] == [min((test, validation), key=lambda e: e["metrics"]["logLoss"])["id"]]
    assert metrics["macro.f1"]["values"] == [test["metrics"]["macro"]["f1"], validation["metrics"]["macro"]["f1"]]
    assert metrics["perClass.7.recall"]["values"] == [
        evaluation["metrics"]["perClass"][7]["recall"] for evaluation in (test, validation)
    ]

    assert [curves["evaluationId"] for curves in comparison["curves"]] == [test["id"], validation["id"]]
    for curves, evaluation in zip(comparison["curves"], (test, validation)):
        assert [curve["className"] for curve in curves["roc"]] == DIGIT_CLASSES
        first = curves["roc"][0]
        assert first["area"] == evaluation["curves"]["roc"][0]["auc"]
        assert [point["x"] for point in first["points"]] == evaluation["curves"]["roc"][0]["fpr"]
        assert [point["y"] for point in first["points"]] == evaluation["curves"]["roc"][0]["tpr"]
        assert first["points"][0]["threshold"] is None
        assert [point["x"] for point in curves["pr"][3]["points"]] == evaluation["curves"]["pr"][3]["recall"]
        assert curves["residuals"] is None


def test_diabetes_models_compared_side_by_side(client: Client, evaluations: dict[str, Any]) -> None:
    small, wider = evaluations["diabetes"], evaluations["diabetes_wider"]

    comparison = client.data(COMPARE, {"ids": [small["id"], wider["id"]]})["compareEvaluations"]
    metrics = metric_table(comparison)

    assert comparison["task"] == "regression"
    assert comparison["sameData"] is True
    assert comparison["notes"] == []
    assert list(metrics) == ["mae", "mse", "rmse", "r2"]
    for name in ("mae", "mse", "rmse", "r2"):
        assert metrics[name]["values"] == [small["metrics"][name], wider["metrics"][name]], name
    assert metrics["rmse"]["higherIsBetter"] is False
    assert metrics["rmse"]["bestEvaluationIds"] == [min((small, wider), key=lambda e: e["metrics"]["rmse"])["id"]]
    assert metrics["r2"]["bestEvaluationIds"] == [max((small, wider), key=lambda e: e["metrics"]["r2"])["id"]]
    for curves, evaluation in zip(comparison["curves"], (small, wider)):
        assert curves["residuals"]["counts"] == evaluation["curves"]["residuals"]["counts"]
        assert curves["roc"] == []


def test_version_diff_has_evaluation_metrics(client: Client, trained: dict[str, Trained], evaluations: dict[str, Any]) -> None:
    small, wider = evaluations["diabetes"], evaluations["diabetes_wider"]
    a, b = trained["diabetes"].version_id, trained["diabetes_wider"].version_id

    diff = client.data(DIFF, {"a": a, "b": b})["compareModelVersions"]["evaluation"]
    rows = {row["name"]: row for row in diff["metrics"]}

    assert (diff["a"]["id"], diff["b"]["id"]) == (small["id"], wider["id"])
    assert diff["datasetVersionId"] == trained["diabetes"].project.version_id
    assert diff["split"] == "test"
    assert diff["label"] == "target"
    assert list(rows) == ["mae", "mse", "rmse", "r2"]
    for name, row in rows.items():
        assert (row["a"], row["b"]) == (small["metrics"][name], wider["metrics"][name]), name
        assert row["difference"] == pytest.approx(wider["metrics"][name] - small["metrics"][name]), name
    mae = rows["mae"]
    assert mae["higherIsBetter"] is False
    assert mae["better"] == ("b" if mae["b"] < mae["a"] else "a")


def test_version_diff_without_shared_data_is_null(client: Client, trained: dict[str, Trained], evaluations: dict[str, Any]) -> None:
    diff = client.data(DIFF, {"a": trained["digits"].version_id, "b": trained["diabetes"].version_id})["compareModelVersions"]

    assert diff["evaluation"] is None


def test_compare_rejects_single_id(client: Client, evaluations: dict[str, Any]) -> None:
    error = client.error(COMPARE, {"ids": [evaluations["digits"]["id"]]})

    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == "ids"
    assert "A comparison takes 2 to 10 evaluation ids, but ids contains 1." in error["message"]


def test_compare_rejects_unknown_id(client: Client, evaluations: dict[str, Any]) -> None:
    unknown = "00000000-0000-4000-8000-000000000000"

    error = client.error(COMPARE, {"ids": [evaluations["digits"]["id"], unknown]})

    assert error["extensions"]["code"] == "NOT_FOUND"
    assert error["extensions"]["field"] == "ids"
    assert error["extensions"]["value"] == unknown


def test_compare_rejects_invalid_id(client: Client, evaluations: dict[str, Any]) -> None:
    error = client.error(COMPARE, {"ids": [evaluations["digits"]["id"], "seven"]})

    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == "ids"
    assert "'seven' is not a valid id" in error["message"]


def test_compare_rejects_mixed_tasks(client: Client, evaluations: dict[str, Any]) -> None:
    digits, diabetes = evaluations["digits"], evaluations["diabetes"]

    error = client.error(COMPARE, {"ids": [digits["id"], diabetes["id"]]})

    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["value"] == diabetes["id"]
    assert f"Evaluation {diabetes['id']} is a regression evaluation, but evaluation {digits['id']}" in error["message"]


def test_savedmodel_matches_its_keras_file(server: Server, client: Client, dataset_files: Path, model_files: Path) -> None:
    cancer = Project(server, client, dataset_files)
    versions = []
    for filename in ("cancer_a.keras", "cancer_a_savedmodel.zip"):
        upload_id = upload(server, (model_files / filename).read_bytes(), filename, cancer.team_id)
        version_id = client.data(UPLOAD_VERSION, {"i": {"modelId": cancer.model_id, "uploadId": upload_id}})["uploadModelVersion"]["id"]
        versions.append(ready_version(client, version_id))
    requested = [request_evaluation(client, version_id, cancer.version_id, "test", []) for version_id in versions]
    keras_file, saved_model = (completed(client, evaluation_id) for evaluation_id in requested)

    comparison = client.data(COMPARE, {"ids": [keras_file["id"], saved_model["id"]]})["compareEvaluations"]

    assert saved_model["rows"] == keras_file["rows"]
    assert saved_model["metrics"]["confusionMatrix"] == keras_file["metrics"]["confusionMatrix"]
    assert comparison["sameData"] is True
    for metric in comparison["metrics"]:
        first, second = metric["values"]
        if first is None:
            assert second is None, metric["name"]
        else:
            assert second == pytest.approx(first, abs=CLOSE), metric["name"]
