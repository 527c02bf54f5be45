"""Data and models shared by the evaluation tests. This module contains no tests.

scikit-learn's breast cancer (binary), digits (10 classes) and diabetes (regression) data
are written as Parquet with a `split` column into a real local artifact store. A small Keras
model is trained on each train split and stored as a `.keras` blob. They are built once per
test session, however many test modules ask for them.
"""

from __future__ import annotations

import functools
import io
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn import datasets as sklearn_datasets

from backend.storage import open_artifact_store
from workers.evaluation.job import EvaluationJob

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

CLINICS = np.array(["north", "south", "east"], dtype=object)


@dataclass(frozen=True)
class Case:
    """One dataset version, the model trained on it, and the evaluation job of its test split."""

    frame: pd.DataFrame
    job: EvaluationJob
    model: Any

    @property
    def test_rows(self) -> pd.DataFrame:
        return self.frame[self.frame["split"] == "test"].reset_index(drop=True)

    def predict(self, rows: pd.DataFrame) -> np.ndarray:
        """Return the model's outputs for `rows`, called eagerly, as float64."""
        x = rows[self.job.features].to_numpy(dtype="float32")
        return np.asarray(self.model(x, training=False), dtype="float64")


def with_splits(frame: pd.DataFrame, seed: int = 0) -> pd.DataFrame:
    """Mark about 60% of rows train, 20% validation and 20% test, the same way every time."""
    marked = frame.copy()
    marked["split"] = np.random.default_rng(seed).choice(["train", "validation", "test"], size=len(frame), p=[0.6, 0.2, 0.2])
    return marked


def store_frame(artifacts: Path, frame: pd.DataFrame) -> str:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    buffer.seek(0)
    return open_artifact_store(str(artifacts)).write(buffer).sha256


def store_model(artifacts: Path, model: Any, folder: Path) -> str:
    path = folder / f"{model.name}.keras"
    model.save(path)
    with path.open("rb") as stream:
        return open_artifact_store(str(artifacts)).write(stream).sha256


def make_job(artifacts: Path, dataset_sha256: str, model_sha256: str, **fields: Any) -> EvaluationJob:
    settings: dict[str, Any] = {
        "evaluation_id": "evaluation-1",
        "artifacts": str(artifacts),
        "model_sha256": model_sha256,
        "model_format": "keras",
        "dataset_sha256": dataset_sha256,
        "split": "test",
        "label": "target",
        "slices": [],
    }
    settings.update(fields)
    return EvaluationJob(**settings)


def train_mlp(name: str, frame: pd.DataFrame, features: list[str], head: tuple[int, str], *, epochs: int, rate: float) -> Any:
    """Train a Normalization → Dense(16) → head model on the frame's train rows."""
    import keras

    keras.utils.set_random_seed(7)
    train = frame[frame["split"] == "train"]
    x = train[features].to_numpy(dtype="float32")
    y = train["target"].to_numpy(dtype="float32")
    normalization = keras.layers.Normalization(name="normalization")
    normalization.adapt(x)
    inputs = keras.Input(shape=(len(features),), name="features")
    hidden = keras.layers.Dense(16, activation="relu", name="hidden")(normalization(inputs))
    outputs = keras.layers.Dense(head[0], activation=head[1], name="output")(hidden)
    model = keras.Model(inputs, outputs, name=name)
    loss = {"sigmoid": "binary_crossentropy", "softmax": "sparse_categorical_crossentropy", "linear": "mse"}[head[1]]
    model.compile(optimizer=keras.optimizers.Adam(rate), loss=loss)
    model.fit(x, y, epochs=epochs, batch_size=32, verbose=0)
    return model


@functools.cache
def build_cases(root: Path) -> dict[str, Case]:
    """Write the three datasets, train their models and return a case for each, cached so that every module shares them."""
    import tensorflow as tf

    try:
        tf.config.threading.set_intra_op_parallelism_threads(1)
        tf.config.threading.set_inter_op_parallelism_threads(1)
    except RuntimeError:
        pass  # Another test module already ran TensorFlow in this session, and its thread settings stay.
    artifacts, models = root / "artifacts", root / "models"
    models.mkdir(parents=True, exist_ok=True)

    cancer = with_splits(sklearn_datasets.load_breast_cancer(as_frame=True).frame)
    # A text column with missing values, to slice by, that the model does not read.
    clinic = np.random.default_rng(1).choice(CLINICS, size=len(cancer))
    clinic[np.random.default_rng(2).random(len(cancer)) < 0.1] = None
    cancer["clinic"] = clinic
    digits = with_splits(sklearn_datasets.load_digits(as_frame=True).frame)
    diabetes = with_splits(sklearn_datasets.load_diabetes(as_frame=True).frame)

    cases = {}
    for name, frame, head, epochs, rate, classes in (
        ("cancer", cancer, (1, "sigmoid"), 5, 0.01, ["0", "1"]),
        ("digits", digits, (10, "softmax"), 5, 0.01, [str(digit) for digit in range(10)]),
        ("diabetes", diabetes, (1, "linear"), 15, 0.1, None),
    ):
        features = [column for column in frame.columns if column not in ("target", "split", "clinic")]
        model = train_mlp(name, frame, features, head, epochs=epochs, rate=rate)
        job = make_job(
            artifacts,
            store_frame(artifacts, frame),
            store_model(artifacts, model, models),
            features=features,
            task="regression" if classes is None else "classification",
            classes=classes,
        )
        cases[name] = Case(frame=frame, job=job, model=model)
    return cases


@pytest.fixture(scope="session")
def evaluation_cases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Case]:
    return build_cases(tmp_path_factory.getbasetemp() / "evaluation-cases")


def changed(job: EvaluationJob, **fields: Any) -> EvaluationJob:
    return replace(job, **fields)
