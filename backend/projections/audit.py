"""The audit log: one row for every event in the log, whatever its context."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from backend.database import Database, Row, Transaction
from backend.domain.dataset_operations import describe_operation
from backend.domain.alerting import SIGNALS
from backend.domain.deployments import describe_traffic
from backend.projections.audit_parameters import camel, reserved_name, summary_parameters
from backend.projections.base import Change, Projection, iso

AUDIT_TOPIC = "audit"

Names = Callable[[Any], str]
Summary = Callable[[Any, Names], str]

SUMMARIES: dict[str, Summary] = {
    "NameIndex.Reserved": lambda e, n: (
        f"Reserved the {RESERVED_KINDS.get(e.kind, e.kind)}"
        + ("" if (name := reserved_name(e.kind, e.key)) is None else f" {name!r}")
    ),
    "User.Registered": lambda e, n: f"Created {'administrator' if e.is_admin else 'user'} {e.username!r}",
    "User.PasswordChanged": lambda e, n: f"Set the password of {n(e.originator_id)}",
    "User.Erased": lambda e, n: f"Erased the personal data of {n(e.originator_id)}",
    "Team.Created": lambda e, n: f"Created team {e.name!r}",
    "Team.MemberAdded": lambda e, n: f"Added {n(e.user_id)} to {n(e.originator_id)} as {e.role}",
    "Team.MemberRoleChanged": lambda e, n: (
        f"Changed the role of {n(e.user_id)} in {n(e.originator_id)} from {e.previous_role} to {e.role}"
    ),
    "Team.MemberRemoved": lambda e, n: f"Removed {n(e.user_id)} ({e.previous_role}) from {n(e.originator_id)}",
    "ApiToken.Issued": lambda e, n: (
        f"Issued token {e.name!r} ({e.prefix}…) to {n(e.user_id)} with scopes {', '.join(e.scopes)}"
    ),
    "ApiToken.Revoked": lambda e, n: f"Revoked {n(e.originator_id)}",
    "Upload.Received": lambda e, n: (
        f"Uploaded {repr(e.filename) if e.filename else 'a file'} ({_count(e.size, 'byte')}, sha256 {e.sha256[:12]}…)"
    ),
    "Upload.Consumed": lambda e, n: f"Used the upload for {e.consumer}",
    "RegisteredModel.Registered": lambda e, n: f"Registered model {e.name!r} ({e.task})",
    "RegisteredModel.Updated": lambda e, n: f"Changed {', '.join(sorted(e.changes))} of {n(e.originator_id)}",
    "RegisteredModel.VersionAdded": lambda e, n: f"Added version {e.number} to {n(e.originator_id)}",
    "RegisteredModel.AliasMoved": lambda e, n: (
        f"Moved alias {e.alias!r} of {n(e.originator_id)} to version {e.number}"
        + (f" from version {e.previous_number}" if e.previous_number else "")
    ),
    "RegisteredModel.AliasRemoved": lambda e, n: f"Removed alias {e.alias!r} (version {e.number}) from {n(e.originator_id)}",
    "RegisteredModel.Archived": lambda e, n: f"Archived {n(e.originator_id)}",
    "RegisteredModel.Restored": lambda e, n: f"Restored {n(e.originator_id)}",
    "ModelVersion.Inspected": lambda e, n: (
        f"Inspected {n(e.originator_id)}: {_count(e.trainable_parameters + e.non_trainable_parameters, 'parameter')}, "
        f"{_count(e.layer_count, 'layer')}"
    ),
    "ModelVersion.InspectionFailed": lambda e, n: f"Inspection of {n(e.originator_id)} failed: {e.reason[:200]}",
    "ModelVersion.Downloaded": lambda e, n: f"Downloaded {n(e.originator_id)}",
    "ModelVersion.Expired": lambda e, n: f"Expired {n(e.originator_id)}: unused for {_count(e.unused_days, 'day')} with no alias",
    "ModelVersion.MarkedBroken": lambda e, n: f"Marked {n(e.originator_id)} broken: {e.reason}",
    "ModelVersion.Restored": lambda e, n: f"Restored {n(e.originator_id)} as {e.status}",
    "RegisteredModel.RetentionPolicySet": lambda e, n: (
        f"Set the retention of {n(e.originator_id)} to "
        + (_count(e.unused_days, "unused day") if e.unused_days else "keep every version")
    ),
    "ModelVersion.Created": lambda e, n: (
        f"{'Registered the trained' if e.source == 'training' else 'Uploaded'} {n(e.originator_id)} "
        f"({e.format}, {_count(e.size, 'byte')}, sha256 {e.sha256[:12]}…)"
        + (f", a duplicate of {n(e.duplicate_of)}" if e.duplicate_of else "")
    ),
    "Dataset.Created": lambda e, n: f"Created dataset {e.name!r}",
    "Dataset.Updated": lambda e, n: f"Changed {', '.join(sorted(e.changes))} of {n(e.originator_id)}",
    "Dataset.VersionAdded": lambda e, n: f"Added version {e.number} to {n(e.originator_id)}",
    "Dataset.Archived": lambda e, n: f"Archived {n(e.originator_id)}",
    "Dataset.Restored": lambda e, n: f"Restored {n(e.originator_id)}",
    "DatasetVersion.Uploaded": lambda e, n: (
        f"Uploaded {n(e.originator_id)} from {e.filename!r} ({e.file_format}): {_count(e.rows, 'row')}, {_count(len(e.columns), 'column')}"
        + (f", label {e.label!r}" if e.label else "")
        + (f", a duplicate of {n(e.duplicate_of)}" if e.duplicate_of else "")
    ),
    "DatasetVersion.Derived": lambda e, n: (
        f"Derived {n(e.originator_id)} from version {e.parent_number}: "
        + "; ".join(describe_operation(operation) for operation in e.operations)[:600]
        + f" ({_count(e.rows, 'row')}, {_count(len(e.columns), 'column')})"
    ),
    "DatasetVersion.ProfilingProgressed": lambda e, n: (
        f"Profiling {n(e.originator_id)}: {100 * e.rows_done // max(e.rows_total, 1)} % done"
    ),
    "DatasetVersion.Downloaded": lambda e, n: f"Downloaded {n(e.originator_id)} as {e.file_format}",
    "DatasetVersion.ProfilingRequested": lambda e, n: f"Asked for a new profile of {n(e.originator_id)}",
    "ConfigProfile.Created": lambda e, n: f"Created configuration {e.name!r} ({e.document['model']['template']})",
    "ConfigProfile.Revised": lambda e, n: (
        f"Revised {n(e.originator_id)} to revision {e.revision}" + (f": {e.comment[:200]}" if e.comment else "")
    ),
    "ConfigProfile.Archived": lambda e, n: f"Archived {n(e.originator_id)}",
    "DatasetVersion.Profiled": lambda e, n: f"Profiled {n(e.originator_id)}: {_count(e.missing_cells, 'missing cell')}",
    "DatasetVersion.ProfilingFailed": lambda e, n: f"Profiling of {n(e.originator_id)} failed: {e.reason[:200]}",
    "TrainingRun.Queued": lambda e, n: (
        f"Queued training run {e.name!r} of {n(e.model_id)} on {n(e.dataset_version_id)} with "
        f"{n(e.config_profile_id)} revision {e.config_revision} ({e.config['model']['template']})"
    ),
    "TrainingRun.Started": lambda e, n: (
        f"Started attempt {e.attempt} of {n(e.originator_id)} on {_count(e.workers, 'worker')}"
        + (f", resuming after epoch {e.resume_epoch}" if e.resume_epoch else "")
    ),
    "TrainingRun.Prepared": lambda e, n: (
        f"Prepared the data of {n(e.originator_id)}: {e.summary.get('trainRows')} train and "
        f"{_count(e.summary.get('validationRows'), 'validation row')}"
    ),
    "TrainingRun.EpochCompleted": lambda e, n: f"Completed epoch {e.epoch} of {n(e.originator_id)}",
    "TrainingRun.MetricsLogged": lambda e, n: f"Logged {_count(len(e.points), 'metric point')} of {n(e.originator_id)}",
    "TrainingRun.Checkpointed": lambda e, n: f"Saved a checkpoint of {n(e.originator_id)} after epoch {e.epoch}",
    "TrainingRun.Restarted": lambda e, n: (
        f"Restarting {n(e.originator_id)} after attempt {e.attempt}: {e.reason[:200]}"
    ),
    "TrainingRun.CancelRequested": lambda e, n: f"Asked to cancel {n(e.originator_id)}",
    "TrainingRun.Cancelled": lambda e, n: f"Cancelled {n(e.originator_id)}",
    "TrainingRun.Succeeded": lambda e, n: (
        f"{n(e.originator_id)} succeeded after {_count(e.epochs, 'epoch')}"
        + (f" and registered version {e.version_number}" if e.version_number is not None else "")
    ),
    "TrainingRun.Failed": lambda e, n: f"{n(e.originator_id)} failed: {e.reason[:200]}",
    "TrainingRun.Opened": lambda e, n: (
        f"Opened run {e.name!r} from a tracking client" + (f" at commit {e.git_commit[:12]}" if e.git_commit else "")
        + (" with uncommitted changes" if e.git_dirty else "")
    ),
    "TrainingRun.ParamsLogged": lambda e, n: f"Logged {_count(len(e.params), 'parameter')} of {n(e.originator_id)}",
    "TrainingRun.HistogramsLogged": lambda e, n: f"Logged {_count(len(e.histograms), 'histogram')} of {n(e.originator_id)} at step {e.step}",
    "TrainingRun.Finished": lambda e, n: (
        f"{n(e.originator_id)} finished as {e.status}" + (f": {e.reason[:200]}" if e.reason else "")
    ),
    "TrainingRun.ModelRegistered": lambda e, n: f"Registered version {e.number} of {n(e.model_id)} from {n(e.originator_id)}",
    "Evaluation.Requested": lambda e, n: (
        f"Asked to evaluate {n(e.version_id)} on the {e.split or 'whole'} rows of {n(e.dataset_version_id)} ({e.task})"
    ),
    "Evaluation.Completed": lambda e, n: (
        f"Completed the {n(e.originator_id)} on {_count(e.rows, 'row')}: "
        + ", ".join(f"{name} {value:.4g}" for name, value in e.summary.items() if value is not None)
    ),
    "Evaluation.Failed": lambda e, n: f"{n(e.originator_id)} failed: {e.reason[:200]}",
    "BatchPrediction.Requested": lambda e, n: (
        f"Asked to score {f'the {e.split} rows' if e.split else 'every row'} of {n(e.dataset_version_id)} with "
        f"{n(e.model_version_id)}, adding {', '.join(e.output_columns[:5])}"
        + (f" and {len(e.output_columns) - 5} more" if len(e.output_columns) > 5 else "")
    ),
    "BatchPrediction.Progressed": lambda e, n: f"{n(e.originator_id)}: {e.rows_done} of {_count(e.rows_total, 'row')} scored",
    "BatchPrediction.Completed": lambda e, n: (
        f"Completed {n(e.originator_id)}: {_count(e.rows, 'row')} scored into {n(e.result_dataset_version_id)}"
    ),
    "BatchPrediction.Failed": lambda e, n: f"{n(e.originator_id)} failed: {e.reason[:200]}",
    "EvaluationRule.Created": lambda e, n: (
        f"Created {n(e.originator_id)} on {n(e.model_id)}: "
        + (f"every {_count(e.schedule_minutes, 'minute')}" if e.trigger == "schedule" else "on each new version")
        + f", evaluate on {n(e.dataset_version_id or e.dataset_id)} and move {e.alias!r} when {e.metric} wins"
        + (f" (threshold {e.threshold:g}, margin {e.margin:g})" if e.threshold is not None else f" (margin {e.margin:g})")
    ),
    "EvaluationRule.Updated": lambda e, n: f"Changed {', '.join(sorted(camel(field) for field in e.changes))} of {n(e.originator_id)}",
    "EvaluationRule.Deleted": lambda e, n: f"Deleted {n(e.originator_id)}",
    "EvaluationRule.Triggered": lambda e, n: (
        f"{n(e.originator_id)} started trial {e.trial} for {n(e.version_id)} "
        + ("on its schedule" if e.reason == "schedule" else "as a new version")
    ),
    "EvaluationRule.Passed": lambda e, n: f"{n(e.originator_id)} passed trial {e.trial}: {e.message[:300]}",
    "EvaluationRule.Failed": lambda e, n: f"{n(e.originator_id)} failed trial {e.trial}: {e.message[:300]}",
    "Deployment.Requested": lambda e, n: (
        f"Deployed {n(e.model_id)} as {e.name!r}: {describe_traffic(e.config['traffic'])}"
    ),
    "Deployment.TrafficShifted": lambda e, n: (
        f"Shifted traffic of {n(e.originator_id)} to {describe_traffic(e.config['traffic'])} (revision {e.revision})"
    ),
    "Deployment.Scaled": lambda e, n: (
        f"Changed scaling or batching of {n(e.originator_id)}: {e.config['scaling']['minReplicas']} to "
        f"{_count(e.config['scaling']['maxReplicas'], 'replica')} of {e.config['cpusPerReplica']:g} CPU, batches of up to "
        f"{e.config['batching']['maxBatchSize']} (revision {e.revision})"
    ),
    "Deployment.RolledBack": lambda e, n: (
        f"Rolled {n(e.originator_id)} back to {describe_traffic(e.config['traffic'])} (revision {e.revision})"
    ),
    "Deployment.BecameHealthy": lambda e, n: f"{n(e.originator_id)} serves revision {e.revision} on {_count(e.replicas, 'replica')}",
    "Deployment.Degraded": lambda e, n: f"{n(e.originator_id)} is degraded: {e.reason[:300]}",
    "Deployment.Stopped": lambda e, n: f"Stopped {n(e.originator_id)}",
    "Deployment.Started": lambda e, n: f"Started {n(e.originator_id)} again at revision {e.revision}",
    "InferenceLog.Opened": lambda e, n: f"Opened the inference log of {n(e.deployment_id)} for {e.day}",
    "InferenceLog.WindowRecorded": lambda e, n: (
        f"Recorded {_count(e.requests, 'request')} to {n(e.deployment_id)} "
        f"({e.errors} failed, {e.client_errors} rejected)"
        + "".join(
            f", {count} from {n(caller)}" for caller, count in sorted(e.callers.items(), key=lambda item: -item[1])[:5]
        )
    ),
    "AlertRule.Defined": lambda e, n: (
        f"Defined alert rule {e.name!r}: {e.severity} when {_signal_label(e.signal)}"
        f"{f'[{e.feature}]' if e.feature else ''} {e.comparator} {_with_unit(e.signal, e.threshold)} over "
        f"{e.window_seconds} s for {e.for_seconds} s on {_alert_target(e, n)}"
    ),
    "AlertRule.Revised": lambda e, n: f"Changed {', '.join(sorted(camel(field) for field in e.changes))} of {n(e.originator_id)}",
    "AlertRule.Deleted": lambda e, n: f"Deleted {n(e.originator_id)}",
    "Alert.Opened": lambda e, n: f"Began watching {e.subject_kind} {e.subject_name!r} for {n(e.rule_id)}",
    "Alert.Pending": lambda e, n: f"{n(e.originator_id)} incident {e.incident} is pending: {e.message[:300]}",
    "Alert.Raised": lambda e, n: (
        f"{n(e.originator_id)} incident {e.incident} is firing ({e.severity}): {e.message[:300]}"
        + ("" if e.notify else " (silenced, not announced)")
    ),
    "Alert.Cleared": lambda e, n: f"{n(e.originator_id)} incident {e.incident} cleared before firing: {e.message[:300]}",
    "Alert.Resolved": lambda e, n: f"{n(e.originator_id)} incident {e.incident} resolved: {e.message[:300]}",
    "Alert.Acknowledged": lambda e, n: (
        f"Acknowledged incident {e.incident} of {n(e.originator_id)}" + (f": {e.note[:300]}" if e.note else "")
    ),
    "Alert.Silenced": lambda e, n: (
        f"Silenced {n(e.originator_id)} until {e.until.isoformat()}" + (f": {e.reason[:300]}" if e.reason else "")
    ),
    "Alert.SilenceLifted": lambda e, n: f"Lifted the silence of {n(e.originator_id)}",
    "NotificationChannel.Created": lambda e, n: f"Created webhook channel {e.name!r} to {e.url[:300]}",
    "NotificationChannel.Revised": lambda e, n: (
        f"Changed {', '.join(sorted(camel(field) for field in e.changes))} of {n(e.originator_id)}"
    ),
    "NotificationChannel.SecretRotated": lambda e, n: f"Rotated the signing secret of {n(e.originator_id)}",
    "NotificationChannel.Deleted": lambda e, n: f"Deleted {n(e.originator_id)}",
    "WebhookDelivery.Queued": lambda e, n: f"Queued {e.event} of {n(e.alert_id)} incident {e.incident} for {n(e.channel_id)}",
    "WebhookDelivery.Attempted": lambda e, n: (
        f"Webhook attempt {e.attempt} "
        + ("delivered" if e.ok else f"failed: {(e.error or '')[:300]}")
        + (f" (HTTP {e.status_code})" if e.status_code is not None else "")
        + (f"; next attempt at {e.next_attempt_at.isoformat()}" if e.next_attempt_at else "")
    ),
    "NotificationInbox.Opened": lambda e, n: f"Opened the notification inbox of {n(e.user_id)} in {n(e.team_id)}",
    "NotificationInbox.ReadUpTo": lambda e, n: f"Read notifications up to {e.position}",
    "SignalLog.Opened": lambda e, n: f"Opened the signal log of {n(e.deployment_id)} for {e.day}",
    "SignalLog.Measured": lambda e, n: (
        f"Measured {n(e.deployment_id)}: "
        + ", ".join(_signal_value(name, value) for name, value in sorted(e.values.items()) if value is not None)
    ),
}

RESERVED_KINDS = {
    "username": "username", "team": "team name", "model": "model name", "dataset": "dataset name",
    "config": "configuration name", "deployment": "deployment name",
    "digest": "content digest of a model version's file", "dataset-digest": "content digest of a dataset version",
    "installation": "first administrator account of the installation",
}


def _signal_label(name: str) -> str:
    """Return a signal's label, such as "latency p95", or its name for a signal this version does not know."""
    signal = SIGNALS.get(name)
    return name if signal is None else signal.label


