"""Streaming CSV reading for ingestion: delimiter sniffing, whole-file type inference and precise errors.

Arrow's streaming reader parses the file and every column is read as text. The parsers in
`_types` then convert the text, so inference and conversion accept the same spellings.
When Arrow rejects the file, a slow path re-reads it with Python's `csv` and `codecs`
modules to name the physical line and byte at fault. That path runs only on failure.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator

import pyarrow as pa
import pyarrow.csv as pacsv

from .errors import DatasetInputError

CANDIDATE_DELIMITERS = (",", ";", "\t", "|")
SNIFF_BYTES = 64 * 1024
BLOCK_BYTES = 2 * 1024 * 1024
# pandas' default missing-value markers (pandas.read_csv `na_values`), the empty field included.
NULL_MARKERS = [
    "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
    "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
]
UTF8_BOM = codecs.BOM_UTF8


def read_sample(path: str) -> bytes:
    """Return the first bytes of the file with any UTF-8 byte-order mark removed."""
    with open(path, "rb") as file:
        sample = file.read(SNIFF_BYTES)
    return sample[len(UTF8_BOM):] if sample.startswith(UTF8_BOM) else sample


def sniff_delimiter(sample: bytes, *, complete: bool) -> str:
    """Pick the delimiter among `CANDIDATE_DELIMITERS` that splits the sample's rows most consistently.

    A candidate must split the header into at least two fields. The best candidate gives
    the largest share of rows with as many fields as the header. Among equal shares, more
    fields win, and after that the earlier candidate. A file with one column gets ",".
    `complete` is whether the sample is the whole file. When it is not, the last row of
    the sample may be cut, so it is ignored.
    """
    text = sample.decode("utf-8", errors="replace")
    best: tuple[float, int] | None = None
    chosen = ","
    for candidate in CANDIDATE_DELIMITERS:
        rows = [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=candidate) if row]
        if not complete and len(rows) > 1:
            rows = rows[:-1]
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        consistency = sum(len(row) == width for row in rows) / len(rows)
        score = (consistency, width)
        if best is None or score > best:
            best, chosen = score, candidate
    return chosen


def check_delimiter(delimiter: str) -> str:
    if len(delimiter) != 1 or delimiter in "\"\r\n":
        raise DatasetInputError(
            f"The delimiter {delimiter!r} is invalid: give one character other than a quote or a line break, "
            "such as ',', ';', '|' or a tab.",
            field="delimiter",
            value=delimiter,
        )
    return delimiter


class CsvFile:
    """A CSV file read as text columns, with Arrow's failures turned into DatasetInputError."""

    def __init__(self, path: str, delimiter: str) -> None:
        self.path = path
        self.delimiter = delimiter

    def column_names(self) -> list[str]:
        """Read the header row."""
        try:
            reader = pacsv.open_csv(self.path, read_options=self._read_options(), parse_options=self._parse_options())
            with reader:
                return list(reader.schema.names)
        except (pa.ArrowInvalid, UnicodeDecodeError) as error:
            raise self.explain(error) from None

    def text_batches(self, names: list[str]) -> Iterator[pa.RecordBatch]:
        """Yield the data rows with every column as nullable text; null markers become null."""
        convert = pacsv.ConvertOptions(
            column_types={name: pa.string() for name in names},
            null_values=NULL_MARKERS,
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
            check_utf8=True,
        )
        try:
            reader = pacsv.open_csv(
                self.path, read_options=self._read_options(), parse_options=self._parse_options(), convert_options=convert
            )
            with reader:
                yield from reader
        except (pa.ArrowInvalid, UnicodeDecodeError) as error:
            raise self.explain(error) from None

    def _read_options(self) -> pacsv.ReadOptions:
        return pacsv.ReadOptions(block_size=BLOCK_BYTES, use_threads=True)

    def _parse_options(self) -> pacsv.ParseOptions:
        # newlines_in_values lets quoted fields span lines; Arrow then splits blocks serially.
        return pacsv.ParseOptions(delimiter=self.delimiter, newlines_in_values=True)

    def explain(self, error: Exception) -> DatasetInputError:
        """Translate an Arrow or decoding failure into a DatasetInputError that names the line at fault."""
        text = str(error)
        if isinstance(error, UnicodeDecodeError) or "UTF8" in text or "UTF-8" in text:
            found = locate_invalid_utf8(self.path)
            if found is not None:
                return invalid_utf8_error(*found)
        if "Expected" in text and "columns, got" in text:
            ragged = self._find_ragged_row()
            if ragged is not None:
                line, fields, expected = ragged
                return DatasetInputError(
                    f"Line {line} has {fields} fields; the header has {expected}. "
                    "Make every row have one field per column, and quote fields that contain the delimiter.",
                    field="file",
                    value=f"line {line}",
                )
        first_line = text.strip().splitlines()[0] if text.strip() else type(error).__name__
        return DatasetInputError(
            f"The CSV file could not be read: {first_line[:300]}", field="file", value=first_line[:200]
        )

    def _rows_with_lines(self) -> Iterator[tuple[int, list[str]]]:
        """Yield each non-blank row with the physical line it starts on (1-based), read by Python's csv module."""
        csv.field_size_limit(1 << 30)
        with open(self.path, encoding="utf-8-sig", errors="replace", newline="") as file:
            reader = csv.reader(file, delimiter=self.delimiter)
            lines_before = 0
            for row in reader:
                start = lines_before + 1
                lines_before = reader.line_num
                if row:
                    yield start, row

    def _find_ragged_row(self) -> tuple[int, int, int] | None:
        rows = self._rows_with_lines()
        header = next(rows, None)
        if header is None:
            return None
        expected = len(header[1])
        for line, row in rows:
            if len(row) != expected:
                return line, len(row), expected
        return None

    def data_row_line(self, index: int) -> int | None:
        """Return the physical line on which data row `index` (0-based, header excluded) starts."""
        for position, (line, _row) in enumerate(self._rows_with_lines()):
            if position == index + 1:
                return line
        return None


def locate_invalid_utf8(path: str) -> tuple[int, int, int] | None:
    """Return (line, byte offset, byte value) of the first byte that is not valid UTF-8, or None."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    newlines = 0
    with open(path, "rb") as file:
        while True:
            chunk = file.read(1 << 20)
            # The decoder keeps back the start of a character cut by the chunk boundary, and the
            # error position counts from those held-back bytes.
            held_back = decoder.getstate()[0]
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as error:
                combined = held_back + chunk
                line = newlines + combined[: error.start].count(b"\n") + 1
                return line, offset - len(held_back) + error.start, combined[error.start]
            if not chunk:
                return None
            newlines += chunk.count(b"\n")
            offset += len(chunk)


def invalid_utf8_error(line: int, offset: int, byte: int) -> DatasetInputError:
    return DatasetInputError(
        f"The file is not valid UTF-8: the byte 0x{byte:02x} at byte offset {offset} (line {line}) is invalid. "
        "Save the file with UTF-8 encoding and upload it again.",
        field="file",
        value=f"line {line}",
    )
