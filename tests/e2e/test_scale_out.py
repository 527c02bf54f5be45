"""The scale-out configuration on one machine: two API processes and a projection process on one PostgreSQL
database, artifacts in an S3 bucket, and a Ray cluster that the API processes join through RAY_ADDRESS.

A training run started through one API process is followed over a subscription on the other, and its
model lands in the bucket.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.test_projection_failover import start_projection_process
from tests.e2e.test_training_flow import FINAL_ACTIONS, RUN, START, UPDATED
from tests.e2e.test_training_trace import prepare_run, split_cancer_csv
from tests.support.graphql_ws import GraphQLWebSocket
from tests.support.s3 import S3Server
from tests.support.server import Client, Server, free_port, launch_server, wait_until_up

pytestmark = pytest.mark.e2e

RUN_TIMEOUT = 240.0
PREFIX = "cluster"
MODEL_VERSION = "query($id: ID!) { modelVersion(id: $id) { sha256 size } }"


@pytest.fixture
def ray_cluster() -> Iterator[dict[str, str]]:
    """A Ray head of its own, as a cluster would run it; returns the variables that make a process join it."""
    variables = {"RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN": secrets.token_urlsafe(32)}
    # A short folder, since Ray's socket paths inside it must fit in 107 bytes.
    folder = Path(tempfile.mkdtemp(prefix="mc-ray-"))
    port = free_port()
    command = [
        # workers.ray_head stops the head when this test process ends, even if the test is killed.
        sys.executable, "-m", "workers.ray_head", str(os.getpid()),
        "--head", "--block", f"--port={port}", "--node-ip-address=127.0.0.1", "--num-cpus=2",
        "--include-dashboard=false", "--object-store-memory=134217728", "--disable-usage-stats",
        f"--temp-dir={folder}", f"--ray-client-server-port={free_port()}",
    ]
    with open(folder / "head.log", "wb") as output:
        head = subprocess.Popen(
            command, stdout=output, stderr=subprocess.STDOUT, start_new_session=True, env={**os.environ, **variables}
        )
    yield {"RAY_ADDRESS": f"127.0.0.1:{port}", **variables}
    os.killpg(head.pid, signal.SIGKILL)
    head.wait(timeout=30)
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def cluster(
    fresh_postgres_url: str, s3_server: S3Server, ray_cluster: dict[str, str], tmp_path: Path,
) -> Iterator[tuple[Server, Server, str]]:
    bucket = s3_server.create_bucket()
    environment = {
        **s3_server.environment, **ray_cluster,
        "MODELCLOUD_ARTIFACTS": f"s3://{bucket}/{PREFIX}", "MODELCLOUD_PROJECTIONS_IN_PROCESS": "false",
    }
    projections = start_projection_process(tmp_path / "projections", fresh_postgres_url, **environment)
    first = launch_server(tmp_path / "first", fresh_postgres_url, **environment)
    second = launch_server(tmp_path / "second", fresh_postgres_url, **environment)
    try:
        wait_until_up(first)
        wait_until_up(second)
        yield first, second, bucket
    finally:
        second.stop()
        first.stop()
        projections.terminate()
        projections.wait(timeout=30)


def follow_run_elsewhere(starter: Client, watcher: Server, token: str, values: dict[str, str]) -> list[str]:
    """Start a run through one process and return the changes that a subscription on the other one receives."""

    async def follow() -> list[str]:
        run = await asyncio.to_thread(starter.data, START, {"i": values})
        socket = await GraphQLWebSocket.connect(watcher.ws_url, payload={"token": token})
        actions: list[str] = []
        try:
            operation = await socket.subscribe(UPDATED, {"id": run["startTrainingRun"]["id"]})
            while not actions or actions[-1] not in FINAL_ACTIONS:
                update = (await socket.next_data(operation, timeout=RUN_TIMEOUT))["trainingRunUpdated"]
                if update["change"]:
                    actions.append(update["change"]["action"])
        finally:
            await socket.close()
        return [run["startTrainingRun"]["id"], *actions]

    return asyncio.run(follow())


def test_training_run_across_processes(
    cluster: tuple[Server, Server, str], ray_cluster: dict[str, str], s3_server: S3Server, tmp_path: Path,
) -> None:
    first, second, bucket = cluster
    # The process that created the first administrator prints its token; the run starts there and is watched on the other.
    bootstrapped, watcher = (first, second) if first.admin_token else (second, first)
    token = bootstrapped.admin_token
    starter = Client(bootstrapped, token=token)
    values = prepare_run(bootstrapped, starter, split_cancer_csv(tmp_path))

    run_id, *actions = follow_run_elsewhere(starter, watcher, token, values)
    run = Client(watcher, token=token).data(RUN, {"id": run_id})["trainingRun"]
    version = starter.data(MODEL_VERSION, {"id": run["modelVersionId"]})["modelVersion"]
    key = f"{PREFIX}/blobs/{version['sha256'][:2]}/{version['sha256']}"
    stored = s3_server.client().get_object(Bucket=bucket, Key=key)["Body"].read()

    assert run["status"] == "SUCCEEDED", run["failureReason"]
    assert actions[-1] == "TrainingRun.Succeeded"
    assert run["epochsDone"] == 2
    assert len(stored) == version["size"]
    assert hashlib.sha256(stored).hexdigest() == version["sha256"]
    # The processes joined the cluster at RAY_ADDRESS instead of starting local heads.
    joined = [line for line in [*first.output, *second.output] if '"connected to Ray"' in line]
    assert joined
    assert all(ray_cluster["RAY_ADDRESS"] in line for line in joined)
