"""Read model of evaluation rules: each rule's settings and state, and every trial with its outcome."""

from __future__ import annotations

from typing import Any

from backend.database import Database, Row, Transaction
from backend.domain.evaluation_rules import EvaluationRule
from backend.projections.base import Change, Projection, iso, search_newest_first

EVALUATION_RULE_TOPIC = "evaluationRule"
SETTINGS = ("name", "dataset_version_id", "split", "label", "metric", "threshold", "margin", "alias", "trigger",
            "schedule_minutes", "enabled", "after_version")


class EvaluationRulesProjection(Projection):
    name = "evaluation_rules"
    tables = {
        "evaluation_rules": (
            "CREATE TABLE IF NOT EXISTS evaluation_rules ("
            "rule_id TEXT PRIMARY KEY, team_id TEXT NOT NULL, model_id TEXT NOT NULL, name TEXT NOT NULL, "
            "dataset_id TEXT NOT NULL, dataset_version_id TEXT, split TEXT, label TEXT, metric TEXT NOT NULL, "
            "threshold DOUBLE PRECISION, margin DOUBLE PRECISION NOT NULL, alias TEXT NOT NULL, trigger TEXT NOT NULL, "
            "schedule_minutes INTEGER, enabled INTEGER NOT NULL, after_version INTEGER NOT NULL, deleted INTEGER NOT NULL, "
            "trials INTEGER NOT NULL, open_trial INTEGER, last_triggered_at TEXT, created_by TEXT NOT NULL, "
            "created_at TEXT NOT NULL, updated_at TEXT NOT NULL, created_position BIGINT NOT NULL, position BIGINT NOT NULL)"
        ),
        "evaluation_rule_trials": (
            "CREATE TABLE IF NOT EXISTS evaluation_rule_trials ("
            "rule_id TEXT NOT NULL, trial INTEGER NOT NULL, team_id TEXT NOT NULL, reason TEXT NOT NULL, "
            "version_id TEXT NOT NULL, version_number INTEGER NOT NULL, dataset_version_id TEXT NOT NULL, evaluation_id TEXT, "
            "holder_version_number INTEGER, holder_evaluation_id TEXT, status TEXT NOT NULL, value DOUBLE PRECISION, "
            "holder_value DOUBLE PRECISION, moved INTEGER NOT NULL, message TEXT, triggered_at TEXT NOT NULL, "
            "decided_at TEXT, position BIGINT NOT NULL, PRIMARY KEY (rule_id, trial))"
        ),
    }
    indexes = [
        "CREATE INDEX IF NOT EXISTS evaluation_rules_by_team ON evaluation_rules (team_id, created_position)",
        "CREATE INDEX IF NOT EXISTS evaluation_rules_by_model ON evaluation_rules (model_id, created_position)",
        "CREATE INDEX IF NOT EXISTS evaluation_rule_trials_by_status ON evaluation_rule_trials (status, rule_id)",
        "CREATE INDEX IF NOT EXISTS evaluation_rule_trials_by_version ON evaluation_rule_trials (version_id)",
    ]

    def on_EvaluationRule_Created(self, tx: Transaction, event: EvaluationRule.Created, position: int) -> list[Change]:
        values: dict[str, Any] = {
            "rule_id": str(event.originator_id),
            "team_id": str(event.team_id),
            "model_id": str(event.model_id),
            "dataset_id": str(event.dataset_id),
            **{field: _column(getattr(event, field)) for field in SETTINGS},
            "deleted": 0,
            "trials": 0,
            "created_by": event.actor,
            "created_at": iso(event.timestamp),
            "updated_at": iso(event.timestamp),
            "created_position": position,
            "position": position,
        }
        tx.execute(f"INSERT INTO evaluation_rules ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
                   list(values.values()))
        return self._changed(event, position)

    def on_EvaluationRule_Updated(self, tx: Transaction, event: EvaluationRule.Updated, position: int) -> list[Change]:
        changes = {field: _column(value) for field, value in event.changes.items() if field in SETTINGS}
        assignments = "".join(f"{field} = ?, " for field in changes)
        tx.execute(f"UPDATE evaluation_rules SET {assignments}updated_at = ?, position = ? WHERE rule_id = ?",
                   [*changes.values(), iso(event.timestamp), position, str(event.originator_id)])
        return self._changed(event, position)

    def on_EvaluationRule_Deleted(self, tx: Transaction, event: EvaluationRule.Deleted, position: int) -> list[Change]:
        tx.execute("UPDATE evaluation_rules SET deleted = 1, open_trial = NULL, updated_at = ?, position = ? WHERE rule_id = ?",
                   (iso(event.timestamp), position, str(event.originator_id)))
        tx.execute("UPDATE evaluation_rule_trials SET status = 'cancelled', decided_at = ?, position = ? "
                   "WHERE rule_id = ? AND status = 'evaluating'", (iso(event.timestamp), position, str(event.originator_id)))
        return self._changed(event, position)

    def on_EvaluationRule_Triggered(self, tx: Transaction, event: EvaluationRule.Triggered, position: int) -> list[Change]:
        rule_id = str(event.originator_id)
        values: dict[str, Any] = {
            "rule_id": rule_id,
            "trial": event.trial,
            "team_id": event.team or "",
            "reason": event.reason,
            "version_id": str(event.version_id),
            "version_number": event.version_number,
            "dataset_version_id": str(event.dataset_version_id),
            "evaluation_id": _column(event.evaluation_id),
            "holder_version_number": event.holder_version_number,
            "holder_evaluation_id": _column(event.holder_evaluation_id),
            "status": "evaluating",
            "moved": 0,
            "triggered_at": iso(event.timestamp),
            "position": position,
        }
        tx.execute(f"INSERT INTO evaluation_rule_trials ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
                   list(values.values()))
        tx.execute("UPDATE evaluation_rules SET trials = ?, open_trial = ?, last_triggered_at = ?, updated_at = ?, position = ? "
                   "WHERE rule_id = ?", (event.trial, event.trial, iso(event.timestamp), iso(event.timestamp), position, rule_id))
        return self._changed(event, position)

    def on_EvaluationRule_Passed(self, tx: Transaction, event: EvaluationRule.Passed, position: int) -> list[Change]:
        return self._decided(tx, event, position, "passed", bool(event.moved))

    def on_EvaluationRule_Failed(self, tx: Transaction, event: EvaluationRule.Failed, position: int) -> list[Change]:
        return self._decided(tx, event, position, "failed", False)

    def _decided(self, tx: Transaction, event: Any, position: int, status: str, moved: bool) -> list[Change]:
        rule_id = str(event.originator_id)
        tx.execute(
            "UPDATE evaluation_rule_trials SET status = ?, value = ?, holder_value = ?, moved = ?, message = ?, decided_at = ?, "
            "position = ? WHERE rule_id = ? AND trial = ?",
            (status, event.value, event.holder_value, int(moved), event.message, iso(event.timestamp), position, rule_id,
             event.trial),
        )
        tx.execute("UPDATE evaluation_rules SET open_trial = NULL, updated_at = ?, position = ? WHERE rule_id = ?",
                   (iso(event.timestamp), position, rule_id))
        return self._changed(event, position)

    @staticmethod
    def _changed(event: Any, position: int) -> list[Change]:
        return [Change(EVALUATION_RULE_TOPIC, {"id": str(event.originator_id), "position": position})]


