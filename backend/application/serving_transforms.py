"""Serving transforms: a training version's fills, casts, scaling and encodings, applied to request rows.

A model trained on a derived dataset version learnt from columns that the dataset worker
filled, cast, scaled and one-hot encoded with values fitted on the training rows.
`build_transform` follows that version's lineage up to its uploaded ancestor and returns a
`ServingTransform`. The transform turns rows of the uploaded (raw) columns into model
inputs as the worker turned the training rows, with the fitted values that each
`DatasetVersion.Derived` event records. Row filters (`filter`, `dropDuplicates`, a batch
prediction's rows) and `split` leave a served row as it is.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from backend.application.aggregates import load
from backend.application.eventstore import EventStore
from backend.application.prediction_payloads import PayloadError, json_type
from backend.application.serving_steps import (
    COMPILERS,
    ROW_OPERATIONS,
    RequestRow,
    Step,
    StepPlan,
    UnservableOperation,
    model_value,
)
from backend.domain.base import InvalidInput
from backend.domain.column_values import describe, one_hot_name
from backend.domain.datasets import SPLIT_COLUMN, DatasetVersion

__all__ = ["RawColumn", "ServingTransform", "UnservableOperation", "VersionLoader", "build_transform"]

CreationEvent = DatasetVersion.Uploaded | DatasetVersion.Derived
VersionLoader = Callable[[uuid.UUID], CreationEvent]
FEATURE_TYPES = ("integer", "float", "boolean", "string")
MAX_LINEAGE_DEPTH = 1000
MAX_LISTED = 20


@dataclass(frozen=True)
class RawColumn:
    """A column of the uploaded dataset version that a request carries, with its type as the dataset stores it."""

    name: str
    type: str


@dataclass(frozen=True)
class ServingTransform:
    """The operations between the uploaded columns and a model's features, compiled once for the request path.

    `raw_columns` are the uploaded columns that reach a feature, in the uploaded file's order.
    `operations` are the recorded operations from the upload down to the trained-on version,
    with their `fitted` values, and it skips row filters and splits. `features` are the
    model's inputs in order. The constructor
    raises UnservableOperation for an operation it cannot apply to a single row, and
    InvalidInput for a feature that the operations do not produce.
    """

    raw_columns: list[RawColumn]
    operations: list[dict[str, Any]]
    features: list[str]
    _raw_types: dict[str, str] = field(init=False, repr=False, compare=False)
    _steps: list[Step] = field(init=False, repr=False, compare=False)
    _outputs: list[tuple[str, str, str]] = field(init=False, repr=False, compare=False)
    _listed_columns: str = field(init=False, repr=False, compare=False)
    _changes_values: bool = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        plan = StepPlan({column.name: column.type for column in self.raw_columns})
        for position, operation in enumerate(self.operations):
            plan.add(position, operation)

        outputs = []
        for name in self.features:
            column = plan.columns.get(name)
            if column is None:
                raise InvalidInput(
                    f"The operations do not produce feature {name!r} from the raw columns; "
                    f"they end with {_listed(list(plan.columns))}.",
                    field="features",
                    value=name,
                )
            if column.type not in FEATURE_TYPES:
                raise InvalidInput(
                    f"Feature {name!r} is a {column.type} column; a model reads {', '.join(FEATURE_TYPES)} features.",
                    field="features",
                    value=name,
                )
            outputs.append((name, column.type, column.source))

        set_field = object.__setattr__
        set_field(self, "_raw_types", {column.name: column.type for column in self.raw_columns})
        set_field(self, "_steps", plan.steps)
        set_field(self, "_outputs", outputs)
        set_field(self, "_listed_columns", _listed([column.name for column in self.raw_columns]))
        set_field(self, "_changes_values", plan.changes_values)

    @property
    def changes_values(self) -> bool:
        """Whether an operation fills, casts, scales, encodes or renames a column that reaches a feature."""
        return self._changes_values

    def apply(self, rows: list[dict[str, Any]]) -> list[list[float | str]]:
        """Return each raw row as the model's input row: a float per numeric or boolean feature, text for a string one.

        Raises PayloadError, an InvalidInput, naming `instances[i].column`. It does so for a row
        that is not an object, a missing or unknown column, and a value of the wrong type. It
        also does so for a missing value that training neither filled nor encoded, and for a
        value that a cast or a scaling rejects.
        """
        if not isinstance(rows, list):
            raise PayloadError(
                f"instances must be a list of objects keyed by column name, but it is {describe(rows)}.",
                field="instances", expected="list", received=describe(rows), expected_type="array", received_type=json_type(rows),
            )
        return [self._apply_row(index, row) for index, row in enumerate(rows)]

    def _apply_row(self, index: int, raw: Any) -> list[float | str]:
        where = f"instances[{index}]"
        if not isinstance(raw, dict):
            raise PayloadError(
                f"{where} is {describe(raw)}; each instance must be an object with the columns {self._listed_columns}.",
                field=where, expected="object", received=describe(raw), expected_type="object", received_type=json_type(raw),
            )
        self._check_names(where, raw)

        row = RequestRow(index, raw, self._raw_types)
        values = {name: row.read(name) for name in self._raw_types}
        for step in self._steps:
            values = step(values, row)

        return [
            model_value(row, feature, column_type, source, values[feature]) for feature, column_type, source in self._outputs
        ]

    def _check_names(self, where: str, raw: dict[str, Any]) -> None:
        for name in self._raw_types:
            if name not in raw:
                raise PayloadError(
                    f"{where}.{name} is missing; each instance needs the uploaded columns {self._listed_columns}.",
                    field=f"{where}.{name}", expected=self._listed_columns, received="no value",
                )
        for name in raw:
            if name not in self._raw_types:
                raise PayloadError(
                    f"{where}.{str(name)[:64]} is not a column the model reads; "
                    f"send only the uploaded columns {self._listed_columns}.",
                    field=f"{where}.{str(name)[:64]}", expected=self._listed_columns, received=str(name)[:64],
                    received_type=json_type(raw[name]),
                )


def build_transform(
    versions: EventStore | VersionLoader, dataset_version_id: uuid.UUID, features: list[str]
) -> ServingTransform | None:
    """Return the transform from the uploaded ancestor's columns to `features` of dataset version `dataset_version_id`.

    `versions` is the event store, or a function that returns a version's creation event.
    Returns None when no operation fills, casts, scales, encodes or renames a column that
    reaches a feature, so requests can keep carrying the feature values themselves. Raises
    NotFound for a missing version, and InvalidInput naming the dataset version and the
    operation that serving cannot apply.
    """
    load_event = _event_loader(versions) if isinstance(versions, EventStore) else versions
    uploaded, derived = _lineage(load_event, dataset_version_id)

    sources = _trace_sources(uploaded, derived)
    leaf = derived[-1] if derived else uploaded
    for name in features:
        _check_source(name, sources, leaf)
    reached = {sources[name] for name in features}
    raw_columns = [RawColumn(column["name"], column["type"]) for column in uploaded.columns if column["name"] in reached]

    served = [
        (event, index, operation)
        for event in derived
        for index, operation in enumerate(event.operations)
        if operation.get("op") not in ROW_OPERATIONS
    ]
    try:
        transform = ServingTransform(raw_columns, [operation for _event, _index, operation in served], list(features))
    except UnservableOperation as error:
        event, index, operation = served[error.position]
        raise _unservable(event, index, operation, error.reason) from None
    return transform if transform.changes_values else None


# --- Lineage ------------------------------------------------------------------------------------------------


def _event_loader(store: EventStore) -> VersionLoader:
    def load_event(version_id: uuid.UUID) -> CreationEvent:
        load(store, version_id, DatasetVersion, "datasetVersionId", "Dataset version")
        return next(iter(store.events.get(version_id, lte=1)))  # type: ignore[return-value]

    return load_event


def _lineage(load_event: VersionLoader, version_id: uuid.UUID) -> tuple[DatasetVersion.Uploaded, list[DatasetVersion.Derived]]:
    """Return the uploaded ancestor's event and the derivations from it down to `version_id`, root first."""
    event = load_event(version_id)
    derived: list[DatasetVersion.Derived] = []
    while isinstance(event, DatasetVersion.Derived):
        if len(derived) == MAX_LINEAGE_DEPTH:
            raise InvalidInput(
                f"Dataset version {version_id} descends through more than {MAX_LINEAGE_DEPTH} derivations; "
                "serving follows at most that many.",
                field="datasetVersionId",
                value=str(version_id),
            )
        derived.append(event)
        event = load_event(event.parent_id)
    if not isinstance(event, DatasetVersion.Uploaded):
        raise InvalidInput(
            f"Dataset version {version_id} does not descend from an upload, so its raw columns are unknown.",
            field="datasetVersionId",
            value=str(version_id),
        )
    derived.reverse()
    return event, derived