def _with_unit(name: str, value: float) -> str:
    """Return a value of a signal with the signal's unit, such as "500 ms", "5%" for a ratio of 0.05, or "2/s"."""
    unit = SIGNALS[name].unit if name in SIGNALS else ""
    if unit == "ratio":
        return f"{value * 100:g}%"
    if unit == "ms":
        return f"{value:g} ms"
    if unit == "requests/s":
        return f"{value:g}/s"
    return f"{value:g}"


def _signal_value(name: str, value: float) -> str:
    """Return a measured signal with its label and unit, such as "latency p50 15.36 ms", "server error rate 5%"
    or "2 requests per second"."""
    signal = SIGNALS.get(name)
    if signal is not None and signal.unit == "requests/s":
        return f"{value:g} {signal.label}"
    return f"{_signal_label(name)} {_with_unit(name, value)}"


# Events that name a subject, and the label the audit log uses for that subject afterwards.
LABELS: dict[str, Callable[[Any, Names], str]] = {
    "User.Registered": lambda e, n: f"user {e.username!r}",
    "Team.Created": lambda e, n: f"team {e.name!r}",
    "ApiToken.Issued": lambda e, n: f"token {e.name!r} ({e.prefix}…)",
    "RegisteredModel.Registered": lambda e, n: f"model {e.name!r}",
    "ModelVersion.Created": lambda e, n: f"version {e.number} of {n(e.model_id)}",
    "Dataset.Created": lambda e, n: f"dataset {e.name!r}",
    "DatasetVersion.Uploaded": lambda e, n: f"version {e.number} of {n(e.dataset_id)}",
    "DatasetVersion.Derived": lambda e, n: f"version {e.number} of {n(e.dataset_id)}",
    "ConfigProfile.Created": lambda e, n: f"configuration {e.name!r}",
    "TrainingRun.Queued": lambda e, n: f"training run {e.name!r}",
    "TrainingRun.Opened": lambda e, n: f"run {e.name!r}",
    "Evaluation.Requested": lambda e, n: f"evaluation of {n(e.version_id)}",
    "BatchPrediction.Requested": lambda e, n: f"batch prediction of {n(e.model_version_id)}",
    "EvaluationRule.Created": lambda e, n: f"evaluation rule {e.name!r}",
    "Deployment.Requested": lambda e, n: f"deployment {e.name!r}",
    "AlertRule.Defined": lambda e, n: f"alert rule {e.name!r}",
    "Alert.Opened": lambda e, n: f"alert on {e.subject_kind} {e.subject_name!r}",
    "NotificationChannel.Created": lambda e, n: f"channel {e.name!r}",
}


