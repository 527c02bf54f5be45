"""Evaluation requests without Ray: what evaluateModelVersion accepts, what it rejects, and recording a report."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from backend.domain.base import SYSTEM_ACTOR, Cause, InvalidInput
from backend.runtime import Runtime
from tests.conftest import FrozenClock
from tests.integration.test_training import Training
from workers.inspection import inspect_artifact

pytestmark = pytest.mark.integration

RANDOM_70_15_15 = {"op": "split", "strategy": "random", "ratios": {"train": 0.7, "validation": 0.15, "test": 0.15}, "seed": 7}


class Evaluations(Training):
    """The training helper's team and split data, plus a ready version of a Keras model trained on breast cancer."""

    def __init__(self, runtime: Runtime, clock: FrozenClock, dataset_files: Path, model_files: Path) -> None:
        super().__init__(runtime, clock, dataset_files)
        self.model_files = model_files
        self.version_id = self.ready_version(self.model_id)

    def ready_version(self, model_id: uuid.UUID) -> uuid.UUID:
        upload_id = self.upload_bytes((self.model_files / "cancer_a.keras").read_bytes(), "cancer_a.keras")
        added = self.runtime.registry.upload_version(self.editor, self.cause(self.editor), model_id=model_id, upload_id=upload_id,
                                                     allow_duplicate=True)
        report = inspect_artifact(str(self.model_files / "cancer_a.keras"), "keras", "cancer_a.keras")
        self.runtime.registry.record_inspection(self.system(), version_id=added.version_id, report=report)
        return added.version_id

    def evaluate(self, **options: Any) -> uuid.UUID:
        values = {"version_id": self.version_id, "dataset_version_id": uuid.UUID(self.split["version_id"]), **options}
        evaluation_id, outcome = self.runtime.evaluation.evaluate(self.editor, self.cause(self.editor), **values)
        assert self.runtime.projections.wait_for(outcome.position)
        return evaluation_id

    def row(self, evaluation_id: uuid.UUID) -> dict[str, Any]:
        self.runtime.projections.catch_up()
        row = self.runtime.readers.evaluation.evaluation(str(evaluation_id))
        assert row is not None
        return row


@pytest.fixture
def evaluations(runtime: Runtime, clock: FrozenClock, dataset_files: Path, model_files: Path) -> Evaluations:
    return Evaluations(runtime, clock, dataset_files, model_files)


def test_request_records_features_and_classes(evaluations: Evaluations) -> None:
    row = evaluations.row(evaluations.evaluate(slices=[{"kind": "quantiles", "feature": "mean radius", "bins": 4}]))

    assert row["status"] == "pending"
    assert row["task"] == "classification"
    assert row["split"] == "test"
    assert json.loads(row["classes"]) == ["0", "1"]
    assert len(json.loads(row["features"])) == 30
    assert json.loads(row["slices"]) == [{"kind": "quantiles", "feature": "mean radius", "bins": 4}]


def test_missing_label_rejected(evaluations: Evaluations) -> None:
    with pytest.raises(InvalidInput) as raised:
        evaluations.evaluate(label="diagnosis")
    assert raised.value.field == "label"


def test_features_that_do_not_fit_are_listed(evaluations: Evaluations, dataset_files: Path) -> None:
    dataset_id = evaluations.create("iris")
    iris = evaluations.add_version(dataset_id, dataset_files / "iris.csv", label="target")
    evaluations.profile(iris)

    with pytest.raises(InvalidInput) as raised:
        evaluations.evaluate(dataset_version_id=uuid.UUID(iris["version_id"]), split=None)
    assert raised.value.field == "datasetVersionId"
    assert "4 feature columns: 'sepal length (cm)'" in raised.value.message


def test_regression_model_rejects_classification(evaluations: Evaluations) -> None:
    model_id, _ = evaluations.runtime.registry.register_model(
        evaluations.editor, evaluations.cause(evaluations.editor), team_id=evaluations.team_id, name="cancer-score", task="regression"
    )
    evaluations.version_id = evaluations.ready_version(model_id)

    with pytest.raises(InvalidInput) as raised:
        evaluations.evaluate(task="classification")
    assert raised.value.field == "task"
    assert "is a regression model" in raised.value.message


def test_split_without_rows_rejected(evaluations: Evaluations) -> None:
    with pytest.raises(InvalidInput) as raised:
        evaluations.evaluate(dataset_version_id=uuid.UUID(evaluations.plain["version_id"]))
    assert raised.value.field == "split"


@pytest.mark.parametrize(
    ("spec", "field"),
    [
        ({"kind": "values", "feature": "colour"}, "slices[0].feature"),
        ({"kind": "bins", "feature": "mean radius", "bins": 1}, "slices[0].bins"),
        ({"kind": "filter", "name": "big", "filter": "`mean radius` >"}, "slices[0].filter"),
        ({"kind": "histogram"}, "slices[0].kind"),
        ({"kind": "values", "feature": "mean radius"}, "slices[0].feature"),
        ({"kind": "values", "feature": ["mean radius"]}, "slices[0].feature"),
        ({"kind": "values", "feature": "split"}, "slices[0].feature"),
    ],
)
def test_bad_slice_rejected(evaluations: Evaluations, spec: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        evaluations.evaluate(slices=[spec])
    assert raised.value.field == field


def test_report_completes_evaluation(evaluations: Evaluations) -> None:
    evaluation_id = evaluations.evaluate()
    report = {"task": "classification", "rows": 85, "metrics": {"accuracy": 0.95, "macro": {"f1": 0.94}, "rocAuc": 0.99,
                                                                 "logLoss": 0.12}}

    evaluations.runtime.evaluation.record_report(Cause.new(SYSTEM_ACTOR, None), evaluation_id=evaluation_id, report=report)

    row = evaluations.row(evaluation_id)
    assert row["status"] == "completed"
    assert row["rows_evaluated"] == 85
    assert json.loads(row["summary"]) == {"accuracy": 0.95, "f1": 0.94, "rocAuc": 0.99, "logLoss": 0.12}
    assert evaluations.runtime.evaluation.report(row["report_sha256"]) == report


def test_infinite_label_rejected(evaluations: Evaluations, dataset_files: Path) -> None:
    lines = (dataset_files / "breast_cancer.csv").read_text().splitlines()
    lines[1] = lines[1].rsplit(",", 1)[0] + ",inf"
    dataset_id = evaluations.create("cancer-inf")
    plain = evaluations.add_version(dataset_id, content="\n".join(lines).encode(), filename="cancer_inf.csv", label="target")
    evaluations.profile(plain)
    split = evaluations.derive(plain["version_id"], [RANDOM_70_15_15])
    evaluations.profile(split)

    with pytest.raises(InvalidInput) as raised:
        evaluations.evaluate(dataset_version_id=uuid.UUID(split["version_id"]), task="classification")
    assert raised.value.field == "label"
    assert "non-finite values" in raised.value.message
