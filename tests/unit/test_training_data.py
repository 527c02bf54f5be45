"""Loading a dataset version for training: splits, missing values, classes and the reasons a run cannot start."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from backend.domain.training_config import check_document
from backend.storage import open_artifact_store
from workers.training.data import load_training_data
from workers.training.job import TrainingFailed, TrainingJob

pytestmark = [pytest.mark.unit, pytest.mark.timeout(60)]


def stored_job(tmp_path: Path, frame: pd.DataFrame, *, label: str = "target", features: list[str] | None = None,
               model: dict[str, Any] | None = None, text_column: str | None = None) -> TrainingJob:
    """Write the frame to an artifact store as Parquet and return a job that trains on it."""
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    buffer.seek(0)
    store = open_artifact_store(str(tmp_path / "artifacts"))
    blob = store.write(buffer)
    if features is None:
        features = [name for name in frame.columns if name not in (label, "split")]
    config = check_document({"model": model or {"template": "tabular_mlp"}})
    return TrainingJob(
        run_id="run", attempt=1, artifacts=str(tmp_path / "artifacts"), dataset_sha256=blob.sha256, label=label,
        features=features, text_column=text_column, image_shape=None, config=config,
        base_model_sha256=None, resume_sha256=None, resume_epoch=0,
    )


def test_split_rows_are_separated(tmp_path: Path) -> None:
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0, 5.0], "target": [0, 1, 0, 1, 1],
                          "split": ["train", "train", "validation", "test", "train"]})

    data = load_training_data(stored_job(tmp_path, frame))

    assert data.train_x[:, 0].tolist() == [1.0, 2.0, 5.0]
    assert data.validation_x[:, 0].tolist() == [3.0]
    assert data.train_x.dtype == np.float32
    assert data.train_y.tolist() == [0, 1, 1]
    assert data.validation_y.tolist() == [0]


def test_integer_classes_are_text_in_value_order(tmp_path: Path) -> None:
    labels = list(range(12))
    frame = pd.DataFrame({"x": np.arange(12.0), "target": labels, "split": ["train"] * 12})

    data = load_training_data(stored_job(tmp_path, frame))

    assert data.classes == [str(value) for value in labels]
    assert data.train_y.tolist() == labels


def test_text_labels_become_class_indices(tmp_path: Path) -> None:
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0], "target": ["setosa", "virginica", "setosa"],
                          "split": ["train", "train", "validation"]})

    data = load_training_data(stored_job(tmp_path, frame))

    assert data.classes == ["setosa", "virginica"]
    assert data.train_y.tolist() == [0, 1]
    assert data.validation_y.tolist() == [0]


def test_rows_without_label_are_dropped_and_counted(tmp_path: Path) -> None:
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0, 5.0], "target": [1.0, None, 0.0, np.nan, 1.0],
                          "split": ["train", "train", "train", "validation", "test"]})

    data = load_training_data(stored_job(tmp_path, frame, model={"template": "tabular_mlp", "task": "regression"}))

    assert data.dropped_rows == 2
    assert data.train_y.tolist() == [1.0, 0.0]
    assert len(data.validation_y) == 0


def test_missing_features_take_train_mean(tmp_path: Path) -> None:
    frame = pd.DataFrame({"x": [2.0, None, 4.0, None], "flag": [True, False, True, True], "target": [0, 1, 0, 1],
                          "split": ["train", "train", "train", "validation"]})

    data = load_training_data(stored_job(tmp_path, frame))

    assert data.train_x[:, 0].tolist() == [2.0, 3.0, 4.0]
    assert data.validation_x[:, 0].tolist() == [3.0]
    assert data.train_x[:, 1].tolist() == [1.0, 0.0, 1.0]


def test_text_column_is_read_as_strings(tmp_path: Path) -> None:
    frame = pd.DataFrame({"review": ["good film", None, "dull"], "target": ["pos", "neg", "neg"],
                          "split": ["train", "train", "validation"]})
    job = stored_job(tmp_path, frame, features=[], text_column="review",
                     model={"template": "text_classifier", "textColumn": "review"})

    data = load_training_data(job)

    assert data.train_x.shape == (2, 1)
    assert data.train_x[:, 0].tolist() == ["good film", ""]
    assert data.validation_x[:, 0].tolist() == ["dull"]


def test_missing_feature_column_names_available_ones(tmp_path: Path) -> None:
    frame = pd.DataFrame({"x": [1.0, 2.0], "target": [0, 1], "split": ["train", "train"]})

    with pytest.raises(TrainingFailed) as error:
        load_training_data(stored_job(tmp_path, frame, features=["x", "radius"]))

    assert "'radius'" in str(error.value)
    assert "'x'" in str(error.value)


def test_missing_split_column_suggests_split_operation(tmp_path: Path) -> None:
    frame = pd.DataFrame({"x": [1.0, 2.0], "target": [0, 1]})

    with pytest.raises(TrainingFailed, match="split operation"):
        load_training_data(stored_job(tmp_path, frame))


def test_text_feature_is_rejected(tmp_path: Path) -> None:
    frame = pd.DataFrame({"x": [1.0, 2.0], "colour": ["red", "blue"], "target": [0, 1], "split": ["train", "train"]})

    with pytest.raises(TrainingFailed, match="Feature column 'colour' has type string"):
        load_training_data(stored_job(tmp_path, frame))


def test_no_train_rows_is_rejected(tmp_path: Path) -> None:
    frame = pd.DataFrame({"x": [1.0, 2.0], "target": [0, 1], "split": ["validation", "test"]})

    with pytest.raises(TrainingFailed, match="no train rows"):
        load_training_data(stored_job(tmp_path, frame))


def test_regression_needs_numeric_label(tmp_path: Path) -> None:
    frame = pd.DataFrame({"x": [1.0, 2.0], "target": ["low", "high"], "split": ["train", "train"]})
    job = stored_job(tmp_path, frame, model={"template": "tabular_mlp", "task": "regression"})

    with pytest.raises(TrainingFailed, match="regression needs a numeric label"):
        load_training_data(job)


def test_single_class_is_rejected(tmp_path: Path) -> None:
    frame = pd.DataFrame({"x": [1.0, 2.0], "target": [1, 1], "split": ["train", "validation"]})

    with pytest.raises(TrainingFailed, match="at least 2 classes"):
        load_training_data(stored_job(tmp_path, frame))


def test_more_than_1000_classes_is_rejected(tmp_path: Path) -> None:
    frame = pd.DataFrame({"x": np.arange(1001.0), "target": np.arange(1001), "split": ["train"] * 1001})

    with pytest.raises(TrainingFailed, match="1001 distinct values"):
        load_training_data(stored_job(tmp_path, frame))
