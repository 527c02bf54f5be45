"""Deploying a model on a real local Ray Serve and calling it as a TensorFlow Serving client would."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest

from tests.e2e.conftest import CREATE_TEAM, CREATE_TOKEN, unique
from tests.e2e.test_training_flow import REGISTER, upload, wait_for
from tests.support.server import Client, Server

pytestmark = pytest.mark.e2e

UPLOAD_VERSION = "mutation($i: UploadModelVersionInput!) { uploadModelVersion(input: $i) { id number } }"
VERSION_STATUS = "query($id: ID!) { modelVersion(id: $id) { status } }"
CREATE = (
    "mutation($i: CreateDeploymentInput!) { createDeployment(input: $i) { id name status revision endpoint "
    "config { traffic { version percent } scaling { minReplicas maxReplicas } cpusPerReplica batching { maxBatchSize } } } }"
)
CREATE_ROUTED = "mutation($i: CreateDeploymentInput!) { createDeployment(input: $i) { id config { languages { language version } } } }"
UPDATE = "mutation($id: ID!, $i: UpdateDeploymentInput!) { updateDeployment(id: $id, input: $i) { revision status } }"
ROLLBACK = "mutation($id: ID!) { rollbackDeployment(id: $id) { revision config { traffic { version percent } } } }"
STOP = "mutation($id: ID!) { stopDeployment(id: $id) { status } }"
STATE = (
    "query($id: ID!) { deployment(id: $id) { status revision activeRevision healthReason "
    "activeConfig { traffic { version percent } } } }"
)
HISTORY = (
    "query($id: ID!) { deployment(id: $id) { callers { caller requests } "
    "windows { requests errors clientErrors rows versions { version requests } p50LatencyMs } "
    "revisions { nodes { revision action activatedAt } } } }"
)
REQUEST_LOG = "query($id: ID!) { deployment(id: $id) { requestLog(first: 100) { nodes { version rows inputs outputs caller } } } }"
PREDICT = "mutation($i: PredictInput!) { predict(input: $i) { predictions version rows } }"
SWITCH_TIMEOUT = 180.0


class Endpoint:
    """A team with a breast cancer model in two versions, a predict token, and a deployment of it."""

    def __init__(self, server: Server, client: Client, model_files: Path) -> None:
        self.server = server
        self.client = client
        self.team_id = client.data(CREATE_TEAM, {"i": {"name": unique("serving")}})["createTeam"]["id"]
        self.model_id = client.data(REGISTER, {"i": {"teamId": self.team_id, "name": unique("cancer")}})["registerModel"]["id"]
        for name in ("cancer_a.keras", "cancer_b.keras"):
            upload_id = upload(server, (model_files / name).read_bytes(), name, self.team_id)
            added = client.data(UPLOAD_VERSION, {"i": {"modelId": self.model_id, "uploadId": upload_id}})["uploadModelVersion"]
            wait_for(lambda v=added["id"]: client.data(VERSION_STATUS, {"id": v})["modelVersion"]["status"] == "ready", 120,
                     "inspection")
        created = client.data(CREATE_TOKEN, {"i": {"teamId": self.team_id, "name": "predictor", "scopes": ["PREDICT"]}})
        self.token = created["createApiToken"]["secret"]
        self.reader_token = client.data(CREATE_TOKEN, {"i": {"teamId": self.team_id, "name": "reader", "scopes": ["READ"]}}
                                        )["createApiToken"]["secret"]
        self.http = httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {self.token}"}, timeout=60)

    def state(self, deployment_id: str) -> dict[str, Any]:
        return self.client.data(STATE, {"id": deployment_id})["deployment"]

    def wait_active(self, deployment_id: str, revision: int) -> dict[str, Any]:
        return wait_for(lambda: (s := self.state(deployment_id))["activeRevision"] == revision and s, SWITCH_TIMEOUT,
                        f"revision {revision} to serve")


@pytest.fixture(scope="module")
def endpoint(server: Server, model_files: Path) -> Endpoint:
    return Endpoint(server, Client(server, token=server.admin_token), model_files)


@pytest.fixture(scope="module", autouse=True)
def stop_deployments(server: Server) -> Iterator[None]:
    """Stop every deployment this module started, so its replicas free their CPUs for the training tests that follow."""
    yield
    client = Client(server, token=server.admin_token)
    running = client.data("{ deployments(first: 500) { nodes { id status } } }")["deployments"]["nodes"]
    for node in running:
        if node["status"] != "STOPPED":
            client.data(STOP, {"id": node["id"]})


def local_predictions(model_files: Path, name: str, rows: np.ndarray) -> np.ndarray:
    import keras

    model = keras.saving.load_model(model_files / name, safe_mode=True)
    return np.asarray(model(rows if rows.dtype == object else rows.astype("float32")))


def test_deploy_predict_canary_rollback(endpoint: Endpoint, model_files: Path, dataset_files: Path) -> None:
    created = endpoint.client.data(CREATE, {"i": {"modelId": endpoint.model_id, "name": "cancer"}})["createDeployment"]
    assert created["config"]["traffic"] == [{"version": 2, "percent": 100}]
    assert created["endpoint"] == "/v1/models/cancer:predict"
    deployment_id = created["id"]
    endpoint.client.data(UPDATE, {"id": deployment_id, "i": {"traffic": [{"version": 1, "percent": 100}]}})
    assert endpoint.wait_active(deployment_id, 2)["status"] == "HEALTHY"

    rows = np.loadtxt(dataset_files / "breast_cancer.csv", delimiter=",", skiprows=1, dtype="float32")[:20, :-1]
    scaled = (rows - rows.mean(axis=0)) / (rows.std(axis=0) + 1e-6)
    answered = endpoint.http.post("/v1/models/cancer:predict", json={"instances": scaled.tolist()})
    assert answered.status_code == 200, answered.text
    assert answered.headers["X-Model-Version"] == "1"
    expected = local_predictions(model_files, "cancer_a.keras", scaled)
    assert np.allclose(np.asarray(answered.json()["predictions"]), expected, atol=1e-5)

    columnar = endpoint.http.post("/v1/models/cancer/versions/1:predict", json={"inputs": scaled[:3].tolist()})
    assert columnar.status_code == 200, columnar.text
    assert np.allclose(np.asarray(columnar.json()["outputs"]), expected[:3], atol=1e-5)

    # A 90/10 canary: exactly one call in ten goes to version 2 while this test is the only caller.
    endpoint.client.data(UPDATE, {"id": deployment_id, "i": {"traffic": [{"version": 1, "percent": 90},
                                                                         {"version": 2, "percent": 10}]}})
    endpoint.wait_active(deployment_id, 3)
    served = [endpoint.http.post("/v1/models/cancer:predict", json={"instances": scaled[:1].tolist()}).headers["X-Model-Version"]
              for _ in range(100)]
    assert served.count("2") == 10
    assert served.count("1") == 90
    canary = endpoint.http.post("/v1/models/cancer/versions/2:predict", json={"instances": scaled[:5].tolist()})
    assert np.allclose(np.asarray(canary.json()["predictions"]),
                       local_predictions(model_files, "cancer_b.keras", scaled[:5]), atol=1e-5)

    rolled = endpoint.client.data(ROLLBACK, {"id": deployment_id})["rollbackDeployment"]
    assert rolled["revision"] == 4
    assert rolled["config"]["traffic"] == [{"version": 1, "percent": 100}]
    endpoint.wait_active(deployment_id, 4)
    assert endpoint.http.post("/v1/models/cancer:predict", json={"instances": scaled[:1].tolist()}).headers["X-Model-Version"] == "1"

    status = endpoint.http.get("/v1/models/cancer")
    assert status.json() == {"model_version_status": [
        {"version": "1", "state": "AVAILABLE", "status": {"error_code": "OK", "error_message": ""}}]}
    metadata = endpoint.http.get("/v1/models/cancer/metadata").json()
    signature = metadata["metadata"]["signature_def"]["signature_def"]["serving_default"]
    assert signature["inputs"]["features"]["tensor_shape"]["dim"] == [{"size": "-1"}, {"size": "30"}]
    assert signature["inputs"]["features"]["dtype"] == "DT_FLOAT"

    via_graphql = endpoint.client.data(PREDICT, {"i": {"deploymentId": deployment_id, "instances": scaled[:2].tolist()}})
    assert via_graphql["predict"]["version"] == 1
    assert np.allclose(np.asarray(via_graphql["predict"]["predictions"]), expected[:2], atol=1e-5)
    # A token with only the predict scope calls through GraphQL as it does over REST; a read token cannot.
    predict_only = Client(endpoint.server, token=endpoint.token)
    assert predict_only.data(PREDICT, {"i": {"deploymentId": deployment_id, "instances": scaled[:1].tolist()}}
                             )["predict"]["rows"] == 1
    refused = Client(endpoint.server, token=endpoint.reader_token).error(
        PREDICT, {"i": {"deploymentId": deployment_id, "instances": scaled[:1].tolist()}})
    assert refused["extensions"]["code"] == "FORBIDDEN"
    assert "scope 'predict'" in refused["message"]

    history = wait_for(lambda: (h := endpoint.client.data(HISTORY, {"id": deployment_id})["deployment"])["callers"] and
                       sum(c["requests"] for c in h["callers"]) >= 106 and h, 60, "the inference windows")
    counted = {item["caller"]: item["requests"] for item in history["callers"]}
    assert sum(counted.values()) == 106
    assert sum(window["requests"] for window in history["windows"]) == 106
    assert sum(version["requests"] for window in history["windows"] for version in window["versions"]
               if version["version"] == 2) == 11
    assert [node["action"] for node in history["revisions"]["nodes"]] == ["rolledBack", "trafficShifted", "trafficShifted",
                                                                           "created"]
    # One call in ten is logged with its payload (requestLogSample 0.1), in the same flushes as the windows.
    logged = endpoint.client.data(REQUEST_LOG, {"id": deployment_id})["deployment"]["requestLog"]["nodes"]
    assert len(logged) == 10
    assert all(len(entry["inputs"]["features"]) == entry["rows"] for entry in logged)
    assert all(len(entry["inputs"]["features"][0]) == 30 for entry in logged)
    assert all(len(entry["outputs"].get("predictions") or entry["outputs"]["outputs"]) == entry["rows"] for entry in logged)


def test_switch_under_load_drops_nothing(endpoint: Endpoint, dataset_files: Path) -> None:
    created = endpoint.client.data(CREATE, {"i": {"modelId": endpoint.model_id, "name": "switch",
                                                  "traffic": [{"version": 1, "percent": 100}]}})["createDeployment"]
    deployment_id = created["id"]
    endpoint.wait_active(deployment_id, 1)
    row = np.loadtxt(dataset_files / "breast_cancer.csv", delimiter=",", skiprows=1, dtype="float32")[:1, :-1]
    stop = threading.Event()
    statuses: list[int] = []
    versions: list[str] = []

    def call() -> None:
        with httpx.Client(base_url=endpoint.server.url, headers={"Authorization": f"Bearer {endpoint.token}"}, timeout=60) as http:
            while not stop.is_set():
                answered = http.post("/v1/models/switch:predict", json={"instances": row.tolist()})
                statuses.append(answered.status_code)
                versions.append(answered.headers.get("X-Model-Version", ""))

    callers = [threading.Thread(target=call) for _ in range(4)]
    for thread in callers:
        thread.start()
    try:
        endpoint.client.data(UPDATE, {"id": deployment_id, "i": {"traffic": [{"version": 2, "percent": 100}]}})
        endpoint.wait_active(deployment_id, 2)
        seen = len(statuses)
        wait_for(lambda: len(statuses) > seen + 50, 60, "calls after the switch")
        # Changing the CPUs of the serving version rolls out beside it too; a batching change is applied in place.
        endpoint.client.data(UPDATE, {"id": deployment_id, "i": {"cpusPerReplica": 0.2}})
        endpoint.wait_active(deployment_id, 3)
        seen = len(statuses)
        wait_for(lambda: len(statuses) > seen + 50, 60, "calls after the CPU change")
        endpoint.client.data(UPDATE, {"id": deployment_id, "i": {"batching": {"maxBatchSize": 8}}})
        endpoint.wait_active(deployment_id, 4)
        seen = len(statuses)
        wait_for(lambda: len(statuses) > seen + 50, 60, "calls after the batching change")
    finally:
        stop.set()
        for thread in callers:
            thread.join()

    assert set(statuses) == {200}
    assert versions[0] == "1"
    assert versions[-1] == "2"


@pytest.mark.parametrize(
    ("body", "status", "field", "words"),
    [
        (b'{"instances": [[1, 2,]]}', 400, "body", "not valid JSON: Expecting value at line 1 column 22 (character 21)"),
        (json.dumps({"instances": [[0.0] * 29]}).encode(), 400, "instances[0]", "has 29 values; input 'features' expects 30"),
        (json.dumps({"instances": [[0.0] * 29 + ["x"]]}).encode(), 400, "instances[0][29]", "the string 'x'"),
        (json.dumps({"instances": [{"features": [0.0] * 30, "extra": 1}]}).encode(), 400, "instances[0]", "unknown 'extra'"),
        (json.dumps({"inputs": {}}).encode(), 400, "inputs", "missing 'features'"),
        (json.dumps({"rows": []}).encode(), 400, "body", "exactly one of instances"),
        (json.dumps({"instances": [[0.0] * 30] * 40_000}).encode(), 413, "body", "the limit is 4194304 bytes"),
    ],
)
def test_bad_request_explained(endpoint: Endpoint, body: bytes, status: int, field: str, words: str) -> None:
    deployment_id = ensure_plain(endpoint)
    endpoint.wait_active(deployment_id, 1)

    answered = endpoint.http.post("/v1/models/plain:predict", content=body, headers={"Content-Type": "application/json"})

    assert answered.status_code == status, answered.text
    assert answered.json()["field"] == field
    assert words in answered.json()["error"]


def test_chunked_body_over_limit(endpoint: Endpoint) -> None:
    chunk = json.dumps([0.0] * 30).encode() + b","

    def body() -> Iterator[bytes]:
        yield b'{"instances": ['
        for _ in range(200_000):
            yield chunk

    answered = endpoint.http.post("/v1/models/plain:predict", content=body(), headers={"Content-Type": "application/json"})

    assert answered.status_code == 413
    assert answered.json()["error"].startswith("The request body has more than 4194304 bytes")


def test_wrong_addresses_and_callers(endpoint: Endpoint) -> None:
    deployment_id = ensure_plain(endpoint)
    endpoint.wait_active(deployment_id, 1)
    body = {"instances": [[0.0] * 30]}

    missing = endpoint.http.post("/v1/models/nowhere:predict", json=body)
    assert missing.status_code == 404
    assert "has no deployment named 'nowhere'. This API token can call only the deployments of team" in missing.json()["error"]
    other = endpoint.http.post("/v1/models/plain/versions/2:predict", json=body)
    assert other.status_code == 404
    assert "its traffic goes to version 1" in other.json()["error"]
    reader = httpx.post(f"{endpoint.server.url}/v1/models/plain:predict", json=body,
                        headers={"Authorization": f"Bearer {endpoint.reader_token}"})
    assert reader.status_code == 403
    assert "predict" in reader.json()["error"]
    anonymous = httpx.post(f"{endpoint.server.url}/v1/models/plain:predict", json=body)
    assert anonymous.status_code == 401

    endpoint.client.data(STOP, {"id": deployment_id})
    stopped = endpoint.http.post("/v1/models/plain:predict", json=body)
    assert stopped.status_code == 409
    assert "is stopped" in stopped.json()["error"]


def ensure_plain(endpoint: Endpoint) -> str:
    found = endpoint.client.data("query($t: ID!) { deployments(teamId: $t) { nodes { id name status } } }",
                                 {"t": endpoint.team_id})
    for node in found["deployments"]["nodes"]:
        if node["name"] == "plain" and node["status"] != "STOPPED":
            return node["id"]
    created = endpoint.client.data(CREATE, {"i": {"modelId": endpoint.model_id, "name": "plain",
                                                  "traffic": [{"version": 1, "percent": 100}]}})
    return created["createDeployment"]["id"]


def test_text_routed_by_language(server: Server, model_files: Path) -> None:
    client = Client(server, token=server.admin_token)
    team_id = client.data(CREATE_TEAM, {"i": {"name": unique("reviews")}})["createTeam"]["id"]
    model_id = client.data(REGISTER, {"i": {"teamId": team_id, "name": unique("reviews")}})["registerModel"]["id"]
    for name in ("reviews_en.keras", "reviews_de.keras", "reviews_all.keras"):
        upload_id = upload(server, (model_files / name).read_bytes(), name, team_id)
        added = client.data(UPLOAD_VERSION, {"i": {"modelId": model_id, "uploadId": upload_id}})["uploadModelVersion"]
        wait_for(lambda v=added["id"]: client.data(VERSION_STATUS, {"id": v})["modelVersion"]["status"] == "ready", 120,
                 "inspection")
    token = client.data(CREATE_TOKEN, {"i": {"teamId": team_id, "name": "texts", "scopes": ["PREDICT"]}})["createApiToken"]["secret"]
    created = client.data(CREATE_ROUTED, {"i": {"modelId": model_id, "name": "reviews", "traffic": [{"version": 3, "percent": 100}],
                                                "languages": [{"language": "en", "version": 1}, {"language": "de", "version": 2}]}})
    deployment_id = created["createDeployment"]["id"]
    assert created["createDeployment"]["config"]["languages"] == [{"language": "en", "version": 1}, {"language": "de", "version": 2}]
    wait_for(lambda: client.data(STATE, {"id": deployment_id})["deployment"]["activeRevision"] == 1, SWITCH_TIMEOUT, "the replicas")
    texts = ["The waiter was rude and the bill was wrong", "Das Essen war wunderbar und das Personal sehr freundlich",
             "Le repas était délicieux et le personnel très aimable", "We had a lovely holiday by the sea"]

    answered = httpx.post(f"{server.url}/v1/models/reviews:predict", json={"instances": texts},
                          headers={"Authorization": f"Bearer {token}"}, timeout=60)

    assert answered.status_code == 200, answered.text
    body = answered.json()
    assert body["languages"] == ["en", "de", "fr", "en"]
    expected = [local_predictions(model_files, name, np.array([[text]], dtype=object))[0]
                for name, text in zip(("reviews_en.keras", "reviews_de.keras", "reviews_all.keras", "reviews_en.keras"), texts)]
    assert np.allclose(np.asarray(body["predictions"]), np.asarray(expected), atol=1e-5)

    direct = httpx.post(f"{server.url}/v1/models/reviews/versions/2:predict", json={"instances": [[texts[0]]]},
                        headers={"Authorization": f"Bearer {token}"}, timeout=60)
    assert direct.status_code == 200, direct.text
    assert "languages" not in direct.json()

    tabular = client.error(CREATE_ROUTED, {"i": {"modelId": model_id, "name": "wrong", "traffic": [{"version": 3, "percent": 100}],
                                                 "languages": [{"language": "xx", "version": 1}]}})
    assert tabular["extensions"]["field"] == "languages[0].language"
