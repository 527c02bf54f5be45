"""S3 store behaviour beyond the shared contract: multipart uploads, checksums, seeking, locks, failures while running and start-up checks.

tests/unit/test_artifact_store.py runs the contract itself against both stores. These tests use
moto's S3 server on a loopback port.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import io
import json
import logging
import os
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from backend.application.identity import BootstrapCredentials
from backend.http.app import create_app
from backend.runtime import Runtime
from backend.settings import load_settings
from backend.storage import BlobNotFound, BlobTooLarge, StorageError, StoreUnavailable, open_artifact_store
from backend.storage.s3 import S3ArtifactStore
from tests.support.s3 import S3Server
from tests.support.server import free_port
from workers.dataset_engine import LocalDatasetEngine

pytestmark = pytest.mark.integration

MIB = 1024 * 1024
SMALL_PARTS = f"multipart_threshold={5 * MIB}&part_size={5 * MIB}"
REPOSITORY = Path(__file__).resolve().parents[2]


def metrics_csv(size: int) -> bytes:
    """Build a CSV of training metrics at least `size` bytes long, so uploads carry realistic text."""
    lines = ["epoch,loss,accuracy"]
    total = 0
    epoch = 0
    while total < size:
        line = f"{epoch},{1 / (epoch + 1):.9f},{epoch / (epoch + 7):.9f}"
        lines.append(line)
        total += len(line) + 1
        epoch += 1
    return ("\n".join(lines) + "\n").encode("ascii")


def base64_sha256(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode("ascii")


def body_bytes(body: bytes | io.BytesIO) -> bytes:
    return body.getvalue() if isinstance(body, io.BytesIO) else body


def record_calls(store: S3ArtifactStore, operation: str) -> list[dict[str, Any]]:
    """Collect the parameters of every `operation` request that the store's client sends from now on."""
    calls: list[dict[str, Any]] = []
    store.client.meta.events.register(f"provide-client-params.s3.{operation}", lambda params, **_: calls.append(params))
    return calls


def keys_under(store: S3ArtifactStore, folder: str) -> list[str]:
    response = store.client.list_objects_v2(Bucket=store.location.bucket, Prefix=store.location.key(folder) + "/")
    return sorted(entry["Key"] for entry in response.get("Contents", []))


def unfinished_uploads(store: S3ArtifactStore) -> list[str]:
    uploads = store.client.list_multipart_uploads(Bucket=store.location.bucket).get("Uploads", [])
    return [upload["Key"] for upload in uploads]


def stored_checksum(store: S3ArtifactStore, sha256: str) -> str | None:
    key = store.location.key("blobs", sha256[:2], sha256)
    head = store.client.head_object(Bucket=store.location.bucket, Key=key, ChecksumMode="ENABLED")
    return head.get("ChecksumSHA256")


@pytest.fixture
def bucket(s3_environment: S3Server) -> str:
    return s3_environment.create_bucket()


def open_store(bucket: str, query: str = "") -> S3ArtifactStore:
    store = open_artifact_store(f"s3://{bucket}/artifacts" + (f"?{query}" if query else ""))
    assert isinstance(store, S3ArtifactStore)
    return store


# Uploads


def test_large_blob_uploads_in_parts(bucket: str) -> None:
    store = open_store(bucket, SMALL_PARTS)
    content = metrics_csv(12 * MIB)
    parts = record_calls(store, "UploadPart")

    info = store.write(io.BytesIO(content))

    assert info.sha256 == hashlib.sha256(content).hexdigest()
    assert info.size == len(content)
    assert [len(body_bytes(part["Body"])) for part in parts] == [5 * MIB, 5 * MIB, len(content) - 10 * MIB]
    assert [part["ChecksumSHA256"] for part in parts] == [
        base64_sha256(content[:5 * MIB]), base64_sha256(content[5 * MIB:10 * MIB]), base64_sha256(content[10 * MIB:])
    ]
    assert stored_checksum(store, info.sha256) == base64_sha256(content)
    assert store.verify(info.sha256)


def test_large_blob_leaves_no_upload_behind(bucket: str) -> None:
    store = open_store(bucket, SMALL_PARTS)

    store.write(io.BytesIO(metrics_csv(6 * MIB)))

    assert keys_under(store, "uploads") == []
    assert unfinished_uploads(store) == []


def test_small_blob_uploads_in_one_request(bucket: str) -> None:
    store = open_store(bucket, SMALL_PARTS)
    content = metrics_csv(5 * MIB)[: 5 * MIB]
    puts = record_calls(store, "PutObject")
    parts = record_calls(store, "UploadPart")

    info = store.write(io.BytesIO(content))

    blob_puts = [put for put in puts if "/blobs/" in put["Key"]]
    assert len(blob_puts) == 1
    assert blob_puts[0]["ChecksumSHA256"] == base64_sha256(content)
    assert parts == []
    assert stored_checksum(store, info.sha256) == base64_sha256(content)


