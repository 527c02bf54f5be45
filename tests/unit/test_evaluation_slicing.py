"""Evaluation slices: row counts and metrics of each slice kind agree with numpy, pandas and scikit-learn."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from sklearn import metrics as sk

from backend.domain.expressions import parse_filter
from tests.unit.test_evaluation_support import Case, evaluation_cases  # noqa: F401  (session fixture)
from workers.evaluation.job import EvaluationFailed
from workers.evaluation.slicing import slice_metrics, slice_rows

pytestmark = [pytest.mark.unit, pytest.mark.timeout(120)]

CLOSE = 1e-12
BINARY = ["0", "1"]


class Cancer:
    """The breast cancer model's test rows, outputs and the columns slices read."""

    def __init__(self, case: Case) -> None:
        self.rows = case.test_rows
        self.y_true = self.rows["target"].to_numpy(dtype="int64")
        self.outputs = case.predict(self.rows)
        self.scores = self.outputs[:, 0]
        self.y_pred = (self.scores >= 0.5).astype("int64")
        self.columns = {name: self.rows[name].to_numpy() for name in ("mean radius", "mean texture", "worst area")}
        self.columns["clinic"] = self.rows["clinic"].to_numpy(dtype=object)

    def measure(self, specs: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return slice_metrics(self.columns, self.y_true, self.outputs, specs, task="classification", classes=BINARY, label="target")

    def f1(self, mask: np.ndarray | slice = slice(None)) -> float:
        return sk.f1_score(self.y_true[mask], self.y_pred[mask], average="macro", zero_division=0)


@pytest.fixture(scope="module")
def cancer(evaluation_cases: dict[str, Case]) -> Cancer:
    return Cancer(evaluation_cases["cancer"])


def filter_spec(name: str, expression: str) -> dict[str, Any]:
    return {"kind": "filter", "name": name, "filter": parse_filter(expression), "expression": expression}


def check_classification_metrics(cancer: Cancer, entry: dict[str, Any], mask: np.ndarray) -> None:
    y_true, y_pred = cancer.y_true[mask], cancer.y_pred[mask]
    assert entry["rows"] == int(mask.sum()), entry["name"]
    assert entry["metrics"]["accuracy"] == pytest.approx(sk.accuracy_score(y_true, y_pred), abs=CLOSE), entry["name"]
    assert entry["metrics"]["f1"] == pytest.approx(cancer.f1(mask), abs=CLOSE), entry["name"]
    precision = sk.precision_score(y_true, y_pred, average="macro", zero_division=0)
    assert entry["metrics"]["precision"] == pytest.approx(precision, abs=CLOSE), entry["name"]
    if len(set(y_true)) == 2:
        assert entry["metrics"]["rocAuc"] == pytest.approx(sk.roc_auc_score(y_true, cancer.scores[mask]), abs=CLOSE)
    else:
        assert entry["metrics"]["rocAuc"] is None, entry["name"]
    overall = sk.accuracy_score(cancer.y_true, cancer.y_pred)
    assert entry["gap"] == pytest.approx(sk.accuracy_score(y_true, y_pred) - overall, abs=CLOSE), entry["name"]


def test_values_slices_count_rows(cancer: Cancer) -> None:
    slices = dict(slice_rows(cancer.columns, cancer.y_true, {"kind": "values", "feature": "clinic"}))

    counts = cancer.rows["clinic"].value_counts(dropna=False)
    assert list(slices) == ["clinic = 'east'", "clinic = 'north'", "clinic = 'south'", "clinic is null"]
    for name in ("east", "north", "south"):
        assert slices[f"clinic = '{name}'"].sum() == counts[name]
    assert slices["clinic is null"].sum() == cancer.rows["clinic"].isna().sum() > 0


def test_values_slices_match_sklearn(cancer: Cancer) -> None:
    entries = cancer.measure([{"kind": "values", "feature": "clinic"}])

    clinic = cancer.rows["clinic"]
    for entry in entries:
        mask = clinic.isna().to_numpy() if entry["value"] is None else (clinic == entry["value"]).to_numpy()
        assert entry["kind"] == "values"
        assert entry["feature"] == "clinic"
        check_classification_metrics(cancer, entry, mask)


def test_bins_have_equal_width(cancer: Cancer) -> None:
    entries = cancer.measure([{"kind": "bins", "feature": "mean radius", "bins": 4}])

    values = cancer.rows["mean radius"].to_numpy()
    edges = np.linspace(values.min(), values.max(), 5)
    by_range = sorted(entries, key=lambda entry: entry["range"][0])
    assert [entry["range"][0] for entry in by_range] == pytest.approx(edges[:4].tolist())
    assert [entry["range"][1] for entry in by_range] == pytest.approx(edges[1:].tolist())
    assert [entry["includesHigh"] for entry in by_range] == [False, False, False, True]
    assert sum(entry["rows"] for entry in entries) == len(values)
    for position, entry in enumerate(by_range):
        upper = values <= edges[4] if position == 3 else values < edges[position + 1]
        check_classification_metrics(cancer, entry, (values >= edges[position]) & upper)


def test_quantile_bins_hold_equal_counts(cancer: Cancer) -> None:
    entries = cancer.measure([{"kind": "quantiles", "feature": "mean texture", "bins": 4}])

    values = cancer.rows["mean texture"].to_numpy()
    edges = np.quantile(values, [0, 0.25, 0.5, 0.75, 1])
    by_range = sorted(entries, key=lambda entry: entry["range"][0])
    assert [entry["range"][0] for entry in by_range] == pytest.approx(edges[:4].tolist())
    assert [entry["range"][1] for entry in by_range] == pytest.approx(edges[1:].tolist())
    assert max(entry["rows"] for entry in entries) - min(entry["rows"] for entry in entries) <= 2
    for position, entry in enumerate(by_range):
        upper = values <= edges[4] if position == 3 else values < edges[position + 1]
        check_classification_metrics(cancer, entry, (values >= edges[position]) & upper)


def test_label_slices_give_class_recall(cancer: Cancer) -> None:
    entries = cancer.measure([{"kind": "label"}])

    recall = sk.recall_score(cancer.y_true, cancer.y_pred, average=None)
    by_class = {entry["value"]: entry for entry in entries}
    assert set(by_class) == {"0", "1"}
    for index, name in enumerate(BINARY):
        assert by_class[name]["name"] == f"target = '{name}'"
        assert by_class[name]["feature"] == "target"
        assert by_class[name]["metrics"]["accuracy"] == pytest.approx(recall[index], abs=CLOSE)
        check_classification_metrics(cancer, by_class[name], cancer.y_true == index)


def test_filter_slice_matches_pandas(cancer: Cancer) -> None:
    entries = cancer.measure([filter_spec("large in the north", "`mean radius` > 15 and clinic == 'north'")])

    mask = ((cancer.rows["mean radius"] > 15) & (cancer.rows["clinic"] == "north")).to_numpy()
    [entry] = entries
    assert entry["name"] == "large in the north"
    assert entry["kind"] == "filter"
    assert entry["feature"] is None
    assert entry["expression"] == "`mean radius` > 15 and clinic == 'north'"
    assert entry["rows"] > 0
    check_classification_metrics(cancer, entry, mask)


def test_filter_not_drops_missing_values(cancer: Cancer) -> None:
    [(_, mask)] = slice_rows(cancer.columns, cancer.y_true, filter_spec("not north", "not (clinic == 'north')"))

    expected = cancer.rows["clinic"].isin(["south", "east"]).to_numpy()
    assert mask.tolist() == expected.tolist()


def test_empty_slice_has_no_metrics(cancer: Cancer) -> None:
    entries = cancer.measure([filter_spec("huge", "`mean radius` > 1000"), {"kind": "label"}])

    empty = entries[-1]
    assert empty["name"] == "huge"
    assert empty["rows"] == 0
    assert empty["metrics"] is None
    assert empty["gap"] is None
    assert empty["curves"] is None
    assert empty["notes"] == ["The slice has no rows, so it has no metrics."]


def test_slices_ranked_worst_first(cancer: Cancer) -> None:
    entries = cancer.measure([{"kind": "values", "feature": "clinic"}, {"kind": "bins", "feature": "worst area", "bins": 5}])

    gaps = [entry["gap"] for entry in entries]
    assert gaps == sorted(gaps)
    assert len(entries) == 9


def test_slice_curves_need_ten_rows(cancer: Cancer) -> None:
    entries = cancer.measure([{"kind": "bins", "feature": "mean radius", "bins": 4}])

    values = cancer.rows["mean radius"].to_numpy()
    small = [entry for entry in entries if entry["rows"] < 10]
    large = [entry for entry in entries if entry["rows"] >= 10 and entry["metrics"]["rocAuc"] is not None]
    assert small and large
    assert all(entry["curves"] is None for entry in small)
    for entry in large:
        low, high = entry["range"]
        mask = (values >= low) & ((values <= high) if entry["includesHigh"] else (values < high))
        [roc] = entry["curves"]["roc"]
        fpr, tpr, _ = sk.roc_curve(cancer.y_true[mask], cancer.scores[mask])
        assert len(roc["fpr"]) <= 50
        assert roc["fpr"] == pytest.approx(fpr.tolist(), abs=CLOSE)
        assert roc["tpr"] == pytest.approx(tpr.tolist(), abs=CLOSE)
        assert len(entry["curves"]["pr"]) == 1


def test_slice_rows_accepts_arrow_columns(cancer: Cancer) -> None:
    arrow_columns = {"clinic": pa.chunked_array([pa.array(cancer.rows["clinic"], pa.large_string(), from_pandas=True)])}

    from_arrow = slice_rows(arrow_columns, cancer.y_true, {"kind": "values", "feature": "clinic"})
    from_numpy = slice_rows(cancer.columns, cancer.y_true, {"kind": "values", "feature": "clinic"})

    assert [name for name, _ in from_arrow] == [name for name, _ in from_numpy]
    for (_, arrow_mask), (_, numpy_mask) in zip(from_arrow, from_numpy):
        assert arrow_mask.tolist() == numpy_mask.tolist()


def test_integer_values_stay_integers() -> None:
    columns = {"grade": pa.chunked_array([pa.array([1, 2, None, 2, 1], pa.int64())])}

    entries = slice_rows(columns, np.zeros(5, dtype="int64"), {"kind": "values", "feature": "grade"})

    assert [name for name, _ in entries] == ["grade = 1", "grade = 2", "grade is null"]
    assert [mask.tolist() for _, mask in entries] == [
        [True, False, False, False, True],
        [False, True, False, True, False],
        [False, False, True, False, False],
    ]


def test_regression_label_slices_rank_highest_rmse_first(evaluation_cases: dict[str, Case]) -> None:
    case = evaluation_cases["diabetes"]
    rows = case.test_rows
    y_true, y_pred = rows["target"].to_numpy(dtype="float64"), case.predict(rows)[:, 0]

    entries = slice_metrics({}, y_true, y_pred, [{"kind": "label", "bins": 3}], task="regression", label="target")

    overall = sk.root_mean_squared_error(y_true, y_pred)
    edges = np.linspace(y_true.min(), y_true.max(), 4)
    assert sorted(entry["range"][0] for entry in entries) == pytest.approx(edges[:3].tolist())
    assert [entry["gap"] for entry in entries] == sorted((entry["gap"] for entry in entries), reverse=True)
    for entry in entries:
        low, high = entry["range"]
        mask = (y_true >= low) & ((y_true <= high) if entry["includesHigh"] else (y_true < high))
        assert entry["rows"] == mask.sum()
        assert entry["metrics"]["mae"] == pytest.approx(sk.mean_absolute_error(y_true[mask], y_pred[mask]), rel=CLOSE)
        assert entry["metrics"]["rmse"] == pytest.approx(sk.root_mean_squared_error(y_true[mask], y_pred[mask]), rel=CLOSE)
        assert entry["metrics"]["r2"] == pytest.approx(sk.r2_score(y_true[mask], y_pred[mask]), abs=1e-9)
        assert entry["gap"] == pytest.approx(entry["metrics"]["rmse"] - overall, abs=1e-9)
        assert entry["curves"] is None


def test_too_many_values_fail_naming_column(cancer: Cancer) -> None:
    with pytest.raises(EvaluationFailed, match=r"Column 'mean radius' has \d+ distinct values .* at most 50"):
        slice_rows(cancer.columns, cancer.y_true, {"kind": "values", "feature": "mean radius"})


def test_bins_of_text_column_fail(cancer: Cancer) -> None:
    with pytest.raises(EvaluationFailed, match="Bins slices need a numeric column, and 'clinic'"):
        slice_rows(cancer.columns, cancer.y_true, {"kind": "bins", "feature": "clinic", "bins": 3})


def test_unknown_slice_column_fails(cancer: Cancer) -> None:
    with pytest.raises(EvaluationFailed, match="slice column 'age' is not in the evaluated rows"):
        slice_rows(cancer.columns, cancer.y_true, {"kind": "values", "feature": "age"})


def test_unknown_slice_kind_fails(cancer: Cancer) -> None:
    with pytest.raises(EvaluationFailed, match="slice kind 'cluster' is unknown"):
        slice_rows(cancer.columns, cancer.y_true, {"kind": "cluster"})


def test_filter_on_missing_column_fails(cancer: Cancer) -> None:
    with pytest.raises(EvaluationFailed, match="The filter of slice 'old' is invalid.*'age'"):
        slice_rows(cancer.columns, cancer.y_true, filter_spec("old", "age > 60"))


def test_missing_values_form_their_own_range_slice() -> None:
    values = np.array([1.0, 2.0, np.nan, 3.0, 4.0])
    frame = pd.DataFrame({"dose": values})

    entries = dict(slice_rows({"dose": frame["dose"].to_numpy()}, np.zeros(5, dtype="int64"), {"kind": "bins", "feature": "dose", "bins": 2}))

    assert list(entries) == ["dose in [1, 2.5)", "dose in [2.5, 4]", "dose is null"]
    assert entries["dose is null"].tolist() == [False, False, True, False, False]
    assert entries["dose in [2.5, 4]"].tolist() == [False, False, False, True, True]


def test_range_names_round_bounds() -> None:
    values = np.array([-0.0256089, 0.2, 0.5, 0.799423])

    entries = slice_rows({"bmi": values}, np.zeros(4, dtype="int64"), {"kind": "bins", "feature": "bmi", "bins": 2})

    assert [name for name, _ in entries] == ["bmi in [-0.02561, 0.3869)", "bmi in [0.3869, 0.7994]"]


def test_close_bounds_keep_apart() -> None:
    values = np.array([1.00001, 1.00002, 1.00003])

    entries = slice_rows({"dose": values}, np.zeros(3, dtype="int64"), {"kind": "bins", "feature": "dose", "bins": 2})

    assert [name for name, _ in entries] == ["dose in [1.00001, 1.00002)", "dose in [1.00002, 1.00003]"]


def test_constant_column_forms_one_range() -> None:
    entries = slice_rows({"dose": np.full(4, 2.5)}, np.zeros(4, dtype="int64"), {"kind": "quantiles", "feature": "dose", "bins": 4})

    assert [name for name, _ in entries] == ["dose in [2.5, 2.5]"]
    assert entries[0][1].tolist() == [True, True, True, True]


def test_boolean_values_are_named_like_filters() -> None:
    entries = slice_rows({"smoker": np.array([True, False, True])}, np.zeros(3, dtype="int64"), {"kind": "values", "feature": "smoker"})

    assert [name for name, _ in entries] == ["smoker = false", "smoker = true"]
    assert entries[1][1].tolist() == [True, False, True]
