"""GraphQL of training runs: runs and their epochs, metric series, layer histograms, start, cancel, live updates."""

from __future__ import annotations

import json
import math
from collections.abc import AsyncGenerator
from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from backend.application.commands import Outcome
from backend.domain.base import InvalidInput, NotFound, parse_iso
from backend.graphql.audit import AuditEntry
from backend.graphql.connections import DEFAULT_PAGE, Connection, check_first, decode_position_cursor, page
from backend.graphql.context import Context, in_thread
from backend.graphql.identity import parse_id, searched_team_ids, visible_team_ids
from backend.graphql.live import subject_changes
from backend.graphql.registry import ModelVersion, Tag, tags_of
from backend.projections.series import downsample
from backend.projections.training import TRAINING_TOPIC, special_of

Row = dict[str, Any]
DEFAULT_MAX_POINTS = 1000
MAX_POINTS = 100_000
MIN_POINTS = 5
MAX_SERIES = 50
MAX_RETURNED_POINTS = 200_000


@strawberry.enum(description="queued until its workers start (again after a restart), then running, then how it ended.")
class TrainingRunStatus(Enum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


@strawberry.enum(description="What a layer histogram counts.")
class HistogramKind(Enum):
    WEIGHTS = "weights"
    GRADIENTS = "gradients"


@strawberry.type(description="A metric's value; when it is NaN or an infinity, value is null and nonFinite names it.")
class MetricValue:
    name: str
    value: float | None
    non_finite: str | None = strawberry.field(description="NaN, Infinity or -Infinity when the value is not a finite number.")


def metric_values(text: str | None) -> list[MetricValue]:
    metrics: dict[str, float] = json.loads(text) if text else {}
    return [
        MetricValue(name=name, value=value if math.isfinite(value) else None, non_finite=special_of(value))
        for name, value in sorted(metrics.items())
    ]


@strawberry.type(description="One point of a metric series.")
class MetricPoint:
    step: float = strawberry.field(description="The global training step (a Float, since steps may exceed 2^31).")
    epoch: int | None = strawberry.field(description="The epoch that ended at this step; null for a point logged between epochs.")
    value: float | None
    non_finite: str | None
    wall_time: float = strawberry.field(description="When the point was recorded, in milliseconds since the Unix epoch.")


@strawberry.type(description="A metric's points in step order, downsampled when the series has more than maxPoints points.")
class MetricSeries:
    name: str
    total_points: int
    downsampled: bool
    points: list[MetricPoint]


@strawberry.type(description="One completed epoch: its metrics, learning rate, duration and the estimated time left.")
class TrainingEpoch:
    epoch: int
    attempt: int
    step: float
    metrics: list[MetricValue]
    learning_rate: float | None
    duration_seconds: float
    eta_seconds: float | None
    recorded_at: datetime

    @classmethod
    def from_row(cls, row: Row) -> TrainingEpoch:
        return cls(
            epoch=int(row["epoch"]),
            attempt=int(row["attempt"]),
            step=float(row["step"]),
            metrics=metric_values(row["metrics"]),
            learning_rate=row["learning_rate"],
            duration_seconds=float(row["duration_seconds"]),
            eta_seconds=row["eta_seconds"],
            recorded_at=parse_iso(row["recorded_at"]),  # type: ignore[arg-type]
        )


@strawberry.type(description="A weight tensor (or its gradient) that has histograms, named by its layer and path.")
class HistogramTensor:
    layer: str
    tensor: str
    kind: HistogramKind


@strawberry.type(
    description=(
        "A histogram of one weight tensor or its gradient at an epoch's end: equal-width bins from low to high over the "
        "finite values, with NaN and infinities counted apart."
    )
)
class LayerHistogram:
    epoch: int
    layer: str
    tensor: str
    kind: HistogramKind = strawberry.field(description="Gradients are taken over a fixed probe batch of training rows.")
    low: float | None
    high: float | None
    counts: list[int]
    nan_count: int
    inf_count: int
    min: float | None
    max: float | None
    mean: float | None
    std: float | None

    @classmethod
    def from_row(cls, row: Row) -> LayerHistogram:
        return cls(
            epoch=int(row["epoch"]), layer=row["layer"], tensor=row["tensor"], kind=HistogramKind(row["kind"]), low=row["low"],
            high=row["high"], counts=json.loads(row["counts"]), nan_count=int(row["nan_count"]),
            inf_count=int(row["inf_count"]), min=row["minimum"], max=row["maximum"], mean=row["mean"], std=row["std"],
        )

    @strawberry.field(description="The bin edges, one more than the bins; empty when no value was finite.")
    def edges(self) -> list[float]:
        if self.low is None or self.high is None or not self.counts:
            return []
        width = (self.high - self.low) / len(self.counts)
        return [self.low + index * width for index in range(len(self.counts))] + [self.high]


@strawberry.type(description="A model trained on Ray from a dataset version and a configuration revision.")
class TrainingRun:
    id: strawberry.ID
    team_id: strawberry.ID
    name: str
    source: str = strawberry.field(description="platform for a run the platform trains, external for one that createRun opened.")
    status: TrainingRunStatus
    owner_id: str
    model_id: strawberry.ID | None = strawberry.field(
        description="The model whose next version the run registers; for an external run, the model of registerRunModel."
    )
    dataset_id: strawberry.ID | None
    dataset_version_id: strawberry.ID | None
    config_profile_id: strawberry.ID | None = strawberry.field(description="Null for an external run, as are config to epochsPlanned.")
    config_revision: int | None
    config: JSON | None = strawberry.field(description="The configuration revision's whole document, as the run used it.")
    template: str | None
    base_model_version_id: strawberry.ID | None
    label: str | None
    features: list[str] | None
    epochs_planned: int | None
    tags: list[Tag]
    params: JSON = strawberry.field(description="An external run's parameters, as its client logged them.")
    git_commit: str | None
    git_dirty: bool | None = strawberry.field(description="Whether the client's checkout had uncommitted changes.")
    epochs_done: int
    step: float
    attempt: int = strawberry.field(description="The current attempt; each restart after a lost worker adds one.")
    workers: int
    cancel_requested: bool
    latest_metrics: list[MetricValue]
    learning_rate: float | None
    eta_seconds: float | None = strawberry.field(description="Estimated seconds left, from the mean epoch time so far.")
    data_summary: JSON | None = strawberry.field(description="Rows, steps per epoch, classes and parameters, once prepared.")
    checkpoint_epoch: int | None
    restarts: int
    restart_reason: str | None
    failure_reason: str | None
    stopped_early: bool | None
    best_epoch: int | None
    final_metrics: list[MetricValue]
    classes: list[str] | None
    model_version_id: strawberry.ID | None
    model_version_number: int | None
    registration_error: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    updated_at: datetime

    @classmethod
    def from_row(cls, row: Row) -> TrainingRun:
        plan = json.loads(row["plan"]) if row["plan"] else {}
        return cls(
            id=strawberry.ID(row["run_id"]),
            team_id=strawberry.ID(row["team_id"]),
            name=row["name"],
            source=row["source"],
            status=TrainingRunStatus(row["status"]),
            owner_id=row["owner"],
            model_id=_optional_id_of(row["model_id"]),
            dataset_id=_optional_id_of(row["dataset_id"]),
            dataset_version_id=_optional_id_of(row["dataset_version_id"]),
            config_profile_id=_optional_id_of(row["config_profile_id"]),
            config_revision=row["config_revision"],
            config=json.loads(row["config"]) if row["config"] else None,
            template=row["template"],
            base_model_version_id=_optional_id_of(row["base_version_id"]),
            label=plan.get("label"),
            features=plan.get("features"),
            epochs_planned=row["epochs_planned"],
            tags=tags_of(json.loads(row["tags"])),
            params=json.loads(row["params"]),
            git_commit=row["git_commit"],
            git_dirty=None if row["git_dirty"] is None else bool(row["git_dirty"]),
            epochs_done=int(row["epochs_done"]),
            step=float(row["step"]),
            attempt=int(row["attempt"]),
            workers=int(row["workers"]),
            cancel_requested=bool(row["cancel_requested"]),
            latest_metrics=metric_values(row["latest_metrics"]),
            learning_rate=row["learning_rate"],
            eta_seconds=row["eta_seconds"],
            data_summary=json.loads(row["summary"]) if row["summary"] else None,
            checkpoint_epoch=row["checkpoint_epoch"],
            restarts=int(row["restarts"]),
            restart_reason=row["restart_reason"],
            failure_reason=row["failure_reason"],
            stopped_early=None if row["stopped_early"] is None else bool(row["stopped_early"]),
            best_epoch=row["best_epoch"],
            final_metrics=metric_values(row["final_metrics"]),
            classes=json.loads(row["classes"]) if row["classes"] else None,
            model_version_id=strawberry.ID(row["version_id"]) if row["version_id"] else None,
            model_version_number=row["version_number"],
            registration_error=row["registration_error"],
            created_at=parse_iso(row["created_at"]),  # type: ignore[arg-type]
            started_at=parse_iso(row["started_at"]),
            finished_at=parse_iso(row["finished_at"]),
            updated_at=parse_iso(row["updated_at"]),  # type: ignore[arg-type]
        )

    @strawberry.field(description="Every completed epoch, in order.")
    async def epochs(self, info: Info[Context, None]) -> list[TrainingEpoch]:
        rows = await in_thread(info.context.runtime.readers.training.epochs, str(self.id))
        return [TrainingEpoch.from_row(row) for row in rows]

    @strawberry.field(description="The names of every recorded metric series.")
    async def metric_names(self, info: Info[Context, None]) -> list[str]:
        return await in_thread(info.context.runtime.readers.training.metric_names, str(self.id))

    @strawberry.field(
        description=(
            "Metric series by name (every series when names is null), each with at most maxPoints points: a longer series "
            "keeps the first, last, minimum, maximum and first non-finite point of each stretch of steps."
        )
    )
    async def metrics(
        self, info: Info[Context, None], names: list[str] | None = None, max_points: int = DEFAULT_MAX_POINTS
    ) -> list[MetricSeries]:
        if not MIN_POINTS <= max_points <= MAX_POINTS:
            raise InvalidInput(
                f"maxPoints {max_points} is invalid: it must be from {MIN_POINTS} to {MAX_POINTS}.", field="maxPoints", value=max_points
            )
        if names is not None and len(names) > MAX_SERIES:
            raise InvalidInput(f"names has {len(names)} entries; at most {MAX_SERIES} are accepted.", field="names", value=len(names))
        reader = info.context.runtime.readers.training
        wanted = list(dict.fromkeys(names)) if names is not None else (await in_thread(reader.metric_names, str(self.id)))[:MAX_SERIES]
        if len(wanted) * max_points > MAX_RETURNED_POINTS:
            raise InvalidInput(
                f"{len(wanted)} series of up to {max_points} points each exceed the {MAX_RETURNED_POINTS:,} points one "
                "query may return; ask for fewer names or a lower maxPoints.",
                field="maxPoints",
                value=max_points,
            )
        return [await in_thread(_series, reader, str(self.id), name, max_points) for name in wanted]

    @strawberry.field(description="The layers' weight tensors that have histograms, and of which kinds.")
    async def histogram_tensors(self, info: Info[Context, None]) -> list[HistogramTensor]:
        rows = await in_thread(info.context.runtime.readers.training.histogram_tensors, str(self.id))
        return [HistogramTensor(layer=row["layer"], tensor=row["tensor"], kind=HistogramKind(row["kind"])) for row in rows]

    @strawberry.field(description="Histograms by epoch, filtered by layer name, kind (weights or gradients) and epoch.")
    async def histograms(
        self, info: Info[Context, None], layer: str | None = None, kind: HistogramKind | None = None, epoch: int | None = None
    ) -> list[LayerHistogram]:
        wanted = kind.value if kind is not None else None
        rows = await in_thread(info.context.runtime.readers.training.histograms, str(self.id), layer, wanted, epoch)
        return [LayerHistogram.from_row(row) for row in rows]

    @strawberry.field(description="The model version the run registered, once it succeeded.")
    async def model_version(self, info: Info[Context, None]) -> ModelVersion | None:
        if self.model_version_id is None:
            return None
        row = await in_thread(info.context.runtime.readers.registry.version, str(self.model_version_id))
        return ModelVersion.from_row(row) if row else None


def _optional_id_of(value: str | None) -> strawberry.ID | None:
    return strawberry.ID(value) if value else None


def _series(reader: Any, run_id: str, name: str, max_points: int) -> MetricSeries:
    rows = reader.points(run_id, name)
    kept = downsample(rows, max_points)
    return MetricSeries(
        name=name,
        total_points=len(rows),
        downsampled=len(kept) < len(rows),
        points=[
            MetricPoint(step=float(row["step"]), epoch=row["epoch"], value=row["value"], non_finite=row["special"],
                        wall_time=float(row["wall_time"]))
            for row in kept
        ],
    )


@strawberry.type(description="A metric point that a change recorded.")
class RecordedPoint:
    name: str
    step: float
    epoch: int | None
    value: float | None
    non_finite: str | None
    wall_time: float

    @classmethod
    def from_row(cls, row: Row) -> RecordedPoint:
        return cls(
            name=row["name"], step=float(row["step"]), epoch=row["epoch"], value=row["value"], non_finite=row["special"],
            wall_time=float(row["wall_time"]),
        )


@strawberry.type(
    description=(
        "A run's whole current state, the epoch just completed if that was the change, the metric points the change "
        "recorded, and the change."
    )
)
class TrainingRunUpdate:
    run: TrainingRun
    epoch: TrainingEpoch | None
    points: list[RecordedPoint] = strawberry.field(description="Empty unless the change recorded metric points.")
    change: AuditEntry | None


@strawberry.input(description="Filters of trainingRuns; every filter given must match.")
class TrainingRunFilter:
    status: list[TrainingRunStatus] | None = strawberry.field(default=None, description="Runs in any of these states.")
    model_id: strawberry.ID | None = None
    dataset_version_id: strawberry.ID | None = None
    config_profile_id: strawberry.ID | None = None


@strawberry.input
class StartTrainingRunInput:
    model_id: strawberry.ID = strawberry.field(description="The model whose next version the run trains.")
    dataset_version_id: strawberry.ID = strawberry.field(description="A profiled version with train and validation rows.")
    config_profile_id: strawberry.ID
    config_revision: int | None = strawberry.field(default=None, description="Null takes the latest revision.")
    base_model_version_id: strawberry.ID | None = strawberry.field(default=None, description="fine_tune only: the version to start from.")
    label: str | None = strawberry.field(default=None, description="The label column; null takes the dataset version's label.")
    name: str | None = strawberry.field(default=None, description="Null names the run after the model and its id.")


async def readable_run(info: Info[Context, None], run_id: str, field: str = "id") -> Row:
    parsed = parse_id(field, run_id)
    row = await in_thread(info.context.runtime.readers.training.run, str(parsed))
    visible = await visible_team_ids(info)
    if row is None or (visible is not None and row["team_id"] not in visible):
        raise NotFound(f"Training run {run_id} was not found among your teams' runs.", field=field, value=run_id)
    return row


def _optional_id(field: str, value: str | None) -> str | None:
    return None if value is None else str(parse_id(field, value))


@strawberry.type
class TrainingQuery:
    @strawberry.field(description="Training runs of your teams, newest first.")
    async def training_runs(
        self,
        info: Info[Context, None],
        team_id: strawberry.ID | None = None,
        filter: TrainingRunFilter | None = None,  # noqa: A002
        first: int = DEFAULT_PAGE,
        after: str | None = None,
    ) -> Connection[TrainingRun]:
        check_first(first)
        wanted = filter or TrainingRunFilter()
        statuses = [status.value for status in wanted.status] if wanted.status else None
        teams = await searched_team_ids(info, team_id)
        rows = await in_thread(
            lambda: info.context.runtime.readers.training.search(
                teams, statuses=statuses, model_id=_optional_id("filter.modelId", wanted.model_id),
                dataset_version_id=_optional_id("filter.datasetVersionId", wanted.dataset_version_id),
                config_profile_id=_optional_id("filter.configProfileId", wanted.config_profile_id),
                before=decode_position_cursor("runs", after), limit=first + 1,
            )
        )
        return page(rows, first, "runs", lambda row: row["queued_position"], TrainingRun.from_row, has_previous=after is not None)

    @strawberry.field
    async def training_run(self, info: Info[Context, None], id: strawberry.ID) -> TrainingRun:  # noqa: A002
        return TrainingRun.from_row(await readable_run(info, id))


async def run_after(info: Info[Context, None], outcome: Any, run_id: Any) -> TrainingRun:
    await info.context.settle(outcome)
    row = await in_thread(info.context.runtime.readers.training.run, str(run_id))
    assert row is not None
    return TrainingRun.from_row(row)


@strawberry.type
class TrainingMutation:
    @strawberry.mutation(
        description=(
            "Queue a run that trains the model's next version on Ray from a dataset version's train and validation rows "
            "and a configuration revision; editors and admins may."
        )
    )
    async def start_training_run(self, info: Info[Context, None], input: StartTrainingRunInput) -> TrainingRun:  # noqa: A002
        principal = await info.context.writer()
        model_id = parse_id("modelId", input.model_id)
        dataset_version_id = parse_id("datasetVersionId", input.dataset_version_id)
        profile_id = parse_id("configProfileId", input.config_profile_id)
        base_id = parse_id("baseModelVersionId", input.base_model_version_id) if input.base_model_version_id else None
        training = info.context.runtime.training
        run_id, outcome = await in_thread(
            lambda: training.start_run(
                principal, info.context.cause(principal), model_id=model_id, dataset_version_id=dataset_version_id,
                config_profile_id=profile_id, config_revision=input.config_revision, base_version_id=base_id,
                label=input.label, name=input.name,
            )
        )
        return await run_after(info, outcome, run_id)

    @strawberry.mutation(description="Cancel a queued or running run; its workers stop within seconds.")
    async def cancel_training_run(self, info: Info[Context, None], id: strawberry.ID) -> TrainingRun:  # noqa: A002
        principal = await info.context.writer()
        run_id = parse_id("id", id)
        training = info.context.runtime.training
        outcome = await in_thread(lambda: training.cancel_run(principal, info.context.cause(principal), run_id=run_id))
        if not outcome.events:
            # Another cancel was recorded first, so wait until the read model has it and this response shows it too.
            outcome = Outcome(position=info.context.runtime.store.head(), events=0)
        return await run_after(info, outcome, run_id)


@strawberry.type
class TrainingSubscription:
    @strawberry.subscription(
        description=(
            "The run's current state at once (with change null), then its whole state at each change: each epoch "
            "(with its metrics), checkpoint, restart and the end."
        )
    )
    async def training_run_updated(self, info: Info[Context, None], id: strawberry.ID) -> AsyncGenerator[TrainingRunUpdate, None]:  # noqa: A002
        row = await readable_run(info, id)
        async for change, entry in subject_changes(info, TRAINING_TOPIC, row["run_id"]):
            current = row if change is None else await readable_run(info, id)
            epoch = None
            points: list[RecordedPoint] = []
            if change is not None and change.keys.get("epoch") is not None:
                epoch = await in_thread(_epoch_row, info, row["run_id"], int(change.keys["epoch"]))
            if change is not None and (change.keys.get("points") or change.keys.get("epoch") is not None):
                rows = await in_thread(info.context.runtime.readers.training.points_at, row["run_id"], int(change.keys["position"]))
                points = [RecordedPoint.from_row(point) for point in rows]
            yield TrainingRunUpdate(run=TrainingRun.from_row(current), epoch=epoch, points=points, change=entry)


def _epoch_row(info: Info[Context, None], run_id: str, epoch: int) -> TrainingEpoch | None:
    row = info.context.runtime.readers.training.epoch(run_id, epoch)
    return TrainingEpoch.from_row(row) if row else None
