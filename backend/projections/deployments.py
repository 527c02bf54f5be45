"""Read model of deployments: each deployment's current and active revision, its health, and every revision."""

from __future__ import annotations

import json
from typing import Any

from backend.database import Database, Row, Transaction
from backend.domain.deployments import Deployment
from backend.domain.inference import InferenceLog
from backend.projections.base import Change, Projection, iso, search_newest_first

DEPLOYMENT_TOPIC = "deployment"



# The revision action of a Scaled event by the settings it changed. The event covers every change except traffic.
SETTINGS_ACTIONS = {
    frozenset({"scaling"}): "scaled",
    frozenset({"cpusPerReplica"}): "scaled",
    frozenset({"scaling", "cpusPerReplica"}): "scaled",
    frozenset({"batching"}): "batchingChanged",
    frozenset({"requestLogSample"}): "requestLogSampleChanged",
    frozenset({"languages"}): "languagesChanged",
}


def settings_action(previous: dict[str, Any], config: dict[str, Any]) -> str:
    """Name the revision action of a settings change: "reconfigured" when several kinds of settings changed."""
    changed = frozenset(key for key in {*previous, *config} if previous.get(key) != config.get(key))
    return SETTINGS_ACTIONS.get(changed, "reconfigured")


class DeploymentsProjection(Projection):
    name = "deployments"
    tables = {
        "deployments": (
            "CREATE TABLE IF NOT EXISTS deployments ("
            "deployment_id TEXT PRIMARY KEY, team_id TEXT NOT NULL, model_id TEXT NOT NULL, name TEXT NOT NULL, "
            "status TEXT NOT NULL, revision INTEGER NOT NULL, config TEXT NOT NULL, previous_config TEXT, "
            "active_revision INTEGER, active_config TEXT, replicas INTEGER, health_reason TEXT, "
            "created_by TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, "
            "created_position BIGINT NOT NULL, position BIGINT NOT NULL, UNIQUE (team_id, name))"
        ),
        "inference_windows": (
            "CREATE TABLE IF NOT EXISTS inference_windows ("
            "position BIGINT PRIMARY KEY, deployment_id TEXT NOT NULL, started_at TEXT NOT NULL, ended_at TEXT NOT NULL, "
            "process TEXT NOT NULL, requests BIGINT NOT NULL, rows_predicted BIGINT NOT NULL, errors BIGINT NOT NULL, "
            "client_errors BIGINT NOT NULL, latency_buckets TEXT NOT NULL, latency_sum_ms DOUBLE PRECISION NOT NULL, "
            "callers TEXT NOT NULL, versions TEXT NOT NULL)"
        ),
        "deployment_revisions": (
            "CREATE TABLE IF NOT EXISTS deployment_revisions ("
            "deployment_id TEXT NOT NULL, revision INTEGER NOT NULL, action TEXT NOT NULL, config TEXT NOT NULL, "
            "restored_revision INTEGER, actor TEXT NOT NULL, created_at TEXT NOT NULL, activated_at TEXT, "
            "position BIGINT NOT NULL, PRIMARY KEY (deployment_id, revision))"
        ),
    }
    indexes = [
        "CREATE INDEX IF NOT EXISTS deployments_by_team ON deployments (team_id, created_position)",
        "CREATE INDEX IF NOT EXISTS deployments_by_model ON deployments (model_id, created_position)",
        "CREATE INDEX IF NOT EXISTS inference_windows_by_deployment ON inference_windows (deployment_id, ended_at)",
    ]

    def on_Deployment_Requested(self, tx: Transaction, event: Deployment.Requested, position: int) -> list[Change]:
        values: dict[str, Any] = {
            "deployment_id": str(event.originator_id),
            "team_id": str(event.team_id),
            "model_id": str(event.model_id),
            "name": event.name,
            "status": "deploying",
            "revision": 1,
            "config": json.dumps(event.config),
            "created_by": event.actor,
            "created_at": iso(event.timestamp),
            "updated_at": iso(event.timestamp),
            "created_position": position,
            "position": position,
        }
        tx.execute(f"INSERT INTO deployments ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})", list(values.values()))
        self._add_revision(tx, event, position, 1, "created", event.config, None)
        return self._changed(event, position)

    def on_Deployment_TrafficShifted(self, tx: Transaction, event: Deployment.TrafficShifted, position: int) -> list[Change]:
        return self._revised(tx, event, position, "trafficShifted", None)

    def on_Deployment_Scaled(self, tx: Transaction, event: Deployment.Scaled, position: int) -> list[Change]:
        row = tx.fetchone("SELECT config FROM deployments WHERE deployment_id = ?", (str(event.originator_id),))
        previous = json.loads(row["config"]) if row is not None else {}
        return self._revised(tx, event, position, settings_action(previous, event.config), None)

    def on_Deployment_RolledBack(self, tx: Transaction, event: Deployment.RolledBack, position: int) -> list[Change]:
        return self._revised(tx, event, position, "rolledBack", event.restored_revision)

    def on_Deployment_BecameHealthy(self, tx: Transaction, event: Deployment.BecameHealthy, position: int) -> list[Change]:
        deployment_id = str(event.originator_id)
        row = tx.fetchone("SELECT revision FROM deployments WHERE deployment_id = ?", (deployment_id,))
        status = "healthy" if row is not None and int(row["revision"]) == event.revision else "deploying"
        tx.execute(
            "UPDATE deployments SET status = ?, active_revision = ?, active_config = "
            "(SELECT config FROM deployment_revisions WHERE deployment_id = ? AND revision = ?), replicas = ?, "
            "health_reason = NULL, updated_at = ?, position = ? WHERE deployment_id = ?",
            (status, event.revision, deployment_id, event.revision, event.replicas, iso(event.timestamp), position, deployment_id),
        )
        tx.execute("UPDATE deployment_revisions SET activated_at = ? WHERE deployment_id = ? AND revision = ? AND activated_at IS NULL",
                   (iso(event.timestamp), deployment_id, event.revision))
        return self._changed(event, position)

    def on_Deployment_Degraded(self, tx: Transaction, event: Deployment.Degraded, position: int) -> list[Change]:
        tx.execute("UPDATE deployments SET status = 'degraded', health_reason = ?, updated_at = ?, position = ? WHERE deployment_id = ?",
                   (event.reason, iso(event.timestamp), position, str(event.originator_id)))
        return self._changed(event, position)

    def on_Deployment_Stopped(self, tx: Transaction, event: Deployment.Stopped, position: int) -> list[Change]:
        tx.execute(
            "UPDATE deployments SET status = 'stopped', active_revision = NULL, active_config = NULL, replicas = 0, "
            "updated_at = ?, position = ? WHERE deployment_id = ?",
            (iso(event.timestamp), position, str(event.originator_id)),
        )
        return self._changed(event, position)

    def on_Deployment_Started(self, tx: Transaction, event: Deployment.Started, position: int) -> list[Change]:
        tx.execute("UPDATE deployments SET status = 'deploying', health_reason = NULL, updated_at = ?, position = ? "
                   "WHERE deployment_id = ?", (iso(event.timestamp), position, str(event.originator_id)))
        return self._changed(event, position)

    def on_InferenceLog_WindowRecorded(self, tx: Transaction, event: InferenceLog.WindowRecorded, position: int) -> list[Change]:
        tx.execute(
            "INSERT INTO inference_windows (position, deployment_id, started_at, ended_at, process, requests, rows_predicted, "
            "errors, client_errors, latency_buckets, latency_sum_ms, callers, versions) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (position, str(event.deployment_id), iso(event.started_at), iso(event.ended_at), event.process, event.requests,
             event.rows, event.errors, event.client_errors, json.dumps(event.latency_buckets), event.latency_sum_ms,
             json.dumps(event.callers), json.dumps(event.versions)),
        )
        return [Change(DEPLOYMENT_TOPIC, {"id": str(event.deployment_id), "team": event.team, "position": position})]

    def _revised(self, tx: Transaction, event: Any, position: int, action: str, restored: int | None) -> list[Change]:
        deployment_id = str(event.originator_id)
        tx.execute(
            "UPDATE deployments SET previous_config = config, config = ?, revision = ?, status = CASE WHEN status = 'stopped' "
            "THEN 'stopped' ELSE 'deploying' END, updated_at = ?, position = ? WHERE deployment_id = ?",
            (json.dumps(event.config), event.revision, iso(event.timestamp), position, deployment_id),
        )
        self._add_revision(tx, event, position, event.revision, action, event.config, restored)
        return self._changed(event, position)

    @staticmethod
    def _add_revision(tx: Transaction, event: Any, position: int, revision: int, action: str, config: dict[str, Any],
                      restored: int | None) -> None:
        tx.execute(
            "INSERT INTO deployment_revisions (deployment_id, revision, action, config, restored_revision, actor, created_at, "
            "position) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (str(event.originator_id), revision, action, json.dumps(config), restored, event.actor, iso(event.timestamp), position),
        )

    @staticmethod
    def _changed(event: Any, position: int) -> list[Change]:
        return [Change(DEPLOYMENT_TOPIC, {"id": str(event.originator_id), "team": event.team, "position": position})]


