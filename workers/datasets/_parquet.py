"""The canonical Parquet writer shared by ingestion and derivation.

Canonical files are byte-identical for the same rows and types under the same pyarrow
version: rows are regrouped into row groups of a fixed size whatever batch sizes arrive,
each row group is written from contiguous arrays, and the file carries no pandas or
Arrow schema metadata.
"""

from __future__ import annotations

import os
from types import TracebackType

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .errors import DatasetInputError

ROW_GROUP_ROWS = 65_536
# Wide tables get shorter row groups so that one buffered row group stays near 16 million cells.
MAX_ROW_GROUP_CELLS = ROW_GROUP_ROWS * 256
MIN_ROW_GROUP_ROWS = 1_024


def row_group_rows(column_count: int) -> int:
    """Return the rows per row group for a table of `column_count` columns."""
    return max(MIN_ROW_GROUP_ROWS, min(ROW_GROUP_ROWS, MAX_ROW_GROUP_CELLS // max(1, column_count)))


class CanonicalWriter:
    """Write record batches to `output` as canonical Parquet.

    The file is written under a temporary name next to `output` and renamed when `close`
    succeeds, so a failed or aborted write leaves no file at `output`. Use it as a context
    manager: an exception inside the block removes the partial file.
    """

    def __init__(self, output: str, schema: pa.Schema) -> None:
        self.output = output
        self.schema = schema
        self.rows = 0
        self._group_rows = row_group_rows(len(schema))
        self._pending: list[pa.RecordBatch] = []
        self._pending_rows = 0
        self._partial = f"{output}.partial-{os.getpid()}"
        self._writer: pq.ParquetWriter | None = pq.ParquetWriter(
            self._partial,
            schema,
            compression="snappy",
            store_schema=False,
            write_statistics=True,
        )

    def __enter__(self) -> CanonicalWriter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if kind is None:
            self.close()
        else:
            self.abort()

    def write(self, data: pa.RecordBatch | pa.Table) -> None:
        """Buffer `data` (which must have the writer's schema) and write every full row group."""
        batches = data.to_batches() if isinstance(data, pa.Table) else [data]
        for batch in batches:
            if batch.num_rows == 0:
                continue
            check_time_range(batch)
            self._pending.append(batch)
            self._pending_rows += batch.num_rows
        while self._pending_rows >= self._group_rows:
            self._write_group(self._group_rows)

    def close(self) -> int:
        """Write the last row group, move the file into place and return the number of rows written."""
        if self._writer is None:
            return self.rows
        if self._pending_rows:
            self._write_group(self._pending_rows)
        self._writer.close()
        self._writer = None
        os.replace(self._partial, self.output)
        return self.rows

    def abort(self) -> None:
        """Stop writing and remove the partial file."""
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        if os.path.exists(self._partial):
            os.remove(self._partial)

    def _write_group(self, rows: int) -> None:
        assert self._writer is not None
        table = pa.Table.from_batches(self._pending, schema=self.schema)
        group = table.slice(0, rows).combine_chunks()
        rest = table.slice(rows)
        self._writer.write_table(group, row_group_size=rows)
        self.rows += rows
        self._pending = rest.to_batches()
        self._pending_rows = rest.num_rows


def write_table(table: pa.Table, output: str) -> int:
    """Write a whole in-memory table to `output` as canonical Parquet and return its row count."""
    with CanonicalWriter(output, table.schema) as writer:
        writer.write(table)
    return writer.rows


# Python's datetime and ISO 8601 text cover years 1 to 9999; Arrow stores far more, so values
# outside that range would break profiles, previews and CSV exports later.
MIN_DAY, MAX_DAY = -719_162, 2_932_896
MIN_MICROSECOND, MAX_MICROSECOND = MIN_DAY * 86_400_000_000, (MAX_DAY + 1) * 86_400_000_000 - 1


def check_time_range(batch: pa.RecordBatch) -> None:
    """Raise DatasetInputError when a date or time column contains a value outside years 1 to 9999."""
    for field, column in zip(batch.schema, batch.columns):
        if pa.types.is_timestamp(field.type):
            low, high = MIN_MICROSECOND, MAX_MICROSECOND
            numbers = column.cast(pa.int64())
        elif pa.types.is_date32(field.type):
            low, high = MIN_DAY, MAX_DAY
            numbers = column.cast(pa.int32())
        else:
            continue
        extremes = pc.min_max(numbers).as_py()
        if extremes["min"] is None:
            continue
        if extremes["min"] < low or extremes["max"] > high:
            raise DatasetInputError(
                f"Column {field.name!r} contains a date or time outside the years 1 to 9999, which is not supported; "
                "remove or correct such values, or load the column as string.",
                field="columns",
                value=field.name,
            )

