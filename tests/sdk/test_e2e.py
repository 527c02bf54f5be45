"""The client against a real ModelCloud server: nothing lost at exit, across a restart, or left for sync."""

from __future__ import annotations

import math
import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

import modelcloud
from modelcloud.backoff import Backoff
from tests.sdk.conftest import RUN_POINTS, recorded_point_count, restart_server
from tests.support.server import Client, Server, start_server

pytestmark = pytest.mark.e2e

FAST_RETRIES = Backoff(base=0.05, cap=0.5)


def client_environment(server: Server, buffer_root: Path) -> dict[str, str]:
    return {
        **os.environ, "MODELCLOUD_URL": server.url, "MODELCLOUD_TOKEN": server.admin_token, "MODELCLOUD_BUFFER_DIR": str(buffer_root),
    }


def loss_series(client: Client, run_id: str) -> tuple[dict[str, object], dict[str, object]]:
    run = client.data(RUN_POINTS, {"id": run_id, "names": ["loss"]})["trainingRun"]
    return run, run["metrics"][0]


def run_id_of(buffer_or_output: str) -> str:
    return buffer_or_output.split("run=")[1].split()[0]


def test_exit_right_after_logging_loses_nothing(real_server: Server, reader: Client, tmp_path: Path) -> None:
    script = tmp_path / "train.py"
    script.write_text(textwrap.dedent(
        """
        import modelcloud
        run = modelcloud.init(team="default", name="exit-at-once")
        print(f"run={run.id}", flush=True)
        for step in range(5000):
            run.log({"loss": 1 / (step + 1)})
        """
    ))

    finished = subprocess.run([sys.executable, str(script)], env=client_environment(real_server, tmp_path / "buffer"),
                              capture_output=True, text=True, timeout=120)

    assert finished.returncode == 0, finished.stderr
    run, loss = loss_series(reader, run_id_of(finished.stdout))
    assert run["status"] == "SUCCEEDED"
    assert run["source"] == "external"
    assert loss["totalPoints"] == 5000
    assert [point["step"] for point in loss["points"]] == list(range(5000))
    assert list((tmp_path / "buffer").iterdir()) == []


def test_non_finite_values_round_trip(real_server: Server, reader: Client, tmp_path: Path) -> None:
    with modelcloud.init(team="default", name="non-finite", url=real_server.url, token=real_server.admin_token,
                         buffer_dir=tmp_path) as run:
        for value in (0.5, math.nan, math.inf, -math.inf):
            run.log({"loss": value})

    _run, loss = loss_series(reader, run.id)
    assert [(point["value"], point["nonFinite"]) for point in loss["points"]] == [
        (0.5, None), (None, "NaN"), (None, "Infinity"), (None, "-Infinity"),
    ]


def test_rejected_point_is_warned_not_raised(
    real_server: Server, reader: Client, tmp_path: Path, client_logs: pytest.LogCaptureFixture
) -> None:
    with modelcloud.init(team="default", name="bad-name", url=real_server.url, token=real_server.admin_token,
                         buffer_dir=tmp_path) as run:
        run.log({"loss": 0.4, "accuracy ": 0.9})

    run_state = reader.data(RUN_POINTS, {"id": run.id, "names": None})["trainingRun"]
    assert [series["name"] for series in run_state["metrics"]] == ["loss"]
    assert "'accuracy '" in client_logs.text
    assert "rejected point" in client_logs.text


def test_restart_loses_and_duplicates_nothing(tmp_path: Path, client_logs: pytest.LogCaptureFixture) -> None:
    server = start_server(tmp_path / "server")
    try:
        run = modelcloud.init(team="default", name="restart", url=server.url, token=server.admin_token,
                              buffer_dir=tmp_path / "buffer", backoff=FAST_RETRIES, flush_timeout=60)

        def train() -> None:
            for step in range(3000):
                run.log({"loss": 1 / (step + 1)})
                time.sleep(0.002)

        trainer = threading.Thread(target=train)
        trainer.start()
        time.sleep(1.0)
        server.stop()
        time.sleep(1.0)
        server = restart_server(server)
        trainer.join()

        assert run.finish()
        assert "retrying with backoff" in client_logs.text
        client = Client(server, token=server.admin_token)
        state, loss = loss_series(client, run.id)
        assert state["status"] == "SUCCEEDED"
        assert [point["step"] for point in loss["points"]] == list(range(3000))
        assert recorded_point_count(client, run.id) == 3000
        client.close()
    finally:
        server.stop()


