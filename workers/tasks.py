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
