"""Read model of evaluations: each request, its status and headline metrics; the full report stays a blob."""

from __future__ import annotations

import json
from typing import Any

from backend.database import Database, Row, Transaction
from backend.domain.evaluation import Evaluation
from backend.projections.base import Change, Projection, iso, search_newest_first

EVALUATION_TOPIC = "evaluation"


class EvaluationProjection(Projection):
    name = "evaluation"
    tables = {
        "evaluations": (
            "CREATE TABLE IF NOT EXISTS evaluations ("
            "evaluation_id TEXT PRIMARY KEY, team_id TEXT NOT NULL, model_id TEXT NOT NULL, version_id TEXT NOT NULL, "
            "version_number INTEGER NOT NULL, dataset_id TEXT NOT NULL, dataset_version_id TEXT NOT NULL, split TEXT, "
            "label TEXT NOT NULL, task TEXT NOT NULL, features TEXT NOT NULL, classes TEXT, slices TEXT NOT NULL, "
            "status TEXT NOT NULL, rows_evaluated BIGINT, summary TEXT, report_sha256 TEXT, failure_reason TEXT, "
            "created_by TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, "
            "requested_position BIGINT NOT NULL, position BIGINT NOT NULL)"
        ),
    }
    indexes = [
        "CREATE INDEX IF NOT EXISTS evaluations_by_team ON evaluations (team_id, requested_position)",
        "CREATE INDEX IF NOT EXISTS evaluations_by_version ON evaluations (version_id, requested_position)",
        "CREATE INDEX IF NOT EXISTS evaluations_by_status ON evaluations (status, requested_position)",
    ]

    def on_Evaluation_Requested(self, tx: Transaction, event: Evaluation.Requested, position: int) -> list[Change]:
        values: dict[str, Any] = {
            "evaluation_id": str(event.originator_id),
            "team_id": str(event.team_id),
            "model_id": str(event.model_id),
            "version_id": str(event.version_id),
            "version_number": event.version_number,
            "dataset_id": str(event.dataset_id),
            "dataset_version_id": str(event.dataset_version_id),
            "split": event.split,
            "label": event.label,
            "task": event.task,
            "features": json.dumps(event.features),
            "classes": json.dumps(event.classes) if event.classes is not None else None,
            "slices": json.dumps(event.slices),
            "status": "pending",
            "created_by": event.actor,
            "created_at": iso(event.timestamp),
            "updated_at": iso(event.timestamp),
            "requested_position": position,
            "position": position,
        }
        tx.execute(f"INSERT INTO evaluations ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})", list(values.values()))
        return self._changed(event, position)

    def on_Evaluation_Completed(self, tx: Transaction, event: Evaluation.Completed, position: int) -> list[Change]:
        tx.execute(
            "UPDATE evaluations SET status = 'completed', rows_evaluated = ?, summary = ?, report_sha256 = ?, updated_at = ?, "
            "position = ? WHERE evaluation_id = ?",
            (event.rows, json.dumps(event.summary), event.report_sha256, iso(event.timestamp), position, str(event.originator_id)),
        )
        return self._changed(event, position)

    def on_Evaluation_Failed(self, tx: Transaction, event: Evaluation.Failed, position: int) -> list[Change]:
        tx.execute(
            "UPDATE evaluations SET status = 'failed', failure_reason = ?, updated_at = ?, position = ? WHERE evaluation_id = ?",
            (event.reason, iso(event.timestamp), position, str(event.originator_id)),
        )
        return self._changed(event, position)

    @staticmethod
    def _changed(event: Any, position: int) -> list[Change]:
        return [Change(EVALUATION_TOPIC, {"id": str(event.originator_id), "position": position})]


class EvaluationReader:
    def __init__(self, database: Database) -> None:
        self.database = database

    def evaluation(self, evaluation_id: str) -> Row | None:
        return self.database.fetchone("SELECT * FROM evaluations WHERE evaluation_id = ?", (evaluation_id,))

    def search(
        self, teams: list[str] | None, *, model_id: str | None = None, version_id: str | None = None,
        dataset_version_id: str | None = None, statuses: list[str] | None = None, before: int | None = None, limit: int,
    ) -> list[Row]:
        """Evaluations newest first, before the requested position of the previous page's last one."""
        return search_newest_first(
            self.database, "evaluations", "requested_position", teams,
            {"model_id": model_id, "version_id": version_id, "dataset_version_id": dataset_version_id},
            statuses, before, limit,
        )

    def pending(self, limit: int) -> list[Row]:
        return self.database.fetchall(
            "SELECT * FROM evaluations WHERE status = 'pending' ORDER BY requested_position LIMIT ?", (limit,)
        )
