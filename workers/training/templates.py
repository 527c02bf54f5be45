"""Model templates: each builds an uncompiled Keras model that takes a dataset's raw rows.

Preprocessing is part of the model (a Normalization, a Rescaling or a TextVectorization
layer adapted on the train rows), so a deployment feeds rows exactly as the dataset contains them.
"""

from __future__ import annotations

import math
import shutil
import tempfile
from pathlib import Path
from typing import Any

from backend.storage import BlobNotFound, open_artifact_store
from workers.training.compilation import Head, choose_head, head_of_base_model
from workers.training.data import TrainingData
from workers.training.job import TrainingFailed, TrainingJob

# Spatial positions left after the convolutions up to which Flatten is used; beyond it
# GlobalAveragePooling2D keeps the dense layers' size independent of the image size.
MAX_FLATTENED_POSITIONS = 16


def build_model(job: TrainingJob, data: TrainingData) -> Any:
    """Build the job's template as an uncompiled model; raises TrainingFailed when the template does not fit the data."""
    spec = job.config["model"]
    template = spec["template"]
    if template == "fine_tune":
        model = load_base_model(job)
        head_of_base_model(model, job.config, data.classes)
        _check_base_inputs(model, data)
        _freeze(model, spec["trainableLayers"])
        return model

    head = choose_head(job.config, data.classes)
    builders = {"tabular_mlp": _tabular_mlp, "image_cnn": _image_cnn, "text_classifier": _text_classifier}
    return builders[template](job, data, head)


def head_for(job: TrainingJob, model: Any, classes: list[str] | None) -> Head:
    """Return the head of a model built for this job: new, fine-tuned or loaded from a checkpoint."""
    if job.config["model"]["template"] == "fine_tune":
        return head_of_base_model(model, job.config, classes)
    return choose_head(job.config, classes)


def _tabular_mlp(job: TrainingJob, data: TrainingData, head: Head) -> Any:
    import keras

    spec = job.config["model"]
    inputs = keras.Input(shape=(data.train_x.shape[1],), name="features")
    normalization = keras.layers.Normalization(name="normalization")
    _adapt_normalization(normalization, data.train_x)
    hidden = normalization(inputs)
    hidden = _dense_stack(keras, hidden, spec)
    return keras.Model(inputs, _output(keras, hidden, head), name="tabular_mlp")


def _adapt_normalization(normalization: Any, rows: Any) -> None:
    """Adapt the layer's mean and variance to the rows and record the row count in its `count` weight."""
    normalization.adapt(rows)
    # NOTE: Keras 3 (checked on 3.15) creates `count` only so that Keras 2 files load, and `adapt` leaves it at 0.
    # Keras 2 stored the number of rows adapted on there, which the weights view shows, so the template writes it.
    normalization.count.assign(len(rows))


def _image_cnn(job: TrainingJob, data: TrainingData, head: Head) -> Any:
    import keras
    import numpy as np

    spec = job.config["model"]
    feature_count = data.train_x.shape[1]
    height, width, channels = _image_shape(job.image_shape, feature_count)
    largest = float(np.max(data.train_x))
    scale = 1.0 / largest if math.isfinite(largest) and largest > 0 else 1.0

    inputs = keras.Input(shape=(feature_count,), name="features")
    hidden = keras.layers.Rescaling(scale, name="rescaling")(inputs)
    hidden = keras.layers.Reshape((height, width, channels), name="image")(hidden)
    for position, filters in enumerate(spec["filters"]):
        hidden = keras.layers.Conv2D(
            filters, spec["kernelSize"], padding="same", activation=spec["activation"], name=f"conv_{position + 1}"
        )(hidden)
        if hidden.shape[1] >= 2 and hidden.shape[2] >= 2:
            hidden = keras.layers.MaxPooling2D(2, name=f"pool_{position + 1}")(hidden)

    if hidden.shape[1] * hidden.shape[2] <= MAX_FLATTENED_POSITIONS:
        hidden = keras.layers.Flatten(name="flatten")(hidden)
    else:
        hidden = keras.layers.GlobalAveragePooling2D(name="global_pool")(hidden)
    hidden = _dense_stack(keras, hidden, spec)
    return keras.Model(inputs, _output(keras, hidden, head), name="image_cnn")


