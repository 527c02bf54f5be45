"""Slices of the evaluated rows, and each slice's metrics ranked by how much worse they are than overall.

Slice specs:

- `{"kind": "values", "feature": name}`: one slice per distinct value, for a column with
  at most 50 distinct values.
- `{"kind": "bins", "feature": name, "bins": 4}`: equal-width ranges of a numeric column.
- `{"kind": "quantiles", "feature": name, "bins": 4}`: ranges holding about equal row counts.
- `{"kind": "label"}`: one slice per class, or for regression equal-width ranges of the label
  (`"bins"`, 4 unless given).
- `{"kind": "filter", "name": text, "filter": tree}`: the rows where a filter tree is true.
  The tree is the one `backend.domain.expressions.parse_filter` returns, and
  `workers.datasets.filters.compile_filter` evaluates it with Arrow.

A range includes its low end and excludes its high end, except the last range, which
includes the column's maximum. Rows whose value is null or NaN form one more slice of
`values`, `bins` and `quantiles` specs, with the value None.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Union

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from backend.domain.evaluation import MAX_SLICE_VALUES
from backend.domain.expressions import columns_of
from workers.datasets.errors import DatasetInputError
from workers.datasets.filters import compile_filter
from workers.evaluation.job import EvaluationFailed
from workers.evaluation.metrics import as_probabilities, classification_curves, classification_metrics, regression_metrics

KINDS = ("values", "bins", "quantiles", "label", "filter")
MAX_DISTINCT_VALUES = MAX_SLICE_VALUES
DEFAULT_BINS = 4
MAX_BINS = 100
MIN_CURVE_ROWS = 10
# Slices carry curves of their own, so a report with many slices keeps each one short.
SLICE_CURVE_POINTS = 50
# Accuracy, not macro F1: a slice that contains one class (every label slice) scores macro F1 of at most 0.5 after one
# error, which would rank it worse than slices that really fail.
PRIMARY_METRICS = {"classification": "accuracy", "regression": "rmse"}

Column = Union[np.ndarray, pa.Array, pa.ChunkedArray]


@dataclass(frozen=True)
class Slice:
    """A named subset of the evaluated rows, with the spec values that define it."""

    name: str
    mask: np.ndarray
    kind: str
    feature: str | None
    value: Any = None
    range: tuple[float, float] | None = None
    includes_high: bool = False
    expression: str | None = None

    def describe(self) -> dict[str, Any]:
        description: dict[str, Any] = {"name": self.name, "kind": self.kind, "feature": self.feature}
        if self.range is not None:
            description["range"] = [self.range[0], self.range[1]]
            description["includesHigh"] = self.includes_high
        elif self.kind != "filter":
            description["value"] = self.value
        if self.expression is not None:
            description["expression"] = self.expression
        return description


def slice_rows(
    columns: Mapping[str, Column],
    y_true: np.ndarray,
    spec: dict[str, Any],
    *,
    classes: list[str] | None = None,
    label: str = "label",
) -> list[tuple[str, np.ndarray]]:
    """Return each slice of one spec as (name, boolean row mask). Raises EvaluationFailed for a spec that does not fit the data."""
    return [(item.name, item.mask) for item in build_slices(columns, y_true, spec, classes=classes, label=label)]


def build_slices(
    columns: Mapping[str, Column],
    y_true: np.ndarray,
    spec: dict[str, Any],
    *,
    classes: list[str] | None = None,
    label: str = "label",
) -> list[Slice]:
    """Return the slices of one spec over the rows of `columns`, whose label values are `y_true`."""
    if not isinstance(spec, dict) or spec.get("kind") not in KINDS:
        kind = spec.get("kind") if isinstance(spec, dict) else spec
        raise EvaluationFailed(f"The slice kind {kind!r} is unknown. Accepted kinds are {', '.join(KINDS)}.")
    kind = spec["kind"]
    row_count = len(y_true)

    if kind == "label":
        return _label_slices(np.asarray(y_true), spec, classes, label)
    if kind == "filter":
        return [_filter_slice(columns, spec, row_count)]

    feature = spec.get("feature")
    column = _column(columns, feature, row_count)
    if kind == "values":
        return _value_slices(feature, column)
    values = _numeric(feature, column, kind)
    bins = _bin_count(spec)
    return _range_slices(feature, kind, values, _edges(values, bins, kind))


def slice_metrics(
    columns: Mapping[str, Column],
    y_true: np.ndarray,
    predictions: np.ndarray,
    specs: list[dict[str, Any]],
    *,
    task: str,
    classes: list[str] | None = None,
    label: str = "label",
) -> list[dict[str, Any]]:
    """Measure every slice of `specs` and return them worst first.

    `predictions` are class probabilities for classification and predicted values for
    regression. Each slice's `gap` is its primary metric minus the overall one: accuracy for
    classification (a negative gap is worse) and RMSE for regression (a positive gap is
    worse). An empty slice has 0 rows, no metrics and goes last. A binary model's slices of at
    least 10 rows carry their own ROC and precision-recall curves.
    """
    y_true = np.asarray(y_true)
    if task == "classification":
        if classes is None:
            raise ValueError("Classification slices need the class names.")
        predictions = as_probabilities(predictions, len(classes))
    overall = _primary(task, _measure_rows(task, y_true, predictions, classes))

    measured = []
    for spec in specs:
        for item in build_slices(columns, y_true, spec, classes=classes, label=label):
            measured.append(_slice_entry(item, task, y_true, predictions, classes, overall))
    return _ranked(measured, task)


def _slice_entry(
    item: Slice, task: str, y_true: np.ndarray, predictions: np.ndarray, classes: list[str] | None, overall: float | None
) -> dict[str, Any]:
    rows = int(np.count_nonzero(item.mask))
    entry = {**item.describe(), "rows": rows, "metrics": None, "gap": None, "curves": None, "notes": []}
    if rows == 0:
        entry["notes"].append("The slice has no rows, so it has no metrics.")
        return entry

    full = _measure_rows(task, y_true[item.mask], predictions[item.mask], classes)
    entry["notes"].extend(full["notes"])
    if task == "classification":
        names = ("accuracy", "precision", "recall", "f1", "rocAuc", "prAuc", "logLoss")
        averaged = {"precision": full["macro"]["precision"], "recall": full["macro"]["recall"], "f1": full["macro"]["f1"]}
        entry["metrics"] = {name: averaged.get(name, full.get(name)) for name in names}
    else:
        entry["metrics"] = {name: full[name] for name in ("mae", "mse", "rmse", "r2")}

    if item.kind == "label" and classes is not None:
        entry["notes"].append(
            f"Every row of this slice has class {item.value!r}, so its macro averages include classes that occur only as "
            f"wrong predictions. Its accuracy is the recall of {item.value!r}."
        )
    value = _primary(task, full)
    entry["gap"] = None if value is None or overall is None else value - overall
    if task == "classification" and classes is not None and len(classes) == 2 and rows >= MIN_CURVE_ROWS:
        curves = classification_curves(y_true[item.mask], predictions[item.mask], classes, max_points=SLICE_CURVE_POINTS)
        entry["curves"] = {"roc": curves["roc"], "pr": curves["pr"]}
        entry["notes"].extend(curves["notes"])
    return entry


def _measure_rows(task: str, y_true: np.ndarray, predictions: np.ndarray, classes: list[str] | None) -> dict[str, Any]:
    if task == "classification":
        return classification_metrics(y_true, predictions, classes or [])
    return regression_metrics(y_true, predictions)


def _primary(task: str, metrics: dict[str, Any]) -> float | None:
    return metrics[PRIMARY_METRICS[task]]


def _ranked(entries: list[dict[str, Any]], task: str) -> list[dict[str, Any]]:
    """Sort worst first, by lowest accuracy gap or highest RMSE gap. Slices without a gap keep their order at the end."""
    sign = -1.0 if task == "regression" else 1.0
    measured = [entry for entry in entries if entry["gap"] is not None]
    unmeasured = [entry for entry in entries if entry["gap"] is None]
    return sorted(measured, key=lambda entry: sign * entry["gap"]) + unmeasured


def _label_slices(y_true: np.ndarray, spec: dict[str, Any], classes: list[str] | None, label: str) -> list[Slice]:
    if classes is not None:
        return [
            Slice(f"{label} = {name!r}", y_true == index, "label", label, value=name)
            for index, name in enumerate(classes)
        ]
    values = y_true.astype("float64")
    return _range_slices(label, "label", values, _edges(values, _bin_count(spec), "bins"))


def _value_slices(feature: str, column: Column) -> list[Slice]:
    present_values, missing = _present_values(column)
    distinct, inverse = np.unique(present_values, return_inverse=True)
    if len(distinct) > MAX_DISTINCT_VALUES:
        raise EvaluationFailed(
            f"Column {feature!r} has {len(distinct)} distinct values in the evaluated rows, and a values slice accepts at "
            f"most {MAX_DISTINCT_VALUES}. Slice it with bins or quantiles, or with a filter."
        )

    present = np.flatnonzero(~missing)
    slices = []
    for index, value in enumerate(distinct):
        mask = np.zeros(len(missing), dtype=bool)
        mask[present[inverse == index]] = True
        plain = _plain_value(value)
        slices.append(Slice(f"{feature} = {_literal(plain)}", mask, "values", feature, value=plain))
    if missing.any():
        slices.append(Slice(f"{feature} is null", missing, "values", feature, value=None))
    return slices


def _edge_labels(edges: np.ndarray) -> list[str]:
    """Format bin edges with 4 significant digits, or with more where 4 would make two edges read the same."""
    for digits in range(4, 18):
        labels = [f"{float(edge):.{digits}g}" for edge in edges]
        if len(set(labels)) == len(set(float(edge) for edge in edges)):
            return labels
    return labels


def _range_slices(feature: str, kind: str, values: np.ndarray, edges: np.ndarray) -> list[Slice]:
    finite = np.isfinite(values)
    labels = _edge_labels(edges)
    slices = []
    for position in range(len(edges) - 1):
        low, high = float(edges[position]), float(edges[position + 1])
        last = position == len(edges) - 2
        above = finite & (values >= low)
        mask = above & (values <= high) if last else above & (values < high)
        name = f"{feature} in [{labels[position]}, {labels[position + 1]}{']' if last else ')'}"
        slices.append(Slice(name, mask, kind, feature, range=(low, high), includes_high=last))
    if len(edges) == 1:
        value = float(edges[0])
        slices.append(Slice(f"{feature} in [{labels[0]}, {labels[0]}]", finite, kind, feature, range=(value, value),
                            includes_high=True))

    # NOTE: infinite values fall in no range and are not counted as missing either.
    missing = np.isnan(values)
    if missing.any():
        slices.append(Slice(f"{feature} is null", missing, kind, feature, value=None))
    return slices


def _edges(values: np.ndarray, bins: int, kind: str) -> np.ndarray:
    """Return the sorted, distinct range edges. A single edge means that every finite value is the same."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return np.array([])
    if kind == "quantiles":
        return np.unique(np.quantile(finite, np.linspace(0.0, 1.0, bins + 1)))
    return np.unique(np.linspace(finite.min(), finite.max(), bins + 1))


