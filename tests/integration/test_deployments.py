"""Deployments without Ray: what createDeployment and its changes accept and record, and the checks before a model runs.

The test plays the reconciler's health reports, or runs the reconciler against a fake Ray Serve.
tests/e2e/test_serving_flow.py serves real models on a local Ray.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest

from backend.application.prediction_payloads import PayloadError, parse_json
from backend.application.predictions import ModelFailed, ServingUnavailable
from backend.domain.access import Principal
from backend.domain.base import Conflict, Forbidden, InvalidInput, NotFound
from backend.http.app import create_app
from backend.projections.audit import AuditFilter
from backend.runtime import Runtime
from tests.conftest import FrozenClock
from tests.integration.test_evaluation import Evaluations
from workers import serving
from workers.serving.spec import AppStatus, ReplicaSpec
from workers.serving_reconciler import RETIRE_GRACE_SECONDS, STUCK_SECONDS, ServingReconciler

pytestmark = pytest.mark.integration


class Deployments(Evaluations):
    """A model with a ready version 1, and helpers to deploy it and play the reconciler."""

    def deploy(self, principal: Principal | None = None, **options: Any) -> uuid.UUID:
        values = {"model_id": self.model_id, "name": "cancer", **options}
        deployment_id, outcome = self.runtime.deployments.create(principal or self.editor, self.cause(principal or self.editor),
                                                                 **values)
        assert self.runtime.projections.wait_for(outcome.position)
        return deployment_id

    def row(self, deployment_id: uuid.UUID) -> dict[str, Any]:
        self.runtime.projections.catch_up()
        row = self.runtime.readers.deployments.deployment(str(deployment_id))
        assert row is not None
        return row

    def healthy(self, deployment_id: uuid.UUID, revision: int) -> None:
        self.runtime.deployments.record_health(self.system(), deployment_id=deployment_id, revision=revision, healthy=True,
                                               replicas=1)
        self.runtime.projections.catch_up()

    def predict(self, document: Any, *, version: int | None = None, principal: Principal | None = None) -> Any:
        return asyncio.run(self.runtime.predictions.predict(principal or self.editor, self.team_id, "cancer", document,
                                                            version=version))

    def http(self, team_id: uuid.UUID | None = None) -> ApiClient:
        """Return a client of the API app that sends the editor's token of `team_id` (the deployments' team by default)."""
        issued = self.runtime.identity.issue_token(self.editor, self.cause(self.editor), team_id=team_id or self.team_id,
                                                   name=f"client-{uuid.uuid4().hex[:6]}", scopes=["read", "write", "predict"])
        assert self.runtime.projections.wait_for(issued.outcome.position)
        return ApiClient(self.runtime, issued.secret)


class ApiClient:
    """Sends requests with a bearer token to the API app in this process, without a server or Ray."""

    def __init__(self, runtime: Runtime, token: str) -> None:
        self.app = create_app(runtime, manage_runtime=False)
        self.headers = {"Authorization": f"Bearer {token}"}

    def post(self, path: str, body: Any) -> httpx.Response:
        async def send() -> httpx.Response:
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url="http://api.test",
                                         headers=self.headers) as client:
                return await client.post(path, json=body)

        return asyncio.run(send())


class ConstantServer:
    """A model server that returns `value` as the one output of every row, as a float32 model would."""

    def __init__(self, value: float) -> None:
        self.value = value

    async def predict(self, app: str, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        rows = len(next(iter(inputs.values())))
        return {"output_0": np.full((rows, 1), self.value, dtype="float32")}


@pytest.fixture
def deployments(runtime: Runtime, clock: FrozenClock, dataset_files: Path, model_files: Path) -> Deployments:
    return Deployments(runtime, clock, dataset_files, model_files)


def traffic(row: dict[str, Any], key: str = "config") -> list[tuple[int, int]]:
    return [(entry["version"], entry["percent"]) for entry in json.loads(row[key])["traffic"]]


def test_one_action_deploys_newest_version(deployments: Deployments) -> None:
    deployments.ready_version(deployments.model_id)

    row = deployments.row(deployments.deploy())

    assert row["status"] == "deploying"
    assert traffic(row) == [(2, 100)]
    config = json.loads(row["config"])
    assert config["scaling"] == {"minReplicas": 1, "maxReplicas": 1, "targetOngoingRequests": 2.0}
    assert config["cpusPerReplica"] == 0.25
    assert config["batching"] == {"maxBatchSize": 16, "batchWaitMs": 5.0}
    assert config["requestLogSample"] == 0.1
    assert row["active_config"] is None


def test_production_alias_preferred(deployments: Deployments) -> None:
    deployments.ready_version(deployments.model_id)
    deployments.runtime.registry.move_alias(deployments.admin, deployments.cause(deployments.admin), model_id=deployments.model_id,
                                            alias="production", number=1)

    assert traffic(deployments.row(deployments.deploy())) == [(1, 100)]


def test_canary_then_rollback(deployments: Deployments) -> None:
    deployments.ready_version(deployments.model_id)
    deployment_id = deployments.deploy(traffic=[{"version": 1, "percent": 100}])
    deployments.healthy(deployment_id, 1)
    editor, cause = deployments.editor, deployments.cause(deployments.editor)

    deployments.runtime.deployments.update(editor, cause, deployment_id=deployment_id,
                                           traffic=[{"version": 1, "percent": 90}, {"version": 2, "percent": 10}])
    shifted = deployments.row(deployment_id)
    assert (shifted["revision"], shifted["status"]) == (2, "deploying")
    assert traffic(shifted) == [(1, 90), (2, 10)]
    assert traffic(shifted, "active_config") == [(1, 100)]

    deployments.healthy(deployment_id, 2)
    assert traffic(deployments.row(deployment_id), "active_config") == [(1, 90), (2, 10)]

    deployments.runtime.deployments.roll_back(editor, cause, deployment_id=deployment_id)
    rolled = deployments.row(deployment_id)
    assert rolled["revision"] == 3
    assert traffic(rolled) == [(1, 100)]
    revisions = deployments.runtime.readers.deployments.revisions(str(deployment_id), None, 10)
    assert [(r["revision"], r["action"], r["restored_revision"]) for r in revisions] == [
        (3, "rolledBack", 1), (2, "trafficShifted", None), (1, "created", None),
    ]
    actions = [row["action"] for row in deployments.runtime.database.fetchall(
        "SELECT action FROM audit_log WHERE subject_id = ? ORDER BY position", (str(deployment_id),))]
    assert actions == ["Deployment.Requested", "Deployment.BecameHealthy", "Deployment.TrafficShifted",
                       "Deployment.BecameHealthy", "Deployment.RolledBack"]


def test_scaling_change_is_scaled(deployments: Deployments) -> None:
    deployment_id = deployments.deploy()

    deployments.runtime.deployments.update(deployments.editor, deployments.cause(deployments.editor), deployment_id=deployment_id,
                                           scaling={"maxReplicas": 3}, batching={"maxBatchSize": 1})

    row = deployments.row(deployment_id)
    config = json.loads(row["config"])
    assert config["scaling"] == {"minReplicas": 1, "maxReplicas": 3, "targetOngoingRequests": 2.0}
    assert config["batching"]["maxBatchSize"] == 1
    revisions = deployments.runtime.readers.deployments.revisions(str(deployment_id), None, 10)
    assert revisions[0]["action"] == "reconfigured"


def test_revision_action_names_changed_setting(deployments: Deployments) -> None:
    deployment_id = deployments.deploy()
    editor, cause = deployments.editor, deployments.cause(deployments.editor)
    changes: list[dict[str, Any]] = [
        {"scaling": {"maxReplicas": 3}},
        {"request_log_sample": 0.5},
        {"batching": {"maxBatchSize": 4}},
        {"cpus_per_replica": 2.0},
    ]

    for change in changes:
        deployments.runtime.deployments.update(editor, cause, deployment_id=deployment_id, **change)
    deployments.runtime.projections.catch_up()

    revisions = deployments.runtime.readers.deployments.revisions(str(deployment_id), None, 10)
    assert [row["action"] for row in reversed(revisions)][1:] == [
        "scaled", "requestLogSampleChanged", "batchingChanged", "scaled"]


def test_rollback_without_previous_rejected(deployments: Deployments) -> None:
    deployment_id = deployments.deploy()

    with pytest.raises(Conflict) as raised:
        deployments.runtime.deployments.roll_back(deployments.editor, deployments.cause(deployments.editor),
                                                  deployment_id=deployment_id)
    assert "nothing to roll back to" in raised.value.message


def test_stop_then_start(deployments: Deployments) -> None:
    deployment_id = deployments.deploy()
    deployments.healthy(deployment_id, 1)
    service, editor = deployments.runtime.deployments, deployments.editor

    service.stop(editor, deployments.cause(editor), deployment_id=deployment_id)
    assert deployments.row(deployment_id)["status"] == "stopped"
    with pytest.raises(Conflict) as raised:
        service.update(editor, deployments.cause(editor), deployment_id=deployment_id, scaling={"maxReplicas": 2})
    assert "is stopped" in raised.value.message
    with pytest.raises(Conflict):
        deployments.predict({"instances": [[0.0] * 30]})

    service.start(editor, deployments.cause(editor), deployment_id=deployment_id)
    assert deployments.row(deployment_id)["status"] == "deploying"


class FakeServe:
    """Ray Serve as the reconciler calls it: every deployed application runs one replica at once."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.applications: dict[str, AppStatus] = {}
        self.seconds = 0.0
        for name in ("start_serve", "deploy", "delete", "statuses"):
            monkeypatch.setattr(serving, name, getattr(self, name))

    def start_serve(self) -> None:
        pass

    def deploy(self, spec: ReplicaSpec) -> None:
        self.applications[spec.app_name] = AppStatus("RUNNING", 1, 1, "")

    def delete(self, app_name: str) -> None:
        self.applications.pop(app_name, None)

    def statuses(self, prefix: str) -> dict[str, AppStatus]:
        return {name: status for name, status in self.applications.items() if name.startswith(prefix)}

    def monotonic(self) -> float:
        return self.seconds


