"""Comparison of evaluations: each metric side by side with the best value, the curves of each, and version diffs.

The functions work on evaluation read-model rows and their stored reports, without GraphQL,
so the query that compares several evaluations and the registry's version diff read the same
metric rows. A metric's name is its path in the report's `metrics`: `accuracy`, `macro.f1`,
`perClass.<class>.recall`, `rmse`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from backend.domain.base import InvalidInput

Row = dict[str, Any]
Report = dict[str, Any]

MIN_COMPARED = 2
MAX_COMPARED = 10
CLASSIFICATION_METRICS = ("accuracy", "logLoss", "rocAuc", "prAuc")
AVERAGES = ("macro", "micro", "weighted")
CLASS_METRICS = ("precision", "recall", "f1")
REGRESSION_METRICS = ("mae", "mse", "rmse", "r2")
LOWER_IS_BETTER = frozenset({"logLoss", "mae", "mse", "rmse"})
# Two metric values this close count as equal: the same metric computed in a different order can differ
# in its last bits, and that is no reason to name a better version.
METRIC_RELATIVE_TOLERANCE = 1e-9
METRIC_ABSOLUTE_TOLERANCE = 1e-12


@dataclass(frozen=True)
class MetricRow:
    """One metric of every compared evaluation, in the order the evaluations were given."""

    name: str
    values: list[float | None]
    higher_is_better: bool
    best: list[int]
    """Positions of the evaluations with the best value: several when they tie, none when no evaluation has a value."""


@dataclass(frozen=True)
class CurvePoint:
    x: float
    y: float
    threshold: float | None
    """The score at or above which rows count as positive, or None for the start point above every score."""


@dataclass(frozen=True)
class Curve:
    """A ROC curve (x false positive rate, y true positive rate) or a precision-recall curve (x recall, y precision)."""

    class_name: str
    area: float | None
    """ROC AUC, or the average precision of a precision-recall curve."""
    points: list[CurvePoint]


@dataclass(frozen=True)
class ResidualHistogram:
    """Counts of the residuals (true − predicted) in equal-width bins from `low` to `high`."""

    low: float | None
    high: float | None
    counts: list[int]


@dataclass(frozen=True)
class Curves:
    """The curves of one evaluation's report: ROC and precision-recall for classification, residuals for regression."""

    evaluation_id: str
    roc: list[Curve]
    pr: list[Curve]
    residuals: ResidualHistogram | None


@dataclass(frozen=True)
class CatalogNames:
    """The names of the models and datasets that evaluation rows refer to by id, and the dataset versions' numbers."""

    models: dict[str, str] = field(default_factory=dict)
    datasets: dict[str, str] = field(default_factory=dict)
    dataset_versions: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class EvaluatedData:
    """The data one evaluation measured: a model version on a dataset version's split, against a label column.

    A name missing from the catalog is given as the id, and a missing dataset version number as None.
    """

    evaluation_id: str
    model_name: str
    model_version_number: int
    dataset_name: str
    dataset_version_id: str
    dataset_version_number: int | None
    split: str | None
    label: str


@dataclass(frozen=True)
class Comparison:
    """Completed evaluations of one task, metric by metric."""

    task: str
    metrics: list[MetricRow]
    same_data: bool
    """Whether every evaluation measured the same split of the same dataset version with the same label."""
    different_classes: bool
    """Whether the evaluations' class lists differ, so that a per-class metric is null for an evaluation without the class."""
    data: list[EvaluatedData]
    """The data each evaluation measured, in the order the evaluations were given."""
    notes: list[str]
    curves: list[Curves]


@dataclass(frozen=True)
class MetricDifference:
    """One metric of two evaluations, a and b, and b minus a."""

    name: str
    a: float | None
    b: float | None
    difference: float | None
    higher_is_better: bool
    better: str | None
    """"a" or "b", whichever value is better, or None when they are equal or either is missing."""


def check_compared_ids(ids: Sequence[str]) -> None:
    """Raise InvalidInput on the field `ids` unless it names 2 to 10 evaluations, each once."""
    if not MIN_COMPARED <= len(ids) <= MAX_COMPARED:
        raise InvalidInput(
            f"A comparison takes {MIN_COMPARED} to {MAX_COMPARED} evaluation ids, but ids contains {len(ids)}.",
            field="ids",
            value=len(ids),
        )
    seen: set[str] = set()
    for evaluation_id in ids:
        if evaluation_id in seen:
            raise InvalidInput(
                f"ids names evaluation {evaluation_id} twice. Name each evaluation once.", field="ids", value=evaluation_id
            )
        seen.add(evaluation_id)


