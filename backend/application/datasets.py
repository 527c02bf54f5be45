"""Dataset commands: create datasets, turn uploads into versions, derive versions, record profiles.

Parsing an uploaded file and running operations are work on untrusted data, so they happen in a
worker (`DatasetEngine`, Ray in a server) before any event is written: a file or an operation
that fails there creates no version. Profiling a new version runs afterwards, in the background.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from eventsourcing.application import AggregateNotFoundError

from backend.application.aggregates import exists, load
from backend.application.commands import CommandRunner, Outcome
from backend.application.teams import team_with_role
from backend.application.uploads import upload_holder
from backend.domain.access import Principal
from backend.domain.base import Cause, Conflict, InvalidInput, NameIndex, NotFound, index_id
from backend.domain.dataset_operations import for_worker, normalize_operations
from backend.domain.datasets import (
    FILE_FORMATS,
    MAX_COLUMNS,
    MAX_COLUMN_NAME,
    SPLIT_COLUMN,
    Dataset,
    DatasetVersion,
    check_column_name,
    check_column_types,
    check_dataset_name,
)
from backend.domain.identity import EDITOR
from backend.domain.uploads import Upload
from backend.domain.validation import check_choice
from backend.storage import ArtifactStore, BlobNotFound

# Concurrent uploads to one dataset lose the race to number a version; they retry, as model uploads do.
VERSION_ATTEMPTS = 60
MAX_PREVIEW_ROWS = 500


def version_holder(version_id: uuid.UUID) -> str:
    return f"dataset-version:{version_id}"


class DatasetEngine(Protocol):
    """The runner of dataset jobs (parse, derive, preview, export): a Ray worker in a server, this process in tests.

    Each call returns what the worker produced, with the digest of any file it stored; bad data
    raises InvalidInput naming the field and value.
    """

    def ingest(self, upload_sha256: str, filename: str, options: dict[str, Any]) -> dict[str, Any]: ...

    def derive(self, sha256: str, label: str | None, operations: list[dict[str, Any]]) -> dict[str, Any]: ...

    def preview(self, sha256: str, offset: int, limit: int, columns: list[str] | None) -> dict[str, Any]: ...

    def export_csv(self, sha256: str) -> str: ...


@dataclass(frozen=True)
class AddedDatasetVersion:
    version_id: uuid.UUID
    number: int
    outcome: Outcome


class DatasetService:
    def __init__(
        self, runner: CommandRunner, artifacts: ArtifactStore, engine: DatasetEngine, clock: Callable[[], datetime]
    ) -> None:
        self.runner = runner
        self.store = runner.store
        self.artifacts = artifacts
        self.engine = engine
        self.clock = clock

    def create_dataset(
        self, principal: Principal, cause: Cause, *, team_id: uuid.UUID, name: str, description: str = "",
        tags: dict[str, str] | None = None,
    ) -> tuple[uuid.UUID, Outcome]:
        check_dataset_name(name)
        dataset_id = uuid.uuid4()
        team_cause = cause.for_team(str(team_id))

        def decide() -> list[object]:
            team_with_role(self.store, principal, team_id, EDITOR, "createDataset")
            if exists(self.store, index_id("dataset", str(team_id), name)):
                raise Conflict(f"The team already has a dataset named {name!r}.", field="name", value=name)
            dataset = Dataset.create(
                dataset_id, team_id=team_id, name=name, description=description, tags=tags or {}, owner=principal.user_id,
                cause=team_cause,
            )
            return [NameIndex.reserve("dataset", f"{team_id}/{name}", dataset_id, team_cause), dataset]

        return dataset_id, self.runner.run("createDataset", cause, decide)

    def update_dataset(
        self, principal: Principal, cause: Cause, *, dataset_id: uuid.UUID, description: str | None, tags: dict[str, str] | None
    ) -> Outcome:
        def decide() -> list[object]:
            dataset = self._dataset_for(principal, dataset_id, "updateDataset")
            dataset.update(cause.for_team(str(dataset.team_id)), description=description, tags=tags)
            return [dataset]

        return self.runner.run("updateDataset", cause, decide)

    def archive_dataset(self, principal: Principal, cause: Cause, *, dataset_id: uuid.UUID) -> Outcome:
        def decide() -> list[object]:
            dataset = self._dataset_for(principal, dataset_id, "archiveDataset")
            dataset.archive(cause.for_team(str(dataset.team_id)))
            return [dataset]

        return self.runner.run("archiveDataset", cause, decide)

    def restore_dataset(self, principal: Principal, cause: Cause, *, dataset_id: uuid.UUID) -> Outcome:
        def decide() -> list[object]:
            dataset = self._dataset_for(principal, dataset_id, "restoreDataset")
            dataset.restore(cause.for_team(str(dataset.team_id)))
            return [dataset]

        return self.runner.run("restoreDataset", cause, decide)

    def upload_version(
        self, principal: Principal, cause: Cause, *, dataset_id: uuid.UUID, upload_id: uuid.UUID,
        file_format: str | None = None, delimiter: str | None = None, column_types: dict[str, str] | None = None,
        label: str | None = None, allow_duplicate: bool = False,
    ) -> AddedDatasetVersion:
        """Parse an upload into the dataset's next version; the file is read in a worker before anything is recorded."""
        dataset = self._dataset_for(principal, dataset_id, "uploadDatasetVersion")
        dataset.check_active("uploadDatasetVersion")
        upload = self._upload_of(dataset, upload_id)
        options = self._ingest_options(file_format, delimiter, column_types, label)
        content = self.engine.ingest(upload.sha256, upload.filename, options)
        version_id = uuid.uuid4()
        numbered: dict[str, int] = {}

        def decide() -> list[object]:
            current = self._dataset_for(principal, dataset_id, "uploadDatasetVersion")
            fresh_upload = self._upload_of(current, upload_id)
            team_cause = cause.for_team(str(current.team_id))
            original, reservation = self._duplicate_check(current, content["sha256"], version_id, allow_duplicate, "uploadId", str(upload_id), team_cause)
            number = current.add_version(version_id, content["sha256"], team_cause, "uploadDatasetVersion")
            numbered["number"] = number
            version = DatasetVersion.uploaded(
                version_id, dataset=current, number=number, content=content, upload_id=upload_id,
                upload_sha256=fresh_upload.sha256, filename=fresh_upload.filename, column_types=options["columnTypes"],
                duplicate_of=original, cause=team_cause,
            )
            fresh_upload.consume(f"dataset version {version_id}", team_cause)
            return [current, version, fresh_upload, *reservation]

        outcome = self._record_output("uploadDatasetVersion", cause, decide, content["sha256"], version_id)
        self.artifacts.release_reference(upload.sha256, upload_holder(upload_id))
        return AddedDatasetVersion(version_id, numbered["number"], outcome)

    def derive_version(
        self, principal: Principal, cause: Cause, *, parent_id: uuid.UUID, operations: Any, allow_duplicate: bool = False
    ) -> AddedDatasetVersion:
        """Run `operations` on a version in a worker and record the result as its dataset's next version."""
        parent = self.version_for(principal, parent_id, "deriveDatasetVersion", field="parentId")
        self._dataset_for(principal, parent.dataset_id, "deriveDatasetVersion").check_active("deriveDatasetVersion")
        normalized = normalize_operations(operations, parent.columns, parent.label)
        content = self.engine.derive(parent.sha256, parent.label, for_worker(normalized))
        recorded = [
            {**operation, "fitted": fitted} if fitted is not None else operation
            for operation, fitted in zip(normalized, content["fitted"])
        ]
        version_id = uuid.uuid4()
        numbered: dict[str, int] = {}

        def decide() -> list[object]:
            dataset = self._dataset_for(principal, parent.dataset_id, "deriveDatasetVersion")
            team_cause = cause.for_team(str(dataset.team_id))
            original, reservation = self._duplicate_check(
                dataset, content["sha256"], version_id, allow_duplicate, "parentId", str(parent_id), team_cause
            )
            number = dataset.add_version(version_id, content["sha256"], team_cause, "deriveDatasetVersion")
            numbered["number"] = number
            version = DatasetVersion.derived(
                version_id, dataset=dataset, number=number, parent=parent, content=content, operations=recorded,
                duplicate_of=original, cause=team_cause,
            )
            return [dataset, version, *reservation]

        outcome = self._record_output("deriveDatasetVersion", cause, decide, content["sha256"], version_id)
        return AddedDatasetVersion(version_id, numbered["number"], outcome)

    def record_worker_version(
        self, name: str, cause: Cause, *, parent_id: uuid.UUID, content: dict[str, Any], operation: dict[str, Any],
        action: str, with_version: Callable[[uuid.UUID, int, Cause], list[object]],
    ) -> AddedDatasetVersion:
        """Record a file a worker stored as the next version of the parent's dataset, derived by one `operation`.

        `with_version(version_id, number, team_cause)` returns the other aggregates the same command
        appends, such as the job that produced the file. A DomainError it raises records nothing and
        deletes the file unless another version refers to it. The platform acts here, so no role is
        checked, and rows the team already has become a version marked as their duplicate.
        """
        parent = load(self.store, parent_id, DatasetVersion, "datasetVersionId", "Dataset version")
        version_id = uuid.uuid4()
        numbered: dict[str, int] = {}

        def decide() -> list[object]:
            dataset = load(self.store, parent.dataset_id, Dataset, "datasetId", "Dataset")
            team_cause = cause.for_team(str(dataset.team_id))
            original, reservation = self._duplicate_check(
                dataset, content["sha256"], version_id, True, "datasetVersionId", str(parent_id), team_cause
            )
            number = dataset.add_version(version_id, content["sha256"], team_cause, action)
            numbered["number"] = number
            version = DatasetVersion.derived(
                version_id, dataset=dataset, number=number, parent=parent, content=content, operations=[operation],
                duplicate_of=original, cause=team_cause,
            )
            return [dataset, version, *reservation, *with_version(version_id, number, team_cause)]

        outcome = self._record_output(name, cause, decide, content["sha256"], version_id)
        return AddedDatasetVersion(version_id, numbered["number"], outcome)

    def preview(
        self, *, sha256: str, known_columns: list[str], number: int, offset: int, limit: int, columns: list[str] | None
    ) -> dict[str, Any]:
        """Read `limit` rows from `offset` of a version the caller may read, optionally only some columns."""
        if offset < 0:
            raise InvalidInput(f"offset {offset} is invalid; expected 0 or more.", field="offset", value=offset)
        if not 1 <= limit <= MAX_PREVIEW_ROWS:
            raise InvalidInput(f"limit {limit} is invalid; expected 1 to {MAX_PREVIEW_ROWS}.", field="limit", value=limit)
        if columns is not None:
            for position, name in enumerate(columns):
                if name not in known_columns:
                    listed = ", ".join(repr(known) for known in known_columns[:20])
                    more = f" and {len(known_columns) - 20} more" if len(known_columns) > 20 else ""
                    raise InvalidInput(
                        f"columns[{position}] {name[:80]!r} is not a column of version {number}; it has {listed}{more}.",
                        field=f"columns[{position}]",
                        value=name[:80],
                    )
        return self.engine.preview(sha256, offset, limit, columns)

    def export_csv_held(self, sha256: str, holder: str) -> str:
        """Write a version's rows as CSV in the store and hold it for `holder`; returns the CSV's digest."""
        for _attempt in range(2):
            exported = self.engine.export_csv(sha256)
            try:
                self.artifacts.add_reference(exported, holder)
                return exported
            except BlobNotFound:
                # Another download released the same CSV between its writing and this hold.
                continue
        raise Conflict("The CSV export was removed while it was being prepared; download it again.", field="format", value="csv")

    def record_download(self, cause: Cause, *, version_id: uuid.UUID, file_format: str) -> Outcome:
        """Record that a reader of the version's team downloaded it; the caller has checked the right to read."""

        def decide() -> list[object]:
            version = load(self.store, version_id, DatasetVersion, "versionId", "Dataset version")
            version.record_download(file_format, cause.for_team(str(version.team_id)))
            return [version]

        return self.runner.run("downloadDatasetVersion", cause, decide)

    def request_profile(self, principal: Principal, cause: Cause, *, version_id: uuid.UUID) -> Outcome:
        def decide() -> list[object]:
            version = self.version_for(principal, version_id, "profileDatasetVersion")
            version.request_profile(cause.for_team(str(version.team_id)))
            return [version]

        return self.runner.run("profileDatasetVersion", cause, decide)

    def record_progress(self, cause: Cause, *, version_id: uuid.UUID, rows_done: int, rows_total: int) -> Outcome:
        def decide() -> list[object]:
            version = load(self.store, version_id, DatasetVersion, "versionId", "Dataset version")
            recorded = version.record_progress(rows_done, rows_total, cause.for_team(str(version.team_id)))
            return [version] if recorded else []

        return self.runner.run("recordProfilingProgress", cause, decide)

    def record_profile(self, cause: Cause, *, version_id: uuid.UUID, profile: dict[str, Any]) -> Outcome:
        """Store the whole profile as a blob and record its digest on the version."""
        encoded = json.dumps(profile, sort_keys=True, separators=(",", ":")).encode()
        blob = self.artifacts.write_held(lambda: [encoded], f"dataset-profile:{version_id}")
        missing = sum(int(column["missing"]) for column in profile["columns"])

        def decide() -> list[object]:
            version = load(self.store, version_id, DatasetVersion, "versionId", "Dataset version")
            recorded = version.record_profile(blob.sha256, missing, cause.for_team(str(version.team_id)))
            return [version] if recorded else []

        return self.runner.run("recordDatasetProfile", cause, decide)

    def record_profile_failure(self, cause: Cause, *, version_id: uuid.UUID, reason: str) -> Outcome:
        def decide() -> list[object]:
            version = load(self.store, version_id, DatasetVersion, "versionId", "Dataset version")
            recorded = version.record_profile_failure(reason, cause.for_team(str(version.team_id)))
            return [version] if recorded else []

        return self.runner.run("recordDatasetProfileFailure", cause, decide)

    def profile(self, sha256: str) -> dict[str, Any]:
        with self.artifacts.open(sha256) as stream:
            return json.loads(stream.read())

    def version_for(
        self, principal: Principal, version_id: uuid.UUID, action: str, *, field: str = "id", needed: str = EDITOR
    ) -> DatasetVersion:
        """Return the version after checking the caller's role in its team; another team's version looks missing."""
        version = load(self.store, version_id, DatasetVersion, field, "Dataset version")
        try:
            team_with_role(self.store, principal, version.team_id, needed, action)
        except NotFound:
            raise NotFound(f"Dataset version {version_id} was not found.", field=field, value=str(version_id)) from None
        return version

    def _dataset_for(self, principal: Principal, dataset_id: uuid.UUID, action: str) -> Dataset:
        dataset = load(self.store, dataset_id, Dataset, "datasetId", "Dataset")
        try:
            team_with_role(self.store, principal, dataset.team_id, EDITOR, action)
        except NotFound:
            raise NotFound(f"Dataset {dataset_id} was not found.", field="datasetId", value=str(dataset_id)) from None
        return dataset

    def _upload_of(self, dataset: Dataset, upload_id: uuid.UUID) -> Upload:
        upload = load(self.store, upload_id, Upload, "uploadId", "Upload")
        if upload.team_id != dataset.team_id:
            raise NotFound(
                f"Upload {upload_id} was not found in the dataset's team; upload the file with ?team=<the dataset's team id>.",
                field="uploadId",
                value=str(upload_id),
            )
        if upload.consumed_by is not None:
            raise Conflict(
                f"Upload {upload_id} was already used by {upload.consumed_by}; upload the file again.",
                field="uploadId",
                value=str(upload_id),
            )
        return upload

    def _record_output(
        self, name: str, cause: Cause, decide: Callable[[], list[object]], sha256: str, version_id: uuid.UUID
    ) -> Outcome:
        """Run the command that records a worker's Parquet file as a version, holding the file for it first.

        If the command fails, the hold is released, which deletes the file unless another version holds it.
        """
        try:
            self.artifacts.add_reference(sha256, version_holder(version_id))
        except BlobNotFound:
            # A request that failed at the same moment released the same bytes; its worker's copy is gone.
            raise Conflict(
                "Another request stored and removed these rows at the same moment; send this request again.",
                field="id",
                value=str(version_id),
            ) from None
        try:
            return self.runner.run(name, cause, decide, attempts=VERSION_ATTEMPTS)
        except Exception:
            self.artifacts.release_reference(sha256, version_holder(version_id))
            raise

    @staticmethod
    def _ingest_options(
        file_format: str | None, delimiter: str | None, column_types: dict[str, str] | None, label: str | None
    ) -> dict[str, Any]:
        if file_format is not None:
            check_choice("format", file_format, FILE_FORMATS)
        if delimiter is not None and (len(delimiter) != 1 or not (delimiter.isascii() and (delimiter.isprintable() or delimiter == "\t")) or delimiter in "\"\r\n"):
            raise InvalidInput(
                f"delimiter {delimiter[:10]!r} is invalid; expected one printable ASCII character other than a quote, "
                "or a tab, such as ',' ';' '|'.",
                field="delimiter",
                value=delimiter[:10],
            )
        if label is not None:
            check_column_name("label", label)
        return {
            "format": file_format,
            "delimiter": delimiter,
            "columnTypes": check_column_types(column_types or {}),
            "label": label,
            "maxColumns": MAX_COLUMNS,
            "maxNameLength": MAX_COLUMN_NAME,
        }

    def _duplicate_check(
        self, dataset: Dataset, sha256: str, version_id: uuid.UUID, allow_duplicate: bool, field: str, value: str, cause: Cause
    ) -> tuple[uuid.UUID | None, list[object]]:
        """Return the version that first had these rows (if any) and the digest reservation to append."""
        digest_key = f"{dataset.team_id}/{sha256}"
        try:
            index = self.store.repository.get(index_id("dataset-digest", digest_key))
        except AggregateNotFoundError:
            return None, [NameIndex.reserve("dataset-digest", digest_key, version_id, cause)]
        original = load(self.store, index.owner_id, DatasetVersion, field, "Dataset version")
        if not allow_duplicate:
            owner = load(self.store, original.dataset_id, Dataset, field, "Dataset")
            raise Conflict(
                f"These rows are already version {original.number} (id {original.id}) of dataset {owner.name!r}; "
                "pass allowDuplicate: true to add them as a new version anyway.",
                field=field,
                value=value,
            )
        return original.id, []


def split_column_of(columns: list[dict[str, str]]) -> str | None:
    return SPLIT_COLUMN if any(column["name"] == SPLIT_COLUMN for column in columns) else None
