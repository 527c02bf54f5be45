"""Two worker processes train one model together under MultiWorkerMirroredStrategy.

TensorFlow's gRPC server listens on every interface (0.0.0.0), whatever host the cluster
names, and TensorFlow 2.21 has no setting to change that. So the workers run in a private
network namespace whose only interface is loopback (`unshare --net`, or with `--user` where
unprivileged user namespaces are allowed), and the test is skipped where none can be made.
"""

from __future__ import annotations

import io
import json
import math
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from backend.domain.training_config import check_document
from backend.storage import open_artifact_store

pytestmark = [pytest.mark.unit, pytest.mark.timeout(180)]

REPOSITORY = Path(__file__).resolve().parents[2]
WORKERS = 2
WORKER_TIMEOUT_SECONDS = 120


def loopback_namespace() -> list[str] | None:
    """Return the command prefix that runs a command in a new network namespace, or None where none can be made."""
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        return None
    for prefix in (["unshare", "--net"], ["unshare", "--user", "--map-root-user", "--net"]):
        probe = subprocess.run([*prefix, "ip", "link", "set", "lo", "up"], capture_output=True, timeout=30)
        if probe.returncode == 0:
            return prefix
    return None


def launch_workers(spec_path: str) -> None:
    """Inside the namespace: bring loopback up, start every worker on a free port and wait for all of them."""
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    spec = json.loads(Path(spec_path).read_text())
    ports = []
    for _ in range(WORKERS):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            ports.append(probe.getsockname()[1])
    cluster = {"worker": [f"127.0.0.1:{port}" for port in ports]}

    folder = Path(spec["folder"])
    processes = []
    for index in range(WORKERS):
        code = f"from tests.unit.test_training_multiworker import train_worker; train_worker({spec_path!r}, {index}, {cluster!r})"
        with open(folder / f"worker-{index}.log", "wb") as log:
            processes.append(subprocess.Popen([sys.executable, "-c", code], stdout=log, stderr=subprocess.STDOUT))

    deadline = time.monotonic() + WORKER_TIMEOUT_SECONDS
    try:
        for process in processes:
            process.wait(timeout=max(deadline - time.monotonic(), 1))
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
    sys.exit(max(process.returncode != 0 for process in processes))


def train_worker(spec_path: str, index: int, cluster: dict[str, list[str]]) -> None:
    """Run one worker of the run described in the spec file and write what it returned and reported."""
    from workers.training.job import NullReporter, TrainingJob
    from workers.training.loop import run_training

    spec = json.loads(Path(spec_path).read_text())
    folder = Path(spec["folder"])
    workdir = folder / f"workdir-{index}"
    workdir.mkdir()

    reports: dict[str, Any] = {"started": None, "points": [], "epochs": [], "checkpoints": []}

    class FileReporter(NullReporter):
        def started(self, summary: dict[str, Any]) -> None:
            reports["started"] = summary

        def steps(self, points: list[dict[str, Any]]) -> None:
            reports["points"].extend(points)

        def epoch(self, record: dict[str, Any]) -> None:
            reports["epochs"].append(record)

        def checkpoint(self, epoch: int, path: str) -> None:
            reports["checkpoints"].append([epoch, path])

    began = time.monotonic()
    reporter = FileReporter() if index == 0 else NullReporter()
    result = run_training(TrainingJob(**spec["job"]), reporter, str(workdir), worker_index=index, cluster=cluster)
    output = {"result": result, "reports": reports, "seconds": time.monotonic() - began}
    (folder / f"worker-{index}.json").write_text(json.dumps(output))


@pytest.fixture(scope="module")
def namespace() -> list[str]:
    prefix = loopback_namespace()
    if prefix is None:
        pytest.skip("No private network namespace can be made here, and TensorFlow's gRPC server would listen on every interface.")
    return prefix


