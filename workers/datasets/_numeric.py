"""Float statistics that stay finite for values near the float64 limit (about ±1.8e308).

A sum, difference or square of large finite floats overflows to infinity even when the
statistic itself is representable. Each statistic here is first computed the usual way,
so ordinary data gets numpy's results unchanged. Only when that result is not finite is it
computed again on values scaled by a power of two (or halved). The scaling is exact for
normal floats, and it loses only digits of values far smaller than the largest one.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def mean(values: np.ndarray) -> float:
    """Return the mean of finite values, which is always finite."""
    with np.errstate(over="ignore", invalid="ignore"):
        result = float(np.mean(values))
    if np.isfinite(result):
        return result
    exponent = _exponent_of_largest(values)
    return float(np.ldexp(np.mean(np.ldexp(values, -exponent)), exponent))


def mean_and_std(values: np.ndarray, ddof: int = 0) -> tuple[float, float]:
    """Return the mean and standard deviation (with `ddof`, as numpy.std) of finite values.

    Either is still infinite when the statistic itself is beyond the float64 range, which
    can happen only for values within a rounding error of the limit.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        mean = float(np.mean(values))
        std = float(np.std(values, ddof=ddof))
    if np.isfinite(mean) and np.isfinite(std):
        return mean, std
    exponent = _exponent_of_largest(values)
    scaled = np.ldexp(values, -exponent)
    with np.errstate(over="ignore", invalid="ignore"):
        mean = float(np.ldexp(np.mean(scaled), exponent))
        std = float(np.ldexp(np.std(scaled, ddof=ddof), exponent))
    return mean, std


def median(values: np.ndarray) -> float:
    """Return the median of finite values; numpy averages the two middle values, and their sum can overflow."""
    with np.errstate(over="ignore", invalid="ignore"):
        middle = float(np.median(values))
    if np.isfinite(middle):
        return middle
    lower, upper = (len(values) - 1) // 2, len(values) // 2
    ordered = np.partition(values, [lower, upper])
    return float(ordered[lower] / 2 + ordered[upper] / 2)


def quantiles(values: np.ndarray, levels: tuple[float, ...]) -> np.ndarray:
    """Return numpy.quantile of finite values at `levels`, interpolating on halved values where the difference overflows."""
    with np.errstate(over="ignore", invalid="ignore"):
        result = np.quantile(values, levels)
    overflowed = ~np.isfinite(result)
    if overflowed.any():
        result[overflowed] = 2 * np.quantile(values / 2, np.asarray(levels)[overflowed])
    return result


def interpolate(low: np.ndarray, high: np.ndarray, fraction: np.ndarray) -> np.ndarray:
    """Return low + (high - low) * fraction, as numpy.quantile interpolates, without overflowing in between."""
    with np.errstate(over="ignore", invalid="ignore"):
        result = low + (high - low) * fraction
        halved = 2 * (low / 2 + (high / 2 - low / 2) * fraction)
    return np.where(np.isfinite(result), result, halved)


def histogram_edges(low: float, high: float, bins: int) -> tuple[np.ndarray, bool]:
    """Return `bins` + 1 evenly spaced edges from `low` to `high`, and whether numpy.histogram can compute them itself.

    numpy.histogram raises when the range is wider than float64 allows or too narrow for
    that many distinct edges (0.3 and the next float up have none in between). A wide range
    gets edges computed on halved bounds, and a narrow one the single bin [low, high].
    """
    with np.errstate(over="ignore", invalid="ignore"):
        edges = np.linspace(low, high, bins + 1)
    if np.all(np.isfinite(edges)) and np.all(edges[:-1] < edges[1:]):
        return edges, True
    edges = 2 * np.linspace(low / 2, high / 2, bins + 1)
    if np.all(np.isfinite(edges)) and np.all(edges[:-1] < edges[1:]):
        return edges, False
    return np.array([low, high]), False


def shifted_ratio(column: pa.ChunkedArray, shift: float, divisor: float) -> pa.ChunkedArray:
    """Return (x - shift) / divisor for a float column, keeping nulls; `divisor` must be finite and above 0.

    Where x - shift overflows (x far outside the values the statistics came from), the
    ratio is computed from halved values instead. A ratio that is itself beyond the float64
    range stays infinite, so the caller checks the result with `overflowed`.
    """
    direct = pc.divide(pc.subtract(column, shift), divisor)
    if not pc.any(overflowed(column, direct)).as_py():
        return direct
    halved = pc.divide(pc.subtract(pc.multiply(column, 0.5), shift / 2), divisor / 2)
    return pc.if_else(overflowed(column, direct), halved, direct)


def overflowed(column: pa.ChunkedArray, result: pa.ChunkedArray) -> pa.ChunkedArray:
    """Return true where a finite input gave a result that is infinite or NaN."""
    return pc.and_(pc.is_finite(column), pc.invert(pc.is_finite(result)))


def _exponent_of_largest(values: np.ndarray) -> int:
    largest = float(np.max(np.abs(values))) if len(values) else 0.0
    return int(np.frexp(largest)[1])
