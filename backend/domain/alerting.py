"""Alerting: the signals a rule can watch, alert rules, and alerts that move pending → firing → resolved.

A rule names a signal, a comparator, a threshold and the window the signal is computed over. It
also sets how long the condition must hold before the alert fires ("for"), a severity and a
target. The target is one deployment, one model (its deployments, or the model itself for model
signals) or a whole team.

The monitoring process expands the target into subjects and keeps one Alert stream per rule and
subject, so there is never more than one open alert for the same rule and subject. The incidents
of a stream are numbered from 1, and every transition is an event that carries the observed value.
"""

from __future__ import annotations

import copy
import math
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from backend.domain.base import Cause, Conflict, InvalidInput, ModelCloudAggregate
from backend.domain.validation import check_choice, check_length, shown, trimmed

ALERT_NAMESPACE = uuid.UUID("6a0f7e4e-6d1b-4c55-a3c4-2b8f0e39d7c1")

DEPLOYMENT, MODEL, TEAM = "deployment", "model", "team"
TARGET_KINDS = (DEPLOYMENT, MODEL, TEAM)
SEVERITIES = ("info", "warning", "critical")
COMPARATORS = {">": lambda value, threshold: value > threshold, ">=": lambda value, threshold: value >= threshold,
               "<": lambda value, threshold: value < threshold, "<=": lambda value, threshold: value <= threshold}
# A window shorter than 10 seconds contains too few inference windows to be meaningful. The maximum is a week.
MIN_WINDOW_SECONDS, MAX_WINDOW_SECONDS = 10, 7 * 24 * 3600
MAX_FOR_SECONDS = 7 * 24 * 3600
MAX_CHANNELS = 10
MAX_MESSAGE = 500

INACTIVE, PENDING, FIRING, RESOLVED = "inactive", "pending", "firing", "resolved"

# Codes for why an open incident ended although its condition may still hold, each with the English
# message the event records. Clients translate the code.
RULE_DELETED, RULE_DISABLED, SUBJECT_UNWATCHED = "rule_deleted", "rule_disabled", "subject_unwatched"
END_REASONS = {
    RULE_DELETED: "The alert rule was deleted.",
    RULE_DISABLED: "The alert rule was disabled.",
    SUBJECT_UNWATCHED: "The {kind} {name!r} is no longer watched by the rule.",
}


def _reads_as_none(*fields: str) -> Any:
    """Return an upcaster, for an event class, that reads `fields` as None in events stored before they existed."""

    def upcast(state: dict[str, Any]) -> None:
        for field in fields:
            state[field] = None

    return staticmethod(upcast)


@dataclass(frozen=True)
class Signal:
    """A measurable quantity with the kind of subject it is measured on (deployment or model), its unit and range."""

    name: str
    label: str  # The name that alert messages show, in lower case.
    subject: str
    unit: str
    description: str
    low: float | None = 0.0
    high: float | None = None
    per_feature: bool = False


SIGNALS = {
    signal.name: signal
    for signal in (
        Signal("replicaHealth", "replica health", DEPLOYMENT, "ratio",
               "1 while the deployment is healthy, 0 while it is degraded; no value while it deploys.", high=1.0),
        Signal("requestsPerSecond", "requests per second", DEPLOYMENT, "requests/s",
               "Prediction requests per second over the window."),
        Signal("latencyP50Ms", "latency p50", DEPLOYMENT, "ms", "Median request latency over the window."),
        Signal("latencyP95Ms", "latency p95", DEPLOYMENT, "ms", "95th percentile of request latency over the window."),
        Signal("latencyP99Ms", "latency p99", DEPLOYMENT, "ms", "99th percentile of request latency over the window."),
        Signal("errorRate", "server error rate", DEPLOYMENT, "ratio",
               "Share of requests that failed on the server's side (5xx).", high=1.0),
        Signal("clientErrorRate", "rejected request rate", DEPLOYMENT, "ratio",
               "Share of requests rejected as the client's mistake (4xx).", high=1.0),
        Signal("featureDriftPsi", "feature drift (PSI)", DEPLOYMENT, "PSI",
               "Population stability index of served inputs against the training data; the largest over the features "
               "unless the rule names one.", per_feature=True),
        Signal("featureDriftKs", "feature drift (KS)", DEPLOYMENT, "KS",
               "Kolmogorov–Smirnov statistic of served numeric inputs against the training data; the largest over the "
               "features unless the rule names one.", high=1.0, per_feature=True),
        Signal("predictionDriftPsi", "prediction drift (PSI)", DEPLOYMENT, "PSI",
               "Population stability index of the predictions against the training labels."),
        Signal("predictionDriftKs", "prediction drift (KS)", DEPLOYMENT, "KS",
               "Kolmogorov–Smirnov statistic of a regression model's predictions against the training labels.", high=1.0),
        Signal("integrityFailures", "broken model versions", MODEL, "versions",
               "Model versions whose stored file is missing or altered (found by the integrity check)."),
        Signal("failedTrainingRuns", "failed training runs", MODEL, "runs", "Training runs that failed within the window."),
    )
}


