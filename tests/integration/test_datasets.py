"""Datasets on SQLite and PostgreSQL: uploads of scikit-learn's data, profiles, derived versions and lineage."""

from __future__ import annotations

import io
import json
import math
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from backend.domain.access import SESSION, Principal
from backend.domain.base import Cause, Conflict, Forbidden, InvalidInput, NotFound
from backend.domain.identity import EDITOR, VIEWER
from backend.runtime import Runtime
from tests.conftest import FrozenClock
from tests.integration.test_event_store import admin_of
from workers.dataset_jobs import profile_job
from workers.profiling import record_profiling

pytestmark = pytest.mark.integration

STRATIFIED_70_15_15 = {"op": "split", "strategy": "stratified", "ratios": {"train": 0.7, "validation": 0.15, "test": 0.15}, "seed": 7}


class Datasets:
    """A team with an editor and a viewer, and helpers that upload and derive as a user would."""

    def __init__(self, runtime: Runtime, clock: FrozenClock, admin: Principal | None = None) -> None:
        self.runtime = runtime
        self.clock = clock
        admin = admin or admin_of(runtime)
        self.admin = admin
        self.team_id, _ = runtime.identity.create_team(admin, self.cause(admin), name=f"data-{uuid.uuid4().hex[:6]}")
        self.editor = self._member(admin, EDITOR)
        self.viewer = self._member(admin, VIEWER)

    def _member(self, admin: Principal, role: str) -> Principal:
        user_id, _ = self.runtime.identity.create_user(admin, self.cause(admin), username=f"{role}{uuid.uuid4().hex[:6]}", password="a-long-password")
        self.runtime.identity.add_member(admin, self.cause(admin), team_id=self.team_id, user_id=user_id, role=role)
        return Principal(user_id=user_id, username=role, is_admin=False, via=SESSION)

    def cause(self, principal: Principal) -> Cause:
        return Cause.new(principal.actor, None, at=self.clock())

    def create(self, name: str = "cancer") -> uuid.UUID:
        dataset_id, outcome = self.runtime.datasets.create_dataset(self.editor, self.cause(self.editor), team_id=self.team_id, name=name)
        assert self.runtime.projections.wait_for(outcome.position)
        return dataset_id

    def upload_bytes(self, content: bytes, filename: str) -> uuid.UUID:
        received = self.runtime.uploads.receive(
            self.editor, self.cause(self.editor), team_id=self.team_id, body=io.BytesIO(content), max_size=10**8,
            filename=filename, content_type="application/octet-stream",
        )
        assert self.runtime.projections.wait_for(received.outcome.position)
        return received.upload_id

    def add_version(self, dataset_id: uuid.UUID, path: Path | None = None, *, content: bytes | None = None,
                    filename: str | None = None, **options: Any) -> dict[str, Any]:
        upload_id = self.upload_bytes(path.read_bytes() if path else content or b"", filename or (path.name if path else "data.csv"))
        added = self.runtime.datasets.upload_version(self.editor, self.cause(self.editor), dataset_id=dataset_id, upload_id=upload_id, **options)
        assert self.runtime.projections.wait_for(added.outcome.position)
        return self.version(added.version_id)

    def derive(self, parent_id: str, operations: list[dict[str, Any]], **options: Any) -> dict[str, Any]:
        added = self.runtime.datasets.derive_version(
            self.editor, self.cause(self.editor), parent_id=uuid.UUID(parent_id), operations=operations, **options
        )
        assert self.runtime.projections.wait_for(added.outcome.position)
        return self.version(added.version_id)

    def version(self, version_id: Any) -> dict[str, Any]:
        row = self.runtime.readers.datasets.version(str(version_id))
        assert row is not None
        return row

    def profile(self, row: dict[str, Any]) -> dict[str, Any]:
        """Profile a version the way the reconciler does, with the job running in this process."""
        items = profile_job(self.runtime.settings.artifacts, row["sha256"], row["label"], row["split_column"])
        assert record_profiling(self.runtime, uuid.UUID(row["version_id"]), items) == "ready"
        profiled = self.version(row["version_id"])
        return self.runtime.datasets.profile(profiled["profile_sha256"])

    def frame(self, row: dict[str, Any]) -> pd.DataFrame:
        """Read a version's stored Parquet file with pandas, independently of the platform's reader."""
        with self.runtime.artifacts.local_file(row["sha256"]) as path:
            return pd.read_parquet(path)

    def count(self, dataset_id: uuid.UUID) -> int:
        return int(self.runtime.readers.datasets.dataset(str(dataset_id))["version_count"])


