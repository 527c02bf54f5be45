"""The reconciler: makes Ray's work match the desired state in the read models.

It inspects every model version that is still pending, profiles every dataset version that
has no profile yet, follows every unfinished training run (workers/training/supervisor.py),
runs pending evaluations and batch predictions, lets evaluation rules start and judge their trials, and keeps
Ray Serve's applications in line with the deployments (workers/serving_reconciler.py).
It submits a Ray task per version and records the result, or the reason it failed, through
the registry or dataset service. At start it picks up whatever a previous process left
pending, so a restart loses nothing.
"""

from __future__ import annotations

import logging
import threading
import uuid
from typing import Any

from backend.domain.base import Cause, SYSTEM_ACTOR
from backend.leases import open_leases
from backend.processes.evaluation_rules import follow_evaluation_rules
from backend.runtime import Runtime

log = logging.getLogger(__name__)

MAX_IN_FLIGHT = 2
MAX_PROFILES = 2
MAX_CRASHES = 3
MAX_EVALUATIONS = 1
MAX_BATCH_PREDICTIONS = 1
LEASE = "reconciler"


class Reconciler:
    """A background thread that keeps one Ray task running per pending version, at most MAX_IN_FLIGHT at once."""

    def __init__(self, runtime: Runtime, *, poll_interval: float = 1.0) -> None:
        self.runtime = runtime
        self.poll_interval = poll_interval
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._in_flight: dict[Any, str] = {}
        self._crashes: dict[str, int] = {}
        self._task: Any = None
        self._profiling: dict[str, threading.Thread] = {}
        self._profile_crashes: dict[str, int] = {}
        self._supervisor: Any = None
        self._evaluating: dict[str, threading.Thread] = {}
        self._predicting: dict[str, threading.Thread] = {}
        self._serving: Any = None
        # Several API processes on one PostgreSQL each start a reconciler; the lease lets one act at a time.
        self.leases = open_leases(runtime.settings.database_url)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="reconciler", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        for thread in list(self._profiling.values()):
            thread.join(timeout=30)
        if self._supervisor is not None:
            self._supervisor.join(timeout=30)
        for thread in list(self._evaluating.values()):
            thread.join(timeout=30)
        for thread in list(self._predicting.values()):
            thread.join(timeout=30)
        self.leases.release_all()
        from workers.ray_runtime import shutdown_ray

        shutdown_ray()

    def _run(self) -> None:
        while not self._stop.is_set():
            if LEASE not in self.leases.claim([LEASE]):
                # Another process reconciles; try again later, so this one takes over if that one dies.
                # NOTE: training runs this process already follows keep their threads after the lease is lost, so
                # two processes may follow one run until this one stops.
                self._wake.wait(self.poll_interval)
                self._wake.clear()
                continue
            try:
                self._submit_pending()
                self._submit_profiles()
                self._supervise_training()
                self._follow_rules()
                self._submit_evaluations()
                self._submit_batch_predictions()
                self._collect_finished()
                self._reconcile_serving()
            except Exception:
                log.exception("reconciler pass failed; retrying")
                self._stop.wait(self.poll_interval)
            if not self._in_flight:
                self._wake.wait(self.poll_interval)
                self._wake.clear()

    def _ensure_ray(self) -> Any:
        if self._task is None:
            from workers.ray_runtime import ensure_ray

            ensure_ray(self.runtime.settings)
            from workers.tasks import inspect_blob
            self._task = inspect_blob
        return self._task

    def _supervise_training(self) -> None:
        if self._supervisor is None:
            if not self.runtime.readers.training.unfinished():
                return
            self._ensure_ray()
            from workers.training.supervisor import TrainingSupervisor

            self._supervisor = TrainingSupervisor(self.runtime, self._stop)
        self._supervisor.reconcile()

    def _follow_rules(self) -> None:
        try:
            follow_evaluation_rules(self.runtime)
        except Exception:
            # The other steps of this pass still run; a broken rule must not hold up inspections or training.
            log.exception("evaluation rules pass failed; retrying on the next pass")

    def _reconcile_serving(self) -> None:
        if self._serving is None:
            if not self.runtime.readers.deployments.live():
                return
            self._ensure_ray()
            from workers.serving_reconciler import ServingReconciler

            self._serving = ServingReconciler(self.runtime)
        self._serving.reconcile()

    def _submit_evaluations(self) -> None:
        for evaluation_id, thread in list(self._evaluating.items()):
            if not thread.is_alive():
                del self._evaluating[evaluation_id]
        if len(self._evaluating) >= MAX_EVALUATIONS:
            return
        for row in self.runtime.readers.evaluation.pending(MAX_EVALUATIONS * 4):
            if len(self._evaluating) >= MAX_EVALUATIONS:
                return
            if row["evaluation_id"] in self._evaluating:
                continue
            self._ensure_ray()
            thread = threading.Thread(target=self._evaluate, args=(row,), name=f"evaluate-{row['evaluation_id'][:8]}", daemon=True)
            self._evaluating[row["evaluation_id"]] = thread
            thread.start()

    def _evaluate(self, row: Any) -> None:
        from workers.evaluation_jobs import run_evaluation_task

        try:
            run_evaluation_task(self.runtime, row, self._cause)
        except Exception:
            # The evaluation stays pending, so a later pass tries it again.
            log.exception("evaluating failed; retrying later", extra={"evaluation_id": row["evaluation_id"]})

    def _submit_batch_predictions(self) -> None:
        for batch_prediction_id, thread in list(self._predicting.items()):
            if not thread.is_alive():
                del self._predicting[batch_prediction_id]
        if len(self._predicting) >= MAX_BATCH_PREDICTIONS:
            return
        # A running batch prediction that no thread here follows was left by a stopped process; it runs again.
        for row in self.runtime.readers.batch_predictions.unfinished(MAX_BATCH_PREDICTIONS * 4):
            if len(self._predicting) >= MAX_BATCH_PREDICTIONS:
                return
            if row["batch_prediction_id"] in self._predicting:
                continue
            self._ensure_ray()
            thread = threading.Thread(
                target=self._predict, args=(row,), name=f"predict-{row['batch_prediction_id'][:8]}", daemon=True
            )
            self._predicting[row["batch_prediction_id"]] = thread
            thread.start()

    def _predict(self, row: Any) -> None:
        from workers.batch_prediction_jobs import run_batch_prediction_task

        try:
            run_batch_prediction_task(self.runtime, row, self._cause)
        except Exception:
            # The batch prediction stays unfinished, so a later pass tries it again.
            log.exception("batch prediction failed; retrying later", extra={"batch_prediction_id": row["batch_prediction_id"]})

    def _submit_profiles(self) -> None:
        for version_id, thread in list(self._profiling.items()):
            if not thread.is_alive():
                del self._profiling[version_id]
        if len(self._profiling) >= MAX_PROFILES:
            return
        for row in self.runtime.readers.datasets.unprofiled(MAX_PROFILES * 4):
            if len(self._profiling) >= MAX_PROFILES:
                return
            version_id = row["version_id"]
            if version_id in self._profiling:
                continue
            self._ensure_ray()
            thread = threading.Thread(target=self._profile, args=(row,), name=f"profile-{version_id[:8]}", daemon=True)
            self._profiling[version_id] = thread
            thread.start()

    def _profile(self, row: Any) -> None:
        import ray

        from workers.profiling import record_profiling
        from workers.tasks import profile_dataset

        from ray.exceptions import LocalRayletDiedError, NodeDiedError, WorkerCrashedError

        version_id = row["version_id"]

        def retry_crash(error: Exception) -> bool:
            if not isinstance(error, (WorkerCrashedError, LocalRayletDiedError, NodeDiedError)):
                return False
            self._profile_crashes[version_id] = self._profile_crashes.get(version_id, 0) + 1
            return self._profile_crashes[version_id] < MAX_CRASHES

        log.info("profiling submitted", extra={"version_id": version_id})
        references = profile_dataset.remote(self.runtime.settings.artifacts, row["sha256"], row["label"], row["split_column"])
        items = (ray.get(reference) for reference in references)
        result = record_profiling(self.runtime, uuid.UUID(version_id), items, stopped=self._stop.is_set, retry_crash=retry_crash)
        if result in ("ready", "failed"):
            # A later profileDatasetVersion starts again with the full number of retries.
            self._profile_crashes.pop(version_id, None)

    def _submit_pending(self) -> None:
        if len(self._in_flight) >= MAX_IN_FLIGHT:
            return
        busy = set(self._in_flight.values())
        for row in self.runtime.readers.registry.pending(MAX_IN_FLIGHT * 4):
            if len(self._in_flight) >= MAX_IN_FLIGHT:
                return
            if row["version_id"] in busy:
                continue
            task = self._ensure_ray()
            reference = task.remote(self.runtime.settings.artifacts, row["sha256"], row["format"], row["filename"])
            self._in_flight[reference] = row["version_id"]
            log.info("inspection submitted", extra={"version_id": row["version_id"]})

    def _collect_finished(self) -> None:
        if not self._in_flight:
            return
        import ray

        done, _ = ray.wait(list(self._in_flight), num_returns=1, timeout=self.poll_interval)
        for reference in done:
            version_id = self._in_flight.pop(reference)
            try:
                outcome = ray.get(reference)
            except Exception as error:  # noqa: BLE001  (a crashed worker is retried, then recorded)
                self._crashed(version_id, error)
                continue
            self._record(version_id, outcome)

    def _crashed(self, version_id: str, error: Exception) -> None:
        count = self._crashes.get(version_id, 0) + 1
        self._crashes[version_id] = count
        log.warning("inspection worker crashed", extra={"version_id": version_id, "attempt": count, "error": str(error)[:300]})
        if count >= MAX_CRASHES:
            reason = f"The inspection worker crashed {count} times on this file: {str(error).splitlines()[0][:300]}"
            self.runtime.registry.record_inspection_failure(self._cause(), version_id=uuid.UUID(version_id), reason=reason)

    def _record(self, version_id: str, outcome: dict[str, Any]) -> None:
        if "failed" in outcome:
            recorded = self.runtime.registry.record_inspection_failure(
                self._cause(), version_id=uuid.UUID(version_id), reason=outcome["failed"]
            )
            log.info("inspection failed", extra={"version_id": version_id})
        else:
            recorded = self.runtime.registry.record_inspection(self._cause(), version_id=uuid.UUID(version_id), report=outcome["report"])
            log.info("inspection recorded", extra={"version_id": version_id})
        # Until the read model shows the new status, the version still looks pending; waiting here
        # keeps the next pass from inspecting it a second time.
        self.runtime.projections.wait_for(recorded.position, timeout=10)

    def _cause(self) -> Cause:
        return Cause.new(SYSTEM_ACTOR, None, at=self.runtime.clock())
