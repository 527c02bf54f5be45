"""JSON Lines reading for ingestion, in bounded chunks of whole lines.

Each chunk is parsed on its own by Arrow's JSON reader, which infers the chunk's types.
Arrow rejects a chunk with invalid JSON, a column that mixes numbers and text, or a number
out of range. Such a chunk is parsed again line by line with Python's `json` module, which
either names the line at fault or builds the chunk with mixed columns stored as text.
The types of all chunks are then merged into one type per column.

Before a chunk reaches either parser, `check_nesting` rejects lines nested too deeply, because
Python's `json` module raises RecursionError on them and Arrow's reader (pyarrow 26) crashes
the process with a segmentation fault.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.json as pajson

from ._csv import UTF8_BOM, invalid_utf8_error
from ._types import narrow_text_type
from .errors import DatasetInputError

CHUNK_BYTES = 16 * 1024 * 1024
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
# JSON strings may contain dates and times, but numbers written as strings stay text.
TEXT_CANDIDATES = ("date", "datetime")
# Lines must be flat objects (depth 1), and a nested value is rejected after parsing with a
# message that names its column. This bound only keeps very deep lines away from the parsers.
MAX_NESTING = 64
_NOT_BRACKETS = bytes(byte for byte in range(256) if byte not in b"{[}]\n")
_BRACKET_STEPS = np.zeros(256, dtype=np.int8)
_BRACKET_STEPS[list(b"{[")] = 1
_BRACKET_STEPS[list(b"}]")] = -1
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass
class Chunk:
    """Whole lines of the file: `first_line` is the 1-based line number of the first, `offset` its byte offset."""

    data: bytes
    first_line: int
    offset: int

    def data_row_line(self, index: int) -> int:
        """Return the line number of the chunk's non-blank line `index` (0-based)."""
        seen = -1
        for position, line in enumerate(self.data.split(b"\n")):
            if line.strip():
                seen += 1
                if seen == index:
                    return self.first_line + position
        return self.first_line


def read_chunks(path: str, *, chunk_bytes: int = CHUNK_BYTES) -> Iterator[Chunk]:
    """Split the file into chunks of whole lines of about `chunk_bytes` bytes, checking that each is UTF-8."""
    with open(path, "rb") as file:
        leftover = b""
        first_line = 1
        offset = 0
        at_start = True
        while True:
            block = file.read(chunk_bytes)
            data = leftover + block
            if at_start:
                at_start = False
                if data.startswith(UTF8_BOM):
                    data = data[len(UTF8_BOM):]
                    offset = len(UTF8_BOM)
            if block:
                cut = data.rfind(b"\n")
                if cut < 0:
                    leftover = data
                    continue
                data, leftover = data[: cut + 1], data[cut + 1:]
            else:
                leftover = b""
            if data:
                _check_utf8(data, first_line, offset)
                yield Chunk(data, first_line, offset)
                first_line += data.count(b"\n")
                offset += len(data)
            if not block:
                return


def _check_utf8(data: bytes, first_line: int, offset: int) -> None:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = first_line + data[: error.start].count(b"\n")
        raise invalid_utf8_error(line, offset + error.start, data[error.start]) from None


@dataclass
class ParsedChunk:
    """A chunk as a table whose columns are int64, float64, bool, string or null; `kinds` gives each column's JSON kind."""

    table: pa.Table
    kinds: dict[str, str]
    rows: int


