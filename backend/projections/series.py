"""Downsampling of a metric series that keeps what a chart must not lose.

A series of n points is cut into equal buckets of consecutive steps. Each bucket keeps its
first, last, minimum and maximum point and its first non-finite point (NaN or an infinity),
so spikes, divergence and the ends of the run stay visible however far the series is thinned.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

# Points kept from each bucket at most: first, last, minimum, maximum and the first non-finite one.
KEPT_PER_BUCKET = 5


def downsample(points: Sequence[Any], max_points: int, value: str = "value") -> list[Any]:
    """Return at most `max_points` of `points` (ordered by step), keeping each bucket's extremes; `value` names the value key."""
    if len(points) <= max_points:
        return list(points)
    # A series with only finite values keeps 4 points a bucket, so it gets more buckets.
    per_bucket = KEPT_PER_BUCKET if any(not _is_finite(point[value]) for point in points) else KEPT_PER_BUCKET - 1
    buckets = max(1, max_points // per_bucket)
    size = len(points) / buckets
    kept: set[int] = set()
    for bucket in range(buckets):
        start, end = int(bucket * size), int((bucket + 1) * size) if bucket < buckets - 1 else len(points)
        kept.update(_kept_in_bucket(points, start, end, value))
    return [points[index] for index in sorted(kept)]


def _kept_in_bucket(points: Sequence[Any], start: int, end: int, value: str) -> list[int]:
    kept = [start, end - 1]
    finite = [index for index in range(start, end) if _is_finite(points[index][value])]
    if finite:
        kept.append(min(finite, key=lambda index: points[index][value]))
        kept.append(max(finite, key=lambda index: points[index][value]))
    if len(finite) < end - start:
        kept.append(next(index for index in range(start, end) if not _is_finite(points[index][value])))
    return kept


def _is_finite(number: float | None) -> bool:
    return number is not None and math.isfinite(number)
