"""GraphQL types, queries, mutations and subscriptions for monitoring.

They cover deployment health, alert rules, alerts, notification channels, in-app notifications,
and the live subscriptions that a monitoring wall follows.
"""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import AsyncGenerator
from datetime import datetime, timedelta
from enum import Enum
from typing import Any

import strawberry
from strawberry.types import Info

from backend.application.signals import SignalSource, TrafficSummary, traffic_values
from backend.domain.alerting import RULE_DELETED, RULE_DISABLED, SIGNALS, SUBJECT_UNWATCHED
from backend.domain.base import InvalidInput, NotFound, iso, parse_iso
from backend.graphql.audit import AuditEntry
from backend.graphql.connections import DEFAULT_PAGE, Connection, check_first, decode_position_cursor, page
from backend.graphql.context import Context, in_thread
from backend.graphql.deployments import Deployment, readable_deployment
from backend.graphql.identity import parse_id, readable_team, searched_team_ids, visible_team_ids
from backend.graphql.live import subject_changes
from backend.graphql.telemetry import pushing
from backend.projections.base import Change
from backend.projections.deployments import DEPLOYMENT_TOPIC
from backend.projections.monitoring import ALERT_RULE_TOPIC, ALERT_TOPIC, MONITORING_TOPIC, NOTIFICATION_TOPIC
from backend.telemetry import subscriptions_active

Row = dict[str, Any]
MAX_POINTS = 1000
DEFAULT_HEALTH_WINDOW = 300
WALL_TOPICS = (DEPLOYMENT_TOPIC, ALERT_TOPIC, MONITORING_TOPIC, ALERT_RULE_TOPIC)


@strawberry.enum(description="How bad an alert is.")
class AlertSeverity(Enum):
    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"


@strawberry.enum(description=(
    "The target of an alert rule: one deployment, one model (its deployments, or the model) or a whole team."
))
class AlertTargetKind(Enum):
    DEPLOYMENT = "deployment"
    MODEL = "model"
    TEAM = "team"


@strawberry.enum(description=(
    "pending: the condition has held for less than the rule's forSeconds. firing: it has held for forSeconds. "
    "resolved: it stopped holding after firing. cleared: it stopped holding before firing."
))
class AlertState(Enum):
    PENDING = "pending"
    FIRING = "firing"
    RESOLVED = "resolved"
    CLEARED = "cleared"


@strawberry.enum(description="The reason an incident ended while its condition may still hold, such as a deleted rule.")
class AlertEndReason(Enum):
    RULE_DELETED = RULE_DELETED
    RULE_DISABLED = RULE_DISABLED
    SUBJECT_UNWATCHED = SUBJECT_UNWATCHED


