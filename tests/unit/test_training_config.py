"""The training configuration document: defaults, the path of each bad field, the JSON Schema and diffs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from backend.domain.base import InvalidInput
from backend.domain.training_config import check_document, diff_documents, json_schema

pytestmark = pytest.mark.unit

MLP = {"model": {"template": "tabular_mlp"}}


def test_defaults_are_filled_in() -> None:
    document = check_document(MLP)

    assert document["model"]["hiddenUnits"] == [64, 32]
    assert document["optimizer"] == {"name": "adam", "learningRate": 0.001, "schedule": None, "momentum": 0.0, "weightDecay": 0.0}
    assert document["resources"] == {"workers": 1, "cpusPerWorker": 1.0, "gpusPerWorker": 0.0}
    assert document["epochs"] == 10
    assert document["earlyStopping"] is None


def test_full_document_round_trips() -> None:
    given = {
        "model": {"template": "image_cnn", "filters": [8, 16], "kernelSize": 3, "imageShape": [8, 8, 1], "dropout": 0.25},
        "optimizer": {"name": "sgd", "learningRate": 0.05, "momentum": 0.9, "schedule": {"kind": "exponential_decay", "decaySteps": 100}},
        "loss": "sparse_categorical_crossentropy",
        "metrics": ["accuracy"],
        "batchSize": 64,
        "epochs": 5,
        "earlyStopping": {"monitor": "val_accuracy", "patience": 2, "mode": "max"},
        "classWeights": {"0": 1.0, "1": 2.5},
        "seed": 7,
        "resources": {"workers": 2, "cpusPerWorker": 0.5},
        "checkpointEveryEpochs": 2,
    }

    document = check_document(given)

    assert check_document(document) == document
    assert document["optimizer"]["schedule"] == {"kind": "exponential_decay", "decaySteps": 100, "decayRate": 0.9}
    assert document["resources"]["cpusPerWorker"] == 0.5


BAD: list[tuple[dict[str, Any], str, str]] = [
    ({**MLP, "optimizer": {"name": "adagrad"}}, "document.optimizer.name", "'adam', 'adamw', 'sgd' or 'rmsprop' (got 'adagrad')"),
    ({**MLP, "optimizer": {"learningRate": -0.1}}, "document.optimizer.learningRate", "greater than 0 (got -0.1)"),
    ({**MLP, "epochs": 0}, "document.epochs", "greater than or equal to 1 (got 0)"),
    ({"model": {"template": "random_forest"}}, "document.model.template", "'tabular_mlp', 'image_cnn'"),
    ({"modle": {}}, "document.model", "Field required"),
    ({**MLP, "batchsize": 32}, "document.batchsize", "Extra inputs are not permitted"),
    ({**MLP, "resources": {"gpusPerWorker": -1}}, "document.resources.gpusPerWorker", "greater than or equal to 0"),
    ({"model": {"template": "tabular_mlp", "hiddenUnits": [64, 0]}}, "document.model.hiddenUnits", "from 1 to 4096, not 0"),
    ({"model": {"template": "tabular_mlp", "dropout": 1.5}}, "document.model.dropout", "less than or equal to 0.9"),
    ({**MLP, "optimizer": {"name": "adam", "momentum": 0.9}}, "document.optimizer", "momentum applies to sgd and rmsprop"),
    ({"model": {"template": "tabular_mlp", "task": "regression"}, "loss": "binary_crossentropy"}, "document.loss", "for classification"),
    ({"model": {"template": "tabular_mlp", "task": "regression"}, "classWeights": {"0": 1.0}}, "document.classWeights", "apply to classification"),
    ({**MLP, "classWeights": {"0": 0}}, "document.classWeights", "positive number"),
    ({**MLP, "metrics": ["f1"]}, "document.metrics[0]", "'accuracy'"),
]


@pytest.mark.parametrize(("document", "field", "message"), BAD, ids=[case[1] + ":" + case[2][:20] for case in BAD])
def test_bad_document_names_the_path(document: dict[str, Any], field: str, message: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        check_document(document)

    assert raised.value.field == field
    assert message in raised.value.message


def test_every_bad_field_is_listed() -> None:
    with pytest.raises(InvalidInput) as raised:
        check_document({**MLP, "optimizer": {"name": "adagrad", "learningRate": -1}, "epochs": 0})

    message = raised.value.message
    assert message.startswith("document is invalid in 3 places:")
    for path in ("document.optimizer.name", "document.optimizer.learningRate", "document.epochs"):
        assert path in message


def test_document_must_be_an_object() -> None:
    with pytest.raises(InvalidInput) as raised:
        check_document(["model"])

    assert raised.value.field == "document"


def test_schema_uses_json_keys() -> None:
    schema = json_schema()

    assert set(schema["required"]) == {"model"}
    assert "batchSize" in schema["properties"]
    assert schema["$defs"]["Optimizer"]["properties"]["name"]["enum"] == ["adam", "adamw", "sgd", "rmsprop"]


def test_web_app_schema_fixture_is_current() -> None:
    # The web app's form tests and its translated help texts are checked against this copy of the schema.
    fixture = Path(__file__).resolve().parents[2] / "frontend" / "src" / "configs" / "trainingConfigSchema.fixture.json"

    assert json.loads(fixture.read_text(encoding="utf-8")) == json_schema(), (
        "regenerate the fixture: python -c 'import json; from backend.domain.training_config import json_schema; "
        "print(json.dumps(json_schema(), indent=2))' > frontend/src/configs/trainingConfigSchema.fixture.json"
    )


def test_diff_lists_changed_leaves() -> None:
    before = check_document(MLP)
    after = check_document({"model": {"template": "tabular_mlp", "dropout": 0.2}, "epochs": 20, "optimizer": {"learningRate": 0.01}})

    assert diff_documents(before, after) == [
        ("epochs", 10, 20),
        ("model.dropout", 0.0, 0.2),
        ("optimizer.learningRate", 0.001, 0.01),
    ]
    assert diff_documents(after, after) == []


@pytest.mark.parametrize(
    ("document", "field"),
    [
        ({"earlyStopping": {"minDelta": float("inf")}}, "document.earlyStopping.minDelta"),
        ({"optimizer": {"learningRate": float("nan")}}, "document.optimizer.learningRate"),
        ({"classWeights": {"0": float("inf")}}, "document.classWeights.0"),
    ],
)
def test_non_finite_numbers_rejected(document: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        check_document({"model": {"template": "tabular_mlp"}, **document})
    assert raised.value.field == field
    assert "finite number" in raised.value.message
