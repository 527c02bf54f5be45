"""The model registry: registered models with their aliases, and the versions uploaded to them."""

from __future__ import annotations

import copy
import re
import uuid
from typing import Any

from backend.domain.base import Cause, Conflict, Forbidden, InvalidInput, ModelCloudAggregate, NotFound
from backend.domain.validation import check_choice, check_characters, check_length, check_pattern

TASKS = ("classification", "regression", "text", "other")
FORMATS = ("keras", "savedmodel")
SOURCES = ("upload", "training")

MODEL_NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,127}")
MODEL_NAME_RULE = "1 to 128 characters of letters, digits, '_', '.' or '-', starting with a letter or digit"
ALIAS_PATTERN = re.compile(r"[a-z][a-z0-9_\-]{0,62}")
ALIAS_RULE = "1 to 63 characters of lowercase letters, digits, '_' or '-', starting with a letter"
TAG_KEY_PATTERN = re.compile(r"[A-Za-z0-9_.:/\-]{1,64}")
TAG_KEY_RULE = "1 to 64 characters of letters, digits, '_', '.', ':', '/' or '-'"
MAX_TAGS = 50
MAX_TAG_VALUE = 256
MAX_DESCRIPTION = 5000
DEFAULT_PROTECTED_ALIASES = ("production",)
PENDING, READY, FAILED, EXPIRED, BROKEN = "pending", "ready", "failed", "expired", "broken"
MAX_RETENTION_DAYS = 36_500


def check_model_name(name: str) -> str:
    check_length("name", name, minimum=1, maximum=128)
    return check_pattern("name", name, MODEL_NAME_PATTERN, MODEL_NAME_RULE)


def check_alias(alias: str, field: str = "alias") -> str:
    check_length(field, alias, minimum=1, maximum=63)
    return check_pattern(field, alias, ALIAS_PATTERN, ALIAS_RULE)


def check_tags(tags: dict[str, str], field: str = "tags") -> dict[str, str]:
    if len(tags) > MAX_TAGS:
        raise InvalidInput(f"{field} has {len(tags)} entries; at most {MAX_TAGS} are accepted.", field=field, value=len(tags))
    for key, value in tags.items():
        check_characters(f"{field}.key", key)
        check_pattern(f"{field}.key", key, TAG_KEY_PATTERN, TAG_KEY_RULE)
        check_length(f"{field}.{key}", value, maximum=MAX_TAG_VALUE)
    return dict(sorted(tags.items()))


