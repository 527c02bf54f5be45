"""Integrity check: re-hash every live version's stored file and mark versions whose file is missing or altered."""

from __future__ import annotations

import logging
import uuid

from backend.domain.base import Cause, SYSTEM_ACTOR
from backend.runtime import Runtime

log = logging.getLogger(__name__)

BATCH = 200


def check_integrity(runtime: Runtime) -> int:
    """Verify every version that is neither expired nor broken; returns how many were marked broken."""
    broken, after = 0, 0
    while True:
        rows = runtime.readers.registry.live_versions(after, BATCH)
        for row in rows:
            cause = Cause.new(SYSTEM_ACTOR, None, at=runtime.clock())
            outcome = runtime.registry.check_integrity(cause, version_id=uuid.UUID(row["version_id"]))
            if outcome.events:
                broken += 1
                log.warning("model version marked broken", extra={"version_id": row["version_id"], "sha256": row["sha256"]})
        if len(rows) < BATCH:
            return broken
        after = int(rows[-1]["position"])
