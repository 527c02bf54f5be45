"""Registry commands: register and change models, upload versions, move aliases."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from eventsourcing.application import AggregateNotFoundError

from backend.application.aggregates import exists, load
from backend.application.commands import CommandRunner, Outcome
from backend.application.model_files import check_model_file
from backend.application.teams import team_with_role
from backend.application.uploads import upload_holder
from backend.domain.access import Principal
from backend.domain.base import Cause, Conflict, NameIndex, NotFound, index_id
from backend.domain.identity import ADMIN, EDITOR
from backend.domain.registry import ModelVersion, RegisteredModel, check_model_name
from backend.domain.uploads import Upload
from backend.storage import ArtifactStore, BlobNotFound

# Twenty clients uploading to one model at once each lose the race to number a version up to
# nineteen times, so uploads retry more often than other commands.
UPLOAD_ATTEMPTS = 60


def version_holder(version_id: uuid.UUID) -> str:
    return f"model-version:{version_id}"


@dataclass(frozen=True)
class AddedVersion:
    version_id: uuid.UUID
    number: int
    outcome: Outcome


class RegistryService:
    def __init__(self, runner: CommandRunner, artifacts: ArtifactStore, clock: Callable[[], datetime]) -> None:
        self.runner = runner
        self.store = runner.store
        self.artifacts = artifacts
        self.clock = clock

    def _get(self, aggregate_id: uuid.UUID, kind: type[Any], field: str, label: str) -> Any:
        return load(self.store, aggregate_id, kind, field, label)

    def _model_for(self, principal: Principal, model_id: uuid.UUID, needed: str, action: str) -> RegisteredModel:
        model = self._get(model_id, RegisteredModel, "modelId", "Model")
        try:
            team_with_role(self.store, principal, model.team_id, needed, action)
        except NotFound:
            # Another team's model looks exactly like a missing one.
            raise NotFound(f"Model {model_id} was not found.", field="modelId", value=str(model_id)) from None
        return model

    def register_model(
        self, principal: Principal, cause: Cause, *, team_id: uuid.UUID, name: str, description: str = "",
        task: str = "other", tags: dict[str, str] | None = None,
    ) -> tuple[uuid.UUID, Outcome]:
        check_model_name(name)
        model_id = uuid.uuid4()
        team_cause = cause.for_team(str(team_id))

        def decide() -> list[object]:
            team_with_role(self.store, principal, team_id, EDITOR, "registerModel")
            if self._exists(index_id("model", str(team_id), name)):
                raise Conflict(f"The team already has a model named {name!r}.", field="name", value=name)
            model = RegisteredModel.register(
                model_id, team_id=team_id, name=name, description=description, task=task, tags=tags or {},
                owner=principal.user_id, cause=team_cause,
            )
            reservation = NameIndex.reserve("model", f"{team_id}/{name}", model_id, team_cause)
            return [reservation, model]

        return model_id, self.runner.run("registerModel", cause, decide)

    def update_model(self, principal: Principal, cause: Cause, *, model_id: uuid.UUID, **changes: Any) -> Outcome:
        def decide() -> list[object]:
            model = self._model_for(principal, model_id, EDITOR, "updateModel")
            if changes.get("protected_aliases") is not None:
                team_with_role(self.store, principal, model.team_id, ADMIN, "changing protected aliases")
            model.update(cause.for_team(str(model.team_id)), **changes)
            return [model]

        return self.runner.run("updateModel", cause, decide)

    def upload_version(
        self, principal: Principal, cause: Cause, *, model_id: uuid.UUID, upload_id: uuid.UUID,
        allow_duplicate: bool = False, file_format: str | None = None, lineage: dict[str, str] | None = None,
    ) -> AddedVersion:
        """Turn an upload into the model's next version; the model's aggregate assigns the number."""
        model = self._model_for(principal, model_id, EDITOR, "uploadModelVersion")
        upload = self._upload_of(model, upload_id)
        with self.artifacts.open(upload.sha256) as stream:
            checked = check_model_file(stream, upload.filename, file_format, size=upload.size)
        version_id = uuid.uuid4()
        digest_key = f"{model.team_id}/{upload.sha256}"
        numbered: dict[str, int] = {}

        def decide() -> list[object]:
            current = self._model_for(principal, model_id, EDITOR, "uploadModelVersion")
            fresh_upload = self._upload_of(current, upload_id)
            team_cause = cause.for_team(str(current.team_id))
            original = self._version_with_digest(digest_key)
            if original is not None and not allow_duplicate:
                raise Conflict(
                    f"These bytes are already version {original.number} of model {self._model_name(original.model_id)!r}; "
                    "pass allowDuplicate: true to add them as a new version anyway.",
                    field="uploadId",
                    value=str(upload_id),
                )
            number = current.add_version(version_id, fresh_upload.sha256, team_cause)
            numbered["number"] = number
            version = ModelVersion.create(
                version_id, model=current, number=number, sha256=fresh_upload.sha256, size=fresh_upload.size,
                file_format=checked.format, filename=fresh_upload.filename, source="upload", upload_id=upload_id,
                duplicate_of=original.id if original is not None else None, lineage=lineage or {}, cause=team_cause,
            )
            fresh_upload.consume(f"model version {version_id}", team_cause)
            changed: list[object] = [current, version, fresh_upload]
            if original is None:
                changed.append(NameIndex.reserve("digest", digest_key, version_id, team_cause))
            return changed

        outcome = self.runner.run("uploadModelVersion", cause, decide, attempts=UPLOAD_ATTEMPTS)
        self.artifacts.add_reference(upload.sha256, version_holder(version_id))
        self.artifacts.release_reference(upload.sha256, upload_holder(upload_id))
        return AddedVersion(version_id, numbered["number"], outcome)

    def trained_version(
        self, model_id: uuid.UUID, version_id: uuid.UUID, *, sha256: str, size: int, lineage: dict[str, str], cause: Cause
    ) -> tuple[int, list[object]]:
        """Decide a trained model's next version of `model_id`; returns its number and the aggregates to save.

        Called inside another command's decision (a run's success), so the version and the run's
        outcome are recorded together. Raises Conflict when the model is archived.
        """
        model = self._get(model_id, RegisteredModel, "modelId", "Model")
        team_cause = cause.for_team(str(model.team_id))
        digest_key = f"{model.team_id}/{sha256}"
        original = self._version_with_digest(digest_key)
        number = model.add_version(version_id, sha256, team_cause)
        version = ModelVersion.create(
            version_id, model=model, number=number, sha256=sha256, size=size, file_format="keras", filename="model.keras",
            source="training", upload_id=None, duplicate_of=original.id if original is not None else None, lineage=lineage,
            cause=team_cause,
        )
        changed: list[object] = [model, version]
        if original is None:
            changed.append(NameIndex.reserve("digest", digest_key, version_id, team_cause))
        return number, changed

    def move_alias(self, principal: Principal, cause: Cause, *, model_id: uuid.UUID, alias: str, number: int) -> Outcome:
        def decide() -> list[object]:
            model = self._model_for(principal, model_id, EDITOR, "moveAlias")
            model.move_alias(alias, number, may_move_protected=self._may_move_protected(principal, model, alias), cause=cause.for_team(str(model.team_id)))
            return [model]

        return self.runner.run("moveAlias", cause, decide)

    def remove_alias(self, principal: Principal, cause: Cause, *, model_id: uuid.UUID, alias: str) -> Outcome:
        def decide() -> list[object]:
            model = self._model_for(principal, model_id, EDITOR, "removeAlias")
            model.remove_alias(
                alias, may_move_protected=self._may_move_protected(principal, model, alias), cause=cause.for_team(str(model.team_id))
            )
            return [model]

        return self.runner.run("removeAlias", cause, decide)

    def archive_model(self, principal: Principal, cause: Cause, *, model_id: uuid.UUID) -> Outcome:
        def decide() -> list[object]:
            model = self._model_for(principal, model_id, EDITOR, "archiveModel")
            model.archive(cause.for_team(str(model.team_id)))
            return [model]

        return self.runner.run("archiveModel", cause, decide)

    def restore_model(self, principal: Principal, cause: Cause, *, model_id: uuid.UUID) -> Outcome:
        def decide() -> list[object]:
            model = self._model_for(principal, model_id, EDITOR, "restoreModel")
            model.restore(cause.for_team(str(model.team_id)))
            return [model]

        return self.runner.run("restoreModel", cause, decide)

    def set_retention_policy(self, principal: Principal, cause: Cause, *, model_id: uuid.UUID, unused_days: int | None) -> Outcome:
        def decide() -> list[object]:
            model = self._model_for(principal, model_id, ADMIN, "setRetentionPolicy")
            model.set_retention_policy(unused_days, cause.for_team(str(model.team_id)))
            return [model]

        return self.runner.run("setRetentionPolicy", cause, decide)

    def restore_version(self, principal: Principal, cause: Cause, *, version_id: uuid.UUID) -> Outcome:
        """Bring an expired or broken version back, if its stored file still matches its digest."""
        version = self._get(version_id, ModelVersion, "id", "Model version")
        try:
            self._model_for(principal, version.model_id, EDITOR, "restoreModelVersion")
        except NotFound:
            raise NotFound(f"Model version {version_id} was not found.", field="id", value=str(version_id)) from None
        intact = self._blob_intact(version.sha256)

        def decide() -> list[object]:
            current = self._get(version_id, ModelVersion, "id", "Model version")
            current.restore(intact, cause.for_team(str(current.team_id)))
            return [current]

        return self.runner.run("restoreModelVersion", cause, decide)

    def record_download(self, principal: Principal, cause: Cause, *, version_id: uuid.UUID) -> Outcome:
        def decide() -> list[object]:
            version = self._get(version_id, ModelVersion, "id", "Model version")
            version.record_download(cause.for_team(str(version.team_id)))
            return [version]

        return self.runner.run("downloadModelVersion", cause, decide)

    def expire_unused(self, cause: Cause, *, version_id: uuid.UUID) -> Outcome:
        """Expire a version if its model's retention policy still applies: no alias points at it and it sat unused long enough."""

        def decide() -> list[object]:
            version = self._get(version_id, ModelVersion, "id", "Model version")
            model = self._get(version.model_id, RegisteredModel, "modelId", "Model")
            days = model.retention_days
            if days is None or model.holds_alias(version.number):
                return []
            if version.last_used_at > cause.at - timedelta(days=days):
                return []
            return [version] if version.expire(days, cause.for_team(str(version.team_id))) else []

        return self.runner.run("expireModelVersion", cause, decide)

    def check_integrity(self, cause: Cause, *, version_id: uuid.UUID) -> Outcome:
        """Re-hash a version's stored file and mark the version broken when the file is missing or altered."""
        version = self._get(version_id, ModelVersion, "id", "Model version")
        try:
            intact = self.artifacts.verify(version.sha256)
            reason = "its stored file no longer matches its SHA-256"
        except BlobNotFound:
            intact, reason = False, "its stored file is missing"
        if intact:
            return Outcome(position=0, events=0)

        def decide() -> list[object]:
            current = self._get(version_id, ModelVersion, "id", "Model version")
            return [current] if current.mark_broken(reason, cause.for_team(str(current.team_id))) else []

        return self.runner.run("markModelVersionBroken", cause, decide)

    def _blob_intact(self, sha256: str) -> bool:
        try:
            return self.artifacts.verify(sha256)
        except BlobNotFound:
            return False

    def record_inspection(self, cause: Cause, *, version_id: uuid.UUID, report: dict[str, Any]) -> Outcome:
        """Record a worker's inspection report: the summary in the event, the whole report as a stored blob."""
        encoded = json.dumps(report, sort_keys=True, separators=(",", ":")).encode()
        blob = self.artifacts.write_held(lambda: [encoded], f"inspection:{version_id}")

        def decide() -> list[object]:
            version = self._get(version_id, ModelVersion, "versionId", "Model version")
            recorded = version.record_inspection(
                signature=report["signature"], trainable=int(report["trainableParameters"]),
                non_trainable=int(report["nonTrainableParameters"]), layer_count=len(report["layers"]),
                report_sha256=blob.sha256, cause=cause.for_team(str(version.team_id)),
            )
            return [version] if recorded else []

        return self.runner.run("recordInspection", cause, decide)

    def record_inspection_failure(self, cause: Cause, *, version_id: uuid.UUID, reason: str) -> Outcome:
        def decide() -> list[object]:
            version = self._get(version_id, ModelVersion, "versionId", "Model version")
            recorded = version.record_inspection_failure(reason, cause.for_team(str(version.team_id)))
            return [version] if recorded else []

        return self.runner.run("recordInspectionFailure", cause, decide)

    def inspection_report(self, sha256: str) -> dict[str, Any]:
        with self.artifacts.open(sha256) as stream:
            return json.loads(stream.read())

    def _may_move_protected(self, principal: Principal, model: RegisteredModel, alias: str) -> bool:
        """Return whether the caller may move `alias` if it is protected: a team admin, through a token with scope admin."""
        team = team_with_role(self.store, principal, model.team_id, EDITOR, "moveAlias")
        if alias not in model.protected_aliases or team.role_of(principal.user_id) != ADMIN:
            return False
        principal.require_scope("admin", "Moving or removing a protected alias")
        return True

    def _upload_of(self, model: RegisteredModel, upload_id: uuid.UUID) -> Upload:
        upload = self._get(upload_id, Upload, "uploadId", "Upload")
        if upload.team_id != model.team_id:
            raise NotFound(
                f"Upload {upload_id} was not found in the model's team; upload the file with ?team=<the model's team id>.",
                field="uploadId",
                value=str(upload_id),
            )
        if upload.consumed_by is not None:
            raise Conflict(
                f"Upload {upload_id} was already used by {upload.consumed_by}; upload the file again.",
                field="uploadId",
                value=str(upload_id),
            )
        return upload

    def _version_with_digest(self, digest_key: str) -> ModelVersion | None:
        try:
            index = self.store.repository.get(index_id("digest", digest_key))
        except AggregateNotFoundError:
            return None
        return self._get(index.owner_id, ModelVersion, "versionId", "Model version")

    def _model_name(self, model_id: uuid.UUID) -> str:
        return self._get(model_id, RegisteredModel, "modelId", "Model").name

    def _exists(self, aggregate_id: uuid.UUID) -> bool:
        return exists(self.store, aggregate_id)
