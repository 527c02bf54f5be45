"""Read models of the registry: models, tags, versions, aliases, and each model's history for time travel."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from backend.database import Database, Row, Transaction
from backend.domain.registry import ModelVersion, RegisteredModel
from backend.projections.base import Change, Projection, iso, like_pattern, parse_iso

MODEL_TOPIC = "model"


class RegistryProjection(Projection):
    name = "registry"
    tables = {
        "models": (
            "CREATE TABLE IF NOT EXISTS models ("
            "model_id TEXT PRIMARY KEY, team_id TEXT NOT NULL, name TEXT NOT NULL, name_key TEXT NOT NULL, "
            "description TEXT NOT NULL, task TEXT NOT NULL, tags TEXT NOT NULL, owner TEXT NOT NULL, "
            "archived INTEGER NOT NULL, protected_aliases TEXT NOT NULL, version_count INTEGER NOT NULL, retention_days INTEGER, "
            "created_at TEXT NOT NULL, updated_at TEXT NOT NULL, position BIGINT NOT NULL)"
        ),
        "model_tags": (
            "CREATE TABLE IF NOT EXISTS model_tags ("
            "model_id TEXT NOT NULL, tag_key TEXT NOT NULL, tag_value TEXT NOT NULL, PRIMARY KEY (model_id, tag_key))"
        ),
        "model_versions": (
            "CREATE TABLE IF NOT EXISTS model_versions ("
            "version_id TEXT PRIMARY KEY, model_id TEXT NOT NULL, team_id TEXT NOT NULL, number INTEGER NOT NULL, "
            "sha256 TEXT NOT NULL, size BIGINT NOT NULL, format TEXT NOT NULL, filename TEXT NOT NULL, "
            "source TEXT NOT NULL, status TEXT NOT NULL, duplicate_of TEXT, lineage TEXT NOT NULL, "
            "created_by TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, position BIGINT NOT NULL, "
            "signature TEXT, trainable_parameters BIGINT, non_trainable_parameters BIGINT, layer_count INTEGER, "
            "report_sha256 TEXT, failure_reason TEXT, last_used_at TEXT, status_reason TEXT, UNIQUE (model_id, number))"
        ),
        "model_aliases": (
            "CREATE TABLE IF NOT EXISTS model_aliases ("
            "model_id TEXT NOT NULL, alias TEXT NOT NULL, version_id TEXT NOT NULL, number INTEGER NOT NULL, "
            "moved_at TEXT NOT NULL, moved_by TEXT NOT NULL, PRIMARY KEY (model_id, alias))"
        ),
        "model_history": (
            "CREATE TABLE IF NOT EXISTS model_history ("
            "position BIGINT PRIMARY KEY, model_id TEXT NOT NULL, team_id TEXT NOT NULL, occurred_at TEXT NOT NULL, "
            "actor TEXT NOT NULL, action TEXT NOT NULL, state TEXT NOT NULL)"
        ),
    }
    indexes = [
        "CREATE INDEX IF NOT EXISTS models_by_team_name ON models (team_id, name_key, model_id)",
        "CREATE INDEX IF NOT EXISTS models_by_team_created ON models (team_id, created_at, model_id)",
        "CREATE INDEX IF NOT EXISTS models_by_team_updated ON models (team_id, updated_at, model_id)",
        # Searches across every team (a platform administrator's) sort without a team prefix.
        "CREATE INDEX IF NOT EXISTS models_by_name ON models (name_key, model_id)",
        "CREATE INDEX IF NOT EXISTS models_by_created ON models (created_at, model_id)",
        "CREATE INDEX IF NOT EXISTS models_by_updated ON models (updated_at, model_id)",
        "CREATE INDEX IF NOT EXISTS model_tags_by_tag ON model_tags (tag_key, tag_value)",
        "CREATE INDEX IF NOT EXISTS model_versions_by_model ON model_versions (model_id, number)",
        "CREATE INDEX IF NOT EXISTS model_versions_by_digest ON model_versions (team_id, sha256)",
        "CREATE INDEX IF NOT EXISTS model_aliases_by_alias ON model_aliases (alias)",
        "CREATE INDEX IF NOT EXISTS model_history_by_model ON model_history (model_id, occurred_at, position)",
        "CREATE INDEX IF NOT EXISTS model_history_by_team ON model_history (team_id, occurred_at, position)",
    ]

    def on_RegisteredModel_Registered(self, tx: Transaction, event: RegisteredModel.Registered, position: int) -> list[Change]:
        model_id = str(event.originator_id)
        tx.execute(
            "INSERT INTO models (model_id, team_id, name, name_key, description, task, tags, owner, archived, "
            "protected_aliases, version_count, created_at, updated_at, position) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, 0, ?, ?, ?)",
            (model_id, str(event.team_id), event.name, event.name.casefold(), event.description, event.task,
             json.dumps(event.tags), str(event.owner), json.dumps(event.protected_aliases), iso(event.timestamp),
             iso(event.timestamp), position),
        )
        self._write_tags(tx, model_id, event.tags)
        return self._changed(tx, event, position)

    def on_RegisteredModel_Updated(self, tx: Transaction, event: RegisteredModel.Updated, position: int) -> list[Change]:
        model_id = str(event.originator_id)
        columns = {"description": "description", "task": "task", "tags": "tags", "protected_aliases": "protected_aliases"}
        for field, value in event.changes.items():
            stored = json.dumps(value) if field in ("tags", "protected_aliases") else value
            tx.execute(f"UPDATE models SET {columns[field]} = ? WHERE model_id = ?", (stored, model_id))
        if "tags" in event.changes:
            tx.execute("DELETE FROM model_tags WHERE model_id = ?", (model_id,))
            self._write_tags(tx, model_id, event.changes["tags"])
        return self._changed(tx, event, position)

    def on_RegisteredModel_VersionAdded(self, tx: Transaction, event: RegisteredModel.VersionAdded, position: int) -> list[Change]:
        tx.execute(
            "UPDATE models SET version_count = ? WHERE model_id = ?", (event.number, str(event.originator_id))
        )
        return self._changed(tx, event, position)

    def on_RegisteredModel_AliasMoved(self, tx: Transaction, event: RegisteredModel.AliasMoved, position: int) -> list[Change]:
        tx.execute(
            "INSERT INTO model_aliases (model_id, alias, version_id, number, moved_at, moved_by) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (model_id, alias) DO UPDATE SET version_id = excluded.version_id, number = excluded.number, "
            "moved_at = excluded.moved_at, moved_by = excluded.moved_by",
            (str(event.originator_id), event.alias, str(event.version_id), event.number, iso(event.timestamp), event.actor),
        )
        return self._changed(tx, event, position)

    def on_RegisteredModel_AliasRemoved(self, tx: Transaction, event: RegisteredModel.AliasRemoved, position: int) -> list[Change]:
        tx.execute("DELETE FROM model_aliases WHERE model_id = ? AND alias = ?", (str(event.originator_id), event.alias))
        return self._changed(tx, event, position)

    def on_RegisteredModel_Archived(self, tx: Transaction, event: RegisteredModel.Archived, position: int) -> list[Change]:
        tx.execute("UPDATE models SET archived = 1 WHERE model_id = ?", (str(event.originator_id),))
        return self._changed(tx, event, position)

    def on_RegisteredModel_Restored(self, tx: Transaction, event: RegisteredModel.Restored, position: int) -> list[Change]:
        tx.execute("UPDATE models SET archived = 0 WHERE model_id = ?", (str(event.originator_id),))
        return self._changed(tx, event, position)

    def on_ModelVersion_Created(self, tx: Transaction, event: ModelVersion.Created, position: int) -> list[Change]:
        tx.execute(
            "INSERT INTO model_versions (version_id, model_id, team_id, number, sha256, size, format, filename, source, "
            "status, duplicate_of, lineage, created_by, created_at, updated_at, last_used_at, position) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?)",
            (str(event.originator_id), str(event.model_id), str(event.team_id), event.number, event.sha256, event.size,
             event.format, event.filename, event.source, str(event.duplicate_of) if event.duplicate_of else None,
             json.dumps(event.lineage), event.actor, iso(event.timestamp), iso(event.timestamp), iso(event.timestamp), position),
        )
        return [Change(MODEL_TOPIC, {"id": str(event.model_id), "position": position, "version": str(event.originator_id)})]

    def on_ModelVersion_Inspected(self, tx: Transaction, event: ModelVersion.Inspected, position: int) -> list[Change]:
        tx.execute(
            "UPDATE model_versions SET status = 'ready', signature = ?, trainable_parameters = ?, "
            "non_trainable_parameters = ?, layer_count = ?, report_sha256 = ?, updated_at = ?, position = ? WHERE version_id = ?",
            (json.dumps(event.signature), event.trainable_parameters, event.non_trainable_parameters, event.layer_count,
             event.report_sha256, iso(event.timestamp), position, str(event.originator_id)),
        )
        return self._version_changed(tx, event, position)

    def on_ModelVersion_InspectionFailed(self, tx: Transaction, event: ModelVersion.InspectionFailed, position: int) -> list[Change]:
        tx.execute(
            "UPDATE model_versions SET status = 'failed', failure_reason = ?, updated_at = ?, position = ? WHERE version_id = ?",
            (event.reason, iso(event.timestamp), position, str(event.originator_id)),
        )
        return self._version_changed(tx, event, position)

    def on_ModelVersion_Downloaded(self, tx: Transaction, event: ModelVersion.Downloaded, position: int) -> list[Change]:
        tx.execute("UPDATE model_versions SET last_used_at = ? WHERE version_id = ?", (iso(event.timestamp), str(event.originator_id)))
        return []

    def on_ModelVersion_Expired(self, tx: Transaction, event: ModelVersion.Expired, position: int) -> list[Change]:
        reason = f"unused for {event.unused_days} days with no alias"
        return self._set_status(tx, event, position, "expired", reason)

    def on_ModelVersion_MarkedBroken(self, tx: Transaction, event: ModelVersion.MarkedBroken, position: int) -> list[Change]:
        return self._set_status(tx, event, position, "broken", event.reason)

    def on_ModelVersion_Restored(self, tx: Transaction, event: ModelVersion.Restored, position: int) -> list[Change]:
        tx.execute("UPDATE model_versions SET last_used_at = ? WHERE version_id = ?", (iso(event.timestamp), str(event.originator_id)))
        return self._set_status(tx, event, position, event.status, None)

    def on_RegisteredModel_RetentionPolicySet(
        self, tx: Transaction, event: RegisteredModel.RetentionPolicySet, position: int
    ) -> list[Change]:
        tx.execute("UPDATE models SET retention_days = ? WHERE model_id = ?", (event.unused_days, str(event.originator_id)))
        return self._changed(tx, event, position)

    def _set_status(self, tx: Transaction, event: Any, position: int, status: str, reason: str | None) -> list[Change]:
        tx.execute(
            "UPDATE model_versions SET status = ?, status_reason = ?, updated_at = ?, position = ? WHERE version_id = ?",
            (status, reason, iso(event.timestamp), position, str(event.originator_id)),
        )
        return self._version_changed(tx, event, position)

    @staticmethod
    def _version_changed(tx: Transaction, event: Any, position: int) -> list[Change]:
        row = tx.fetchone("SELECT model_id FROM model_versions WHERE version_id = ?", (str(event.originator_id),))
        model_id = row["model_id"] if row else ""
        return [Change(MODEL_TOPIC, {"id": model_id, "position": position, "version": str(event.originator_id)})]

    @staticmethod
    def _write_tags(tx: Transaction, model_id: str, tags: dict[str, str]) -> None:
        for key, value in tags.items():
            tx.execute("INSERT INTO model_tags (model_id, tag_key, tag_value) VALUES (?, ?, ?)", (model_id, key, value))

    def _changed(self, tx: Transaction, event: Any, position: int) -> list[Change]:
        """Stamp the model as updated, record its whole state in its history, and announce the change."""
        model_id = str(event.originator_id)
        tx.execute("UPDATE models SET updated_at = ?, position = ? WHERE model_id = ?", (iso(event.timestamp), position, model_id))
        model = tx.fetchone("SELECT * FROM models WHERE model_id = ?", (model_id,))
        assert model is not None
        aliases = tx.fetchall("SELECT alias, number FROM model_aliases WHERE model_id = ? ORDER BY alias", (model_id,))
        state = {
            "name": model["name"],
            "description": model["description"],
            "task": model["task"],
            "tags": json.loads(model["tags"]),
            "owner": model["owner"],
            "archived": bool(model["archived"]),
            "protectedAliases": json.loads(model["protected_aliases"]),
            "versionCount": model["version_count"],
            "retentionDays": model["retention_days"],
            "aliases": {row["alias"]: row["number"] for row in aliases},
            "createdAt": model["created_at"],
            "updatedAt": model["updated_at"],
        }
        tx.execute(
            "INSERT INTO model_history (position, model_id, team_id, occurred_at, actor, action, state) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (position, model_id, model["team_id"], iso(event.timestamp), event.actor, type(event).__qualname__, json.dumps(state)),
        )
        return [Change(MODEL_TOPIC, {"id": model_id, "position": position})]


ORDER_COLUMNS = {"name": "name_key", "created": "created_at", "updated": "updated_at"}


@dataclass(frozen=True)
class ModelFilter:
    """Search conditions on models; None means any."""

    name_contains: str | None = None
    tag_key: str | None = None
    tag_value: str | None = None
    task: str | None = None
    alias: str | None = None
    archived: bool | None = None
    owner: str | None = None
    created_after: str | None = None
    created_before: str | None = None



class RegistryReader:
    def __init__(self, database: Database) -> None:
        self.database = database

    def model(self, model_id: str) -> Row | None:
        return self.database.fetchone("SELECT * FROM models WHERE model_id = ?", (model_id,))

    def models_by_ids(self, model_ids: list[str]) -> dict[str, Row]:
        if not model_ids:
            return {}
        rows = self.database.fetchall(f"SELECT * FROM models WHERE model_id IN ({','.join('?' * len(model_ids))})", model_ids)
        return {row["model_id"]: row for row in rows}

    def model_counts(self, team_ids: list[str]) -> dict[str, int]:
        """Count the models of each team, archived ones excluded; a team with none is missing from the result."""
        if not team_ids:
            return {}
        rows = self.database.fetchall(
            f"SELECT team_id, COUNT(*) AS models FROM models WHERE archived = 0 AND team_id IN ({','.join('?' * len(team_ids))}) "
            "GROUP BY team_id",
            team_ids,
        )
        return {row["team_id"]: row["models"] for row in rows}

    def search(
        self,
        teams: list[str] | None,
        where: ModelFilter,
        order: str,
        descending: bool,
        after: tuple[str, str] | None,
        limit: int,
    ) -> list[Row]:
        """Models matching `where`, ordered by `order` then id, after the (sort value, id) of the previous page."""
        column = ORDER_COLUMNS[order]
        clauses, params = self._clauses(teams, where)
        if after is not None:
            comparison = "<" if descending else ">"
            clauses.append(f"({column} {comparison} ? OR ({column} = ? AND model_id {comparison} ?))")
            params.extend([after[0], after[0], after[1]])
        direction = "DESC" if descending else "ASC"
        sql = "SELECT * FROM models"
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        sql += f" ORDER BY {column} {direction}, model_id {direction} LIMIT ?"
        return self.database.fetchall(sql, [*params, limit])

    @staticmethod
    def _clauses(teams: list[str] | None, where: ModelFilter) -> tuple[list[str], list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if teams is not None:
            if not teams:
                return ["1 = 0"], []
            clauses.append(f"team_id IN ({','.join('?' * len(teams))})")
            params.extend(teams)
        if where.name_contains:
            clauses.append("name_key LIKE ? ESCAPE '\\'")
            params.append(like_pattern(where.name_contains))
        if where.tag_key is not None:
            # IN over the tag index reads only the matching models; a correlated EXISTS visits every model.
            if where.tag_value is None:
                clauses.append("model_id IN (SELECT model_id FROM model_tags WHERE tag_key = ?)")
                params.append(where.tag_key)
            else:
                clauses.append("model_id IN (SELECT model_id FROM model_tags WHERE tag_key = ? AND tag_value = ?)")
                params.extend([where.tag_key, where.tag_value])
        if where.alias is not None:
            clauses.append("model_id IN (SELECT model_id FROM model_aliases WHERE alias = ?)")
            params.append(where.alias)
        for column, value in (("task", where.task), ("owner", where.owner)):
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value)
        if where.archived is not None:
            clauses.append("archived = ?")
            params.append(int(where.archived))
        if where.created_after is not None:
            clauses.append("created_at >= ?")
            params.append(where.created_after)
        if where.created_before is not None:
            clauses.append("created_at < ?")
            params.append(where.created_before)
        return clauses, params

    def versions(self, model_id: str, after_number: int | None, limit: int, *, as_of: str | None = None) -> list[Row]:
        sql, params = "SELECT * FROM model_versions WHERE model_id = ?", [model_id]
        if after_number is not None:
            sql += " AND number > ?"
            params.append(after_number)
        if as_of is not None:
            sql += " AND created_at <= ?"
            params.append(as_of)
        return self.database.fetchall(sql + " ORDER BY number LIMIT ?", [*params, limit])

    def retention_candidates(self, now: str, limit: int) -> list[Row]:
        """Versions of models with a retention policy, not yet expired or broken, unused since before the policy's window."""
        rows = self.database.fetchall(
            "SELECT v.version_id, v.last_used_at, m.retention_days FROM model_versions v JOIN models m ON m.model_id = v.model_id "
            "WHERE m.retention_days IS NOT NULL AND v.status NOT IN ('expired', 'broken') "
            "AND NOT EXISTS (SELECT 1 FROM model_aliases a WHERE a.model_id = v.model_id AND a.number = v.number) "
            "ORDER BY v.last_used_at LIMIT ?",
            (limit,),
        )
        moment = parse_iso(now)
        assert moment is not None
        return [row for row in rows if parse_iso(row["last_used_at"]) <= moment - timedelta(days=int(row["retention_days"]))]  # type: ignore[operator]

    def live_versions(self, after_position: int, limit: int) -> list[Row]:
        """Versions that are neither expired nor broken, for the integrity check, in batches by position."""
        return self.database.fetchall(
            "SELECT version_id, sha256, position FROM model_versions WHERE status NOT IN ('expired', 'broken') AND position > ? "
            "ORDER BY position LIMIT ?",
            (after_position, limit),
        )

    def pending(self, limit: int) -> list[Row]:
        """Versions waiting for inspection, oldest first."""
        return self.database.fetchall(
            "SELECT version_id, sha256, format, filename FROM model_versions WHERE status = 'pending' ORDER BY position LIMIT ?",
            (limit,),
        )

    def version(self, version_id: str) -> Row | None:
        return self.database.fetchone("SELECT * FROM model_versions WHERE version_id = ?", (version_id,))

    def version_by_number(self, model_id: str, number: int) -> Row | None:
        return self.database.fetchone("SELECT * FROM model_versions WHERE model_id = ? AND number = ?", (model_id, number))

    def versions_by_ids(self, version_ids: list[str]) -> dict[str, Row]:
        if not version_ids:
            return {}
        marks = ",".join("?" * len(version_ids))
        rows = self.database.fetchall(f"SELECT * FROM model_versions WHERE version_id IN ({marks})", version_ids)
        return {row["version_id"]: row for row in rows}

    def aliases(self, model_ids: list[str]) -> dict[str, list[Row]]:
        """Aliases of each model, by alias name."""
        found: dict[str, list[Row]] = {model_id: [] for model_id in model_ids}
        if not model_ids:
            return found
        marks = ",".join("?" * len(model_ids))
        for row in self.database.fetchall(f"SELECT * FROM model_aliases WHERE model_id IN ({marks}) ORDER BY alias", model_ids):
            found[row["model_id"]].append(row)
        return found

    def history(self, model_id: str, before_position: int | None, limit: int) -> list[Row]:
        sql, params = "SELECT * FROM model_history WHERE model_id = ?", [model_id]
        if before_position is not None:
            sql += " AND position < ?"
            params.append(before_position)
        return self.database.fetchall(sql + " ORDER BY position DESC LIMIT ?", [*params, limit])

    def state_as_of(self, model_id: str, as_of: str) -> Row | None:
        """Return the model's last recorded state at or before `as_of`, or None if it did not exist yet."""
        return self.database.fetchone(
            "SELECT * FROM model_history WHERE model_id = ? AND occurred_at <= ? ORDER BY position DESC LIMIT 1",
            (model_id, as_of),
        )

    def states_as_of(self, teams: list[str] | None, as_of: str, after_name: tuple[str, str] | None, limit: int) -> list[Row]:
        """Return the state of every model that existed at `as_of`, by name, since a model's name never changes."""
        clauses, params = ["occurred_at <= ?"], [as_of]
        if teams is not None:
            if not teams:
                return []
            clauses.append(f"team_id IN ({','.join('?' * len(teams))})")
            params.extend(teams)
        latest = f"SELECT model_id, MAX(position) AS position FROM model_history WHERE {' AND '.join(clauses)} GROUP BY model_id"
        sql = (
            "SELECT h.*, m.name_key FROM model_history h JOIN (" + latest + ") l ON h.position = l.position "
            "JOIN models m ON m.model_id = h.model_id"
        )
        if after_name is not None:
            sql += " WHERE (m.name_key > ? OR (m.name_key = ? AND h.model_id > ?))"
            params.extend([after_name[0], after_name[0], after_name[1]])
        sql += " ORDER BY m.name_key, h.model_id LIMIT ?"
        return self.database.fetchall(sql, [*params, limit])
