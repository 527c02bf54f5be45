"""Read model of uploads waiting to be used by a mutation."""

from __future__ import annotations

from backend.database import Database, Row, Transaction
from backend.domain.uploads import Upload
from backend.projections.base import Change, Projection, iso


class UploadsProjection(Projection):
    name = "uploads"
    tables = {
        "uploads": (
            "CREATE TABLE IF NOT EXISTS uploads ("
            "upload_id TEXT PRIMARY KEY, team_id TEXT, sha256 TEXT NOT NULL, size BIGINT NOT NULL, "
            "filename TEXT NOT NULL, content_type TEXT NOT NULL, uploaded_by TEXT NOT NULL, "
            "uploaded_at TEXT NOT NULL, consumed_by TEXT, position BIGINT NOT NULL)"
        ),
    }

    def on_Upload_Received(self, tx: Transaction, event: Upload.Received, position: int) -> list[Change]:
        tx.execute(
            "INSERT INTO uploads (upload_id, team_id, sha256, size, filename, content_type, uploaded_by, "
            "uploaded_at, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (str(event.originator_id), event.team, event.sha256, event.size, event.filename, event.content_type,
             event.actor, iso(event.timestamp), position),
        )
        return []

    def on_Upload_Consumed(self, tx: Transaction, event: Upload.Consumed, position: int) -> list[Change]:
        tx.execute(
            "UPDATE uploads SET consumed_by = ?, position = ? WHERE upload_id = ?",
            (event.consumer, position, str(event.originator_id)),
        )
        return []


class UploadsReader:
    def __init__(self, database: Database) -> None:
        self.database = database

    def upload(self, upload_id: str) -> Row | None:
        return self.database.fetchone("SELECT * FROM uploads WHERE upload_id = ?", (upload_id,))
