"""Weight and gradient histograms: fixed bins, NaN and infinities counted apart, gradients checked by hand."""

from __future__ import annotations

import numpy as np
import pytest

from workers.training.histograms import BINS, gradient_histograms, histogram, weight_histograms

pytestmark = [pytest.mark.unit, pytest.mark.timeout(60)]


def test_histogram_spans_finite_range() -> None:
    values = np.array([[-1.0, 0.0, 0.5], [2.0, np.nan, np.inf]])

    entry = histogram("dense", "dense/kernel", "weights", values)

    assert entry["low"] == -1.0
    assert entry["high"] == 2.0
    assert len(entry["counts"]) == BINS
    assert sum(entry["counts"]) == 4
    assert entry["counts"][0] == 1
    assert entry["counts"][-1] == 1
    assert entry["nanCount"] == 1
    assert entry["infCount"] == 1
    assert entry["mean"] == pytest.approx(0.375)
    assert entry["std"] == pytest.approx(float(np.std([-1.0, 0.0, 0.5, 2.0])))
    assert (entry["min"], entry["max"]) == (-1.0, 2.0)


def test_constant_tensor_fills_one_bin() -> None:
    entry = histogram("dense", "dense/bias", "weights", np.zeros(8))

    assert entry["low"] == entry["high"] == 0.0
    assert entry["counts"] == [8] + [0] * (BINS - 1)
    assert entry["std"] == 0.0


def test_all_nan_tensor_has_no_range() -> None:
    entry = histogram("dense", "dense/bias", "gradients", np.full(4, np.nan))

    assert entry["counts"] == [0] * BINS
    assert entry["nanCount"] == 4
    for key in ("low", "high", "min", "max", "mean", "std"):
        assert entry[key] is None


def linear_model() -> object:
    import keras

    keras.utils.set_random_seed(3)
    inputs = keras.Input(shape=(3,), name="features")
    return keras.Model(inputs, keras.layers.Dense(1, name="output")(inputs))


def test_weight_histograms_name_each_tensor() -> None:
    model = linear_model()

    entries = weight_histograms(model)

    assert [(entry["layer"], entry["tensor"], entry["kind"]) for entry in entries] == [
        ("output", "output/kernel", "weights"),
        ("output", "output/bias", "weights"),
    ]
    assert entries[0]["low"] == pytest.approx(float(np.min(model.layers[-1].kernel.numpy())))


def test_gradients_match_mean_squared_error_by_hand() -> None:
    import tensorflow as tf

    model = linear_model()
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3)).astype("float32")
    y = rng.normal(size=(64,)).astype("float32")

    def squared_error(labels: tf.Tensor, outputs: tf.Tensor) -> tf.Tensor:
        return tf.square(outputs[:, 0] - labels)

    entries = gradient_histograms(model, squared_error, tf.constant(x), tf.constant(y))

    kernel, bias = model.layers[-1].kernel.numpy(), model.layers[-1].bias.numpy()
    error = x @ kernel[:, 0] + bias[0] - y
    kernel_gradient = 2 * x.T @ error / len(y)
    assert entries[0]["kind"] == "gradients"
    assert entries[0]["min"] == pytest.approx(float(kernel_gradient.min()), rel=1e-4)
    assert entries[0]["max"] == pytest.approx(float(kernel_gradient.max()), rel=1e-4)
    assert entries[1]["mean"] == pytest.approx(float(2 * error.mean()), rel=1e-4)
    assert sum(entries[0]["counts"]) == 3
