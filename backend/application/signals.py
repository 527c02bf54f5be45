"""Signal values of a deployment or a model over a window of time, for alert rules and health charts.

Request rate, latency and errors come from the inference windows. Drift compares the sampled
requests and responses in the request log with the profile of the dataset version that the served
model version was trained on. Model signals count broken versions and failed training runs.
Everything here reads the projections and the request log, so it runs in the API process without
TensorFlow.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from backend.application.aggregates import load
from backend.application.eventstore import EventStore
from backend.application.model_inputs import platform_training_run, read_profile
from backend.application.request_log import RequestLog
from backend.database import Database, Row
from backend.domain.alerting import DEPLOYMENT, MODEL, SIGNALS, TEAM
from backend.domain.base import DomainError, iso, parse_iso
from backend.domain.datasets import DatasetVersion
from backend.domain.drift import FeatureDrift, column_drift, prediction_drift
from backend.domain.inference import LATENCY_BUCKETS_MS
from backend.domain.registry import ModelVersion
from backend.storage.artifacts import ArtifactStore

log = logging.getLogger(__name__)

# Maximum number of logged calls that drift reads from a window, newest first. Each logged call contains
# up to MAX_LOGGED_ROWS (100) rows.
MAX_DRIFT_CALLS = 2_000
# Fewest logged rows of one version that drift is computed from. PSI over ten deciles of n rows
# drawn from the training distribution itself averages about 9/n, so below about 100 rows the
# noise alone approaches the usual alert threshold of 0.25, and 2 rows give values above 5.
MIN_DRIFT_ROWS = 100
MAX_WINDOWS = 100_000
# The inference window columns that TrafficSummary.add reads.
WINDOW_COLUMNS = "requests, rows_predicted, errors, client_errors, latency_buckets, versions, started_at, ended_at, position"
PROFILE_CACHE = 32


@dataclass(frozen=True)
class Subject:
    """Subject of an alert: a deployment, a model or a team."""

    kind: str
    id: str
    name: str
    team_id: str


@dataclass
class TrafficSummary:
    requests: int = 0
    rows: int = 0
    errors: int = 0
    client_errors: int = 0
    buckets: list[int] = field(default_factory=lambda: [0] * (len(LATENCY_BUCKETS_MS) + 1))
    versions: dict[str, int] = field(default_factory=dict)
    # The earliest start and latest end of the windows added, and the log position of the newest one.
    started_at: str | None = None
    ended_at: str | None = None
    through_position: int = 0

    def add(self, window: Row) -> None:
        self.started_at = min(filter(None, (self.started_at, window["started_at"])))
        self.ended_at = max(filter(None, (self.ended_at, window["ended_at"])))
        self.through_position = max(self.through_position, int(window["position"]))
        self.requests += int(window["requests"])
        self.rows += int(window["rows_predicted"])
        self.errors += int(window["errors"])
        self.client_errors += int(window["client_errors"])
        for index, count in enumerate(json.loads(window["latency_buckets"])[: len(self.buckets)]):
            self.buckets[index] += int(count)
        for version, count in json.loads(window["versions"]).items():
            self.versions[version] = self.versions.get(version, 0) + int(count)


def latency_quantile(buckets: list[int], level: float) -> float | None:
    """Return the latency at `level` (0–1) from histogram counts, interpolating linearly inside a bucket.

    A quantile that falls in the last, unbounded bucket is reported as that bucket's lower bound,
    because the histogram gives no upper bound there.
    """
    total = sum(buckets)
    if total == 0:
        return None
    rank = level * total
    seen = 0
    for index, count in enumerate(buckets):
        if count and seen + count >= rank:
            if index == len(LATENCY_BUCKETS_MS):
                return float(LATENCY_BUCKETS_MS[-1])
            low = 0.0 if index == 0 else float(LATENCY_BUCKETS_MS[index - 1])
            high = float(LATENCY_BUCKETS_MS[index])
            return low + (high - low) * (rank - seen) / count
        seen += count
    return float(LATENCY_BUCKETS_MS[-1])


def traffic_values(summary: TrafficSummary, seconds: float) -> dict[str, float | None]:
    """Return the rate, latency and error signals of one window's traffic."""
    requests = summary.requests
    return {
        "requestsPerSecond": requests / seconds if seconds > 0 else None,
        "latencyP50Ms": latency_quantile(summary.buckets, 0.5),
        "latencyP95Ms": latency_quantile(summary.buckets, 0.95),
        "latencyP99Ms": latency_quantile(summary.buckets, 0.99),
        "errorRate": summary.errors / requests if requests else None,
        "clientErrorRate": summary.client_errors / requests if requests else None,
    }


