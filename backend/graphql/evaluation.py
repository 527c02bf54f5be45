"""GraphQL of evaluations: request one, list and read them with their metrics, curves, slices and thresholds, explain a row."""

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

from backend.application.evaluation_explanations import DEFAULT_STEPS, ExplainedEvaluation
from backend.application.evaluation_thresholds import check_threshold, threshold_metrics
from backend.domain.base import NotFound, parse_iso
from backend.graphql.audit import AuditEntry
from backend.graphql.connections import DEFAULT_PAGE, Connection, check_first, decode_position_cursor, page
from backend.graphql.context import Context, in_thread
from backend.graphql.identity import parse_id, searched_team_ids, visible_team_ids
from backend.graphql.live import subject_changes
from backend.projections.evaluation import EVALUATION_TOPIC

Row = dict[str, Any]


@strawberry.enum(description="pending until a worker has evaluated the model, then completed, or failed with a reason.")
class EvaluationStatus(Enum):
    PENDING = "pending"
    COMPLETED = "completed"
    FAILED = "failed"


@strawberry.type(description="A headline metric of an evaluation; null when it is undefined for the data.")
class EvaluationMetric:
    name: str
    value: float | None


@strawberry.type(
    description=(
        "A binary classifier's confusion counts and rates at one decision threshold; a row is predicted positive when its "
        "positive-class score is at least the threshold. A rate is null where its denominator is 0."
    )
)
class ThresholdMetrics:
    threshold: float
    tp: int
    fp: int
    tn: int
    fn: int
    precision: float | None = strawberry.field(description="tp / (tp + fp); null when no row is predicted positive.")
    recall: float | None = strawberry.field(description="tp / (tp + fn); null when no row is positive.")
    f1: float | None = strawberry.field(description="2tp / (2tp + fp + fn); null when no row is positive or predicted positive.")
    accuracy: float
    false_positive_rate: float | None = strawberry.field(description="fp / (fp + tn); null when no row is negative.")


@strawberry.type(description="A model version measured on a dataset version's split.")
class Evaluation:
    id: strawberry.ID
    team_id: strawberry.ID
    model_id: strawberry.ID
    model_version_id: strawberry.ID
    model_version_number: int
    dataset_id: strawberry.ID
    dataset_version_id: strawberry.ID
    split: str | None = strawberry.field(description="train, validation or test; null for every row.")
    label: str
    task: str = strawberry.field(description="classification or regression.")
    features: list[str] = strawberry.field(description="The feature columns, in the model's input order.")
    classes: list[str] | None = strawberry.field(description="The class names, in the model's output order.")
    status: EvaluationStatus
    rows: int | None
    summary: list[EvaluationMetric] = strawberry.field(
        description="Accuracy, macro F1, ROC AUC and log loss for classification; MAE, RMSE and R² for regression."
    )
    failure_reason: str | None
    created_by: str
    created_at: datetime
    updated_at: datetime
    report_sha256: strawberry.Private[str | None]

    @classmethod
    def from_row(cls, row: Row) -> Evaluation:
        summary = json.loads(row["summary"]) if row["summary"] else {}
        return cls(
            id=strawberry.ID(row["evaluation_id"]),
            team_id=strawberry.ID(row["team_id"]),
            model_id=strawberry.ID(row["model_id"]),
            model_version_id=strawberry.ID(row["version_id"]),
            model_version_number=int(row["version_number"]),
            dataset_id=strawberry.ID(row["dataset_id"]),
            dataset_version_id=strawberry.ID(row["dataset_version_id"]),
            split=row["split"],
            label=row["label"],
            task=row["task"],
            features=json.loads(row["features"]),
            classes=json.loads(row["classes"]) if row["classes"] else None,
            status=EvaluationStatus(row["status"]),
            rows=row["rows_evaluated"],
            summary=[EvaluationMetric(name=name, value=value) for name, value in summary.items()],
            failure_reason=row["failure_reason"],
            created_by=row["created_by"],
            created_at=parse_iso(row["created_at"]),  # type: ignore[arg-type]
            updated_at=parse_iso(row["updated_at"]),  # type: ignore[arg-type]
            report_sha256=row["report_sha256"],
        )

    async def _report(self, info: Info[Context, None]) -> dict[str, Any]:
        if self.report_sha256 is None:
            return {}
        return await in_thread(info.context.runtime.evaluation.report, self.report_sha256)

    @strawberry.field(description="Every metric of the report: per class, macro, micro and weighted averages, confusion matrix.")
    async def metrics(self, info: Info[Context, None]) -> JSON | None:
        return (await self._report(info)).get("metrics")

    @strawberry.field(description="ROC, precision-recall and calibration curves (classification) or the residual histogram.")
    async def curves(self, info: Info[Context, None]) -> JSON | None:
        return (await self._report(info)).get("curves")

    @strawberry.field(description="Metrics per slice, worst gap to the overall metric first; a binary classifier's slices have curves.")
    async def slices(self, info: Info[Context, None]) -> JSON | None:
        return (await self._report(info)).get("slices")

    @strawberry.field(description="Precision, recall, F1 and the confusion matrix at decision thresholds of a binary classifier.")
    async def thresholds(self, info: Info[Context, None]) -> JSON | None:
        return (await self._report(info)).get("thresholds")

    @strawberry.field(
        description=(
            "Metrics of a binary classifier at any threshold from 0 to 1, computed exactly from the scores the report keeps. "
            "An error for other models, evaluations that have not completed, and reports from before the scores were kept."
        )
    )
    async def threshold_metrics(self, info: Info[Context, None], threshold: float) -> ThresholdMetrics | None:
        check_threshold(threshold)
        measured = threshold_metrics(
            evaluation_id=str(self.id), status=self.status.value, task=self.task, classes=self.classes,
            report=await self._report(info), threshold=threshold,
        )
        return ThresholdMetrics(
            threshold=measured["threshold"], tp=measured["tp"], fp=measured["fp"], tn=measured["tn"], fn=measured["fn"],
            precision=measured["precision"], recall=measured["recall"], f1=measured["f1"], accuracy=measured["accuracy"],
            false_positive_rate=measured["falsePositiveRate"],
        )

    @strawberry.field(description="Permutation importance of each feature over the evaluated rows (tabular models).")
    async def attributions(self, info: Info[Context, None]) -> JSON | None:
        return (await self._report(info)).get("attributions")

    @strawberry.field(description="What the report could not compute and why, such as an AUC without both classes.")
    async def notes(self, info: Info[Context, None]) -> list[str]:
        return list((await self._report(info)).get("notes") or [])


