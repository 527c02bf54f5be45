"""Integrated gradients for one row of a completed evaluation: checked here, computed in a Ray worker.

The explanation goes back to the caller and is not recorded as an event, because it changes
nothing: the same model, rows, baseline and steps always give the same attributions.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, Protocol

from backend.application.aggregates import load
from backend.application.eventstore import EventStore
from backend.application.teams import team_with_role
from backend.domain.access import Principal
from backend.domain.base import DomainError, InvalidInput, NotFound
from backend.domain.datasets import DatasetVersion
from backend.domain.evaluation import COMPLETED, PENDING
from backend.domain.identity import EDITOR
from backend.domain.registry import ModelVersion
from backend.domain.training_data import TABULAR_TYPES

DEFAULT_STEPS = 64
MIN_STEPS = 1
# The worker computes the gradients of all steps + 1 path points in one batch, so this bounds its memory and time.
MAX_STEPS = 1024
# "mean": each feature's mean over the train rows (the evaluated rows when there are none); "zero": every feature 0.
BASELINES = ("mean", "zero")
DEFAULT_BASELINE = "mean"
ACTION = "explainEvaluationRow"


class WorkersUnavailable(DomainError):
    """Raised when the server cannot run the Ray task, because MODELCLOUD_WORKERS is off or Ray fails."""

    code = "SERVICE_UNAVAILABLE"


@dataclass(frozen=True)
class ExplainedEvaluation:
    """The facts about an evaluation that an explanation needs, as its read-model row records them."""

    evaluation_id: uuid.UUID
    team_id: uuid.UUID
    version_id: uuid.UUID
    dataset_version_id: uuid.UUID
    status: str
    task: str
    split: str | None
    label: str
    features: list[str]
    classes: list[str] | None
    rows: int | None
    """Rows evaluated; None until the evaluation has completed."""


@dataclass(frozen=True)
class RowExplanationRequest:
    """The worker's job: the evaluation's model and rows, the row to explain, the steps and the baseline."""

    evaluation_id: str
    model_sha256: str
    model_format: str
    dataset_sha256: str
    split: str | None
    label: str
    features: list[str]
    task: str
    classes: list[str] | None
    row: int
    steps: int
    baseline: str


class RowExplainer(Protocol):
    """The runner of explanations: a Ray task in a server.

    `explain` returns the worker's explanation, or raises InvalidInput with the reason the worker
    gave, or WorkersUnavailable when the task could not run.
    """

    def explain(self, request: RowExplanationRequest) -> dict[str, Any]: ...


class ExplanationService:
    def __init__(self, store: EventStore, explainer: RowExplainer | None) -> None:
        """`explainer` None means this server runs no workers, so every request gets WorkersUnavailable."""
        self.store = store
        self.explainer = explainer

    def explain_row(
        self, principal: Principal, evaluation: ExplainedEvaluation, *, row: int, steps: int = DEFAULT_STEPS,
        baseline: str = DEFAULT_BASELINE,
    ) -> dict[str, Any]:
        """Check the request, then return the worker's integrated gradients for `row` of the evaluated rows."""
        check_steps(steps)
        check_baseline(baseline)
        self._check_editor(principal, evaluation)
        check_row(evaluation, row)
        version = load(self.store, evaluation.version_id, ModelVersion, "evaluationId", "Model version")
        dataset = load(self.store, evaluation.dataset_version_id, DatasetVersion, "evaluationId", "Dataset version")
        check_model(evaluation, version.format, getattr(version, "signature", None), dataset.column_types)

        if self.explainer is None:
            raise WorkersUnavailable(
                "This server runs with MODELCLOUD_WORKERS=false, so it cannot start the Ray task that computes "
                "integrated gradients. Ask an operator to start it with MODELCLOUD_WORKERS=true.",
                field="evaluationId",
                value=str(evaluation.evaluation_id),
            )
        return self.explainer.explain(
            RowExplanationRequest(
                evaluation_id=str(evaluation.evaluation_id), model_sha256=version.sha256, model_format=version.format,
                dataset_sha256=dataset.sha256, split=evaluation.split, label=evaluation.label, features=list(evaluation.features),
                task=evaluation.task, classes=evaluation.classes, row=row, steps=steps, baseline=baseline,
            )
        )

    def _check_editor(self, principal: Principal, evaluation: ExplainedEvaluation) -> None:
        try:
            team_with_role(self.store, principal, evaluation.team_id, EDITOR, ACTION)
        except NotFound:
            raise NotFound(
                f"Evaluation {evaluation.evaluation_id} was not found among your teams' evaluations.",
                field="evaluationId",
                value=str(evaluation.evaluation_id),
            ) from None


