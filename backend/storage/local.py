"""Artifact store on a local folder, safe for concurrent threads and processes on one POSIX host."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from backend.storage.artifacts import (
    ArtifactStore,
    BlobInfo,
    BlobNotFound,
    iter_chunks,
    validate_digest,
    validate_holder,
)


class LocalArtifactStore(ArtifactStore):
    """Artifact store that keeps blobs, references and lock files under one root folder.

    Layout: `blobs/<first 2 hex>/<digest>`, `refs/<digest>/<sha256 of holder>` (the file
    contains the holder string), `locks/<first 2 hex>/<digest>` and `tmp/` for partial writes.
    Reference changes and deletions of one digest are serialized by `fcntl.flock` on its lock file,
    which excludes threads and processes of one host. Sharing the root between hosts is not supported.
    """

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self._blobs_dir = self.root / "blobs"
        self._refs_dir = self.root / "refs"
        self._locks_dir = self.root / "locks"
        self._tmp_dir = self.root / "tmp"

        for folder in (self._blobs_dir, self._refs_dir, self._locks_dir, self._tmp_dir):
            folder.mkdir(parents=True, exist_ok=True)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self.root)!r})"

    def write(self, stream: BinaryIO | Iterable[bytes], *, max_size: int | None = None) -> BlobInfo:
        temp_path, info = self._write_temp_file(stream, max_size)
        try:
            with self._locked(info.sha256):
                self._move_into_place(temp_path, info.sha256)
        finally:
            temp_path.unlink(missing_ok=True)
        return info

    def open(self, sha256: str) -> BinaryIO:
        try:
            return open(self._blob_path(sha256), "rb")
        except FileNotFoundError:
            raise BlobNotFound(sha256) from None

    def exists(self, sha256: str) -> bool:
        return self._blob_path(sha256).is_file()

    @contextlib.contextmanager
    def local_file(self, sha256: str) -> Iterator[str]:
        path = self._blob_path(sha256)
        if not path.is_file():
            raise BlobNotFound(sha256)
        yield str(path)

    def size(self, sha256: str) -> int:
        try:
            return self._blob_path(sha256).stat().st_size
        except FileNotFoundError:
            raise BlobNotFound(sha256) from None

    def add_reference(self, sha256: str, holder: str) -> int:
        reference_path = self._reference_path(sha256, holder)

        with self._locked(sha256):
            if not self._blob_path(sha256).is_file():
                raise BlobNotFound(sha256)
            if not reference_path.exists():
                self._write_reference(reference_path, holder)
            return self._count_references(sha256)

    def release_reference(self, sha256: str, holder: str) -> int:
        reference_path = self._reference_path(sha256, holder)

        with self._locked(sha256):
            try:
                reference_path.unlink()
            except FileNotFoundError:
                return self._count_references(sha256)

            remaining = self._count_references(sha256)
            if remaining == 0:
                self._delete_blob(sha256)
            return remaining

    def references(self, sha256: str) -> frozenset[str]:
        with self._locked(sha256, shared=True):
            if not self._blob_path(sha256).is_file():
                raise BlobNotFound(sha256)
            return frozenset(path.read_text(encoding="utf-8") for path in self._reference_files(sha256))

    def delete_unreferenced(self, sha256: str) -> bool:
        with self._locked(sha256):
            if not self._blob_path(sha256).is_file() or self._count_references(sha256) > 0:
                return False
            self._delete_blob(sha256)
            return True

    def _write_temp_file(
        self, stream: BinaryIO | Iterable[bytes], max_size: int | None
    ) -> tuple[Path, BlobInfo]:
        """Copy `stream` into a new file under tmp/ and return its path, digest and size.

        Removes the file and re-raises if reading or writing fails, including on BlobTooLarge.
        """
        descriptor, name = tempfile.mkstemp(dir=self._tmp_dir, prefix="write-")
        temp_path = Path(name)
        digest = hashlib.sha256()
        size = 0

        try:
            with os.fdopen(descriptor, "wb") as temp_file:
                for chunk in iter_chunks(stream, max_size=max_size):
                    digest.update(chunk)
                    temp_file.write(chunk)
                    size += len(chunk)
                temp_file.flush()
                os.fsync(temp_file.fileno())
        except BaseException:
            temp_path.unlink(missing_ok=True)
            raise

        return temp_path, BlobInfo(sha256=digest.hexdigest(), size=size)

    def _move_into_place(self, temp_path: Path, sha256: str) -> None:
        blob_path = self._blob_path(sha256)
        if blob_path.exists():
            return

        blob_path.parent.mkdir(exist_ok=True)
        # tmp/ and blobs/ share the root's file system, so the rename is atomic and readers
        # see either no blob or the whole blob.
        os.replace(temp_path, blob_path)

    def _write_reference(self, reference_path: Path, holder: str) -> None:
        reference_path.parent.mkdir(exist_ok=True)
        descriptor, name = tempfile.mkstemp(dir=self._tmp_dir, prefix="ref-")
        try:
            with os.fdopen(descriptor, "wb") as temp_file:
                temp_file.write(holder.encode("utf-8"))
            os.replace(name, reference_path)
        except BaseException:
            Path(name).unlink(missing_ok=True)
            raise

    def _delete_blob(self, sha256: str) -> None:
        self._blob_path(sha256).unlink(missing_ok=True)
        with contextlib.suppress(FileNotFoundError):
            self._refs_dir.joinpath(sha256).rmdir()

    def _reference_files(self, sha256: str) -> list[Path]:
        folder = self._refs_dir / sha256
        if not folder.is_dir():
            return []
        return list(folder.iterdir())

    def _count_references(self, sha256: str) -> int:
        return len(self._reference_files(sha256))

    @contextlib.contextmanager
    def _locked(self, sha256: str, *, shared: bool = False) -> Iterator[None]:
        """Hold the digest's lock file for the duration of the block.

        Each call opens its own file description, so flock excludes threads of this process
        as well as other processes.
        """
        lock_path = self._sharded_path(self._locks_dir, sha256)
        lock_path.parent.mkdir(exist_ok=True)

        # NOTE: lock files are never removed, because unlinking one while another process
        # waits on it would let two processes lock different files for the same digest.
        descriptor = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
            yield
        finally:
            os.close(descriptor)

    def _blob_path(self, sha256: str) -> Path:
        return self._sharded_path(self._blobs_dir, sha256)

    def _reference_path(self, sha256: str, holder: str) -> Path:
        validate_holder(holder)
        holder_digest = hashlib.sha256(holder.encode("utf-8")).hexdigest()
        return self._refs_dir / validate_digest(sha256) / holder_digest

    @staticmethod
    def _sharded_path(folder: Path, sha256: str) -> Path:
        validate_digest(sha256)
        return folder / sha256[:2] / sha256
