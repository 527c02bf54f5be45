"""Evaluation rules: evaluate each new version of a model (or on a schedule) and move an alias to it if it wins.

A rule runs one trial at a time. A trial starts with Triggered, which requests the candidate's
evaluation (and the alias holder's, when none exists on the same data) in the same append, and ends
with Passed (the alias moved, or the candidate already held it) or Failed, the notice that explains why
nothing moved. Every step is an event, so the audit log shows each trigger, result and action.
"""

from __future__ import annotations

import copy
import math
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from backend.domain.base import Cause, Conflict, InvalidInput, ModelCloudAggregate
from backend.domain.evaluation import check_split
from backend.domain.registry import check_alias
from backend.domain.validation import check_choice, check_length

NEW_VERSION, SCHEDULE = "newVersion", "schedule"
TRIGGERS = (NEW_VERSION, SCHEDULE)
# A scheduled rule runs at most every 5 minutes and at least once a year.
MIN_SCHEDULE_MINUTES, MAX_SCHEDULE_MINUTES = 5, 525_600
MAX_MARGIN = 1e9
MAX_MESSAGE = 2000


@dataclass(frozen=True)
class RuleMetric:
    """A metric a rule can compare: where it sits in an evaluation report and which way is better."""

    name: str
    task: str
    path: tuple[str, ...]
    higher_is_better: bool
    description: str
    low: float | None = 0.0
    high: float | None = 1.0


RULE_METRICS = {
    metric.name: metric
    for metric in (
        RuleMetric("accuracy", "classification", ("accuracy",), True, "Share of rows whose predicted class is the label."),
        RuleMetric("f1", "classification", ("macro", "f1"), True, "F1 averaged over the classes (macro)."),
        RuleMetric("precision", "classification", ("macro", "precision"), True, "Precision averaged over the classes (macro)."),
        RuleMetric("recall", "classification", ("macro", "recall"), True, "Recall averaged over the classes (macro)."),
        RuleMetric("weightedF1", "classification", ("weighted", "f1"), True, "F1 averaged over the classes, weighted by support."),
        RuleMetric("microF1", "classification", ("micro", "f1"), True, "F1 over all rows' decisions pooled (micro)."),
        RuleMetric("positiveF1", "classification", ("positive", "f1"), True, "F1 of a binary classifier's positive class."),
        RuleMetric("rocAuc", "classification", ("rocAuc",), True, "Area under the ROC curve (one-vs-rest macro for several classes)."),
        RuleMetric("prAuc", "classification", ("prAuc",), True, "Area under the precision-recall curve."),
        RuleMetric("logLoss", "classification", ("logLoss",), False, "Cross-entropy of the predicted probabilities.", high=None),
        RuleMetric("mae", "regression", ("mae",), False, "Mean absolute error.", high=None),
        RuleMetric("mse", "regression", ("mse",), False, "Mean squared error.", high=None),
        RuleMetric("rmse", "regression", ("rmse",), False, "Root mean squared error.", high=None),
        RuleMetric("r2", "regression", ("r2",), True, "Coefficient of determination (R²).", low=None),
    )
}


def check_metric(metric: Any, model_task: str | None) -> RuleMetric:
    """Return the named rule metric, or raise InvalidInput listing the metrics that fit the model's task."""
    fitting = [m.name for m in RULE_METRICS.values() if model_task not in ("classification", "regression") or m.task == model_task]
    chosen = RULE_METRICS.get(metric) if isinstance(metric, str) else None
    if chosen is None or chosen.name not in fitting:
        reason = "is not a known metric" if chosen is None else f"is a {chosen.task} metric, but the model's task is {model_task}"
        raise InvalidInput(f"metric {str(metric)[:64]!r} {reason}; expected one of {', '.join(fitting)}.", field="metric",
                           value=str(metric)[:64])
    return chosen


