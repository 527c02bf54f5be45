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

import math
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from backend.application.aggregates import load
from backend.application.eventstore import EventStore
from backend.application.prediction_payloads import PayloadError
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
from backend.domain.datasets import COLUMN_TYPES, NUMERIC_TYPES, SPLIT_COLUMN, DatasetVersion

CreationEvent = DatasetVersion.Uploaded | DatasetVersion.Derived
VersionLoader = Callable[[uuid.UUID], CreationEvent]
Values = dict[str, Any]
Step = Callable[[Values, "_Row"], Values]

# Operations that choose rows or add columns no model reads from a request: a served row passes through unchanged.
ROW_OPERATIONS = ("filter", "dropDuplicates", "split", "predict")
VALUE_OPERATIONS = ("fillMissing", "castColumns", "standardize", "minMaxScale", "oneHot", "renameColumns")
FEATURE_TYPES = ("integer", "float", "boolean", "string")
MAX_LINEAGE_DEPTH = 1000
MAX_LISTED = 20


@dataclass(frozen=True)
class RawColumn:
    """A column of the uploaded dataset version that a request carries, with its type as the dataset stores it."""

    name: str
    type: str


class UnservableOperation(InvalidInput):
    """Raised when a recorded operation cannot be applied to a single row; `position` indexes `operations`."""

    def __init__(self, position: int, kind: Any, reason: str) -> None:
        super().__init__(f"operations[{position}] ({kind}) {reason}.", field=f"operations[{position}]", value=str(kind)[:64])
        self.position = position
        self.reason = reason


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
        plan = _Plan(self.raw_columns)
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
                field="instances", expected="list", received=describe(rows),
            )
        return [self._apply_row(index, row) for index, row in enumerate(rows)]

    def _apply_row(self, index: int, raw: Any) -> list[float | str]:
        where = f"instances[{index}]"
        if not isinstance(raw, dict):
            raise PayloadError(
                f"{where} is {describe(raw)}; each instance must be an object with the columns {self._listed_columns}.",
                field=where, expected="object", received=describe(raw),
            )
        self._check_names(where, raw)

        row = _Row(index, raw, self._raw_types)
        values = {name: row.read(name) for name in self._raw_types}
        for step in self._steps:
            values = step(values, row)

        return [
            _model_value(row, feature, column_type, source, values[feature]) for feature, column_type, source in self._outputs
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


class _Column:
    """A column after some of the operations: its type, and the raw column its values come from."""

    __slots__ = ("type", "source")

    def __init__(self, column_type: str, source: str) -> None:
        self.type = column_type
        self.source = source


class _Row:
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
                            received=received)


class _Plan:
    """The columns after each operation, and the steps that apply the operations to a row of raw columns.

    An operation leaves out the columns that reach no feature, because requests do not carry them.
    """

    def __init__(self, raw_columns: list[RawColumn]) -> None:
        self.columns = {column.name: _Column(column.type, column.name) for column in raw_columns}
        self.steps: list[Step] = []
        self.changes_values = False

    def add(self, position: int, operation: dict[str, Any]) -> None:
        kind = operation.get("op")
        if kind in ROW_OPERATIONS:
            return
        compile_step = _COMPILERS.get(kind) if isinstance(kind, str) else None
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


def _fill_missing(plan: _Plan, operation: dict[str, Any], position: int) -> Step | None:
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

    def fill(values: Values, row: _Row) -> Values:
        for name, value in fills.items():
            if is_missing(values[name]):
                values[name] = value
        return values

    return fill


def _drop_missing(plan: _Plan, operation: dict[str, Any], position: int) -> Step | None:
    checked = [(name, plan.columns[name].source) for name in plan.present(operation.get("columns"))]
    if not checked:
        return None

    def require_values(values: Values, row: _Row) -> Values:
        for name, source in checked:
            if is_missing(values[name]):
                raise row.error(
                    source, f"the model was trained only on rows with a value in column {name!r}, so send {row.accepted(source)}"
                )
        return values

    return require_values


def _drop_columns(plan: _Plan, operation: dict[str, Any], position: int) -> Step | None:
    names = plan.present(operation.get("columns") or [])
    for name in names:
        del plan.columns[name]
    if not names:
        return None

    def drop(values: Values, row: _Row) -> Values:
        for name in names:
            del values[name]
        return values

    return drop


def _rename_columns(plan: _Plan, operation: dict[str, Any], position: int) -> Step | None:
    mapping = {old: new for old, new in (operation.get("mapping") or {}).items() if old in plan.columns and old != new}
    if not mapping:
        return None
    plan.columns = {mapping.get(name, name): column for name, column in plan.columns.items()}

    def rename(values: Values, row: _Row) -> Values:
        return {mapping.get(name, name): value for name, value in values.items()}

    return rename


def _cast_columns(plan: _Plan, operation: dict[str, Any], position: int) -> Step | None:
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

    def cast(values: Values, row: _Row) -> Values:
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


def _scaler(kind: str) -> Callable[[_Plan, dict[str, Any], int], Step | None]:
    def compile_scaling(plan: _Plan, operation: dict[str, Any], position: int) -> Step | None:
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

        def apply_scaling(values: Values, row: _Row) -> Values:
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


def _one_hot(plan: _Plan, operation: dict[str, Any], position: int) -> Step | None:
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
            plan.columns[indicator] = _Column("integer", column.source)
        encodings.append((name, indicators))

    def encode(values: Values, row: _Row) -> Values:
        for name, indicators in encodings:
            # A missing or unseen value sets no indicator, as in the derived version.
            value = values.pop(name)
            for indicator in indicators.values():
                values[indicator] = 0
            if value is not None and value in indicators:
                values[indicators[value]] = 1
        return values

    return encode


_COMPILERS: dict[str, Callable[[_Plan, dict[str, Any], int], Step | None]] = {
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


def _model_value(row: _Row, feature: str, column_type: str, source: str, value: Any) -> float | str:
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
    elif kind not in ROW_OPERATIONS and kind not in _COMPILERS:
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
