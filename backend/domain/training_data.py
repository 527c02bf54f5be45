"""Which columns of a dataset version a training run uses, and whether its template fits them.

`plan_features` runs when a run is started, from the version's column types and profile, so a
template that cannot fit the data is rejected before any worker starts. The worker trusts the
plan it is given and reads only those columns.
"""

from __future__ import annotations

import math
from typing import Any

from backend.domain.base import InvalidInput
from backend.domain.datasets import NUMERIC_TYPES, SPLIT_COLUMN

TABULAR_TYPES = (*NUMERIC_TYPES, "boolean")
MAX_CLASSES = 1000
MAX_NAMED_COLUMNS = 5


def plan_features(
    config: dict[str, Any], column_types: dict[str, str], label: str | None, profile: dict[str, Any] | None,
    *, field: str = "datasetVersionId",
) -> dict[str, Any]:
    """Return {label, features, textColumn, imageShape, classes} for a run, or raise InvalidInput saying what does not fit."""
    model = config["model"]
    template, task = model["template"], model["task"]
    label = _checked_label(column_types, label, task)
    _check_splits(profile, field)
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
    return {
        "label": label,
        "features": features,
        "textColumn": text_column,
        "imageShape": image_shape,
        "classes": _class_count(profile, label, task, field),
    }


def _checked_label(column_types: dict[str, str], label: str | None, task: str) -> str:
    if label is None:
        raise InvalidInput(
            "The dataset version has no label column; derive a version with a label, or pass label.", field="label", value=None
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
                f"model.imageShape {shape} holds {math.prod(full)} values, but the dataset version has {count} feature "
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


def _class_count(profile: dict[str, Any] | None, label: str, task: str, field: str) -> int | None:
    if task != "classification":
        return None
    summary = (profile or {}).get("label") or {}
    values = summary.get("distribution") or []
    if not summary.get("distributionExact", True) or len(values) > MAX_CLASSES:
        raise InvalidInput(
            f"The label {label!r} has more than {MAX_CLASSES} distinct values, too many classes for classification; "
            "set model.task to regression for a numeric target.",
            field="label",
            value=label,
        )
    if len(values) < 2:
        raise InvalidInput(
            f"The label {label!r} has {len(values)} distinct value{'s' if len(values) != 1 else ''}; classification needs "
            "at least two classes.",
            field="label",
            value=label,
        )
    return len(values)


def _names(names: list[str]) -> str:
    if not names:
        return "none"
    shown = ", ".join(repr(name) for name in names[:MAX_NAMED_COLUMNS])
    return shown + (f" and {len(names) - MAX_NAMED_COLUMNS} more" if len(names) > MAX_NAMED_COLUMNS else "")
