"""Training commands: start and cancel runs for users; record attempts, epochs and outcomes for workers.

Users call `start_run` and `cancel_run`. The reconciler and the training workers call the
rest with the system's cause. Each report names its attempt, so the run can reject a report
from an attempt that is no longer current.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from backend.application.aggregates import load
from backend.application.commands import CommandRunner, Outcome
from backend.application.registry import RegistryService, version_holder
from backend.application.teams import team_with_role
from backend.domain.access import Principal
from backend.domain.base import Cause, Conflict, DomainError, InvalidInput, NotFound
from backend.domain.configs import ConfigProfile
from backend.domain.datasets import READY as DATASET_READY
from backend.domain.datasets import Dataset, DatasetVersion
from backend.domain.identity import EDITOR
from backend.domain.registry import READY as MODEL_READY
from backend.domain.registry import ModelVersion, RegisteredModel
from backend.domain.training import TrainingRun
from backend.domain.training_data import plan_features
from backend.storage import ArtifactStore

log = logging.getLogger(__name__)

# Reports from a worker race only with a cancel or the reconciler, so a few retries are plenty.
REPORT_ATTEMPTS = 20


def checkpoint_holder(run_id: uuid.UUID) -> str:
    return f"training-checkpoint:{run_id}"


def unregistered_model_holder(run_id: uuid.UUID) -> str:
    return f"training-model:{run_id}"


class TrainingService:
    def __init__(
        self, runner: CommandRunner, artifacts: ArtifactStore, registry: RegistryService, clock: Callable[[], datetime]
    ) -> None:
        self.runner = runner
        self.store = runner.store
        self.artifacts = artifacts
        self.registry = registry
        self.clock = clock

    def start_run(
        self, principal: Principal, cause: Cause, *, model_id: uuid.UUID, dataset_version_id: uuid.UUID,
        config_profile_id: uuid.UUID, config_revision: int | None = None, base_version_id: uuid.UUID | None = None,
        label: str | None = None, name: str | None = None,
    ) -> tuple[uuid.UUID, Outcome]:
        """Queue a run that trains the next version of `model_id`; the reconciler starts it on Ray."""
        run_id = uuid.uuid4()

        def decide() -> list[object]:
            model = self._model_for(principal, model_id)
            team_cause = cause.for_team(str(model.team_id))
            version = self._dataset_version(model, dataset_version_id)
            profile = self._config_profile(model, config_profile_id)
            revision = profile.revision if config_revision is None else config_revision
            config = profile.document_at(revision)
            base = self._base_version(model, config, base_version_id)
            plan = plan_features(config, version.column_types, version.label if label is None else label, self._profile_of(version))
            plan["datasetSha256"] = version.sha256
            plan["baseSha256"] = base.sha256 if base is not None else None
            if base is not None:
                _check_base_fits(base, plan)
            run = TrainingRun.queue(
                run_id, team_id=model.team_id, name=name if name is not None else f"{model.name}-{str(run_id)[:8]}", owner=principal.user_id, model_id=model.id, dataset_id=version.dataset_id,
                dataset_version_id=version.id, config_profile_id=profile.id, config_revision=revision, config=config,
                base_version_id=base.id if base is not None else None, plan=plan, cause=team_cause,
            )
            return [run]

        return run_id, self.runner.run("startTrainingRun", cause, decide)

    def cancel_run(self, principal: Principal, cause: Cause, *, run_id: uuid.UUID) -> Outcome:
        def decide() -> list[object]:
            run = self.run_for(principal, run_id, EDITOR, "cancelTrainingRun")
            run.request_cancel(cause.for_team(str(run.team_id)))
            return [run]

        return self.runner.run("cancelTrainingRun", cause, decide, attempts=REPORT_ATTEMPTS)

    def run_for(self, principal: Principal, run_id: uuid.UUID, needed: str, action: str, field: str = "id") -> TrainingRun:
        run = load(self.store, run_id, TrainingRun, field, "Training run")
        try:
            team_with_role(self.store, principal, run.team_id, needed, action)
        except NotFound:
            raise NotFound(f"Training run {run_id} was not found.", field=field, value=str(run_id)) from None
        return run

    # The reconciler's commands.

    def get(self, run_id: uuid.UUID) -> TrainingRun:
        return load(self.store, run_id, TrainingRun, "id", "Training run")

    def start_attempt(self, cause: Cause, *, run_id: uuid.UUID, workers: int) -> int:
        started: dict[str, int] = {}

        def decide() -> list[object]:
            run = self.get(run_id)
            started["attempt"] = run.start(workers, cause.for_team(str(run.team_id)))
            return [run]

        self.runner.run("startTrainingAttempt", cause, decide, attempts=REPORT_ATTEMPTS)
        return started["attempt"]

    def restart(self, cause: Cause, *, run_id: uuid.UUID, reason: str) -> bool:
        """Queue the run's next attempt after a lost worker, or fail it when no retries are left."""
        restarted: dict[str, bool] = {}

        def decide() -> list[object]:
            run = self.get(run_id)
            restarted["again"] = run.restart(reason, cause.for_team(str(run.team_id)))
            return [run]

        self.runner.run("restartTrainingRun", cause, decide, attempts=REPORT_ATTEMPTS)
        self._release_checkpoint(run_id)
        return restarted["again"]

    def mark_cancelled(self, cause: Cause, *, run_id: uuid.UUID) -> Outcome:
        def decide() -> list[object]:
            run = self.get(run_id)
            run.cancel(cause.for_team(str(run.team_id)))
            return [run]

        outcome = self.runner.run("recordTrainingCancelled", cause, decide, attempts=REPORT_ATTEMPTS)
        self._release_checkpoint(run_id)
        return outcome

    def fail(self, cause: Cause, *, run_id: uuid.UUID, reason: str, attempt: int | None = None) -> Outcome:
        def decide() -> list[object]:
            run = self.get(run_id)
            run.fail(attempt, reason, cause.for_team(str(run.team_id)))
            return [run]

        outcome = self.runner.run("recordTrainingFailed", cause, decide, attempts=REPORT_ATTEMPTS)
        self._release_checkpoint(run_id)
        return outcome

    # The training worker's reports.

    def record_prepared(self, cause: Cause, *, run_id: uuid.UUID, attempt: int, summary: dict[str, Any]) -> Outcome:
        return self._report("recordTrainingPrepared", cause, run_id, lambda run, c: run.prepare(attempt, summary, c))

    def record_epoch(self, cause: Cause, *, run_id: uuid.UUID, attempt: int, record: dict[str, Any]) -> Outcome:
        return self._report("recordTrainingEpoch", cause, run_id, lambda run, c: run.complete_epoch(attempt, record, c))

    def record_points(self, cause: Cause, *, run_id: uuid.UUID, attempt: int, points: list[dict[str, Any]]) -> Outcome:
        return self._report("recordTrainingPoints", cause, run_id, lambda run, c: run.log_metrics(attempt, points, c))

    def record_checkpoint(
        self, cause: Cause, *, run_id: uuid.UUID, attempt: int, epoch: int, sha256: str, size: int
    ) -> Outcome:
        """Record a checkpoint blob the worker stored; the run holds only its latest checkpoint."""
        self.artifacts.add_reference(sha256, checkpoint_holder(run_id))
        previous: dict[str, str | None] = {}

        def decide(run: TrainingRun, run_cause: Cause) -> None:
            previous["sha256"] = run.checkpoint["sha256"] if run.checkpoint else None
            run.record_checkpoint(attempt, epoch, sha256, size, run_cause)

        try:
            outcome = self._report("recordTrainingCheckpoint", cause, run_id, decide)
        except DomainError:
            if previous.get("sha256") != sha256:
                self.artifacts.release_reference(sha256, checkpoint_holder(run_id))
            raise
        older = previous.get("sha256")
        if older is not None and older != sha256:
            self.artifacts.release_reference(older, checkpoint_holder(run_id))
        return outcome

    def succeed(
        self, cause: Cause, *, run_id: uuid.UUID, attempt: int, result: dict[str, Any], sha256: str, size: int
    ) -> Outcome:
        """Record the run's success and register its model as the target model's next version, in one append."""
        version_id = uuid.uuid4()
        holder = version_holder(version_id)
        self.artifacts.add_reference(sha256, holder)
        registered: dict[str, Any] = {}

        def decide() -> list[object]:
            run = self.get(run_id)
            run_cause = cause.for_team(str(run.team_id))
            registration: dict[str, Any] = {"sha256": sha256, "size": size}
            changed: list[object] = [run]
            try:
                number, versions = self.registry.trained_version(
                    run.model_id, version_id, sha256=sha256, size=size, lineage=_lineage(run), cause=cause
                )
            except (Conflict, NotFound) as error:
                registration["error"] = f"The model was not registered: {error.message}"
            else:
                registration.update(version_id=version_id, number=number)
                changed.extend(versions)
            run.succeed(attempt, result, registration, run_cause)
            registered.update(registration)
            return [*changed]

        try:
            outcome = self.runner.run("recordTrainingSucceeded", cause, decide, attempts=REPORT_ATTEMPTS)
        except DomainError:
            self.artifacts.release_reference(sha256, holder)
            raise
        if registered.get("version_id") is None:
            # NOTE: the model stays stored under the run so it is not lost, but no command registers it later yet.
            self.artifacts.add_reference(sha256, unregistered_model_holder(run_id))
            self.artifacts.release_reference(sha256, holder)
        self._release_checkpoint(run_id)
        return outcome

    def _release_checkpoint(self, run_id: uuid.UUID) -> None:
        """Release a finished run's checkpoint, which only a restart of the run could use."""
        run = self.get(run_id)
        if run.finished and run.checkpoint is not None:
            self.artifacts.release_reference(run.checkpoint["sha256"], checkpoint_holder(run_id))

    def _report(self, name: str, cause: Cause, run_id: uuid.UUID, change: Callable[[TrainingRun, Cause], None]) -> Outcome:
        def decide() -> list[object]:
            run = self.get(run_id)
            change(run, cause.for_team(str(run.team_id)))
            return [run]

        return self.runner.run(name, cause, decide, attempts=REPORT_ATTEMPTS)

    # Checks for start_run.

    def _model_for(self, principal: Principal, model_id: uuid.UUID) -> RegisteredModel:
        model = load(self.store, model_id, RegisteredModel, "modelId", "Model")
        try:
            team_with_role(self.store, principal, model.team_id, EDITOR, "startTrainingRun")
        except NotFound:
            raise NotFound(f"Model {model_id} was not found.", field="modelId", value=str(model_id)) from None
        if model.archived:
            raise Conflict(f"Model {model.name!r} is archived; restore it before training a new version.",
                           field="modelId", value=str(model_id))
        return model

    def _dataset_version(self, model: RegisteredModel, version_id: uuid.UUID) -> DatasetVersion:
        version = load(self.store, version_id, DatasetVersion, "datasetVersionId", "Dataset version")
        _check_same_team(version.team_id, model, "datasetVersionId", version_id, "Dataset version")
        dataset = load(self.store, version.dataset_id, Dataset, "datasetVersionId", "Dataset")
        if dataset.archived:
            raise Conflict(f"Dataset {dataset.name!r} is archived; restore it before training on it.",
                           field="datasetVersionId", value=str(version_id))
        if version.status != DATASET_READY:
            raise InvalidInput(
                f"Dataset version {version.number} is {version.status}; training needs a profiled (ready) version.",
                field="datasetVersionId",
                value=str(version_id),
            )
        return version

    def _config_profile(self, model: RegisteredModel, profile_id: uuid.UUID) -> ConfigProfile:
        profile = load(self.store, profile_id, ConfigProfile, "configProfileId", "Configuration")
        _check_same_team(profile.team_id, model, "configProfileId", profile_id, "Configuration")
        if profile.archived:
            raise Conflict(f"Configuration {profile.name!r} is archived and starts no new runs.",
                           field="configProfileId", value=str(profile_id))
        return profile

    def _base_version(
        self, model: RegisteredModel, config: dict[str, Any], base_version_id: uuid.UUID | None
    ) -> ModelVersion | None:
        template = config["model"]["template"]
        if template != "fine_tune":
            if base_version_id is not None:
                raise InvalidInput(
                    f"baseModelVersionId applies to the fine_tune template, but the configuration's template is {template}.",
                    field="baseModelVersionId",
                    value=str(base_version_id),
                )
            return None
        if base_version_id is None:
            raise InvalidInput(
                "The fine_tune template needs baseModelVersionId, the registered model version to start from.",
                field="baseModelVersionId",
                value=None,
            )
        base = load(self.store, base_version_id, ModelVersion, "baseModelVersionId", "Model version")
        _check_same_team(base.team_id, model, "baseModelVersionId", base_version_id, "Model version")
        if base.status != MODEL_READY or base.format != "keras":
            raise InvalidInput(
                f"Model version {base.number} is {base.status} in {base.format} format; fine-tuning needs a ready .keras version.",
                field="baseModelVersionId",
                value=str(base_version_id),
            )
        return base

    def _profile_of(self, version: DatasetVersion) -> dict[str, Any]:
        with self.artifacts.open(version.profile_sha256) as stream:
            return json.loads(stream.read())