@pytest.fixture
def datasets(runtime: Runtime, clock: FrozenClock) -> Datasets:
    return Datasets(runtime, clock)


def largest_remainder(rows: int, ratios: list[float]) -> list[int]:
    """Share `rows` by `ratios`: floors first, then one row each to the largest remainders, earlier parts first on ties."""
    exact = [rows * ratio for ratio in ratios]
    sizes = [math.floor(value) for value in exact]
    order = sorted(range(len(ratios)), key=lambda index: (-(exact[index] - sizes[index]), index))
    for index in order[: rows - sum(sizes)]:
        sizes[index] += 1
    return sizes


def test_breast_cancer_csv_becomes_version_one(datasets: Datasets, dataset_files: Path) -> None:
    dataset_id = datasets.create()

    row = datasets.add_version(dataset_id, dataset_files / "breast_cancer.csv", label="target")

    expected = pd.read_csv(dataset_files / "breast_cancer.csv")
    columns = json.loads(row["columns"])
    assert row["number"] == 1
    assert row["row_count"] == 569
    assert [column["name"] for column in columns] == list(expected.columns)
    assert {column["type"] for column in columns[:-1]} == {"float"}
    assert columns[-1] == {"name": "target", "type": "integer"}
    assert row["label"] == "target"
    assert row["file_format"] == "csv"
    assert row["status"] == "profiling"
    assert datasets.frame(row).equals(expected)


def test_profile_matches_pandas(datasets: Datasets, dataset_files: Path) -> None:
    dataset_id = datasets.create()
    row = datasets.add_version(dataset_id, dataset_files / "breast_cancer.csv", label="target")

    profile = datasets.profile(row)

    expected = pd.read_csv(dataset_files / "breast_cancer.csv")
    radius = next(column for column in profile["columns"] if column["name"] == "mean radius")
    assert profile["rows"] == 569
    assert radius["missing"] == 0
    assert radius["distinct"] == expected["mean radius"].nunique()
    assert radius["mean"] == pytest.approx(expected["mean radius"].mean())
    assert radius["std"] == pytest.approx(expected["mean radius"].std())
    deciles = {round(item["q"], 2): item["value"] for item in radius["quantiles"]}
    for q in (0.1, 0.5, 0.9):
        assert deciles[q] == pytest.approx(expected["mean radius"].quantile(q))
    assert sum(radius["histogram"]["counts"]) == 569
    assert profile["label"]["distribution"] == [{"value": 1, "count": 357}, {"value": 0, "count": 212}]
    assert datasets.version(row["version_id"])["status"] == "ready"


def test_parquet_and_jsonl_give_the_same_columns(datasets: Datasets, dataset_files: Path) -> None:
    dataset_id = datasets.create("wine")

    from_parquet = datasets.add_version(dataset_id, dataset_files / "wine.parquet")
    from_jsonl = datasets.add_version(dataset_id, dataset_files / "wine.jsonl", allow_duplicate=True)

    assert from_parquet["file_format"] == "parquet"
    assert from_jsonl["file_format"] == "jsonl"
    assert from_parquet["row_count"] == from_jsonl["row_count"] == 178
    assert json.loads(from_parquet["columns"]) == json.loads(from_jsonl["columns"])
    pd.testing.assert_frame_equal(datasets.frame(from_parquet), datasets.frame(from_jsonl))
    assert from_jsonl["duplicate_of"] == from_parquet["version_id"]


