"""Evaluation rules without Ray: the rule process starts trials, the test records what the worker would report.

The reports here carry only the metrics a rule reads. tests/e2e/test_evaluation_rules_flow.py runs
the same rules on real models trained and evaluated on Ray.
"""

from __future__ import annotations

import math
import uuid
from pathlib import Path
from typing import Any

import pytest

from backend.domain.base import Conflict, Forbidden, InvalidInput, NotFound
from backend.processes.evaluation_rules import follow_evaluation_rules
from backend.runtime import Runtime
from tests.conftest import FrozenClock
from tests.integration.test_evaluation import Evaluations

pytestmark = pytest.mark.integration


class Rules(Evaluations):
    """A classification model with version 1 ready, and helpers to create rules and play the evaluation worker."""

    def __init__(self, runtime: Runtime, clock: FrozenClock, dataset_files: Path, model_files: Path) -> None:
        super().__init__(runtime, clock, dataset_files, model_files)
        registry = runtime.registry
        registry.update_model(self.editor, self.cause(self.editor), model_id=self.model_id, task="classification")

    def add_rule(self, principal: Any = None, **settings: Any) -> uuid.UUID:
        values = {"name": "promote on f1", "metric": "f1", "alias": "production",
                  "dataset_version_id": uuid.UUID(self.split["version_id"]), **settings}
        rule_id, outcome = self.runtime.evaluation_rules.create(
            principal or self.admin, self.cause(principal or self.admin), model_id=self.model_id, dataset_id=self.dataset_id,
            **values,
        )
        assert self.runtime.projections.wait_for(outcome.position)
        return rule_id

    def move_production(self, number: int) -> None:
        self.runtime.registry.move_alias(self.admin, self.cause(self.admin), model_id=self.model_id, alias="production",
                                         number=number)
        self.runtime.projections.catch_up()

    def follow(self) -> int:
        self.runtime.projections.catch_up()
        issued = follow_evaluation_rules(self.runtime)
        self.runtime.projections.catch_up()
        return issued

    def report(self, evaluation_id: str, **metrics: Any) -> None:
        """Record a worker report whose macro F1 and log loss are the given ones."""
        report = {"task": "classification", "rows": 85, "metrics": {
            "accuracy": metrics.get("accuracy", 0.9), "macro": {"f1": metrics["f1"]}, "logLoss": metrics.get("logLoss", 0.2),
            "rocAuc": None,
        }}
        self.runtime.evaluation.record_report(self.system(), evaluation_id=uuid.UUID(evaluation_id), report=report)

    def trials(self, rule_id: uuid.UUID) -> list[dict[str, Any]]:
        self.runtime.projections.catch_up()
        return self.runtime.readers.evaluation_rules.trials(str(rule_id), None, 100)

    def production(self) -> int | None:
        self.runtime.projections.catch_up()
        rows = self.runtime.readers.registry.aliases([str(self.model_id)])[str(self.model_id)]
        return next((int(row["number"]) for row in rows if row["alias"] == "production"), None)

    def audit_actions(self, subject_id: uuid.UUID) -> list[str]:
        rows = self.runtime.database.fetchall("SELECT action FROM audit_log WHERE subject_id = ? ORDER BY position",
                                              (str(subject_id),))
        return [row["action"] for row in rows]


@pytest.fixture
def rules(runtime: Runtime, clock: FrozenClock, dataset_files: Path, model_files: Path) -> Rules:
    return Rules(runtime, clock, dataset_files, model_files)


def test_rule_promotes_better_version(rules: Rules) -> None:
    rules.move_production(1)
    rule_id = rules.add_rule()
    rules.ready_version(rules.model_id)

    assert rules.follow() == 1
    [trial] = rules.trials(rule_id)
    assert (trial["status"], trial["version_number"], trial["holder_version_number"]) == ("evaluating", 2, 1)
    assert rules.follow() == 0

    rules.report(trial["evaluation_id"], f1=0.96)
    assert rules.follow() == 0
    rules.report(trial["holder_evaluation_id"], f1=0.91)
    assert rules.follow() == 1

    [trial] = rules.trials(rule_id)
    assert trial["status"] == "passed"
    assert (trial["value"], trial["holder_value"], trial["moved"]) == (0.96, 0.91, 1)
    assert "0.96 against 0.91 of version 1" in trial["message"]
    assert rules.production() == 2
    assert rules.audit_actions(rule_id) == [
        "EvaluationRule.Created", "EvaluationRule.Triggered", "EvaluationRule.Passed",
    ]
    assert rules.audit_actions(rules.model_id)[-1] == "RegisteredModel.AliasMoved"


