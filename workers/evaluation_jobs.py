"""The reconciler's side of an evaluation: build the worker's job from the request, run it on Ray, record the outcome."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable
from typing import Any

from backend.domain.base import Cause
from backend.runtime import Runtime

log = logging.getLogger(__name__)

# An evaluation whose worker process dies is tried this many times in all before it fails.
MAX_TRIES = 2


def evaluation_job(runtime: Runtime, row: Any) -> Any:
    """Return the worker's job for a pending evaluation read-model row."""
    from workers.evaluation.job import EvaluationJob
    from workers.ray_runtime import worker_settings

    version = runtime.readers.registry.version(row["version_id"])
    dataset = runtime.readers.datasets.version(row["dataset_version_id"])
    if version is None or dataset is None:
        raise LookupError("the model version or dataset version of this evaluation is not in the read models yet")
    return EvaluationJob(
        evaluation_id=row["evaluation_id"], artifacts=worker_settings(runtime.settings)["artifacts"],
        model_sha256=version["sha256"], model_format=version["format"], dataset_sha256=dataset["sha256"], split=row["split"],
        label=row["label"], features=json.loads(row["features"]), task=row["task"],
        classes=json.loads(row["classes"]) if row["classes"] else None, slices=json.loads(row["slices"]),
    )


def run_evaluation_task(runtime: Runtime, row: Any, cause: Callable[[], Cause]) -> None:
    """Evaluate on Ray and record the report or the reason it failed; a crashed worker is tried again once."""
    import ray
    from ray.exceptions import RayError

    from workers.tasks import evaluate_model

    evaluation_id = uuid.UUID(row["evaluation_id"])
    service = runtime.evaluation
    job = evaluation_job(runtime, row)
    log.info("evaluation submitted", extra={"evaluation_id": str(evaluation_id)})
    outcome: dict[str, Any] = {}
    for attempt in range(1, MAX_TRIES + 1):
        try:
            outcome = ray.get(evaluate_model.remote(job))
            break
        except RayError as error:
            log.warning("evaluation worker crashed", extra={"evaluation_id": str(evaluation_id), "attempt": attempt,
                                                             "error": str(error)[:300]})
            outcome = {"failed": f"The evaluation worker crashed {attempt} times: {_first_line(error)}"}
    if "report" in outcome:
        recorded = service.record_report(cause(), evaluation_id=evaluation_id, report=outcome["report"])
        log.info("evaluation recorded", extra={"evaluation_id": str(evaluation_id)})
    else:
        recorded = service.record_failure(cause(), evaluation_id=evaluation_id, reason=outcome["failed"])
        log.info("evaluation failed", extra={"evaluation_id": str(evaluation_id), "reason": outcome["failed"][:300]})
    # Until the read model shows the new status the evaluation still looks pending; waiting keeps
    # the next pass from submitting it again.
    runtime.projections.wait_for(recorded.position, timeout=10)


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0][:300] if text else type(error).__name__
