"""Content-addressed storage for model artifacts: a local folder, or an S3 bucket through boto3.

boto3 is imported only when an s3:// location is opened, so a process on a local store never loads it.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from backend.storage.artifacts import (
    ArtifactStore,
    BlobInfo,
    BlobNotFound,
    BlobTooLarge,
    StorageError,
    StoreUnavailable,
)
from backend.storage.local import LocalArtifactStore
from backend.storage.s3_location import S3Location, is_s3_location, parse_s3_location

__all__ = [
    "ArtifactStore",
    "BlobInfo",
    "BlobNotFound",
    "BlobTooLarge",
    "LocalArtifactStore",
    "S3Location",
    "StorageError",
    "StoreUnavailable",
    "open_artifact_store",
]


_ACCEPTED = "a folder path, a file:// URL or an s3://bucket/prefix URL"


def open_artifact_store(location: str) -> ArtifactStore:
    """Open the artifact store at a folder path, a `file://` URL or an `s3://bucket/prefix` URL.

    A local folder is created if missing. Opening an S3 store sends no request; call `check()` for
    that. Raises ValueError for an empty or malformed location and for any other URL scheme, and
    StoreUnavailable when the S3 client cannot be configured.
    """
    if not location:
        raise ValueError(f"Invalid artifact store location ''. Expected {_ACCEPTED}.")

    if "://" not in location:
        return LocalArtifactStore(location)

    if is_s3_location(location):
        from backend.storage.s3 import S3ArtifactStore

        return S3ArtifactStore(parse_s3_location(location))

    url = urlsplit(location)
    if url.scheme.lower() != "file":
        raise ValueError(f"Unsupported artifact store location {location!r}. Expected {_ACCEPTED}.")
    if url.netloc not in ("", "localhost"):
        raise ValueError(
            f"Invalid file URL {location!r}. Its host must be empty or localhost. "
            "Write an absolute path as file:///path/to/store."
        )
    if not url.path:
        raise ValueError(f"Invalid file URL {location!r}. Expected file:///path/to/store.")

    return LocalArtifactStore(unquote(url.path))