@pytest.mark.parametrize("stopped_seconds", [1.0, RETIRE_GRACE_SECONDS + 1])
def test_restart_becomes_healthy_again(deployments: Deployments, monkeypatch: pytest.MonkeyPatch, stopped_seconds: float) -> None:
    serve = FakeServe(monkeypatch)
    reconciler = ServingReconciler(deployments.runtime, monotonic=serve.monotonic)
    service, editor = deployments.runtime.deployments, deployments.editor
    deployment_id = deployments.deploy()
    reconciler.reconcile()
    assert deployments.row(deployment_id)["status"] == "healthy"

    service.stop(editor, deployments.cause(editor), deployment_id=deployment_id)
    assert deployments.row(deployment_id)["status"] == "stopped"
    reconciler.reconcile()
    serve.seconds += stopped_seconds
    reconciler.reconcile()
    service.start(editor, deployments.cause(editor), deployment_id=deployment_id)
    assert deployments.row(deployment_id)["status"] == "deploying"
    reconciler.reconcile()

    row = deployments.row(deployment_id)
    assert row["status"] == "healthy"
    assert row["active_revision"] == 1
    assert deployments.runtime.predictions.served_version(row, None) == (1, str(deployments.version_id))


def test_dead_replica_degrades_then_recovers(deployments: Deployments, monkeypatch: pytest.MonkeyPatch) -> None:
    serve = FakeServe(monkeypatch)
    reconciler = ServingReconciler(deployments.runtime, monotonic=serve.monotonic)
    deployment_id = deployments.deploy()
    reconciler.reconcile()
    [name] = serve.applications

    serve.applications[name] = AppStatus("UNHEALTHY", 0, 1, "replica died")
    reconciler.reconcile()
    reconciler.reconcile()
    degraded = deployments.row(deployment_id)
    serve.applications[name] = AppStatus("RUNNING", 1, 1, "")
    reconciler.reconcile()

    assert degraded["status"] == "degraded"
    assert degraded["health_reason"] == "version 1: UNHEALTHY replica died"
    assert deployments.row(deployment_id)["status"] == "healthy"
    actions = [row["action"] for row in deployments.runtime.database.fetchall(
        "SELECT action FROM audit_log WHERE subject_id = ? ORDER BY position", (str(deployment_id),))]
    assert actions == ["Deployment.Requested", "Deployment.BecameHealthy", "Deployment.Degraded", "Deployment.BecameHealthy"]