def check_steps(steps: int) -> None:
    if isinstance(steps, bool) or not isinstance(steps, int) or not MIN_STEPS <= steps <= MAX_STEPS:
        raise InvalidInput(
            f"steps {steps!r} is invalid; expected a whole number from {MIN_STEPS} to {MAX_STEPS}, the intervals of "
            f"the path from the baseline to the row ({DEFAULT_STEPS} by default). More steps shrink the completeness gap.",
            field="steps",
            value=steps,
        )


def check_baseline(baseline: str) -> None:
    if baseline not in BASELINES:
        raise InvalidInput(
            f"baseline {baseline!r} is invalid; expected {' or '.join(BASELINES)}.", field="baseline", value=baseline
        )


def check_row(evaluation: ExplainedEvaluation, row: int) -> None:
    """Raise InvalidInput unless the evaluation has completed and `row` indexes its evaluated rows."""
    evaluation_id = str(evaluation.evaluation_id)
    if evaluation.status == PENDING:
        raise InvalidInput(
            f"Evaluation {evaluation_id} is still pending; explain its rows once it has completed "
            "(evaluationUpdated reports when).",
            field="evaluationId",
            value=evaluation_id,
        )
    if evaluation.status != COMPLETED or not evaluation.rows:
        raise InvalidInput(
            f"Evaluation {evaluation_id} {evaluation.status}, so it has no evaluated rows to explain. "
            "Its failureReason says why; fix that and evaluate the model version again.",
            field="evaluationId",
            value=evaluation_id,
        )
    if isinstance(row, bool) or not isinstance(row, int) or not 0 <= row < evaluation.rows:
        raise InvalidInput(
            f"row {row!r} is out of range; evaluation {evaluation_id} has {evaluation.rows} evaluated rows, so row "
            f"must be from 0 to {evaluation.rows - 1}: a position among the split's labelled rows, in the dataset version's order.",
            field="row",
            value=row,
        )


def check_model(
    evaluation: ExplainedEvaluation, model_format: str, signature: dict[str, Any] | None, column_types: dict[str, str]
) -> None:
    """Raise InvalidInput unless the model is a .keras file with one numeric input of the evaluation's feature columns."""
    evaluation_id = str(evaluation.evaluation_id)
    if model_format != "keras":
        # NOTE: Keras 3 loads a SavedModel only as an inference layer (TFSMLayer), and explaining one through it is not built.
        raise InvalidInput(
            f"Evaluation {evaluation_id} is of a model version in the {model_format!r} format; integrated gradients "
            "need a .keras version, whose layers Keras can differentiate.",
            field="evaluationId",
            value=evaluation_id,
        )
    not_numeric = [f"{name!r} ({column_types.get(name)})" for name in evaluation.features if column_types.get(name) not in TABULAR_TYPES]
    if not_numeric:
        raise InvalidInput(
            f"Evaluation {evaluation_id} feeds the model the non-numeric column {', '.join(not_numeric[:5])}, as a text "
            "model takes. Integrated gradients need numeric feature columns, because they interpolate each feature "
            "from the baseline to the row.",
            field="evaluationId",
            value=evaluation_id,
        )
    inputs = (signature or {}).get("inputs") or []
    shape = inputs[0].get("shape") if len(inputs) == 1 else None
    dtype = str(inputs[0].get("dtype", "")) if len(inputs) == 1 else ""
    if shape is None or len(shape) != 2 or shape[-1] != len(evaluation.features) or "string" in dtype:
        described = ", ".join(f"{item.get('dtype')} of shape {item.get('shape')}" for item in inputs) or "none"
        raise InvalidInput(
            f"Evaluation {evaluation_id} is of a model whose inputs are {described}; integrated gradients need one "
            f"numeric input of shape [None, {len(evaluation.features)}], one value per feature column.",
            field="evaluationId",
            value=evaluation_id,
        )