def compare_evaluations(
    rows: Sequence[Row], load_report: Callable[[str], Report], catalog: CatalogNames | None = None
) -> Comparison:
    """Compare the evaluations of `rows` metric by metric, reading each report with `load_report`.

    `catalog` gives the models and datasets their names in the data of each evaluation and in the notes.
    Raises InvalidInput naming the first evaluation that is not completed, or whose task
    differs from the first evaluation's.
    """
    for row in rows:
        if row["status"] != "completed":
            raise InvalidInput(
                f"Evaluation {row['evaluation_id']} is {row['status']}, but only completed evaluations can be compared. "
                + ("Wait until it completes, or leave it out." if row["status"] == "pending" else "Leave it out."),
                field="ids",
                value=row["evaluation_id"],
            )
    task = rows[0]["task"]
    for row in rows[1:]:
        if row["task"] != task:
            raise InvalidInput(
                f"Evaluation {row['evaluation_id']} is a {row['task']} evaluation, but evaluation {rows[0]['evaluation_id']} "
                f"is a {task} evaluation. Compare evaluations of one task.",
                field="ids",
                value=row["evaluation_id"],
            )

    reports = [load_report(row["report_sha256"]) for row in rows]
    values = [metric_values(report) for report in reports]
    names = list(dict.fromkeys(name for measured in values for name in measured))
    metrics = []
    for name in names:
        row_values = [measured.get(name) for measured in values]
        higher = higher_is_better(name)
        metrics.append(MetricRow(name=name, values=row_values, higher_is_better=higher, best=best_positions(row_values, higher)))
    data = [evaluated_data(row, catalog or CatalogNames()) for row in rows]
    same_data = len({_data_key(row) for row in rows}) == 1
    different_classes = len({tuple(json.loads(row["classes"])) for row in rows if row.get("classes")}) > 1
    return Comparison(
        task=task,
        metrics=metrics,
        same_data=same_data,
        different_classes=different_classes,
        data=data,
        notes=_data_notes(data, same_data=same_data, different_classes=different_classes),
        curves=[curves_of(row["evaluation_id"], report) for row, report in zip(rows, reports)],
    )


def evaluated_data(row: Row, catalog: CatalogNames) -> EvaluatedData:
    """Return what the evaluation of `row` measured, naming its model and dataset from `catalog`."""
    return EvaluatedData(
        evaluation_id=row["evaluation_id"],
        model_name=catalog.models.get(row["model_id"], row["model_id"]),
        model_version_number=int(row["version_number"]),
        dataset_name=catalog.datasets.get(row["dataset_id"], row["dataset_id"]),
        dataset_version_id=row["dataset_version_id"],
        dataset_version_number=catalog.dataset_versions.get(row["dataset_version_id"]),
        split=row["split"],
        label=row["label"],
    )


def metric_values(report: Report) -> dict[str, float | None]:
    """Return the report's metrics by name, each a number or None. Counts such as rows and support are left out."""
    metrics = report.get("metrics") or {}
    if report.get("task") == "regression":
        return {name: metrics.get(name) for name in REGRESSION_METRICS}

    values: dict[str, float | None] = {name: metrics.get(name) for name in CLASSIFICATION_METRICS}
    for average in AVERAGES:
        for name in CLASS_METRICS:
            values[f"{average}.{name}"] = (metrics.get(average) or {}).get(name)
    for entry in metrics.get("perClass") or []:
        for name in CLASS_METRICS:
            values[f"perClass.{entry['class']}.{name}"] = entry.get(name)
    return values


def higher_is_better(name: str) -> bool:
    return name.rsplit(".", 1)[-1] not in LOWER_IS_BETTER


def metrics_equal(a: float, b: float) -> bool:
    """Return whether two values of one metric are equal within the comparison's tolerance."""
    return math.isclose(a, b, rel_tol=METRIC_RELATIVE_TOLERANCE, abs_tol=METRIC_ABSOLUTE_TOLERANCE)