def _count(deployments: Deployments) -> int:
    deployments.runtime.projections.catch_up()
    return len(deployments.runtime.readers.deployments.search(None, model_id=None, statuses=None, before=None, limit=100))


@pytest.mark.parametrize(
    ("options", "field", "words"),
    [
        ({"traffic": [{"version": 1, "percent": 90}]}, "traffic", "must sum to 100, but they sum to 90 (version 1: 90)."),
        ({"traffic": [{"version": 1, "percent": 50}, {"version": 2, "percent": 30}]}, "traffic",
         "must sum to 100, but they sum to 80 (version 1: 50, version 2: 30)."),
        ({"traffic": [{"version": 1, "percent": 50}, {"version": 1, "percent": 50}]}, "traffic[1].version", "a second time"),
        ({"traffic": [{"version": 7, "percent": 100}]}, "traffic[0].version", "has no version 7"),
        ({"traffic": [{"version": 1, "percent": 101}]}, "traffic[0].percent", "from 0 to 100"),
        ({"traffic": []}, "traffic", "at least one version"),
        ({"name": "Cancer Model"}, "name", "lowercase letters"),
        ({"scaling": {"minReplicas": 2, "maxReplicas": 1}}, "scaling.maxReplicas", "below minReplicas 2"),
        ({"scaling": {"replicas": 2}}, "scaling", "unknown settings replicas"),
        ({"batching": {"maxBatchSize": 0}}, "batching.maxBatchSize", "from 1 (no batching)"),
        ({"cpus_per_replica": 0}, "cpusPerReplica", "from 0.05 to 16"),
        ({"request_log_sample": 1.5}, "requestLogSample", "from 0 to 1"),
        ({"languages": [{"language": "EN", "version": 1}]}, "languages[0].language", "lowercase ISO 639 code"),
        ({"languages": [{"language": "en", "version": 1}, {"language": "en", "version": 1}]}, "languages[1].language",
         "a second time"),
        ({"languages": [{"language": "xx", "version": 1}]}, "languages[0].language", "not one the detector knows"),
        ({"languages": [{"language": "en", "version": 1}]}, "languages", "does not take one text input"),
        ({"languages": [{"language": "de", "version": 5}]}, "languages[0].version", "has no version 5"),
    ],
)
def test_bad_deployment_rejected(deployments: Deployments, options: dict[str, Any], field: str, words: str) -> None:
    with pytest.raises((InvalidInput, NotFound)) as raised:
        deployments.deploy(**options)

    assert raised.value.field == field
    assert words in raised.value.message
    assert _count(deployments) == 0


