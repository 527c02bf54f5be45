"""Training runs without Ray: what startTrainingRun accepts and rejects, and how reports change a run."""

from __future__ import annotations

import json
import math
import uuid
from pathlib import Path
from typing import Any

import pytest

from backend.domain.base import SYSTEM_ACTOR, Cause, Conflict, Forbidden, InvalidInput, NotFound
from backend.runtime import Runtime
from tests.conftest import FrozenClock
from tests.integration.test_datasets import STRATIFIED_70_15_15, Datasets

pytestmark = pytest.mark.integration

TABULAR = {"model": {"template": "tabular_mlp", "hiddenUnits": [8]}, "epochs": 3, "maxRetries": 1}


class Training(Datasets):
    """A team with a profiled, split breast cancer version, a model to train and a configuration."""

    def __init__(self, runtime: Runtime, clock: FrozenClock, dataset_files: Path) -> None:
        super().__init__(runtime, clock)
        self.dataset_id = self.create("cancer")
        self.plain = self.add_version(self.dataset_id, dataset_files / "breast_cancer.csv", label="target")
        self.profile(self.plain)
        self.split = self.derive(self.plain["version_id"], [STRATIFIED_70_15_15])
        self.profile(self.split)
        self.model_id, outcome = runtime.registry.register_model(
            self.editor, self.cause(self.editor), team_id=self.team_id, name="cancer-mlp"
        )
        self.profile_id = self.config("mlp", TABULAR)

    def config(self, name: str, document: dict[str, Any]) -> uuid.UUID:
        profile_id, outcome = self.runtime.configs.create_profile(
            self.editor, self.cause(self.editor), team_id=self.team_id, name=name, description="", document=document
        )
        return profile_id

    def start(self, **options: Any) -> uuid.UUID:
        values = {
            "model_id": self.model_id, "dataset_version_id": uuid.UUID(self.split["version_id"]),
            "config_profile_id": self.profile_id, **options,
        }
        run_id, outcome = self.runtime.training.start_run(self.editor, self.cause(self.editor), **values)
        assert self.runtime.projections.wait_for(outcome.position)
        return run_id

    def system(self) -> Cause:
        return Cause.new(SYSTEM_ACTOR, None, at=self.clock())

    def run(self, run_id: uuid.UUID) -> dict[str, Any]:
        self.runtime.projections.catch_up()
        row = self.runtime.readers.training.run(str(run_id))
        assert row is not None
        return row


@pytest.fixture
def training(runtime: Runtime, clock: FrozenClock, dataset_files: Path) -> Training:
    return Training(runtime, clock, dataset_files)


def epoch_record(epoch: int, loss: float, *, histograms: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "epoch": epoch, "step": epoch * 13, "metrics": {"loss": loss, "val_loss": loss + 0.1, "accuracy": 0.9},
        "learningRate": 0.001, "durationSeconds": 0.5, "etaSeconds": 1.0, "histograms": histograms or [],
    }


def test_start_queues_run_with_plan(training: Training) -> None:
    run = training.run(training.start())

    plan = json.loads(run["plan"])
    assert run["status"] == "queued"
    assert run["template"] == "tabular_mlp"
    assert run["config_revision"] == 1
    assert run["epochs_planned"] == 3
    assert plan["label"] == "target"
    assert len(plan["features"]) == 30
    assert "split" not in plan["features"]
    assert plan["classes"] == 2
    assert plan["datasetSha256"] == training.split["sha256"]


def test_start_rejects_version_without_split(training: Training) -> None:
    with pytest.raises(InvalidInput) as raised:
        training.start(dataset_version_id=uuid.UUID(training.plain["version_id"]))
    assert "no 'split' column" in raised.value.message


def test_start_rejects_missing_label(training: Training) -> None:
    with pytest.raises(InvalidInput) as raised:
        training.start(label="diagnosis")
    assert raised.value.field == "label"
    assert "'diagnosis' is not a column" in raised.value.message


def test_start_rejects_cnn_on_tabular_rows(training: Training) -> None:
    profile_id = training.config("cnn", {"model": {"template": "image_cnn"}})

    with pytest.raises(InvalidInput) as raised:
        training.start(config_profile_id=profile_id)
    assert raised.value.field == "config.model.template"
    assert "30 feature columns, which is not a square" in raised.value.message


def test_start_rejects_text_template_without_text(training: Training) -> None:
    profile_id = training.config("text", {"model": {"template": "text_classifier"}})

    with pytest.raises(InvalidInput) as raised:
        training.start(config_profile_id=profile_id)
    assert raised.value.field == "config.model.textColumn"
    assert "0 string columns" in raised.value.message


def test_start_rejects_unknown_revision(training: Training) -> None:
    with pytest.raises(InvalidInput) as raised:
        training.start(config_revision=4)
    assert raised.value.field == "configRevision"


