"""Layer rows of a model inspection: a layer counts as trainable only when training updates its parameters."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from backend.graphql.registry import Inspection
from workers.inspection import inspect_artifact

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

pytestmark = pytest.mark.unit


def normalized_model(path: Path) -> None:
    """Save a Normalization → Dense model, fitted on the iris measurements, as a `.keras` file."""
    import keras
    from sklearn.datasets import load_iris

    features = load_iris().data.astype("float32")
    normalization = keras.layers.Normalization(name="normalization")
    normalization.adapt(features)
    inputs = keras.Input(shape=(4,), name="measurements")
    outputs = keras.layers.Dense(3, activation="softmax", name="species")(normalization(inputs))
    keras.Model(inputs, outputs).save(path)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    path = tmp_path_factory.mktemp("inspection") / "iris.keras"
    normalized_model(path)
    return inspect_artifact(str(path), "keras", path.name)


def test_normalization_layer_not_trainable(report: dict[str, object]) -> None:
    layers = {layer.name: layer for layer in Inspection.from_report(report).layers}

    # Mean, variance and count: 4 + 4 + 1 parameters, none of them trainable.
    assert layers["normalization"].parameters == 9
    assert layers["normalization"].trainable_parameters == 0
    assert layers["normalization"].trainable is False
    assert layers["species"].parameters == 15
    assert layers["species"].trainable_parameters == 15
    assert layers["species"].trainable is True
    # Keras marks the input layer trainable, but it has nothing to train.
    assert layers["measurements"].parameters == 0
    assert layers["measurements"].trainable is False


def test_older_report_keeps_keras_flag() -> None:
    layer = {"name": "dense", "className": "Dense", "outputShape": [None, 3], "parameters": 15, "trainable": True}
    report = {
        "modelClass": "Functional", "signature": {"inputs": [], "outputs": []}, "trainableParameters": 15,
        "nonTrainableParameters": 0, "layers": [layer], "edges": [], "weights": [],
    }

    (info,) = Inspection.from_report(report).layers

    assert info.trainable is True
    assert info.trainable_parameters is None
    assert info.parameters == 15
