"""Streaming CSV reading for ingestion: delimiter sniffing, whole-file type inference and precise errors.

Arrow's streaming reader parses the file and every column is read as text. The parsers in
`_types` then convert the text, so inference and conversion accept the same spellings.
When Arrow rejects the file, a slow path re-reads it with Python's `csv` and `codecs`
modules to name the physical line and byte at fault. That path runs only on failure.

Arrow reads a quote that is never closed as a field running to the end of the file, so
`check_quotes` looks for one before Arrow reads the file (see its docstring for the cost).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator

import pyarrow as pa
import pyarrow.csv as pacsv

from .errors import DatasetInputError

CANDIDATE_DELIMITERS = (",", ";", "\t", "|")
SNIFF_BYTES = 64 * 1024
BLOCK_BYTES = 2 * 1024 * 1024
# Arrow's first block must hold the whole header row, so a longer header gets larger blocks,
# up to this limit. 2,000 names of 256 characters of 4 UTF-8 bytes each, quoted, fit in 2.1 MB.
MAX_HEADER_BYTES = 16 * 1024 * 1024
# Bytes read at a time when the whole file is scanned for quotes.
SCAN_BYTES = 16 * 1024 * 1024
QUOTE = ord('"')
_RECORD_SPECIALS = re.compile(rb'["\r\n]')
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
    # Arrow's CSV parser takes only a single-byte (ASCII) delimiter.
    if len(delimiter) != 1 or delimiter in "\"\r\n" or not delimiter.isascii():
        raise DatasetInputError(
            f"The delimiter {delimiter!r} is invalid: give one ASCII character other than a quote or a line break, "
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
        self.header_bytes = 0

    def check_quotes(self) -> None:
        """Raise when a quoted field is opened and never closed, naming the line of its opening quote.

        In a valid file every quote belongs to a pair, so the number of quote bytes is even,
        and only a file with an odd number is scanned quote by quote. Counting costs one
        extra read of the file at memory speed.
        NOTE: a quote inside an unquoted field (5" screen) is an ordinary character. An odd
        number of those can hide an unclosed quote, and Arrow then reads that file unchanged.
        """
        quotes = 0
        with open(self.path, "rb") as file:
            while chunk := file.read(SCAN_BYTES):
                quotes += chunk.count(b'"')
        if quotes % 2 == 0:
            return
        opened_at = find_unclosed_quote(self.path, self.delimiter)
        if opened_at is None:
            return
        line = line_of_offset(self.path, opened_at)
        raise DatasetInputError(
            f"Line {line} opens a quoted field that is never closed. Add the closing quote, and write a quote "
            'inside a quoted field as two quotes ("").',
            field="file",
            value=f"line {line}",
        )

    def measure_header(self) -> bool:
        """Find where the header row ends and size Arrow's blocks to hold it.

        Returns False when the file ends before a line break closes the header row. Raises
        DatasetInputError when the header row is longer than MAX_HEADER_BYTES.
        """
        with open(self.path, "rb") as file:
            prefix = file.read(SNIFF_BYTES)
            start = len(UTF8_BOM) if prefix.startswith(UTF8_BOM) else 0
            end = first_record_end(prefix, start, self.delimiter)
            if end is None and len(prefix) == SNIFF_BYTES:
                prefix += file.read(MAX_HEADER_BYTES + 1 - SNIFF_BYTES)
                end = first_record_end(prefix, start, self.delimiter)
        if end is None and len(prefix) > MAX_HEADER_BYTES:
            raise DatasetInputError(
                f"The header row (line 1) is longer than the limit of {MAX_HEADER_BYTES:,} bytes. "
                "Check that the file has line breaks and the right delimiter, or shorten the column names.",
                field="file",
                value="line 1",
            )
        if end is None:
            return False
        self.header_bytes = end
        return True

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
        # Twice the header row leaves room for the first data rows in the first block.
        return pacsv.ReadOptions(block_size=max(BLOCK_BYTES, 2 * self.header_bytes), use_threads=True)

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


def _is_field_start(data: bytes, position: int, start: int, previous: int, delimiter: int) -> bool:
    """Return whether `position` starts a field. `previous` is the byte before `data[start]`."""
    before = data[position - 1] if position > start else previous
    return before in (delimiter, 0x0A, 0x0D)


def first_record_end(data: bytes, start: int, delimiter: str) -> int | None:
    """Return the offset just past the line break that ends the record starting at `data[start]`, or None.

    Line breaks inside quoted fields belong to the record. None means that `data` ends
    before the record does.
    """
    separator = ord(delimiter)
    position = start
    inside = False
    while True:
        if inside:
            quote = data.find(b'"', position)
            if quote < 0 or quote + 1 == len(data):
                return None
            if data[quote + 1] == QUOTE:
                position = quote + 2
            else:
                inside = False
                position = quote + 1
            continue
        found = _RECORD_SPECIALS.search(data, position)
        if found is None:
            return None
        position = found.start()
        if data[position] == QUOTE:
            inside = _is_field_start(data, position, start, 0x0A, separator)
            position += 1
            continue
        if data[position : position + 2] == b"\r\n":
            return position + 2
        if data[position] == 0x0D and position + 1 == len(data):
            return None  # a "\n" may follow in bytes not read yet
        return position + 1


def find_unclosed_quote(path: str, delimiter: str) -> int | None:
    """Return the byte offset of a quote that opens a field and is never closed, or None.

    The file is read as Arrow reads it: a quote opens a quoted field only at the start of a
    field, and elsewhere it is an ordinary character. Inside a quoted field, two quotes are
    one quote character and a single quote closes the field. The loop visits quotes only.
    """
    separator = ord(delimiter)
    inside = False
    opened_at = 0
    previous = 0x0A  # the start of the file is the start of a field
    offset = 0
    # True when a chunk ended on a quote inside a quoted field. The next byte decides
    # whether that quote closes the field or is the first of two quotes.
    quote_at_end = False
    with open(path, "rb") as file:
        while chunk := file.read(SCAN_BYTES):
            start = len(UTF8_BOM) if offset == 0 and chunk.startswith(UTF8_BOM) else 0
            position = start
            if quote_at_end:
                quote_at_end = False
                if chunk[0] == QUOTE:
                    position = 1
                else:
                    inside = False
            while (quote := chunk.find(b'"', position)) >= 0:
                if inside:
                    if quote + 1 == len(chunk):
                        quote_at_end = True
                        break
                    if chunk[quote + 1] == QUOTE:
                        position = quote + 2
                        continue
                    inside = False
                elif _is_field_start(chunk, quote, start, previous, separator):
                    inside = True
                    opened_at = offset + quote
                position = quote + 1
            previous = chunk[-1]
            offset += len(chunk)
    if quote_at_end:
        inside = False
    return opened_at if inside else None


def line_of_offset(path: str, offset: int) -> int:
    """Return the 1-based line number of the byte at `offset`."""
    newlines = 0
    read = 0
    with open(path, "rb") as file:
        while read < offset:
            chunk = file.read(min(SCAN_BYTES, offset - read))
            if not chunk:
                break
            newlines += chunk.count(b"\n")
            read += len(chunk)
    return newlines + 1


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