def test_fine_tune_needs_base_version(training: Training) -> None:
    profile_id = training.config("tune", {"model": {"template": "fine_tune"}})

    with pytest.raises(InvalidInput) as raised:
        training.start(config_profile_id=profile_id)
    assert raised.value.field == "baseModelVersionId"


def test_base_version_only_for_fine_tune(training: Training) -> None:
    with pytest.raises(InvalidInput) as raised:
        training.start(base_version_id=uuid.uuid4())
    assert raised.value.field == "baseModelVersionId"
    assert "applies to the fine_tune template" in raised.value.message


def test_viewer_cannot_start(training: Training) -> None:
    with pytest.raises(Forbidden):
        training.runtime.training.start_run(
            training.viewer, training.cause(training.viewer), model_id=training.model_id,
            dataset_version_id=uuid.UUID(training.split["version_id"]), config_profile_id=training.profile_id,
        )


def test_other_team_dataset_looks_missing(training: Training, runtime: Runtime, clock: FrozenClock, dataset_files: Path) -> None:
    other = Datasets(runtime, clock, training.admin)
    dataset_id = other.create("elsewhere")
    version = other.add_version(dataset_id, dataset_files / "iris.csv", label="target")

    with pytest.raises(NotFound) as raised:
        training.start(dataset_version_id=uuid.UUID(version["version_id"]))
    assert raised.value.field == "datasetVersionId"


def test_cancel_queued_run(training: Training) -> None:
    run_id = training.start()

    training.runtime.training.cancel_run(training.editor, training.cause(training.editor), run_id=run_id)

    run = training.run(run_id)
    assert run["status"] == "cancelled"
    assert run["cancel_requested"] == 1
    with pytest.raises(Conflict):
        training.runtime.training.cancel_run(training.editor, training.cause(training.editor), run_id=run_id)


def test_epochs_points_and_histograms(training: Training) -> None:
    service = training.runtime.training
    run_id = training.start()
    attempt = service.start_attempt(training.system(), run_id=run_id, workers=1)
    histogram = {
        "layer": "dense", "tensor": "dense/kernel", "kind": "gradients", "low": -1.0, "high": 1.0, "counts": [1, 2, 3],
        "nanCount": 2, "infCount": 1, "min": -1.0, "max": 1.0, "mean": 0.1, "std": 0.5,
    }

    service.record_epoch(training.system(), run_id=run_id, attempt=attempt, record=epoch_record(1, 0.7, histograms=[histogram]))
    service.record_epoch(training.system(), run_id=run_id, attempt=attempt, record=epoch_record(2, math.nan))
    service.record_points(training.system(), run_id=run_id, attempt=attempt,
                          points=[{"name": "step/loss", "step": 5, "value": math.inf, "wallTime": 1_760_000_000_000}])

    run = training.run(run_id)
    reader = training.runtime.readers.training
    assert run["status"] == "running"
    assert run["epochs_done"] == 2
    assert [dict(point)["special"] for point in reader.points(str(run_id), "loss")] == [None, "NaN"]
    assert [dict(point)["value"] for point in reader.points(str(run_id), "loss")] == [0.7, None]
    assert reader.points(str(run_id), "step/loss")[0]["special"] == "Infinity"
    assert "learning_rate" in reader.metric_names(str(run_id))
    stored = reader.histograms(str(run_id), "dense", "gradients", 1)
    assert [json.loads(row["counts"]) for row in stored] == [[1, 2, 3]]
    assert stored[0]["nan_count"] == 2


def test_stale_attempt_is_rejected(training: Training) -> None:
    service = training.runtime.training
    run_id = training.start()
    first = service.start_attempt(training.system(), run_id=run_id, workers=1)
    assert service.restart(training.system(), run_id=run_id, reason="A worker process of attempt 1 died.")
    second = service.start_attempt(training.system(), run_id=run_id, workers=1)

    with pytest.raises(Conflict) as raised:
        service.record_epoch(training.system(), run_id=run_id, attempt=first, record=epoch_record(1, 0.5))
    assert raised.value.field == "attempt"
    assert second == 2
    assert training.run(run_id)["restarts"] == 1


def test_restart_resumes_after_checkpoint(training: Training) -> None:
    service = training.runtime.training
    run_id = training.start()
    attempt = service.start_attempt(training.system(), run_id=run_id, workers=1)
    checkpoint = training.runtime.artifacts.write([b"checkpoint bytes"])
    for epoch in (1, 2, 3):
        service.record_epoch(training.system(), run_id=run_id, attempt=attempt, record=epoch_record(epoch, 1.0 / epoch))
        if epoch == 2:
            service.record_checkpoint(training.system(), run_id=run_id, attempt=attempt, epoch=2, sha256=checkpoint.sha256,
                                      size=checkpoint.size)

    assert service.restart(training.system(), run_id=run_id, reason="A worker process of attempt 1 died.")

    run = training.run(run_id)
    assert run["status"] == "queued"
    assert run["epochs_done"] == 2
    assert run["checkpoint_epoch"] == 2
    assert run["restart_reason"] == "A worker process of attempt 1 died."
    assert [row["epoch"] for row in training.runtime.readers.training.epochs(str(run_id))] == [1, 2]
    assert training.runtime.training.get(run_id).resume_epoch == 2


