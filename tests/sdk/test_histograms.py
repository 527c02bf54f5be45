"""Histogram binning: 30 equal bins over the finite values, as numpy.histogram counts them, with or without numpy."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from modelcloud.histograms import BINS, bin_counts, histogram, summarize
from modelcloud.histograms import _summarize_floats as summarize_without_numpy

pytestmark = pytest.mark.unit


def reference_counts(values: list[float]) -> list[int]:
    finite = np.array([value for value in values if math.isfinite(value)])
    return [int(count) for count in np.histogram(finite, bins=BINS, range=(finite.min(), finite.max()))[0]]


@pytest.mark.parametrize("seed", range(5))
def test_pure_python_counts_match_numpy(seed: int) -> None:
    generator = random.Random(seed)
    values = [generator.gauss(0, 1) for _ in range(2000)] + [generator.choice([-1.0, 0.0, 1.0]) for _ in range(50)]

    assert bin_counts(values, min(values), max(values)) == reference_counts(values)


def test_values_on_every_edge_match_numpy() -> None:
    edges = np.linspace(-3.0, 4.5, BINS + 1).tolist()

    assert bin_counts(edges, -3.0, 4.5) == reference_counts(edges)


def test_list_and_array_give_the_same_histogram() -> None:
    values = np.random.default_rng(3).normal(size=(40, 25))
    values[0, 0], values[1, 1], values[2, 2] = np.nan, np.inf, -np.inf

    from_array = summarize(values)
    from_lists = summarize_without_numpy([value for row in values.tolist() for value in row])

    assert from_array["counts"] == from_lists["counts"]
    assert (from_array["nanCount"], from_array["infCount"]) == (1, 2)
    assert (from_lists["nanCount"], from_lists["infCount"]) == (1, 2)
    assert from_array["mean"] == pytest.approx(from_lists["mean"])
    assert from_array["std"] == pytest.approx(from_lists["std"])
    assert sum(from_array["counts"]) == 1000 - 3


def test_nested_lists_are_flattened() -> None:
    entry = histogram("dense", "dense/kernel", "weights", [[0.0, 1.0], [2.0, 3.0]])

    assert entry["kind"] == "WEIGHTS"
    assert (entry["low"], entry["high"], entry["min"], entry["max"]) == (0.0, 3.0, 0.0, 3.0)
    assert entry["mean"] == 1.5
    assert entry["std"] == pytest.approx(math.sqrt(1.25))
    assert entry["counts"][0] == 1
    assert entry["counts"][-1] == 1
    assert len(entry["counts"]) == BINS


def test_constant_tensor_fills_first_bin() -> None:
    entry = histogram("bias", "bias", "gradients", [0.0] * 7)

    assert entry["counts"] == [7] + [0] * (BINS - 1)
    assert (entry["low"], entry["high"], entry["std"]) == (0.0, 0.0, 0.0)


def test_no_finite_value_gives_null_range() -> None:
    entry = histogram("dense", "dense/kernel", "gradients", [math.nan, math.inf, -math.inf])

    assert entry["counts"] == [0] * BINS
    assert (entry["nanCount"], entry["infCount"]) == (1, 2)
    assert all(entry[key] is None for key in ("low", "high", "min", "max", "mean", "std"))


def test_range_beyond_largest_float_still_bins() -> None:
    values = [-1.5e308, 0.0, 1.5e308]

    counts = bin_counts(values, -1.5e308, 1.5e308)

    assert counts[0] == 1
    assert counts[BINS // 2] == 1
    assert counts[-1] == 1


def test_counts_and_edges_are_taken_as_binned() -> None:
    counts, edges = np.histogram(np.arange(100.0), bins=10)

    entry = histogram("dense", "dense/kernel", "weights", (counts, edges))

    assert entry["counts"] == [10] * 10
    assert (entry["low"], entry["high"]) == (0.0, 99.0)


def test_unequal_edges_are_rejected() -> None:
    with pytest.raises(ValueError, match="equal widths"):
        histogram("dense", "dense/kernel", "weights", ([1, 2], [0.0, 1.0, 5.0]))


@pytest.mark.parametrize("values", [["a", "b"], [1.0, None], 1 + 1j])
def test_non_numbers_raise_type_error(values: object) -> None:
    with pytest.raises(TypeError):
        histogram("dense", "dense/kernel", "weights", values)


def test_unknown_kind_is_rejected() -> None:
    with pytest.raises(ValueError, match="'activations'"):
        histogram("dense", "dense/kernel", "activations", [1.0])
