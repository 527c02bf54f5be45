"""Uploads: files received through /v1/uploads, waiting for a mutation to take them."""

from __future__ import annotations

import uuid
from typing import Any

from backend.domain.base import Cause, Conflict, ModelCloudAggregate
from backend.domain.validation import clean_text

MAX_FILENAME = 255


class Upload(ModelCloudAggregate):
    """A stored file, addressed by digest, that a later mutation (a model or dataset version) consumes once."""

    class Received(ModelCloudAggregate.Created):
        sha256: str
        size: int
        filename: str
        content_type: str

        def apply(self, aggregate: Upload) -> None:
            aggregate.team_id = uuid.UUID(self.team) if self.team else None
            aggregate.sha256 = self.sha256
            aggregate.size = self.size
            aggregate.filename = self.filename
            aggregate.consumed_by = None

    class Consumed(ModelCloudAggregate.Event):
        consumer: str

        def apply(self, aggregate: Upload) -> None:
            aggregate.consumed_by = self.consumer

    team_id: uuid.UUID | None
    sha256: str
    size: int
    filename: str
    consumed_by: str | None

    def __init__(self, **_: Any) -> None:
        pass

    @classmethod
    def receive(cls, upload_id: uuid.UUID, *, sha256: str, size: int, filename: str, content_type: str, cause: Cause) -> Upload:
        return cls._start(
            cls.Received,
            cause,
            id=upload_id,
            sha256=sha256,
            size=size,
            filename=clean_text(filename[:MAX_FILENAME]),
            content_type=clean_text(content_type[:MAX_FILENAME]),
        )

    def consume(self, consumer: str, cause: Cause) -> None:
        if self.consumed_by is not None:
            raise Conflict(
                f"Upload {self.id} was already used by {self.consumed_by}; upload the file again.",
                field="uploadId",
                value=str(self.id),
            )
        self._record(self.Consumed, cause, consumer=consumer)