def _filter_slice(columns: Mapping[str, Column], spec: dict[str, Any], row_count: int) -> Slice:
    name = spec.get("name")
    if not isinstance(name, str) or not name:
        raise EvaluationFailed("A filter slice needs a non-empty name.")
    tree = spec.get("filter")
    try:
        read = sorted(columns_of(tree))
    except (KeyError, TypeError, AttributeError):
        raise EvaluationFailed(f"The filter of slice {name!r} is not a valid filter tree.") from None

    row_index = "__row__"
    while row_index in columns:
        row_index += "_"
    arrays = {column: _canonical(column, _arrow(columns[column])) for column in read if column in columns}
    table = pa.table({**arrays, row_index: pa.array(np.arange(row_count, dtype="int64"))})
    try:
        expression = compile_filter(tree, table.schema, field=f"slice {name}")
    except DatasetInputError as error:
        raise EvaluationFailed(f"The filter of slice {name!r} is invalid: {error.message}") from None

    matching_rows = table.filter(expression)[row_index].to_numpy()
    mask = np.zeros(row_count, dtype=bool)
    mask[matching_rows] = True
    text = spec.get("expression")
    return Slice(name, mask, "filter", None, expression=text if isinstance(text, str) else None)


def _column(columns: Mapping[str, Column], feature: Any, row_count: int) -> Column:
    if not isinstance(feature, str) or feature not in columns:
        available = ", ".join(repr(name) for name in list(columns)[:20])
        raise EvaluationFailed(f"The slice column {feature!r} is not in the evaluated rows. The columns are {available}.")
    column = columns[feature]
    if len(column) != row_count:
        raise ValueError(f"Column {feature!r} has {len(column)} values for {row_count} rows.")
    return column


