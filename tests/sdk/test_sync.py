"""`sync` and its command: sending what earlier processes left in the buffer."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import modelcloud
from modelcloud.buffer import RunBuffer
from tests.sdk.conftest import points
from tests.sdk.fake_server import FakeServer

pytestmark = pytest.mark.unit


def leave_run(root: Path, fake: FakeServer, count: int, status: str = "SUCCEEDED") -> str:
    """Write a run's records to the buffer as a process that lost its server would leave them."""
    run_id = fake.add_run()
    buffer = RunBuffer.create(root, run_id, {"runId": run_id, "teamId": "t", "name": "mlp", "url": fake.url})
    for start in range(0, count, 100):
        buffer.write("metrics", {"kind": "metrics", "runId": run_id, "batchId": f"b{start}", "points": points(100, start=start)})
    buffer.write("finish", {"kind": "finish", "runId": run_id, "status": status, "reason": None})
    buffer.unlock()
    return run_id


def test_sync_sends_leftovers_and_finishes(fake: FakeServer, buffer_root: Path) -> None:
    first = leave_run(buffer_root, fake, 300)
    second = leave_run(buffer_root, fake, 100, status="FAILED")

    report = modelcloud.sync(buffer_root, token="mc_test_token", timeout=5)

    assert sorted(report.sent) == sorted([first, second])
    assert report.complete
    assert len(fake.points(first)) == 300
    assert fake.state.runs[first]["status"] == "SUCCEEDED"
    assert fake.state.runs[second]["status"] == "FAILED"
    assert list(buffer_root.iterdir()) == []


def test_sync_skips_run_of_live_process(fake: FakeServer, buffer_root: Path) -> None:
    run_id = leave_run(buffer_root, fake, 100)
    live = RunBuffer(buffer_root / run_id)
    live.lock()

    report = modelcloud.sync(buffer_root, token="mc_test_token", timeout=5)

    assert report.skipped_live == [run_id]
    assert fake.state.requests == []
    live.unlock()


def test_sync_keeps_what_server_rejects(fake: FakeServer, buffer_root: Path) -> None:
    run_id = leave_run(buffer_root, fake, 100)
    fake.fail(None, 100, code="FORBIDDEN")

    report = modelcloud.sync(buffer_root, token="mc_test_token", timeout=5)

    assert report.left == [run_id]
    assert len(list((buffer_root / run_id).glob("0*.json"))) == 2


def test_sync_leaves_rejected_records_alone(fake: FakeServer, buffer_root: Path) -> None:
    run_id = leave_run(buffer_root, fake, 100)
    buffer = RunBuffer(buffer_root / run_id)
    buffer.reject(buffer.write("params", {"kind": "params", "runId": run_id, "params": {"lr": 0.3}}))

    report = modelcloud.sync(buffer_root, token="mc_test_token", timeout=5)

    assert report.sent == [run_id]
    assert "logParams" not in fake.state.requests
    assert [path.name for path in (buffer_root / run_id / "rejected").iterdir()] == ["000000000003-params.json"]


def test_sync_url_overrides_recorded_server(fake: FakeServer, buffer_root: Path) -> None:
    run_id = leave_run(buffer_root, fake, 100)
    moved = FakeServer()
    try:
        moved.add_run(run_id)
        modelcloud.sync(buffer_root, url=moved.url, token="mc_test_token", timeout=5)
        assert len(moved.points(run_id)) == 100
        assert fake.state.requests == []
    finally:
        moved.stop()


def test_sync_requires_token(buffer_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MODELCLOUD_TOKEN", raising=False)

    with pytest.raises(ValueError, match="MODELCLOUD_TOKEN"):
        modelcloud.sync(buffer_root)


def test_sync_command_exit_codes(fake: FakeServer, buffer_root: Path) -> None:
    leave_run(buffer_root, fake, 100)
    environment = {**os.environ, "MODELCLOUD_TOKEN": "mc_test_token"}

    sent = subprocess.run([sys.executable, "-m", "modelcloud", "sync", "--buffer-dir", str(buffer_root)],
                          env=environment, capture_output=True, text=True, timeout=60)
    leave_run(buffer_root, fake, 100)
    fake.fail(None, 100, code="FORBIDDEN")
    script = shutil.which("modelcloud-sync", path=str(Path(sys.executable).parent))
    assert script is not None
    left = subprocess.run([script, "--buffer-dir", str(buffer_root), "--timeout", "2"],
                          env=environment, capture_output=True, text=True, timeout=60)

    assert sent.returncode == 0, sent.stderr
    assert "1 runs sent, 0 runs left" in sent.stderr
    assert left.returncode == 1, left.stderr
    assert "FORBIDDEN" in left.stderr


def test_sync_sets_aside_ended_run(fake: FakeServer, buffer_root: Path) -> None:
    run_id = leave_run(buffer_root, fake, 200)
    ended = f"Run {run_id} has already ended as cancelled, so it takes no more data."
    fake.fail(None, 100, code="CONFLICT", field="runId", message=ended)
    environment = {**os.environ, "MODELCLOUD_TOKEN": "mc_test_token"}

    first = subprocess.run([sys.executable, "-m", "modelcloud", "sync", "--buffer-dir", str(buffer_root), "--timeout", "5"],
                           env=environment, capture_output=True, text=True, timeout=60)
    again = modelcloud.sync(buffer_root, token="mc_test_token", timeout=5)

    assert first.returncode == 0, first.stderr
    assert "1 runs had already ended on the server" in first.stderr
    assert "URL or token" not in first.stderr
    assert fake.state.requests == ["logMetrics"]
    assert list((buffer_root / run_id).glob("0*.json")) == []
    assert sorted(path.name for path in (buffer_root / run_id / "rejected").iterdir()) == [
        "000000000001-metrics.json", "000000000002-metrics.json",
    ]
    assert again.complete
    assert again.left == []