def test_csv_and_parquet_duplicates(datasets: Datasets, dataset_files: Path) -> None:
    dataset_id = datasets.create("digits")
    first = datasets.add_version(dataset_id, dataset_files / "digits.csv")

    with pytest.raises(Conflict) as raised:
        datasets.add_version(dataset_id, dataset_files / "digits.parquet")

    assert f"already version 1 (id {first['version_id']}) of dataset 'digits'" in raised.value.message


def test_same_rows_twice_are_a_duplicate(datasets: Datasets, dataset_files: Path) -> None:
    dataset_id = datasets.create("iris")
    first = datasets.add_version(dataset_id, dataset_files / "iris.csv")

    with pytest.raises(Conflict) as raised:
        datasets.add_version(dataset_id, dataset_files / "iris.csv")

    assert f"already version 1 (id {first['version_id']}) of dataset 'iris'" in raised.value.message
    assert raised.value.field == "uploadId"
    assert datasets.count(dataset_id) == 1
    again = datasets.add_version(dataset_id, dataset_files / "iris.csv", allow_duplicate=True)
    assert again["duplicate_of"] == datasets.runtime.readers.datasets.versions(str(dataset_id), None, 1)[0]["version_id"]


def test_concurrent_uploads_get_numbers_once(datasets: Datasets, dataset_files: Path) -> None:
    dataset_id = datasets.create("iris")
    uploads = [datasets.upload_bytes((dataset_files / "iris.csv").read_bytes(), "iris.csv") for _ in range(6)]

    def add(upload_id: uuid.UUID) -> int:
        return datasets.runtime.datasets.upload_version(
            datasets.editor, datasets.cause(datasets.editor), dataset_id=dataset_id, upload_id=upload_id, allow_duplicate=True
        ).number

    with ThreadPoolExecutor(max_workers=6) as pool:
        numbers = list(pool.map(add, uploads))

    assert sorted(numbers) == [1, 2, 3, 4, 5, 6]


def test_stratified_split_sizes(datasets: Datasets, dataset_files: Path) -> None:
    dataset_id = datasets.create()
    parent = datasets.add_version(dataset_id, dataset_files / "breast_cancer.csv", label="target")

    split = datasets.derive(parent["version_id"], [STRATIFIED_70_15_15])

    data = datasets.frame(split)
    ratios = [0.7, 0.15, 0.15]
    expected = np.add(largest_remainder(212, ratios), largest_remainder(357, ratios)).tolist()
    sizes = data["split"].value_counts()
    assert [int(sizes["train"]), int(sizes["validation"]), int(sizes["test"])] == expected
    assert json.loads(split["splits"]) == {"train": expected[0], "validation": expected[1], "test": expected[2]}
    for part in ("train", "validation", "test"):
        classes = data.loc[data["split"] == part, "target"].value_counts()
        assert int(classes[0]) == largest_remainder(212, ratios)[["train", "validation", "test"].index(part)]
    assert split["parent_id"] == parent["version_id"]
    assert split["number"] == 2
    assert split["label"] == "target"
    assert data.drop(columns="split").equals(datasets.frame(parent))


