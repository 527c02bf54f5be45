"""Inspection of uploaded models by a Ray worker of the real server, checked against what Keras reports."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import CREATE_TEAM, unique
from tests.e2e.test_registry_flow import REGISTER, upload
from tests.support.graphql_ws import GraphQLWebSocket
from tests.support.server import Client, Server

pytestmark = pytest.mark.e2e

UPLOAD = "mutation($i: UploadModelVersionInput!) { uploadModelVersion(input: $i) { id number status } }"
VERSION = """query($id: ID!) { modelVersion(id: $id) {
  status failureReason trainableParameters nonTrainableParameters layerCount
  signature { inputs { name shape dtype } outputs { name shape dtype } }
  inspection { modelClass layers { name className outputShape parameters } edges { source target }
    weights { name shape count nanCount infCount mean min max histogram { edges counts } } }
} }"""
WATCH = "subscription($id: ID!) { modelUpdated(id: $id) { change { action summary } } }"
COMPARE = (
    "query($a: ID!, $b: ID!) { compareModelVersions(a: $a, b: $b) "
    "{ parameterDelta signatureChanged layersAdded layersRemoved layersChanged { field a b } } }"
)


def inspected(server: Server, client: Client, model_id: str, team_id: str, path: Path, **options: Any) -> dict[str, Any]:
    """Upload `path` as a version and wait on modelUpdated until the worker has recorded its inspection."""

    async def scenario() -> str:
        socket = await GraphQLWebSocket.connect(server.ws_url, payload={"token": server.admin_token})
        operation = await socket.subscribe(WATCH, {"id": model_id})
        await socket.next_data(operation)
        version = await asyncio.to_thread(
            client.data, UPLOAD, {"i": {"modelId": model_id, "uploadId": upload(server, path, server.admin_token, team_id), **options}}
        )
        while True:
            change = (await socket.next_data(operation, timeout=120))["modelUpdated"]["change"]
            if change and change["action"] in ("ModelVersion.Inspected", "ModelVersion.InspectionFailed"):
                await socket.close()
                return version["uploadModelVersion"]["id"]

    version_id = asyncio.run(asyncio.wait_for(scenario(), timeout=180))
    return client.data(VERSION, {"id": version_id})["modelVersion"]


@pytest.fixture
def model(admin_token: Client) -> tuple[str, str]:
    team_id = admin_token.data(CREATE_TEAM, {"i": {"name": unique("inspect")}})["createTeam"]["id"]
    model_id = admin_token.data(REGISTER, {"i": {"teamId": team_id, "name": "cancer", "task": "CLASSIFICATION"}})["registerModel"]["id"]
    return team_id, model_id


def test_keras_inspection_matches_keras(server: Server, admin_token: Client, model: tuple[str, str], model_files: Path) -> None:
    team_id, model_id = model
    keras_report = json.loads((model_files / "report.json").read_text())["cancer_a"]

    version = inspected(server, admin_token, model_id, team_id, model_files / "cancer_a.keras")

    assert version["status"] == "ready"
    assert version["trainableParameters"] + version["nonTrainableParameters"] == keras_report["params"]
    assert version["signature"]["inputs"] == [{"name": "features", "shape": [None, 30], "dtype": "float32"}]
    assert version["signature"]["outputs"] == [{"name": "malignant", "shape": [None, 1], "dtype": "float32"}]
    inspection = version["inspection"]
    assert [(layer["name"], layer["className"], layer["outputShape"]) for layer in inspection["layers"]] == [
        ("features", "InputLayer", [None, 30]),
        ("hidden", "Dense", [None, 16]),
        ("malignant", "Dense", [None, 1]),
    ]
    assert sum(layer["parameters"] for layer in inspection["layers"]) == keras_report["params"]
    assert inspection["edges"] == [{"source": "features", "target": "hidden"}, {"source": "hidden", "target": "malignant"}]
    kernel = next(weight for weight in inspection["weights"] if weight["name"] == "hidden/kernel")
    assert kernel["shape"] == [30, 16]
    assert kernel["count"] == 480
    assert sum(kernel["histogram"]["counts"]) == 480 - kernel["nanCount"] - kernel["infCount"]
    assert len(kernel["histogram"]["edges"]) == len(kernel["histogram"]["counts"]) + 1
    assert kernel["min"] <= kernel["mean"] <= kernel["max"]


def test_savedmodel_inspection_has_no_layers(server: Server, admin_token: Client, model: tuple[str, str], model_files: Path) -> None:
    team_id, model_id = model

    version = inspected(server, admin_token, model_id, team_id, model_files / "cancer_a_savedmodel.tar.gz")

    assert version["status"] == "ready"
    assert version["inspection"]["modelClass"] == "SavedModel"
    assert version["inspection"]["layers"] == []
    assert version["signature"]["inputs"][0]["shape"] == [None, 30]
    assert version["trainableParameters"] + version["nonTrainableParameters"] == 513


def test_lambda_layer_fails_with_reason(server: Server, admin_token: Client, model: tuple[str, str], model_files: Path) -> None:
    team_id, model_id = model

    version = inspected(server, admin_token, model_id, team_id, model_files / "with_lambda.keras")

    assert version["status"] == "failed"
    assert "Lambda layer" in version["failureReason"]
    assert version["inspection"] is None


def test_cut_short_weights_fail_with_reason(server: Server, admin_token: Client, model: tuple[str, str], model_files: Path) -> None:
    team_id, model_id = model

    version = inspected(server, admin_token, model_id, team_id, model_files / "truncated_weights.keras")

    assert version["status"] == "failed"
    assert "truncated file" in version["failureReason"]


def test_compare_shows_layer_changes(server: Server, admin_token: Client, model: tuple[str, str], model_files: Path) -> None:
    team_id, model_id = model
    first = inspected(server, admin_token, model_id, team_id, model_files / "cancer_a.keras")
    second = inspected(server, admin_token, model_id, team_id, model_files / "cancer_b.keras")
    versions = admin_token.data(
        "query($id: ID!) { model(id: $id) { versions { nodes { id number } } } }", {"id": model_id}
    )["model"]["versions"]["nodes"]

    compared = admin_token.data(COMPARE, {"a": versions[0]["id"], "b": versions[1]["id"]})["compareModelVersions"]

    assert compared["parameterDelta"] == (second["trainableParameters"] - first["trainableParameters"])
    assert compared["signatureChanged"] is False
    assert compared["layersAdded"] == []
    assert [change["field"] for change in compared["layersChanged"]] == ["hidden", "malignant"]
    assert compared["layersChanged"][0]["a"] == "Dense [None, 16] 496 parameters"
    assert compared["layersChanged"][0]["b"] == "Dense [None, 24] 744 parameters"
