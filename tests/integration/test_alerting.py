"""Monitoring and alerting on SQLite and PostgreSQL: signals from real traffic counts and sampled payloads, alert rules
moving pending → firing → resolved on the injected clock, webhooks to a real receiver on loopback, and bad input.

Traffic goes through the inference meter, as the prediction API sends it. The sampled inputs are
rows of scikit-learn's breast cancer data, and the outputs come from the Keras model trained on it.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from backend.application.request_log import LoggedCall
from backend.application.signals import SignalSource
from backend.application.webhooks import verify
from backend.domain.base import Conflict, Forbidden, InvalidInput, NotFound, iso
from backend.application.signals import MIN_DRIFT_ROWS
from backend.domain.drift import population_stability_index
from backend.processes.monitoring import deliver_webhooks, monitor
from backend.runtime import Runtime
from backend.settings import load_settings
from tests.conftest import FrozenClock
from tests.integration.test_batch_prediction import BatchPredictions, keras_outputs
from tests.integration.test_deployments import Deployments
from workers.dataset_engine import LocalDatasetEngine

pytestmark = pytest.mark.integration


@pytest.fixture
def runtime(database_url: str, tmp_path: Path, clock: FrozenClock) -> Iterator[Runtime]:
    """A runtime whose webhooks may reach this machine's loopback receiver, with three attempts per delivery."""
    settings = load_settings(database_url=database_url, artifacts=str(tmp_path / "artifacts"), webhook_allowed_hosts=["127.0.0.1"],
                             webhook_max_attempts=3, webhook_timeout_seconds=2, webhook_retry_seconds=10)
    built = Runtime.build(settings, clock=clock, dataset_engine=LocalDatasetEngine(str(tmp_path / "artifacts")))
    built.start()
    yield built
    built.stop()


