"""Datasets: named collections of immutable versions, each a Parquet file with its schema, lineage and profile."""

from __future__ import annotations

import copy
import re
import uuid
from typing import Any

from backend.domain.base import Cause, Conflict, InvalidInput, ModelCloudAggregate
from backend.domain.registry import MAX_DESCRIPTION, check_tags
from backend.domain.validation import check_characters, check_choice, check_length, check_pattern

COLUMN_TYPES = ("integer", "float", "boolean", "string", "datetime", "date")
NUMERIC_TYPES = ("integer", "float")
FILE_FORMATS = ("csv", "parquet", "jsonl")
SOURCES = ("upload", "derived")
SPLIT_COLUMN = "split"
SPLIT_PARTS = ("train", "validation", "test")
MAX_COLUMNS = 2000
MAX_COLUMN_NAME = 256
PROFILING, READY, PROFILE_FAILED = "profiling", "ready", "failed"

DATASET_NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,127}")
DATASET_NAME_RULE = "1 to 128 characters of letters, digits, '_', '.' or '-', starting with a letter or digit"


def check_dataset_name(name: str) -> str:
    check_length("name", name, minimum=1, maximum=128)
    return check_pattern("name", name, DATASET_NAME_PATTERN, DATASET_NAME_RULE)


def check_column_name(field: str, name: Any) -> str:
    if not isinstance(name, str) or not name.strip():
        raise InvalidInput(f"{field} must be a non-empty column name.", field=field, value=name if isinstance(name, str) else None)
    check_characters(field, name)
    return check_length(field, name, minimum=1, maximum=MAX_COLUMN_NAME)


def check_column_types(types: dict[str, str], field: str = "columnTypes") -> dict[str, str]:
    if len(types) > MAX_COLUMNS:
        raise InvalidInput(f"{field} has {len(types)} entries; at most {MAX_COLUMNS} are accepted.", field=field, value=len(types))
    for name, column_type in types.items():
        check_column_name(f"{field}.key", name)
        check_choice(f"{field}.{name}", column_type, COLUMN_TYPES)
    return dict(types)


class Dataset(ModelCloudAggregate):
    """A team's named dataset. It numbers its versions, so concurrent uploads never share a number."""

    class Created(ModelCloudAggregate.Created):
        team_id: uuid.UUID
        name: str
        description: str
        tags: dict[str, str]
        owner: uuid.UUID

        def apply(self, aggregate: Dataset) -> None:
            aggregate.team_id = self.team_id
            aggregate.name = self.name
            aggregate.description = self.description
            aggregate.tags = dict(self.tags)
            aggregate.owner = self.owner
            aggregate.archived = False
            aggregate.versions = {}

    class Updated(ModelCloudAggregate.Event):
        changes: dict[str, Any]

        def apply(self, aggregate: Dataset) -> None:
            for field, value in self.changes.items():
                setattr(aggregate, field, copy.copy(value))

    class VersionAdded(ModelCloudAggregate.Event):
        version_id: uuid.UUID
        number: int
        sha256: str

        def apply(self, aggregate: Dataset) -> None:
            aggregate.versions[self.number] = self.version_id

    class Archived(ModelCloudAggregate.Event):
        def apply(self, aggregate: Dataset) -> None:
            aggregate.archived = True

    class Restored(ModelCloudAggregate.Event):
        def apply(self, aggregate: Dataset) -> None:
            aggregate.archived = False

    team_id: uuid.UUID
    name: str
    description: str
    tags: dict[str, str]
    owner: uuid.UUID
    archived: bool
    versions: dict[int, uuid.UUID]

    def __init__(self, **_: Any) -> None:
        pass

    def __deepcopy__(self, memo: dict[int, Any]) -> Dataset:
        # Only the containers change; their keys and values are immutable.
        copied = copy.copy(self)
        copied.tags = dict(self.tags)
        copied.versions = dict(self.versions)
        copied._pending_events = list(self._pending_events)
        return copied

    @classmethod
    def create(
        cls, dataset_id: uuid.UUID, *, team_id: uuid.UUID, name: str, description: str, tags: dict[str, str],
        owner: uuid.UUID, cause: Cause,
    ) -> Dataset:
        check_dataset_name(name)
        check_length("description", description, maximum=MAX_DESCRIPTION)
        return cls._start(
            cls.Created, cause, id=dataset_id, team_id=team_id, name=name, description=description, tags=check_tags(tags), owner=owner
        )

    def update(self, cause: Cause, *, description: str | None = None, tags: dict[str, str] | None = None) -> None:
        self.check_active("updateDataset")
        checked: dict[str, Any] = {}
        if description is not None:
            checked["description"] = check_length("description", description, maximum=MAX_DESCRIPTION)
        if tags is not None:
            checked["tags"] = check_tags(tags)
        different = {field: value for field, value in checked.items() if getattr(self, field) != value}
        if different:
            self._record(self.Updated, cause, changes=different)

    def add_version(self, version_id: uuid.UUID, sha256: str, cause: Cause, action: str) -> int:
        self.check_active(action)
        number = max(self.versions, default=0) + 1
        self._record(self.VersionAdded, cause, version_id=version_id, number=number, sha256=sha256)
        return number

    def archive(self, cause: Cause) -> None:
        if self.archived:
            raise Conflict(f"Dataset {self.name!r} is already archived.", field="id", value=str(self.id))
        self._record(self.Archived, cause)

    def restore(self, cause: Cause) -> None:
        if not self.archived:
            raise Conflict(f"Dataset {self.name!r} is not archived.", field="id", value=str(self.id))
        self._record(self.Restored, cause)

    def check_active(self, action: str) -> None:
        if self.archived:
            raise Conflict(f"Dataset {self.name!r} is archived; restore it before {action}.", field="id", value=str(self.id))


