"""The API's runner of row explanations: a Ray task per request, with its failures turned into errors for users.

Importing this module imports neither Ray nor TensorFlow; Ray is imported on the first request.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from backend.application.evaluation_explanations import RowExplanationRequest, WorkersUnavailable
from backend.domain.base import InvalidInput
from backend.settings import Settings
from workers.evaluation.job import EvaluationJob
from workers.ray_runtime import ensure_ray, worker_settings

log = logging.getLogger(__name__)

# A fresh worker imports TensorFlow (about 4 s) and loads the model and rows; far longer than that means it is stuck.
EXPLANATION_TIMEOUT_SECONDS = 300.0


class RayRowExplainer:
    """Runs each explanation as a Ray task, so TensorFlow stays out of the API process."""

    def __init__(self, settings: Settings, connect: Callable[[Settings], None] = ensure_ray) -> None:
        self.settings = settings
        self.connect = connect

    def explain(self, request: RowExplanationRequest) -> dict[str, Any]:
        """Run the task and return its explanation. Raises InvalidInput for the worker's reason, WorkersUnavailable when Ray fails."""
        try:
            self.connect(self.settings)
        except (ConnectionError, RuntimeError, TimeoutError) as error:
            log.error("Ray is unreachable for an explanation", extra={"evaluation_id": request.evaluation_id, "error": first_line(error)})
            raise WorkersUnavailable(
                f"Ray could not be reached, so row {request.row} was not explained: {first_line(error)}. "
                "Try again later, or ask an operator to check the Ray cluster (RAY_ADDRESS).",
                field="evaluationId",
                value=request.evaluation_id,
            ) from None

        import ray
        from ray.exceptions import GetTimeoutError, RayError

        from workers.tasks import explain_evaluation_row

        reference = explain_evaluation_row.remote(explanation_job(request, self.settings), request.row, request.steps, request.baseline)
        try:
            outcome = ray.get(reference, timeout=EXPLANATION_TIMEOUT_SECONDS)
        except RayError as error:
            if isinstance(error, GetTimeoutError):
                ray.cancel(reference, force=True)
            raise task_failure(error, request) from None
        return checked_explanation(outcome, request)


def task_failure(error: Exception, request: RowExplanationRequest) -> WorkersUnavailable:
    """Log a task that timed out, crashed or raised, and return the error for the caller."""
    from ray.exceptions import GetTimeoutError

    ids = {"evaluation_id": request.evaluation_id, "row": request.row}
    if isinstance(error, GetTimeoutError):
        log.warning("explanation timed out", extra=ids)
        message = (
            f"Explaining row {request.row} took longer than {EXPLANATION_TIMEOUT_SECONDS:.0f} seconds and was stopped. "
            "Try again with fewer steps, or when the workers are less busy."
        )
    else:
        log.error("explanation task failed", extra={**ids, "error": first_line(error)})
        message = (
            f"The worker explaining row {request.row} failed: {first_line(error)}. Nothing was recorded. Try again, and "
            "report it if it happens again."
        )
    return WorkersUnavailable(message, field="evaluationId", value=request.evaluation_id)


def explanation_job(request: RowExplanationRequest, settings: Settings) -> EvaluationJob:
    """Return the evaluation's job as the worker reads it: same model, rows, features and classes, and no slices."""
    return EvaluationJob(
        evaluation_id=request.evaluation_id, artifacts=worker_settings(settings)["artifacts"], model_sha256=request.model_sha256,
        model_format=request.model_format, dataset_sha256=request.dataset_sha256, split=request.split, label=request.label,
        features=list(request.features), task=request.task, classes=request.classes, slices=[],
    )


def checked_explanation(outcome: dict[str, Any], request: RowExplanationRequest) -> dict[str, Any]:
    """Return the task's explanation, or raise InvalidInput with the reason the worker gave."""
    if "failed" in outcome:
        raise InvalidInput(
            f"Row {request.row} of evaluation {request.evaluation_id} could not be explained: {outcome['failed']}",
            field="evaluationId",
            value=request.evaluation_id,
        )
    return outcome["explanation"]


def first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0][:300] if text else type(error).__name__
