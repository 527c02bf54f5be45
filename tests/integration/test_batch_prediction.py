"""Batch predictions without Ray: what startBatchPrediction accepts and rejects, and scoring in this process."""

from __future__ import annotations

import dataclasses
import json
import uuid
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from backend.domain.base import Forbidden, InvalidInput, NotFound
from backend.runtime import Runtime
from tests.conftest import FrozenClock
from tests.integration.test_datasets import STRATIFIED_70_15_15, Datasets
from tests.integration.test_evaluation import Evaluations
from tests.integration.test_training import Training
from workers.batch_prediction.scoring import score_blob
from workers.batch_prediction_jobs import batch_prediction_job, record_batch_prediction
from workers.inspection import inspect_artifact

pytestmark = pytest.mark.integration

OUTPUTS = ["prediction", "probability_0", "probability_1"]


class BatchPredictions(Evaluations):
    """The evaluation helper's team, split breast cancer data and ready uploaded model, with batch prediction helpers."""

    def request(self, **options: Any) -> uuid.UUID:
        values = {"model_version_id": self.version_id, "dataset_version_id": uuid.UUID(self.split["version_id"]), "split": "test",
                  **options}
        batch_id, outcome = self.runtime.batch_predictions.start(self.editor, self.cause(self.editor), **values)
        assert self.runtime.projections.wait_for(outcome.position)
        return batch_id

    def batch(self, batch_id: uuid.UUID) -> dict[str, Any]:
        self.runtime.projections.catch_up()
        row = self.runtime.readers.batch_predictions.batch_prediction(str(batch_id))
        assert row is not None
        return row

    def score(self, batch_id: uuid.UUID, **options: Any) -> str:
        """Run the scoring job in this process, as the reconciler runs it on Ray, and record what it yields."""
        job = batch_prediction_job(self.runtime, self.batch(batch_id), **options)
        return record_batch_prediction(self.runtime, batch_id, score_blob(job), self.system)

    def trained_version(self) -> uuid.UUID:
        """Return a ready version registered by a platform training run, whose plan lists the 30 feature columns."""
        service = self.runtime.training
        run_id = Training.start(self)
        attempt = service.start_attempt(self.system(), run_id=run_id, workers=1)
        blob = self.runtime.artifacts.write([(self.model_files / "cancer_a.keras").read_bytes()])
        result = {"epochs": 3, "stoppedEarly": False, "bestEpoch": None, "metrics": {}, "classes": ["0", "1"]}
        outcome = service.succeed(self.system(), run_id=run_id, attempt=attempt, result=result, sha256=blob.sha256, size=blob.size)
        assert self.runtime.projections.wait_for(outcome.position)
        version_id = uuid.UUID(self.run(run_id)["version_id"])
        report = inspect_artifact(str(self.model_files / "cancer_a.keras"), "keras", "cancer_a.keras")
        self.runtime.registry.record_inspection(self.system(), version_id=version_id, report=report)
        return version_id

    def audit(self, subject_id: uuid.UUID) -> list[tuple[str, str]]:
        rows = self.runtime.database.fetchall(
            "SELECT action, summary FROM audit_log WHERE subject_id = ? ORDER BY position", (str(subject_id),)
        )
        return [(row["action"], row["summary"]) for row in rows]


@pytest.fixture
def batches(runtime: Runtime, clock: FrozenClock, dataset_files: Path, model_files: Path) -> BatchPredictions:
    return BatchPredictions(runtime, clock, dataset_files, model_files)


def keras_outputs(model_files: Path, rows: np.ndarray) -> np.ndarray:
    import keras

    model = keras.saving.load_model(model_files / "cancer_a.keras", safe_mode=True, compile=False)
    return np.asarray(model(rows.astype("float32"))).astype("float64")


def stored_files(runtime: Runtime) -> set[str]:
    return {path.name for path in Path(runtime.settings.artifacts, "blobs").rglob("*") if path.is_file()}


def test_request_records_features_and_outputs(batches: BatchPredictions) -> None:
    row = batches.batch(batches.request())

    assert row["status"] == "pending"
    assert row["task"] == "classification"
    assert row["split"] == "test"
    assert json.loads(row["classes"]) == ["0", "1"]
    assert json.loads(row["features"]) == [column["name"] for column in json.loads(batches.split["columns"])][:30]
    assert json.loads(row["output_columns"]) == OUTPUTS
    assert row["rows_total"] == json.loads(batches.split["splits"])["test"]
    assert row["model_version_number"] == 1