def _trace_sources(uploaded: DatasetVersion.Uploaded, derived: list[DatasetVersion.Derived]) -> dict[str, str | None]:
    """Return the raw column behind each column of the leaf version, or None for a column that no raw column gives.

    Raises InvalidInput when the columns that a version's operations give differ from the
    columns it records, because its operations then do something that serving does not model.
    """
    sources: dict[str, str | None] = {column["name"]: column["name"] for column in uploaded.columns}
    for event in derived:
        for index, operation in enumerate(event.operations):
            sources = _trace_operation(sources, event, index, operation)

        recorded = [column["name"] for column in event.columns]
        if set(recorded) != set(sources):
            raise InvalidInput(
                f"Dataset version {event.number} has the columns {_listed(recorded)}, but its operations give "
                f"{_listed(list(sources))}, so serving cannot tell which raw column each one comes from.",
                field="datasetVersionId",
                value=str(event.originator_id),
            )
    return sources


def _trace_operation(
    sources: dict[str, str | None], event: DatasetVersion.Derived, index: int, operation: dict[str, Any]
) -> dict[str, str | None]:
    kind = operation.get("op")
    if kind == "dropColumns":
        for name in operation.get("columns") or []:
            sources.pop(name, None)
    elif kind == "renameColumns":
        mapping = operation.get("mapping") or {}
        sources = {mapping.get(name, name): source for name, source in sources.items()}
    elif kind == "oneHot":
        categories = (operation.get("fitted") or {}).get("categories")
        if not isinstance(categories, dict):
            raise _unservable(
                event, index, operation, "records no fitted categories, so its columns are unknown; derive the version again"
            )
        for name in operation.get("columns") or []:
            source = sources.pop(name, None)
            for category in categories.get(name) or []:
                sources[one_hot_name(name, category)] = source
    elif kind == "split":
        sources[SPLIT_COLUMN] = None
    elif kind == "predict":
        # A batch prediction adds its output columns, which no request can carry.
        for name in operation.get("columns") or []:
            sources[name] = None
    elif kind not in ROW_OPERATIONS and kind not in COMPILERS:
        raise _unservable(event, index, operation, "is not an operation that serving can apply to a request row")
    return sources