def test_standardize_fits_on_train_only(datasets: Datasets, dataset_files: Path) -> None:
    dataset_id = datasets.create()
    parent = datasets.add_version(dataset_id, dataset_files / "breast_cancer.csv", label="target")
    split = datasets.derive(parent["version_id"], [STRATIFIED_70_15_15])

    cleaned = datasets.derive(
        split["version_id"],
        [{"op": "dropDuplicates"}, {"op": "fillMissing", "columns": ["mean radius"], "strategy": "median"},
         {"op": "standardize", "columns": ["mean radius", "mean texture"]}],
    )

    before = datasets.frame(split)
    after = datasets.frame(cleaned)
    train = before[before["split"] == "train"]
    operations = json.loads(cleaned["operations"])
    statistics = operations[2]["fitted"]["statistics"]["mean radius"]
    assert operations[2]["fitted"]["fittedOn"] == "train"
    assert statistics["mean"] == pytest.approx(train["mean radius"].mean())
    assert statistics["std"] == pytest.approx(train["mean radius"].std(ddof=0))
    expected = (before["mean radius"] - train["mean radius"].mean()) / train["mean radius"].std(ddof=0)
    np.testing.assert_allclose(after["mean radius"], expected)
    assert after.loc[after["split"] == "train", "mean radius"].mean() == pytest.approx(0, abs=1e-9)
    assert after.loc[after["split"] == "test", "mean radius"].mean() != pytest.approx(0, abs=1e-6)
    assert cleaned["parent_id"] == split["version_id"]
    assert cleaned["row_count"] == 569


def test_filter_and_rename_follow_each_other(datasets: Datasets, dataset_files: Path) -> None:
    dataset_id = datasets.create("iris")
    parent = datasets.add_version(dataset_id, dataset_files / "iris.csv", label="target")

    derived = datasets.derive(
        parent["version_id"],
        [{"op": "renameColumns", "mapping": {"sepal length (cm)": "sepal_length"}},
         {"op": "filter", "expression": "sepal_length >= 5.8 and target in (0, 2)"}],
    )

    source = pd.read_csv(dataset_files / "iris.csv")
    kept = source[(source["sepal length (cm)"] >= 5.8) & source["target"].isin([0, 2])]
    data = datasets.frame(derived)
    assert derived["row_count"] == len(kept)
    assert data["sepal_length"].tolist() == kept["sepal length (cm)"].tolist()


def test_lineage_and_audit_record_every_step(datasets: Datasets, dataset_files: Path) -> None:
    dataset_id = datasets.create()
    parent = datasets.add_version(dataset_id, dataset_files / "breast_cancer.csv", label="target")
    split = datasets.derive(parent["version_id"], [STRATIFIED_70_15_15])
    cleaned = datasets.derive(split["version_id"], [{"op": "standardize", "columns": ["mean area"]}])

    reader = datasets.runtime.readers.datasets
    assert [row["version_id"] for row in reader.children(parent["version_id"], 10)] == [split["version_id"]]
    assert [row["version_id"] for row in reader.children(split["version_id"], 10)] == [cleaned["version_id"]]
    assert json.loads(cleaned["operations"])[0]["op"] == "standardize"
    assert datasets.runtime.projections.wait_for(datasets.runtime.store.head())
    audit = datasets.runtime.database.fetchall(
        "SELECT action, summary FROM audit_log WHERE action LIKE 'DatasetVersion.%' ORDER BY position"
    )
    summaries = [row["summary"] for row in audit]
    assert [row["action"] for row in audit] == ["DatasetVersion.Uploaded", "DatasetVersion.Derived", "DatasetVersion.Derived"]
    assert "569 rows, 31 columns, label 'target'" in summaries[0]
    assert "stratified split train/validation/test 0.7/0.15/0.15 by target (seed 7)" in summaries[1]
    assert "standardize mean area" in summaries[2]


def test_audit_names_dataset_versions(datasets: Datasets, dataset_files: Path) -> None:
    dataset_id = datasets.create("cancer")
    parent = datasets.add_version(dataset_id, dataset_files / "breast_cancer.csv", label="target")
    datasets.derive(parent["version_id"], [STRATIFIED_70_15_15])
    assert datasets.runtime.projections.wait_for(datasets.runtime.store.head())

    rows = datasets.runtime.database.fetchall(
        "SELECT action, subject_name FROM audit_log WHERE action IN (?, ?, ?) ORDER BY position",
        ("Dataset.Created", "DatasetVersion.Uploaded", "DatasetVersion.Derived"),
    )
    assert [(row["action"], row["subject_name"]) for row in rows] == [
        ("Dataset.Created", "cancer"),
        ("DatasetVersion.Uploaded", "cancer v1"),
        ("DatasetVersion.Derived", "cancer v2"),
    ]


