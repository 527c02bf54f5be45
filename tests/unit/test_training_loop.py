"""Platform training runs on one worker, trained with TensorFlow on scikit-learn's real datasets."""

from __future__ import annotations

import io
import math
import re
import subprocess
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn import datasets as sklearn_datasets

from backend.domain.training_config import check_document
from backend.storage import open_artifact_store
from workers.inspection import inspect_artifact
from workers.training.job import TrainingFailed, TrainingJob
from workers.training.loop import run_training

pytestmark = [pytest.mark.unit, pytest.mark.timeout(120)]

BINS = 30


@dataclass
class ListReporter:
    """Keeps every report, in order, for asserts."""

    summary: dict[str, Any] | None = None
    points: list[dict[str, Any]] = field(default_factory=list)
    epochs: list[dict[str, Any]] = field(default_factory=list)
    checkpoints: list[tuple[int, str]] = field(default_factory=list)

    def started(self, summary: dict[str, Any]) -> None:
        self.summary = summary

    def steps(self, points: list[dict[str, Any]]) -> None:
        self.points.extend(points)

    def epoch(self, record: dict[str, Any]) -> None:
        self.epochs.append(record)

    def checkpoint(self, epoch: int, path: str) -> None:
        self.checkpoints.append((epoch, path))


@dataclass
class Run:
    job: TrainingJob
    reporter: ListReporter
    result: dict[str, Any]
    workdir: Path


def with_splits(frame: pd.DataFrame) -> pd.DataFrame:
    """Mark about 70% of rows train, 15% validation and 15% test, the same way every time."""
    marked = frame.copy()
    marked["split"] = np.random.default_rng(0).choice(["train", "validation", "test"], size=len(frame), p=[0.7, 0.15, 0.15])
    return marked


def store_blob(artifacts: Path, data: bytes) -> str:
    return open_artifact_store(str(artifacts)).write(io.BytesIO(data)).sha256


def make_job(artifacts: Path, frame: pd.DataFrame, document: dict[str, Any], **fields: Any) -> TrainingJob:
    """Store the frame as Parquet and return a job that trains on every column but target and split."""
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    text_column = fields.pop("text_column", None)
    features = [name for name in frame.columns if name not in ("target", "split", text_column)]
    settings = {
        "run_id": "run-1", "attempt": 1, "artifacts": str(artifacts), "label": "target",
        "features": [] if text_column else features, "text_column": text_column, "image_shape": None,
        "base_model_sha256": None, "resume_sha256": None, "resume_epoch": 0,
    }
    settings.update(fields)
    return TrainingJob(dataset_sha256=store_blob(artifacts, buffer.getvalue()), config=check_document(document), **settings)


def train(job: TrainingJob, workdir: Path) -> Run:
    workdir.mkdir(parents=True, exist_ok=True)
    reporter = ListReporter()
    result = run_training(job, reporter, str(workdir))
    return Run(job, reporter, result, workdir)


def load(path: str) -> Any:
    import keras

    return keras.saving.load_model(path, safe_mode=True)


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("artifacts")


@pytest.fixture(scope="module")
def breast_cancer(dataset_files: Path) -> pd.DataFrame:
    return with_splits(pd.read_parquet(dataset_files / "breast_cancer.parquet"))


@pytest.fixture(scope="module")
def cancer_run(artifacts: Path, breast_cancer: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory) -> Run:
    """One tabular_mlp run on breast cancer that several tests read."""
    document = {
        "model": {"template": "tabular_mlp", "dropout": 0.1},
        "metrics": ["accuracy", "auc", "precision", "recall"],
        "epochs": 5,
        "logEverySteps": 5,
        "checkpointEveryEpochs": 2,
        "seed": 7,
    }
    return train(make_job(artifacts, breast_cancer, document), tmp_path_factory.mktemp("cancer"))