def _bin_count(spec: dict[str, Any]) -> int:
    bins = spec.get("bins", DEFAULT_BINS)
    if isinstance(bins, bool) or not isinstance(bins, int) or not 1 <= bins <= MAX_BINS:
        raise EvaluationFailed(f"The slice bins {bins!r} is invalid. Use a whole number from 1 to {MAX_BINS}.")
    return bins


def _numeric(feature: str, column: Column, kind: str) -> np.ndarray:
    """Return the column as float64 with NaN for each missing value, or raise for a column that is not numeric."""
    if isinstance(column, (pa.Array, pa.ChunkedArray)):
        if not (pa.types.is_integer(column.type) or pa.types.is_floating(column.type) or pa.types.is_decimal(column.type)):
            raise EvaluationFailed(f"{kind.capitalize()} slices need a numeric column, and {feature!r} has type {column.type}.")
        return pc.cast(column, pa.float64()).to_numpy(zero_copy_only=False).astype("float64")
    values = np.asarray(column)
    if not np.issubdtype(values.dtype, np.number) or np.issubdtype(values.dtype, np.bool_):
        raise EvaluationFailed(f"{kind.capitalize()} slices need a numeric column, and {feature!r} has type {values.dtype}.")
    return values.astype("float64")


def _present_values(column: Column) -> tuple[np.ndarray, np.ndarray]:
    """Return the values that are not null or NaN, in row order, and the mask of the missing ones."""
    if isinstance(column, (pa.Array, pa.ChunkedArray)):
        missing = pc.is_null(column, nan_is_null=True).to_numpy(zero_copy_only=False).astype(bool)
        present = column.filter(pa.array(~missing))
        return present.to_numpy(zero_copy_only=False), missing
    values = np.asarray(column)
    if np.issubdtype(values.dtype, np.floating):
        missing = np.isnan(values)
    elif values.dtype == object:
        missing = np.array([item is None or (isinstance(item, float) and item != item) for item in values], dtype=bool)
    else:
        missing = np.zeros(len(values), dtype=bool)
    return values[~missing], missing