def test_large_blob_written_twice_is_copied_once(bucket: str) -> None:
    store = open_store(bucket, SMALL_PARTS)
    content = metrics_csv(6 * MIB)
    copies = record_calls(store, "CopyObject")

    first = store.write(io.BytesIO(content))
    second = store.write(iter([content]))

    assert first == second
    assert len(copies) == 1
    assert len(keys_under(store, "blobs")) == 1
    assert keys_under(store, "uploads") == []


def test_write_over_max_size_aborts_multipart_upload(bucket: str) -> None:
    store = open_store(bucket, SMALL_PARTS)
    content = metrics_csv(12 * MIB)

    with pytest.raises(BlobTooLarge) as raised:
        store.write(io.BytesIO(content), max_size=11 * MIB)

    assert raised.value.limit == 11 * MIB
    assert unfinished_uploads(store) == []
    assert keys_under(store, "uploads") == []
    assert keys_under(store, "blobs") == []


def test_failed_stream_aborts_multipart_upload(bucket: str) -> None:
    store = open_store(bucket, SMALL_PARTS)
    content = metrics_csv(6 * MIB)

    def dropped_connection() -> Iterator[bytes]:
        yield content
        raise OSError("connection reset by peer")

    with pytest.raises(OSError, match="connection reset"):
        store.write(dropped_connection())

    assert unfinished_uploads(store) == []
    assert keys_under(store, "blobs") == []


# Reading


def test_open_supports_zipfile(bucket: str) -> None:
    """The registry checks uploaded .keras files with zipfile, which seeks to the archive's end first."""
    store = open_store(bucket)
    metrics = metrics_csv(3 * MIB)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_STORED) as model_file:
        model_file.writestr("config.json", '{"class_name": "Sequential"}')
        model_file.writestr("metrics.csv", metrics)
    info = store.write(io.BytesIO(archive.getvalue()))

    with store.open(info.sha256) as stream, zipfile.ZipFile(stream) as model_file:
        names = model_file.namelist()
        read_metrics = model_file.read("metrics.csv")

    assert names == ["config.json", "metrics.csv"]
    assert read_metrics == metrics


def test_open_seeks_from_end_and_back(bucket: str) -> None:
    store = open_store(bucket)
    content = metrics_csv(2 * MIB)
    info = store.write(io.BytesIO(content))

    with store.open(info.sha256) as stream:
        stream.seek(-20, io.SEEK_END)
        tail = stream.read()
        stream.seek(100)
        middle = stream.read(50)
        position = stream.tell()

    assert tail == content[-20:]
    assert middle == content[100:150]
    assert position == 150