def test_tabular_mlp_learns_breast_cancer(cancer_run: Run) -> None:
    last = cancer_run.reporter.epochs[-1]

    assert [record["epoch"] for record in cancer_run.reporter.epochs] == [1, 2, 3, 4, 5]
    assert last["metrics"]["val_accuracy"] >= 0.9
    assert set(last["metrics"]) == {
        "loss", "accuracy", "auc", "precision", "recall", "val_loss", "val_accuracy", "val_auc", "val_precision", "val_recall",
    }
    assert cancer_run.result["epochs"] == 5
    assert cancer_run.result["stoppedEarly"] is False
    assert cancer_run.result["metrics"] == last["metrics"]
    assert cancer_run.result["bestEpoch"] is None


def test_started_summary_describes_data(cancer_run: Run, breast_cancer: pd.DataFrame) -> None:
    summary = cancer_run.reporter.summary
    train_rows = int((breast_cancer["split"] == "train").sum())

    assert summary is not None
    assert summary["trainRows"] == train_rows
    assert summary["validationRows"] == int((breast_cancer["split"] == "validation").sum())
    assert summary["droppedRows"] == 0
    assert summary["stepsPerEpoch"] == math.ceil(train_rows / 32)
    assert summary["classes"] == ["0", "1"]
    assert summary["features"] == [name for name in breast_cancer.columns if name not in ("target", "split")]
    assert summary["workers"] == 1
    # 30 inputs through Dense(64), Dense(32) and Dense(1), with biases.
    assert summary["parameters"] == 30 * 64 + 64 + 64 * 32 + 32 + 32 + 1


def test_epoch_records_count_steps_and_time(cancer_run: Run) -> None:
    steps_per_epoch = cancer_run.reporter.summary["stepsPerEpoch"]

    for record in cancer_run.reporter.epochs:
        assert record["step"] == record["epoch"] * steps_per_epoch
        assert record["learningRate"] == pytest.approx(0.001)
        assert record["durationSeconds"] > 0
        assert record["etaSeconds"] >= 0
    assert cancer_run.reporter.epochs[-1]["etaSeconds"] == 0


def test_epoch_histograms_cover_weights_and_gradients(cancer_run: Run) -> None:
    model = load(cancer_run.result["modelPath"])
    sizes = {weight.path: math.prod(weight.shape) for weight in model.trainable_weights}

    for record in cancer_run.reporter.epochs:
        histograms = record["histograms"]
        assert [entry["tensor"] for entry in histograms if entry["kind"] == "weights"] == list(sizes)
        assert [entry["tensor"] for entry in histograms if entry["kind"] == "gradients"] == list(sizes)
        for entry in histograms:
            assert len(entry["counts"]) == BINS
            assert sum(entry["counts"]) == sizes[entry["tensor"]] - entry["nanCount"] - entry["infCount"]
            assert entry["low"] <= entry["mean"] <= entry["high"]
    layers = {entry["layer"] for entry in cancer_run.reporter.epochs[0]["histograms"]}
    assert layers == {"dense_1", "dense_2", "output"}


def test_step_points_every_n_steps(cancer_run: Run) -> None:
    points = cancer_run.reporter.points
    last_step = cancer_run.reporter.epochs[-1]["step"]

    assert sorted({point["step"] for point in points}) == list(range(5, last_step + 1, 5))
    assert {point["name"] for point in points} == {"step/loss", "step/accuracy", "step/auc", "step/precision", "step/recall"}
    assert all(math.isfinite(point["value"]) and point["wallTime"] > 1_600_000_000_000 for point in points)


def test_checkpoints_every_n_epochs(cancer_run: Run) -> None:
    assert [epoch for epoch, _path in cancer_run.reporter.checkpoints] == [2, 4]
    for epoch, path in cancer_run.reporter.checkpoints:
        assert path == str(cancer_run.workdir / f"checkpoint-{epoch}.keras")
        assert Path(path).is_file()


def test_saved_model_predicts_raw_rows(cancer_run: Run, breast_cancer: pd.DataFrame) -> None:
    validation = breast_cancer[breast_cancer["split"] == "validation"]
    rows = validation[cancer_run.result["features"]].to_numpy("float32")

    model = load(cancer_run.result["modelPath"])
    predicted = (np.asarray(model(rows))[:, 0] >= 0.5).astype(int)

    assert float((predicted == validation["target"].to_numpy()).mean()) >= 0.9


