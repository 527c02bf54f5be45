"""Running a command: decide on fresh aggregates, append all their events at once, retry on a write conflict."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from backend.application.eventstore import EventStore
from backend.domain.base import Cause, Conflict
from backend.telemetry import command_conflicts_total, command_seconds, commands_total, events_appended_total, tracer
from backend.trace_context import current_traceparent

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 12
BACKOFF_SECONDS = 0.005

Decision = Callable[[], Sequence[Aggregate]]
AppendListener = Callable[[int], None]


@dataclass(frozen=True)
class Outcome:
    """Log position of a command's last event (0 when it appended nothing) and its event count."""

    position: int
    events: int


class CommandRunner:
    """Runs each command as load, check, decide, append; the append is one transaction of all its events."""

    def __init__(self, store: EventStore) -> None:
        self.store = store
        self._listeners: list[AppendListener] = []

    def on_append(self, listener: AppendListener) -> None:
        """Call `listener(position)` in this process after every successful append."""
        self._listeners.append(listener)

    def run(self, name: str, cause: Cause, decide: Decision, *, attempts: int = MAX_ATTEMPTS) -> Outcome:
        """Run `decide`, which loads aggregates and calls their command methods, and append what it produced.

        When another writer changed one of the aggregates first, `decide` runs again on the newer
        state, up to `attempts` times, and then the command fails with Conflict. Domain errors
        pass through and nothing is appended.
        """
        with tracer.start_as_current_span(f"command {name}") as span:
            span.set_attribute("modelcloud.correlation_id", cause.correlation_id)
            span.set_attribute("modelcloud.actor", cause.actor)
            started = time.perf_counter()
            try:
                outcome = self._run_with_retries(name, decide, attempts, current_traceparent())
            except Exception as error:
                commands_total.labels(name, type(error).__name__).inc()
                raise
            commands_total.labels(name, "ok").inc()
            command_seconds.labels(name).observe(time.perf_counter() - started)
            span.set_attribute("modelcloud.position", outcome.position)
            return outcome

    def _run_with_retries(self, name: str, decide: Decision, attempts: int, traceparent: str) -> Outcome:
        for attempt in range(1, attempts + 1):
            aggregates = decide()
            try:
                recordings = self._append(aggregates, traceparent)
            except IntegrityError:
                command_conflicts_total.labels(name).inc()
                log.info("command conflicted with a concurrent write; retrying", extra={"command": name, "attempt": attempt})
                # Random backoff spreads out writers that keep colliding on one aggregate.
                time.sleep(random.uniform(0, BACKOFF_SECONDS * attempt))
                continue
            return self._announce(recordings)
        raise Conflict(
            f"Command {name} conflicted with concurrent changes {attempts} times; try again.",
            field=None,
            value=None,
        )

    def _append(self, aggregates: Sequence[Aggregate], traceparent: str) -> Sequence[object]:
        """Store the aggregates' new events in one transaction, each carrying the command span's `traceparent`."""
        with tracer.start_as_current_span("append") as span:
            events = [event for aggregate in aggregates for event in aggregate.pending_events]
            if traceparent:
                for event in events:
                    # Events are frozen dataclasses, but these are not stored or seen by anyone yet.
                    object.__setattr__(event, "traceparent", traceparent)
            span.set_attribute("modelcloud.events", len(events))
            return self.store.save(*aggregates)

    def _announce(self, recordings: Sequence[object]) -> Outcome:
        if not recordings:
            return Outcome(position=0, events=0)
        position = max(recording.notification.id for recording in recordings)  # type: ignore[attr-defined]
        events_appended_total.inc(len(recordings))
        for listener in self._listeners:
            listener(position)
        return Outcome(position=position, events=len(recordings))
