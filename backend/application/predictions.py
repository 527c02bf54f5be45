"""The prediction path: find the deployment, pick a version by the active traffic split, check the payload, call Serve.

Nothing here appends events per request. Calls are counted by the inference meter, which
records one window event per deployment and interval.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import numpy as np

from backend.application.aggregates import load
from backend.application.eventstore import EventStore
from backend.application.inference_meter import InferenceMeter
from backend.application.language_detection import MIN_CONFIDENCE, LanguageDetector
from backend.application.prediction_payloads import PredictionRequest, check_payload, format_response, raw_rows
from backend.application.serving_transforms import ServingTransform, version_transform
from backend.application.request_log import MAX_LOGGED_ROWS, LoggedCall, RequestSampler
from backend.domain.access import Principal
from backend.domain.base import Conflict, DomainError, NotFound, iso, utc_now
from backend.domain.deployments import DEFAULT_REQUEST_LOG_SAMPLE, app_name, served_versions
from backend.domain.identity import Team
from backend.projections.deployments import DeploymentsReader
from backend.projections.registry import RegistryReader

class ServingUnavailable(DomainError):
    """The deployment cannot take requests yet (starting, or no Ray Serve in this process); retrying may work."""

    code = "SERVICE_UNAVAILABLE"


class DeploymentNotFound(NotFound):
    """The team that a prediction request addressed has no deployment of that name."""

    def __init__(self, team_name: str, name: str) -> None:
        super().__init__(f"Team {team_name!r} has no deployment named {name!r}.", field="name", value=name)
        self.team_name = team_name


class ModelFailed(DomainError):
    """The model raised on a request that passed validation."""

    code = "MODEL_FAILED"


class ModelServer(Protocol):
    async def predict(self, app: str, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]: ...


@dataclass(frozen=True)
class Prediction:
    body: dict[str, Any]
    deployment_id: str
    version: int
    rows: int


class TrafficRouter:
    """Smooth weighted round robin over a deployment's active split: 90/10 sends exactly 9 of every 10 calls to the first."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._weights: dict[tuple[str, int], dict[int, int]] = {}

    def choose(self, deployment_id: str, revision: int, traffic: list[dict[str, Any]]) -> int:
        shares = {int(entry["version"]): int(entry["percent"]) for entry in traffic if int(entry["percent"]) > 0}
        with self._lock:
            current = self._weights.setdefault((deployment_id, revision), {version: 0 for version in shares})
            for version, share in shares.items():
                current[version] += share
            chosen = max(current, key=lambda version: (current[version], -version))
            current[chosen] -= sum(shares.values())
            return chosen