class DeploymentsReader:
    def __init__(self, database: Database) -> None:
        self.database = database

    def deployment(self, deployment_id: str) -> Row | None:
        return self.database.fetchone("SELECT * FROM deployments WHERE deployment_id = ?", (deployment_id,))

    def by_name(self, team_id: str, name: str) -> Row | None:
        return self.database.fetchone("SELECT * FROM deployments WHERE team_id = ? AND name = ?", (team_id, name))

    def search(self, teams: list[str] | None, *, model_id: str | None, statuses: list[str] | None, before: int | None,
               limit: int) -> list[Row]:
        """Deployments newest first, before the created position of the previous page's last one."""
        return search_newest_first(self.database, "deployments", "created_position", teams, {"model_id": model_id}, statuses,
                                   before, limit)

    def revisions(self, deployment_id: str, before: int | None, limit: int) -> list[Row]:
        sql, params = "SELECT * FROM deployment_revisions WHERE deployment_id = ?", [deployment_id]
        if before is not None:
            sql += " AND revision < ?"
            params.append(before)
        return self.database.fetchall(sql + " ORDER BY revision DESC LIMIT ?", [*params, limit])

    def windows(self, deployment_id: str, since: str | None, until: str | None, limit: int) -> list[Row]:
        """Inference windows that ended in [since, until), oldest first."""
        sql, params = "SELECT * FROM inference_windows WHERE deployment_id = ?", [deployment_id]
        if since is not None:
            sql += " AND ended_at >= ?"
            params.append(since)
        if until is not None:
            sql += " AND ended_at < ?"
            params.append(until)
        return self.database.fetchall(sql + " ORDER BY ended_at, position LIMIT ?", [*params, limit])

    def live(self) -> list[Row]:
        """Return every deployment that is not stopped, for the reconciler."""
        return self.database.fetchall("SELECT * FROM deployments WHERE status <> 'stopped' ORDER BY created_position")

    def stopped(self) -> list[Row]:
        return self.database.fetchall("SELECT deployment_id FROM deployments WHERE status = 'stopped'")
