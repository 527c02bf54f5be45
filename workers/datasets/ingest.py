"""Ingestion: turn an uploaded CSV, JSON Lines or Parquet file into a canonical Parquet dataset.

The uploaded file is untrusted. Every problem in it raises DatasetInputError naming the
line, column or value at fault, and no output file is left behind. CSV and JSON Lines are
read twice, streaming, so memory stays bounded for files of any size: the first pass
infers each column's type from every row, the second converts the rows and writes them.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ._csv import SNIFF_BYTES, CsvFile, check_delimiter, read_sample, sniff_delimiter
from ._jsonl import merge_kind, parse_chunk, read_chunks, source_type
from ._parquet import ROW_GROUP_ROWS, CanonicalWriter
from ._types import (
    ACCEPTED_TYPES,
    LOGICAL_TYPES,
    ConversionFailed,
    UnsupportedConversion,
    canonical_schema,
    convert_array,
    describe_character,
    invalid_name_character,
    narrow_text_type,
    printable_name,
)
from .errors import DatasetInputError
from .profile import SPLIT_PARTS

FORMATS = ("csv", "parquet", "jsonl")
SUFFIX_FORMATS = {
    ".csv": "csv", ".tsv": "csv", ".txt": "csv",
    ".parquet": "parquet", ".pq": "parquet",
    ".jsonl": "jsonl", ".ndjson": "jsonl",
}
PARQUET_MAGIC = b"PAR1"
# A ZIP archive (also an .xlsx workbook) and an old .xls workbook start with these bytes.
ARCHIVE_MAGICS = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")
# Operations and profiles take a column with this name as each row's split part.
SPLIT_COLUMN = "split"


def ingest(
    source: str,
    filename: str,
    output: str,
    *,
    file_format: str | None = None,
    delimiter: str | None = None,
    column_types: dict[str, str] | None = None,
    label: str | None = None,
    max_columns: int = 2000,
    max_name_length: int = 256,
    split_column: str = SPLIT_COLUMN,
) -> dict[str, Any]:
    """Read the user's file at `source` and write it to `output` as canonical Parquet.

    `filename` is the name the user uploaded, used to choose the format when `file_format`
    is None. `delimiter` applies to CSV and is sniffed when None. `column_types` maps column
    names to logical types that replace the inferred ones. `label`, when given, must name a
    column. A column named `split_column` must be text whose values are all "train",
    "validation" or "test", because later operations read it as each row's split.
    Returns {"format", "delimiter", "rows", "columns": [{"name", "type"}]}, where
    "delimiter" is None for formats other than CSV.
    """
    request = _Request(dict(column_types or {}), label, max_columns, max_name_length, split_column)
    request.check_type_names()
    chosen = _choose_format(source, filename, file_format)
    if os.path.getsize(source) == 0:
        raise _empty_file_error()
    if chosen == "csv":
        return _ingest_csv(source, output, request, delimiter)
    if chosen == "jsonl":
        return _ingest_jsonl(source, output, request)
    return _ingest_parquet(source, output, request)


@dataclass
class _Request:
    """The caller's choices about columns, checked against the columns the file turns out to have."""

    column_types: dict[str, str]
    label: str | None
    max_columns: int
    max_name_length: int
    split_column: str

    def check_type_names(self) -> None:
        for name, logical in self.column_types.items():
            if logical not in LOGICAL_TYPES:
                raise DatasetInputError(
                    f"The type {logical!r} requested for column {name!r} is not a column type; "
                    f"accepted types are {ACCEPTED_TYPES}.",
                    field=f"columnTypes.{name}",
                    value=logical,
                )

    def check_column_count(self, count: int) -> None:
        if count > self.max_columns:
            raise DatasetInputError(
                f"The file has {count} columns, more than the limit of {self.max_columns}. "
                "Remove columns you do not need, or split the data into several datasets.",
                field="columns",
                value=count,
            )

    def check_columns(self, names: list[str]) -> None:
        """Check the column names, the type overrides and the label against the file's columns."""
        self.check_column_count(len(names))
        if not names:
            raise DatasetInputError("The file has no columns.", field="columns", value=0)
        seen: set[str] = set()
        for position, name in enumerate(names, start=1):
            character = invalid_name_character(name)
            if character is not None:
                raise DatasetInputError(
                    f"Column {position}'s name contains the character {describe_character(character)}, which column "
                    "names cannot contain; remove it.",
                    field="columns",
                    value=printable_name(name),
                )
            if not name.strip():
                raise DatasetInputError(
                    f"Column {position} has an empty name; give every column a non-blank name.",
                    field="columns",
                    value=name,
                )
            if len(name) > self.max_name_length:
                raise DatasetInputError(
                    f"The name of column {position} is {len(name)} characters long, more than the limit of "
                    f"{self.max_name_length}: {name[:60]!r}... Shorten the name.",
                    field="columns",
                    value=name,
                )
            if name in seen:
                raise DatasetInputError(
                    f"The column name {name!r} appears more than once; column names must be unique.",
                    field="columns",
                    value=name,
                )
            seen.add(name)
        for name in self.column_types:
            if name not in seen:
                raise DatasetInputError(
                    f"A type was requested for column {name!r}, but the file has no such column; it has {_listed(names)}.",
                    field=f"columnTypes.{name}",
                    value=name,
                )
        if self.label is not None and self.label not in seen:
            raise DatasetInputError(
                f"The label {self.label!r} is not a column of the file; choose one of {_listed(names)}.",
                field="label",
                value=self.label,
            )

    def check_split_type(self, columns: list[tuple[str, str]]) -> None:
        """Raise when the column named like the split column will not be a string column."""
        for name, logical in columns:
            if name == self.split_column and logical != "string":
                raise self._split_error(f"its type is {logical}")

    def check_split_values(self, columns: list[tuple[str, str]], arrays: list[pa.Array], row_of: Callable[[int], str]) -> None:
        """Raise when the split column contains a value other than a split part. `row_of(index)` names a row."""
        names = [name for name, _logical in columns]
        if self.split_column not in names:
            return
        values = arrays[names.index(self.split_column)]
        is_part = pc.fill_null(pc.is_in(values, value_set=pa.array(SPLIT_PARTS)), False)
        if pc.all(is_part).as_py():
            return
        index = pc.index(is_part, False).as_py()
        value = values[index].as_py()
        found = "has no value" if value is None else f"has {value!r}"
        raise self._split_error(f"{row_of(index)} {found}")

    def _split_error(self, problem: str) -> DatasetInputError:
        return DatasetInputError(
            f"The column name {self.split_column!r} is reserved for each row's split, a text column whose values are "
            f"all \"train\", \"validation\" or \"test\", but {problem}. Rename the column, or fix its values.",
            field="columns",
            value=self.split_column,
        )

    def convert(
        self,
        array: pa.Array,
        name: str,
        source: str,
        target: str,
        line_of: Callable[[int], int | None] | None = None,
    ) -> pa.Array:
        """Convert a column of the file to its final type; `line_of(index)` returns the file line of a row, if known."""
        try:
            return convert_array(array, source, target)
        except UnsupportedConversion:
            raise DatasetInputError(
                f"Column {name!r} contains {source} values, which cannot be converted to {target}.",
                field=f"columnTypes.{name}",
                value=target,
            ) from None
        except ConversionFailed as failure:
            if name not in self.column_types:
                raise
            line = line_of(failure.index) if line_of is not None else None
            where = f" on line {line}" if line is not None else ""
            raise DatasetInputError(
                f"Column {name!r} cannot be converted to {target}: the value {failure.value!r}{where} is not a "
                f"valid {target}. Correct the value or request another type for the column.",
                field=f"columnTypes.{name}",
                value=failure.value,
            ) from None


