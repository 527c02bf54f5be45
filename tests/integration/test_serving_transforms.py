"""Serving transforms from the event store on SQLite and PostgreSQL: a queued training run's features, served from raw rows."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from backend.application.serving_transforms import build_transform
from backend.domain.base import NotFound
from backend.runtime import Runtime
from tests.conftest import FrozenClock
from tests.integration.test_training import Training
from tests.unit.test_serving_transforms import WINE_PREPARED, WINE_REFINED, request_rows, wine_csv

pytestmark = pytest.mark.integration


class Serving(Training):
    """The training helpers, with a wine dataset derived twice for a model to train on."""

    def wine_versions(self) -> dict[str, dict[str, Any]]:
        dataset_id = self.create("wine")
        uploaded = self.add_version(
            dataset_id, content=wine_csv(), filename="wine.csv", label="target", column_types={"grade": "string"}
        )
        prepared = self.derive(uploaded["version_id"], WINE_PREPARED)
        refined = self.derive(prepared["version_id"], WINE_REFINED)
        self.profile(refined)
        return {"uploaded": uploaded, "prepared": prepared, "refined": refined}

    def planned_features(self, version: dict[str, Any]) -> list[str]:
        """Queue a run on the version, as a user would before deploying its model, and return the features it planned."""
        run_id = self.start(dataset_version_id=uuid.UUID(version["version_id"]))
        return list(json.loads(self.run(run_id)["plan"])["features"])

    def table(self, version: dict[str, Any]) -> pa.Table:
        with self.runtime.artifacts.local_file(version["sha256"]) as path:
            return pq.read_table(path)


@pytest.fixture
def serving(runtime: Runtime, clock: FrozenClock, dataset_files: Path) -> Serving:
    return Serving(runtime, clock, dataset_files)


def test_raw_rows_give_planned_features(serving: Serving, runtime: Runtime) -> None:
    versions = serving.wine_versions()
    features = serving.planned_features(versions["refined"])

    transform = build_transform(runtime.store, uuid.UUID(versions["refined"]["version_id"]), features)
    assert transform is not None
    inputs = transform.apply(request_rows(serving.table(versions["uploaded"]), transform.raw_columns))

    expected = serving.table(versions["refined"]).select(features).to_pylist()
    assert "alcohol_z" in features
    assert "region_coast" in features
    assert len(inputs) == len(expected) == 178
    for index, (row, wanted) in enumerate(zip(inputs, expected)):
        assert row == pytest.approx([float(wanted[name]) for name in features], abs=1e-6), f"row {index}"


def test_raw_columns_are_the_upload_columns(serving: Serving, runtime: Runtime) -> None:
    versions = serving.wine_versions()
    features = serving.planned_features(versions["refined"])

    transform = build_transform(runtime.store, uuid.UUID(versions["refined"]["version_id"]), features)

    assert transform is not None
    uploaded = [column["name"] for column in json.loads(versions["uploaded"]["columns"])]
    assert [column.name for column in transform.raw_columns] == [name for name in uploaded if name not in ("target", "ash")]


def test_split_only_version_gives_none(serving: Serving, runtime: Runtime) -> None:
    features = serving.planned_features(serving.split)

    assert build_transform(runtime.store, uuid.UUID(serving.split["version_id"]), features) is None


def test_missing_version_is_not_found(runtime: Runtime) -> None:
    missing = uuid.uuid4()

    with pytest.raises(NotFound) as raised:
        build_transform(runtime.store, missing, ["hue"])

    assert raised.value.field == "datasetVersionId"
    assert raised.value.value == str(missing)
