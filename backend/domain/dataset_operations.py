"""Operations that derive a dataset version from its parent, checked against the parent's columns before any work.

Each operation is a JSON object with an `op` key. `normalize_operations` checks the fields of
each, follows the columns through the sequence (a rename, drop, cast or split changes the
columns the next operation reads) and returns them in the one form that events record and workers run. A
column that a one-hot encoding creates is known only once a worker has seen the data, so after
`oneHot` the names of new columns are checked by the worker instead.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from backend.domain.base import InvalidInput
from backend.domain.datasets import (
    COLUMN_TYPES,
    MAX_COLUMNS,
    NUMERIC_TYPES,
    SPLIT_COLUMN,
    SPLIT_PARTS,
    check_column_name,
)
from backend.domain.expressions import check_filter, is_time, parse_filter
from backend.domain.validation import check_characters, trimmed

MAX_OPERATIONS = 50
DEFAULT_MAX_CATEGORIES = 50
MAX_CATEGORIES = 1000
FILL_STRATEGIES = ("constant", "mean", "median", "mode")
SPLIT_STRATEGIES = ("random", "stratified")
RATIO_TOLERANCE = 1e-9
MAX_SEED = 2**32 - 1


class _Columns:
    """The columns at one step of the sequence; `exact` turns False once a one-hot encoding adds columns unknown here."""

    def __init__(self, columns: list[dict[str, str]], label: str | None) -> None:
        self.types = {column["name"]: column["type"] for column in columns}
        self.label = label
        self.exact = True

    def type_of(self, name: str, field: str) -> str | None:
        if name in self.types:
            return self.types[name]
        if not self.exact:
            return None
        listed = ", ".join(repr(known) for known in list(self.types)[:20])
        more = f" and {len(self.types) - 20} more" if len(self.types) > 20 else ""
        raise InvalidInput(
            f"{field} names column {name!r}, which the dataset does not have at this step; it has {listed}{more}.",
            field=field,
            value=trimmed(name),
        )


def normalize_operations(raw: Any, columns: list[dict[str, str]], label: str | None) -> list[dict[str, Any]]:
    """Check `raw` against the parent's columns and return the operations in normalized form."""
    if not isinstance(raw, list) or not raw:
        raise InvalidInput("operations must be a non-empty list of operation objects.", field="operations", value=None)
    if len(raw) > MAX_OPERATIONS:
        raise InvalidInput(
            f"operations has {len(raw)} entries; at most {MAX_OPERATIONS} are accepted.", field="operations", value=len(raw)
        )
    state = _Columns(columns, label)
    normalized = []
    for index, operation in enumerate(raw):
        field = f"operations[{index}]"
        if not isinstance(operation, dict):
            raise InvalidInput(f"{field} must be an object with an op key.", field=field, value=None)
        name = operation.get("op")
        if not isinstance(name, str) or name not in OPERATIONS:
            raise InvalidInput(
                f"{field}.op {trimmed(str(name))!r} is not an operation; expected one of {', '.join(OPERATIONS)}.",
                field=f"{field}.op",
                value=trimmed(name) if isinstance(name, str) else None,
            )
        check, allowed = OPERATIONS[name]
        unknown = sorted(set(operation) - {"op", *allowed})
        if unknown:
            raise InvalidInput(
                f"{field} ({name}) has unknown key {unknown[0]!r}; it accepts {', '.join(allowed) or 'no other keys'}.",
                field=f"{field}.{trimmed(unknown[0])}",
                value=trimmed(unknown[0]),
            )
        normalized.append({"op": name, **check(operation, state, field)})
    return normalized


def _column_list(operation: dict[str, Any], state: _Columns, field: str, *, required: bool = True) -> list[str] | None:
    value = operation.get("columns")
    if value is None and not required:
        return None
    if not isinstance(value, list) or not value:
        raise InvalidInput(f"{field}.columns must be a non-empty list of column names.", field=f"{field}.columns", value=None)
    if len(value) > MAX_COLUMNS:
        raise InvalidInput(
            f"{field}.columns has {len(value)} entries; at most {MAX_COLUMNS} are accepted.", field=f"{field}.columns", value=len(value)
        )
    names: list[str] = []
    for position, name in enumerate(value):
        check_column_name(f"{field}.columns[{position}]", name)
        state.type_of(name, f"{field}.columns[{position}]")
        if name in names:
            raise InvalidInput(f"{field}.columns names {name!r} twice.", field=f"{field}.columns", value=trimmed(name))
        names.append(name)
    return names


