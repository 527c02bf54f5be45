"""The evaluation rule process: start each rule's trials and judge them when their evaluations finish.

`follow_evaluation_rules` makes one pass over the read models; the reconciler calls it on every
pass, which an append wakes, and tests call it directly. Acting twice on the same state is harmless:
the rule aggregate rejects a second trial while one is open, a second trial of the same version,
and a scheduled trial before it is due.
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta
from typing import Any

from backend.domain.base import SYSTEM_ACTOR, Cause, DomainError, parse_iso
from backend.domain.evaluation_rules import NEW_VERSION, SCHEDULE
from backend.runtime import Runtime

log = logging.getLogger(__name__)

FINISHED = ("completed", "failed")


def follow_evaluation_rules(runtime: Runtime) -> int:
    """Conclude every trial whose evaluations finished, then start the trials that are due; returns the commands issued."""
    issued = 0
    for trial in runtime.readers.evaluation_rules.open_trials():
        if trial["candidate_status"] in FINISHED and (trial["holder_evaluation_id"] is None or trial["holder_status"] in FINISHED):
            issued += _isolated(trial["rule_id"], lambda t=trial: _act(runtime, t["rule_id"], lambda cause: runtime.evaluation_rules.conclude(
                cause, rule_id=uuid.UUID(t["rule_id"]))))
    for rule in runtime.readers.evaluation_rules.active():
        if rule["open_trial"] is None:
            issued += _isolated(rule["rule_id"], lambda r=rule: _start_due_trial(runtime, r))
    return issued


def _isolated(rule_id: str, step: Any) -> int:
    """Run one rule's step; an unexpected error is logged and skips only this rule until the next pass."""
    try:
        return int(step())
    except Exception:
        log.exception("evaluation rule step failed; it is tried again on the next pass", extra={"rule_id": rule_id})
        return 0


def _start_due_trial(runtime: Runtime, rule: Any) -> int:
    readers = runtime.readers.evaluation_rules
    model = runtime.readers.registry.model(rule["model_id"])
    if model is None or model["archived"]:
        return 0
    if rule["trigger"] == NEW_VERSION:
        waiting = readers.untriggered_versions(rule["rule_id"], rule["model_id"], int(rule["after_version"]), 1)
        version = waiting[0] if waiting else None
    else:
        last = parse_iso(rule["last_triggered_at"] or rule["created_at"])
        due = last is not None and runtime.clock() >= last + timedelta(minutes=int(rule["schedule_minutes"]))
        version = readers.newest_ready_version(rule["model_id"]) if due else None
    if version is None:
        return 0
    dataset_version_id = rule["dataset_version_id"]
    if dataset_version_id is None:
        newest = readers.newest_ready_dataset_version(rule["dataset_id"])
        if newest is None:
            return 0
        dataset_version_id = newest["version_id"]
    holder_evaluation = _holder_evaluation(runtime, rule, dataset_version_id)

    def start(cause: Cause) -> Any:
        return runtime.evaluation_rules.start_trial(
            cause, rule_id=uuid.UUID(rule["rule_id"]), reason=rule["trigger"] if rule["trigger"] == SCHEDULE else NEW_VERSION,
            version_id=uuid.UUID(version["version_id"]), dataset_version_id=uuid.UUID(dataset_version_id),
            holder_evaluation_id=uuid.UUID(holder_evaluation) if holder_evaluation else None,
        )

    return _act(runtime, rule["rule_id"], start)


def _holder_evaluation(runtime: Runtime, rule: Any, dataset_version_id: str) -> str | None:
    """Return a completed evaluation of the alias holder on the same data, which the trial can reuse."""
    holders = [row for row in runtime.readers.registry.aliases([rule["model_id"]]).get(rule["model_id"], [])
               if row["alias"] == rule["alias"]]
    if not holders:
        return None
    found = runtime.readers.evaluation_rules.completed_evaluation(holders[0]["version_id"], dataset_version_id, rule["split"],
                                                                  rule["label"])
    return found["evaluation_id"] if found else None


def _act(runtime: Runtime, rule_id: str, command: Any) -> int:
    cause = Cause.new(SYSTEM_ACTOR, None, at=runtime.clock())
    try:
        outcome = command(cause)
    except DomainError as error:
        # The rule changed under the pass (deleted, disabled, already tried); the next pass reads the new state.
        log.info("evaluation rule step skipped", extra={"rule_id": rule_id, "reason": error.message})
        return 0
    if outcome is None or not outcome.events:
        return 0
    log.info("evaluation rule step recorded", extra={"rule_id": rule_id, "position": outcome.position})
    # Until the read models show this step, the next pass would see the old state and try again.
    runtime.projections.wait_for(outcome.position, timeout=10)
    return 1