def test_saved_model_records_normalization_count(cancer_run: Run, breast_cancer: pd.DataFrame) -> None:
    train_rows = int((breast_cancer["split"] == "train").sum())
    path = cancer_run.result["modelPath"]

    report = inspect_artifact(path, "keras", Path(path).name)
    weights = {weight["name"]: weight for weight in report["weights"]}

    # The weights view shows these statistics: the one value of `count` is the number of rows adapted on.
    assert weights["normalization/count"]["shape"] == []
    assert weights["normalization/count"]["min"] == train_rows
    assert weights["normalization/count"]["max"] == train_rows


def test_resume_continues_epoch_numbering(cancer_run: Run, artifacts: Path, tmp_path: Path) -> None:
    checkpoint = Path(cancer_run.workdir / "checkpoint-4.keras").read_bytes()
    config = {**cancer_run.job.config, "epochs": 6, "logEverySteps": None}
    job = replace(cancer_run.job, attempt=2, config=config, resume_sha256=store_blob(artifacts, checkpoint), resume_epoch=4)

    resumed = train(job, tmp_path)

    steps_per_epoch = cancer_run.reporter.summary["stepsPerEpoch"]
    assert [record["epoch"] for record in resumed.reporter.epochs] == [5, 6]
    assert [record["step"] for record in resumed.reporter.epochs] == [5 * steps_per_epoch, 6 * steps_per_epoch]
    assert [epoch for epoch, _path in resumed.reporter.checkpoints] == [6]
    assert resumed.result["epochs"] == 6
    assert resumed.reporter.epochs[-1]["metrics"]["val_accuracy"] >= 0.9


def test_fine_tune_trains_last_layers(cancer_run: Run, artifacts: Path, breast_cancer: pd.DataFrame, tmp_path: Path) -> None:
    base = store_blob(artifacts, Path(cancer_run.result["modelPath"]).read_bytes())
    document = {"model": {"template": "fine_tune", "trainableLayers": 1}, "epochs": 2, "optimizer": {"learningRate": 0.0005}}

    tuned = train(make_job(artifacts, breast_cancer, document, base_model_sha256=base), tmp_path)

    assert {entry["layer"] for entry in tuned.reporter.epochs[-1]["histograms"]} == {"output"}
    assert tuned.reporter.summary["parameters"] == 33
    assert tuned.reporter.epochs[-1]["metrics"]["val_accuracy"] >= 0.9
    reloaded = load(tuned.result["modelPath"])
    assert [layer.name for layer in reloaded.layers if layer.trainable_weights] == ["output"]


def test_fine_tune_rejects_other_feature_count(cancer_run: Run, artifacts: Path, tmp_path: Path) -> None:
    base = store_blob(artifacts, Path(cancer_run.result["modelPath"]).read_bytes())
    diabetes = with_splits(sklearn_datasets.load_diabetes(as_frame=True).frame)
    document = {"model": {"template": "fine_tune", "task": "regression"}, "epochs": 1}

    with pytest.raises(TrainingFailed, match=r"input has shape \[None, 30\], but the run has 10 features"):
        train(make_job(artifacts, diabetes, document, base_model_sha256=base), tmp_path)


def test_image_cnn_learns_digits(artifacts: Path, dataset_files: Path, tmp_path: Path) -> None:
    digits = with_splits(pd.read_parquet(dataset_files / "digits.parquet"))
    document = {"model": {"template": "image_cnn"}, "epochs": 6, "optimizer": {"learningRate": 0.003}}

    run = train(make_job(artifacts, digits, document, image_shape=[8, 8, 1]), tmp_path)

    assert run.reporter.summary["classes"] == [str(digit) for digit in range(10)]
    assert run.reporter.epochs[-1]["metrics"]["val_accuracy"] >= 0.85
    conv_layers = {entry["layer"] for entry in run.reporter.epochs[-1]["histograms"]}
    assert {"conv_1", "conv_2", "output"} <= conv_layers


