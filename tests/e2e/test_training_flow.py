"""Training over the public API on a real local Ray: live epochs, histograms, registration, cancel, lost workers."""

from __future__ import annotations

import asyncio
import io
import os
import signal
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pandas as pd
import pytest

from tests.e2e.conftest import CREATE_TEAM, unique
from tests.support.graphql_ws import GraphQLWebSocket
from tests.support.server import Client, Server

pytestmark = pytest.mark.e2e

CREATE_DATASET = "mutation($i: CreateDatasetInput!) { createDataset(input: $i) { id } }"
UPLOAD_VERSION = "mutation($i: UploadDatasetVersionInput!) { uploadDatasetVersion(input: $i) { id } }"
DERIVE = "mutation($i: DeriveDatasetVersionInput!) { deriveDatasetVersion(input: $i) { id } }"
VERSION_STATUS = "query($id: ID!) { datasetVersion(id: $id) { status } }"
CREATE_CONFIG = "mutation($i: CreateConfigProfileInput!) { createConfigProfile(input: $i) { id latestRevisionNumber } }"
REGISTER = "mutation($i: RegisterModelInput!) { registerModel(input: $i) { id } }"
START = (
    "mutation($i: StartTrainingRunInput!) { startTrainingRun(input: $i) "
    "{ id status template label features epochsPlanned configRevision } }"
)
CANCEL = "mutation($id: ID!) { cancelTrainingRun(id: $id) { id status cancelRequested } }"
RUN = (
    "query($id: ID!) { trainingRun(id: $id) { id status configProfileId attempt restarts restartReason failureReason epochsDone "
    "checkpointEpoch classes dataSummary modelVersionId modelVersionNumber finalMetrics { name value } "
    "epochs { epoch attempt metrics { name value nonFinite } learningRate durationSeconds etaSeconds } } }"
)
UPDATED = (
    "subscription($id: ID!) { trainingRunUpdated(id: $id) { run { status epochsDone attempt } "
    "epoch { epoch metrics { name value } learningRate durationSeconds etaSeconds } change { action } } }"
)
SERIES = (
    "query($id: ID!, $names: [String!], $max: Int!) { trainingRun(id: $id) { metricNames "
    "metrics(names: $names, maxPoints: $max) { name totalPoints downsampled points { step epoch value } } } }"
)
HISTOGRAMS = (
    "query($id: ID!, $layer: String, $kind: HistogramKind, $epoch: Int) { trainingRun(id: $id) { "
    "histogramTensors { layer tensor kind } "
    "histograms(layer: $layer, kind: $kind, epoch: $epoch) { epoch layer tensor kind low high counts edges nanCount infCount } } }"
)
MODEL_VERSION = (
    "query($id: ID!) { modelVersion(id: $id) { number source status lineage { key value } trainableParameters } }"
)
USED_BY = "query($id: ID!) { datasetVersion(id: $id) { trainingRuns { nodes { id status } } } }"
STRATIFIED = {"op": "split", "strategy": "stratified", "ratios": {"train": 0.7, "validation": 0.15, "test": 0.15}, "seed": 42}
RUN_TIMEOUT = 240.0
FINAL_ACTIONS = ("TrainingRun.Succeeded", "TrainingRun.Failed", "TrainingRun.Cancelled")


def upload(server: Server, content: bytes, filename: str, team_id: str) -> str:
    response = httpx.post(
        f"{server.url}/v1/uploads", params={"team": team_id}, content=content,
        headers={"Authorization": f"Bearer {server.admin_token}", "X-Filename": filename},
    )
    assert response.status_code == 201, response.text
    return response.json()["uploadId"]