@pytest.fixture(scope="module")
def two_worker_run(namespace: list[str], dataset_files: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A 2-epoch tabular_mlp run on breast cancer by two workers; returns the job and each worker's output."""
    folder = tmp_path_factory.mktemp("multiworker")
    frame = pd.read_parquet(dataset_files / "breast_cancer.parquet")
    frame["split"] = np.random.default_rng(0).choice(["train", "validation", "test"], size=len(frame), p=[0.7, 0.15, 0.15])
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    artifacts = folder / "artifacts"
    sha256 = open_artifact_store(str(artifacts)).write(io.BytesIO(buffer.getvalue())).sha256
    # Without dropout, two workers compute the same model as one worker on the same global batches.
    document = {
        "model": {"template": "tabular_mlp", "dropout": 0.0},
        "epochs": 2,
        "optimizer": {"learningRate": 0.005},
        "resources": {"workers": 2, "cpusPerWorker": 1},
        "metrics": ["accuracy", "auc"],
        "earlyStopping": {"monitor": "val_auc", "patience": 5},
        "logEverySteps": 4,
        "seed": 5,
    }
    job = {
        "run_id": "run-mw", "attempt": 1, "artifacts": str(artifacts), "dataset_sha256": sha256, "label": "target",
        "features": [name for name in frame.columns if name not in ("target", "split")], "text_column": None,
        "image_shape": None, "config": check_document(document),
        "base_model_sha256": None, "resume_sha256": None, "resume_epoch": 0,
    }
    spec_path = folder / "spec.json"
    spec_path.write_text(json.dumps({"folder": str(folder), "job": job}))

    code = f"from tests.unit.test_training_multiworker import launch_workers; launch_workers({str(spec_path)!r})"
    launched = subprocess.run([*namespace, sys.executable, "-c", code], cwd=REPOSITORY, timeout=WORKER_TIMEOUT_SECONDS + 30)

    logs = "\n".join((folder / f"worker-{index}.log").read_text()[-3000:] for index in range(WORKERS))
    assert launched.returncode == 0, logs
    chief, other = (json.loads((folder / f"worker-{index}.json").read_text()) for index in range(WORKERS))
    return {"job": job, "train_rows": int((frame["split"] == "train").sum()), "chief": chief, "other": other}


def test_two_workers_learn_breast_cancer(two_worker_run: dict[str, Any]) -> None:
    chief, other = two_worker_run["chief"], two_worker_run["other"]
    steps_per_epoch = math.ceil(two_worker_run["train_rows"] / 32)

    assert chief["reports"]["started"]["workers"] == 2
    assert chief["reports"]["started"]["stepsPerEpoch"] == steps_per_epoch
    assert [record["epoch"] for record in chief["reports"]["epochs"]] == [1, 2]
    assert chief["reports"]["epochs"][-1]["step"] == 2 * steps_per_epoch
    assert chief["result"]["metrics"]["val_accuracy"] >= 0.9
    assert len(chief["reports"]["epochs"][-1]["histograms"]) == 2 * 6
    assert {point["step"] for point in chief["reports"]["points"]} == set(range(4, 2 * steps_per_epoch + 1, 4))
    assert [epoch for epoch, _path in chief["reports"]["checkpoints"]] == [1, 2]
    assert Path(chief["result"]["modelPath"]).is_file()
    assert chief["result"]["bestEpoch"] in (1, 2)
    # Metrics are summed over both workers before they are read, so both see the same values.
    assert other["result"]["metrics"] == chief["result"]["metrics"]
    assert other["result"]["modelPath"] is None
    assert other["reports"]["epochs"] == []


def test_two_workers_match_one_worker(two_worker_run: dict[str, Any], tmp_path: Path) -> None:
    from workers.training.job import NullReporter, TrainingJob
    from workers.training.loop import run_training

    alone = run_training(TrainingJob(**two_worker_run["job"]), NullReporter(), str(tmp_path))

    for name, value in two_worker_run["chief"]["result"]["metrics"].items():
        assert alone["metrics"][name] == pytest.approx(value, rel=1e-4), name
