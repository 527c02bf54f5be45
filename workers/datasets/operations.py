"""Derivation: apply a list of operations to a canonical dataset and write the result as a new one.

The caller validates the form of the operations, but only the engine can check the
columns at each step, because oneHot creates columns and renames move them. Each step
therefore checks its columns and values and raises DatasetInputError with the field
`operations[i]...`.

Some operations learn statistics from the data: fill values, scaling statistics and
one-hot categories. They learn from the rows whose split column is "train" when that
column exists, and from all rows otherwise. What they learn is then applied to every row,
so nothing leaks from the validation and test rows into the transformation.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ._numeric import mean_and_std, median, overflowed, shifted_ratio
from ._parquet import write_table
from ._types import (
    ACCEPTED_TYPES,
    INT64_MAX,
    INT64_MIN,
    LOGICAL_TYPES,
    NUMERIC_TYPES,
    ConversionFailed,
    UnsupportedConversion,
    convert_array,
    convert_literal,
    describe_character,
    describe_columns,
    invalid_name_character,
    json_value,
    logical_type,
    printable_name,
)
from .errors import DatasetInputError
from .filters import compile_filter
from .profile import SPLIT_PARTS

__all__ = ["SPLIT_PARTS", "compile_filter", "derive"]

MAX_NAME_LENGTH = 256
MAX_COLUMNS = 2_000
FILL_STRATEGIES = ("constant", "mean", "median", "mode")
ONE_HOT_TYPES = ("string", "integer", "boolean", "date")


def derive(
    source: str, output: str, *, label: str | None, split_column: str, operations: list[dict[str, Any]]
) -> dict[str, Any]:
    """Apply `operations` in order to the canonical Parquet file `source` and write the result to `output`.

    The table is processed in memory. The label follows renames and becomes None when its
    column is dropped. Returns {"rows", "columns": [{"name", "type"}], "label", "hasSplits",
    "splits": {part: rows} | None, "fitted": [one dict or None per operation]}.
    """
    state = _State(pq.read_table(source), label, split_column)
    fitted: list[dict[str, Any] | None] = []
    for index, operation in enumerate(operations):
        field = f"operations[{index}]"
        if not isinstance(operation, dict) or operation.get("op") not in _OPERATIONS:
            name = operation.get("op") if isinstance(operation, dict) else operation
            raise DatasetInputError(
                f"Operation {index} has the unknown kind {name!r}; accepted kinds are "
                f"{', '.join(repr(kind) for kind in _OPERATIONS)}.",
                field=f"{field}.op",
                value=str(name),
            )
        fitted.append(_OPERATIONS[operation["op"]](state, operation, field))
        if state.table.num_columns == 0:
            raise DatasetInputError(
                f"Operation {index} would leave the dataset without columns; keep at least one column.",
                field=field,
                value=str(operation.get("op")),
            )

    table = state.table
    write_table(table, output)
    has_splits = split_column in table.column_names
    return {
        "rows": table.num_rows,
        "columns": describe_columns(table.schema),
        "label": state.label,
        "hasSplits": has_splits,
        "splits": _split_sizes(table.column(split_column)) if has_splits else None,
        "fitted": fitted,
    }


class _State:
    """The table between operations, with the label and split column it tracks."""

    def __init__(self, table: pa.Table, label: str | None, split_column: str) -> None:
        self.table = table
        self.label = label
        self.split_column = split_column

    def logical(self, name: str) -> str:
        return logical_type(self.table.schema.field(name).type)

    def require_columns(self, names: Any, field: str, *, allow_empty: bool = False) -> list[str]:
        """Return `names` after checking that it is a list of existing, distinct column names."""
        if not isinstance(names, list) or (not names and not allow_empty):
            raise DatasetInputError("The operation needs a non-empty list of column names.", field=field, value=str(names))
        for name in names:
            if name not in self.table.column_names:
                raise DatasetInputError(
                    f"The column {name!r} does not exist at this step; the columns are "
                    f"{_name_list(self.table.column_names)}.",
                    field=field,
                    value=name,
                )
        if len(set(names)) != len(names):
            repeated = next(name for name in names if names.count(name) > 1)
            raise DatasetInputError(f"The column {repeated!r} is listed twice.", field=field, value=repeated)
        return list(names)

    def require_numeric(self, names: list[str], field: str, operation: str) -> None:
        for name in names:
            if self.logical(name) not in NUMERIC_TYPES:
                raise DatasetInputError(
                    f"{operation} needs numeric columns, but {name!r} is a {self.logical(name)} column; "
                    "convert it to integer or float first.",
                    field=field,
                    value=name,
                )

    def fit_rows(self, field: str) -> tuple[pa.Table, str]:
        """Return the rows that statistics are learned from, and "train" or "all" to say which they are."""
        if self.split_column not in self.table.column_names:
            return self.table, "all"
        parts = self.table.column(self.split_column)
        train = self.table.filter(pc.fill_null(pc.equal(pc.cast(parts, pa.string()), "train"), False))
        if train.num_rows == 0:
            raise DatasetInputError(
                f"The dataset has a split column {self.split_column!r} but no \"train\" rows to learn this "
                "operation's statistics from; split the dataset again with a train ratio above zero.",
                field=field,
                value=self.split_column,
            )
        return train, "train"

    def replace_column(self, name: str, values: pa.Array | pa.ChunkedArray) -> None:
        index = self.table.column_names.index(name)
        self.table = self.table.set_column(index, pa.field(name, values.type, nullable=True), values)


def _name_list(names: list[str], limit: int = 20) -> str:
    listed = ", ".join(repr(name) for name in names[:limit])
    return listed + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _missing_mask(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Return true where a value is null or NaN."""
    return pc.is_null(column, nan_is_null=True)