@dataclass(frozen=True)
class DriftReference:
    """Reference for the drift of a model version: its training data's profile and the model's features."""

    features: list[str]
    profile: dict[str, Any]
    columns: set[str]
    label: str | None
    task: str | None
    classes: list[str] | None


@dataclass
class DriftResult:
    features: dict[str, FeatureDrift]
    prediction: FeatureDrift | None
    version: int | None


class DriftReferences:
    """Cache of drift references by model version id, with the PROFILE_CACHE most recently used.

    Profiles never change, so a cached reference stays valid for later windows.
    """

    def __init__(self, store: EventStore, artifacts: ArtifactStore) -> None:
        self.store = store
        self.artifacts = artifacts
        self._cache: OrderedDict[str, DriftReference | None] = OrderedDict()

    def get(self, version_id: str) -> DriftReference | None:
        if version_id in self._cache:
            self._cache.move_to_end(version_id)
            return self._cache[version_id]
        reference = self._build(version_id)
        self._cache[version_id] = reference
        while len(self._cache) > PROFILE_CACHE:
            self._cache.popitem(last=False)
        return reference

    def _build(self, version_id: str) -> DriftReference | None:
        """Return the reference of a version a platform run trained, or None (uploads, SDK runs, unprofiled data)."""
        try:
            version = load(self.store, uuid.UUID(version_id), ModelVersion, "versionId", "Model version")
            run = platform_training_run(self.store, version)
            if run is None or run.dataset_version_id is None:
                return None
            dataset = load(self.store, run.dataset_version_id, DatasetVersion, "datasetVersionId", "Dataset version")
            if not getattr(dataset, "profile_sha256", None):
                return None
            profile = read_profile(self.artifacts, dataset)
        except (DomainError, OSError, ValueError) as error:
            log.info("drift reference not available, so drift is not measured for this model version",
                     extra={"version_id": version_id, "reason": str(error)})
            return None
        # The training rows are what the model learned from, so compare with them when the data was split.
        population = (profile.get("splits") or {}).get("train") or profile
        return DriftReference(
            features=list(run.plan["features"]), profile=population,
            columns={column["name"] for column in population.get("columns") or []}, label=run.plan.get("label"),
            task=run.config["model"].get("task"),
            classes=[str(name) for name in run.classes] if getattr(run, "classes", None) else None,
        )


def feature_columns(inputs: dict[str, Any], features: list[str]) -> dict[str, list[Any]]:
    """Split logged model inputs into one list of values per feature.

    An input named after a feature is that feature's column. A single input whose rows are as
    wide as the feature list contains the features in order. Other layouts give no columns.
    """
    columns: dict[str, list[Any]] = {}
    for name, rows in inputs.items():
        if name in features and isinstance(rows, list):
            columns[name] = [_scalar(row) for row in rows]
    if columns or len(inputs) != 1:
        return columns
    [rows] = inputs.values()
    if not isinstance(rows, list):
        return {}
    for row in rows:
        if not isinstance(row, list) or len(row) != len(features):
            return {}
        for name, value in zip(features, row):
            columns.setdefault(name, []).append(_scalar(value))
    return columns


def predicted_values(outputs: dict[str, Any], reference: DriftReference) -> list[Any]:
    """Return each logged row's prediction: the class name for a classifier, the number for a regression."""
    rows = outputs.get("predictions", outputs.get("outputs"))
    if isinstance(rows, dict):
        # Several named outputs: drift of the first one only.
        rows = next(iter(rows.values()), None)
    if not isinstance(rows, list):
        return []
    values: list[Any] = []
    for row in rows:
        scores = row if isinstance(row, list) else [row]
        if not scores or not all(isinstance(score, (int, float)) and not isinstance(score, bool) for score in scores):
            continue
        if reference.task == "regression":
            values.append(float(scores[0]))
        elif reference.classes:
            if len(scores) == 1:
                # One score is the probability of the second class.
                index = 1 if scores[0] >= 0.5 else 0
            else:
                index = max(range(len(scores)), key=scores.__getitem__)
            if index < len(reference.classes):
                values.append(reference.classes[index])
    return values