def check_threshold(metric_name: str, threshold: float | None) -> None:
    """Raise InvalidInput for a threshold the metric can never reach, such as an F1 above 1."""
    metric = RULE_METRICS[metric_name]
    if threshold is None:
        return
    if (metric.low is not None and threshold < metric.low) or (metric.high is not None and threshold > metric.high):
        low = "-inf" if metric.low is None else f"{metric.low:g}"
        high = "inf" if metric.high is None else f"{metric.high:g}"
        raise InvalidInput(f"threshold {threshold:g} is out of range for {metric_name}, whose values lie from {low} to {high}.",
                           field="threshold", value=threshold)


def metric_value(metric: RuleMetric, report: dict[str, Any]) -> float | None:
    """Return the metric's value in an evaluation report, or None when the report has none (such as an AUC of one class)."""
    metrics = report.get("metrics") or {}
    if metric.path[0] == "positive":
        positive = metrics.get("positiveClass")
        per_class = {str(item.get("class")): item for item in metrics.get("perClass") or []}
        found: Any = per_class.get(str(positive), {}).get(metric.path[1]) if positive is not None else None
    else:
        found = metrics
        for key in metric.path:
            found = found.get(key) if isinstance(found, dict) else None
    if isinstance(found, bool) or not isinstance(found, (int, float)) or not math.isfinite(found):
        return None
    return float(found)


@dataclass(frozen=True)
class Verdict:
    passed: bool
    message: str


def judge(metric: RuleMetric, value: float | None, threshold: float | None, margin: float, holder: float | None,
          holder_number: int | None, candidate_number: int, alias: str) -> Verdict:
    """Decide whether the candidate takes the alias: it must meet the threshold and beat the holder by more than the margin.

    For a metric where lower is better, "meets" means at most the threshold and "beats" means lower.
    """
    name, better = metric.name, "higher" if metric.higher_is_better else "lower"
    if value is None:
        return Verdict(False, f"Version {candidate_number} has no {name} in its evaluation, so {alias!r} did not move.")
    if threshold is not None:
        meets = value >= threshold if metric.higher_is_better else value <= threshold
        if not meets:
            bound = "at least" if metric.higher_is_better else "at most"
            return Verdict(False, f"Version {candidate_number} has {name} {value:.6g}; the rule needs {bound} {threshold:.6g}, "
                                  f"so {alias!r} did not move.")
    moves = f"so {alias!r} moves to version {candidate_number}."
    met = "" if threshold is None else f", which meets the threshold {threshold:.6g}"
    if holder_number is None or holder_number == candidate_number:
        return Verdict(True, f"Version {candidate_number} has {name} {value:.6g}{met}, and no other version holds {alias!r}, {moves}")
    if holder is None:
        return Verdict(True, f"Version {candidate_number} has {name} {value:.6g}{met}, and holder version {holder_number} has no "
                             f"{name}, {moves}")
    gain = value - holder if metric.higher_is_better else holder - value
    if gain > margin:
        return Verdict(True, f"Version {candidate_number} has {name} {value:.6g} against {holder:.6g} of version "
                             f"{holder_number} ({better} is better, margin {margin:.6g}), {moves}")
    return Verdict(False, f"Version {candidate_number} has {name} {value:.6g} against {holder:.6g} of version {holder_number}, "
                          f"holder of {alias!r}; {better} is better and it must win by more than {margin:.6g}, so {alias!r} did not move.")


