"""The named values behind each audit summary, so a client can write the summary's sentence in its reader's language.

Each action's parameters carry the same facts as its English summary: subjects by their bare names (such as
"iris" or "iris v3"), numbers as numbers, times as ISO 8601 text and enumerations as the values the API uses.
A fact the English summary leaves out for one event (such as the previous version of a moved alias) is null.
An either-or wording is a pair of booleans. So every entry of one action has the same parameter names.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from backend.domain.base import finite_json
from backend.domain.dataset_operations import describe_operation

# A subject's bare name, or its id as text when the audit log has no name for it.
Reference = Callable[[Any], str]
Parameters = Callable[[Any, Reference], dict[str, Any]]

# The English summary lists at most this many output columns or callers, and counts the output columns beyond them.
LISTED_AT_MOST = 5


def _or_none(value: Any) -> Any:
    """Return a value the English summary shows only when it is truthy, or None when it leaves it out."""
    return value if value else None


def _traffic(config: dict[str, Any]) -> list[dict[str, int]]:
    return [{"version": int(entry["version"]), "percent": entry["percent"]} for entry in config["traffic"]]


def _measures(values: dict[str, float | None], *, sort: bool) -> list[dict[str, Any]]:
    items = sorted(values.items()) if sort else list(values.items())
    return [{"name": name, "value": value} for name, value in items if value is not None]


def _operation(operation: dict[str, Any]) -> dict[str, Any]:
    return {
        "op": operation["op"],
        "description": describe_operation(operation),
        "parameters": {key: value for key, value in operation.items() if key != "fitted"},
    }


def _consumer(consumer: str, reference: Reference) -> dict[str, Any]:
    """Split a consumer such as "model version <id>" into its kind (modelVersion) and the named subject."""
    kind, _, subject_id = consumer.rpartition(" ")
    if not kind:
        return {"consumerKind": None, "consumer": consumer}
    return {"consumerKind": camel(kind.replace(" ", "_")), "consumer": reference(subject_id)}


def _alert_transition(event: Any, reference: Reference) -> dict[str, Any]:
    """Return an alert transition's subject and incident, with the rule's condition and the signal's value.

    Version 1 events lack the condition, so they carry their English message instead. An incident
    ended by a reason such as a deleted rule states only that reason, as its message does.
    """
    end_reason = getattr(event, "end_reason", None)
    condition = (event.condition or {}) if end_reason is None else {}
    value = event.value if condition else None
    return {
        "subject": reference(event.originator_id), "incident": event.incident,
        "message": None if event.condition else event.message[:300],
        "rule": condition.get("rule"), "signal": condition.get("signal"), "feature": condition.get("feature"),
        "comparator": condition.get("comparator"), "threshold": condition.get("threshold"),
        "value": finite_json(value), "noData": bool(condition) and value is None,
    }


# Kinds whose key is "<team id>/<name>": the summary shows only the name.
TEAM_SCOPED_KINDS = {"model", "dataset", "config", "deployment"}
# Kinds whose key is an id or a hash rather than a name a user chose: the summary leaves the key out.
UNNAMED_KINDS = {"digest", "dataset-digest", "installation"}


def reserved_name(kind: str, key: str) -> str | None:
    """Return the name a reservation contains as its user chose it, or None when its key is an internal id or hash."""
    if kind in UNNAMED_KINDS:
        return None
    if kind in TEAM_SCOPED_KINDS:
        return key.partition("/")[2] or key
    return key


def camel(name: str) -> str:
    """Return a snake_case field name as the API spells it, such as scheduleMinutes; after_version is watchesVersionsAfter."""
    if name == "after_version":
        return "watchesVersionsAfter"
    first, *rest = name.split("_")
    return first + "".join(part.title() for part in rest)


PARAMETERS: dict[str, Parameters] = {
    "NameIndex.Reserved": lambda e, r: {"kind": e.kind, "key": reserved_name(e.kind, e.key)},
    "User.Registered": lambda e, r: {
        "username": e.username, "administrator": bool(e.is_admin), "standardUser": not e.is_admin,
    },
    "User.PasswordChanged": lambda e, r: {"user": r(e.originator_id)},
    "User.Erased": lambda e, r: {"user": r(e.originator_id)},
    "Team.Created": lambda e, r: {"team": e.name},
    "Team.MemberAdded": lambda e, r: {"user": r(e.user_id), "team": r(e.originator_id), "role": e.role},
    "Team.MemberRoleChanged": lambda e, r: {
        "user": r(e.user_id), "team": r(e.originator_id), "previousRole": e.previous_role, "role": e.role,
    },
    "Team.MemberRemoved": lambda e, r: {"user": r(e.user_id), "team": r(e.originator_id), "previousRole": e.previous_role},
    "ApiToken.Issued": lambda e, r: {"token": e.name, "prefix": e.prefix, "user": r(e.user_id), "scopes": list(e.scopes)},
    "ApiToken.Revoked": lambda e, r: {"token": r(e.originator_id)},
    "Upload.Received": lambda e, r: {
        "filename": _or_none(e.filename), "unnamed": not e.filename, "size": e.size, "sha256": e.sha256[:12],
    },
    "Upload.Consumed": lambda e, r: _consumer(e.consumer, r),
    "RegisteredModel.Registered": lambda e, r: {"model": e.name, "task": e.task},
    "RegisteredModel.Updated": lambda e, r: {"model": r(e.originator_id), "changes": sorted(camel(field) for field in e.changes)},
    "RegisteredModel.VersionAdded": lambda e, r: {"model": r(e.originator_id), "number": e.number},
    "RegisteredModel.AliasMoved": lambda e, r: {
        "alias": e.alias, "model": r(e.originator_id), "number": e.number, "previousNumber": _or_none(e.previous_number),
    },
    "RegisteredModel.AliasRemoved": lambda e, r: {"alias": e.alias, "model": r(e.originator_id), "number": e.number},
    "RegisteredModel.Archived": lambda e, r: {"model": r(e.originator_id)},
    "RegisteredModel.Restored": lambda e, r: {"model": r(e.originator_id)},
    "RegisteredModel.RetentionPolicySet": lambda e, r: {
        "model": r(e.originator_id), "unusedDays": _or_none(e.unused_days), "keepEveryVersion": not e.unused_days,
    },
    "ModelVersion.Created": lambda e, r: {
        "uploaded": e.source != "training", "trained": e.source == "training",
        "version": r(e.originator_id), "format": e.format, "size": e.size, "sha256": e.sha256[:12],
        "duplicateOf": r(e.duplicate_of) if e.duplicate_of else None,
    },
    "ModelVersion.Inspected": lambda e, r: {
        "version": r(e.originator_id), "parameters": e.trainable_parameters + e.non_trainable_parameters,
        "layers": e.layer_count,
    },
    "ModelVersion.InspectionFailed": lambda e, r: {"version": r(e.originator_id), "reason": e.reason[:200]},
    "ModelVersion.Downloaded": lambda e, r: {"version": r(e.originator_id)},
    "ModelVersion.Expired": lambda e, r: {"version": r(e.originator_id), "unusedDays": e.unused_days},
    "ModelVersion.MarkedBroken": lambda e, r: {"version": r(e.originator_id), "reason": e.reason},
    "ModelVersion.Restored": lambda e, r: {"version": r(e.originator_id), "status": e.status},
    "Dataset.Created": lambda e, r: {"dataset": e.name},
    "Dataset.Updated": lambda e, r: {"dataset": r(e.originator_id), "changes": sorted(camel(field) for field in e.changes)},
    "Dataset.VersionAdded": lambda e, r: {"dataset": r(e.originator_id), "number": e.number},
    "Dataset.Archived": lambda e, r: {"dataset": r(e.originator_id)},
    "Dataset.Restored": lambda e, r: {"dataset": r(e.originator_id)},
    "DatasetVersion.Uploaded": lambda e, r: {
        "version": r(e.originator_id), "filename": e.filename, "fileFormat": e.file_format, "rows": e.rows,
        "columns": len(e.columns), "label": _or_none(e.label),
        "duplicateOf": r(e.duplicate_of) if e.duplicate_of else None,
    },
    "DatasetVersion.Derived": lambda e, r: {
        "version": r(e.originator_id), "parentNumber": e.parent_number,
        "operations": [_operation(operation) for operation in e.operations], "rows": e.rows, "columns": len(e.columns),
    },
    "DatasetVersion.ProfilingRequested": lambda e, r: {"version": r(e.originator_id)},
    "DatasetVersion.ProfilingProgressed": lambda e, r: {
        "version": r(e.originator_id), "percent": 100 * e.rows_done // max(e.rows_total, 1),
    },
    "DatasetVersion.Profiled": lambda e, r: {"version": r(e.originator_id), "missingCells": e.missing_cells},
    "DatasetVersion.ProfilingFailed": lambda e, r: {"version": r(e.originator_id), "reason": e.reason[:200]},
    "DatasetVersion.Downloaded": lambda e, r: {"version": r(e.originator_id), "fileFormat": e.file_format},
    "ConfigProfile.Created": lambda e, r: {"configuration": e.name, "template": e.document["model"]["template"]},
    "ConfigProfile.Revised": lambda e, r: {
        "configuration": r(e.originator_id), "revision": e.revision, "comment": e.comment[:200] if e.comment else None,
    },
    "ConfigProfile.Archived": lambda e, r: {"configuration": r(e.originator_id)},
    "TrainingRun.Queued": lambda e, r: {
        "run": e.name, "model": r(e.model_id), "datasetVersion": r(e.dataset_version_id),
        "configuration": r(e.config_profile_id), "configRevision": e.config_revision,
        "template": e.config["model"]["template"],
    },
    "TrainingRun.Opened": lambda e, r: {
        "run": e.name, "gitCommit": e.git_commit[:12] if e.git_commit else None, "gitDirty": bool(e.git_dirty),
    },
    "TrainingRun.Started": lambda e, r: {
        "run": r(e.originator_id), "attempt": e.attempt, "workers": e.workers, "resumeEpoch": _or_none(e.resume_epoch),
    },
    "TrainingRun.Prepared": lambda e, r: {
        "run": r(e.originator_id), "trainRows": e.summary.get("trainRows"), "validationRows": e.summary.get("validationRows"),
    },
    "TrainingRun.EpochCompleted": lambda e, r: {"run": r(e.originator_id), "epoch": e.epoch},
    "TrainingRun.MetricsLogged": lambda e, r: {"run": r(e.originator_id), "points": len(e.points)},
    "TrainingRun.ParamsLogged": lambda e, r: {"run": r(e.originator_id), "parameters": len(e.params)},
    "TrainingRun.HistogramsLogged": lambda e, r: {"run": r(e.originator_id), "histograms": len(e.histograms), "step": e.step},
    "TrainingRun.Checkpointed": lambda e, r: {"run": r(e.originator_id), "epoch": e.epoch},
    "TrainingRun.Restarted": lambda e, r: {"run": r(e.originator_id), "attempt": e.attempt, "reason": e.reason[:200]},
    "TrainingRun.CancelRequested": lambda e, r: {"run": r(e.originator_id)},
    "TrainingRun.Cancelled": lambda e, r: {"run": r(e.originator_id)},
    "TrainingRun.Succeeded": lambda e, r: {
        "run": r(e.originator_id), "epochs": e.epochs, "versionNumber": e.version_number,
    },
    "TrainingRun.Failed": lambda e, r: {"run": r(e.originator_id), "reason": e.reason[:200]},
    "TrainingRun.Finished": lambda e, r: {
        "run": r(e.originator_id), "status": e.status, "reason": e.reason[:200] if e.reason else None,
    },
    "TrainingRun.ModelRegistered": lambda e, r: {"run": r(e.originator_id), "model": r(e.model_id), "number": e.number},
    # An evaluation and a batch prediction have no name of their own: the audit log names them after the model version.
    "Evaluation.Requested": lambda e, r: {
        "version": r(e.version_id), "datasetVersion": r(e.dataset_version_id), "split": _or_none(e.split),
        "everyRow": not e.split, "task": e.task,
    },
    "Evaluation.Completed": lambda e, r: {
        "version": r(e.originator_id), "rows": e.rows, "metrics": _measures(e.summary, sort=False),
    },
    "Evaluation.Failed": lambda e, r: {"version": r(e.originator_id), "reason": e.reason[:200]},
    "BatchPrediction.Requested": lambda e, r: {
        "version": r(e.model_version_id), "datasetVersion": r(e.dataset_version_id), "split": _or_none(e.split),
        "everyRow": not e.split, "outputColumns": list(e.output_columns[:LISTED_AT_MOST]),
        "moreOutputColumns": _or_none(max(0, len(e.output_columns) - LISTED_AT_MOST)),
    },
    "BatchPrediction.Progressed": lambda e, r: {
        "version": r(e.originator_id), "rowsDone": e.rows_done, "rowsTotal": e.rows_total,
    },
    "BatchPrediction.Completed": lambda e, r: {
        "version": r(e.originator_id), "rows": e.rows, "resultDatasetVersion": r(e.result_dataset_version_id),
    },
    "BatchPrediction.Failed": lambda e, r: {"version": r(e.originator_id), "reason": e.reason[:200]},
    "EvaluationRule.Created": lambda e, r: {
        "rule": r(e.originator_id), "model": r(e.model_id),
        "scheduleMinutes": e.schedule_minutes if e.trigger == "schedule" else None,
        "onNewVersion": e.trigger != "schedule", "dataset": r(e.dataset_version_id or e.dataset_id), "alias": e.alias,
        "metric": e.metric, "threshold": e.threshold, "margin": e.margin,
    },
    "EvaluationRule.Updated": lambda e, r: {"rule": r(e.originator_id), "changes": sorted(camel(field) for field in e.changes)},
    "EvaluationRule.Deleted": lambda e, r: {"rule": r(e.originator_id)},
    "EvaluationRule.Triggered": lambda e, r: {
        "rule": r(e.originator_id), "trial": e.trial, "version": r(e.version_id),
        "onSchedule": e.reason == "schedule", "onNewVersion": e.reason != "schedule",
    },
    "EvaluationRule.Passed": lambda e, r: {"rule": r(e.originator_id), "trial": e.trial, "message": e.message[:300]},
    "EvaluationRule.Failed": lambda e, r: {"rule": r(e.originator_id), "trial": e.trial, "message": e.message[:300]},
    "Deployment.Requested": lambda e, r: {"deployment": e.name, "model": r(e.model_id), "traffic": _traffic(e.config)},
    "Deployment.TrafficShifted": lambda e, r: {
        "deployment": r(e.originator_id), "traffic": _traffic(e.config), "revision": e.revision,
    },
    "Deployment.Scaled": lambda e, r: {
        "deployment": r(e.originator_id), "minReplicas": e.config["scaling"]["minReplicas"],
        "maxReplicas": e.config["scaling"]["maxReplicas"], "cpus": e.config["cpusPerReplica"],
        "maxBatchSize": e.config["batching"]["maxBatchSize"], "revision": e.revision,
    },
    "Deployment.RolledBack": lambda e, r: {
        "deployment": r(e.originator_id), "traffic": _traffic(e.config), "revision": e.revision,
    },
    "Deployment.BecameHealthy": lambda e, r: {"deployment": r(e.originator_id), "revision": e.revision, "replicas": e.replicas},
    "Deployment.Degraded": lambda e, r: {"deployment": r(e.originator_id), "reason": e.reason[:300]},
    "Deployment.Stopped": lambda e, r: {"deployment": r(e.originator_id)},
    "Deployment.Started": lambda e, r: {"deployment": r(e.originator_id), "revision": e.revision},
    "InferenceLog.Opened": lambda e, r: {"deployment": r(e.deployment_id), "day": e.day},
    "InferenceLog.WindowRecorded": lambda e, r: {
        "deployment": r(e.deployment_id), "requests": e.requests, "errors": e.errors, "clientErrors": e.client_errors,
        "callers": [
            {"name": r(caller), "requests": count}
            for caller, count in sorted(e.callers.items(), key=lambda item: -item[1])[:LISTED_AT_MOST]
        ],
    },
    "AlertRule.Defined": lambda e, r: {
        "rule": e.name, "severity": e.severity, "signal": e.signal, "feature": _or_none(e.feature),
        "comparator": e.comparator, "threshold": e.threshold, "windowSeconds": e.window_seconds,
        "forSeconds": e.for_seconds, "targetKind": e.target_kind, "target": r(e.target_id),
    },
    "AlertRule.Revised": lambda e, r: {"rule": r(e.originator_id), "changes": sorted(camel(field) for field in e.changes)},
    "AlertRule.Deleted": lambda e, r: {"rule": r(e.originator_id)},
    # An alert is named after the subject it watches, as its audit label "alert on deployment 'churn-api'" is.
    "Alert.Opened": lambda e, r: {"subjectKind": e.subject_kind, "subject": e.subject_name, "rule": r(e.rule_id)},
    "Alert.Pending": lambda e, r: {**_alert_transition(e, r), "topFeature": e.top_feature},
    "Alert.Raised": lambda e, r: {
        **_alert_transition(e, r), "topFeature": e.top_feature, "severity": e.severity, "silenced": not e.notify,
    },
    "Alert.Cleared": lambda e, r: {
        **_alert_transition(e, r), "endReason": e.end_reason,
        "forSeconds": (e.condition or {}).get("forSeconds") if e.end_reason is None else None,
    },
    "Alert.Resolved": lambda e, r: {**_alert_transition(e, r), "endReason": e.end_reason},
    "Alert.Acknowledged": lambda e, r: {
        "subject": r(e.originator_id), "incident": e.incident, "note": e.note[:300] if e.note else None,
    },
    "Alert.Silenced": lambda e, r: {
        "subject": r(e.originator_id), "until": e.until.isoformat(), "reason": e.reason[:300] if e.reason else None,
    },
    "Alert.SilenceLifted": lambda e, r: {"subject": r(e.originator_id)},
    "NotificationChannel.Created": lambda e, r: {"channel": e.name, "url": e.url[:300]},
    "NotificationChannel.Revised": lambda e, r: {
        "channel": r(e.originator_id), "changes": sorted(camel(field) for field in e.changes),
    },
    "NotificationChannel.SecretRotated": lambda e, r: {"channel": r(e.originator_id)},
    "NotificationChannel.Deleted": lambda e, r: {"channel": r(e.originator_id)},
    "WebhookDelivery.Queued": lambda e, r: {
        "event": e.event, "subject": r(e.alert_id), "incident": e.incident, "channel": r(e.channel_id),
    },
    "WebhookDelivery.Attempted": lambda e, r: {
        "attempt": e.attempt, "delivered": bool(e.ok), "failed": not e.ok,
        "error": None if e.ok or not e.error else e.error[:300], "statusCode": e.status_code,
        "nextAttemptAt": e.next_attempt_at.isoformat() if e.next_attempt_at else None,
    },
    "NotificationInbox.Opened": lambda e, r: {"user": r(e.user_id), "team": r(e.team_id)},
    "NotificationInbox.ReadUpTo": lambda e, r: {"position": e.position},
    "SignalLog.Opened": lambda e, r: {"deployment": r(e.deployment_id), "day": e.day},
    "SignalLog.Measured": lambda e, r: {"deployment": r(e.deployment_id), "values": _measures(e.values, sort=True)},
}


def summary_parameters(action: str, event: Any, reference: Reference) -> dict[str, Any]:
    """Return the named values of an event's summary; an action without parameters gets an empty dict."""
    parameters = PARAMETERS.get(action)
    return {} if parameters is None else finite_json(parameters(event, reference))

