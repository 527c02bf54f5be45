"""A model trained on a standardized dataset version, served from the raw uploaded columns.

It runs in its own module, after tests/e2e/test_serving_flow.py has stopped its deployments, so
that the training run here finds free CPUs.
"""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import httpx
import numpy as np
import pytest

from backend.application.webhooks import verify
from tests.e2e.conftest import CREATE_TOKEN
from tests.e2e.test_monitoring_flow import ACKNOWLEDGE, CREATE_CHANNEL, CREATE_RULE, MONITOR_TIMEOUT, WALL, Receiver
from tests.e2e.test_serving_flow import CREATE, STATE, STOP, SWITCH_TIMEOUT, VERSION_STATUS
from tests.e2e.test_training_flow import DERIVE, MLP, Project, wait_for
from tests.support.graphql_ws import GraphQLWebSocket
from tests.support.server import Client, Server

pytestmark = pytest.mark.e2e


@pytest.mark.timeout(500)
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
    created = client.data(CREATE, {"i": {"modelId": project.model_id, "name": "scaled", "requestLogSample": 1.0}})[
        "createDeployment"]
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

    # Shifted data raises a drift alert on the wall and at a webhook. It is acknowledged, and it resolves once
    # normal traffic returns.
    receiver = Receiver()
    try:
        # Every third row: a sample spread over the whole file, whose rows are ordered by nothing in particular but
        # begin with many large tumours.
        rows = [dict(zip(run["features"], map(float, line.split(",")[:-1])))
                for line in (dataset_files / "breast_cancer.csv").read_text().splitlines()[1::3]]
        asyncio.run(_drift_alert(server, client, project.team_id, created["id"], rows, headers, receiver))
    finally:
        receiver.server.shutdown()
        receiver.server.server_close()
        client.data(STOP, {"id": created["id"]})


DRIFT_RULE = {"name": "radius drift", "signal": "featureDriftPsi", "comparator": ">", "threshold": 0.25,
              "feature": "mean radius", "windowSeconds": 10, "severity": "WARNING", "targetKind": "DEPLOYMENT"}


async def _drift_alert(server: Server, client: Client, team_id: str, deployment_id: str, rows: list[dict[str, float]],
                       headers: dict[str, str], receiver: Receiver) -> None:
    channel = client.data(CREATE_CHANNEL, {"team": team_id, "name": "drift", "url": receiver.url})["createNotificationChannel"]
    client.data(CREATE_RULE, {"i": {**DRIFT_RULE, "teamId": team_id, "targetId": deployment_id,
                                    "channelIds": [channel["channel"]["id"]]}})
    socket = await GraphQLWebSocket.connect(server.ws_url, payload={"token": server.admin_token})
    try:
        wall = await socket.subscribe(WALL, {"team": team_id})
        assert (await socket.next_data(wall))["monitoringWall"]["alerts"] == []
        shifted = [{**row, "mean radius": row["mean radius"] * 1.6} for row in rows]
        async with httpx.AsyncClient(base_url=server.url, headers=headers, timeout=60) as http:
            for start in range(0, len(shifted), 20):
                sent = await http.post("/v1/models/scaled:predict", json={"instances": shifted[start:start + 20]})
                assert sent.status_code == 200, sent.text
        deadline = time.monotonic() + MONITOR_TIMEOUT
        firing = None
        while firing is None:
            assert time.monotonic() < deadline, "the wall never showed the drift alert firing"
            state = (await socket.next_data(wall, timeout=MONITOR_TIMEOUT))["monitoringWall"]
            firing = next((alert for alert in state["alerts"] if alert["state"] == "FIRING"), None)
        assert (firing["ruleName"], firing["subjectName"]) == ("radius drift", "scaled")
        assert firing["value"] > 0.25
        assert await asyncio.to_thread(receiver.arrived.wait, MONITOR_TIMEOUT)
        request_headers, body = receiver.requests[0]
        assert verify(channel["secret"].encode(), int(request_headers["x-modelcloud-timestamp"]), body,
                      request_headers["x-modelcloud-signature"])
        assert json.loads(body)["rule"]["feature"] == "mean radius"
        assert client.data(ACKNOWLEDGE, {"id": firing["id"]})["acknowledgeAlert"]["acknowledgeNote"] == "on it"

        # Normal rows, sent until the shifted ones have left the rule's 10-second window.
        resolved = None
        deadline = time.monotonic() + MONITOR_TIMEOUT
        async with httpx.AsyncClient(base_url=server.url, headers=headers, timeout=60) as http:
            while resolved is None:
                assert time.monotonic() < deadline, "the drift alert did not resolve under normal traffic"
                sent = await http.post("/v1/models/scaled:predict", json={"instances": rows})
                assert sent.status_code == 200, sent.text
                try:
                    state = (await socket.next_data(wall, timeout=2))["monitoringWall"]
                except TimeoutError:
                    continue
                if not any(alert["id"] == firing["id"] for alert in state["alerts"]):
                    resolved = state
        incident = client.data("query($id: ID!) { alert(id: $id) { state value acknowledgedBy } }", {"id": firing["id"]})["alert"]
        assert incident["state"] == "RESOLVED"
        assert incident["value"] < 0.25
        assert incident["acknowledgedBy"] is not None
    finally:
        await socket.close()


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
