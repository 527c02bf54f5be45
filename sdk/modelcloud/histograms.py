"""Histograms of a weight tensor or its gradient, in the form the server stores.

A histogram has BINS equal-width bins spanning [low, high], the range of the finite values.
NaN and infinities are counted apart, so the counts add up to the number of values less
the non-finite ones. Bin i contains the values v with edges[i] <= v < edges[i + 1], and
the last bin also contains `high`, as in numpy.histogram. A constant tensor has low == high
and all its values in the first bin. A tensor with no finite value has all counts 0 and
null low, high, min, max, mean and std.

numpy is used only when the training script has already imported it, so the client itself
never needs it.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterable
from typing import Any

from modelcloud.points import is_real

BINS = 30
KINDS = {"weights": "WEIGHTS", "gradients": "GRADIENTS"}
# The server accepts histograms of 1 to MAX_BINS bins that were binned elsewhere.
MAX_BINS = 1000
# Relative tolerance when checking that given bin edges are evenly spaced.
EDGE_TOLERANCE = 1e-6


def histogram(layer: str, tensor: str, kind: str, values: Any) -> dict[str, Any]:
    """Return the server's HistogramInput for raw values or for `(counts, edges)` already binned.

    Raw values are binned into BINS bins. Raises TypeError for a value that is not a real
    number and ValueError for counts and edges that are not 1 to MAX_BINS equal-width bins.
    """
    if kind not in KINDS:
        raise ValueError(f"histogram kind {kind!r} is invalid: use 'weights' or 'gradients'")
    for field, text in (("layer", layer), ("tensor", tensor)):
        if not isinstance(text, str) or not text:
            raise TypeError(f"histogram {field} {text!r} is invalid: it must be a non-empty string")

    entry = {"layer": layer, "tensor": tensor, "kind": KINDS[kind]}
    if _is_counts_and_edges(values):
        return {**entry, **_from_bins(*values)}
    return {**entry, **summarize(values)}


def summarize(values: Any) -> dict[str, Any]:
    """Bin the finite values of an array-like, of any shape, into BINS bins and describe them."""
    numpy = sys.modules.get("numpy")
    if numpy is not None and (isinstance(values, numpy.ndarray) or hasattr(values, "__array__")):
        return _summarize_array(numpy, values)
    return _summarize_floats(_flatten(values))


def _summarize_floats(values: list[float]) -> dict[str, Any]:
    nan_count = sum(1 for value in values if math.isnan(value))
    inf_count = sum(1 for value in values if math.isinf(value))
    finite = [value for value in values if math.isfinite(value)]
    if not finite:
        return _empty(nan_count, inf_count)

    low, high = min(finite), max(finite)
    mean, std = _moments(finite)
    return {
        "low": low,
        "high": high,
        "counts": bin_counts(finite, low, high),
        "nanCount": nan_count,
        "infCount": inf_count,
        "min": low,
        "max": high,
        "mean": mean,
        "std": std,
    }


def _summarize_array(numpy: Any, values: Any) -> dict[str, Any]:
    try:
        flat = numpy.asarray(values, dtype="float64").ravel()
    except (TypeError, ValueError) as error:
        raise TypeError(f"histogram values must be real numbers: {error}") from None
    finite = flat[numpy.isfinite(flat)]
    nan_count = int(numpy.isnan(flat).sum())
    inf_count = int(numpy.isinf(flat).sum())
    if finite.size == 0:
        return _empty(nan_count, inf_count)

    low, high = float(finite.min()), float(finite.max())
    if low == high:
        counts = [int(finite.size)] + [0] * (BINS - 1)
    elif math.isfinite(high - low):
        counts = [int(count) for count in numpy.histogram(finite, bins=BINS, range=(low, high))[0]]
    else:
        counts = bin_counts(finite.tolist(), low, high)
    with numpy.errstate(over="ignore", invalid="ignore"):
        mean, std = float(finite.mean()), float(finite.std())
    return {
        "low": low,
        "high": high,
        "counts": counts,
        "nanCount": nan_count,
        "infCount": inf_count,
        "min": low,
        "max": high,
        "mean": mean if math.isfinite(mean) else None,
        "std": std if math.isfinite(std) else None,
    }


def bin_counts(finite: list[float], low: float, high: float) -> list[int]:
    """Count finite values into BINS equal-width bins from low to high, with numpy.histogram's edges."""
    counts = [0] * BINS
    if low == high:
        counts[0] = len(finite)
        return counts

    # Halving every number keeps the order and avoids overflow when high - low exceeds the largest float.
    scale = 1.0 if math.isfinite(high - low) else 0.5
    start, stop = low * scale, high * scale
    width = (stop - start) / BINS
    edges = [index * width + start for index in range(BINS)] + [stop]
    for value in finite:
        scaled = value * scale
        index = min(int((scaled - start) / width), BINS - 1)
        # The division may land one bin off near an edge; the edges decide, as in numpy.
        if scaled < edges[index]:
            index -= 1
        elif index < BINS - 1 and scaled >= edges[index + 1]:
            index += 1
        counts[index] += 1
    return counts


