"""Audit summaries: a count of one takes the singular noun, any other count the plural."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from backend.domain.batch_prediction import BatchPrediction
from backend.domain.deployments import Deployment
from backend.domain.inference import InferenceLog
from backend.domain.registry import ModelVersion
from backend.domain.training import TrainingRun
from backend.projections.audit import summarize

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
        (window(1), "served 1 request"),
        (window(3), "served 3 requests"),
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