@strawberry.enum(description="The start of the integrated-gradients path to the explained row.")
class ExplanationBaseline(Enum):
    MEAN = strawberry.enum_value(
        "mean", description="Each feature's mean over the dataset version's train rows, or over the evaluated rows when it has none."
    )
    ZERO = strawberry.enum_value("zero", description="0 for every feature.")


@strawberry.type(description="One feature of an explained row: its value there and at the baseline, and its attribution.")
class FeatureAttribution:
    feature: str
    value: float
    baseline_value: float
    attribution: float = strawberry.field(description="The feature's share of prediction − baselinePrediction.")


@strawberry.type(description="Integrated gradients of one evaluated row: how each feature moves the explained output from the baseline.")
class RowExplanation:
    evaluation_id: strawberry.ID
    row: int = strawberry.field(description="The position among the evaluated rows: the split's labelled rows, in the dataset's order.")
    steps: int
    baseline: ExplanationBaseline
    baseline_rows: str | None = strawberry.field(
        description="For the MEAN baseline, the rows it averages: train, or evaluated when there are no train rows; null for ZERO."
    )
    task: str
    explained_class: str | None = strawberry.field(
        description="The class whose probability is explained, the row's predicted class; null for regression."
    )
    actual: str = strawberry.field(description="The row's label: its class name, or its value for regression.")
    prediction: float = strawberry.field(
        description="The explained output for the row: the predicted class's probability, or the predicted value."
    )
    baseline_prediction: float = strawberry.field(description="The same output at the baseline.")
    attribution_sum: float
    completeness_gap: float = strawberry.field(
        description="attributionSum − (prediction − baselinePrediction); it shrinks as steps grows."
    )
    features: list[FeatureAttribution] = strawberry.field(description="Every feature, in the model's input order.")

    @classmethod
    def from_explanation(cls, evaluation_id: str, explanation: dict[str, Any]) -> RowExplanation:
        return cls(
            evaluation_id=strawberry.ID(evaluation_id),
            row=explanation["row"],
            steps=explanation["steps"],
            baseline=ExplanationBaseline(explanation["baseline"]),
            baseline_rows=explanation["baselineRows"],
            task=explanation["task"],
            explained_class=explanation["explainedClass"],
            actual=explanation["actual"],
            prediction=explanation["prediction"],
            baseline_prediction=explanation["baselinePrediction"],
            attribution_sum=explanation["attributionSum"],
            completeness_gap=explanation["completenessGap"],
            features=[
                FeatureAttribution(
                    feature=item["feature"], value=item["value"], baseline_value=item["baselineValue"], attribution=item["attribution"]
                )
                for item in explanation["features"]
            ],
        )


@strawberry.input
class EvaluateModelVersionInput:
    version_id: strawberry.ID
    dataset_version_id: strawberry.ID
    split: str | None = strawberry.field(default="test", description="train, validation, test, or null for every row.")
    label: str | None = strawberry.field(default=None, description="Null takes the dataset version's label.")
    task: str | None = strawberry.field(default=None, description="Null takes the training run's task, else the model's registry task, else one inferred from the signature.")
    slices: JSON | None = strawberry.field(
        default=None,
        description=(
            "Slice specs: {kind: values, feature}, {kind: bins | quantiles, feature, bins}, {kind: label}, "
            "{kind: filter, name, filter: expression}."
        ),
    )


@strawberry.input
class EvaluationFilter:
    model_id: strawberry.ID | None = None
    model_version_id: strawberry.ID | None = None
    dataset_version_id: strawberry.ID | None = None
    status: list[EvaluationStatus] | None = None


