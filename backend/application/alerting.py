"""Alerting commands for alert rules, alert transitions, acknowledgements, silences, channels, deliveries and read marks.

`observe` and `record_attempt` are the platform's own commands, issued by the monitoring process in
backend/processes/monitoring.py. `observe` appends an alert's transition together with the webhook
deliveries it causes, so a notification is never lost between the two.
"""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from backend.application.aggregates import load
from backend.application.commands import CommandRunner, Outcome
from backend.application.keys import KeyStore
from backend.application.teams import team_with_role
from backend.application.webhooks import check_webhook_url
from backend.domain.access import Principal
from backend.domain.alerting import (
    DEPLOYMENT, FIRING, MODEL, RESOLVED, SIGNALS, TEAM, TARGET_KINDS, Alert, AlertRule, alert_id, check_rule_settings,
)
from backend.domain.base import Cause, Conflict, InvalidInput, NotFound, iso
from backend.domain.deployments import Deployment
from backend.domain.identity import ADMIN, EDITOR, VIEWER
from backend.domain.notifications import NotificationChannel, NotificationInbox, WebhookDelivery, check_channel_settings, inbox_id
from backend.domain.registry import RegisteredModel
from backend.domain.validation import check_choice

RULE_UPDATABLE = ("name", "signal", "feature", "comparator", "threshold", "window_seconds", "for_seconds", "severity",
                  "target_kind", "target_id", "channel_ids", "enabled")
SECRET_BYTES = 32


@dataclass(frozen=True)
class WebhookPolicy:
    """Webhook delivery policy: the maximum attempts per delivery and the URL check's settings.

    `allowed_hosts` lists addresses, networks or host names that are exempt from the blocked ranges,
    and `resolve` replaces the DNS lookup of the URL check when it is set.
    """

    allowed_hosts: Sequence[str] = ()
    max_attempts: int = 5
    resolve: Callable[..., Any] | None = None


@dataclass(frozen=True)
class Observation:
    """One value of a rule's signal on one subject, or why the rule no longer watches it (a key of END_REASONS)."""

    rule_id: uuid.UUID
    subject_kind: str
    subject_id: uuid.UUID
    subject_name: str
    value: float | None
    end_reason: str | None = None
    top_feature: str | None = None


