"""Read models of datasets: datasets, their versions with schema, lineage and profiling state."""

from __future__ import annotations

import json
from typing import Any

from backend.database import Database, Row, Transaction
from backend.domain.datasets import SPLIT_COLUMN, Dataset, DatasetVersion
from backend.projections.base import Change, Projection, iso, search_by_name

DATASET_TOPIC = "dataset"


class DatasetsProjection(Projection):
    name = "datasets"
    tables = {
        "datasets": (
            "CREATE TABLE IF NOT EXISTS datasets ("
            "dataset_id TEXT PRIMARY KEY, team_id TEXT NOT NULL, name TEXT NOT NULL, name_key TEXT NOT NULL, "
            "description TEXT NOT NULL, tags TEXT NOT NULL, owner TEXT NOT NULL, archived INTEGER NOT NULL, "
            "version_count INTEGER NOT NULL, latest_version_id TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, "
            "position BIGINT NOT NULL)"
        ),
        "dataset_versions": (
            "CREATE TABLE IF NOT EXISTS dataset_versions ("
            "version_id TEXT PRIMARY KEY, dataset_id TEXT NOT NULL, team_id TEXT NOT NULL, number INTEGER NOT NULL, "
            "source TEXT NOT NULL, sha256 TEXT NOT NULL, size BIGINT NOT NULL, row_count BIGINT NOT NULL, "
            "columns TEXT NOT NULL, label TEXT, split_column TEXT, splits TEXT, file_format TEXT, delimiter TEXT, "
            "filename TEXT, upload_id TEXT, column_types TEXT, parent_id TEXT, parent_number INTEGER, operations TEXT, "
            "duplicate_of TEXT, status TEXT NOT NULL, rows_done BIGINT NOT NULL, profile_sha256 TEXT, missing_cells BIGINT, "
            "failure_reason TEXT, created_by TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, "
            "position BIGINT NOT NULL, UNIQUE (dataset_id, number))"
        ),
    }
    indexes = [
        "CREATE INDEX IF NOT EXISTS datasets_by_team_name ON datasets (team_id, name_key, dataset_id)",
        "CREATE INDEX IF NOT EXISTS datasets_by_name ON datasets (name_key, dataset_id)",
        "CREATE INDEX IF NOT EXISTS dataset_versions_by_dataset ON dataset_versions (dataset_id, number)",
        "CREATE INDEX IF NOT EXISTS dataset_versions_by_parent ON dataset_versions (parent_id, created_at)",
        "CREATE INDEX IF NOT EXISTS dataset_versions_by_status ON dataset_versions (status, position)",
    ]

    def on_Dataset_Created(self, tx: Transaction, event: Dataset.Created, position: int) -> list[Change]:
        tx.execute(
            "INSERT INTO datasets (dataset_id, team_id, name, name_key, description, tags, owner, archived, version_count, "
            "created_at, updated_at, position) VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, ?, ?, ?)",
            (str(event.originator_id), str(event.team_id), event.name, event.name.casefold(), event.description,
             json.dumps(event.tags), str(event.owner), iso(event.timestamp), iso(event.timestamp), position),
        )
        return self._changed(tx, event, position)

    def on_Dataset_Updated(self, tx: Transaction, event: Dataset.Updated, position: int) -> list[Change]:
        for field, value in event.changes.items():
            column = {"description": "description", "tags": "tags"}[field]
            tx.execute(
                f"UPDATE datasets SET {column} = ? WHERE dataset_id = ?",
                (json.dumps(value) if field == "tags" else value, str(event.originator_id)),
            )
        return self._changed(tx, event, position)

    def on_Dataset_VersionAdded(self, tx: Transaction, event: Dataset.VersionAdded, position: int) -> list[Change]:
        tx.execute(
            "UPDATE datasets SET version_count = ?, latest_version_id = ? WHERE dataset_id = ?",
            (event.number, str(event.version_id), str(event.originator_id)),
        )
        return self._changed(tx, event, position)

    def on_Dataset_Archived(self, tx: Transaction, event: Dataset.Archived, position: int) -> list[Change]:
        tx.execute("UPDATE datasets SET archived = 1 WHERE dataset_id = ?", (str(event.originator_id),))
        return self._changed(tx, event, position)

    def on_Dataset_Restored(self, tx: Transaction, event: Dataset.Restored, position: int) -> list[Change]:
        tx.execute("UPDATE datasets SET archived = 0 WHERE dataset_id = ?", (str(event.originator_id),))
        return self._changed(tx, event, position)

    def on_DatasetVersion_Uploaded(self, tx: Transaction, event: DatasetVersion.Uploaded, position: int) -> list[Change]:
        self._insert_version(
            tx, event, position, source="upload", file_format=event.file_format, delimiter=event.delimiter,
            filename=event.filename, upload_id=str(event.upload_id), column_types=json.dumps(event.column_types),
        )
        return self._version_changed(tx, event, position)

    def on_DatasetVersion_Derived(self, tx: Transaction, event: DatasetVersion.Derived, position: int) -> list[Change]:
        self._insert_version(
            tx, event, position, source="derived", parent_id=str(event.parent_id), parent_number=event.parent_number,
            operations=json.dumps(event.operations), splits=json.dumps(event.splits) if event.splits is not None else None,
        )
        return self._version_changed(tx, event, position)

    def on_DatasetVersion_ProfilingProgressed(
        self, tx: Transaction, event: DatasetVersion.ProfilingProgressed, position: int
    ) -> list[Change]:
        tx.execute(
            "UPDATE dataset_versions SET rows_done = ?, updated_at = ?, position = ? WHERE version_id = ?",
            (event.rows_done, iso(event.timestamp), position, str(event.originator_id)),
        )
        return self._version_changed(tx, event, position)

    def on_DatasetVersion_Profiled(self, tx: Transaction, event: DatasetVersion.Profiled, position: int) -> list[Change]:
        tx.execute(
            "UPDATE dataset_versions SET status = 'ready', rows_done = row_count, profile_sha256 = ?, missing_cells = ?, "
            "updated_at = ?, position = ? WHERE version_id = ?",
            (event.profile_sha256, event.missing_cells, iso(event.timestamp), position, str(event.originator_id)),
        )
        return self._version_changed(tx, event, position)

    def on_DatasetVersion_ProfilingRequested(
        self, tx: Transaction, event: DatasetVersion.ProfilingRequested, position: int
    ) -> list[Change]:
        tx.execute(
            "UPDATE dataset_versions SET status = 'profiling', rows_done = 0, failure_reason = NULL, updated_at = ?, position = ? "
            "WHERE version_id = ?",
            (iso(event.timestamp), position, str(event.originator_id)),
        )
        return self._version_changed(tx, event, position)

    def on_DatasetVersion_ProfilingFailed(self, tx: Transaction, event: DatasetVersion.ProfilingFailed, position: int) -> list[Change]:
        tx.execute(
            "UPDATE dataset_versions SET status = 'failed', failure_reason = ?, updated_at = ?, position = ? WHERE version_id = ?",
            (event.reason, iso(event.timestamp), position, str(event.originator_id)),
        )
        return self._version_changed(tx, event, position)

    @staticmethod
    def _insert_version(tx: Transaction, event: Any, position: int, *, source: str, **extra: Any) -> None:
        names = [column["name"] for column in event.columns]
        values: dict[str, Any] = {
            "version_id": str(event.originator_id),
            "dataset_id": str(event.dataset_id),
            "team_id": str(event.team_id),
            "number": event.number,
            "source": source,
            "sha256": event.sha256,
            "size": event.size,
            "row_count": event.rows,
            "columns": json.dumps(event.columns),
            "label": event.label,
            "split_column": SPLIT_COLUMN if SPLIT_COLUMN in names else None,
            "duplicate_of": str(event.duplicate_of) if event.duplicate_of else None,
            "status": "profiling",
            "rows_done": 0,
            "created_by": event.actor,
            "created_at": iso(event.timestamp),
            "updated_at": iso(event.timestamp),
            "position": position,
            **extra,
        }
        columns = ", ".join(values)
        marks = ", ".join("?" * len(values))
        tx.execute(f"INSERT INTO dataset_versions ({columns}) VALUES ({marks})", list(values.values()))

    @staticmethod
    def _version_changed(tx: Transaction, event: Any, position: int) -> list[Change]:
        row = tx.fetchone("SELECT dataset_id FROM dataset_versions WHERE version_id = ?", (str(event.originator_id),))
        dataset_id = row["dataset_id"] if row else ""
        return [Change(DATASET_TOPIC, {"id": dataset_id, "position": position, "version": str(event.originator_id)})]

    @staticmethod
    def _changed(tx: Transaction, event: Any, position: int) -> list[Change]:
        dataset_id = str(event.originator_id)
        tx.execute(
            "UPDATE datasets SET updated_at = ?, position = ? WHERE dataset_id = ?", (iso(event.timestamp), position, dataset_id)
        )
        return [Change(DATASET_TOPIC, {"id": dataset_id, "position": position})]



