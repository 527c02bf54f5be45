"""Serving transforms against the dataset worker: raw rows through a derived version's operations give its feature values."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import uuid
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from backend.application.serving_transforms import RawColumn, ServingTransform, UnservableOperation, build_transform
from backend.domain.base import Cause, InvalidInput
from backend.domain.dataset_operations import for_worker, normalize_operations
from backend.domain.datasets import SPLIT_COLUMN, Dataset, DatasetVersion
from tests.support.datasets import frame as sklearn_frame
from workers.datasets.ingest import ingest
from workers.datasets.operations import derive

pytestmark = pytest.mark.unit

CAUSE = Cause.new("tester", None)
STRATIFIED = {"op": "split", "strategy": "stratified", "ratios": {"train": 0.7, "validation": 0.15, "test": 0.15}, "seed": 3}
WINE_PREPARED = [
    STRATIFIED,
    {"op": "fillMissing", "columns": ["alcohol", "vintage"], "strategy": "mean"},
    {"op": "fillMissing", "columns": ["magnesium"], "strategy": "median"},
    {"op": "fillMissing", "columns": ["organic", "bottled"], "strategy": "mode"},
    {"op": "castColumns", "types": {"grade": "integer", "proline": "integer", "bottled": "date"}},
    {"op": "oneHot", "columns": ["region", "organic", "bottled"]},
    {"op": "standardize", "columns": ["alcohol", "malic_acid", "grade", "proline"]},
    {"op": "minMaxScale", "columns": ["magnesium", "vintage"]},
    {"op": "renameColumns", "mapping": {"alcohol": "alcohol_z"}},
    {"op": "dropColumns", "columns": ["ash"]},
]
WINE_REFINED = [
    {"op": "minMaxScale", "columns": ["color_intensity"]},
    {"op": "standardize", "columns": ["alcohol_z", "hue"]},
    {"op": "renameColumns", "mapping": {"od280/od315_of_diluted_wines": "od_ratio"}},
]
MEMBERS_CSV = b"""age,income,city,member,joined,score,code,target
34,52000.5,Lyon,true,2024-01-03,0.5,7,yes
41,61000,Paris,false,2024-02-11,0.7,3,no
29,,Lyon,true,2024-03-05,0.2,5,yes
52,75000.25,Nice,,2024-01-20,0.9,1,no
38,58000,,false,2024-04-01,0.4,2,yes
45,66000.75,Paris,true,2024-02-28,0.6,4,no
31,49000,Lyon,false,2024-05-15,0.3,6,yes
,53000,Nice,true,2024-03-30,0.8,8,no
36,57000.5,Paris,false,2024-01-09,0.1,9,yes
48,70000,Lyon,true,2024-04-22,0.75,2,no
27,46000,Nice,false,2024-05-02,0.35,3,yes
55,80000,Paris,true,2024-02-14,0.65,7,no
"""
MEMBERS_PREPARED = [
    {"op": "split", "strategy": "random", "ratios": {"train": 0.75, "test": 0.25}, "seed": 1},
    {"op": "dropMissing", "columns": ["age"]},
    {"op": "fillMissing", "columns": ["income"], "strategy": "mean"},
    {"op": "oneHot", "columns": ["city", "member"]},
    {"op": "castColumns", "types": {"code": "integer"}},
    {"op": "standardize", "columns": ["income", "age", "score"]},
    {"op": "dropColumns", "columns": ["joined"]},
]
MEMBER = {"age": 40, "income": 60000.0, "city": "Lyon", "member": True, "score": 0.5, "code": "4"}


class Lineage:
    """Dataset versions made by the worker's ingest and derive, recorded as the same events the platform records, in memory."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.dataset = Dataset.create(
            uuid.uuid4(), team_id=uuid.uuid4(), name="wine", description="", tags={}, owner=uuid.uuid4(), cause=CAUSE
        )
        self.events: dict[uuid.UUID, Any] = {}
        self.versions: dict[uuid.UUID, DatasetVersion] = {}
        self.files: dict[uuid.UUID, Path] = {}

    def __call__(self, version_id: uuid.UUID) -> Any:
        return self.events[version_id]

    def upload(self, content: bytes, *, label: str, column_types: dict[str, str] | None = None) -> uuid.UUID:
        upload = self.folder / "upload.csv"
        upload.write_bytes(content)
        output = self.folder / f"{uuid.uuid4()}.parquet"
        result = ingest(str(upload), upload.name, str(output), column_types=column_types, label=label)
        version_id = uuid.uuid4()
        number = self.dataset.add_version(version_id, _sha256(output), CAUSE, "uploadDatasetVersion")
        version = DatasetVersion.uploaded(
            version_id, dataset=self.dataset, number=number, content={**result, **_stored(output), "label": label},
            upload_id=uuid.uuid4(), upload_sha256=_sha256(upload), filename=upload.name, column_types=column_types or {},
            duplicate_of=None, cause=CAUSE,
        )
        return self._keep(version, output)

    def derive(self, parent_id: uuid.UUID, operations: list[dict[str, Any]]) -> uuid.UUID:
        """Derive a version as deriveDatasetVersion does: check, run in the worker, record with fitted values."""
        parent = self.versions[parent_id]
        normalized = normalize_operations(operations, parent.columns, parent.label)
        output = self.folder / f"{uuid.uuid4()}.parquet"
        result = derive(str(self.files[parent_id]), str(output), label=parent.label, split_column=SPLIT_COLUMN,
                        operations=for_worker(normalized))
        recorded = [{**operation, "fitted": fitted} if fitted is not None else operation
                    for operation, fitted in zip(normalized, result["fitted"])]
        return self.record(parent_id, json.loads(json.dumps(recorded)), {**result, **_stored(output)}, output)

    def record(self, parent_id: uuid.UUID, operations: list[dict[str, Any]], content: dict[str, Any] | None = None,
               output: Path | None = None) -> uuid.UUID:
        """Record a derived version with `operations` as given; without `content` it has the parent's columns and file."""
        parent = self.versions[parent_id]
        content = content or {
            "sha256": parent.sha256, "size": 0, "rows": parent.rows, "columns": parent.columns, "label": parent.label,
        }
        version_id = uuid.uuid4()
        number = self.dataset.add_version(version_id, content["sha256"], CAUSE, "deriveDatasetVersion")
        version = DatasetVersion.derived(
            version_id, dataset=self.dataset, number=number, parent=parent, content=content, operations=operations,
            duplicate_of=None, cause=CAUSE,
        )
        return self._keep(version, output or self.files[parent_id])

    def table(self, version_id: uuid.UUID) -> pa.Table:
        return pq.read_table(self.files[version_id])

    def columns(self, version_id: uuid.UUID) -> list[str]:
        return [column["name"] for column in self.versions[version_id].columns]

    def features(self, version_id: uuid.UUID) -> list[str]:
        """Return the feature columns a training run plans for the version: every column but the label and the split."""
        version = self.versions[version_id]
        return [name for name in self.columns(version_id) if name not in (version.label, SPLIT_COLUMN)]

    def _keep(self, version: DatasetVersion, output: Path) -> uuid.UUID:
        self.events[version.id] = version.collect_events()[0]
        self.versions[version.id] = version
        self.files[version.id] = output
        return version.id


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _stored(path: Path) -> dict[str, Any]:
    return {"sha256": _sha256(path), "size": path.stat().st_size}