def _scalar(value: Any) -> Any:
    while isinstance(value, list) and len(value) == 1:
        value = value[0]
    return value


class SignalSource:
    """Source of signal values at one moment, `now`.

    Each instance caches what it reads, so create one per monitoring round or request.
    """

    def __init__(self, database: Database, request_log: RequestLog, references: DriftReferences,
                 now: datetime) -> None:
        self.database = database
        self.request_log = request_log
        self.references = references
        self.now = now
        self._traffic: dict[tuple[str, int], TrafficSummary] = {}
        self._drift: dict[tuple[str, int], DriftResult] = {}

    # Subjects.

    def subjects(self, rule: Row) -> list[Subject]:
        """Expand a rule's target into the subjects its signal is measured on."""
        signal = SIGNALS[rule["signal"]]
        kind, target, team = rule["target_kind"], rule["target_id"], rule["team_id"]
        if signal.subject == DEPLOYMENT:
            sql, params = "SELECT deployment_id, name, team_id FROM deployments WHERE status <> 'stopped'", []
            if kind == DEPLOYMENT:
                sql += " AND deployment_id = ?"
            elif kind == MODEL:
                sql += " AND model_id = ?"
            else:
                sql += " AND team_id = ?"
            params.append(target)
            return [Subject(DEPLOYMENT, row["deployment_id"], row["name"], row["team_id"])
                    for row in self.database.fetchall(sql + " AND team_id = ?", [*params, team])]
        if kind == MODEL:
            row = self.database.fetchone("SELECT model_id, name FROM models WHERE model_id = ? AND team_id = ?",
                                         (target, team))
            return [Subject(MODEL, row["model_id"], row["name"], team)] if row else []
        row = self.database.fetchone("SELECT team_id, name FROM teams WHERE team_id = ?", (team,))
        return [Subject(TEAM, row["team_id"], row["name"], team)] if row else []

    # Values.

    def top_drift_feature(self, rule: Row, subject: Subject) -> str | None:
        """Return the feature that drifted most, for a feature drift rule that names no feature."""
        if subject.kind != DEPLOYMENT or rule["feature"] is not None or rule["signal"] not in ("featureDriftPsi", "featureDriftKs"):
            return None
        features = self.drift(subject.id, int(rule["window_seconds"])).features
        if rule["signal"] == "featureDriftPsi":
            scores = {name: item.psi for name, item in features.items()}
        else:
            scores = {name: item.ks for name, item in features.items() if item.ks is not None}
        if not scores:
            return None
        return max(scores, key=scores.__getitem__)

    def value(self, rule: Row, subject: Subject) -> float | None:
        """Return the rule's signal on the subject over the rule's window, or None when there is no data."""
        name, window = rule["signal"], int(rule["window_seconds"])
        if subject.kind == DEPLOYMENT:
            return self.deployment_values(subject.id, window, feature=rule["feature"]).get(name)
        return self.model_value(name, subject, window)

    def deployment_values(self, deployment_id: str, window: int, *, feature: str | None = None,
                          with_drift: bool = True) -> dict[str, float | None]:
        traffic = self.traffic(deployment_id, window)
        values: dict[str, float | None] = {**traffic_values(traffic, window), "replicaHealth": self.replica_health(deployment_id)}
        if with_drift:
            drift = self.drift(deployment_id, window)
            if feature is None:
                chosen = drift.features
            elif feature in drift.features:
                chosen = {feature: drift.features[feature]}
            else:
                chosen = {}
            psi = [item.psi for item in chosen.values()]
            ks = [item.ks for item in chosen.values() if item.ks is not None]
            values["featureDriftPsi"] = max(psi) if psi else None
            values["featureDriftKs"] = max(ks) if ks else None
            values["predictionDriftPsi"] = drift.prediction.psi if drift.prediction else None
            values["predictionDriftKs"] = drift.prediction.ks if drift.prediction else None
        return values

    def replica_health(self, deployment_id: str) -> float | None:
        row = self.database.fetchone("SELECT status FROM deployments WHERE deployment_id = ?", (deployment_id,))
        if row is None or row["status"] in ("deploying", "stopped"):
            return None
        return 1.0 if row["status"] == "healthy" else 0.0

    def traffic(self, deployment_id: str, window: int, until: datetime | None = None) -> TrafficSummary:
        end = until or self.now
        key = (deployment_id, window) if until is None else (deployment_id, -int(end.timestamp()))
        if key not in self._traffic:
            summary = TrafficSummary()
            for row in self.database.fetchall(
                    f"SELECT {WINDOW_COLUMNS} FROM inference_windows WHERE deployment_id = ? AND ended_at > ? AND ended_at <= ? "
                    "LIMIT ?",
                    (deployment_id, iso(end - timedelta(seconds=window)), iso(end), MAX_WINDOWS)):
                summary.add(row)
            self._traffic[key] = summary
        return self._traffic[key]

    def drift(self, deployment_id: str, window: int) -> DriftResult:
        """Return the drift of the calls logged in the window against the training data.

        The reference is the training data of the version that predicted the most rows in the window.
        """
        key = (deployment_id, window)
        if key not in self._drift:
            # Sampled calls reach the log when their inference window is recorded, with the time of the call, so the
            # calls of the windows in the rule's window start where the earliest of those windows starts.
            traffic = self.traffic(deployment_id, window)
            since = parse_iso(traffic.started_at) or self.now - timedelta(seconds=window)
            self._drift[key] = self._compute_drift(deployment_id, since, self.now)
        return self._drift[key]

    def drift_between(self, deployment_id: str, since: datetime, until: datetime) -> DriftResult:
        return self._compute_drift(deployment_id, since, until)

    def _compute_drift(self, deployment_id: str, since: datetime, until: datetime) -> DriftResult:
        entries = self.request_log.between(deployment_id, iso(since) or "", iso(until) or "", MAX_DRIFT_CALLS)
        if not entries:
            return DriftResult({}, None, None)

        # Compare only the calls of the version that predicted the most rows (the higher version number on a tie).
        counts: dict[int, int] = {}
        for entry in entries:
            counts[int(entry["version"])] = counts.get(int(entry["version"]), 0) + int(entry["rows_predicted"])
        version = max(counts, key=lambda number: (counts[number], number))
        if counts[version] < MIN_DRIFT_ROWS:
            return DriftResult({}, None, version)
        version_id = self._version_id(deployment_id, version)
        reference = self.references.get(version_id) if version_id else None
        if reference is None:
            return DriftResult({}, None, version)

        columns: dict[str, list[Any]] = {}
        predictions: list[Any] = []
        for entry in entries:
            if int(entry["version"]) != version:
                continue
            for name, values in feature_columns(json.loads(entry["inputs"]), reference.features).items():
                columns.setdefault(name, []).extend(values)
            predictions.extend(predicted_values(json.loads(entry["outputs"]), reference))

        features: dict[str, FeatureDrift] = {}
        for name, values in columns.items():
            if name not in reference.columns:
                continue
            result = column_drift(reference.profile, name, values)
            if result is not None:
                features[name] = result

        prediction = None
        if predictions and reference.label in reference.columns and reference.task in ("classification", "regression"):
            prediction = prediction_drift(reference.profile, reference.label, predictions, reference.task)  # type: ignore[arg-type]
        return DriftResult(features, prediction, version)

    def _version_id(self, deployment_id: str, number: int) -> str | None:
        row = self.database.fetchone("SELECT model_id FROM deployments WHERE deployment_id = ?", (deployment_id,))
        if row is None:
            return None
        found = self.database.fetchone("SELECT version_id FROM model_versions WHERE model_id = ? AND number = ?",
                                       (row["model_id"], number))
        return found["version_id"] if found else None

    def model_value(self, name: str, subject: Subject, window: int) -> float | None:
        scope, key = ("model_id", subject.id) if subject.kind == MODEL else ("team_id", subject.team_id)
        if name == "integrityFailures":
            row = self.database.fetchone(f"SELECT COUNT(*) AS found FROM model_versions WHERE {scope} = ? AND status = 'broken'",
                                         (key,))
        elif name == "failedTrainingRuns":
            row = self.database.fetchone(
                f"SELECT COUNT(*) AS found FROM training_runs WHERE {scope} = ? AND status = 'failed' AND finished_at > ?",
                (key, iso(self.now - timedelta(seconds=window))))
        else:
            return None
        return float(row["found"]) if row else 0.0
