"""Pages of rows and CSV export from canonical datasets."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sklearn.datasets import load_wine

from workers.datasets._parquet import write_table
from workers.datasets.errors import DatasetInputError
from workers.datasets.ingest import ingest
from workers.datasets.preview import export_csv, preview

pytestmark = pytest.mark.unit

UTC = dt.timezone.utc


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    path = tmp_path / "mixed.parquet"
    write_table(pa.table({
        "n": pa.array([1, None, 3], pa.int64()),
        "x": [float("nan"), float("inf"), -float("inf")],
        "s": ["a, b", None, 'say "hi"\nbye'],
        "ok": [True, None, False],
        "t": pa.array([dt.datetime(2024, 1, 31, 14, 30, tzinfo=UTC), None, dt.datetime(2024, 2, 1, 0, 0, 0, 500, tzinfo=UTC)],
                      pa.timestamp("us", tz="UTC")),
        "d": pa.array([dt.date(2024, 1, 31), None, dt.date(1999, 12, 31)], pa.date32()),
    }), str(path))
    return path


def test_preview_values_are_json_ready(mixed: Path) -> None:
    page = preview(str(mixed), offset=0, limit=10, columns=None)
    assert page["total"] == 3
    assert page["columns"] == [
        {"name": "n", "type": "integer"}, {"name": "x", "type": "float"}, {"name": "s", "type": "string"},
        {"name": "ok", "type": "boolean"}, {"name": "t", "type": "datetime"}, {"name": "d", "type": "date"},
    ]
    assert page["rows"] == [
        [1, "NaN", "a, b", True, "2024-01-31T14:30:00Z", "2024-01-31"],
        [None, "Infinity", None, None, None, None],
        [3, "-Infinity", 'say "hi"\nbye', False, "2024-02-01T00:00:00.000500Z", "1999-12-31"],
    ]
    json.dumps(page, allow_nan=False)


def test_preview_selects_and_orders_columns(mixed: Path) -> None:
    page = preview(str(mixed), offset=1, limit=1, columns=["d", "n"])
    assert page == {
        "columns": [{"name": "d", "type": "date"}, {"name": "n", "type": "integer"}],
        "rows": [[None, None]],
        "total": 3,
    }


def test_preview_past_the_end(mixed: Path) -> None:
    assert preview(str(mixed), offset=5, limit=10, columns=["n"])["rows"] == []
    assert preview(str(mixed), offset=2, limit=0, columns=None)["rows"] == []


def test_preview_spans_row_groups(tmp_path: Path) -> None:
    path = tmp_path / "long.parquet"
    write_table(pa.table({"i": pa.array(range(200_000), pa.int64())}), str(path))
    assert pq.ParquetFile(path).metadata.num_row_groups == 4
    page = preview(str(path), offset=65_530, limit=10, columns=None)
    assert [row[0] for row in page["rows"]] == list(range(65_530, 65_540))
    last = preview(str(path), offset=199_998, limit=50, columns=None)
    assert last["rows"] == [[199_998], [199_999]]
    assert last["total"] == 200_000


def test_preview_unknown_column_rejected(mixed: Path) -> None:
    with pytest.raises(DatasetInputError) as caught:
        preview(str(mixed), offset=0, limit=5, columns=["n", "price"])
    assert caught.value.field == "columns"
    assert caught.value.value == "price"


def test_preview_negative_offset_rejected(mixed: Path) -> None:
    with pytest.raises(DatasetInputError) as caught:
        preview(str(mixed), offset=-1, limit=5, columns=None)
    assert caught.value.field == "offset"


def test_export_csv_writes_header_and_values(mixed: Path, tmp_path: Path) -> None:
    output = tmp_path / "export.csv"
    export_csv(str(mixed), str(output))
    with open(output, newline="", encoding="utf-8") as file:
        rows = list(csv.reader(file))
    assert rows[0] == ["n", "x", "s", "ok", "t", "d"]
    assert rows[1] == ["1", "nan", "a, b", "true", "2024-01-31T14:30:00.000000Z", "2024-01-31"]
    assert rows[2] == ["", "inf", "", "", "", ""]
    assert rows[3][2] == 'say "hi"\nbye'
    assert len(rows) == 4


def test_export_round_trips_through_ingest(tmp_path: Path) -> None:
    frame = load_wine(as_frame=True).frame
    upload = tmp_path / "wine.csv"
    frame.to_csv(upload, index=False)
    first = tmp_path / "first.parquet"
    ingest(str(upload), upload.name, str(first))
    exported = tmp_path / "export.csv"
    export_csv(str(first), str(exported))
    second = tmp_path / "second.parquet"
    ingest(str(exported), exported.name, str(second))
    assert pq.read_table(second).equals(pq.read_table(first))


def test_export_keeps_times(mixed: Path, tmp_path: Path) -> None:
    exported = tmp_path / "export.csv"
    export_csv(str(mixed), str(exported))
    again = tmp_path / "again.parquet"
    ingest(str(exported), exported.name, str(again), column_types={"s": "string"})
    table = pq.read_table(again)
    assert table.column("t").to_pylist() == pq.read_table(mixed).column("t").to_pylist()
    assert table.column("d").to_pylist() == pq.read_table(mixed).column("d").to_pylist()
