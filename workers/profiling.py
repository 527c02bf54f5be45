"""Recording a profiling job's output: progress now and then, then the profile or the reason it failed."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from backend.domain.base import SYSTEM_ACTOR, Cause
from backend.runtime import Runtime

log = logging.getLogger(__name__)

# Progress is recorded as events, so it is recorded at most this often per version.
PROGRESS_INTERVAL_SECONDS = 1.0
TERMINAL_COLOURS = re.compile(r"\x1b\[[0-9;]*m")


def record_profiling(
    runtime: Runtime, version_id: uuid.UUID, items: Iterable[dict[str, Any]], *,
    monotonic: Callable[[], float] = time.monotonic, stopped: Callable[[], bool] = lambda: False,
    retry_crash: Callable[[Exception], bool] = lambda _error: False,
) -> str:
    """Record what a profiling job yields; returns `ready`, `failed`, `crashed` or `stopped`.

    The first progress item is always recorded, so a subscriber learns that profiling started even
    on a small file. A job that raises or ends without a profile records a failure, unless
    `retry_crash(error)` returns True: then nothing is recorded and the caller runs the job
    again. The version stays usable without a profile.
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
        if retry_crash(error):
            log.warning("profiling worker crashed; profiling again", extra={"version_id": str(version_id), "error": describe_error(error)})
            return "crashed"
        log.warning("profiling failed", extra={"version_id": str(version_id), "error": describe_error(error)})
        reason = f"The profiling worker failed: {describe_error(error)}"
    outcome = datasets.record_profile_failure(_cause(runtime), version_id=version_id, reason=reason)
    runtime.projections.wait_for(outcome.position, timeout=10)
    return "failed"


def describe_error(error: BaseException) -> str:
    """Return the first line of the error a worker raised, without Ray's task header and terminal colours."""
    cause = getattr(error, "cause", None)
    if isinstance(cause, BaseException):
        error = cause
    text = TERMINAL_COLOURS.sub("", str(error)).strip()
    first_line = text.splitlines()[0][:300] if text else ""
    return f"{type(error).__name__}: {first_line}" if first_line else type(error).__name__


def _cause(runtime: Runtime) -> Cause:
    return Cause.new(SYSTEM_ACTOR, None, at=runtime.clock())