@strawberry.type(description="An evaluation's whole current state and the change that brought it.")
class EvaluationUpdate:
    evaluation: Evaluation
    change: AuditEntry | None


async def readable_evaluation(info: Info[Context, None], evaluation_id: str, field: str = "id") -> Row:
    parsed = parse_id(field, evaluation_id)
    row = await in_thread(info.context.runtime.readers.evaluation.evaluation, str(parsed))
    visible = await visible_team_ids(info)
    if row is None or (visible is not None and row["team_id"] not in visible):
        raise NotFound(f"Evaluation {evaluation_id} was not found among your teams' evaluations.", field=field, value=evaluation_id)
    return row


def explained_evaluation(row: Row) -> ExplainedEvaluation:
    return ExplainedEvaluation(
        evaluation_id=uuid.UUID(row["evaluation_id"]), team_id=uuid.UUID(row["team_id"]), version_id=uuid.UUID(row["version_id"]),
        dataset_version_id=uuid.UUID(row["dataset_version_id"]), status=row["status"], task=row["task"], split=row["split"],
        label=row["label"], features=json.loads(row["features"]), classes=json.loads(row["classes"]) if row["classes"] else None,
        rows=row["rows_evaluated"],
    )


def _optional_id(field: str, value: str | None) -> str | None:
    return None if value is None else str(parse_id(field, value))


@strawberry.type
class EvaluationQuery:
    @strawberry.field(description="Evaluations of your teams, newest first.")
    async def evaluations(
        self,
        info: Info[Context, None],
        team_id: strawberry.ID | None = None,
        filter: EvaluationFilter | None = None,  # noqa: A002
        first: int = DEFAULT_PAGE,
        after: str | None = None,
    ) -> Connection[Evaluation]:
        check_first(first)
        wanted = filter or EvaluationFilter()
        teams = await searched_team_ids(info, team_id)
        rows = await in_thread(
            lambda: info.context.runtime.readers.evaluation.search(
                teams, model_id=_optional_id("filter.modelId", wanted.model_id),
                version_id=_optional_id("filter.modelVersionId", wanted.model_version_id),
                dataset_version_id=_optional_id("filter.datasetVersionId", wanted.dataset_version_id),
                statuses=[status.value for status in wanted.status] if wanted.status else None,
                before=decode_position_cursor("evaluations", after), limit=first + 1,
            )
        )
        return page(
            rows, first, "evaluations", lambda row: row["requested_position"], Evaluation.from_row, has_previous=after is not None
        )

    @strawberry.field
    async def evaluation(self, info: Info[Context, None], id: strawberry.ID) -> Evaluation:  # noqa: A002
        return Evaluation.from_row(await readable_evaluation(info, id))


@strawberry.type
class EvaluationMutation:
    @strawberry.mutation(description="Evaluate a model version on a dataset version's split in a Ray worker; editors and admins may.")
    async def evaluate_model_version(self, info: Info[Context, None], input: EvaluateModelVersionInput) -> Evaluation:  # noqa: A002
        principal = await info.context.writer()
        version_id = parse_id("versionId", input.version_id)
        dataset_version_id = parse_id("datasetVersionId", input.dataset_version_id)
        service = info.context.runtime.evaluation
        evaluation_id, outcome = await in_thread(
            lambda: service.evaluate(
                principal, info.context.cause(principal), version_id=version_id, dataset_version_id=dataset_version_id,
                split=input.split, label=input.label, task=input.task, slices=input.slices,
            )
        )
        await info.context.settle(outcome)
        row = await in_thread(info.context.runtime.readers.evaluation.evaluation, str(evaluation_id))
        assert row is not None
        return Evaluation.from_row(row)


    @strawberry.mutation(
        description=(
            "Explain one evaluated row of a completed evaluation with integrated gradients, in a Ray worker; editors and "
            "admins may. The result is returned, not recorded."
        )
    )
    async def explain_evaluation_row(
        self, info: Info[Context, None], evaluation_id: strawberry.ID, row: int, steps: int = DEFAULT_STEPS,
        baseline: ExplanationBaseline = ExplanationBaseline.MEAN,
    ) -> RowExplanation:
        principal = await info.context.writer()
        evaluation = explained_evaluation(await readable_evaluation(info, evaluation_id, field="evaluationId"))
        service = info.context.runtime.explanations
        explanation = await in_thread(
            lambda: service.explain_row(principal, evaluation, row=row, steps=steps, baseline=baseline.value)
        )
        return RowExplanation.from_explanation(str(evaluation.evaluation_id), explanation)


@strawberry.type
class EvaluationSubscription:
    @strawberry.subscription(description="The evaluation's current state at once (with change null), then when it completes or fails.")
    async def evaluation_updated(self, info: Info[Context, None], id: strawberry.ID) -> AsyncGenerator[EvaluationUpdate, None]:  # noqa: A002
        row = await readable_evaluation(info, id)
        async for change, entry in subject_changes(info, EVALUATION_TOPIC, row["evaluation_id"]):
            current = row if change is None else await readable_evaluation(info, id)
            yield EvaluationUpdate(evaluation=Evaluation.from_row(current), change=entry)
