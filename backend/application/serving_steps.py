"""Serving steps: one compiler per derive operation, turning its recorded form into a step on one request row.

A step reads and writes the row's values by column name, as the columns are after each
operation, and raises PayloadError naming the raw column that a wrong value came from.
`StepPlan` compiles the steps once, so a request only runs plain functions.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from backend.application.prediction_payloads import PayloadError, json_type
from backend.domain.base import InvalidInput
from backend.domain.column_values import (
    ACCEPTED_JSON,
    ConversionFailed,
    can_convert,
    convert_value,
    describe,
    is_missing,
    one_hot_name,
    read_json,
)
from backend.domain.datasets import COLUMN_TYPES, NUMERIC_TYPES

Values = dict[str, Any]
Step = Callable[[Values, "RequestRow"], Values]

# The JSON type that a request sends a raw column's value as: dates and times are ISO 8601 text.
COLUMN_JSON_TYPES = {"integer": "integer", "float": "number", "boolean": "boolean", "string": "string", "date": "string",
                     "datetime": "string"}
# Operations that choose rows or add columns no model reads from a request: a served row passes through unchanged.
ROW_OPERATIONS = ("filter", "dropDuplicates", "split", "predict")
VALUE_OPERATIONS = ("fillMissing", "castColumns", "standardize", "minMaxScale", "oneHot", "renameColumns")


class UnservableOperation(InvalidInput):
    """Raised when a recorded operation cannot be applied to a single row; `position` indexes `operations`."""

    def __init__(self, position: int, kind: Any, reason: str) -> None:
        super().__init__(f"operations[{position}] ({kind}) {reason}.", field=f"operations[{position}]", value=str(kind)[:64])
        self.position = position
        self.reason = reason


class PlannedColumn:
    """A column after some of the operations: its type, and the raw column its values come from."""

    __slots__ = ("type", "source")

    def __init__(self, column_type: str, source: str) -> None:
        self.type = column_type
        self.source = source


class RequestRow:
    """One request row while the steps run: its position and raw values, which error messages describe."""

    __slots__ = ("index", "raw", "types")

    def __init__(self, index: int, raw: dict[str, Any], types: dict[str, str]) -> None:
        self.index = index
        self.raw = raw
        self.types = types

    def read(self, name: str) -> Any:
        try:
            return read_json(self.raw[name], self.types[name])
        except ConversionFailed:
            raise self.error(name, f"column {name!r} is {self.types[name]}, so send {self.accepted(name)}") from None

    def accepted(self, source: str) -> str:
        return ACCEPTED_JSON[self.types[source]]

    def error(self, source: str, problem: str, *, expected: str | None = None) -> PayloadError:
        """Return the error for raw column `source`: its path, the value the request sent, then `problem`."""
        where = f"instances[{self.index}].{source}"
        received = describe(self.raw[source])
        return PayloadError(f"{where} is {received}; {problem}.", field=where, expected=expected or self.accepted(source),
                            received=received, expected_type=COLUMN_JSON_TYPES.get(self.types[source]),
                            received_type=json_type(self.raw[source]))


class StepPlan:
    """The columns after each operation, and the steps that apply the operations to a row of raw columns.

    An operation leaves out the columns that reach no feature, because requests do not carry them.
    """

    def __init__(self, raw_types: dict[str, str]) -> None:
        self.columns = {name: PlannedColumn(column_type, name) for name, column_type in raw_types.items()}
        self.steps: list[Step] = []
        self.changes_values = False

    def add(self, position: int, operation: dict[str, Any]) -> None:
        kind = operation.get("op")
        if kind in ROW_OPERATIONS:
            return
        compile_step = COMPILERS.get(kind) if isinstance(kind, str) else None
        if compile_step is None:
            raise UnservableOperation(position, kind, "is not an operation that serving can apply to a request row")
        step = compile_step(self, operation, position)
        if step is not None:
            self.steps.append(step)
            self.changes_values = self.changes_values or kind in VALUE_OPERATIONS

    def present(self, names: list[str] | None) -> list[str]:
        """Return the listed columns that requests carry, or all of them for None."""
        if names is None:
            return list(self.columns)
        return [name for name in names if name in self.columns]


# --- One compiler per operation: each updates the plan's columns and returns the step for a row, or None --------


def _fill_missing(plan: StepPlan, operation: dict[str, Any], position: int) -> Step | None:
    names = plan.present(operation.get("columns"))
    if not names:
        return None
    fitted = _fitted(operation, "values", position)
    fills = {}
    for name in names:
        column = plan.columns[name]
        if name not in fitted:
            raise UnservableOperation(position, "fillMissing", f"records no fill value for column {name!r}")
        try:
            fills[name] = read_json(fitted[name], column.type)
        except ConversionFailed:
            raise UnservableOperation(
                position, "fillMissing", f"records the fill value {fitted[name]!r} for the {column.type} column {name!r}"
            ) from None

    def fill(values: Values, row: RequestRow) -> Values:
        for name, value in fills.items():
            if is_missing(values[name]):
                values[name] = value
        return values

    return fill


def _drop_missing(plan: StepPlan, operation: dict[str, Any], position: int) -> Step | None:
    checked = [(name, plan.columns[name].source) for name in plan.present(operation.get("columns"))]
    if not checked:
        return None

    def require_values(values: Values, row: RequestRow) -> Values:
        for name, source in checked:
            if is_missing(values[name]):
                raise row.error(
                    source, f"the model was trained only on rows with a value in column {name!r}, so send {row.accepted(source)}"
                )
        return values

    return require_values


def _drop_columns(plan: StepPlan, operation: dict[str, Any], position: int) -> Step | None:
    names = plan.present(operation.get("columns") or [])
    for name in names:
        del plan.columns[name]
    if not names:
        return None

    def drop(values: Values, row: RequestRow) -> Values:
        for name in names:
            del values[name]
        return values

    return drop


def _rename_columns(plan: StepPlan, operation: dict[str, Any], position: int) -> Step | None:
    mapping = {old: new for old, new in (operation.get("mapping") or {}).items() if old in plan.columns and old != new}
    if not mapping:
        return None
    plan.columns = {mapping.get(name, name): column for name, column in plan.columns.items()}

    def rename(values: Values, row: RequestRow) -> Values:
        return {mapping.get(name, name): value for name, value in values.items()}

    return rename


def _cast_columns(plan: StepPlan, operation: dict[str, Any], position: int) -> Step | None:
    casts = []
    for name, target in (operation.get("types") or {}).items():
        column = plan.columns.get(name)
        if column is None or column.type == target:
            continue
        if target not in COLUMN_TYPES or not can_convert(column.type, target):
            raise UnservableOperation(
                position, "castColumns", f"converts the {column.type} column {name!r} to {target!r}, which no cast does"
            )
        casts.append((name, column.type, target, column.source))
        column.type = target
    if not casts:
        return None

    def cast(values: Values, row: RequestRow) -> Values:
        for name, source_type, target, source in casts:
            try:
                values[name] = convert_value(values[name], source_type, target)
            except ConversionFailed:
                raise row.error(
                    source,
                    f"it does not convert to {target} as column {name!r} did for training, "
                    f"so send {row.accepted(source)} that does",
                ) from None
        return values

    return cast


def _scaler(kind: str) -> Callable[[StepPlan, dict[str, Any], int], Step | None]:
    def compile_scaling(plan: StepPlan, operation: dict[str, Any], position: int) -> Step | None:
        names = plan.present(operation.get("columns"))
        if not names:
            return None
        statistics = _fitted(operation, "statistics", position)
        scalings = []
        for name in names:
            column = plan.columns[name]
            if column.type not in NUMERIC_TYPES:
                raise UnservableOperation(position, kind, f"scales the {column.type} column {name!r}; only numbers scale")
            scale = _scale_function(kind, statistics.get(name), name, position)
            scalings.append((name, column.source, scale))
            column.type = "float"

        def apply_scaling(values: Values, row: RequestRow) -> Values:
            for name, source, scale in scalings:
                if values[name] is None:
                    continue
                number = float(values[name])
                scaled = scale(number)
                if math.isfinite(number) and not math.isfinite(scaled):
                    raise row.error(
                        source,
                        f"scaling column {name!r} by the training statistics gives a value beyond the float64 range "
                        "(about ±1.8e308), so send a value closer to the training data",
                        expected="a value within the range of the training data",
                    )
                values[name] = scaled
            return values

        return apply_scaling

    return compile_scaling


def _scale_function(kind: str, statistics: Any, name: str, position: int) -> Callable[[float], float]:
    """Return x -> the scaled x, with the worker's formula: (x - mean) / std, or (x - min) / (max - min)."""
    keys = ("mean", "std") if kind == "standardize" else ("min", "max")
    if not isinstance(statistics, dict) or not all(_is_finite_number(statistics.get(key)) for key in keys):
        raise UnservableOperation(position, kind, f"records no finite {' and '.join(keys)} for column {name!r}")
    if kind == "standardize":
        mean, std = float(statistics["mean"]), float(statistics["std"])
        # A constant column is only centred, as scikit-learn's StandardScaler does.
        divisor = std if std > 0 else 1.0
        return lambda number: _shifted_ratio(number, mean, divisor)

    low, high = float(statistics["min"]), float(statistics["max"])
    if high > low and math.isfinite(high - low):
        return lambda number: _shifted_ratio(number, low, high - low)
    if high > low:
        # The range is wider than float64 allows, but half of it fits.
        return lambda number: _shifted_ratio(number * 0.5, low / 2, high / 2 - low / 2)
    return lambda number: number * 0.0


