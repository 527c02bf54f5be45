"""Inspection of an uploaded model, run in a worker: TensorFlow is imported here and nowhere in the API.

`inspect_artifact` opens the file with Keras' safe mode (a `.keras` file) or
`tf.saved_model.load` (a SavedModel) and returns plain JSON-ready data: the signature,
parameter counts, the layer graph and per-tensor weight statistics with fixed-bin histograms.
A file that cannot be opened raises InspectionFailed with the reason.
"""

from __future__ import annotations

import math
import os
import shutil
import tarfile
import tempfile
import zipfile
from pathlib import Path
from typing import Any

HISTOGRAM_BINS = 30


class InspectionFailed(Exception):
    """Raised when the file is not a model this platform can open safely; the message gives the reason."""


def inspect_artifact(path: str, model_format: str, filename: str) -> dict[str, Any]:
    """Inspect the model file at `path`; `model_format` is `keras` or `savedmodel`."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if model_format == "keras":
        return _inspect_keras(path)
    with tempfile.TemporaryDirectory(prefix="modelcloud-inspect-") as folder:
        root = unpack_saved_model(path, Path(folder))
        return _inspect_saved_model(root)


def _inspect_keras(path: str) -> dict[str, Any]:
    import keras

    with tempfile.TemporaryDirectory(prefix="modelcloud-inspect-") as folder:
        # Keras insists on the .keras suffix, and the stored blob is named by its digest.
        named = Path(folder) / "model.keras"
        shutil.copyfile(path, named)
        try:
            model = keras.saving.load_model(named, safe_mode=True, compile=False)
        except Exception as error:  # noqa: BLE001  (any failure to load is the inspection's result)
            raise InspectionFailed(_load_failure(error)) from None

    inputs = [_tensor_spec(tensor) for tensor in model.inputs]
    outputs = [_tensor_spec(tensor, by_layer=True) for tensor in model.outputs]
    trainable = sum(int(math.prod(weight.shape)) for weight in model.trainable_weights)
    non_trainable = sum(int(math.prod(weight.shape)) for weight in model.non_trainable_weights)
    return {
        "kind": "keras",
        "modelClass": type(model).__name__,
        "signature": {"inputs": inputs, "outputs": outputs},
        "trainableParameters": trainable,
        "nonTrainableParameters": non_trainable,
        "layers": _input_layers(model, inputs) + [_layer(layer) for layer in model.layers],
        "edges": _edges(model),
        "inputNames": [spec["name"] for spec in inputs],
        "weights": [_statistics(weight.path, weight.numpy()) for weight in model.weights],
    }


def _input_layers(model: Any, inputs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the model's inputs as graph nodes, since a Sequential model keeps its InputLayer out of `model.layers`."""
    named = {layer.name for layer in model.layers}
    return [
        {"name": spec["name"], "className": "InputLayer", "outputShape": spec["shape"], "parameters": 0, "trainable": False,
         "trainableParameters": 0}
        for spec in inputs
        if spec["name"] not in named
    ]


def _load_failure(error: Exception) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    if "Lambda" in str(error) or "lambda" in str(error):
        return (
            "The model has a Lambda layer, whose Python code Keras' safe mode will not run; rebuild the model "
            "with built-in or registered layer classes instead."
        )
    if "safe_mode" in str(error):
        return f"The model contains code that Keras' safe mode will not run: {text[:300]}"
    if "Could not locate" in str(error) or "custom" in str(error).lower():
        return f"The model needs custom objects this platform does not have: {text[:300]}"
    return f"Keras could not load the file: {text[:300]}"


def _tensor_spec(tensor: Any, *, by_layer: bool = False) -> dict[str, Any]:
    # An output tensor's own name is generated (keras_tensor_N); the layer that makes it is what users named.
    history = getattr(tensor, "_keras_history", None)
    name = history.operation.name if by_layer and history is not None else getattr(tensor, "name", "")
    return {
        "name": str(name),
        "shape": [None if size is None else int(size) for size in tensor.shape],
        "dtype": str(tensor.dtype),
    }


def _layer(layer: Any) -> dict[str, Any]:
    try:
        output_shape = [None if size is None else int(size) for size in layer.output.shape]
    except (AttributeError, ValueError):
        output_shape = None
    return {
        "name": layer.name,
        "className": type(layer).__name__,
        "outputShape": output_shape,
        "parameters": int(layer.count_params()) if layer.built else 0,
        # Keras leaves `trainable` True on a layer whose weights are all non-trainable, such as Normalization,
        # so the count of trainable parameters is what tells whether training changes the layer.
        "trainable": bool(layer.trainable),
        "trainableParameters": sum(int(math.prod(weight.shape)) for weight in layer.trainable_weights),
    }


