"""GraphQL of tracking clients: open an external run, log metrics, parameters and histograms, finish, register a model."""

from __future__ import annotations

import math
from enum import Enum
from typing import Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from backend.domain.base import InvalidInput
from backend.graphql.context import Context, in_thread
from backend.graphql.identity import parse_id
from backend.graphql.registry import ModelVersion, TagInput, tag_dict
from backend.graphql.training import HistogramKind, TrainingRun, run_after

NON_FINITE_VALUES = {"NAN": math.nan, "INFINITY": math.inf, "NEGATIVE_INFINITY": -math.inf}


@strawberry.enum(description="A value JSON cannot carry as a number.")
class NonFinite(Enum):
    NAN = "NAN"
    INFINITY = "INFINITY"
    NEGATIVE_INFINITY = "NEGATIVE_INFINITY"


@strawberry.enum(description="How an external run ended.")
class RunOutcome(Enum):
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


@strawberry.input(description="An external run's start: its name and what it trains with.")
class CreateRunInput:
    team_id: strawberry.ID
    name: str
    tags: list[TagInput] = strawberry.field(default_factory=list)
    params: JSON | None = strawberry.field(default=None, description="Hyperparameters and other settings, as a JSON object.")
    dataset_version_id: strawberry.ID | None = None
    git_commit: str | None = strawberry.field(default=None, description="The commit of the training code, when known.")
    git_dirty: bool | None = strawberry.field(default=None, description="Whether the code had uncommitted changes.")


@strawberry.input(description="One metric value at a step; a NaN or infinite value is sent as nonFinite with value null.")
class MetricPointInput:
    name: str
    step: float = strawberry.field(description="A whole number from 0 to 2^53 (a Float, since it may exceed 2^31).")
    value: float | None = None
    non_finite: NonFinite | None = None
    wall_time: float = strawberry.field(description="When the value was measured, in milliseconds since the Unix epoch.")


@strawberry.input
class LogMetricsInput:
    run_id: strawberry.ID
    batch_id: str = strawberry.field(description="A client-made id: a batch sent again with the same id is stored once.")
    points: list[MetricPointInput] = strawberry.field(description="At most 10,000 points.")


@strawberry.type(description="A point the server did not record, by its index in the batch, and why.")
class RejectedPoint:
    index: int
    name: str
    step: float | None
    reason: str


@strawberry.type(description="The outcome of a batch of points: how many were recorded, and each point that was rejected.")
class LogMetricsResult:
    accepted: int
    already_stored: bool = strawberry.field(description="The run had this batch id already, so nothing was recorded again.")
    rejected: list[RejectedPoint]


@strawberry.input
class LogParamsInput:
    run_id: strawberry.ID
    params: JSON


@strawberry.input(description="A histogram in the platform's binned form: counts of equal bins from low to high.")
class HistogramInput:
    layer: str
    tensor: str
    kind: HistogramKind
    low: float | None = None
    high: float | None = None
    counts: list[int] = strawberry.field(default_factory=list)
    nan_count: int = 0
    inf_count: int = 0
    min: float | None = None
    max: float | None = None
    mean: float | None = None
    std: float | None = None


@strawberry.input
class LogHistogramsInput:
    run_id: strawberry.ID
    batch_id: str
    step: int = strawberry.field(description="The step (or epoch) the histograms describe, from 0 to 2^31 - 1.")
    epoch: int | None = strawberry.field(default=None, description="The epoch, when the client counts them; null uses step.")
    histograms: list[HistogramInput]


@strawberry.input
class FinishRunInput:
    run_id: strawberry.ID
    status: RunOutcome
    reason: str | None = None


@strawberry.input
class RegisterRunModelInput:
    run_id: strawberry.ID
    model_id: strawberry.ID
    upload_id: strawberry.ID = strawberry.field(description="The model file, uploaded to /v1/uploads in the run's team.")


def _point(index: int, point: MetricPointInput) -> dict[str, Any]:
    if (point.value is None) == (point.non_finite is None):
        raise InvalidInput(
            f"points[{index}] must have exactly one of value and nonFinite.", field=f"points[{index}].value", value=point.value
        )
    value = point.value if point.non_finite is None else NON_FINITE_VALUES[point.non_finite.value]
    return {"name": point.name, "step": point.step, "value": value, "wallTime": point.wall_time}


def _histogram(histogram: HistogramInput) -> dict[str, Any]:
    return {
        "layer": histogram.layer, "tensor": histogram.tensor, "kind": histogram.kind.value, "low": histogram.low,
        "high": histogram.high, "counts": list(histogram.counts), "nanCount": histogram.nan_count,
        "infCount": histogram.inf_count, "min": histogram.min, "max": histogram.max, "mean": histogram.mean,
        "std": histogram.std,
    }