def test_scored_rows_become_a_derived_version(batches: BatchPredictions, model_files: Path) -> None:
    batch_id = batches.request(split=None)

    assert batches.score(batch_id, chunk_rows=100) == "completed"

    row = batches.batch(batch_id)
    result = batches.version(row["result_dataset_version_id"])
    frame = batches.frame(result)
    scored = batches.frame(batches.split)
    features = json.loads(row["features"])
    expected = keras_outputs(model_files, scored[features].to_numpy(dtype="float32"))[:, 0]
    assert (row["status"], row["rows_done"], row["rows_total"], row["rows_predicted"]) == ("completed", 569, 569, 569)
    assert row["result_dataset_version_number"] == 3
    assert list(frame.columns) == [*scored.columns, *OUTPUTS]
    assert frame[list(scored.columns)].equals(scored)
    assert np.allclose(frame["probability_1"], expected, atol=1e-6)
    assert np.allclose(frame["probability_0"], 1 - expected, atol=1e-6)
    assert list(frame["prediction"]) == ["1" if p >= 0.5 else "0" for p in frame["probability_1"]]
    assert (result["source"], result["parent_id"], result["label"], result["status"]) == (
        "derived", batches.split["version_id"], "target", "profiling")
    assert json.loads(result["splits"]) == json.loads(batches.split["splits"])
    [operation] = json.loads(result["operations"])
    assert operation["op"] == "predict"
    assert operation["modelVersionId"] == str(batches.version_id)
    assert operation["batchPredictionId"] == str(batch_id)
    assert operation["columns"] == OUTPUTS
    assert "fitted" not in operation


def test_progress_is_recorded_after_every_chunk(batches: BatchPredictions) -> None:
    batch_id = batches.request(split=None)

    batches.score(batch_id, chunk_rows=100)

    entries = batches.audit(batch_id)
    progress = [summary for action, summary in entries if action == "BatchPrediction.Progressed"]
    assert [action for action, _ in entries] == [
        "BatchPrediction.Requested", *["BatchPrediction.Progressed"] * 7, "BatchPrediction.Completed"
    ]
    assert progress[0].endswith("0 of 569 rows scored")
    assert progress[-1].endswith("569 of 569 rows scored")
    assert entries[-1][1] == (
        "Completed batch prediction of version 1 of model 'cancer-mlp': 569 rows scored into version 3 of dataset 'cancer'"
    )


def test_split_scores_only_its_rows(batches: BatchPredictions) -> None:
    batch_id = batches.request(split="test")

    batches.score(batch_id)

    row = batches.batch(batch_id)
    result = batches.version(row["result_dataset_version_id"])
    frame = batches.frame(result)
    test_rows = json.loads(batches.split["splits"])["test"]
    assert row["rows_predicted"] == test_rows
    assert set(frame["split"]) == {"test"}
    assert json.loads(result["splits"]) == {"test": test_rows}


def test_result_version_is_profiled_and_in_lineage(batches: BatchPredictions) -> None:
    batch_id = batches.request()
    batches.score(batch_id)
    result = batches.version(batches.batch(batch_id)["result_dataset_version_id"])

    profile = batches.profile(result)

    children = batches.runtime.readers.datasets.children(batches.split["version_id"], 10)
    assert [child["version_id"] for child in children] == [result["version_id"]]
    assert [column["name"] for column in profile["columns"]][-3:] == OUTPUTS
    assert batches.version(result["version_id"])["status"] == "ready"
    derived = [summary for action, summary in batches.audit(uuid.UUID(result["version_id"])) if action == "DatasetVersion.Derived"]
    assert "predict prediction, probability_0, probability_1 for the test rows with version 1 of model 'cancer-mlp'" in derived[0]


def test_regression_model_adds_one_column(batches: BatchPredictions, model_files: Path) -> None:
    model_id, _ = batches.runtime.registry.register_model(
        batches.editor, batches.cause(batches.editor), team_id=batches.team_id, name="cancer-score", task="regression"
    )
    batches.version_id = batches.ready_version(model_id)
    batch_id = batches.request()

    batches.score(batch_id)

    row = batches.batch(batch_id)
    frame = batches.frame(batches.version(row["result_dataset_version_id"]))
    features = json.loads(row["features"])
    assert (row["task"], row["classes"]) == ("regression", None)
    assert json.loads(row["output_columns"]) == ["prediction"]
    assert list(frame.columns)[-2:] == ["split", "prediction"]
    assert np.allclose(frame["prediction"], keras_outputs(model_files, frame[features].to_numpy(dtype="float32"))[:, 0], atol=1e-6)