BAD_FILES = [
    ("latin1.csv", "name,city\nJosé,Málaga\n".encode("latin-1"), "file", "UTF-8"),
    ("ragged.csv", b"a,b,c\n1,2,3\n4,5,6,7\n", "file", "Line 3 has 4 fields"),
    ("empty.csv", b"", "file", "empty"),
    ("header.csv", b"a,b,c\n", "file", "no data rows"),
    ("twice.csv", b"a,b,a\n1,2,3\n", "columns", "a"),
    ("blank.csv", b"a,,c\n1,2,3\n", "columns", "column"),
]


@pytest.mark.parametrize(("filename", "content", "field", "message"), BAD_FILES, ids=[case[0] for case in BAD_FILES])
def test_bad_files_create_no_version(datasets: Datasets, filename: str, content: bytes, field: str, message: str) -> None:
    dataset_id = datasets.create("bad")

    with pytest.raises(InvalidInput) as raised:
        datasets.add_version(dataset_id, content=content, filename=filename)

    assert raised.value.field == field
    assert message in raised.value.message
    assert datasets.count(dataset_id) == 0


def test_ten_thousand_columns_are_rejected(datasets: Datasets) -> None:
    dataset_id = datasets.create("wide")
    header = ",".join(f"c{index}" for index in range(10_000))
    content = f"{header}\n{','.join('1' for _ in range(10_000))}\n".encode()

    with pytest.raises(InvalidInput) as raised:
        datasets.add_version(dataset_id, content=content, filename="wide.csv")

    assert raised.value.field == "columns"
    assert raised.value.value == 10_000
    assert datasets.count(dataset_id) == 0


BAD_OPERATIONS = [
    ([{"op": "explode"}], "operations[0].op", "is not an operation"),
    ([{"op": "dropColumns", "columns": ["no such column"]}], "operations[0].columns[0]", "does not have"),
    ([{"op": "split", "ratios": {"train": 0.7, "test": 0.2}}], "operations[0].ratios", "add up to 0.9"),
    ([{"op": "standardize", "columns": ["split"]}], "operations[0].columns[0]", "does not have"),
    ([{"op": "filter", "expression": "mean radius > 3"}], "operations[0].expression", "position"),
    ([{"op": "fillMissing", "columns": ["mean radius"], "strategy": "constant"}], "operations[0].value", "required"),
]


@pytest.mark.parametrize(("operations", "field", "message"), BAD_OPERATIONS, ids=[case[1] + ":" + case[2] for case in BAD_OPERATIONS])
def test_bad_operations_create_no_version(datasets: Datasets, dataset_files: Path, operations: list[Any], field: str, message: str) -> None:
    dataset_id = datasets.create()
    parent = datasets.add_version(dataset_id, dataset_files / "breast_cancer.csv", label="target")

    with pytest.raises(InvalidInput) as raised:
        datasets.derive(parent["version_id"], operations)

    assert raised.value.field == field
    assert message in raised.value.message
    assert datasets.count(dataset_id) == 1


def test_stratified_split_rejects_single_row_class(datasets: Datasets) -> None:
    dataset_id = datasets.create("tiny")
    content = b"x,label\n1,a\n2,a\n3,a\n4,a\n5,b\n"
    parent = datasets.add_version(dataset_id, content=content, filename="tiny.csv", label="label")

    with pytest.raises(InvalidInput) as raised:
        datasets.derive(parent["version_id"], [STRATIFIED_70_15_15])

    assert "'b'" in raised.value.message
    assert "1 row" in raised.value.message
    assert datasets.count(dataset_id) == 1


