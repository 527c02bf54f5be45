"""Recording a profiling job's output: progress now and then, then the profile or the reason it failed."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from backend.domain.base import SYSTEM_ACTOR, Cause
from backend.runtime import Runtime

log = logging.getLogger(__name__)

# Progress is recorded as events, so it is recorded at most this often per version.
PROGRESS_INTERVAL_SECONDS = 1.0


def record_profiling(
    runtime: Runtime, version_id: uuid.UUID, items: Iterable[dict[str, Any]], *,
    monotonic: Callable[[], float] = time.monotonic, stopped: Callable[[], bool] = lambda: False,
) -> str:
    """Record what a profiling job yields; returns `ready`, `failed` or `stopped`.

    The first progress item is always recorded, so a subscriber sees profiling start even on a
    small file. A job that raises or ends without a profile records a failure; the version stays
    usable without a profile.
    """
    datasets = runtime.datasets
    last_recorded: float | None = None
    try:
        for item in items:
            if stopped():
                return "stopped"
            if "profile" in item:
                outcome = datasets.record_profile(_cause(runtime), version_id=version_id, profile=item["profile"])
                runtime.projections.wait_for(outcome.position, timeout=10)
                log.info("profile recorded", extra={"version_id": str(version_id)})
                return "ready"
            now = monotonic()
            if last_recorded is None or now - last_recorded >= PROGRESS_INTERVAL_SECONDS:
                datasets.record_progress(
                    _cause(runtime), version_id=version_id, rows_done=int(item["progress"]), rows_total=int(item["total"])
                )
                last_recorded = now
        reason = "The profiling worker ended without a profile."
    except Exception as error:  # noqa: BLE001  (a failed job is recorded on the version, not raised)
        first_line = str(error).splitlines()[0][:300] if str(error) else type(error).__name__
        log.warning("profiling failed", extra={"version_id": str(version_id), "error": first_line})
        reason = f"The profiling worker failed: {first_line}"
    outcome = datasets.record_profile_failure(_cause(runtime), version_id=version_id, reason=reason)
    runtime.projections.wait_for(outcome.position, timeout=10)
    return "failed"


def _cause(runtime: Runtime) -> Cause:
    return Cause.new(SYSTEM_ACTOR, None, at=runtime.clock())
