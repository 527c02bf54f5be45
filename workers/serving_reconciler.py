"""Makes Ray Serve's applications match the deployments' read model, and records their health.

Each version in a deployment's newest revision (its traffic and its language routes) is one Serve application. While a newer revision
starts, the active revision's applications keep serving; once every application of the newest
one runs, the deployment records BecameHealthy and the prediction API routes to it. Applications
that no revision needs any more are deleted after a grace period, so requests routed just before
the switch still finish.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable
from typing import Any

from backend.domain.base import SYSTEM_ACTOR, Cause
from backend.domain.deployments import app_name, served_versions
from backend.runtime import Runtime

log = logging.getLogger(__name__)

APP_PREFIX = "mc-"
# API processes read the active revision from the shared read model on every request. Only calls already routed
# to an old application still need it, and the grace period lets them finish.
RETIRE_GRACE_SECONDS = 15.0
# Seconds a revision may wait for its replicas before its health shows why they do not run.
STUCK_SECONDS = 120.0
RUNNING = "RUNNING"
BROKEN = ("UNHEALTHY", "DEPLOY_FAILED")


class ServingReconciler:
    def __init__(self, runtime: Runtime, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.runtime = runtime
        self.monotonic = monotonic
        self._deployed: dict[str, Any] = {}
        self._unwanted_since: dict[str, float] = {}
        self._waiting_since: dict[tuple[str, int], float] = {}
        self._started = False

    def reconcile(self) -> None:
        """Deploy, update and delete applications for one pass, and record health transitions."""
        live = self.runtime.readers.deployments.live()
        if not live and not self._started:
            return
        from workers import serving

        if not self._started:
            serving.start_serve()
            self._started = True
        wanted: dict[str, Any] = {}
        for row in live:
            try:
                wanted.update(self._specs(row))
            except ValueError as error:
                # The serving layer rejects a version it cannot serve (such as a SavedModel with several inputs).
                self._record(row, healthy=False, replicas=0, reason=str(error)[:300])
        for name, spec in wanted.items():
            if self._deployed.get(name) != spec:
                serving.deploy(spec)
                self._deployed[name] = spec
                log.info("serve application deployed", extra={"app": name})
        statuses = serving.statuses(APP_PREFIX)
        for row in live:
            self._report_health(row, statuses)
        self._retire(set(wanted), statuses)

    def _specs(self, row: Any) -> dict[str, Any]:
        """Return the replica specs of the newest revision, plus those of the active one while it still serves."""
        deployment_id = uuid.UUID(row["deployment_id"])
        specs = self._specs_of(deployment_id, json.loads(row["config"]))
        if row["active_config"] and row["active_revision"] != row["revision"]:
            for name, spec in self._specs_of(deployment_id, json.loads(row["active_config"])).items():
                specs.setdefault(name, spec)
        return specs

    def _specs_of(self, deployment_id: uuid.UUID, config: dict[str, Any]) -> dict[str, Any]:
        from workers import serving
        from workers.ray_runtime import worker_settings

        specs = {}
        for number, version_id in served_versions(config).items():
            version = self.runtime.readers.registry.version(version_id)
            if version is None:
                continue
            name = app_name(deployment_id, number, config)
            specs[name] = serving.ReplicaSpec(
                app_name=name, artifacts=worker_settings(self.runtime.settings)["artifacts"], model_sha256=version["sha256"],
                model_format=version["format"], signature=json.loads(version["signature"] or "{}"),
                min_replicas=config["scaling"]["minReplicas"], max_replicas=config["scaling"]["maxReplicas"],
                target_ongoing_requests=config["scaling"]["targetOngoingRequests"], cpus_per_replica=config["cpusPerReplica"],
                max_batch_size=config["batching"]["maxBatchSize"], batch_wait_ms=config["batching"]["batchWaitMs"],
            )
        return specs

    def _report_health(self, row: Any, statuses: dict[str, Any]) -> None:
        deployment_id = uuid.UUID(row["deployment_id"])
        revision = int(row["revision"])
        config = json.loads(row["config"])
        numbers = {app_name(deployment_id, number, config): number for number in served_versions(config)}
        states = {name: statuses.get(name) for name in numbers}
        if all(state is not None and state.status == RUNNING and state.running_replicas >= 1 for state in states.values()):
            healthy, reason = True, ""
            replicas = sum(state.running_replicas for state in states.values() if state is not None)
        else:
            broken = {name: state for name, state in states.items() if state is not None and (state.status in BROKEN or (
                row["active_revision"] == revision and state.status != RUNNING))}
            prefix = ""
            if not broken:
                # Serve keeps a revision whose replicas cannot be placed (more CPUs than the cluster has) waiting
                # without failing it. After STUCK_SECONDS its health shows Serve's reason, and the active revision serves.
                waiting = self._waiting_since.setdefault((row["deployment_id"], revision), self.monotonic())
                if self.monotonic() - waiting < STUCK_SECONDS:
                    return
                broken = {name: state for name, state in states.items() if state is None or state.status != RUNNING}
                prefix = f"not running after {STUCK_SECONDS:g} s: "
            healthy, replicas = False, 0
            reason = prefix + "; ".join(
                f"version {numbers[name]}: "
                + (f"{state.status} {state.message}".strip() if state is not None else "not deployed yet")
                for name, state in broken.items())[:300]
        if healthy:
            self._waiting_since.pop((row["deployment_id"], revision), None)
        self._record(row, healthy=healthy, replicas=replicas, reason=reason)

    def _record(self, row: Any, *, healthy: bool, replicas: int, reason: str) -> None:
        """Record the newest revision's health, unless the read model already shows it.

        The row is compared instead of this process's last report, because a stop and a start keep
        the revision. When its replicas run again, BecameHealthy must be recorded a second time.
        """
        deployment_id = uuid.UUID(row["deployment_id"])
        revision = int(row["revision"])
        if _shows_health(row, revision, healthy):
            return
        cause = Cause.new(SYSTEM_ACTOR, None, at=self.runtime.clock())
        outcome = self.runtime.deployments.record_health(cause, deployment_id=deployment_id, revision=revision, healthy=healthy,
                                                         replicas=replicas, reason=reason)
        if outcome.events:
            log.info("deployment health recorded", extra={"deployment_id": row["deployment_id"], "revision": revision,
                                                          "healthy": healthy, "reason": reason[:300]})
            self.runtime.projections.wait_for(outcome.position, timeout=10)

    def _retire(self, wanted: set[str], statuses: dict[str, Any]) -> None:
        from workers import serving

        now = self.monotonic()
        for name in statuses:
            if name in wanted:
                self._unwanted_since.pop(name, None)
                continue
            since = self._unwanted_since.setdefault(name, now)
            if now - since >= RETIRE_GRACE_SECONDS and statuses[name].status != "DELETING":
                serving.delete(name)
                self._deployed.pop(name, None)
                log.info("serve application deleted", extra={"app": name})


def _shows_health(row: Any, revision: int, healthy: bool) -> bool:
    """Return whether the read-model row already shows this report, so recording it would add no event."""
    if healthy:
        return row["status"] == "healthy" and row["active_revision"] == revision
    return row["status"] == "degraded"
