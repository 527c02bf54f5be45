"""Deployment commands: create a deployment, change its traffic, scaling and batching, roll back, stop and start.

The reconciler reports replica health through `record_health`; the prediction API only reads.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from backend.application.aggregates import exists, load
from backend.application.commands import CommandRunner, Outcome
from backend.application.language_detection import LanguageDetector
from backend.application.serving_transforms import version_transform
from backend.application.teams import team_with_role
from backend.domain.access import Principal
from backend.domain.base import Cause, Conflict, InvalidInput, NameIndex, NotFound, index_id
from backend.domain.deployments import (
    Deployment, check_batching, check_cpus, check_deployment_name, check_languages, check_request_log_sample, check_scaling,
    check_traffic, served_versions,
)
from backend.domain.identity import EDITOR
from backend.domain.registry import BROKEN, EXPIRED, FAILED, PENDING, READY, ModelVersion, RegisteredModel

SERVABLE_FORMATS = ("keras", "savedmodel")
NOT_SERVABLE = {
    PENDING: "is still being inspected; deploy it once its status is ready",
    FAILED: "failed inspection, so its file cannot be loaded",
    EXPIRED: "expired under the model's retention policy; restore it first",
    BROKEN: "is broken: its stored file is missing or altered",
}


class DeploymentService:
    def __init__(self, runner: CommandRunner, clock: Callable[[], datetime], detector: LanguageDetector | None = None) -> None:
        self.runner = runner
        self.store = runner.store
        self.clock = clock
        self.detector = detector or LanguageDetector()

    def create(
        self, principal: Principal, cause: Cause, *, model_id: uuid.UUID, name: str, traffic: list[dict[str, Any]] | None = None,
        scaling: dict[str, Any] | None = None, batching: dict[str, Any] | None = None, cpus_per_replica: float | None = None,
        request_log_sample: float | None = None, languages: list[dict[str, Any]] | None = None,
    ) -> tuple[uuid.UUID, Outcome]:
        """Deploy versions of a model under a name unique in its team; no traffic serves the `production` alias's version,
        or else the newest version."""
        check_deployment_name(name)
        deployment_id = uuid.uuid4()

        def decide() -> list[object]:
            model = self._model_for(principal, model_id)
            if exists(self.store, index_id("deployment", str(model.team_id), name)):
                raise Conflict(f"The team already has a deployment named {name!r}.", field="name", value=name)
            split = check_traffic(traffic) if traffic is not None else {self._default_version(model): 100}
            config = {
                "traffic": self._traffic(model, split),
                "scaling": check_scaling(scaling),
                "cpusPerReplica": check_cpus(cpus_per_replica),
                "batching": check_batching(batching),
                "requestLogSample": check_request_log_sample(request_log_sample),
                "languages": self._languages(model, check_languages(languages or [])),
            }
            self._check_text_models(config)
            team_cause = cause.for_team(str(model.team_id))
            deployment = Deployment.request(deployment_id, cause=team_cause, team_id=model.team_id, model_id=model.id, name=name,
                                            config=config, owner=principal.user_id)
            return [NameIndex.reserve("deployment", f"{model.team_id}/{name}", deployment_id, team_cause), deployment]

        return deployment_id, self.runner.run("createDeployment", cause, decide)

    def update(
        self, principal: Principal, cause: Cause, *, deployment_id: uuid.UUID, traffic: list[dict[str, Any]] | None = None,
        scaling: dict[str, Any] | None = None, batching: dict[str, Any] | None = None, cpus_per_replica: float | None = None,
        request_log_sample: float | None = None, languages: list[dict[str, Any]] | None = None,
    ) -> Outcome:
        """Record a new revision with the given parts changed; the others keep their current values."""
        def decide() -> list[object]:
            deployment = self._deployment_for(principal, deployment_id)
            model = load(self.store, deployment.model_id, RegisteredModel, "id", "Model")
            config = dict(deployment.config)
            if traffic is not None:
                config["traffic"] = self._traffic(model, check_traffic(traffic))
            if scaling is not None:
                config["scaling"] = check_scaling({**deployment.config["scaling"], **scaling})
            if batching is not None:
                config["batching"] = check_batching({**deployment.config["batching"], **batching})
            if cpus_per_replica is not None:
                config["cpusPerReplica"] = check_cpus(cpus_per_replica)
            if request_log_sample is not None:
                config["requestLogSample"] = check_request_log_sample(request_log_sample)
            if languages is not None:
                config["languages"] = self._languages(model, check_languages(languages))
            self._check_text_models(config)
            deployment.reconfigure(config, cause.for_team(str(deployment.team_id)))
            return [deployment]

        return self.runner.run("updateDeployment", cause, decide)

    def roll_back(self, principal: Principal, cause: Cause, *, deployment_id: uuid.UUID) -> Outcome:
        def decide() -> list[object]:
            deployment = self._deployment_for(principal, deployment_id)
            model = load(self.store, deployment.model_id, RegisteredModel, "id", "Model")
            if deployment.previous_config is not None:
                # The versions of the previous revision may have expired since; serving them would fail.
                versions = {entry["version"]: entry["percent"] for entry in deployment.previous_config["traffic"]}
                self._traffic(model, versions)
            deployment.roll_back(cause.for_team(str(deployment.team_id)))
            return [deployment]

        return self.runner.run("rollbackDeployment", cause, decide)

    def stop(self, principal: Principal, cause: Cause, *, deployment_id: uuid.UUID) -> Outcome:
        def decide() -> list[object]:
            deployment = self._deployment_for(principal, deployment_id)
            deployment.stop(cause.for_team(str(deployment.team_id)))
            return [deployment]

        return self.runner.run("stopDeployment", cause, decide)

    def start(self, principal: Principal, cause: Cause, *, deployment_id: uuid.UUID) -> Outcome:
        def decide() -> list[object]:
            deployment = self._deployment_for(principal, deployment_id)
            model = load(self.store, deployment.model_id, RegisteredModel, "id", "Model")
            self._traffic(model, {entry["version"]: entry["percent"] for entry in deployment.config["traffic"]})
            deployment.start(cause.for_team(str(deployment.team_id)))
            return [deployment]

        return self.runner.run("startDeployment", cause, decide)

    def record_health(self, cause: Cause, *, deployment_id: uuid.UUID, revision: int, healthy: bool, replicas: int = 0,
                      reason: str = "") -> Outcome:
        """Record a health transition the reconciler observed; a report that changes nothing appends nothing."""
        def decide() -> list[object]:
            deployment = load(self.store, deployment_id, Deployment, "id", "Deployment")
            team_cause = cause.for_team(str(deployment.team_id))
            if healthy:
                deployment.record_healthy(revision, replicas, team_cause)
            else:
                deployment.record_degraded(revision, reason, team_cause)
            return [deployment]

        return self.runner.run("recordDeploymentHealth", cause, decide)

    def _traffic(self, model: RegisteredModel, split: dict[int, int], field: str = "traffic") -> list[dict[str, Any]]:
        """Return the traffic entries with version ids, after checking every listed version can be served."""
        entries = []
        prefix = field
        for index, (number, percent) in enumerate(split.items()):
            field = f"{prefix}[{index}].version"
            if number not in model.versions:
                raise NotFound(f"Model {model.name!r} has no version {number}; it has versions 1 to {len(model.versions)}.",
                               field=field, value=number)
            version = load(self.store, model.versions[number], ModelVersion, field, "Model version")
            if version.status != READY:
                raise InvalidInput(f"Version {number} of {model.name!r} cannot be deployed: it {NOT_SERVABLE[version.status]}.",
                                   field=field, value=number)
            if version.format not in SERVABLE_FORMATS:
                raise InvalidInput(f"Version {number} is a {version.format} file; deployments serve .keras files and SavedModels.",
                                   field=field, value=number)
            try:
                version_transform(self.store, version.id)
            except InvalidInput as error:
                raise InvalidInput(f"Version {number} cannot be served with the transforms it was trained with: {error.message}",
                                   field=field, value=number) from None
            entries.append({"version": number, "versionId": str(version.id), "percent": percent})
        return entries

    def _languages(self, model: RegisteredModel, routes: dict[str, int]) -> list[dict[str, Any]]:
        """Return the language routes with version ids, after checking each language is detectable and each version servable."""
        if not routes:
            return []
        supported = self.detector.supported()
        for index, language in enumerate(routes):
            if language not in supported:
                raise InvalidInput(f"Language {language!r} is not one the detector knows; it knows ISO 639 codes such as "
                                   f"{', '.join(sorted(supported)[:12])} and {len(supported) - 12} more.",
                                   field=f"languages[{index}].language", value=language)
        checked = self._traffic(model, {version: 0 for version in routes.values()}, field="languages")
        ids = {entry["version"]: entry["versionId"] for entry in checked}
        return [{"language": language, "version": version, "versionId": ids[version]} for language, version in routes.items()]

    def _check_text_models(self, config: dict[str, Any]) -> None:
        """With language routes, every served version must take one text input and return one output."""
        if not config.get("languages"):
            return
        for number, version_id in served_versions(config).items():
            version = load(self.store, uuid.UUID(version_id), ModelVersion, "languages", "Model version")
            signature = getattr(version, "signature", None) or {}
            inputs, outputs = signature.get("inputs") or [], signature.get("outputs") or []
            if len(inputs) != 1 or inputs[0].get("dtype") != "string" or len(outputs) != 1:
                raise InvalidInput(f"Version {number} does not take one text input and return one output, so requests cannot be "
                                   "routed to it by language.", field="languages", value=number)

    def _default_version(self, model: RegisteredModel) -> int:
        if "production" in model.aliases:
            return model.aliases["production"]
        if not model.versions:
            raise InvalidInput(f"Model {model.name!r} has no versions to deploy; upload or train one first.", field="modelId",
                               value=str(model.id))
        return max(model.versions)

    def _model_for(self, principal: Principal, model_id: uuid.UUID) -> RegisteredModel:
        model = load(self.store, model_id, RegisteredModel, "modelId", "Model")
        try:
            team_with_role(self.store, principal, model.team_id, EDITOR, "createDeployment")
        except NotFound:
            raise NotFound(f"Model {model_id} was not found.", field="modelId", value=str(model_id)) from None
        if model.archived:
            raise Conflict(f"Model {model.name!r} is archived; restore it before deploying.", field="modelId", value=str(model_id))
        return model

    def _deployment_for(self, principal: Principal, deployment_id: uuid.UUID) -> Deployment:
        deployment = load(self.store, deployment_id, Deployment, "id", "Deployment")
        try:
            team_with_role(self.store, principal, deployment.team_id, EDITOR, "changing deployments")
        except NotFound:
            raise NotFound(f"Deployment {deployment_id} was not found.", field="id", value=str(deployment_id)) from None
        return deployment