class DatasetsReader:
    def __init__(self, database: Database) -> None:
        self.database = database

    def dataset(self, dataset_id: str) -> Row | None:
        return self.database.fetchone("SELECT * FROM datasets WHERE dataset_id = ?", (dataset_id,))

    def datasets_by_ids(self, dataset_ids: list[str]) -> dict[str, Row]:
        if not dataset_ids:
            return {}
        marks = ",".join("?" * len(dataset_ids))
        rows = self.database.fetchall(f"SELECT * FROM datasets WHERE dataset_id IN ({marks})", dataset_ids)
        return {row["dataset_id"]: row for row in rows}

    def search(
        self, teams: list[str] | None, name_contains: str | None, archived: bool | None, after: tuple[str, str] | None, limit: int
    ) -> list[Row]:
        """Datasets by name then id, after the (name, id) of the previous page."""
        return search_by_name(self.database, "datasets", "dataset_id", teams, name_contains, archived, after, limit)

    def versions(self, dataset_id: str, after_number: int | None, limit: int) -> list[Row]:
        sql, params = "SELECT * FROM dataset_versions WHERE dataset_id = ?", [dataset_id]
        if after_number is not None:
            sql += " AND number > ?"
            params.append(after_number)
        return self.database.fetchall(sql + " ORDER BY number LIMIT ?", [*params, limit])

    def version(self, version_id: str) -> Row | None:
        return self.database.fetchone("SELECT * FROM dataset_versions WHERE version_id = ?", (version_id,))

    def versions_by_ids(self, version_ids: list[str]) -> dict[str, Row]:
        if not version_ids:
            return {}
        marks = ",".join("?" * len(version_ids))
        rows = self.database.fetchall(f"SELECT * FROM dataset_versions WHERE version_id IN ({marks})", version_ids)
        return {row["version_id"]: row for row in rows}

    def children(self, version_id: str, limit: int) -> list[Row]:
        """Versions derived directly from this one, oldest first."""
        return self.database.fetchall(
            "SELECT * FROM dataset_versions WHERE parent_id = ? ORDER BY created_at, version_id LIMIT ?", (version_id, limit)
        )

    def unprofiled(self, limit: int) -> list[Row]:
        """Versions waiting for a profile, oldest first, with what the profiling worker needs."""
        return self.database.fetchall(
            "SELECT version_id, sha256, label, split_column FROM dataset_versions WHERE status = 'profiling' ORDER BY position LIMIT ?",
            (limit,),
        )
