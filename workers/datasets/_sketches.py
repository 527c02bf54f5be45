"""Bounded-memory summaries for profiling: value counts, distinct counts, a reservoir sample and moments.

Each summary is exact while the data fits its capacity and approximate beyond it, and it
reports which of the two it is. A profile of any size therefore needs memory in
proportion to the capacities only.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ._numeric import mean

_MIX_1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX_2 = np.uint64(0x94D049BB133111EB)
_STRING_SEED = np.uint64(0x9E3779B97F4A7C15)


def mix64(values: np.ndarray) -> np.ndarray:
    """Scramble 64-bit integers with the SplitMix64 finalizer (Steele, Lea and Flood, 2014)."""
    z = values.astype(np.uint64, copy=True)
    z ^= z >> np.uint64(30)
    z *= _MIX_1
    z ^= z >> np.uint64(27)
    z *= _MIX_2
    z ^= z >> np.uint64(31)
    return z


def hash_values(array: pa.Array) -> np.ndarray:
    """Return a 64-bit hash of every value of an array without nulls.

    Numbers, dates and timestamps hash their 64-bit patterns, with -0.0 folded into 0.0.
    Text hashes its UTF-8 bytes, each weighted by a pseudo-random number for its position,
    so the whole computation stays in numpy.
    """
    data_type = array.type
    if pa.types.is_string(data_type) or pa.types.is_large_string(data_type):
        return _hash_text(array)
    if pa.types.is_floating(data_type):
        numbers = array.to_numpy(zero_copy_only=False).astype(np.float64) + 0.0
        return mix64(numbers.view(np.uint64))
    if pa.types.is_boolean(data_type):
        return mix64(array.to_numpy(zero_copy_only=False).astype(np.uint64))
    if pa.types.is_timestamp(data_type) or pa.types.is_date(data_type):
        array = array.view(pa.int64() if pa.types.is_timestamp(data_type) else pa.int32())
    return mix64(array.to_numpy(zero_copy_only=False).astype(np.int64).view(np.uint64))


def _hash_text(array: pa.Array) -> np.ndarray:
    array = array.cast(pa.large_string())
    offsets = np.frombuffer(array.buffers()[1], dtype=np.int64)[array.offset : array.offset + len(array) + 1]
    data_buffer = array.buffers()[2]
    first, last = int(offsets[0]), int(offsets[-1])
    body = np.frombuffer(data_buffer, dtype=np.uint8)[first:last].astype(np.uint64) if data_buffer else np.empty(0, np.uint64)
    lengths = np.diff(offsets)
    positions = np.arange(last - first, dtype=np.int64) - np.repeat(offsets[:-1] - first, lengths)
    weighted = (body + np.uint64(1)) * mix64(positions.astype(np.uint64) + _STRING_SEED)
    running = np.concatenate([np.zeros(1, np.uint64), np.cumsum(weighted, dtype=np.uint64)])
    sums = running[offsets[1:] - first] - running[offsets[:-1] - first]
    return mix64(sums ^ mix64(lengths.astype(np.uint64)))


class HyperLogLog:
    """Distinct-count estimate from hashed values (Flajolet et al., 2007), with linear counting for small counts.

    2**13 registers give a standard error of about 1.2 percent in 8 KiB.
    """

    PRECISION = 13

    def __init__(self) -> None:
        self.registers = np.zeros(1 << self.PRECISION, dtype=np.uint8)

    def add(self, hashes: np.ndarray) -> None:
        if len(hashes) == 0:
            return
        index = (hashes >> np.uint64(64 - self.PRECISION)).astype(np.int64)
        rest = hashes & np.uint64((1 << (64 - self.PRECISION)) - 1)
        # The rank is one more than the count of trailing zero bits. The lowest set bit is a power
        # of two, so float64 represents its base-2 logarithm exactly.
        lowest = rest & (~rest + np.uint64(1))
        with np.errstate(divide="ignore"):
            zeros = np.where(rest == 0, 64 - self.PRECISION, np.log2(lowest.astype(np.float64)))
        np.maximum.at(self.registers, index, (zeros + 1).astype(np.uint8))

    def estimate(self) -> int:
        size = len(self.registers)
        alpha = 0.7213 / (1 + 1.079 / size)
        raw = alpha * size * size / float(np.sum(np.ldexp(1.0, -self.registers.astype(np.int32))))
        empty = int(np.count_nonzero(self.registers == 0))
        if raw <= 2.5 * size and empty:
            return round(size * math.log(size / empty))
        return round(raw)


class DistinctCounter:
    """Number of distinct values, exact up to `capacity` of them and estimated beyond.

    Up to the capacity it keeps the sorted 64-bit hashes of the values seen, 8 bytes each,
    so the count is exact unless two values share a hash (for 100,000 values the chance is
    about 3 in 10 billion). Beyond the capacity it moves the hashes into a HyperLogLog.
    """

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.hashes = np.empty(0, dtype=np.uint64)
        self.sketch: HyperLogLog | None = None

    @property
    def exact(self) -> bool:
        return self.sketch is None

    def add(self, values: pa.Array) -> None:
        """Add the values of an array without nulls."""
        if len(values) == 0:
            return
        hashes = hash_values(pc.unique(values))
        if self.sketch is not None:
            self.sketch.add(hashes)
            return
        # Merge only the hashes not seen yet; once a column's values repeat, batches add nothing.
        positions = np.minimum(np.searchsorted(self.hashes, hashes), max(len(self.hashes) - 1, 0))
        seen = self.hashes[positions] == hashes if len(self.hashes) else np.zeros(len(hashes), dtype=bool)
        unseen = hashes[~seen]
        if len(unseen):
            self.hashes = np.union1d(self.hashes, unseen)
        if len(self.hashes) > self.capacity:
            self.sketch = HyperLogLog()
            self.sketch.add(self.hashes)
            self.hashes = np.empty(0, dtype=np.uint64)

    def count(self) -> int:
        if self.sketch is None:
            return len(self.hashes)
        # Linear counting and the estimate can both fall below the capacity that was exceeded.
        return max(self.sketch.estimate(), self.capacity + 1)


class ValueCounter:
    """Counts of each distinct value, exact up to `capacity` distinct values.

    Beyond the capacity the counts become a heavy-hitter summary: each batch adds its most
    frequent values, and the table is cut back to its most frequent half whenever it
    outgrows the capacity. The counts of the values it keeps are then lower bounds, and
    `exact` is false.
    """

    BATCH_HEAVY_HITTERS = 1_000

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.counts: dict[Any, int] = {}
        self.exact = True

    def add(self, values: pa.Array) -> None:
        """Count the values of an array without nulls."""
        if len(values) == 0:
            return
        counted = pc.value_counts(values)
        distinct, counts = counted.field("values"), counted.field("counts")
        if not self.exact and len(distinct) > self.BATCH_HEAVY_HITTERS:
            keep = pc.array_sort_indices(counts, order="descending")[: self.BATCH_HEAVY_HITTERS]
            distinct, counts = distinct.take(keep), counts.take(keep)
        for value, count in zip(distinct.to_pylist(), counts.to_pylist()):
            self.counts[value] = self.counts.get(value, 0) + count
        if len(self.counts) > self.capacity:
            self.exact = False
            most_frequent = sorted(self.counts.items(), key=lambda item: item[1], reverse=True)
            self.counts = dict(most_frequent[: max(1, self.capacity // 2)])

    def most_common(self, limit: int | None = None) -> list[tuple[Any, int]]:
        """Return (value, count) pairs by count, largest first, then by value."""
        ordered = sorted(self.counts.items(), key=lambda item: (-item[1], item[0]))
        return ordered if limit is None else ordered[:limit]


class Reservoir:
    """A uniform random sample of at most `capacity` numbers (Vitter's algorithm R), seeded for repeatability.

    While no more than `capacity` numbers have been added it contains all of them.
    """

    def __init__(self, capacity: int, seed: int | list[int]) -> None:
        self.capacity = capacity
        self.seen = 0
        self.sample = np.empty(capacity, dtype=np.float64)
        self._random = np.random.default_rng(seed)

    @property
    def exact(self) -> bool:
        return self.seen <= self.capacity

    def add(self, values: np.ndarray) -> None:
        count = len(values)
        free = min(max(self.capacity - self.seen, 0), count)
        if free:
            self.sample[self.seen : self.seen + free] = values[:free]
        rest = values[free:]
        if len(rest):
            # Value number i (0-based over everything added) enters with probability capacity / (i + 1).
            numbers = np.arange(self.seen + free, self.seen + count, dtype=np.float64)
            accepted = rest[self._random.random(len(rest)) < self.capacity / (numbers + 1)]
            slots = self._random.integers(0, self.capacity, size=len(accepted))
            self.sample[slots] = accepted
        self.seen += count

    def values(self) -> np.ndarray:
        return self.sample[: min(self.seen, self.capacity)]


class Moments:
    """Count, mean and sum of squared deviations from the mean, merged batch by batch (Chan et al., 1979)."""

    def __init__(self) -> None:
        self.count = 0
        self.mean = 0.0
        self.squares = 0.0

    def add(self, values: np.ndarray) -> None:
        count = len(values)
        if count == 0:
            return
        values = values.astype(np.float64, copy=False)
        batch_mean = mean(values)
        total = self.count + count
        # Near the float64 limit the squares, and a difference of two means, can overflow.
        # The mean stays finite, and the variance becomes infinite instead of wrong.
        with np.errstate(over="ignore", invalid="ignore"):
            squares = float(np.sum((values - batch_mean) ** 2))
            delta = batch_mean - self.mean
            merged = self.mean + delta * count / total
            if not np.isfinite(merged):
                merged = self.mean * (self.count / total) + batch_mean * (count / total)
            self.mean = merged
            self.squares += squares + delta * delta * self.count * count / total
        self.count = total

    def variance(self, ddof: int) -> float | None:
        if self.count <= ddof:
            return None
        return self.squares / (self.count - ddof)
