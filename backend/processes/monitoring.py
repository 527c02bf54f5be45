"""The monitoring process: measure deployments, move alerts, and send webhooks that are due.

`monitor` runs every MODELCLOUD_MONITORING_INTERVAL_SECONDS. It records one measurement per live
deployment that had traffic since its last one, then evaluates every alert rule on each of its
subjects. `deliver_webhooks` runs more often and sends the deliveries that are due. Each
deployment, rule, subject and delivery is handled on its own, so a failure in one does not stop
the others.
"""

from __future__ import annotations

import logging
import time
import uuid
from datetime import datetime, timedelta
from typing import Any

from backend.application.alerting import Observation
from backend.application.signals import WINDOW_COLUMNS, SignalSource, TrafficSummary, traffic_values
from backend.application.webhooks import deliver, retry_delay
from backend.domain.alerting import RULE_DELETED, RULE_DISABLED, SUBJECT_UNWATCHED, alert_id, breaches
from backend.application.aggregates import load
from backend.domain.base import SYSTEM_ACTOR, Cause, DomainError, NotFound, iso, parse_iso
from backend.domain.monitoring import SignalLog, signal_log_id
from backend.domain.notifications import PENDING, WebhookDelivery
from backend.runtime import Runtime

log = logging.getLogger(__name__)

DELIVERY_BATCH = 50
# Most inference windows one measurement adds up; after a long pause the next rounds measure the rest.
MAX_WINDOWS_MEASURED = 1000


def monitor(runtime: Runtime) -> None:
    """Run one round: measure the live deployments, then evaluate the alert rules at the same moment."""
    now = runtime.clock()
    source = SignalSource(runtime.database, runtime.request_log, runtime.drift_references, now)
    measure_deployments(runtime, source)
    evaluate_rules(runtime, source)


def _cause(runtime: Runtime) -> Cause:
    return Cause.new(SYSTEM_ACTOR, None, at=runtime.clock())


def measure_deployments(runtime: Runtime, source: SignalSource) -> int:
    """Record the signals of each live deployment that served calls since its last measurement.

    Return the number of measurements recorded.
    """
    recorded = 0
    for row in runtime.readers.deployments.live():
        try:
            recorded += _measure(runtime, source, row)
        except Exception:
            log.exception("measuring a deployment failed; it is measured again in the next round",
                          extra={"deployment_id": row["deployment_id"]})
    return recorded


def _measure(runtime: Runtime, source: SignalSource, row: Any) -> int:
    """Measure the inference windows of a deployment recorded since its last measurement, in log order.

    Windows are taken by log position rather than by time, so one that reaches the read model
    after a round has looked is measured in the next round instead of never.
    """
    deployment_id = row["deployment_id"]
    now = source.now
    latest = runtime.readers.monitoring.latest_measurement(deployment_id)
    traffic = _traffic_after(runtime, deployment_id, int(latest["through_position"]) if latest else 0)
    if traffic.requests == 0 or traffic.started_at is None or traffic.ended_at is None:
        return 0
    since, until = parse_iso(traffic.started_at), parse_iso(traffic.ended_at)
    assert since is not None and until is not None
    seconds = max((until - since).total_seconds(), 1.0)
    values: dict[str, float | None] = {**traffic_values(traffic, seconds), "replicaHealth": source.replica_health(deployment_id)}
    # The sampled calls of these windows were logged with the times of the calls, all within the windows' span.
    drift = source.drift_between(deployment_id, since, until)
    psi = [item.psi for item in drift.features.values()]
    ks = [item.ks for item in drift.features.values() if item.ks is not None]
    values.update({
        "featureDriftPsi": max(psi) if psi else None, "featureDriftKs": max(ks) if ks else None,
        "predictionDriftPsi": drift.prediction.psi if drift.prediction else None,
        "predictionDriftKs": drift.prediction.ks if drift.prediction else None,
    })
    features = {name: item.to_dict() for name, item in drift.features.items()}
    cause = Cause.new(SYSTEM_ACTOR, row["team_id"], at=now)
    day = now.strftime("%Y-%m-%d")

    def decide() -> list[object]:
        log_id = signal_log_id(uuid.UUID(deployment_id), day)
        try:
            signal_log = load(runtime.store, log_id, SignalLog, "id", "Signal log")
        except NotFound:
            signal_log = SignalLog.open(uuid.UUID(deployment_id), uuid.UUID(row["team_id"]), day, cause)
        if not signal_log.measure(cause, started_at=since, ended_at=until, values=values, features=features, version=drift.version,
                                  through_position=traffic.through_position):
            return []
        return [signal_log]

    outcome = runtime.commands.run("measureDeployment", cause, decide)
    return 1 if outcome.events else 0


def _traffic_after(runtime: Runtime, deployment_id: str, position: int) -> TrafficSummary:
    """Add up a deployment's inference windows recorded after a log position, at most MAX_WINDOWS_MEASURED of them."""
    summary = TrafficSummary()
    for window in runtime.database.fetchall(
            f"SELECT {WINDOW_COLUMNS} FROM inference_windows WHERE deployment_id = ? AND position > ? ORDER BY position LIMIT ?",
            (deployment_id, position, MAX_WINDOWS_MEASURED)):
        summary.add(window)
    return summary