class Monitoring(Deployments, BatchPredictions):
    """A healthy deployment of a version a platform run trained on the split breast cancer data, and traffic helpers."""

    def __init__(self, runtime: Runtime, clock: FrozenClock, dataset_files: Path, model_files: Path) -> None:
        super().__init__(runtime, clock, dataset_files, model_files)
        self.trained_id = self.trained_version()
        self.deployment_id = self.deploy(traffic=[{"version": 2, "percent": 100}])
        self.healthy(self.deployment_id, 1)
        frame = pd.read_csv(dataset_files / "breast_cancer.csv")
        self.features = [name for name in frame.columns if name != "target"]
        self.rows = frame[self.features].to_numpy(dtype="float64")

    def serve(self, rows: np.ndarray, *, calls: int = 20, latency_ms: float = 4.0, errors: int = 0, caller: str = "") -> None:
        """Count `calls` requests of a few rows each, log each one with the model's real outputs, and end the window."""
        caller = caller or self.editor.actor
        outputs = keras_outputs(self.model_files, rows)
        per_call = max(1, len(rows) // calls)
        for number in range(calls):
            part = slice(number * per_call, (number + 1) * per_call)
            error = "server" if number < errors else None
            self.runtime.meter.count(self.deployment_id, self.team_id, caller=caller, version=2, rows=per_call,
                                     latency_ms=latency_ms, error=error)
            if error is None:
                self.runtime.meter.log_call(LoggedCall(
                    deployment_id=str(self.deployment_id), logged_at=iso(self.clock()) or "", version=2, caller=caller,
                    rows=per_call, latency_ms=latency_ms, inputs={"features": rows[part].tolist()},
                    outputs={"predictions": outputs[part].tolist()}))
        self.runtime.meter.flush()
        self.runtime.projections.catch_up()

    def rule(self, **settings: Any) -> uuid.UUID:
        values = {"name": "rule", "signal": "latencyP99Ms", "comparator": ">", "threshold": 100.0, "target_kind": "deployment",
                  "target_id": self.deployment_id, "window_seconds": 120, **settings}
        rule_id, outcome = self.runtime.alerting.create_rule(self.editor, self.cause(self.editor), team_id=self.team_id, **values)
        assert self.runtime.projections.wait_for(outcome.position)
        return rule_id

    def round(self) -> None:
        monitor(self.runtime)
        self.runtime.projections.catch_up()

    def incidents(self, rule_id: uuid.UUID) -> list[dict[str, Any]]:
        self.runtime.projections.catch_up()
        return list(reversed(self.runtime.readers.monitoring.alerts(None, rule_id=str(rule_id))))

    def actions(self, subject_id: Any) -> list[str]:
        rows = self.runtime.database.fetchall("SELECT action FROM audit_log WHERE subject_id = ? ORDER BY position",
                                              (str(subject_id),))
        return [row["action"] for row in rows]


@pytest.fixture
def monitoring(runtime: Runtime, clock: FrozenClock, dataset_files: Path, model_files: Path) -> Monitoring:
    return Monitoring(runtime, clock, dataset_files, model_files)


class Receiver:
    """A webhook receiver on loopback that responds with the next status of `statuses` (the last one repeats)."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses = statuses
        self.requests: list[tuple[dict[str, str], bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (the standard library's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append(({key.lower(): value for key, value in self.headers.items()}, body))
                status = receiver.statuses[min(len(receiver.requests), len(receiver.statuses)) - 1]
                self.send_response(status)
                self.end_headers()

            def log_message(self, *_: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/modelcloud"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    started = Receiver([500, 200])
    yield started
    started.close()


def test_latency_alert_pending_firing_resolved(monitoring: Monitoring) -> None:
    rule_id = monitoring.rule(name="slow", threshold=100.0, for_seconds=60, severity="critical")

    monitoring.serve(monitoring.rows[:40], latency_ms=300.0)
    monitoring.round()
    [incident] = monitoring.incidents(rule_id)
    assert incident["state"] == "pending"
    assert incident["incident"] == 1
    assert 200 < incident["value"] <= 500
    assert incident["message"].startswith("slow: latency p99 of cancer is ")

    monitoring.clock.advance(seconds=30)
    monitoring.serve(monitoring.rows[:40], latency_ms=300.0)
    monitoring.round()
    assert monitoring.incidents(rule_id)[0]["state"] == "pending"

    monitoring.clock.advance(seconds=31)
    monitoring.serve(monitoring.rows[:40], latency_ms=300.0)
    monitoring.round()
    [firing] = monitoring.incidents(rule_id)
    assert firing["state"] == "firing"
    assert firing["fired_at"] is not None

    # The slow calls leave the 120-second window; fast ones replace them.
    monitoring.clock.advance(seconds=130)
    monitoring.serve(monitoring.rows[:40], latency_ms=3.0)
    monitoring.round()
    [resolved] = monitoring.incidents(rule_id)
    assert resolved["state"] == "resolved"
    assert resolved["value"] is not None
    assert resolved["value"] < 5

    alert_id = resolved["alert_id"]
    assert monitoring.actions(alert_id) == ["Alert.Opened", "Alert.Pending", "Alert.Raised", "Alert.Resolved"]
    audit = monitoring.runtime.database.fetchall(
        "SELECT summary_parameters FROM audit_log WHERE subject_id = ? AND action = 'Alert.Resolved'", (alert_id,))
    parameters = json.loads(audit[0]["summary_parameters"])
    assert {name: parameters[name] for name in ("rule", "signal", "comparator", "threshold", "message", "endReason")} == {
        "rule": "slow", "signal": "latencyP99Ms", "comparator": ">", "threshold": 100.0, "message": None, "endReason": None,
    }
    assert parameters["value"] == resolved["value"]
    feed = monitoring.runtime.readers.monitoring.notifications(str(monitoring.team_id), None, 10)
    assert [row["kind"] for row in feed] == ["resolved", "firing"]
    assert monitoring.runtime.readers.monitoring.unread(monitoring.editor.actor, str(monitoring.team_id)) == 2


def test_notification_names_its_incident(monitoring: Monitoring) -> None:
    monitoring.rule(name="slow", threshold=100.0, for_seconds=0)
    monitoring.serve(monitoring.rows[:40], latency_ms=300.0)
    monitoring.round()

    answered = monitoring.http().post("/graphql", {
        "query": "query($team: ID!) { notifications(teamId: $team) { notifications { nodes { kind "
                 "alert { ruleName signal comparator threshold subjectName state } } } } }",
        "variables": {"team": str(monitoring.team_id)},
    })

    [notice] = answered.json()["data"]["notifications"]["notifications"]["nodes"]
    assert notice["kind"] == "firing"
    assert notice["alert"] == {"ruleName": "slow", "signal": "latencyP99Ms", "comparator": ">", "threshold": 100.0,
                               "subjectName": "cancer", "state": "FIRING"}


def test_rule_names_its_target(monitoring: Monitoring) -> None:
    monitoring.rule(name="slow")
    monitoring.rule(name="failing runs", signal="failedTrainingRuns", target_kind="model", target_id=monitoring.model_id,
                    threshold=0.0)
    monitoring.rule(name="team latency", target_kind="team", target_id=monitoring.team_id)
    model = monitoring.runtime.readers.registry.model(str(monitoring.model_id))
    assert model is not None
    team = monitoring.runtime.readers.identity.team(str(monitoring.team_id))
    assert team is not None

    answered = monitoring.http().post("/graphql", {
        "query": "query($team: ID!) { alertRules(teamId: $team) { nodes { name targetKind targetName } } }",
        "variables": {"team": str(monitoring.team_id)},
    })

    rules = {rule["name"]: rule for rule in answered.json()["data"]["alertRules"]["nodes"]}
    assert rules["slow"] == {"name": "slow", "targetKind": "DEPLOYMENT", "targetName": "cancer"}
    assert rules["failing runs"] == {"name": "failing runs", "targetKind": "MODEL", "targetName": model["name"]}
    assert rules["team latency"] == {"name": "team latency", "targetKind": "TEAM", "targetName": team["name"]}


def test_condition_that_stops_before_for_clears(monitoring: Monitoring) -> None:
    rule_id = monitoring.rule(threshold=100.0, for_seconds=300)
    monitoring.serve(monitoring.rows[:40], latency_ms=300.0)
    monitoring.round()

    monitoring.clock.advance(seconds=130)
    monitoring.serve(monitoring.rows[:40], latency_ms=3.0)
    monitoring.round()

    [incident] = monitoring.incidents(rule_id)
    assert incident["state"] == "cleared"
    assert monitoring.runtime.readers.monitoring.notifications(str(monitoring.team_id), None, 10) == []


def test_error_rate_and_request_rate(monitoring: Monitoring) -> None:
    errors = monitoring.rule(name="errors", signal="errorRate", comparator=">=", threshold=0.25)
    quiet = monitoring.rule(name="quiet", signal="requestsPerSecond", comparator="<", threshold=1.0)

    monitoring.serve(monitoring.rows[:40], calls=20, errors=5)
    monitoring.round()

    [error_incident] = monitoring.incidents(errors)
    assert error_incident["state"] == "firing"
    assert error_incident["value"] == pytest.approx(0.25)
    [quiet_incident] = monitoring.incidents(quiet)
    assert quiet_incident["value"] == pytest.approx(20 / 120)


def test_measurement_records_signals_and_drift(monitoring: Monitoring) -> None:
    monitoring.serve(monitoring.rows[:200], calls=20)
    monitoring.round()

    measurement = monitoring.runtime.readers.monitoring.latest_measurement(str(monitoring.deployment_id))
    assert measurement is not None
    values = json.loads(measurement["signal_values"])
    assert values["replicaHealth"] == 1.0
    assert values["errorRate"] == 0.0
    assert 2 <= values["latencyP50Ms"] <= 5
    features = json.loads(measurement["features"])
    assert set(features) == set(monitoring.features)
    assert features["mean radius"]["rows"] == 200
    # Rows of the training data itself: no feature has moved far.
    assert values["featureDriftPsi"] < 0.25
    # The model scores these raw rows (it learned on them unscaled) as class 1 nearly always. The expected
    # predictionDriftPsi is the PSI between the training labels' class shares and the predicted class shares.
    outputs = keras_outputs(monitoring.model_files, monitoring.rows[:200])[:, 0]
    predicted = [float(np.mean(outputs < 0.5)), float(np.mean(outputs >= 0.5))]
    train = monitoring.runtime.drift_references.get(str(monitoring.trained_id))
    counts = {str(item["value"]): item["count"] for item in train.profile["label"]["distribution"]}
    expected = [counts["0"] / sum(counts.values()), counts["1"] / sum(counts.values())]
    assert values["predictionDriftPsi"] == pytest.approx(population_stability_index(expected, predicted))
    assert monitoring.actions(measurement["deployment_id"])[-1:] == ["Deployment.BecameHealthy"]

    # Nothing served since: the next round records nothing.
    monitoring.clock.advance(seconds=30)
    monitoring.round()
    assert monitoring.runtime.readers.monitoring.latest_measurement(str(monitoring.deployment_id))["position"] == \
        measurement["position"]


def test_drift_needs_enough_rows(monitoring: Monitoring) -> None:
    rule = monitoring.rule(name="drift", signal="featureDriftPsi", threshold=0.25)
    shifted = monitoring.rows[:MIN_DRIFT_ROWS - 10].copy()
    shifted[:, monitoring.features.index("mean radius")] *= 1.6

    monitoring.serve(shifted, calls=9)
    monitoring.round()

    measurement = monitoring.runtime.readers.monitoring.latest_measurement(str(monitoring.deployment_id))
    values = json.loads(measurement["signal_values"])
    assert values["featureDriftPsi"] is None
    assert values["predictionDriftPsi"] is None
    assert values["errorRate"] == 0.0
    assert monitoring.incidents(rule) == []


def test_drift_rule_fires_on_shifted_inputs(monitoring: Monitoring) -> None:
    any_feature = monitoring.rule(name="drift", signal="featureDriftPsi", threshold=0.25)
    one_feature = monitoring.rule(name="radius", signal="featureDriftPsi", threshold=0.25, feature="mean radius")
    texture = monitoring.rule(name="texture", signal="featureDriftKs", threshold=0.5, feature="mean texture")
    shifted = monitoring.rows[:200].copy()
    shifted[:, monitoring.features.index("mean radius")] *= 1.6

    monitoring.serve(shifted)
    monitoring.round()

    [drift] = monitoring.incidents(any_feature)
    [radius] = monitoring.incidents(one_feature)
    assert drift["message"].endswith("(largest for feature 'mean radius').")
    assert radius["message"].endswith(", > 0.25.")
    assert drift["state"] == "firing"
    assert radius["state"] == "firing"
    assert radius["value"] > 1.0
    assert drift["value"] >= radius["value"]
    assert monitoring.incidents(texture) == []
    measurement = monitoring.runtime.readers.monitoring.latest_measurement(str(monitoring.deployment_id))
    features = json.loads(measurement["features"])
    assert features["mean radius"]["ks"] > 0.5
    assert features["mean texture"]["psi"] < 0.25


def test_webhook_signed_retried_and_recorded(monitoring: Monitoring, receiver: Receiver) -> None:
    channel_id, secret, _ = monitoring.runtime.alerting.create_channel(
        monitoring.admin, monitoring.cause(monitoring.admin), team_id=monitoring.team_id, name="on-call", url=receiver.url)
    rule_id = monitoring.rule(threshold=100.0, channel_ids=[channel_id])
    monitoring.serve(monitoring.rows[:40], latency_ms=300.0)
    monitoring.round()

    assert deliver_webhooks(monitoring.runtime) == 1
    monitoring.runtime.projections.catch_up()
    [delivery] = monitoring.runtime.readers.monitoring.deliveries(str(channel_id), None, 10)
    assert delivery["status"] == "pending"
    assert delivery["attempts"] == 1
    assert delivery["last_status_code"] == 500
    assert delivery["last_error"] == "answered 500"

    # Not due yet: the second attempt waits 10 s.
    assert deliver_webhooks(monitoring.runtime) == 0
    monitoring.clock.advance(seconds=10)
    assert deliver_webhooks(monitoring.runtime) == 1
    monitoring.runtime.projections.catch_up()
    [delivered] = monitoring.runtime.readers.monitoring.deliveries(str(channel_id), None, 10)
    assert delivered["status"] == "delivered"
    assert delivered["attempts"] == 2
    attempts = monitoring.runtime.readers.monitoring.attempts(delivered["delivery_id"])
    assert [(row["attempt"], bool(row["ok"]), row["status_code"]) for row in attempts] == [(1, False, 500), (2, True, 200)]

    headers, body = receiver.requests[-1]
    assert headers["x-modelcloud-event"] == "alert.firing"
    assert headers["x-modelcloud-delivery"] == delivered["delivery_id"]
    assert verify(secret.encode(), int(headers["x-modelcloud-timestamp"]), body, headers["x-modelcloud-signature"])
    assert not verify(b"another secret", int(headers["x-modelcloud-timestamp"]), body, headers["x-modelcloud-signature"])
    payload = json.loads(body)
    assert payload["alert"]["subject"] == {"kind": "deployment", "id": str(monitoring.deployment_id), "name": "cancer"}
    assert payload["rule"]["id"] == str(rule_id)
    assert payload["alert"]["state"] == "firing"
    assert monitoring.actions(delivered["delivery_id"]) == ["WebhookDelivery.Queued", "WebhookDelivery.Attempted",
                                                           "WebhookDelivery.Attempted"]


# Webhook receivers and address checks behave the same on either database; the two-database tests above cover recording.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_failing_receiver_gives_up(monitoring: Monitoring) -> None:
    failing = Receiver([500])
    try:
        channel_id, _secret, _ = monitoring.runtime.alerting.create_channel(
            monitoring.admin, monitoring.cause(monitoring.admin), team_id=monitoring.team_id, name="broken", url=failing.url)
        rule_id = monitoring.rule(threshold=100.0, channel_ids=[channel_id])
        monitoring.serve(monitoring.rows[:40], latency_ms=300.0)
        monitoring.round()
        for delay in (0, 10, 30):
            monitoring.clock.advance(seconds=delay)
            assert deliver_webhooks(monitoring.runtime) == 1
            monitoring.runtime.projections.catch_up()
        monitoring.clock.advance(seconds=3600)
        assert deliver_webhooks(monitoring.runtime) == 0
    finally:
        failing.close()
    monitoring.runtime.projections.catch_up()
    [delivery] = monitoring.runtime.readers.monitoring.deliveries(str(channel_id), None, 10)
    assert delivery["status"] == "failed"
    assert delivery["attempts"] == 3
    assert len(failing.requests) == 3
    # The alert itself is unaffected, and it still resolves.
    monitoring.serve(monitoring.rows[:40], latency_ms=3.0)
    monitoring.round()
    assert monitoring.incidents(rule_id)[0]["state"] == "resolved"


# Webhook receivers and address checks behave the same on either database; the two-database tests above cover recording.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_silent_receiver_times_out(monitoring: Monitoring) -> None:
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/hook"
    try:
        channel_id, _secret, _ = monitoring.runtime.alerting.create_channel(
            monitoring.admin, monitoring.cause(monitoring.admin), team_id=monitoring.team_id, name="silent", url=url)
        monitoring.rule(threshold=100.0, channel_ids=[channel_id])
        monitoring.serve(monitoring.rows[:40], latency_ms=300.0)
        monitoring.round()
        assert deliver_webhooks(monitoring.runtime) == 1
    finally:
        listener.close()
    monitoring.runtime.projections.catch_up()
    [delivery] = monitoring.runtime.readers.monitoring.deliveries(str(channel_id), None, 10)
    assert delivery["status"] == "pending"
    assert "no response within 2 s" in delivery["last_error"]


def test_acknowledge_and_silence(monitoring: Monitoring, receiver: Receiver) -> None:
    channel_id, _secret, _ = monitoring.runtime.alerting.create_channel(
        monitoring.admin, monitoring.cause(monitoring.admin), team_id=monitoring.team_id, name="on-call", url=receiver.url)
    rule_id = monitoring.rule(threshold=100.0, channel_ids=[channel_id])
    monitoring.serve(monitoring.rows[:40], latency_ms=300.0)
    monitoring.round()
    [incident] = monitoring.incidents(rule_id)
    alert_id = uuid.UUID(incident["alert_id"])
    alerting, editor = monitoring.runtime.alerting, monitoring.editor

    alerting.acknowledge(editor, monitoring.cause(editor), alert_id=alert_id, note="looking at the replicas")
    with pytest.raises(Conflict, match="already acknowledged"):
        alerting.acknowledge(editor, monitoring.cause(editor), alert_id=alert_id, note=None)
    monitoring.runtime.projections.catch_up()
    row = monitoring.runtime.readers.monitoring.alert_row(str(alert_id))
    assert row["acknowledged_by"] == editor.actor
    assert row["acknowledge_note"] == "looking at the replicas"

    with pytest.raises(InvalidInput) as past:
        alerting.silence(editor, monitoring.cause(editor), alert_id=alert_id, until=monitoring.clock() - timedelta(minutes=1),
                         reason=None)
    assert past.value.field == "until"
    alerting.silence(editor, monitoring.cause(editor), alert_id=alert_id, until=monitoring.clock() + timedelta(hours=1),
                     reason="deploying a fix")

    # The incident resolves and a second one fires while silenced: recorded, but neither announced nor sent.
    monitoring.clock.advance(seconds=130)
    monitoring.serve(monitoring.rows[:40], latency_ms=3.0)
    monitoring.round()
    monitoring.clock.advance(seconds=130)
    monitoring.serve(monitoring.rows[:40], latency_ms=300.0)
    monitoring.round()
    assert [(row["incident"], row["state"]) for row in monitoring.incidents(rule_id)] == [(1, "resolved"), (2, "firing")]
    assert [row["kind"] for row in monitoring.runtime.readers.monitoring.notifications(str(monitoring.team_id), None, 10)] == \
        ["firing"]
    assert len(monitoring.runtime.readers.monitoring.deliveries(str(channel_id), None, 10)) == 1

    alerting.lift_silence(editor, monitoring.cause(editor), alert_id=alert_id)
    with pytest.raises(Conflict, match="not silenced"):
        alerting.lift_silence(editor, monitoring.cause(editor), alert_id=alert_id)


def test_deleted_rule_and_stopped_deployment_resolve(monitoring: Monitoring) -> None:
    deleted = monitoring.rule(name="deleted", threshold=100.0)
    disabled = monitoring.rule(name="disabled", threshold=100.0)
    stopped = monitoring.rule(name="stopped", threshold=100.0, target_kind="team", target_id=None)
    monitoring.serve(monitoring.rows[:40], latency_ms=300.0)
    monitoring.round()
    assert [monitoring.incidents(rule)[0]["state"] for rule in (deleted, disabled, stopped)] == ["firing"] * 3

    monitoring.runtime.alerting.delete_rule(monitoring.editor, monitoring.cause(monitoring.editor), rule_id=deleted)
    monitoring.runtime.alerting.update_rule(monitoring.editor, monitoring.cause(monitoring.editor), rule_id=disabled, enabled=False)
    monitoring.runtime.deployments.stop(monitoring.editor, monitoring.cause(monitoring.editor), deployment_id=monitoring.deployment_id)
    monitoring.runtime.projections.catch_up()
    monitoring.round()

    [gone] = monitoring.incidents(deleted)
    assert (gone["state"], gone["end_reason"], gone["message"]) == ("resolved", "rule_deleted", "The alert rule was deleted.")
    [off] = monitoring.incidents(disabled)
    assert (off["state"], off["end_reason"], off["message"]) == ("resolved", "rule_disabled", "The alert rule was disabled.")
    [idle] = monitoring.incidents(stopped)
    assert (idle["state"], idle["end_reason"]) == ("resolved", "subject_unwatched")
    assert idle["message"] == "The deployment 'cancer' is no longer watched by the rule."


def test_model_signals(monitoring: Monitoring) -> None:
    broken = monitoring.rule(name="integrity", signal="integrityFailures", comparator=">", threshold=0.0, target_kind="model",
                             target_id=monitoring.model_id)
    failures = monitoring.rule(name="runs", signal="failedTrainingRuns", comparator=">=", threshold=1.0, target_kind="team",
                               target_id=None, window_seconds=3600)
    monitoring.round()
    assert monitoring.incidents(broken) == []
    assert monitoring.incidents(failures) == []

    run_id = monitoring.start()
    monitoring.runtime.training.fail(monitoring.system(), run_id=run_id, reason="out of memory")
    blob = Path(monitoring.runtime.settings.artifacts, "blobs")
    for stored in blob.rglob("*"):
        if stored.is_file() and stored.stat().st_size > 10_000:
            stored.write_bytes(b"altered")
    from backend.processes.integrity import check_integrity

    assert check_integrity(monitoring.runtime) >= 1
    monitoring.runtime.projections.catch_up()
    monitoring.round()

    [integrity] = monitoring.incidents(broken)
    assert integrity["state"] == "firing"
    assert integrity["subject_name"] == "cancer-mlp"
    [runs] = monitoring.incidents(failures)
    assert runs["state"] == "firing"
    assert runs["value"] == 1.0
    assert runs["subject_kind"] == "team"


def test_metrics_exposition(monitoring: Monitoring) -> None:
    from prometheus_client import CollectorRegistry, generate_latest

    from backend.http.deployment_metrics import DeploymentCollector

    # 18 logged calls of 10 rows: enough for drift, which needs MIN_DRIFT_ROWS.
    monitoring.serve(monitoring.rows[:200], calls=20, errors=2, latency_ms=30.0)
    monitoring.round()
    registry = CollectorRegistry(auto_describe=False)
    registry.register(DeploymentCollector(monitoring.runtime))
    text = generate_latest(registry).decode()

    team = monitoring.runtime.readers.identity.team(str(monitoring.team_id))["name"]
    labels = f'deployment="cancer",team="{team}"'
    assert f"modelcloud_deployment_requests_total{{{labels}}} 20.0" in text
    assert f"modelcloud_deployment_errors_total{{{labels}}} 2.0" in text
    assert f'modelcloud_deployment_request_duration_seconds_bucket{{deployment="cancer",le="0.05",team="{team}"}} 20.0' in text
    assert f'modelcloud_deployment_request_duration_seconds_bucket{{deployment="cancer",le="0.02",team="{team}"}} 0.0' in text
    assert f"modelcloud_deployment_request_duration_seconds_sum{{{labels}}} 0.6" in text
    assert f"modelcloud_deployment_healthy{{{labels}}} 1.0" in text
    assert f'modelcloud_deployment_feature_drift_psi{{deployment="cancer",feature="mean radius",team="{team}"}}' in text
    assert f"modelcloud_deployment_prediction_drift_psi{{{labels}}}" in text
    # No rule here, so no team reports alerts; a team with a rule reports 0 for each severity that is not firing.
    assert "modelcloud_alerts_firing{" not in text
    monitoring.rule(threshold=1e6)
    text = generate_latest(registry).decode()
    assert f'modelcloud_alerts_firing{{severity="critical",team="{team}"}} 0.0' in text


def test_bad_rules_rejected_one_by_one(monitoring: Monitoring) -> None:
    cases: list[tuple[dict[str, Any], type[Exception], str, str]] = [
        ({"signal": "latency"}, InvalidInput, "signal", "not a known signal"),
        ({"comparator": "=="}, InvalidInput, "comparator", "expected one of"),
        ({"window_seconds": -5}, InvalidInput, "windowSeconds", "from 10 to 604800"),
        ({"for_seconds": -1}, InvalidInput, "forSeconds", "from 0 to 604800"),
        ({"threshold": float("nan")}, InvalidInput, "threshold", "finite number"),
        ({"signal": "errorRate", "threshold": 2.0}, InvalidInput, "threshold", "out of range for errorRate"),
        ({"severity": "fatal"}, InvalidInput, "severity", "expected one of"),
        ({"target_kind": "cluster"}, InvalidInput, "targetKind", "expected one of"),
        ({"target_id": uuid.uuid4()}, NotFound, "targetId", "is not a deployment of this team"),
        ({"target_kind": "model", "target_id": monitoring.deployment_id}, NotFound, "targetId", "is not a model"),
        ({"feature": "mean radius"}, InvalidInput, "feature", "not measured per feature"),
        ({"signal": "integrityFailures"}, InvalidInput, "targetKind", "measured on models"),
        ({"channel_ids": [uuid.uuid4()]}, NotFound, "channelIds", "not a notification channel"),
        ({"name": ""}, InvalidInput, "name", "must not be empty"),
    ]
    for changes, error, field, text in cases:
        with pytest.raises(error) as raised:
            monitoring.rule(**changes)
        assert raised.value.field == field, changes
        assert text in raised.value.message, (changes, raised.value.message)
    assert monitoring.runtime.readers.monitoring.rules(None) == []

    viewer = monitoring.viewer
    with pytest.raises(Forbidden):
        monitoring.runtime.alerting.create_rule(viewer, monitoring.cause(viewer), team_id=monitoring.team_id, name="x",
                                                signal="errorRate", comparator=">", threshold=0.1, target_kind="team",
                                                target_id=None)


# Webhook receivers and address checks behave the same on either database; the two-database tests above cover recording.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_bad_channels_rejected_one_by_one(monitoring: Monitoring) -> None:
    alerting, admin = monitoring.runtime.alerting, monitoring.admin
    strict = type(alerting)(alerting.runner, alerting.keys, alerting.clock)
    cases = [
        ("ftp://example.org/hook", "http"),
        ("http://127.0.0.1:9/hook", "loopback"),
        ("http://169.254.169.254/latest/meta-data", "169.254.169.254"),
        ("http://[::1]/hook", "loopback"),
        ("http://user:password@example.org/hook", "user"),
        ("not a url", "http"),
    ]
    for url, text in cases:
        with pytest.raises(InvalidInput) as raised:
            strict.create_channel(admin, monitoring.cause(admin), team_id=monitoring.team_id, name="hook", url=url)
        assert raised.value.field == "url", url
        assert text in raised.value.message, (url, raised.value.message)
    with pytest.raises(Forbidden):
        alerting.create_channel(monitoring.editor, monitoring.cause(monitoring.editor), team_id=monitoring.team_id, name="hook",
                                url="http://127.0.0.1:9/hook")
    monitoring.runtime.projections.catch_up()
    assert monitoring.runtime.readers.monitoring.channels(None) == []


def test_failed_subject_listing_keeps_open_alerts(monitoring: Monitoring, monkeypatch: pytest.MonkeyPatch) -> None:
    rule_id = monitoring.rule(threshold=100.0)
    monitoring.serve(monitoring.rows[:40], latency_ms=300.0)
    monitoring.round()

    def broken(self: SignalSource, rule: Any) -> list[Any]:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(SignalSource, "subjects", broken)
    monitoring.clock.advance(seconds=30)
    monitoring.round()

    [incident] = monitoring.incidents(rule_id)
    assert incident["state"] == "firing"


def test_window_recorded_late_is_measured_next(monitoring: Monitoring) -> None:
    monitoring.serve(monitoring.rows[:200], calls=10)
    monitoring.round()

    # A window whose end precedes the last measurement, as when another process's window reaches the read model late.
    monitoring.clock.advance(seconds=-20)
    monitoring.serve(monitoring.rows[200:320], calls=4)
    monitoring.clock.advance(seconds=40)
    monitoring.round()

    rows = monitoring.runtime.readers.monitoring.measurements(str(monitoring.deployment_id), None, None, 10)
    assert len(rows) == 2
    assert json.loads(rows[-1]["features"])["mean radius"]["rows"] == 200


def test_sampled_calls_written_before_window(monitoring: Monitoring) -> None:
    call = LoggedCall(deployment_id=str(monitoring.deployment_id), logged_at=iso(monitoring.clock()) or "", version=2,
                      caller=monitoring.editor.actor, rows=1, latency_ms=3.0, inputs={"features": [[0.0]]},
                      outputs={"predictions": [[1.0]]})
    monitoring.runtime.meter.count(monitoring.deployment_id, monitoring.team_id, caller=monitoring.editor.actor, version=2,
                                   rows=1, latency_ms=3.0)
    monitoring.runtime.meter.log_call(call)

    assert monitoring.runtime.meter.flush_sampled() == 1

    [entry] = monitoring.runtime.request_log.entries(str(monitoring.deployment_id), None, 10)
    assert entry["caller"] == monitoring.editor.actor
    # The window of counts is recorded later, by flush, as before.
    assert monitoring.runtime.meter.flush() == 1
    assert len(monitoring.runtime.request_log.entries(str(monitoring.deployment_id), None, 10)) == 1
