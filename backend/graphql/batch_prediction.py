"""GraphQL of batch predictions: start one, list and read them, and follow one's progress live."""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator
from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry.types import Info

from backend.domain.base import NotFound, parse_iso
from backend.graphql.audit import AuditEntry
from backend.graphql.connections import DEFAULT_PAGE, Connection, check_first, decode_position_cursor, page
from backend.graphql.context import Context, in_thread
from backend.graphql.datasets import DatasetVersion
from backend.graphql.identity import parse_id, searched_team_ids, visible_team_ids
from backend.graphql.live import subject_changes
from backend.projections.batch_prediction import BATCH_PREDICTION_TOPIC

Row = dict[str, Any]


@strawberry.enum(description="pending until a worker starts, running while it scores, then completed, or failed with a reason.")
class BatchPredictionStatus(Enum):
    PENDING = "pending"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"


@strawberry.type(description="Rows scored so far out of the rows to score.")
class BatchPredictionProgress:
    rows_done: int
    rows_total: int


@strawberry.type(
    description=(
        "A model version scoring a dataset version's rows (or one split of them) in a Ray worker. The scored rows, with "
        "the prediction columns added, become the next version of the same dataset."
    )
)
class BatchPrediction:
    id: strawberry.ID
    team_id: strawberry.ID
    model_id: strawberry.ID
    model_name: str
    model_version_id: strawberry.ID
    model_version_number: int
    dataset_id: strawberry.ID
    dataset_version_id: strawberry.ID
    dataset_version_number: int
    split: str | None = strawberry.field(description="train, validation or test; null for every row.")
    features: list[str] = strawberry.field(description="The feature columns, in the model's input order.")
    task: str = strawberry.field(description="classification or regression.")
    classes: list[str] | None = strawberry.field(description="The class names, in the model's output order; null for regression.")
    output_columns: list[str] = strawberry.field(
        description=(
            "The columns added to the scored rows: prediction (the class name, or the value for regression) and, for a "
            "classifier, probability_<class> for each class; each starts with the requested outputPrefix."
        )
    )
    status: BatchPredictionStatus
    progress: BatchPredictionProgress
    rows: int | None = strawberry.field(description="Rows scored, once completed.")
    result_dataset_version_id: strawberry.ID | None = strawberry.field(description="The dataset version of the scored rows.")
    result_dataset_version_number: int | None
    notes: list[str] = strawberry.field(
        description="How the rows were prepared, such as missing feature values filled in, or logits read as probabilities."
    )
    failure_reason: str | None
    created_by: str
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_row(cls, row: Row) -> BatchPrediction:
        result_id = row["result_dataset_version_id"]
        return cls(
            id=strawberry.ID(row["batch_prediction_id"]),
            team_id=strawberry.ID(row["team_id"]),
            model_id=strawberry.ID(row["model_id"]),
            model_name=row["model_name"],
            model_version_id=strawberry.ID(row["model_version_id"]),
            model_version_number=int(row["model_version_number"]),
            dataset_id=strawberry.ID(row["dataset_id"]),
            dataset_version_id=strawberry.ID(row["dataset_version_id"]),
            dataset_version_number=int(row["dataset_version_number"]),
            split=row["split"],
            features=json.loads(row["features"]),
            task=row["task"],
            classes=json.loads(row["classes"]) if row["classes"] else None,
            output_columns=json.loads(row["output_columns"]),
            status=BatchPredictionStatus(row["status"]),
            progress=BatchPredictionProgress(rows_done=int(row["rows_done"]), rows_total=int(row["rows_total"])),
            rows=row["rows_predicted"],
            result_dataset_version_id=strawberry.ID(result_id) if result_id else None,
            result_dataset_version_number=row["result_dataset_version_number"],
            notes=json.loads(row["notes"]) if row["notes"] else [],
            failure_reason=row["failure_reason"],
            created_by=row["created_by"],
            created_at=parse_iso(row["created_at"]),  # type: ignore[arg-type]
            updated_at=parse_iso(row["updated_at"]),  # type: ignore[arg-type]
        )

    @strawberry.field(description="The scored dataset version.")
    async def dataset_version(self, info: Info[Context, None]) -> DatasetVersion | None:
        return await _dataset_version(info, str(self.dataset_version_id))

    @strawberry.field(description="The dataset version of the scored rows with the prediction columns; null until completed.")
    async def result_dataset_version(self, info: Info[Context, None]) -> DatasetVersion | None:
        if self.result_dataset_version_id is None:
            return None
        return await _dataset_version(info, str(self.result_dataset_version_id))


async def _dataset_version(info: Info[Context, None], version_id: str) -> DatasetVersion | None:
    reader = info.context.runtime.readers.datasets
    row = await info.context.loader("dataset_versions", reader.versions_by_ids).load(version_id)
    return DatasetVersion.from_row(row) if row else None


