"""Deployments: a named endpoint that serves versions of one model on Ray Serve, with a traffic split.

Every change of traffic, scaling or batching is a new numbered revision of the whole
configuration. The reconciler deploys a revision's replicas and records BecameHealthy when all
of them run; only then does the prediction API route to it, so a switch never sends requests to
replicas that are not up. A rollback is a new revision with the previous revision's configuration.
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
import re
import uuid
from typing import Any

from backend.domain.base import Cause, Conflict, InvalidInput, ModelCloudAggregate
from backend.domain.validation import check_length, check_pattern

DEPLOYMENT_NAME_PATTERN = re.compile(r"[a-z][a-z0-9-]{0,62}")
DEPLOYMENT_NAME_RULE = "1 to 63 characters of lowercase letters, digits or '-', starting with a letter"
DEPLOYING, HEALTHY, DEGRADED, STOPPED = "deploying", "healthy", "degraded", "stopped"
MAX_TRAFFIC_VERSIONS = 10
MAX_REPLICAS = 16
MIN_CPUS, MAX_CPUS = 0.05, 16.0
MAX_BATCH_SIZE = 256
MAX_BATCH_WAIT_MS = 1000.0
MAX_REASON = 1000

DEFAULT_SCALING = {"minReplicas": 1, "maxReplicas": 1, "targetOngoingRequests": 2.0}
# A quarter of a CPU per replica lets a deployment and a 2-worker training run share 2 cores.
DEFAULT_CPUS = 0.25
DEFAULT_BATCHING = {"maxBatchSize": 16, "batchWaitMs": 5.0}
# The share of calls whose payloads go to the request log, where monitoring reads served data for drift.
DEFAULT_REQUEST_LOG_SAMPLE = 0.1


def check_deployment_name(name: Any) -> str:
    if not isinstance(name, str):
        raise InvalidInput("name must be a string.", field="name", value=None)
    check_length("name", name, minimum=1, maximum=63)
    return check_pattern("name", name, DEPLOYMENT_NAME_PATTERN, DEPLOYMENT_NAME_RULE)


def check_traffic(traffic: Any) -> dict[int, int]:
    """Return {version number: percent}, or raise InvalidInput: whole percents from 0 to 100 that sum to 100."""
    if not isinstance(traffic, list) or not traffic:
        raise InvalidInput("traffic must list at least one version with its percent.", field="traffic", value=None)
    if len(traffic) > MAX_TRAFFIC_VERSIONS:
        raise InvalidInput(f"traffic lists {len(traffic)} versions; at most {MAX_TRAFFIC_VERSIONS} are accepted.",
                           field="traffic", value=len(traffic))
    split: dict[int, int] = {}
    for index, entry in enumerate(traffic):
        where = f"traffic[{index}]"
        version, percent = entry.get("version"), entry.get("percent")
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            raise InvalidInput(f"{where}.version {version!r} is invalid: it must be a version number from 1.",
                               field=f"{where}.version", value=str(version)[:40])
        if isinstance(percent, bool) or not isinstance(percent, int) or not 0 <= percent <= 100:
            raise InvalidInput(f"{where}.percent {percent!r} is invalid: it must be a whole number from 0 to 100.",
                               field=f"{where}.percent", value=str(percent)[:40])
        if version in split:
            raise InvalidInput(f"{where} lists version {version} a second time.", field=f"{where}.version", value=version)
        split[version] = percent
    total = sum(split.values())
    if total != 100:
        shares = ", ".join(f"version {version}: {percent}" for version, percent in split.items())
        raise InvalidInput(f"The traffic percents must sum to 100, but they sum to {total} ({shares}).", field="traffic", value=total)
    return split


LANGUAGE_PATTERN = re.compile(r"[a-z]{2,3}")


def check_languages(languages: Any) -> dict[str, int]:
    """Return {language code: version number} for language routing, or raise InvalidInput naming the bad entry."""
    if not isinstance(languages, list):
        raise InvalidInput("languages must list {language, version} entries.", field="languages", value=None)
    if len(languages) > MAX_TRAFFIC_VERSIONS:
        raise InvalidInput(f"languages lists {len(languages)} entries; at most {MAX_TRAFFIC_VERSIONS} are accepted.",
                           field="languages", value=len(languages))
    routes: dict[str, int] = {}
    for index, entry in enumerate(languages):
        where = f"languages[{index}]"
        language, version = entry.get("language"), entry.get("version")
        if not isinstance(language, str) or not LANGUAGE_PATTERN.fullmatch(language):
            raise InvalidInput(f"{where}.language {str(language)[:20]!r} is invalid: use a lowercase ISO 639 code such as en or de.",
                               field=f"{where}.language", value=str(language)[:20])
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            raise InvalidInput(f"{where}.version {version!r} is invalid: it must be a version number from 1.",
                               field=f"{where}.version", value=str(version)[:40])
        if language in routes:
            raise InvalidInput(f"{where} lists language {language!r} a second time.", field=f"{where}.language", value=language)
        routes[language] = version
    return routes


def check_scaling(scaling: Any) -> dict[str, Any]:
    values = {**DEFAULT_SCALING, **(scaling or {})}
    unknown = set(values) - set(DEFAULT_SCALING)
    if unknown:
        raise InvalidInput(f"scaling has unknown settings {', '.join(sorted(unknown))}; expected minReplicas, maxReplicas "
                           "and targetOngoingRequests.", field="scaling", value=None)
    low, high = values["minReplicas"], values["maxReplicas"]
    for field, value in (("minReplicas", low), ("maxReplicas", high)):
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_REPLICAS:
            raise InvalidInput(f"scaling.{field} {value!r} is invalid: it must be a whole number from 1 to {MAX_REPLICAS}.",
                               field=f"scaling.{field}", value=str(value)[:40])
    if high < low:
        raise InvalidInput(f"scaling.maxReplicas {high} is below minReplicas {low}.", field="scaling.maxReplicas", value=high)
    target = _number("scaling.targetOngoingRequests", values["targetOngoingRequests"], 0.5, 100.0)
    return {"minReplicas": low, "maxReplicas": high, "targetOngoingRequests": target}


def check_batching(batching: Any) -> dict[str, Any]:
    values = {**DEFAULT_BATCHING, **(batching or {})}
    unknown = set(values) - set(DEFAULT_BATCHING)
    if unknown:
        raise InvalidInput(f"batching has unknown settings {', '.join(sorted(unknown))}; expected maxBatchSize and batchWaitMs.",
                           field="batching", value=None)
    size = values["maxBatchSize"]
    if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= MAX_BATCH_SIZE:
        raise InvalidInput(f"batching.maxBatchSize {size!r} is invalid: it must be a whole number from 1 (no batching) to "
                           f"{MAX_BATCH_SIZE}.", field="batching.maxBatchSize", value=str(size)[:40])
    wait = _number("batching.batchWaitMs", values["batchWaitMs"], 0.0, MAX_BATCH_WAIT_MS)
    return {"maxBatchSize": size, "batchWaitMs": wait}


def check_request_log_sample(sample: Any) -> float:
    return _number("requestLogSample", DEFAULT_REQUEST_LOG_SAMPLE if sample is None else sample, 0.0, 1.0)


def check_cpus(cpus: Any) -> float:
    return _number("cpusPerReplica", DEFAULT_CPUS if cpus is None else cpus, MIN_CPUS, MAX_CPUS)


def _number(field: str, value: Any, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or not low <= value <= high:
        raise InvalidInput(f"{field} {str(value)[:40]} is invalid: it must be a number from {low:g} to {high:g}.", field=field,
                           value=str(value)[:40])
    return float(value)


def app_name(deployment_id: uuid.UUID, version: int, config: dict[str, Any]) -> str:
    """Return the Ray Serve application name of one version of a deployment under a configuration's CPUs per replica.

    The name ends with a digest of the CPUs, so a revision that changes them starts new
    applications beside the serving ones. Ray Serve would otherwise replace the replicas in place
    and stop old ones before new ones start. Scaling and batching stay in the name's application,
    because Serve changes them on running replicas.
    """
    digest = hashlib.sha256(json.dumps({"cpusPerReplica": config.get("cpusPerReplica")}).encode()).hexdigest()[:8]
    return f"mc-{deployment_id.hex[:16]}-v{version}-{digest}"


def describe_traffic(traffic: list[dict[str, Any]]) -> str:
    return ", ".join(f"version {entry['version']} {entry['percent']}%" for entry in traffic)


def served_versions(config: dict[str, Any]) -> dict[int, str]:
    """Return {version number: version id} of every version a configuration serves: its traffic and its language routes."""
    versions = {int(entry["version"]): entry["versionId"] for entry in config["traffic"]}
    for route in config.get("languages") or []:
        versions[int(route["version"])] = route["versionId"]
    return versions


class Deployment(ModelCloudAggregate):
    """One named endpoint of a team. `config` is the current revision's; `previous_config` is what a rollback restores."""

    class Requested(ModelCloudAggregate.Created):
        team_id: uuid.UUID
        model_id: uuid.UUID
        name: str
        config: dict[str, Any]
        owner: uuid.UUID

        def apply(self, aggregate: Deployment) -> None:
            aggregate.team_id = self.team_id
            aggregate.model_id = self.model_id
            aggregate.name = self.name
            aggregate.revision = 1
            aggregate.config = copy.deepcopy(self.config)
            aggregate.previous_config = None
            aggregate.active_revision = None
            aggregate.status = DEPLOYING

    class TrafficShifted(ModelCloudAggregate.Event):
        revision: int
        config: dict[str, Any]

        def apply(self, aggregate: Deployment) -> None:
            aggregate.revise(self.revision, self.config)

    class Scaled(ModelCloudAggregate.Event):
        revision: int
        config: dict[str, Any]

        def apply(self, aggregate: Deployment) -> None:
            aggregate.revise(self.revision, self.config)

    class RolledBack(ModelCloudAggregate.Event):
        revision: int
        config: dict[str, Any]
        restored_revision: int

        def apply(self, aggregate: Deployment) -> None:
            aggregate.revise(self.revision, self.config)

    class BecameHealthy(ModelCloudAggregate.Event):
        revision: int
        replicas: int

        def apply(self, aggregate: Deployment) -> None:
            aggregate.active_revision = self.revision
            aggregate.status = HEALTHY if self.revision == aggregate.revision else DEPLOYING

    class Degraded(ModelCloudAggregate.Event):
        revision: int
        reason: str

        def apply(self, aggregate: Deployment) -> None:
            aggregate.status = DEGRADED

    class Stopped(ModelCloudAggregate.Event):
        def apply(self, aggregate: Deployment) -> None:
            aggregate.status = STOPPED

    class Started(ModelCloudAggregate.Event):
        revision: int

        def apply(self, aggregate: Deployment) -> None:
            aggregate.status = DEPLOYING
            aggregate.active_revision = None

    team_id: uuid.UUID
    model_id: uuid.UUID
    name: str
    revision: int
    config: dict[str, Any]
    previous_config: dict[str, Any] | None
    active_revision: int | None
    status: str

    def __init__(self, **_: Any) -> None:
        pass

    @classmethod
    def request(cls, deployment_id: uuid.UUID, *, cause: Cause, **fields: Any) -> Deployment:
        return cls._start(cls.Requested, cause, id=deployment_id, **fields)

    def revise(self, revision: int, config: dict[str, Any]) -> None:
        self.previous_config = self.config
        self.revision = revision
        self.config = copy.deepcopy(config)
        if self.status != STOPPED:
            self.status = DEPLOYING

    def reconfigure(self, config: dict[str, Any], cause: Cause) -> bool:
        """Record a new revision when `config` differs; traffic changes are TrafficShifted, the rest Scaled."""
        self._check_running("updateDeployment")
        if config == self.config:
            return False
        event = self.TrafficShifted if config["traffic"] != self.config["traffic"] else self.Scaled
        self._record(event, cause, revision=self.revision + 1, config=config)
        return True

    def roll_back(self, cause: Cause) -> None:
        self._check_running("rollbackDeployment")
        if self.previous_config is None:
            raise Conflict(f"Deployment {self.name!r} has only revision {self.revision}; there is nothing to roll back to.",
                           field="id", value=str(self.id))
        self._record(self.RolledBack, cause, revision=self.revision + 1, config=self.previous_config,
                     restored_revision=self.revision - 1)

    def stop(self, cause: Cause) -> None:
        if self.status == STOPPED:
            raise Conflict(f"Deployment {self.name!r} is already stopped.", field="id", value=str(self.id))
        self._record(self.Stopped, cause)

    def start(self, cause: Cause) -> None:
        if self.status != STOPPED:
            raise Conflict(f"Deployment {self.name!r} is {self.status}, not stopped.", field="id", value=str(self.id))
        self._record(self.Started, cause, revision=self.revision)

    def record_healthy(self, revision: int, replicas: int, cause: Cause) -> bool:
        """Record that every replica of `revision` runs; a stale or repeated report records nothing."""
        if self.status == STOPPED or revision != self.revision:
            return False
        if self.active_revision == revision and self.status == HEALTHY:
            return False
        self._record(self.BecameHealthy, cause, revision=revision, replicas=replicas)
        return True

    def record_degraded(self, revision: int, reason: str, cause: Cause) -> bool:
        if self.status in (STOPPED, DEGRADED) or revision != self.revision:
            return False
        self._record(self.Degraded, cause, revision=revision, reason=reason[:MAX_REASON])
        return True

    def _check_running(self, action: str) -> None:
        if self.status == STOPPED:
            raise Conflict(f"Deployment {self.name!r} is stopped; start it again before {action}.", field="id",
                           value=str(self.id))