@strawberry.enum(description="pending until an attempt succeeds (delivered) or the last attempt fails (failed).")
class DeliveryStatus(Enum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


@strawberry.type(description="A signal an alert rule can watch.")
class AlertSignal:
    name: str
    subject: str = strawberry.field(description="deployment or model: what it is measured on.")
    unit: str
    description: str
    per_feature: bool = strawberry.field(description="Whether a rule may name one input feature.")
    minimum: float | None
    maximum: float | None


@strawberry.type(description=(
    "A condition on a signal that raises alerts: signal, comparator and threshold, over a window, for forSeconds."
))
class AlertRule:
    id: strawberry.ID
    team_id: strawberry.ID
    name: str
    signal: str
    feature: str | None = strawberry.field(description="The input feature a drift rule watches; null for the largest over all.")
    comparator: str = strawberry.field(description="One of >, >=, <, <=.")
    threshold: float
    window_seconds: int = strawberry.field(description="The signal is computed over this many seconds up to now.")
    for_seconds: int = strawberry.field(description="How long the condition must hold before the alert fires.")
    severity: AlertSeverity
    target_kind: AlertTargetKind
    target_id: strawberry.ID
    channel_ids: list[strawberry.ID]
    enabled: bool
    created_by: str
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_row(cls, row: Row) -> AlertRule:
        return cls(
            id=strawberry.ID(row["rule_id"]), team_id=strawberry.ID(row["team_id"]), name=row["name"], signal=row["signal"],
            feature=row["feature"], comparator=row["comparator"], threshold=float(row["threshold"]),
            window_seconds=int(row["window_seconds"]), for_seconds=int(row["for_seconds"]),
            severity=AlertSeverity(row["severity"]), target_kind=AlertTargetKind(row["target_kind"]),
            target_id=strawberry.ID(row["target_id"]),
            channel_ids=[strawberry.ID(channel) for channel in json.loads(row["channel_ids"])], enabled=bool(row["enabled"]),
            created_by=row["created_by"], created_at=_time(row["created_at"]), updated_at=_time(row["updated_at"]),
        )

    @strawberry.field(description="The name of the watched deployment, model or team, or null when the target is no longer stored.")
    async def target_name(self, info: Info[Context, None]) -> str | None:
        readers = info.context.runtime.readers
        if self.target_kind == AlertTargetKind.DEPLOYMENT:
            row = await in_thread(readers.deployments.deployment, str(self.target_id))
        elif self.target_kind == AlertTargetKind.MODEL:
            row = await info.context.loader("models", readers.registry.models_by_ids).load(str(self.target_id))
        else:
            row = await info.context.loader("teams", readers.identity.teams).load(str(self.target_id))
        return row["name"] if row is not None else None

    @strawberry.field(description="The rule's alert incidents, newest first.")
    async def alerts(self, info: Info[Context, None], first: int = DEFAULT_PAGE, after: str | None = None) -> Connection[Alert]:
        check_first(first)
        rows = await in_thread(lambda: info.context.runtime.readers.monitoring.alerts(
            [str(self.team_id)], rule_id=str(self.id), before=decode_position_cursor("alerts", after), limit=first + 1))
        return page(rows, first, "alerts", lambda row: row["started_position"], Alert.from_row, has_previous=after is not None)


@strawberry.type(description="One attempt to deliver a webhook, with the receiver's response.")
class WebhookAttempt:
    attempt: int
    ok: bool
    status_code: int | None
    error: str | None
    duration_ms: float
    attempted_at: datetime
    next_attempt_at: datetime | None


@strawberry.type(description="One notification sent to one webhook channel.")
class WebhookDelivery:
    id: strawberry.ID
    channel_id: strawberry.ID
    alert_id: strawberry.ID
    incident: int
    event: str = strawberry.field(description="alert.firing or alert.resolved, also sent as X-ModelCloud-Event.")
    body: str = strawberry.field(description="The JSON body as sent, signed in X-ModelCloud-Signature.")
    status: DeliveryStatus
    attempt_count: int
    max_attempts: int
    next_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    created_at: datetime

    @classmethod
    def from_row(cls, row: Row) -> WebhookDelivery:
        return cls(
            id=strawberry.ID(row["delivery_id"]), channel_id=strawberry.ID(row["channel_id"]),
            alert_id=strawberry.ID(row["alert_id"]), incident=int(row["incident"]), event=row["event"], body=row["body"],
            status=DeliveryStatus(row["status"]), attempt_count=int(row["attempts"]), max_attempts=int(row["max_attempts"]),
            next_attempt_at=parse_iso(row["next_attempt_at"]) if row["status"] == "pending" else None,
            last_status_code=row["last_status_code"], last_error=row["last_error"], created_at=_time(row["created_at"]),
        )

    @strawberry.field(description="Every attempt, oldest first.")
    async def attempts(self, info: Info[Context, None]) -> list[WebhookAttempt]:
        rows = await in_thread(info.context.runtime.readers.monitoring.attempts, str(self.id))
        return [WebhookAttempt(attempt=int(row["attempt"]), ok=bool(row["ok"]), status_code=row["status_code"], error=row["error"],
                               duration_ms=float(row["duration_ms"]), attempted_at=_time(row["attempted_at"]),
                               next_attempt_at=parse_iso(row["next_attempt_at"])) for row in rows]


@strawberry.type(description="One incident of a rule on one subject.")
class Alert:
    id: strawberry.ID = strawberry.field(description="The alert of this rule on this subject; incidents share it.")
    incident: int = strawberry.field(description="Counts the times the condition started holding, from 1.")
    team_id: strawberry.ID
    rule_id: strawberry.ID
    rule_name: str | None = strawberry.field(description="The rule's name as it was when it was last changed.")
    signal: str | None
    feature: str | None
    comparator: str | None
    threshold: float | None
    severity: AlertSeverity
    subject_kind: AlertTargetKind
    subject_id: strawberry.ID
    subject_name: str
    state: AlertState
    value: float | None = strawberry.field(description="The signal's value at the latest transition.")
    first_value: float | None = strawberry.field(description="The value when the condition started holding.")
    message: str
    started_at: datetime = strawberry.field(description="When the condition started holding (pending).")
    fired_at: datetime | None
    ended_at: datetime | None = strawberry.field(description="When it resolved or cleared.")
    end_reason: AlertEndReason | None = strawberry.field(description=(
        "The reason the incident ended while its condition may still hold. Null while it is open, and when the "
        "condition stopped holding."
    ))
    acknowledged_by: str | None
    acknowledged_at: datetime | None
    acknowledge_note: str | None
    silenced_until: datetime | None = strawberry.field(description="Notifications of this alert stop until then.")
    silence_reason: str | None

    @classmethod
    def from_row(cls, row: Row) -> Alert:
        silenced = parse_iso(row["silenced_until"])
        return cls(
            id=strawberry.ID(row["alert_id"]), incident=int(row["incident"]), team_id=strawberry.ID(row["team_id"]),
            rule_id=strawberry.ID(row["rule_id"]), rule_name=row["rule_name"], signal=row["signal"], feature=row["feature"],
            comparator=row["comparator"], threshold=row["threshold"], severity=AlertSeverity(row["severity"]),
            subject_kind=AlertTargetKind(row["subject_kind"]), subject_id=strawberry.ID(row["subject_id"]),
            subject_name=row["subject_name"], state=AlertState(row["state"]), value=row["value"], first_value=row["first_value"],
            message=row["message"], started_at=_time(row["started_at"]), fired_at=parse_iso(row["fired_at"]),
            ended_at=parse_iso(row["ended_at"]), end_reason=AlertEndReason(row["end_reason"]) if row["end_reason"] else None,
            acknowledged_by=row["acknowledged_by"],
            acknowledged_at=parse_iso(row["acknowledged_at"]), acknowledge_note=row["acknowledge_note"],
            silenced_until=silenced, silence_reason=row["silence_reason"] if silenced else None,
        )

    @strawberry.field(description="The username of whoever acknowledged the incident; null when nobody has.")
    async def acknowledged_by_username(self, info: Info[Context, None]) -> str | None:
        if self.acknowledged_by is None:
            return None
        row = await info.context.loader("users", info.context.runtime.readers.identity.users).load(self.acknowledged_by)
        return row["username"] if row else None

    @strawberry.field(description="Webhook deliveries of this incident, oldest first.")
    async def deliveries(self, info: Info[Context, None]) -> list[WebhookDelivery]:
        rows = await in_thread(info.context.runtime.readers.monitoring.deliveries_of_alert, str(self.id), self.incident)
        return [WebhookDelivery.from_row(row) for row in rows]


@strawberry.type(description="A webhook that receives alert notifications, signed with HMAC-SHA256 (see docs/monitoring.md).")
class NotificationChannel:
    id: strawberry.ID
    team_id: strawberry.ID
    name: str
    kind: str = strawberry.field(description="webhook.")
    url: str
    enabled: bool
    secret_rotated_at: datetime | None
    created_by: str
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_row(cls, row: Row) -> NotificationChannel:
        return cls(
            id=strawberry.ID(row["channel_id"]), team_id=strawberry.ID(row["team_id"]), name=row["name"], kind=row["kind"],
            url=row["url"], enabled=bool(row["enabled"]), secret_rotated_at=parse_iso(row["secret_rotated_at"]),
            created_by=row["created_by"], created_at=_time(row["created_at"]), updated_at=_time(row["updated_at"]),
        )

    @strawberry.field(description="Deliveries to this channel, newest first.")
    async def deliveries(self, info: Info[Context, None], first: int = DEFAULT_PAGE, after: str | None = None
                         ) -> Connection[WebhookDelivery]:
        check_first(first)
        rows = await in_thread(info.context.runtime.readers.monitoring.deliveries, str(self.id),
                               decode_position_cursor("deliveries", after), first + 1)
        return page(rows, first, "deliveries", lambda row: row["created_position"], WebhookDelivery.from_row,
                    has_previous=after is not None)


@strawberry.type(description="A new channel and its signing secret, which is shown only this once.")
class ChannelWithSecret:
    channel: NotificationChannel
    secret: str = strawberry.field(description="Hex text; receivers verify X-ModelCloud-Signature with it.")


@strawberry.type(description="An in-app notification: an alert that fired or resolved.")
class Notification:
    position: int = strawberry.field(description="Orders notifications; pass the newest one read to markNotificationsRead.")
    alert_id: strawberry.ID
    incident: int
    kind: str = strawberry.field(description="firing or resolved.")
    severity: AlertSeverity
    subject_kind: AlertTargetKind
    subject_id: strawberry.ID
    subject_name: str
    message: str
    value: float | None
    created_at: datetime
    read: bool

    @classmethod
    def from_row(cls, row: Row, read_up_to: int) -> Notification:
        return cls(
            position=int(row["position"]), alert_id=strawberry.ID(row["alert_id"]), incident=int(row["incident"]),
            kind=row["kind"], severity=AlertSeverity(row["severity"]), subject_kind=AlertTargetKind(row["subject_kind"]),
            subject_id=strawberry.ID(row["subject_id"]), subject_name=row["subject_name"], message=row["message"],
            value=row["value"], created_at=_time(row["created_at"]), read=int(row["position"]) <= read_up_to,
        )

    @strawberry.field(description=(
        "The incident this notification announces, with the rule's signal, comparator and threshold, so that a client "
        "can word the message in its own language; null when the incident is no longer stored."
    ))
    async def alert(self, info: Info[Context, None]) -> Alert | None:
        row = await in_thread(info.context.runtime.readers.monitoring.alert_row, str(self.alert_id), self.incident)
        return Alert.from_row(row) if row is not None else None


@strawberry.type(description="A team's in-app notifications with the caller's unread count.")
class NotificationFeed:
    unread: int
    notifications: Connection[Notification]


@strawberry.type(description="A signal's value; null when the window had no data for it.")
class SignalValue:
    signal: str
    value: float | None
    unit: str


@strawberry.type(description="Traffic of a deployment in one step of a time series.")
class HealthPoint:
    start: datetime
    end: datetime
    requests: int
    requests_per_second: float
    error_rate: float | None
    client_error_rate: float | None
    latency_p50_ms: float | None
    latency_p95_ms: float | None
    latency_p99_ms: float | None


@strawberry.type(description="Drift of one input feature: PSI over the training deciles (or categories) and KS for numbers.")
class FeatureDriftValue:
    feature: str
    psi: float
    ks: float | None
    rows: int
    missing: int


@strawberry.type(description="One measurement of a deployment by the monitoring process.")
class DriftPoint:
    start: datetime
    end: datetime
    version: int | None = strawberry.field(description="The version that served most of the sampled calls.")
    feature_drift_psi: float | None
    feature_drift_ks: float | None
    prediction_drift_psi: float | None
    prediction_drift_ks: float | None
    features: list[FeatureDriftValue]


@strawberry.type(description="A deployment's health now and over time.")
class DeploymentHealth:
    deployment: Deployment
    window_seconds: int = strawberry.field(description="The window `signals` are computed over.")
    signals: list[SignalValue]
    series: list[HealthPoint]
    drift: list[DriftPoint] = strawberry.field(description="Measurements in the range, oldest first.")
    open_alerts: list[Alert]


@strawberry.type(description="One deployment on a monitoring wall: its state, its signals over the last 5 minutes, its alerts.")
class WallDeployment:
    deployment: Deployment
    requests_per_second: float | None
    error_rate: float | None
    latency_p99_ms: float | None
    feature_drift_psi: float | None
    prediction_drift_psi: float | None
    open_alerts: int
    worst_severity: AlertSeverity | None


@strawberry.type(description="The state of a team's deployments and open alerts, sent again whenever any of it changes.")
class MonitoringWall:
    team_id: strawberry.ID
    at: datetime
    deployments: list[WallDeployment]
    alerts: list[Alert]
    changed: str | None = strawberry.field(description="What changed: deployment, alert, monitoring or alertRule; null at first.")


@strawberry.type(description="An alert's current incident and the change that brought it.")
class AlertUpdate:
    alert: Alert
    change: AuditEntry | None


@strawberry.input(description="Which incidents to list; every field narrows the list.")
class AlertFilter:
    team_id: strawberry.ID | None = None
    states: list[AlertState] | None = None
    severities: list[AlertSeverity] | None = None
    rule_id: strawberry.ID | None = None
    subject_id: strawberry.ID | None = strawberry.field(default=None, description="A deployment, model or team id.")
    since: datetime | None = strawberry.field(default=None, description="Incidents that started at or after this time.")


@strawberry.input
class CreateAlertRuleInput:
    team_id: strawberry.ID
    name: str
    signal: str = strawberry.field(description="A name from alertSignals, such as latencyP99Ms or featureDriftPsi.")
    comparator: str = strawberry.field(description="One of >, >=, <, <=.")
    threshold: float
    target_kind: AlertTargetKind
    target_id: strawberry.ID | None = strawberry.field(default=None, description="Required unless the target is the team.")
    window_seconds: int = strawberry.field(default=300, description="10 to 604800.")
    for_seconds: int = strawberry.field(default=0, description="0 to 604800; 0 fires at the first breach.")
    severity: AlertSeverity = AlertSeverity.WARNING
    feature: str | None = None
    channel_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    enabled: bool = True


@strawberry.input(description="Only the fields given change; feature may be set to null.")
class UpdateAlertRuleInput:
    name: str | None = strawberry.UNSET
    signal: str | None = strawberry.UNSET
    comparator: str | None = strawberry.UNSET
    threshold: float | None = strawberry.UNSET
    target_kind: AlertTargetKind | None = strawberry.UNSET
    target_id: strawberry.ID | None = strawberry.UNSET
    window_seconds: int | None = strawberry.UNSET
    for_seconds: int | None = strawberry.UNSET
    severity: AlertSeverity | None = strawberry.UNSET
    feature: str | None = strawberry.UNSET
    channel_ids: list[strawberry.ID] | None = strawberry.UNSET
    enabled: bool | None = strawberry.UNSET


@strawberry.type(description="The id of something deleted; its events stay in the audit log.")
class DeletedMonitoringItem:
    id: strawberry.ID


def _time(text: str | None) -> datetime:
    moment = parse_iso(text)
    assert moment is not None
    return moment


async def readable_rule(info: Info[Context, None], rule_id: str, field: str = "id") -> Row:
    parsed = parse_id(field, rule_id)
    row = await in_thread(info.context.runtime.readers.monitoring.rule, str(parsed))
    visible = await visible_team_ids(info)
    if row is None or (visible is not None and row["team_id"] not in visible):
        raise NotFound(f"Alert rule {rule_id} was not found among your teams' rules.", field=field, value=rule_id)
    return row


async def readable_alert(info: Info[Context, None], alert_id: str, incident: int | None = None, field: str = "id") -> Row:
    parsed = parse_id(field, alert_id)
    row = await in_thread(info.context.runtime.readers.monitoring.alert_row, str(parsed), incident)
    visible = await visible_team_ids(info)
    if row is None or (visible is not None and row["team_id"] not in visible):
        label = f"Alert {alert_id}"
        if incident is not None:
            label += f" incident {incident}"
        raise NotFound(f"{label} was not found among your teams' alerts.", field=field, value=alert_id)
    return row


async def readable_channel(info: Info[Context, None], channel_id: str, field: str = "id") -> Row:
    parsed = parse_id(field, channel_id)
    row = await in_thread(info.context.runtime.readers.monitoring.channel, str(parsed))
    visible = await visible_team_ids(info)
    if row is None or (visible is not None and row["team_id"] not in visible):
        raise NotFound(f"Notification channel {channel_id} was not found among your teams' channels.", field=field,
                       value=channel_id)
    return row


def _rule_changes(input: UpdateAlertRuleInput) -> dict[str, Any]:  # noqa: A002
    changes: dict[str, Any] = {}
    for field in ("name", "signal", "comparator", "threshold", "target_kind", "target_id", "window_seconds", "for_seconds",
                  "severity", "feature", "channel_ids", "enabled"):
        value = getattr(input, field)
        if value is strawberry.UNSET:
            continue
        name = "".join(part if i == 0 else part.title() for i, part in enumerate(field.split("_")))
        if value is None and field != "feature":
            raise InvalidInput(f"{name} cannot be null; leave it out to keep its value.", field=name, value=None)
        if isinstance(value, Enum):
            value = value.value
        elif field == "target_id":
            value = parse_id("targetId", value)
        elif field == "channel_ids":
            value = [parse_id("channelIds", channel) for channel in value]
        changes[field] = value
    return changes


def _aware(field: str, moment: datetime | None) -> datetime | None:
    """Return the time, or raise InvalidInput when it has no time zone, which would make it ambiguous."""
    if moment is not None and moment.utcoffset() is None:
        raise InvalidInput(f"{field} {moment.isoformat()} has no time zone; add Z or an offset such as +08:00.", field=field,
                           value=moment.isoformat())
    return moment


def _interval(field: str, since: datetime | None, until: datetime | None, now: datetime, default: timedelta
              ) -> tuple[datetime, datetime]:
    end = _aware("until", until) or now
    try:
        start = _aware("since", since) or end - default
    except OverflowError:
        raise InvalidInput(f"until {iso(end)} is too early to look {default} back from; pass since as well.", field="until",
                           value=iso(end)) from None
    if start >= end:
        raise InvalidInput(f"{field} {iso(start)} is not before until {iso(end)}.", field=field, value=iso(start))
    return start, end


def _health_series(rows: list[Row], start: datetime, end: datetime, step: int) -> list[HealthPoint]:
    count = math.ceil((end - start).total_seconds() / step)
    buckets = [TrafficSummary() for _ in range(count)]
    for row in rows:
        ended = parse_iso(row["ended_at"])
        if ended is None:
            continue
        index = min(count - 1, max(0, int((ended - start).total_seconds() // step)))
        buckets[index].add(row)
    points = []
    for index, summary in enumerate(buckets):
        values = traffic_values(summary, step)
        points.append(HealthPoint(
            start=start + timedelta(seconds=index * step),
            end=start + timedelta(seconds=min((index + 1) * step, (end - start).total_seconds())),
            requests=summary.requests, requests_per_second=values["requestsPerSecond"] or 0.0, error_rate=values["errorRate"],
            client_error_rate=values["clientErrorRate"], latency_p50_ms=values["latencyP50Ms"],
            latency_p95_ms=values["latencyP95Ms"], latency_p99_ms=values["latencyP99Ms"],
        ))
    return points


def _drift_point(row: Row) -> DriftPoint:
    values = json.loads(row["signal_values"])
    features = [FeatureDriftValue(feature=name, psi=float(item["psi"]), ks=item.get("ks"), rows=int(item["rows"]),
                                  missing=int(item["missing"])) for name, item in sorted(json.loads(row["features"]).items())]
    return DriftPoint(
        start=_time(row["started_at"]), end=_time(row["ended_at"]), version=row["version"],
        feature_drift_psi=values.get("featureDriftPsi"), feature_drift_ks=values.get("featureDriftKs"),
        prediction_drift_psi=values.get("predictionDriftPsi"), prediction_drift_ks=values.get("predictionDriftKs"),
        features=features,
    )


SEVERITY_ORDER = {"info": 0, "warning": 1, "critical": 2}


def wall_state(runtime: Any, team_id: str, changed: str | None) -> MonitoringWall:
    """Read a team's wall: each deployment that is not stopped with its recent signals, and the open alerts."""
    now = runtime.clock()
    source = SignalSource(runtime.database, runtime.request_log, runtime.drift_references, now)
    alerts = runtime.readers.monitoring.open_alerts(team_id)
    by_subject: dict[str, list[Row]] = {}
    for row in alerts:
        by_subject.setdefault(row["subject_id"], []).append(row)
    deployments = []
    for row in runtime.database.fetchall("SELECT * FROM deployments WHERE team_id = ? AND status <> 'stopped' ORDER BY name",
                                         (team_id,)):
        values = source.deployment_values(row["deployment_id"], DEFAULT_HEALTH_WINDOW, with_drift=False)
        latest = runtime.readers.monitoring.latest_measurement(row["deployment_id"])
        drift = json.loads(latest["signal_values"]) if latest else {}
        open_rows = by_subject.get(row["deployment_id"], [])
        worst = max((r["severity"] for r in open_rows if r["state"] == "firing"), key=SEVERITY_ORDER.__getitem__, default=None)
        deployments.append(WallDeployment(
            deployment=Deployment.from_row(row), requests_per_second=values["requestsPerSecond"], error_rate=values["errorRate"],
            latency_p99_ms=values["latencyP99Ms"], feature_drift_psi=drift.get("featureDriftPsi"),
            prediction_drift_psi=drift.get("predictionDriftPsi"), open_alerts=len(open_rows),
            worst_severity=AlertSeverity(worst) if worst else None,
        ))
    return MonitoringWall(team_id=strawberry.ID(team_id), at=now, deployments=deployments,
                          alerts=[Alert.from_row(row) for row in alerts], changed=changed)


@strawberry.type
class MonitoringQuery:
    @strawberry.field(description="The signals alert rules can watch.")
    def alert_signals(self) -> list[AlertSignal]:
        return [AlertSignal(name=signal.name, subject=signal.subject, unit=signal.unit, description=signal.description,
                            per_feature=signal.per_feature, minimum=signal.low, maximum=signal.high)
                for signal in SIGNALS.values()]

    @strawberry.field(description="Live alert rules of your teams, newest first.")
    async def alert_rules(self, info: Info[Context, None], team_id: strawberry.ID | None = None, first: int = DEFAULT_PAGE,
                          after: str | None = None) -> Connection[AlertRule]:
        check_first(first)
        teams = await searched_team_ids(info, team_id)
        rows = await in_thread(lambda: info.context.runtime.readers.monitoring.rules(
            teams, before=decode_position_cursor("alertRules", after), limit=first + 1))
        return page(rows, first, "alertRules", lambda row: row["created_position"], AlertRule.from_row,
                    has_previous=after is not None)

    @strawberry.field
    async def alert_rule(self, info: Info[Context, None], id: strawberry.ID) -> AlertRule:  # noqa: A002
        return AlertRule.from_row(await readable_rule(info, id))

    @strawberry.field(description="Alert incidents of your teams, newest first.")
    async def alerts(self, info: Info[Context, None], filter: AlertFilter | None = None,  # noqa: A002
                     first: int = DEFAULT_PAGE, after: str | None = None) -> Connection[Alert]:
        check_first(first)
        criteria = filter or AlertFilter()
        teams = await searched_team_ids(info, criteria.team_id)
        rule_id = None if criteria.rule_id is None else str(parse_id("ruleId", criteria.rule_id))
        subject_id = None if criteria.subject_id is None else str(parse_id("subjectId", criteria.subject_id))
        rows = await in_thread(lambda: info.context.runtime.readers.monitoring.alerts(
            teams, states=None if criteria.states is None else [state.value for state in criteria.states],
            severities=None if criteria.severities is None else [severity.value for severity in criteria.severities],
            rule_id=rule_id, subject_id=subject_id, since=iso(_aware("filter.since", criteria.since)),
            before=decode_position_cursor("alerts", after), limit=first + 1))
        return page(rows, first, "alerts", lambda row: row["started_position"], Alert.from_row, has_previous=after is not None)

    @strawberry.field(description="An alert's incident; the newest one unless `incident` names another.")
    async def alert(self, info: Info[Context, None], id: strawberry.ID, incident: int | None = None) -> Alert:  # noqa: A002
        return Alert.from_row(await readable_alert(info, id, incident))

    @strawberry.field(description="Webhook channels of your teams, newest first.")
    async def notification_channels(self, info: Info[Context, None], team_id: strawberry.ID | None = None,
                                    first: int = DEFAULT_PAGE, after: str | None = None) -> Connection[NotificationChannel]:
        check_first(first)
        teams = await searched_team_ids(info, team_id)
        rows = await in_thread(lambda: info.context.runtime.readers.monitoring.channels(
            teams, before=decode_position_cursor("notificationChannels", after), limit=first + 1))
        return page(rows, first, "notificationChannels", lambda row: row["created_position"], NotificationChannel.from_row,
                    has_previous=after is not None)

    @strawberry.field
    async def notification_channel(self, info: Info[Context, None], id: strawberry.ID) -> NotificationChannel:  # noqa: A002
        return NotificationChannel.from_row(await readable_channel(info, id))

    @strawberry.field(description="A team's in-app notifications, newest first, marked read up to your read mark.")
    async def notifications(self, info: Info[Context, None], team_id: strawberry.ID, first: int = DEFAULT_PAGE,
                            after: str | None = None) -> NotificationFeed:
        check_first(first)
        team = await readable_team(info, team_id)
        principal = await info.context.principal()
        reader = info.context.runtime.readers.monitoring
        read_up_to = await in_thread(reader.read_up_to, principal.actor, str(team.id))
        unread = await in_thread(reader.unread, principal.actor, str(team.id))
        rows = await in_thread(reader.notifications, str(team.id), decode_position_cursor("notifications", after), first + 1)
        return NotificationFeed(unread=unread, notifications=page(
            rows, first, "notifications", lambda row: row["position"], lambda row: Notification.from_row(row, read_up_to),
            has_previous=after is not None))

    @strawberry.field(description=(
        "A deployment's signals over the last windowSeconds, its traffic in steps over [since, until) (default the last hour), "
        "its drift measurements in that range and its open alerts."
    ))
    async def deployment_health(self, info: Info[Context, None], id: strawberry.ID,  # noqa: A002
                                since: datetime | None = None, until: datetime | None = None, step_seconds: int = 60,
                                window_seconds: int = DEFAULT_HEALTH_WINDOW) -> DeploymentHealth:
        row = await readable_deployment(info, id)
        runtime = info.context.runtime
        if not 10 <= window_seconds <= 7 * 24 * 3600:
            raise InvalidInput(f"windowSeconds {window_seconds} is invalid: it must be from 10 to 604800.",
                               field="windowSeconds", value=window_seconds)
        if step_seconds < 1:
            raise InvalidInput(f"stepSeconds {step_seconds} is invalid: it must be 1 or more.", field="stepSeconds",
                               value=step_seconds)
        now = runtime.clock()
        start, end = _interval("since", since, until, now, timedelta(hours=1))
        if (end - start).total_seconds() / step_seconds > MAX_POINTS:
            raise InvalidInput(f"stepSeconds {step_seconds} gives more than {MAX_POINTS} points over "
                               f"{int((end - start).total_seconds())} s; use a larger step or a shorter range.",
                               field="stepSeconds", value=step_seconds)

        def read() -> DeploymentHealth:
            source = SignalSource(runtime.database, runtime.request_log, runtime.drift_references, now)
            values = source.deployment_values(row["deployment_id"], window_seconds)
            # Windows that end exactly at `until` belong to the last step, so the bound is one microsecond later.
            upper = end if end >= datetime.max.replace(tzinfo=end.tzinfo) - timedelta(seconds=1) else end + timedelta(microseconds=1)
            windows = runtime.readers.deployments.windows(row["deployment_id"], iso(start), iso(upper), 100_000)
            measurements = runtime.readers.monitoring.measurements(row["deployment_id"], iso(start), iso(end), MAX_POINTS)
            alerts = runtime.readers.monitoring.alerts([row["team_id"]], states=["pending", "firing"],
                                                      subject_id=row["deployment_id"], limit=100)
            signals = [SignalValue(signal=name, value=values.get(name), unit=SIGNALS[name].unit)
                       for name in SIGNALS if SIGNALS[name].subject == "deployment"]
            return DeploymentHealth(deployment=Deployment.from_row(row), window_seconds=window_seconds, signals=signals,
                                    series=_health_series(windows, start, end, step_seconds),
                                    drift=[_drift_point(item) for item in measurements],
                                    open_alerts=[Alert.from_row(item) for item in alerts])

        return await in_thread(read)


@strawberry.type
class MonitoringMutation:
    @strawberry.mutation(description="Create an alert rule; team editors may.")
    async def create_alert_rule(self, info: Info[Context, None], input: CreateAlertRuleInput) -> AlertRule:  # noqa: A002
        principal = await info.context.writer()
        team_id = parse_id("teamId", input.team_id)
        target_id = None if input.target_id is None else parse_id("targetId", input.target_id)
        channels = [parse_id("channelIds", channel) for channel in input.channel_ids]
        service = info.context.runtime.alerting
        rule_id, outcome = await in_thread(lambda: service.create_rule(
            principal, info.context.cause(principal), team_id=team_id, name=input.name, signal=input.signal,
            comparator=input.comparator, threshold=input.threshold, target_kind=input.target_kind.value, target_id=target_id,
            window_seconds=input.window_seconds, for_seconds=input.for_seconds, severity=input.severity.value,
            feature=input.feature, channel_ids=channels, enabled=input.enabled,
        ))
        await info.context.settle(outcome)
        return AlertRule.from_row(await readable_rule(info, str(rule_id)))

    @strawberry.mutation(description="Change an alert rule; its open alerts are judged by the new settings at the next round.")
    async def update_alert_rule(self, info: Info[Context, None], id: strawberry.ID,  # noqa: A002
                                input: UpdateAlertRuleInput) -> AlertRule:  # noqa: A002
        principal = await info.context.writer()
        rule_id = parse_id("id", id)
        changes = _rule_changes(input)
        service = info.context.runtime.alerting
        outcome = await in_thread(lambda: service.update_rule(principal, info.context.cause(principal), rule_id=rule_id, **changes))
        await info.context.settle(outcome)
        return AlertRule.from_row(await readable_rule(info, str(rule_id)))

    @strawberry.mutation(description="Delete an alert rule; its open alerts resolve at the next round.")
    async def delete_alert_rule(self, info: Info[Context, None], id: strawberry.ID) -> DeletedMonitoringItem:  # noqa: A002
        principal = await info.context.writer()
        rule_id = parse_id("id", id)
        service = info.context.runtime.alerting
        outcome = await in_thread(lambda: service.delete_rule(principal, info.context.cause(principal), rule_id=rule_id))
        await info.context.settle(outcome)
        return DeletedMonitoringItem(id=strawberry.ID(str(rule_id)))

    @strawberry.mutation(description="Acknowledge the firing incident of an alert: someone is on it.")
    async def acknowledge_alert(self, info: Info[Context, None], id: strawberry.ID,  # noqa: A002
                                note: str | None = None) -> Alert:
        principal = await info.context.writer()
        the_id = parse_id("id", id)
        service = info.context.runtime.alerting
        outcome = await in_thread(lambda: service.acknowledge(principal, info.context.cause(principal), alert_id=the_id, note=note))
        await info.context.settle(outcome)
        return Alert.from_row(await readable_alert(info, str(the_id)))

    @strawberry.mutation(description="Stop notifications of an alert until a time; its transitions are still recorded.")
    async def silence_alert(self, info: Info[Context, None], id: strawberry.ID, until: datetime,  # noqa: A002
                            reason: str | None = None) -> Alert:
        principal = await info.context.writer()
        the_id = parse_id("id", id)
        service = info.context.runtime.alerting
        _aware("until", until)
        outcome = await in_thread(lambda: service.silence(principal, info.context.cause(principal), alert_id=the_id, until=until,
                                                          reason=reason))
        await info.context.settle(outcome)
        return Alert.from_row(await readable_alert(info, str(the_id)))

    @strawberry.mutation(description="End an alert's silence before its end time.")
    async def unsilence_alert(self, info: Info[Context, None], id: strawberry.ID) -> Alert:  # noqa: A002
        principal = await info.context.writer()
        the_id = parse_id("id", id)
        service = info.context.runtime.alerting
        outcome = await in_thread(lambda: service.lift_silence(principal, info.context.cause(principal), alert_id=the_id))
        await info.context.settle(outcome)
        return Alert.from_row(await readable_alert(info, str(the_id)))

    @strawberry.mutation(description="Create a webhook channel; team admins may. The signing secret is returned only here.")
    async def create_notification_channel(self, info: Info[Context, None], team_id: strawberry.ID, name: str, url: str,
                                          enabled: bool = True) -> ChannelWithSecret:
        principal = await info.context.writer()
        team = parse_id("teamId", team_id)
        service = info.context.runtime.alerting
        channel_id, secret, outcome = await in_thread(lambda: service.create_channel(
            principal, info.context.cause(principal), team_id=team, name=name, url=url, enabled=enabled))
        await info.context.settle(outcome)
        return ChannelWithSecret(channel=NotificationChannel.from_row(await readable_channel(info, str(channel_id))), secret=secret)

    @strawberry.mutation(description="Change a channel's name, URL or enabled flag; team admins may.")
    async def update_notification_channel(self, info: Info[Context, None], id: strawberry.ID,  # noqa: A002
                                          name: str | None = None, url: str | None = None,
                                          enabled: bool | None = None) -> NotificationChannel:
        principal = await info.context.writer()
        channel_id = parse_id("id", id)
        changes = {key: value for key, value in (("name", name), ("url", url), ("enabled", enabled)) if value is not None}
        service = info.context.runtime.alerting
        outcome = await in_thread(lambda: service.update_channel(principal, info.context.cause(principal), channel_id=channel_id,
                                                                 **changes))
        await info.context.settle(outcome)
        return NotificationChannel.from_row(await readable_channel(info, str(channel_id)))

    @strawberry.mutation(description="Replace a channel's signing secret; the new one is returned only here.")
    async def rotate_channel_secret(self, info: Info[Context, None], id: strawberry.ID) -> ChannelWithSecret:  # noqa: A002
        principal = await info.context.writer()
        channel_id = parse_id("id", id)
        service = info.context.runtime.alerting
        secret, outcome = await in_thread(lambda: service.rotate_secret(principal, info.context.cause(principal),
                                                                        channel_id=channel_id))
        await info.context.settle(outcome)
        return ChannelWithSecret(channel=NotificationChannel.from_row(await readable_channel(info, str(channel_id))), secret=secret)

    @strawberry.mutation(description="Delete a channel; its secret is erased and pending deliveries to it fail.")
    async def delete_notification_channel(self, info: Info[Context, None], id: strawberry.ID) -> DeletedMonitoringItem:  # noqa: A002
        principal = await info.context.writer()
        channel_id = parse_id("id", id)
        service = info.context.runtime.alerting
        outcome = await in_thread(lambda: service.delete_channel(principal, info.context.cause(principal), channel_id=channel_id))
        await info.context.settle(outcome)
        return DeletedMonitoringItem(id=strawberry.ID(str(channel_id)))

    @strawberry.mutation(description="Mark a team's notifications read up to a position; returns your unread count.")
    async def mark_notifications_read(self, info: Info[Context, None], team_id: strawberry.ID, up_to: int) -> int:
        principal = await info.context.writer()
        team = parse_id("teamId", str((await readable_team(info, team_id)).id))
        service = info.context.runtime.alerting
        newest = await in_thread(info.context.runtime.readers.monitoring.notifications, str(team), None, 1)
        newest_position = int(newest[0]["position"]) if newest else 0
        if up_to > newest_position:
            raise InvalidInput(f"upTo {up_to} is beyond the team's newest notification ({newest_position or 'none yet'}); pass "
                               "the position of one you read.", field="upTo", value=up_to)
        outcome = await in_thread(lambda: service.mark_read(principal, info.context.cause(principal), team_id=team, position=up_to))
        await info.context.settle(outcome)
        return await in_thread(info.context.runtime.readers.monitoring.unread, principal.actor, str(team))


@strawberry.type
class MonitoringSubscription:
    @strawberry.subscription(description=(
        "Alert incidents as they move: of one alert (id), or of every alert of a team, or of all your teams. The current "
        "incident of an alert given by id comes first."
    ))
    async def alert_updated(self, info: Info[Context, None], id: strawberry.ID | None = None,  # noqa: A002
                            team_id: strawberry.ID | None = None) -> AsyncGenerator[AlertUpdate, None]:
        if id is not None:
            row = await readable_alert(info, id)
            async for change, entry in subject_changes(info, ALERT_TOPIC, row["alert_id"]):
                current = row if change is None else await readable_alert(info, id)
                yield AlertUpdate(alert=Alert.from_row(current), change=entry)
            return
        teams = await searched_team_ids(info, team_id)
        async for change in _team_changes(info, ALERT_TOPIC, teams):
            row = await in_thread(info.context.runtime.readers.monitoring.alert_row, change.keys["id"])
            if row is None:
                continue
            with pushing(info, [change]):
                entry = None
                if info.context.audit_rows is not None:
                    audit_row = await info.context.audit_rows.read(int(change.keys["position"]))
                    entry = AuditEntry.from_row(audit_row) if audit_row else None
                yield AlertUpdate(alert=Alert.from_row(row), change=entry)

    @strawberry.subscription(description=(
        "A team's deployments and open alerts: at once, then again whenever a deployment, an alert, a rule or a measurement "
        "of the team changes. Changes that arrive together are sent as one state."
    ))
    async def monitoring_wall(self, info: Info[Context, None], team_id: strawberry.ID) -> AsyncGenerator[MonitoringWall, None]:
        team = str((await readable_team(info, team_id)).id)
        runtime = info.context.runtime
        subscriptions_active.inc()
        try:
            async with runtime.broker.subscribe(lambda name: name in WALL_TOPICS) as changes:
                yield await in_thread(wall_state, runtime, team, None)
                dirty = asyncio.Event()
                latest: list[Change] = []

                async def collect() -> None:
                    async for change in changes:
                        if change.keys.get("team") not in (team, None):
                            continue
                        latest.append(change)
                        dirty.set()

                collector = asyncio.create_task(collect())
                waiter: asyncio.Task[bool] | None = None
                try:
                    while True:
                        waiter = asyncio.create_task(dirty.wait())
                        done, _pending = await asyncio.wait({waiter, collector}, return_when=asyncio.FIRST_COMPLETED)
                        if waiter not in done:
                            return
                        dirty.clear()
                        pending = list(latest)
                        latest.clear()
                        with pushing(info, pending):
                            await info.context.authenticate()
                            topic = pending[-1].topic if pending else None
                            yield await in_thread(wall_state, runtime, team, topic)
                finally:
                    # Both tasks still run when the subscription is stopped during asyncio.wait. An abandoned
                    # waiter would wait on `dirty` until garbage collection destroyed it, which asyncio logs as an error.
                    if waiter is not None:
                        waiter.cancel()
                    collector.cancel()
        finally:
            subscriptions_active.dec()

    @strawberry.subscription(description="A team's in-app notifications as they arrive, each marked read or not for you.")
    async def notification_added(self, info: Info[Context, None], team_id: strawberry.ID
                                 ) -> AsyncGenerator[Notification, None]:
        team = str((await readable_team(info, team_id)).id)
        principal = await info.context.principal()
        reader = info.context.runtime.readers.monitoring
        async for change in _team_changes(info, NOTIFICATION_TOPIC, [team]):
            if "user" in change.keys:
                continue
            rows = await in_thread(reader.notifications, team, int(change.keys["position"]) + 1, 1)
            if rows and int(rows[0]["position"]) == int(change.keys["position"]):
                with pushing(info, [change]):
                    read_up_to = await in_thread(reader.read_up_to, principal.actor, team)
                    yield Notification.from_row(rows[0], read_up_to)


async def _team_changes(info: Info[Context, None], topic: str, teams: list[str] | None) -> AsyncGenerator[Change, None]:
    """Yield each committed change on `topic` for one of `teams` (every team for None).

    The caller's credentials are checked again before each change is yielded.
    """
    subscriptions_active.inc()
    try:
        async with info.context.runtime.broker.subscribe(lambda name: name == topic) as changes:
            async for change in changes:
                if teams is not None and change.keys.get("team") not in teams:
                    continue
                await info.context.authenticate()
                yield change
    finally:
        subscriptions_active.dec()