def _require_types(names: list[str], state: _Columns, field: str, accepted: tuple[str, ...], purpose: str) -> None:
    for position, name in enumerate(names):
        column_type = state.type_of(name, f"{field}.columns[{position}]")
        if column_type is not None and column_type not in accepted:
            raise InvalidInput(
                f"{field} {purpose} column {name!r}, which is {column_type}; it accepts {' or '.join(accepted)} columns.",
                field=f"{field}.columns[{position}]",
                value=trimmed(name),
            )


def _drop_missing(operation: dict[str, Any], state: _Columns, field: str) -> dict[str, Any]:
    return {"columns": _column_list(operation, state, field, required=False)}


def _fill_missing(operation: dict[str, Any], state: _Columns, field: str) -> dict[str, Any]:
    names = _column_list(operation, state, field)
    assert names is not None
    strategy = operation.get("strategy")
    if strategy not in FILL_STRATEGIES:
        raise InvalidInput(
            f"{field}.strategy {trimmed(str(strategy))!r} is invalid; expected one of {', '.join(FILL_STRATEGIES)}.",
            field=f"{field}.strategy",
            value=trimmed(str(strategy)) if strategy is not None else None,
        )
    value = operation.get("value")
    if strategy == "constant":
        if value is None or isinstance(value, (dict, list)):
            raise InvalidInput(
                f"{field}.value is required with strategy constant: a number, text or true/false.", field=f"{field}.value", value=None
            )
        for position, name in enumerate(names):
            _check_fill_value(state.type_of(name, f"{field}.columns[{position}]"), name, value, field)
    elif value is not None:
        raise InvalidInput(f"{field}.value applies only to strategy constant.", field=f"{field}.value", value=trimmed(str(value)))
    if strategy in ("mean", "median"):
        # An integer column stays integer: the worker rounds its mean or median half to even.
        _require_types(names, state, field, NUMERIC_TYPES, f"fills with the {strategy} of")
    return {"columns": names, "strategy": strategy, "value": value}


def _check_fill_value(column_type: str | None, name: str, value: Any, field: str) -> None:
    if isinstance(value, str):
        check_characters(f"{field}.value", value)
    fits = {
        None: True,
        "integer": isinstance(value, int) and not isinstance(value, bool),
        "float": isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value),
        "boolean": isinstance(value, bool),
        "string": isinstance(value, str),
        "datetime": isinstance(value, str) and is_time(value, datetime),
        "date": isinstance(value, str) and is_time(value, date),
    }[column_type]
    if not fits:
        raise InvalidInput(
            f"{field}.value {value!r} does not fit column {name!r}, which is {column_type}.",
            field=f"{field}.value",
            value=trimmed(str(value)),
        )


def _drop_duplicates(operation: dict[str, Any], state: _Columns, field: str) -> dict[str, Any]:
    return {"columns": _column_list(operation, state, field, required=False)}


def _drop_columns(operation: dict[str, Any], state: _Columns, field: str) -> dict[str, Any]:
    names = _column_list(operation, state, field)
    assert names is not None
    if state.exact and set(names) >= set(state.types):
        raise InvalidInput(f"{field} drops every column; keep at least one.", field=f"{field}.columns", value=len(names))
    for name in names:
        state.types.pop(name, None)
        if state.label == name:
            state.label = None
    return {"columns": names}


def _rename_columns(operation: dict[str, Any], state: _Columns, field: str) -> dict[str, Any]:
    mapping = operation.get("mapping")
    if not isinstance(mapping, dict) or not mapping:
        raise InvalidInput(
            f"{field}.mapping must be a non-empty object from old column names to new ones.", field=f"{field}.mapping", value=None
        )
    for old, new in mapping.items():
        state.type_of(old, f"{field}.mapping")
        check_column_name(f"{field}.mapping.{trimmed(old)}", new)
        if SPLIT_COLUMN in (old, new) and old != new:
            raise InvalidInput(
                f"{field} renames to or from {SPLIT_COLUMN!r}, the column that holds each row's split; choose another name.",
                field=f"{field}.mapping",
                value=trimmed(old if old == SPLIT_COLUMN else new),
            )
    renamed = {mapping.get(name, name): column_type for name, column_type in state.types.items()}
    if len(renamed) != len(state.types):
        targets = [mapping.get(name, name) for name in state.types]
        clash = next(name for name in targets if targets.count(name) > 1)
        raise InvalidInput(
            f"{field} would leave two columns named {clash!r}; column names must stay unique.",
            field=f"{field}.mapping",
            value=trimmed(clash),
        )
    state.types = renamed
    if state.label in mapping:
        state.label = mapping[state.label]
    return {"mapping": dict(mapping)}


