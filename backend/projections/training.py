"""Read models of training runs: each run's state, its epochs, metric points and layer histograms.

Every metric, whether recorded at an epoch's end or every N steps, is a row of `training_points`,
so one query serves a whole series. NaN and infinities are kept: `value` is NULL and `special`
names the value (`NaN`, `Infinity`, `-Infinity`), because SQLite stores a NaN REAL as NULL.
"""

from __future__ import annotations

import json
import math
from typing import Any

from backend.database import Database, Row, Transaction
from backend.domain.training import TrainingRun
from backend.projections.base import Change, Projection, iso, search_newest_first

TRAINING_TOPIC = "training"


class TrainingProjection(Projection):
    name = "training"
    tables = {
        "training_runs": (
            "CREATE TABLE IF NOT EXISTS training_runs ("
            "run_id TEXT PRIMARY KEY, team_id TEXT NOT NULL, name TEXT NOT NULL, source TEXT NOT NULL, "
            "status TEXT NOT NULL, owner TEXT NOT NULL, model_id TEXT, dataset_id TEXT, "
            "dataset_version_id TEXT, config_profile_id TEXT, config_revision INTEGER, "
            "config TEXT, plan TEXT, base_version_id TEXT, template TEXT, "
            "epochs_planned INTEGER, attempt INTEGER NOT NULL, workers INTEGER NOT NULL, "
            "tags TEXT NOT NULL, params TEXT NOT NULL, git_commit TEXT, git_dirty INTEGER, "
            "cancel_requested INTEGER NOT NULL, epochs_done INTEGER NOT NULL, step BIGINT NOT NULL, "
            "latest_metrics TEXT, learning_rate DOUBLE PRECISION, eta_seconds DOUBLE PRECISION, summary TEXT, "
            "checkpoint_epoch INTEGER, checkpoint_sha256 TEXT, restarts INTEGER NOT NULL, restart_reason TEXT, "
            "failure_reason TEXT, stopped_early INTEGER, best_epoch INTEGER, final_metrics TEXT, classes TEXT, "
            "model_sha256 TEXT, version_id TEXT, version_number INTEGER, registration_error TEXT, "
            "created_at TEXT NOT NULL, started_at TEXT, finished_at TEXT, updated_at TEXT NOT NULL, "
            "queued_position BIGINT NOT NULL, position BIGINT NOT NULL)"
        ),
        "training_epochs": (
            "CREATE TABLE IF NOT EXISTS training_epochs ("
            "run_id TEXT NOT NULL, epoch INTEGER NOT NULL, attempt INTEGER NOT NULL, step BIGINT NOT NULL, "
            "metrics TEXT NOT NULL, learning_rate DOUBLE PRECISION, duration_seconds DOUBLE PRECISION NOT NULL, "
            "eta_seconds DOUBLE PRECISION, recorded_at TEXT NOT NULL, PRIMARY KEY (run_id, epoch))"
        ),
        "training_points": (
            "CREATE TABLE IF NOT EXISTS training_points ("
            "run_id TEXT NOT NULL, name TEXT NOT NULL, step BIGINT NOT NULL, epoch INTEGER, "
            "value DOUBLE PRECISION, special TEXT, wall_time BIGINT NOT NULL, position BIGINT NOT NULL, "
            "PRIMARY KEY (run_id, name, step))"
        ),
        "training_histograms": (
            "CREATE TABLE IF NOT EXISTS training_histograms ("
            "run_id TEXT NOT NULL, epoch INTEGER NOT NULL, kind TEXT NOT NULL, tensor TEXT NOT NULL, layer TEXT NOT NULL, "
            "low DOUBLE PRECISION, high DOUBLE PRECISION, counts TEXT NOT NULL, nan_count BIGINT NOT NULL, "
            "inf_count BIGINT NOT NULL, minimum DOUBLE PRECISION, maximum DOUBLE PRECISION, mean DOUBLE PRECISION, "
            "std DOUBLE PRECISION, PRIMARY KEY (run_id, epoch, kind, tensor))"
        ),
    }
    indexes = [
        "CREATE INDEX IF NOT EXISTS training_runs_by_team ON training_runs (team_id, queued_position)",
        "CREATE INDEX IF NOT EXISTS training_runs_by_status ON training_runs (status, queued_position)",
        "CREATE INDEX IF NOT EXISTS training_runs_by_dataset_version ON training_runs (dataset_version_id, queued_position)",
        "CREATE INDEX IF NOT EXISTS training_points_by_position ON training_points (run_id, position)",
        "CREATE INDEX IF NOT EXISTS training_histograms_by_layer ON training_histograms (run_id, layer, kind, epoch)",
    ]

    def on_TrainingRun_Queued(self, tx: Transaction, event: TrainingRun.Queued, position: int) -> list[Change]:
        run_id = str(event.originator_id)
        values: dict[str, Any] = {
            "run_id": run_id,
            "team_id": str(event.team_id),
            "name": event.name,
            "source": event.source,
            "status": "queued",
            "owner": str(event.owner),
            "model_id": str(event.model_id),
            "dataset_id": str(event.dataset_id),
            "dataset_version_id": str(event.dataset_version_id),
            "config_profile_id": str(event.config_profile_id),
            "config_revision": event.config_revision,
            "config": json.dumps(event.config, sort_keys=True),
            "plan": json.dumps(event.plan, sort_keys=True),
            "base_version_id": str(event.base_version_id) if event.base_version_id else None,
            "template": event.config["model"]["template"],
            "epochs_planned": int(event.config["epochs"]),
            "attempt": 0,
            "workers": int(event.config["resources"]["workers"]),
            "cancel_requested": 0,
            "epochs_done": 0,
            "step": 0,
            "restarts": 0,
            "tags": "{}",
            "params": "{}",
            "created_at": iso(event.timestamp),
            "updated_at": iso(event.timestamp),
            "queued_position": position,
            "position": position,
        }
        tx.execute(
            f"INSERT INTO training_runs ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})", list(values.values())
        )
        return self._changed(event, position)

    def on_TrainingRun_Opened(self, tx: Transaction, event: TrainingRun.Opened, position: int) -> list[Change]:
        values: dict[str, Any] = {
            "run_id": str(event.originator_id),
            "team_id": str(event.team_id),
            "name": event.name,
            "source": event.source,
            "status": "running",
            "owner": str(event.owner),
            "dataset_id": str(event.dataset_id) if event.dataset_id else None,
            "dataset_version_id": str(event.dataset_version_id) if event.dataset_version_id else None,
            "attempt": 1,
            "workers": 1,
            "cancel_requested": 0,
            "epochs_done": 0,
            "step": 0,
            "restarts": 0,
            "tags": json.dumps(event.tags, sort_keys=True),
            "params": json.dumps(event.params, sort_keys=True, default=str),
            "git_commit": event.git_commit,
            "git_dirty": None if event.git_dirty is None else int(event.git_dirty),
            "created_at": iso(event.timestamp),
            "started_at": iso(event.timestamp),
            "updated_at": iso(event.timestamp),
            "queued_position": position,
            "position": position,
        }
        tx.execute(
            f"INSERT INTO training_runs ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})", list(values.values())
        )
        return self._changed(event, position)

    def on_TrainingRun_ParamsLogged(self, tx: Transaction, event: TrainingRun.ParamsLogged, position: int) -> list[Change]:
        row = tx.fetchone("SELECT params FROM training_runs WHERE run_id = ?", (str(event.originator_id),))
        params = {**(json.loads(row["params"]) if row else {}), **event.params}
        self._update(tx, event, position, params=json.dumps(params, sort_keys=True, default=str))
        return self._changed(event, position)

    def on_TrainingRun_HistogramsLogged(self, tx: Transaction, event: TrainingRun.HistogramsLogged, position: int) -> list[Change]:
        _insert_histograms(tx, str(event.originator_id), event.epoch, event.histograms)
        self._update(tx, event, position)
        return self._changed(event, position)

    def on_TrainingRun_Finished(self, tx: Transaction, event: TrainingRun.Finished, position: int) -> list[Change]:
        self._update(
            tx, event, position, status=event.status, failure_reason=event.reason if event.status == "failed" else None,
            finished_at=iso(event.timestamp),
        )
        return self._changed(event, position)

    def on_TrainingRun_ModelRegistered(self, tx: Transaction, event: TrainingRun.ModelRegistered, position: int) -> list[Change]:
        self._update(tx, event, position, model_id=str(event.model_id), version_id=str(event.version_id),
                     version_number=event.number)
        return self._changed(event, position)

    def on_TrainingRun_Started(self, tx: Transaction, event: TrainingRun.Started, position: int) -> list[Change]:
        self._update(
            tx, event, position, status="running", attempt=event.attempt, workers=event.workers,
            started_at=iso(event.timestamp),
        )
        return self._changed(event, position)

    def on_TrainingRun_Prepared(self, tx: Transaction, event: TrainingRun.Prepared, position: int) -> list[Change]:
        self._update(tx, event, position, summary=json.dumps(event.summary, sort_keys=True))
        return self._changed(event, position)

    def on_TrainingRun_EpochCompleted(self, tx: Transaction, event: TrainingRun.EpochCompleted, position: int) -> list[Change]:
        run_id = str(event.originator_id)
        tx.execute("DELETE FROM training_epochs WHERE run_id = ? AND epoch = ?", (run_id, event.epoch))
        tx.execute(
            "INSERT INTO training_epochs (run_id, epoch, attempt, step, metrics, learning_rate, duration_seconds, eta_seconds, "
            "recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (run_id, event.epoch, event.attempt, event.step, json.dumps(event.metrics), _finite(event.learning_rate),
             event.duration_seconds, _finite(event.eta_seconds), iso(event.timestamp)),
        )
        wall_time = int(event.timestamp.timestamp() * 1000)
        metrics = dict(event.metrics)
        if event.learning_rate is not None:
            metrics["learning_rate"] = event.learning_rate
        _upsert_points(tx, run_id, [(name, event.step, event.epoch, value, wall_time) for name, value in metrics.items()], position)
        _insert_histograms(tx, run_id, event.epoch, event.histograms)
        self._update(
            tx, event, position, epochs_done=event.epoch, step=event.step, latest_metrics=json.dumps(event.metrics),
            learning_rate=_finite(event.learning_rate), eta_seconds=_finite(event.eta_seconds),
        )
        return self._changed(event, position, epoch=event.epoch)

    def on_TrainingRun_MetricsLogged(self, tx: Transaction, event: TrainingRun.MetricsLogged, position: int) -> list[Change]:
        run_id = str(event.originator_id)
        latest: dict[str, tuple[int, float]] = {}
        points = []
        for point in event.points:
            step, value = int(point["step"]), float(point["value"])
            points.append((point["name"], step, None, value, int(point["wallTime"])))
            if point["name"] not in latest or step >= latest[point["name"]][0]:
                latest[point["name"]] = (step, value)
        _upsert_points(tx, run_id, points, position)
        if event.batch_id is None:
            self._update(tx, event, position)
            return self._changed(event, position, points=len(event.points))
        # A client's points are the run's metrics: the run shows the newest value of each and its highest step.
        row = tx.fetchone("SELECT step, latest_metrics FROM training_runs WHERE run_id = ?", (run_id,))
        metrics = json.loads(row["latest_metrics"]) if row and row["latest_metrics"] else {}
        metrics.update({name: value for name, (_step, value) in latest.items()})
        highest = max([int(row["step"]) if row else 0, *(step for step, _value in latest.values())])
        self._update(tx, event, position, latest_metrics=json.dumps(metrics), step=highest)
        return self._changed(event, position, points=len(event.points))

    def on_TrainingRun_Checkpointed(self, tx: Transaction, event: TrainingRun.Checkpointed, position: int) -> list[Change]:
        self._update(tx, event, position, checkpoint_epoch=event.epoch, checkpoint_sha256=event.sha256)
        return self._changed(event, position)

    def on_TrainingRun_Restarted(self, tx: Transaction, event: TrainingRun.Restarted, position: int) -> list[Change]:
        run_id = str(event.originator_id)
        # The next attempt trains the epochs after the checkpoint again. What the lost attempt
        # recorded after the checkpoint is removed, so each series shows one value per step.
        resumed = tx.fetchone("SELECT step FROM training_epochs WHERE run_id = ? AND epoch = ?", (run_id, event.resume_epoch))
        resume_step = int(resumed["step"]) if resumed else 0
        tx.execute("DELETE FROM training_epochs WHERE run_id = ? AND epoch > ?", (run_id, event.resume_epoch))
        tx.execute("DELETE FROM training_histograms WHERE run_id = ? AND epoch > ?", (run_id, event.resume_epoch))
        tx.execute("DELETE FROM training_points WHERE run_id = ? AND step > ?", (run_id, resume_step))
        row = tx.fetchone("SELECT restarts FROM training_runs WHERE run_id = ?", (run_id,))
        self._update(
            tx, event, position, status="queued", restarts=(row["restarts"] if row else 0) + 1,
            restart_reason=event.reason, epochs_done=event.resume_epoch, step=resume_step,
        )
        return self._changed(event, position)

    def on_TrainingRun_CancelRequested(self, tx: Transaction, event: TrainingRun.CancelRequested, position: int) -> list[Change]:
        self._update(tx, event, position, cancel_requested=1)
        return self._changed(event, position)

    def on_TrainingRun_Cancelled(self, tx: Transaction, event: TrainingRun.Cancelled, position: int) -> list[Change]:
        self._update(tx, event, position, status="cancelled", eta_seconds=None, finished_at=iso(event.timestamp))
        return self._changed(event, position)

    def on_TrainingRun_Succeeded(self, tx: Transaction, event: TrainingRun.Succeeded, position: int) -> list[Change]:
        self._update(
            tx, event, position, status="succeeded", eta_seconds=None, finished_at=iso(event.timestamp),
            stopped_early=int(event.stopped_early), best_epoch=event.best_epoch, final_metrics=json.dumps(event.metrics),
            classes=json.dumps(event.classes) if event.classes is not None else None, model_sha256=event.model_sha256,
            version_id=str(event.version_id) if event.version_id else None, version_number=event.version_number,
            registration_error=event.registration_error,
        )
        return self._changed(event, position)

    def on_TrainingRun_Failed(self, tx: Transaction, event: TrainingRun.Failed, position: int) -> list[Change]:
        self._update(
            tx, event, position, status="failed", eta_seconds=None, failure_reason=event.reason,
            finished_at=iso(event.timestamp),
        )
        return self._changed(event, position)

    @staticmethod
    def _update(tx: Transaction, event: Any, position: int, **values: Any) -> None:
        values.update(updated_at=iso(event.timestamp), position=position)
        assignments = ", ".join(f"{column} = ?" for column in values)
        tx.execute(f"UPDATE training_runs SET {assignments} WHERE run_id = ?", [*values.values(), str(event.originator_id)])

    @staticmethod
    def _changed(event: Any, position: int, **keys: Any) -> list[Change]:
        return [Change(TRAINING_TOPIC, {"id": str(event.originator_id), "position": position, **keys})]


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def special_of(value: float) -> str | None:
    """Return how a non-finite value is written in JSON-like text (`NaN`, `Infinity`, `-Infinity`), or None for a number."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return None


def _upsert_points(
    tx: Transaction, run_id: str, points: list[tuple[str, int, int | None, float, int]], position: int
) -> None:
    """Store (name, step, epoch, value, wall time) points, each replacing the run's point of that name and step.

    A batch that names one step twice keeps the later point, as storing them one at a time would.
    """
    latest = {(name, step): (name, step, epoch, value, wall_time) for name, step, epoch, value, wall_time in points}
    tx.executemany(
        "DELETE FROM training_points WHERE run_id = ? AND name = ? AND step = ?",
        [(run_id, name, step) for name, step in latest],
    )
    tx.executemany(
        "INSERT INTO training_points (run_id, name, step, epoch, value, special, wall_time, position) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (run_id, name, step, epoch, _finite(value), special_of(value), wall_time, position)
            for name, step, epoch, value, wall_time in latest.values()
        ],
    )


def _insert_histograms(tx: Transaction, run_id: str, epoch: int, histograms: list[dict[str, Any]]) -> None:
    """Store an epoch's histograms, each replacing the one of the same kind and tensor; a later duplicate wins."""
    latest = {(histogram["kind"], histogram["tensor"]): histogram for histogram in histograms}
    tx.executemany(
        "DELETE FROM training_histograms WHERE run_id = ? AND epoch = ? AND kind = ? AND tensor = ?",
        [(run_id, epoch, kind, tensor) for kind, tensor in latest],
    )
    tx.executemany(
        "INSERT INTO training_histograms (run_id, epoch, kind, tensor, layer, low, high, counts, nan_count, inf_count, "
        "minimum, maximum, mean, std) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (run_id, epoch, histogram["kind"], histogram["tensor"], histogram["layer"],
             _finite_or_none(histogram.get("low")), _finite_or_none(histogram.get("high")),
             json.dumps(histogram["counts"]), int(histogram["nanCount"]), int(histogram["infCount"]),
             _finite_or_none(histogram.get("min")), _finite_or_none(histogram.get("max")),
             _finite_or_none(histogram.get("mean")), _finite_or_none(histogram.get("std")))
            for histogram in latest.values()
        ],
    )


