"""Histograms of a model's trainable weights and of their gradients, one entry per weight tensor.

Each entry is `{"layer", "tensor", "kind", "low", "high", "counts", "nanCount", "infCount",
"min", "max", "mean", "std"}`. `counts` always has BINS equal-width bins spanning
[low, high], the finite values' range, so the counts add up to the tensor's size less its
NaN and infinite values. A constant tensor has low == high and all its values in the first
bin. A tensor with no finite value has all counts 0 and null low, high, min, max, mean and std.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

import numpy as np

BINS = 30

# One compiled gradient function per model, so each epoch's probe costs a call, not a trace.
_gradient_functions: weakref.WeakKeyDictionary[Any, tuple[Callable[..., Any], Callable[..., Any]]] = weakref.WeakKeyDictionary()


def weight_histograms(model: Any) -> list[dict[str, Any]]:
    """Summarize each trainable weight tensor of the model."""
    return [histogram(layer, weight.path, "weights", weight.numpy()) for layer, weight in _trainable_weights(model)]


def gradient_histograms(model: Any, loss_fn: Callable[[Any, Any], Any], probe_x: Any, probe_y: Any) -> list[dict[str, Any]]:
    """Summarize the gradient of each trainable weight tensor over a fixed probe batch.

    `loss_fn(labels, outputs)` returns each row's loss, and the gradient is that of its mean
    plus the model's regularization losses. The model runs in inference mode, so dropout is
    off and no layer state such as a batch normalization's moving mean changes.
    """
    weights = _trainable_weights(model)
    gradients = _gradient_function(model, loss_fn)(probe_x, probe_y)
    return [
        histogram(layer, weight.path, "gradients", gradient.numpy())
        for (layer, weight), gradient in zip(weights, gradients, strict=True)
    ]


def histogram(layer: str, tensor: str, kind: str, values: Any) -> dict[str, Any]:
    """Summarize one tensor's values: NaN and infinities counted apart, BINS bins over the finite values."""
    flat = np.asarray(values, dtype="float64").ravel()
    finite = flat[np.isfinite(flat)]
    entry: dict[str, Any] = {
        "layer": layer,
        "tensor": tensor,
        "kind": kind,
        "nanCount": int(np.isnan(flat).sum()),
        "infCount": int(np.isinf(flat).sum()),
    }
    if finite.size == 0:
        return {**entry, "low": None, "high": None, "counts": [0] * BINS, "min": None, "max": None, "mean": None, "std": None}

    low, high = float(finite.min()), float(finite.max())
    if low == high:
        counts = [int(finite.size)] + [0] * (BINS - 1)
    else:
        counts = [int(count) for count in np.histogram(finite, bins=BINS, range=(low, high))[0]]
    return {
        **entry,
        "low": low,
        "high": high,
        "counts": counts,
        "min": low,
        "max": high,
        "mean": float(finite.mean()),
        "std": float(finite.std()),
    }


def _trainable_weights(model: Any) -> list[tuple[str, Any]]:
    """Return (layer name, weight) for each trainable weight, in `model.trainable_weights` order."""
    owners: dict[int, str] = {}
    for layer in model.layers:
        for weight in layer.trainable_weights:
            owners.setdefault(id(weight), layer.name)
    return [(owners.get(id(weight), model.name), weight) for weight in model.trainable_weights]


def _gradient_function(model: Any, loss_fn: Callable[[Any, Any], Any]) -> Callable[..., Any]:
    cached = _gradient_functions.get(model)
    if cached is not None and cached[0] is loss_fn:
        return cached[1]

    import tensorflow as tf

    @tf.function
    def gradients(probe_x: Any, probe_y: Any) -> list[Any]:
        # The tape watches the weights' current values, not the variables, because a variable of a
        # distribution strategy has no handle to differentiate outside a replica context.
        trainable = [tf.convert_to_tensor(weight) for weight in model.trainable_variables]
        non_trainable = [tf.convert_to_tensor(weight) for weight in model.non_trainable_variables]
        with tf.GradientTape() as tape:
            tape.watch(trainable)
            outputs, _state, losses = model.stateless_call(trainable, non_trainable, probe_x, training=False, return_losses=True)
            loss = tf.reduce_mean(loss_fn(probe_y, outputs))
            if losses:
                loss += tf.add_n(losses)
        gradients = tape.gradient(loss, trainable, unconnected_gradients=tf.UnconnectedGradients.ZERO)
        # An embedding's gradient comes as IndexedSlices, the rows the batch touched; the histogram counts every row.
        return [tf.convert_to_tensor(gradient) for gradient in gradients]

    _gradient_functions[model] = (loss_fn, gradients)
    return gradients
