"""Drift: how far the data a deployment serves has moved from the dataset version its model was trained on.

The training side is the profile that the dataset worker writes for the version: quantiles
for numeric columns, top values with counts for string, boolean and low-cardinality integer
columns, and the label's class counts. The served side is a list of values of one column,
or of the model's predictions.

Population stability index (PSI), over bins i with training share e_i and served share a_i:

    PSI = sum_i (a_i - e_i) * ln(a_i / e_i)

A share of 0 counts as EMPTY_SHARE, so an empty bin adds a large but finite term. A PSI
below 0.1 is usually read as little change, 0.1 to 0.25 as a moderate shift worth a look,
and above 0.25 as a large shift, where retraining on newer data is often considered.
Numeric columns are binned at the training deciles, categorical columns by top value plus
one bin for all other values.

Kolmogorov-Smirnov statistic (KS), for numeric columns only:

    D = max over x of |F_served(x) - F_train(x)|

F_served is the empirical CDF of the served values. F_train is the piecewise-linear CDF
through the profile's (quantile value, level) points: 0 below the minimum, 1 from the
maximum on, and a jump where several levels share one value. D ranges from 0 (the same
distribution) to 1 (no overlap).
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from backend.domain.base import InvalidInput

Profile = Mapping[str, Any]
Task = Literal["classification", "regression"]

TASKS = ("classification", "regression")
NUMERIC_TYPES = ("integer", "float")
DECILE_LEVELS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
# The share that an empty bin counts as, which keeps ln(a / e) finite.
EMPTY_SHARE = 1e-4


@dataclass(frozen=True)
class FeatureDrift:
    """Drift of one column's served values from the training profile.

    `rows` counts every served value and `missing` those left out: None, NaN, infinities,
    and for numeric columns any value that is not a number.
    """

    psi: float
    ks: float | None
    rows: int
    missing: int

    def to_dict(self) -> dict[str, Any]:
        return {"psi": self.psi, "ks": self.ks, "rows": self.rows, "missing": self.missing}


class QuantileCdf:
    """The training CDF, piecewise linear through a profile's (quantile value, level) points."""

    def __init__(self, points: Sequence[tuple[float, float]]) -> None:
        ordered = sorted(points)
        self.values = [value for value, _level in ordered]
        self.levels = [level for _value, level in ordered]

    @classmethod
    def from_quantiles(cls, quantiles: Sequence[Mapping[str, Any]]) -> QuantileCdf | None:
        """Build the CDF from a profile's "quantiles" entries, or return None when none has a finite value."""
        points = [
            (float(entry["value"]), float(entry["q"]))
            for entry in quantiles
            if entry.get("value") is not None and math.isfinite(entry["value"])
        ]
        return cls(points) if points else None

    def at(self, x: float) -> float:
        """Return F(x), the share of training values at or below x."""
        if x < self.values[0]:
            return 0.0
        if x >= self.values[-1]:
            return 1.0
        last = bisect_right(self.values, x) - 1
        if self.values[last] == x:
            return self.levels[last]
        return self._between(last, x)

    def below(self, x: float) -> float:
        """Return F(x-), the share of training values strictly below x."""
        if x <= self.values[0]:
            return 0.0
        if x > self.values[-1]:
            return 1.0
        first = bisect_left(self.values, x)
        if self.values[first] == x:
            return self.levels[first]
        return self._between(first - 1, x)

    def _between(self, index: int, x: float) -> float:
        low, high = self.values[index], self.values[index + 1]
        low_level, high_level = self.levels[index], self.levels[index + 1]
        return low_level + (high_level - low_level) * (x - low) / (high - low)


def population_stability_index(expected: Sequence[float], actual: Sequence[float]) -> float:
    """Compute the PSI of paired bin shares, counting a share below EMPTY_SHARE as EMPTY_SHARE."""
    total = 0.0
    for expected_share, actual_share in zip(expected, actual, strict=True):
        expected_share, actual_share = max(expected_share, EMPTY_SHARE), max(actual_share, EMPTY_SHARE)
        total += (actual_share - expected_share) * math.log(actual_share / expected_share)
    return total