@strawberry.input
class StartBatchPredictionInput:
    model_version_id: strawberry.ID
    dataset_version_id: strawberry.ID
    split: str | None = strawberry.field(default=None, description="train, validation, test, or null for every row.")
    output_prefix: str | None = strawberry.field(
        default=None,
        description=(
            "Text put before the names of the added columns, such as 'model_' for model_prediction; needed when the "
            "dataset version already has a column named like one of them. At most 64 characters."
        ),
    )


@strawberry.input
class BatchPredictionFilter:
    model_version_id: strawberry.ID | None = None
    dataset_version_id: strawberry.ID | None = strawberry.field(default=None, description="The scored dataset version.")
    status: list[BatchPredictionStatus] | None = None


@strawberry.type(description="A batch prediction's whole current state and the change that brought it.")
class BatchPredictionUpdate:
    batch_prediction: BatchPrediction
    change: AuditEntry | None


async def readable_batch_prediction(info: Info[Context, None], batch_prediction_id: str, field: str = "id") -> Row:
    parsed = parse_id(field, batch_prediction_id)
    row = await in_thread(info.context.runtime.readers.batch_predictions.batch_prediction, str(parsed))
    visible = await visible_team_ids(info)
    if row is None or (visible is not None and row["team_id"] not in visible):
        raise NotFound(
            f"Batch prediction {batch_prediction_id} was not found among your teams' batch predictions.",
            field=field,
            value=batch_prediction_id,
        )
    return row


def _optional_id(field: str, value: str | None) -> str | None:
    return None if value is None else str(parse_id(field, value))


@strawberry.type
class BatchPredictionQuery:
    @strawberry.field(description="Batch predictions of your teams, newest first.")
    async def batch_predictions(
        self,
        info: Info[Context, None],
        team_id: strawberry.ID | None = None,
        filter: BatchPredictionFilter | None = None,  # noqa: A002
        first: int = DEFAULT_PAGE,
        after: str | None = None,
    ) -> Connection[BatchPrediction]:
        check_first(first)
        wanted = filter or BatchPredictionFilter()
        teams = await searched_team_ids(info, team_id)
        rows = await in_thread(
            lambda: info.context.runtime.readers.batch_predictions.search(
                teams, model_version_id=_optional_id("filter.modelVersionId", wanted.model_version_id),
                dataset_version_id=_optional_id("filter.datasetVersionId", wanted.dataset_version_id),
                statuses=[status.value for status in wanted.status] if wanted.status else None,
                before=decode_position_cursor("batchPredictions", after), limit=first + 1,
            )
        )
        return page(
            rows, first, "batchPredictions", lambda row: row["requested_position"], BatchPrediction.from_row,
            has_previous=after is not None,
        )

    @strawberry.field
    async def batch_prediction(self, info: Info[Context, None], id: strawberry.ID) -> BatchPrediction:  # noqa: A002
        return BatchPrediction.from_row(await readable_batch_prediction(info, id))


@strawberry.type
class BatchPredictionMutation:
    @strawberry.mutation(
        description=(
            "Score a dataset version's rows (or one split) with a model version in a Ray worker; the scored rows become "
            "the dataset's next version. Editors and admins may."
        )
    )
    async def start_batch_prediction(self, info: Info[Context, None], input: StartBatchPredictionInput) -> BatchPrediction:  # noqa: A002
        principal = await info.context.writer()
        model_version_id = parse_id("modelVersionId", input.model_version_id)
        dataset_version_id = parse_id("datasetVersionId", input.dataset_version_id)
        service = info.context.runtime.batch_predictions
        batch_prediction_id, outcome = await in_thread(
            lambda: service.start(
                principal, info.context.cause(principal), model_version_id=model_version_id,
                dataset_version_id=dataset_version_id, split=input.split, output_prefix=input.output_prefix,
            )
        )
        await info.context.settle(outcome)
        row = await in_thread(info.context.runtime.readers.batch_predictions.batch_prediction, str(batch_prediction_id))
        assert row is not None
        return BatchPrediction.from_row(row)


@strawberry.type
class BatchPredictionSubscription:
    @strawberry.subscription(
        description=(
            "The batch prediction's current state at once (with change null), then its whole state after each change: "
            "progress after every chunk of rows, then completion or failure."
        )
    )
    async def batch_prediction_updated(
        self, info: Info[Context, None], id: strawberry.ID  # noqa: A002
    ) -> AsyncGenerator[BatchPredictionUpdate, None]:
        row = await readable_batch_prediction(info, id)
        async for change, entry in subject_changes(info, BATCH_PREDICTION_TOPIC, row["batch_prediction_id"]):
            current = row if change is None else await readable_batch_prediction(info, id)
            yield BatchPredictionUpdate(batch_prediction=BatchPrediction.from_row(current), change=entry)