def _edges(model: Any) -> list[dict[str, str]]:
    found: list[dict[str, str]] = []
    for layer in model.layers:
        for node in getattr(layer, "_inbound_nodes", []):
            for parent in getattr(node, "parent_nodes", []):
                edge = {"source": parent.operation.name, "target": layer.name}
                if edge not in found:
                    found.append(edge)
    return found


def _statistics(name: str, values: Any) -> dict[str, Any]:
    """Summarize a tensor: NaN and infinities counted apart, a histogram over the finite values."""
    import numpy as np

    flat = np.asarray(values, dtype="float64").ravel()
    finite = flat[np.isfinite(flat)]
    stats: dict[str, Any] = {
        "name": name,
        "shape": [int(size) for size in np.shape(values)],
        "count": int(flat.size),
        "nanCount": int(np.isnan(flat).sum()),
        "infCount": int(np.isinf(flat).sum()),
    }
    if finite.size == 0:
        return {**stats, "mean": None, "std": None, "min": None, "max": None, "histogram": None}
    low, high = float(finite.min()), float(finite.max())
    if low == high:
        # A constant tensor (such as fresh biases) gets one bin of zero width at its value. Clients draw it with a width.
        edges, counts = [low, high], [int(finite.size)]
    else:
        counts_array, edges_array = np.histogram(finite, bins=HISTOGRAM_BINS, range=(low, high))
        edges, counts = [float(edge) for edge in edges_array], [int(count) for count in counts_array]
    return {
        **stats,
        "mean": float(finite.mean()),
        "std": float(finite.std()),
        "min": low,
        "max": high,
        "histogram": {"edges": edges, "counts": counts},
    }


def unpack_saved_model(path: str, folder: Path) -> Path:
    """Unpack a checked SavedModel archive and return the folder that contains saved_model.pb."""
    with open(path, "rb") as probe:
        gzipped = probe.read(2) == b"\x1f\x8b"
    try:
        # The bytes decide the packing, since an explicit format may name a file without an extension.
        if gzipped:
            with tarfile.open(path, "r:gz") as archive:
                archive.extractall(folder, filter="data")
        else:
            with zipfile.ZipFile(path) as archive:
                archive.extractall(folder)
    except (tarfile.TarError, zipfile.BadZipFile, OSError, EOFError) as error:
        raise InspectionFailed(f"The archive could not be unpacked: {error}") from None
    candidates = [found.parent for found in folder.rglob("saved_model.pb")]
    if not candidates:
        raise InspectionFailed("The archive contains no saved_model.pb.")
    return min(candidates, key=lambda candidate: len(candidate.parts))


def _inspect_saved_model(root: Path) -> dict[str, Any]:
    import tensorflow as tf

    try:
        loaded = tf.saved_model.load(str(root))
    except Exception as error:  # noqa: BLE001  (any failure to load is the inspection's result)
        raise InspectionFailed(f"TensorFlow could not load the SavedModel: {str(error).strip().splitlines()[0][:300]}") from None
    signatures = {}
    for key, function in loaded.signatures.items():
        _, keyword_inputs = function.structured_input_signature
        outputs = function.structured_outputs
        signatures[key] = {
            "inputs": [
                {"name": name, "shape": _shape(spec.shape), "dtype": spec.dtype.name} for name, spec in sorted(keyword_inputs.items())
            ],
            "outputs": [
                {"name": name, "shape": _shape(spec.shape), "dtype": spec.dtype.name} for name, spec in sorted(outputs.items())
            ],
        }
    variables = list(getattr(loaded, "variables", []))
    trainable = {id(variable) for variable in getattr(loaded, "trainable_variables", [])}
    default = signatures.get("serving_default") or next(iter(signatures.values()), {"inputs": [], "outputs": []})
    return {
        "kind": "savedmodel",
        "modelClass": "SavedModel",
        "signature": default,
        "signatures": signatures,
        "trainableParameters": sum(int(math.prod(v.shape)) for v in variables if id(v) in trainable),
        "nonTrainableParameters": sum(int(math.prod(v.shape)) for v in variables if id(v) not in trainable),
        "layers": [],
        "edges": [],
        "inputNames": [spec["name"] for spec in default["inputs"]],
        "weights": [_statistics(variable.name, variable.numpy()) for variable in variables],
    }


def _shape(shape: Any) -> list[int | None]:
    if shape.rank is None:
        return []
    return [None if size is None else int(size) for size in shape.as_list()]
