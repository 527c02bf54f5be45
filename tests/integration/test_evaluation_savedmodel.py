"""Requesting evaluations of SavedModel versions: accepted with a single-input serving_default signature, else rejected."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from backend.domain.base import InvalidInput
from backend.runtime import Runtime
from tests.conftest import FrozenClock
from tests.integration.test_evaluation import Evaluations
from workers.inspection import inspect_artifact

pytestmark = pytest.mark.integration

FEATURES = 30


def saved_module(folder: Path, build: Callable[[Any], dict[str, Any]]) -> Path:
    """Save a tf.Module with the signatures `build(tf)` returns, zipped as a user would upload it."""
    import tensorflow as tf

    module = tf.Module()
    module.scale = tf.Variable(0.5)
    tf.saved_model.save(module, str(folder / "export"), signatures=build(tf))
    return Path(shutil.make_archive(str(folder), "zip", root_dir=folder / "export"))


def two_inputs(tf: Any) -> dict[str, Any]:
    spec = [tf.TensorSpec([None, FEATURES], tf.float32, name="left"), tf.TensorSpec([None, FEATURES], tf.float32, name="right")]
    serve = tf.function(lambda left, right: {"score": tf.sigmoid(tf.reduce_sum(left + right, axis=1, keepdims=True))},
                        input_signature=spec)
    return {"serving_default": serve}


def two_outputs(tf: Any) -> dict[str, Any]:
    spec = [tf.TensorSpec([None, FEATURES], tf.float32, name="features")]
    serve = tf.function(lambda features: {"score": tf.sigmoid(features[:, :1]), "rest": 1.0 - tf.sigmoid(features[:, :1])},
                        input_signature=spec)
    return {"serving_default": serve}


def no_serving_default(tf: Any) -> dict[str, Any]:
    spec = [tf.TensorSpec([None, FEATURES], tf.float32, name="features")]
    return {"score": tf.function(lambda features: {"score": tf.sigmoid(features[:, :1])}, input_signature=spec)}


@pytest.fixture(scope="module")
def odd_savedmodels(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("odd-savedmodels")
    return {build.__name__: saved_module(folder / build.__name__, build) for build in (two_inputs, two_outputs, no_serving_default)}


class SavedModels(Evaluations):
    def inspected_version(self, path: Path) -> uuid.UUID:
        upload_id = self.upload_bytes(path.read_bytes(), path.name)
        added = self.runtime.registry.upload_version(self.editor, self.cause(self.editor), model_id=self.model_id, upload_id=upload_id,
                                                     allow_duplicate=True)
        report = inspect_artifact(str(path), "savedmodel", path.name)
        self.runtime.registry.record_inspection(self.system(), version_id=added.version_id, report=report)
        return added.version_id

    def rejection(self, version_id: uuid.UUID) -> InvalidInput:
        self.version_id = version_id
        with pytest.raises(InvalidInput) as raised:
            self.evaluate()
        self.runtime.projections.catch_up()
        assert self.runtime.readers.evaluation.search(None, version_id=str(version_id), limit=10) == []
        return raised.value


@pytest.fixture
def saved_models(runtime: Runtime, clock: FrozenClock, dataset_files: Path, model_files: Path) -> SavedModels:
    return SavedModels(runtime, clock, dataset_files, model_files)


def test_exported_keras_model_is_accepted(saved_models: SavedModels, model_files: Path) -> None:
    saved_models.version_id = saved_models.inspected_version(model_files / "cancer_a_savedmodel.zip")

    row = saved_models.row(saved_models.evaluate())

    assert row["status"] == "pending"
    assert row["task"] == "classification"
    assert row["classes"] == '["0", "1"]'
    assert row["version_id"] == str(saved_models.version_id)


def test_two_inputs_rejected(saved_models: SavedModels, odd_savedmodels: dict[str, Path]) -> None:
    version_id = saved_models.inspected_version(odd_savedmodels["two_inputs"])

    error = saved_models.rejection(version_id)

    assert error.field == "versionId"
    assert error.value == str(version_id)
    assert "serving_default signature takes 2 inputs ('left', 'right'), but evaluation feeds the feature columns" in error.message


def test_two_outputs_rejected(saved_models: SavedModels, odd_savedmodels: dict[str, Path]) -> None:
    error = saved_models.rejection(saved_models.inspected_version(odd_savedmodels["two_outputs"]))

    assert error.field == "versionId"
    assert "signature returns 2 outputs ('rest', 'score'), but evaluation reads one output tensor" in error.message


def test_missing_serving_default_rejected(saved_models: SavedModels, odd_savedmodels: dict[str, Path]) -> None:
    error = saved_models.rejection(saved_models.inspected_version(odd_savedmodels["no_serving_default"]))

    assert error.field == "versionId"
    assert "is a SavedModel without a serving_default signature (it has 'score')" in error.message


def test_pending_version_rejected(saved_models: SavedModels, model_files: Path) -> None:
    path = model_files / "cancer_a_savedmodel.zip"
    upload_id = saved_models.upload_bytes(path.read_bytes(), path.name)
    added = saved_models.runtime.registry.upload_version(
        saved_models.editor, saved_models.cause(saved_models.editor), model_id=saved_models.model_id, upload_id=upload_id,
        allow_duplicate=True,
    )

    error = saved_models.rejection(added.version_id)

    assert error.field == "versionId"
    assert error.message.startswith("Model version 2 is pending; evaluation needs a ready version.")
