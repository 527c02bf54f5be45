"""The reconciler's side of a batch prediction: build the worker's job, run it on Ray, record its progress and outcome."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from backend.domain.base import Cause
from backend.runtime import Runtime

log = logging.getLogger(__name__)

# A batch prediction whose worker process dies is tried this many times in all before it fails.
MAX_TRIES = 2


def batch_prediction_job(runtime: Runtime, row: Any, **options: Any) -> Any:
    """Return the worker's job for an unfinished batch prediction read-model row; `options` override job fields."""
    from workers.batch_prediction.job import BatchPredictionJob
    from workers.ray_runtime import worker_settings

    version = runtime.readers.registry.version(row["model_version_id"])
    dataset = runtime.readers.datasets.version(row["dataset_version_id"])
    if version is None or dataset is None:
        raise LookupError("the model version or dataset version of this batch prediction is not in the read models yet")
    return BatchPredictionJob(
        batch_prediction_id=row["batch_prediction_id"], artifacts=worker_settings(runtime.settings)["artifacts"],
        model_sha256=version["sha256"], model_format=version["format"], dataset_sha256=dataset["sha256"], split=row["split"],
        label=row["label"], features=json.loads(row["features"]), task=row["task"],
        classes=json.loads(row["classes"]) if row["classes"] else None, output_columns=json.loads(row["output_columns"]),
        **options,
    )


def record_batch_prediction(
    runtime: Runtime, batch_prediction_id: uuid.UUID, items: Iterable[dict[str, Any]], cause: Callable[[], Cause]
) -> str:
    """Record each progress item a scoring job yields, then its result or failure; returns `completed` or `failed`.

    Exceptions from `items`, such as a crashed Ray worker, propagate, and what was recorded so far stays.
    """
    service = runtime.batch_predictions
    outcome: dict[str, Any] = {"failed": "The batch prediction worker ended without a result."}
    for item in items:
        if "progress" in item:
            service.record_progress(
                cause(), batch_prediction_id=batch_prediction_id, rows_done=int(item["progress"]), rows_total=int(item["total"])
            )
            continue
        outcome = item
        break

    if "result" in outcome:
        recorded = service.record_result(cause(), batch_prediction_id=batch_prediction_id, result=outcome["result"])
    else:
        recorded = service.record_failure(cause(), batch_prediction_id=batch_prediction_id, reason=outcome["failed"])
    # Until the read model shows the new status the batch prediction still looks unfinished; waiting keeps
    # the next pass from submitting it again.
    runtime.projections.wait_for(recorded.position, timeout=10)
    row = runtime.readers.batch_predictions.batch_prediction(str(batch_prediction_id))
    status = row["status"] if row is not None else "failed"
    log.info("batch prediction recorded", extra={"batch_prediction_id": str(batch_prediction_id), "status": status})
    return status


def run_batch_prediction_task(runtime: Runtime, row: Any, cause: Callable[[], Cause]) -> None:
    """Score on Ray, recording progress as the task yields it; a crashed worker is tried again once, from the start."""
    import ray
    from ray.exceptions import RayError

    from workers.tasks import predict_dataset

    batch_prediction_id = uuid.UUID(row["batch_prediction_id"])
    job = batch_prediction_job(runtime, row)
    log.info("batch prediction submitted", extra={"batch_prediction_id": str(batch_prediction_id)})
    for attempt in range(1, MAX_TRIES + 1):
        references = predict_dataset.remote(job)
        try:
            record_batch_prediction(runtime, batch_prediction_id, (ray.get(reference) for reference in references), cause)
            return
        except RayError as error:
            log.warning("batch prediction worker crashed", extra={"batch_prediction_id": str(batch_prediction_id),
                                                                   "attempt": attempt, "error": str(error)[:300]})
            reason = f"The batch prediction worker crashed {attempt} times: {_first_line(error)}"
    record_batch_prediction(runtime, batch_prediction_id, [{"failed": reason}], cause)


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0][:300] if text else type(error).__name__