def wine_csv() -> bytes:
    """Return scikit-learn's wine data with gaps, and text, boolean, integer and time columns to fill, cast and encode."""
    frame = sklearn_frame("wine")
    random = np.random.default_rng(11)
    rows = len(frame)

    def gaps(share: float) -> np.ndarray:
        return random.random(rows) < share

    frame.loc[gaps(0.1), "alcohol"] = np.nan
    frame.loc[gaps(0.1), "magnesium"] = np.nan
    frame["region"] = pd.Series(random.choice(["north", "south", "coast"], rows), dtype=object).mask(gaps(0.1))
    frame["organic"] = pd.array(random.random(rows) < 0.4, dtype="boolean")
    frame.loc[gaps(0.1), "organic"] = pd.NA
    frame["vintage"] = pd.array(random.integers(2010, 2021, rows), dtype="Int64")
    frame.loc[gaps(0.1), "vintage"] = pd.NA
    frame["grade"] = random.integers(1, 6, rows).astype(str)
    bottled = ["2024-01-05T10:00:00Z", "2024-01-05T18:30:00Z", "2024-02-11T09:15:00Z"]
    frame["bottled"] = pd.Series(random.choice(bottled, rows), dtype=object).mask(gaps(0.1))
    return frame.to_csv(index=False).encode()