def _choose_format(source: str, filename: str, file_format: str | None) -> str:
    if file_format is not None:
        if file_format not in FORMATS:
            raise DatasetInputError(
                f"The format {file_format!r} is not supported; accepted formats are \"csv\", \"parquet\" and \"jsonl\".",
                field="format",
                value=file_format,
            )
        return file_format
    with open(source, "rb") as file:
        start = file.read(4)
    # The content wins over the name: a Parquet file saved as data.csv is still Parquet.
    if start == PARQUET_MAGIC:
        return "parquet"
    if start in ARCHIVE_MAGICS:
        raise DatasetInputError(
            "The file is a ZIP archive or an Excel workbook, which is not supported; "
            "save the sheet as CSV, or upload Parquet or JSON Lines.",
            field="file",
            value=(filename or "")[:200],
        )
    suffix = os.path.splitext(filename or "")[1].lower()
    if suffix in SUFFIX_FORMATS:
        return SUFFIX_FORMATS[suffix]
    sample = read_sample(source).lstrip()
    return "jsonl" if sample.startswith(b"{") else "csv"


def _empty_file_error() -> DatasetInputError:
    return DatasetInputError("The file is empty; upload a file with a header row and data rows.", field="file")


def _no_rows_error() -> DatasetInputError:
    return DatasetInputError(
        "The file has column names but no data rows; upload a file with at least one row.", field="file"
    )