def test_viewer_may_not_upload(datasets: Datasets, dataset_files: Path) -> None:
    dataset_id = datasets.create("iris")
    upload_id = datasets.upload_bytes((dataset_files / "iris.csv").read_bytes(), "iris.csv")

    with pytest.raises(Forbidden):
        datasets.runtime.datasets.upload_version(datasets.viewer, datasets.cause(datasets.viewer), dataset_id=dataset_id, upload_id=upload_id)

    assert datasets.count(dataset_id) == 0


def test_archived_dataset_takes_no_versions(datasets: Datasets, dataset_files: Path) -> None:
    dataset_id = datasets.create("iris")
    outcome = datasets.runtime.datasets.archive_dataset(datasets.editor, datasets.cause(datasets.editor), dataset_id=dataset_id)
    assert datasets.runtime.projections.wait_for(outcome.position)

    with pytest.raises(Conflict) as raised:
        datasets.add_version(dataset_id, dataset_files / "iris.csv")

    assert "archived" in raised.value.message
    assert datasets.count(dataset_id) == 0


def test_profile_per_split_part(datasets: Datasets, dataset_files: Path) -> None:
    dataset_id = datasets.create()
    parent = datasets.add_version(dataset_id, dataset_files / "breast_cancer.csv", label="target")
    split = datasets.derive(parent["version_id"], [STRATIFIED_70_15_15])

    profile = datasets.profile(split)

    data = datasets.frame(split)
    train = data[data["split"] == "train"]
    train_profile = profile["splits"]["train"]
    radius = next(column for column in train_profile["columns"] if column["name"] == "mean radius")
    assert train_profile["rows"] == len(train)
    assert radius["mean"] == pytest.approx(train["mean radius"].mean())
    counts = {item["value"]: item["count"] for item in train_profile["label"]["distribution"]}
    assert counts == {int(value): int(count) for value, count in train["target"].value_counts().items()}


def test_rebuild_equals_live(datasets: Datasets, dataset_files: Path) -> None:
    from tests.integration.test_projections import dump_read_models

    dataset_id = datasets.create("wine")
    parent = datasets.add_version(dataset_id, dataset_files / "wine.csv", label="target")
    datasets.profile(parent)
    datasets.derive(parent["version_id"], [{"op": "split", "ratios": {"train": 0.8, "test": 0.2}, "seed": 3}])
    runtime = datasets.runtime
    assert runtime.projections.wait_for(runtime.store.head())
    live = dump_read_models(runtime)

    runtime.projections.rebuild(["datasets", "audit"])

    assert dump_read_models(runtime) == live


def test_failed_profile_can_be_requested_again(datasets: Datasets, dataset_files: Path) -> None:
    dataset_id = datasets.create("iris")
    row = datasets.add_version(dataset_id, dataset_files / "iris.csv")

    def crashing() -> Any:
        yield {"progress": 0, "total": 150}
        raise RuntimeError("worker lost")

    version_id = uuid.UUID(row["version_id"])
    assert record_profiling(datasets.runtime, version_id, crashing()) == "failed"
    failed = datasets.version(row["version_id"])
    outcome = datasets.runtime.datasets.request_profile(datasets.editor, datasets.cause(datasets.editor), version_id=version_id)
    assert datasets.runtime.projections.wait_for(outcome.position)
    again = datasets.version(row["version_id"])
    profile = datasets.profile(again)

    assert failed["status"] == "failed"
    assert failed["failure_reason"] == "The profiling worker failed: RuntimeError: worker lost"
    assert again["status"] == "profiling"
    assert again["failure_reason"] is None
    assert profile["rows"] == 150
    assert datasets.version(row["version_id"])["status"] == "ready"


def test_crash_retried_records_nothing(datasets: Datasets, dataset_files: Path) -> None:
    dataset_id = datasets.create("iris")
    row = datasets.add_version(dataset_id, dataset_files / "iris.csv")

    def crashing() -> Any:
        raise ConnectionError("worker died")
        yield {}

    result = record_profiling(datasets.runtime, uuid.UUID(row["version_id"]), crashing(), retry_crash=lambda error: True)

    assert result == "crashed"
    assert datasets.version(row["version_id"])["status"] == "profiling"