def check_rule_settings(values: dict[str, Any], model_task: str | None) -> dict[str, Any]:
    """Check the settings a rule is created or updated with; keys are the aggregate's field names."""
    checked = dict(values)
    for field, kind, text in (("name", str, "a string"), ("alias", str, "a string"), ("enabled", bool, "true or false")):
        if field in checked and not isinstance(checked[field], kind):
            raise InvalidInput(f"{field} must be {text}.", field=field, value=str(checked[field])[:40])
    if "name" in checked:
        checked["name"] = check_length("name", checked["name"].strip(), minimum=1, maximum=128)
    if "metric" in checked:
        checked["metric"] = check_metric(checked["metric"], model_task).name
    if "alias" in checked:
        checked["alias"] = check_alias(checked["alias"])
    if "split" in checked:
        checked["split"] = check_split(checked["split"])
    if checked.get("threshold") is not None:
        checked["threshold"] = _finite("threshold", checked["threshold"])
    if "margin" in checked:
        margin = _finite("margin", checked["margin"])
        if not 0 <= margin <= MAX_MARGIN:
            raise InvalidInput(f"margin {margin!r} is invalid: it must be from 0 to {MAX_MARGIN:g}.", field="margin", value=margin)
        checked["margin"] = margin
    if "trigger" in checked:
        checked["trigger"] = check_choice("trigger", checked["trigger"], TRIGGERS)
    if checked.get("schedule_minutes") is not None:
        minutes = checked["schedule_minutes"]
        if isinstance(minutes, bool) or not isinstance(minutes, int) or not MIN_SCHEDULE_MINUTES <= minutes <= MAX_SCHEDULE_MINUTES:
            raise InvalidInput(f"scheduleMinutes {minutes!r} is invalid: it must be a whole number from {MIN_SCHEDULE_MINUTES} "
                               f"to {MAX_SCHEDULE_MINUTES}.", field="scheduleMinutes", value=str(minutes)[:40])
    return checked


