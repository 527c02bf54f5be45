"""The Ray actor that trains one worker's share of a run; worker 0 (the chief) records the run's progress.

Each actor is named after its run, attempt and index and lives apart from the API process
(`lifetime="detached"`), so a restarted server finds the actors of a run that is still
training. Methods run in a small thread pool, so `wait` and `pid` return while `train` blocks.
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import tempfile
import threading
from typing import Any

import ray

log = logging.getLogger(__name__)


def actor_name(run_id: str, attempt: int, index: int) -> str:
    return f"training-{run_id}-{attempt}-{index}"


@ray.remote(max_concurrency=4, max_restarts=0)
class TrainingWorker:
    def __init__(self, database_url: str, artifacts: str) -> None:
        self.database_url = database_url
        self.artifacts = artifacts
        self.finished = threading.Event()
        self.outcome: dict[str, Any] = {}

    def pid(self) -> int:
        return os.getpid()

    def address(self) -> str:
        """Return host:port where this worker's TensorFlow collective service can listen."""
        host = ray.util.get_node_ip_address()
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.bind((host, 0))
            port = probe.getsockname()[1]
        return f"{host}:{port}"

    def wait(self) -> dict[str, Any]:
        """Block until `train` has returned, then return its outcome; a restarted server calls it to follow a run."""
        self.finished.wait()
        return self.outcome

    def train(
        self, job: Any, index: int, cluster: dict[str, list[str]] | None, trace_carrier: dict[str, str] | None = None
    ) -> dict[str, Any]:
        """Train this worker's share; the chief records each epoch and the outcome. Returns {"status": …}.

        `trace_carrier` is the supervisor's trace context (`backend.trace_context.inject_carrier`):
        this worker's spans, and the commands it records, continue that trace.
        """
        from opentelemetry.trace import StatusCode

        from backend.telemetry import configure_tracing, flush_spans, tracer
        from backend.trace_context import extract_carrier
        from workers.ray_runtime import WORKER_SERVICE_NAME

        configure_tracing(WORKER_SERVICE_NAME)
        attributes = {"modelcloud.run_id": job.run_id, "modelcloud.attempt": job.attempt, "modelcloud.worker_index": index}
        try:
            with tracer.start_as_current_span("training attempt", context=extract_carrier(trace_carrier), attributes=attributes) as span:
                self.outcome = self._train(job, index, cluster)
                span.set_attribute("modelcloud.outcome", self.outcome["status"])
                if self.outcome["status"] == "failed":
                    span.set_status(StatusCode.ERROR, self.outcome["reason"][:300])
        finally:
            # The supervisor may kill this process as soon as `train` returns.
            flush_spans()
            self.finished.set()
        return self.outcome

    def _train(self, job: Any, index: int, cluster: dict[str, list[str]] | None) -> dict[str, Any]:
        from workers.training.job import NullReporter, TrainingFailed
        from workers.training.loop import run_training
        from workers.training.recording import StaleAttempt, TrainingRecorder

        chief = index == 0
        recorder = TrainingRecorder(self.database_url, self.artifacts, job.run_id, job.attempt) if chief else None
        workdir = tempfile.mkdtemp(prefix=f"modelcloud-train-{job.run_id[:8]}-")
        try:
            result = run_training(job, recorder or NullReporter(), workdir, worker_index=index, cluster=cluster)
            if recorder is not None:
                recorder.succeeded(result)
            return {"status": "succeeded", "epochs": result.get("epochs")}
        except StaleAttempt as error:
            return {"status": "stale", "reason": str(error)}
        except TrainingFailed as error:
            return self._record_failure(recorder, str(error), job)
        except Exception as error:  # noqa: BLE001  (any other error ends the run with its reason, never silently)
            log.exception("training raised", extra={"run_id": job.run_id, "attempt": job.attempt})
            return self._record_failure(recorder, f"Training raised {type(error).__name__}: {_summary(error)}", job)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
            if recorder is not None:
                recorder.close()

    @staticmethod
    def _record_failure(recorder: Any, reason: str, job: Any) -> dict[str, Any]:
        from workers.training.recording import StaleAttempt

        if recorder is not None:
            try:
                recorder.failed(reason)
            except StaleAttempt:
                return {"status": "stale", "reason": reason}
        log.info("training failed", extra={"run_id": job.run_id, "attempt": job.attempt, "reason": reason[:300]})
        return {"status": "failed", "reason": reason}


def _summary(error: BaseException) -> str:
    """Return the informative line of an error; TensorFlow puts the traced code first and the cause last."""
    lines = [line.strip() for line in str(error).strip().splitlines() if line.strip()]
    if not lines:
        return "no message"
    return (lines[-1] if lines[0] == "in user code:" else lines[0])[:500]
