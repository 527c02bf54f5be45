"""Uploads, health, readiness and metrics of a running server."""

from __future__ import annotations

import hashlib
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import TeamSetup
from tests.support.server import Server

pytestmark = pytest.mark.e2e

IRIS_CSV = b"sepal_length,sepal_width,petal_length,petal_width,species\n5.1,3.5,1.4,0.2,setosa\n7.0,3.2,4.7,1.4,versicolor\n"


def blob_files(server: Server) -> list[Path]:
    return [path for path in (server.home / "artifacts" / "blobs").rglob("*") if path.is_file()]


def test_upload_streams_and_returns_digest(server: Server) -> None:
    response = httpx.post(
        f"{server.url}/v1/uploads",
        content=IRIS_CSV,
        headers={"Authorization": f"Bearer {server.admin_token}", "X-Filename": "iris.csv", "Content-Type": "text/csv"},
    )

    assert response.status_code == 201
    body = response.json()
    assert body["sha256"] == hashlib.sha256(IRIS_CSV).hexdigest()
    assert body["size"] == len(IRIS_CSV)
    assert len(body["uploadId"]) == 36


def test_upload_over_limit_keeps_nothing(server: Server) -> None:
    before = blob_files(server)
    oversized = b"x" * (1024 * 1024 + 1)

    response = httpx.post(
        f"{server.url}/v1/uploads", content=oversized, headers={"Authorization": f"Bearer {server.admin_token}"}
    )

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "PAYLOAD_TOO_LARGE"
    assert "1048576 bytes" in response.json()["error"]["message"]
    assert blob_files(server) == before


def test_chunked_upload_over_limit_keeps_nothing(server: Server) -> None:
    before = blob_files(server)

    def chunks():
        for _ in range(20):
            yield b"y" * 65536

    response = httpx.post(f"{server.url}/v1/uploads", content=chunks(), headers={"Authorization": f"Bearer {server.admin_token}"})

    assert response.status_code == 413
    assert blob_files(server) == before


def test_upload_by_viewer_is_forbidden(server: Server, team: TeamSetup) -> None:
    viewer = team.members["viewer"].client

    response = viewer.http.post(
        f"/v1/uploads?team={team.team_id}", content=IRIS_CSV, headers={"X-CSRF-Token": viewer.csrf or ""}
    )

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "FORBIDDEN"


def test_upload_without_credentials_is_unauthenticated(server: Server) -> None:
    response = httpx.post(f"{server.url}/v1/uploads", content=IRIS_CSV)

    assert response.status_code == 401
    assert response.json()["error"]["field"] == "Authorization"


def test_empty_upload_is_rejected(server: Server) -> None:
    response = httpx.post(f"{server.url}/v1/uploads", content=b"", headers={"Authorization": f"Bearer {server.admin_token}"})

    assert response.status_code == 400
    assert response.json()["error"]["field"] == "body"


def test_health_and_readiness(server: Server) -> None:
    health = httpx.get(f"{server.url}/healthz")
    ready = httpx.get(f"{server.url}/readyz")

    assert health.json() == {"status": "ok"}
    assert ready.status_code == 200
    assert set(ready.json()["projectionLag"]) == {
        "identity", "audit", "uploads", "registry", "datasets", "configs", "training", "evaluation", "evaluation_rules", "deployments",
        "batch_predictions",
        "monitoring",
    }


def test_metrics_expose_commands_and_lag(server: Server, team: TeamSetup) -> None:
    text = httpx.get(f"{server.url}/metrics").text

    assert 'modelcloud_commands_total{command="createTeam",outcome="ok"}' in text
    assert 'modelcloud_projection_lag_events{projection="audit"}' in text
    assert "modelcloud_events_appended_total" in text
