"""Configuration profiles: a team's named training configurations, each revision an immutable document."""

from __future__ import annotations

import re
import uuid
from typing import Any

from backend.domain.base import Cause, Conflict, InvalidInput, ModelCloudAggregate
from backend.domain.registry import MAX_DESCRIPTION
from backend.domain.training_config import check_document
from backend.domain.validation import check_length, check_pattern

PROFILE_NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,127}")
PROFILE_NAME_RULE = "1 to 128 characters of letters, digits, '_', '.' or '-', starting with a letter or digit"
MAX_COMMENT = 1000


def check_profile_name(name: str) -> str:
    check_length("name", name, minimum=1, maximum=128)
    return check_pattern("name", name, PROFILE_NAME_PATTERN, PROFILE_NAME_RULE)


class ConfigProfile(ModelCloudAggregate):
    """A named training configuration whose revisions are numbered by the profile, so two revisers never share a number."""

    class Created(ModelCloudAggregate.Created):
        team_id: uuid.UUID
        name: str
        description: str
        owner: uuid.UUID
        document: dict[str, Any]

        def apply(self, aggregate: ConfigProfile) -> None:
            aggregate.team_id = self.team_id
            aggregate.name = self.name
            aggregate.owner = self.owner
            aggregate.archived = False
            aggregate.revision = 1
            aggregate.document = self.document
            aggregate.documents = {1: self.document}

    class Revised(ModelCloudAggregate.Event):
        revision: int
        document: dict[str, Any]
        comment: str

        def apply(self, aggregate: ConfigProfile) -> None:
            aggregate.revision = self.revision
            aggregate.document = self.document
            aggregate.documents[self.revision] = self.document

    class Archived(ModelCloudAggregate.Event):
        def apply(self, aggregate: ConfigProfile) -> None:
            aggregate.archived = True

    team_id: uuid.UUID
    name: str
    owner: uuid.UUID
    archived: bool
    revision: int
    document: dict[str, Any]
    documents: dict[int, dict[str, Any]]

    def __init__(self, **_: Any) -> None:
        pass

    @classmethod
    def create(
        cls, profile_id: uuid.UUID, *, team_id: uuid.UUID, name: str, description: str, owner: uuid.UUID, document: Any,
        cause: Cause,
    ) -> ConfigProfile:
        check_profile_name(name)
        check_length("description", description, maximum=MAX_DESCRIPTION)
        return cls._start(
            cls.Created, cause, id=profile_id, team_id=team_id, name=name, description=description, owner=owner,
            document=check_document(document),
        )

    def revise(self, document: Any, comment: str, expected_revision: int | None, cause: Cause) -> int:
        """Record a new revision and return its number; nothing is recorded when the document is unchanged."""
        if self.archived:
            raise Conflict(f"Configuration {self.name!r} is archived; create a new one.", field="id", value=str(self.id))
        if expected_revision is not None and expected_revision != self.revision:
            raise Conflict(
                f"Configuration {self.name!r} is at revision {self.revision}, not {expected_revision}; "
                "someone revised it meanwhile, so read it again and reapply your change.",
                field="expectedRevision",
                value=expected_revision,
            )
        check_length("comment", comment, maximum=MAX_COMMENT)
        normalized = check_document(document)
        if normalized == self.document:
            return self.revision
        self._record(self.Revised, cause, revision=self.revision + 1, document=normalized, comment=comment)
        return self.revision

    def archive(self, cause: Cause) -> None:
        if self.archived:
            raise Conflict(f"Configuration {self.name!r} is already archived.", field="id", value=str(self.id))
        self._record(self.Archived, cause)

    def document_at(self, revision: int, field: str = "configRevision") -> dict[str, Any]:
        if revision not in self.documents:
            raise InvalidInput(
                f"Configuration {self.name!r} has revisions 1 to {self.revision}, not {revision}.", field=field, value=revision
            )
        return self.documents[revision]