def test_retries_run_out(training: Training) -> None:
    service = training.runtime.training
    run_id = training.start()
    for attempt in (1, 2):
        assert service.start_attempt(training.system(), run_id=run_id, workers=1) == attempt
        again = service.restart(training.system(), run_id=run_id, reason=f"Worker of attempt {attempt} died.")

    run = training.run(run_id)
    assert again is False
    assert run["status"] == "failed"
    assert run["failure_reason"] == "Worker of attempt 2 died. No retries are left (1 allowed by maxRetries)."


def test_success_registers_version_with_lineage(training: Training, model_files: Path) -> None:
    service = training.runtime.training
    run_id = training.start()
    attempt = service.start_attempt(training.system(), run_id=run_id, workers=1)
    blob = training.runtime.artifacts.write([(model_files / "cancer_a.keras").read_bytes()])
    result = {"epochs": 3, "stoppedEarly": False, "bestEpoch": None, "metrics": {"val_accuracy": 0.95}, "classes": ["0", "1"]}

    outcome = service.succeed(training.system(), run_id=run_id, attempt=attempt, result=result, sha256=blob.sha256, size=blob.size)
    assert training.runtime.projections.wait_for(outcome.position)

    run = training.run(run_id)
    version = training.runtime.readers.registry.version(run["version_id"])
    assert run["status"] == "succeeded"
    assert run["version_number"] == 1
    assert json.loads(run["classes"]) == ["0", "1"]
    assert version["source"] == "training"
    assert version["status"] == "pending"
    assert json.loads(version["lineage"]) == {
        "configProfile": str(training.profile_id), "configRevision": "1", "datasetVersion": training.split["version_id"],
        "trainingRun": str(run_id),
    }


def test_success_after_model_archived(training: Training, model_files: Path) -> None:
    service = training.runtime.training
    run_id = training.start()
    attempt = service.start_attempt(training.system(), run_id=run_id, workers=1)
    training.runtime.registry.archive_model(training.editor, training.cause(training.editor), model_id=training.model_id)
    blob = training.runtime.artifacts.write([(model_files / "cancer_a.keras").read_bytes()])
    result = {"epochs": 3, "stoppedEarly": False, "metrics": {}, "classes": None}

    service.succeed(training.system(), run_id=run_id, attempt=attempt, result=result, sha256=blob.sha256, size=blob.size)

    run = training.run(run_id)
    assert run["status"] == "succeeded"
    assert run["version_id"] is None
    assert "is archived" in run["registration_error"]
    assert training.runtime.artifacts.references(blob.sha256) == frozenset({f"training-model:{run_id}"})


def test_start_rejects_archived_dataset(training: Training) -> None:
    training.runtime.datasets.archive_dataset(training.editor, training.cause(training.editor), dataset_id=training.dataset_id)

    with pytest.raises(Conflict) as raised:
        training.start()
    assert "is archived" in raised.value.message


def test_start_rejects_empty_label(training: Training) -> None:
    with pytest.raises(InvalidInput) as raised:
        training.start(label="")
    assert raised.value.field == "label"


def test_finished_run_releases_checkpoint(training: Training) -> None:
    service = training.runtime.training
    run_id = training.start()
    attempt = service.start_attempt(training.system(), run_id=run_id, workers=1)
    checkpoint = training.runtime.artifacts.write([b"a checkpoint of this run"])
    service.record_checkpoint(training.system(), run_id=run_id, attempt=attempt, epoch=1, sha256=checkpoint.sha256,
                              size=checkpoint.size)
    assert f"training-checkpoint:{run_id}" in training.runtime.artifacts.references(checkpoint.sha256)

    service.fail(training.system(), run_id=run_id, reason="The training loss became nan at epoch 2, step 26.", attempt=attempt)

    assert not training.runtime.artifacts.exists(checkpoint.sha256)
    assert training.run(run_id)["failure_reason"] == "The training loss became nan at epoch 2, step 26."


def test_platform_run_rejects_client_logs(training: Training) -> None:
    run_id = training.start()
    point = {"name": "loss", "step": 0, "value": 0.1, "wallTime": int(training.clock().timestamp() * 1000)}

    with pytest.raises(Conflict) as raised:
        training.runtime.tracking.log_metrics(training.editor, training.cause(training.editor), run_id=run_id,
                                              batch_id="b", points=[point])
    assert "trained by the platform" in raised.value.message
