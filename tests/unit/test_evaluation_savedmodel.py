"""Evaluating SavedModel exports through their serving_default signature, against the same models' .keras files."""

from __future__ import annotations

import shutil
import tarfile
from pathlib import Path
from typing import Any

import pytest

from backend.storage import open_artifact_store
from tests.unit.test_evaluation_support import Case, changed, evaluation_cases  # noqa: F401  (session fixture)
from workers.evaluation.job import EvaluationFailed
from workers.evaluation.runner import evaluate_blob

pytestmark = [pytest.mark.unit, pytest.mark.timeout(120)]

CLOSE = 1e-6


def store_file(case: Case, path: Path) -> str:
    with path.open("rb") as stream:
        return open_artifact_store(case.job.artifacts).write(stream).sha256


def store_export(case: Case, folder: Path, packing: str = "zip") -> str:
    """Export the case's Keras model as a SavedModel, pack it as a user would upload it, and store the archive."""
    export = folder / "export"
    case.model.export(str(export))
    if packing == "zip":
        archive = Path(shutil.make_archive(str(folder / "model"), "zip", root_dir=export))
    else:
        archive = folder / "model.tar.gz"
        with tarfile.open(archive, "w:gz") as packed:
            packed.add(export, arcname="model")
    return store_file(case, archive)


def store_module(case: Case, folder: Path, signatures: dict[str, Any]) -> str:
    """Save a tf.Module with the given signatures as a zipped SavedModel and store it."""
    import tensorflow as tf

    module = tf.Module()
    module.scale = tf.Variable(0.5)
    tf.saved_model.save(module, str(folder / "export"), signatures=signatures)
    return store_file(case, Path(shutil.make_archive(str(folder / "model"), "zip", root_dir=folder / "export")))


def features_spec(case: Case, name: str = "features") -> Any:
    import tensorflow as tf

    return tf.TensorSpec([None, len(case.job.features)], tf.float32, name=name)


@pytest.mark.parametrize("name", ["cancer", "digits", "diabetes"])
def test_savedmodel_report_matches_keras(evaluation_cases: dict[str, Case], name: str, tmp_path: Path) -> None:  # noqa: F811
    case = evaluation_cases[name]
    keras_report = evaluate_blob(case.job)

    report = evaluate_blob(changed(case.job, model_format="savedmodel", model_sha256=store_export(case, tmp_path)))

    assert report["rows"] == keras_report["rows"]
    for metric, value in keras_report["metrics"].items():
        if isinstance(value, float):
            assert report["metrics"][metric] == pytest.approx(value, abs=CLOSE), metric
    if name == "diabetes":
        assert report["curves"]["residuals"]["counts"] == keras_report["curves"]["residuals"]["counts"]
    else:
        assert report["metrics"]["confusionMatrix"] == keras_report["metrics"]["confusionMatrix"]
        assert report["metrics"]["macro"] == pytest.approx(keras_report["metrics"]["macro"], abs=CLOSE)


def test_savedmodel_tar_gz_is_evaluated(evaluation_cases: dict[str, Case], tmp_path: Path) -> None:  # noqa: F811
    case = evaluation_cases["cancer"]

    report = evaluate_blob(changed(case.job, model_format="savedmodel", model_sha256=store_export(case, tmp_path, "tar.gz")))

    assert report["rows"] == len(case.test_rows)
    assert report["metrics"]["accuracy"] > 0.8


def test_savedmodel_with_two_inputs_fails(evaluation_cases: dict[str, Case], tmp_path: Path) -> None:  # noqa: F811
    import tensorflow as tf

    case = evaluation_cases["cancer"]
    width = len(case.job.features)

    @tf.function(input_signature=[tf.TensorSpec([None, width], tf.float32, name="left"),
                                  tf.TensorSpec([None, width], tf.float32, name="right")])
    def serve(left: Any, right: Any) -> Any:
        return {"score": tf.sigmoid(tf.reduce_sum(left + right, axis=1, keepdims=True))}

    digest = store_module(case, tmp_path, {"serving_default": serve})

    with pytest.raises(EvaluationFailed, match=r"serving_default signature takes 2 inputs \('left', 'right'\)"):
        evaluate_blob(changed(case.job, model_format="savedmodel", model_sha256=digest))


def test_savedmodel_with_two_outputs_fails(evaluation_cases: dict[str, Case], tmp_path: Path) -> None:  # noqa: F811
    import tensorflow as tf

    case = evaluation_cases["cancer"]

    @tf.function(input_signature=[features_spec(case)])
    def serve(features: Any) -> Any:
        score = tf.sigmoid(tf.reduce_sum(features, axis=1, keepdims=True))
        return {"score": score, "rest": 1.0 - score}

    digest = store_module(case, tmp_path, {"serving_default": serve})

    with pytest.raises(EvaluationFailed, match=r"returns 2 outputs \('rest', 'score'\), but evaluation reads one output"):
        evaluate_blob(changed(case.job, model_format="savedmodel", model_sha256=digest))


