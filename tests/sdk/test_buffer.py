"""The on-disk buffer: whole files in write order, one live process per run, and cleanup."""

from __future__ import annotations

from pathlib import Path

import pytest

from modelcloud.buffer import BufferLocked, RunBuffer, read_record

pytestmark = pytest.mark.unit

METADATA = {"runId": "r1", "teamId": "t1", "name": "mlp", "url": "http://127.0.0.1:1"}


def test_records_come_back_in_write_order(tmp_path: Path) -> None:
    buffer = RunBuffer.create(tmp_path, "r1", METADATA)
    for index in range(12):
        buffer.write("metrics", {"index": index})

    assert [read_record(path)["index"] for path in buffer.records()] == list(range(12))


def test_split_parts_sort_between_neighbours(tmp_path: Path) -> None:
    buffer = RunBuffer.create(tmp_path, "r1", METADATA)
    first = buffer.write("metrics", {"part": "a"})
    buffer.write("finish", {"part": "d"})
    buffer.write_after(first, 1, {"part": "b"})
    buffer.write_after(first, 2, {"part": "c"})
    buffer.delete(first)

    assert [read_record(path)["part"] for path in buffer.records()] == ["b", "c", "d"]


def test_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    buffer = RunBuffer.create(tmp_path, "r1", METADATA)
    buffer.write("metrics", {"points": [1, 2, 3]})

    assert sorted(path.name for path in (tmp_path / "r1").iterdir()) == ["000000000001-metrics.json", "lock", "run.json"]


def test_interrupted_write_is_ignored_and_removed(tmp_path: Path) -> None:
    buffer = RunBuffer.create(tmp_path, "r1", METADATA)
    (tmp_path / "r1" / ".000000000002-metrics.json.tmp").write_text('{"kind": "met')

    assert buffer.records() == []
    buffer.remove_temporary_files()
    assert not (tmp_path / "r1" / ".000000000002-metrics.json.tmp").exists()


def test_second_holder_is_locked_out(tmp_path: Path) -> None:
    live = RunBuffer.create(tmp_path, "r1", METADATA)

    with pytest.raises(BufferLocked):
        RunBuffer(tmp_path / "r1").lock()
    live.unlock()
    RunBuffer(tmp_path / "r1").lock()


def test_sequence_continues_after_reopening(tmp_path: Path) -> None:
    RunBuffer.create(tmp_path, "r1", METADATA).write("metrics", {"index": 0})

    reopened = RunBuffer(tmp_path / "r1")
    second = reopened.write("metrics", {"index": 1})

    assert second.name == "000000000002-metrics.json"


def test_empty_folder_is_removed(tmp_path: Path) -> None:
    buffer = RunBuffer.create(tmp_path, "r1", METADATA)
    record = buffer.write("metrics", {})

    assert not buffer.remove_if_empty()
    buffer.delete(record)
    assert buffer.remove_if_empty()
    assert not (tmp_path / "r1").exists()


def test_metadata_holds_no_token(tmp_path: Path) -> None:
    buffer = RunBuffer.create(tmp_path, "r1", METADATA)

    assert buffer.metadata == METADATA
