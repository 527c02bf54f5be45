"""Audit summaries: counts agree with their nouns, and entries read as sentences in terms a user would recognize."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from backend.domain.alerting import AlertRule
from backend.domain.base import NameIndex
from backend.domain.batch_prediction import BatchPrediction
from backend.domain.deployments import Deployment
from backend.domain.inference import InferenceLog
from backend.domain.monitoring import SignalLog
from backend.domain.registry import ModelVersion
from backend.domain.training import TrainingRun
from backend.projections.audit import summarize
from backend.projections.audit_parameters import summary_parameters

pytestmark = pytest.mark.unit

SUBJECT = uuid.UUID("4d9f5a52-0000-4000-8000-000000000001")
OTHER = uuid.UUID("4d9f5a52-0000-4000-8000-000000000002")


def event(event_class: type[Any], **fields: Any) -> Any:
    return event_class(
        originator_id=SUBJECT, originator_version=2, timestamp=datetime(2026, 12, 1, tzinfo=UTC),
        actor="user-1", team="team-1", correlation_id="correlation-1", causation_id="causation-1", **fields,
    )


def named(subject: Any) -> str:
    return "deployment 'churn-api'" if subject in (SUBJECT, str(SUBJECT)) else "model 'churn'"


def window(requests: int) -> Any:
    return event(
        InferenceLog.WindowRecorded, deployment_id=SUBJECT, started_at=datetime(2026, 12, 1, tzinfo=UTC),
        ended_at=datetime(2026, 12, 1, 0, 1, tzinfo=UTC), process="replica-1", requests=requests, rows=requests,
        errors=0, client_errors=0, latency_buckets=[], latency_sum_ms=0.0, callers={}, versions={},
    )


def succeeded(epochs: int) -> Any:
    return event(
        TrainingRun.Succeeded, attempt=1, epochs=epochs, stopped_early=False, best_epoch=epochs, metrics={}, classes=None,
        model_sha256="ab" * 32, model_size=10, version_id=None, version_number=None, registration_error=None,
    )


def inspected(parameters: int, layers: int) -> Any:
    return event(
        ModelVersion.Inspected, signature={}, trainable_parameters=parameters, non_trainable_parameters=0,
        layer_count=layers, report_sha256="cd" * 32,
    )


def scored(rows: int) -> Any:
    return event(BatchPrediction.Completed, result_dataset_version_id=OTHER, result_dataset_version_number=2, rows=rows, notes=[])


@pytest.mark.parametrize(
    ("logged", "expected"),
    [
        (event(Deployment.BecameHealthy, revision=1, replicas=1), "serves revision 1 on 1 replica"),
        (event(Deployment.BecameHealthy, revision=1, replicas=2), "serves revision 1 on 2 replicas"),
        (event(Deployment.BecameHealthy, revision=1, replicas=0), "serves revision 1 on 0 replicas"),
        (window(1), "Recorded 1 request"),
        (window(3), "Recorded 3 requests"),
        (succeeded(1), "succeeded after 1 epoch"),
        (succeeded(5), "succeeded after 5 epochs"),
        (inspected(1, 1), ": 1 parameter, 1 layer"),
        (inspected(496, 3), ": 496 parameters, 3 layers"),
        (scored(1), ": 1 row scored into"),
        (scored(0), ": 0 rows scored into"),
        (event(TrainingRun.MetricsLogged, attempt=1, points=[{"name": "loss"}]), "Logged 1 metric point of"),
    ],
)
def test_counts_agree_in_number(logged: Any, expected: str) -> None:
    # The lookahead keeps "1 replica" from matching the start of "1 replicas".
    assert re.search(re.escape(expected) + r"(?!\w)", summarize(logged, named)), summarize(logged, named)


def test_window_recorded_callers_after_counts() -> None:
    logged = event(
        InferenceLog.WindowRecorded, deployment_id=SUBJECT, started_at=datetime(2026, 12, 1, tzinfo=UTC),
        ended_at=datetime(2026, 12, 1, 0, 1, tzinfo=UTC), process="replica-1", requests=120, rows=120,
        errors=0, client_errors=0, latency_buckets=[], latency_sum_ms=0.0, callers={str(OTHER): 120}, versions={},
    )
    assert summarize(logged, lambda subject: "token 'demo' (mc_Nv…)" if subject == str(OTHER) else named(subject)) == (
        "Recorded 120 requests to deployment 'churn-api' (0 failed, 0 rejected), 120 from token 'demo' (mc_Nv…)"
    )


def test_signal_log_measured_shows_labels_and_units() -> None:
    logged = event(
        SignalLog.Measured, deployment_id=SUBJECT, started_at=datetime(2026, 12, 1, tzinfo=UTC),
        ended_at=datetime(2026, 12, 1, 0, 1, tzinfo=UTC), features={}, version=1,
        values={"latencyP50Ms": 15.36, "replicaHealth": 1.0, "requestsPerSecond": 2.0, "errorRate": 0.05,
                "featureDriftPsi": 0.125, "latencyP99Ms": None},
    )
    assert summarize(logged, named) == (
        "Measured deployment 'churn-api': server error rate 5%, feature drift (PSI) 0.125, latency p50 15.36 ms, "
        "replica health 100%, 2 requests per second"
    )


@pytest.mark.parametrize(
    ("kind", "key", "expected", "shown_key"),
    [
        ("digest", f"{OTHER}/{'d5' * 32}", "Reserved the content digest of a model version's file", None),
        ("dataset-digest", f"{OTHER}/{'d5' * 32}", "Reserved the content digest of a dataset version", None),
        ("installation", "first-admin", "Reserved the first administrator account of the installation", None),
        ("model", f"{OTHER}/churn", "Reserved the model name 'churn'", "churn"),
        ("deployment", f"{OTHER}/churn-api", "Reserved the deployment name 'churn-api'", "churn-api"),
        ("username", "ada", "Reserved the username 'ada'", "ada"),
    ],
)
def test_name_index_reserved_shows_no_internal_ids(kind: str, key: str, expected: str, shown_key: str | None) -> None:
    logged = event(NameIndex.Reserved, originator_topic="", kind=kind, key=key, owner_id=OTHER)
    assert summarize(logged, named) == expected
    assert summary_parameters("NameIndex.Reserved", logged, str) == {"kind": kind, "key": shown_key}


@pytest.mark.parametrize(
    ("signal", "threshold", "expected"),
    [
        ("latencyP95Ms", 500.0, "when latency p95 > 500 ms over 300 s"),
        ("errorRate", 0.05, "when server error rate > 5% over 300 s"),
        ("requestsPerSecond", 12000.0, "when requests per second > 12000/s over 300 s"),
        ("failedTrainingRuns", 1.0, "when failed training runs > 1 over 300 s"),
    ],
)
def test_alert_rule_defined_threshold_unit(signal: str, threshold: float, expected: str) -> None:
    logged = event(
        AlertRule.Defined, originator_topic="", team_id=OTHER, name="slow", signal=signal, feature=None, comparator=">",
        threshold=threshold, window_seconds=300, for_seconds=60, severity="warning", target_kind="team",
        target_id=OTHER, channel_ids=[], enabled=True,
    )
    assert expected in summarize(logged, named), summarize(logged, named)


@pytest.mark.parametrize(("source", "expected"), [
    ("upload", "Uploaded model 'churn' (keras, 2048 bytes, sha256 0123456789ab…)"),
    ("training", "Registered the trained model 'churn' (keras, 2048 bytes, sha256 0123456789ab…)"),
])
def test_model_version_created_names_its_source(source: str, expected: str) -> None:
    created = event(
        ModelVersion.Created, model_id=OTHER, team_id=OTHER, number=3, sha256="0123456789abcdef", size=2048,
        format="keras", filename="model.keras", source=source, upload_id=None, duplicate_of=None, lineage={},
        originator_topic="backend.domain.registry:ModelVersion",
    )
    assert summarize(created, lambda subject: "model 'churn'") == expected
    assert summary_parameters("ModelVersion.Created", created, lambda subject: "churn")["trained"] is (source == "training")
