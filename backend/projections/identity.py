"""Read models of identity: users, teams, memberships and API tokens."""

from __future__ import annotations

import json
from typing import Any

from backend.database import Database, Row, Transaction
from backend.domain.identity import ApiToken, Team, User
from backend.projections.base import Change, Projection, iso


class IdentityProjection(Projection):
    name = "identity"
    tables = {
        "users": (
            "CREATE TABLE IF NOT EXISTS users ("
            "user_id TEXT PRIMARY KEY, username TEXT NOT NULL UNIQUE, is_admin INTEGER NOT NULL, "
            "sealed_profile TEXT NOT NULL, sealed_password_hash TEXT, erased INTEGER NOT NULL DEFAULT 0, "
            "created_at TEXT NOT NULL, created_by TEXT NOT NULL, position BIGINT NOT NULL)"
        ),
        "teams": (
            "CREATE TABLE IF NOT EXISTS teams ("
            "team_id TEXT PRIMARY KEY, name TEXT NOT NULL, name_key TEXT NOT NULL UNIQUE, description TEXT NOT NULL, "
            "created_at TEXT NOT NULL, created_by TEXT NOT NULL, position BIGINT NOT NULL)"
        ),
        "team_members": (
            "CREATE TABLE IF NOT EXISTS team_members ("
            "team_id TEXT NOT NULL, user_id TEXT NOT NULL, role TEXT NOT NULL, added_at TEXT NOT NULL, "
            "joined_position BIGINT NOT NULL, position BIGINT NOT NULL, PRIMARY KEY (team_id, user_id))"
        ),
        "api_tokens": (
            "CREATE TABLE IF NOT EXISTS api_tokens ("
            "token_id TEXT PRIMARY KEY, team_id TEXT NOT NULL, user_id TEXT NOT NULL, name TEXT NOT NULL, "
            "scopes TEXT NOT NULL, secret_sha256 TEXT NOT NULL UNIQUE, prefix TEXT NOT NULL, expires_at TEXT, "
            "revoked_at TEXT, created_at TEXT NOT NULL, position BIGINT NOT NULL)"
        ),
    }
    indexes = [
        "CREATE INDEX IF NOT EXISTS team_members_by_user ON team_members (user_id)",
        "CREATE INDEX IF NOT EXISTS api_tokens_by_team ON api_tokens (team_id, position)",
    ]

    def on_User_Registered(self, tx: Transaction, event: User.Registered, position: int) -> list[Change]:
        tx.execute(
            "INSERT INTO users (user_id, username, is_admin, sealed_profile, created_at, created_by, position) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (str(event.originator_id), event.username, int(event.is_admin), event.sealed_profile,
             iso(event.timestamp), event.actor, position),
        )
        return [Change("user", {"id": str(event.originator_id)})]

    def on_User_PasswordChanged(self, tx: Transaction, event: User.PasswordChanged, position: int) -> list[Change]:
        tx.execute(
            "UPDATE users SET sealed_password_hash = ?, position = ? WHERE user_id = ?",
            (event.sealed_password_hash, position, str(event.originator_id)),
        )
        return []

    def on_User_Erased(self, tx: Transaction, event: User.Erased, position: int) -> list[Change]:
        tx.execute(
            "UPDATE users SET erased = 1, sealed_password_hash = NULL, position = ? WHERE user_id = ?",
            (position, str(event.originator_id)),
        )
        tx.execute(
            "UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
            (iso(event.timestamp), str(event.originator_id)),
        )
        return [Change("user", {"id": str(event.originator_id)})]

    def on_Team_Created(self, tx: Transaction, event: Team.Created, position: int) -> list[Change]:
        tx.execute(
            "INSERT INTO teams (team_id, name, name_key, description, created_at, created_by, position) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (str(event.originator_id), event.name, event.name.casefold(), event.description,
             iso(event.timestamp), event.actor, position),
        )
        return [self._team_changed(event)]

    def on_Team_MemberAdded(self, tx: Transaction, event: Team.MemberAdded, position: int) -> list[Change]:
        tx.execute(
            "INSERT INTO team_members (team_id, user_id, role, added_at, joined_position, position) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (str(event.originator_id), str(event.user_id), event.role, iso(event.timestamp), position, position),
        )
        return [self._team_changed(event)]

    def on_Team_MemberRoleChanged(self, tx: Transaction, event: Team.MemberRoleChanged, position: int) -> list[Change]:
        tx.execute(
            "UPDATE team_members SET role = ?, position = ? WHERE team_id = ? AND user_id = ?",
            (event.role, position, str(event.originator_id), str(event.user_id)),
        )
        return [self._team_changed(event)]

    def on_Team_MemberRemoved(self, tx: Transaction, event: Team.MemberRemoved, position: int) -> list[Change]:
        tx.execute(
            "DELETE FROM team_members WHERE team_id = ? AND user_id = ?",
            (str(event.originator_id), str(event.user_id)),
        )
        return [self._team_changed(event)]

    def on_ApiToken_Issued(self, tx: Transaction, event: ApiToken.Issued, position: int) -> list[Change]:
        tx.execute(
            "INSERT INTO api_tokens (token_id, team_id, user_id, name, scopes, secret_sha256, prefix, expires_at, "
            "created_at, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (str(event.originator_id), str(event.team_id), str(event.user_id), event.name, json.dumps(event.scopes),
             event.secret_sha256, event.prefix, iso(event.expires_at), iso(event.timestamp), position),
        )
        return [Change("token", {"id": str(event.originator_id), "team": str(event.team_id)})]

    def on_ApiToken_Revoked(self, tx: Transaction, event: ApiToken.Revoked, position: int) -> list[Change]:
        tx.execute(
            "UPDATE api_tokens SET revoked_at = ? WHERE token_id = ?",
            (iso(event.timestamp), str(event.originator_id)),
        )
        return [Change("token", {"id": str(event.originator_id)})]

    @staticmethod
    def _team_changed(event: Any) -> Change:
        return Change("team", {"id": str(event.originator_id)})


