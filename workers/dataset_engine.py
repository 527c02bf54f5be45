"""Dataset engines for `DatasetService`: Ray tasks in a server, or this process for tests and tools."""

from __future__ import annotations

import logging
from typing import Any

from backend.domain.base import Conflict, InvalidInput
from backend.settings import Settings
from workers import dataset_jobs
from workers.profiling import describe_error

# Parsing a 1 GB CSV took about 25 s on two cores (bench/README.md); a request waits at most this long.
JOB_TIMEOUT_SECONDS = 1800.0
# The input a failed job reports as the field at fault.
JOB_FIELDS = {"ingest_dataset": "uploadId", "derive_dataset": "parentId", "preview_dataset": "id", "export_dataset": "id"}

log = logging.getLogger(__name__)


def _checked(result: dict[str, Any]) -> dict[str, Any]:
    if "error" in result:
        error = result["error"]
        kind = Conflict if error.get("code") == "CONFLICT" else InvalidInput
        raise kind(error["message"], field=error["field"], value=error["value"])
    return result


class LocalDatasetEngine:
    """Runs dataset jobs in the calling process. Tests use it; a server uses RayDatasetEngine."""

    def __init__(self, artifacts: str) -> None:
        self.artifacts = artifacts

    def ingest(self, upload_sha256: str, filename: str, options: dict[str, Any]) -> dict[str, Any]:
        return _checked(dataset_jobs.ingest_job(self.artifacts, upload_sha256, filename, options))

    def derive(self, sha256: str, label: str | None, operations: list[dict[str, Any]]) -> dict[str, Any]:
        return _checked(dataset_jobs.derive_job(self.artifacts, sha256, label, operations))

    def preview(self, sha256: str, offset: int, limit: int, columns: list[str] | None) -> dict[str, Any]:
        return _checked(dataset_jobs.preview_job(self.artifacts, sha256, offset, limit, columns))

    def export_csv(self, sha256: str) -> str:
        return dataset_jobs.export_job(self.artifacts, sha256)["sha256"]


class RayDatasetEngine:
    """Runs dataset jobs as Ray tasks, so untrusted files are parsed outside the API process."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def _run(self, task_name: str, *args: Any) -> dict[str, Any]:
        from workers.ray_runtime import ensure_ray

        ensure_ray(self.settings)
        import ray
        from ray.exceptions import GetTimeoutError, RayError, WorkerCrashedError

        from workers import tasks

        task = getattr(tasks, task_name)
        reference = task.remote(self.settings.artifacts, *args)
        try:
            return ray.get(reference, timeout=JOB_TIMEOUT_SECONDS)
        except WorkerCrashedError:
            # A file that crashes the parser (deeply nested JSON once did) ends here rather than in a 500.
            log.warning("dataset worker crashed", extra={"task": task_name})
            message = (
                "The worker reading this file crashed, so nothing was recorded; the file may be malformed. "
                "Check it, or save it again as CSV or Parquet."
                if task_name == "ingest_dataset"
                else "The worker running this request crashed, so nothing was recorded. Try again, and report it if it happens again."
            )
            raise InvalidInput(
                message,
                field=JOB_FIELDS[task_name],
                value=None,
            ) from None
        except GetTimeoutError:
            ray.cancel(reference, force=True)
            raise InvalidInput(
                f"The job took longer than {JOB_TIMEOUT_SECONDS:.0f} seconds and was stopped, so nothing was recorded.",
                field=JOB_FIELDS[task_name],
                value=None,
            ) from None
        except RayError as error:
            log.error("dataset job failed", extra={"task": task_name, "error": describe_error(error)})
            raise

    def ingest(self, upload_sha256: str, filename: str, options: dict[str, Any]) -> dict[str, Any]:
        return _checked(self._run("ingest_dataset", upload_sha256, filename, options))

    def derive(self, sha256: str, label: str | None, operations: list[dict[str, Any]]) -> dict[str, Any]:
        return _checked(self._run("derive_dataset", sha256, label, operations))

    def preview(self, sha256: str, offset: int, limit: int, columns: list[str] | None) -> dict[str, Any]:
        return _checked(self._run("preview_dataset", sha256, offset, limit, columns))

    def export_csv(self, sha256: str) -> str:
        return self._run("export_dataset", sha256)["sha256"]
