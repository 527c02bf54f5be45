"""Evaluation rule commands: create, change and delete rules, and run their trials.

`start_trial` and `conclude` are the platform's own commands, issued by the rule process in
backend/processes/evaluation_rules.py. Each appends the rule's event together with what it causes
(the evaluation requests, the alias move), so a trial never half-happens.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from backend.application.aggregates import load
from backend.application.commands import CommandRunner, Outcome
from backend.application.evaluation import EvaluationService
from backend.application.model_inputs import check_split_rows, read_profile
from backend.application.teams import team_with_role
from backend.domain.access import Principal
from backend.domain.base import Cause, Conflict, DomainError, Forbidden, InvalidInput, NotFound
from backend.domain.datasets import READY as DATASET_READY
from backend.domain.datasets import SPLIT_COLUMN, Dataset, DatasetVersion
from backend.domain.evaluation import COMPLETED, FAILED, PENDING, Evaluation
from backend.domain.evaluation_rules import (
    NEW_VERSION, RULE_METRICS, EvaluationRule, Verdict, check_rule_settings, check_threshold, judge, metric_value,
)
from backend.domain.identity import ADMIN, EDITOR
from backend.domain.registry import READY as MODEL_READY
from backend.domain.registry import ModelVersion, RegisteredModel

UPDATABLE = ("name", "dataset_version_id", "split", "label", "metric", "threshold", "margin", "alias", "trigger",
             "schedule_minutes", "enabled")


class EvaluationRuleService:
    def __init__(self, runner: CommandRunner, evaluation: EvaluationService, clock: Callable[[], datetime]) -> None:
        self.runner = runner
        self.store = runner.store
        self.evaluation = evaluation
        self.clock = clock

    def create(self, principal: Principal, cause: Cause, *, model_id: uuid.UUID, dataset_id: uuid.UUID,
               **settings: Any) -> tuple[uuid.UUID, Outcome]:
        """Create a rule on a model; settings are name, metric, alias, trigger and the optional ones of `UPDATABLE`."""
        rule_id = uuid.uuid4()

        def decide() -> list[object]:
            model = self._model_for(principal, model_id)
            checked = check_rule_settings(
                {"split": "test", "label": None, "threshold": None, "margin": 0.0, "trigger": NEW_VERSION, "schedule_minutes": None,
                 "enabled": True,
                 "dataset_version_id": None, **settings},
                model.task,
            )
            self._check_alias_authority(principal, model, checked["alias"])
            check_threshold(checked["metric"], checked["threshold"])
            self._check_dataset(model, dataset_id, checked["dataset_version_id"], checked["label"], checked["split"])
            rule = EvaluationRule.create(
                rule_id, cause=cause.for_team(str(model.team_id)), team_id=model.team_id, model_id=model.id,
                dataset_id=dataset_id, after_version=self._newest_ready_number(model), owner=principal.user_id,
                approved=self._is_admin(principal, model), **checked,
            )
            return [rule]

        return rule_id, self.runner.run("createEvaluationRule", cause, decide)

    def update(self, principal: Principal, cause: Cause, *, rule_id: uuid.UUID, **changes: Any) -> Outcome:
        unknown = set(changes) - set(UPDATABLE)
        if unknown:
            raise InvalidInput(f"These settings cannot be changed: {', '.join(sorted(unknown))}.", field="input", value=None)

        def decide() -> list[object]:
            rule = self._rule_for(principal, rule_id)
            model = load(self.store, rule.model_id, RegisteredModel, "id", "Model")
            checked = check_rule_settings(changes, model.task)
            self._check_alias_authority(principal, model, rule.alias)
            if "alias" in checked:
                self._check_alias_authority(principal, model, checked["alias"])
            check_threshold(checked.get("metric", rule.metric), checked.get("threshold", rule.threshold))
            if {"dataset_version_id", "label", "split"} & set(checked):
                self._check_dataset(model, rule.dataset_id, checked.get("dataset_version_id", rule.dataset_version_id),
                                    checked.get("label", rule.label), checked.get("split", rule.split))
            checked["approved"] = self._is_admin(principal, model)
            rule.update(checked, cause.for_team(str(rule.team_id)), latest_version=self._newest_ready_number(model))
            return [rule]

        return self.runner.run("updateEvaluationRule", cause, decide)

    def delete(self, principal: Principal, cause: Cause, *, rule_id: uuid.UUID) -> Outcome:
        def decide() -> list[object]:
            rule = self._rule_for(principal, rule_id)
            model = load(self.store, rule.model_id, RegisteredModel, "id", "Model")
            self._check_alias_authority(principal, model, rule.alias)
            rule.delete(cause.for_team(str(rule.team_id)))
            return [rule]

        return self.runner.run("deleteEvaluationRule", cause, decide)

    def start_trial(self, cause: Cause, *, rule_id: uuid.UUID, reason: str, version_id: uuid.UUID,
                    dataset_version_id: uuid.UUID, holder_evaluation_id: uuid.UUID | None = None) -> Outcome:
        """Trigger the rule for a model version: request its evaluation, and the alias holder's unless one can be reused.

        A request the evaluation service rejects (the dataset version lost the label, the version is
        no longer ready) ends the trial at once with a Failed notice that carries the error.
        """
        candidate_id, holder_new_id = uuid.uuid4(), uuid.uuid4()

        def decide() -> list[object]:
            rule = load(self.store, rule_id, EvaluationRule, "id", "Evaluation rule")
            team_cause = cause.for_team(str(rule.team_id))
            model = load(self.store, rule.model_id, RegisteredModel, "id", "Model")
            version = load(self.store, version_id, ModelVersion, "versionId", "Model version")
            holder_number = model.aliases.get(rule.alias)
            holder_version_id = model.versions.get(holder_number) if holder_number is not None else None
            request = {"dataset_version_id": dataset_version_id, "split": rule.split, "label": rule.label, "owner": rule.owner}
            changed: list[object] = [rule]
            failure = None
            try:
                candidate = self.evaluation.build_request(None, team_cause, candidate_id, version_id=version_id, **request)
                changed.append(candidate)
            except DomainError as error:
                failure = f"Version {version.number} cannot be evaluated: {error.message}"
            holder_evaluation = None
            if failure is None and holder_version_id is not None and holder_number != version.number:
                holder_evaluation = self._reusable(holder_evaluation_id, holder_version_id, candidate)
                if holder_evaluation is None:
                    try:
                        holder = self.evaluation.build_request(None, team_cause, holder_new_id, version_id=holder_version_id,
                                                               **request)
                    except DomainError as error:
                        failure = f"Holder version {holder_number} of {rule.alias!r} cannot be evaluated: {error.message}"
                    else:
                        changed.append(holder)
                        holder_evaluation = holder.id
            if failure is not None:
                changed = [rule]
            rule.start_trial(
                reason, team_cause, version_id=version_id, version_number=version.number,
                dataset_version_id=dataset_version_id, evaluation_id=candidate_id if failure is None else None,
                holder_version_id=holder_version_id, holder_version_number=holder_number, holder_evaluation_id=holder_evaluation,
            )
            if failure is not None:
                rule.finish_trial(Verdict(False, failure), value=None, holder_value=None, moved=False, cause=team_cause)
            return changed

        return self.runner.run("triggerEvaluationRule", cause, decide)

    def conclude(self, cause: Cause, *, rule_id: uuid.UUID) -> Outcome | None:
        """Judge the open trial once its evaluations finished: move the alias, or record why not. None while they run."""
        def decide() -> list[object]:
            rule = load(self.store, rule_id, EvaluationRule, "id", "Evaluation rule")
            trial = rule.open_trial
            if trial is None:
                return []
            evaluations = [load(self.store, trial[key], Evaluation, "id", "Evaluation")
                           for key in ("evaluation_id", "holder_evaluation_id") if trial[key] is not None]
            if any(evaluation.status == PENDING for evaluation in evaluations):
                return []
            team_cause = cause.for_team(str(rule.team_id))
            model = load(self.store, rule.model_id, RegisteredModel, "id", "Model")
            verdict, value, holder_value = self._verdict(rule, model, trial, evaluations)
            moved = False
            if verdict.passed and model.aliases.get(rule.alias) != trial["version_number"]:
                try:
                    model.move_alias(rule.alias, trial["version_number"], may_move_protected=True, cause=team_cause)
                    moved = True
                except DomainError as error:
                    verdict = Verdict(False, f"{verdict.message} Moving {rule.alias!r} failed: {error.message}")
            rule.finish_trial(verdict, value=value, holder_value=holder_value, moved=moved, cause=team_cause)
            return [rule, model] if moved else [rule]

        outcome = self.runner.run("concludeEvaluationRule", cause, decide)
        return outcome if outcome.events else None

    def _verdict(self, rule: EvaluationRule, model: RegisteredModel, trial: dict[str, Any],
                 evaluations: list[Evaluation]) -> tuple[Verdict, float | None, float | None]:
        metric = RULE_METRICS[rule.metric]
        number = trial["version_number"]
        failed = next((evaluation for evaluation in evaluations if evaluation.status == FAILED), None)
        if failed is not None:
            subject = f"version {number}" if failed.id == trial["evaluation_id"] else f"holder version {trial['holder_version_number']}"
            return Verdict(False, f"The evaluation of {subject} failed: {failed.failure_reason}"), None, None
        reports = [self.evaluation.report(evaluation.report_sha256) for evaluation in evaluations if evaluation.status == COMPLETED]
        value = metric_value(metric, reports[0])
        holder_value = metric_value(metric, reports[1]) if len(reports) > 1 else None
        if not rule.enabled:
            return Verdict(False, f"The rule was disabled while it evaluated version {number}, so {rule.alias!r} did not move."), \
                value, holder_value
        if rule.alias in model.protected_aliases and not getattr(rule, "approved", False):
            return Verdict(False, f"{rule.alias!r} is protected, and the rule was last set by someone who may not move it; a team "
                                  "admin must update the rule."), value, holder_value
        current = model.aliases.get(rule.alias)
        if current not in (trial["holder_version_number"], number):
            was = trial["holder_version_number"]
            change = (f"was removed from version {was}" if current is None
                      else f"moved from version {was} to version {current}" if was is not None else f"was set to version {current}")
            return Verdict(False, f"{rule.alias!r} {change} while the rule evaluated version {number}; the rule left it as it "
                                  "is."), value, holder_value
        version = load(self.store, trial["version_id"], ModelVersion, "versionId", "Model version")
        if version.status != MODEL_READY:
            return Verdict(False, f"Version {number} became {version.status} while the rule evaluated it."), value, holder_value
        holder_number = trial["holder_version_number"]
        return judge(metric, value, rule.threshold, rule.margin, holder_value, holder_number, number, rule.alias), value, holder_value

    def _reusable(self, evaluation_id: uuid.UUID | None, holder_version_id: uuid.UUID, candidate: Evaluation) -> uuid.UUID | None:
        """Return `evaluation_id` if it is a completed evaluation of the holder on the candidate's data."""
        if evaluation_id is None:
            return None
        try:
            found = load(self.store, evaluation_id, Evaluation, "holderEvaluationId", "Evaluation")
        except NotFound:
            return None
        same = (found.version_id, found.dataset_version_id, found.split, found.label, getattr(found, "task", None)) == (
            holder_version_id, candidate.dataset_version_id, candidate.split, candidate.label, candidate.task)
        return evaluation_id if same and found.status == COMPLETED else None

    def _model_for(self, principal: Principal, model_id: uuid.UUID) -> RegisteredModel:
        model = load(self.store, model_id, RegisteredModel, "modelId", "Model")
        try:
            team_with_role(self.store, principal, model.team_id, EDITOR, "createEvaluationRule")
        except NotFound:
            raise NotFound(f"Model {model_id} was not found.", field="modelId", value=str(model_id)) from None
        if model.archived:
            raise Conflict(f"Model {model.name!r} is archived; restore it before adding rules.", field="modelId", value=str(model_id))
        return model

    def _rule_for(self, principal: Principal, rule_id: uuid.UUID) -> EvaluationRule:
        rule = load(self.store, rule_id, EvaluationRule, "id", "Evaluation rule")
        try:
            team_with_role(self.store, principal, rule.team_id, EDITOR, "changing evaluation rules")
        except NotFound:
            raise NotFound(f"Evaluation rule {rule_id} was not found.", field="id", value=str(rule_id)) from None
        return rule

    def _is_admin(self, principal: Principal, model: RegisteredModel) -> bool:
        """Return whether the caller could move a protected alias by hand: a team admin, through a token with scope admin."""
        team = team_with_role(self.store, principal, model.team_id, EDITOR, "changing evaluation rules")
        return team.role_of(principal.user_id) == ADMIN and "admin" in principal.scopes

    def _newest_ready_number(self, model: RegisteredModel) -> int:
        """Return the highest version number that is ready now; new-version rules try the versions above it."""
        for number in sorted(model.versions, reverse=True):
            if load(self.store, model.versions[number], ModelVersion, "versionId", "Model version").status == MODEL_READY:
                return number
        return 0

    def _check_alias_authority(self, principal: Principal, model: RegisteredModel, alias: str) -> None:
        """Require a team admin for a protected alias, as moving it by hand does, because the rule moves it later on its own."""
        if alias not in model.protected_aliases:
            return
        team = team_with_role(self.store, principal, model.team_id, EDITOR, "createEvaluationRule")
        if team.role_of(principal.user_id) != ADMIN:
            raise Forbidden(f"Alias {alias!r} of model {model.name!r} is protected; only team admins may set a rule that moves it.",
                            field="alias", value=alias)
        principal.require_scope("admin", "A rule that moves a protected alias")

    def _check_dataset(self, model: RegisteredModel, dataset_id: uuid.UUID, version_id: uuid.UUID | None,
                       label: str | None, split: str | None) -> None:
        dataset = load(self.store, dataset_id, Dataset, "datasetId", "Dataset")
        if dataset.team_id != model.team_id:
            raise NotFound(f"Dataset {dataset_id} was not found in the model's team.", field="datasetId", value=str(dataset_id))
        if version_id is None:
            # Trials take the newest ready version; check the label against today's newest one.
            newest = self._newest_ready(dataset)
            if newest is not None and (label is not None or newest.label is not None):
                self._check_label(newest, label)
            return
        version = load(self.store, version_id, DatasetVersion, "datasetVersionId", "Dataset version")
        if version.dataset_id != dataset_id:
            raise InvalidInput(f"Dataset version {version_id} belongs to another dataset.", field="datasetVersionId",
                               value=str(version_id))
        if version.status != DATASET_READY:
            raise InvalidInput(f"Dataset version {version.number} is {version.status}; a rule needs a profiled version.",
                               field="datasetVersionId", value=str(version_id))
        self._check_label(version, label)
        check_split_rows(read_profile(self.evaluation.artifacts, version), split)

    @staticmethod
    def _check_label(version: DatasetVersion, label: str | None) -> None:
        chosen = label if label is not None else version.label
        if chosen is None or chosen not in version.column_types or chosen == SPLIT_COLUMN:
            raise InvalidInput(f"The label {chosen!r} is not a column of dataset version {version.number}.", field="label",
                               value=chosen)

    def _newest_ready(self, dataset: Dataset) -> DatasetVersion | None:
        for number in sorted(dataset.versions, reverse=True):
            version = load(self.store, dataset.versions[number], DatasetVersion, "datasetId", "Dataset version")
            if version.status == DATASET_READY:
                return version
        return None