def _finite(field: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InvalidInput(f"{field} {str(value)[:40]!r} is invalid: it must be a finite number.", field=field, value=str(value)[:40])
    return float(value)


class EvaluationRule(ModelCloudAggregate):
    class Created(ModelCloudAggregate.Created):
        team_id: uuid.UUID
        model_id: uuid.UUID
        name: str
        dataset_id: uuid.UUID
        dataset_version_id: uuid.UUID | None
        split: str | None
        label: str | None
        metric: str
        threshold: float | None
        margin: float
        alias: str
        trigger: str
        schedule_minutes: int | None
        enabled: bool
        after_version: int
        owner: uuid.UUID
        # Whether a team admin (token scope admin) created the rule, so it may move a protected alias.
        approved: bool = False

        def apply(self, aggregate: EvaluationRule) -> None:
            for field in ("team_id", "model_id", "name", "dataset_id", "dataset_version_id", "split", "label", "metric",
                          "threshold", "margin", "alias", "trigger", "schedule_minutes", "enabled", "after_version", "owner",
                          "approved"):
                setattr(aggregate, field, getattr(self, field))
            aggregate.created_at = self.timestamp
            aggregate.deleted = False
            aggregate.trials = 0
            aggregate.open_trial = None
            aggregate.triggered_versions = set()
            aggregate.last_triggered_at = None

    class Updated(ModelCloudAggregate.Event):
        changes: dict[str, Any]

        def apply(self, aggregate: EvaluationRule) -> None:
            for field, value in self.changes.items():
                setattr(aggregate, field, copy.copy(value))

    class Deleted(ModelCloudAggregate.Event):
        def apply(self, aggregate: EvaluationRule) -> None:
            aggregate.deleted = True
            aggregate.open_trial = None

    class Triggered(ModelCloudAggregate.Event):
        trial: int
        reason: str
        version_id: uuid.UUID
        version_number: int
        dataset_version_id: uuid.UUID
        evaluation_id: uuid.UUID | None
        holder_version_id: uuid.UUID | None
        holder_version_number: int | None
        holder_evaluation_id: uuid.UUID | None

        def apply(self, aggregate: EvaluationRule) -> None:
            aggregate.trials = self.trial
            aggregate.open_trial = {
                "trial": self.trial, "version_id": self.version_id, "version_number": self.version_number,
                "evaluation_id": self.evaluation_id, "holder_version_number": self.holder_version_number,
                "holder_evaluation_id": self.holder_evaluation_id,
            }
            aggregate.triggered_versions.add(self.version_number)
            aggregate.last_triggered_at = self.timestamp

    class Passed(ModelCloudAggregate.Event):
        trial: int
        version_number: int
        value: float | None
        holder_value: float | None
        moved: bool
        message: str

        def apply(self, aggregate: EvaluationRule) -> None:
            aggregate.open_trial = None

    class Failed(ModelCloudAggregate.Event):
        trial: int
        version_number: int
        value: float | None
        holder_value: float | None
        message: str

        def apply(self, aggregate: EvaluationRule) -> None:
            aggregate.open_trial = None

    team_id: uuid.UUID
    model_id: uuid.UUID
    name: str
    dataset_id: uuid.UUID
    dataset_version_id: uuid.UUID | None
    split: str | None
    label: str | None
    metric: str
    threshold: float | None
    margin: float
    alias: str
    trigger: str
    schedule_minutes: int | None
    enabled: bool
    after_version: int
    owner: uuid.UUID
    approved: bool
    created_at: datetime
    deleted: bool
    trials: int
    open_trial: dict[str, Any] | None
    triggered_versions: set[int]
    last_triggered_at: datetime | None

    def __init__(self, **_: Any) -> None:
        pass

    @classmethod
    def create(cls, rule_id: uuid.UUID, *, cause: Cause, **fields: Any) -> EvaluationRule:
        _check_schedule(fields["trigger"], fields["schedule_minutes"])
        return cls._start(cls.Created, cause, id=rule_id, **fields)

    def update(self, changes: dict[str, Any], cause: Cause, *, latest_version: int) -> None:
        """Change settings; re-enabling a rule makes it watch only versions after `latest_version`."""
        self._check_live()
        changed = {field: value for field, value in changes.items() if getattr(self, field) != value}
        if changed.get("enabled") is True:
            changed["after_version"] = max(self.after_version, latest_version)
        _check_schedule(changed.get("trigger", self.trigger), changed.get("schedule_minutes", self.schedule_minutes))
        if changed:
            self._record(self.Updated, cause, changes=changed)

    def delete(self, cause: Cause) -> None:
        self._check_live()
        self._record(self.Deleted, cause)

    def due_at(self) -> datetime | None:
        """Return when a scheduled rule runs next, or None for a rule that waits for new versions."""
        if self.trigger != SCHEDULE or self.schedule_minutes is None:
            return None
        return (self.last_triggered_at or self.created_at) + timedelta(minutes=self.schedule_minutes)

    def start_trial(self, reason: str, cause: Cause, **fields: Any) -> None:
        self._check_live()
        if not self.enabled:
            raise Conflict(f"Evaluation rule {self.name!r} is disabled.", field="id", value=str(self.id))
        if self.open_trial is not None:
            raise Conflict(f"Evaluation rule {self.name!r} is still evaluating version {self.open_trial['version_number']}.",
                           field="id", value=str(self.id))
        if reason == NEW_VERSION and fields["version_number"] in self.triggered_versions:
            raise Conflict(f"Evaluation rule {self.name!r} already evaluated version {fields['version_number']}.",
                           field="id", value=str(self.id))
        due = self.due_at()
        if reason == SCHEDULE and due is not None and cause.at < due:
            raise Conflict(f"Evaluation rule {self.name!r} is not due until {due.isoformat()}.", field="id", value=str(self.id))
        self._record(self.Triggered, cause, trial=self.trials + 1, reason=reason, **fields)

    def finish_trial(self, verdict: Verdict, *, value: float | None, holder_value: float | None, moved: bool, cause: Cause) -> None:
        if self.open_trial is None:
            return
        trial, number = self.open_trial["trial"], self.open_trial["version_number"]
        message = verdict.message[:MAX_MESSAGE]
        if verdict.passed:
            self._record(self.Passed, cause, trial=trial, version_number=number, value=value, holder_value=holder_value,
                         moved=moved, message=message)
        else:
            self._record(self.Failed, cause, trial=trial, version_number=number, value=value, holder_value=holder_value,
                         message=message)

    def _check_live(self) -> None:
        if self.deleted:
            raise Conflict(f"Evaluation rule {self.name!r} was deleted.", field="id", value=str(self.id))


def _check_schedule(trigger: str, minutes: int | None) -> None:
    if trigger == SCHEDULE and minutes is None:
        raise InvalidInput("A scheduled rule needs scheduleMinutes.", field="scheduleMinutes", value=None)
    if trigger == NEW_VERSION and minutes is not None:
        raise InvalidInput("scheduleMinutes applies only to trigger SCHEDULE; leave it null for a rule that waits for new versions.",
                           field="scheduleMinutes", value=minutes)
