"""Edge cases of the dataset engine found by adversarial testing: far dates, huge numbers, mixed comparisons."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from workers.datasets.errors import DatasetInputError
from workers.datasets.ingest import ingest
from workers.datasets.operations import derive

pytestmark = pytest.mark.unit


def write(folder: Path, name: str, content: bytes) -> str:
    path = folder / name
    path.write_bytes(content)
    return str(path)


def test_time_after_year_9999_is_rejected(tmp_path: Path) -> None:
    source = write(tmp_path, "far.csv", b"t,x\n9999-12-31T23:00:00-05:00,1\n2024-01-01T00:00:00Z,2\n")
    output = tmp_path / "out.parquet"

    with pytest.raises(DatasetInputError) as raised:
        ingest(source, "far.csv", str(output))

    assert raised.value.field == "columns"
    assert raised.value.value == "t"
    assert "years 1 to 9999" in raised.value.message
    assert not output.exists()


def test_far_parquet_date_is_rejected(tmp_path: Path) -> None:
    source = tmp_path / "far.parquet"
    pq.write_table(pa.table({"d": pa.array([0, 3_000_000], pa.date32())}), source)

    with pytest.raises(DatasetInputError) as raised:
        ingest(str(source), "far.parquet", str(tmp_path / "out.parquet"))

    assert raised.value.value == "d"


def test_json_integer_beyond_python_limit(tmp_path: Path) -> None:
    huge = b"9" * 4400
    source = write(tmp_path, "huge.jsonl", b'{"a": 1}\n{"a": "x"}\n{"a": ' + huge + b"}\n")

    with pytest.raises(DatasetInputError) as raised:
        ingest(source, "huge.jsonl", str(tmp_path / "out.parquet"))

    assert raised.value.field == "file"
    assert raised.value.value == "line 3"


def test_integer_column_compares_with_float_column(tmp_path: Path) -> None:
    source = write(tmp_path, "mixed.csv", b"i,f\n1,1.5\n9007199254740993,9007199254740992.0\n3,2.5\n")
    parent = tmp_path / "parent.parquet"
    ingest(source, "mixed.csv", str(parent))
    tree = {"kind": "compare", "op": "<", "left": {"column": "i"}, "right": {"column": "f"}}

    result = derive(
        str(parent), str(tmp_path / "child.parquet"), label=None, split_column="split",
        operations=[{"op": "filter", "expression": "i < f", "tree": tree}],
    )

    assert result["rows"] == 1
    assert pq.read_table(tmp_path / "child.parquet").column("i").to_pylist() == [1]