def evaluate_rules(runtime: Runtime, source: SignalSource) -> list[tuple[str, list[str]]]:
    """Observe every enabled rule on each of its subjects, and end the open alerts whose rule or subject went away.

    Return (alert id, transitions) for each alert that changed state.
    """
    moved: list[tuple[str, list[str]]] = []
    watched: set[str] = set()
    open_streams = {row["alert_id"]: row for row in runtime.readers.monitoring.open_streams()}
    for rule in runtime.readers.monitoring.rules(None):
        if not rule["enabled"]:
            continue
        try:
            subjects = source.subjects(rule)
        except Exception:
            log.exception("listing the subjects of an alert rule failed; it is evaluated again in the next round",
                          extra={"rule_id": rule["rule_id"]})
            # Its open alerts keep their state until the next round can tell whether their subjects still exist.
            watched.update(the_id for the_id, stream in open_streams.items() if stream["rule_id"] == rule["rule_id"])
            continue
        for subject in subjects:
            the_id = str(alert_id(uuid.UUID(rule["rule_id"]), uuid.UUID(subject.id)))
            watched.add(the_id)
            try:
                value = source.value(rule, subject)
                stream = open_streams.get(the_id)
                if stream is None and not _breaches(rule, value):
                    continue
                observation = Observation(uuid.UUID(rule["rule_id"]), subject.kind, uuid.UUID(subject.id), subject.name, value,
                                          top_feature=source.top_drift_feature(rule, subject))
                transitions, _outcome = runtime.alerting.observe(_cause(runtime), observation)
                if transitions:
                    moved.append((the_id, transitions))
            except DomainError as error:
                log.info("alert observation rejected",
                         extra={"rule_id": rule["rule_id"], "subject": subject.id, "reason": error.message})
            except Exception:
                log.exception("evaluating an alert rule failed; it is evaluated again in the next round",
                              extra={"rule_id": rule["rule_id"], "subject": subject.id})

    for the_id, stream in open_streams.items():
        if the_id in watched:
            continue
        rule = runtime.readers.monitoring.rule(stream["rule_id"])
        if rule is None:
            end_reason = RULE_DELETED
        elif not rule["enabled"]:
            end_reason = RULE_DISABLED
        else:
            end_reason = SUBJECT_UNWATCHED
        observation = Observation(uuid.UUID(stream["rule_id"]), stream["subject_kind"], uuid.UUID(stream["subject_id"]),
                                  stream["subject_name"], None, end_reason)
        try:
            transitions, _outcome = runtime.alerting.observe(_cause(runtime), observation)
            if transitions:
                moved.append((the_id, transitions))
        except Exception:
            log.exception("ending an alert failed; it is tried again in the next round",
                          extra={"alert_id": the_id, "rule_id": stream["rule_id"]})
    return moved


def _breaches(rule: Any, value: float | None) -> bool:
    return breaches(rule["comparator"], value, float(rule["threshold"]))


def deliver_webhooks(runtime: Runtime) -> int:
    """Send every delivery whose next attempt is due, up to DELIVERY_BATCH, and return the number of attempts made."""
    now = runtime.clock()
    settings = runtime.settings
    attempts = 0
    for row in runtime.readers.monitoring.due_deliveries(iso(now) or "", DELIVERY_BATCH):
        try:
            attempts += _attempt(runtime, row, settings)
        except Exception:
            # The delivery stays pending with the same attempt count, so the next run sends it again.
            log.exception("sending or recording a webhook delivery attempt failed; it is tried again in the next run",
                          extra={"delivery_id": row["delivery_id"], "channel_id": row["channel_id"]})
    return attempts


def _attempt(runtime: Runtime, row: Any, settings: Any) -> int:
    # The read model may lag behind the attempts already made, so the delivery's own stream decides.
    delivery = load(runtime.store, uuid.UUID(row["delivery_id"]), WebhookDelivery, "id", "Delivery")
    if delivery.status != PENDING or delivery.attempts != int(row["attempts"]):
        return 0
    channel = runtime.readers.monitoring.channel(row["channel_id"])
    started = time.perf_counter()
    if channel is None:
        ok, status_code, error = False, None, "The channel was deleted."
        retry = False
    elif not channel["enabled"]:
        ok, status_code, error = False, None, "The channel is disabled."
        retry = False
    else:
        secret = runtime.alerting.channel_secret(uuid.UUID(row["channel_id"]))
        attempt = deliver(
            channel["url"], row["body"].encode(), secret, delivery_id=row["delivery_id"], event=row["event"],
            timestamp=int(runtime.clock().timestamp()), timeout=settings.webhook_timeout_seconds,
            allowed=settings.webhook_allowed_hosts,
        )
        ok, status_code, error, retry = attempt.ok, attempt.status_code, attempt.error, True
    duration_ms = (time.perf_counter() - started) * 1000
    number = int(row["attempts"]) + 1
    retry_at = None
    if retry:
        retry_at = runtime.clock() + timedelta(seconds=retry_delay(number, settings.webhook_retry_seconds))

    runtime.alerting.record_attempt(_cause(runtime), delivery_id=uuid.UUID(row["delivery_id"]), ok=ok, status_code=status_code,
                                    error=error, duration_ms=duration_ms, retry_at=retry_at)
    log.info("webhook delivery attempted", extra={"delivery_id": row["delivery_id"], "channel_id": row["channel_id"],
                                                  "attempt": number, "ok": ok, "status_code": status_code})
    return 1
