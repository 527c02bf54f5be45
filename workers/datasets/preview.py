"""Reading a canonical dataset back: a page of rows as JSON-ready values, and a CSV export."""

from __future__ import annotations

import os
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ._types import convert_array, describe_columns, json_value, logical_type
from .errors import DatasetInputError

EXPORT_BATCH_ROWS = 65_536


def preview(path: str, *, offset: int, limit: int, columns: list[str] | None) -> dict[str, Any]:
    """Return rows `offset` to `offset + limit` of the canonical Parquet file at `path`.

    Only the row groups that hold those rows are read. `columns` selects and orders the
    columns (None: all). Returns {"columns": [{"name", "type"}], "rows": [[value, ...]],
    "total": rows in the file}. Datetimes and dates are ISO 8601 text, NaN and infinities
    the text "NaN", "Infinity" and "-Infinity", and missing values None.
    """
    _check_count(offset, "offset")
    _check_count(limit, "limit")
    parquet = pq.ParquetFile(path)
    schema = parquet.schema_arrow
    names = schema.names if columns is None else _check_columns(columns, schema.names)
    total = parquet.metadata.num_rows
    start, stop = min(offset, total), min(offset + limit, total)

    groups = []
    first_row = None
    row = 0
    for index in range(parquet.metadata.num_row_groups):
        size = parquet.metadata.row_group(index).num_rows
        if row < stop and row + size > start:
            groups.append(index)
            first_row = row if first_row is None else first_row
        row += size

    selected = pa.schema([schema.field(name) for name in names])
    if groups and first_row is not None:
        table = parquet.read_row_groups(groups, columns=names).slice(start - first_row, stop - start)
    else:
        table = selected.empty_table()
    values = [
        [json_value(value, logical_type(field.type), non_finite_as_text=True) for value in table.column(field.name).to_pylist()]
        for field in selected
    ]
    return {
        "columns": describe_columns(selected),
        "rows": [list(row_values) for row_values in zip(*values)] if values else [[] for _ in range(table.num_rows)],
        "total": total,
    }


def _check_count(value: Any, field: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise DatasetInputError(f"{field} must be a whole number of at least 0, not {value!r}.", field=field, value=str(value))


def _check_columns(columns: list[str], available: list[str]) -> list[str]:
    known = set(available)
    for name in columns:
        if name not in known:
            raise DatasetInputError(
                f"The column {name!r} is not in the dataset; choose among its {len(available)} columns.",
                field="columns",
                value=name,
            )
        if columns.count(name) > 1:
            raise DatasetInputError(f"The column {name!r} is requested twice.", field="columns", value=name)
    return list(columns)


def export_csv(path: str, output: str) -> None:
    """Stream the canonical Parquet file at `path` to `output` as UTF-8 CSV with a header row.

    Datetimes are written as ISO 8601 UTC text ("2024-01-31T14:30:00.000000Z"), whole
    floats with a decimal point ("127.0") so that the column reads back as float, NaN as
    "nan", and missing values as empty fields. The file appears at `output` only once it
    is complete.
    """
    parquet = pq.ParquetFile(path, pre_buffer=False)
    schema = parquet.schema_arrow
    logical = [logical_type(field.type) for field in schema]
    written = pa.schema([
        pa.field(field.name, pa.string() if kind in ("datetime", "float") else field.type)
        for field, kind in zip(schema, logical)
    ])
    partial = f"{output}.partial-{os.getpid()}"
    try:
        with pacsv.CSVWriter(partial, written) as writer:
            for batch in parquet.iter_batches(batch_size=EXPORT_BATCH_ROWS):
                arrays = [_export_text(column, kind) for column, kind in zip(batch.columns, logical)]
                writer.write_batch(pa.RecordBatch.from_arrays(arrays, schema=written))
        os.replace(partial, output)
    finally:
        if os.path.exists(partial):
            os.remove(partial)


def _export_text(column: pa.Array, logical: str) -> pa.Array:
    if logical == "datetime":
        return convert_array(column, "datetime", "string")
    if logical == "float":
        text = pc.cast(column, pa.string())
        whole = pc.match_substring_regex(text, r"^-?[0-9]+$")
        return pc.if_else(whole, pc.binary_join_element_wise(text, ".0", ""), text)
    return column