def _column(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if value is None or isinstance(value, (int, float, str)):
        return value
    return str(value)


class EvaluationRulesReader:
    def __init__(self, database: Database) -> None:
        self.database = database

    def rule(self, rule_id: str) -> Row | None:
        return self.database.fetchone("SELECT * FROM evaluation_rules WHERE rule_id = ? AND deleted = 0", (rule_id,))

    def rules(self, teams: list[str] | None, *, model_id: str | None, before: int | None, limit: int) -> list[Row]:
        """Live rules newest first, before the created position of the previous page's last one."""
        return search_newest_first(self.database, "evaluation_rules", "created_position", teams,
                                   {"model_id": model_id, "deleted": 0}, None, before, limit)

    def trials(self, rule_id: str, before: int | None, limit: int) -> list[Row]:
        """Return a rule's trials newest first, before the trial number of the previous page's last one."""
        sql, params = "SELECT * FROM evaluation_rule_trials WHERE rule_id = ?", [rule_id]
        if before is not None:
            sql += " AND trial < ?"
            params.append(before)
        return self.database.fetchall(sql + " ORDER BY trial DESC LIMIT ?", [*params, limit])

    def active(self) -> list[Row]:
        """Enabled live rules, for the rule process."""
        return self.database.fetchall("SELECT * FROM evaluation_rules WHERE deleted = 0 AND enabled = 1 ORDER BY created_position")

    def open_trials(self) -> list[Row]:
        """Trials still waiting for evaluations, with the status of each evaluation."""
        return self.database.fetchall(
            "SELECT t.rule_id, t.trial, c.status AS candidate_status, h.status AS holder_status, t.holder_evaluation_id "
            "FROM evaluation_rule_trials t JOIN evaluation_rules r ON r.rule_id = t.rule_id AND r.deleted = 0 "
            "LEFT JOIN evaluations c ON c.evaluation_id = t.evaluation_id "
            "LEFT JOIN evaluations h ON h.evaluation_id = t.holder_evaluation_id "
            "WHERE t.status = 'evaluating' ORDER BY t.position"
        )

    def untriggered_versions(self, rule_id: str, model_id: str, after_version: int, limit: int) -> list[Row]:
        """Ready versions of the model numbered above `after_version` that the rule has not tried yet, oldest first."""
        return self.database.fetchall(
            "SELECT v.version_id, v.number FROM model_versions v WHERE v.model_id = ? AND v.number > ? AND v.status = 'ready' "
            "AND NOT EXISTS (SELECT 1 FROM evaluation_rule_trials t WHERE t.rule_id = ? AND t.version_id = v.version_id) "
            "ORDER BY v.number LIMIT ?",
            (model_id, after_version, rule_id, limit),
        )

    def newest_ready_version(self, model_id: str) -> Row | None:
        return self.database.fetchone(
            "SELECT version_id, number FROM model_versions WHERE model_id = ? AND status = 'ready' ORDER BY number DESC LIMIT 1",
            (model_id,),
        )

    def newest_ready_dataset_version(self, dataset_id: str) -> Row | None:
        return self.database.fetchone(
            "SELECT version_id, number FROM dataset_versions WHERE dataset_id = ? AND status = 'ready' ORDER BY number DESC LIMIT 1",
            (dataset_id,),
        )

    def completed_evaluation(self, version_id: str, dataset_version_id: str, split: str | None, label: str | None) -> Row | None:
        """The newest completed evaluation of a version on a dataset version's split, to reuse for an alias holder."""
        sql = "SELECT evaluation_id FROM evaluations WHERE version_id = ? AND dataset_version_id = ? AND status = 'completed'"
        params: list[Any] = [version_id, dataset_version_id]
        if split is None:
            sql += " AND split IS NULL"
        else:
            sql += " AND split = ?"
            params.append(split)
        if label is not None:
            sql += " AND label = ?"
            params.append(label)
        return self.database.fetchone(sql + " ORDER BY requested_position DESC LIMIT 1", params)
