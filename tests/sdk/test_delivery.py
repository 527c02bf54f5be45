"""Batching, the buffer and retries against a server that fails in the ways real ones do."""

from __future__ import annotations

import json
import logging
import socket
import time
from pathlib import Path

import pytest

from modelcloud.buffer import read_record
from tests.sdk.conftest import make_delivery, points
from tests.sdk.fake_server import FakeServer

pytestmark = pytest.mark.unit


def wait_until(condition, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.02)


def stored_steps(fake: FakeServer, run_id: str) -> list[int]:
    return sorted(point["step"] for point in fake.points(run_id))


def test_batches_hold_at_most_max_points(fake: FakeServer, buffer_root: Path) -> None:
    run_id = fake.add_run()
    delivery = make_delivery(fake.url, buffer_root, run_id)
    for start in range(0, 25_000, 500):
        delivery.put_metrics(points(500, start=start))

    assert delivery.close(10)
    sizes = [len(batch) for batch in fake.state.batches.values()]
    assert max(sizes) <= 10_000
    assert stored_steps(fake, run_id) == list(range(25_000))


def test_points_are_sent_without_flush(fake: FakeServer, buffer_root: Path) -> None:
    run_id = fake.add_run()
    delivery = make_delivery(fake.url, buffer_root, run_id, interval=0.1)
    delivery.put_metrics(points(3))

    wait_until(lambda: len(fake.points(run_id)) == 3)
    delivery.close(5)


def test_batch_is_on_disk_before_it_is_sent(fake: FakeServer, buffer_root: Path) -> None:
    run_id = fake.add_run()
    on_disk_when_sent: list[bool] = []

    def check(batch: dict[str, object]) -> None:
        files = [read_record(path) for path in (buffer_root / run_id).glob("0*.json")]
        on_disk_when_sent.append(any(record.get("batchId") == batch["batchId"] for record in files))

    fake.state.on_batch = check
    delivery = make_delivery(fake.url, buffer_root, run_id)
    delivery.put_metrics(points(10))

    assert delivery.close(5)
    assert on_disk_when_sent == [True]
    assert not list((buffer_root / run_id).glob("0*.json"))


def test_503s_are_retried_until_accepted(fake: FakeServer, buffer_root: Path) -> None:
    run_id = fake.add_run()
    fake.fail("logMetrics", 3, status=503)
    delivery = make_delivery(fake.url, buffer_root, run_id)
    delivery.put_metrics(points(100))

    assert delivery.close(10)
    assert fake.state.requests.count("logMetrics") == 4
    assert stored_steps(fake, run_id) == list(range(100))


