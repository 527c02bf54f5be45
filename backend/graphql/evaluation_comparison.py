"""GraphQL of evaluation comparisons: several evaluations side by side, and the metrics part of a version diff."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from backend.application import evaluation_comparison as comparing
from backend.graphql.context import Context, in_thread
from backend.graphql.evaluation import Evaluation, readable_evaluation
from backend.graphql.identity import parse_id, visible_team_ids

# Completed evaluations of one model version read when looking for data that two versions share.
MAX_SCANNED_EVALUATIONS = 500
SCAN_PAGE = 100


@strawberry.type(description="One metric of each compared evaluation, in the order of ids.")
class ComparedMetric:
    name: str = strawberry.field(
        description="The metric's path in the report, such as accuracy, logLoss, macro.f1, perClass.<class>.recall, rmse or r2."
    )
    values: list[float | None] = strawberry.field(description="Each evaluation's value, or null where it is undefined or absent.")
    higher_is_better: bool = strawberry.field(description="False for logLoss, mae, mse and rmse.")
    best_evaluation_ids: list[strawberry.ID] = strawberry.field(
        description="The evaluations with the best value: several when they tie, none when no evaluation has a value."
    )


@strawberry.type(description="A point of a ROC or precision-recall curve.")
class CurvePoint:
    x: float
    y: float
    threshold: float | None = strawberry.field(
        description="The score at or above which rows count as positive, or null for the start point above every score."
    )


@strawberry.type(description="A ROC curve (x false positive rate, y true positive rate) or a precision-recall curve (x recall, y precision).")
class EvaluationCurve:
    class_name: str = strawberry.field(description="The positive class, one-vs-rest when there are more than two classes.")
    area: float | None = strawberry.field(description="ROC AUC, or the average precision of a precision-recall curve.")
    points: list[CurvePoint]


@strawberry.type(description="Counts of the residuals (true − predicted) in 30 equal-width bins from low to high.")
class ResidualHistogram:
    low: float | None
    high: float | None
    counts: list[int]


@strawberry.type(description="The curves of one evaluation: ROC and precision-recall for classification, residuals for regression.")
class EvaluationCurves:
    evaluation_id: strawberry.ID
    roc: list[EvaluationCurve]
    pr: list[EvaluationCurve]
    residuals: ResidualHistogram | None


@strawberry.type(
    description="What one compared evaluation measured: a model version on a dataset version's split, against a label column."
)
class ComparedData:
    evaluation_id: strawberry.ID
    model_name: str = strawberry.field(description="The model's name, or its id when the registry's read model lacks it.")
    model_version_number: int
    dataset_name: str = strawberry.field(description="The dataset's name, or its id when the datasets' read model lacks it.")
    dataset_version_id: strawberry.ID
    dataset_version_number: int | None = strawberry.field(
        description="The dataset version's number, or null when the datasets' read model lacks it."
    )
    split: str | None = strawberry.field(description="train, validation or test, or null for every row.")
    label: str = strawberry.field(description="The label column.")

    @classmethod
    def from_data(cls, data: comparing.EvaluatedData) -> ComparedData:
        return cls(
            evaluation_id=strawberry.ID(data.evaluation_id), model_name=data.model_name,
            model_version_number=data.model_version_number, dataset_name=data.dataset_name,
            dataset_version_id=strawberry.ID(data.dataset_version_id), dataset_version_number=data.dataset_version_number,
            split=data.split, label=data.label,
        )


@strawberry.type(description="Completed evaluations of one task side by side.")
class EvaluationComparison:
    evaluations: list[Evaluation] = strawberry.field(description="The evaluations, in the order of ids.")
    task: str = strawberry.field(description="classification or regression.")
    same_data: bool = strawberry.field(
        description="Whether every evaluation measured the same split of the same dataset version with the same label."
    )
    different_classes: bool = strawberry.field(
        description=(
            "Whether the evaluations' class lists differ, so that a per-class metric is null for an evaluation without the class."
        )
    )
    data: list[ComparedData] = strawberry.field(
        description="What each evaluation measured, in the order of ids, to show where the data differs."
    )
    metrics: list[ComparedMetric]
    curves: list[EvaluationCurves] = strawberry.field(description="Each evaluation's curves, in the order of ids.")
    notes: list[str] = strawberry.field(
        description=(
            "Why the numbers may not be strictly comparable, in English: different data, naming models and datasets, or different "
            "classes. sameData, differentClasses and data hold the same facts for clients that state them in another language."
        )
    )


@strawberry.type(description="One metric of the evaluations of versions a and b.")
class MetricDifference:
    name: str = strawberry.field(description="The metric's path in the report, as in compareEvaluations.")
    a: float | None
    b: float | None
    difference: float | None = strawberry.field(description="b minus a, or null when either is missing.")
    higher_is_better: bool
    better: str | None = strawberry.field(description="a or b, whichever value is better, or null when they are equal or either is missing.")


@strawberry.type(description="The newest completed evaluations of two versions on the same split of the same dataset version.")
class EvaluationDiff:
    a: Evaluation
    b: Evaluation
    dataset_version_id: strawberry.ID
    split: str | None = strawberry.field(description="train, validation or test, or null for every row.")
    label: str
    metrics: list[MetricDifference]


@strawberry.type
class EvaluationComparisonQuery:
    @strawberry.field(
        description=(
            "Compare 2 to 10 completed evaluations of one task: each metric side by side with the best one, and each "
            "evaluation's curves."
        )
    )
    async def compare_evaluations(self, info: Info[Context, None], ids: list[strawberry.ID]) -> EvaluationComparison:
        parsed = [str(parse_id("ids", evaluation_id)) for evaluation_id in ids]
        comparing.check_compared_ids(parsed)
        rows = [await readable_evaluation(info, evaluation_id, "ids") for evaluation_id in parsed]

        catalog = await in_thread(_catalog_names, info, rows)
        comparison = await in_thread(comparing.compare_evaluations, rows, info.context.runtime.evaluation.report, catalog)

        evaluations = [Evaluation.from_row(row) for row in rows]
        return EvaluationComparison(
            evaluations=evaluations,
            task=comparison.task,
            same_data=comparison.same_data,
            different_classes=comparison.different_classes,
            data=[ComparedData.from_data(data) for data in comparison.data],
            metrics=[
                ComparedMetric(
                    name=metric.name, values=metric.values, higher_is_better=metric.higher_is_better,
                    best_evaluation_ids=[evaluations[position].id for position in metric.best],
                )
                for metric in comparison.metrics
            ],
            curves=[_curves(curves) for curves in comparison.curves],
            notes=comparison.notes,
        )


async def evaluation_diff(info: Info[Context, None], version_a: str, version_b: str) -> EvaluationDiff | None:
    """Return the metrics of the newest completed evaluations of both versions on shared data, or None when they share none."""
    teams = await visible_team_ids(info)
    rows_a = await in_thread(_completed_evaluations, info, teams, version_a)
    rows_b = await in_thread(_completed_evaluations, info, teams, version_b)
    pair = comparing.latest_common_evaluations(rows_a, rows_b)
    if pair is None:
        return None

    row_a, row_b = pair
    report = info.context.runtime.evaluation.report
    report_a = await in_thread(report, row_a["report_sha256"])
    report_b = await in_thread(report, row_b["report_sha256"])
    return EvaluationDiff(
        a=Evaluation.from_row(row_a),
        b=Evaluation.from_row(row_b),
        dataset_version_id=strawberry.ID(row_a["dataset_version_id"]),
        split=row_a["split"],
        label=row_a["label"],
        metrics=[
            MetricDifference(
                name=metric.name, a=metric.a, b=metric.b, difference=metric.difference, higher_is_better=metric.higher_is_better,
                better=metric.better,
            )
            for metric in comparing.metric_differences(report_a, report_b)
        ],
    )


def _catalog_names(info: Info[Context, None], rows: list[comparing.Row]) -> comparing.CatalogNames:
    """Read the names of the evaluations' models and datasets, and their dataset versions' numbers."""
    readers = info.context.runtime.readers
    models = readers.registry.models_by_ids(sorted({row["model_id"] for row in rows}))
    datasets = readers.datasets.datasets_by_ids(sorted({row["dataset_id"] for row in rows}))
    versions = readers.datasets.versions_by_ids(sorted({row["dataset_version_id"] for row in rows}))
    return comparing.CatalogNames(
        models={model_id: model["name"] for model_id, model in models.items()},
        datasets={dataset_id: dataset["name"] for dataset_id, dataset in datasets.items()},
        dataset_versions={version_id: int(version["number"]) for version_id, version in versions.items()},
    )


def _completed_evaluations(info: Info[Context, None], teams: list[str] | None, version_id: str) -> list[comparing.Row]:
    """Return the newest completed evaluations of a model version, at most MAX_SCANNED_EVALUATIONS of them."""
    reader = info.context.runtime.readers.evaluation
    rows: list[comparing.Row] = []
    before = None
    while len(rows) < MAX_SCANNED_EVALUATIONS:
        found = reader.search(teams, version_id=version_id, statuses=["completed"], before=before, limit=SCAN_PAGE)
        rows.extend(found)
        if len(found) < SCAN_PAGE:
            break
        before = found[-1]["requested_position"]
    # NOTE: data covered only by evaluations older than the newest MAX_SCANNED_EVALUATIONS is not found.
    return rows


def _curves(curves: comparing.Curves) -> EvaluationCurves:
    def curve(item: comparing.Curve) -> EvaluationCurve:
        return EvaluationCurve(
            class_name=item.class_name, area=item.area,
            points=[CurvePoint(x=point.x, y=point.y, threshold=point.threshold) for point in item.points],
        )

    residuals = curves.residuals
    return EvaluationCurves(
        evaluation_id=strawberry.ID(curves.evaluation_id),
        roc=[curve(item) for item in curves.roc],
        pr=[curve(item) for item in curves.pr],
        residuals=None if residuals is None else ResidualHistogram(low=residuals.low, high=residuals.high, counts=residuals.counts),
    )
