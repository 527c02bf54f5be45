"""A model trained on a standardized dataset version, served from the raw uploaded columns.

It runs in its own module, after tests/e2e/test_serving_flow.py has stopped its deployments, so
that the training run here finds free CPUs.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import numpy as np
import pytest

from tests.e2e.conftest import CREATE_TOKEN
from tests.e2e.test_serving_flow import CREATE, STATE, STOP, SWITCH_TIMEOUT, VERSION_STATUS
from tests.e2e.test_training_flow import DERIVE, MLP, Project, wait_for
from tests.support.server import Client, Server

pytestmark = pytest.mark.e2e


@pytest.mark.timeout(400)
def test_raw_features_through_training_transforms(server: Server, dataset_files: Path) -> None:
    client = Client(server, token=server.admin_token)
    project = Project(server, client, dataset_files)
    scaled_columns = ["mean radius", "mean texture", "worst area"]
    derived = client.data(DERIVE, {"i": {"parentId": project.version_id, "operations": [
        {"op": "standardize", "columns": scaled_columns}]}})["deriveDatasetVersion"]["id"]
    project.wait_ready(derived)
    project.version_id = derived
    run = project.start(MLP)
    finished = project.finished(run["id"])
    assert finished["status"] == "SUCCEEDED", finished["failureReason"]
    wait_for(lambda: client.data(VERSION_STATUS, {"id": finished["modelVersionId"]})["modelVersion"]["status"] == "ready", 120,
             "inspection")
    token = client.data(CREATE_TOKEN, {"i": {"teamId": project.team_id, "name": "raw", "scopes": ["PREDICT"]}})["createApiToken"]["secret"]
    created = client.data(CREATE, {"i": {"modelId": project.model_id, "name": "scaled"}})["createDeployment"]
    wait_for(lambda: client.data(STATE, {"id": created["id"]})["deployment"]["activeRevision"] == 1, SWITCH_TIMEOUT, "the replicas")
    raw = [dict(zip(run["features"], map(float, line.split(",")[:-1])))
           for line in (dataset_files / "breast_cancer.csv").read_text().splitlines()[1:6]]
    headers = {"Authorization": f"Bearer {token}"}

    answered = httpx.post(f"{server.url}/v1/models/scaled:predict", json={"instances": raw}, headers=headers, timeout=60)

    assert answered.status_code == 200, answered.text
    features = derived_features(server, derived, run["features"])[:5]
    expected = local_model_predictions(server, finished["modelVersionId"], features)
    assert np.allclose(np.asarray(answered.json()["predictions"]), expected, atol=1e-5)
    metadata = httpx.get(f"{server.url}/v1/models/scaled/metadata", headers=headers).json()
    inputs = metadata["metadata"]["signature_def"]["signature_def"]["serving_default"]["inputs"]
    assert set(inputs) == set(run["features"])

    missing = {key: value for key, value in raw[0].items() if key != "mean radius"}
    rejected = httpx.post(f"{server.url}/v1/models/scaled:predict", json={"instances": [missing]}, headers=headers, timeout=60)
    assert rejected.status_code == 400
    assert rejected.json()["field"] == "instances[0].mean radius"
    client.data(STOP, {"id": created["id"]})


def derived_features(server: Server, version_id: str, features: list[str]) -> np.ndarray:
    import io

    import pandas as pd

    response = httpx.get(f"{server.url}/v1/dataset-versions/{version_id}/data", params={"format": "parquet"},
                         headers={"Authorization": f"Bearer {server.admin_token}"})
    assert response.status_code == 200, response.text
    return pd.read_parquet(io.BytesIO(response.content))[features].to_numpy(dtype="float32")


def local_model_predictions(server: Server, version_id: str, rows: np.ndarray) -> np.ndarray:
    import tempfile

    import keras

    response = httpx.get(f"{server.url}/v1/model-versions/{version_id}/artifact",
                         headers={"Authorization": f"Bearer {server.admin_token}"})
    assert response.status_code == 200, response.text
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.keras"
        path.write_bytes(response.content)
        model = keras.saving.load_model(path, safe_mode=True)
        return np.asarray(model(rows))
