"""Supervision of training runs on Ray: start each attempt's actors, follow them, and act on what happens.

One thread follows each unfinished run. It starts the run's workers, watches them, and
handles the outcomes that a worker cannot report itself. On a cancel it kills the actors and
marks the run cancelled. When a worker process dies, the run restarts from its last
checkpoint, or fails when no retries are left. Workers that vanished while the server was
down count as dead. The chief worker records epochs, success and training failures itself.
"""

from __future__ import annotations

import logging
import threading
import uuid
from typing import Any

from opentelemetry import trace

from backend.domain.base import SYSTEM_ACTOR, Cause, DomainError
from backend.domain.training import QUEUED, RUNNING, TrainingRun
from backend.runtime import Runtime
from backend.telemetry import tracer
from backend.trace_context import continued, inject_carrier

log = logging.getLogger(__name__)

# How often a supervising thread looks for a cancel request while the workers train.
CANCEL_POLL_SECONDS = 0.5


class WorkersLost(Exception):
    """An attempt's workers died or could not start; the message is the reason recorded on the run."""


class TrainingSupervisor:
    def __init__(self, runtime: Runtime, stopping: threading.Event) -> None:
        self.runtime = runtime
        self.stopping = stopping
        self.threads: dict[str, threading.Thread] = {}

    def reconcile(self) -> None:
        """Start a supervising thread for every unfinished run that has none."""
        for run_id, thread in list(self.threads.items()):
            if not thread.is_alive():
                del self.threads[run_id]
        for row in self.runtime.readers.training.unfinished():
            run_id = row["run_id"]
            if run_id in self.threads:
                continue
            thread = threading.Thread(target=self._supervise, args=(run_id,), name=f"train-{run_id[:8]}", daemon=True)
            self.threads[run_id] = thread
            thread.start()

    def join(self, timeout: float) -> None:
        for thread in list(self.threads.values()):
            thread.join(timeout=timeout)

    def _supervise(self, run_id: str) -> None:
        try:
            _Follower(self.runtime, uuid.UUID(run_id), self.stopping).follow()
        except Exception:
            # The next reconciler pass starts a new thread for the run, which picks up where this one stopped.
            log.exception("supervising a training run failed", extra={"run_id": run_id})
            self.stopping.wait(5.0)


