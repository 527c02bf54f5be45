"""GraphQL of datasets: datasets, versions with profile, preview and lineage, and the commands that make them."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncGenerator
from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from backend.domain.base import InvalidInput, NotFound, finite_json, parse_iso
from backend.domain.dataset_operations import describe_operation
from backend.domain.datasets import SPLIT_PARTS
from backend.graphql.audit import AuditEntry
from backend.graphql.connections import (
    DEFAULT_PAGE, Connection, check_first, decode_cursor, decode_position_cursor, name_cursor, page,
)
from backend.graphql.context import Context, in_thread
from backend.graphql.live import subject_changes
from backend.graphql.identity import parse_id, searched_team_ids, visible_team_ids
from backend.graphql.registry import Histogram, Tag, TagInput, tag_dict, tags_of
from backend.graphql.training import TrainingRun
from backend.projections.datasets import DATASET_TOPIC

Row = dict[str, Any]
MAX_LINEAGE_DEPTH = 100
MAX_CHILDREN = 100


@strawberry.enum(description="The type of a dataset column; every type allows missing values.")
class ColumnType(Enum):
    INTEGER = "integer"
    FLOAT = "float"
    BOOLEAN = "boolean"
    STRING = "string"
    DATETIME = "datetime"
    DATE = "date"


@strawberry.enum(description="How an uploaded dataset file is written, when its name does not say.")
class DatasetFileFormat(Enum):
    CSV = "csv"
    PARQUET = "parquet"
    JSONL = "jsonl"


@strawberry.enum(description="Where a dataset version comes from.")
class DatasetVersionSource(Enum):
    UPLOAD = "upload"
    DERIVED = "derived"


@strawberry.enum(description="profiling until a worker has profiled the version, then ready, or failed with a reason.")
class DatasetVersionStatus(Enum):
    PROFILING = "profiling"
    READY = "ready"
    FAILED = "failed"


@strawberry.type
class DatasetColumn:
    name: str
    type: ColumnType
    is_label: bool


@strawberry.type(description="A named part of a split version and its row count.")
class DatasetSplit:
    name: str
    rows: int


@strawberry.type(description="A value and how many rows hold it.")
class ValueCount:
    value: JSON | None
    count: int


@strawberry.type(description="The value below which a fraction q of the column's values lie.")
class Quantile:
    q: float
    value: float | None


@strawberry.type(description="Statistics of one column. Numeric fields are null for other types; missing values are left out of the rest.")
class ColumnProfile:
    name: str
    type: ColumnType
    missing: int
    distinct: int
    distinct_exact: bool = strawberry.field(description="False when the column had too many values to count exactly; distinct is then an estimate.")
    min: JSON | None
    max: JSON | None
    mean: float | None
    std: float | None = strawberry.field(description="Sample standard deviation (n - 1).")
    quantiles: list[Quantile]
    quantiles_exact: bool = strawberry.field(description="False when the quantiles come from a uniform sample of a large column.")
    histogram: Histogram | None
    top_values: list[ValueCount]
    top_values_exact: bool

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ColumnProfile:
        histogram = data.get("histogram")
        return cls(
            name=data["name"],
            type=ColumnType(data["type"]),
            missing=int(data["missing"]),
            distinct=int(data["distinct"]),
            distinct_exact=bool(data.get("distinctExact", True)),
            min=data.get("min"),
            max=data.get("max"),
            mean=data.get("mean"),
            std=data.get("std"),
            quantiles=[Quantile(q=float(item["q"]), value=item["value"]) for item in data.get("quantiles") or []],
            quantiles_exact=bool(data.get("quantilesExact", True)),
            histogram=Histogram(edges=histogram["edges"], counts=histogram["counts"]) if histogram else None,
            top_values=[ValueCount(value=item["value"], count=int(item["count"])) for item in data.get("topValues") or []],
            top_values_exact=bool(data.get("topValuesExact", True)),
        )


@strawberry.type(description="How many rows hold each value of the label column.")
class LabelDistribution:
    column: str
    distribution: list[ValueCount]

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> LabelDistribution | None:
        if not data:
            return None
        return cls(
            column=data["column"],
            distribution=[ValueCount(value=item["value"], count=int(item["count"])) for item in data["distribution"]],
        )


@strawberry.type(description="The profile of the rows of one split part.")
class SplitProfile:
    name: str
    rows: int
    columns: list[ColumnProfile]
    label: LabelDistribution | None


@strawberry.type(description="What is in a version: per column statistics, the label distribution, and the same per split part.")
class DatasetProfile:
    rows: int
    columns: list[ColumnProfile]
    label: LabelDistribution | None
    splits: list[SplitProfile]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DatasetProfile:
        splits = data.get("splits") or {}
        return cls(
            rows=int(data["rows"]),
            columns=[ColumnProfile.from_dict(column) for column in data["columns"]],
            label=LabelDistribution.from_dict(data.get("label")),
            splits=[
                SplitProfile(
                    name=name,
                    rows=int(part["rows"]),
                    columns=[ColumnProfile.from_dict(column) for column in part["columns"]],
                    label=LabelDistribution.from_dict(part.get("label")),
                )
                for name, part in sorted(splits.items(), key=lambda item: _part_order(item[0]))
            ],
        )


def _part_order(name: str) -> tuple[int, str]:
    return (SPLIT_PARTS.index(name), name) if name in SPLIT_PARTS else (len(SPLIT_PARTS), name)


@strawberry.type(description="One operation that derived a version, with the statistics it fitted (on the train part when there is one).")
class DatasetOperation:
    op: str
    description: str
    parameters: JSON = strawberry.field(description="The operation as recorded, without fitted.")
    fitted: JSON | None = strawberry.field(description="What the operation learnt from the data, such as means and standard deviations.")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DatasetOperation:
        parameters = {key: value for key, value in data.items() if key != "fitted"}
        return cls(
            op=data["op"], description=describe_operation(data), parameters=finite_json(parameters), fitted=finite_json(data.get("fitted"))
        )



@strawberry.type(description="A page of rows; values are JSON (times as ISO text, NaN and infinities as text).")
class DatasetPreview:
    columns: list[DatasetColumn]
    rows: list[list[JSON | None]]
    offset: int
    total: int


@strawberry.type(
    description=(
        "Profiling so far. The worker reads the rows twice, and rowsDone counts both passes as halves of "
        "rowsTotal, so it is half of rowsTotal when the first pass ends."
    )
)
class ProfilingProgress:
    rows_done: int
    rows_total: int


@strawberry.type(description="One immutable version of a dataset.")
class DatasetVersion:
    id: strawberry.ID
    dataset_id: strawberry.ID
    team_id: strawberry.ID
    number: int
    source: DatasetVersionSource
    status: DatasetVersionStatus
    rows: int
    columns: list[DatasetColumn]
    label: str | None
    splits: list[DatasetSplit] = strawberry.field(
        description=(
            "The parts of a version derived with a split. Empty for other versions; the profile of an upload "
            "that brings its own split column lists its parts."
        )
    )
    sha256: str = strawberry.field(description="SHA-256 of the stored Parquet file.")
    size: int = strawberry.field(description="Bytes of the stored Parquet file.")
    format: DatasetFileFormat | None = strawberry.field(description="How the uploaded file was written; null for derived versions.")
    delimiter: str | None
    filename: str | None
    parent_id: strawberry.ID | None
    parent_number: int | None
    operations: list[DatasetOperation]
    duplicate_of_id: strawberry.ID | None = strawberry.field(description="The version that first had these rows, if any.")
    profiling_progress: ProfilingProgress
    missing_cells: int | None
    failure_reason: str | None
    created_by: str
    created_at: datetime
    updated_at: datetime
    profile_sha256: strawberry.Private[str | None]

    @classmethod
    def from_row(cls, row: Row) -> DatasetVersion:
        columns = json.loads(row["columns"])
        splits = json.loads(row["splits"]) if row["splits"] else {}
        return cls(
            id=strawberry.ID(row["version_id"]),
            dataset_id=strawberry.ID(row["dataset_id"]),
            team_id=strawberry.ID(row["team_id"]),
            number=int(row["number"]),
            source=DatasetVersionSource(row["source"]),
            status=DatasetVersionStatus(row["status"]),
            rows=int(row["row_count"]),
            columns=[
                DatasetColumn(name=column["name"], type=ColumnType(column["type"]), is_label=column["name"] == row["label"])
                for column in columns
            ],
            label=row["label"],
            splits=[DatasetSplit(name=name, rows=int(count)) for name, count in sorted(splits.items(), key=lambda item: _part_order(item[0]))],
            sha256=row["sha256"],
            size=int(row["size"]),
            format=DatasetFileFormat(row["file_format"]) if row["file_format"] else None,
            delimiter=row["delimiter"],
            filename=row["filename"],
            parent_id=strawberry.ID(row["parent_id"]) if row["parent_id"] else None,
            parent_number=row["parent_number"],
            operations=[DatasetOperation.from_dict(item) for item in json.loads(row["operations"] or "[]")],
            duplicate_of_id=strawberry.ID(row["duplicate_of"]) if row["duplicate_of"] else None,
            profiling_progress=ProfilingProgress(rows_done=int(row["rows_done"]), rows_total=int(row["row_count"])),
            missing_cells=row["missing_cells"],
            failure_reason=row["failure_reason"],
            created_by=row["created_by"],
            created_at=parse_iso(row["created_at"]),  # type: ignore[arg-type]
            updated_at=parse_iso(row["updated_at"]),  # type: ignore[arg-type]
            profile_sha256=row["profile_sha256"],
        )

    @strawberry.field(description="Where to download the rows, as Parquet or (with ?format=csv) CSV, with the same credentials.")
    def download_path(self) -> str:
        return f"/v1/dataset-versions/{self.id}/data"

    @strawberry.field
    async def dataset(self, info: Info[Context, None]) -> Dataset:
        row = await info.context.loader("datasets", info.context.runtime.readers.datasets.datasets_by_ids).load(str(self.dataset_id))
        return Dataset.from_row(row)

    @strawberry.field(description="The version this one was derived from; null for uploads.")
    async def parent(self, info: Info[Context, None]) -> DatasetVersion | None:
        if self.parent_id is None:
            return None
        reader = info.context.runtime.readers.datasets
        row = await info.context.loader("dataset_versions", reader.versions_by_ids).load(str(self.parent_id))
        return DatasetVersion.from_row(row) if row else None

    @strawberry.field(description="The whole profile; null until a worker has profiled the version.")
    async def profile(self, info: Info[Context, None]) -> DatasetProfile | None:
        if self.profile_sha256 is None:
            return None
        data = await in_thread(info.context.runtime.datasets.profile, self.profile_sha256)
        return DatasetProfile.from_dict(data)

    @strawberry.field(description="Rows from offset (0-based), at most limit (1 to 500), optionally only some columns.")
    async def preview(
        self, info: Info[Context, None], offset: int = 0, limit: int = 50, columns: list[str] | None = None
    ) -> DatasetPreview:
        datasets = info.context.runtime.datasets
        known = [column.name for column in self.columns]
        result = await in_thread(
            lambda: datasets.preview(sha256=self.sha256, known_columns=known, number=self.number, offset=offset, limit=limit, columns=columns)
        )
        types = {column.name: column for column in self.columns}
        return DatasetPreview(
            columns=[types[column["name"]] for column in result["columns"]],
            rows=result["rows"],
            offset=offset,
            total=int(result["total"]),
        )

    @strawberry.field(description="Training runs that used this version, newest first.")
    async def training_runs(
        self, info: Info[Context, None], first: int = DEFAULT_PAGE, after: str | None = None
    ) -> Connection[TrainingRun]:
        check_first(first)
        rows = await in_thread(
            lambda: info.context.runtime.readers.training.search(
                None, dataset_version_id=str(self.id), before=decode_position_cursor("runs", after), limit=first + 1
            )
        )
        return page(rows, first, "runs", lambda row: row["queued_position"], TrainingRun.from_row, has_previous=after is not None)

    @strawberry.field(description="Where this version came from and what was made from it.")
    async def lineage(self, info: Info[Context, None]) -> DatasetLineage:
        reader = info.context.runtime.readers.datasets
        ancestors: list[DatasetVersion] = []
        parent_id = self.parent_id
        while parent_id is not None and len(ancestors) < MAX_LINEAGE_DEPTH:
            row = await in_thread(reader.version, str(parent_id))
            if row is None:
                break
            ancestors.append(DatasetVersion.from_row(row))
            parent_id = strawberry.ID(row["parent_id"]) if row["parent_id"] else None
        children = await in_thread(reader.children, str(self.id), MAX_CHILDREN)
        return DatasetLineage(
            ancestors=list(reversed(ancestors)), children=[DatasetVersion.from_row(row) for row in children]
        )


@strawberry.type(description="A version's ancestors from the first upload down to its parent, and the versions derived from it.")
class DatasetLineage:
    ancestors: list[DatasetVersion]
    children: list[DatasetVersion]


@strawberry.type(description="A team's dataset: a name for a series of immutable versions.")
class Dataset:
    id: strawberry.ID
    team_id: strawberry.ID
    name: str
    description: str
    tags: list[Tag]
    owner_id: str
    archived: bool
    version_count: int
    created_at: datetime
    updated_at: datetime
    latest_version_id: strawberry.Private[str | None]

    @classmethod
    def from_row(cls, row: Row) -> Dataset:
        return cls(
            id=strawberry.ID(row["dataset_id"]),
            team_id=strawberry.ID(row["team_id"]),
            name=row["name"],
            description=row["description"],
            tags=tags_of(json.loads(row["tags"])),
            owner_id=row["owner"],
            archived=bool(row["archived"]),
            version_count=int(row["version_count"]),
            created_at=parse_iso(row["created_at"]),  # type: ignore[arg-type]
            updated_at=parse_iso(row["updated_at"]),  # type: ignore[arg-type]
            latest_version_id=row["latest_version_id"],
        )

    @strawberry.field
    async def latest_version(self, info: Info[Context, None]) -> DatasetVersion | None:
        if self.latest_version_id is None:
            return None
        reader = info.context.runtime.readers.datasets
        row = await info.context.loader("dataset_versions", reader.versions_by_ids).load(self.latest_version_id)
        return DatasetVersion.from_row(row) if row else None

    @strawberry.field(description="Versions by number.")
    async def versions(self, info: Info[Context, None], first: int = DEFAULT_PAGE, after: str | None = None) -> Connection[DatasetVersion]:
        check_first(first)
        raw = decode_cursor("version", after)
        after_number = int(raw) if raw is not None and raw.isdecimal() and len(raw) < 10 else None
        if raw is not None and after_number is None:
            raise InvalidInput(f"after {after!r} is not a cursor of this list.", field="after", value=(after or "")[:40])
        rows = await in_thread(info.context.runtime.readers.datasets.versions, str(self.id), after_number, first + 1)
        return page(rows, first, "version", lambda row: row["number"], DatasetVersion.from_row, has_previous=after is not None)


@strawberry.type(description="A dataset after a change, the version the change concerned (if any), and the change.")
class DatasetUpdate:
    dataset: Dataset
    version: DatasetVersion | None
    change: AuditEntry | None


@strawberry.input
class CreateDatasetInput:
    team_id: strawberry.ID
    name: str
    description: str = ""
    tags: list[TagInput] = strawberry.field(default_factory=list)


@strawberry.input
class UpdateDatasetInput:
    id: strawberry.ID
    description: str | None = None
    tags: list[TagInput] | None = strawberry.field(default=None, description="Replaces every tag.")


@strawberry.input
class ColumnTypeInput:
    name: str
    type: ColumnType


@strawberry.input
class UploadDatasetVersionInput:
    dataset_id: strawberry.ID
    upload_id: strawberry.ID
    format: DatasetFileFormat | None = strawberry.field(default=None, description="Needed when neither the file name nor the content shows the format.")
    delimiter: str | None = strawberry.field(default=None, description="CSV field separator; sniffed among , ; tab and | when null.")
    column_types: list[ColumnTypeInput] = strawberry.field(default_factory=list, description="Types that replace the inferred ones.")
    label: str | None = strawberry.field(default=None, description="The column a model learns to predict.")
    allow_duplicate: bool = strawberry.field(default=False, description="Add rows the team already has as a new version.")


@strawberry.input
class DeriveDatasetVersionInput:
    parent_id: strawberry.ID
    operations: list[JSON] = strawberry.field(
        description=(
            "Operations run in order, each an object with op: dropMissing, fillMissing, dropDuplicates, dropColumns, "
            "renameColumns, castColumns, filter, standardize, minMaxScale, oneHot or split. See docs/datasets.md."
        )
    )
    allow_duplicate: bool = False


async def readable_dataset(info: Info[Context, None], dataset_id: str, field: str = "id") -> Row:
    parsed = parse_id(field, dataset_id)
    row = await in_thread(info.context.runtime.readers.datasets.dataset, str(parsed))
    visible = await visible_team_ids(info)
    if row is None or (visible is not None and row["team_id"] not in visible):
        raise NotFound(f"Dataset {dataset_id} was not found among your teams' datasets.", field=field, value=dataset_id)
    return row


async def readable_dataset_version(info: Info[Context, None], version_id: str, field: str = "id") -> Row:
    parsed = parse_id(field, version_id)
    row = await in_thread(info.context.runtime.readers.datasets.version, str(parsed))
    visible = await visible_team_ids(info)
    if row is None or (visible is not None and row["team_id"] not in visible):
        raise NotFound(f"Dataset version {version_id} was not found among your teams' datasets.", field=field, value=version_id)
    return row


@strawberry.type
class DatasetsQuery:
    @strawberry.field(description="Datasets of your teams by name; archived ones only when archived is true or null.")
    async def datasets(
        self,
        info: Info[Context, None],
        team_id: strawberry.ID | None = None,
        name_contains: str | None = None,
        archived: bool | None = False,
        first: int = DEFAULT_PAGE,
        after: str | None = None,
    ) -> Connection[Dataset]:
        check_first(first)
        teams = await searched_team_ids(info, team_id)
        reader = info.context.runtime.readers.datasets
        rows = await in_thread(reader.search, teams, name_contains, archived, name_cursor("datasets", after), first + 1)
        return page(
            rows, first, "datasets", lambda row: json.dumps([row["name_key"], row["dataset_id"]]), Dataset.from_row,
            has_previous=after is not None,
        )

    @strawberry.field
    async def dataset(self, info: Info[Context, None], id: strawberry.ID) -> Dataset:  # noqa: A002
        return Dataset.from_row(await readable_dataset(info, id))

    @strawberry.field
    async def dataset_version(self, info: Info[Context, None], id: strawberry.ID) -> DatasetVersion:  # noqa: A002
        return DatasetVersion.from_row(await readable_dataset_version(info, id))


async def _dataset_after(info: Info[Context, None], outcome: Any, dataset_id: uuid.UUID) -> Dataset:
    await info.context.settle(outcome)
    row = await in_thread(info.context.runtime.readers.datasets.dataset, str(dataset_id))
    assert row is not None
    return Dataset.from_row(row)


async def _version_after(info: Info[Context, None], added: Any) -> DatasetVersion:
    await info.context.settle(added.outcome)
    row = await in_thread(info.context.runtime.readers.datasets.version, str(added.version_id))
    assert row is not None
    return DatasetVersion.from_row(row)


def _column_types(inputs: list[ColumnTypeInput]) -> dict[str, str]:
    found: dict[str, str] = {}
    for item in inputs:
        if item.name in found:
            raise InvalidInput(
                f"columnTypes names column {item.name[:80]!r} twice; give each column once.", field="columnTypes", value=item.name[:80]
            )
        found[item.name] = item.type.value
    return found


@strawberry.type
class DatasetsMutation:
    @strawberry.mutation(description="Create a dataset in a team; editors and admins may.")
    async def create_dataset(self, info: Info[Context, None], input: CreateDatasetInput) -> Dataset:  # noqa: A002
        principal = await info.context.writer()
        team_id = parse_id("teamId", input.team_id)
        datasets = info.context.runtime.datasets
        dataset_id, outcome = await in_thread(
            lambda: datasets.create_dataset(
                principal, info.context.cause(principal, team_id), team_id=team_id, name=input.name,
                description=input.description, tags=tag_dict(input.tags) or {},
            )
        )
        return await _dataset_after(info, outcome, dataset_id)

    @strawberry.mutation(description="Change a dataset's description or tags.")
    async def update_dataset(self, info: Info[Context, None], input: UpdateDatasetInput) -> Dataset:  # noqa: A002
        principal = await info.context.writer()
        dataset_id = parse_id("id", input.id)
        datasets = info.context.runtime.datasets
        outcome = await in_thread(
            lambda: datasets.update_dataset(
                principal, info.context.cause(principal), dataset_id=dataset_id, description=input.description, tags=tag_dict(input.tags)
            )
        )
        return await _dataset_after(info, outcome, dataset_id)

    @strawberry.mutation(
        description=(
            "Parse an upload (CSV, Parquet or JSON Lines) into the dataset's next version. The file is read in a "
            "worker before anything is recorded, so a bad file creates no version; profiling follows in the background."
        )
    )
    async def upload_dataset_version(self, info: Info[Context, None], input: UploadDatasetVersionInput) -> DatasetVersion:  # noqa: A002
        principal = await info.context.writer()
        dataset_id, upload_id = parse_id("datasetId", input.dataset_id), parse_id("uploadId", input.upload_id)
        datasets = info.context.runtime.datasets
        added = await in_thread(
            lambda: datasets.upload_version(
                principal, info.context.cause(principal), dataset_id=dataset_id, upload_id=upload_id,
                file_format=input.format.value if input.format else None, delimiter=input.delimiter,
                column_types=_column_types(input.column_types), label=input.label, allow_duplicate=input.allow_duplicate,
            )
        )
        return await _version_after(info, added)

    @strawberry.mutation(
        description="Run operations on a version in a worker and record the result as its dataset's next version, with its lineage."
    )
    async def derive_dataset_version(self, info: Info[Context, None], input: DeriveDatasetVersionInput) -> DatasetVersion:  # noqa: A002
        principal = await info.context.writer()
        parent_id = parse_id("parentId", input.parent_id)
        datasets = info.context.runtime.datasets
        added = await in_thread(
            lambda: datasets.derive_version(
                principal, info.context.cause(principal), parent_id=parent_id, operations=list(input.operations),
                allow_duplicate=input.allow_duplicate,
            )
        )
        return await _version_after(info, added)

    @strawberry.mutation(description="Profile a version again, such as one whose profiling failed; editors and admins may.")
    async def profile_dataset_version(self, info: Info[Context, None], id: strawberry.ID) -> DatasetVersion:  # noqa: A002
        principal = await info.context.writer()
        version_id = parse_id("id", id)
        datasets = info.context.runtime.datasets
        outcome = await in_thread(lambda: datasets.request_profile(principal, info.context.cause(principal), version_id=version_id))
        await info.context.settle(outcome)
        row = await in_thread(info.context.runtime.readers.datasets.version, str(version_id))
        assert row is not None
        return DatasetVersion.from_row(row)

    @strawberry.mutation(description="Archive a dataset: it leaves default lists and takes no new versions.")
    async def archive_dataset(self, info: Info[Context, None], id: strawberry.ID) -> Dataset:  # noqa: A002
        principal = await info.context.writer()
        dataset_id = parse_id("id", id)
        datasets = info.context.runtime.datasets
        outcome = await in_thread(lambda: datasets.archive_dataset(principal, info.context.cause(principal), dataset_id=dataset_id))
        return await _dataset_after(info, outcome, dataset_id)

    @strawberry.mutation(description="Bring an archived dataset back.")
    async def restore_dataset(self, info: Info[Context, None], id: strawberry.ID) -> Dataset:  # noqa: A002
        principal = await info.context.writer()
        dataset_id = parse_id("id", id)
        datasets = info.context.runtime.datasets
        outcome = await in_thread(lambda: datasets.restore_dataset(principal, info.context.cause(principal), dataset_id=dataset_id))
        return await _dataset_after(info, outcome, dataset_id)


@strawberry.type
class DatasetsSubscription:
    @strawberry.subscription(
        description=(
            "The dataset's current state at once (with change null), then its whole state each time it or one of its "
            "versions changes: new versions, profiling progress and completion."
        )
    )
    async def dataset_updated(self, info: Info[Context, None], id: strawberry.ID) -> AsyncGenerator[DatasetUpdate, None]:  # noqa: A002
        row = await readable_dataset(info, id)
        reader = info.context.runtime.readers.datasets
        async for change, entry in subject_changes(info, DATASET_TOPIC, row["dataset_id"]):
            current = row if change is None else await readable_dataset(info, id)
            version = None
            if change is not None and change.keys.get("version"):
                version_row = await in_thread(reader.version, change.keys["version"])
                version = DatasetVersion.from_row(version_row) if version_row else None
            yield DatasetUpdate(dataset=Dataset.from_row(current), version=version, change=entry)