def description_sentences() -> pd.DataFrame:
    """Sentences of four scikit-learn dataset descriptions, each labelled with the dataset it describes."""
    rows = []
    for name in ("breast_cancer", "digits", "wine", "iris"):
        description = getattr(sklearn_datasets, f"load_{name}")().DESCR
        for sentence in re.split(r"(?<=[.!?])\s+|\n\s*\n", description):
            words = sentence.split()
            if len(words) >= 4:
                rows.append({"sentence": " ".join(words), "target": name})
    return pd.DataFrame(rows)


def test_text_classifier_reloads_in_safe_mode(artifacts: Path, tmp_path: Path) -> None:
    sentences = with_splits(description_sentences())
    document = {
        "model": {"template": "text_classifier", "textColumn": "sentence", "vocabularySize": 1000,
                  "sequenceLength": 32, "embeddingDim": 16, "hiddenUnits": [16]},
        "epochs": 20, "batchSize": 16, "optimizer": {"learningRate": 0.01},
    }

    run = train(make_job(artifacts, sentences, document, text_column="sentence"), tmp_path)

    assert run.reporter.summary["classes"] == ["breast_cancer", "digits", "iris", "wine"]
    assert run.reporter.epochs[-1]["metrics"]["accuracy"] >= 0.8
    train_rows = sentences[sentences["split"] == "train"]
    model = load(run.result["modelPath"])
    probabilities = np.asarray(model(np.array(train_rows["sentence"].tolist(), dtype=object).reshape(-1, 1)))
    predicted = np.array(run.result["classes"])[probabilities.argmax(axis=1)]
    assert probabilities.shape == (len(train_rows), 4)
    assert float((predicted == train_rows["target"].to_numpy()).mean()) >= 0.8


def test_regression_loss_decreases(artifacts: Path, tmp_path: Path) -> None:
    diabetes = with_splits(sklearn_datasets.load_diabetes(as_frame=True, scaled=False).frame)
    document = {
        "model": {"template": "tabular_mlp", "task": "regression"},
        "metrics": ["accuracy", "mae", "rmse"], "epochs": 5, "optimizer": {"learningRate": 0.01},
    }

    run = train(make_job(artifacts, diabetes, document), tmp_path)

    losses = [record["metrics"]["loss"] for record in run.reporter.epochs]
    assert losses[-1] < losses[0] / 2
    assert run.reporter.summary["classes"] is None
    # accuracy does not apply to regression, so only the regression metrics are logged.
    assert set(run.reporter.epochs[-1]["metrics"]) == {"loss", "mae", "rmse", "val_loss", "val_mae", "val_rmse"}
    assert run.reporter.epochs[-1]["metrics"]["rmse"] == pytest.approx(math.sqrt(losses[-1]), rel=1e-3)


def test_learning_rate_schedule_is_reported(artifacts: Path, breast_cancer: pd.DataFrame, tmp_path: Path) -> None:
    schedule = {"kind": "exponential_decay", "decaySteps": 4, "decayRate": 0.5}
    document = {"model": {"template": "tabular_mlp"}, "epochs": 2, "optimizer": {"name": "sgd", "learningRate": 0.1,
                                                                                "momentum": 0.9, "schedule": schedule}}

    run = train(make_job(artifacts, breast_cancer, document), tmp_path)

    for record in run.reporter.epochs:
        assert record["learningRate"] == pytest.approx(0.1 * 0.5 ** (record["step"] / 4), rel=1e-4)


def test_huge_learning_rate_stops_on_nan(artifacts: Path, breast_cancer: pd.DataFrame, tmp_path: Path) -> None:
    document = {"model": {"template": "tabular_mlp"}, "epochs": 3, "optimizer": {"name": "sgd", "learningRate": 10}}

    with pytest.raises(TrainingFailed) as error:
        train(make_job(artifacts, breast_cancer, document), tmp_path)

    assert re.fullmatch(
        r"The training loss became nan at epoch 1, step \d+, and stopOnNan is on\. "
        r"Lower optimizer\.learningRate, or check the data for missing or extreme values\.",
        str(error.value),
    )