def test_sync_sends_earlier_process_leftovers(tmp_path: Path) -> None:
    server = start_server(tmp_path / "server")
    buffer_root = tmp_path / "buffer"
    script = tmp_path / "train.py"
    script.write_text(textwrap.dedent(
        """
        import sys
        import modelcloud
        run = modelcloud.init(team="default", name="leftovers", flush_timeout=1)
        for step in range(1000):
            run.log({"loss": 1 / (step + 1)})
        run.flush()
        print(f"run={run.id} flushed", flush=True)
        sys.stdin.readline()
        for step in range(1000, 2000):
            run.log({"loss": 1 / (step + 1)})
        print("sent all:", run.finish(), flush=True)
        """
    ))
    try:
        training = subprocess.Popen([sys.executable, str(script)], env=client_environment(server, buffer_root),
                                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert training.stdout is not None and training.stdin is not None
        run_id = run_id_of(training.stdout.readline())
        server.stop()
        output, errors = training.communicate("go\n", timeout=60)
        left = [path.name.split("-")[1] for path in sorted((buffer_root / run_id).glob("0*.json"))]

        server = restart_server(server)
        synced = subprocess.run([sys.executable, "-m", "modelcloud", "sync", "--buffer-dir", str(buffer_root)],
                                env=client_environment(server, buffer_root), capture_output=True, text=True, timeout=120)

        assert training.returncode == 0, errors
        assert "sent all: False" in output
        assert left[-1] == "finish.json"
        assert "metrics.json" in left
        assert synced.returncode == 0, synced.stderr
        client = Client(server, token=server.admin_token)
        state, loss = loss_series(client, run_id)
        assert state["status"] == "SUCCEEDED"
        assert [point["step"] for point in loss["points"]] == list(range(2000))
        assert recorded_point_count(client, run_id) == 2000
        assert list(buffer_root.iterdir()) == []
        client.close()
    finally:
        server.stop()


def test_cancelled_run_leaves_nothing_to_sync(
    real_server: Server, reader: Client, tmp_path: Path, client_logs: pytest.LogCaptureFixture
) -> None:
    run = modelcloud.init(team="default", name="cancelled-mid-run", url=real_server.url, token=real_server.admin_token,
                          buffer_dir=tmp_path)
    run.log({"loss": 0.9})
    assert run.flush()
    reader.data("mutation($id: ID!) { cancelTrainingRun(id: $id) { id } }", {"id": run.id})
    run.log({"loss": 0.8})
    run.log({"loss": 0.7})

    assert run.finish()
    report = modelcloud.sync(tmp_path, token=real_server.admin_token, timeout=5)
    state, loss = loss_series(reader, run.id)
    assert state["status"] == "CANCELLED"
    assert loss["totalPoints"] == 1
    assert list((tmp_path / run.id).glob("0*.json")) == []
    assert [path.name.split("-")[1] for path in (tmp_path / run.id / "rejected").iterdir()] == ["metrics.json"]
    assert report.complete
    assert "already ended as cancelled" in client_logs.text.lower()


def test_automatic_step_past_max_spares_batch(real_server: Server, reader: Client, tmp_path: Path) -> None:
    with modelcloud.init(team="default", name="big-step", url=real_server.url, token=real_server.admin_token,
                         buffer_dir=tmp_path) as run:
        run.log({"loss": 0.5}, step=1)
        run.log({"big": 1.0}, step=2**53)
        with pytest.raises(ValueError, match="'big'"):
            run.log({"big": 2.0})

    _state, loss = loss_series(reader, run.id)
    assert [point["step"] for point in loss["points"]] == [1]
    assert list(tmp_path.iterdir()) == []


def test_log_model_error_names_new_model(real_server: Server, tmp_path: Path) -> None:
    not_a_model = tmp_path / "notes.txt"
    not_a_model.write_text("hello")
    with modelcloud.init(team="default", name="bad-model", url=real_server.url, token=real_server.admin_token,
                         buffer_dir=tmp_path / "buffer") as run:
        with pytest.raises(modelcloud.ApiError) as raised:
            run.log_model(not_a_model, "e2e-junk-model")

    assert raised.value.code == "BAD_USER_INPUT"
    assert "registered the new model 'e2e-junk-model'" in str(raised.value)