class _Follower:
    """Follows one run through its attempts until it has finished or the server stops."""

    def __init__(self, runtime: Runtime, run_id: uuid.UUID, stopping: threading.Event) -> None:
        self.runtime = runtime
        self.training = runtime.training
        self.run_id = run_id
        self.stopping = stopping
        self.actors: list[Any] = []
        self.futures: list[Any] = []
        self.attempt = 0
        # What this thread does for the run joins the trace of the command that started the run.
        self.traceparent = runtime.store.creation_traceparent(run_id)

    def follow(self) -> None:
        with continued(self.traceparent):
            self._follow()

    def _follow(self) -> None:
        while not self.stopping.is_set():
            run = self.training.get(self.run_id)
            if run.finished:
                self._kill_actors()
                return
            if run.cancel_requested:
                self._cancel(run)
                return
            try:
                if run.status == QUEUED:
                    with tracer.start_as_current_span("launch training attempt", attributes={"modelcloud.run_id": str(self.run_id)}):
                        launched = self._launch(run)
                    if not launched:
                        continue
                elif run.status == RUNNING and not self.futures:
                    self._reattach(run)
                self._watch(self.attempt)
            except WorkersLost as lost:
                self._kill_actors()
                self._restart(str(lost))

    def _launch(self, run: TrainingRun) -> bool:
        """Start the next attempt's workers; returns False when none started (no resources, a cancel, or shutdown).

        The run stays queued until Ray has placed every worker, so a run that waits for CPUs held
        by other runs shows as queued, and the attempt is recorded only once its workers are up.
        """
        from workers.ray_runtime import worker_settings
        from workers.training.actor import TrainingWorker, actor_name

        resources = run.config["resources"]
        workers = int(resources["workers"])
        if not self._has_capacity(workers, float(resources["cpusPerWorker"]), float(resources["gpusPerWorker"])):
            return False
        attempt = run.attempt + 1
        trace.get_current_span().set_attribute("modelcloud.attempt", attempt)
        # A server that stopped while placing these workers may have left them behind.
        self._kill_actors(attempt=attempt, workers=workers)
        located = worker_settings(self.runtime.settings)
        self.actors = [
            TrainingWorker.options(  # type: ignore[attr-defined]
                name=actor_name(str(self.run_id), attempt, index), lifetime="detached",
                num_cpus=float(resources["cpusPerWorker"]), num_gpus=float(resources["gpusPerWorker"]),
                # An environment of its own gives each actor a fresh worker process: TensorFlow's
                # multi-worker strategy must start before any other TensorFlow work in the process,
                # and a pooled worker may have run an inspection.
                runtime_env={"env_vars": {"MODELCLOUD_TRAINING_RUN": f"{self.run_id}:{attempt}"}},
            ).remote(located["database_url"], located["artifacts"])
            for index in range(workers)
        ]
        try:
            addresses = self._placed(attempt)
        except WorkersLost:
            # Recording the attempt first makes the restart count against maxRetries.
            self._start_attempt(workers)
            raise
        if addresses is None or not self._start_attempt(workers):
            self._kill_actors()
            return False
        log.info("training attempt started", extra={"run_id": str(self.run_id), "attempt": attempt, "workers": workers})
        cluster = {"worker": addresses} if workers > 1 else None
        job = self._job(run, attempt, located["artifacts"])
        carrier = inject_carrier()
        self.futures = [actor.train.remote(job, index, cluster, carrier) for index, actor in enumerate(self.actors)]
        return True

    def _start_attempt(self, workers: int) -> bool:
        try:
            self.attempt = self.training.start_attempt(self._cause(), run_id=self.run_id, workers=workers)
        except DomainError as error:
            log.info("training attempt not started", extra={"run_id": str(self.run_id), "reason": error.message})
            return False
        return True

    def _placed(self, attempt: int) -> list[str] | None:
        """Wait until Ray has started every worker and return their addresses; None after a cancel or at shutdown."""
        import ray
        from ray.exceptions import RayActorError

        references = [actor.address.remote() for actor in self.actors]
        pending = list(references)
        while pending:
            _done, pending = ray.wait(pending, num_returns=len(pending), timeout=CANCEL_POLL_SECONDS)
            if self.stopping.is_set() or self.training.get(self.run_id).cancel_requested:
                return None
        try:
            return ray.get(references)
        except RayActorError as error:
            raise WorkersLost(f"A worker of attempt {attempt} died while starting: {_first_line(error)}") from None

    def _reattach(self, run: TrainingRun) -> None:
        """Follow the workers of the current attempt after a server restart, or restart the run if they are gone."""
        import ray

        from workers.training.actor import actor_name

        workers = int(run.config["resources"]["workers"])
        found = []
        for index in range(workers):
            try:
                found.append(ray.get_actor(actor_name(str(self.run_id), run.attempt, index)))
            except ValueError:
                pass
        self.actors = found
        self.attempt = run.attempt
        if len(found) < workers:
            raise WorkersLost(
                f"The workers of attempt {run.attempt} were gone when the server started again, because the server or "
                "Ray restarted during the run."
            )
        log.info("following training workers again", extra={"run_id": str(self.run_id), "attempt": run.attempt})
        self.futures = [actor.wait.remote() for actor in found]

    def _watch(self, attempt: int) -> None:
        """Wait for the attempt's workers, checking for a cancel; raises WorkersLost when one died."""
        import ray

        pending = list(self.futures)
        while pending and not self.stopping.is_set():
            done, pending = ray.wait(pending, num_returns=len(pending), timeout=CANCEL_POLL_SECONDS)
            for reference in done:
                self._check_outcome(reference, attempt)
            if self.futures and self.futures[0] in done:
                # The chief has finished; the others stop with it.
                break
            if self.training.get(self.run_id).cancel_requested:
                return
        if self.stopping.is_set():
            return
        self._kill_actors()
        run = self.training.get(self.run_id)
        if run.status == RUNNING and run.attempt == attempt and not run.cancel_requested:
            self._fail(f"The chief worker of attempt {attempt} stopped without recording an outcome.")

    def _check_outcome(self, reference: Any, attempt: int) -> None:
        import ray
        from ray.exceptions import RayActorError, RayTaskError

        try:
            outcome = ray.get(reference)
        except RayActorError as error:
            raise WorkersLost(f"A worker process of attempt {attempt} died: {_first_line(error)}") from None
        except RayTaskError as error:
            raise WorkersLost(f"A worker of attempt {attempt} raised: {_first_line(error)}") from None
        log.info("training worker finished", extra={"run_id": str(self.run_id), "attempt": attempt, "status": outcome.get("status")})

    def _has_capacity(self, workers: int, cpus: float, gpus: float) -> bool:
        import ray

        total = ray.cluster_resources()
        for name, each in (("CPU", cpus), ("GPU", gpus)):
            needed = workers * each
            available = float(total.get(name, 0.0))
            if needed > available:
                self._fail(
                    f"The run needs {needed:g} {name}s ({workers} worker{'s' if workers != 1 else ''} × {each:g}), but the Ray cluster has {available:g}; "
                    "lower resources.workers or resources.cpusPerWorker / gpusPerWorker."
                )
                return False
        return True

    def _job(self, run: TrainingRun, attempt: int, artifacts: str) -> Any:
        from workers.training.job import TrainingJob

        plan = run.plan
        checkpoint = run.checkpoint
        return TrainingJob(
            run_id=str(self.run_id), attempt=attempt, artifacts=artifacts, dataset_sha256=plan["datasetSha256"],
            label=plan["label"], features=list(plan["features"]), text_column=plan.get("textColumn"),
            image_shape=plan.get("imageShape"), config=run.config, base_model_sha256=plan.get("baseSha256"),
            resume_sha256=checkpoint["sha256"] if checkpoint else None, resume_epoch=run.resume_epoch,
        )

    def _cancel(self, run: TrainingRun) -> None:
        self._kill_actors(attempt=run.attempt, workers=int(run.config["resources"]["workers"]))
        self.training.mark_cancelled(self._cause(), run_id=self.run_id)
        log.info("training run cancelled", extra={"run_id": str(self.run_id), "attempt": run.attempt})

    def _restart(self, reason: str) -> None:
        try:
            again = self.training.restart(self._cause(), run_id=self.run_id, reason=reason)
        except DomainError as error:
            log.warning("could not restart a training run", extra={"run_id": str(self.run_id), "error": error.message})
            return
        log.warning("training workers lost", extra={"run_id": str(self.run_id), "reason": reason, "restarting": again})

    def _fail(self, reason: str) -> None:
        self.training.fail(self._cause(), run_id=self.run_id, reason=reason)
        log.warning("training run failed", extra={"run_id": str(self.run_id), "reason": reason})

    def _kill_actors(self, *, attempt: int = 0, workers: int = 0) -> None:
        """Kill the workers this thread holds, or else the named workers of `attempt`, if any are alive."""
        import ray

        actors = list(self.actors)
        if not actors and attempt:
            from workers.training.actor import actor_name

            for index in range(workers):
                try:
                    actors.append(ray.get_actor(actor_name(str(self.run_id), attempt, index)))
                except ValueError:
                    pass
        for actor in actors:
            try:
                ray.kill(actor, no_restart=True)
            except Exception as error:  # noqa: BLE001  (an actor that is already gone needs no kill)
                log.debug("killing a training worker failed", extra={"run_id": str(self.run_id), "error": str(error)[:200]})
        self.actors, self.futures = [], []

    def _cause(self) -> Cause:
        return Cause.new(SYSTEM_ACTOR, None, at=self.runtime.clock())


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0][:300] if text else type(error).__name__
