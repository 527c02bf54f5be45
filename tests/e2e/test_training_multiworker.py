"""A two-worker run on the platform reaches the quality of a one-worker run.

TensorFlow's multi-worker gRPC server listens on every interface (0.0.0.0), whatever host the
cluster names, so the server, its Ray and the workers run inside a private network namespace
whose only interface is loopback. This module is also the script that runs there: it starts a
server, trains the same configuration on one and on two workers, and writes what it measured
to a JSON file that the test reads. The test is skipped where no namespace can be made.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.unit.test_training_multiworker import loopback_namespace

pytestmark = pytest.mark.e2e

SCENARIO_SECONDS = 600


def run_scenario(home: Path, dataset_files: Path, output: Path) -> None:
    """Inside the namespace: train on one and on two workers and write their outcomes to `output`."""
    from tests.e2e.test_training_flow import MLP, Project
    from tests.support.server import Client, start_server

    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    server = start_server(home)
    results: dict[str, Any] = {}
    try:
        project = Project(server, Client(server, token=server.admin_token), dataset_files)
        for workers in (1, 2):
            run = project.start({**MLP, "epochs": 6, "resources": {"workers": workers, "cpusPerWorker": 0.5}})
            finished = project.finished(run["id"])
            accuracy = None
            if finished["status"] == "SUCCEEDED":
                accuracy = project.held_out_accuracy(finished["modelVersionId"], run["features"])
            results[str(workers)] = {"run": finished, "accuracy": accuracy}
    finally:
        server.stop()
        output.write_text(json.dumps(results))


def test_two_workers_reach_one_worker_quality(tmp_path: Path, dataset_files: Path) -> None:
    prefix = loopback_namespace()
    if prefix is None:
        pytest.skip("no network namespace can be made here (unshare --net), and TensorFlow's workers listen on every interface")
    output = tmp_path / "results.json"

    completed = subprocess.run(
        [*prefix, sys.executable, "-m", "tests.e2e.test_training_multiworker", str(tmp_path / "server"), str(dataset_files),
         str(output)],
        capture_output=True, text=True, timeout=SCENARIO_SECONDS,
    )

    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    results = json.loads(output.read_text())
    one, two = results["1"], results["2"]
    assert one["run"]["status"] == "SUCCEEDED", one["run"]["failureReason"]
    assert two["run"]["status"] == "SUCCEEDED", two["run"]["failureReason"]
    assert two["run"]["dataSummary"]["workers"] == 2
    assert two["run"]["epochsDone"] == 6
    assert two["accuracy"] >= 0.9
    assert two["accuracy"] >= one["accuracy"] - 0.03


if __name__ == "__main__":
    run_scenario(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
