"""A deployment outlives a dead replica and a server restart: Serve replaces the one, the reconciler redeploys after the other.

The first server is stopped with SIGTERM, and the calls it counted are recorded on the way out.
"""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import httpx
import numpy as np
import pytest

from tests.e2e.test_serving_flow import CREATE, STATE, Endpoint
from tests.e2e.test_training_flow import wait_for
from tests.support.server import Client, Server, start_server

pytestmark = pytest.mark.e2e

AUDIT = "query($s: ID!) { auditLog(filter: {subjectId: $s}) { nodes { action summary } } }"
WINDOWS = "query($id: ID!) { deployment(id: $id) { windows { process requests } } }"


def replica_pids(app_prefix: str) -> list[int]:
    """Return the process ids of the Serve replicas of applications whose name starts with `app_prefix`."""
    listing = subprocess.run(["ps", "-eo", "pid=,args="], capture_output=True, text=True, check=True).stdout
    return [int(line.split(None, 1)[0]) for line in listing.splitlines() if f"ServeReplica:{app_prefix}" in line]


def call(server: Server, token: str, rows: np.ndarray) -> httpx.Response:
    return httpx.post(f"{server.url}/v1/models/survivor:predict", json={"instances": rows.tolist()},
                      headers={"Authorization": f"Bearer {token}"}, timeout=60)


def actions(client: Client, deployment_id: str) -> list[str]:
    nodes = client.data(AUDIT, {"s": deployment_id})["auditLog"]["nodes"]
    return [node["action"] for node in nodes]


def test_replica_death_and_restart(tmp_path: Path, model_files: Path, dataset_files: Path) -> None:
    home = tmp_path / "server"
    rows = np.loadtxt(dataset_files / "breast_cancer.csv", delimiter=",", skiprows=1, dtype="float32")[:5, :-1]
    # A window far longer than the test, so only the flush when SIGTERM stops the server can record the first calls.
    first = start_server(home, MODELCLOUD_INFERENCE_WINDOW_SECONDS="3600")
    try:
        endpoint = Endpoint(first, Client(first, token=first.admin_token), model_files)
        created = endpoint.client.data(CREATE, {"i": {"modelId": endpoint.model_id, "name": "survivor",
                                                      "traffic": [{"version": 1, "percent": 100}]}})["createDeployment"]
        deployment_id = created["id"]
        endpoint.wait_active(deployment_id, 1)
        before = call(first, endpoint.token, rows)
        assert before.status_code == 200, before.text
        prefix = f"mc-{deployment_id.replace('-', '')[:16]}-v1"
        [victim] = replica_pids(prefix)

        os.kill(victim, signal.SIGKILL)
        wait_for(lambda: "Deployment.Degraded" in actions(endpoint.client, deployment_id), 120, "the degraded record")
        replacement = wait_for(lambda: (found := replica_pids(prefix)) and victim not in found and found, 180,
                               "a replacement replica")
        assert len(replacement) == 1
        wait_for(lambda: endpoint.state(deployment_id)["status"] == "HEALTHY", 180, "the healthy record")
        after_kill = call(first, endpoint.token, rows)
        assert after_kill.status_code == 200, after_kill.text
        assert after_kill.json() == before.json()
    finally:
        first.stop()

    second = start_server(home)
    try:
        client = Client(second, token=first.admin_token)
        answered = wait_for(lambda: (r := call(second, endpoint.token, rows)).status_code == 200 and r, 180,
                            "the deployment to serve after the restart")
        assert answered.json() == before.json()
        state = wait_for(lambda: (s := client.data(STATE, {"id": deployment_id})["deployment"])["status"] == "HEALTHY" and s, 60,
                         "the healthy record after the restart")
        assert (state["revision"], state["activeRevision"]) == (1, 1)
        recorded = actions(client, deployment_id)
        assert recorded[-1] == "Deployment.Requested"
        assert recorded[0] == "Deployment.BecameHealthy"
        assert recorded.count("Deployment.Degraded") == 2
        windows = client.data(WINDOWS, {"id": deployment_id})["deployment"]["windows"]
        first_process = [window["requests"] for window in windows if window["process"].endswith(f":{first.process.pid}")]
        assert first_process == [2]
    finally:
        second.stop()