class RegisteredModel(ModelCloudAggregate):
    """A named model of a team. It numbers its versions, so concurrent uploads never share a number."""

    class Registered(ModelCloudAggregate.Created):
        team_id: uuid.UUID
        name: str
        description: str
        task: str
        tags: dict[str, str]
        owner: uuid.UUID
        protected_aliases: list[str]

        def apply(self, aggregate: RegisteredModel) -> None:
            aggregate.team_id = self.team_id
            aggregate.name = self.name
            aggregate.description = self.description
            aggregate.task = self.task
            aggregate.tags = dict(self.tags)
            aggregate.owner = self.owner
            aggregate.protected_aliases = list(self.protected_aliases)
            aggregate.archived = False
            aggregate.versions = {}
            aggregate.aliases = {}
            aggregate.retention_days = None

    class Updated(ModelCloudAggregate.Event):
        changes: dict[str, Any]

        def apply(self, aggregate: RegisteredModel) -> None:
            for field, value in self.changes.items():
                setattr(aggregate, field, copy.copy(value))

    class VersionAdded(ModelCloudAggregate.Event):
        version_id: uuid.UUID
        number: int
        sha256: str

        def apply(self, aggregate: RegisteredModel) -> None:
            aggregate.versions[self.number] = self.version_id

    class AliasMoved(ModelCloudAggregate.Event):
        alias: str
        version_id: uuid.UUID
        number: int
        previous_version_id: uuid.UUID | None
        previous_number: int | None

        def apply(self, aggregate: RegisteredModel) -> None:
            aggregate.aliases[self.alias] = self.number

    class AliasRemoved(ModelCloudAggregate.Event):
        alias: str
        number: int

        def apply(self, aggregate: RegisteredModel) -> None:
            del aggregate.aliases[self.alias]

    class RetentionPolicySet(ModelCloudAggregate.Event):
        unused_days: int | None

        def apply(self, aggregate: RegisteredModel) -> None:
            aggregate.retention_days = self.unused_days

    class Archived(ModelCloudAggregate.Event):
        def apply(self, aggregate: RegisteredModel) -> None:
            aggregate.archived = True

    class Restored(ModelCloudAggregate.Event):
        def apply(self, aggregate: RegisteredModel) -> None:
            aggregate.archived = False

    team_id: uuid.UUID
    name: str
    description: str
    task: str
    tags: dict[str, str]
    owner: uuid.UUID
    protected_aliases: list[str]
    archived: bool
    versions: dict[int, uuid.UUID]
    aliases: dict[str, int]
    retention_days: int | None

    def __init__(self, **_: Any) -> None:
        pass

    def __deepcopy__(self, memo: dict[int, Any]) -> RegisteredModel:
        # Only the containers change; their keys and values are immutable (see Team.__deepcopy__).
        copied = copy.copy(self)
        copied.tags = dict(self.tags)
        copied.protected_aliases = list(self.protected_aliases)
        copied.versions = dict(self.versions)
        copied.aliases = dict(self.aliases)
        copied._pending_events = list(self._pending_events)
        return copied

    @classmethod
    def register(
        cls, model_id: uuid.UUID, *, team_id: uuid.UUID, name: str, description: str, task: str,
        tags: dict[str, str], owner: uuid.UUID, cause: Cause,
    ) -> RegisteredModel:
        check_model_name(name)
        check_length("description", description, maximum=MAX_DESCRIPTION)
        check_choice("task", task, TASKS)
        return cls._start(
            cls.Registered, cause, id=model_id, team_id=team_id, name=name, description=description, task=task,
            tags=check_tags(tags), owner=owner, protected_aliases=list(DEFAULT_PROTECTED_ALIASES),
        )

    @property
    def next_number(self) -> int:
        return max(self.versions, default=0) + 1

    def update(self, cause: Cause, **changes: Any) -> None:
        """Change any of description, task, tags and protected aliases; nothing is recorded when nothing changes."""
        self._check_active("updateModel")
        checked: dict[str, Any] = {}
        if changes.get("description") is not None:
            checked["description"] = check_length("description", changes["description"], maximum=MAX_DESCRIPTION)
        if changes.get("task") is not None:
            checked["task"] = check_choice("task", changes["task"], TASKS)
        if changes.get("tags") is not None:
            checked["tags"] = check_tags(changes["tags"])
        if changes.get("protected_aliases") is not None:
            if len(changes["protected_aliases"]) > MAX_TAGS:
                raise InvalidInput(
                    f"protectedAliases has {len(changes['protected_aliases'])} entries; at most {MAX_TAGS} are accepted.",
                    field="protectedAliases",
                    value=len(changes["protected_aliases"]),
                )
            checked["protected_aliases"] = sorted({check_alias(a, "protectedAliases") for a in changes["protected_aliases"]})
        different = {field: value for field, value in checked.items() if getattr(self, field) != value}
        if different:
            self._record(self.Updated, cause, changes=different)

    def add_version(self, version_id: uuid.UUID, sha256: str, cause: Cause) -> int:
        self._check_active("uploadModelVersion")
        number = self.next_number
        self._record(self.VersionAdded, cause, version_id=version_id, number=number, sha256=sha256)
        return number

    def move_alias(self, alias: str, number: int, *, may_move_protected: bool, cause: Cause) -> None:
        self._check_active("moveAlias")
        check_alias(alias)
        version_id = self._version_or_raise(number)
        self._check_protection(alias, may_move_protected)
        previous = self.aliases.get(alias)
        if previous == number:
            return
        self._record(
            self.AliasMoved, cause, alias=alias, version_id=version_id, number=number,
            previous_version_id=self.versions.get(previous) if previous else None, previous_number=previous,
        )

    def remove_alias(self, alias: str, *, may_move_protected: bool, cause: Cause) -> None:
        self._check_active("removeAlias")
        check_alias(alias)
        if alias not in self.aliases:
            raise NotFound(
                f"Model {self.name!r} has no alias {alias!r}; it has {', '.join(sorted(self.aliases)) or 'none'}.",
                field="alias",
                value=alias[:63],
            )
        self._check_protection(alias, may_move_protected)
        self._record(self.AliasRemoved, cause, alias=alias, number=self.aliases[alias])

    def set_retention_policy(self, unused_days: int | None, cause: Cause) -> None:
        """Set the days an unaliased, unused version lasts before it expires; None keeps every version."""
        if unused_days is not None and not 1 <= unused_days <= MAX_RETENTION_DAYS:
            raise InvalidInput(
                f"unusedDays {unused_days} is invalid: expected 1 to {MAX_RETENTION_DAYS} days, or null to keep every version.",
                field="unusedDays",
                value=unused_days,
            )
        if unused_days != self.retention_days:
            self._record(self.RetentionPolicySet, cause, unused_days=unused_days)

    def holds_alias(self, number: int) -> bool:
        return number in self.aliases.values()

    def archive(self, cause: Cause) -> None:
        if self.archived:
            raise Conflict(f"Model {self.name!r} is already archived.", field="id", value=str(self.id))
        self._record(self.Archived, cause)

    def restore(self, cause: Cause) -> None:
        if not self.archived:
            raise Conflict(f"Model {self.name!r} is not archived.", field="id", value=str(self.id))
        self._record(self.Restored, cause)

    def _version_or_raise(self, number: int) -> uuid.UUID:
        if number not in self.versions:
            raise NotFound(
                f"Model {self.name!r} has no version {number}; it has versions 1 to {len(self.versions)}.",
                field="version",
                value=number,
            )
        return self.versions[number]

    def _check_protection(self, alias: str, may_move_protected: bool) -> None:
        if alias in self.protected_aliases and not may_move_protected:
            raise Forbidden(
                f"Alias {alias!r} of model {self.name!r} is protected; only team admins may move or remove it.",
                field="alias",
                value=alias,
            )

    def _check_active(self, action: str) -> None:
        if self.archived:
            raise Conflict(
                f"Model {self.name!r} is archived; restore it before {action}.", field="id", value=str(self.id)
            )


