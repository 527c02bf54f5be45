"""Read model of batch predictions: each request, its progress, and the dataset version its scored rows became."""

from __future__ import annotations

import json
from typing import Any

from backend.database import Database, Row, Transaction
from backend.domain.batch_prediction import BatchPrediction
from backend.projections.base import Change, Projection, iso, search_newest_first

BATCH_PREDICTION_TOPIC = "batch_prediction"


class BatchPredictionsProjection(Projection):
    name = "batch_predictions"
    tables = {
        "batch_predictions": (
            "CREATE TABLE IF NOT EXISTS batch_predictions ("
            "batch_prediction_id TEXT PRIMARY KEY, team_id TEXT NOT NULL, model_id TEXT NOT NULL, model_name TEXT NOT NULL, "
            "model_version_id TEXT NOT NULL, model_version_number INTEGER NOT NULL, dataset_id TEXT NOT NULL, "
            "dataset_version_id TEXT NOT NULL, dataset_version_number INTEGER NOT NULL, split TEXT, label TEXT, "
            "features TEXT NOT NULL, task TEXT NOT NULL, classes TEXT, output_prefix TEXT NOT NULL, output_columns TEXT NOT NULL, "
            "status TEXT NOT NULL, rows_done BIGINT NOT NULL, rows_total BIGINT NOT NULL, result_dataset_version_id TEXT, "
            "result_dataset_version_number INTEGER, rows_predicted BIGINT, notes TEXT, failure_reason TEXT, "
            "created_by TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, "
            "requested_position BIGINT NOT NULL, position BIGINT NOT NULL)"
        ),
    }
    indexes = [
        "CREATE INDEX IF NOT EXISTS batch_predictions_by_team ON batch_predictions (team_id, requested_position)",
        "CREATE INDEX IF NOT EXISTS batch_predictions_by_model_version ON batch_predictions (model_version_id, requested_position)",
        "CREATE INDEX IF NOT EXISTS batch_predictions_by_dataset_version ON batch_predictions (dataset_version_id, requested_position)",
        "CREATE INDEX IF NOT EXISTS batch_predictions_by_status ON batch_predictions (status, requested_position)",
    ]

    def on_BatchPrediction_Requested(self, tx: Transaction, event: BatchPrediction.Requested, position: int) -> list[Change]:
        values: dict[str, Any] = {
            "batch_prediction_id": str(event.originator_id),
            "team_id": str(event.team_id),
            "model_id": str(event.model_id),
            "model_name": event.model_name,
            "model_version_id": str(event.model_version_id),
            "model_version_number": event.model_version_number,
            "dataset_id": str(event.dataset_id),
            "dataset_version_id": str(event.dataset_version_id),
            "dataset_version_number": event.dataset_version_number,
            "split": event.split,
            "label": event.label,
            "features": json.dumps(event.features),
            "task": event.task,
            "classes": json.dumps(event.classes) if event.classes is not None else None,
            "output_prefix": event.output_prefix,
            "output_columns": json.dumps(event.output_columns),
            "status": "pending",
            "rows_done": 0,
            "rows_total": event.rows_total,
            "created_by": event.actor,
            "created_at": iso(event.timestamp),
            "updated_at": iso(event.timestamp),
            "requested_position": position,
            "position": position,
        }
        tx.execute(
            f"INSERT INTO batch_predictions ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})", list(values.values())
        )
        return self._changed(event, position)

    def on_BatchPrediction_Progressed(self, tx: Transaction, event: BatchPrediction.Progressed, position: int) -> list[Change]:
        tx.execute(
            "UPDATE batch_predictions SET status = 'running', rows_done = ?, rows_total = ?, updated_at = ?, position = ? "
            "WHERE batch_prediction_id = ?",
            (event.rows_done, event.rows_total, iso(event.timestamp), position, str(event.originator_id)),
        )
        return self._changed(event, position)

    def on_BatchPrediction_Completed(self, tx: Transaction, event: BatchPrediction.Completed, position: int) -> list[Change]:
        tx.execute(
            "UPDATE batch_predictions SET status = 'completed', rows_done = ?, rows_total = ?, result_dataset_version_id = ?, "
            "result_dataset_version_number = ?, rows_predicted = ?, notes = ?, updated_at = ?, position = ? "
            "WHERE batch_prediction_id = ?",
            (event.rows, event.rows, str(event.result_dataset_version_id), event.result_dataset_version_number, event.rows,
             json.dumps(event.notes), iso(event.timestamp), position, str(event.originator_id)),
        )
        return self._changed(event, position)

    def on_BatchPrediction_Failed(self, tx: Transaction, event: BatchPrediction.Failed, position: int) -> list[Change]:
        tx.execute(
            "UPDATE batch_predictions SET status = 'failed', failure_reason = ?, updated_at = ?, position = ? "
            "WHERE batch_prediction_id = ?",
            (event.reason, iso(event.timestamp), position, str(event.originator_id)),
        )
        return self._changed(event, position)

    @staticmethod
    def _changed(event: Any, position: int) -> list[Change]:
        return [Change(BATCH_PREDICTION_TOPIC, {"id": str(event.originator_id), "position": position})]


class BatchPredictionsReader:
    def __init__(self, database: Database) -> None:
        self.database = database

    def batch_prediction(self, batch_prediction_id: str) -> Row | None:
        return self.database.fetchone("SELECT * FROM batch_predictions WHERE batch_prediction_id = ?", (batch_prediction_id,))

    def search(
        self, teams: list[str] | None, *, model_version_id: str | None = None, dataset_version_id: str | None = None,
        statuses: list[str] | None = None, before: int | None = None, limit: int,
    ) -> list[Row]:
        """Batch predictions newest first, before the requested position of the previous page's last one."""
        return search_newest_first(
            self.database, "batch_predictions", "requested_position", teams,
            {"model_version_id": model_version_id, "dataset_version_id": dataset_version_id}, statuses, before, limit,
        )

    def unfinished(self, limit: int) -> list[Row]:
        """Pending and running batch predictions, oldest first: a running one whose worker stopped with its process runs again."""
        return self.database.fetchall(
            "SELECT * FROM batch_predictions WHERE status IN ('pending', 'running') ORDER BY requested_position LIMIT ?", (limit,)
        )
