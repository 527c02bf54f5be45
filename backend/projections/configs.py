"""Read models of configuration profiles: each profile and every revision's whole document."""

from __future__ import annotations

import json
from typing import Any

from backend.database import Database, Row, Transaction
from backend.domain.configs import ConfigProfile
from backend.projections.base import Change, Projection, iso, search_by_name

CONFIG_TOPIC = "config"


class ConfigsProjection(Projection):
    name = "configs"
    tables = {
        "config_profiles": (
            "CREATE TABLE IF NOT EXISTS config_profiles ("
            "profile_id TEXT PRIMARY KEY, team_id TEXT NOT NULL, name TEXT NOT NULL, name_key TEXT NOT NULL, "
            "description TEXT NOT NULL, owner TEXT NOT NULL, archived INTEGER NOT NULL, latest_revision INTEGER NOT NULL, "
            "created_at TEXT NOT NULL, updated_at TEXT NOT NULL, position BIGINT NOT NULL)"
        ),
        "config_revisions": (
            "CREATE TABLE IF NOT EXISTS config_revisions ("
            "profile_id TEXT NOT NULL, revision INTEGER NOT NULL, document TEXT NOT NULL, comment TEXT NOT NULL, "
            "created_by TEXT NOT NULL, created_at TEXT NOT NULL, PRIMARY KEY (profile_id, revision))"
        ),
    }
    indexes = [
        "CREATE INDEX IF NOT EXISTS config_profiles_by_team_name ON config_profiles (team_id, name_key, profile_id)",
        "CREATE INDEX IF NOT EXISTS config_profiles_by_name ON config_profiles (name_key, profile_id)",
    ]

    def on_ConfigProfile_Created(self, tx: Transaction, event: ConfigProfile.Created, position: int) -> list[Change]:
        profile_id = str(event.originator_id)
        tx.execute(
            "INSERT INTO config_profiles (profile_id, team_id, name, name_key, description, owner, archived, latest_revision, "
            "created_at, updated_at, position) VALUES (?, ?, ?, ?, ?, ?, 0, 1, ?, ?, ?)",
            (profile_id, str(event.team_id), event.name, event.name.casefold(), event.description, str(event.owner),
             iso(event.timestamp), iso(event.timestamp), position),
        )
        self._insert_revision(tx, profile_id, 1, event.document, "", event.actor, event.timestamp)
        return [Change(CONFIG_TOPIC, {"id": profile_id, "position": position})]

    def on_ConfigProfile_Revised(self, tx: Transaction, event: ConfigProfile.Revised, position: int) -> list[Change]:
        profile_id = str(event.originator_id)
        self._insert_revision(tx, profile_id, event.revision, event.document, event.comment, event.actor, event.timestamp)
        tx.execute(
            "UPDATE config_profiles SET latest_revision = ?, updated_at = ?, position = ? WHERE profile_id = ?",
            (event.revision, iso(event.timestamp), position, profile_id),
        )
        return [Change(CONFIG_TOPIC, {"id": profile_id, "position": position})]

    def on_ConfigProfile_Archived(self, tx: Transaction, event: ConfigProfile.Archived, position: int) -> list[Change]:
        profile_id = str(event.originator_id)
        tx.execute(
            "UPDATE config_profiles SET archived = 1, updated_at = ?, position = ? WHERE profile_id = ?",
            (iso(event.timestamp), position, profile_id),
        )
        return [Change(CONFIG_TOPIC, {"id": profile_id, "position": position})]

    @staticmethod
    def _insert_revision(tx: Transaction, profile_id: str, revision: int, document: dict[str, Any], comment: str, actor: str, at: Any) -> None:
        tx.execute(
            "INSERT INTO config_revisions (profile_id, revision, document, comment, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (profile_id, revision, json.dumps(document, sort_keys=True), comment, actor, iso(at)),
        )



class ConfigsReader:
    def __init__(self, database: Database) -> None:
        self.database = database

    def profile(self, profile_id: str) -> Row | None:
        return self.database.fetchone("SELECT * FROM config_profiles WHERE profile_id = ?", (profile_id,))

    def search(
        self, teams: list[str] | None, name_contains: str | None, archived: bool | None, after: tuple[str, str] | None, limit: int
    ) -> list[Row]:
        """Profiles by name then id, after the (name, id) of the previous page."""
        return search_by_name(self.database, "config_profiles", "profile_id", teams, name_contains, archived, after, limit)

    def revision(self, profile_id: str, revision: int) -> Row | None:
        return self.database.fetchone(
            "SELECT * FROM config_revisions WHERE profile_id = ? AND revision = ?", (profile_id, revision)
        )

    def revisions(self, profile_id: str, before: int | None, limit: int) -> list[Row]:
        """Revisions newest first, before the revision number of the previous page."""
        sql, params = "SELECT * FROM config_revisions WHERE profile_id = ?", [profile_id]
        if before is not None:
            sql += " AND revision < ?"
            params.append(before)
        return self.database.fetchall(sql + " ORDER BY revision DESC LIMIT ?", [*params, limit])
