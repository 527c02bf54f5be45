"""The local Ray head that a server starts stops with it, whether the server stops cleanly or is killed."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import httpx
import pytest

from tests.support.server import Server, start_server

pytestmark = pytest.mark.e2e

# Generous: this only catches a head that never stops, not a slow one.
STOP_TIMEOUT_SECONDS = 60


def start_head(server: Server) -> int:
    """Make the server start its Ray head with a dataset upload, and return the head's process id."""
    headers = {"Authorization": f"Bearer {server.admin_token}"}
    team = httpx.post(f"{server.url}/graphql", json={"query": "{ teams { nodes { id } } }"}, headers=headers).json()
    team_id = team["data"]["teams"]["nodes"][0]["id"]
    created = httpx.post(
        f"{server.url}/graphql", headers=headers, timeout=60,
        json={"query": 'mutation($t: ID!) { createDataset(input: {teamId: $t, name: "ray"}) { id } }', "variables": {"t": team_id}},
    ).json()["data"]["createDataset"]
    upload = httpx.post(f"{server.url}/v1/uploads", content=b"a,b\n1,2\n", headers={**headers, "X-Filename": "a.csv"}).json()
    version = httpx.post(
        f"{server.url}/graphql", headers=headers, timeout=120,
        json={"query": "mutation($d: ID!, $u: ID!) { uploadDatasetVersion(input: {datasetId: $d, uploadId: $u}) { number } }",
              "variables": {"d": created["id"], "u": upload["uploadId"]}},
    ).json()
    assert version["data"]["uploadDatasetVersion"]["number"] == 1
    for line in server.output:
        if "started a local Ray head" in line:
            return int(json.loads(line)["pid"])
    raise AssertionError("the server logged no Ray head")


def group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


def wait_until_gone(group: int) -> bool:
    deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if not group_alive(group):
            return True
        time.sleep(0.2)
    return False


@pytest.mark.parametrize("stop", ["terminate", "kill"])
def test_head_stops_with_server(tmp_path: Path, stop: str) -> None:
    server = start_server(tmp_path / "server")
    head = 0
    try:
        head = start_head(server)
        assert group_alive(head)

        if stop == "terminate":
            server.stop()
        else:
            server.process.send_signal(signal.SIGKILL)
            server.process.wait(timeout=30)

        assert wait_until_gone(head)
    finally:
        if server.process.poll() is None:
            server.stop()
        if head and group_alive(head):
            os.killpg(head, signal.SIGKILL)
