"""Read models for monitoring.

They cover alert rules, alerts and their incidents, channels, webhook deliveries, in-app
notifications with read marks, signal measurements, and each deployment's running totals for
Prometheus.
"""

from __future__ import annotations

import json
from typing import Any

from backend.database import Database, Row, Transaction
from backend.domain.alerting import Alert, AlertRule
from backend.domain.inference import LATENCY_BUCKETS_MS, InferenceLog
from backend.domain.monitoring import SignalLog
from backend.domain.notifications import NotificationChannel, NotificationInbox, WebhookDelivery
from backend.projections.base import Change, Projection, iso

ALERT_TOPIC = "alert"
ALERT_RULE_TOPIC = "alertRule"
CHANNEL_TOPIC = "notificationChannel"
NOTIFICATION_TOPIC = "notification"
MONITORING_TOPIC = "monitoring"
OPEN_STATES = ("pending", "firing")


class MonitoringProjection(Projection):
    name = "monitoring"
    tables = {
        "alert_rules": (
            "CREATE TABLE IF NOT EXISTS alert_rules ("
            "rule_id TEXT PRIMARY KEY, team_id TEXT NOT NULL, name TEXT NOT NULL, signal TEXT NOT NULL, feature TEXT, "
            "comparator TEXT NOT NULL, threshold DOUBLE PRECISION NOT NULL, window_seconds INTEGER NOT NULL, "
            "for_seconds INTEGER NOT NULL, severity TEXT NOT NULL, target_kind TEXT NOT NULL, target_id TEXT NOT NULL, "
            "channel_ids TEXT NOT NULL, enabled INTEGER NOT NULL, deleted INTEGER NOT NULL, created_by TEXT NOT NULL, "
            "created_at TEXT NOT NULL, updated_at TEXT NOT NULL, created_position BIGINT NOT NULL, position BIGINT NOT NULL)"
        ),
        "alert_streams": (
            "CREATE TABLE IF NOT EXISTS alert_streams ("
            "alert_id TEXT PRIMARY KEY, team_id TEXT NOT NULL, rule_id TEXT NOT NULL, subject_kind TEXT NOT NULL, "
            "subject_id TEXT NOT NULL, subject_name TEXT NOT NULL, state TEXT NOT NULL, incident INTEGER NOT NULL, "
            "silenced_until TEXT, silence_reason TEXT, silenced_by TEXT, position BIGINT NOT NULL)"
        ),
        "alerts": (
            "CREATE TABLE IF NOT EXISTS alerts ("
            "alert_id TEXT NOT NULL, incident INTEGER NOT NULL, team_id TEXT NOT NULL, rule_id TEXT NOT NULL, "
            "severity TEXT NOT NULL, subject_kind TEXT NOT NULL, subject_id TEXT NOT NULL, subject_name TEXT NOT NULL, "
            "state TEXT NOT NULL, value DOUBLE PRECISION, first_value DOUBLE PRECISION, message TEXT NOT NULL, "
            "started_at TEXT NOT NULL, fired_at TEXT, ended_at TEXT, acknowledged_by TEXT, acknowledged_at TEXT, "
            "acknowledge_note TEXT, started_position BIGINT NOT NULL, position BIGINT NOT NULL, end_reason TEXT, "
            "PRIMARY KEY (alert_id, incident))"
        ),
        "notification_channels": (
            "CREATE TABLE IF NOT EXISTS notification_channels ("
            "channel_id TEXT PRIMARY KEY, team_id TEXT NOT NULL, name TEXT NOT NULL, kind TEXT NOT NULL, url TEXT NOT NULL, "
            "enabled INTEGER NOT NULL, deleted INTEGER NOT NULL, secret_rotated_at TEXT, created_by TEXT NOT NULL, "
            "created_at TEXT NOT NULL, updated_at TEXT NOT NULL, created_position BIGINT NOT NULL, position BIGINT NOT NULL)"
        ),
        "webhook_deliveries": (
            "CREATE TABLE IF NOT EXISTS webhook_deliveries ("
            "delivery_id TEXT PRIMARY KEY, team_id TEXT NOT NULL, channel_id TEXT NOT NULL, alert_id TEXT NOT NULL, "
            "incident INTEGER NOT NULL, event TEXT NOT NULL, body TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL, "
            "max_attempts INTEGER NOT NULL, next_attempt_at TEXT, last_status_code INTEGER, last_error TEXT, "
            "created_at TEXT NOT NULL, updated_at TEXT NOT NULL, created_position BIGINT NOT NULL, position BIGINT NOT NULL)"
        ),
        "webhook_attempts": (
            "CREATE TABLE IF NOT EXISTS webhook_attempts ("
            "delivery_id TEXT NOT NULL, attempt INTEGER NOT NULL, ok INTEGER NOT NULL, status_code INTEGER, error TEXT, "
            "duration_ms DOUBLE PRECISION NOT NULL, attempted_at TEXT NOT NULL, next_attempt_at TEXT, "
            "PRIMARY KEY (delivery_id, attempt))"
        ),
        "notifications": (
            "CREATE TABLE IF NOT EXISTS notifications ("
            "position BIGINT PRIMARY KEY, team_id TEXT NOT NULL, alert_id TEXT NOT NULL, incident INTEGER NOT NULL, "
            "kind TEXT NOT NULL, severity TEXT NOT NULL, subject_kind TEXT NOT NULL, subject_id TEXT NOT NULL, "
            "subject_name TEXT NOT NULL, message TEXT NOT NULL, value DOUBLE PRECISION, created_at TEXT NOT NULL)"
        ),
        "notification_reads": (
            "CREATE TABLE IF NOT EXISTS notification_reads ("
            "user_id TEXT NOT NULL, team_id TEXT NOT NULL, read_up_to BIGINT NOT NULL, PRIMARY KEY (user_id, team_id))"
        ),
        "signal_measurements": (
            "CREATE TABLE IF NOT EXISTS signal_measurements ("
            "position BIGINT PRIMARY KEY, deployment_id TEXT NOT NULL, team_id TEXT, started_at TEXT NOT NULL, "
            "ended_at TEXT NOT NULL, version INTEGER, signal_values TEXT NOT NULL, features TEXT NOT NULL, "
            "through_position BIGINT NOT NULL)"
        ),
        "deployment_totals": (
            "CREATE TABLE IF NOT EXISTS deployment_totals ("
            "deployment_id TEXT PRIMARY KEY, requests BIGINT NOT NULL, rows_predicted BIGINT NOT NULL, errors BIGINT NOT NULL, "
            "client_errors BIGINT NOT NULL, latency_buckets TEXT NOT NULL, latency_sum_ms DOUBLE PRECISION NOT NULL)"
        ),
    }
    indexes = [
        "CREATE INDEX IF NOT EXISTS alert_rules_by_team ON alert_rules (team_id, created_position)",
        "CREATE INDEX IF NOT EXISTS alerts_by_team ON alerts (team_id, started_position)",
        "CREATE INDEX IF NOT EXISTS alerts_by_state ON alerts (state, team_id)",
        "CREATE INDEX IF NOT EXISTS alert_streams_by_rule ON alert_streams (rule_id)",
        "CREATE INDEX IF NOT EXISTS webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at)",
        "CREATE INDEX IF NOT EXISTS webhook_deliveries_by_channel ON webhook_deliveries (channel_id, created_position)",
        "CREATE INDEX IF NOT EXISTS notifications_by_team ON notifications (team_id, position)",
        "CREATE INDEX IF NOT EXISTS signal_measurements_by_deployment ON signal_measurements (deployment_id, ended_at)",
    ]

    # Alert rules.

    def on_AlertRule_Defined(self, tx: Transaction, event: AlertRule.Defined, position: int) -> list[Change]:
        values: dict[str, Any] = {
            "rule_id": str(event.originator_id), "team_id": str(event.team_id), "name": event.name, "signal": event.signal,
            "feature": event.feature, "comparator": event.comparator, "threshold": event.threshold,
            "window_seconds": event.window_seconds, "for_seconds": event.for_seconds, "severity": event.severity,
            "target_kind": event.target_kind, "target_id": str(event.target_id),
            "channel_ids": json.dumps([str(channel) for channel in event.channel_ids]), "enabled": int(event.enabled),
            "deleted": 0, "created_by": event.actor, "created_at": iso(event.timestamp), "updated_at": iso(event.timestamp),
            "created_position": position, "position": position,
        }
        _insert(tx, "alert_rules", values)
        return [Change(ALERT_RULE_TOPIC, {"id": values["rule_id"], "team": values["team_id"], "position": position})]

    def on_AlertRule_Revised(self, tx: Transaction, event: AlertRule.Revised, position: int) -> list[Change]:
        changes: dict[str, Any] = {}
        for field, value in event.changes.items():
            if field == "channel_ids":
                value = json.dumps([str(channel) for channel in value])
            elif field == "enabled":
                value = int(value)
            elif field == "target_id":
                value = str(value)
            changes[field] = value
        return self._rule_changed(tx, event, position, changes)

    def on_AlertRule_Deleted(self, tx: Transaction, event: AlertRule.Deleted, position: int) -> list[Change]:
        return self._rule_changed(tx, event, position, {"deleted": 1})

    def _rule_changed(self, tx: Transaction, event: Any, position: int, changes: dict[str, Any]) -> list[Change]:
        rule_id = str(event.originator_id)
        changes = {**changes, "updated_at": iso(event.timestamp), "position": position}
        tx.execute(f"UPDATE alert_rules SET {', '.join(f'{column} = ?' for column in changes)} WHERE rule_id = ?",
                   [*changes.values(), rule_id])
        return [Change(ALERT_RULE_TOPIC, {"id": rule_id, "team": event.team, "position": position})]

    # Alerts: one stream per rule and subject, one row per incident.

    def on_Alert_Opened(self, tx: Transaction, event: Alert.Opened, position: int) -> list[Change]:
        _insert(tx, "alert_streams", {
            "alert_id": str(event.originator_id), "team_id": str(event.team_id), "rule_id": str(event.rule_id),
            "subject_kind": event.subject_kind, "subject_id": str(event.subject_id), "subject_name": event.subject_name,
            "state": "inactive", "incident": 0, "position": position,
        })
        return []

    def on_Alert_Pending(self, tx: Transaction, event: Alert.Pending, position: int) -> list[Change]:
        alert_id = str(event.originator_id)
        stream = tx.fetchone("SELECT * FROM alert_streams WHERE alert_id = ?", (alert_id,))
        assert stream is not None
        _insert(tx, "alerts", {
            "alert_id": alert_id, "incident": event.incident, "team_id": stream["team_id"], "rule_id": stream["rule_id"],
            "severity": event.severity, "subject_kind": stream["subject_kind"], "subject_id": stream["subject_id"],
            "subject_name": stream["subject_name"], "state": "pending", "value": event.value, "first_value": event.value,
            "message": event.message, "started_at": iso(event.timestamp), "started_position": position, "position": position,
        })
        return self._stream_changed(tx, event, position, "pending", stream["team_id"])

    def on_Alert_Raised(self, tx: Transaction, event: Alert.Raised, position: int) -> list[Change]:
        self._incident(tx, event, position, state="firing", value=event.value, message=event.message,
                       fired_at=iso(event.timestamp))
        changes = self._stream_changed(tx, event, position, "firing")
        if event.notify:
            self._notify(tx, event, position, "firing", event.value, event.message)
            changes.append(Change(NOTIFICATION_TOPIC, {"team": event.team, "position": position}))
        return changes

    def on_Alert_Cleared(self, tx: Transaction, event: Alert.Cleared, position: int) -> list[Change]:
        self._incident(tx, event, position, state="cleared", value=event.value, message=event.message,
                       ended_at=iso(event.timestamp), end_reason=event.end_reason)
        return self._stream_changed(tx, event, position, "inactive")

    def on_Alert_Resolved(self, tx: Transaction, event: Alert.Resolved, position: int) -> list[Change]:
        self._incident(tx, event, position, state="resolved", value=event.value, message=event.message,
                       ended_at=iso(event.timestamp), end_reason=event.end_reason)
        changes = self._stream_changed(tx, event, position, "resolved")
        if event.notify:
            self._notify(tx, event, position, "resolved", event.value, event.message)
            changes.append(Change(NOTIFICATION_TOPIC, {"team": event.team, "position": position}))
        return changes

    def on_Alert_Acknowledged(self, tx: Transaction, event: Alert.Acknowledged, position: int) -> list[Change]:
        self._incident(tx, event, position, acknowledged_by=event.actor, acknowledged_at=iso(event.timestamp),
                       acknowledge_note=event.note)
        return self._stream_changed(tx, event, position, None)

    def on_Alert_Silenced(self, tx: Transaction, event: Alert.Silenced, position: int) -> list[Change]:
        tx.execute("UPDATE alert_streams SET silenced_until = ?, silence_reason = ?, silenced_by = ? WHERE alert_id = ?",
                   (iso(event.until), event.reason, event.actor, str(event.originator_id)))
        return self._stream_changed(tx, event, position, None)

    def on_Alert_SilenceLifted(self, tx: Transaction, event: Alert.SilenceLifted, position: int) -> list[Change]:
        tx.execute("UPDATE alert_streams SET silenced_until = NULL, silence_reason = NULL, silenced_by = NULL "
                   "WHERE alert_id = ?", (str(event.originator_id),))
        return self._stream_changed(tx, event, position, None)

    @staticmethod
    def _incident(tx: Transaction, event: Any, position: int, **columns: Any) -> None:
        columns["position"] = position
        tx.execute(f"UPDATE alerts SET {', '.join(f'{column} = ?' for column in columns)} WHERE alert_id = ? AND incident = ?",
                   [*columns.values(), str(event.originator_id), event.incident])

    @staticmethod
    def _stream_changed(tx: Transaction, event: Any, position: int, state: str | None, team: str | None = None) -> list[Change]:
        alert_id = str(event.originator_id)
        if state is None:
            tx.execute("UPDATE alert_streams SET position = ? WHERE alert_id = ?", (position, alert_id))
        else:
            tx.execute("UPDATE alert_streams SET state = ?, incident = COALESCE(?, incident), position = ? WHERE alert_id = ?",
                       (state, getattr(event, "incident", None), position, alert_id))
        if team is None:
            row = tx.fetchone("SELECT team_id FROM alert_streams WHERE alert_id = ?", (alert_id,))
            team = row["team_id"] if row else event.team
        return [Change(ALERT_TOPIC, {"id": alert_id, "team": team, "position": position})]

    @staticmethod
    def _notify(tx: Transaction, event: Any, position: int, kind: str, value: float | None, message: str) -> None:
        row = tx.fetchone("SELECT * FROM alerts WHERE alert_id = ? AND incident = ?", (str(event.originator_id), event.incident))
        assert row is not None
        _insert(tx, "notifications", {
            "position": position, "team_id": row["team_id"], "alert_id": row["alert_id"], "incident": event.incident,
            "kind": kind, "severity": row["severity"], "subject_kind": row["subject_kind"], "subject_id": row["subject_id"],
            "subject_name": row["subject_name"], "message": message, "value": value, "created_at": iso(event.timestamp),
        })

    # Channels and deliveries.

    def on_NotificationChannel_Created(self, tx: Transaction, event: NotificationChannel.Created, position: int) -> list[Change]:
        _insert(tx, "notification_channels", {
            "channel_id": str(event.originator_id), "team_id": str(event.team_id), "name": event.name, "kind": event.kind,
            "url": event.url, "enabled": int(event.enabled), "deleted": 0, "created_by": event.actor,
            "created_at": iso(event.timestamp), "updated_at": iso(event.timestamp), "created_position": position,
            "position": position,
        })
        return [Change(CHANNEL_TOPIC, {"id": str(event.originator_id), "team": str(event.team_id), "position": position})]

    def on_NotificationChannel_Revised(self, tx: Transaction, event: NotificationChannel.Revised, position: int) -> list[Change]:
        changes = {field: int(value) if field == "enabled" else value for field, value in event.changes.items()}
        return self._channel_changed(tx, event, position, changes)

    def on_NotificationChannel_SecretRotated(self, tx: Transaction, event: NotificationChannel.SecretRotated,
                                             position: int) -> list[Change]:
        return self._channel_changed(tx, event, position, {"secret_rotated_at": iso(event.timestamp)})

    def on_NotificationChannel_Deleted(self, tx: Transaction, event: NotificationChannel.Deleted, position: int) -> list[Change]:
        return self._channel_changed(tx, event, position, {"deleted": 1})

    @staticmethod
    def _channel_changed(tx: Transaction, event: Any, position: int, changes: dict[str, Any]) -> list[Change]:
        changes = {**changes, "updated_at": iso(event.timestamp), "position": position}
        tx.execute(f"UPDATE notification_channels SET {', '.join(f'{column} = ?' for column in changes)} WHERE channel_id = ?",
                   [*changes.values(), str(event.originator_id)])
        return [Change(CHANNEL_TOPIC, {"id": str(event.originator_id), "team": event.team, "position": position})]

    def on_WebhookDelivery_Queued(self, tx: Transaction, event: WebhookDelivery.Queued, position: int) -> list[Change]:
        _insert(tx, "webhook_deliveries", {
            "delivery_id": str(event.originator_id), "team_id": str(event.team_id), "channel_id": str(event.channel_id),
            "alert_id": str(event.alert_id), "incident": event.incident, "event": event.event, "body": event.body,
            "status": "pending", "attempts": 0, "max_attempts": event.max_attempts, "next_attempt_at": iso(event.timestamp),
            "created_at": iso(event.timestamp), "updated_at": iso(event.timestamp), "created_position": position,
            "position": position,
        })
        return [Change(CHANNEL_TOPIC, {"id": str(event.channel_id), "team": str(event.team_id), "position": position})]

    def on_WebhookDelivery_Attempted(self, tx: Transaction, event: WebhookDelivery.Attempted, position: int) -> list[Change]:
        delivery_id = str(event.originator_id)
        if event.ok:
            status = "delivered"
        elif event.next_attempt_at is not None:
            status = "pending"
        else:
            status = "failed"
        tx.execute(
            "UPDATE webhook_deliveries SET status = ?, attempts = ?, next_attempt_at = ?, last_status_code = ?, last_error = ?, "
            "updated_at = ?, position = ? WHERE delivery_id = ?",
            (status, event.attempt, iso(event.next_attempt_at), event.status_code, event.error, iso(event.timestamp), position,
             delivery_id),
        )
        _insert(tx, "webhook_attempts", {
            "delivery_id": delivery_id, "attempt": event.attempt, "ok": int(event.ok), "status_code": event.status_code,
            "error": event.error, "duration_ms": event.duration_ms, "attempted_at": iso(event.timestamp),
            "next_attempt_at": iso(event.next_attempt_at),
        })
        row = tx.fetchone("SELECT channel_id, team_id FROM webhook_deliveries WHERE delivery_id = ?", (delivery_id,))
        channel = row["channel_id"] if row else None
        return [Change(CHANNEL_TOPIC, {"id": channel, "team": row["team_id"] if row else event.team, "position": position})]

    def on_NotificationInbox_ReadUpTo(self, tx: Transaction, event: NotificationInbox.ReadUpTo, position: int) -> list[Change]:
        row = tx.fetchone("SELECT read_up_to FROM notification_reads WHERE user_id = ? AND team_id = ?",
                          (event.actor, event.team))
        if row is None:
            _insert(tx, "notification_reads", {"user_id": event.actor, "team_id": event.team, "read_up_to": event.position})
        else:
            tx.execute("UPDATE notification_reads SET read_up_to = ? WHERE user_id = ? AND team_id = ?",
                       (event.position, event.actor, event.team))
        return [Change(NOTIFICATION_TOPIC, {"team": event.team, "user": event.actor, "position": position})]

    # Measurements and totals.

    def on_SignalLog_Measured(self, tx: Transaction, event: SignalLog.Measured, position: int) -> list[Change]:
        _insert(tx, "signal_measurements", {
            "position": position, "deployment_id": str(event.deployment_id), "team_id": event.team,
            "started_at": iso(event.started_at), "ended_at": iso(event.ended_at), "version": event.version,
            "signal_values": json.dumps(event.values), "features": json.dumps(event.features),
            "through_position": event.through_position,
        })
        return [Change(MONITORING_TOPIC, {"id": str(event.deployment_id), "team": event.team, "position": position})]

    def on_InferenceLog_WindowRecorded(self, tx: Transaction, event: InferenceLog.WindowRecorded, position: int) -> list[Change]:
        deployment_id = str(event.deployment_id)
        row = tx.fetchone("SELECT * FROM deployment_totals WHERE deployment_id = ?", (deployment_id,))
        buckets = list(event.latency_buckets)
        if row is None:
            _insert(tx, "deployment_totals", {
                "deployment_id": deployment_id, "requests": event.requests, "rows_predicted": event.rows, "errors": event.errors,
                "client_errors": event.client_errors, "latency_buckets": json.dumps(buckets),
                "latency_sum_ms": event.latency_sum_ms,
            })
            return []
        totals = json.loads(row["latency_buckets"])
        merged = [a + b for a, b in zip(_padded(totals), _padded(buckets))]
        tx.execute(
            "UPDATE deployment_totals SET requests = requests + ?, rows_predicted = rows_predicted + ?, errors = errors + ?, "
            "client_errors = client_errors + ?, latency_buckets = ?, latency_sum_ms = latency_sum_ms + ? WHERE deployment_id = ?",
            (event.requests, event.rows, event.errors, event.client_errors, json.dumps(merged), event.latency_sum_ms,
             deployment_id),
        )
        return []