def test_version_not_ready_names_reason(deployments: Deployments) -> None:
    upload_id = deployments.upload_bytes((deployments.model_files / "cancer_b.keras").read_bytes(), "cancer_b.keras")
    deployments.runtime.registry.upload_version(deployments.editor, deployments.cause(deployments.editor),
                                                model_id=deployments.model_id, upload_id=upload_id)
    with pytest.raises(InvalidInput) as raised:
        deployments.deploy(traffic=[{"version": 2, "percent": 100}])
    assert "is still being inspected" in raised.value.message

    deployments.runtime.registry.record_inspection_failure(deployments.system(), version_id=_version_id(deployments, 2),
                                                           reason="not a model")
    with pytest.raises(InvalidInput) as raised:
        deployments.deploy(traffic=[{"version": 2, "percent": 100}])
    assert "failed inspection" in raised.value.message
    assert _count(deployments) == 0


def _version_id(deployments: Deployments, number: int) -> uuid.UUID:
    deployments.runtime.projections.catch_up()
    row = deployments.runtime.readers.registry.version_by_number(str(deployments.model_id), number)
    assert row is not None
    return uuid.UUID(row["version_id"])


def test_name_unique_in_team(deployments: Deployments) -> None:
    deployments.deploy()

    with pytest.raises(Conflict) as raised:
        deployments.deploy()
    assert raised.value.field == "name"
    assert _count(deployments) == 1


def test_viewer_cannot_deploy(deployments: Deployments) -> None:
    with pytest.raises(Forbidden):
        deployments.deploy(deployments.viewer)
    assert _count(deployments) == 0


def test_predict_before_healthy_unavailable(deployments: Deployments) -> None:
    deployments.deploy()

    with pytest.raises(ServingUnavailable) as raised:
        deployments.predict({"instances": [[0.0] * 30]})
    assert "still starting its replicas" in raised.value.message


def test_payload_checked_against_signature(deployments: Deployments) -> None:
    deployment_id = deployments.deploy()
    deployments.healthy(deployment_id, 1)

    with pytest.raises(PayloadError) as raised:
        deployments.predict({"instances": [[0.0] * 29]})
    assert raised.value.message == "instances[0] has 29 values; input 'features' expects 30 (shape [null, 30])."
    assert (raised.value.expected, raised.value.received) == ("30 values", "29 values")
    assert (raised.value.expected_count, raised.value.received_count) == (30, 29)

    with pytest.raises(NotFound) as raised:
        deployments.predict({"instances": [[0.0] * 30]}, version=2)
    assert "its traffic goes to version 1" in raised.value.message


def test_one_value_named_singular(deployments: Deployments) -> None:
    deployment_id = deployments.deploy()
    deployments.healthy(deployment_id, 1)

    with pytest.raises(PayloadError) as raised:
        deployments.predict({"instances": [[0.0]]})

    assert raised.value.message == "instances[0] has 1 value; input 'features' expects 30 (shape [null, 30])."
    assert raised.value.received == "1 value"