def _arrow(values: Column) -> pa.Array | pa.ChunkedArray:
    # from_pandas reads NaN as null, which is how numpy object arrays of text mark a missing value.
    return values if isinstance(values, (pa.Array, pa.ChunkedArray)) else pa.array(values, from_pandas=True)


def _canonical(name: str, column: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """Cast a column to the Arrow type that canonical dataset files store, the only types filters compile against."""
    kind = column.type
    if pa.types.is_integer(kind):
        target = pa.int64()
    elif pa.types.is_floating(kind) or pa.types.is_decimal(kind):
        target = pa.float64()
    elif pa.types.is_string(kind) or pa.types.is_large_string(kind):
        target = pa.string()
    elif pa.types.is_boolean(kind):
        target = pa.bool_()
    elif pa.types.is_timestamp(kind):
        target = pa.timestamp("us", tz="UTC")
    elif pa.types.is_date(kind):
        target = pa.date32()
    else:
        raise EvaluationFailed(f"Column {name!r} has type {kind}, which slice filters cannot compare.")
    return column if kind == target else pc.cast(column, target)


def _plain_value(value: Any) -> Any:
    """Return a JSON-ready copy of a distinct column value: numbers, text, booleans, and ISO text for times."""
    if isinstance(value, np.datetime64):
        return str(value)
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def _literal(value: Any) -> str:
    """Write a value as the filter language writes literals: 'text', true or false, and numbers as they are."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value)
    return str(value)
