"""Upload commands: store a streamed file by digest and record who uploaded it."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO

from backend.application.commands import CommandRunner, Outcome
from backend.domain.access import Principal
from eventsourcing.application import AggregateNotFoundError

from backend.domain.base import Cause, NotFound, PayloadTooLarge
from backend.domain.identity import EDITOR, Team
from backend.domain.uploads import Upload
from backend.storage import ArtifactStore, BlobTooLarge


@dataclass(frozen=True)
class ReceivedUpload:
    upload_id: uuid.UUID
    sha256: str
    size: int
    outcome: Outcome


def upload_holder(upload_id: uuid.UUID) -> str:
    return f"upload:{upload_id}"


class UploadService:
    """Receives files for a team; the caller needs role editor in it and a token with scope `write`."""

    def __init__(self, runner: CommandRunner, artifacts: ArtifactStore, clock: Callable[[], datetime]) -> None:
        self.runner = runner
        self.artifacts = artifacts
        self.clock = clock

    def receive(
        self,
        principal: Principal,
        cause: Cause,
        *,
        team_id: uuid.UUID,
        body: BinaryIO | Iterable[bytes],
        max_size: int,
        filename: str,
        content_type: str,
    ) -> ReceivedUpload:
        """Stream `body` into the artifact store and record the upload; nothing is kept past `max_size`."""
        self.check_editor(principal, team_id)
        upload_id = uuid.uuid4()
        try:
            blob = self.artifacts.write_held(lambda: _from_start(body), upload_holder(upload_id), max_size=max_size)
        except BlobTooLarge as error:
            raise PayloadTooLarge(
                f"The upload is larger than the limit of {error.limit} bytes (MODELCLOUD_MAX_UPLOAD_BYTES).",
                field="body",
                value=error.received,
            ) from None

        def decide() -> list[object]:
            upload = Upload.receive(
                upload_id, sha256=blob.sha256, size=blob.size, filename=filename, content_type=content_type,
                cause=cause.for_team(str(team_id)),
            )
            return [upload]

        try:
            outcome = self.runner.run("upload", cause, decide)
        except Exception:
            self.artifacts.release_reference(blob.sha256, upload_holder(upload_id))
            raise
        return ReceivedUpload(upload_id, blob.sha256, blob.size, outcome)

    def check_editor(self, principal: Principal, team_id: uuid.UUID) -> None:
        """Raise unless the caller may upload to the team; run it before reading the body."""
        principal.check_team_reach(team_id)
        try:
            team = self.runner.store.repository.get(team_id)
        except AggregateNotFoundError:
            raise NotFound(f"Team {team_id} was not found.", field="team", value=str(team_id)) from None
        if not isinstance(team, Team):
            raise NotFound(f"Team {team_id} was not found.", field="team", value=str(team_id))
        principal.require_role(team_id, team.role_of(principal.user_id), EDITOR, "upload", team_name=team.name)


def _from_start(body: BinaryIO | Iterable[bytes]) -> BinaryIO | Iterable[bytes]:
    """Return `body` rewound to its first byte when it is a seekable file, so it can be written again."""
    if hasattr(body, "seek") and getattr(body, "seekable", lambda: False)():
        body.seek(0)
    return body
