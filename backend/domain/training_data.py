"""Feature plans: the columns of a dataset version that a training run uses, and whether its template fits them.

`plan_features` runs when a run is started, from the version's column types and profile, so a
template that cannot fit the data is rejected before any worker starts. The worker trusts the
plan it is given and reads only those columns.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from backend.domain.base import InvalidInput
from backend.domain.datasets import NUMERIC_TYPES, SPLIT_COLUMN

TABULAR_TYPES = (*NUMERIC_TYPES, "boolean")
MAX_CLASSES = 1000
MAX_NAMED_COLUMNS = 5
BINARY_METRICS = ("auc", "precision", "recall")
REGRESSION_METRICS = ("mae", "mse", "rmse")


def plan_features(
    config: dict[str, Any], column_types: dict[str, str], label: str | None, profile: dict[str, Any] | None,
    *, field: str = "datasetVersionId",
) -> dict[str, Any]:
    """Return {label, features, textColumn, imageShape, classes} for a run, or raise InvalidInput saying what does not fit."""
    model = config["model"]
    template, task = model["template"], model["task"]
    label = _checked_label(column_types, label, task)
    _check_splits(profile, field)
    classes = _classes(profile, label, task)
    candidates = {name: kind for name, kind in column_types.items() if name not in (label, SPLIT_COLUMN)}
    if not candidates:
        raise InvalidInput(f"The dataset version has no feature columns besides the label {label!r}.", field=field, value=None)

    text_column = None
    image_shape = None
    if template == "text_classifier":
        text_column = _text_column(model.get("textColumn"), candidates)
        features = [text_column]
    else:
        features = list(candidates)
        _check_numeric(template, candidates)
        if template == "image_cnn":
            image_shape = _image_shape(model.get("imageShape"), len(features))
    _check_settings(config, label, classes)
    return {
        "label": label,
        "features": features,
        "textColumn": text_column,
        "imageShape": image_shape,
        "classes": None if classes is None else classes.count,
    }


def _checked_label(column_types: dict[str, str], label: str | None, task: str) -> str:
    if label is None:
        raise InvalidInput(
            "The dataset version has no label column; derive a version with a label, or pass label.", field="label", value=None
        )
    if label == SPLIT_COLUMN:
        raise InvalidInput(
            f"The {SPLIT_COLUMN!r} column assigns each row to train, validation or test and cannot be the label; choose another column.",
            field="label",
            value=label,
        )
    if label not in column_types:
        raise InvalidInput(
            f"The label {label!r} is not a column of the dataset version; its columns are {_names(list(column_types))}.",
            field="label",
            value=label,
        )
    if task == "regression" and column_types[label] not in NUMERIC_TYPES:
        raise InvalidInput(
            f"model.task is regression, but the label {label!r} is {column_types[label]}; regression needs an integer "
            "or float label.",
            field="label",
            value=label,
        )
    if column_types[label] in ("datetime", "date"):
        raise InvalidInput(f"The label {label!r} is a {column_types[label]} column, which cannot be a training target.",
                           field="label", value=label)
    return label


def _check_splits(profile: dict[str, Any] | None, field: str) -> None:
    splits = (profile or {}).get("splits")
    if splits is None:
        raise InvalidInput(
            f"The dataset version has no {SPLIT_COLUMN!r} column; derive a version with a split operation so it has "
            "train and validation rows.",
            field=field,
            value=None,
        )
    for part in ("train", "validation"):
        rows = int((splits.get(part) or {}).get("rows", 0))
        if rows == 0:
            raise InvalidInput(
                f"The dataset version has no {part} rows; training needs rows whose {SPLIT_COLUMN!r} is train and "
                "validation.",
                field=field,
                value=None,
            )


def _check_numeric(template: str, candidates: dict[str, str]) -> None:
    others = [f"{name!r} ({kind})" for name, kind in candidates.items() if kind not in TABULAR_TYPES]
    if not others:
        return
    listed = ", ".join(others[:MAX_NAMED_COLUMNS]) + (f" and {len(others) - MAX_NAMED_COLUMNS} more" if len(others) > MAX_NAMED_COLUMNS else "")
    hint = (
        "use the text_classifier template for a text column, or drop these columns with a dataset operation"
        if template != "image_cnn"
        else "image_cnn needs one numeric column per pixel"
    )
    raise InvalidInput(
        f"The {template} template takes integer, float or boolean columns, but the dataset version has {listed}; {hint}.",
        field="config.model.template",
        value=template,
    )


def _image_shape(shape: list[int] | None, count: int) -> list[int]:
    if shape is not None:
        full = [*shape, 1] if len(shape) == 2 else list(shape)
        if math.prod(full) != count:
            raise InvalidInput(
                f"model.imageShape {shape} has {math.prod(full)} values, but the dataset version has {count} feature "
                "columns; the product of height, width and channels must equal the number of feature columns.",
                field="config.model.imageShape",
                value=str(shape),
            )
        return full
    side = math.isqrt(count)
    if side * side != count or side < 2:
        raise InvalidInput(
            f"The image_cnn template needs one numeric column per pixel of a square image, but the dataset version has "
            f"{count} feature columns, which is not a square; set model.imageShape or use the tabular_mlp template.",
            field="config.model.template",
            value="image_cnn",
        )
    return [side, side, 1]


def _text_column(chosen: str | None, candidates: dict[str, str]) -> str:
    strings = [name for name, kind in candidates.items() if kind == "string"]
    if chosen is not None:
        if candidates.get(chosen) != "string":
            raise InvalidInput(
                f"model.textColumn {chosen!r} is not a string column of the dataset version; its string columns are "
                f"{_names(strings)}.",
                field="config.model.textColumn",
                value=chosen,
            )
        return chosen
    if len(strings) != 1:
        raise InvalidInput(
            f"The text_classifier template needs one text column, and the dataset version has {len(strings)} string "
            f"columns ({_names(strings)}); set model.textColumn.",
            field="config.model.textColumn",
            value=None,
        )
    return strings[0]


@dataclass(frozen=True)
class Classes:
    """How many classes the label has and, for the version's own label, their names as the workers write them."""

    count: int
    names: list[str] | None


