"""Content-addressed artifact storage: the store interface, its errors and shared helpers.

Blobs are addressed by the lowercase hex SHA-256 digest of their bytes. Holders (an
upload, a model version) keep a blob alive through references, and a blob is deleted when
its last holder releases it.
"""

from __future__ import annotations

import abc
import contextlib
import hashlib
import logging
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

CHUNK_SIZE = 1024 * 1024
"""Bytes read or hashed at a time, which bounds the memory that one write or verify uses."""

WRITE_HELD_ATTEMPTS = 3
"""Writes in a row that `write_held` tries while concurrent releases keep deleting the blob."""

_DIGEST_PATTERN = re.compile(r"[0-9a-f]{64}")

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BlobInfo:
    """Digest and size in bytes of a stored blob."""

    sha256: str
    size: int


class StorageError(Exception):
    """Base class of the errors that an artifact store raises."""


class BlobNotFound(StorageError):
    """Raised when no blob with the requested digest exists in the store."""

    def __init__(self, sha256: str) -> None:
        super().__init__(f"Blob {sha256} was not found in the artifact store.")
        self.sha256 = sha256


class BlobTooLarge(StorageError):
    """Raised when a write exceeds its size limit, after the partial data was discarded."""

    def __init__(self, *, limit: int, received: int) -> None:
        super().__init__(
            f"The blob exceeds the size limit of {limit} bytes, so writing stopped after "
            f"{received} bytes and nothing was stored. Send a smaller file or raise the limit."
        )
        self.limit = limit
        self.received = received


class StoreUnavailable(StorageError):
    """Raised when the store cannot be used now: its server is unreachable or failed a request, its bucket is missing,
    access is denied, or another process kept a blob's reference lock too long. Trying again later may succeed."""


def validate_digest(sha256: str) -> str:
    """Return `sha256` unchanged, or raise ValueError unless it is 64 lowercase hex characters.

    Stores build file names and object keys from digests, so this check also rejects path
    traversal such as "../etc/passwd".
    """
    if not isinstance(sha256, str) or _DIGEST_PATTERN.fullmatch(sha256) is None:
        raise ValueError(
            f"Invalid SHA-256 digest {sha256!r}. "
            "Expected exactly 64 lowercase hexadecimal characters."
        )
    return sha256


def validate_holder(holder: str) -> str:
    """Return `holder` unchanged, or raise ValueError if it is not a non-empty string."""
    if not isinstance(holder, str) or not holder:
        raise ValueError(
            f"Invalid reference holder {holder!r}. "
            'Expected a non-empty string such as "model-version:<uuid>".'
        )
    return holder


