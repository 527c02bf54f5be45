"""Retention: expire versions that no alias points at and that stayed unused longer than their model's policy allows."""

from __future__ import annotations

import logging
import uuid

from backend.domain.base import Cause, SYSTEM_ACTOR, iso
from backend.runtime import Runtime

log = logging.getLogger(__name__)

BATCH = 500


def apply_retention(runtime: Runtime) -> int:
    """Expire every version the policies condemn at the runtime clock's now; returns how many expired."""
    now = runtime.clock()
    expired = 0
    for row in runtime.readers.registry.retention_candidates(iso(now), BATCH):  # type: ignore[arg-type]
        outcome = runtime.registry.expire_unused(Cause.new(SYSTEM_ACTOR, None, at=now), version_id=uuid.UUID(row["version_id"]))
        if outcome.events:
            expired += 1
            log.info("model version expired", extra={"version_id": row["version_id"], "unused_days": row["retention_days"]})
    return expired