def test_open_blob_deleted_while_reading(bucket: str) -> None:
    store = open_store(bucket)
    content = metrics_csv(2 * MIB)
    info = store.write(io.BytesIO(content))

    with store.open(info.sha256) as stream:
        assert store.delete_unreferenced(info.sha256)
        stream.seek(len(content) // 2)
        with pytest.raises(BlobNotFound):
            stream.read(10)


def test_local_file_removed_after_block(bucket: str) -> None:
    store = open_store(bucket)
    content = metrics_csv(2 * MIB)
    info = store.write(io.BytesIO(content))

    with store.local_file(info.sha256) as path:
        copied = Path(path).read_bytes()

    assert copied == content
    assert not Path(path).exists()


# References and locks


def test_references_are_objects_per_holder(bucket: str) -> None:
    store = open_store(bucket)
    info = store.write([b"epoch,loss\n0,0.5\n"])

    store.add_reference(info.sha256, "model-version:7")

    encoded = base64.urlsafe_b64encode(b"model-version:7").decode("ascii")
    assert keys_under(store, "refs") == [f"artifacts/refs/{info.sha256}/{encoded}"]


def test_reference_change_releases_lock(bucket: str) -> None:
    store = open_store(bucket)
    info = store.write([b"epoch,loss\n0,0.5\n"])

    store.add_reference(info.sha256, "upload:1")
    with pytest.raises(BlobNotFound):
        store.add_reference("0" * 64, "upload:1")
    store.release_reference(info.sha256, "upload:1")

    assert keys_under(store, "locks") == []


def test_held_lock_times_out(bucket: str) -> None:
    store = open_store(bucket)
    info = store.write([b"epoch,loss\n0,0.5\n"])
    lock_key = f"artifacts/locks/{info.sha256}"
    store.client.put_object(Bucket=bucket, Key=lock_key, Body=b"held by another process")
    store.lock_timeout_seconds = 0.2

    with pytest.raises(StorageError) as raised:
        store.add_reference(info.sha256, "upload:1")

    assert repr(lock_key) in str(raised.value)
    assert "Timed out after 0.2 s" in str(raised.value)
    assert store.references(info.sha256) == frozenset()


def test_stale_lock_is_removed(bucket: str, caplog: pytest.LogCaptureFixture) -> None:
    store = open_store(bucket)
    info = store.write([b"epoch,loss\n0,0.5\n"])
    lock_key = f"artifacts/locks/{info.sha256}"
    store.client.put_object(Bucket=bucket, Key=lock_key, Body=b"left by a crashed process")
    store.lock_stale_seconds = 0

    with caplog.at_level(logging.WARNING, logger="backend.storage.s3"):
        count = store.add_reference(info.sha256, "upload:1")

    assert count == 1
    store_records = [record for record in caplog.records if record.name == "backend.storage.s3"]
    assert [record.getMessage() for record in store_records] == ["removed a stale lock object"]
    assert keys_under(store, "locks") == []


# Failures while running


def delete_bucket(store: S3ArtifactStore) -> None:
    """Empty and delete the store's bucket, as an operator who removes it while servers run would."""
    for key in keys_under(store, "blobs") + keys_under(store, "refs") + keys_under(store, "locks"):
        store.client.delete_object(Bucket=store.location.bucket, Key=key)
    store.client.delete_bucket(Bucket=store.location.bucket)


def test_deleted_bucket_is_unavailable_not_missing_blob(bucket: str) -> None:
    """A blob in a bucket that was deleted is not reported missing, which would mark its model version broken for good."""
    store = open_store(bucket)
    blob = store.write([metrics_csv(1000)])
    store.add_reference(blob.sha256, "model-version:1")
    delete_bucket(store)

    operations = {
        "write": lambda: store.write([metrics_csv(2000)]),
        "open": lambda: store.open(blob.sha256),
        "verify": lambda: store.verify(blob.sha256),
        "exists": lambda: store.exists(blob.sha256),
        "size": lambda: store.size(blob.sha256),
        "add_reference": lambda: store.add_reference(blob.sha256, "upload:2"),
        "references": lambda: store.references(blob.sha256),
        "delete_unreferenced": lambda: store.delete_unreferenced(blob.sha256),
    }
    for name, operation in operations.items():
        with pytest.raises(StoreUnavailable) as raised:
            operation()
        assert f"Bucket {bucket!r} of the artifact store s3://{bucket}/artifacts was not found" in str(raised.value), name


def test_unreachable_endpoint_is_unavailable(bucket: str, monkeypatch: pytest.MonkeyPatch) -> None:
    written = open_store(bucket).write([metrics_csv(1000)])
    endpoint = f"http://127.0.0.1:{free_port()}"
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", endpoint)
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    store = open_store(bucket)

    operations = {
        "write": lambda: store.write([metrics_csv(2000)]),
        "open": lambda: store.open(written.sha256),
        "exists": lambda: store.exists(written.sha256),
        "add_reference": lambda: store.add_reference(written.sha256, "upload:2"),
        "release_reference": lambda: store.release_reference(written.sha256, "upload:2"),
    }
    for name, operation in operations.items():
        with pytest.raises(StoreUnavailable) as raised:
            operation()
        assert f"The S3 endpoint {endpoint} of the artifact store s3://{bucket}/artifacts could not be reached" in str(
            raised.value
        ), name


@pytest.fixture
def s3_runtime(bucket: str, tmp_path: Path) -> Iterator[tuple[Runtime, BootstrapCredentials]]:
    settings = load_settings(database_url=f"sqlite:///{tmp_path / 'modelcloud.db'}", artifacts=f"s3://{bucket}/artifacts")
    runtime = Runtime.build(settings, dataset_engine=LocalDatasetEngine(settings.artifacts))
    runtime.start()
    credentials = runtime.bootstrap()
    assert credentials is not None
    assert runtime.projections.wait_for(credentials.outcome.position)
    yield runtime, credentials
    runtime.stop()


def send(runtime: Runtime, path: str, content: bytes, headers: dict[str, str]) -> httpx.Response:
    async def post() -> httpx.Response:
        transport = httpx.ASGITransport(app=create_app(runtime, manage_runtime=False))
        async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as client:
            return await client.post(path, content=content, headers=headers)

    return asyncio.run(post())


def test_upload_to_deleted_bucket_is_503(bucket: str, s3_runtime: tuple[Runtime, BootstrapCredentials]) -> None:
    runtime, credentials = s3_runtime
    assert isinstance(runtime.artifacts, S3ArtifactStore)
    delete_bucket(runtime.artifacts)
    head = runtime.store.head()

    response = send(
        runtime, "/v1/uploads", metrics_csv(1000),
        {"Authorization": f"Bearer {credentials.token}", "X-Request-ID": "upload-1", "X-Filename": "metrics.csv"},
    )

    assert response.status_code == 503
    error = response.json()["error"]
    assert error["code"] == "SERVICE_UNAVAILABLE"
    assert error["correlationId"] == "upload-1"
    assert "artifact store could not be used" in error["message"]
    assert bucket not in error["message"]
    assert runtime.store.head() == head


def test_mutation_on_deleted_bucket_is_unavailable(bucket: str, s3_runtime: tuple[Runtime, BootstrapCredentials]) -> None:
    runtime, credentials = s3_runtime
    token = {"Authorization": f"Bearer {credentials.token}", "Content-Type": "application/json"}
    uploaded = send(runtime, "/v1/uploads", metrics_csv(1000), {**token, "X-Filename": "model.keras"}).json()
    register = {
        "query": "mutation($i: RegisterModelInput!) { registerModel(input: $i) { id } }",
        "variables": {"i": {"teamId": str(credentials.team_id), "name": "churn"}},
    }
    model_id = send(runtime, "/graphql", json.dumps(register).encode(), token).json()["data"]["registerModel"]["id"]
    assert isinstance(runtime.artifacts, S3ArtifactStore)
    delete_bucket(runtime.artifacts)

    add_version = {
        "query": "mutation($i: UploadModelVersionInput!) { uploadModelVersion(input: $i) { id } }",
        "variables": {"i": {"modelId": model_id, "uploadId": uploaded["uploadId"]}},
    }
    body = send(runtime, "/graphql", json.dumps(add_version).encode(), {**token, "X-Request-ID": "version-1"}).json()

    error = body["errors"][0]
    assert error["extensions"]["code"] == "SERVICE_UNAVAILABLE"
    assert error["extensions"]["correlationId"] == "version-1"
    assert "artifact store could not be used" in error["message"]
    assert bucket not in error["message"]


# Start-up checks


def test_check_accepts_existing_bucket(bucket: str) -> None:
    store = open_store(bucket)

    store.check()

    assert keys_under(store, "locks") == []


def test_check_missing_bucket(s3_environment: S3Server) -> None:
    store = open_store("modelcloud-missing-bucket")

    with pytest.raises(StoreUnavailable) as raised:
        store.check()

    message = str(raised.value)
    assert "Bucket 'modelcloud-missing-bucket'" in message
    assert f"was not found at {s3_environment.endpoint_url}" in message
    assert "Create the bucket" in message


def test_check_missing_credentials(bucket: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    store = open_store(bucket)

    with pytest.raises(StoreUnavailable) as raised:
        store.check()

    assert f"No AWS credentials were found for the artifact store s3://{bucket}/artifacts" in str(raised.value)
    assert "AWS_ACCESS_KEY_ID" in str(raised.value)


def test_check_unreachable_endpoint(bucket: str, monkeypatch: pytest.MonkeyPatch) -> None:
    endpoint = f"http://127.0.0.1:{free_port()}"
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", endpoint)
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    store = open_store(bucket)

    with pytest.raises(StoreUnavailable) as raised:
        store.check()

    assert f"The S3 endpoint {endpoint} of the artifact store s3://{bucket}/artifacts could not be reached" in str(raised.value)
    assert "AWS_ENDPOINT_URL_S3" in str(raised.value)


def test_open_invalid_endpoint_url(bucket: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", "minio:9000")

    with pytest.raises(StoreUnavailable) as raised:
        open_store(bucket)

    assert "minio:9000" in str(raised.value)
    assert "AWS_ENDPOINT_URL_S3" in str(raised.value)


def run_serve(home: Path, artifacts: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "MODELCLOUD_DATABASE_URL": f"sqlite:///{home / 'modelcloud.db'}",
        "MODELCLOUD_ARTIFACTS": artifacts,
        "MODELCLOUD_PORT": str(free_port()),
        "PYTHONPATH": str(REPOSITORY),
    }
    return subprocess.run(
        [sys.executable, "-m", "backend.cli", "serve"], env=environment, capture_output=True, text=True, timeout=60,
    )


def test_serve_stops_on_missing_bucket(s3_environment: S3Server, tmp_path: Path) -> None:
    location = "s3://modelcloud-missing-bucket/artifacts"

    result = run_serve(tmp_path, location)

    last_line = result.stderr.splitlines()[-1]
    assert result.returncode == 1
    assert last_line.startswith(f"modelcloud: MODELCLOUD_ARTIFACTS={location!r} cannot be used: ")
    assert "Bucket 'modelcloud-missing-bucket'" in last_line
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "modelcloud.db").exists()


def test_serve_stops_on_location_without_bucket(tmp_path: Path) -> None:
    result = run_serve(tmp_path, "s3://")

    assert result.returncode == 2
    assert result.stderr.startswith("modelcloud: MODELCLOUD_ARTIFACTS='s3://' is invalid: ")
    assert "names no bucket" in result.stderr
    assert not (tmp_path / "modelcloud.db").exists()