def parse_chunk(chunk: Chunk) -> ParsedChunk:
    """Parse one chunk, with Arrow when it accepts the chunk and line by line otherwise."""
    check_nesting(chunk)
    try:
        table = pajson.read_json(io.BytesIO(chunk.data), read_options=pajson.ReadOptions(block_size=len(chunk.data) + 1))
    except pa.ArrowInvalid:
        return _parse_lines(chunk)
    if any(pa.types.is_nested(field.type) for field in table.schema):
        return _parse_lines(chunk)
    timestamps = [field.name for field in table.schema if pa.types.is_timestamp(field.type)]
    if timestamps:
        # Arrow parses ISO text into naive timestamps. Those columns are read again as text,
        # so that zone offsets and bare dates are handled like every other text column.
        schema = pa.schema([(name, pa.string()) for name in timestamps])
        options = pajson.ParseOptions(explicit_schema=schema, unexpected_field_behavior="infer")
        order = table.column_names
        # The explicit schema's columns come first in the result, so the file's order is restored.
        table = pajson.read_json(
            io.BytesIO(chunk.data),
            read_options=pajson.ReadOptions(block_size=len(chunk.data) + 1),
            parse_options=options,
        ).select(order)
    kinds = {field.name: _kind_of(field.type) for field in table.schema}
    return ParsedChunk(table, kinds, table.num_rows)


def check_nesting(chunk: Chunk) -> None:
    """Raise when a line of the chunk nests objects or lists more than MAX_NESTING levels deep.

    Every byte but brackets and line breaks is deleted first, which is fast, and numpy
    follows the depth through what is left. Brackets inside strings count too, so a line
    that fails this estimate is measured again with its strings removed.
    """
    lines = _lines_deeper_than(chunk.data.translate(None, _NOT_BRACKETS), MAX_NESTING)
    if len(lines) == 0:
        return
    raw_lines = chunk.data.split(b"\n")
    for index in lines:
        line_number = chunk.first_line + int(index)
        without_strings = _JSON_STRING.sub(b"", raw_lines[index]).translate(None, _NOT_BRACKETS)
        if len(_lines_deeper_than(without_strings, MAX_NESTING)):
            raise DatasetInputError(
                f"Line {line_number} nests objects or lists more than {MAX_NESTING} levels deep. Each line must "
                "be a flat JSON object whose values are numbers, text, booleans or null.",
                field="file",
                value=f"line {line_number}",
            )


def _lines_deeper_than(brackets: bytes, limit: int) -> np.ndarray:
    """Return the 0-based indexes of the lines in `brackets` (brackets and line breaks only) deeper than `limit`."""
    marks = np.frombuffer(brackets, dtype=np.uint8)
    depth = np.cumsum(_BRACKET_STEPS[marks], dtype=np.int32)
    is_newline = marks == 0x0A
    # line_index[i] counts the line breaks up to position i, and each line's depth is
    # measured from the running depth at the line break before it.
    line_index = np.cumsum(is_newline, dtype=np.int32)
    line_start_depth = np.concatenate([[0], depth[is_newline]])
    deep = depth - line_start_depth[line_index] > limit
    return np.unique(line_index[deep])


def _kind_of(data_type: pa.DataType) -> str:
    if pa.types.is_integer(data_type):
        return "integer"
    if pa.types.is_floating(data_type):
        return "float"
    if pa.types.is_boolean(data_type):
        return "boolean"
    if pa.types.is_null(data_type):
        return "null"
    return "string"


def _parse_lines(chunk: Chunk) -> ParsedChunk:
    rows: list[dict[str, Any]] = []
    names: dict[str, None] = {}
    for position, raw in enumerate(chunk.data.split(b"\n")):
        line_number = chunk.first_line + position
        if not raw.strip():
            continue
        row = _parse_line(raw.decode("utf-8"), line_number)
        # The raw bytes are valid UTF-8, so a surrogate can only come from a \u escape.
        if b"\\u" in raw:
            _check_surrogates(row, line_number)
        for name, value in row.items():
            if isinstance(value, (dict, list)):
                kind = "object" if isinstance(value, dict) else "array"
                raise DatasetInputError(
                    f"Column {name!r} contains a nested JSON {kind} on line {line_number}; each line must be a flat "
                    "object whose values are numbers, text, booleans or null. Flatten the data before uploading it.",
                    field="columns",
                    value=name,
                )
            names.setdefault(name, None)
        rows.append(row)
    columns = {}
    kinds = {}
    for name in names:
        kinds[name], columns[name] = _build_column([row.get(name) for row in rows])
    return ParsedChunk(pa.table(columns) if columns else pa.table({}), kinds, len(rows))


