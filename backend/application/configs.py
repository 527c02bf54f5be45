"""Configuration profile commands: create, revise and archive a team's training configurations."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from backend.application.aggregates import exists, load
from backend.application.commands import CommandRunner, Outcome
from backend.application.teams import team_with_role
from backend.domain.access import Principal
from backend.domain.base import Cause, Conflict, NameIndex, NotFound, index_id
from backend.domain.configs import ConfigProfile, check_profile_name
from backend.domain.identity import EDITOR
from backend.domain.training_config import check_document


class ConfigService:
    def __init__(self, runner: CommandRunner, clock: Callable[[], datetime]) -> None:
        self.runner = runner
        self.store = runner.store
        self.clock = clock

    def create_profile(
        self, principal: Principal, cause: Cause, *, team_id: uuid.UUID, name: str, description: str, document: Any
    ) -> tuple[uuid.UUID, Outcome]:
        check_profile_name(name)
        check_document(document)
        profile_id = uuid.uuid4()
        team_cause = cause.for_team(str(team_id))

        def decide() -> list[object]:
            team_with_role(self.store, principal, team_id, EDITOR, "createConfigProfile")
            if exists(self.store, index_id("config", str(team_id), name)):
                raise Conflict(f"The team already has a configuration named {name!r}.", field="name", value=name)
            profile = ConfigProfile.create(
                profile_id, team_id=team_id, name=name, description=description, owner=principal.user_id, document=document,
                cause=team_cause,
            )
            return [NameIndex.reserve("config", f"{team_id}/{name}", profile_id, team_cause), profile]

        return profile_id, self.runner.run("createConfigProfile", cause, decide)

    def revise_profile(
        self, principal: Principal, cause: Cause, *, profile_id: uuid.UUID, document: Any, comment: str = "",
        expected_revision: int | None = None,
    ) -> tuple[int, Outcome]:
        """Record a new revision; returns its number (the current one when the document did not change)."""
        check_document(document)
        revised: dict[str, int] = {}

        def decide() -> list[object]:
            profile = self._profile_for(principal, profile_id, "reviseConfigProfile")
            revised["revision"] = profile.revise(document, comment, expected_revision, cause.for_team(str(profile.team_id)))
            return [profile]

        outcome = self.runner.run("reviseConfigProfile", cause, decide)
        return revised["revision"], outcome

    def archive_profile(self, principal: Principal, cause: Cause, *, profile_id: uuid.UUID) -> Outcome:
        def decide() -> list[object]:
            profile = self._profile_for(principal, profile_id, "archiveConfigProfile")
            profile.archive(cause.for_team(str(profile.team_id)))
            return [profile]

        return self.runner.run("archiveConfigProfile", cause, decide)

    def _profile_for(self, principal: Principal, profile_id: uuid.UUID, action: str) -> ConfigProfile:
        profile = load(self.store, profile_id, ConfigProfile, "id", "Configuration")
        try:
            team_with_role(self.store, principal, profile.team_id, EDITOR, action)
        except NotFound:
            raise NotFound(f"Configuration {profile_id} was not found.", field="id", value=str(profile_id)) from None
        return profile