class DatasetVersion(ModelCloudAggregate):
    """One immutable version of a dataset: a Parquet blob, its columns, label, splits and where it came from."""

    class Uploaded(ModelCloudAggregate.Created):
        dataset_id: uuid.UUID
        team_id: uuid.UUID
        number: int
        sha256: str
        size: int
        rows: int
        columns: list[dict[str, str]]
        label: str | None
        file_format: str
        delimiter: str | None
        filename: str
        upload_id: uuid.UUID
        upload_sha256: str
        column_types: dict[str, str]
        duplicate_of: uuid.UUID | None

        def apply(self, aggregate: DatasetVersion) -> None:
            aggregate._start_state(self)

    class Derived(ModelCloudAggregate.Created):
        dataset_id: uuid.UUID
        team_id: uuid.UUID
        number: int
        sha256: str
        size: int
        rows: int
        columns: list[dict[str, str]]
        label: str | None
        parent_id: uuid.UUID
        parent_number: int
        operations: list[dict[str, Any]]
        splits: dict[str, int] | None
        duplicate_of: uuid.UUID | None

        def apply(self, aggregate: DatasetVersion) -> None:
            aggregate._start_state(self)

    class ProfilingProgressed(ModelCloudAggregate.Event):
        rows_done: int
        rows_total: int

        def apply(self, aggregate: DatasetVersion) -> None:
            aggregate.progress = (self.rows_done, self.rows_total)

    class Profiled(ModelCloudAggregate.Event):
        profile_sha256: str
        missing_cells: int

        def apply(self, aggregate: DatasetVersion) -> None:
            aggregate.status = READY
            aggregate.profile_sha256 = self.profile_sha256

    class ProfilingFailed(ModelCloudAggregate.Event):
        reason: str

        def apply(self, aggregate: DatasetVersion) -> None:
            aggregate.status = PROFILE_FAILED

    class ProfilingRequested(ModelCloudAggregate.Event):
        def apply(self, aggregate: DatasetVersion) -> None:
            aggregate.status = PROFILING
            aggregate.progress = (0, aggregate.rows)

    class Downloaded(ModelCloudAggregate.Event):
        file_format: str

        def apply(self, aggregate: DatasetVersion) -> None:
            pass

    dataset_id: uuid.UUID
    team_id: uuid.UUID
    number: int
    sha256: str
    rows: int
    columns: list[dict[str, str]]
    label: str | None
    status: str
    progress: tuple[int, int]

    def __init__(self, **_: Any) -> None:
        pass

    def _start_state(self, event: Any) -> None:
        self.dataset_id = event.dataset_id
        self.team_id = event.team_id
        self.number = event.number
        self.sha256 = event.sha256
        self.rows = event.rows
        self.columns = [dict(column) for column in event.columns]
        self.label = event.label
        self.status = PROFILING
        self.progress = (0, event.rows)

    @property
    def column_types(self) -> dict[str, str]:
        return {column["name"]: column["type"] for column in self.columns}

    @property
    def has_splits(self) -> bool:
        return SPLIT_COLUMN in self.column_types

    @classmethod
    def uploaded(
        cls, version_id: uuid.UUID, *, dataset: Dataset, number: int, content: dict[str, Any], upload_id: uuid.UUID,
        upload_sha256: str, filename: str, column_types: dict[str, str], duplicate_of: uuid.UUID | None, cause: Cause,
    ) -> DatasetVersion:
        """Record an upload that a worker has parsed into Parquet; `content` is what the worker returned."""
        return cls._start(
            cls.Uploaded, cause, id=version_id, dataset_id=dataset.id, team_id=dataset.team_id, number=number,
            sha256=content["sha256"], size=int(content["size"]), rows=int(content["rows"]), columns=content["columns"],
            label=content.get("label"), file_format=content["format"], delimiter=content.get("delimiter"), filename=filename,
            upload_id=upload_id, upload_sha256=upload_sha256, column_types=column_types, duplicate_of=duplicate_of,
        )

    @classmethod
    def derived(
        cls, version_id: uuid.UUID, *, dataset: Dataset, number: int, parent: DatasetVersion, content: dict[str, Any],
        operations: list[dict[str, Any]], duplicate_of: uuid.UUID | None, cause: Cause,
    ) -> DatasetVersion:
        """Record a version a worker derived from `parent` by `operations`, each with what it fitted."""
        return cls._start(
            cls.Derived, cause, id=version_id, dataset_id=dataset.id, team_id=dataset.team_id, number=number,
            sha256=content["sha256"], size=int(content["size"]), rows=int(content["rows"]), columns=content["columns"],
            label=content.get("label"), parent_id=parent.id, parent_number=parent.number, operations=operations,
            splits=content.get("splits"), duplicate_of=duplicate_of,
        )

    def record_progress(self, rows_done: int, rows_total: int, cause: Cause) -> bool:
        if self.status != PROFILING:
            return False
        self._record(self.ProfilingProgressed, cause, rows_done=rows_done, rows_total=rows_total)
        return True

    def record_profile(self, profile_sha256: str, missing_cells: int, cause: Cause) -> bool:
        """Record a worker's profile; returns False (and records nothing) when the version is already profiled."""
        if self.status != PROFILING:
            return False
        self._record(self.Profiled, cause, profile_sha256=profile_sha256, missing_cells=missing_cells)
        return True

    def request_profile(self, cause: Cause) -> None:
        """Ask the workers to profile the version again, after a failure or to refresh its profile."""
        if self.status == PROFILING:
            raise Conflict(
                f"Version {self.number} is already waiting for its profile; a server with MODELCLOUD_WORKERS=true "
                "profiles it, and datasetUpdated reports the result.",
                field="id",
                value=str(self.id),
            )
        self._record(self.ProfilingRequested, cause)

    def record_download(self, file_format: str, cause: Cause) -> None:
        self._record(self.Downloaded, cause, file_format=file_format)

    def record_profile_failure(self, reason: str, cause: Cause) -> bool:
        if self.status != PROFILING:
            return False
        self._record(self.ProfilingFailed, cause, reason=reason[:1000])
        return True