@pytest.mark.parametrize(
    ("body", "words", "received"),
    [
        (b'{"instances": [[1, 2,]]}', "not valid JSON: Expecting value at line 1 column 22 (character 21).", "the text ']]}'"),
        (b'{"instances": [[1, 2]', "not valid JSON: Expecting ',' delimiter at line 1 column 22 (character 21).",
         "the end of the body"),
        (b'{"instances": \xff}', "not UTF-8 text: byte 14 is invalid.", "the byte 0xff"),
        (b'{"instances": [[' + b"1" * 5000 + b"]]}", "an integer of more than 4300 digits", "an integer of more than 4300 digits"),
        (b'{"instances": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "nests lists or objects too deeply",
         "lists or objects nested too deeply"),
    ],
    ids=["stray comma", "cut short", "not UTF-8", "long integer", "deep nesting"],
)
def test_unreadable_body_explained(body: bytes, words: str, received: str) -> None:
    with pytest.raises(PayloadError) as raised:
        parse_json(body)

    assert raised.value.field == "body"
    assert words in raised.value.message
    assert raised.value.received == received


@pytest.mark.parametrize("version", ["%C2%B2", "1" * 5000, "0"])
def test_bad_version_path_rejected(deployments: Deployments, version: str) -> None:
    deployment_id = deployments.deploy()
    deployments.healthy(deployment_id, 1)

    answered = deployments.http().post(f"/v1/models/cancer/versions/{version}:predict", {"instances": [[0.0] * 30]})

    assert answered.status_code == 400
    assert answered.json()["field"] == "version"


def test_unknown_deployment_not_found(deployments: Deployments) -> None:
    with pytest.raises(NotFound) as raised:
        asyncio.run(deployments.runtime.predictions.predict(deployments.editor, deployments.team_id, "missing", {}))
    team = deployments.runtime.readers.identity.team(str(deployments.team_id))
    assert team is not None
    assert raised.value.message == f"Team {team['name']!r} has no deployment named 'missing'."


def test_token_without_predict_scope_forbidden(deployments: Deployments) -> None:
    deployment_id = deployments.deploy()
    deployments.healthy(deployment_id, 1)
    reader = Principal(user_id=deployments.editor.user_id, username="editor", is_admin=False, via="token",
                       scopes=frozenset({"read"}), token_team=deployments.team_id)

    with pytest.raises(Forbidden) as raised:
        deployments.predict({"instances": [[0.0] * 30]}, principal=reader)
    assert "predict" in raised.value.message


def test_calls_counted_in_window(deployments: Deployments) -> None:
    deployment_id = deployments.deploy()
    deployments.healthy(deployment_id, 1)
    for _ in range(3):
        with pytest.raises(PayloadError):
            deployments.predict({"instances": [[1.0]]})
    deployments.runtime.meter.count(deployment_id, deployments.team_id, caller="someone", version=1, rows=4, latency_ms=3.5)
    deployments.clock.advance(seconds=60)

    assert deployments.runtime.meter.flush() == 1
    deployments.runtime.projections.catch_up()

    [window] = deployments.runtime.readers.deployments.windows(str(deployment_id), None, None, 10)
    assert (window["requests"], window["client_errors"], window["errors"], window["rows_predicted"]) == (4, 3, 0, 4)
    assert json.loads(window["callers"]) == {deployments.editor.actor: 3, "someone": 1}
    assert json.loads(window["versions"]) == {"1": 4}
    assert sum(json.loads(window["latency_buckets"])) == 4
    assert deployments.runtime.meter.flush() == 0


@pytest.mark.parametrize("value", [1e39, 1e300, -1e39, 10**39])
def test_value_beyond_float32_rejected(deployments: Deployments, value: float) -> None:
    deployment_id = deployments.deploy()
    deployments.healthy(deployment_id, 1)

    with pytest.raises(PayloadError) as raised:
        deployments.predict({"instances": [[0.0] * 29 + [value]]})

    assert raised.value.field == "instances[0][29]"
    assert raised.value.expected == "a finite number within float32's range, ±3.4e38"
    assert raised.value.received == f"the number {value!r}"
    assert raised.value.message == (f"instances[0][29] is the number {value!r}, outside the range of float32; the model expects "
                                    "a finite number within float32's range, ±3.4e38.")


def test_largest_float32_accepted(deployments: Deployments) -> None:
    deployment_id = deployments.deploy()
    deployments.healthy(deployment_id, 1)
    deployments.runtime.predictions.server = ConstantServer(0.5)

    prediction = deployments.predict({"instances": [[0.0] * 29 + [-3.4e38]]})

    assert prediction.body == {"predictions": [[0.5]]}


def test_rest_rejects_value_beyond_float32(deployments: Deployments) -> None:
    deployment_id = deployments.deploy()
    deployments.healthy(deployment_id, 1)
    deployments.runtime.predictions.server = ConstantServer(0.5)

    answered = deployments.http().post("/v1/models/cancer:predict", {"instances": [[0.0] * 29 + [1e39]]})

    assert answered.status_code == 400
    assert answered.json()["field"] == "instances[0][29]"
    assert answered.json()["expected"] == "a finite number within float32's range, ±3.4e38"
    assert answered.json()["received"] == "the number 1e+39"
    assert (answered.json()["expectedType"], answered.json()["receivedType"]) == ("number", "number")
    assert (answered.json()["expectedMinimum"], answered.json()["expectedMaximum"]) == (-3.4028234663852886e38, 3.4028234663852886e38)


