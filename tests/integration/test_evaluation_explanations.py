"""Row explanations without Ray: who may ask, which evaluations and rows are accepted, and a server without workers."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from backend.application.evaluation_explanations import WorkersUnavailable
from backend.domain.base import SYSTEM_ACTOR, Cause, Forbidden, InvalidInput
from backend.graphql.evaluation import explained_evaluation
from backend.runtime import Runtime
from backend.settings import load_settings
from tests.conftest import FrozenClock
from tests.integration.test_evaluation import Evaluations
from workers.dataset_engine import LocalDatasetEngine

pytestmark = pytest.mark.integration

REPORT = {"task": "classification", "rows": 86, "metrics": {"accuracy": 0.95, "macro": {"f1": 0.94}}}


@pytest.fixture
def evaluations(runtime: Runtime, clock: FrozenClock, dataset_files: Path, model_files: Path) -> Evaluations:
    return Evaluations(runtime, clock, dataset_files, model_files)


@pytest.fixture
def runtime_without_workers(database_url: str, tmp_path: Path, clock: FrozenClock) -> Iterator[Runtime]:
    """A runtime built as `modelcloud serve` builds it with MODELCLOUD_WORKERS=false."""
    artifacts = tmp_path / "artifacts"
    settings = load_settings(database_url=database_url, artifacts=str(artifacts), workers=False)
    built = Runtime.build(settings, clock=clock, dataset_engine=LocalDatasetEngine(str(artifacts)))
    built.start()
    yield built
    built.stop()


def completed(evaluations: Evaluations) -> uuid.UUID:
    evaluation_id = evaluations.evaluate()
    outcome = evaluations.runtime.evaluation.record_report(Cause.new(SYSTEM_ACTOR, None), evaluation_id=evaluation_id, report=REPORT)
    assert evaluations.runtime.projections.wait_for(outcome.position)
    return evaluation_id


def explain(evaluations: Evaluations, evaluation_id: uuid.UUID, **options: object) -> dict[str, object]:
    evaluation = explained_evaluation(evaluations.row(evaluation_id))
    principal = options.pop("principal", evaluations.editor)
    return evaluations.runtime.explanations.explain_row(principal, evaluation, **options)  # type: ignore[arg-type]


def test_viewer_may_not_explain(evaluations: Evaluations) -> None:
    evaluation_id = completed(evaluations)

    with pytest.raises(Forbidden) as raised:
        explain(evaluations, evaluation_id, principal=evaluations.viewer, row=0)

    assert "explainEvaluationRow" in raised.value.message


def test_pending_evaluation_rejected(evaluations: Evaluations) -> None:
    evaluation_id = evaluations.evaluate()

    with pytest.raises(InvalidInput) as raised:
        explain(evaluations, evaluation_id, row=0)

    assert raised.value.field == "evaluationId"
    assert f"Evaluation {evaluation_id} is still pending" in raised.value.message


def test_failed_evaluation_rejected(evaluations: Evaluations) -> None:
    evaluation_id = evaluations.evaluate()
    outcome = evaluations.runtime.evaluation.record_failure(
        Cause.new(SYSTEM_ACTOR, None), evaluation_id=evaluation_id, reason="The model returned NaN for 3 of 86 rows."
    )
    assert evaluations.runtime.projections.wait_for(outcome.position)

    with pytest.raises(InvalidInput) as raised:
        explain(evaluations, evaluation_id, row=0)

    assert raised.value.field == "evaluationId"
    assert f"Evaluation {evaluation_id} failed, so it has no evaluated rows to explain" in raised.value.message


def test_row_out_of_range_names_range(evaluations: Evaluations) -> None:
    evaluation_id = completed(evaluations)

    with pytest.raises(InvalidInput) as raised:
        explain(evaluations, evaluation_id, row=86)

    assert raised.value.field == "row"
    assert raised.value.value == 86
    assert "has 86 evaluated rows, so row must be from 0 to 85" in raised.value.message


def test_steps_out_of_range_rejected(evaluations: Evaluations) -> None:
    evaluation_id = completed(evaluations)

    with pytest.raises(InvalidInput) as raised:
        explain(evaluations, evaluation_id, row=0, steps=5000)

    assert raised.value.field == "steps"
    assert raised.value.value == 5000


def test_server_without_workers_rejects(
    runtime_without_workers: Runtime, clock: FrozenClock, dataset_files: Path, model_files: Path
) -> None:
    evaluations = Evaluations(runtime_without_workers, clock, dataset_files, model_files)
    evaluation_id = completed(evaluations)

    with pytest.raises(WorkersUnavailable) as raised:
        explain(evaluations, evaluation_id, row=0)

    assert raised.value.code == "SERVICE_UNAVAILABLE"
    assert "MODELCLOUD_WORKERS=false" in raised.value.message
