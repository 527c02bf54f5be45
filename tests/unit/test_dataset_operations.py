"""Derivation operations on canonical datasets: splits, learned statistics, filters and column edits."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sklearn.datasets import load_breast_cancer, load_iris

from workers.datasets.errors import DatasetInputError
from workers.datasets.ingest import ingest
from workers.datasets.operations import SPLIT_PARTS, compile_filter, derive

pytestmark = pytest.mark.unit

UTC = dt.timezone.utc


def canonical(table: pa.Table | pd.DataFrame, tmp_path: Path, name: str = "source") -> Path:
    """Store a table as the user would upload it and ingest it into a canonical dataset."""
    upload = tmp_path / f"{name}-upload.parquet"
    if isinstance(table, pd.DataFrame):
        table.to_parquet(upload, index=False)
    else:
        pq.write_table(table, upload)
    output = tmp_path / f"{name}.parquet"
    ingest(str(upload), upload.name, str(output))
    return output


def run(source: Path, operations: list[dict[str, Any]], *, label: str | None = None) -> tuple[dict, pa.Table]:
    output = source.with_name(f"derived-{len(list(source.parent.iterdir()))}.parquet")
    result = derive(str(source), str(output), label=label, split_column="split", operations=operations)
    return result, pq.read_table(output)


def failure(source: Path, operations: list[dict[str, Any]], **options: Any) -> DatasetInputError:
    with pytest.raises(DatasetInputError) as caught:
        run(source, operations, **options)
    return caught.value


def largest_remainder(rows: int, percents: list[int]) -> list[int]:
    """The split rule computed in whole numbers: percents of 100, remainders as rows * percent % 100."""
    sizes = [rows * percent // 100 for percent in percents]
    remainders = [rows * percent % 100 for percent in percents]
    order = sorted(range(len(percents)), key=lambda index: (-remainders[index], index))
    for index in order[: rows - sum(sizes)]:
        sizes[index] += 1
    return sizes


def expected_parts(groups: list[np.ndarray], rows: int, percents: list[int], names: list[str], seed: int) -> list[str]:
    random = np.random.default_rng(seed)
    parts = [""] * rows
    for members in groups:
        shuffled = members[random.permutation(len(members))]
        start = 0
        for name, size in zip(names, largest_remainder(len(members), percents)):
            for row in shuffled[start : start + size]:
                parts[row] = name
            start += size
    return parts


@pytest.fixture
def cancer(tmp_path: Path) -> Path:
    return canonical(load_breast_cancer(as_frame=True).frame, tmp_path, "cancer")


STRATIFIED = {"op": "split", "strategy": "stratified", "ratios": {"train": 0.7, "validation": 0.15, "test": 0.15},
              "seed": 42, "by": "target"}


# --- Splits ----------------------------------------------------------------------------------------


def test_stratified_split_matches_rule(cancer: Path) -> None:
    result, table = run(cancer, [STRATIFIED], label="target")
    target = table.column("target").to_numpy()
    groups = [np.flatnonzero(target == value) for value in (0, 1)]
    expected = expected_parts(groups, 569, [70, 15, 15], list(SPLIT_PARTS), 42)
    assert table.column("split").to_pylist() == expected
    assert result["fitted"] == [{"sizes": {"train": 398, "validation": 86, "test": 85}}]
    assert result["splits"] == {"train": 398, "validation": 86, "test": 85}
    assert result["hasSplits"] is True
    assert result["label"] == "target"
    assert table.column_names[-1] == "split"
    assert table.column("mean radius").to_pylist() == pq.read_table(cancer).column("mean radius").to_pylist()


def test_stratified_split_keeps_class_shares(cancer: Path) -> None:
    _result, table = run(cancer, [STRATIFIED])
    frame = table.select(["target", "split"]).to_pandas()
    counts = frame.groupby(["split", "target"]).size().to_dict()
    assert counts == {("train", 0): 148, ("validation", 0): 32, ("test", 0): 32,
                      ("train", 1): 250, ("validation", 1): 54, ("test", 1): 53}


def test_random_split_matches_rule(tmp_path: Path) -> None:
    source = canonical(load_iris(as_frame=True).frame, tmp_path)
    result, table = run(source, [{"op": "split", "strategy": "random", "ratios": {"train": 0.8, "test": 0.2},
                                  "seed": 7, "by": None}])
    expected = expected_parts([np.arange(150)], 150, [80, 20], ["train", "test"], 7)
    assert table.column("split").to_pylist() == expected
    assert result["fitted"] == [{"sizes": {"train": 120, "test": 30}}]


def test_split_remainder_ties_go_to_train_first(tmp_path: Path) -> None:
    source = canonical(pa.table({"x": list(range(10))}), tmp_path)
    result, _table = run(source, [{"op": "split", "strategy": "random",
                                   "ratios": {"train": 0.35, "validation": 0.35, "test": 0.3}, "seed": 1, "by": None}])
    # 3.5, 3.5 and 3 rows: the one row left over goes to train.
    assert result["fitted"][0]["sizes"] == {"train": 4, "validation": 3, "test": 3}


def test_stratified_null_class_last(tmp_path: Path) -> None:
    source = canonical(pa.table({"group": ["b", None, "a", "b", None, "a", "a", None, "b"]}), tmp_path)
    _result, table = run(source, [{"op": "split", "strategy": "stratified", "ratios": {"train": 0.34, "test": 0.66},
                                   "seed": 9, "by": "group"}])
    groups = [np.array([2, 5, 6]), np.array([0, 3, 8]), np.array([1, 4, 7])]
    assert table.column("split").to_pylist() == expected_parts(groups, 9, [34, 66], ["train", "test"], 9)


def test_stratified_defaults_to_label(cancer: Path) -> None:
    _result, by_target = run(cancer, [STRATIFIED])
    _result, by_label = run(cancer, [{**STRATIFIED, "by": None}], label="target")
    assert by_label.column("split").to_pylist() == by_target.column("split").to_pylist()
    error = failure(cancer, [{**STRATIFIED, "by": None}])
    assert error.field == "operations[0].by"


def test_stratified_small_class_rejected(tmp_path: Path) -> None:
    source = canonical(pa.table({"y": ["a"] * 10 + ["rare"] * 2}), tmp_path)
    error = failure(source, [{**STRATIFIED, "by": "y"}])
    assert error.field == "operations[0].by"
    assert error.value == "rare"
    assert "2 rows" in error.message


def test_split_replaces_existing_column(cancer: Path) -> None:
    first, table = run(cancer, [STRATIFIED])
    again = cancer.with_name("again.parquet")
    pq.write_table(table, again)
    result, replaced = run(again, [{**STRATIFIED, "seed": 1}])
    assert replaced.column_names == table.column_names
    assert replaced.column("split").to_pylist() != table.column("split").to_pylist()
    assert result["splits"] == first["splits"]


def test_split_ratios_must_sum_to_one(cancer: Path) -> None:
    error = failure(cancer, [{**STRATIFIED, "ratios": {"train": 0.7, "test": 0.2}}])
    assert error.field == "operations[0].ratios"


# --- Statistics learned on the train rows ----------------------------------------------------------


def test_standardize_fitted_on_train(cancer: Path) -> None:
    result, table = run(cancer, [STRATIFIED, {"op": "standardize", "columns": ["mean area", "target"]}])
    original = pq.read_table(cancer).to_pandas()
    parts = table.column("split").to_numpy(zero_copy_only=False)
    train = original[parts == "train"]
    fitted = result["fitted"][1]
    assert fitted["fittedOn"] == "train"
    assert fitted["statistics"]["mean area"]["mean"] == pytest.approx(train["mean area"].mean(), rel=1e-12)
    assert fitted["statistics"]["mean area"]["std"] == pytest.approx(train["mean area"].std(ddof=0), rel=1e-12)
    scaled = table.column("mean area").to_numpy()
    assert scaled[parts == "train"].mean() == pytest.approx(0.0, abs=1e-12)
    assert scaled[parts == "train"].std() == pytest.approx(1.0, rel=1e-12)
    assert abs(scaled[parts == "test"].mean()) > 1e-6
    assert table.schema.field("target").type == pa.float64()


def test_standardize_without_split_uses_all_rows(tmp_path: Path) -> None:
    source = canonical(pa.table({"x": [1.0, 2.0, 3.0, None], "c": [5, 5, 5, 5]}), tmp_path)
    result, table = run(source, [{"op": "standardize", "columns": ["x", "c"]}])
    assert result["fitted"][0] == {
        "statistics": {"x": {"mean": 2.0, "std": pytest.approx(np.sqrt(2 / 3))}, "c": {"mean": 5.0, "std": 0.0}},
        "fittedOn": "all",
    }
    assert table.column("x").to_pylist()[3] is None
    assert table.column("c").to_pylist() == [0.0, 0.0, 0.0, 0.0]


def test_min_max_scale_fitted_on_train(cancer: Path) -> None:
    result, table = run(cancer, [STRATIFIED, {"op": "minMaxScale", "columns": ["mean texture"]}])
    parts = table.column("split").to_numpy(zero_copy_only=False)
    scaled = table.column("mean texture").to_numpy()
    assert scaled[parts == "train"].min() == 0.0
    assert scaled[parts == "train"].max() == 1.0
    original = pq.read_table(cancer).column("mean texture").to_numpy()
    assert result["fitted"][1]["statistics"]["mean texture"] == {
        "min": original[parts == "train"].min(), "max": original[parts == "train"].max(),
    }


def test_fill_missing_strategies(tmp_path: Path) -> None:
    source = canonical(pa.table({
        "a": [1.0, None, 3.0, float("nan"), 10.0],
        "n": pa.array([1, 2, None, 2, 4], pa.int64()),
        "s": ["x", None, "y", "y", None],
        "d": pa.array([dt.date(2024, 1, 1), None, None, None, None]),
    }), tmp_path)
    result, table = run(source, [
        {"op": "fillMissing", "columns": ["a"], "strategy": "median", "value": None},
        {"op": "fillMissing", "columns": ["n"], "strategy": "mean", "value": None},
        {"op": "fillMissing", "columns": ["s"], "strategy": "mode", "value": None},
        {"op": "fillMissing", "columns": ["d"], "strategy": "constant", "value": "2024-02-29"},
    ])
    assert table.column("a").to_pylist() == [1.0, 3.0, 3.0, 3.0, 10.0]
    # The mean of 1, 2, 2 and 4 is 2.25, rounded because the column stays integer.
    assert table.column("n").to_pylist() == [1, 2, 2, 2, 4]
    assert table.schema.field("n").type == pa.int64()
    assert table.column("s").to_pylist() == ["x", "y", "y", "y", "y"]
    assert table.column("d").to_pylist() == [dt.date(2024, 1, 1)] + [dt.date(2024, 2, 29)] * 4
    assert result["fitted"] == [
        {"values": {"a": 3.0}, "fittedOn": "all"},
        {"values": {"n": 2}, "fittedOn": "all"},
        {"values": {"s": "y"}, "fittedOn": "all"},
        {"values": {"d": "2024-02-29"}, "fittedOn": "all"},
    ]


def test_fill_mean_uses_train_rows(tmp_path: Path) -> None:
    source = canonical(pa.table({"x": [1.0, 3.0, None, 100.0], "split": ["train", "train", "test", "test"]}), tmp_path)
    result, table = run(source, [{"op": "fillMissing", "columns": ["x"], "strategy": "mean", "value": None}])
    assert result["fitted"] == [{"values": {"x": 2.0}, "fittedOn": "train"}]
    assert table.column("x").to_pylist() == [1.0, 3.0, 2.0, 100.0]
    assert result["hasSplits"] is True
    assert result["splits"] == {"train": 2, "test": 2}


def test_fill_errors(tmp_path: Path) -> None:
    source = canonical(pa.table({"s": ["a", None], "n": pa.array([None, None], pa.int64())}), tmp_path)
    error = failure(source, [{"op": "fillMissing", "columns": ["s"], "strategy": "mean", "value": None}])
    assert error.field == "operations[0].columns"
    assert error.value == "s"
    error = failure(source, [{"op": "fillMissing", "columns": ["n"], "strategy": "median", "value": None}])
    assert error.value == "n"
    assert "no values" in error.message
    error = failure(source, [{"op": "fillMissing", "columns": ["n"], "strategy": "constant", "value": "many"}])
    assert error.field == "operations[0].value"
    assert error.value == "many"


def test_one_hot_names_and_unseen_values(tmp_path: Path) -> None:
    source = canonical(pa.table({
        "id": [1, 2, 3, 4, 5],
        "color": ["red", "blue", None, "green", "red"],
        "flag": [True, False, True, True, False],
        "split": ["train", "train", "train", "test", "test"],
    }), tmp_path)
    result, table = run(source, [{"op": "oneHot", "columns": ["color", "flag"], "maxCategories": 5}])
    assert table.column_names == ["id", "color_blue", "color_red", "flag_false", "flag_true", "split"]
    assert table.column("color_red").to_pylist() == [1, 0, 0, 0, 1]
    assert table.column("color_blue").to_pylist() == [0, 1, 0, 0, 0]
    # "green" appears only in a test row, so it is not a category.
    assert table.select(["color_blue", "color_red"]).to_pylist()[3] == {"color_blue": 0, "color_red": 0}
    assert table.schema.field("flag_true").type == pa.int64()
    assert result["fitted"] == [{"categories": {"color": ["blue", "red"], "flag": [False, True]}, "fittedOn": "train"}]


def test_one_hot_limits_and_collisions(tmp_path: Path) -> None:
    source = canonical(pa.table({"c": ["a", "b", "c"], "c_a": [1, 2, 3]}), tmp_path)
    error = failure(source, [{"op": "oneHot", "columns": ["c"], "maxCategories": 2}])
    assert error.field == "operations[0].columns"
    assert "3 categories" in error.message
    error = failure(source, [{"op": "oneHot", "columns": ["c"], "maxCategories": 5}])
    assert error.value == "c_a"


def test_one_hot_columns_usable_later(tmp_path: Path) -> None:
    source = canonical(pa.table({"c": ["a", "b", "a"]}), tmp_path)
    result, table = run(source, [
        {"op": "oneHot", "columns": ["c"], "maxCategories": 5},
        {"op": "filter", "expression": "c_a == 1", "tree": {"kind": "compare", "op": "==",
                                                            "left": {"column": "c_a"}, "right": {"value": 1}}},
        {"op": "dropColumns", "columns": ["c_b"]},
    ])
    assert table.to_pydict() == {"c_a": [1, 1]}
    assert result["fitted"][1:] == [None, None]
    error = failure(source, [{"op": "dropColumns", "columns": ["c_a"]}])
    assert error.field == "operations[0].columns"
    assert error.value == "c_a"


# --- Rows ------------------------------------------------------------------------------------------


def test_drop_duplicates_keeps_first(tmp_path: Path) -> None:
    source = canonical(pa.table({
        "k": [2.0, 1.0, 2.0, float("nan"), float("nan"), -0.0, 0.0, None, None],
        "v": ["a", "b", "c", "d", "e", "f", "g", "h", "i"],
    }), tmp_path)
    _result, table = run(source, [{"op": "dropDuplicates", "columns": ["k"]}])
    assert table.column("v").to_pylist() == ["a", "b", "d", "f", "h"]
    _result, table = run(source, [{"op": "dropDuplicates", "columns": None}])
    assert table.num_rows == 9


def test_drop_duplicates_matches_pandas(tmp_path: Path) -> None:
    frame = load_iris(as_frame=True).frame
    source = canonical(frame, tmp_path)
    _result, table = run(source, [{"op": "dropDuplicates", "columns": ["sepal length (cm)", "target"]}])
    expected = frame.drop_duplicates(subset=["sepal length (cm)", "target"])
    assert table.num_rows == len(expected)
    assert table.column("sepal width (cm)").to_pylist() == expected["sepal width (cm)"].tolist()


def test_drop_missing_counts_nan(tmp_path: Path) -> None:
    source = canonical(pa.table({"a": [1.0, float("nan"), None, 4.0], "b": ["x", "y", "z", None]}), tmp_path)
    _result, table = run(source, [{"op": "dropMissing", "columns": ["a"]}])
    assert table.column("b").to_pylist() == ["x", None]
    _result, table = run(source, [{"op": "dropMissing", "columns": None}])
    assert table.column("a").to_pylist() == [1.0]


# --- Filters ---------------------------------------------------------------------------------------


FILTER_TABLE = pa.table({
    "n": pa.array([1, 2, None, 4, 5], pa.int64()),
    "x": [0.5, None, 2.5, float("nan"), 5.0],
    "s": ["a", "b", None, "a", "c"],
    "t": pa.array([dt.datetime(2024, 1, day, tzinfo=UTC) for day in (1, 2, 3, 4, 5)], pa.timestamp("us", tz="UTC")),
    "d": pa.array([dt.date(2024, 1, day) for day in (1, 2, 3, 4, 5)], pa.date32()),
    "ok": [True, False, None, True, False],
})


def kept(tree: dict[str, Any]) -> list[int]:
    indexed = FILTER_TABLE.append_column("row", pa.array(range(FILTER_TABLE.num_rows)))
    return indexed.filter(compile_filter(tree, FILTER_TABLE.schema)).column("row").to_pylist()


def compare(left: dict[str, Any], op: str, right: dict[str, Any]) -> dict[str, Any]:
    return {"kind": "compare", "op": op, "left": left, "right": right}


def test_filter_null_is_false() -> None:
    greater = compare({"column": "n"}, ">", {"value": 1})
    assert kept(greater) == [1, 3, 4]
    assert kept({"kind": "not", "item": greater}) == [0]
    assert kept({"kind": "or", "items": [greater, compare({"column": "s"}, "==", {"value": "a"})]}) == [0, 1, 3, 4]
    assert kept({"kind": "and", "items": [greater, compare({"column": "ok"}, "==", {"value": False})]}) == [1, 4]


def test_filter_in_and_null_tests() -> None:
    assert kept({"kind": "in", "column": "s", "values": ["a", "c"], "negated": False}) == [0, 3, 4]
    assert kept({"kind": "in", "column": "s", "values": ["a", "c"], "negated": True}) == [1]
    assert kept({"kind": "in", "column": "n", "values": [1, 2.0, 4.5], "negated": False}) == [0, 1]
    assert kept({"kind": "isNull", "column": "x", "negated": False}) == [1, 3]
    assert kept({"kind": "isNull", "column": "x", "negated": True}) == [0, 2, 4]


def test_filter_columns_and_times() -> None:
    assert kept(compare({"column": "x"}, "<=", {"column": "n"})) == [0, 4]
    assert kept(compare({"column": "x"}, "<", {"column": "n"})) == [0]
    assert kept(compare({"column": "t"}, ">=", {"value": "2024-01-04T00:00:00Z"})) == [3, 4]
    assert kept(compare({"value": "2024-01-02"}, "==", {"column": "d"})) == [1]
    assert kept(compare({"column": "t"}, "<", {"value": "2024-01-02"})) == [0]


def test_filter_type_errors() -> None:
    with pytest.raises(DatasetInputError) as caught:
        compile_filter(compare({"column": "s"}, ">", {"value": 3}), FILTER_TABLE.schema, field="operations[2].expression")
    assert caught.value.field == "operations[2].expression"
    assert caught.value.value == 3
    with pytest.raises(DatasetInputError) as caught:
        compile_filter(compare({"column": "missing"}, "==", {"value": 3}), FILTER_TABLE.schema)
    assert caught.value.value == "missing"
    with pytest.raises(DatasetInputError) as caught:
        compile_filter(compare({"column": "d"}, "==", {"value": "31/01/2024"}), FILTER_TABLE.schema)
    assert caught.value.value == "31/01/2024"
    with pytest.raises(DatasetInputError):
        compile_filter(compare({"column": "s"}, "<", {"column": "n"}), FILTER_TABLE.schema)


def test_filter_operation_applies(cancer: Path) -> None:
    tree = {"kind": "and", "items": [compare({"column": "mean radius"}, ">", {"value": 15}),
                                     {"kind": "in", "column": "target", "values": [0], "negated": False}]}
    result, table = run(cancer, [{"op": "filter", "expression": "mean radius > 15 and target in (0)", "tree": tree}])
    frame = load_breast_cancer(as_frame=True).frame
    expected = frame[(frame["mean radius"] > 15) & (frame["target"] == 0)]
    assert result["rows"] == len(expected)
    assert table.column("mean area").to_pylist() == expected["mean area"].tolist()


# --- Columns ---------------------------------------------------------------------------------------


def test_rename_moves_label(cancer: Path) -> None:
    result, table = run(cancer, [{"op": "renameColumns", "mapping": {"target": "malignant", "mean radius": "radius"}}],
                        label="target")
    assert result["label"] == "malignant"
    assert table.column_names[0] == "radius"
    assert result["fitted"] == [None]


def test_rename_collision_rejected(cancer: Path) -> None:
    error = failure(cancer, [{"op": "renameColumns", "mapping": {"target": "mean area"}}])
    assert error.field == "operations[0].mapping"
    assert error.value == "mean area"


def test_drop_label_clears_label(cancer: Path) -> None:
    result, table = run(cancer, [{"op": "dropColumns", "columns": ["target", "mean area"]}], label="target")
    assert result["label"] is None
    assert result["hasSplits"] is False
    assert result["splits"] is None
    assert "target" not in table.column_names
    assert len(result["columns"]) == 29


def test_cast_columns(tmp_path: Path) -> None:
    source = canonical(pa.table({"code": ["1", "2", "3"], "n": [1, 0, 1], "x": [1.5, 2.0, None]}), tmp_path)
    result, table = run(source, [{"op": "castColumns", "types": {"code": "integer", "n": "boolean", "x": "string"}}])
    assert result["columns"] == [{"name": "code", "type": "integer"}, {"name": "n", "type": "boolean"},
                                 {"name": "x", "type": "string"}]
    assert table.to_pydict() == {"code": [1, 2, 3], "n": [True, False, True], "x": ["1.5", "2", None]}


def test_cast_bad_value_rejected(tmp_path: Path) -> None:
    source = canonical(pa.table({"code": ["1", "2", "x7"], "x": [1.5, 2.0, None]}), tmp_path)
    error = failure(source, [{"op": "castColumns", "types": {"code": "integer"}}])
    assert error.field == "operations[0].types.code"
    assert error.value == "x7"
    error = failure(source, [{"op": "castColumns", "types": {"x": "integer"}}])
    assert error.value == 1.5
    error = failure(source, [{"op": "castColumns", "types": {"x": "date"}}])
    assert "cannot be converted" in error.message


def test_unknown_operation_rejected(cancer: Path) -> None:
    error = failure(cancer, [{"op": "dropColumns", "columns": ["target"]}, {"op": "explode"}])
    assert error.field == "operations[1].op"
    assert error.value == "explode"


def test_output_is_canonical_and_repeatable(cancer: Path) -> None:
    operations = [STRATIFIED, {"op": "standardize", "columns": ["mean area"]}]
    first = cancer.with_name("first.parquet")
    second = cancer.with_name("second.parquet")
    derive(str(cancer), str(first), label="target", split_column="split", operations=operations)
    derive(str(cancer), str(second), label="target", split_column="split", operations=operations)
    assert first.read_bytes() == second.read_bytes()
    assert pq.ParquetFile(first).metadata.row_group(0).column(0).compression == "SNAPPY"


# --- Missing values and large numbers in filters ----------------------------------------------------


def membership(column: str, values: list[Any], *, negated: bool = False) -> dict[str, Any]:
    return {"kind": "in", "column": column, "values": values, "negated": negated}


def test_filter_not_in_drops_missing_values() -> None:
    # Column n is missing in row 2, and column x is null in row 1 and NaN in row 3.
    assert kept({"kind": "not", "item": membership("n", [1])}) == [1, 3, 4]
    assert kept(membership("n", [1], negated=True)) == [1, 3, 4]
    assert kept({"kind": "not", "item": membership("x", [0.5])}) == [2, 4]
    assert kept(membership("x", [0.5], negated=True)) == [2, 4]
    assert kept({"kind": "not", "item": membership("n", [1], negated=True)}) == [0]


def test_filter_nan_compares_as_missing() -> None:
    assert kept(compare({"column": "x"}, "!=", {"value": 1})) == [0, 2, 4]
    assert kept({"kind": "not", "item": compare({"column": "x"}, ">", {"value": 1})}) == [0]
    assert kept({"kind": "not", "item": compare({"column": "x"}, "<", {"column": "n"})}) == [4]
    assert kept({"kind": "isNull", "column": "x", "negated": False}) == [1, 3]


BIG = pa.table({
    "i": pa.array([-(2**63), -1, None, 2**63 - 1], pa.int64()),
    "f": [-1e308, 2.0**53, None, 1.7e308],
})


def kept_big(tree: dict[str, Any]) -> list[int]:
    indexed = BIG.append_column("row", pa.array(range(BIG.num_rows)))
    return indexed.filter(compile_filter(tree, BIG.schema)).column("row").to_pylist()


@pytest.mark.parametrize(
    ("column", "op", "value", "rows"),
    [
        ("i", "<", 10**20, [0, 1, 3]),
        ("i", "<=", 10**20, [0, 1, 3]),
        ("i", ">", 10**20, []),
        ("i", ">=", 10**20, []),
        ("i", "==", 10**20, []),
        ("i", "!=", 10**20, [0, 1, 3]),
        ("i", ">", -(10**20), [0, 1, 3]),
        ("i", "<", -(10**20), []),
        ("i", "<", 2.0**63, [0, 1, 3]),
        ("i", ">", -0.5, [3]),
        ("i", "==", -1.0, [1]),
        ("f", "<", 10**20, [0, 1]),
        ("f", ">", 10**400, []),
        ("f", "<", 10**400, [0, 1, 3]),
        ("f", ">", -(10**400), [0, 1, 3]),
        ("f", "==", 2**53 + 1, []),
        ("f", ">", 2**53 + 1, [3]),
        ("f", "<=", 2**53 + 1, [0, 1]),
        ("f", "!=", 2**53 + 1, [0, 1, 3]),
    ],
)
def test_filter_numbers_beyond_column_type(column: str, op: str, value: int | float, rows: list[int]) -> None:
    assert kept_big(compare({"column": column}, op, {"value": value})) == rows


def test_filter_literal_on_left_is_mirrored() -> None:
    assert kept_big(compare({"value": 10**20}, ">", {"column": "i"})) == [0, 1, 3]
    assert kept(compare({"value": 2}, "<", {"column": "n"})) == [3, 4]


def test_filter_in_with_numbers_beyond_column_type() -> None:
    assert kept_big(membership("i", [10**20, -1])) == [1]
    assert kept_big(membership("i", [10**20], negated=True)) == [0, 1, 3]
    assert kept_big(membership("f", [10**400, 2**53 + 1, 1.7e308])) == [3]


def test_filter_comparing_two_values_rejected() -> None:
    with pytest.raises(DatasetInputError) as caught:
        compile_filter(compare({"value": 1}, "==", {"value": 10**20}), FILTER_TABLE.schema, field="operations[0].expression")
    assert caught.value.field == "operations[0].expression"


# --- Large numbers in learned statistics and casts --------------------------------------------------


HUGE = [1e308, 1.7e308, 1.5e308]


def test_standardize_huge_floats_stays_finite(tmp_path: Path) -> None:
    source = canonical(pa.table({"x": [*HUGE, None]}), tmp_path)
    result, table = run(source, [{"op": "standardize", "columns": ["x"]}])
    statistics = result["fitted"][0]["statistics"]["x"]
    small = np.array(HUGE) / 1e300
    assert statistics["mean"] == pytest.approx(small.mean() * 1e300, rel=1e-12)
    assert statistics["std"] == pytest.approx(small.std() * 1e300, rel=1e-12)
    expected = ((small - small.mean()) / small.std()).tolist()
    assert table.column("x").to_pylist()[:3] == pytest.approx(expected, rel=1e-12)
    assert table.column("x").to_pylist()[3] is None


def test_min_max_scale_widest_range(tmp_path: Path) -> None:
    source = canonical(pa.table({"x": [-1.797e308, 1.797e308, 0.0, float("nan")]}), tmp_path)
    result, table = run(source, [{"op": "minMaxScale", "columns": ["x"]}])
    assert result["fitted"][0]["statistics"]["x"] == {"min": -1.797e308, "max": 1.797e308}
    values = table.column("x").to_pylist()
    assert values[:3] == [0.0, 1.0, 0.5]
    assert math.isnan(values[3])


def test_scaled_values_outside_train_range_stay_finite(tmp_path: Path) -> None:
    source = canonical(pa.table({"x": [-1e308, 1e308, 1.7e308], "split": ["train", "train", "test"]}), tmp_path)
    _result, table = run(source, [{"op": "minMaxScale", "columns": ["x"]}])
    assert table.column("x").to_pylist() == pytest.approx([0.0, 1.0, 1.35])
    _result, table = run(source, [{"op": "standardize", "columns": ["x"]}])
    assert table.column("x").to_pylist() == pytest.approx([-1.0, 1.0, 1.7])


def test_scaling_beyond_float_range_rejected(tmp_path: Path) -> None:
    source = canonical(pa.table({"x": [0.0, 2e-154, 1e308], "split": ["train", "train", "test"]}), tmp_path)
    for operation in ("minMaxScale", "standardize"):
        error = failure(source, [{"op": operation, "columns": ["x"]}])
        assert error.field == "operations[0].columns"
        assert error.value == "x"
        assert "beyond the range of floating-point numbers" in error.message


def test_fill_mean_of_huge_floats(tmp_path: Path) -> None:
    source = canonical(pa.table({"x": [1e308, 1.7e308, None, float("inf")]}), tmp_path)
    result, table = run(source, [{"op": "fillMissing", "columns": ["x"], "strategy": "mean", "value": None}])
    assert result["fitted"][0]["values"]["x"] == pytest.approx(1.35e308)
    assert table.column("x").to_pylist()[2] == pytest.approx(1.35e308)
    result, _table = run(source, [{"op": "fillMissing", "columns": ["x"], "strategy": "median", "value": None}])
    assert result["fitted"][0]["values"]["x"] == pytest.approx(1.35e308)


LARGE_INTEGERS = pa.table({"n": pa.array([2**63 - 1, 2**63 - 2, None], pa.int64())})


def test_fill_integer_mean_beyond_int64_rejected(tmp_path: Path) -> None:
    source = canonical(LARGE_INTEGERS, tmp_path)
    for strategy in ("mean", "median"):
        error = failure(source, [{"op": "fillMissing", "columns": ["n"], "strategy": strategy, "value": None}])
        assert error.field == "operations[0].columns"
        assert error.value == "n"
        assert "cast the column to float" in error.message


def test_fill_constant_beyond_int64_rejected(tmp_path: Path) -> None:
    source = canonical(LARGE_INTEGERS, tmp_path)
    error = failure(source, [{"op": "fillMissing", "columns": ["n"], "strategy": "constant", "value": 10**20}])
    assert error.field == "operations[0].value"
    assert error.value == 10**20
    assert "outside the range of integer columns" in error.message
    _result, table = run(source, [
        {"op": "castColumns", "types": {"n": "float"}},
        {"op": "fillMissing", "columns": ["n"], "strategy": "constant", "value": 10**20},
    ])
    assert table.column("n").to_pylist()[2] == 1e20


def test_integers_beyond_2_53_convert_to_float(tmp_path: Path) -> None:
    source = canonical(LARGE_INTEGERS, tmp_path)
    _result, table = run(source, [{"op": "castColumns", "types": {"n": "float"}}])
    assert table.column("n").to_pylist() == [9.223372036854775807e18, 9.223372036854775807e18, None]
    result, table = run(source, [{"op": "standardize", "columns": ["n"]}])
    assert result["fitted"][0]["statistics"]["n"] == {"mean": 2.0**63, "std": 0.0}
    assert table.column("n").to_pylist() == [0.0, 0.0, None]
    _result, table = run(source, [{"op": "minMaxScale", "columns": ["n"]}])
    assert table.column("n").to_pylist() == [0.0, 0.0, None]


# --- One-hot limits and splits with tiny shares -----------------------------------------------------


def test_one_hot_column_without_values_rejected(tmp_path: Path) -> None:
    source = canonical(pa.table({"c": pa.array([None, None], pa.string())}), tmp_path)
    error = failure(source, [{"op": "oneHot", "columns": ["c"], "maxCategories": 5}])
    assert error.field == "operations[0].columns"
    assert error.value == "c"
    assert "has no values to encode" in error.message


def test_one_hot_name_length_limit(tmp_path: Path) -> None:
    source = canonical(pa.table({"c": ["a" * 254, "b"]}), tmp_path)
    result, table = run(source, [{"op": "oneHot", "columns": ["c"], "maxCategories": 5}])
    assert len(table.column_names[0]) == 256
    source = canonical(pa.table({"c": ["a" * 255, "b"]}), tmp_path, name="long")
    error = failure(source, [{"op": "oneHot", "columns": ["c"], "maxCategories": 5}])
    assert error.field == "operations[0].columns"
    assert error.value == "c_" + "a" * 198
    assert "257 characters" in error.message


def test_one_hot_column_limit(tmp_path: Path) -> None:
    source = canonical(pa.table({
        "a": [f"a{index}" for index in range(1_000)],
        "b": [f"b{index % 999}" for index in range(1_000)],
        "c": [index % 3 for index in range(1_000)],
    }), tmp_path)
    _result, table = run(source, [{"op": "oneHot", "columns": ["a", "b"], "maxCategories": 1_000}])
    assert table.num_columns == 2_000
    error = failure(source, [{"op": "oneHot", "columns": ["a", "b", "c"], "maxCategories": 1_000}])
    assert error.field == "operations[0].columns"
    assert "2002 columns, more than the limit of 2000" in error.message
    assert error.value == "a"


def test_one_hot_name_with_nul_rejected(tmp_path: Path) -> None:
    source = canonical(pa.table({"c": ["a\x00", "b"]}), tmp_path)
    error = failure(source, [{"op": "oneHot", "columns": ["c"], "maxCategories": 5}])
    assert error.value == "c_a\\u0000"
    assert "U+0000" in error.message


def test_rename_to_name_with_nul_rejected(tmp_path: Path) -> None:
    source = canonical(pa.table({"c": [1]}), tmp_path)
    error = failure(source, [{"op": "renameColumns", "mapping": {"c": "d\x00"}}])
    assert error.field == "operations[0].mapping.c"
    assert "U+0000" in error.message


@pytest.mark.parametrize(
    ("ratios", "part"),
    [
        ({"train": 1e-300, "test": 1}, "train"),
        ({"train": 0.9, "validation": 0.09, "test": 0.01}, "test"),
    ],
)
def test_split_part_without_rows_rejected(tmp_path: Path, ratios: dict[str, float], part: str) -> None:
    source = canonical(pa.table({"x": list(range(10))}), tmp_path)
    error = failure(source, [{"op": "split", "strategy": "random", "ratios": ratios, "seed": 1}])
    assert error.field == "operations[0].ratios"
    assert error.value == part
    assert f"The {part!r} part gets no rows" in error.message
    assert "too few rows (10)" in error.message


def test_stratified_split_counts_parts_overall(tmp_path: Path) -> None:
    # Each class alone is too small for a test row, but together the classes give it one.
    source = canonical(pa.table({"y": [0] * 6 + [1] * 6}), tmp_path)
    ratios = {"train": 0.85, "test": 0.15}
    result, _table = run(source, [{"op": "split", "strategy": "stratified", "ratios": ratios, "seed": 3, "by": "y"}])
    assert result["splits"]["test"] >= 1
