"""Load the evaluated model with Keras' safe mode, check that it fits the job, and predict in batches.

TensorFlow and Keras are imported inside the functions, so importing this module is cheap.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from backend.storage import BlobNotFound, open_artifact_store
from workers.evaluation.job import EvaluationFailed, EvaluationJob

# A batch of this many rows of a small MLP takes a few milliseconds under tf.function on one core.
PREDICT_BATCH_ROWS = 1024
MAX_LISTED = 20

Predictor = Callable[[np.ndarray], np.ndarray]


def load_model(job: EvaluationJob, workdir: str | Path) -> Any:
    """Copy the model blob into `workdir` as model.keras and load it uncompiled in safe mode. Raises EvaluationFailed."""
    if job.model_format != "keras":
        # NOTE: Keras 3 does not load a SavedModel as a model, so SavedModel versions are not evaluated yet.
        raise EvaluationFailed(
            f"Model versions in the {job.model_format!r} format cannot be evaluated yet, only .keras files. "
            "Upload the model as a .keras file (model.save('model.keras')) to evaluate it."
        )
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras

    # Keras insists on the .keras suffix, and blobs are named by their digest.
    named = Path(workdir) / "model.keras"
    try:
        with open_artifact_store(job.artifacts).local_file(job.model_sha256) as path:
            shutil.copyfile(path, named)
    except BlobNotFound:
        raise EvaluationFailed(
            f"The model file {job.model_sha256} is missing from the artifact store. Upload the model version again."
        ) from None

    try:
        return keras.saving.load_model(named, safe_mode=True, compile=False)
    except Exception as error:  # noqa: BLE001  (any failure to load ends the evaluation with its reason)
        first_line = str(error).strip().splitlines()[0][:300] if str(error).strip() else type(error).__name__
        raise EvaluationFailed(f"The model file could not be loaded as a Keras model in safe mode: {first_line}") from None
    finally:
        named.unlink(missing_ok=True)


def check_model_fits(model: Any, job: EvaluationJob, *, text: bool) -> None:
    """Raise EvaluationFailed unless the model has one input of the job's width and one output of the task's width."""
    if len(model.inputs) != 1:
        raise EvaluationFailed(
            f"The model has {len(model.inputs)} inputs, but evaluation feeds one input of feature columns."
        )
    shape = _shape(model.inputs[0])
    dtype = str(model.inputs[0].dtype)
    if text:
        if "string" not in dtype:
            raise EvaluationFailed(
                f"The feature column {job.features[0]!r} is text, but the model's input is {dtype} of shape {shape}. "
                "Choose the numeric feature columns the model was trained on."
            )
    elif "string" in dtype:
        raise EvaluationFailed(
            f"The model takes text (input shape {shape}), but the evaluation feeds numeric feature columns "
            f"{_listed(job.features)}. Choose the model's single text column as the feature."
        )
    elif len(shape) != 2 or shape[1] != len(job.features):
        raise EvaluationFailed(_width_mismatch(shape, job.features))

    if len(model.outputs) != 1:
        raise EvaluationFailed(f"The model has {len(model.outputs)} outputs, but evaluation reads one output.")
    width = _shape(model.outputs[0])[-1]
    if job.task == "regression" and width != 1:
        raise EvaluationFailed(f"The model outputs {width} values per row, but regression needs one predicted value.")
    classes = job.classes or []
    accepted = (1, 2) if len(classes) == 2 else (len(classes),)
    if job.task == "classification" and width not in accepted:
        raise EvaluationFailed(
            f"The model outputs {width} values per row, but the label has {len(classes)} classes "
            f"({_listed(classes)}), so it needs {' or '.join(str(value) for value in accepted)} outputs."
        )


def missing_activation(model: Any, job: EvaluationJob) -> str | None:
    """Return "sigmoid" or "softmax" when a classifier's last layer is linear, so that its outputs are logits, else None."""
    if job.task != "classification":
        return None
    history = getattr(model.outputs[0], "_keras_history", None)
    layer = history.operation if history is not None else model.layers[-1]
    activation = getattr(getattr(layer, "activation", None), "__name__", None)
    # NOTE: only a layer whose `activation` is linear is taken for logits. A custom logits layer is read as probabilities.
    if activation != "linear":
        return None
    return "sigmoid" if _shape(model.outputs[0])[-1] == 1 else "softmax"


def batch_predictor(model: Any, *, text: bool, activation: str | None = None) -> Predictor:
    """Return a function that calls the model under one tf.function, a batch at a time, and returns float64 outputs.

    `activation` ("sigmoid" or "softmax") is applied to the outputs of a model that returns logits.
    """
    import tensorflow as tf

    width = None if text else _shape(model.inputs[0])[1]
    spec = tf.TensorSpec([None, 1], tf.string) if text else tf.TensorSpec([None, width], tf.float32)
    finish = {"sigmoid": tf.sigmoid, "softmax": tf.nn.softmax, None: tf.identity}[activation]
    output_width = _shape(model.outputs[0])[-1]

    @tf.function(input_signature=[spec])
    def call(batch: Any) -> Any:
        return finish(model(batch, training=False))

    def predict(x: np.ndarray) -> np.ndarray:
        batches = [
            np.asarray(call(tf.constant(x[start : start + PREDICT_BATCH_ROWS]))).reshape(-1, output_width)
            for start in range(0, len(x), PREDICT_BATCH_ROWS)
        ]
        if not batches:
            return np.zeros((0, output_width), dtype="float64")
        return np.concatenate(batches).astype("float64")

    return predict


def _shape(tensor: Any) -> list[int | None]:
    return [None if size is None else int(size) for size in tensor.shape]


def _width_mismatch(shape: list[int | None], features: list[str]) -> str:
    if len(shape) != 2:
        return (
            f"The model's input has shape {shape}, but evaluation feeds a table of shape [None, {len(features)}] "
            f"from the feature columns {_listed(features)}."
        )
    expected = shape[1]
    difference = len(features) - (expected or 0)
    more_or_fewer = f"{difference} more" if difference > 0 else f"{-difference} fewer"
    return (
        f"The model's input has shape {shape}, so it takes {expected} feature columns, but the evaluation has "
        f"{len(features)} ({more_or_fewer}): {_listed(features)}. Choose the features the model was trained on, in the same order."
    )


def _listed(names: list[str]) -> str:
    listed = ", ".join(repr(name) for name in names[:MAX_LISTED])
    return listed + (f" and {len(names) - MAX_LISTED} more" if len(names) > MAX_LISTED else "")