def _cast_columns(operation: dict[str, Any], state: _Columns, field: str) -> dict[str, Any]:
    types = operation.get("types")
    if not isinstance(types, dict) or not types:
        raise InvalidInput(
            f"{field}.types must be a non-empty object from column names to types ({', '.join(COLUMN_TYPES)}).",
            field=f"{field}.types",
            value=None,
        )
    for name, column_type in types.items():
        state.type_of(name, f"{field}.types")
        if column_type not in COLUMN_TYPES:
            raise InvalidInput(
                f"{field}.types.{name} {trimmed(str(column_type))!r} is not a column type; expected one of {', '.join(COLUMN_TYPES)}.",
                field=f"{field}.types.{trimmed(name)}",
                value=trimmed(str(column_type)),
            )
        if name == SPLIT_COLUMN and column_type != "string":
            raise InvalidInput(
                f"{field} casts {SPLIT_COLUMN!r}, the column that holds each row's split; it stays string.",
                field=f"{field}.types.{SPLIT_COLUMN}",
                value=column_type,
            )
        state.types[name] = column_type
    return {"types": dict(types)}


def _filter(operation: dict[str, Any], state: _Columns, field: str) -> dict[str, Any]:
    text = operation.get("expression")
    if isinstance(text, str):
        check_characters(f"{field}.expression", text)
    tree = parse_filter(text, f"{field}.expression")  # type: ignore[arg-type]
    check_filter(tree, state.types if state.exact else None, f"{field}.expression")
    return {"expression": text}


def _scale(purpose: str) -> Callable[[dict[str, Any], _Columns, str], dict[str, Any]]:
    def check(operation: dict[str, Any], state: _Columns, field: str) -> dict[str, Any]:
        names = _column_list(operation, state, field)
        assert names is not None
        _require_types(names, state, field, NUMERIC_TYPES, purpose)
        for name in names:
            state.types[name] = "float"
        return {"columns": names}

    return check


def _one_hot(operation: dict[str, Any], state: _Columns, field: str) -> dict[str, Any]:
    names = _column_list(operation, state, field)
    assert names is not None
    _require_types(names, state, field, ("string", "boolean", "integer", "date"), "one-hot encodes")
    for position, name in enumerate(names):
        if name in (SPLIT_COLUMN, state.label):
            role = "each row's split" if name == SPLIT_COLUMN else "the label"
            raise InvalidInput(
                f"{field} encodes {name!r}, the column that holds {role}; one-hot encode feature columns only.",
                field=f"{field}.columns[{position}]",
                value=trimmed(name),
            )
    limit = operation.get("maxCategories", DEFAULT_MAX_CATEGORIES)
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_CATEGORIES:
        raise InvalidInput(
            f"{field}.maxCategories {limit!r} is invalid; expected an integer from 1 to {MAX_CATEGORIES}.",
            field=f"{field}.maxCategories",
            value=limit if isinstance(limit, int) else None,
        )
    for name in names:
        state.types.pop(name, None)
        if state.label == name:
            state.label = None
    state.exact = False
    return {"columns": names, "maxCategories": limit}


def _split(operation: dict[str, Any], state: _Columns, field: str) -> dict[str, Any]:
    strategy = operation.get("strategy", "random")
    if strategy not in SPLIT_STRATEGIES:
        raise InvalidInput(
            f"{field}.strategy {trimmed(str(strategy))!r} is invalid; expected random or stratified.",
            field=f"{field}.strategy",
            value=trimmed(str(strategy)),
        )
    ratios = _ratios(operation.get("ratios"), field)
    seed = operation.get("seed", 0)
    if not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed <= MAX_SEED:
        raise InvalidInput(f"{field}.seed {seed!r} is invalid; expected an integer from 0 to {MAX_SEED}.", field=f"{field}.seed", value=None)
    by = operation.get("by")
    if strategy == "stratified":
        by = by if by is not None else state.label
        if by is None:
            raise InvalidInput(
                f"{field} is stratified but the dataset has no label; set by to the column to stratify on.", field=f"{field}.by", value=None
            )
        check_column_name(f"{field}.by", by)
        if state.type_of(by, f"{field}.by") == "float":
            raise InvalidInput(
                f"{field}.by {by!r} is a float column; stratify on a class column (integer, string or boolean).",
                field=f"{field}.by",
                value=trimmed(by),
            )
    elif by is not None:
        raise InvalidInput(f"{field}.by applies only to strategy stratified.", field=f"{field}.by", value=trimmed(str(by)))
    state.types[SPLIT_COLUMN] = "string"
    return {"strategy": strategy, "ratios": ratios, "seed": seed, "by": by}