def wait_for(check: Callable[[], Any], timeout: float, what: str) -> Any:
    """Poll `check` until it returns something truthy; fails naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


class Project:
    """A team with a profiled, split dataset version, a model to train and helpers for runs."""

    def __init__(
        self, server: Server, client: Client, dataset_files: Path, name: str = "breast_cancer", split: dict[str, Any] = STRATIFIED
    ) -> None:
        self.server = server
        self.client = client
        self.team_id = client.data(CREATE_TEAM, {"i": {"name": unique("training")}})["createTeam"]["id"]
        dataset_id = client.data(CREATE_DATASET, {"i": {"teamId": self.team_id, "name": name}})["createDataset"]["id"]
        source = dataset_files / f"{name}.csv"
        upload_id = upload(server, source.read_bytes(), source.name, self.team_id)
        plain = client.data(UPLOAD_VERSION, {"i": {"datasetId": dataset_id, "uploadId": upload_id, "label": "target"}})
        self.wait_ready(plain["uploadDatasetVersion"]["id"])
        split = client.data(DERIVE, {"i": {"parentId": plain["uploadDatasetVersion"]["id"], "operations": [split]}})
        self.version_id = split["deriveDatasetVersion"]["id"]
        self.wait_ready(self.version_id)
        self.model_id = client.data(REGISTER, {"i": {"teamId": self.team_id, "name": unique(f"{name}-model")}})["registerModel"]["id"]

    def wait_ready(self, version_id: str) -> None:
        status = wait_for(
            lambda: (s := self.client.data(VERSION_STATUS, {"id": version_id})["datasetVersion"]["status"]) != "PROFILING" and s,
            120, "profiling",
        )
        assert status == "READY"

    def config(self, document: dict[str, Any]) -> str:
        created = self.client.data(CREATE_CONFIG, {"i": {"teamId": self.team_id, "name": unique("config"), "document": document}})
        return created["createConfigProfile"]["id"]

    def start(self, document: dict[str, Any], **extra: Any) -> dict[str, Any]:
        values = {"modelId": self.model_id, "datasetVersionId": self.version_id, "configProfileId": self.config(document), **extra}
        return self.client.data(START, {"i": values})["startTrainingRun"]

    def run(self, run_id: str) -> dict[str, Any]:
        return self.client.data(RUN, {"id": run_id})["trainingRun"]

    def finished(self, run_id: str, timeout: float = RUN_TIMEOUT) -> dict[str, Any]:
        return wait_for(lambda: (run := self.run(run_id))["status"] in ("SUCCEEDED", "FAILED", "CANCELLED") and run, timeout, "the run's end")

    def test_rows(self) -> pd.DataFrame:
        response = httpx.get(
            f"{self.server.url}/v1/dataset-versions/{self.version_id}/data", params={"format": "parquet"},
            headers={"Authorization": f"Bearer {self.server.admin_token}"},
        )
        assert response.status_code == 200, response.text
        data = pd.read_parquet(io.BytesIO(response.content))
        return data[data["split"] == "test"]

    def held_out_accuracy(self, version_id: str, features: list[str]) -> float:
        """Download the registered model and measure its accuracy on the test rows, independently of the platform."""
        import keras

        response = httpx.get(
            f"{self.server.url}/v1/model-versions/{version_id}/artifact", headers={"Authorization": f"Bearer {self.server.admin_token}"}
        )
        assert response.status_code == 200, response.text
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "model.keras"
            path.write_bytes(response.content)
            model = keras.saving.load_model(path, safe_mode=True)
        rows = self.test_rows()
        scores = model.predict(rows[features].to_numpy(dtype="float32"), verbose=0)
        predicted = (scores[:, 0] > 0.5).astype(int) if scores.shape[1] == 1 else np.argmax(scores, axis=1)
        return float((predicted == rows["target"].to_numpy()).mean())


@pytest.fixture(scope="module")
def cancer(server: Server, dataset_files: Path) -> Project:
    client = Client(server, token=server.admin_token)
    return Project(server, client, dataset_files)


MLP = {
    "model": {"template": "tabular_mlp", "hiddenUnits": [16, 8]}, "epochs": 4, "batchSize": 32, "seed": 7,
    "optimizer": {"name": "adam", "learningRate": 0.01}, "metrics": ["accuracy"], "checkpointEveryEpochs": 1,
}


def test_run_streams_epochs_and_registers_version(cancer: Project, server: Server) -> None:
    async def start_and_watch() -> tuple[dict[str, Any], list[dict[str, Any]]]:
        run = await asyncio.to_thread(cancer.start, {**MLP, "logEverySteps": 5})
        socket = await GraphQLWebSocket.connect(server.ws_url, payload={"token": server.admin_token})
        operation = await socket.subscribe(UPDATED, {"id": run["id"]})
        updates = []
        while True:
            update = (await socket.next_data(operation, timeout=RUN_TIMEOUT))["trainingRunUpdated"]
            updates.append(update)
            # Each message carries the run's current state, which may already be ahead of its change.
            if update["change"] and update["change"]["action"] in FINAL_ACTIONS:
                break
        await socket.close()
        return run, updates

    run, updates = asyncio.run(start_and_watch())

    assert run["status"] == "QUEUED"
    assert run["template"] == "tabular_mlp"
    assert len(run["features"]) == 30
    live_epochs = [update["epoch"]["epoch"] for update in updates if update["epoch"]]
    assert live_epochs == [1, 2, 3, 4]
    first = next(update["epoch"] for update in updates if update["epoch"])
    assert {metric["name"] for metric in first["metrics"]} >= {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert first["durationSeconds"] > 0
    assert first["etaSeconds"] >= 0
    assert updates[-1]["change"]["action"] == "TrainingRun.Succeeded", cancer.run(run["id"])

    finished = cancer.run(run["id"])
    assert finished["epochsDone"] == 4
    assert finished["checkpointEpoch"] == 4
    assert finished["classes"] == ["0", "1"]
    assert finished["dataSummary"]["trainRows"] > finished["dataSummary"]["validationRows"] > 0
    version = wait_for(
        lambda: (v := cancer.client.data(MODEL_VERSION, {"id": finished["modelVersionId"]})["modelVersion"])["status"] != "pending" and v,
        120, "the trained version's inspection",
    )
    assert version["source"] == "training"
    assert version["status"] == "ready"
    assert version["trainableParameters"] > 0
    assert {pair["key"]: pair["value"] for pair in version["lineage"]} == {
        "trainingRun": run["id"], "datasetVersion": cancer.version_id, "configProfile": finished["configProfileId"],
        "configRevision": "1",
    }
    assert cancer.held_out_accuracy(finished["modelVersionId"], run["features"]) >= 0.9
    used_by = cancer.client.data(USED_BY, {"id": cancer.version_id})["datasetVersion"]["trainingRuns"]["nodes"]
    assert run["id"] in [used["id"] for used in used_by]

    series = cancer.client.data(SERIES, {"id": run["id"], "names": ["loss", "val_accuracy"], "max": 100})["trainingRun"]
    assert {"loss", "val_loss", "accuracy", "val_accuracy", "learning_rate", "step/loss"} <= set(series["metricNames"])
    steps = cancer.client.data(SERIES, {"id": run["id"], "names": ["step/loss"], "max": 5})["trainingRun"]["metrics"][0]
    assert steps["totalPoints"] == finished["dataSummary"]["stepsPerEpoch"] * 4 // 5
    assert steps["downsampled"] is True
    assert len(steps["points"]) <= 5
    assert [point["epoch"] for point in series["metrics"][0]["points"]] == [1, 2, 3, 4]
    assert series["metrics"][0]["downsampled"] is False

    histograms = cancer.client.data(HISTOGRAMS, {"id": run["id"], "kind": "GRADIENTS", "epoch": 1})["trainingRun"]
    kinds = {(tensor["layer"], tensor["kind"]) for tensor in histograms["histogramTensors"]}
    assert {kind for _layer, kind in kinds} == {"WEIGHTS", "GRADIENTS"}
    assert histograms["histograms"], "no gradient histograms at epoch 1"
    for histogram in histograms["histograms"]:
        assert histogram["kind"] == "GRADIENTS"
        assert len(histogram["counts"]) == 30
        assert len(histogram["edges"]) == 31
        assert sum(histogram["counts"]) > 0


def test_digits_cnn_learns(server: Server, dataset_files: Path) -> None:
    client = Client(server, token=server.admin_token)
    digits = Project(server, client, dataset_files, "digits")
    document = {
        "model": {"template": "image_cnn", "filters": [8], "hiddenUnits": [32]}, "epochs": 4, "batchSize": 32, "seed": 3,
        "optimizer": {"name": "adam", "learningRate": 0.005},
    }

    run = digits.start(document)
    finished = digits.finished(run["id"])

    assert finished["status"] == "SUCCEEDED", finished["failureReason"]
    assert finished["classes"] == [str(digit) for digit in range(10)]
    assert digits.held_out_accuracy(finished["modelVersionId"], run["features"]) >= 0.85


def test_cancel_stops_running_run(cancer: Project) -> None:
    run = cancer.start({**MLP, "epochs": 2000})
    wait_for(lambda: cancer.run(run["id"])["epochsDone"] >= 1, RUN_TIMEOUT, "the first epoch")

    cancelled = cancer.client.data(CANCEL, {"id": run["id"]})["cancelTrainingRun"]
    assert cancelled["cancelRequested"] is True
    finished = cancer.finished(run["id"], timeout=30)

    assert finished["status"] == "CANCELLED"
    assert finished["epochsDone"] < 2000


def test_killed_worker_resumes_from_checkpoint(cancer: Project) -> None:
    run = cancer.start({**MLP, "epochs": 400, "maxRetries": 1})
    running = wait_for(lambda: (r := cancer.run(run["id"]))["checkpointEpoch"] and r["checkpointEpoch"] >= 2 and r, RUN_TIMEOUT,
                       "the second checkpoint")

    os.kill(int(running["dataSummary"]["chiefPid"]), signal.SIGKILL)
    resumed = wait_for(lambda: second_attempt_epoch(cancer.run(run["id"])), RUN_TIMEOUT, "an epoch of the second attempt")
    cancer.client.data(CANCEL, {"id": run["id"]})
    finished = cancer.finished(run["id"], timeout=30)

    assert resumed["restarts"] == 1
    assert "died" in resumed["restartReason"]
    assert finished["status"] == "CANCELLED"
    epochs = [epoch["epoch"] for epoch in finished["epochs"]]
    assert epochs == list(range(1, len(epochs) + 1))
    assert {epoch["attempt"] for epoch in finished["epochs"]} == {1, 2}


def second_attempt_epoch(run: dict[str, Any]) -> dict[str, Any] | None:
    """Return the run once an epoch of its second attempt is recorded."""
    return run if any(epoch["attempt"] == 2 for epoch in run["epochs"]) else None


def test_diverging_run_fails_with_reason(server: Server, dataset_files: Path) -> None:
    client = Client(server, token=server.admin_token)
    diabetes = Project(server, client, dataset_files, "diabetes", {**STRATIFIED, "strategy": "random"})
    document = {
        "model": {"template": "tabular_mlp", "task": "regression", "hiddenUnits": [64, 64]}, "epochs": 50,
        "optimizer": {"name": "sgd", "learningRate": 10.0}, "metrics": ["mae"],
    }

    run = diabetes.start(document)
    finished = diabetes.finished(run["id"])

    assert finished["status"] == "FAILED"
    assert "nan" in finished["failureReason"].lower() or "inf" in finished["failureReason"].lower()


def test_start_rejects_template_that_does_not_fit(cancer: Project) -> None:
    config_id = cancer.config({"model": {"template": "image_cnn"}})

    error = cancer.client.error(START, {"i": {"modelId": cancer.model_id, "datasetVersionId": cancer.version_id, "configProfileId": config_id}})

    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == "config.model.template"
    assert "not a square" in error["message"]


def test_run_needing_missing_gpus_fails_at_once(cancer: Project) -> None:
    run = cancer.start({**MLP, "resources": {"workers": 2, "cpusPerWorker": 0.5, "gpusPerWorker": 1}})
    finished = cancer.finished(run["id"], timeout=60)

    assert finished["status"] == "FAILED"
    assert "needs 2 GPUs (2 workers × 1)" in finished["failureReason"]
    assert finished["attempt"] == 0