class IdentityReader:
    """Queries on the identity read models."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def user(self, user_id: str) -> Row | None:
        return self.database.fetchone("SELECT * FROM users WHERE user_id = ?", (user_id,))

    def users(self, user_ids: list[str]) -> dict[str, Row]:
        if not user_ids:
            return {}
        marks = ",".join("?" * len(user_ids))
        rows = self.database.fetchall(f"SELECT * FROM users WHERE user_id IN ({marks})", user_ids)
        return {row["user_id"]: row for row in rows}

    def user_by_username(self, username: str) -> Row | None:
        return self.database.fetchone("SELECT * FROM users WHERE username = ?", (username,))

    def list_users(self, after_position: int | None, limit: int) -> list[Row]:
        sql, params = _after("SELECT * FROM users", [], "position", after_position)
        return self.database.fetchall(sql + " ORDER BY position LIMIT ?", [*params, limit])

    def team(self, team_id: str) -> Row | None:
        return self.database.fetchone("SELECT * FROM teams WHERE team_id = ?", (team_id,))

    def teams(self, team_ids: list[str]) -> dict[str, Row]:
        if not team_ids:
            return {}
        marks = ",".join("?" * len(team_ids))
        rows = self.database.fetchall(f"SELECT * FROM teams WHERE team_id IN ({marks})", team_ids)
        return {row["team_id"]: row for row in rows}

    def team_by_name(self, name: str) -> Row | None:
        return self.database.fetchone("SELECT * FROM teams WHERE name_key = ?", (name.casefold(),))

    def memberships(self, user_id: str) -> dict[str, str]:
        """Map each team id the user belongs to onto their role in it."""
        rows = self.database.fetchall("SELECT team_id, role FROM team_members WHERE user_id = ?", (user_id,))
        return {row["team_id"]: row["role"] for row in rows}

    def list_teams(self, team_ids: list[str] | None, after_key: str | None, limit: int) -> list[Row]:
        """Teams ordered by name; `team_ids` None means every team."""
        clauses: list[str] = []
        params: list[object] = []
        if team_ids is not None:
            if not team_ids:
                return []
            clauses.append(f"team_id IN ({','.join('?' * len(team_ids))})")
            params.extend(team_ids)
        sql, params = _after("SELECT * FROM teams", clauses, "name_key", after_key, params)
        return self.database.fetchall(sql + " ORDER BY name_key LIMIT ?", [*params, limit])

    def members(self, team_id: str, after_position: int | None, limit: int) -> list[Row]:
        sql, params = _after("SELECT * FROM team_members", ["team_id = ?"], "position", after_position, [team_id])
        return self.database.fetchall(sql + " ORDER BY position LIMIT ?", [*params, limit])

    def member(self, team_id: str, user_id: str) -> Row | None:
        return self.database.fetchone(
            "SELECT * FROM team_members WHERE team_id = ? AND user_id = ?", (team_id, user_id)
        )

    def token(self, token_id: str) -> Row | None:
        return self.database.fetchone("SELECT * FROM api_tokens WHERE token_id = ?", (token_id,))

    def tokens_by_id(self, token_ids: list[str]) -> dict[str, Row]:
        if not token_ids:
            return {}
        marks = ",".join("?" * len(token_ids))
        rows = self.database.fetchall(f"SELECT * FROM api_tokens WHERE token_id IN ({marks})", token_ids)
        return {row["token_id"]: row for row in rows}

    def token_by_digest(self, secret_sha256: str) -> Row | None:
        return self.database.fetchone("SELECT * FROM api_tokens WHERE secret_sha256 = ?", (secret_sha256,))

    def tokens(self, team_id: str, user_id: str | None, after_position: int | None, limit: int) -> list[Row]:
        clauses, params = ["team_id = ?"], [team_id]
        if user_id is not None:
            clauses.append("user_id = ?")
            params.append(user_id)
        sql, params = _after("SELECT * FROM api_tokens", clauses, "position", after_position, params)
        return self.database.fetchall(sql + " ORDER BY position LIMIT ?", [*params, limit])


def _after(
    select: str, clauses: list[str], column: str, after: object | None, params: list[object] | None = None
) -> tuple[str, list[object]]:
    """Add `column > after` (when `after` is given) to the WHERE clauses of a keyset-paged query."""
    params = list(params or [])
    clauses = list(clauses)
    if after is not None:
        clauses.append(f"{column} > ?")
        params.append(after)
    if clauses:
        select += " WHERE " + " AND ".join(clauses)
    return select, params