def _count(number: int, noun: str) -> str:
    """Return a count with its noun, singular for exactly one: "1 replica", "0 replicas", "3 replicas"."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


NameOf = Callable[[Any], str | None]

# Events that name a subject, and the subject's bare name, such as "iris" or "iris v3" for a version.
# The web app puts it into a sentence in the reader's language; the English label above stays in summaries.
SUBJECT_NAMES: dict[str, Callable[[Any, NameOf], str | None]] = {
    "User.Registered": lambda e, name: e.username,
    "Team.Created": lambda e, name: e.name,
    "ApiToken.Issued": lambda e, name: e.name,
    "RegisteredModel.Registered": lambda e, name: e.name,
    "ModelVersion.Created": lambda e, name: _version_name(name(e.model_id), e.number),
    "Dataset.Created": lambda e, name: e.name,
    "DatasetVersion.Uploaded": lambda e, name: _version_name(name(e.dataset_id), e.number),
    "DatasetVersion.Derived": lambda e, name: _version_name(name(e.dataset_id), e.number),
    "ConfigProfile.Created": lambda e, name: e.name,
    "TrainingRun.Queued": lambda e, name: e.name,
    "TrainingRun.Opened": lambda e, name: e.name,
    "Evaluation.Requested": lambda e, name: name(e.version_id),
    "BatchPrediction.Requested": lambda e, name: name(e.model_version_id),
    "EvaluationRule.Created": lambda e, name: e.name,
    "Deployment.Requested": lambda e, name: e.name,
    "AlertRule.Defined": lambda e, name: e.name,
    "Alert.Opened": lambda e, name: e.subject_name,
    "NotificationChannel.Created": lambda e, name: e.name,
}


def _version_name(parent: str | None, number: int) -> str | None:
    return None if parent is None else f"{parent} v{number}"


def action_of(event: Any) -> str:
    """Return the audit action of an event: its aggregate and event class, such as `Team.MemberAdded`."""
    return type(event).__qualname__


def _alert_target(event: Any, names: Names) -> str:
    """Return the target's label, which names its kind ("team 'demo'"), or the kind and id of a target without one."""
    label = names(event.target_id)
    return label if label != str(event.target_id) else f"{event.target_kind} {label}"