def _moments(finite: list[float]) -> tuple[float | None, float | None]:
    """Return the mean and the population standard deviation, or None where they overflow a float."""
    try:
        mean = math.fsum(finite) / len(finite)
    except OverflowError:
        return None, None
    variance = math.fsum((value - mean) * (value - mean) for value in finite) / len(finite)
    std = math.sqrt(variance) if math.isfinite(variance) else None
    return mean, std


def _empty(nan_count: int, inf_count: int) -> dict[str, Any]:
    return {
        "low": None,
        "high": None,
        "counts": [0] * BINS,
        "nanCount": nan_count,
        "infCount": inf_count,
        "min": None,
        "max": None,
        "mean": None,
        "std": None,
    }


def _flatten(values: Any) -> list[float]:
    if is_real(values):
        return [float(values)]
    flat: list[float] = []
    _extend(flat, values)
    return flat


def _extend(flat: list[float], values: Any) -> None:
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise TypeError(f"histogram values must be numbers or nested lists of numbers, not {type(values).__name__}")
    for value in values:
        if is_real(value):
            flat.append(float(value))
        else:
            _extend(flat, value)


def _is_counts_and_edges(values: Any) -> bool:
    if not isinstance(values, tuple) or len(values) != 2:
        return False
    counts, edges = values
    try:
        return len(edges) == len(counts) + 1
    except TypeError:
        return False


def _from_bins(counts: Any, edges: Any) -> dict[str, Any]:
    """Check counts and equal-width edges binned elsewhere (numpy.histogram, say) and return their fields."""
    counts_list = [int(count) for count in counts]
    edges_list = [float(edge) for edge in edges]
    if not 1 <= len(counts_list) <= MAX_BINS:
        raise ValueError(f"the histogram has {len(counts_list)} bins; the server accepts 1 to {MAX_BINS}")
    if any(count < 0 for count in counts_list):
        raise ValueError(f"histogram counts {counts_list} are invalid: counts cannot be negative")
    if not all(math.isfinite(edge) for edge in edges_list) or edges_list[-1] < edges_list[0]:
        raise ValueError(f"histogram edges {edges_list} are invalid: they must be finite and increasing")

    low, high = edges_list[0], edges_list[-1]
    width = (high - low) / len(counts_list)
    for index, edge in enumerate(edges_list):
        if abs(edge - (low + index * width)) > EDGE_TOLERANCE * max(abs(high - low), abs(low), abs(high), 1e-300):
            raise ValueError(f"histogram edge {index} is {edge}, but the bins must have equal widths from {low} to {high}")
    empty = sum(counts_list) == 0
    return {
        "low": None if empty else low,
        "high": None if empty else high,
        "counts": counts_list,
        "nanCount": 0,
        "infCount": 0,
        "min": None,
        "max": None,
        "mean": None,
        "std": None,
    }
