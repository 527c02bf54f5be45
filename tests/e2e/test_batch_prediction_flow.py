"""Batch prediction over the public API on a real local Ray: an uploaded model scores breast cancer's test split."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pandas as pd
import pytest

from tests.e2e.conftest import TeamSetup
from tests.e2e.test_training_flow import CREATE_DATASET, DERIVE, REGISTER, STRATIFIED, UPLOAD_VERSION, upload, wait_for
from tests.support.graphql_ws import GraphQLWebSocket
from tests.support.server import Server

pytestmark = pytest.mark.e2e

UPLOAD_MODEL_VERSION = "mutation($i: UploadModelVersionInput!) { uploadModelVersion(input: $i) { id } }"
MODEL_VERSION_STATUS = "query($id: ID!) { modelVersion(id: $id) { status } }"
DATASET_VERSION_STATUS = "query($id: ID!) { datasetVersion(id: $id) { status } }"
START = (
    "mutation($i: StartBatchPredictionInput!) { startBatchPrediction(input: $i) "
    "{ id status split task classes features outputColumns progress { rowsDone rowsTotal } } }"
)
UPDATED = (
    "subscription($id: ID!) { batchPredictionUpdated(id: $id) { batchPrediction { status failureReason rows "
    "progress { rowsDone rowsTotal } resultDatasetVersion { id } } change { action } } }"
)
LIST = (
    "query($team: ID!, $f: BatchPredictionFilter) { batchPredictions(teamId: $team, filter: $f) "
    "{ nodes { id status modelVersionNumber resultDatasetVersionNumber } } }"
)
LINEAGE = (
    "query($id: ID!) { datasetVersion(id: $id) { status parentId columns { name } "
    "operations { op description parameters } lineage { ancestors { id } } } }"
)
OUTPUTS = ["prediction", "probability_0", "probability_1"]
TERMINAL = ("COMPLETED", "FAILED")
WATCHED = ["BatchPrediction.Progressed", "BatchPrediction.Progressed", "BatchPrediction.Completed"]


def download(server: Server, version_id: str) -> pd.DataFrame:
    response = httpx.get(
        f"{server.url}/v1/dataset-versions/{version_id}/data", params={"format": "parquet"},
        headers={"Authorization": f"Bearer {server.admin_token}"},
    )
    assert response.status_code == 200, response.text
    return pd.read_parquet(io.BytesIO(response.content))


async def follow(server: Server, batch_prediction_id: str) -> list[dict[str, Any]]:
    """Return every update of the batch prediction from its current state until it completes or fails."""
    socket = await GraphQLWebSocket.connect(server.ws_url, payload={"token": server.admin_token})
    try:
        operation = await socket.subscribe(UPDATED, {"id": batch_prediction_id})
        updates = [(await socket.next_data(operation))["batchPredictionUpdated"]]
        while updates[-1]["batchPrediction"]["status"] not in TERMINAL:
            updates.append((await socket.next_data(operation, timeout=120))["batchPredictionUpdated"])
        return updates
    finally:
        await socket.close()


def test_batch_prediction_scores_test_split(server: Server, team: TeamSetup, dataset_files: Path, model_files: Path) -> None:
    import keras

    editor, viewer = team.members["editor"].client, team.members["viewer"].client
    source = dataset_files / "breast_cancer.csv"
    features = [name for name in source.read_text().splitlines()[0].split(",") if name != "target"]
    dataset_id = editor.data(CREATE_DATASET, {"i": {"teamId": team.team_id, "name": "cancer"}})["createDataset"]["id"]
    upload_id = upload(server, source.read_bytes(), source.name, team.team_id)
    plain_id = editor.data(UPLOAD_VERSION, {"i": {"datasetId": dataset_id, "uploadId": upload_id, "label": "target"}}
                           )["uploadDatasetVersion"]["id"]
    operations = [STRATIFIED, {"op": "standardize", "columns": features}]
    split_id = editor.data(DERIVE, {"i": {"parentId": plain_id, "operations": operations}})["deriveDatasetVersion"]["id"]
    model_id = editor.data(REGISTER, {"i": {"teamId": team.team_id, "name": "cancer"}})["registerModel"]["id"]
    model_upload = upload(server, (model_files / "cancer_a.keras").read_bytes(), "cancer_a.keras", team.team_id)
    version_id = editor.data(UPLOAD_MODEL_VERSION, {"i": {"modelId": model_id, "uploadId": model_upload}})["uploadModelVersion"]["id"]
    wait_for(lambda: editor.data(MODEL_VERSION_STATUS, {"id": version_id})["modelVersion"]["status"] == "ready", 120, "inspection")
    wait_for(lambda: editor.data(DATASET_VERSION_STATUS, {"id": split_id})["datasetVersion"]["status"] == "READY", 120, "profiling")
    request = {"modelVersionId": version_id, "datasetVersionId": split_id, "split": "test"}

    refused = viewer.error(START, {"i": request})
    long_prefix = editor.error(START, {"i": {**request, "outputPrefix": "p" * 65}})
    started = editor.data(START, {"i": request})["startBatchPrediction"]
    updates = asyncio.run(asyncio.wait_for(follow(server, started["id"]), timeout=180))

    scored = download(server, split_id)
    test_rows = scored[scored["split"] == "test"].reset_index(drop=True)
    final = updates[-1]["batchPrediction"]
    assert refused["extensions"]["code"] == "FORBIDDEN"
    assert (long_prefix["extensions"]["code"], long_prefix["extensions"]["field"]) == ("BAD_USER_INPUT", "outputPrefix")
    assert (started["split"], started["task"], started["classes"]) == ("test", "classification", ["0", "1"])
    assert started["features"] == features
    assert started["outputColumns"] == OUTPUTS
    assert started["progress"]["rowsTotal"] == len(test_rows)
    assert final["status"] == "COMPLETED", final["failureReason"]
    assert final["rows"] == len(test_rows)
    assert final["progress"] == {"rowsDone": len(test_rows), "rowsTotal": len(test_rows)}
    # One chunk contains every test row: progress at 0 once the model is loaded, at the end, then completion. A
    # subscription opened after the worker started sees the tail of that sequence.
    actions = [update["change"]["action"] for update in updates[1:]]
    assert actions == WATCHED[len(WATCHED) - len(actions):]
    assert updates[0]["batchPrediction"]["status"] != "PENDING" or actions == WATCHED

    result_id = final["resultDatasetVersion"]["id"]
    result = download(server, result_id)
    model = keras.saving.load_model(model_files / "cancer_a.keras", safe_mode=True, compile=False)
    expected = np.asarray(model(test_rows[features].to_numpy(dtype="float32"))).astype("float64")[:, 0]
    assert list(result.columns) == [*scored.columns, *OUTPUTS]
    assert result[list(scored.columns)].equals(test_rows)
    assert np.allclose(result["probability_1"], expected, atol=1e-6)
    assert np.allclose(result["probability_0"], 1 - expected, atol=1e-6)
    assert list(result["prediction"]) == ["1" if p >= 0.5 else "0" for p in expected]

    wait_for(lambda: editor.data(DATASET_VERSION_STATUS, {"id": result_id})["datasetVersion"]["status"] == "READY", 120,
             "the result's profile")
    lineage = viewer.data(LINEAGE, {"id": result_id})["datasetVersion"]
    [operation] = lineage["operations"]
    assert lineage["parentId"] == split_id
    assert [ancestor["id"] for ancestor in lineage["lineage"]["ancestors"]] == [plain_id, split_id]
    assert (operation["op"], operation["parameters"]["modelVersionId"]) == ("predict", version_id)
    assert operation["description"] == (
        "predict prediction, probability_0, probability_1 for the test rows with version 1 of model 'cancer'"
    )
    listed = viewer.data(LIST, {"team": team.team_id, "f": {"datasetVersionId": split_id, "status": ["COMPLETED"]}})
    assert listed["batchPredictions"]["nodes"] == [
        {"id": started["id"], "status": "COMPLETED", "modelVersionNumber": 1, "resultDatasetVersionNumber": 3}
    ]
