"""compareEvaluations over GraphQL without Ray: what each evaluation measured, named as users know the model and data.

The reports are recorded as a worker would record them, so the comparison reads real rows of
the read models and a real artifact store.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from backend.domain.base import SYSTEM_ACTOR, Cause
from backend.runtime import Runtime
from tests.conftest import FrozenClock
from tests.integration.test_deployments import Deployments

pytestmark = pytest.mark.integration

COMPARE = """query($ids: [ID!]!) { compareEvaluations(ids: $ids) {
  sameData differentClasses notes
  data { evaluationId modelName modelVersionNumber datasetName datasetVersionId datasetVersionNumber split label }
} }"""


def report(accuracy: float) -> dict[str, Any]:
    return {"task": "classification", "rows": 86, "metrics": {"accuracy": accuracy, "macro": {"f1": accuracy - 0.01}}}


@pytest.fixture
def compared(runtime: Runtime, clock: FrozenClock, dataset_files: Path, model_files: Path) -> Deployments:
    return Deployments(runtime, clock, dataset_files, model_files)


def completed(evaluations: Deployments, accuracy: float, **options: Any) -> str:
    evaluation_id = evaluations.evaluate(**options)
    outcome = evaluations.runtime.evaluation.record_report(
        Cause.new(SYSTEM_ACTOR, None), evaluation_id=evaluation_id, report=report(accuracy)
    )
    assert evaluations.runtime.projections.wait_for(outcome.position)
    return str(evaluation_id)


def compare(evaluations: Deployments, ids: list[str]) -> dict[str, Any]:
    answered = evaluations.http().post("/graphql", {"query": COMPARE, "variables": {"ids": ids}})
    assert answered.status_code == 200
    body = answered.json()
    assert "errors" not in body, body["errors"]
    return body["data"]["compareEvaluations"]


def test_different_splits_named_in_data(compared: Deployments) -> None:
    first = completed(compared, 0.95)
    compared.version_id = compared.ready_version(compared.model_id)
    second = completed(compared, 0.93, split="validation")
    split_version = compared.split["version_id"]

    comparison = compare(compared, [first, second])

    assert comparison["sameData"] is False
    assert comparison["differentClasses"] is False
    assert comparison["data"] == [
        {"evaluationId": first, "modelName": "cancer-mlp", "modelVersionNumber": 1, "datasetName": "cancer",
         "datasetVersionId": split_version, "datasetVersionNumber": 2, "split": "test", "label": "target"},
        {"evaluationId": second, "modelName": "cancer-mlp", "modelVersionNumber": 2, "datasetName": "cancer",
         "datasetVersionId": split_version, "datasetVersionNumber": 2, "split": "validation", "label": "target"},
    ]
    assert comparison["notes"] == [
        "The evaluations measured different data, so their metrics are not strictly comparable. "
        "cancer-mlp v1: the test split of dataset cancer v2, label 'target'; "
        "cancer-mlp v2: the validation split of dataset cancer v2, label 'target'."
    ]


def test_same_data_has_no_notes(compared: Deployments) -> None:
    first = completed(compared, 0.95)
    second = completed(compared, 0.94)

    comparison = compare(compared, [first, second])

    assert comparison["sameData"] is True
    assert comparison["differentClasses"] is False
    assert comparison["notes"] == []
    assert [entry["evaluationId"] for entry in comparison["data"]] == [first, second]


def test_notes_carry_no_ids(compared: Deployments) -> None:
    first = completed(compared, 0.95)
    second = completed(compared, 0.93, split="validation")

    comparison = compare(compared, [first, second])

    [note] = comparison["notes"]
    for raw_id in (first, second, compared.split["version_id"], str(compared.model_id), str(compared.dataset_id)):
        assert raw_id not in note
    assert uuid.UUID(comparison["data"][0]["datasetVersionId"]) == uuid.UUID(compared.split["version_id"])