def _classes(profile: dict[str, Any] | None, label: str, task: str) -> Classes | None:
    if task != "classification":
        return None
    summary = (profile or {}).get("label") or {}
    if summary.get("column") == label:
        values = summary.get("distribution") or []
        exact = bool(summary.get("distributionExact", True))
        count = len(values)
        names = [str(item["value"]) for item in sorted(values, key=lambda item: item["value"])] if exact else None
    else:
        # A label other than the version's own: its column statistics give the number of distinct values.
        column = next((item for item in (profile or {}).get("columns", []) if item.get("name") == label), {})
        exact = bool(column.get("distinctExact", True))
        count = int(column.get("distinct", 0))
        names = None
    if not exact or count > MAX_CLASSES:
        raise InvalidInput(
            f"The label {label!r} has more than {MAX_CLASSES} distinct values, too many classes for classification; "
            "set model.task to regression for a numeric target.",
            field="label",
            value=label,
        )
    if count < 2:
        raise InvalidInput(
            f"The label {label!r} has {count} distinct value{'s' if count != 1 else ''}; classification needs "
            "at least two classes.",
            field="label",
            value=label,
        )
    return Classes(count, names)


def logged_metrics(config: dict[str, Any]) -> list[str]:
    """Return the metric names each epoch records: the loss and the configured metrics, each also with a val_ prefix."""
    task = config["model"]["task"]
    names = ["loss", *(name for name in config["metrics"] if not (task == "regression" and name == "accuracy"))]
    return [*names, *(f"val_{name}" for name in names)]


def _check_settings(config: dict[str, Any], label: str, classes: Classes | None) -> None:
    """Reject settings that cannot work with this label, which the configuration alone could not tell."""
    task = config["model"]["task"]
    for name in config["metrics"]:
        if task == "classification" and name in REGRESSION_METRICS:
            raise InvalidInput(
                f"Metric {name} is for regression, but model.task is classification; use accuracy, or auc, precision "
                "and recall for 2 classes.",
                field="config.metrics",
                value=name,
            )
        if task == "regression" and name in BINARY_METRICS:
            raise InvalidInput(f"Metric {name} is for classification, but model.task is regression; use mae, mse or rmse.",
                               field="config.metrics", value=name)
        if classes is not None and name in BINARY_METRICS and classes.count != 2:
            raise InvalidInput(
                f"Metric {name} is computed for 2 classes, but the label {label!r} has {classes.count}; remove it from "
                "metrics, or keep accuracy.",
                field="config.metrics",
                value=name,
            )
    if classes is not None and classes.count > 2 and config.get("loss") == "binary_crossentropy":
        raise InvalidInput(
            f"loss binary_crossentropy needs 2 classes, but the label {label!r} has {classes.count}; use "
            "sparse_categorical_crossentropy or leave loss null.",
            field="config.loss",
            value="binary_crossentropy",
        )
    monitor = (config.get("earlyStopping") or {}).get("monitor")
    if monitor is not None and monitor not in logged_metrics(config):
        raise InvalidInput(
            f"earlyStopping.monitor is {monitor!r}, which this run does not record; it records "
            f"{', '.join(logged_metrics(config))}.",
            field="config.earlyStopping.monitor",
            value=monitor,
        )
    weights = config.get("classWeights") or {}
    if classes is not None and classes.names is not None:
        unknown = [name for name in weights if name not in classes.names]
        if unknown:
            raise InvalidInput(
                f"classWeights names {', '.join(repr(name) for name in unknown[:MAX_NAMED_COLUMNS])}, which "
                f"{'is' if len(unknown) == 1 else 'are'} not a class of the label {label!r}; its classes are "
                f"{_names(classes.names)}.",
                field="config.classWeights",
                value=unknown[0],
            )


def _names(names: list[str]) -> str:
    if not names:
        return "none"
    shown = ", ".join(repr(name) for name in names[:MAX_NAMED_COLUMNS])
    return shown + (f" and {len(names) - MAX_NAMED_COLUMNS} more" if len(names) > MAX_NAMED_COLUMNS else "")