def _finite_or_none(value: Any) -> float | None:
    return None if value is None else _finite(float(value))


class TrainingReader:
    def __init__(self, database: Database) -> None:
        self.database = database

    def run(self, run_id: str) -> Row | None:
        return self.database.fetchone("SELECT * FROM training_runs WHERE run_id = ?", (run_id,))

    def search(
        self, teams: list[str] | None, *, statuses: list[str] | None = None, model_id: str | None = None,
        dataset_version_id: str | None = None, config_profile_id: str | None = None, before: int | None = None,
        limit: int,
    ) -> list[Row]:
        """Runs newest first, before the queued position of the previous page's last run."""
        return search_newest_first(
            self.database, "training_runs", "queued_position", teams,
            {"model_id": model_id, "dataset_version_id": dataset_version_id, "config_profile_id": config_profile_id},
            statuses, before, limit,
        )

    def unfinished(self) -> list[Row]:
        """Runs the reconciler must act on: queued, running, or with a cancel not yet carried out."""
        return self.database.fetchall(
            "SELECT * FROM training_runs WHERE status IN ('queued', 'running') AND source = 'platform' ORDER BY queued_position"
        )

    def epoch(self, run_id: str, epoch: int) -> Row | None:
        return self.database.fetchone("SELECT * FROM training_epochs WHERE run_id = ? AND epoch = ?", (run_id, epoch))

    def epochs(self, run_id: str) -> list[Row]:
        return self.database.fetchall("SELECT * FROM training_epochs WHERE run_id = ? ORDER BY epoch", (run_id,))

    def metric_names(self, run_id: str) -> list[str]:
        rows = self.database.fetchall("SELECT DISTINCT name FROM training_points WHERE run_id = ? ORDER BY name", (run_id,))
        return [row["name"] for row in rows]

    def point_count(self, run_id: str, name: str) -> int:
        row = self.database.fetchone("SELECT COUNT(*) AS n FROM training_points WHERE run_id = ? AND name = ?", (run_id, name))
        return int(row["n"]) if row else 0

    def points_at(self, run_id: str, position: int) -> list[Row]:
        """Return the points that the event at `position` recorded, by name then step."""
        return self.database.fetchall(
            "SELECT name, step, epoch, value, special, wall_time FROM training_points WHERE run_id = ? AND position = ? "
            "ORDER BY name, step",
            (run_id, position),
        )

    def points(self, run_id: str, name: str) -> list[Row]:
        return self.database.fetchall(
            "SELECT step, epoch, value, special, wall_time FROM training_points WHERE run_id = ? AND name = ? ORDER BY step",
            (run_id, name),
        )

    def histogram_tensors(self, run_id: str) -> list[Row]:
        return self.database.fetchall(
            "SELECT DISTINCT layer, tensor, kind FROM training_histograms WHERE run_id = ? ORDER BY layer, tensor, kind", (run_id,)
        )

    def histograms(self, run_id: str, layer: str | None, kind: str | None, epoch: int | None) -> list[Row]:
        sql, params = "SELECT * FROM training_histograms WHERE run_id = ?", [run_id]
        for column, value in (("layer", layer), ("kind", kind), ("epoch", epoch)):
            if value is not None:
                sql += f" AND {column} = ?"
                params.append(value)
        return self.database.fetchall(sql + " ORDER BY epoch, layer, tensor, kind", params)