class AlertingService:
    def __init__(self, runner: CommandRunner, keys: KeyStore, clock: Callable[[], datetime],
                 policy: WebhookPolicy | None = None) -> None:
        self.runner = runner
        self.store = runner.store
        self.keys = keys
        self.clock = clock
        self.policy = policy or WebhookPolicy()

    # Rules.

    def create_rule(self, principal: Principal, cause: Cause, *, team_id: uuid.UUID, **settings: Any) -> tuple[uuid.UUID, Outcome]:
        """Create a rule and return its id with the command's outcome.

        `settings` are fields of RULE_UPDATABLE. For a team target, target_id defaults to `team_id`.
        """
        rule_id = uuid.uuid4()
        fields = {"feature": None, "for_seconds": 0, "window_seconds": 300, "severity": "warning", "channel_ids": [],
                  "enabled": True, **settings}
        if fields.get("target_kind") == TEAM and fields.get("target_id") is None:
            fields["target_id"] = team_id
        missing = [name for name in ("name", "signal", "comparator", "threshold", "target_kind", "target_id") if fields.get(name) is None]
        if missing:
            raise InvalidInput(f"{_camel(missing[0])} is required.", field=_camel(missing[0]), value=None)

        def decide() -> list[object]:
            team_with_role(self.store, principal, team_id, EDITOR, "createAlertRule")
            checked = check_rule_settings(fields)
            self._check_target(team_id, checked["target_kind"], checked["target_id"])
            self._check_channels(team_id, checked["channel_ids"])
            return [AlertRule.define(rule_id, cause.for_team(str(team_id)), team_id=team_id, **checked)]

        return rule_id, self.runner.run("createAlertRule", cause, decide)

    def update_rule(self, principal: Principal, cause: Cause, *, rule_id: uuid.UUID, **changes: Any) -> Outcome:
        unknown = set(changes) - set(RULE_UPDATABLE)
        if unknown:
            raise InvalidInput(f"These settings cannot be changed: {', '.join(sorted(unknown))}.", field="input", value=None)

        def decide() -> list[object]:
            rule = self._rule_for(principal, rule_id, "updateAlertRule")
            checked = check_rule_settings(changes)
            if "target_kind" in checked or "target_id" in checked:
                kind = checked.get("target_kind", rule.target_kind)
                target = checked.get("target_id", rule.team_id if kind == TEAM else rule.target_id)
                checked["target_id"] = self._check_target(rule.team_id, kind, target)
            if "channel_ids" in checked:
                self._check_channels(rule.team_id, checked["channel_ids"])
            rule.revise(checked, cause.for_team(str(rule.team_id)))
            return [rule]

        return self.runner.run("updateAlertRule", cause, decide)

    def delete_rule(self, principal: Principal, cause: Cause, *, rule_id: uuid.UUID) -> Outcome:
        def decide() -> list[object]:
            rule = self._rule_for(principal, rule_id, "deleteAlertRule")
            rule.delete(cause.for_team(str(rule.team_id)))
            return [rule]

        return self.runner.run("deleteAlertRule", cause, decide)

    def _rule_for(self, principal: Principal, rule_id: uuid.UUID, action: str, role: str = EDITOR) -> AlertRule:
        rule = load(self.store, rule_id, AlertRule, "id", "Alert rule")
        try:
            team_with_role(self.store, principal, rule.team_id, role, action)
        except NotFound:
            raise NotFound(f"Alert rule {rule_id} was not found.", field="id", value=str(rule_id)) from None
        if rule.deleted:
            raise NotFound(f"Alert rule {rule_id} was deleted.", field="id", value=str(rule_id))
        return rule

    def _check_target(self, team_id: uuid.UUID, kind: str, target_id: Any) -> uuid.UUID:
        check_choice("targetKind", kind, TARGET_KINDS)
        if not isinstance(target_id, uuid.UUID):
            raise InvalidInput(f"targetId {str(target_id)[:40]!r} is not an id.", field="targetId", value=str(target_id)[:40])
        unknown = NotFound(f"targetId {target_id} is not a {kind} of this team.", field="targetId", value=str(target_id))
        if kind == TEAM:
            if target_id != team_id:
                raise InvalidInput(f"targetId {target_id} is not the rule's team {team_id}. A team target must be the "
                                   "rule's own team.", field="targetId", value=str(target_id))
            return target_id
        aggregate_type: type[Any] = Deployment if kind == DEPLOYMENT else RegisteredModel
        try:
            target = load(self.store, target_id, aggregate_type, "targetId", kind)
        except NotFound:
            raise unknown from None
        if target.team_id != team_id:
            raise unknown
        if kind == MODEL and getattr(target, "archived", False):
            raise Conflict(f"Model {target.name!r} is archived; restore it before watching it.", field="targetId",
                           value=str(target_id))
        return target_id

    def _check_channels(self, team_id: uuid.UUID, channel_ids: list[uuid.UUID]) -> None:
        for channel_id in channel_ids:
            try:
                channel = load(self.store, channel_id, NotificationChannel, "channelIds", "Notification channel")
            except NotFound:
                channel = None
            if channel is None or channel.team_id != team_id or channel.deleted:
                raise NotFound(f"channelIds names {channel_id}, which is not a notification channel of this team.",
                               field="channelIds", value=str(channel_id))

    # Alerts.

    def observe(self, cause: Cause, observation: Observation) -> tuple[list[str], Outcome]:
        """Apply one observation to the alert of a rule on a subject, and queue webhook deliveries for its notifications.

        Return the transitions made with the command's outcome. The deliveries are appended together
        with the transition, and none are queued while the alert is silenced.
        """
        transitions: list[str] = []

        def decide() -> list[object]:
            transitions.clear()
            rule = load(self.store, observation.rule_id, AlertRule, "ruleId", "Alert rule")
            team_cause = cause.for_team(str(rule.team_id))
            the_id = alert_id(rule.id, observation.subject_id)
            try:
                alert = load(self.store, the_id, Alert, "id", "Alert")
            except NotFound:
                if observation.end_reason is not None:
                    return []
                alert = Alert.open(rule.id, rule.team_id, observation.subject_kind, observation.subject_id,
                                   observation.subject_name, team_cause)
            transitions.extend(alert.observe(rule, observation.value, team_cause, end_reason=observation.end_reason,
                                             top_feature=observation.top_feature))
            changed: list[object] = [alert] if transitions else []
            for transition in transitions:
                if transition in (FIRING, RESOLVED) and not alert.silenced_at(cause.at):
                    changed.extend(self._deliveries(rule, alert, transition, observation.value, team_cause))
            return changed

        outcome = self.runner.run("observeAlert", cause, decide)
        return list(transitions), outcome

    def _deliveries(self, rule: AlertRule, alert: Alert, transition: str, value: float | None,
                    cause: Cause) -> list[WebhookDelivery]:
        queued = []
        for channel_id in rule.channel_ids:
            try:
                channel = load(self.store, channel_id, NotificationChannel, "channelId", "Notification channel")
            except NotFound:
                continue
            if channel.deleted or not channel.enabled:
                continue
            event = f"alert.{transition}"
            body = json.dumps(_payload(rule, alert, transition, value, cause.at), separators=(",", ":"), sort_keys=True)
            queued.append(WebhookDelivery.queue(cause, team_id=rule.team_id, channel_id=channel.id, alert_id=alert.id,
                                                incident=alert.incident, event=event, body=body,
                                                max_attempts=self.policy.max_attempts))
        return queued

    def acknowledge(self, principal: Principal, cause: Cause, *, alert_id: uuid.UUID, note: str | None) -> Outcome:
        def decide() -> list[object]:
            alert = self._alert_for(principal, alert_id, "acknowledgeAlert")
            alert.acknowledge(note, cause.for_team(str(alert.team_id)))
            return [alert]

        return self.runner.run("acknowledgeAlert", cause, decide)

    def silence(self, principal: Principal, cause: Cause, *, alert_id: uuid.UUID, until: datetime, reason: str | None) -> Outcome:
        def decide() -> list[object]:
            alert = self._alert_for(principal, alert_id, "silenceAlert")
            alert.silence(until, reason, cause.for_team(str(alert.team_id)))
            return [alert]

        return self.runner.run("silenceAlert", cause, decide)

    def lift_silence(self, principal: Principal, cause: Cause, *, alert_id: uuid.UUID) -> Outcome:
        def decide() -> list[object]:
            alert = self._alert_for(principal, alert_id, "unsilenceAlert")
            alert.lift_silence(cause.for_team(str(alert.team_id)))
            return [alert]

        return self.runner.run("unsilenceAlert", cause, decide)

    def _alert_for(self, principal: Principal, the_id: uuid.UUID, action: str) -> Alert:
        alert = load(self.store, the_id, Alert, "id", "Alert")
        try:
            team_with_role(self.store, principal, alert.team_id, EDITOR, action)
        except NotFound:
            raise NotFound(f"Alert {the_id} was not found.", field="id", value=str(the_id)) from None
        return alert

    # Channels.

    def create_channel(self, principal: Principal, cause: Cause, *, team_id: uuid.UUID, name: Any, url: Any,
                       enabled: Any = True) -> tuple[uuid.UUID, str, Outcome]:
        """Create a webhook channel and return its id, its signing secret and the command's outcome.

        The secret is returned only here and by rotate_secret.
        """
        checked = check_channel_settings({"name": name, "enabled": enabled})
        channel_id, secret = uuid.uuid4(), secrets.token_hex(SECRET_BYTES)

        def decide() -> list[object]:
            team_with_role(self.store, principal, team_id, ADMIN, "createNotificationChannel")
            checked_url = self._check_url(url)
            self.keys.create_key(channel_id)
            return [NotificationChannel.create(channel_id, cause.for_team(str(team_id)), team_id=team_id, url=checked_url,
                                               sealed_secret=self.keys.seal(channel_id, secret), **checked)]

        return channel_id, secret, self.runner.run("createNotificationChannel", cause, decide)

    def update_channel(self, principal: Principal, cause: Cause, *, channel_id: uuid.UUID, **changes: Any) -> Outcome:
        unknown = set(changes) - {"name", "url", "enabled"}
        if unknown:
            raise InvalidInput(f"These settings cannot be changed: {', '.join(sorted(unknown))}.", field="input", value=None)
        checked = check_channel_settings(changes)

        def decide() -> list[object]:
            channel = self._channel_for(principal, channel_id, "updateNotificationChannel")
            if "url" in checked:
                checked["url"] = self._check_url(checked["url"])
            channel.revise(checked, cause.for_team(str(channel.team_id)))
            return [channel]

        return self.runner.run("updateNotificationChannel", cause, decide)

    def rotate_secret(self, principal: Principal, cause: Cause, *, channel_id: uuid.UUID) -> tuple[str, Outcome]:
        secret = secrets.token_hex(SECRET_BYTES)

        def decide() -> list[object]:
            channel = self._channel_for(principal, channel_id, "rotateChannelSecret")
            channel.rotate_secret(self.keys.seal(channel_id, secret), cause.for_team(str(channel.team_id)))
            return [channel]

        return secret, self.runner.run("rotateChannelSecret", cause, decide)

    def delete_channel(self, principal: Principal, cause: Cause, *, channel_id: uuid.UUID) -> Outcome:
        def decide() -> list[object]:
            channel = self._channel_for(principal, channel_id, "deleteNotificationChannel")
            channel.delete(cause.for_team(str(channel.team_id)))
            return [channel]

        outcome = self.runner.run("deleteNotificationChannel", cause, decide)
        # Deleting the key makes the secret unreadable, even in the events that contain it sealed.
        self.keys.delete_key(channel_id)
        return outcome

    def channel_secret(self, channel_id: uuid.UUID) -> bytes:
        channel = load(self.store, channel_id, NotificationChannel, "channelId", "Notification channel")
        return str(self.keys.open(channel_id, channel.sealed_secret)).encode()

    def _channel_for(self, principal: Principal, channel_id: uuid.UUID, action: str) -> NotificationChannel:
        channel = load(self.store, channel_id, NotificationChannel, "id", "Notification channel")
        try:
            team_with_role(self.store, principal, channel.team_id, ADMIN, action)
        except NotFound:
            raise NotFound(f"Notification channel {channel_id} was not found.", field="id", value=str(channel_id)) from None
        if channel.deleted:
            raise NotFound(f"Notification channel {channel_id} was deleted.", field="id", value=str(channel_id))
        return channel

    def _check_url(self, url: Any) -> str:
        if not isinstance(url, str):
            raise InvalidInput("url must be a string.", field="url", value=str(url)[:40])
        options: dict[str, Any] = {} if self.policy.resolve is None else {"resolve": self.policy.resolve}
        return check_webhook_url(url.strip(), self.policy.allowed_hosts, **options)

    # Deliveries and read marks.

    def record_attempt(self, cause: Cause, *, delivery_id: uuid.UUID, ok: bool, status_code: int | None, error: str | None,
                       duration_ms: float, retry_at: datetime | None) -> Outcome:
        def decide() -> list[object]:
            delivery = load(self.store, delivery_id, WebhookDelivery, "id", "Delivery")
            delivery.record_attempt(cause.for_team(str(delivery.team_id)), ok=ok, status_code=status_code, error=error,
                                    duration_ms=duration_ms, retry_at=retry_at)
            return [delivery]

        return self.runner.run("recordWebhookAttempt", cause, decide)

    def mark_read(self, principal: Principal, cause: Cause, *, team_id: uuid.UUID, position: int) -> Outcome:
        if isinstance(position, bool) or not isinstance(position, int) or position < 1:
            raise InvalidInput(f"upTo {position!r} is invalid: it must be the position of a notification (1 or more).",
                               field="upTo", value=str(position)[:40])

        def decide() -> list[object]:
            team_with_role(self.store, principal, team_id, VIEWER, "markNotificationsRead")
            team_cause = cause.for_team(str(team_id))
            try:
                inbox = load(self.store, inbox_id(principal.user_id, team_id), NotificationInbox, "id", "Inbox")
            except NotFound:
                inbox = NotificationInbox.open(principal.user_id, team_id, team_cause)
            inbox.mark_read(position, team_cause)
            return [inbox]

        return self.runner.run("markNotificationsRead", cause, decide)


def _payload(rule: AlertRule, alert: Alert, transition: str, value: float | None, at: datetime) -> dict[str, Any]:
    signal = SIGNALS[rule.signal]
    return {
        "event": f"alert.{transition}",
        "occurredAt": iso(at),
        "team": {"id": str(rule.team_id)},
        "alert": {
            "id": str(alert.id), "incident": alert.incident, "state": transition, "severity": rule.severity,
            "value": value, "startedAt": iso(alert.since),
            "subject": {"kind": alert.subject_kind, "id": str(alert.subject_id), "name": alert.subject_name},
        },
        "rule": {
            "id": str(rule.id), "name": rule.name, "signal": rule.signal, "unit": signal.unit, "feature": rule.feature,
            "comparator": rule.comparator, "threshold": rule.threshold, "windowSeconds": rule.window_seconds,
            "forSeconds": rule.for_seconds,
        },
    }


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)
