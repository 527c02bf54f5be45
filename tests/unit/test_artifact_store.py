"""Contract of the content-addressed artifact store, run against a local folder and an S3 bucket.

The S3 variant talks to moto's S3 server on a loopback port (the `s3_environment` fixture).
"""

from __future__ import annotations

import hashlib
import io
import multiprocessing
import multiprocessing.queues
import multiprocessing.synchronize
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from backend.storage import (
    ArtifactStore,
    BlobInfo,
    BlobNotFound,
    BlobTooLarge,
    LocalArtifactStore,
    StorageError,
    open_artifact_store,
)
from backend.storage.s3 import S3ArtifactStore
from tests.support.s3 import S3Server

pytestmark = pytest.mark.unit

MIB = 1024 * 1024
UNKNOWN_DIGEST = "0" * 64


def make_csv_bytes(rows: int) -> bytes:
    """Build a small CSV of model metrics so tests store realistic, reproducible content."""
    lines = ["epoch,loss,accuracy"]
    lines += [f"{epoch},{1 / (epoch + 1):.6f},{epoch / (rows + 1):.6f}" for epoch in range(rows)]
    return ("\n".join(lines) + "\n").encode("ascii")


def list_files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file())


def list_names(store: ArtifactStore, folder: str) -> list[str]:
    """Names of the files or objects under `folder` of the store's layout, relative to it."""
    if isinstance(store, LocalArtifactStore):
        return [str(path.relative_to(store.root / folder)) for path in list_files(store.root / folder)]
    assert isinstance(store, S3ArtifactStore)
    prefix = store.location.key(folder) + "/"
    return [key.removeprefix(prefix) for key in list_keys(store, prefix)]


def list_keys(store: S3ArtifactStore, prefix: str) -> list[str]:
    response = store.client.list_objects_v2(Bucket=store.location.bucket, Prefix=prefix)
    return sorted(entry["Key"] for entry in response.get("Contents", []))


def list_everything(store: ArtifactStore) -> list[str]:
    """Every file or object the store keeps, including lock files, which a local store never removes."""
    if isinstance(store, LocalArtifactStore):
        return [str(path.relative_to(store.root)) for path in list_files(store.root)]
    assert isinstance(store, S3ArtifactStore)
    return list_keys(store, store.location.key(""))


def list_partial_writes(store: ArtifactStore) -> list[str]:
    """Temporary files of a local store, or unfinished multipart uploads and their objects in S3."""
    if isinstance(store, LocalArtifactStore):
        return list_names(store, "tmp")
    assert isinstance(store, S3ArtifactStore)
    uploads = store.client.list_multipart_uploads(Bucket=store.location.bucket).get("Uploads", [])
    return list_names(store, "uploads") + [upload["Key"] for upload in uploads]


def corrupt_blob(store: ArtifactStore, sha256: str) -> None:
    """Flip one byte of the stored blob behind the store's back."""
    if isinstance(store, LocalArtifactStore):
        blob_path = store.root / "blobs" / sha256[:2] / sha256
        corrupted = bytearray(blob_path.read_bytes())
        corrupted[10] ^= 0xFF
        blob_path.write_bytes(bytes(corrupted))
        return
    assert isinstance(store, S3ArtifactStore)
    key = store.location.key("blobs", sha256[:2], sha256)
    corrupted = bytearray(store.client.get_object(Bucket=store.location.bucket, Key=key)["Body"].read())
    corrupted[10] ^= 0xFF
    store.client.put_object(Bucket=store.location.bucket, Key=key, Body=bytes(corrupted))


def store_location(store: ArtifactStore) -> str:
    if isinstance(store, LocalArtifactStore):
        return str(store.root)
    assert isinstance(store, S3ArtifactStore)
    return str(store.location)


