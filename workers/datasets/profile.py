"""Profiling: per-column statistics of a canonical dataset, read out of core.

The Parquet file is read batch by batch, twice. The first pass gathers counts, moments,
distinct values, top values and a sample for quantiles. The second fills histograms,
whose bins need the minimum and maximum from the first. Memory is bounded by fixed
budgets shared among the columns, whatever the number of rows. Each summary is exact
while the data fits, and the profile reports when it is not.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ._numeric import histogram_edges, interpolate, mean_and_std, quantiles
from ._sketches import DistinctCounter, Moments, Reservoir, ValueCounter
from ._types import NUMERIC_TYPES, json_value, logical_type
from .errors import DatasetInputError

SPLIT_PARTS = ("train", "validation", "test")
QUANTILE_LEVELS = (0.0, 0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0)
HISTOGRAM_BINS = 20
TOP_VALUES = 10
# Integer columns with this many distinct values or fewer are also summarised by their top values.
INTEGER_CATEGORY_LIMIT = 20
LABEL_DISTRIBUTION_LIMIT = 1_000
BATCH_ROWS = 65_536

# Each capacity below is shared out by a budget over all columns of all profiled populations
# (the whole file and each split part), so that wide files give each column less, never less
# than the minimum.
# Numeric columns keep up to SAMPLE_CAPACITY values (8 bytes each) for quantiles.
SAMPLE_CAPACITY = 200_000
SAMPLE_BUDGET = 8_000_000
MIN_SAMPLE_CAPACITY = 1_000
# Every column counts up to DISTINCT_CAPACITY distinct values exactly (8 bytes each).
DISTINCT_CAPACITY = 100_000
DISTINCT_BUDGET = 16_000_000
MIN_DISTINCT_CAPACITY = 1_000
# String, boolean and integer columns count each value in a Python dict, exactly up to
# COUNTS_CAPACITY values of about 100 bytes each. Integer columns stop counting beyond
# INTEGER_COUNTS_CAPACITY, and the label column always gets LABEL_COUNTS_CAPACITY.
COUNTS_CAPACITY = 100_000
COUNTS_BUDGET = 1_000_000
MIN_COUNTS_CAPACITY = 100
INTEGER_COUNTS_CAPACITY = 1_000
LABEL_COUNTS_CAPACITY = 100_000
COUNTED_TYPES = ("string", "boolean", "integer")
SAMPLE_SEED = 20_240_917


def profile_steps(
    path: str, *, label: str | None = None, split_column: str | None = None, progress_every: float = 0.05
) -> Iterator[dict[str, Any]]:
    """Profile the canonical Parquet file at `path`, yielding progress and then the profile.

    Yields {"progress": rows, "total": rows in the file} at most once per `progress_every`
    of the work, then {"profile": {...}} once. Both passes count toward the progress: after
    the first pass it reports half of the rows when a second pass follows. With
    `split_column`, the rows of each split part found in the data ("train", "validation",
    "test") are also profiled on their own.
    """
    # Pre-buffering would keep every row group read so far in memory, whatever the batch size.
    parquet = pq.ParquetFile(path, pre_buffer=False)
    schema = parquet.schema_arrow
    total = parquet.metadata.num_rows
    columns = [(field.name, logical_type(field.type)) for field in schema]
    names = [name for name, _logical in columns]
    if label is not None and label not in names:
        raise DatasetInputError(
            f"The label {label!r} is not a column of the dataset; choose one of its columns.", field="label", value=label
        )
    if split_column is not None and split_column not in names:
        raise DatasetInputError(
            f"The split column {split_column!r} is not a column of the dataset.", field="splitColumn", value=split_column
        )

    budgets = _Budgets(columns, populations=1 + (len(SPLIT_PARTS) if split_column else 0))
    overall = _Population("all", columns, label, budgets)
    parts: dict[str, _Population] = {}
    numeric = [name for name, logical in columns if logical in NUMERIC_TYPES]
    passes = 2 if numeric else 1
    progress = _Progress(total, passes, progress_every)

    for batch in parquet.iter_batches(batch_size=BATCH_ROWS):
        overall.observe(batch)
        for part, rows in _split_batches(batch, split_column):
            if part not in parts:
                parts[part] = _Population(part, columns, label, budgets)
            parts[part].observe(rows)
        yield from progress.advance(batch.num_rows)

    if numeric:
        read = numeric + ([split_column] if split_column and split_column not in numeric else [])
        for batch in parquet.iter_batches(batch_size=BATCH_ROWS, columns=read):
            overall.observe_histograms(batch)
            for part, rows in _split_batches(batch, split_column):
                parts[part].observe_histograms(rows)
            yield from progress.advance(batch.num_rows)

    result = overall.result()
    result["splits"] = (
        {part: _split_result(parts[part].result()) for part in SPLIT_PARTS if part in parts} if split_column else None
    )
    yield {"profile": result}


def profile(path: str, **options: Any) -> dict[str, Any]:
    """Profile the canonical Parquet file at `path` and return the profile; options as for profile_steps."""
    result: dict[str, Any] = {}
    for step in profile_steps(path, **options):
        if "profile" in step:
            result = step["profile"]
    return result


def _split_result(result: dict[str, Any]) -> dict[str, Any]:
    return {"rows": result["rows"], "columns": result["columns"], "label": result["label"]}


def _split_batches(batch: pa.RecordBatch, split_column: str | None) -> Iterator[tuple[str, pa.RecordBatch]]:
    if split_column is None:
        return
    parts = batch.column(split_column)
    if parts.type != pa.string():
        parts = pc.cast(parts, pa.string())
    present = set(pc.unique(parts).to_pylist())
    for part in SPLIT_PARTS:
        if part in present:
            yield part, batch.filter(pc.equal(parts, part))


class _Progress:
    """Progress in rows of the file, counting each pass as an equal share of the work."""

    def __init__(self, total: int, passes: int, every: float) -> None:
        self.total = total
        self.passes = passes
        self.step = max(1, int(total * every)) if every > 0 else 1
        self.read = 0
        self.reported = 0

    def advance(self, rows: int) -> Iterator[dict[str, int]]:
        self.read += rows
        done = self.read // self.passes
        if done - self.reported >= self.step:
            self.reported = done
            yield {"progress": done, "total": self.total}


class _Budgets:
    """Per-column capacities chosen so that all summaries together stay within the budgets."""

    def __init__(self, columns: list[tuple[str, str]], populations: int) -> None:
        numeric = sum(1 for _name, logical in columns if logical in NUMERIC_TYPES)
        counted = sum(1 for _name, logical in columns if logical in COUNTED_TYPES)
        self.sample = _share(SAMPLE_CAPACITY, SAMPLE_BUDGET, numeric * populations, MIN_SAMPLE_CAPACITY)
        self.distinct = _share(DISTINCT_CAPACITY, DISTINCT_BUDGET, len(columns) * populations, MIN_DISTINCT_CAPACITY)
        self.counts = _share(COUNTS_CAPACITY, COUNTS_BUDGET, counted * populations, MIN_COUNTS_CAPACITY)

    def counts_for(self, logical: str, is_label: bool) -> int | None:
        """Return the value-count capacity of a column, or None when its values are not counted."""
        if is_label:
            return LABEL_COUNTS_CAPACITY
        if logical == "integer":
            return min(INTEGER_COUNTS_CAPACITY, self.counts)
        return self.counts if logical in COUNTED_TYPES else None


def _share(capacity: int, budget: int, parts: int, minimum: int) -> int:
    return min(capacity, max(minimum, budget // max(1, parts)))


class _Population:
    """The summaries of every column over one set of rows: the whole file or one split part."""

    def __init__(self, name: str, columns: list[tuple[str, str]], label: str | None, budgets: _Budgets) -> None:
        self.rows = 0
        self.label = label
        self.columns = [
            _ColumnSummary(
                column,
                logical,
                sample_capacity=budgets.sample,
                distinct_capacity=budgets.distinct,
                counts_capacity=budgets.counts_for(logical, column == label),
                is_label=column == label,
                seed=[SAMPLE_SEED, SPLIT_PARTS.index(name) + 1 if name in SPLIT_PARTS else 0, index],
            )
            for index, (column, logical) in enumerate(columns)
        ]
        self._by_name = {summary.name: summary for summary in self.columns}

    def observe(self, batch: pa.RecordBatch) -> None:
        self.rows += batch.num_rows
        for summary, column in zip(self.columns, batch.columns):
            summary.observe(column)

    def observe_histograms(self, batch: pa.RecordBatch) -> None:
        for name, column in zip(batch.schema.names, batch.columns):
            summary = self._by_name[name]
            if summary.logical in NUMERIC_TYPES:
                summary.observe_histogram(column)

    def result(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "columns": [summary.result() for summary in self.columns],
            "label": self._by_name[self.label].distribution() if self.label is not None else None,
        }


class _ColumnSummary:
    """Statistics of one column, gathered batch by batch."""

    def __init__(
        self,
        name: str,
        logical: str,
        *,
        sample_capacity: int,
        distinct_capacity: int,
        counts_capacity: int | None,
        is_label: bool,
        seed: list[int],
    ) -> None:
        self.name = name
        self.logical = logical
        self.missing = 0
        self.distinct = DistinctCounter(distinct_capacity)
        self.values = ValueCounter(counts_capacity) if counts_capacity is not None else None
        # Integer columns other than the label are counted only to find columns with few
        # values and to compute exact quantiles, so their counts are dropped once inexact.
        self.drop_counts_when_full = logical == "integer" and not is_label
        self.minimum: Any = None
        self.maximum: Any = None
        if logical in NUMERIC_TYPES:
            self.moments = Moments()
            self.sample = Reservoir(sample_capacity, seed)
            self.histogram: np.ndarray | None = None
            self.edges: np.ndarray | None = None
            # Whether numpy.histogram can compute the edges itself from the bin count, which is faster.
            self.numpy_edges = False

    def observe(self, column: pa.Array) -> None:
        present = column.drop_null()
        self.missing += len(column) - len(present)
        if self.logical == "float":
            is_number = pc.invert(pc.is_nan(present))
            numbers = present.filter(is_number)
            self.missing += len(present) - len(numbers)
            present = pc.add(numbers, 0.0)  # fold -0.0 into 0.0, as equality does
        if len(present) == 0:
            return
        self.distinct.add(present)
        if self.values is not None:
            self.values.add(present)
            if self.drop_counts_when_full and not self.values.exact:
                self.values = None
        if self.logical in NUMERIC_TYPES:
            self._observe_numbers(present)
        else:
            self._observe_range(present)

    def _observe_numbers(self, present: pa.Array) -> None:
        values = present.to_numpy(zero_copy_only=False)
        if self.logical == "float":
            # NOTE: infinities count as present values and as distinct values, but they are left out
            # of the minimum, maximum, moments, quantiles and histogram, which they would make useless.
            values = values[np.isfinite(values)]
            if len(values) == 0:
                return
        low, high = values.min(), values.max()
        self.minimum = low if self.minimum is None else min(self.minimum, low)
        self.maximum = high if self.maximum is None else max(self.maximum, high)
        self.moments.add(values)
        self.sample.add(values.astype(np.float64, copy=False))

    def _observe_range(self, present: pa.Array) -> None:
        if self.logical not in ("datetime", "date"):
            return
        bounds = pc.min_max(present)
        low, high = bounds["min"].as_py(), bounds["max"].as_py()
        self.minimum = low if self.minimum is None else min(self.minimum, low)
        self.maximum = high if self.maximum is None else max(self.maximum, high)

    def observe_histogram(self, column: pa.Array) -> None:
        if self.minimum is None:
            return
        values = column.drop_null().to_numpy(zero_copy_only=False).astype(np.float64, copy=False)
        values = values[np.isfinite(values)]
        if self.histogram is None:
            self.edges, self.numpy_edges = self._histogram_edges()
            self.histogram = np.zeros(len(self.edges) - 1, dtype=np.int64)
        if self.numpy_edges:
            counts, _edges = np.histogram(values, bins=HISTOGRAM_BINS, range=(float(self.minimum), float(self.maximum)))
            self.histogram += counts
        elif len(self.edges) > 2:
            counts, _edges = np.histogram(values, bins=self.edges)
            self.histogram += counts
        else:
            self.histogram[0] += len(values)

    def _histogram_edges(self) -> tuple[np.ndarray, bool]:
        """Return the bin edges from the minimum to the maximum, and whether numpy.histogram can compute them itself."""
        low, high = float(self.minimum), float(self.maximum)
        if low < high:
            return histogram_edges(low, high, HISTOGRAM_BINS)
        return np.array([low, high]), False

    def result(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "name": self.name,
            "type": self.logical,
            "missing": self.missing,
            "distinct": self.distinct.count(),
            "distinctExact": self.distinct.exact,
        }
        if self.logical in NUMERIC_TYPES:
            result.update(self._numeric_result())
            if self.logical == "integer" and self._counts_exact() and len(self.values.counts) <= INTEGER_CATEGORY_LIMIT:
                result.update(self._top_values())
        elif self.logical in ("datetime", "date"):
            result["min"] = json_value(self.minimum, self.logical)
            result["max"] = json_value(self.maximum, self.logical)
        else:
            result.update(self._top_values())
        return result

    def _numeric_result(self) -> dict[str, Any]:
        number = int if self.logical == "integer" else float
        if self.minimum is None:
            return {
                "min": None, "max": None, "mean": None, "std": None,
                "quantiles": [], "quantilesExact": True, "histogram": {"edges": [], "counts": []},
            }
        quantiles_exact = self.sample.exact or self._counts_exact()
        if self.sample.exact:
            levels = quantiles(self.sample.values(), QUANTILE_LEVELS)
        elif self._counts_exact():
            levels = _quantiles_from_counts(self.values.counts, QUANTILE_LEVELS)
        else:
            levels = quantiles(self.sample.values(), QUANTILE_LEVELS)
            # A sample rarely contains the extremes, but they are known exactly.
            levels[0], levels[-1] = float(self.minimum), float(self.maximum)
        edges = (self.edges if self.edges is not None else self._histogram_edges()[0]).tolist()
        counts = self.histogram.tolist() if self.histogram is not None else [0] * (len(edges) - 1)
        return {
            "min": number(self.minimum),
            "max": number(self.maximum),
            "mean": _finite(self.moments.mean),
            "std": self._std(),
            "quantiles": [{"q": level, "value": _finite(float(value))} for level, value in zip(QUANTILE_LEVELS, levels)],
            "quantilesExact": quantiles_exact,
            "histogram": {"edges": edges, "counts": counts},
        }

    def _std(self) -> float | None:
        """Return the sample standard deviation, or None for a single value.

        It is also None when it is beyond the float64 range, and when the variance overflows
        for a column with more values than its sample keeps.
        """
        variance = self.moments.variance(ddof=1)
        if variance is None:
            return None
        std = float(np.sqrt(variance))
        if not np.isfinite(std) and self.sample.exact:
            # The variance of values near 1e308 overflows even when their deviation does not.
            std = mean_and_std(self.sample.values(), ddof=1)[1]
        return _finite(std)

    def _counts_exact(self) -> bool:
        return self.values is not None and self.values.exact

    def _top_values(self) -> dict[str, Any]:
        return {
            "topValues": [
                {"value": json_value(value, self.logical), "count": count}
                for value, count in self.values.most_common(TOP_VALUES)
            ],
            "topValuesExact": self.values.exact,
        }

    def distribution(self) -> dict[str, Any]:
        """Return the label summary: counts of the most frequent values, missing values left out."""
        common = self.values.most_common()
        return {
            "column": self.name,
            "distribution": [
                {"value": json_value(value, self.logical), "count": count}
                for value, count in common[:LABEL_DISTRIBUTION_LIMIT]
            ],
            "distributionExact": self.values.exact and len(common) <= LABEL_DISTRIBUTION_LIMIT,
        }


def _quantiles_from_counts(counts: dict[Any, int], levels: tuple[float, ...]) -> np.ndarray:
    """Compute quantiles from exact value counts, interpolating linearly as numpy.quantile does by default.

    Infinite values are left out, as they are from the other numeric statistics.
    """
    values = np.array(list(counts), dtype=np.float64)
    weights = np.array(list(counts.values()), dtype=np.int64)
    finite = np.isfinite(values)
    order = np.argsort(values[finite])
    values, weights = values[finite][order], weights[finite][order]
    # ends[k] is the number of sorted values up to and including every copy of values[k].
    ends = np.cumsum(weights)
    positions = (ends[-1] - 1) * np.asarray(levels)
    below = np.floor(positions).astype(np.int64)
    above = np.minimum(below + 1, ends[-1] - 1)
    low = values[np.searchsorted(ends, below, side="right")]
    high = values[np.searchsorted(ends, above, side="right")]
    return interpolate(low, high, positions - below)


def _finite(value: float) -> float | None:
    return value if np.isfinite(value) else None