def test_refused_connection_waits_for_server(buffer_root: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    delivery = make_delivery(f"http://127.0.0.1:{port}", buffer_root, "run-a")
    delivery.put_metrics(points(50))
    wait_until(lambda: list((buffer_root / "run-a").glob("0*-metrics.json")))

    late = FakeServer(port)
    try:
        late.add_run("run-a")
        assert delivery.close(10)
        assert stored_steps(late, "run-a") == list(range(50))
    finally:
        late.stop()


def test_lost_response_stores_batch_once(fake: FakeServer, buffer_root: Path) -> None:
    run_id = fake.add_run()
    # The server stores the batch but responds after the client's 0.3 s timeout, so the client sends it again.
    fake.fail("logMetrics", 1, status=200, delay=1.0)
    delivery = make_delivery(fake.url, buffer_root, run_id, timeout=0.3)
    delivery.put_metrics(points(20))

    assert delivery.close(10)
    assert fake.state.requests.count("logMetrics") >= 2
    assert len(fake.state.batches) == 1
    assert stored_steps(fake, run_id) == list(range(20))


def test_run_rejection_stops_and_keeps_files(
    fake: FakeServer, buffer_root: Path, client_logs: pytest.LogCaptureFixture
) -> None:
    run_id = fake.add_run()
    fake.fail(None, 100, code="NOT_FOUND", field="runId")
    delivery = make_delivery(fake.url, buffer_root, run_id)
    delivery.put_metrics(points(10))
    delivery.put_record("finish", {"kind": "finish", "runId": run_id, "status": "SUCCEEDED", "reason": None})

    started = time.monotonic()
    assert not delivery.close(10)
    assert time.monotonic() - started < 5
    assert fake.state.requests == ["logMetrics"]
    assert [path.name.split("-")[1] for path in sorted((buffer_root / run_id).glob("0*.json"))] == ["metrics.json", "finish.json"]
    stopped = [record for record in client_logs.records if "stopped sending" in record.getMessage()]
    assert len(stopped) == 1
    assert "NOT_FOUND" in stopped[0].getMessage()


def test_record_rejection_sets_file_aside_and_goes_on(
    fake: FakeServer, buffer_root: Path, client_logs: pytest.LogCaptureFixture
) -> None:
    run_id = fake.add_run()
    fake.fail("logParams", 1, code="CONFLICT", field="params.lr")
    delivery = make_delivery(fake.url, buffer_root, run_id)
    delivery.put_record("params", {"kind": "params", "runId": run_id, "params": {"lr": 0.2}})
    delivery.put_metrics(points(5))
    delivery.put_record("finish", {"kind": "finish", "runId": run_id, "status": "SUCCEEDED", "reason": None})

    assert delivery.close(10)
    assert fake.state.runs[run_id]["status"] == "SUCCEEDED"
    assert stored_steps(fake, run_id) == list(range(5))
    assert list((buffer_root / run_id).glob("0*.json")) == []
    assert [path.name for path in (buffer_root / run_id / "rejected").iterdir()] == ["000000000001-params.json"]
    assert "CONFLICT" in client_logs.text


def ended_message(run_id: str, status: str = "cancelled") -> str:
    """The real server's message for a record of a run that has ended."""
    return f"Run {run_id} has already ended as {status}, so it takes no more data."


def test_finish_of_ended_run_is_dropped(fake: FakeServer, buffer_root: Path) -> None:
    run_id = fake.add_run()
    fake.fail("finishRun", 1, code="CONFLICT", field="runId", message=ended_message(run_id, "succeeded"))
    delivery = make_delivery(fake.url, buffer_root, run_id)
    delivery.put_record("finish", {"kind": "finish", "runId": run_id, "status": "SUCCEEDED", "reason": None})

    assert delivery.close(5)
    assert not list((buffer_root / run_id).glob("0*.json"))
    assert not (buffer_root / run_id / "rejected").exists()


def test_ended_run_records_are_set_aside_once(
    fake: FakeServer, buffer_root: Path, client_logs: pytest.LogCaptureFixture
) -> None:
    run_id = fake.add_run()
    fake.fail(None, 100, code="CONFLICT", field="runId", message=ended_message(run_id))
    delivery = make_delivery(fake.url, buffer_root, run_id)
    delivery.put_metrics(points(10))
    delivery.put_record("params", {"kind": "params", "runId": run_id, "params": {"lr": 0.1}})
    assert delivery.flush(5)
    delivery.put_metrics(points(10, start=10))
    delivery.put_record("finish", {"kind": "finish", "runId": run_id, "status": "SUCCEEDED", "reason": None})

    assert delivery.close(5)
    assert fake.state.requests == ["logMetrics"]
    assert delivery.ended_on_server == ended_message(run_id)
    assert list((buffer_root / run_id).glob("0*.json")) == []
    set_aside = sorted(path.name.split("-")[1] for path in (buffer_root / run_id / "rejected").iterdir())
    assert set_aside == ["metrics.json", "metrics.json", "params.json"]
    warnings = [record.getMessage() for record in client_logs.records if record.levelno >= logging.WARNING]
    assert len(warnings) == 1
    assert "already ended as cancelled" in warnings[0]
    assert "URL or token" not in warnings[0]


def test_platform_run_conflict_pauses(fake: FakeServer, buffer_root: Path) -> None:
    run_id = fake.add_run()
    message = f"Run {run_id} is trained by the platform, which records its progress itself."
    fake.fail(None, 100, code="CONFLICT", field="runId", message=message)
    delivery = make_delivery(fake.url, buffer_root, run_id)
    delivery.put_metrics(points(10))

    assert not delivery.close(5)
    assert delivery.ended_on_server is None
    assert len(list((buffer_root / run_id).glob("0*-metrics.json"))) == 1


def test_write_contention_is_retried(fake: FakeServer, buffer_root: Path) -> None:
    run_id = fake.add_run()
    contention = "Command logMetrics conflicted with concurrent changes 20 times; try again."
    fake.fail("logMetrics", 2, code="CONFLICT", field=None, message=contention)
    fake.fail("finishRun", 1, code="CONFLICT", field=None, message=contention)
    delivery = make_delivery(fake.url, buffer_root, run_id)
    delivery.put_metrics(points(10))
    delivery.put_record("finish", {"kind": "finish", "runId": run_id, "status": "SUCCEEDED", "reason": None})

    assert delivery.close(5)
    assert fake.state.requests.count("logMetrics") == 3
    assert fake.state.requests.count("finishRun") == 2
    assert stored_steps(fake, run_id) == list(range(10))
    assert fake.state.runs[run_id]["status"] == "SUCCEEDED"
    assert not (buffer_root / run_id / "rejected").exists()


def test_steps_beyond_max_never_sent(
    fake: FakeServer, buffer_root: Path, client_logs: pytest.LogCaptureFixture
) -> None:
    run_id = fake.add_run()
    sent_steps: list[int] = []
    fake.state.on_batch = lambda batch: sent_steps.extend(point["step"] for point in batch["points"])
    # A buffer that an older client wrote: its automatic step went past 2**53.
    delivery = make_delivery(fake.url, buffer_root, run_id)
    delivery.put_metrics([*points(3), *points(1, name="big", start=2**53), *points(1, name="big", start=2**53 + 1)])

    assert delivery.close(5)
    assert sorted(sent_steps) == [0, 1, 2, 2**53]
    assert f"step {2**53 + 1}" in client_logs.text


def test_rejected_points_are_warned_with_a_limit(
    fake: FakeServer, buffer_root: Path, client_logs: pytest.LogCaptureFixture
) -> None:
    run_id = fake.add_run()
    fake.state.reject_point = lambda point: "odd step" if point["step"] % 2 else None
    delivery = make_delivery(fake.url, buffer_root, run_id)
    delivery.put_metrics(points(40))

    assert delivery.close(5)
    warnings = [record for record in client_logs.records if record.levelno == logging.WARNING]
    assert len(warnings) == 10
    assert "odd step" in warnings[0].getMessage()
    assert "'loss'" in warnings[0].getMessage()
    assert stored_steps(fake, run_id) == list(range(0, 40, 2))


def test_too_large_batch_is_split(fake: FakeServer, buffer_root: Path) -> None:
    run_id = fake.add_run()
    fake.state.max_body = 150_000
    delivery = make_delivery(fake.url, buffer_root, run_id)
    delivery.put_metrics(points(6_000))
    delivery.put_record("finish", {"kind": "finish", "runId": run_id, "status": "SUCCEEDED", "reason": None})

    assert delivery.close(10)
    assert stored_steps(fake, run_id) == list(range(6_000))
    assert len(fake.state.batches) >= 4
    assert fake.state.requests[-1] == "finishRun"


def test_flush_timeout_leaves_records_on_disk(fake: FakeServer, buffer_root: Path) -> None:
    run_id = fake.add_run()
    fake.fail(None, 10_000, status=503)
    delivery = make_delivery(fake.url, buffer_root, run_id)
    delivery.put_metrics(points(30))
    delivery.put_record("finish", {"kind": "finish", "runId": run_id, "status": "FAILED", "reason": "diverged"})

    started = time.monotonic()
    assert not delivery.close(0.5)
    assert time.monotonic() - started < 3
    files = sorted((buffer_root / run_id).glob("0*.json"))
    assert [read_record(path)["kind"] for path in files] == ["metrics", "finish"]
    assert len(read_record(files[0])["points"]) == 30
    assert json.loads((buffer_root / run_id / "run.json").read_text())["runId"] == run_id


def test_histograms_of_one_step_share_a_request(fake: FakeServer, buffer_root: Path) -> None:
    run_id = fake.add_run()
    delivery = make_delivery(fake.url, buffer_root, run_id)
    entry = {"layer": "dense", "tensor": "dense/kernel", "kind": "WEIGHTS", "counts": [1]}
    for step in (10, 10, 10, 20):
        delivery.put_histogram(entry, step, step // 10)

    assert delivery.close(5)
    sent = sorted((request["step"], len(request["histograms"])) for request in fake.state.histograms.values())
    assert sent == [(10, 3), (20, 1)]