def test_rule_refuses_worse_version(rules: Rules) -> None:
    rules.move_production(1)
    rule_id = rules.add_rule()
    rules.ready_version(rules.model_id)
    rules.follow()
    [trial] = rules.trials(rule_id)

    rules.report(trial["evaluation_id"], f1=0.88)
    rules.report(trial["holder_evaluation_id"], f1=0.91)
    rules.follow()

    [trial] = rules.trials(rule_id)
    assert trial["status"] == "failed"
    assert trial["moved"] == 0
    assert "0.88 against 0.91 of version 1" in trial["message"]
    assert "'production' did not move" in trial["message"]
    assert rules.production() == 1


def test_margin_needs_a_clear_win(rules: Rules) -> None:
    rules.move_production(1)
    rule_id = rules.add_rule(margin=0.02)
    rules.ready_version(rules.model_id)
    rules.follow()
    [trial] = rules.trials(rule_id)

    rules.report(trial["evaluation_id"], f1=0.92)
    rules.report(trial["holder_evaluation_id"], f1=0.91)
    rules.follow()

    assert rules.trials(rule_id)[0]["status"] == "failed"
    assert rules.production() == 1


def test_lower_is_better_metric(rules: Rules) -> None:
    rules.move_production(1)
    rule_id = rules.add_rule(metric="logLoss", threshold=0.3)
    rules.ready_version(rules.model_id)
    rules.follow()
    [trial] = rules.trials(rule_id)

    rules.report(trial["evaluation_id"], f1=0.5, logLoss=0.15)
    rules.report(trial["holder_evaluation_id"], f1=0.9, logLoss=0.25)
    rules.follow()

    assert rules.trials(rule_id)[0]["status"] == "passed"
    assert rules.production() == 2


def test_threshold_without_holder(rules: Rules) -> None:
    rule_id = rules.add_rule(threshold=0.95)
    rules.ready_version(rules.model_id)
    rules.follow()
    [trial] = rules.trials(rule_id)
    assert trial["holder_evaluation_id"] is None

    rules.report(trial["evaluation_id"], f1=0.93)
    rules.follow()

    [trial] = rules.trials(rule_id)
    assert trial["status"] == "failed"
    assert "the rule needs at least 0.95" in trial["message"]
    assert rules.production() is None

    rules.ready_version(rules.model_id)
    rules.follow()
    second = rules.trials(rule_id)[0]
    rules.report(second["evaluation_id"], f1=0.97)
    rules.follow()

    assert rules.trials(rule_id)[0]["status"] == "passed"
    assert rules.production() == 3


def test_holder_evaluation_reused(rules: Rules) -> None:
    rules.move_production(1)
    earlier = rules.evaluate()
    rules.report(str(earlier), f1=0.9)
    rule_id = rules.add_rule()
    rules.ready_version(rules.model_id)

    rules.follow()

    [trial] = rules.trials(rule_id)
    assert trial["holder_evaluation_id"] == str(earlier)
    pending = rules.runtime.readers.evaluation.pending(10)
    assert [row["evaluation_id"] for row in pending] == [trial["evaluation_id"]]


def test_versions_tried_one_at_a_time(rules: Rules) -> None:
    rule_id = rules.add_rule()
    rules.ready_version(rules.model_id)
    rules.ready_version(rules.model_id)

    rules.follow()
    assert [trial["version_number"] for trial in rules.trials(rule_id)] == [2]
    rules.report(rules.trials(rule_id)[0]["evaluation_id"], f1=0.9)
    rules.follow()
    rules.follow()

    assert [(t["version_number"], t["status"]) for t in rules.trials(rule_id)] == [(3, "evaluating"), (2, "passed")]
    assert rules.trials(rule_id)[0]["holder_version_number"] == 2