def _shifted_ratio(number: float, shift: float, divisor: float) -> float:
    """Return (number - shift) / divisor, computed from halves where the difference alone overflows, as the worker does."""
    ratio = (number - shift) / divisor
    if math.isfinite(number) and not math.isfinite(ratio):
        return (number * 0.5 - shift / 2) / (divisor / 2)
    return ratio


def _one_hot(plan: StepPlan, operation: dict[str, Any], position: int) -> Step | None:
    names = plan.present(operation.get("columns"))
    if not names:
        return None
    fitted = _fitted(operation, "categories", position)
    encodings = []
    for name in names:
        column = plan.columns.pop(name)
        categories = fitted.get(name)
        if not isinstance(categories, list):
            raise UnservableOperation(position, "oneHot", f"records no categories for column {name!r}")
        indicators = {}
        for category in categories:
            try:
                indicators[read_json(category, column.type)] = one_hot_name(name, category)
            except ConversionFailed:
                raise UnservableOperation(
                    position, "oneHot", f"records the category {category!r} for the {column.type} column {name!r}"
                ) from None
        for indicator in indicators.values():
            plan.columns[indicator] = PlannedColumn("integer", column.source)
        encodings.append((name, indicators))

    def encode(values: Values, row: RequestRow) -> Values:
        for name, indicators in encodings:
            # A missing or unseen value sets no indicator, as in the derived version.
            value = values.pop(name)
            for indicator in indicators.values():
                values[indicator] = 0
            if value is not None and value in indicators:
                values[indicators[value]] = 1
        return values

    return encode