def request_rows(table: pa.Table, columns: list[RawColumn]) -> list[dict[str, Any]]:
    """Return the table's rows as a client sends them: the raw columns in JSON, times and dates as ISO text."""
    rows = table.select([column.name for column in columns]).to_pylist()
    return [{name: _json(value) for name, value in row.items()} for row in rows]


def _json(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@pytest.fixture
def lineage(tmp_path: Path) -> Lineage:
    return Lineage(tmp_path)


@pytest.fixture
def wine(lineage: Lineage) -> dict[str, uuid.UUID]:
    uploaded = lineage.upload(wine_csv(), label="target", column_types={"grade": "string"})
    prepared = lineage.derive(uploaded, WINE_PREPARED)
    refined = lineage.derive(prepared, WINE_REFINED)
    return {"uploaded": uploaded, "prepared": prepared, "refined": refined}


@pytest.fixture
def members(lineage: Lineage) -> tuple[uuid.UUID, ServingTransform]:
    uploaded = lineage.upload(MEMBERS_CSV, label="target", column_types={"code": "string"})
    prepared = lineage.derive(uploaded, MEMBERS_PREPARED)
    transform = build_transform(lineage, prepared, lineage.features(prepared))
    assert transform is not None
    return prepared, transform


def rejection(transform: ServingTransform, rows: Any) -> InvalidInput:
    with pytest.raises(InvalidInput) as raised:
        transform.apply(rows)
    return raised.value


# --- Raw rows give the derived version's features -----------------------------------------------------------


def test_raw_rows_give_derived_features(lineage: Lineage, wine: dict[str, uuid.UUID]) -> None:
    features = lineage.features(wine["refined"])
    transform = build_transform(lineage, wine["refined"], features)
    assert transform is not None

    inputs = transform.apply(request_rows(lineage.table(wine["uploaded"]), transform.raw_columns))

    expected = lineage.table(wine["refined"]).select(features).to_pylist()
    assert len(inputs) == len(expected) == 178
    for index, (row, wanted) in enumerate(zip(inputs, expected)):
        assert row == pytest.approx([float(wanted[name]) for name in features], abs=1e-6), f"row {index}"


def test_raw_columns_follow_the_upload(lineage: Lineage, wine: dict[str, uuid.UUID]) -> None:
    transform = build_transform(lineage, wine["refined"], lineage.features(wine["refined"]))
    assert transform is not None

    uploaded = lineage.versions[wine["uploaded"]].column_types
    expected = [name for name in uploaded if name not in ("target", "ash")]
    assert [column.name for column in transform.raw_columns] == expected
    assert {column.name: column.type for column in transform.raw_columns} == {name: uploaded[name] for name in expected}
    assert uploaded["grade"] == "string"
    assert uploaded["bottled"] == "datetime"


def test_features_keep_the_model_order(lineage: Lineage, wine: dict[str, uuid.UUID]) -> None:
    features = list(reversed(lineage.features(wine["refined"])))[:5]
    transform = build_transform(lineage, wine["refined"], features)
    assert transform is not None

    inputs = transform.apply(request_rows(lineage.table(wine["uploaded"]), transform.raw_columns))

    expected = lineage.table(wine["refined"]).select(features).to_pylist()
    assert transform.features == features
    assert inputs[0] == pytest.approx([float(expected[0][name]) for name in features], abs=1e-6)


def test_operations_run_root_to_leaf(lineage: Lineage, wine: dict[str, uuid.UUID]) -> None:
    transform = build_transform(lineage, wine["refined"], lineage.features(wine["refined"]))
    assert transform is not None

    kinds = [operation["op"] for operation in transform.operations]
    assert kinds == [
        "fillMissing", "fillMissing", "fillMissing", "castColumns", "oneHot", "standardize", "minMaxScale", "renameColumns",
        "dropColumns", "minMaxScale", "standardize", "renameColumns",
    ]
    assert transform.operations[0]["fitted"]["fittedOn"] == "train"


def test_row_filters_pass_served_rows(lineage: Lineage, wine: dict[str, uuid.UUID]) -> None:
    filtered = lineage.derive(wine["uploaded"], [
        {"op": "dropMissing", "columns": ["alcohol"]},
        {"op": "filter", "expression": "proline > 600"},
        {"op": "standardize", "columns": ["alcohol", "proline"]},
        {"op": "dropDuplicates"},
    ])
    features = ["alcohol", "proline", "hue"]
    transform = build_transform(lineage, filtered, features)
    assert transform is not None

    raw = request_rows(lineage.table(wine["uploaded"]), transform.raw_columns)
    kept = [row for row in raw if row["alcohol"] is not None and row["proline"] > 600]
    inputs = transform.apply(kept)

    expected = lineage.table(filtered).select(features).to_pylist()
    assert len(inputs) == len(expected)
    for index, (row, wanted) in enumerate(zip(inputs, expected)):
        assert row == pytest.approx([wanted[name] for name in features], abs=1e-6), f"row {index}"


# --- What a request may send --------------------------------------------------------------------------------


def test_missing_values_are_filled_and_encoded(members: tuple[uuid.UUID, ServingTransform]) -> None:
    _version_id, transform = members
    [row] = transform.apply([{**MEMBER, "income": None, "city": None, "member": None}])

    inputs = dict(zip(transform.features, row))
    fitted = {operation["op"]: operation.get("fitted") for operation in transform.operations}
    statistics = fitted["standardize"]["statistics"]["income"]
    filled = (fitted["fillMissing"]["values"]["income"] - statistics["mean"]) / statistics["std"]
    indicators = {name: value for name, value in inputs.items() if name.startswith(("city_", "member_"))}
    categories = fitted["oneHot"]["categories"]
    assert inputs["income"] == pytest.approx(filled, abs=1e-12)
    assert sorted(indicators) == sorted([f"city_{city}" for city in categories["city"]] + ["member_false", "member_true"])
    assert set(indicators.values()) == {0.0}


def test_unseen_category_sets_no_indicator(members: tuple[uuid.UUID, ServingTransform]) -> None:
    _version_id, transform = members

    [row] = transform.apply([{**MEMBER, "city": "Marseille"}])

    inputs = dict(zip(transform.features, row))
    assert {value for name, value in inputs.items() if name.startswith("city_")} == {0.0}
    assert [inputs["member_false"], inputs["member_true"]] == [0.0, 1.0]


def test_cast_text_reaches_the_model(members: tuple[uuid.UUID, ServingTransform]) -> None:
    _version_id, transform = members

    [row] = transform.apply([{**MEMBER, "code": " +12 "}])

    assert dict(zip(transform.features, row))["code"] == 12.0


def test_whole_float_counts_as_integer(members: tuple[uuid.UUID, ServingTransform]) -> None:
    _version_id, transform = members

    assert transform.apply([{**MEMBER, "age": 40.0}]) == transform.apply([MEMBER])


def test_unused_columns_are_not_requested(members: tuple[uuid.UUID, ServingTransform]) -> None:
    _version_id, transform = members

    assert [column.name for column in transform.raw_columns] == ["age", "income", "city", "member", "score", "code"]


# --- Rejected requests --------------------------------------------------------------------------------------


def test_missing_column_is_named(members: tuple[uuid.UUID, ServingTransform]) -> None:
    _version_id, transform = members
    row = {name: value for name, value in MEMBER.items() if name != "score"}

    error = rejection(transform, [MEMBER, row])

    assert error.field == "instances[1].score"
    assert "instances[1].score is missing" in error.message
    assert "'age', 'income', 'city', 'member', 'score', 'code'" in error.message


def test_unknown_column_is_named(members: tuple[uuid.UUID, ServingTransform]) -> None:
    _version_id, transform = members

    error = rejection(transform, [{**MEMBER, "joined": "2024-01-03"}])

    assert error.field == "instances[0].joined"
    assert "is not a column the model reads" in error.message
    assert (error.expected_type, error.received_type) == (None, "string")  # type: ignore[attr-defined]


def test_label_is_not_a_request_column(members: tuple[uuid.UUID, ServingTransform]) -> None:
    _version_id, transform = members

    error = rejection(transform, [{**MEMBER, "target": "yes"}])

    assert error.field == "instances[0].target"


def test_null_in_drop_missing_column_is_rejected(members: tuple[uuid.UUID, ServingTransform]) -> None:
    _version_id, transform = members

    error = rejection(transform, [{**MEMBER, "age": None}])

    assert error.field == "instances[0].age"
    assert error.message == (
        "instances[0].age is null; the model was trained only on rows with a value in column 'age', so send a whole number."
    )
    assert (error.expected_type, error.received_type) == ("integer", "null")  # type: ignore[attr-defined]


def test_null_in_unfilled_column_is_rejected(members: tuple[uuid.UUID, ServingTransform]) -> None:
    _version_id, transform = members

    error = rejection(transform, [{**MEMBER, "score": None}])

    assert error.field == "instances[0].score"
    assert "the model needs a value for feature 'score'" in error.message
    assert "send a finite number" in error.message


@pytest.mark.parametrize(
    ("column", "value", "accepted", "received_type"),
    [
        ("age", "40", "a whole number", "string"),
        ("age", 40.5, "a whole number", "number"),
        ("age", True, "a whole number", "boolean"),
        ("age", 2**63, "a whole number", "number"),
        ("income", "60000", "a finite number", "string"),
        ("income", math.nan, "a finite number", "number"),
        ("income", math.inf, "a finite number", "number"),
        ("member", "true", "true or false", "string"),
        ("member", 1, "true or false", "number"),
        ("city", 3, "a string", "number"),
        ("code", 4, "a string", "number"),
        ("score", [0.5], "a finite number", "array"),
    ],
)
def test_wrong_type_is_named(
    members: tuple[uuid.UUID, ServingTransform], column: str, value: Any, accepted: str, received_type: str
) -> None:
    _version_id, transform = members

    error = rejection(transform, [{**MEMBER, column: value}])

    assert error.field == f"instances[0].{column}"
    assert error.message.endswith(f"so send {accepted}.")
    assert error.expected == accepted  # type: ignore[attr-defined]
    expected_type = {"a whole number": "integer", "a finite number": "number", "true or false": "boolean", "a string": "string"}
    assert error.expected_type == expected_type[accepted]  # type: ignore[attr-defined]
    assert error.received_type == received_type  # type: ignore[attr-defined]


def test_text_that_does_not_cast_is_rejected(members: tuple[uuid.UUID, ServingTransform]) -> None:
    _version_id, transform = members

    error = rejection(transform, [{**MEMBER, "code": "4a"}])

    assert error.field == "instances[0].code"
    assert "does not convert to integer as column 'code' did for training" in error.message
    assert (error.expected_type, error.received_type) == ("string", "string")  # type: ignore[attr-defined]


def test_scaling_beyond_float_range_is_rejected(members: tuple[uuid.UUID, ServingTransform]) -> None:
    _version_id, transform = members

    error = rejection(transform, [{**MEMBER, "score": 1.7e308}])

    assert error.field == "instances[0].score"
    assert "beyond the float64 range" in error.message


def test_row_must_be_an_object(members: tuple[uuid.UUID, ServingTransform]) -> None:
    _version_id, transform = members

    error = rejection(transform, [MEMBER, [40, 60000.0]])

    assert error.field == "instances[1]"
    assert "must be an object" in error.message
    assert (error.expected_type, error.received_type) == ("object", "array")  # type: ignore[attr-defined]


def test_instances_must_be_a_list(members: tuple[uuid.UUID, ServingTransform]) -> None:
    _version_id, transform = members

    error = rejection(transform, MEMBER)

    assert error.field == "instances"
    assert (error.expected_type, error.received_type) == ("array", "object")  # type: ignore[attr-defined]


# --- Versions that need no transform or cannot be served ----------------------------------------------------


def test_row_filters_only_give_none(lineage: Lineage, wine: dict[str, uuid.UUID]) -> None:
    filtered = lineage.derive(wine["uploaded"], [
        STRATIFIED,
        {"op": "filter", "expression": "hue > 0.5"},
        {"op": "dropDuplicates"},
        {"op": "dropMissing"},
        {"op": "dropColumns", "columns": ["region", "organic", "vintage", "grade", "bottled"]},
    ])

    assert build_transform(lineage, filtered, lineage.features(filtered)) is None


def test_upload_gives_none(lineage: Lineage, wine: dict[str, uuid.UUID]) -> None:
    assert build_transform(lineage, wine["uploaded"], ["alcohol", "hue"]) is None


def test_transform_of_unused_columns_gives_none(lineage: Lineage, wine: dict[str, uuid.UUID]) -> None:
    scaled = lineage.derive(wine["uploaded"], [{"op": "standardize", "columns": ["proline"]}])

    assert build_transform(lineage, scaled, ["alcohol", "hue"]) is None


def test_split_column_is_not_servable(lineage: Lineage, wine: dict[str, uuid.UUID]) -> None:
    with pytest.raises(InvalidInput) as raised:
        build_transform(lineage, wine["prepared"], ["hue", SPLIT_COLUMN])

    assert raised.value.field == "datasetVersionId"
    assert "serving cannot compute it from a request" in raised.value.message


def test_unknown_feature_is_rejected(lineage: Lineage, wine: dict[str, uuid.UUID]) -> None:
    with pytest.raises(InvalidInput) as raised:
        build_transform(lineage, wine["prepared"], ["hue", "alcohol"])

    assert "column 'alcohol', which dataset version 2 does not have" in raised.value.message


def test_unknown_operation_is_rejected(lineage: Lineage, wine: dict[str, uuid.UUID]) -> None:
    bucketed = lineage.record(wine["uploaded"], [{"op": "bucketize", "columns": ["hue"], "bins": 4}])

    with pytest.raises(InvalidInput) as raised:
        build_transform(lineage, bucketed, ["hue"])

    assert raised.value.value == str(bucketed)
    assert raised.value.message == (
        "Dataset version 4 cannot be served from raw columns: its operations[0] (bucketize) is not an operation that "
        "serving can apply to a request row."
    )


def test_operation_without_fitted_values_is_rejected(lineage: Lineage, wine: dict[str, uuid.UUID]) -> None:
    scaled = lineage.record(wine["uploaded"], [{"op": "dropDuplicates"}, {"op": "standardize", "columns": ["hue"]}])

    with pytest.raises(InvalidInput) as raised:
        build_transform(lineage, scaled, ["hue"])

    assert "its operations[1] (standardize) records no fitted statistics" in raised.value.message
    assert "derive the version again" in raised.value.message


def test_columns_unlike_operations_are_rejected(lineage: Lineage, wine: dict[str, uuid.UUID]) -> None:
    unexplained = lineage.record(wine["uploaded"], [{"op": "dropColumns", "columns": ["ash"]}])

    with pytest.raises(InvalidInput) as raised:
        build_transform(lineage, unexplained, ["hue"])

    assert raised.value.value == str(unexplained)
    assert "serving cannot tell which raw column each one comes from" in raised.value.message


def scored_version(lineage: Lineage, parent_id: uuid.UUID) -> uuid.UUID:
    """Record a version as a batch prediction does: the parent's rows with its output column added."""
    parent = lineage.versions[parent_id]
    content = {
        "sha256": parent.sha256, "size": 0, "rows": parent.rows, "label": parent.label,
        "columns": [*parent.columns, {"name": "predicted", "type": "float"}],
    }
    return lineage.record(parent_id, [{"op": "predict", "columns": ["predicted"], "split": None}], content)


def test_prediction_feature_is_rejected(lineage: Lineage, wine: dict[str, uuid.UUID]) -> None:
    scored = scored_version(lineage, wine["uploaded"])

    with pytest.raises(InvalidInput) as raised:
        build_transform(lineage, scored, ["hue", "predicted"])

    assert "split or a batch prediction added" in raised.value.message


def test_prediction_columns_left_out_are_ignored(lineage: Lineage, wine: dict[str, uuid.UUID]) -> None:
    scored = scored_version(lineage, wine["uploaded"])
    scaled = lineage.derive(wine["uploaded"], [{"op": "standardize", "columns": ["hue"]}])
    standardize = lineage.events[scaled].operations[0]
    rescaled = lineage.record(scored, [standardize])

    transform = build_transform(lineage, rescaled, ["hue"])

    assert transform is not None
    assert [column.name for column in transform.raw_columns] == ["hue"]


def test_direct_transform_rejects_unknown_operation() -> None:
    with pytest.raises(UnservableOperation) as raised:
        ServingTransform([RawColumn("hue", "float")], [{"op": "bucketize", "columns": ["hue"]}], ["hue"])

    assert raised.value.position == 0
    assert raised.value.field == "operations[0]"