def _ratios(value: Any, field: str) -> dict[str, float]:
    accepted = " and ".join(SPLIT_PARTS)
    if not isinstance(value, dict) or not value:
        raise InvalidInput(
            f"{field}.ratios must be an object such as {{\"train\": 0.7, \"validation\": 0.15, \"test\": 0.15}}.",
            field=f"{field}.ratios",
            value=None,
        )
    ratios: dict[str, float] = {}
    for part in SPLIT_PARTS:
        if part not in value:
            continue
        ratio = value[part]
        if not isinstance(ratio, (int, float)) or isinstance(ratio, bool) or not 0 <= ratio <= 1:
            raise InvalidInput(
                f"{field}.ratios.{part} {ratio!r} is invalid; expected a number from 0 to 1.",
                field=f"{field}.ratios.{part}",
                value=ratio if isinstance(ratio, (int, float)) else None,
            )
        ratios[part] = float(ratio)
    unknown = sorted(set(value) - set(SPLIT_PARTS))
    if unknown:
        raise InvalidInput(
            f"{field}.ratios has unknown part {unknown[0]!r}; the parts are {accepted}.",
            field=f"{field}.ratios",
            value=trimmed(str(unknown[0])),
        )
    total = sum(ratios.values())
    if abs(total - 1) > RATIO_TOLERANCE:
        raise InvalidInput(
            f"{field}.ratios add up to {total:g}; they must add up to 1.", field=f"{field}.ratios", value=round(total, 12)
        )
    if ratios.get("train", 0) == 0 or sum(1 for ratio in ratios.values() if ratio > 0) < 2:
        raise InvalidInput(
            f"{field}.ratios must give train and at least one other part a share above 0.", field=f"{field}.ratios", value=None
        )
    return ratios


OPERATIONS: dict[str, tuple[Callable[[dict[str, Any], _Columns, str], dict[str, Any]], tuple[str, ...]]] = {
    "dropMissing": (_drop_missing, ("columns",)),
    "fillMissing": (_fill_missing, ("columns", "strategy", "value")),
    "dropDuplicates": (_drop_duplicates, ("columns",)),
    "dropColumns": (_drop_columns, ("columns",)),
    "renameColumns": (_rename_columns, ("mapping",)),
    "castColumns": (_cast_columns, ("types",)),
    "filter": (_filter, ("expression",)),
    "standardize": (_scale("standardizes"), ("columns",)),
    "minMaxScale": (_scale("scales"), ("columns",)),
    "oneHot": (_one_hot, ("columns", "maxCategories")),
    "split": (_split, ("strategy", "ratios", "seed", "by")),
}


def for_worker(operations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the operations with each filter's parsed tree added, the form the worker runs."""
    return [
        {**operation, "tree": parse_filter(operation["expression"])} if operation["op"] == "filter" else dict(operation)
        for operation in operations
    ]


def describe_operation(operation: dict[str, Any]) -> str:
    """Return a one-line description of a normalized operation, for the audit log and lineage views."""
    name = operation["op"]
    columns = operation.get("columns")
    if not columns:
        listed = "all columns"
    else:
        listed = ", ".join(columns[:5])
        if len(columns) > 5:
            listed += f" and {len(columns) - 5} more"
    if name == "fillMissing":
        filler = f"{operation['value']!r}" if operation["strategy"] == "constant" else f"the {operation['strategy']}"
        return f"fill missing values of {listed} with {filler}"
    if name == "renameColumns":
        return "rename " + ", ".join(f"{old} to {new}" for old, new in list(operation["mapping"].items())[:5])
    if name == "castColumns":
        return "cast " + ", ".join(f"{column} to {kind}" for column, kind in list(operation["types"].items())[:5])
    if name == "filter":
        return f"keep rows where {operation['expression']}"
    if name == "split":
        ratios = "/".join(f"{ratio:g}" for ratio in operation["ratios"].values())
        parts = "/".join(operation["ratios"])
        by = f" by {operation['by']}" if operation.get("by") else ""
        return f"{operation['strategy']} split {parts} {ratios}{by} (seed {operation['seed']})"
    if name == "dropMissing":
        return "drop rows with a missing value in " + (f"any of {listed}" if columns else "any column")
    if name == "predict":
        rows = f"the {operation['split']} rows" if operation.get("split") else "every row"
        return f"predict {listed} for {rows} with version {operation['modelVersionNumber']} of model {operation['modelName']!r}"
    verbs = {
        "dropDuplicates": "drop duplicate rows over",
        "dropColumns": "drop columns",
        "standardize": "standardize",
        "minMaxScale": "min-max scale",
        "oneHot": "one-hot encode",
    }
    return f"{verbs[name]} {listed}"
