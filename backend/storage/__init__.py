"""Content-addressed storage for model artifacts, built on the standard library only."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from backend.storage.artifacts import (
    ArtifactStore,
    BlobInfo,
    BlobNotFound,
    BlobTooLarge,
    StorageError,
)
from backend.storage.local import LocalArtifactStore

__all__ = [
    "ArtifactStore",
    "BlobInfo",
    "BlobNotFound",
    "BlobTooLarge",
    "LocalArtifactStore",
    "StorageError",
    "open_artifact_store",
]


def open_artifact_store(location: str) -> ArtifactStore:
    """Open the artifact store at a folder path or `file://` URL, creating the folder if missing.

    Raises ValueError for an empty location, for `s3://` (not supported in this build) and
    for any other URL scheme.
    """
    if not location:
        raise ValueError("Invalid artifact store location ''. Expected a folder path or a file:// URL.")

    if "://" not in location:
        return LocalArtifactStore(location)

    url = urlsplit(location)
    scheme = url.scheme.lower()
    if scheme == "s3":
        raise ValueError(
            f"Artifact store location {location!r} uses S3, which this build does not support yet. "
            "Use a folder path or a file:// URL."
        )
    if scheme != "file":
        raise ValueError(
            f"Unsupported artifact store location {location!r}. Expected a folder path or a file:// URL."
        )
    if url.netloc not in ("", "localhost"):
        raise ValueError(
            f"Invalid file URL {location!r}. Its host must be empty or localhost. "
            "Write an absolute path as file:///path/to/store."
        )
    if not url.path:
        raise ValueError(f"Invalid file URL {location!r}. Expected file:///path/to/store.")

    return LocalArtifactStore(unquote(url.path))
