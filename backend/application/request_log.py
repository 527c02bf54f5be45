"""The request log: a sample of prediction requests and responses, kept for drift analysis.

Payloads are too many and too large for the event log, so sampled ones go to a table of their
own, written in batches when the inference meter flushes. Each deployment keeps its newest
MAX_ENTRIES_PER_DEPLOYMENT entries; older ones are deleted as new ones arrive. Each batch
written sends a change on REQUEST_LOG_TOPIC, so live subscribers read the new entries at once.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from backend.database import Database, Row, Transaction
from backend.projections.base import Change
from backend.projections.broker import CHANNEL, ChangeBroker, encode

# Rows of one request kept in the log; a larger request is logged with its first rows only.
MAX_LOGGED_ROWS = 100
MAX_ENTRIES_PER_DEPLOYMENT = 10_000
APPEND_ATTEMPTS = 3
# Changes on this topic carry the deployment's id as `id` and its newest entry id as `entryId`.
REQUEST_LOG_TOPIC = "requestLog"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoggedCall:
    deployment_id: str
    logged_at: str
    version: int
    caller: str
    rows: int
    latency_ms: float
    inputs: dict[str, Any]
    outputs: dict[str, Any]


class RequestSampler:
    """Decides which calls of a deployment are logged: exactly `rate` of them, spread evenly, without randomness."""

    def __init__(self) -> None:
        self._calls: dict[str, int] = {}

    def take(self, deployment_id: str, rate: float) -> bool:
        count = self._calls.get(deployment_id, 0) + 1
        self._calls[deployment_id] = count
        return int(count * rate) > int((count - 1) * rate)


class RequestLog:
    """The request log table. With a `broker`, each batch written is announced to this process's subscribers.

    On PostgreSQL the change goes out with NOTIFY in the writing transaction instead, so every API
    process that listens receives it.
    """

    def __init__(self, database: Database, broker: ChangeBroker | None = None) -> None:
        self.database = database
        self.broker = broker

    def create_table(self) -> None:
        self.database.execute(
            "CREATE TABLE IF NOT EXISTS request_log (entry_id BIGINT NOT NULL, deployment_id TEXT NOT NULL, "
            "logged_at TEXT NOT NULL, version INTEGER NOT NULL, caller TEXT NOT NULL, rows_predicted INTEGER NOT NULL, "
            "latency_ms DOUBLE PRECISION NOT NULL, inputs TEXT NOT NULL, outputs TEXT NOT NULL, "
            "PRIMARY KEY (deployment_id, entry_id))"
        )

    def append(self, calls: list[LoggedCall]) -> None:
        """Store the calls, numbering them after each deployment's newest entry, and drop entries beyond the cap."""
        by_deployment: dict[str, list[LoggedCall]] = {}
        for call in calls:
            by_deployment.setdefault(call.deployment_id, []).append(call)
        for deployment_id, entries in by_deployment.items():
            for attempt in range(1, APPEND_ATTEMPTS + 1):
                try:
                    self._append(deployment_id, entries)
                    break
                except Exception:
                    # Another API process numbered the same entries first; number them again after its rows.
                    if attempt == APPEND_ATTEMPTS:
                        raise
                    log.info("request log append conflicted; retrying", extra={"deployment_id": deployment_id, "attempt": attempt})

    def _append(self, deployment_id: str, entries: list[LoggedCall]) -> None:
        with self.database.transaction() as tx:
            newest = tx.fetchone("SELECT MAX(entry_id) AS newest FROM request_log WHERE deployment_id = ?", (deployment_id,))
            next_id = int(newest["newest"] or 0) + 1 if newest else 1
            for offset, call in enumerate(entries):
                tx.execute(
                    "INSERT INTO request_log (entry_id, deployment_id, logged_at, version, caller, rows_predicted, latency_ms, "
                    "inputs, outputs) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (next_id + offset, deployment_id, call.logged_at, call.version, call.caller, call.rows,
                     round(call.latency_ms, 3), json.dumps(call.inputs), json.dumps(call.outputs)),
                )
            newest_id = next_id + len(entries) - 1
            tx.execute("DELETE FROM request_log WHERE deployment_id = ? AND entry_id <= ?",
                       (deployment_id, newest_id - MAX_ENTRIES_PER_DEPLOYMENT))
            change = Change(REQUEST_LOG_TOPIC, {"id": deployment_id, "entryId": newest_id})
            if self.database.dialect == "postgres":
                _notify(tx, change)
        if self.database.dialect != "postgres" and self.broker is not None:
            self.broker.publish([change])

    def entries(self, deployment_id: str, before: int | None, limit: int) -> list[Row]:
        """Return a deployment's entries, newest first, before the entry id of the previous page's last one."""
        sql, params = "SELECT * FROM request_log WHERE deployment_id = ?", [deployment_id]
        if before is not None:
            sql += " AND entry_id < ?"
            params.append(before)
        return self.database.fetchall(sql + " ORDER BY entry_id DESC LIMIT ?", [*params, limit])

    def between(self, deployment_id: str, since: str, until: str, limit: int) -> list[Row]:
        """Return a deployment's entries logged in [since, until], newest first, at most `limit` of them."""
        return self.database.fetchall(
            "SELECT * FROM request_log WHERE deployment_id = ? AND logged_at >= ? AND logged_at <= ? "
            "ORDER BY entry_id DESC LIMIT ?", (deployment_id, since, until, limit))

    def newer(self, deployment_id: str, after: int, limit: int) -> list[Row]:
        """Return a deployment's entries numbered above `after`, newest first, at most `limit` of them."""
        return self.database.fetchall(
            "SELECT * FROM request_log WHERE deployment_id = ? AND entry_id > ? ORDER BY entry_id DESC LIMIT ?",
            (deployment_id, after, limit))

    def newest_id(self, deployment_id: str) -> int:
        """Return the id of a deployment's newest entry, or 0 when it has none."""
        row = self.database.fetchone("SELECT MAX(entry_id) AS newest FROM request_log WHERE deployment_id = ?", (deployment_id,))
        return int(row["newest"] or 0) if row else 0


def _notify(tx: Transaction, change: Change) -> None:
    payload = encode(change)
    if payload is None:
        # Two ids never come near the NOTIFY payload limit; this guards against a change to the keys.
        log.error("request log change exceeds the NOTIFY payload limit; it was not sent", extra={"keys": sorted(change.keys)})
        return
    tx.execute("SELECT pg_notify(?, ?)", (CHANNEL, payload))