@strawberry.type
class TrackingMutation:
    @strawberry.mutation(description="Open an external run for training code that runs outside the platform; it starts RUNNING.")
    async def create_run(self, info: Info[Context, None], input: CreateRunInput) -> TrainingRun:  # noqa: A002
        principal = await info.context.writer()
        team_id = parse_id("teamId", input.team_id)
        dataset_version_id = parse_id("datasetVersionId", input.dataset_version_id) if input.dataset_version_id else None
        tracking = info.context.runtime.tracking
        run_id, outcome = await in_thread(
            lambda: tracking.create_run(
                principal, info.context.cause(principal, team_id), team_id=team_id, name=input.name,
                tags=tag_dict(input.tags, "tags") or {}, params=input.params if input.params is not None else {},
                dataset_version_id=dataset_version_id, git_commit=input.git_commit, git_dirty=input.git_dirty,
            )
        )
        return await run_after(info, outcome, run_id)

    @strawberry.mutation(
        description=(
            "Record a batch of metric points of an external run as one event. A bad point is rejected with its reason and "
            "the others are kept; a batch id the run has already stored records nothing."
        )
    )
    async def log_metrics(self, info: Info[Context, None], input: LogMetricsInput) -> LogMetricsResult:  # noqa: A002
        principal = await info.context.writer()
        run_id = parse_id("runId", input.run_id)
        points = [_point(index, point) for index, point in enumerate(input.points)]
        tracking = info.context.runtime.tracking
        logged = await in_thread(
            lambda: tracking.log_metrics(
                principal, info.context.cause(principal), run_id=run_id, batch_id=input.batch_id, points=points
            )
        )
        return LogMetricsResult(
            accepted=logged.accepted,
            already_stored=logged.already_stored,
            rejected=[
                RejectedPoint(index=item["index"], name=item["name"], step=_step_or_none(item["step"]), reason=item["reason"])
                for item in logged.rejected
            ],
        )

    @strawberry.mutation(description="Add parameters to an external run; a parameter that has a value keeps it.")
    async def log_params(self, info: Info[Context, None], input: LogParamsInput) -> TrainingRun:  # noqa: A002
        principal = await info.context.writer()
        run_id = parse_id("runId", input.run_id)
        tracking = info.context.runtime.tracking
        outcome = await in_thread(
            lambda: tracking.log_params(principal, info.context.cause(principal), run_id=run_id, params=input.params)
        )
        return await run_after(info, outcome, run_id)

    @strawberry.mutation(description="Record weight or gradient histograms of an external run at a step.")
    async def log_histograms(self, info: Info[Context, None], input: LogHistogramsInput) -> TrainingRun:  # noqa: A002
        principal = await info.context.writer()
        run_id = parse_id("runId", input.run_id)
        histograms = [_histogram(histogram) for histogram in input.histograms]
        tracking = info.context.runtime.tracking
        outcome = await in_thread(
            lambda: tracking.log_histograms(
                principal, info.context.cause(principal), run_id=run_id, batch_id=input.batch_id, step=input.step,
                epoch=input.epoch, histograms=histograms,
            )
        )
        return await run_after(info, outcome, run_id)

    @strawberry.mutation(description="End an external run as succeeded, failed (with the reason) or cancelled.")
    async def finish_run(self, info: Info[Context, None], input: FinishRunInput) -> TrainingRun:  # noqa: A002
        principal = await info.context.writer()
        run_id = parse_id("runId", input.run_id)
        tracking = info.context.runtime.tracking
        outcome = await in_thread(
            lambda: tracking.finish_run(
                principal, info.context.cause(principal), run_id=run_id, status=input.status.value, reason=input.reason
            )
        )
        return await run_after(info, outcome, run_id)

    @strawberry.mutation(description="Register an uploaded model file as the model's next version, with the run as its lineage.")
    async def register_run_model(self, info: Info[Context, None], input: RegisterRunModelInput) -> ModelVersion:  # noqa: A002
        principal = await info.context.writer()
        run_id = parse_id("runId", input.run_id)
        model_id = parse_id("modelId", input.model_id)
        upload_id = parse_id("uploadId", input.upload_id)
        tracking = info.context.runtime.tracking
        added = await in_thread(
            lambda: tracking.register_model(
                principal, info.context.cause(principal), run_id=run_id, model_id=model_id, upload_id=upload_id
            )
        )
        await info.context.settle(added.outcome)
        row = await in_thread(info.context.runtime.readers.registry.version, str(added.version_id))
        assert row is not None
        return ModelVersion.from_row(row)


def _step_or_none(step: Any) -> float | None:
    return float(step) if isinstance(step, (int, float)) and not isinstance(step, bool) and math.isfinite(step) else None
