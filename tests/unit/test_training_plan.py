"""Which columns a run trains on, and the templates that do not fit the data."""

from __future__ import annotations

from typing import Any

import pytest

from backend.domain.base import InvalidInput
from backend.domain.training_config import check_document
from backend.domain.training_data import plan_features

SPLITS = {"train": {"rows": 70}, "validation": {"rows": 15}, "test": {"rows": 15}}


def profile(classes: int = 3, exact: bool = True) -> dict[str, Any]:
    distribution = [{"value": value, "count": 5} for value in range(classes)]
    return {"splits": SPLITS, "label": {"column": "target", "distribution": distribution, "distributionExact": exact}}


def config(**model: Any) -> dict[str, Any]:
    return check_document({"model": model})


def pixels(count: int) -> dict[str, str]:
    return {**{f"pixel_{index}": "float" for index in range(count)}, "target": "integer", "split": "string"}


def test_digits_pixels_form_square_image() -> None:
    plan = plan_features(config(template="image_cnn"), pixels(64), "target", profile(10))

    assert plan["imageShape"] == [8, 8, 1]
    assert len(plan["features"]) == 64
    assert plan["classes"] == 10


def test_image_shape_must_match_columns() -> None:
    with pytest.raises(InvalidInput) as raised:
        plan_features(config(template="image_cnn", imageShape=[4, 4]), pixels(64), "target", profile())
    assert raised.value.field == "config.model.imageShape"
    assert "has 16 values" in raised.value.message


def test_tabular_rejects_string_features() -> None:
    columns = {"age": "integer", "city": "string", "target": "integer", "split": "string"}

    with pytest.raises(InvalidInput) as raised:
        plan_features(config(template="tabular_mlp"), columns, "target", profile())
    assert "'city' (string)" in raised.value.message
    assert "text_classifier" in raised.value.message


def test_text_classifier_takes_only_string_column() -> None:
    columns = {"review": "string", "stars": "integer", "target": "integer", "split": "string"}

    plan = plan_features(config(template="text_classifier"), columns, "target", profile(2))

    assert plan["features"] == ["review"]
    assert plan["textColumn"] == "review"


def test_regression_needs_numeric_label() -> None:
    columns = {"x": "float", "target": "string", "split": "string"}

    with pytest.raises(InvalidInput) as raised:
        plan_features(config(template="tabular_mlp", task="regression"), columns, "target", {"splits": SPLITS})
    assert raised.value.field == "label"
    assert "regression needs an integer or float label" in raised.value.message


def test_regression_has_no_classes() -> None:
    columns = {"x": "float", "target": "float", "split": "string"}

    plan = plan_features(config(template="tabular_mlp", task="regression"), columns, "target", {"splits": SPLITS})

    assert plan["classes"] is None


def test_missing_validation_rows_rejected() -> None:
    without_validation = {"splits": {"train": {"rows": 10}, "test": {"rows": 5}}, "label": profile()["label"]}

    with pytest.raises(InvalidInput) as raised:
        plan_features(config(template="tabular_mlp"), pixels(4), "target", without_validation)
    assert "no validation rows" in raised.value.message


def test_too_many_classes_rejected() -> None:
    with pytest.raises(InvalidInput) as raised:
        plan_features(config(template="tabular_mlp"), pixels(4), "target", profile(exact=False))
    assert "more than 1000 distinct values" in raised.value.message


def test_single_class_rejected() -> None:
    with pytest.raises(InvalidInput) as raised:
        plan_features(config(template="tabular_mlp"), pixels(4), "target", profile(classes=1))
    assert "at least two classes" in raised.value.message


def test_no_label_rejected() -> None:
    with pytest.raises(InvalidInput) as raised:
        plan_features(config(template="tabular_mlp"), pixels(4), None, profile())
    assert raised.value.field == "label"


def test_split_column_cannot_be_label() -> None:
    with pytest.raises(InvalidInput) as raised:
        plan_features(config(template="tabular_mlp"), pixels(4), "split", profile())
    assert raised.value.field == "label"
    assert "cannot be the label" in raised.value.message


def test_other_label_counts_its_own_values() -> None:
    columns = {"x": "float", "constant": "integer", "target": "integer", "split": "string"}
    stats = {**profile(), "columns": [{"name": "constant", "distinct": 1, "distinctExact": True}]}

    with pytest.raises(InvalidInput) as raised:
        plan_features(config(template="tabular_mlp"), columns, "constant", stats)
    assert "'constant' has 1 distinct value;" in raised.value.message


@pytest.mark.parametrize(
    ("document", "field", "message"),
    [
        ({"metrics": ["auc"]}, "config.metrics", "computed for 2 classes, but the label 'target' has 3"),
        ({"metrics": ["mae"]}, "config.metrics", "is for regression"),
        ({"loss": "binary_crossentropy"}, "config.loss", "needs 2 classes"),
        ({"earlyStopping": {"monitor": "val_auc"}}, "config.earlyStopping.monitor", "it records loss, accuracy, val_loss"),
        ({"classWeights": {"7": 2.0}}, "config.classWeights", "'7', which is not a class of the label 'target'"),
    ],
)
def test_settings_checked_against_label(document: dict[str, Any], field: str, message: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        plan_features(check_document({"model": {"template": "tabular_mlp"}, **document}), pixels(4), "target", profile())
    assert raised.value.field == field
    assert message in raised.value.message


def test_known_class_weights_accepted() -> None:
    document = check_document({"model": {"template": "tabular_mlp"}, "classWeights": {"0": 1.0, "2": 3.0}})

    plan = plan_features(document, pixels(4), "target", profile())

    assert plan["classes"] == 3
