"""Ray tasks. Importing this module imports Ray but not TensorFlow; the tasks import it when they run."""

from __future__ import annotations

import tempfile
from typing import Any

import ray

from backend.storage import open_artifact_store

# A fraction of a CPU, so inspections can run beside a serving replica on a 2-core machine.
INSPECTION_CPUS = 0.5


@ray.remote(num_cpus=INSPECTION_CPUS, max_retries=0)
def inspect_blob(artifacts: str, sha256: str, model_format: str, filename: str) -> dict[str, Any]:
    """Inspect a stored blob; returns {"report": …} or {"failed": reason}."""
    from workers.inspection import InspectionFailed, inspect_artifact

    store = open_artifact_store(artifacts)
    with tempfile.NamedTemporaryFile(prefix="modelcloud-blob-") as copy, store.open(sha256) as stream:
        while chunk := stream.read(1024 * 1024):
            copy.write(chunk)
        copy.flush()
        try:
            return {"report": inspect_artifact(copy.name, model_format, filename)}
        except InspectionFailed as error:
            return {"failed": str(error)}


# Dataset jobs take half a CPU like inspections; a preview is short and takes less, so it runs beside them.
# NOTE: Ray sets OMP_NUM_THREADS=1 for a task with a fractional CPU, and Arrow then sizes its thread
# pool to one thread, so parsing uses one core (measured in bench/dataset_ingest.py).
DATASET_CPUS = 0.5
PREVIEW_CPUS = 0.1


@ray.remote(num_cpus=DATASET_CPUS, max_retries=0)
def ingest_dataset(artifacts: str, upload_sha256: str, filename: str, options: dict[str, Any]) -> dict[str, Any]:
    from workers.dataset_jobs import ingest_job

    return ingest_job(artifacts, upload_sha256, filename, options)


@ray.remote(num_cpus=DATASET_CPUS, max_retries=0)
def derive_dataset(artifacts: str, sha256: str, label: str | None, operations: list[dict[str, Any]]) -> dict[str, Any]:
    from workers.dataset_jobs import derive_job

    return derive_job(artifacts, sha256, label, operations)


@ray.remote(num_cpus=PREVIEW_CPUS, max_retries=0)
def preview_dataset(artifacts: str, sha256: str, offset: int, limit: int, columns: list[str] | None) -> dict[str, Any]:
    from workers.dataset_jobs import preview_job

    return preview_job(artifacts, sha256, offset, limit, columns)


@ray.remote(num_cpus=DATASET_CPUS, max_retries=0)
def export_dataset(artifacts: str, sha256: str) -> dict[str, Any]:
    from workers.dataset_jobs import export_job

    return export_job(artifacts, sha256)


@ray.remote(num_cpus=DATASET_CPUS, max_retries=0)
def profile_dataset(artifacts: str, sha256: str, label: str | None, split_column: str | None) -> Any:
    """Yield profiling progress and then the profile, so the reconciler can report progress as it goes."""
    from workers.dataset_jobs import profile_job

    yield from profile_job(artifacts, sha256, label, split_column)


# Evaluation loads TensorFlow, like inspection, and takes the same share of a CPU.
EVALUATION_CPUS = 0.5


@ray.remote(num_cpus=EVALUATION_CPUS, max_retries=0)
def evaluate_model(job: Any) -> dict[str, Any]:
    """Evaluate a model version; returns {"report": …} or {"failed": reason}."""
    from workers.evaluation.job import EvaluationFailed
    from workers.evaluation.runner import evaluate_blob

    _limit_tensorflow_threads()
    try:
        return {"report": evaluate_blob(job)}
    except EvaluationFailed as error:
        return {"failed": str(error)}


@ray.remote(num_cpus=EVALUATION_CPUS, max_retries=0)
def explain_evaluation_row(job: Any, row: int, steps: int, baseline: str) -> dict[str, Any]:
    """Explain one evaluated row with integrated gradients; returns {"explanation": …} or {"failed": reason}."""
    from workers.evaluation.explanation import explain_blob
    from workers.evaluation.job import EvaluationFailed

    _limit_tensorflow_threads()
    try:
        return {"explanation": explain_blob(job, row, steps, baseline)}
    except EvaluationFailed as error:
        return {"failed": str(error)}


# Batch prediction loads TensorFlow and Arrow, like evaluation, and takes the same share of a CPU.
BATCH_PREDICTION_CPUS = EVALUATION_CPUS


@ray.remote(num_cpus=BATCH_PREDICTION_CPUS, max_retries=0)
def predict_dataset(job: Any) -> Any:
    """Yield progress as {"progress", "total"}, then {"result": …} or {"failed": reason}, so the reconciler records each."""
    from workers.batch_prediction.scoring import score_blob

    _limit_tensorflow_threads()
    yield from score_blob(job)


def _limit_tensorflow_threads() -> None:
    """Keep TensorFlow to one thread per pool, as befits half a CPU; a worker that already ran TensorFlow keeps its pools."""
    import tensorflow as tf

    try:
        tf.config.threading.set_intra_op_parallelism_threads(1)
        tf.config.threading.set_inter_op_parallelism_threads(1)
    except RuntimeError:
        pass