def _check_same_team(team_id: uuid.UUID, model: RegisteredModel, field: str, value: uuid.UUID, label: str) -> None:
    if team_id != model.team_id:
        # Another team's object looks exactly like a missing one.
        raise NotFound(f"{label} {value} was not found in the team of model {model.name!r}.", field=field, value=str(value))


def _check_base_fits(base: ModelVersion, plan: dict[str, Any]) -> None:
    inputs = (getattr(base, "signature", None) or {}).get("inputs") or []
    if len(inputs) != 1:
        raise InvalidInput(
            f"Model version {base.number} has {len(inputs)} inputs; fine-tuning needs a model with one input of feature values.",
            field="baseModelVersionId",
            value=str(base.id),
        )
    shape = inputs[0].get("shape") or []
    width = shape[-1] if shape else None
    if width != len(plan["features"]):
        raise InvalidInput(
            f"Model version {base.number} takes inputs of shape {shape}, but the dataset version has "
            f"{len(plan['features'])} feature columns; fine-tune on data with the same features.",
            field="baseModelVersionId",
            value=str(base.id),
        )
    outputs = (getattr(base, "signature", None) or {}).get("outputs") or []
    units = (outputs[0].get("shape") or [None])[-1] if len(outputs) == 1 else None
    classes = plan["classes"]
    fitting = (1,) if classes is None else ((1, 2) if classes == 2 else (classes,))
    if units not in fitting:
        wanted = "1 unit for regression" if classes is None else f"{' or '.join(map(str, fitting))} units for {classes} classes"
        raise InvalidInput(
            f"Model version {base.number} has {len(outputs)} output(s) of shape "
            f"{outputs[0].get('shape') if outputs else None}, but this label needs one output of {wanted}.",
            field="baseModelVersionId",
            value=str(base.id),
        )


def _lineage(run: TrainingRun) -> dict[str, str]:
    lineage = {
        "trainingRun": str(run.id),
        "datasetVersion": str(run.dataset_version_id),
        "configProfile": str(run.config_profile_id),
        "configRevision": str(run.config_revision),
    }
    if run.base_version_id is not None:
        lineage["baseModelVersion"] = str(run.base_version_id)
    return lineage