def column_drift(profile: Profile, column: str, values: Iterable[Any]) -> FeatureDrift | None:
    """Compute the drift of one column: numeric for integer and float columns, categorical for columns with top values.

    Returns None for a column with neither summary (dates and datetimes), and when no
    served value can be compared. Raises InvalidInput when the profile has no such column.
    """
    summary = _column(profile, column)
    if summary.get("type") in NUMERIC_TYPES:
        return numeric_drift(summary, values)
    if summary.get("topValues"):
        return categorical_drift(summary, values, rows=int(profile["rows"]))
    return None


def numeric_drift(column: Profile, values: Iterable[Any]) -> FeatureDrift | None:
    """Compute PSI over the training deciles and KS against the quantile CDF of a numeric column profile.

    Served numbers, numeric text and booleans (as 0 and 1) are compared. Returns None when
    the profile has no finite quantiles or no served value is a finite number.
    """
    cdf = QuantileCdf.from_quantiles(column.get("quantiles") or [])
    numbers, rows = _finite_numbers(values)
    if cdf is None or not numbers:
        return None

    numbers.sort()
    edges = _decile_edges(column["quantiles"])
    psi = _binned_psi(cdf, edges, numbers)
    ks = _ks_statistic(cdf, numbers)
    return FeatureDrift(psi=psi, ks=ks, rows=rows, missing=rows - len(numbers))


def categorical_drift(column: Profile, values: Iterable[Any], *, rows: int) -> FeatureDrift | None:
    """Compute PSI over a column profile's top values plus one bin for every other value, with KS None.

    `rows` is the number of rows the profile summarises (its "rows"), so that the training
    share of other values is 1 - sum(top counts) / (rows - missing). Values match when
    their text does, as described for `category`. Returns None when the profile has no top
    values or no served value is present.
    """
    present = rows - int(column.get("missing") or 0)
    return _categorical_drift(column.get("topValues") or [], present, column.get("type"), values)


def prediction_drift(profile: Profile, label: str, predictions: Iterable[Any], task: Task) -> FeatureDrift | None:
    """Compute the drift of a model's predictions from the training distribution of its label column.

    For classification, `predictions` are predicted classes, compared with the profile's
    label class counts (or the column's top values when the profile summarises another
    label) as in `categorical_drift`. For regression they are numbers, compared with the
    label column's quantiles as in `numeric_drift`. Raises InvalidInput for an unknown task
    or a label that is not a column of the profile.
    """
    if task not in TASKS:
        raise InvalidInput(f"Task {task!r} is invalid. Use one of {', '.join(TASKS)}.", field="task", value=task)
    column = _column(profile, label)
    if task == "regression":
        return numeric_drift(column, predictions)

    summary = profile.get("label") or {}
    counts = summary.get("distribution") if summary.get("column") == label else None
    present = int(profile["rows"]) - int(column.get("missing") or 0)
    return _categorical_drift(counts or column.get("topValues") or [], present, column.get("type"), predictions)