def _padded(counts: list[int]) -> list[int]:
    size = len(LATENCY_BUCKETS_MS) + 1
    return [*counts, *([0] * (size - len(counts)))][:size]


def _insert(tx: Transaction, table: str, values: dict[str, Any]) -> None:
    tx.execute(f"INSERT INTO {table} ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})", list(values.values()))


class MonitoringReader:
    def __init__(self, database: Database) -> None:
        self.database = database

    # Rules.

    def rule(self, rule_id: str) -> Row | None:
        return self.database.fetchone("SELECT * FROM alert_rules WHERE rule_id = ? AND deleted = 0", (rule_id,))

    def rules(self, teams: list[str] | None, *, enabled: bool | None = None, before: int | None = None,
              limit: int = 1_000_000) -> list[Row]:
        """Return the live rules of `teams` (every team for None), newest first.

        `before` is the last position of the previous page.
        """
        clauses, params = _team_clause(teams)
        clauses.append("deleted = 0")
        if enabled is not None:
            clauses.append("enabled = ?")
            params.append(int(enabled))
        if before is not None:
            clauses.append("created_position < ?")
            params.append(before)
        return self.database.fetchall(f"SELECT * FROM alert_rules WHERE {' AND '.join(clauses)} "
                                      "ORDER BY created_position DESC LIMIT ?", [*params, limit])

    # Alerts.

    def stream(self, alert_id: str) -> Row | None:
        return self.database.fetchone("SELECT * FROM alert_streams WHERE alert_id = ?", (alert_id,))

    def open_streams(self) -> list[Row]:
        """Return the alert streams with a pending or firing incident, for the monitoring process."""
        return self.database.fetchall("SELECT * FROM alert_streams WHERE state IN ('pending', 'firing')")

    def incident(self, alert_id: str, incident: int | None = None) -> Row | None:
        if incident is None:
            return self.database.fetchone("SELECT * FROM alerts WHERE alert_id = ? ORDER BY incident DESC LIMIT 1", (alert_id,))
        return self.database.fetchone("SELECT * FROM alerts WHERE alert_id = ? AND incident = ?", (alert_id, incident))

    def alerts(self, teams: list[str] | None, *, states: list[str] | None = None, severities: list[str] | None = None,
               rule_id: str | None = None, subject_id: str | None = None, since: str | None = None,
               before: int | None = None, limit: int = 100) -> list[Row]:
        """Return alert incidents, newest first, joined with their stream's silence and their rule's settings."""
        clauses, params = _team_clause(teams, "a.team_id")
        for column, values in (("a.state", states), ("a.severity", severities)):
            if values is not None:
                if not values:
                    return []
                clauses.append(f"{column} IN ({','.join('?' * len(values))})")
                params.extend(values)
        for column, value in (("a.rule_id", rule_id), ("a.subject_id", subject_id)):
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value)
        if since is not None:
            clauses.append("a.started_at >= ?")
            params.append(since)
        if before is not None:
            clauses.append("a.started_position < ?")
            params.append(before)
        return self.database.fetchall(
            "SELECT a.*, s.silenced_until, s.silence_reason, s.silenced_by, r.name AS rule_name, r.signal, r.feature, "
            "r.comparator, r.threshold FROM alerts a JOIN alert_streams s ON s.alert_id = a.alert_id "
            f"LEFT JOIN alert_rules r ON r.rule_id = a.rule_id WHERE {' AND '.join(clauses)} "
            "ORDER BY a.started_position DESC LIMIT ?", [*params, limit])

    def alert_row(self, alert_id: str, incident: int | None = None) -> Row | None:
        """Return one incident (the newest when `incident` is None) with its stream's silence and its rule's settings."""
        if incident is None:
            clause, params = "a.incident = s.incident", [alert_id]
        else:
            clause, params = "a.incident = ?", [alert_id, incident]
        return self.database.fetchone(
            "SELECT a.*, s.silenced_until, s.silence_reason, s.silenced_by, r.name AS rule_name, r.signal, r.feature, "
            "r.comparator, r.threshold FROM alerts a JOIN alert_streams s ON s.alert_id = a.alert_id "
            f"LEFT JOIN alert_rules r ON r.rule_id = a.rule_id WHERE a.alert_id = ? AND {clause}", params)

    def open_alerts(self, team_id: str) -> list[Row]:
        return self.alerts([team_id], states=list(OPEN_STATES), limit=1000)

    # Channels and deliveries.

    def channel(self, channel_id: str) -> Row | None:
        return self.database.fetchone("SELECT * FROM notification_channels WHERE channel_id = ? AND deleted = 0", (channel_id,))

    def channels(self, teams: list[str] | None, before: int | None = None, limit: int = 1000) -> list[Row]:
        clauses, params = _team_clause(teams)
        clauses.append("deleted = 0")
        if before is not None:
            clauses.append("created_position < ?")
            params.append(before)
        return self.database.fetchall(f"SELECT * FROM notification_channels WHERE {' AND '.join(clauses)} "
                                      "ORDER BY created_position DESC LIMIT ?", [*params, limit])

    def due_deliveries(self, now: str, limit: int) -> list[Row]:
        return self.database.fetchall(
            "SELECT * FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?",
            (now, limit))

    def deliveries(self, channel_id: str, before: int | None, limit: int) -> list[Row]:
        sql, params = "SELECT * FROM webhook_deliveries WHERE channel_id = ?", [channel_id]
        if before is not None:
            sql += " AND created_position < ?"
            params.append(before)
        return self.database.fetchall(sql + " ORDER BY created_position DESC LIMIT ?", [*params, limit])

    def deliveries_of_alert(self, alert_id: str, incident: int) -> list[Row]:
        return self.database.fetchall("SELECT * FROM webhook_deliveries WHERE alert_id = ? AND incident = ? "
                                      "ORDER BY created_position", (alert_id, incident))

    def attempts(self, delivery_id: str) -> list[Row]:
        return self.database.fetchall("SELECT * FROM webhook_attempts WHERE delivery_id = ? ORDER BY attempt", (delivery_id,))

    # In-app notifications.

    def notifications(self, team_id: str, before: int | None, limit: int) -> list[Row]:
        sql, params = "SELECT * FROM notifications WHERE team_id = ?", [team_id]
        if before is not None:
            sql += " AND position < ?"
            params.append(before)
        return self.database.fetchall(sql + " ORDER BY position DESC LIMIT ?", [*params, limit])

    def read_up_to(self, user_id: str, team_id: str) -> int:
        row = self.database.fetchone("SELECT read_up_to FROM notification_reads WHERE user_id = ? AND team_id = ?",
                                     (user_id, team_id))
        return int(row["read_up_to"]) if row else 0

    def unread(self, user_id: str, team_id: str) -> int:
        row = self.database.fetchone("SELECT COUNT(*) AS unread FROM notifications WHERE team_id = ? AND position > ?",
                                     (team_id, self.read_up_to(user_id, team_id)))
        return int(row["unread"]) if row else 0

    # Measurements and totals.

    def measurements(self, deployment_id: str, since: str | None, until: str | None, limit: int) -> list[Row]:
        """Return the signal measurements whose interval ended in [since, until), oldest first."""
        sql, params = "SELECT * FROM signal_measurements WHERE deployment_id = ?", [deployment_id]
        if since is not None:
            sql += " AND ended_at >= ?"
            params.append(since)
        if until is not None:
            sql += " AND ended_at < ?"
            params.append(until)
        return self.database.fetchall(sql + " ORDER BY ended_at, position LIMIT ?", [*params, limit])

    def latest_measurement(self, deployment_id: str) -> Row | None:
        return self.database.fetchone("SELECT * FROM signal_measurements WHERE deployment_id = ? "
                                      "ORDER BY ended_at DESC, position DESC LIMIT 1", (deployment_id,))

    def totals(self) -> list[Row]:
        """Return every deployment's running totals with its name, status and team name, for /metrics."""
        return self.database.fetchall(
            "SELECT t.*, d.name, d.team_id, d.status, tm.name AS team_name FROM deployment_totals t "
            "JOIN deployments d ON d.deployment_id = t.deployment_id LEFT JOIN teams tm ON tm.team_id = d.team_id "
            "ORDER BY d.team_id, d.name")

    def teams_with_rules(self) -> list[Row]:
        """Return the teams that have live alert rules, with their names."""
        return self.database.fetchall(
            "SELECT DISTINCT r.team_id, tm.name AS team_name FROM alert_rules r LEFT JOIN teams tm ON tm.team_id = r.team_id "
            "WHERE r.deleted = 0 ORDER BY r.team_id")

    def firing_counts(self) -> list[Row]:
        return self.database.fetchall(
            "SELECT a.team_id, tm.name AS team_name, a.severity, COUNT(*) AS firing FROM alerts a "
            "LEFT JOIN teams tm ON tm.team_id = a.team_id WHERE a.state = 'firing' GROUP BY a.team_id, tm.name, a.severity "
            "ORDER BY a.team_id, a.severity")


def _team_clause(teams: list[str] | None, column: str = "team_id") -> tuple[list[str], list[Any]]:
    if teams is None:
        return ["1 = 1"], []
    if not teams:
        return ["1 = 0"], []
    return [f"{column} IN ({','.join('?' * len(teams))})"], list(teams)