def summarize(event: Any, names: Names) -> str:
    summary = SUMMARIES.get(action_of(event))
    if summary is None:
        return f"{type(event).__name__} on {action_of(event).split('.')[0]} {event.originator_id}"
    return summary(event, names)


class AuditProjection(Projection):
    name = "audit"
    tables = {
        "audit_log": (
            "CREATE TABLE IF NOT EXISTS audit_log ("
            "position BIGINT PRIMARY KEY, occurred_at TEXT NOT NULL, actor TEXT NOT NULL, team TEXT, "
            "action TEXT NOT NULL, subject_type TEXT NOT NULL, subject_id TEXT NOT NULL, "
            "subject_version INTEGER NOT NULL, subject_name TEXT, summary TEXT NOT NULL, summary_parameters TEXT NOT NULL, "
            "correlation_id TEXT NOT NULL, causation_id TEXT NOT NULL)"
        ),
        "audit_labels": (
            "CREATE TABLE IF NOT EXISTS audit_labels (subject_id TEXT PRIMARY KEY, label TEXT NOT NULL, name TEXT)"
        ),
    }
    indexes = [
        "CREATE INDEX IF NOT EXISTS audit_by_team ON audit_log (team, position)",
        "CREATE INDEX IF NOT EXISTS audit_by_actor ON audit_log (actor, position)",
        "CREATE INDEX IF NOT EXISTS audit_by_subject ON audit_log (subject_id, position)",
        "CREATE INDEX IF NOT EXISTS audit_by_time ON audit_log (occurred_at)",
    ]

    def apply(self, tx: Transaction, event: Any, position: int) -> list[Change]:
        action = action_of(event)
        team = getattr(event, "team", None)

        def names(subject_id: Any) -> str:
            row = tx.fetchone("SELECT label FROM audit_labels WHERE subject_id = ?", (str(subject_id),))
            return row["label"] if row else str(subject_id)

        def bare_name(subject_id: Any) -> str | None:
            row = tx.fetchone("SELECT name FROM audit_labels WHERE subject_id = ?", (str(subject_id),))
            return row["name"] if row else None

        def reference(subject_id: Any) -> str:
            name = bare_name(subject_id)
            return str(subject_id) if name is None else name

        label = LABELS.get(action)
        if label is not None:
            subject_name = SUBJECT_NAMES.get(action)
            tx.execute(
                "INSERT INTO audit_labels (subject_id, label, name) VALUES (?, ?, ?) ON CONFLICT (subject_id) DO NOTHING",
                (
                    str(event.originator_id),
                    label(event, names),
                    subject_name(event, bare_name) if subject_name is not None else None,
                ),
            )

        tx.execute(
            "INSERT INTO audit_log (position, occurred_at, actor, team, action, subject_type, subject_id, "
            "subject_version, subject_name, summary, summary_parameters, correlation_id, causation_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                position,
                iso(event.timestamp),
                getattr(event, "actor", "unknown"),
                team,
                action,
                action.split(".")[0],
                str(event.originator_id),
                event.originator_version,
                bare_name(event.originator_id),
                summarize(event, names),
                json.dumps(summary_parameters(action, event, reference), ensure_ascii=False, default=str),
                getattr(event, "correlation_id", ""),
                getattr(event, "causation_id", ""),
            ),
        )
        keys = {"position": position, "team": team, "action": action, "subject": str(event.originator_id)}
        if hasattr(event, "user_id"):
            keys["user"] = str(event.user_id)
        return [Change(AUDIT_TOPIC, keys)]