def iter_chunks(
    stream: BinaryIO | Iterable[bytes],
    *,
    max_size: int | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> Iterator[bytes]:
    """Yield the bytes of a binary file object or an iterable of byte chunks.

    Raises BlobTooLarge as soon as the total exceeds `max_size`. A file object is read at
    most one byte past the limit, but an iterable may overshoot by the rest of one chunk.
    """
    _check_stream(stream)
    _check_max_size(max_size)

    if hasattr(stream, "read"):
        chunks = _read_file_chunks(stream, max_size, chunk_size)
    else:
        chunks = iter(stream)

    received = 0
    for chunk in chunks:
        received += len(chunk)
        if max_size is not None and received > max_size:
            raise BlobTooLarge(limit=max_size, received=received)
        if chunk:
            yield bytes(chunk)


def _check_stream(stream: object) -> None:
    # Iterating a bytes object yields ints, which would fail later with an unclear error.
    if isinstance(stream, (bytes, bytearray, memoryview)):
        raise TypeError(
            f"Expected a binary file object or an iterable of bytes chunks, got {type(stream).__name__}. "
            "Wrap the data as io.BytesIO(data) or [data]."
        )


def _check_max_size(max_size: int | None) -> None:
    if max_size is not None and max_size < 0:
        raise ValueError(f"Invalid max_size {max_size!r}. Expected None or a size in bytes of 0 or more.")


def _read_file_chunks(stream: BinaryIO, max_size: int | None, chunk_size: int) -> Iterator[bytes]:
    received = 0
    while True:
        request_size = chunk_size
        if max_size is not None:
            # One byte past the limit is enough to detect an oversized stream.
            request_size = min(chunk_size, max_size + 1 - received)

        chunk = stream.read(request_size)
        if not chunk:
            return
        received += len(chunk)
        yield chunk


class ArtifactStore(abc.ABC):
    """Interface of a content-addressed blob store with per-holder reference counting.

    Every method that takes a digest raises ValueError for a malformed one (see
    `validate_digest`) before it touches storage.
    """

    def check(self) -> None:
        """Raise StoreUnavailable unless the store can be reached and written. The default checks nothing."""

    @abc.abstractmethod
    def write(self, stream: BinaryIO | Iterable[bytes], *, max_size: int | None = None) -> BlobInfo:
        """Store the bytes of `stream` under their SHA-256 digest and return its digest and size.

        Raises BlobTooLarge, and stores nothing, if the data exceeds `max_size` bytes. Storing
        content that already exists keeps the existing blob. The blob has no new holder yet,
        so a concurrent release or `delete_unreferenced` may remove it before the caller adds
        a reference. `write_held` writes and adds the reference, writing again in that case.
        """

    def write_held(
        self, data: Callable[[], BinaryIO | Iterable[bytes]], holder: str, *, max_size: int | None = None
    ) -> BlobInfo:
        """Store the bytes that `data()` returns and add `holder`'s reference, writing again if a concurrent release deleted them.

        A write that finds the blob in place stores nothing, and another process may release the
        blob's last reference before `add_reference` runs. Then the data is written again, so `data`
        must return the same bytes at each call (a file rewound to its start, or a list of chunks).
        Raises BlobNotFound when it returns other bytes, or when the race repeats WRITE_HELD_ATTEMPTS times.
        """
        first: BlobInfo | None = None
        for attempt in range(1, WRITE_HELD_ATTEMPTS + 1):
            info = self.write(data(), max_size=max_size)
            if first is None:
                first = info
            elif info != first:
                raise BlobNotFound(first.sha256)
            try:
                self.add_reference(info.sha256, holder)
                return info
            except BlobNotFound:
                if attempt == WRITE_HELD_ATTEMPTS:
                    raise
                log.info("blob was deleted before its reference was added; writing it again", extra={"sha256": info.sha256, "holder": holder})
        raise AssertionError("unreachable")

    @abc.abstractmethod
    def open(self, sha256: str) -> BinaryIO:
        """Open the blob for streamed binary reads, or raise BlobNotFound. The caller closes it."""

    @abc.abstractmethod
    def exists(self, sha256: str) -> bool:
        """Return whether a blob with this digest is stored."""

    @abc.abstractmethod
    def size(self, sha256: str) -> int:
        """Return the blob's size in bytes, or raise BlobNotFound."""

    @contextlib.contextmanager
    def local_file(self, sha256: str) -> Iterator[str]:
        """Yield the path of a local file with the blob's bytes, for libraries that read files by path.

        The file is read-only for the caller and valid until the block ends. This default copies the
        blob into a temporary file; a store on a local folder yields the blob's own path.
        """
        with tempfile.NamedTemporaryFile(prefix="modelcloud-blob-") as copy, self.open(sha256) as stream:
            for chunk in iter(lambda: stream.read(CHUNK_SIZE), b""):
                copy.write(chunk)
            copy.flush()
            yield copy.name

    def verify(self, sha256: str) -> bool:
        """Re-hash the stored bytes and return whether they still match the digest.

        Raises BlobNotFound if the blob is missing.
        """
        validate_digest(sha256)

        digest = hashlib.sha256()
        with self.open(sha256) as blob:
            for chunk in iter(lambda: blob.read(CHUNK_SIZE), b""):
                digest.update(chunk)

        return digest.hexdigest() == sha256

    @abc.abstractmethod
    def add_reference(self, sha256: str, holder: str) -> int:
        """Record `holder` as a holder of the blob and return the number of holders.

        Adding the same holder again changes nothing. Raises BlobNotFound if the blob is missing.
        """

    @abc.abstractmethod
    def release_reference(self, sha256: str, holder: str) -> int:
        """Remove `holder` from the blob's holders and return the number that remain.

        Releasing a holder that is not recorded changes nothing. When this call removes the
        last holder, the blob is deleted.
        """

    @abc.abstractmethod
    def references(self, sha256: str) -> frozenset[str]:
        """Return the holders of the blob, or raise BlobNotFound if the blob is missing."""

    @abc.abstractmethod
    def delete_unreferenced(self, sha256: str) -> bool:
        """Delete the blob if it has no holders and return whether this call deleted it."""