def test_missing_values_are_filled_with_train_means(batches: BatchPredictions, dataset_files: Path, model_files: Path) -> None:
    lines = (dataset_files / "breast_cancer.csv").read_text().splitlines()
    blanked = [lines[0], *("," + line.split(",", 1)[1] for line in lines[1:6]), *lines[6:]]
    plain = batches.add_version(batches.create("gaps"), content="\n".join(blanked).encode(), filename="gaps.csv", label="target")
    batches.profile(plain)
    split = batches.derive(plain["version_id"], [STRATIFIED_70_15_15])
    batches.profile(split)
    batch_id = batches.request(dataset_version_id=uuid.UUID(split["version_id"]), split=None)

    batches.score(batch_id)

    row = batches.batch(batch_id)
    result = batches.version(row["result_dataset_version_id"])
    scored = batches.frame(split)
    features = json.loads(row["features"])
    train_mean = float(scored.loc[scored["split"] == "train", "mean radius"].mean())
    filled = np.array(scored[features], dtype="float64")
    filled[np.isnan(filled[:, 0]), 0] = train_mean
    [operation] = json.loads(result["operations"])
    assert features[0] == "mean radius"
    assert int(scored["mean radius"].isna().sum()) == 5
    assert json.loads(row["notes"]) == ["Missing feature values were replaced by the column's mean over the train rows: 'mean radius' (5)."]
    assert operation["fitted"] == {"fillValues": {"mean radius": pytest.approx(train_mean, rel=1e-12)}, "fittedOn": "train"}
    assert np.allclose(batches.frame(result)["probability_1"], keras_outputs(model_files, filled)[:, 0], atol=1e-6)


def test_missing_features_of_a_trained_model_are_listed(batches: BatchPredictions) -> None:
    batches.version_id = batches.trained_version()
    narrow = batches.derive(batches.split["version_id"], [{"op": "dropColumns", "columns": ["mean radius", "mean texture"]}])
    batches.profile(narrow)

    with pytest.raises(InvalidInput) as raised:
        batches.request(dataset_version_id=uuid.UUID(narrow["version_id"]))

    assert raised.value.field == "datasetVersionId"
    assert raised.value.message == "The model was trained on columns the dataset version lacks: 'mean radius', 'mean texture'."


def test_width_mismatch_lists_columns(batches: BatchPredictions, dataset_files: Path) -> None:
    dataset_id = batches.create("iris")
    iris = batches.add_version(dataset_id, dataset_files / "iris.csv", label="target")
    batches.profile(iris)

    with pytest.raises(InvalidInput) as raised:
        batches.request(dataset_version_id=uuid.UUID(iris["version_id"]), split=None)

    assert raised.value.field == "datasetVersionId"
    assert "takes inputs of shape [None, 30], but the dataset version has 4 feature columns: 'sepal length (cm)'" in (
        raised.value.message)


@pytest.mark.parametrize("status", ["pending", "failed", "expired"])
def test_model_version_not_ready_rejected(batches: BatchPredictions, clock: FrozenClock, status: str) -> None:
    upload_id = batches.upload_bytes((batches.model_files / "cancer_b.keras").read_bytes(), "cancer_b.keras")
    added = batches.runtime.registry.upload_version(batches.editor, batches.cause(batches.editor), model_id=batches.model_id,
                                                    upload_id=upload_id)
    registry = batches.runtime.registry
    if status == "failed":
        registry.record_inspection_failure(batches.system(), version_id=added.version_id, reason="not a Keras file")
    if status == "expired":
        registry.set_retention_policy(batches.admin, batches.cause(batches.admin), model_id=batches.model_id, unused_days=1)
        clock.advance(days=2)
        registry.expire_unused(batches.system(), version_id=added.version_id)

    with pytest.raises(InvalidInput) as raised:
        batches.request(model_version_id=added.version_id)

    assert raised.value.field == "modelVersionId"
    assert raised.value.message == f"Model version 2 is {status}; batch prediction needs a ready version."


@pytest.mark.parametrize("status", ["profiling", "failed"])
def test_dataset_version_not_profiled_rejected(batches: BatchPredictions, status: str) -> None:
    fresh = batches.derive(batches.split["version_id"], [{"op": "dropDuplicates"}], allow_duplicate=True)
    if status == "failed":
        outcome = batches.runtime.datasets.record_profile_failure(batches.system(), version_id=uuid.UUID(fresh["version_id"]),
                                                                  reason="the worker crashed")
        assert batches.runtime.projections.wait_for(outcome.position)

    with pytest.raises(InvalidInput) as raised:
        batches.request(dataset_version_id=uuid.UUID(fresh["version_id"]))

    assert raised.value.field == "datasetVersionId"
    assert raised.value.message == f"Dataset version 3 is {status}; batch prediction needs a profiled version."


