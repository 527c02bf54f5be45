"""Fixtures of the client tests: a fake server on loopback for failures, fast timings, and a real server."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from modelcloud.api import ApiClient
from modelcloud.backoff import Backoff
from modelcloud.buffer import RunBuffer
from modelcloud.delivery import Delivery
from tests.sdk.fake_server import FakeServer
from tests.support.server import Client, Server, launch_server, start_server, wait_until_up

FAST_BACKOFF = Backoff(base=0.01, cap=0.05)


@pytest.fixture
def fake() -> Iterator[FakeServer]:
    server = FakeServer()
    yield server
    server.stop()


@pytest.fixture
def buffer_root(tmp_path: Path) -> Path:
    return tmp_path / "buffer"


@pytest.fixture(autouse=True)
def client_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger="modelcloud")
    return caplog


def make_delivery(
    url: str, buffer_root: Path, run_id: str, *, timeout: float = 2.0, interval: float = 0.05, **options: object
) -> Delivery:
    """A started Delivery with short retry delays and flush interval, writing under buffer_root/run_id."""
    api = ApiClient(url, "mc_test_token", timeout=timeout)
    buffer = RunBuffer.create(buffer_root, run_id, {"runId": run_id, "teamId": "t", "name": "test", "url": url})
    delivery = Delivery(api, buffer, run_id, interval=interval, backoff=FAST_BACKOFF, **options)  # type: ignore[arg-type]
    delivery.start()
    return delivery


def points(count: int, name: str = "loss", start: int = 0) -> list[dict[str, object]]:
    return [{"name": name, "step": step, "value": step / 10, "wallTime": 1.8e12} for step in range(start, start + count)]


@pytest.fixture(scope="session")
def real_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A real ModelCloud server on a free loopback port, shared by the client's end-to-end tests."""
    server = start_server(tmp_path_factory.mktemp("sdk-server"))
    yield server
    server.stop()


@pytest.fixture
def reader(real_server: Server) -> Iterator[Client]:
    client = Client(real_server, token=real_server.admin_token)
    yield client
    client.close()


def restart_server(server: Server) -> Server:
    """Start the stopped server again on its database and port, so clients holding its URL reach it."""
    again = launch_server(server.home, server.database_url, MODELCLOUD_PORT=str(server.port))
    again.port = server.port
    wait_until_up(again)
    again.admin_token = server.admin_token
    return again


RUN_POINTS = """
query($id: ID!, $names: [String!], $maxPoints: Int! = 10000) {
  trainingRun(id: $id) {
    status failureReason source gitCommit params
    metrics(names: $names, maxPoints: $maxPoints) { name totalPoints points { step value nonFinite } }
  }
}"""

STORED_BATCHES = """
query($id: ID!, $after: String) {
  auditLog(filter: {subjectId: $id, action: "TrainingRun.MetricsLogged"}, first: 500, after: $after) {
    nodes { summary } pageInfo { hasNextPage endCursor }
  }
}"""


def recorded_point_count(client: Client, run_id: str) -> int:
    """Add up the points of every MetricsLogged event of the run, as the audit log shows them."""
    total, after = 0, None
    while True:
        page = client.data(STORED_BATCHES, {"id": run_id, "after": after})["auditLog"]
        total += sum(int(node["summary"].split()[1]) for node in page["nodes"])
        if not page["pageInfo"]["hasNextPage"]:
            return total
        after = page["pageInfo"]["endCursor"]