class PredictionService:
    def __init__(self, store: EventStore, deployments: DeploymentsReader, registry: RegistryReader, server: ModelServer | None,
                 meter: InferenceMeter | None = None, monotonic: Callable[[], float] = time.monotonic,
                 clock: Callable[[], datetime] = utc_now) -> None:
        self.store = store
        self.meter = meter
        self.sampler = RequestSampler()
        self.clock = clock
        self.deployments = deployments
        self.registry = registry
        self.server = server
        self.router = TrafficRouter()
        self.detector = LanguageDetector()
        self._transforms: dict[str, ServingTransform | None] = {}
        self.monotonic = monotonic
        self._signatures: dict[str, dict[str, Any]] = {}

    def check_caller(self, principal: Principal, team_id: uuid.UUID) -> None:
        """Check the caller may call the team's deployments: any member of the team, through a token with scope predict."""
        principal.require_scope("predict", "Calling a deployment")
        principal.check_team_reach(team_id)
        team = load(self.store, team_id, Team, "team", "Team")
        if team.role_of(principal.user_id) is None and not principal.is_admin:
            raise NotFound(f"Team {team_id} was not found among your teams.", field="team", value=str(team_id))

    def deployment(self, team_id: uuid.UUID, name: str) -> dict[str, Any]:
        """Return the deployment's read-model row, or raise DeploymentNotFound naming the team and the name."""
        row = self.deployments.by_name(str(team_id), name)
        if row is None:
            team = load(self.store, team_id, Team, "team", "Team")
            raise DeploymentNotFound(team.name, name[:63])
        return row

    def served_version(self, row: dict[str, Any], version: int | None) -> tuple[int, str]:
        """Return the version number and id a request goes to: `version` if the active split lists it, else a routed one."""
        if row["status"] == "stopped":
            raise Conflict(f"Deployment {row['name']!r} is stopped; start it to serve predictions.", field="name", value=row["name"])
        if row["active_config"] is None:
            raise ServingUnavailable(f"Deployment {row['name']!r} is still starting its replicas; retry in a few seconds.",
                                     field="name", value=row["name"])
        active = json.loads(row["active_config"])
        traffic = active["traffic"]
        ids = served_versions(active)
        if version is None:
            version = self.router.choose(row["deployment_id"], int(row["active_revision"]), traffic)
        elif version not in ids:
            listed = ", ".join(str(number) for number in sorted(ids))
            raise NotFound(f"Version {version} is not part of deployment {row['name']!r}; its traffic goes to version {listed}.",
                           field="version", value=version)
        return version, ids[version]

    def transform(self, version_id: str) -> ServingTransform | None:
        """Return the training transforms a version's requests go through, or None when clients send model inputs."""
        if version_id not in self._transforms:
            self._transforms[version_id] = version_transform(self.store, uuid.UUID(version_id))
        return self._transforms[version_id]

    def _request(self, document: Any, version_id: str) -> PredictionRequest:
        """Check the payload; for a model trained on transformed data, first turn the raw rows into model inputs."""
        signature = self.signature(version_id)
        transform = self.transform(version_id)
        if transform is None:
            return check_payload(document, signature)
        prepared = check_payload({"instances": transform.apply(raw_rows(document, transform))}, signature)
        return PredictionRequest(columnar="inputs" in document, inputs=prepared.inputs, rows=prepared.rows)

    def signature(self, version_id: str) -> dict[str, Any]:
        if version_id not in self._signatures:
            row = self.registry.version(version_id)
            self._signatures[version_id] = json.loads(row["signature"]) if row and row["signature"] else {}
        return self._signatures[version_id]

    async def predict(self, principal: Principal, team_id: uuid.UUID, name: str, document: Any,
                      version: int | None = None) -> Prediction:
        """Serve one request and count it in the deployment's inference window, failed or not.

        The call is counted and logged under `principal.caller_id`: the API token's id, or the signed-in user's.
        """
        self.check_caller(principal, team_id)
        caller = principal.caller_id
        row = self.deployment(team_id, name)
        started = self.monotonic()
        number: int | None = None
        rows, error = 0, "server"
        try:
            try:
                number, version_id = self.served_version(row, version)
                request = self._request(document, version_id)
            except ServingUnavailable:
                raise
            except DomainError:
                error = "client"
                raise
            rows = request.rows
            routes = json.loads(row["active_config"]).get("languages") or [] if version is None else []
            if routes:
                outputs, languages, number = await self._call_by_language(row, routes, number, request.inputs)
            else:
                outputs, languages = await self._call(row, number, request.inputs), None
            error = None
            body = format_response(outputs, request.columnar)
            if languages is not None:
                body["languages"] = languages
            self._sample(row, number, caller, request.inputs, body, (self.monotonic() - started) * 1000)
            return Prediction(body=body, deployment_id=row["deployment_id"], version=number, rows=rows)
        finally:
            if self.meter is not None:
                self.meter.count(uuid.UUID(row["deployment_id"]), team_id, caller=caller, version=number, rows=rows,
                                 latency_ms=(self.monotonic() - started) * 1000, error=error)

    def _sample(self, row: dict[str, Any], number: int, caller: str, inputs: dict[str, np.ndarray], body: dict[str, Any],
                latency_ms: float) -> None:
        """Log the call's first rows and outputs when the deployment's sample rate picks it."""
        rate = json.loads(row["active_config"]).get("requestLogSample", DEFAULT_REQUEST_LOG_SAMPLE)
        if self.meter is None or not self.sampler.take(row["deployment_id"], rate):
            return
        rows = len(next(iter(inputs.values())))
        kept = {name: _listed(array[:MAX_LOGGED_ROWS]) for name, array in inputs.items()}
        outputs = {key: value[:MAX_LOGGED_ROWS] if isinstance(value, list) else value for key, value in body.items()}
        self.meter.log_call(LoggedCall(
            deployment_id=row["deployment_id"], logged_at=iso(self.clock()) or "", version=number, caller=caller, rows=rows,
            latency_ms=latency_ms, inputs=kept, outputs=outputs,
        ))

    async def _call_by_language(self, row: dict[str, Any], routes: list[dict[str, Any]], fallback: int,
                                inputs: dict[str, np.ndarray]) -> tuple[dict[str, np.ndarray], list[str], int]:
        """Send each row to the version of its detected language, or to `fallback`; return outputs in request order.

        Returns the outputs, each row's detected language, and the version that served the most rows.
        """
        [(name, texts)] = inputs.items()
        flat = [str(value[0] if isinstance(value, np.ndarray) else value) for value in texts]
        detected = await asyncio.to_thread(lambda: [self.detector.detect(text) for text in flat])
        by_language = {route["language"]: int(route["version"]) for route in routes}
        targets = [by_language[language] if language in by_language and probability >= MIN_CONFIDENCE else fallback
                   for language, probability in detected]
        groups: dict[int, list[int]] = {}
        for index, target in enumerate(targets):
            groups.setdefault(target, []).append(index)
        results = await asyncio.gather(*(self._call(row, target, {name: texts[indices]}, positions=indices)
                                         for target, indices in groups.items()))
        combined: np.ndarray | None = None
        for (target, indices), outputs in zip(groups.items(), results):
            values = next(iter(outputs.values()))
            if combined is None:
                combined = np.empty((len(flat), *values.shape[1:]), dtype=values.dtype)
            combined[indices] = values
        busiest = max(groups, key=lambda target: len(groups[target]))
        return {"output": combined}, [language for language, _ in detected], busiest  # type: ignore[dict-item]

    async def _call(self, row: dict[str, Any], number: int, inputs: dict[str, np.ndarray],
                    positions: list[int] | None = None) -> dict[str, np.ndarray]:
        """Return the version's outputs, or raise ModelFailed when it fails or returns NaN or infinity.

        `positions` are the request rows that `inputs` hold, when they are not all of them in order.
        """
        if self.server is None:
            raise ServingUnavailable("This API process has no model server (MODELCLOUD_WORKERS is off).", field="name",
                                     value=row["name"])
        try:
            name = app_name(uuid.UUID(row["deployment_id"]), number, json.loads(row["active_config"]))
            outputs = await self.server.predict(name, inputs)
        except DomainError:
            raise
        except Exception as error:  # noqa: BLE001 - whatever the replica raised becomes a short message for the caller.
            raise ModelFailed(f"Version {number} of deployment {row['name']!r} failed on this request: {_first_line(error)}",
                              field="name", value=row["name"]) from error

        _check_finite(row["name"], number, outputs, positions)
        return outputs


def _check_finite(deployment: str, number: int, outputs: dict[str, np.ndarray], positions: list[int] | None) -> None:
    """Raise ModelFailed naming the first row whose output is NaN or infinite, because JSON has no such numbers."""
    for output, values in outputs.items():
        if values.dtype.kind not in "fc":
            continue
        per_row = np.atleast_1d(values)
        bad = ~np.isfinite(per_row.reshape(len(per_row), -1)).all(axis=1)
        if not bad.any():
            continue
        first = int(np.argmax(bad))
        request_row = positions[first] if positions is not None else first
        count = int(bad.sum())
        rows = f"row {request_row}" if count == 1 else f"row {request_row} and {count - 1} more"
        raise ModelFailed(
            f"Version {number} of deployment {deployment!r} produced a non-finite output (NaN or infinity) in {output!r} for "
            f"{rows}. JSON cannot represent such a value, so nothing is returned. Check the version's weights and that row's values.",
            field="name", value=deployment,
        )


def _listed(array: np.ndarray) -> Any:
    values = array.tolist()
    return [[item.decode() if isinstance(item, bytes) else item for item in row] if isinstance(row, list)
            else row.decode() if isinstance(row, bytes) else row for row in values]


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0][:300] if text else type(error).__name__