def _check_source(name: str, sources: dict[str, str | None], leaf: CreationEvent) -> None:
    if name not in sources:
        raise InvalidInput(
            f"The model was trained on column {name!r}, which dataset version {leaf.number} does not have; "
            f"its columns are {_listed(list(sources))}.",
            field="datasetVersionId",
            value=str(leaf.originator_id),
        )
    if sources[name] is None:
        raise InvalidInput(
            f"The model reads column {name!r}, which a split or a batch prediction added to dataset version {leaf.number}; "
            "serving cannot compute it from a request, so train on a version without it.",
            field="datasetVersionId",
            value=str(leaf.originator_id),
        )


def _unservable(event: DatasetVersion.Derived, index: int, operation: dict[str, Any], reason: str) -> InvalidInput:
    return InvalidInput(
        f"Dataset version {event.number} cannot be served from raw columns: its operations[{index}] "
        f"({operation.get('op')}) {reason}.",
        field="datasetVersionId",
        value=str(event.originator_id),
    )


def _listed(names: list[str]) -> str:
    listed = ", ".join(repr(name) for name in names[:MAX_LISTED])
    return listed + (f" and {len(names) - MAX_LISTED} more" if len(names) > MAX_LISTED else "")


def version_transform(store: EventStore, version_id: uuid.UUID) -> ServingTransform | None:
    """Return the transform of a model version a platform run trained on derived data, or None when clients send model inputs.

    Raises InvalidInput (field datasetVersionId) when the trained-on version's operations cannot be applied to one row.
    """
    from backend.application.aggregates import load
    from backend.application.model_inputs import platform_training_run
    from backend.domain.registry import ModelVersion

    version = load(store, version_id, ModelVersion, "versionId", "Model version")
    run = platform_training_run(store, version)
    if run is None or run.dataset_version_id is None:
        return None
    return build_transform(store, run.dataset_version_id, list(run.plan["features"]))