def test_schedule_runs_on_the_clock(rules: Rules) -> None:
    rule_id = rules.add_rule(trigger="schedule", schedule_minutes=60)

    assert rules.follow() == 0
    rules.clock.advance(minutes=61)
    assert rules.follow() == 1

    [trial] = rules.trials(rule_id)
    assert (trial["reason"], trial["version_number"]) == ("schedule", 1)
    rules.report(trial["evaluation_id"], f1=0.9)
    rules.follow()
    assert rules.production() == 1

    rules.clock.advance(minutes=30)
    assert rules.follow() == 0
    rules.clock.advance(minutes=31)
    assert rules.follow() == 1
    assert [t["trial"] for t in rules.trials(rule_id)] == [2, 1]


def test_version_that_cannot_be_evaluated_fails_trial(rules: Rules) -> None:
    rule_id = rules.add_rule(dataset_version_id=None)
    narrower = rules.derive(rules.split["version_id"], [{"op": "dropColumns", "columns": ["mean radius"]}])
    rules.profile(narrower)
    rules.ready_version(rules.model_id)

    rules.follow()

    [trial] = rules.trials(rule_id)
    assert trial["status"] == "failed"
    assert trial["dataset_version_id"] == narrower["version_id"]
    assert trial["evaluation_id"] is None
    assert "Version 2 cannot be evaluated: Model version 2 takes inputs of shape [None, 30]" in trial["message"]
    assert rules.runtime.readers.evaluation.pending(10) == []


def test_pinned_version_without_split_rows_rejected(rules: Rules) -> None:
    with pytest.raises(InvalidInput) as raised:
        rules.add_rule(dataset_version_id=uuid.UUID(rules.plain["version_id"]))

    assert raised.value.field == "split"
    assert _count_rules(rules) == 0


def test_failed_evaluation_fails_trial(rules: Rules) -> None:
    rule_id = rules.add_rule()
    rules.ready_version(rules.model_id)
    rules.follow()
    [trial] = rules.trials(rule_id)

    rules.runtime.evaluation.record_failure(rules.system(), evaluation_id=uuid.UUID(trial["evaluation_id"]),
                                            reason="The model file could not be loaded.")
    rules.follow()

    [trial] = rules.trials(rule_id)
    assert trial["status"] == "failed"
    assert trial["message"] == "The evaluation of version 2 failed: The model file could not be loaded."


def test_alias_moved_during_trial(rules: Rules) -> None:
    rules.move_production(1)
    rule_id = rules.add_rule()
    rules.ready_version(rules.model_id)
    rules.follow()
    rules.ready_version(rules.model_id)
    rules.move_production(3)
    [trial] = rules.trials(rule_id)

    rules.report(trial["evaluation_id"], f1=0.99)
    rules.report(trial["holder_evaluation_id"], f1=0.5)
    rules.follow()

    decided = rules.trials(rule_id)[-1]
    assert decided["status"] == "failed"
    assert "'production' moved from version 1 to version 3" in decided["message"]
    assert rules.production() == 3


def test_disabled_rule_skips_versions(rules: Rules) -> None:
    rule_id = rules.add_rule(enabled=False)
    rules.ready_version(rules.model_id)
    assert rules.follow() == 0

    rules.runtime.evaluation_rules.update(rules.admin, rules.cause(rules.admin), rule_id=rule_id, enabled=True)
    assert rules.follow() == 0
    rules.ready_version(rules.model_id)
    assert rules.follow() == 1

    assert [trial["version_number"] for trial in rules.trials(rule_id)] == [3]


def test_delete_cancels_open_trial(rules: Rules) -> None:
    rule_id = rules.add_rule()
    rules.ready_version(rules.model_id)
    rules.follow()

    rules.runtime.evaluation_rules.delete(rules.admin, rules.cause(rules.admin), rule_id=rule_id)
    rules.runtime.projections.catch_up()

    assert rules.trials(rule_id)[0]["status"] == "cancelled"
    assert rules.runtime.readers.evaluation_rules.rule(str(rule_id)) is None
    rules.ready_version(rules.model_id)
    assert rules.follow() == 0
    with pytest.raises(Conflict):
        rules.runtime.evaluation_rules.update(rules.admin, rules.cause(rules.admin), rule_id=rule_id, margin=0.1)


