"""A server restart in the middle of a training run: the run resumes from its checkpoint, never stays running."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.test_training_flow import MLP, Project, second_attempt_epoch, wait_for
from tests.support.server import Client, start_server

pytestmark = pytest.mark.e2e


def test_run_resumes_after_server_restart(tmp_path: Path, dataset_files: Path) -> None:
    home = tmp_path / "server"
    first = start_server(home)
    try:
        client = Client(first, token=first.admin_token)
        project = Project(first, client, dataset_files)
        run = project.start({**MLP, "epochs": 5000})
        wait_for(lambda: (project.run(run["id"])["checkpointEpoch"] or 0) >= 2, 240, "the second checkpoint")
    finally:
        first.stop()

    second = start_server(home)
    try:
        second.admin_token = first.admin_token
        project.server = second
        project.client = Client(second, token=first.admin_token)
        resumed = wait_for(lambda: second_attempt_epoch(project.run(run["id"])), 240, "an epoch of the second attempt")
        project.client.data("mutation($id: ID!) { cancelTrainingRun(id: $id) { id } }", {"id": run["id"]})
        finished = project.finished(run["id"], timeout=30)
    finally:
        second.stop()

    assert resumed["status"] == "RUNNING"
    assert resumed["restarts"] == 1
    assert "server or Ray restarted" in resumed["restartReason"]
    assert finished["status"] == "CANCELLED"
    epochs = [epoch["epoch"] for epoch in finished["epochs"]]
    assert epochs == list(range(1, len(epochs) + 1))
    assert {epoch["attempt"] for epoch in finished["epochs"]} == {1, 2}