def check_signal(value: Any) -> Signal:
    if not isinstance(value, str) or value not in SIGNALS:
        raise InvalidInput(f"signal {shown(value)} is not a known signal; expected one of {', '.join(SIGNALS)}.",
                           field="signal", value=trimmed(value) if isinstance(value, str) else None)
    return SIGNALS[value]


def check_threshold(signal: Signal, threshold: Any) -> float:
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not math.isfinite(threshold):
        raise InvalidInput(f"threshold {shown(threshold)} is invalid: it must be a finite number.", field="threshold",
                           value=str(threshold)[:40])
    low, high = signal.low, signal.high
    if (low is not None and threshold < low) or (high is not None and threshold > high):
        bounds = f"from {low:g}" + (f" to {high:g}" if high is not None else " up")
        raise InvalidInput(f"threshold {threshold:g} is out of range for {signal.name}, whose values lie {bounds}.",
                           field="threshold", value=threshold)
    return float(threshold)


def _check_seconds(field: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidInput(f"{field} {shown(value)} is invalid: it must be a whole number of seconds from {low} to {high}.",
                           field=field, value=str(value)[:40])
    return value


def check_rule_settings(values: dict[str, Any]) -> dict[str, Any]:
    """Check and normalize the settings of a rule that is created or updated, keyed by the aggregate's field names.

    The service checks `target_kind` and `target_id`, because only it can look up the target.
    """
    checked = dict(values)
    for field, kind, text in (("name", str, "a string"), ("enabled", bool, "true or false"), ("comparator", str, "a string"),
                              ("severity", str, "a string")):
        if field in checked and not isinstance(checked[field], kind):
            raise InvalidInput(f"{field} must be {text}.", field=field, value=str(checked[field])[:40])
    if "name" in checked:
        checked["name"] = check_length("name", checked["name"].strip(), minimum=1, maximum=128)
    if "signal" in checked:
        checked["signal"] = check_signal(checked["signal"]).name
    if "comparator" in checked:
        checked["comparator"] = check_choice("comparator", checked["comparator"], COMPARATORS)
    if "severity" in checked:
        checked["severity"] = check_choice("severity", checked["severity"], SEVERITIES)
    if "window_seconds" in checked:
        checked["window_seconds"] = _check_seconds("windowSeconds", checked["window_seconds"], MIN_WINDOW_SECONDS,
                                                   MAX_WINDOW_SECONDS)
    if "for_seconds" in checked:
        checked["for_seconds"] = _check_seconds("forSeconds", checked["for_seconds"], 0, MAX_FOR_SECONDS)
    if checked.get("feature") is not None:
        if not isinstance(checked["feature"], str):
            raise InvalidInput("feature must be a string.", field="feature", value=str(checked["feature"])[:40])
        checked["feature"] = check_length("feature", checked["feature"], minimum=1, maximum=256)
    if "channel_ids" in checked:
        channels = checked["channel_ids"]
        if len(channels) > MAX_CHANNELS:
            raise InvalidInput(f"channelIds lists {len(channels)} channels; at most {MAX_CHANNELS} are accepted.",
                               field="channelIds", value=len(channels))
        checked["channel_ids"] = sorted(set(channels), key=str)
    return checked


def check_rule(fields: dict[str, Any]) -> None:
    """Check the settings of a whole rule against each other.

    The threshold must be in the signal's range, only per-feature signals take a feature, and a
    model signal cannot target a deployment.
    """
    signal = SIGNALS[fields["signal"]]
    check_threshold(signal, fields["threshold"])
    if fields.get("feature") is not None and not signal.per_feature:
        raise InvalidInput(f"feature {fields['feature']!r} is set, but signal {signal.name} is not measured per feature. "
                           "Only featureDriftPsi and featureDriftKs take a feature.",
                           field="feature", value=fields["feature"])
    if signal.subject == MODEL and fields["target_kind"] == DEPLOYMENT:
        raise InvalidInput(f"signal {signal.name} is measured on models, so the target must be a model or a team, not a "
                           "deployment.", field="targetKind", value=fields["target_kind"])


def breaches(comparator: str, value: float | None, threshold: float) -> bool:
    """Return whether a value breaches the rule's condition.

    A signal without a value (no traffic, no data) never breaches it.
    """
    return value is not None and COMPARATORS[comparator](value, threshold)


class AlertRule(ModelCloudAggregate):
    class Defined(ModelCloudAggregate.Created):
        team_id: uuid.UUID
        name: str
        signal: str
        feature: str | None
        comparator: str
        threshold: float
        window_seconds: int
        for_seconds: int
        severity: str
        target_kind: str
        target_id: uuid.UUID
        channel_ids: list[uuid.UUID]
        enabled: bool

        def apply(self, aggregate: AlertRule) -> None:
            for field in RULE_FIELDS:
                setattr(aggregate, field, copy.copy(getattr(self, field)))
            aggregate.team_id = self.team_id
            aggregate.deleted = False

    class Revised(ModelCloudAggregate.Event):
        changes: dict[str, Any]

        def apply(self, aggregate: AlertRule) -> None:
            for field, value in self.changes.items():
                setattr(aggregate, field, copy.copy(value))

    class Deleted(ModelCloudAggregate.Event):
        def apply(self, aggregate: AlertRule) -> None:
            aggregate.deleted = True

    team_id: uuid.UUID
    name: str
    signal: str
    feature: str | None
    comparator: str
    threshold: float
    window_seconds: int
    for_seconds: int
    severity: str
    target_kind: str
    target_id: uuid.UUID
    channel_ids: list[uuid.UUID]
    enabled: bool
    deleted: bool

    def __init__(self, **_: Any) -> None:
        pass

    @classmethod
    def define(cls, rule_id: uuid.UUID, cause: Cause, **fields: Any) -> AlertRule:
        check_rule(fields)
        return cls._start(cls.Defined, cause, id=rule_id, **fields)

    def revise(self, changes: dict[str, Any], cause: Cause) -> None:
        self._check_live()
        changed = {field: value for field, value in changes.items() if getattr(self, field) != value}
        check_rule({field: getattr(self, field) for field in RULE_FIELDS} | changed)
        if changed:
            self._record(self.Revised, cause, changes=changed)

    def delete(self, cause: Cause) -> None:
        self._check_live()
        self._record(self.Deleted, cause)

    def _check_live(self) -> None:
        if self.deleted:
            raise Conflict(f"Alert rule {self.name!r} was deleted.", field="id", value=str(self.id))


RULE_FIELDS = ("name", "signal", "feature", "comparator", "threshold", "window_seconds", "for_seconds", "severity",
               "target_kind", "target_id", "channel_ids", "enabled")


def alert_id(rule_id: uuid.UUID, subject_id: uuid.UUID) -> uuid.UUID:
    """Return the id of the alert stream of one rule on one subject (a deployment, a model or a team)."""
    return uuid.uuid5(ALERT_NAMESPACE, f"{rule_id}/{subject_id}")


class Alert(ModelCloudAggregate):
    """The alert stream of one rule on one subject, whose incidents go pending, then firing, then resolved.

    A pending incident whose condition stops holding before the "for" duration ends is cleared
    without firing. The `notify` field of Raised and Resolved events is False while the alert is
    silenced, so those transitions send no notification.
    """

    class Opened(ModelCloudAggregate.Created):
        team_id: uuid.UUID
        rule_id: uuid.UUID
        subject_kind: str
        subject_id: uuid.UUID
        subject_name: str

        def apply(self, aggregate: Alert) -> None:
            aggregate.team_id = self.team_id
            aggregate.rule_id = self.rule_id
            aggregate.subject_kind = self.subject_kind
            aggregate.subject_id = self.subject_id
            aggregate.subject_name = self.subject_name
            aggregate.state = INACTIVE
            aggregate.incident = 0
            aggregate.since = None
            aggregate.acknowledged = False
            aggregate.silenced_until = None

    # Version 2 of the four transitions adds `condition`, the rule as it was at the transition (see
    # condition_of), so that a client can word the transition in its own language. Version 1 events
    # read it as None and state it only in `message`.

    class Pending(ModelCloudAggregate.Event):
        """Version 2 also adds `top_feature`, the feature that drifted most for a drift rule without one."""

        class_version = 2
        incident: int
        severity: str
        value: float
        message: str
        condition: dict[str, Any] | None
        top_feature: str | None

        upcast_v1_v2 = _reads_as_none("condition", "top_feature")

        def apply(self, aggregate: Alert) -> None:
            aggregate.incident = self.incident
            aggregate.state = PENDING
            aggregate.since = self.timestamp
            aggregate.acknowledged = False

    class Raised(ModelCloudAggregate.Event):
        """Version 2 adds `condition` and `top_feature`, as Pending does."""

        class_version = 2
        incident: int
        severity: str
        value: float
        message: str
        notify: bool
        condition: dict[str, Any] | None
        top_feature: str | None

        upcast_v1_v2 = _reads_as_none("condition", "top_feature")

        def apply(self, aggregate: Alert) -> None:
            aggregate.state = FIRING

    class Cleared(ModelCloudAggregate.Event):
        """Version 2 adds `condition` and `end_reason`, one of END_REASONS or None when the condition stopped holding."""

        class_version = 2
        incident: int
        value: float | None
        message: str
        condition: dict[str, Any] | None
        end_reason: str | None

        # Version 1 stated the reason in the message only.
        upcast_v1_v2 = _reads_as_none("condition", "end_reason")

        def apply(self, aggregate: Alert) -> None:
            aggregate.state = INACTIVE

    class Resolved(ModelCloudAggregate.Event):
        """Version 2 adds `condition` and `end_reason`, as Cleared does."""

        class_version = 2
        incident: int
        value: float | None
        message: str
        notify: bool
        condition: dict[str, Any] | None
        end_reason: str | None

        upcast_v1_v2 = _reads_as_none("condition", "end_reason")

        def apply(self, aggregate: Alert) -> None:
            aggregate.state = RESOLVED

    class Acknowledged(ModelCloudAggregate.Event):
        incident: int
        note: str | None

        def apply(self, aggregate: Alert) -> None:
            aggregate.acknowledged = True

    class Silenced(ModelCloudAggregate.Event):
        until: datetime
        reason: str | None

        def apply(self, aggregate: Alert) -> None:
            aggregate.silenced_until = self.until

    class SilenceLifted(ModelCloudAggregate.Event):
        def apply(self, aggregate: Alert) -> None:
            aggregate.silenced_until = None

    team_id: uuid.UUID
    rule_id: uuid.UUID
    subject_kind: str
    subject_id: uuid.UUID
    subject_name: str
    state: str
    incident: int
    since: datetime | None
    acknowledged: bool
    silenced_until: datetime | None

    def __init__(self, **_: Any) -> None:
        pass

    @classmethod
    def open(cls, rule_id: uuid.UUID, team_id: uuid.UUID, subject_kind: str, subject_id: uuid.UUID, subject_name: str,
             cause: Cause) -> Alert:
        return cls._start(cls.Opened, cause, id=alert_id(rule_id, subject_id), team_id=team_id, rule_id=rule_id,
                          subject_kind=subject_kind, subject_id=subject_id, subject_name=subject_name)

    @property
    def is_open(self) -> bool:
        return self.state in (PENDING, FIRING)

    def silenced_at(self, moment: datetime) -> bool:
        return self.silenced_until is not None and moment < self.silenced_until

    def observe(self, rule: AlertRule, value: float | None, cause: Cause, *, end_reason: str | None = None,
                top_feature: str | None = None) -> list[str]:
        """Apply one observation of the rule's signal and return the transitions made, such as ["pending", "firing"].

        An `end_reason` (a key of END_REASONS) ends an open incident whatever the value. The caller
        sets it when the rule was deleted or disabled, or the subject went away. `top_feature`, the
        feature that drifted most, is added to the messages of a breach.
        """
        if end_reason is not None and end_reason not in END_REASONS:
            raise ValueError(f"end_reason {end_reason!r} is not one of {sorted(END_REASONS)}")
        moment = cause.at
        breached = end_reason is None and breaches(rule.comparator, value, rule.threshold)
        reason = END_REASONS[end_reason].format(kind=self.subject_kind, name=self.subject_name) if end_reason else None
        condition = condition_of(rule)
        notify = not self.silenced_at(moment)
        transitions: list[str] = []

        if breached and not self.is_open:
            self._record(self.Pending, cause, incident=self.incident + 1, severity=rule.severity, value=value,
                         message=_message(rule, value, self.subject_name, top_feature), condition=condition,
                         top_feature=top_feature)
            transitions.append(PENDING)

        # Checked after the Pending event above, so that a rule with for_seconds=0 fires at once.
        if breached and self.state == PENDING and self.since is not None:
            if moment - self.since >= timedelta(seconds=rule.for_seconds):
                self._record(self.Raised, cause, incident=self.incident, severity=rule.severity, value=value,
                             message=_message(rule, value, self.subject_name, top_feature), notify=notify,
                             condition=condition, top_feature=top_feature)
                transitions.append(FIRING)

        if not breached and self.state == PENDING:
            self._record(self.Cleared, cause, incident=self.incident, value=value,
                         message=reason or f"{_condition(rule)} stopped holding before {rule.for_seconds} s passed.",
                         condition=condition, end_reason=end_reason)
            transitions.append(INACTIVE)

        if not breached and self.state == FIRING:
            self._record(self.Resolved, cause, incident=self.incident, value=value,
                         message=reason or _resolved_message(rule, value, self.subject_name), notify=notify,
                         condition=condition, end_reason=end_reason)
            transitions.append(RESOLVED)

        return transitions

    def acknowledge(self, note: str | None, cause: Cause) -> None:
        if self.state != FIRING:
            raise Conflict(f"The alert on {self.subject_name!r} is {self.state}; only a firing alert can be acknowledged.",
                           field="id", value=str(self.id))
        if self.acknowledged:
            raise Conflict(f"Incident {self.incident} of the alert on {self.subject_name!r} is already acknowledged.",
                           field="id", value=str(self.id))
        if note is not None:
            note = check_length("note", note, maximum=MAX_MESSAGE)
        self._record(self.Acknowledged, cause, incident=self.incident, note=note)

    def silence(self, until: datetime, reason: str | None, cause: Cause) -> None:
        if until <= cause.at:
            raise InvalidInput(f"until {until.isoformat()} is not in the future; a silence needs an end time after now "
                               f"({cause.at.isoformat()}).", field="until", value=until.isoformat())
        if until > cause.at + timedelta(days=365):
            raise InvalidInput(f"until {until.isoformat()} is more than a year away. Silence an alert for at most a year.",
                               field="until", value=until.isoformat())
        if reason is not None:
            reason = check_length("reason", reason, maximum=MAX_MESSAGE)
        self._record(self.Silenced, cause, until=until, reason=reason)

    def lift_silence(self, cause: Cause) -> None:
        if not self.silenced_at(cause.at):
            raise Conflict(f"The alert on {self.subject_name!r} is not silenced.", field="id", value=str(self.id))
        self._record(self.SilenceLifted, cause)


def _signal_label(rule: AlertRule) -> str:
    signal = SIGNALS.get(rule.signal)
    return signal.label if signal is not None else rule.signal


def _condition(rule: AlertRule) -> str:
    feature = f" of {rule.feature}" if rule.feature else ""
    return f"{_signal_label(rule)}{feature} {rule.comparator} {_shown_value(rule.threshold)}"


def condition_of(rule: AlertRule) -> dict[str, Any]:
    """Return the rule's name and condition as an alert transition records them, with camelCase keys."""
    return {
        "rule": rule.name, "signal": rule.signal, "feature": rule.feature, "comparator": rule.comparator,
        "threshold": rule.threshold, "windowSeconds": rule.window_seconds, "forSeconds": rule.for_seconds,
    }


def _message(rule: AlertRule, value: float | None, subject: str, top_feature: str | None = None) -> str:
    shown = (f"{rule.name}: {_signal_label(rule)} of {subject} is {_shown_value(value)}, "
             f"{rule.comparator} {_shown_value(rule.threshold)}")
    return f"{shown} (largest for feature {top_feature!r})." if top_feature else f"{shown}."


def _resolved_message(rule: AlertRule, value: float | None, subject: str) -> str:
    if value is None:
        return f"{rule.name}: {_signal_label(rule)} of {subject} has no value in the last {rule.window_seconds} s (no data)."
    return f"{rule.name}: {_signal_label(rule)} of {subject} is {_shown_value(value)}; {_condition(rule)} no longer holds."


def _shown_value(value: float | None) -> str:
    """Return `value` rounded to 4 significant digits, or "unknown" for no value."""
    return "unknown" if value is None else f"{value:.4g}"