class ModelVersion(ModelCloudAggregate):
    """One uploaded artifact of a model, addressed by its digest, with its lineage and status."""

    class Created(ModelCloudAggregate.Created):
        model_id: uuid.UUID
        team_id: uuid.UUID
        number: int
        sha256: str
        size: int
        format: str
        filename: str
        source: str
        upload_id: uuid.UUID | None
        duplicate_of: uuid.UUID | None
        lineage: dict[str, str]

        def apply(self, aggregate: ModelVersion) -> None:
            aggregate.model_id = self.model_id
            aggregate.team_id = self.team_id
            aggregate.number = self.number
            aggregate.sha256 = self.sha256
            aggregate.size = self.size
            aggregate.format = self.format
            aggregate.lineage = dict(self.lineage)
            aggregate.status = PENDING
            aggregate.status_before = None
            aggregate.last_used_at = self.timestamp

    class Inspected(ModelCloudAggregate.Event):
        signature: dict[str, Any]
        trainable_parameters: int
        non_trainable_parameters: int
        layer_count: int
        report_sha256: str

        def apply(self, aggregate: ModelVersion) -> None:
            aggregate.status = READY
            aggregate.signature = self.signature

    class InspectionFailed(ModelCloudAggregate.Event):
        reason: str

        def apply(self, aggregate: ModelVersion) -> None:
            aggregate.status = FAILED

    class Downloaded(ModelCloudAggregate.Event):
        def apply(self, aggregate: ModelVersion) -> None:
            aggregate.last_used_at = self.timestamp

    class Expired(ModelCloudAggregate.Event):
        unused_days: int

        def apply(self, aggregate: ModelVersion) -> None:
            aggregate.status_before = aggregate.status
            aggregate.status = EXPIRED

    class MarkedBroken(ModelCloudAggregate.Event):
        reason: str

        def apply(self, aggregate: ModelVersion) -> None:
            if aggregate.status != EXPIRED:
                aggregate.status_before = aggregate.status
            aggregate.status = BROKEN

    class Restored(ModelCloudAggregate.Event):
        status: str

        def apply(self, aggregate: ModelVersion) -> None:
            aggregate.status = self.status
            aggregate.last_used_at = self.timestamp

    model_id: uuid.UUID
    team_id: uuid.UUID
    number: int
    sha256: str
    size: int
    format: str
    status: str
    status_before: str | None
    last_used_at: Any

    def __init__(self, **_: Any) -> None:
        pass

    @classmethod
    def create(
        cls, version_id: uuid.UUID, *, model: RegisteredModel, number: int, sha256: str, size: int, file_format: str,
        filename: str, source: str, upload_id: uuid.UUID | None, duplicate_of: uuid.UUID | None,
        lineage: dict[str, str], cause: Cause,
    ) -> ModelVersion:
        check_choice("format", file_format, FORMATS)
        check_choice("source", source, SOURCES)
        lineage = check_tags(lineage, "lineage")
        return cls._start(
            cls.Created, cause, id=version_id, model_id=model.id, team_id=model.team_id, number=number, sha256=sha256,
            size=size, format=file_format, filename=filename, source=source, upload_id=upload_id,
            duplicate_of=duplicate_of, lineage=dict(lineage),
        )


    def record_inspection(
        self, *, signature: dict[str, Any], trainable: int, non_trainable: int, layer_count: int, report_sha256: str, cause: Cause
    ) -> bool:
        """Record a worker's inspection; returns False (and records nothing) when the version is no longer pending."""
        if self.status != PENDING:
            return False
        self._record(
            self.Inspected, cause, signature=signature, trainable_parameters=trainable,
            non_trainable_parameters=non_trainable, layer_count=layer_count, report_sha256=report_sha256,
        )
        return True

    def record_inspection_failure(self, reason: str, cause: Cause) -> bool:
        if self.status != PENDING:
            return False
        self._record(self.InspectionFailed, cause, reason=reason[:1000])
        return True

    def record_download(self, cause: Cause) -> None:
        self._record(self.Downloaded, cause)

    def expire(self, unused_days: int, cause: Cause) -> bool:
        """Expire the version; returns False when it is already expired or broken."""
        if self.status in (EXPIRED, BROKEN):
            return False
        self._record(self.Expired, cause, unused_days=unused_days)
        return True

    def mark_broken(self, reason: str, cause: Cause) -> bool:
        if self.status == BROKEN:
            return False
        self._record(self.MarkedBroken, cause, reason=reason[:500])
        return True

    def restore(self, blob_intact: bool, cause: Cause) -> None:
        if self.status not in (EXPIRED, BROKEN):
            raise Conflict(
                f"Version {self.number} is {self.status}; only expired or broken versions are restored.", field="id", value=str(self.id)
            )
        if not blob_intact:
            raise Conflict(
                f"Version {self.number} cannot be restored: its stored file is missing or altered; upload it again.",
                field="id",
                value=str(self.id),
            )
        self._record(self.Restored, cause, status=self.status_before or READY)
