"""Evaluations: a model version measured on a dataset version's split, with slices of its rows.

A request records everything the worker needs (the features in the model's input order, the
classes in its output order, the slices), so the report of an evaluation can always be
explained from its events. The report itself is a blob in the artifact store.
"""

from __future__ import annotations

import uuid
from typing import Any

from backend.domain.base import Cause, InvalidInput, ModelCloudAggregate
from backend.domain.datasets import SPLIT_COLUMN, SPLIT_PARTS
from backend.domain.expressions import check_filter, parse_filter
from backend.domain.validation import check_choice, check_length

PENDING, COMPLETED, FAILED = "pending", "completed", "failed"
TASKS = ("classification", "regression")
SLICE_KINDS = ("values", "bins", "quantiles", "label", "filter")
MAX_SLICE_SPECS = 20
# A values slice makes one slice per distinct value, so it takes columns with at most this many.
MAX_SLICE_VALUES = 50
MAX_BINS = 20
MAX_REASON = 2000


class Evaluation(ModelCloudAggregate):
    class Requested(ModelCloudAggregate.Created):
        team_id: uuid.UUID
        model_id: uuid.UUID
        version_id: uuid.UUID
        version_number: int
        dataset_id: uuid.UUID
        dataset_version_id: uuid.UUID
        split: str | None
        label: str
        features: list[str]
        task: str
        classes: list[str] | None
        slices: list[dict[str, Any]]
        owner: uuid.UUID

        def apply(self, aggregate: Evaluation) -> None:
            aggregate.team_id = self.team_id
            aggregate.version_id = self.version_id
            aggregate.dataset_version_id = self.dataset_version_id
            aggregate.split = self.split
            aggregate.label = self.label
            aggregate.task = self.task
            aggregate.status = PENDING
            aggregate.report_sha256 = None
            aggregate.failure_reason = None

    class Completed(ModelCloudAggregate.Event):
        report_sha256: str
        rows: int
        summary: dict[str, float | None]

        def apply(self, aggregate: Evaluation) -> None:
            aggregate.status = COMPLETED
            aggregate.report_sha256 = self.report_sha256

    class Failed(ModelCloudAggregate.Event):
        reason: str

        def apply(self, aggregate: Evaluation) -> None:
            aggregate.status = FAILED
            aggregate.failure_reason = self.reason

    team_id: uuid.UUID
    version_id: uuid.UUID
    dataset_version_id: uuid.UUID
    split: str | None
    label: str
    task: str
    status: str
    report_sha256: str | None
    failure_reason: str | None

    def __init__(self, **_: Any) -> None:
        pass

    @classmethod
    def request(cls, evaluation_id: uuid.UUID, *, cause: Cause, **fields: Any) -> Evaluation:
        return cls._start(cls.Requested, cause, id=evaluation_id, **fields)

    def complete(self, report_sha256: str, rows: int, summary: dict[str, float | None], cause: Cause) -> bool:
        if self.status != PENDING:
            return False
        self._record(self.Completed, cause, report_sha256=report_sha256, rows=rows, summary=summary)
        return True

    def fail(self, reason: str, cause: Cause) -> bool:
        if self.status != PENDING:
            return False
        self._record(self.Failed, cause, reason=reason[:MAX_REASON])
        return True


def check_value_counts(slices: list[dict[str, Any]], profile: dict[str, Any]) -> None:
    """Reject a values slice on a column with more distinct values than a values slice takes, counted over every row."""
    distinct = {column["name"]: int(column.get("distinct") or 0) for column in profile.get("columns") or []}
    for index, spec in enumerate(slices):
        count = distinct.get(spec.get("feature"), 0) if spec["kind"] == "values" else 0
        if count > MAX_SLICE_VALUES:
            raise InvalidInput(
                f"slices[{index}]: column {spec['feature']!r} has {count} distinct values, and a values slice takes at most "
                f"{MAX_SLICE_VALUES}. Slice it with bins or quantiles, or with a filter.",
                field=f"slices[{index}].feature", value=spec["feature"],
            )


def check_split(split: str | None) -> str | None:
    if split is not None:
        check_choice("split", split, SPLIT_PARTS)
    return split


def check_slices(slices: Any, column_types: dict[str, str], label: str) -> list[dict[str, Any]]:
    """Return the slice specs normalized, or raise InvalidInput naming the bad spec and field."""
    if not isinstance(slices, list):
        raise InvalidInput("slices must be a list of slice specs.", field="slices", value=None)
    if len(slices) > MAX_SLICE_SPECS:
        raise InvalidInput(f"slices has {len(slices)} specs; at most {MAX_SLICE_SPECS} are accepted.", field="slices",
                           value=len(slices))
    return [_check_slice(index, spec, column_types, label) for index, spec in enumerate(slices)]


def _check_slice(index: int, spec: Any, column_types: dict[str, str], label: str) -> dict[str, Any]:
    where = f"slices[{index}]"
    if not isinstance(spec, dict):
        raise InvalidInput(f"{where} must be an object with a kind.", field=where, value=None)
    kind = check_choice(f"{where}.kind", spec.get("kind"), SLICE_KINDS)
    if kind == "label":
        return {"kind": "label"}
    if kind == "filter":
        name = check_length(f"{where}.name", str(spec.get("name") or ""), minimum=1, maximum=128)
        tree = parse_filter(spec.get("filter"), field=f"{where}.filter")
        check_filter(tree, column_types, f"{where}.filter")
        return {"kind": "filter", "name": name, "filter": tree, "expression": spec.get("filter")}
    feature = spec.get("feature")
    if not isinstance(feature, str) or feature not in column_types or feature in (label, SPLIT_COLUMN):
        raise InvalidInput(
            f"{where}.feature {str(feature)[:100]!r} is not a feature column of the dataset version.",
            field=f"{where}.feature",
            value=str(feature)[:100],
        )
    if kind == "values":
        return {"kind": "values", "feature": feature}
    if column_types[feature] not in ("integer", "float"):
        raise InvalidInput(f"{where}: {kind} slices need a numeric column, and {feature!r} is {column_types[feature]}.",
                           field=f"{where}.feature", value=feature)
    bins = spec.get("bins", 4)
    if isinstance(bins, bool) or not isinstance(bins, int) or not 2 <= bins <= MAX_BINS:
        raise InvalidInput(f"{where}.bins {bins!r} is invalid: it must be a whole number from 2 to {MAX_BINS}.",
                           field=f"{where}.bins", value=str(bins)[:40])
    return {"kind": kind, "feature": feature, "bins": bins}