def test_upload_to_archived_dataset_runs_no_worker(datasets: Datasets, dataset_files: Path) -> None:
    dataset_id = datasets.create("iris")
    upload_id = datasets.upload_bytes(b"a,b\n1,2\n", "small.csv")
    outcome = datasets.runtime.datasets.archive_dataset(datasets.editor, datasets.cause(datasets.editor), dataset_id=dataset_id)
    assert datasets.runtime.projections.wait_for(outcome.position)
    blobs_before = {path.name for path in (Path(datasets.runtime.settings.artifacts) / "blobs").rglob("*") if path.is_file()}

    with pytest.raises(Conflict):
        datasets.runtime.datasets.upload_version(datasets.editor, datasets.cause(datasets.editor), dataset_id=dataset_id, upload_id=upload_id)

    blobs_after = {path.name for path in (Path(datasets.runtime.settings.artifacts) / "blobs").rglob("*") if path.is_file()}
    assert blobs_after == blobs_before


def test_archive_during_derive_leaves_no_blob(datasets: Datasets) -> None:
    dataset_id = datasets.create("small")
    parent = datasets.add_version(dataset_id, content=b"a,b\n1,2\n3,4\n", filename="first.csv")
    service = datasets.runtime.datasets
    real_engine = service.engine

    class ArchivingEngine:
        """The real engine, but the dataset is archived while the worker runs."""

        def derive(self, *arguments: Any) -> dict[str, Any]:
            result = real_engine.derive(*arguments)
            outcome = service.archive_dataset(datasets.editor, datasets.cause(datasets.editor), dataset_id=dataset_id)
            assert datasets.runtime.projections.wait_for(outcome.position)
            return result

    def blobs() -> set[str]:
        return {path.name for path in (Path(datasets.runtime.settings.artifacts) / "blobs").rglob("*") if path.is_file()}

    before = blobs()
    service.engine = ArchivingEngine()  # type: ignore[assignment]

    with pytest.raises(Conflict) as raised:
        datasets.derive(parent["version_id"], [{"op": "filter", "expression": "a > 1"}])

    assert "archived" in raised.value.message
    assert blobs() == before
    assert datasets.count(dataset_id) == 1


@pytest.mark.parametrize("delimiter", ["§", "\x00", '"', ";;", "\n"])
def test_invalid_delimiter_is_rejected(datasets: Datasets, delimiter: str) -> None:
    dataset_id = datasets.create("small")

    with pytest.raises(InvalidInput) as raised:
        datasets.add_version(dataset_id, content=b"a;b\n1;2\n", filename="small.csv", delimiter=delimiter)

    assert raised.value.field == "delimiter"
    assert "printable ASCII character" in raised.value.message
    assert datasets.count(dataset_id) == 0


def test_upload_of_another_team_is_not_found(datasets: Datasets, dataset_files: Path) -> None:
    dataset_id = datasets.create("iris")
    admin = datasets.admin
    other_team, _ = datasets.runtime.identity.create_team(admin, datasets.cause(admin), name="elsewhere")
    received = datasets.runtime.uploads.receive(
        admin, datasets.cause(admin), team_id=other_team, body=io.BytesIO((dataset_files / "iris.csv").read_bytes()),
        max_size=10**8, filename="iris.csv", content_type="text/csv",
    )
    assert datasets.runtime.projections.wait_for(received.outcome.position)
    upload_id = received.upload_id

    with pytest.raises(NotFound) as raised:
        datasets.runtime.datasets.upload_version(datasets.editor, datasets.cause(datasets.editor), dataset_id=dataset_id, upload_id=upload_id)

    assert raised.value.field == "uploadId"
    assert "?team=<the dataset's team id>" in raised.value.message