def _parse_line(text: str, line_number: int) -> dict[str, Any]:
    try:
        value = json.loads(text, object_pairs_hook=lambda pairs: _object_without_repeats(pairs, line_number))
    except json.JSONDecodeError as error:
        raise DatasetInputError(
            f"Line {line_number} is not valid JSON: {error.msg} at character {error.colno}. "
            "Each line must hold one JSON object.",
            field="file",
            value=f"line {line_number}",
        ) from None
    except ValueError as error:
        # Python refuses integers longer than 4,300 digits (sys.set_int_max_str_digits).
        raise DatasetInputError(
            f"Line {line_number} could not be read: {error}. Write such a number as text or as a float.",
            field="file",
            value=f"line {line_number}",
        ) from None
    if not isinstance(value, dict):
        raise DatasetInputError(
            f"Line {line_number} is a JSON {type(value).__name__}, not an object; each line must be one "
            "JSON object whose keys are the column names.",
            field="file",
            value=f"line {line_number}",
        )
    return value


def _check_surrogates(row: dict[str, Any], line_number: int) -> None:
    """Raise when a key or text value of the line contains an unpaired surrogate escape such as \\ud800."""
    for text in (*row, *(value for value in row.values() if isinstance(value, str))):
        found = _SURROGATE.search(text)
        if found is not None:
            escape = f"\\u{ord(found.group()):04x}"
            raise DatasetInputError(
                f"Line {line_number} contains the escape {escape}, an unpaired surrogate, which is not valid "
                "text. Replace it with the character it was meant to be, or write both halves of a surrogate pair.",
                field="file",
                value=f"line {line_number}",
            )


def _object_without_repeats(pairs: list[tuple[str, Any]], line_number: int) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise DatasetInputError(
                f"Line {line_number} has the key {key!r} twice; each key of an object must be unique.",
                field="file",
                value=f"line {line_number}",
            )
        result[key] = value
    return result


def _build_column(values: list[Any]) -> tuple[str, pa.Array]:
    kinds = set()
    for value in values:
        if value is None:
            continue
        if isinstance(value, bool):
            kinds.add("boolean")
        elif isinstance(value, int):
            kinds.add("integer" if INT64_MIN <= value <= INT64_MAX else "float")
        elif isinstance(value, float):
            kinds.add("float")
        else:
            kinds.add("string")
    if not kinds:
        return "null", pa.nulls(len(values))
    if kinds == {"integer"}:
        return "integer", pa.array(values, pa.int64())
    if kinds <= {"integer", "float"}:
        return "float", pa.array([None if value is None else float(value) for value in values], pa.float64())
    if kinds == {"boolean"}:
        return "boolean", pa.array(values, pa.bool_())
    if kinds == {"string"}:
        return "string", pa.array(values, pa.string())
    # A column that mixes kinds is stored as text, so the merged column type is text too.
    return "mixed", pa.array([None if value is None else _text_of(value) for value in values], pa.string())


def _text_of(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return str(value)


def merge_kind(current: str | None, kind: str, values: pa.Array) -> str | None:
    """Return the logical type of a column after one more chunk of kind `kind` with `values`.

    `current` is None while every value so far was null. Numbers widen from integer to
    float, and text may turn out to be dates or datetimes. Any mix of numbers, booleans
    and text is text.
    """
    if kind == "null":
        return current
    if kind == "mixed":
        return "string"
    if kind == "string":
        if current not in (None, "date", "datetime", "string"):
            return "string"
        return narrow_text_type(current, values, candidates=TEXT_CANDIDATES)
    if current is None or current == kind:
        return kind
    if {current, kind} == {"integer", "float"}:
        return "float"
    return "string"


def source_type(kind: str) -> str:
    """Return the logical type of a chunk column of kind `kind`, for conversion to the merged type."""
    return "string" if kind == "mixed" else kind
