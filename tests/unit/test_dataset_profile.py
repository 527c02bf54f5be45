"""Profiles of canonical datasets, checked against statistics computed independently with pandas and numpy."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits, load_wine

from workers.datasets import profile as profile_module
from workers.datasets.errors import DatasetInputError
from workers.datasets.ingest import ingest
from workers.datasets.operations import derive
from workers.datasets.profile import QUANTILE_LEVELS, profile, profile_steps

pytestmark = pytest.mark.unit


def ingested(frame: pd.DataFrame, tmp_path: Path, suffix: str = ".csv", **options: object) -> Path:
    """Write `frame` as a user would upload it and ingest it; return the canonical file."""
    source = tmp_path / f"upload{suffix}"
    if suffix == ".csv":
        frame.to_csv(source, index=False)
    elif suffix == ".parquet":
        frame.to_parquet(source, index=False)
    else:
        frame.to_json(source, orient="records", lines=True)
    output = tmp_path / "dataset.parquet"
    ingest(str(source), source.name, str(output), **options)
    return output


def by_name(result: dict) -> dict[str, dict]:
    return {column["name"]: column for column in result["columns"]}


def check_numeric(column: dict, values: pd.Series) -> None:
    """Compare a numeric column profile with pandas and numpy on the same values."""
    present = values.dropna().to_numpy(dtype=np.float64)
    assert column["missing"] == int(values.isna().sum())
    assert column["distinct"] == values.nunique()
    assert column["distinctExact"] is True
    assert column["min"] == pytest.approx(present.min())
    assert column["max"] == pytest.approx(present.max())
    assert column["mean"] == pytest.approx(values.mean(), rel=1e-12)
    assert column["std"] == pytest.approx(values.std(), rel=1e-9)
    assert column["quantilesExact"] is True
    assert [entry["q"] for entry in column["quantiles"]] == list(QUANTILE_LEVELS)
    expected = np.quantile(present, QUANTILE_LEVELS)
    assert [entry["value"] for entry in column["quantiles"]] == pytest.approx(expected.tolist(), rel=1e-12)
    counts, edges = np.histogram(present, bins=20)
    if present.min() < present.max():
        assert column["histogram"]["counts"] == counts.tolist()
        assert column["histogram"]["edges"] == pytest.approx(edges.tolist())
    assert sum(column["histogram"]["counts"]) == len(present)


# --- Numbers against pandas ------------------------------------------------------------------------


def test_diabetes_numbers_match_pandas(tmp_path: Path) -> None:
    frame = load_diabetes(as_frame=True, scaled=False).frame
    result = profile(str(ingested(frame, tmp_path)), label="target")
    assert result["rows"] == 442
    columns = by_name(result)
    assert list(columns) == list(frame.columns)
    for name in frame.columns:
        check_numeric(columns[name], frame[name])
    assert result["splits"] is None


def test_wine_label_distribution(tmp_path: Path) -> None:
    frame = load_wine(as_frame=True).frame
    result = profile(str(ingested(frame, tmp_path, ".parquet")), label="target")
    counts = frame["target"].value_counts()
    assert result["label"]["column"] == "target"
    assert result["label"]["distribution"] == [
        {"value": int(value), "count": int(count)} for value, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]
    assert result["label"]["distributionExact"] is True
    target = by_name(result)["target"]
    assert target["type"] == "integer"
    assert target["topValues"] == result["label"]["distribution"]
    assert target["topValuesExact"] is True


def test_digits_integer_columns(tmp_path: Path) -> None:
    frame = load_digits(as_frame=True).frame.astype("int64")
    result = profile(str(ingested(frame, tmp_path, ".jsonl")), label="target")
    columns = by_name(result)
    assert len(columns) == 65
    for name in ("pixel_0_0", "pixel_3_4", "pixel_7_7", "target"):
        check_numeric(columns[name], frame[name])
    # pixel_0_0 is always 0: one histogram bin holding every row.
    assert columns["pixel_0_0"]["histogram"] == {"edges": [0.0, 0.0], "counts": [1797]}
    assert columns["pixel_0_0"]["std"] == 0.0
    top = columns["pixel_3_4"]["topValues"]
    expected = frame["pixel_3_4"].value_counts()
    assert top[0] == {"value": int(expected.index[0]), "count": int(expected.iloc[0])}
    assert len(top) == 10


def test_missing_values_and_nan(tmp_path: Path) -> None:
    frame = load_breast_cancer(as_frame=True).frame
    frame.loc[::7, "mean radius"] = np.nan
    frame.loc[::11, "target"] = None
    frame["target"] = frame["target"].astype("Int64")
    canonical = ingested(frame, tmp_path)
    assert pq.read_schema(canonical).field("target").type == pa.int64()
    columns = by_name(profile(str(canonical)))
    check_numeric(columns["mean radius"], frame["mean radius"])
    check_numeric(columns["target"], frame["target"].astype("float64"))
    assert columns["mean radius"]["missing"] == 82
    assert columns["target"]["missing"] == 52


def test_float_nan_counts_as_missing(tmp_path: Path) -> None:
    path = tmp_path / "nan.parquet"
    pq.write_table(pa.table({"x": pa.array([1.0, float("nan"), None, 3.0, float("inf")])}), path)
    column = profile(str(path))["columns"][0]
    assert column["missing"] == 2
    assert column["distinct"] == 3
    assert column["min"] == 1.0
    assert column["max"] == 3.0
    assert column["mean"] == 2.0
    json.dumps(column, allow_nan=False)


def test_single_value_has_no_std(tmp_path: Path) -> None:
    path = tmp_path / "one.parquet"
    pq.write_table(pa.table({"x": pa.array([5, None], pa.int64())}), path)
    column = profile(str(path))["columns"][0]
    assert column["std"] is None
    assert column["mean"] == 5.0
    assert column["min"] == 5
    assert column["histogram"] == {"edges": [5.0, 5.0], "counts": [1]}


def test_all_missing_numeric_column(tmp_path: Path) -> None:
    path = tmp_path / "empty.parquet"
    pq.write_table(pa.table({"x": pa.array([None, None], pa.float64())}), path)
    column = profile(str(path))["columns"][0]
    assert column["missing"] == 2
    assert column["min"] is None
    assert column["quantiles"] == []
    assert column["histogram"] == {"edges": [], "counts": []}


# --- Text, booleans and times ----------------------------------------------------------------------


def test_text_boolean_and_time_columns(tmp_path: Path) -> None:
    days = [dt.date(2024, 1, 1) + dt.timedelta(days=i % 40) for i in range(200)]
    frame = pd.DataFrame({
        "city": ["Lisbon", "Paris", "Oslo", "Paris", None] * 40,
        "member": [True, False, True, True, None] * 40,
        "day": days,
        "seen": [dt.datetime(2024, 3, 1, 12, tzinfo=dt.timezone.utc) + dt.timedelta(hours=i) for i in range(200)],
    })
    columns = by_name(profile(str(ingested(frame, tmp_path, ".parquet"))))
    assert columns["city"]["type"] == "string"
    assert columns["city"]["missing"] == 40
    assert columns["city"]["distinct"] == 3
    assert columns["city"]["topValues"] == [
        {"value": "Paris", "count": 80}, {"value": "Lisbon", "count": 40}, {"value": "Oslo", "count": 40},
    ]
    assert columns["member"]["topValues"] == [{"value": True, "count": 120}, {"value": False, "count": 40}]
    assert columns["day"] == {
        "name": "day", "type": "date", "missing": 0, "distinct": 40, "distinctExact": True,
        "min": "2024-01-01", "max": "2024-02-09",
    }
    assert columns["seen"]["min"] == "2024-03-01T12:00:00Z"
    assert columns["seen"]["max"] == "2024-03-09T19:00:00Z"
    assert columns["seen"]["distinct"] == 200


def test_top_values_capped_and_ordered(tmp_path: Path) -> None:
    words = [f"w{i:02d}" for i in range(15) for _ in range(15 - i)] + ["w14", "w13"]
    path = tmp_path / "words.parquet"
    pq.write_table(pa.table({"word": words}), path)
    column = profile(str(path))["columns"][0]
    assert len(column["topValues"]) == 10
    assert column["topValues"][:3] == [{"value": "w00", "count": 15}, {"value": "w01", "count": 14}, {"value": "w02", "count": 13}]
    # w12, w13 and w14 have 3, 3 and 2 rows, so ties order by value.
    assert column["topValues"][-1] == {"value": "w09", "count": 6}


# --- Splits and progress ---------------------------------------------------------------------------


def test_profile_per_split(tmp_path: Path) -> None:
    frame = load_breast_cancer(as_frame=True).frame
    canonical = ingested(frame, tmp_path)
    split = tmp_path / "split.parquet"
    derive(str(canonical), str(split), label="target", split_column="split", operations=[
        {"op": "split", "strategy": "stratified", "ratios": {"train": 0.7, "validation": 0.15, "test": 0.15},
         "seed": 3, "by": "target"},
    ])
    result = profile(str(split), label="target", split_column="split")
    written = pq.read_table(split).to_pandas()
    assert list(result["splits"]) == ["train", "validation", "test"]
    assert sum(part["rows"] for part in result["splits"].values()) == 569
    assert by_name(result)["split"]["topValues"][0] == {"value": "train", "count": 398}
    for part, summary in result["splits"].items():
        rows = written[written["split"] == part]
        assert summary["rows"] == len(rows)
        counts = rows["target"].value_counts()
        assert summary["label"]["distribution"] == [
            {"value": int(value), "count": int(count)}
            for value, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        ]
        check_numeric(by_name(summary)["mean area"], rows["mean area"])


def test_progress_steps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(profile_module, "BATCH_ROWS", 100)
    frame = load_digits(as_frame=True).frame
    steps = list(profile_steps(str(ingested(frame, tmp_path, ".parquet")), progress_every=0.1))
    progress = [step for step in steps[:-1]]
    assert "profile" in steps[-1]
    assert all(set(step) == {"progress", "total"} and step["total"] == 1797 for step in progress)
    done = [step["progress"] for step in progress]
    assert done == sorted(done)
    assert all(later - earlier >= 179 for earlier, later in zip([0, *done], done))
    assert 8 <= len(done) <= 10
    assert done[-1] <= 1797


def test_unknown_label_rejected(tmp_path: Path) -> None:
    path = tmp_path / "small.parquet"
    pq.write_table(pa.table({"x": [1]}), path)
    with pytest.raises(DatasetInputError) as caught:
        profile(str(path), label="y")
    assert caught.value.field == "label"


# --- Bounded memory --------------------------------------------------------------------------------


def test_summaries_become_approximate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(profile_module, "SAMPLE_BUDGET", 4_000)
    monkeypatch.setattr(profile_module, "MIN_SAMPLE_CAPACITY", 2_000)
    monkeypatch.setattr(profile_module, "DISTINCT_BUDGET", 1_000)
    monkeypatch.setattr(profile_module, "MIN_DISTINCT_CAPACITY", 500)
    monkeypatch.setattr(profile_module, "COUNTS_BUDGET", 1_000)
    monkeypatch.setattr(profile_module, "MIN_COUNTS_CAPACITY", 500)
    monkeypatch.setattr(profile_module, "BATCH_ROWS", 4_096)
    random = np.random.default_rng(5)
    rows = 60_000
    normal = random.normal(10, 2, rows)
    ids = random.integers(0, 40_000, rows)
    words = np.where(random.random(rows) < 0.3, "common", np.char.add("w", ids.astype(str)))
    path = tmp_path / "wide.parquet"
    ages = random.integers(0, 90, rows)
    pq.write_table(pa.table({"normal": normal, "id": ids, "word": words, "age": ages}), path)
    columns = by_name(profile(str(path)))

    normal_profile = columns["normal"]
    assert normal_profile["quantilesExact"] is False
    assert normal_profile["distinctExact"] is False
    assert normal_profile["distinct"] == pytest.approx(rows, rel=0.05)
    quantiles = {entry["q"]: entry["value"] for entry in normal_profile["quantiles"]}
    assert quantiles[0.0] == normal.min()
    assert quantiles[1.0] == normal.max()
    for level in (0.1, 0.5, 0.9):
        assert quantiles[level] == pytest.approx(np.quantile(normal, level), abs=0.15)
    assert normal_profile["mean"] == pytest.approx(normal.mean(), rel=1e-12)
    assert sum(normal_profile["histogram"]["counts"]) == rows

    # The sample overflows, but 90 distinct ages are counted exactly, so their quantiles are exact.
    age = columns["age"]
    assert age["distinctExact"] is True
    assert age["quantilesExact"] is True
    assert [entry["value"] for entry in age["quantiles"]] == pytest.approx(np.quantile(ages, QUANTILE_LEVELS).tolist())

    assert columns["id"]["distinct"] == pytest.approx(len(np.unique(ids)), rel=0.05)
    assert "topValues" not in columns["id"]
    word = columns["word"]
    assert word["distinctExact"] is False
    assert word["distinct"] == pytest.approx(len(np.unique(words)), rel=0.05)
    assert word["topValuesExact"] is False
    assert word["topValues"][0]["value"] == "common"
    assert word["topValues"][0]["count"] == pytest.approx(int((words == "common").sum()), rel=0.05)


def test_profile_is_json_ready(tmp_path: Path) -> None:
    frame = load_wine(as_frame=True).frame
    result = profile(str(ingested(frame, tmp_path)), label="target")
    text = json.dumps(result, allow_nan=False)
    assert math.isclose(json.loads(text)["columns"][0]["mean"], frame.iloc[:, 0].mean())


# --- Floats at the edges of float64 ----------------------------------------------------------------


def profiled_floats(values: list[float], tmp_path: Path) -> dict:
    """Profile one float column and check that the profile is valid JSON."""
    source = tmp_path / "floats.parquet"
    pq.write_table(pa.table({"x": pa.array(values, pa.float64())}), source)
    column = profile(str(source))["columns"][0]
    json.dumps(column, allow_nan=False)
    return column


def test_adjacent_floats_get_one_bin(tmp_path: Path) -> None:
    column = profiled_floats([0.3, 0.30000000000000004, 0.3], tmp_path)
    assert column["min"] == 0.3
    assert column["max"] == 0.30000000000000004
    assert column["histogram"] == {"edges": [0.3, 0.30000000000000004], "counts": [3]}
    assert column["mean"] == pytest.approx(0.3)
    assert column["std"] == pytest.approx(np.std([0.3, 0.30000000000000004, 0.3], ddof=1))


def test_widest_float_range_profiled(tmp_path: Path) -> None:
    column = profiled_floats([-1.7e308, 1.7e308, 0.0, 1.6e308], tmp_path)
    edges = column["histogram"]["edges"]
    assert len(edges) == 21
    assert edges[0] == -1.7e308
    assert edges[-1] == 1.7e308
    assert edges[10] == pytest.approx(0.0, abs=1e300)
    assert column["histogram"]["counts"] == [1] + [0] * 9 + [1] + [0] * 8 + [2]
    assert column["mean"] == pytest.approx(0.4e308)
    # The deviation is about 1.4e308, but its square is not a float64, so it is computed from the values.
    assert column["std"] == pytest.approx(np.std(np.array([-1.7, 1.7, 0.0, 1.6]), ddof=1) * 1e308)
    quantiles = [entry["value"] for entry in column["quantiles"]]
    expected = np.quantile(np.array([-1.7, 1.7, 0.0, 1.6]), QUANTILE_LEVELS) * 1e308
    assert quantiles == pytest.approx(expected.tolist(), rel=1e-12)


def test_huge_floats_have_finite_moments(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Batches of two rows make the moments merge across batches.
    monkeypatch.setattr(profile_module, "BATCH_ROWS", 2)
    values = [1e308, 1.7e308, 1.5e308, -1.797e308, -1.797e308]
    column = profiled_floats(values, tmp_path)
    small = np.array(values) / 1e300
    assert column["mean"] == pytest.approx(small.mean() * 1e300, rel=1e-12)
    assert column["std"] == pytest.approx(small.std(ddof=1) * 1e300, rel=1e-12)
    assert sum(column["histogram"]["counts"]) == 5


def test_std_beyond_float_range_is_null(tmp_path: Path) -> None:
    column = profiled_floats([-1.797e308, 1.797e308], tmp_path)
    assert column["mean"] == 0.0
    assert column["std"] is None
    assert column["histogram"]["counts"] == [1] + [0] * 18 + [1]
