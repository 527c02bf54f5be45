"""Load the evaluated model, check that it fits the job, and predict in batches.

A `.keras` file is loaded with Keras' safe mode. A SavedModel is loaded with
`tf.saved_model.load` and called through its serving_default signature, with the feature
columns as the signature's single input tensor. TensorFlow and Keras are imported inside the
functions, so importing this module is cheap.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from backend.storage import BlobNotFound, open_artifact_store
from workers.evaluation.job import EvaluationFailed, EvaluationJob
from workers.inspection import InspectionFailed, unpack_saved_model

# A batch of this many rows of a small MLP takes a few milliseconds under tf.function on one core.
PREDICT_BATCH_ROWS = 1024
MAX_LISTED = 20
SERVING_SIGNATURE = "serving_default"

Predictor = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class ServingSignature:
    """A SavedModel's serving_default signature with one input tensor and one output tensor."""

    loaded: Any
    """The loaded SavedModel, kept so that the variables the signature reads stay alive."""
    function: Any
    input_name: str
    input_shape: list[int | None]
    input_dtype: str
    output_name: str
    output_shape: list[int | None]


def load_model(job: EvaluationJob, workdir: str | Path) -> Any:
    """Return the job's model: a Keras model, or the ServingSignature of a SavedModel. Raises EvaluationFailed.

    A .keras blob is copied into `workdir` as model.keras and loaded uncompiled in safe mode.
    A SavedModel archive is unpacked into `workdir`, which must outlive the predictions.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if job.model_format == "savedmodel":
        return _load_saved_model(job, Path(workdir))
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


def _load_saved_model(job: EvaluationJob, workdir: Path) -> ServingSignature:
    import tensorflow as tf

    unpacked = workdir / "savedmodel"
    unpacked.mkdir(parents=True, exist_ok=True)
    try:
        with open_artifact_store(job.artifacts).local_file(job.model_sha256) as path:
            root = unpack_saved_model(str(path), unpacked)
    except BlobNotFound:
        raise EvaluationFailed(
            f"The model file {job.model_sha256} is missing from the artifact store. Upload the model version again."
        ) from None
    except InspectionFailed as error:
        raise EvaluationFailed(str(error)) from None

    try:
        loaded = tf.saved_model.load(str(root))
    except Exception as error:  # noqa: BLE001  (any failure to load ends the evaluation with its reason)
        raise EvaluationFailed(f"TensorFlow could not load the SavedModel: {_first_line(error)}") from None
    return serving_signature(loaded)


def serving_signature(loaded: Any) -> ServingSignature:
    """Return the serving_default signature of a loaded SavedModel.

    Raises EvaluationFailed unless the signature exists, takes one input and returns one output of one or two dimensions.
    """
    signatures = dict(loaded.signatures)
    if SERVING_SIGNATURE not in signatures:
        raise EvaluationFailed(
            f"The SavedModel has no {SERVING_SIGNATURE} signature (it has {_listed(sorted(signatures)) or 'none'}), "
            "so evaluation does not know which function to call. Export it with model.export(path), which adds one."
        )

    function = signatures[SERVING_SIGNATURE]
    _, inputs = function.structured_input_signature
    outputs = function.structured_outputs
    if len(inputs) != 1:
        raise EvaluationFailed(
            f"The SavedModel's {SERVING_SIGNATURE} signature takes {len(inputs)} inputs ({_listed(sorted(inputs))}), but "
            "evaluation feeds the feature columns as one input tensor. Export a signature with a single input."
        )
    if len(outputs) != 1:
        raise EvaluationFailed(
            f"The SavedModel's {SERVING_SIGNATURE} signature returns {len(outputs)} outputs ({_listed(sorted(outputs))}), but "
            "evaluation reads one output tensor. Export a signature with a single output."
        )

    (input_name, input_spec), (output_name, output_spec) = next(iter(inputs.items())), next(iter(outputs.items()))
    output_shape = _spec_shape(output_spec)
    if len(output_shape) not in (1, 2) or (len(output_shape) == 2 and output_shape[1] is None):
        raise EvaluationFailed(
            f"The SavedModel's output {output_name!r} has shape {output_shape}, but evaluation needs one row of a fixed "
            "number of values per input row, such as [None, 1] or [None, 10]."
        )

    return ServingSignature(
        loaded=loaded, function=function, input_name=input_name, input_shape=_spec_shape(input_spec),
        input_dtype=input_spec.dtype.name, output_name=output_name, output_shape=output_shape,
    )


def check_model_fits(model: Any, job: EvaluationJob, *, text: bool) -> None:
    """Raise EvaluationFailed unless the model has one input of the job's width and one output of the task's width."""
    inputs = _inputs(model)
    if len(inputs) != 1:
        raise EvaluationFailed(
            f"The model has {len(inputs)} inputs, but evaluation feeds one input of feature columns."
        )
    shape, dtype = inputs[0]
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

    if not isinstance(model, ServingSignature) and len(model.outputs) != 1:
        raise EvaluationFailed(f"The model has {len(model.outputs)} outputs, but evaluation reads one output.")
    width = _output_width(model)
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
    if isinstance(model, ServingSignature):
        # NOTE: a SavedModel's layers are not visible, so logits are not detected. Outputs outside [0, 1] fail the
        # evaluation with a message, but logits that all lie within [0, 1] are read as probabilities.
        return None
    history = getattr(model.outputs[0], "_keras_history", None)
    layer = history.operation if history is not None else model.layers[-1]
    activation = getattr(getattr(layer, "activation", None), "__name__", None)
    # NOTE: only a layer whose `activation` is linear is taken for logits. A custom logits layer is read as probabilities.
    if activation != "linear":
        return None
    return "sigmoid" if _output_width(model) == 1 else "softmax"


def batch_predictor(model: Any, *, text: bool, activation: str | None = None) -> Predictor:
    """Return a function that calls the model under one tf.function, a batch at a time, and returns float64 outputs.

    `activation` ("sigmoid" or "softmax") is applied to the outputs of a model that returns logits.
    """
    import tensorflow as tf

    width = None if text else _inputs(model)[0][0][1]
    spec = tf.TensorSpec([None, 1], tf.string) if text else tf.TensorSpec([None, width], tf.float32)
    finish = {"sigmoid": tf.sigmoid, "softmax": tf.nn.softmax, None: tf.identity}[activation]
    output_width = _output_width(model)
    run = _serving_call(model) if isinstance(model, ServingSignature) else lambda batch: model(batch, training=False)

    @tf.function(input_signature=[spec])
    def call(batch: Any) -> Any:
        return finish(run(batch))

    def predict(x: np.ndarray) -> np.ndarray:
        batches = [
            np.asarray(call(tf.constant(x[start : start + PREDICT_BATCH_ROWS]))).reshape(-1, output_width)
            for start in range(0, len(x), PREDICT_BATCH_ROWS)
        ]
        if not batches:
            return np.zeros((0, output_width), dtype="float64")
        return np.concatenate(batches).astype("float64")

    return predict


def _serving_call(signature: ServingSignature) -> Callable[[Any], Any]:
    """Return a function that feeds a batch to the signature, cast to its input dtype, and returns its output."""
    import tensorflow as tf

    dtype = tf.as_dtype(signature.input_dtype)

    def run(batch: Any) -> Any:
        if dtype != batch.dtype:
            batch = tf.cast(batch, dtype)
        return signature.function(**{signature.input_name: batch})[signature.output_name]

    return run


def _inputs(model: Any) -> list[tuple[list[int | None], str]]:
    """Return the shape and dtype of each input of a Keras model or a serving signature."""
    if isinstance(model, ServingSignature):
        return [(model.input_shape, model.input_dtype)]
    return [(_shape(tensor), str(tensor.dtype)) for tensor in model.inputs]


def _output_width(model: Any) -> int | None:
    """Return the number of values per row of the model's output: 1 for a serving signature's output of shape [None]."""
    if isinstance(model, ServingSignature):
        return 1 if len(model.output_shape) == 1 else model.output_shape[-1]
    return _shape(model.outputs[0])[-1]


def _shape(tensor: Any) -> list[int | None]:
    return [None if size is None else int(size) for size in tensor.shape]


def _spec_shape(spec: Any) -> list[int | None]:
    if spec.shape.rank is None:
        return []
    return [None if size is None else int(size) for size in spec.shape.as_list()]


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0][:300] if text else type(error).__name__


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