def _present_values(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Return the values that are neither null nor NaN."""
    return column.filter(pc.invert(_missing_mask(column)))


# --- Rows and columns -----------------------------------------------------------------------------


def _drop_missing(state: _State, operation: dict[str, Any], field: str) -> None:
    names = operation.get("columns")
    names = state.table.column_names if names is None else state.require_columns(names, f"{field}.columns")
    keep = None
    for name in names:
        present = pc.invert(_missing_mask(state.table.column(name)))
        keep = present if keep is None else pc.and_(keep, present)
    if keep is not None:
        state.table = state.table.filter(keep)
    return None


def _drop_duplicates(state: _State, operation: dict[str, Any], field: str) -> None:
    names = operation.get("columns")
    names = state.table.column_names if names is None else state.require_columns(names, f"{field}.columns")
    if state.table.num_rows == 0:
        return None
    keys = {}
    for position, name in enumerate(names):
        column = state.table.column(name)
        if state.logical(name) == "float":
            column = pc.add(column, 0.0)  # -0.0 equals 0.0, so both must group together
        keys[f"key{position}"] = column
    keys["row"] = pa.array(np.arange(state.table.num_rows, dtype=np.int64))
    first_rows = pa.table(keys).group_by(list(keys)[:-1], use_threads=False).aggregate([("row", "min")])
    keep = np.sort(first_rows.column("row_min").to_numpy())
    state.table = state.table.take(pa.array(keep))
    return None


def _drop_columns(state: _State, operation: dict[str, Any], field: str) -> None:
    names = state.require_columns(operation.get("columns"), f"{field}.columns")
    remaining = [name for name in state.table.column_names if name not in names]
    if not remaining:
        raise DatasetInputError(
            "The operation would drop every column; keep at least one.", field=f"{field}.columns", value=names
        )
    state.table = state.table.select(remaining)
    if state.label in names:
        state.label = None
    return None


def _rename_columns(state: _State, operation: dict[str, Any], field: str) -> None:
    mapping = operation.get("mapping")
    if not isinstance(mapping, dict) or not mapping:
        raise DatasetInputError("The operation needs a mapping from old to new column names.", field=f"{field}.mapping",
                                value=str(mapping))
    state.require_columns(list(mapping), f"{field}.mapping")
    for old, new in mapping.items():
        if not isinstance(new, str) or not new.strip() or len(new) > MAX_NAME_LENGTH:
            raise DatasetInputError(
                f"The new name {new!r} for column {old!r} is invalid; give a non-blank name of at most "
                f"{MAX_NAME_LENGTH} characters.",
                field=f"{field}.mapping.{old}",
                value=new,
            )
        character = invalid_name_character(new)
        if character is not None:
            raise DatasetInputError(
                f"The new name {new!r} for column {old!r} contains the character {describe_character(character)}; "
                "remove it.",
                field=f"{field}.mapping.{old}",
                value=printable_name(new),
            )
    renamed = [mapping.get(name, name) for name in state.table.column_names]
    seen: set[str] = set()
    for name in renamed:
        if name in seen:
            raise DatasetInputError(
                f"After renaming, two columns would be named {name!r}; column names must be unique.",
                field=f"{field}.mapping",
                value=name,
            )
        seen.add(name)
    state.table = state.table.rename_columns(renamed)
    if state.label in mapping:
        state.label = mapping[state.label]
    return None


def _cast_columns(state: _State, operation: dict[str, Any], field: str) -> None:
    types = operation.get("types")
    if not isinstance(types, dict) or not types:
        raise DatasetInputError("The operation needs a mapping from column names to types.", field=f"{field}.types",
                                value=str(types))
    for name, target in types.items():
        state.require_columns([name], f"{field}.types.{name}")
        if target not in LOGICAL_TYPES:
            raise DatasetInputError(
                f"The type {target!r} for column {name!r} is not a column type; accepted types are {ACCEPTED_TYPES}.",
                field=f"{field}.types.{name}",
                value=target,
            )
        source = state.logical(name)
        column = state.table.column(name).combine_chunks()
        try:
            converted = convert_array(column, source, target)
        except UnsupportedConversion:
            raise DatasetInputError(
                f"Column {name!r} is {source}, which cannot be converted to {target}.",
                field=f"{field}.types.{name}",
                value=target,
            ) from None
        except ConversionFailed as failure:
            raise DatasetInputError(
                f"Column {name!r} cannot be converted to {target}: the value {failure.value!r} in row "
                f"{failure.index + 1} is not a valid {target}.",
                field=f"{field}.types.{name}",
                value=failure.value,
            ) from None
        state.replace_column(name, converted)
    return None


def _filter(state: _State, operation: dict[str, Any], field: str) -> None:
    expression = compile_filter(operation.get("tree"), state.table.schema, field=f"{field}.expression")
    state.table = state.table.filter(expression)
    return None


# --- Statistics learned from the training rows ----------------------------------------------------


def _fill_missing(state: _State, operation: dict[str, Any], field: str) -> dict[str, Any]:
    names = state.require_columns(operation.get("columns"), f"{field}.columns")
    strategy = operation.get("strategy")
    if strategy not in FILL_STRATEGIES:
        raise DatasetInputError(
            f"The fill strategy {strategy!r} is unknown; accepted are \"constant\", \"mean\", \"median\" and \"mode\".",
            field=f"{field}.strategy",
            value=str(strategy),
        )
    if strategy in ("mean", "median"):
        state.require_numeric(names, f"{field}.columns", f"Filling with the {strategy}")
    fit, fitted_on = state.fit_rows(field)
    values: dict[str, Any] = {}
    for name in names:
        logical = state.logical(name)
        if strategy == "constant":
            fill = _constant_fill(operation.get("value"), name, logical, field)
        elif strategy == "mode":
            fill = _mode(_present_values(fit.column(name)), name, fitted_on, field)
        else:
            fill = _average_fill(fit, strategy, name, logical, fitted_on, field)
        values[name] = json_value(fill, logical)
        column = state.table.column(name)
        if logical == "float":
            column = pc.if_else(pc.is_nan(column), pa.scalar(None, pa.float64()), column)
        state.replace_column(name, pc.fill_null(column, pa.scalar(fill, LOGICAL_TYPES[logical])))
    return {"values": values, "fittedOn": fitted_on}


def _constant_fill(value: Any, name: str, logical: str, field: str) -> Any:
    if value is None:
        raise DatasetInputError("Filling with a constant needs a value.", field=f"{field}.value", value=None)
    if logical == "integer" and isinstance(value, int) and not isinstance(value, bool) and not INT64_MIN <= value <= INT64_MAX:
        raise DatasetInputError(
            f"The fill value {value} is outside the range of integer columns ({INT64_MIN} to {INT64_MAX}); "
            f"give a value in that range, or cast column {name!r} to float first.",
            field=f"{field}.value",
            value=value,
        )
    try:
        return convert_literal(value, logical)
    except (UnsupportedConversion, ConversionFailed):
        raise DatasetInputError(
            f"The fill value {value!r} cannot be stored in the {logical} column {name!r}; give a {logical} value.",
            field=f"{field}.value",
            value=value,
        ) from None


def _mode(present: pa.ChunkedArray, name: str, fitted_on: str, field: str) -> Any:
    if len(present) == 0:
        raise _no_values_error(name, "mode", fitted_on, field)
    counts = pc.value_counts(present.combine_chunks())
    table = pa.table({"value": counts.field("values"), "count": counts.field("counts")})
    # The most frequent value; among equally frequent values, the smallest.
    first = table.sort_by([("count", "descending"), ("value", "ascending")]).slice(0, 1)
    return first.column("value")[0].as_py()


def _average_fill(fit: pa.Table, strategy: str, name: str, logical: str, fitted_on: str, field: str) -> Any:
    """Return the mean or median of a column's values, leaving out infinities as the profile does.

    An integer column's mean or median is rounded half to even, so the column stays integer.
    """
    numbers = _finite_numbers(fit.column(name))
    if len(numbers) == 0:
        raise _no_values_error(name, strategy, fitted_on, field)
    fill = mean_and_std(numbers)[0] if strategy == "mean" else median(numbers)
    if not math.isfinite(fill):
        raise DatasetInputError(
            f"The {strategy} of column {name!r} is beyond the range of floating-point numbers; "
            "fill the column with a constant instead.",
            field=f"{field}.columns",
            value=name,
        )
    if logical != "integer":
        return fill
    rounded = round(fill)
    if not INT64_MIN <= rounded <= INT64_MAX:
        raise DatasetInputError(
            f"The {strategy} of the integer column {name!r} rounds to {rounded}, which is outside the range of "
            f"integer columns ({INT64_MIN} to {INT64_MAX}); cast the column to float first, or fill it with a constant.",
            field=f"{field}.columns",
            value=name,
        )
    return rounded


def _no_values_error(name: str, statistic: str, fitted_on: str, field: str) -> DatasetInputError:
    rows = "training rows" if fitted_on == "train" else "rows"
    return DatasetInputError(
        f"Column {name!r} has no values in the {rows}, so its {statistic} cannot be computed; "
        "fill it with a constant or drop it.",
        field=f"{field}.columns",
        value=name,
    )


def _standardize(state: _State, operation: dict[str, Any], field: str) -> dict[str, Any]:
    names = state.require_columns(operation.get("columns"), f"{field}.columns")
    state.require_numeric(names, f"{field}.columns", "Standardization")
    fit, fitted_on = state.fit_rows(field)
    statistics = {}
    for name in names:
        numbers = _fit_numbers(fit, name, fitted_on, field, "standardize")
        mean, std = mean_and_std(numbers)
        if not (math.isfinite(mean) and math.isfinite(std)):
            raise _out_of_range_error(name, "its mean or standard deviation is", field)
        statistics[name] = {"mean": mean, "std": std}
        # A constant column would divide by zero; like scikit-learn's StandardScaler, divide by 1 instead.
        column = _as_float(state.table.column(name))
        scaled = shifted_ratio(column, mean, std if std > 0 else 1.0)
        _check_finite(column, scaled, name, field)
        state.replace_column(name, scaled)
    return {"statistics": statistics, "fittedOn": fitted_on}


def _min_max_scale(state: _State, operation: dict[str, Any], field: str) -> dict[str, Any]:
    names = state.require_columns(operation.get("columns"), f"{field}.columns")
    state.require_numeric(names, f"{field}.columns", "Min-max scaling")
    fit, fitted_on = state.fit_rows(field)
    statistics = {}
    for name in names:
        numbers = _fit_numbers(fit, name, fitted_on, field, "scale")
        low, high = float(np.min(numbers)), float(np.max(numbers))
        statistics[name] = {"min": low, "max": high}
        column = _as_float(state.table.column(name))
        if high > low and math.isfinite(high - low):
            scaled = shifted_ratio(column, low, high - low)
        elif high > low:
            # The range is wider than float64 allows, but half of it fits.
            scaled = shifted_ratio(pc.multiply(column, 0.5), low / 2, high / 2 - low / 2)
        else:
            # A constant range maps every value to 0; NaN and null stay as they are.
            scaled = pc.multiply(column, 0.0)
        _check_finite(column, scaled, name, field)
        state.replace_column(name, scaled)
    return {"statistics": statistics, "fittedOn": fitted_on}


def _finite_numbers(column: pa.ChunkedArray) -> np.ndarray:
    numbers = _present_values(column).to_numpy().astype(np.float64)
    return numbers[np.isfinite(numbers)]


def _fit_numbers(fit: pa.Table, name: str, fitted_on: str, field: str, verb: str) -> np.ndarray:
    numbers = _finite_numbers(fit.column(name))
    if len(numbers) == 0:
        rows = "training rows" if fitted_on == "train" else "rows"
        raise DatasetInputError(
            f"Column {name!r} has no finite values in the {rows}, so there is nothing to {verb} it by.",
            field=f"{field}.columns",
            value=name,
        )
    return numbers


def _as_float(column: pa.ChunkedArray) -> pa.ChunkedArray:
    # Integers beyond 2**53 round to the nearest float; a safe cast would reject them.
    return pc.cast(column, pa.float64(), safe=False)


def _check_finite(column: pa.ChunkedArray, scaled: pa.ChunkedArray, name: str, field: str) -> None:
    """Raise when scaling turned a finite value of the column into an infinite one."""
    if pc.any(overflowed(column, scaled)).as_py():
        raise _out_of_range_error(name, "a scaled value would be", field)


def _out_of_range_error(name: str, subject: str, field: str) -> DatasetInputError:
    return DatasetInputError(
        f"Column {name!r} cannot be scaled: {subject} beyond the range of floating-point numbers "
        "(about ±1.8e308). Drop or clip its extreme values first.",
        field=f"{field}.columns",
        value=name,
    )


def _one_hot(state: _State, operation: dict[str, Any], field: str) -> dict[str, Any]:
    names = state.require_columns(operation.get("columns"), f"{field}.columns")
    limit = operation.get("maxCategories")
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
        raise DatasetInputError("maxCategories must be a positive whole number.", field=f"{field}.maxCategories",
                                value=str(limit))
    _check_one_hot_columns(state, names, field)
    types = {name: state.logical(name) for name in names}

    fit, fitted_on = state.fit_rows(field)
    categories = {name: _fit_categories(fit.column(name), name, limit, fitted_on, field) for name in names}
    _check_one_hot_names(state, categories, types, field)

    for name in names:
        _replace_with_indicators(state, name, categories[name])
    return {
        "categories": {name: [json_value(value, types[name]) for value in values] for name, values in categories.items()},
        "fittedOn": fitted_on,
    }


def _check_one_hot_columns(state: _State, names: list[str], field: str) -> None:
    for name in names:
        if name in (state.label, state.split_column):
            role = "label" if name == state.label else "split"
            raise DatasetInputError(
                f"Column {name!r} is the {role} column, which must stay a single column; one-hot encode other columns.",
                field=f"{field}.columns",
                value=name,
            )
        if state.logical(name) not in ONE_HOT_TYPES:
            raise DatasetInputError(
                f"One-hot encoding needs a string, integer, boolean or date column, but {name!r} is a "
                f"{state.logical(name)} column.",
                field=f"{field}.columns",
                value=name,
            )


def _fit_categories(column: pa.ChunkedArray, name: str, limit: int, fitted_on: str, field: str) -> list[Any]:
    """Return the sorted distinct values of a column, or raise when there are none or more than `limit`."""
    found = pc.unique(column).drop_null()
    if len(found) == 0:
        rows = "training rows" if fitted_on == "train" else "rows"
        raise DatasetInputError(
            f"Column {name!r} has no values to encode in the {rows}, so one-hot encoding would give no columns; "
            "fill its missing values or drop it.",
            field=f"{field}.columns",
            value=name,
        )
    if len(found) > limit:
        raise DatasetInputError(
            f"Column {name!r} has {len(found)} categories, more than maxCategories ({limit}); raise "
            "maxCategories or group rare values first.",
            field=f"{field}.columns",
            value=name,
        )
    return found.take(pc.sort_indices(found)).to_pylist()


def _check_one_hot_names(state: _State, categories: dict[str, list[Any]], types: dict[str, str], field: str) -> None:
    """Raise when the new columns would exceed MAX_COLUMNS, or a new name is too long, invalid or taken."""
    count = state.table.num_columns - len(categories) + sum(len(values) for values in categories.values())
    if count > MAX_COLUMNS:
        widest = max(categories, key=lambda name: len(categories[name]))
        raise DatasetInputError(
            f"One-hot encoding would give the dataset {count} columns, more than the limit of {MAX_COLUMNS}; "
            f"column {widest!r} alone has {len(categories[widest])} categories. Lower maxCategories, group rare "
            "values or encode fewer columns.",
            field=f"{field}.columns",
            value=widest,
        )
    # New names may not repeat any current column, not even one that this operation replaces.
    taken_names = set(state.table.column_names)
    for name, values in categories.items():
        for category in values:
            encoded = _one_hot_name(name, category, types[name])
            if len(encoded) > MAX_NAME_LENGTH:
                raise DatasetInputError(
                    f"One-hot encoding {name!r} would create a column name of {len(encoded)} characters, more than "
                    f"the limit of {MAX_NAME_LENGTH}: {encoded[:60]!r}... Shorten the long values or the column name first.",
                    field=f"{field}.columns",
                    value=printable_name(encoded),
                )
            character = invalid_name_character(encoded)
            if character is not None:
                raise DatasetInputError(
                    f"One-hot encoding {name!r} would create the column name {encoded!r}, which contains the "
                    f"character {describe_character(character)}; replace that character in the column's values first.",
                    field=f"{field}.columns",
                    value=printable_name(encoded),
                )
            if encoded in taken_names:
                raise DatasetInputError(
                    f"One-hot encoding {name!r} would create the column {encoded!r}, but that name is already taken; "
                    "rename the column first.",
                    field=f"{field}.columns",
                    value=encoded,
                )
            taken_names.add(encoded)


def _one_hot_name(name: str, category: Any, logical: str) -> str:
    if logical == "boolean":
        text = "true" if category else "false"
    elif logical == "date":
        text = category.isoformat()
    else:
        text = str(category)
    return f"{name}_{text}"


def _replace_with_indicators(state: _State, name: str, categories: list[Any]) -> None:
    """Replace column `name` by one 0/1 integer column per category, in its place; null gives all zeros."""
    logical = state.logical(name)
    column = state.table.column(name)
    position = state.table.column_names.index(name)
    table = state.table.remove_column(position)
    for offset, category in enumerate(categories):
        matches = pc.fill_null(pc.equal(column, pa.scalar(category, LOGICAL_TYPES[logical])), False)
        indicator = pc.cast(matches, pa.int64())
        table = table.add_column(position + offset, pa.field(_one_hot_name(name, category, logical), pa.int64()), indicator)
    state.table = table


# --- Splitting ------------------------------------------------------------------------------------


def _split(state: _State, operation: dict[str, Any], field: str) -> dict[str, Any]:
    ratios = _split_ratios(operation.get("ratios"), f"{field}.ratios")
    seed = operation.get("seed")
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise DatasetInputError("The split needs a whole-number seed.", field=f"{field}.seed", value=str(seed))
    strategy = operation.get("strategy")
    random = np.random.default_rng(seed)
    rows = state.table.num_rows

    # parts[row] is the row's index in SPLIT_PARTS; every row is assigned below.
    parts = np.zeros(rows, dtype=np.int8)
    if strategy == "random":
        _assign_parts(parts, np.arange(rows), ratios, random)
    elif strategy == "stratified":
        _assign_stratified(state, parts, operation.get("by"), ratios, random, field)
    else:
        raise DatasetInputError(
            f"The split strategy {strategy!r} is unknown; accepted are \"random\" and \"stratified\".",
            field=f"{field}.strategy",
            value=str(strategy),
        )

    _check_part_sizes(parts, ratios, rows, f"{field}.ratios")
    labels = pa.array(np.array(SPLIT_PARTS, dtype=object)[parts], pa.string())
    if state.split_column in state.table.column_names:
        state.replace_column(state.split_column, labels)
    else:
        state.table = state.table.append_column(pa.field(state.split_column, pa.string()), labels)
    sizes = np.bincount(parts, minlength=len(SPLIT_PARTS))
    return {"sizes": {part: int(sizes[SPLIT_PARTS.index(part)]) for part, _ratio in ratios}}


def _assign_stratified(
    state: _State,
    parts: np.ndarray,
    by: str | None,
    ratios: list[tuple[str, Fraction]],
    random: np.random.Generator,
    field: str,
) -> None:
    """Split each class of column `by` (the label when None) by the ratios, in sorted class order."""
    by = by or state.label
    if by is None:
        raise DatasetInputError(
            "A stratified split needs a column to stratify by, and the dataset has no label to use instead.",
            field=f"{field}.by",
        )
    state.require_columns([by], f"{field}.by")
    needed = sum(1 for _part, ratio in ratios if ratio > 0)
    for value, members in _classes(state.table.column(by)):
        if len(members) < needed:
            class_value = json_value(value, state.logical(by))
            raise DatasetInputError(
                f"The class {class_value!r} of column {by!r} has {len(members)} rows, fewer than the {needed} "
                "split parts, so it cannot appear in every part; merge rare classes or use a random split.",
                field=f"{field}.by",
                value=class_value,
            )
        _assign_parts(parts, members, ratios, random)


def _check_part_sizes(parts: np.ndarray, ratios: list[tuple[str, Fraction]], rows: int, field: str) -> None:
    """Raise when a part with a share above 0 received no rows."""
    sizes = np.bincount(parts, minlength=len(SPLIT_PARTS))
    for part, ratio in ratios:
        if ratio > 0 and sizes[SPLIT_PARTS.index(part)] == 0:
            # The train part must keep a share above 0, so only the others can be left out.
            remedy = "Raise the share." if part == "train" else "Raise the share, or set it to 0 to leave the part out."
            raise DatasetInputError(
                f"The {part!r} part gets no rows: the dataset has too few rows ({rows}) for its share of "
                f"{float(ratio):g}. {remedy}",
                field=field,
                value=part,
            )


def _split_ratios(ratios: Any, field: str) -> list[tuple[str, Fraction]]:
    """Return the requested parts in the order train, validation, test with their exact ratios.

    A ratio is taken as the exact decimal it prints as (0.7 is 7/10), so the part sizes do
    not depend on binary rounding.
    """
    if not isinstance(ratios, dict) or not ratios:
        raise DatasetInputError("The split needs ratios for at least one part.", field=field, value=str(ratios))
    unknown = [part for part in ratios if part not in SPLIT_PARTS]
    if unknown:
        raise DatasetInputError(
            f"The split part {unknown[0]!r} is unknown; accepted parts are \"train\", \"validation\" and \"test\".",
            field=field,
            value=unknown[0],
        )
    exact = []
    for part in SPLIT_PARTS:
        if part not in ratios:
            continue
        ratio = ratios[part]
        if isinstance(ratio, bool) or not isinstance(ratio, (int, float)) or not math.isfinite(ratio) or ratio < 0:
            raise DatasetInputError(f"The ratio of {part!r} must be a number from 0 to 1.", field=f"{field}.{part}",
                                    value=str(ratio))
        exact.append((part, Fraction(str(ratio))))
    total = sum(ratio for _part, ratio in exact)
    if abs(float(total) - 1.0) > 1e-9:
        raise DatasetInputError(f"The split ratios add up to {float(total):g}; they must add up to 1.", field=field,
                                value=float(total))
    return [(part, ratio / total) for part, ratio in exact]


def allocate_rows(rows: int, ratios: list[tuple[str, Fraction]]) -> list[int]:
    """Split `rows` by `ratios` with the largest-remainder rule.

    Each part first gets floor(rows * ratio). The rows left over go one each to the parts
    with the largest fractional remainders, and equal remainders favor the earlier part.
    """
    shares = [rows * ratio for _part, ratio in ratios]
    sizes = [math.floor(share) for share in shares]
    left = rows - sum(sizes)
    order = sorted(range(len(shares)), key=lambda index: (-(shares[index] - sizes[index]), index))
    for index in order[:left]:
        sizes[index] += 1
    return sizes


def _assign_parts(parts: np.ndarray, members: np.ndarray, ratios: list[tuple[str, Fraction]], random: np.random.Generator) -> None:
    """Assign the rows `members` to parts: the first rows of a random permutation go to train, and so on."""
    shuffled = members[random.permutation(len(members))]
    start = 0
    for (part, _ratio), size in zip(ratios, allocate_rows(len(members), ratios)):
        parts[shuffled[start : start + size]] = SPLIT_PARTS.index(part)
        start += size


def _classes(column: pa.ChunkedArray) -> list[tuple[Any, np.ndarray]]:
    """Group row positions by value: classes in sorted order, then the null class (null and NaN) last."""
    column = column.combine_chunks()
    if pa.types.is_floating(column.type):
        column = pc.if_else(pc.is_nan(column), pa.scalar(None, column.type), pc.add(column, 0.0))
    values = pc.unique(column).drop_null()
    values = values.take(pc.sort_indices(values))
    codes = pc.index_in(column, value_set=values).to_numpy(zero_copy_only=False)
    codes = np.where(np.isnan(codes.astype(np.float64)), len(values), codes).astype(np.int64)
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(values) + 2))
    groups = []
    for code, value in enumerate([*values.to_pylist(), None]):
        members = order[bounds[code] : bounds[code + 1]]
        if len(members):
            groups.append((value, members))
    return groups


def _split_sizes(column: pa.ChunkedArray) -> dict[str, int]:
    counts = pc.value_counts(pc.cast(column, pa.string()).combine_chunks())
    found = {value: count for value, count in zip(counts.field("values").to_pylist(), counts.field("counts").to_pylist())
             if value is not None}
    ordered = {part: found.pop(part) for part in SPLIT_PARTS if part in found}
    ordered.update(sorted(found.items()))
    return ordered


_OPERATIONS: dict[str, Callable[[_State, dict[str, Any], str], dict[str, Any] | None]] = {
    "dropMissing": _drop_missing,
    "fillMissing": _fill_missing,
    "dropDuplicates": _drop_duplicates,
    "dropColumns": _drop_columns,
    "renameColumns": _rename_columns,
    "castColumns": _cast_columns,
    "filter": _filter,
    "standardize": _standardize,
    "minMaxScale": _min_max_scale,
    "oneHot": _one_hot,
    "split": _split,
}
