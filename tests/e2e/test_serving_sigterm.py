"""A server stopped with SIGTERM records the calls counted since its last inference window.

Fails while uvicorn re-raises SIGTERM after its graceful shutdown (uvicorn/server.py in 0.55.0 calls signal.raise_signal), because
the default handler then ends the process before `Runtime.stop` flushes the inference meter.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import numpy as np
import pytest

from tests.e2e.test_serving_flow import CREATE, Endpoint
from tests.support.server import Client, start_server

pytestmark = pytest.mark.e2e

WINDOWS = "query($id: ID!) { deployment(id: $id) { windows { requests } } }"


def test_sigterm_keeps_last_window(tmp_path: Path, model_files: Path, dataset_files: Path) -> None:
    home = tmp_path / "server"
    rows = np.loadtxt(dataset_files / "breast_cancer.csv", delimiter=",", skiprows=1, dtype="float32")[:1, :-1]
    # A window far longer than the test, so only the flush at shutdown can record the calls.
    first = start_server(home, MODELCLOUD_INFERENCE_WINDOW_SECONDS="3600")
    try:
        endpoint = Endpoint(first, Client(first, token=first.admin_token), model_files)
        created = endpoint.client.data(CREATE, {"i": {"modelId": endpoint.model_id, "name": "counted",
                                                      "traffic": [{"version": 1, "percent": 100}]}})["createDeployment"]
        endpoint.wait_active(created["id"], 1)
        for _ in range(5):
            answered = httpx.post(f"{first.url}/v1/models/counted:predict", json={"instances": rows.tolist()},
                                  headers={"Authorization": f"Bearer {endpoint.token}"}, timeout=60)
            assert answered.status_code == 200, answered.text
    finally:
        first.stop()

    second = start_server(home)
    try:
        client = Client(second, token=first.admin_token)
        windows = client.data(WINDOWS, {"id": created["id"]})["deployment"]["windows"]
        assert sum(window["requests"] for window in windows) == 5
    finally:
        second.stop()