def _result(file_format: str, delimiter: str | None, rows: int, columns: list[tuple[str, str]]) -> dict[str, Any]:
    return {
        "format": file_format,
        "delimiter": delimiter,
        "rows": rows,
        "columns": [{"name": name, "type": logical} for name, logical in columns],
    }


# --- CSV -------------------------------------------------------------------------------------------


def _ingest_csv(source: str, output: str, request: _Request, delimiter: str | None) -> dict[str, Any]:
    sample = read_sample(source)
    if not sample.strip():
        raise _empty_file_error()
    if delimiter is None:
        delimiter = sniff_delimiter(sample, complete=os.path.getsize(source) <= SNIFF_BYTES)
    else:
        delimiter = check_delimiter(delimiter)
    reader = CsvFile(source, delimiter)
    reader.check_quotes()
    if not reader.measure_header():
        raise _no_rows_error()
    names = reader.column_names()
    request.check_columns(names)

    inferred: dict[str, str | None] = {name: None for name in names}
    inferring = [(index, name) for index, name in enumerate(names) if name not in request.column_types]
    rows = 0
    for batch in reader.text_batches(names):
        rows += batch.num_rows
        for index, name in inferring:
            inferred[name] = narrow_text_type(inferred[name], batch.column(index))
    if rows == 0:
        raise _no_rows_error()

    columns = [(name, request.column_types.get(name) or inferred[name] or "string") for name in names]
    request.check_split_type(columns)
    schema = canonical_schema(columns)
    with CanonicalWriter(output, schema) as writer:
        done = 0
        for batch in reader.text_batches(names):
            first = done
            arrays = [
                request.convert(batch.column(index), name, "string", logical, lambda row: reader.data_row_line(first + row))
                for index, (name, logical) in enumerate(columns)
            ]
            request.check_split_values(columns, arrays, lambda row: f"line {reader.data_row_line(first + row)}")
            writer.write(pa.RecordBatch.from_arrays(arrays, schema=schema))
            done += batch.num_rows
    return _result("csv", delimiter, rows, columns)


# --- JSON Lines ------------------------------------------------------------------------------------


def _ingest_jsonl(source: str, output: str, request: _Request) -> dict[str, Any]:
    inferred: dict[str, str | None] = {}
    rows = 0
    for chunk in read_chunks(source):
        parsed = parse_chunk(chunk)
        rows += parsed.rows
        for name in parsed.table.column_names:
            if name not in inferred:
                inferred[name] = None
                request.check_column_count(len(inferred))
            if name not in request.column_types:
                column = parsed.table.column(name).combine_chunks()
                inferred[name] = merge_kind(inferred[name], parsed.kinds[name], column)
    if rows == 0:
        raise _empty_file_error()
    names = list(inferred)
    request.check_columns(names)

    columns = [(name, request.column_types.get(name) or inferred[name] or "string") for name in names]
    request.check_split_type(columns)
    schema = canonical_schema(columns)
    with CanonicalWriter(output, schema) as writer:
        for chunk in read_chunks(source):
            parsed = parse_chunk(chunk)
            arrays = []
            for name, logical in columns:
                if name not in parsed.kinds or parsed.kinds[name] == "null":
                    arrays.append(pa.nulls(parsed.rows, LOGICAL_TYPES[logical]))
                    continue
                column = parsed.table.column(name).combine_chunks()
                source_logical = source_type(parsed.kinds[name])
                arrays.append(request.convert(column, name, source_logical, logical, chunk.data_row_line))
            request.check_split_values(columns, arrays, lambda row: f"line {chunk.data_row_line(row)}")
            writer.write(pa.RecordBatch.from_arrays(arrays, schema=schema))
    return _result("jsonl", None, rows, columns)


# --- Parquet ---------------------------------------------------------------------------------------


