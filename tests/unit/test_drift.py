"""Drift scores of served data against real dataset profiles, checked against hand computation and scipy."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from scipy import stats

from backend.domain.base import InvalidInput
from backend.domain.drift import (
    EMPTY_SHARE,
    FeatureDrift,
    categorical_drift,
    column_drift,
    numeric_drift,
    population_stability_index,
    prediction_drift,
)
from workers.datasets.profile import profile

pytestmark = pytest.mark.unit

DECILES = np.arange(1, 10) / 10
# The training CDF is linear between the minimum and the 1% quantile, where a normal CDF is
# curved: over 100,000 rows the two differ by up to 0.0065, and so can KS statistics.
NORMAL_CDF_ERROR = 0.007


def profiled(tmp_path: Path, columns: dict[str, Any], label: str | None = None) -> dict[str, Any]:
    """Write `columns` as a canonical Parquet file and profile it as the dataset worker does."""
    path = tmp_path / "train.parquet"
    pq.write_table(pa.table(columns), path)
    return profile(str(path), label=label)


def column(result: dict[str, Any], name: str) -> dict[str, Any]:
    return next(item for item in result["columns"] if item["name"] == name)


def psi_by_hand(expected: list[float], actual: list[float]) -> float:
    total = 0.0
    for e, a in zip(expected, actual):
        e, a = max(e, 1e-4), max(a, 1e-4)
        total += (a - e) * math.log(a / e)
    return total


def normal_quantiles(rows: int) -> np.ndarray:
    """Return `rows` values whose empirical distribution is as close to the standard normal as rows allow."""
    return stats.norm.ppf((np.arange(rows) + 0.5) / rows)


@pytest.fixture(scope="module")
def normal_column(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return column(profiled(tmp_path_factory.mktemp("normal"), {"x": normal_quantiles(100_000)}), "x")


# --- Population stability index ---------------------------------------------------------------------


def test_psi_of_uniform_by_hand(tmp_path: Path) -> None:
    # The deciles of 0, 0.01, ..., 100 are 10, 20, ..., 90, so every training bin contains 0.1 of the rows.
    uniform = column(profiled(tmp_path, {"x": np.linspace(0.0, 100.0, 10_001)}), "x")
    drift = numeric_drift(uniform, [5.0] * 10 + [95.0] * 10)
    assert drift is not None
    # Half the served values fall in the first bin and half in the last, and the 8 bins between are empty.
    expected = 2 * (0.5 - 0.1) * math.log(0.5 / 0.1) + 8 * (1e-4 - 0.1) * math.log(1e-4 / 0.1)
    assert drift.psi == pytest.approx(expected, rel=1e-12)
    # F_train(x) = x / 100, so the largest gap is |0.5 - 0.05| just after 5 and |0.5 - 0.95| just before 95.
    assert drift.ks == pytest.approx(0.45, abs=1e-12)
    assert drift.rows == 20
    assert drift.missing == 0


def test_psi_of_training_data_is_zero(normal_column: dict[str, Any]) -> None:
    drift = numeric_drift(normal_column, normal_quantiles(100_000).tolist())
    assert drift is not None
    assert drift.psi == pytest.approx(0.0, abs=1e-9)
    assert drift.ks is not None
    assert drift.ks <= NORMAL_CDF_ERROR


def test_psi_of_shifted_normal(normal_column: dict[str, Any]) -> None:
    served = np.random.default_rng(7).normal(1.0, 1.0, 50_000)
    drift = numeric_drift(normal_column, served.tolist())
    assert drift is not None

    edges = [entry["value"] for entry in normal_column["quantiles"] if round(entry["q"], 6) in set(DECILES.round(6))]
    counts = np.bincount(np.searchsorted(edges, served, side="left"), minlength=10)
    assert drift.psi == pytest.approx(psi_by_hand([0.1] * 10, (counts / len(served)).tolist()), rel=1e-9)

    bounds = np.concatenate([[0.0], stats.norm.cdf(stats.norm.ppf(DECILES) - 1.0), [1.0]])
    theoretical = psi_by_hand([0.1] * 10, np.diff(bounds).tolist())
    assert drift.psi == pytest.approx(theoretical, rel=0.05)
    assert drift.psi > 0.25
    # Two unit-variance normals one standard deviation apart differ most at their midpoint.
    assert drift.ks == pytest.approx(2 * stats.norm.cdf(0.5) - 1, abs=0.01)


def test_psi_function_counts_empty_bins_as_small_share() -> None:
    assert population_stability_index([0.5, 0.5, 0.0], [0.5, 0.5, 0.0]) == 0.0
    expected = (0.5 - EMPTY_SHARE) * math.log(0.5 / EMPTY_SHARE) + (0.5 - 1.0) * math.log(0.5 / 1.0)
    assert population_stability_index([1.0, 0.0], [0.5, 0.5]) == pytest.approx(expected)
    with pytest.raises(ValueError):
        population_stability_index([0.5, 0.5], [1.0])


# --- Kolmogorov-Smirnov ------------------------------------------------------------------------------


@pytest.mark.parametrize("shift", [0.0, 0.1, 0.3, -0.5, 2.0])
def test_ks_matches_scipy(normal_column: dict[str, Any], shift: float) -> None:
    served = np.random.default_rng(11).normal(shift, 1.0, 3_000)
    drift = numeric_drift(normal_column, served.tolist())
    assert drift is not None
    reference = stats.kstest(served, stats.norm.cdf).statistic
    assert drift.ks == pytest.approx(reference, abs=NORMAL_CDF_ERROR)


def test_ks_outside_training_range_is_one(normal_column: dict[str, Any]) -> None:
    above = numeric_drift(normal_column, [10.0, 11.0, 12.0])
    below = numeric_drift(normal_column, [-12.0, -10.0])
    assert above is not None and below is not None
    assert above.ks == 1.0
    assert below.ks == 1.0


# --- Discrete numeric columns ------------------------------------------------------------------------


@pytest.fixture
def three_values(tmp_path: Path) -> dict[str, Any]:
    """An integer column of 330 zeros, 320 ones and 350 twos, whose deciles repeat each value."""
    values = [0] * 330 + [1] * 320 + [2] * 350
    result = column(profiled(tmp_path, {"k": pa.array(values, pa.int64())}), "k")
    assert [entry["value"] for entry in result["quantiles"] if 0.05 < entry["q"] < 0.95] == [
        0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 2.0, 2.0, 2.0,
    ]
    return result


def test_repeated_quantiles_merge_bins(three_values: dict[str, Any]) -> None:
    drift = numeric_drift(three_values, [0] * 330 + [1] * 320 + [2] * 350)
    assert drift is not None
    # The levels up to 0.3 are 0, up to 0.6 are 1 and the rest 2. So the bins at or below 0,
    # in (0, 1], in (1, 2] and above 2 contain 0.3, 0.3, 0.4 and 0 of the training rows.
    assert drift.psi == pytest.approx(psi_by_hand([0.3, 0.3, 0.4, 0.0], [0.33, 0.32, 0.35, 0.0]), rel=1e-9)
    assert drift.psi < 0.1
    # F_train jumps to 0.3 at 0, to 0.6 at 1 and to 1 at 2, and rises linearly to 0.4 and 0.7 just
    # below 1 and 2. The largest gap is just below 1, where the served CDF is 0.33.
    assert drift.ks == pytest.approx(0.07, abs=1e-12)


def test_values_above_discrete_maximum(three_values: dict[str, Any]) -> None:
    drift = numeric_drift(three_values, [0] * 10 + [2] * 50 + [3] * 40)
    assert drift is not None
    assert drift.psi == pytest.approx(psi_by_hand([0.3, 0.3, 0.4, 0.0], [0.1, 0.0, 0.5, 0.4]), rel=1e-9)
    assert drift.psi > 0.25
    # Just below 2 the served CDF is still 0.1, and F_train has risen linearly to 0.7.
    assert drift.ks == pytest.approx(0.6, abs=1e-12)


def test_constant_column(tmp_path: Path) -> None:
    constant = column(profiled(tmp_path, {"c": pa.array([4.0] * 50)}), "c")
    same = numeric_drift(constant, [4.0] * 20)
    other = numeric_drift(constant, [4.0] * 10 + [5.0] * 10)
    assert same is not None and other is not None
    assert same.psi == 0.0
    assert same.ks == 0.0
    assert other.psi == pytest.approx(psi_by_hand([1.0, 0.0], [0.5, 0.5]), rel=1e-12)
    assert other.ks == 0.5


# --- Missing values and empty input ------------------------------------------------------------------


def test_missing_values_are_counted(normal_column: dict[str, Any]) -> None:
    drift = numeric_drift(normal_column, [0.5, None, math.nan, math.inf, -math.inf, "n/a", "0.25", True])
    assert drift is not None
    assert drift.rows == 8
    assert drift.missing == 5
    reference = numeric_drift(normal_column, [0.5, 0.25, 1.0])
    assert reference is not None
    assert drift.psi == reference.psi
    assert drift.ks == reference.ks


def test_no_comparable_values_gives_none(normal_column: dict[str, Any], tmp_path: Path) -> None:
    assert numeric_drift(normal_column, []) is None
    assert numeric_drift(normal_column, [None, math.nan, math.inf]) is None
    empty = column(profiled(tmp_path, {"x": pa.array([None, None], pa.float64())}), "x")
    assert empty["quantiles"] == []
    assert numeric_drift(empty, [1.0, 2.0]) is None


# --- Categorical columns -----------------------------------------------------------------------------


CITY_COUNTS = {f"city{index:02d}": count for index, count in enumerate([20, 18, 16, 14, 12, 10, 8, 6, 5, 4, 3, 2])}


@pytest.fixture
def cities(tmp_path: Path) -> dict[str, Any]:
    """A profile of 120 rows: 12 cities, of which the top 10 are listed, and 2 missing values."""
    values = [city for city, count in CITY_COUNTS.items() for _ in range(count)] + [None, None]
    return profiled(tmp_path, {"city": pa.array(values, pa.string())})


def test_categorical_with_unseen_categories(cities: dict[str, Any]) -> None:
    summary = column(cities, "city")
    assert len(summary["topValues"]) == 10
    served = ["city00"] * 30 + ["city01"] * 10 + ["city11"] * 5 + ["Atlantis"] * 15 + [None] * 4

    drift = categorical_drift(summary, served, rows=cities["rows"])
    assert drift is not None

    # 118 rows have a city. The 10 listed cities account for 113 of them, so other cities get 5 / 118.
    expected = [count / 118 for count in list(CITY_COUNTS.values())[:10]] + [5 / 118]
    # Of the 60 served cities, city11 and Atlantis both fall in the bin of other cities.
    actual = [30 / 60, 10 / 60] + [0.0] * 8 + [20 / 60]
    assert drift.psi == pytest.approx(psi_by_hand(expected, actual), rel=1e-12)
    assert drift.ks is None
    assert drift.rows == 64
    assert drift.missing == 4


def test_categorical_of_training_data_is_zero(cities: dict[str, Any]) -> None:
    served = [city for city, count in CITY_COUNTS.items() for _ in range(count)]
    drift = column_drift(cities, "city", served)
    assert drift is not None
    assert drift.psi == pytest.approx(0.0, abs=1e-12)


def test_integer_categories_match_text(tmp_path: Path) -> None:
    result = profiled(tmp_path, {"rooms": pa.array([1] * 60 + [2] * 40, pa.int64())})
    summary = column(result, "rooms")
    as_numbers = categorical_drift(summary, [1, 1, 2, 2, 2], rows=result["rows"])
    as_text = categorical_drift(summary, ["1", 1.0, "2", "2.0", 2], rows=result["rows"])
    assert as_numbers is not None and as_text is not None
    assert as_text.psi == as_numbers.psi
    assert as_numbers.psi == pytest.approx(psi_by_hand([0.6, 0.4, 0.0], [0.4, 0.6, 0.0]), rel=1e-12)


def test_boolean_categories_match_text(tmp_path: Path) -> None:
    result = profiled(tmp_path, {"member": pa.array([True] * 30 + [False] * 70)})
    summary = column(result, "member")
    drift = categorical_drift(summary, [True, "True", "true", False], rows=result["rows"])
    assert drift is not None
    # The profile lists False first, as the more frequent value.
    assert drift.psi == pytest.approx(psi_by_hand([0.7, 0.3, 0.0], [0.25, 0.75, 0.0]), rel=1e-12)


def test_categorical_without_values_gives_none(cities: dict[str, Any]) -> None:
    summary = column(cities, "city")
    assert categorical_drift(summary, [], rows=cities["rows"]) is None
    assert categorical_drift(summary, [None, math.nan], rows=cities["rows"]) is None


# --- Choosing the measure by column ------------------------------------------------------------------


def test_column_drift_by_type(tmp_path: Path) -> None:
    result = profiled(tmp_path, {
        "price": pa.array([float(value) for value in range(100)]),
        "city": pa.array(["Lyon"] * 50 + ["Oslo"] * 50),
        "day": pa.array([dt.date(2024, 5, 1)] * 100),
    })
    price = column_drift(result, "price", [10.0, 20.0])
    city = column_drift(result, "city", ["Lyon", "Lyon"])
    assert price is not None and city is not None
    assert price.ks is not None
    assert city.ks is None
    assert city.psi == pytest.approx(psi_by_hand([0.5, 0.5, 0.0], [1.0, 0.0, 0.0]), rel=1e-12)
    assert column_drift(result, "day", ["2024-05-01"]) is None
    with pytest.raises(InvalidInput, match="'weight' was not found in the dataset profile") as raised:
        column_drift(result, "weight", [1.0])
    assert raised.value.field == "column"


# --- Predictions -------------------------------------------------------------------------------------


def test_classification_prediction_drift(tmp_path: Path) -> None:
    result = profiled(tmp_path, {"species": pa.array([0] * 50 + [1] * 30 + [2] * 20, pa.int64())}, label="species")
    assert result["label"]["distribution"][0] == {"value": 0, "count": 50}
    # Classification models return class names, which training writes with str().
    predictions = ["0"] * 20 + ["1"] * 20 + ["2"] * 60
    drift = prediction_drift(result, "species", predictions, "classification")
    assert drift is not None
    assert drift.psi == pytest.approx(psi_by_hand([0.5, 0.3, 0.2, 0.0], [0.2, 0.2, 0.6, 0.0]), rel=1e-12)
    assert drift.ks is None
    assert drift.rows == 100


def test_classification_of_other_label_uses_top_values(tmp_path: Path) -> None:
    result = profiled(
        tmp_path,
        {"grade": pa.array(["a"] * 25 + ["b"] * 75), "score": pa.array([float(value) for value in range(100)])},
        label="score",
    )
    drift = prediction_drift(result, "grade", ["a", "b", "b", "b"], "classification")
    assert drift is not None
    assert drift.psi == pytest.approx(0.0, abs=1e-12)


def test_regression_prediction_drift(tmp_path: Path) -> None:
    result = profiled(tmp_path, {"price": normal_quantiles(100_000)}, label="price")
    predictions = np.random.default_rng(3).normal(0.5, 1.0, 4_000)
    drift = prediction_drift(result, "price", predictions.tolist(), "regression")
    assert drift is not None
    assert drift.ks == pytest.approx(stats.kstest(predictions, stats.norm.cdf).statistic, abs=NORMAL_CDF_ERROR)
    quantiles = column(result, "price")["quantiles"]
    edges = [entry["value"] for entry in quantiles if round(entry["q"], 6) in set(DECILES.round(6))]
    counts = np.bincount(np.searchsorted(edges, predictions), minlength=10)
    assert drift.psi == pytest.approx(psi_by_hand([0.1] * 10, (counts / len(predictions)).tolist()), rel=1e-9)


def test_prediction_drift_rejects_unknown_task_and_label(tmp_path: Path) -> None:
    result = profiled(tmp_path, {"y": pa.array([1.0, 2.0, 3.0])}, label="y")
    with pytest.raises(InvalidInput, match="Task 'ranking' is invalid") as raised:
        prediction_drift(result, "y", [1.0], "ranking")  # type: ignore[arg-type]
    assert raised.value.field == "task"
    with pytest.raises(InvalidInput, match="'target' was not found in the dataset profile"):
        prediction_drift(result, "target", [1.0], "regression")


def test_feature_drift_to_dict() -> None:
    drift = FeatureDrift(psi=0.12, ks=0.08, rows=500, missing=3)
    assert drift.to_dict() == {"psi": 0.12, "ks": 0.08, "rows": 500, "missing": 3}
