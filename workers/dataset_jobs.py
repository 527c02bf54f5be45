"""Dataset jobs: the blob handling around the Arrow engine in `workers.datasets`, run in a worker.

Each job reads its input from the artifact store, runs the engine on local files and stores
what it produced, so only digests and small JSON travel back. A user's mistake comes back as
`{"error": {"message", "field", "value"}}` rather than an exception, so Ray does not wrap it.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from typing import Any

from backend.storage import BlobNotFound, open_artifact_store

SPLIT_COLUMN = "split"


def _failure(error: Any) -> dict[str, Any]:
    return {"error": {"message": error.message, "field": error.field, "value": error.value}}


def _missing_input(field: str, value: str, what: str) -> dict[str, Any]:
    return {"error": {"message": f"The stored file of {what} is gone, so nothing was recorded; upload the file again.",
                      "field": field, "value": value, "code": "CONFLICT"}}


def _store_output(store: Any, path: str) -> dict[str, Any]:
    with open(path, "rb") as stream:
        blob = store.write(stream)
    return {"sha256": blob.sha256, "size": blob.size}


def ingest_job(artifacts: str, upload_sha256: str, filename: str, options: dict[str, Any]) -> dict[str, Any]:
    """Parse an uploaded file into canonical Parquet and store it; returns its digest, rows and columns."""
    from workers.datasets.errors import DatasetInputError
    from workers.datasets.ingest import ingest

    store = open_artifact_store(artifacts)
    if not store.exists(upload_sha256):
        # Another request used the same upload a moment ago and released its file.
        return _missing_input("uploadId", upload_sha256, "this upload (was it used by another request at the same time?)")
    with tempfile.TemporaryDirectory(prefix="modelcloud-ingest-") as folder, store.local_file(upload_sha256) as source:
        output = os.path.join(folder, "version.parquet")
        try:
            result = ingest(
                source, filename, output, file_format=options.get("format"), delimiter=options.get("delimiter"),
                column_types=options.get("columnTypes") or {}, label=options.get("label"),
                max_columns=options["maxColumns"], max_name_length=options["maxNameLength"],
            )
        except DatasetInputError as error:
            return _failure(error)
        return {**result, **_store_output(store, output), "label": options.get("label")}


def derive_job(artifacts: str, sha256: str, label: str | None, operations: list[dict[str, Any]]) -> dict[str, Any]:
    """Apply operations to a stored version and store the result; returns its digest, columns, splits and fitted values."""
    from workers.datasets.errors import DatasetInputError
    from workers.datasets.operations import derive

    store = open_artifact_store(artifacts)
    with tempfile.TemporaryDirectory(prefix="modelcloud-derive-") as folder, store.local_file(sha256) as source:
        output = os.path.join(folder, "version.parquet")
        try:
            result = derive(source, output, label=label, split_column=SPLIT_COLUMN, operations=operations)
        except DatasetInputError as error:
            return _failure(error)
        return {**result, **_store_output(store, output)}


def preview_job(artifacts: str, sha256: str, offset: int, limit: int, columns: list[str] | None) -> dict[str, Any]:
    from workers.datasets.errors import DatasetInputError
    from workers.datasets.preview import preview

    store = open_artifact_store(artifacts)
    with store.local_file(sha256) as source:
        try:
            return preview(source, offset=offset, limit=limit, columns=columns)
        except DatasetInputError as error:
            return _failure(error)


def export_job(artifacts: str, sha256: str) -> dict[str, Any]:
    """Write a stored version as CSV into the store; returns the CSV's digest."""
    from workers.datasets.preview import export_csv

    store = open_artifact_store(artifacts)
    with tempfile.TemporaryDirectory(prefix="modelcloud-export-") as folder, store.local_file(sha256) as source:
        output = os.path.join(folder, "version.csv")
        export_csv(source, output)
        return _store_output(store, output)


def profile_job(artifacts: str, sha256: str, label: str | None, split_column: str | None) -> Iterator[dict[str, Any]]:
    """Yield progress as `{"progress", "total"}`, then `{"profile": …}`, for a stored version."""
    from workers.datasets.profile import profile_steps

    store = open_artifact_store(artifacts)
    with store.local_file(sha256) as source:
        yield from profile_steps(source, label=label, split_column=split_column)