def _ingest_parquet(source: str, output: str, request: _Request) -> dict[str, Any]:
    try:
        # Pre-buffering would keep every row group read so far in memory.
        parquet = pq.ParquetFile(source, pre_buffer=False)
        arrow_schema = parquet.schema_arrow
    except (pa.ArrowException, OSError) as error:
        raise _unreadable_parquet(error) from None
    except UnicodeDecodeError:
        raise DatasetInputError(
            "A column name in the Parquet file is not valid UTF-8 text (it may contain an unpaired surrogate); "
            "rename the column and write the file again.",
            field="columns",
        ) from None
    names = list(arrow_schema.names)
    request.check_columns(names)
    stored = [(field.name, _parquet_logical(field)) for field in arrow_schema]
    if parquet.metadata.num_rows == 0:
        raise _no_rows_error()

    columns = [(name, request.column_types.get(name) or logical) for name, logical in stored]
    request.check_split_type(columns)
    schema = canonical_schema(columns)
    rows = 0
    with CanonicalWriter(output, schema) as writer:
        batches = parquet.iter_batches(batch_size=ROW_GROUP_ROWS, use_threads=True)
        while True:
            try:
                batch = next(batches)
            except StopIteration:
                break
            except (pa.ArrowException, OSError) as error:
                raise _unreadable_parquet(error) from None
            arrays = []
            for index, ((name, logical), (_name, target)) in enumerate(zip(stored, columns)):
                column = _canonical_parquet_array(batch.column(index), name, logical)
                arrays.append(request.convert(column, name, logical, target))
            first = rows
            request.check_split_values(columns, arrays, lambda row: f"row {first + row + 1}")
            writer.write(pa.RecordBatch.from_arrays(arrays, schema=schema))
            rows += batch.num_rows
    return _result("parquet", None, rows, columns)


def _unreadable_parquet(error: Exception) -> DatasetInputError:
    reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return DatasetInputError(
        f"The file is not a readable Parquet file: {reason[:300]}", field="file", value=reason[:200]
    )


def _parquet_logical(column: pa.Field) -> str:
    """Return the logical type a Parquet column maps to, or raise for a type the platform does not store."""
    data_type = column.type
    if pa.types.is_dictionary(data_type) and _is_text(data_type.value_type):
        return "string"
    if pa.types.is_integer(data_type):
        return "integer"
    if pa.types.is_floating(data_type):
        return "float"
    if pa.types.is_boolean(data_type):
        return "boolean"
    if _is_text(data_type) or pa.types.is_null(data_type):
        return "string"
    if pa.types.is_timestamp(data_type):
        return "datetime"
    if pa.types.is_date(data_type):
        return "date"
    raise DatasetInputError(
        f"Column {column.name!r} has the Arrow type {data_type}, which datasets cannot store; supported are "
        "integers, floating-point numbers, booleans, strings, timestamps and dates.",
        field="columns",
        value=column.name,
    )


def _is_text(data_type: pa.DataType) -> bool:
    return pa.types.is_string(data_type) or pa.types.is_large_string(data_type) or pa.types.is_string_view(data_type)


def _canonical_parquet_array(array: pa.Array, name: str, logical: str) -> pa.Array:
    """Cast a column read from a Parquet file to the canonical Arrow type of `logical`."""
    data_type = array.type
    target = LOGICAL_TYPES[logical]
    try:
        if pa.types.is_null(data_type):
            return pa.nulls(len(array), target)
        if pa.types.is_dictionary(data_type):
            return pc.cast(array.dictionary_decode(), target)
        if logical == "datetime":
            # Nanoseconds are cut to microseconds; other units must convert exactly. Casting a
            # timestamp without a zone to UTC keeps its digits, so it is taken as UTC.
            micro = pc.cast(array, pa.timestamp("us", tz=data_type.tz), safe=data_type.unit != "ns")
            return pc.cast(micro, target)
        return pc.cast(array, target)
    except pa.ArrowInvalid as error:
        reason = str(error).strip().splitlines()[0]
        raise DatasetInputError(
            f"Column {name!r} contains a value that cannot be stored as {logical}: {reason[:300]}",
            field="columns",
            value=name,
        ) from None


def _listed(names: list[str], shown: int = 20) -> str:
    text = ", ".join(repr(name) for name in names[:shown])
    return text + (f" and {len(names) - shown} more" if len(names) > shown else "")