def _image_shape(image_shape: list[int] | None, feature_count: int) -> tuple[int, int, int]:
    if image_shape is None:
        side = math.isqrt(feature_count)
        if side * side != feature_count:
            raise TrainingFailed(
                f"image_cnn needs model.imageShape because the {feature_count} features do not form a square image."
            )
        return side, side, 1

    height, width, channels = (list(image_shape) + [1])[:3]
    if height * width * channels != feature_count:
        raise TrainingFailed(
            f"model.imageShape {list(image_shape)} has {height * width * channels} values, but the run has "
            f"{feature_count} features. Choose a shape whose height × width × channels is {feature_count}."
        )
    return height, width, channels


def _text_classifier(job: TrainingJob, data: TrainingData, head: Head) -> Any:
    import keras

    spec = job.config["model"]
    inputs = keras.Input(shape=(1,), dtype="string", name="text")
    vectorize = keras.layers.TextVectorization(
        max_tokens=spec["vocabularySize"], output_sequence_length=spec["sequenceLength"], name="vectorize"
    )
    vectorize.adapt(data.train_x[:, 0].astype(str))
    hidden = vectorize(inputs)
    hidden = keras.layers.Embedding(spec["vocabularySize"], spec["embeddingDim"], name="embedding")(hidden)
    hidden = keras.layers.GlobalAveragePooling1D(name="average")(hidden)
    hidden = _dense_stack(keras, hidden, spec)
    return keras.Model(inputs, _output(keras, hidden, head), name="text_classifier")


def _dense_stack(keras: Any, hidden: Any, spec: dict[str, Any]) -> Any:
    for position, units in enumerate(spec["hiddenUnits"]):
        hidden = keras.layers.Dense(units, activation=spec["activation"], name=f"dense_{position + 1}")(hidden)
        if spec["dropout"] > 0:
            hidden = keras.layers.Dropout(spec["dropout"], name=f"dropout_{position + 1}")(hidden)
    return hidden


def _output(keras: Any, hidden: Any, head: Head) -> Any:
    return keras.layers.Dense(head.units, activation=head.activation, name="output")(hidden)


def load_base_model(job: TrainingJob) -> Any:
    """Load the fine_tune base model from the artifact store with Keras' safe mode."""
    if job.base_model_sha256 is None:
        raise TrainingFailed("fine_tune needs a base model version, but the run names none.")
    return load_keras_blob(job.artifacts, job.base_model_sha256, "base model")


def load_keras_blob(artifacts: str, sha256: str, description: str) -> Any:
    """Load a .keras blob with safe_mode=True, compiled when the file contains a compile configuration."""
    import keras

    store = open_artifact_store(artifacts)
    with tempfile.TemporaryDirectory(prefix="modelcloud-train-") as folder:
        # Keras insists on the .keras suffix, and blobs are named by their digest.
        named = Path(folder) / "model.keras"
        try:
            with store.local_file(sha256) as path:
                shutil.copyfile(path, named)
        except BlobNotFound:
            raise TrainingFailed(f"The {description} file {sha256} is missing from the artifact store.") from None
        try:
            return keras.saving.load_model(named, safe_mode=True)
        except Exception as error:  # noqa: BLE001  (any failure to load ends the run with its reason)
            first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            raise TrainingFailed(f"The {description} file {sha256} could not be loaded as a Keras model in safe mode: {first_line}") from None


def _check_base_inputs(model: Any, data: TrainingData) -> None:
    if len(model.inputs) != 1:
        raise TrainingFailed(f"The base model has {len(model.inputs)} inputs, but fine_tune needs a model with one input.")
    shape = tuple(model.inputs[0].shape)
    expected = data.train_x.shape[1]
    if len(shape) != 2 or shape[1] != expected:
        raise TrainingFailed(
            f"The base model's input has shape {list(shape)}, but the run has {expected} features, "
            f"so it needs a model whose input has shape [None, {expected}]. "
            "Choose the features the base model was trained on, in the same order."
        )


def _freeze(model: Any, trainable_layers: int | None) -> None:
    """Freeze every layer but the last `trainable_layers` of model.layers, input layers not counted."""
    import keras

    if trainable_layers is None:
        return
    layers = [layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]
    frozen = layers[: max(len(layers) - trainable_layers, 0)]
    for layer in frozen:
        layer.trainable = False
    if not model.trainable_weights:
        raise TrainingFailed(
            f"model.trainableLayers is {trainable_layers}, which leaves no weight to train in the base model's "
            f"last layers ({', '.join(layer.name for layer in layers[-max(trainable_layers, 1):])}). Raise it."
        )