@pytest.fixture(params=["local", pytest.param("s3", marks=pytest.mark.integration)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> ArtifactStore:
    if request.param == "local":
        return LocalArtifactStore(tmp_path / "artifacts")
    s3: S3Server = request.getfixturevalue("s3_environment")
    return open_artifact_store(f"s3://{s3.create_bucket()}/artifacts")


@pytest.fixture
def csv_bytes() -> bytes:
    return make_csv_bytes(200)


@pytest.fixture
def stored(store: ArtifactStore, csv_bytes: bytes) -> BlobInfo:
    return store.write(io.BytesIO(csv_bytes))


# Writing


def test_write_returns_sha256_and_size(store: ArtifactStore, csv_bytes: bytes) -> None:
    info = store.write(io.BytesIO(csv_bytes))

    assert info.sha256 == hashlib.sha256(csv_bytes).hexdigest()
    assert info.size == len(csv_bytes)


def test_write_multi_chunk_stream(store: ArtifactStore) -> None:
    content = make_csv_bytes(1000) * 200
    assert len(content) > 4 * MIB

    info = store.write(io.BytesIO(content))

    assert info.sha256 == hashlib.sha256(content).hexdigest()
    assert info.size == len(content)
    assert store.size(info.sha256) == len(content)


def test_write_accepts_iterable_of_chunks(store: ArtifactStore, csv_bytes: bytes) -> None:
    chunks = [csv_bytes[:100], b"", csv_bytes[100:]]

    info = store.write(iter(chunks))

    assert info == BlobInfo(sha256=hashlib.sha256(csv_bytes).hexdigest(), size=len(csv_bytes))


def test_write_empty_stream(store: ArtifactStore) -> None:
    info = store.write(io.BytesIO(b""))

    assert info == BlobInfo(sha256=hashlib.sha256(b"").hexdigest(), size=0)
    assert store.exists(info.sha256)


def test_write_stores_blob_under_sharded_digest(store: ArtifactStore, stored: BlobInfo) -> None:
    assert list_names(store, "blobs") == [f"{stored.sha256[:2]}/{stored.sha256}"]


def test_write_same_content_stores_one_file(store: ArtifactStore, csv_bytes: bytes) -> None:
    first = store.write(io.BytesIO(csv_bytes))
    second = store.write(iter([csv_bytes]))

    assert first == second
    assert len(list_names(store, "blobs")) == 1
    assert list_partial_writes(store) == []


def test_write_rejects_bytes_object(store: ArtifactStore, csv_bytes: bytes) -> None:
    with pytest.raises(TypeError, match=r"io\.BytesIO"):
        store.write(csv_bytes)  # type: ignore[arg-type]


def test_write_rejects_negative_max_size(store: ArtifactStore, csv_bytes: bytes) -> None:
    with pytest.raises(ValueError, match="-1"):
        store.write(io.BytesIO(csv_bytes), max_size=-1)


# Size limit


def test_write_over_max_size_raises(store: ArtifactStore, csv_bytes: bytes) -> None:
    limit = len(csv_bytes) - 1

    with pytest.raises(BlobTooLarge) as raised:
        store.write(io.BytesIO(csv_bytes), max_size=limit)

    assert raised.value.limit == limit
    assert raised.value.received == limit + 1
    assert str(limit) in str(raised.value)
    assert isinstance(raised.value, StorageError)


def test_write_over_max_size_stops_reading(store: ArtifactStore) -> None:
    stream = io.BytesIO(make_csv_bytes(1000) * 200)

    with pytest.raises(BlobTooLarge):
        store.write(stream, max_size=MIB)

    assert stream.tell() == MIB + 1


def test_write_over_max_size_leaves_no_files(store: ArtifactStore) -> None:
    content = make_csv_bytes(1000) * 200

    with pytest.raises(BlobTooLarge):
        store.write(io.BytesIO(content), max_size=3 * MIB)

    assert list_names(store, "blobs") == []
    assert list_partial_writes(store) == []
    assert not store.exists(hashlib.sha256(content).hexdigest())


def test_write_over_max_size_from_chunks(store: ArtifactStore, csv_bytes: bytes) -> None:
    chunks = [csv_bytes, csv_bytes]

    with pytest.raises(BlobTooLarge) as raised:
        store.write(iter(chunks), max_size=len(csv_bytes) + 10)

    assert raised.value.received == 2 * len(csv_bytes)
    assert list_partial_writes(store) == []


def test_write_exactly_max_size_is_accepted(store: ArtifactStore, csv_bytes: bytes) -> None:
    info = store.write(io.BytesIO(csv_bytes), max_size=len(csv_bytes))

    assert info.size == len(csv_bytes)
    assert store.exists(info.sha256)


def test_write_failure_removes_temp_file(store: ArtifactStore, csv_bytes: bytes) -> None:
    def failing_chunks():
        yield csv_bytes
        raise OSError("connection reset by peer")

    with pytest.raises(OSError, match="connection reset"):
        store.write(failing_chunks())

    assert list_partial_writes(store) == []
    assert list_names(store, "blobs") == []


# Reading and integrity


def test_open_streams_identical_bytes(store: ArtifactStore) -> None:
    content = make_csv_bytes(1000) * 200
    info = store.write(io.BytesIO(content))

    read_back = bytearray()
    with store.open(info.sha256) as blob:
        for chunk in iter(lambda: blob.read(MIB), b""):
            read_back += chunk

    assert bytes(read_back) == content


def test_exists_and_size(store: ArtifactStore, stored: BlobInfo, csv_bytes: bytes) -> None:
    assert store.exists(stored.sha256)
    assert not store.exists(UNKNOWN_DIGEST)
    assert store.size(stored.sha256) == len(csv_bytes)


def test_verify_intact_blob(store: ArtifactStore, stored: BlobInfo) -> None:
    assert store.verify(stored.sha256) is True


def test_verify_detects_corruption(store: ArtifactStore, stored: BlobInfo) -> None:
    corrupt_blob(store, stored.sha256)

    assert store.verify(stored.sha256) is False


# Digest validation and missing blobs


INVALID_DIGESTS = [
    "../etc/passwd",
    "../" + "a" * 61,
    "A" * 64,
    "a" * 63,
    "a" * 65,
    "g" * 64,
    "a" * 64 + "\n",
    "",
]

DIGEST_OPERATIONS: dict[str, Callable[[ArtifactStore, str], object]] = {
    "open": lambda store, digest: store.open(digest),
    "exists": lambda store, digest: store.exists(digest),
    "size": lambda store, digest: store.size(digest),
    "verify": lambda store, digest: store.verify(digest),
    "add_reference": lambda store, digest: store.add_reference(digest, "upload:1"),
    "release_reference": lambda store, digest: store.release_reference(digest, "upload:1"),
    "references": lambda store, digest: store.references(digest),
    "delete_unreferenced": lambda store, digest: store.delete_unreferenced(digest),
}


@pytest.mark.parametrize("digest", INVALID_DIGESTS)
@pytest.mark.parametrize("operation", DIGEST_OPERATIONS)
def test_invalid_digest_raises_value_error(store: ArtifactStore, operation: str, digest: str) -> None:
    with pytest.raises(ValueError) as raised:
        DIGEST_OPERATIONS[operation](store, digest)

    assert repr(digest) in str(raised.value)
    assert "64 lowercase hexadecimal" in str(raised.value)


def test_invalid_digest_creates_nothing(store: ArtifactStore) -> None:
    with pytest.raises(ValueError):
        store.add_reference("../../escape", "upload:1")

    if isinstance(store, LocalArtifactStore):
        assert not (store.root.parent / "escape").exists()
    assert list_everything(store) == []


@pytest.mark.parametrize("operation", ["open", "size", "verify", "add_reference", "references"])
def test_unknown_digest_raises_blob_not_found(store: ArtifactStore, operation: str) -> None:
    with pytest.raises(BlobNotFound) as raised:
        DIGEST_OPERATIONS[operation](store, UNKNOWN_DIGEST)

    assert raised.value.sha256 == UNKNOWN_DIGEST
    assert UNKNOWN_DIGEST in str(raised.value)


# References


def test_add_reference_counts_holders(store: ArtifactStore, stored: BlobInfo) -> None:
    assert store.add_reference(stored.sha256, "upload:1") == 1
    assert store.add_reference(stored.sha256, "model-version:7") == 2


def test_add_reference_is_idempotent(store: ArtifactStore, stored: BlobInfo) -> None:
    store.add_reference(stored.sha256, "upload:1")

    assert store.add_reference(stored.sha256, "upload:1") == 1
    assert store.references(stored.sha256) == frozenset({"upload:1"})


def test_add_reference_rejects_empty_holder(store: ArtifactStore, stored: BlobInfo) -> None:
    with pytest.raises(ValueError, match="holder"):
        store.add_reference(stored.sha256, "")


def test_references_returns_holder_strings(store: ArtifactStore, stored: BlobInfo) -> None:
    holders = {"upload:3f2a", "model-version:../../etc/passwd", "run:ünïcödé/with/slashes"}
    for holder in holders:
        store.add_reference(stored.sha256, holder)

    assert store.references(stored.sha256) == frozenset(holders)


def test_references_empty_for_new_blob(store: ArtifactStore, stored: BlobInfo) -> None:
    assert store.references(stored.sha256) == frozenset()


def test_release_keeps_blob_while_holder_remains(store: ArtifactStore, stored: BlobInfo) -> None:
    store.add_reference(stored.sha256, "upload:1")
    store.add_reference(stored.sha256, "model-version:7")

    remaining = store.release_reference(stored.sha256, "upload:1")

    assert remaining == 1
    assert store.exists(stored.sha256)
    assert store.references(stored.sha256) == frozenset({"model-version:7"})


def test_release_last_holder_deletes_blob(store: ArtifactStore, stored: BlobInfo) -> None:
    store.add_reference(stored.sha256, "upload:1")

    remaining = store.release_reference(stored.sha256, "upload:1")

    assert remaining == 0
    assert not store.exists(stored.sha256)
    assert list_names(store, "blobs") == []
    assert list_names(store, "refs") == []


def test_release_reference_is_idempotent(store: ArtifactStore, stored: BlobInfo) -> None:
    store.add_reference(stored.sha256, "upload:1")
    store.add_reference(stored.sha256, "model-version:7")
    store.release_reference(stored.sha256, "upload:1")

    assert store.release_reference(stored.sha256, "upload:1") == 1
    assert store.exists(stored.sha256)


def test_release_after_deletion_returns_zero(store: ArtifactStore, stored: BlobInfo) -> None:
    store.add_reference(stored.sha256, "upload:1")
    store.release_reference(stored.sha256, "upload:1")

    assert store.release_reference(stored.sha256, "upload:1") == 0


def test_release_unknown_holder_keeps_unheld_blob(store: ArtifactStore, stored: BlobInfo) -> None:
    assert store.release_reference(stored.sha256, "upload:never-added") == 0
    assert store.exists(stored.sha256)


def test_write_after_deletion_restores_blob(
    store: ArtifactStore, stored: BlobInfo, csv_bytes: bytes
) -> None:
    store.add_reference(stored.sha256, "upload:1")
    store.release_reference(stored.sha256, "upload:1")

    info = store.write(io.BytesIO(csv_bytes))

    assert info == stored
    assert store.verify(info.sha256)
    assert store.add_reference(info.sha256, "upload:2") == 1


def test_delete_unreferenced_deletes_unheld_blob(store: ArtifactStore, stored: BlobInfo) -> None:
    assert store.delete_unreferenced(stored.sha256) is True
    assert not store.exists(stored.sha256)


def test_delete_unreferenced_keeps_held_blob(store: ArtifactStore, stored: BlobInfo) -> None:
    store.add_reference(stored.sha256, "model-version:7")

    assert store.delete_unreferenced(stored.sha256) is False
    assert store.exists(stored.sha256)


def test_delete_unreferenced_missing_blob(store: ArtifactStore) -> None:
    assert store.delete_unreferenced(UNKNOWN_DIGEST) is False


# Concurrency


def test_concurrent_writes_yield_one_intact_blob(store: ArtifactStore) -> None:
    content = make_csv_bytes(1000) * 60
    thread_count = 8
    start = threading.Barrier(thread_count)

    def write_after_barrier(_: int) -> BlobInfo:
        start.wait()
        return store.write(io.BytesIO(content))

    with ThreadPoolExecutor(max_workers=thread_count) as pool:
        results = list(pool.map(write_after_barrier, range(thread_count)))

    expected = BlobInfo(sha256=hashlib.sha256(content).hexdigest(), size=len(content))
    assert results == [expected] * thread_count
    assert len(list_names(store, "blobs")) == 1
    assert list_partial_writes(store) == []
    assert store.verify(expected.sha256)


def test_concurrent_add_reference_counts_all_holders(store: ArtifactStore, stored: BlobInfo) -> None:
    thread_count = 16
    holders = [f"model-version:{index}" for index in range(thread_count)]
    start = threading.Barrier(thread_count)

    def add_after_barrier(holder: str) -> int:
        start.wait()
        return store.add_reference(stored.sha256, holder)

    with ThreadPoolExecutor(max_workers=thread_count) as pool:
        counts = list(pool.map(add_after_barrier, holders))

    assert sorted(counts) == list(range(1, thread_count + 1))
    assert store.references(stored.sha256) == frozenset(holders)


def test_concurrent_release_deletes_blob_once(store: ArtifactStore, stored: BlobInfo) -> None:
    thread_count = 16
    holders = [f"upload:{index}" for index in range(thread_count)]
    for holder in holders:
        store.add_reference(stored.sha256, holder)
    start = threading.Barrier(thread_count)

    def release_after_barrier(holder: str) -> int:
        start.wait()
        return store.release_reference(stored.sha256, holder)

    with ThreadPoolExecutor(max_workers=thread_count) as pool:
        remaining = list(pool.map(release_after_barrier, holders))

    assert sorted(remaining) == list(range(thread_count))
    assert not store.exists(stored.sha256)


def add_reference_in_process(
    location: str,
    sha256: str,
    holder: str,
    start: multiprocessing.synchronize.Barrier,
    counts: multiprocessing.queues.Queue[int],
) -> None:
    start.wait()
    counts.put(open_artifact_store(location).add_reference(sha256, holder))


def test_concurrent_add_reference_across_processes(store: ArtifactStore, stored: BlobInfo) -> None:
    process_count = 6
    holders = [f"model-version:{index}" for index in range(process_count)]
    context = multiprocessing.get_context("fork")
    start = context.Barrier(process_count)
    counts = context.Queue()
    processes = [
        context.Process(target=add_reference_in_process, args=(store_location(store), stored.sha256, holder, start, counts))
        for holder in holders
    ]

    for process in processes:
        process.start()
    results = [counts.get(timeout=30) for _ in processes]
    for process in processes:
        process.join(timeout=30)

    assert [process.exitcode for process in processes] == [0] * process_count
    assert sorted(results) == list(range(1, process_count + 1))
    assert store.references(stored.sha256) == frozenset(holders)


# Factory


def test_open_artifact_store_from_path(tmp_path: Path) -> None:
    store = open_artifact_store(str(tmp_path / "store"))

    assert isinstance(store, LocalArtifactStore)
    assert store.root == tmp_path / "store"
    assert (tmp_path / "store" / "blobs").is_dir()


def test_open_artifact_store_from_file_url(tmp_path: Path) -> None:
    folder = tmp_path / "my store"

    store = open_artifact_store("file://" + str(folder).replace(" ", "%20"))

    assert isinstance(store, LocalArtifactStore)
    assert store.root == folder


def test_open_artifact_store_from_s3_url(s3_environment: S3Server) -> None:
    store = open_artifact_store("s3://models-bucket/team/artifacts/?part_size=16777216")

    assert isinstance(store, S3ArtifactStore)
    assert store.location.bucket == "models-bucket"
    assert store.location.prefix == "team/artifacts"
    assert store.location.part_size == 16 * MIB
    assert store.endpoint_url == s3_environment.endpoint_url


@pytest.mark.parametrize(
    "location", ["", "http://example.com/store", "file://remote-host/store", "s3://", "s3://Models/artifacts"]
)
def test_open_artifact_store_rejects_invalid_location(location: str) -> None:
    with pytest.raises(ValueError) as raised:
        open_artifact_store(location)

    assert repr(location) in str(raised.value)


class ReleasedAfterFirstWrite(LocalArtifactStore):
    """A folder store where another process releases a blob's last reference just after this one's first write.

    That write found the blob in place, so it stored nothing, and the release then deleted the blob.
    """

    def __init__(self, root: Path, other_holder: str) -> None:
        super().__init__(root)
        self.other_holder: str | None = other_holder
        self.writes = 0

    def write(self, stream: Any, *, max_size: int | None = None) -> BlobInfo:
        info = super().write(stream, max_size=max_size)
        self.writes += 1
        if self.other_holder is not None:
            self.release_reference(info.sha256, self.other_holder)
            self.other_holder = None
        return info


def test_write_held_survives_concurrent_release(tmp_path: Path, csv_bytes: bytes) -> None:
    store = ReleasedAfterFirstWrite(tmp_path / "artifacts", "upload:earlier")
    earlier = LocalArtifactStore(tmp_path / "artifacts").write([csv_bytes])
    store.add_reference(earlier.sha256, "upload:earlier")

    info = store.write_held(lambda: io.BytesIO(csv_bytes), "upload:later")

    assert info == earlier
    assert store.writes == 2
    assert store.references(info.sha256) == frozenset({"upload:later"})
    with store.open(info.sha256) as blob:
        assert blob.read() == csv_bytes


def test_write_held_rejects_changed_data(tmp_path: Path, csv_bytes: bytes) -> None:
    """A source that gives other bytes on the second call, such as a spent generator, must not be referenced instead."""
    store = ReleasedAfterFirstWrite(tmp_path / "artifacts", "upload:earlier")
    store.add_reference(LocalArtifactStore(tmp_path / "artifacts").write([csv_bytes]).sha256, "upload:earlier")
    chunks = iter([csv_bytes])

    with pytest.raises(BlobNotFound):
        store.write_held(lambda: chunks, "upload:later")

    assert store.writes == 2


def test_write_held_adds_reference(store: ArtifactStore, csv_bytes: bytes) -> None:
    info = store.write_held(lambda: [csv_bytes], "evaluation-report:1")

    assert info.sha256 == hashlib.sha256(csv_bytes).hexdigest()
    assert store.references(info.sha256) == frozenset({"evaluation-report:1"})