def test_value_counts_over_rest_and_graphql(deployments: Deployments) -> None:
    deployment_id = deployments.deploy()
    deployments.healthy(deployment_id, 1)
    client = deployments.http()

    rest = client.post("/v1/models/cancer:predict", {"instances": [[0.0] * 29]})
    graphql = client.post("/graphql", {
        "query": "mutation($i: PredictInput!) { predict(input: $i) { predictions version } }",
        "variables": {"i": {"deploymentId": str(deployment_id), "instances": [[0.0] * 29]}},
    })

    message = "instances[0] has 29 values; input 'features' expects 30 (shape [null, 30])."
    assert rest.status_code == 400
    body = rest.json()
    assert body["error"] == message
    assert (body["field"], body["expected"], body["received"]) == ("instances[0]", "30 values", "29 values")
    assert (body["expectedCount"], body["receivedCount"]) == (30, 29)
    assert (body["expectedType"], body["receivedType"]) == ("array", "array")
    error = graphql.json()["errors"][0]
    assert error["message"] == message
    assert (error["extensions"]["expectedCount"], error["extensions"]["receivedCount"]) == (30, 29)
    assert (error["extensions"]["expectedType"], error["extensions"]["receivedType"]) == ("array", "array")


@pytest.mark.parametrize(
    ("value", "received", "received_type"),
    [("high", "the string 'high'", "string"), (None, "null", "null"), ({"x": 1}, "an object", "object"), (True, "a boolean", "boolean")],
)
def test_value_types_over_rest_and_graphql(deployments: Deployments, value: Any, received: str, received_type: str) -> None:
    deployment_id = deployments.deploy()
    deployments.healthy(deployment_id, 1)
    client = deployments.http()
    row = [0.0] * 29 + [value]

    rest = client.post("/v1/models/cancer:predict", {"instances": [row]})
    graphql = client.post("/graphql", {
        "query": "mutation($i: PredictInput!) { predict(input: $i) { predictions version } }",
        "variables": {"i": {"deploymentId": str(deployment_id), "instances": [row]}},
    })

    message = f"instances[0][29] is {received}; the model expects a finite number (float32)."
    assert rest.status_code == 400
    body = rest.json()
    assert body["error"] == message
    assert (body["field"], body["expected"], body["received"]) == ("instances[0][29]", "float32", received)
    assert (body["expectedType"], body["receivedType"]) == ("number", received_type)
    assert "expectedCount" not in body
    [error] = graphql.json()["errors"]
    assert error["message"] == message
    assert error["extensions"]["field"] == "instances[0][29]"
    assert (error["extensions"]["expectedType"], error["extensions"]["receivedType"]) == ("number", received_type)


def test_rest_states_list_length_for_scalar(deployments: Deployments) -> None:
    deployment_id = deployments.deploy()
    deployments.healthy(deployment_id, 1)

    answered = deployments.http().post("/v1/models/cancer:predict", {"instances": [0.5]})

    assert answered.status_code == 400
    body = answered.json()
    assert (body["field"], body["expected"], body["expectedCount"]) == ("instances[0]", "list of 30", 30)
    assert (body["expectedType"], body["receivedType"]) == ("array", "number")
    assert "receivedCount" not in body


@pytest.mark.parametrize("value", [float("nan"), float("inf")])
def test_non_finite_output_is_model_failure(deployments: Deployments, value: float) -> None:
    deployment_id = deployments.deploy()
    deployments.healthy(deployment_id, 1)
    deployments.runtime.predictions.server = ConstantServer(value)

    with pytest.raises(ModelFailed) as raised:
        deployments.predict({"instances": [[0.0] * 30, [1.0] * 30]})

    assert raised.value.message == (
        "Version 1 of deployment 'cancer' produced a non-finite output (NaN or infinity) in 'output_0' for row 0 and 1 more. "
        "JSON cannot represent such a value, so nothing is returned. Check the version's weights and that row's values.")


