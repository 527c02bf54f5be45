"""A full disk: the upload that hits it gets 507 with a message naming the cause, and nothing of it is kept.

The server runs in its own user and mount namespace, where its artifact folder is a 1 MiB tmpfs.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.server import Server, start_server

pytestmark = pytest.mark.e2e

FOLDER_BYTES = 1024 * 1024
SMALL_CSV = b"sepal_length,species\n5.1,setosa\n7.0,versicolor\n"


def namespaces_available() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "true"], capture_output=True)
    return probe.returncode == 0


@pytest.fixture(scope="module")
def small_disk_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    if not namespaces_available():
        pytest.skip("no user and mount namespace can be made here (unshare --user --mount)")
    home = tmp_path_factory.mktemp("small-disk")
    artifacts = home / "artifacts"
    artifacts.mkdir()
    mount_then_run = f'mount -t tmpfs -o size={FOLDER_BYTES} tmpfs "$0" && exec "$@"'
    server = start_server(
        home, wrapper=("unshare", "--user", "--map-root-user", "--mount", "sh", "-c", mount_then_run, str(artifacts)),
        MODELCLOUD_MAX_UPLOAD_BYTES=str(8 * FOLDER_BYTES),
    )
    yield server
    server.stop()


def upload(server: Server, content: bytes, filename: str) -> httpx.Response:
    return httpx.post(
        f"{server.url}/v1/uploads", content=content, timeout=30,
        headers={"Authorization": f"Bearer {server.admin_token}", "X-Filename": filename, "Content-Type": "text/csv"},
    )


def test_upload_on_full_disk_gets_507(small_disk_server: Server) -> None:
    response = upload(small_disk_server, b"1.5,setosa\n" * (2 * FOLDER_BYTES // 11), "large.csv")

    assert response.status_code == 507
    error = response.json()["error"]
    assert error["code"] == "INSUFFICIENT_STORAGE"
    assert error["message"].startswith("The server ran out of disk space, so nothing was stored.")
    assert error["correlationId"] in error["message"]
    assert any("out of disk space" in line for line in small_disk_server.output)


def test_small_upload_after_full_disk_works(small_disk_server: Server) -> None:
    upload(small_disk_server, b"1.5,setosa\n" * (2 * FOLDER_BYTES // 11), "large.csv")

    response = upload(small_disk_server, SMALL_CSV, "iris.csv")

    assert response.status_code == 201
    assert response.json()["sha256"] == hashlib.sha256(SMALL_CSV).hexdigest()