def test_other_teams_objects_are_not_found(batches: BatchPredictions, dataset_files: Path, clock: FrozenClock) -> None:
    other = Datasets(batches.runtime, clock, batches.admin)
    iris = other.add_version(other.create("iris"), dataset_files / "iris.csv", label="target")
    other.profile(iris)

    with pytest.raises(NotFound) as model_of_other_team:
        batches.runtime.batch_predictions.start(other.editor, other.cause(other.editor), model_version_id=batches.version_id,
                                                dataset_version_id=uuid.UUID(iris["version_id"]))
    with pytest.raises(NotFound) as data_of_other_team:
        batches.request(dataset_version_id=uuid.UUID(iris["version_id"]), split=None)

    assert model_of_other_team.value.field == "modelVersionId"
    assert model_of_other_team.value.message == f"Model version {batches.version_id} was not found."
    assert data_of_other_team.value.field == "datasetVersionId"
    assert batches.runtime.readers.batch_predictions.search(None, limit=10) == []


def test_split_without_rows_rejected(batches: BatchPredictions) -> None:
    with pytest.raises(InvalidInput) as raised:
        batches.request(dataset_version_id=uuid.UUID(batches.plain["version_id"]), split="test")

    assert raised.value.field == "split"
    assert raised.value.message == "The dataset version has no test rows; pick another split, or null for every row."


def test_unknown_split_rejected(batches: BatchPredictions) -> None:
    with pytest.raises(InvalidInput) as raised:
        batches.request(split="holdout")

    assert raised.value.field == "split"


def test_output_column_clash_rejected_unless_prefixed(batches: BatchPredictions) -> None:
    renamed = batches.derive(batches.split["version_id"], [{"op": "renameColumns", "mapping": {"mean radius": "prediction"}}])
    batches.profile(renamed)

    with pytest.raises(InvalidInput) as raised:
        batches.request(dataset_version_id=uuid.UUID(renamed["version_id"]))
    prefixed = batches.batch(batches.request(dataset_version_id=uuid.UUID(renamed["version_id"]), output_prefix="cancer_"))

    assert raised.value.field == "outputPrefix"
    assert raised.value.value is None
    assert "already has a column named 'prediction'" in raised.value.message
    assert json.loads(prefixed["output_columns"]) == ["cancer_prediction", "cancer_probability_0", "cancer_probability_1"]


@pytest.mark.parametrize("prefix", ["x" * 65, "bad\x00"])
def test_invalid_output_prefix_rejected(batches: BatchPredictions, prefix: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        batches.request(output_prefix=prefix)

    assert raised.value.field == "outputPrefix"


def test_viewer_may_not_start(batches: BatchPredictions) -> None:
    with pytest.raises(Forbidden):
        batches.runtime.batch_predictions.start(batches.viewer, batches.cause(batches.viewer), model_version_id=batches.version_id,
                                                dataset_version_id=uuid.UUID(batches.split["version_id"]))


def test_archived_dataset_fails_the_batch_prediction(batches: BatchPredictions) -> None:
    batch_id = batches.request()
    outcome = batches.runtime.datasets.archive_dataset(batches.editor, batches.cause(batches.editor), dataset_id=batches.dataset_id)
    assert batches.runtime.projections.wait_for(outcome.position)
    blobs_before = stored_files(batches.runtime)

    assert batches.score(batch_id) == "failed"

    row = batches.batch(batch_id)
    assert row["failure_reason"] == (
        "The scored rows could not be recorded as a dataset version: Dataset 'cancer' is archived; restore it before "
        "startBatchPrediction."
    )
    assert stored_files(batches.runtime) == blobs_before
    assert batches.count(batches.dataset_id) == 2


def test_missing_dataset_file_fails_with_reason(batches: BatchPredictions) -> None:
    batch_id = batches.request()
    job = dataclasses.replace(batch_prediction_job(batches.runtime, batches.batch(batch_id)), dataset_sha256="0" * 64)

    assert record_batch_prediction(batches.runtime, batch_id, score_blob(job), batches.system) == "failed"

    assert batches.batch(batch_id)["failure_reason"] == (
        f"The dataset file {'0' * 64} is missing from the artifact store. Upload the dataset version again."
    )


def test_finished_batch_prediction_records_nothing_more(batches: BatchPredictions) -> None:
    batch_id = batches.request()
    batches.score(batch_id)
    head = batches.runtime.store.head()

    progress = batches.runtime.batch_predictions.record_progress(batches.system(), batch_prediction_id=batch_id, rows_done=1,
                                                                 rows_total=2)
    failure = batches.runtime.batch_predictions.record_failure(batches.system(), batch_prediction_id=batch_id, reason="late")

    assert (progress.events, failure.events) == (0, 0)
    assert batches.runtime.store.head() == head
    assert batches.batch(batch_id)["status"] == "completed"


def test_rebuild_equals_live(batches: BatchPredictions) -> None:
    from tests.integration.test_projections import dump_read_models

    batches.score(batches.request())
    runtime = batches.runtime
    assert runtime.projections.wait_for(runtime.store.head())
    live = dump_read_models(runtime)

    runtime.projections.rebuild(["batch_predictions", "datasets", "audit"])

    assert dump_read_models(runtime) == live