def category(value: Any, column_type: str | None) -> str | None:
    """Return the text under which a value is counted in a column of `column_type`, or None when it is missing.

    Values are compared as text, so that the integer 1 and the text "1" match, as do the
    class names that training writes with str(). In integer and float columns numbers are
    written in one form, so 1, 1.0 and "1.0" match. In boolean columns True, "True" and
    "true" match. None and NaN are missing.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if column_type == "boolean" and isinstance(value, (bool, str)):
        return str(value).lower()
    if column_type in NUMERIC_TYPES:
        return _number_text(value)
    return str(value)


def _column(profile: Profile, name: str) -> Profile:
    columns = profile.get("columns") or []
    for column in columns:
        if column.get("name") == name:
            return column
    names = [column.get("name") for column in columns]
    listed_names = ", ".join(repr(column) for column in names[:10]) + (", ..." if len(names) > 10 else "")
    raise InvalidInput(
        f"Column {name!r} was not found in the dataset profile, which has the columns {listed_names or 'none'}. "
        "Check that the model was trained on this dataset version.",
        field="column",
        value=name,
    )


def _finite_numbers(values: Iterable[Any]) -> tuple[list[float], int]:
    """Return the served values that are finite numbers, and the count of all served values."""
    numbers: list[float] = []
    rows = 0
    for value in values:
        rows += 1
        number = _as_number(value)
        if number is not None and math.isfinite(number):
            numbers.append(number)
    return numbers, rows


def _as_number(value: Any) -> float | None:
    # bool is an int in Python, and castColumns also converts booleans to 0 and 1.
    if not isinstance(value, (int, float, str)):
        return None
    try:
        return float(value)
    except (ValueError, OverflowError):
        return None


def _number_text(value: Any) -> str:
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, str):
        try:
            return str(int(value))
        except ValueError:
            pass
    number = _as_number(value)
    if number is None or not math.isfinite(number):
        return str(value)
    return str(int(number)) if number.is_integer() else repr(number)


def _decile_edges(quantiles: Sequence[Mapping[str, Any]]) -> list[float]:
    """Return the distinct finite values at the decile levels, in increasing order."""
    edges = {
        float(entry["value"])
        for entry in quantiles
        if any(math.isclose(entry["q"], level) for level in DECILE_LEVELS)
        and entry.get("value") is not None
        and math.isfinite(entry["value"])
    }
    return sorted(edges)


def _binned_psi(cdf: QuantileCdf, edges: list[float], numbers: list[float]) -> float:
    """Compute PSI over the bins (-inf, edges[0]], (edges[0], edges[1]], ..., (edges[-1], inf).

    The training share of a bin is F(right edge) - F(left edge). For continuous data that is
    0.1 a decile. Where several deciles share one value (a discrete column), their bins merge
    and the jump of F at that value goes to the bin that ends there.
    """
    bounds = [cdf.at(edge) for edge in edges]
    expected = [high - low for low, high in zip([0.0, *bounds], [*bounds, 1.0])]

    counts = [0] * (len(edges) + 1)
    for number in numbers:
        counts[bisect_left(edges, number)] += 1
    actual = [count / len(numbers) for count in counts]

    # NOTE: F is known only at the profile's quantile levels, so for a discrete column the training
    # shares can be off by up to the gap between two levels, and identical data can show a PSI near 0.01.
    return population_stability_index(expected, actual)


def _ks_statistic(cdf: QuantileCdf, numbers: list[float]) -> float:
    """Compute max |F_served - F_train| over sorted `numbers`.

    F_served is a step function and F_train is non-decreasing, so the maximum lies just
    below or at a served value: both sides of each step are compared.
    """
    count = len(numbers)
    distance = 0.0
    index = 0
    while index < count:
        value = numbers[index]
        end = bisect_right(numbers, value, lo=index)
        distance = max(distance, abs(index / count - cdf.below(value)), abs(end / count - cdf.at(value)))
        index = end
    return distance


def _categorical_drift(
    counts: Sequence[Mapping[str, Any]], present: int, column_type: str | None, values: Iterable[Any]
) -> FeatureDrift | None:
    """Compute PSI over the profile's counted values plus one bin for the rest of `present` training rows."""
    training: dict[str, int] = {}
    for entry in counts:
        key = category(entry["value"], column_type)
        if key is not None:
            training[key] = training.get(key, 0) + int(entry["count"])

    served: Counter[str] = Counter()
    rows = 0
    for value in values:
        rows += 1
        key = category(value, column_type)
        if key is not None:
            served[key] += 1
    compared = sum(served.values())
    if not training or present <= 0 or compared == 0:
        return None

    expected = [count / present for count in training.values()]
    expected.append(max(0.0, 1.0 - sum(expected)))
    actual = [served[key] / compared for key in training]
    actual.append((compared - sum(served[key] for key in training)) / compared)
    psi = population_stability_index(expected, actual)
    return FeatureDrift(psi=psi, ks=None, rows=rows, missing=rows - compared)