def _count_rules(rules: Rules) -> int:
    rules.runtime.projections.catch_up()
    return len(rules.runtime.readers.evaluation_rules.rules(None, model_id=None, before=None, limit=100))


@pytest.mark.parametrize(
    ("settings", "field", "words"),
    [
        ({"metric": "auc"}, "metric", "'auc' is not a known metric; expected one of accuracy, f1"),
        ({"metric": "rmse"}, "metric", "is a regression metric, but the model's task is classification"),
        ({"trigger": "schedule"}, "scheduleMinutes", "needs scheduleMinutes"),
        ({"trigger": "schedule", "schedule_minutes": 1}, "scheduleMinutes", "from 5 to 525600"),
        ({"margin": -0.1}, "margin", "from 0"),
        ({"threshold": math.nan}, "threshold", "finite number"),
        ({"alias": "Prod!"}, "alias", "lowercase letters"),
        ({"split": "holdout"}, "split", "holdout"),
        ({"trigger": "weekly"}, "trigger", "weekly"),
        ({"label": "diagnosis"}, "label", "'diagnosis' is not a column"),
        ({"name": ""}, "name", "name"),
        ({"threshold": 1.5}, "threshold", "out of range for f1, whose values lie from 0 to 1"),
        ({"schedule_minutes": 10}, "scheduleMinutes", "applies only to trigger SCHEDULE"),
        ({"dataset_version_id": None, "label": "nope"}, "label", "'nope' is not a column"),
    ],
)
def test_bad_rule_rejected(rules: Rules, settings: dict[str, Any], field: str, words: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        rules.add_rule(**settings)

    assert raised.value.field == field
    assert words in raised.value.message
    assert _count_rules(rules) == 0


def test_protected_alias_needs_admin(rules: Rules) -> None:
    with pytest.raises(Forbidden) as raised:
        rules.add_rule(rules.editor)
    assert raised.value.field == "alias"

    rule_id = rules.add_rule(rules.editor, alias="candidate")
    with pytest.raises(Forbidden):
        rules.runtime.evaluation_rules.update(rules.editor, rules.cause(rules.editor), rule_id=rule_id, alias="production")
    assert _count_rules(rules) == 1


def test_viewer_cannot_create(rules: Rules) -> None:
    with pytest.raises(Forbidden):
        rules.add_rule(rules.viewer, alias="candidate")
    assert _count_rules(rules) == 0


def test_dataset_of_other_team_not_found(rules: Rules) -> None:
    team_id, _ = rules.runtime.identity.create_team(rules.admin, rules.cause(rules.admin), name="elsewhere")
    dataset_id, _ = rules.runtime.datasets.create_dataset(rules.admin, rules.cause(rules.admin), team_id=team_id, name="cancer")

    with pytest.raises(NotFound) as raised:
        rules.runtime.evaluation_rules.create(rules.admin, rules.cause(rules.admin), model_id=rules.model_id,
                                              dataset_id=dataset_id, name="r", metric="f1", alias="production")
    assert raised.value.field == "datasetId"
    assert _count_rules(rules) == 0


def test_update_changes_settings(rules: Rules) -> None:
    rule_id = rules.add_rule()

    rules.runtime.evaluation_rules.update(rules.admin, rules.cause(rules.admin), rule_id=rule_id, metric="accuracy",
                                          threshold=0.9, margin=0.01)
    rules.runtime.projections.catch_up()

    row = rules.runtime.readers.evaluation_rules.rule(str(rule_id))
    assert row is not None
    assert (row["metric"], row["threshold"], row["margin"]) == ("accuracy", 0.9, 0.01)
    with pytest.raises(InvalidInput) as raised:
        rules.runtime.evaluation_rules.update(rules.admin, rules.cause(rules.admin), rule_id=rule_id, metric="r2")
    assert raised.value.field == "metric"
    assert rules.audit_actions(rule_id) == ["EvaluationRule.Created", "EvaluationRule.Updated"]


def test_editor_cannot_change_protected_rule(rules: Rules) -> None:
    rule_id = rules.add_rule()
    service = rules.runtime.evaluation_rules

    with pytest.raises(Forbidden):
        service.update(rules.editor, rules.cause(rules.editor), rule_id=rule_id, threshold=None, margin=0.5)
    with pytest.raises(Forbidden):
        service.delete(rules.editor, rules.cause(rules.editor), rule_id=rule_id)
    assert rules.audit_actions(rule_id) == ["EvaluationRule.Created"]


def test_alias_protected_later_needs_admin(rules: Rules) -> None:
    rule_id = rules.add_rule(rules.editor, alias="staging")
    rules.runtime.registry.update_model(rules.admin, rules.cause(rules.admin), model_id=rules.model_id,
                                        protected_aliases=["production", "staging"])
    rules.ready_version(rules.model_id)
    rules.follow()
    [trial] = rules.trials(rule_id)

    rules.report(trial["evaluation_id"], f1=0.95)
    rules.follow()

    [trial] = rules.trials(rule_id)
    assert trial["status"] == "failed"
    assert "'staging' is protected" in trial["message"]


def test_disabled_during_trial_moves_nothing(rules: Rules) -> None:
    rule_id = rules.add_rule()
    rules.ready_version(rules.model_id)
    rules.follow()
    [trial] = rules.trials(rule_id)
    rules.runtime.evaluation_rules.update(rules.admin, rules.cause(rules.admin), rule_id=rule_id, enabled=False)

    rules.report(trial["evaluation_id"], f1=0.95)
    rules.follow()

    [trial] = rules.trials(rule_id)
    assert trial["status"] == "failed"
    assert "disabled while it evaluated version 2" in trial["message"]
    assert rules.production() is None


def test_scheduled_trial_not_repeated_before_due(rules: Rules) -> None:
    rule_id = rules.add_rule(trigger="schedule", schedule_minutes=60)
    rules.clock.advance(minutes=61)
    rules.follow()
    [trial] = rules.trials(rule_id)
    rules.report(trial["evaluation_id"], f1=0.9)
    rules.follow()

    with pytest.raises(Conflict) as raised:
        rules.runtime.evaluation_rules.start_trial(rules.system(), rule_id=rule_id, reason="schedule",
                                                   version_id=rules.version_id, dataset_version_id=uuid.UUID(rules.split["version_id"]))
    assert "is not due until" in raised.value.message
    assert len(rules.trials(rule_id)) == 1


def test_version_pending_at_creation_tried(rules: Rules) -> None:
    upload_id = rules.upload_bytes((rules.model_files / "cancer_b.keras").read_bytes(), "cancer_b.keras")
    added = rules.runtime.registry.upload_version(rules.editor, rules.cause(rules.editor), model_id=rules.model_id,
                                                  upload_id=upload_id)
    rule_id = rules.add_rule()
    from workers.inspection import inspect_artifact

    report = inspect_artifact(str(rules.model_files / "cancer_b.keras"), "keras", "cancer_b.keras")
    rules.runtime.registry.record_inspection(rules.system(), version_id=added.version_id, report=report)

    rules.follow()

    assert [trial["version_number"] for trial in rules.trials(rule_id)] == [2]


@pytest.mark.parametrize(
    ("settings", "field"),
    [({"enabled": None}, "enabled"), ({"enabled": "yes"}, "enabled"), ({"name": None}, "name"), ({"alias": None}, "alias")],
)
def test_wrongly_typed_update_rejected(rules: Rules, settings: dict[str, Any], field: str) -> None:
    rule_id = rules.add_rule()

    with pytest.raises(InvalidInput) as raised:
        rules.runtime.evaluation_rules.update(rules.admin, rules.cause(rules.admin), rule_id=rule_id, **settings)
    assert raised.value.field == field
    assert rules.audit_actions(rule_id) == ["EvaluationRule.Created"]