def test_non_finite_output_over_rest_and_graphql(deployments: Deployments) -> None:
    deployment_id = deployments.deploy()
    deployments.healthy(deployment_id, 1)
    deployments.runtime.predictions.server = ConstantServer(float("nan"))
    client = deployments.http()

    rest = client.post("/v1/models/cancer:predict", {"instances": [[0.0] * 30]})
    graphql = client.post("/graphql", {
        "query": "mutation($i: PredictInput!) { predict(input: $i) { predictions version } }",
        "variables": {"i": {"deploymentId": str(deployment_id), "instances": [[0.0] * 30]}},
    })

    assert rest.status_code == 502
    assert json.loads(rest.text)["code"] == "MODEL_FAILED"
    assert "non-finite output" in json.loads(rest.text)["error"]
    assert "NaN" not in graphql.text.replace("(NaN or infinity)", "")
    [error] = json.loads(graphql.text)["errors"]
    assert error["extensions"]["code"] == "MODEL_FAILED"
    assert "non-finite output" in error["message"]


def test_other_team_token_names_searched_team(deployments: Deployments) -> None:
    deployment_id = deployments.deploy()
    deployments.healthy(deployment_id, 1)
    admin = deployments.admin
    other_id, _ = deployments.runtime.identity.create_team(admin, deployments.cause(admin), name="other-lab")
    deployments.runtime.identity.add_member(admin, deployments.cause(admin), team_id=other_id, user_id=deployments.editor.user_id,
                                            role="editor")
    client = deployments.http(other_id)

    answered = client.post("/v1/models/cancer:predict", {"instances": [[0.0] * 30]})
    addressed = client.post(f"/v1/models/cancer:predict?team={deployments.team_id}", {"instances": [[0.0] * 30]})

    assert answered.status_code == 404
    assert answered.json()["error"] == (
        "Team 'other-lab' has no deployment named 'cancer'. This API token can call only the deployments of team "
        "'other-lab'; for another team's deployment, use a token issued in that team.")
    assert addressed.status_code == 404
    assert addressed.json()["field"] == "teamId"


def test_callers_named_by_username(deployments: Deployments) -> None:
    deployment_id = deployments.deploy()
    editor = deployments.editor.actor
    for caller in (editor, editor, "system"):
        deployments.runtime.meter.count(deployment_id, deployments.team_id, caller=caller, version=1, rows=1, latency_ms=2.0)
    deployments.clock.advance(seconds=60)
    assert deployments.runtime.meter.flush() == 1
    deployments.runtime.projections.catch_up()
    user = deployments.runtime.readers.identity.user(editor)
    assert user is not None

    answered = deployments.http().post("/graphql", {
        "query": "query($id: ID!) { deployment(id: $id) { callers { caller username requests } "
                 "windows { callers { caller username requests } } } }",
        "variables": {"id": str(deployment_id)},
    })

    expected = [{"caller": editor, "username": user["username"], "requests": 2},
                {"caller": "system", "username": None, "requests": 1}]
    assert answered.json()["data"]["deployment"]["callers"] == expected
    assert answered.json()["data"]["deployment"]["windows"][0]["callers"] == expected


CALLERS = (
    "query($id: ID!) { deployment(id: $id) { callers { caller userId username requests token { id name prefix } } "
    "requestLog(first: 10) { nodes { caller username token { name prefix } } } } }"
)


def test_token_calls_named_by_token(deployments: Deployments) -> None:
    deployment_id = deployments.deploy(request_log_sample=1.0)
    deployments.healthy(deployment_id, 1)
    deployments.runtime.predictions.server = ConstantServer(0.5)
    issued = deployments.runtime.identity.issue_token(deployments.editor, deployments.cause(deployments.editor),
                                                      team_id=deployments.team_id, name="ci-smoke", scopes=["predict"])
    assert deployments.runtime.projections.wait_for(issued.outcome.position)
    predictor = ApiClient(deployments.runtime, issued.secret)
    for _ in range(2):
        rest = predictor.post("/v1/models/cancer:predict", {"instances": [[0.0] * 30]})
        assert rest.status_code == 200, rest.text
    graphql = predictor.post("/graphql", {
        "query": "mutation($i: PredictInput!) { predict(input: $i) { rows } }",
        "variables": {"i": {"deploymentId": str(deployment_id), "instances": [[0.0] * 30]}},
    })
    assert graphql.json() == {"data": {"predict": {"rows": 1}}}
    # The editor's own call, signed in without a token, is counted under the user.
    deployments.predict({"instances": [[0.0] * 30]})
    deployments.clock.advance(seconds=60)
    assert deployments.runtime.meter.flush() == 1
    deployments.runtime.projections.catch_up()

    answered = deployments.http().post("/graphql", {"query": CALLERS, "variables": {"id": str(deployment_id)}})

    token = deployments.runtime.readers.identity.token(str(issued.token_id))
    editor = deployments.runtime.readers.identity.user(deployments.editor.actor)
    assert token is not None and editor is not None
    token_fields = {"id": str(issued.token_id), "name": "ci-smoke", "prefix": token["prefix"]}
    data = answered.json()["data"]["deployment"]
    assert data["callers"] == [
        {"caller": str(issued.token_id), "userId": deployments.editor.actor, "username": editor["username"], "requests": 3,
         "token": token_fields},
        {"caller": deployments.editor.actor, "userId": deployments.editor.actor, "username": editor["username"], "requests": 1,
         "token": None},
    ]
    logged = data["requestLog"]["nodes"]
    assert [node["caller"] for node in logged] == [deployments.editor.actor] + [str(issued.token_id)] * 3
    assert [node["token"] for node in logged] == [None] + [{"name": "ci-smoke", "prefix": token["prefix"]}] * 3
    assert {node["username"] for node in logged} == {editor["username"]}


