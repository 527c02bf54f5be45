"""Downsampling a metric series: the points a chart must keep."""

from __future__ import annotations

import math

from backend.projections.series import downsample


def series(values: list[float | None]) -> list[dict[str, float | None]]:
    return [{"step": step, "value": value} for step, value in enumerate(values)]


def test_short_series_is_unchanged() -> None:
    points = series([3.0, 1.0, 2.0])

    assert downsample(points, 10) == points


def test_long_series_keeps_ends_and_extremes() -> None:
    values = [math.sin(step / 500) for step in range(100_000)]
    values[12_345] = 50.0
    values[67_890] = -50.0
    points = series(values)

    kept = downsample(points, 1000)
    steps = [point["step"] for point in kept]

    assert len(kept) <= 1000
    assert steps == sorted(steps)
    assert steps[0] == 0
    assert steps[-1] == 99_999
    assert 12_345 in steps
    assert 67_890 in steps


def test_non_finite_point_survives() -> None:
    values: list[float | None] = [1.0] * 10_000
    values[4_321] = None
    points = series(values)

    kept = downsample(points, 20)

    assert len(kept) <= 20
    assert 4_321 in [point["step"] for point in kept]


def test_each_bucket_contributes() -> None:
    points = series([float(step % 7) for step in range(1_000)])

    kept = downsample(points, 50)

    assert 30 <= len(kept) <= 50
    assert max(point["step"] for point in kept) == 999


def test_finite_series_uses_most_of_budget() -> None:
    points = series([float(step % 7) for step in range(100_000)])

    kept = downsample(points, 1000)

    assert 900 <= len(kept) <= 1000