def test_savedmodel_with_flat_output_is_evaluated(evaluation_cases: dict[str, Case], tmp_path: Path) -> None:  # noqa: F811
    import tensorflow as tf

    case = evaluation_cases["diabetes"]
    keras_report = evaluate_blob(case.job)
    model = case.model

    @tf.function(input_signature=[features_spec(case)])
    def serve(features: Any) -> Any:
        return {"value": tf.squeeze(model(features, training=False), axis=-1)}

    module = tf.Module()
    module.model = model
    tf.saved_model.save(module, str(tmp_path / "export"), signatures={"serving_default": serve})
    digest = store_file(case, Path(shutil.make_archive(str(tmp_path / "model"), "zip", root_dir=tmp_path / "export")))

    report = evaluate_blob(changed(case.job, model_format="savedmodel", model_sha256=digest))

    assert report["metrics"]["rmse"] == pytest.approx(keras_report["metrics"]["rmse"], rel=CLOSE)
    assert report["metrics"]["r2"] == pytest.approx(keras_report["metrics"]["r2"], abs=CLOSE)


def test_savedmodel_float64_input_is_cast(evaluation_cases: dict[str, Case], tmp_path: Path) -> None:  # noqa: F811
    import numpy as np
    import tensorflow as tf

    case = evaluation_cases["cancer"]

    @tf.function(input_signature=[tf.TensorSpec([None, len(case.job.features)], tf.float64, name="features")])
    def serve(features: Any) -> Any:
        return {"score": tf.sigmoid(15.0 - features[:, :1])}

    digest = store_module(case, tmp_path, {"serving_default": serve})
    rows = case.test_rows
    predicted = (1 / (1 + np.exp(rows[case.job.features[0]].to_numpy(dtype="float32") - 15.0)) >= 0.5).astype(int)

    report = evaluate_blob(changed(case.job, model_format="savedmodel", model_sha256=digest))

    assert report["rows"] == len(rows)
    assert report["metrics"]["accuracy"] == pytest.approx(float(np.mean(predicted == rows["target"].to_numpy())), abs=CLOSE)


def test_savedmodel_with_3d_output_fails(evaluation_cases: dict[str, Case], tmp_path: Path) -> None:  # noqa: F811
    import tensorflow as tf

    case = evaluation_cases["cancer"]

    @tf.function(input_signature=[features_spec(case)])
    def serve(features: Any) -> Any:
        return {"score": tf.expand_dims(tf.sigmoid(features), -1)}

    digest = store_module(case, tmp_path, {"serving_default": serve})

    with pytest.raises(EvaluationFailed, match=r"output 'score' has shape \[None, 30, 1\], but evaluation needs one row"):
        evaluate_blob(changed(case.job, model_format="savedmodel", model_sha256=digest))


def test_savedmodel_without_serving_default_fails(evaluation_cases: dict[str, Case], tmp_path: Path) -> None:  # noqa: F811
    import tensorflow as tf

    case = evaluation_cases["cancer"]

    @tf.function(input_signature=[features_spec(case)])
    def score(features: Any) -> Any:
        return {"score": tf.sigmoid(tf.reduce_sum(features, axis=1, keepdims=True))}

    digest = store_module(case, tmp_path, {"score": score})

    with pytest.raises(EvaluationFailed, match=r"has no serving_default signature \(it has 'score'\)"):
        evaluate_blob(changed(case.job, model_format="savedmodel", model_sha256=digest))


def test_savedmodel_of_other_width_fails(evaluation_cases: dict[str, Case], tmp_path: Path) -> None:  # noqa: F811
    case = evaluation_cases["cancer"]
    # Every case stores its blobs in the same artifact store, so the cancer job can read the digits model.
    digest = store_export(evaluation_cases["digits"], tmp_path)

    with pytest.raises(EvaluationFailed, match=r"input has shape \[None, 64\], so it takes 64 feature columns, but the evaluation has 30"):
        evaluate_blob(changed(case.job, model_format="savedmodel", model_sha256=digest))


def test_keras_file_as_savedmodel_fails(evaluation_cases: dict[str, Case]) -> None:  # noqa: F811
    case = evaluation_cases["cancer"]

    with pytest.raises(EvaluationFailed, match="The archive contains no saved_model.pb"):
        evaluate_blob(changed(case.job, model_format="savedmodel"))


def test_missing_savedmodel_blob_fails(evaluation_cases: dict[str, Case]) -> None:  # noqa: F811
    case = evaluation_cases["cancer"]

    with pytest.raises(EvaluationFailed, match="is missing from the artifact store"):
        evaluate_blob(changed(case.job, model_format="savedmodel", model_sha256="0" * 64))