@dataclass(frozen=True)
class AuditFilter:
    """Conditions an audit entry must meet; None means any. `teams` None means every team and none."""

    actor: str | None = None
    team: str | None = None
    subject_id: str | None = None
    subject_type: str | None = None
    action: str | None = None
    since: str | None = None
    until: str | None = None
    teams: tuple[str, ...] | None = None

    def matches(self, row: Row) -> bool:
        checks = [
            self.actor is None or row["actor"] == self.actor,
            self.team is None or row["team"] == self.team,
            self.subject_id is None or row["subject_id"] == self.subject_id,
            self.subject_type is None or row["subject_type"] == self.subject_type,
            self.action is None or row["action"] == self.action,
            self.since is None or row["occurred_at"] >= self.since,
            self.until is None or row["occurred_at"] < self.until,
            self.teams is None or row["team"] in self.teams,
        ]
        return all(checks)


class AuditReader:
    """Queries on the audit log, newest first, paged by position."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def entry(self, position: int) -> Row | None:
        return self.database.fetchone("SELECT * FROM audit_log WHERE position = ?", (position,))

    def entries(self, where: AuditFilter, before_position: int | None, limit: int, *, oldest_first: bool = False) -> list[Row]:
        clauses, params = self._clauses(where)
        if before_position is not None:
            clauses.append("position > ?" if oldest_first else "position < ?")
            params.append(before_position)
        sql = "SELECT * FROM audit_log"
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        sql += f" ORDER BY position {'ASC' if oldest_first else 'DESC'} LIMIT ?"
        params.append(limit)
        return self.database.fetchall(sql, params)

    @staticmethod
    def _clauses(where: AuditFilter) -> tuple[list[str], list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        for column, value in (
            ("actor", where.actor),
            ("team", where.team),
            ("subject_id", where.subject_id),
            ("subject_type", where.subject_type),
            ("action", where.action),
        ):
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value)
        if where.since is not None:
            clauses.append("occurred_at >= ?")
            params.append(where.since)
        if where.until is not None:
            clauses.append("occurred_at < ?")
            params.append(where.until)
        if where.teams is not None:
            if not where.teams:
                clauses.append("1 = 0")
            else:
                clauses.append(f"team IN ({','.join('?' * len(where.teams))})")
                params.extend(where.teams)
        return clauses, params


EXPORT_COLUMNS = [
    "position", "occurred_at", "actor", "team", "action", "subject_type", "subject_id",
    "subject_version", "subject_name", "summary", "correlation_id", "causation_id",
]
EXPORT_FORMATS = ("csv", "jsonl")
EXPORT_BATCH = 1000


def export_lines(reader: AuditReader, where: AuditFilter, export_format: str) -> Iterator[str]:
    """Yield the matching audit entries, oldest first, as CSV (with a header) or JSON Lines, in bounded batches."""
    if export_format == "csv":
        yield _csv_line(EXPORT_COLUMNS)
    after: int | None = None
    while True:
        rows = reader.entries(where, after, EXPORT_BATCH, oldest_first=True)
        for row in rows:
            values = [row[column] for column in EXPORT_COLUMNS]
            if export_format == "csv":
                yield _csv_line(values)
            else:
                record = dict(zip(EXPORT_COLUMNS, values))
                record["summary_parameters"] = json.loads(row["summary_parameters"])
                yield json.dumps(record, ensure_ascii=False) + "\n"
        if len(rows) < EXPORT_BATCH:
            return
        after = int(rows[-1]["position"])


def _csv_line(values: list[Any]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(["" if value is None else value for value in values])
    return buffer.getvalue()