def test_nan_loss_goes_on_without_stop_on_nan(artifacts: Path, breast_cancer: pd.DataFrame, tmp_path: Path) -> None:
    document = {"model": {"template": "tabular_mlp"}, "epochs": 2, "stopOnNan": False,
                "optimizer": {"name": "sgd", "learningRate": 10}}

    run = train(make_job(artifacts, breast_cancer, document), tmp_path)

    assert run.result["epochs"] == 2
    assert math.isnan(run.reporter.epochs[-1]["metrics"]["loss"])
    assert any(entry["nanCount"] > 0 for entry in run.reporter.epochs[-1]["histograms"])


def test_early_stopping_keeps_best_epoch(artifacts: Path, breast_cancer: pd.DataFrame, tmp_path: Path) -> None:
    # With minDelta 100, no epoch after the first improves val_loss enough, so patience 1 stops at epoch 2.
    document = {"model": {"template": "tabular_mlp"}, "epochs": 10,
                "earlyStopping": {"monitor": "val_loss", "patience": 1, "minDelta": 100}}

    run = train(make_job(artifacts, breast_cancer, document), tmp_path)

    assert run.result["stoppedEarly"] is True
    assert run.result["epochs"] == 2
    assert run.result["bestEpoch"] == 1


def test_unknown_monitor_lists_logged_metrics(artifacts: Path, breast_cancer: pd.DataFrame, tmp_path: Path) -> None:
    document = {"model": {"template": "tabular_mlp"}, "earlyStopping": {"monitor": "val_f1"}}

    with pytest.raises(TrainingFailed) as error:
        train(make_job(artifacts, breast_cancer, document), tmp_path)

    assert "'val_f1'" in str(error.value)
    assert "loss, accuracy, val_loss, val_accuracy" in str(error.value)


def test_unknown_class_weight_is_rejected(artifacts: Path, breast_cancer: pd.DataFrame, tmp_path: Path) -> None:
    document = {"model": {"template": "tabular_mlp"}, "classWeights": {"1": 2.0, "benign": 1.5}}

    expected = r"classWeights names 'benign', which is not a class of the label column 'target'\. Its classes are '0', '1'\."
    with pytest.raises(TrainingFailed, match=expected):
        train(make_job(artifacts, breast_cancer, document), tmp_path)


def test_auc_is_rejected_for_more_than_two_classes(artifacts: Path, dataset_files: Path, tmp_path: Path) -> None:
    wine = with_splits(pd.read_parquet(dataset_files / "wine.parquet"))
    document = {"model": {"template": "tabular_mlp"}, "metrics": ["accuracy", "auc"]}

    with pytest.raises(TrainingFailed, match="Metric auc is computed for 2 classes, but the label has 3"):
        train(make_job(artifacts, wine, document), tmp_path)


def test_categorical_crossentropy_takes_class_indices(artifacts: Path, dataset_files: Path, tmp_path: Path) -> None:
    wine = with_splits(pd.read_parquet(dataset_files / "wine.parquet"))
    document = {"model": {"template": "tabular_mlp"}, "loss": "categorical_crossentropy", "epochs": 8,
                "classWeights": {"0": 1.0, "1": 0.5, "2": 2.0}, "optimizer": {"learningRate": 0.01}}

    run = train(make_job(artifacts, wine, document), tmp_path)

    assert run.reporter.epochs[-1]["metrics"]["val_accuracy"] >= 0.8
    assert load(run.result["modelPath"]).layers[-1].units == 3


def test_loop_module_does_not_import_tensorflow() -> None:
    """A Ray actor imports the loop before it trains, so TensorFlow's start-up cost comes only with training."""
    probe = (
        "import sys\n"
        "import workers.training.job, workers.training.loop\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] in ('tensorflow', 'keras')))\n"
    )

    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)

    assert result.stdout.strip() == "[]"