def test_window_audit_names_token(deployments: Deployments) -> None:
    deployment_id = deployments.deploy()
    deployments.healthy(deployment_id, 1)
    deployments.runtime.predictions.server = ConstantServer(0.5)
    issued = deployments.runtime.identity.issue_token(deployments.editor, deployments.cause(deployments.editor),
                                                      team_id=deployments.team_id, name="ci-smoke", scopes=["predict"])
    assert deployments.runtime.projections.wait_for(issued.outcome.position)
    rest = ApiClient(deployments.runtime, issued.secret).post("/v1/models/cancer:predict", {"instances": [[0.0] * 30]})
    assert rest.status_code == 200, rest.text
    deployments.clock.advance(seconds=60)
    assert deployments.runtime.meter.flush() == 1
    deployments.runtime.projections.catch_up()

    [entry] = deployments.runtime.readers.audit.entries(AuditFilter(action="InferenceLog.WindowRecorded"), None, 10)

    token = deployments.runtime.readers.identity.token(str(issued.token_id))
    assert token is not None
    assert entry["summary"].endswith(f", 1 from token 'ci-smoke' ({token['prefix']}…)")


def test_second_rollback_undoes_first(deployments: Deployments) -> None:
    deployments.ready_version(deployments.model_id)
    deployment_id = deployments.deploy(traffic=[{"version": 1, "percent": 100}])
    editor, cause = deployments.editor, deployments.cause(deployments.editor)
    deployments.runtime.deployments.update(editor, cause, deployment_id=deployment_id,
                                           traffic=[{"version": 1, "percent": 90}, {"version": 2, "percent": 10}])

    deployments.runtime.deployments.roll_back(editor, cause, deployment_id=deployment_id)
    deployments.runtime.deployments.roll_back(editor, cause, deployment_id=deployment_id)

    row = deployments.row(deployment_id)
    assert row["revision"] == 4
    assert traffic(row) == [(1, 90), (2, 10)]
    [newest] = deployments.runtime.readers.deployments.revisions(str(deployment_id), None, 1)
    assert (newest["action"], newest["restored_revision"]) == ("rolledBack", 2)


def test_starting_replicas_count_as_errors(deployments: Deployments) -> None:
    deployment_id = deployments.deploy()
    with pytest.raises(ServingUnavailable):
        deployments.predict({"instances": [[0.0] * 30]})
    deployments.clock.advance(seconds=60)

    assert deployments.runtime.meter.flush() == 1
    deployments.runtime.projections.catch_up()

    [window] = deployments.runtime.readers.deployments.windows(str(deployment_id), None, None, 10)
    assert (window["requests"], window["errors"], window["client_errors"]) == (1, 1, 0)
    assert json.loads(window["versions"]) == {}


def test_revision_that_cannot_start_shows_why(deployments: Deployments, monkeypatch: pytest.MonkeyPatch) -> None:
    serve = FakeServe(monkeypatch)
    reconciler = ServingReconciler(deployments.runtime, monotonic=serve.monotonic)
    service, editor = deployments.runtime.deployments, deployments.editor
    deployment_id = deployments.deploy()
    reconciler.reconcile()
    service.update(editor, deployments.cause(editor), deployment_id=deployment_id, cpus_per_replica=16)
    deployments.runtime.projections.catch_up()
    monkeypatch.setattr(serving, "deploy", lambda spec: serve.applications.__setitem__(
        spec.app_name, AppStatus("DEPLOYING", 0, 1, "1 replica cannot be scheduled: it needs 16 CPUs")))

    reconciler.reconcile()
    waiting = deployments.row(deployment_id)
    serve.seconds += STUCK_SECONDS
    reconciler.reconcile()
    stuck = deployments.row(deployment_id)

    assert (waiting["status"], waiting["health_reason"]) == ("deploying", None)
    assert stuck["status"] == "degraded"
    assert stuck["health_reason"] == ("not running after 120 s: version 1: DEPLOYING 1 replica cannot be scheduled: "
                                      "it needs 16 CPUs")
    assert stuck["active_revision"] == 1
