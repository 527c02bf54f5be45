"""GraphQL of evaluation rules: create, change and delete them, and follow their trials."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime, timedelta
from enum import Enum
from typing import Any

import strawberry
from strawberry.types import Info

from backend.domain.base import InvalidInput, NotFound, parse_iso
from backend.domain.evaluation_rules import RULE_METRICS
from backend.graphql.audit import AuditEntry
from backend.graphql.connections import DEFAULT_PAGE, Connection, check_first, decode_position_cursor, page
from backend.graphql.context import Context, in_thread
from backend.graphql.identity import parse_id, searched_team_ids, visible_team_ids
from backend.graphql.live import subject_changes
from backend.projections.evaluation_rules import EVALUATION_RULE_TOPIC

Row = dict[str, Any]


@strawberry.enum(description="What starts a rule's trial: each new ready version of the model, or a fixed interval.")
class EvaluationRuleTrigger(Enum):
    NEW_VERSION = "newVersion"
    SCHEDULE = "schedule"


@strawberry.enum(description="evaluating until the trial's evaluations finish; passed or failed then; cancelled by deleting the rule.")
class EvaluationRuleTrialStatus(Enum):
    EVALUATING = "evaluating"
    PASSED = "passed"
    FAILED = "failed"
    CANCELLED = "cancelled"


@strawberry.type(description="A metric an evaluation rule can compare, with the direction that counts as better.")
class EvaluationRuleMetric:
    name: str
    task: str = strawberry.field(description="classification or regression.")
    higher_is_better: bool
    description: str


@strawberry.type(description="One run of a rule on one model version: its evaluations and the verdict.")
class EvaluationRuleTrial:
    trial: int
    reason: EvaluationRuleTrigger
    model_version_id: strawberry.ID
    model_version_number: int
    dataset_version_id: strawberry.ID
    evaluation_id: strawberry.ID | None = strawberry.field(description="Null when the version could not be evaluated.")
    holder_version_number: int | None = strawberry.field(description="The version that held the alias when the trial started.")
    holder_evaluation_id: strawberry.ID | None
    status: EvaluationRuleTrialStatus
    value: float | None = strawberry.field(description="The candidate's value of the rule's metric.")
    holder_value: float | None
    alias_moved: bool
    message: str | None = strawberry.field(description="Why the trial passed or failed; a failure is the rule's notice.")
    triggered_at: datetime
    decided_at: datetime | None

    @classmethod
    def from_row(cls, row: Row) -> EvaluationRuleTrial:
        return cls(
            trial=int(row["trial"]), reason=EvaluationRuleTrigger(row["reason"]),
            model_version_id=strawberry.ID(row["version_id"]), model_version_number=int(row["version_number"]),
            dataset_version_id=strawberry.ID(row["dataset_version_id"]), evaluation_id=_id(row["evaluation_id"]),
            holder_version_number=row["holder_version_number"], holder_evaluation_id=_id(row["holder_evaluation_id"]),
            status=EvaluationRuleTrialStatus(row["status"]), value=row["value"], holder_value=row["holder_value"],
            alias_moved=bool(row["moved"]), message=row["message"],
            triggered_at=parse_iso(row["triggered_at"]),  # type: ignore[arg-type]
            decided_at=parse_iso(row["decided_at"]),
        )


@strawberry.type(description=(
    "When a new version of the model appears (or on a schedule), evaluate it on the dataset's split; if the metric meets "
    "the threshold and beats the alias holder by more than the margin, move the alias to it, otherwise record a notice."
))
class EvaluationRule:
    id: strawberry.ID
    team_id: strawberry.ID
    model_id: strawberry.ID
    name: str
    dataset_id: strawberry.ID
    dataset_version_id: strawberry.ID | None = strawberry.field(description="Null evaluates on the dataset's newest ready version.")
    split: str | None = strawberry.field(description="train, validation or test; null for every row.")
    label: str | None = strawberry.field(description="Null takes the dataset version's label.")
    metric: str
    higher_is_better: bool
    threshold: float | None = strawberry.field(description="The value the candidate must reach; null for none.")
    margin: float = strawberry.field(description="How much the candidate must beat the alias holder by; 0 means strictly better.")
    alias: str
    trigger: EvaluationRuleTrigger
    schedule_minutes: int | None
    enabled: bool
    watches_versions_after: int = strawberry.field(description="New-version rules try versions numbered above this one.")
    next_run_at: datetime | None = strawberry.field(description="When a scheduled rule runs next.")
    trial_count: int
    open_trial: int | None = strawberry.field(description="The number of the trial still evaluating, if any.")
    created_by: str
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_row(cls, row: Row) -> EvaluationRule:
        next_run = None
        if row["trigger"] == "schedule" and row["schedule_minutes"] is not None:
            last = parse_iso(row["last_triggered_at"] or row["created_at"])
            next_run = last + timedelta(minutes=int(row["schedule_minutes"])) if last else None
        return cls(
            id=strawberry.ID(row["rule_id"]), team_id=strawberry.ID(row["team_id"]), model_id=strawberry.ID(row["model_id"]),
            name=row["name"], dataset_id=strawberry.ID(row["dataset_id"]), dataset_version_id=_id(row["dataset_version_id"]),
            split=row["split"], label=row["label"], metric=row["metric"],
            higher_is_better=RULE_METRICS[row["metric"]].higher_is_better, threshold=row["threshold"],
            margin=float(row["margin"]), alias=row["alias"], trigger=EvaluationRuleTrigger(row["trigger"]),
            schedule_minutes=row["schedule_minutes"], enabled=bool(row["enabled"]),
            watches_versions_after=int(row["after_version"]), next_run_at=next_run, trial_count=int(row["trials"]),
            open_trial=row["open_trial"], created_by=row["created_by"],
            created_at=parse_iso(row["created_at"]),  # type: ignore[arg-type]
            updated_at=parse_iso(row["updated_at"]),  # type: ignore[arg-type]
        )

    @strawberry.field(description="The rule's trials, newest first.")
    async def trials(self, info: Info[Context, None], first: int = DEFAULT_PAGE, after: str | None = None
                     ) -> Connection[EvaluationRuleTrial]:
        check_first(first)
        rows = await in_thread(info.context.runtime.readers.evaluation_rules.trials, str(self.id),
                               decode_position_cursor("trials", after), first + 1)
        return page(rows, first, "trials", lambda row: row["trial"], EvaluationRuleTrial.from_row, has_previous=after is not None)


@strawberry.input
class CreateEvaluationRuleInput:
    model_id: strawberry.ID
    name: str
    dataset_id: strawberry.ID
    metric: str = strawberry.field(description="A name from evaluationRuleMetrics, such as f1, rocAuc or rmse.")
    alias: str = strawberry.field(default="production")
    dataset_version_id: strawberry.ID | None = strawberry.field(default=None, description="Null follows the newest ready version.")
    split: str | None = strawberry.field(default="test")
    label: str | None = None
    threshold: float | None = None
    margin: float = 0.0
    trigger: EvaluationRuleTrigger = EvaluationRuleTrigger.NEW_VERSION
    schedule_minutes: int | None = strawberry.field(default=None, description="Minutes between scheduled trials, 5 to 525600.")
    enabled: bool = True


@strawberry.input(description="Only the fields given change; an explicit null clears thresholds, labels and dataset versions.")
class UpdateEvaluationRuleInput:
    name: str | None = strawberry.UNSET
    dataset_version_id: strawberry.ID | None = strawberry.UNSET
    split: str | None = strawberry.UNSET
    label: str | None = strawberry.UNSET
    metric: str | None = strawberry.UNSET
    threshold: float | None = strawberry.UNSET
    margin: float | None = strawberry.UNSET
    alias: str | None = strawberry.UNSET
    trigger: EvaluationRuleTrigger | None = strawberry.UNSET
    schedule_minutes: int | None = strawberry.UNSET
    enabled: bool | None = strawberry.UNSET


@strawberry.type(description="A rule's current state and the change that brought it.")
class EvaluationRuleUpdate:
    rule: EvaluationRule
    change: AuditEntry | None


@strawberry.type(description="The id of a deleted rule; its events stay in the audit log.")
class DeletedEvaluationRule:
    id: strawberry.ID


def _id(value: str | None) -> strawberry.ID | None:
    return None if value is None else strawberry.ID(value)


async def readable_rule(info: Info[Context, None], rule_id: str, field: str = "id") -> Row:
    parsed = parse_id(field, rule_id)
    row = await in_thread(info.context.runtime.readers.evaluation_rules.rule, str(parsed))
    visible = await visible_team_ids(info)
    if row is None or (visible is not None and row["team_id"] not in visible):
        raise NotFound(f"Evaluation rule {rule_id} was not found among your teams' rules.", field=field, value=rule_id)
    return row


async def _current(info: Info[Context, None], rule_id: str, outcome: Any) -> EvaluationRule:
    await info.context.settle(outcome)
    return EvaluationRule.from_row(await readable_rule(info, rule_id))


def _changes(input: UpdateEvaluationRuleInput) -> dict[str, Any]:  # noqa: A002
    nullable = {"dataset_version_id", "split", "label", "threshold", "schedule_minutes"}
    changes: dict[str, Any] = {}
    for field in ("name", "dataset_version_id", "split", "label", "metric", "threshold", "margin", "alias", "trigger",
                  "schedule_minutes", "enabled"):
        value = getattr(input, field)
        if value is strawberry.UNSET:
            continue
        if value is None and field not in nullable:
            _reject_null(field)
        if field == "dataset_version_id" and value is not None:
            value = parse_id("datasetVersionId", value)
        if field == "trigger":
            value = value.value
        changes[field] = value
    return changes


def _reject_null(field: str) -> None:
    name = "".join(part if i == 0 else part.title() for i, part in enumerate(field.split("_")))
    raise InvalidInput(f"{name} cannot be null; leave it out to keep its value.", field=name, value=None)


@strawberry.type
class EvaluationRuleQuery:
    @strawberry.field(description="Live evaluation rules of your teams, newest first.")
    async def evaluation_rules(
        self, info: Info[Context, None], team_id: strawberry.ID | None = None, model_id: strawberry.ID | None = None,
        first: int = DEFAULT_PAGE, after: str | None = None,
    ) -> Connection[EvaluationRule]:
        check_first(first)
        teams = await searched_team_ids(info, team_id)
        model = None if model_id is None else str(parse_id("modelId", model_id))
        rows = await in_thread(lambda: info.context.runtime.readers.evaluation_rules.rules(
            teams, model_id=model, before=decode_position_cursor("evaluationRules", after), limit=first + 1))
        return page(rows, first, "evaluationRules", lambda row: row["created_position"], EvaluationRule.from_row,
                    has_previous=after is not None)

    @strawberry.field
    async def evaluation_rule(self, info: Info[Context, None], id: strawberry.ID) -> EvaluationRule:  # noqa: A002
        return EvaluationRule.from_row(await readable_rule(info, id))

    @strawberry.field(description="The metrics a rule can compare, for forms.")
    def evaluation_rule_metrics(self) -> list[EvaluationRuleMetric]:
        return [EvaluationRuleMetric(name=m.name, task=m.task, higher_is_better=m.higher_is_better, description=m.description)
                for m in RULE_METRICS.values()]


@strawberry.type
class EvaluationRuleMutation:
    @strawberry.mutation(description="Create a rule on a model; editors may, and a protected alias such as production needs an admin.")
    async def create_evaluation_rule(self, info: Info[Context, None], input: CreateEvaluationRuleInput) -> EvaluationRule:  # noqa: A002
        principal = await info.context.writer()
        model_id, dataset_id = parse_id("modelId", input.model_id), parse_id("datasetId", input.dataset_id)
        dataset_version_id = None if input.dataset_version_id is None else parse_id("datasetVersionId", input.dataset_version_id)
        service = info.context.runtime.evaluation_rules
        rule_id, outcome = await in_thread(lambda: service.create(
            principal, info.context.cause(principal), model_id=model_id, dataset_id=dataset_id, name=input.name,
            metric=input.metric, alias=input.alias, dataset_version_id=dataset_version_id, split=input.split, label=input.label,
            threshold=input.threshold, margin=input.margin, trigger=input.trigger.value, schedule_minutes=input.schedule_minutes,
            enabled=input.enabled,
        ))
        return await _current(info, str(rule_id), outcome)

    @strawberry.mutation(description="Change a rule's settings; re-enabling it makes it watch only versions added afterwards.")
    async def update_evaluation_rule(self, info: Info[Context, None], id: strawberry.ID,  # noqa: A002
                                     input: UpdateEvaluationRuleInput) -> EvaluationRule:  # noqa: A002
        principal = await info.context.writer()
        rule_id = parse_id("id", id)
        changes = _changes(input)
        service = info.context.runtime.evaluation_rules
        outcome = await in_thread(lambda: service.update(principal, info.context.cause(principal), rule_id=rule_id, **changes))
        return await _current(info, str(rule_id), outcome)

    @strawberry.mutation(description="Delete a rule; an open trial is cancelled and its evaluations still finish.")
    async def delete_evaluation_rule(self, info: Info[Context, None], id: strawberry.ID) -> DeletedEvaluationRule:  # noqa: A002
        principal = await info.context.writer()
        rule_id = parse_id("id", id)
        service = info.context.runtime.evaluation_rules
        outcome = await in_thread(lambda: service.delete(principal, info.context.cause(principal), rule_id=rule_id))
        await info.context.settle(outcome)
        return DeletedEvaluationRule(id=strawberry.ID(str(rule_id)))


@strawberry.type
class EvaluationRuleSubscription:
    @strawberry.subscription(description="The rule's current state at once (with change null), then on every trigger, verdict and edit.")
    async def evaluation_rule_updated(self, info: Info[Context, None], id: strawberry.ID  # noqa: A002
                                      ) -> AsyncGenerator[EvaluationRuleUpdate, None]:
        row = await readable_rule(info, id)
        async for change, entry in subject_changes(info, EVALUATION_RULE_TOPIC, row["rule_id"]):
            if change is None:
                yield EvaluationRuleUpdate(rule=EvaluationRule.from_row(row), change=entry)
                continue
            current = await in_thread(info.context.runtime.readers.evaluation_rules.rule, row["rule_id"])
            if current is None:
                return
            yield EvaluationRuleUpdate(rule=EvaluationRule.from_row(current), change=entry)