COMPILERS: dict[str, Callable[[StepPlan, dict[str, Any], int], Step | None]] = {
    "dropMissing": _drop_missing,
    "fillMissing": _fill_missing,
    "dropColumns": _drop_columns,
    "renameColumns": _rename_columns,
    "castColumns": _cast_columns,
    "standardize": _scaler("standardize"),
    "minMaxScale": _scaler("minMaxScale"),
    "oneHot": _one_hot,
}


def _fitted(operation: dict[str, Any], key: str, position: int) -> dict[str, Any]:
    fitted = (operation.get("fitted") or {}).get(key)
    if not isinstance(fitted, dict):
        raise UnservableOperation(
            position, operation.get("op"), f"records no fitted {key}, so its transform is unknown; derive the version again"
        )
    return fitted


def _is_finite_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def model_value(row: RequestRow, feature: str, column_type: str, source: str, value: Any) -> float | str:
    """Return a feature's value as the model takes it: a float, or text for a string feature.

    Raises PayloadError naming raw column `source` when the value is missing or not finite.
    """
    if is_missing(value):
        if row.raw[source] is None:
            problem = f"the model needs a value for feature {feature!r}, and training filled no missing values of this column"
        else:
            problem = f"it leaves feature {feature!r} without a value"
        raise row.error(source, f"{problem}, so send {row.accepted(source)}")
    if column_type == "string":
        return value
    number = float(value)
    if not math.isfinite(number):
        raise row.error(
            source, f"it gives feature {feature!r} the value {number}, and the model takes finite numbers",
            expected="a value that gives a finite number",
        )
    return number