def best_positions(values: Sequence[float | None], higher: bool) -> list[int]:
    known = [value for value in values if value is not None]
    if not known:
        return []
    best = max(known) if higher else min(known)
    return [position for position, value in enumerate(values) if value is not None and metrics_equal(value, best)]


def curves_of(evaluation_id: str, report: Report) -> Curves:
    """Return the ROC and precision-recall curves, or the residual histogram, of one evaluation's report."""
    curves = report.get("curves") or {}
    roc = [
        Curve(class_name=str(curve["class"]), area=curve.get("auc"), points=_points(curve["fpr"], curve["tpr"], curve["thresholds"]))
        for curve in curves.get("roc") or []
    ]
    pr = [
        Curve(
            class_name=str(curve["class"]),
            area=curve.get("averagePrecision"),
            points=_points(curve["recall"], curve["precision"], curve["thresholds"]),
        )
        for curve in curves.get("pr") or []
    ]
    residuals = curves.get("residuals")
    histogram = None
    if residuals is not None:
        histogram = ResidualHistogram(low=residuals.get("low"), high=residuals.get("high"), counts=list(residuals.get("counts") or []))
    return Curves(evaluation_id=evaluation_id, roc=roc, pr=pr, residuals=histogram)


def latest_common_evaluations(rows_a: Sequence[Row], rows_b: Sequence[Row]) -> tuple[Row, Row] | None:
    """Return the newest completed evaluation of a and of b on data both were evaluated on, or None when they share none.

    Data is a dataset version's split with one label and task. When a and b share several,
    the one evaluated most recently, by either, is taken.
    """
    latest_a, latest_b = _latest_by_data(rows_a), _latest_by_data(rows_b)
    common = set(latest_a) & set(latest_b)
    if not common:
        return None
    newest = max(common, key=lambda key: max(latest_a[key]["requested_position"], latest_b[key]["requested_position"]))
    return latest_a[newest], latest_b[newest]


def metric_differences(report_a: Report, report_b: Report) -> list[MetricDifference]:
    """Return every metric of two reports with b minus a, and which of the two is better.

    Values equal within the tolerance of `metrics_equal` have a difference of 0 and no better one.
    """
    values_a, values_b = metric_values(report_a), metric_values(report_b)
    differences = []
    for name in dict.fromkeys([*values_a, *values_b]):
        a, b = values_a.get(name), values_b.get(name)
        higher = higher_is_better(name)
        difference = None
        better = None
        if a is not None and b is not None:
            difference = 0.0 if metrics_equal(a, b) else b - a
        if difference:
            better = "b" if (difference > 0) == higher else "a"
        differences.append(
            MetricDifference(name=name, a=a, b=b, difference=difference, higher_is_better=higher, better=better)
        )
    return differences


def _latest_by_data(rows: Sequence[Row]) -> dict[tuple[Any, ...], Row]:
    latest: dict[tuple[Any, ...], Row] = {}
    for row in rows:
        if row["status"] != "completed":
            continue
        key = (*_data_key(row), row["task"])
        if key not in latest or row["requested_position"] > latest[key]["requested_position"]:
            latest[key] = row
    return latest


def _data_key(row: Row) -> tuple[str, str | None, str]:
    return row["dataset_version_id"], row["split"], row["label"]


def _data_notes(data: Sequence[EvaluatedData], *, same_data: bool, different_classes: bool) -> list[str]:
    notes = []
    if not same_data:
        described = "; ".join(f"{item.model_name} v{item.model_version_number}: {_data_text(item)}" for item in data)
        notes.append(f"The evaluations measured different data, so their metrics are not strictly comparable. {described}.")
    if different_classes:
        notes.append(
            "The evaluations have different classes, so a per-class metric is null for an evaluation without that class."
        )
    return notes


def _data_text(item: EvaluatedData) -> str:
    rows = "every row" if item.split is None else f"the {item.split} split"
    if item.dataset_version_number is None:
        dataset = f"version {item.dataset_version_id} of dataset {item.dataset_name}"
    else:
        dataset = f"dataset {item.dataset_name} v{item.dataset_version_number}"
    return f"{rows} of {dataset}, label {item.label!r}"


def _points(xs: Sequence[float], ys: Sequence[float], thresholds: Sequence[float | None]) -> list[CurvePoint]:
    return [CurvePoint(x=float(x), y=float(y), threshold=threshold) for x, y, threshold in zip(xs, ys, thresholds)]
