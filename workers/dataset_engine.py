"""Dataset engines for `DatasetService`: Ray tasks in a server, or this process for tests and tools."""

from __future__ import annotations

from typing import Any

from backend.domain.base import InvalidInput
from backend.settings import Settings
from workers import dataset_jobs

# Parsing a 1 GB file takes minutes on two cores; a request waits at most this long for it.
JOB_TIMEOUT_SECONDS = 1800.0


def _checked(result: dict[str, Any]) -> dict[str, Any]:
    if "error" in result:
        error = result["error"]
        raise InvalidInput(error["message"], field=error["field"], value=error["value"])
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
        import ray

        from workers import tasks
        from workers.ray_runtime import ensure_ray

        ensure_ray(self.settings)
        task = getattr(tasks, task_name)
        return ray.get(task.remote(self.settings.artifacts, *args), timeout=JOB_TIMEOUT_SECONDS)

    def ingest(self, upload_sha256: str, filename: str, options: dict[str, Any]) -> dict[str, Any]:
        return _checked(self._run("ingest_dataset", upload_sha256, filename, options))

    def derive(self, sha256: str, label: str | None, operations: list[dict[str, Any]]) -> dict[str, Any]:
        return _checked(self._run("derive_dataset", sha256, label, operations))

    def preview(self, sha256: str, offset: int, limit: int, columns: list[str] | None) -> dict[str, Any]:
        return _checked(self._run("preview_dataset", sha256, offset, limit, columns))

    def export_csv(self, sha256: str) -> str:
        return self._run("export_dataset", sha256)["sha256"]
