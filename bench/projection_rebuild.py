"""Projection rebuild speed over 1,000,000 events, next to reading and decoding the same events alone.

The benchmark builds the event log of a busy installation with the domain classes. It has
users, teams and their members, datasets, configuration profiles, and registered models
whose versions come from training runs. Each run records its epochs (metrics and
histograms), checkpoints and success, and then the version is inspected and aliases move
to it. `EventStore.mapper` turns
each event into the row the eventsourcing library stores, and the rows go into the store's
events table in bulk: `executemany` on SQLite and binary COPY on PostgreSQL, a few
transactions in all, instead of one command at a time. The PostgreSQL store gets copies of
the SQLite rows in the same order.

Each measured step then runs in a fresh process (`python -m bench.projection_rebuild read`
or `rebuild`), so its peak RSS is its own. `read` reads the whole log in the projection
runner's batches and decodes every event, which every rebuild has to do. `rebuild` does
what `modelcloud projections rebuild` does: `Runtime.build`, `prepare`, then
`projections.rebuild()` of every projection.
"""

from __future__ import annotations

import argparse
import base64
import functools
import hashlib
import json
import math
import os
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import psycopg

from backend.application.eventstore import EventStore
from backend.database import sqlite_path
from backend.domain.base import SYSTEM_ACTOR, Cause, NameIndex
from backend.domain.configs import ConfigProfile
from backend.domain.datasets import Dataset, DatasetVersion
from backend.domain.identity import EDITOR, VIEWER, Team, User
from backend.domain.registry import ModelVersion, RegisteredModel
from backend.domain.training import TrainingRun

EVENTS = 1_000_000
# PostgreSQL rebuilds the first POSTGRES_EVENTS of the same rows.
POSTGRES_EVENTS = 100_000
TEAMS = 20
MEMBERS_PER_TEAM = 50
PROFILES_PER_TEAM = 5
RUNS_PER_MODEL = 4
EPOCHS = 10
FEATURES = 30
# One hidden layer: two dense layers, so each epoch records histograms of 4 weight tensors and their 4 gradients.
HIDDEN_UNITS = [16]
HISTOGRAM_BINS = 30
SEED = 20_261_210

SQLITE, POSTGRES = "SQLite", "PostgreSQL"
INSERT_BATCH_ROWS = 10_000
ROWS_PER_TRANSACTION = 250_000
STEP_TIMEOUT_SECONDS = 1800
FIRST_EVENT_AT = datetime(2026, 1, 5, 8, tzinfo=timezone.utc)
REPOSITORY = Path(__file__).resolve().parents[1]
# The read models whose row counts the rebuild step reports and the benchmark checks.
COUNTED_TABLES = (
    "audit_log", "users", "team_members", "datasets", "config_profiles", "models", "model_versions", "model_aliases",
    "model_history", "training_runs", "training_epochs", "training_points", "training_histograms",
)


# the event log


class LogBuilder:
    """Build an installation's history with the domain classes, one command's events at a time, in log order.

    Time moves forward a few seconds to minutes between commands, so the events span weeks.
    """

    def __init__(self, seed: int = SEED) -> None:
        self.random = random.Random(seed)
        self.moment = FIRST_EVENT_AT
        self.admin_id = self.uuid()
        self.teams: list[Team] = []
        self.editors: dict[uuid.UUID, list[uuid.UUID]] = {}
        self.dataset_versions: dict[uuid.UUID, tuple[uuid.UUID, uuid.UUID]] = {}
        self.profiles: dict[uuid.UUID, list[ConfigProfile]] = {}

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.random.getrandbits(128), version=4)

    def cause(self, actor: uuid.UUID | str, team: uuid.UUID | None, seconds: float = 1.0) -> Cause:
        self.moment += timedelta(seconds=seconds * (0.5 + self.random.random()))
        request_id = str(self.uuid())
        return Cause(str(actor), str(team) if team else None, request_id, request_id, self.moment)

    def digest(self) -> str:
        return hashlib.sha256(self.random.getrandbits(64).to_bytes(8, "big")).hexdigest()

    def commands(self) -> Iterator[list[Any]]:
        """Yield the events of each command, setting up the installation first and then training models without end."""
        yield from self.setup()
        index = 0
        while True:
            yield from self.model_history(index)
            index += 1

    # set-up: users, teams, datasets, configuration profiles

    def setup(self) -> Iterator[list[Any]]:
        cause = self.cause(SYSTEM_ACTOR, None)
        admin = User.register(self.admin_id, "admin", is_admin=True, sealed_profile=self.sealed(), cause=cause)
        yield events_of(admin, NameIndex.reserve("username", "admin", self.admin_id, cause))
        for number in range(TEAMS):
            yield from self.team(number)

    def team(self, number: int) -> Iterator[list[Any]]:
        team_id, name = self.uuid(), f"team-{number:02d}"
        cause = self.cause(self.admin_id, None)
        team = Team.create(team_id, name, "", self.admin_id, cause)
        yield events_of(NameIndex.reserve("team", name, team_id, cause), team)
        self.teams.append(team)
        self.editors[team_id] = [self.admin_id]

        for member in range(MEMBERS_PER_TEAM):
            user_id, username = self.uuid(), f"user-{number:02d}-{member:03d}"
            cause = self.cause(self.admin_id, None)
            user = User.register(user_id, username, is_admin=False, sealed_profile=self.sealed(), cause=cause)
            yield events_of(user, NameIndex.reserve("username", username, user_id, cause))
            team.add_member(user_id, VIEWER, self.cause(self.admin_id, team_id))
            yield events_of(team)
            if member % 3 == 0:
                team.change_member_role(user_id, EDITOR, self.cause(self.admin_id, team_id))
                yield events_of(team)
                self.editors[team_id].append(user_id)

        yield from self.dataset(team_id)
        self.profiles[team_id] = []
        for profile in range(PROFILES_PER_TEAM):
            yield from self.profile(team_id, profile)

    def dataset(self, team_id: uuid.UUID) -> Iterator[list[Any]]:
        dataset_id, version_id, name = self.uuid(), self.uuid(), "customers"
        owner = self.random.choice(self.editors[team_id])
        cause = self.cause(owner, team_id)
        dataset = Dataset.create(dataset_id, team_id=team_id, name=name, description="", tags={}, owner=owner, cause=cause)
        yield events_of(NameIndex.reserve("dataset", f"{team_id}/{name}", dataset_id, cause), dataset)

        cause = self.cause(owner, team_id, seconds=30)
        columns = [{"name": f"f{column}", "type": "float"} for column in range(FEATURES)] + [{"name": "label", "type": "integer"}]
        content = {"sha256": self.digest(), "size": 4_800_000, "rows": 20_000, "columns": columns, "label": "label",
                   "format": "csv", "delimiter": ","}
        number = dataset.add_version(version_id, content["sha256"], cause, "uploadDatasetVersion")
        version = DatasetVersion.uploaded(
            version_id, dataset=dataset, number=number, content=content, upload_id=self.uuid(), upload_sha256=self.digest(),
            filename="customers.csv", column_types={}, duplicate_of=None, cause=cause,
        )
        yield events_of(dataset, version)
        version.record_profile(self.digest(), 0, self.cause(SYSTEM_ACTOR, team_id, seconds=20))
        yield events_of(version)
        self.dataset_versions[team_id] = (dataset_id, version_id)

    def profile(self, team_id: uuid.UUID, number: int) -> Iterator[list[Any]]:
        profile_id, name = self.uuid(), f"mlp-{number}"
        owner = self.random.choice(self.editors[team_id])
        cause = self.cause(owner, team_id)
        document = {
            "model": {"template": "tabular_mlp", "hiddenUnits": HIDDEN_UNITS}, "epochs": EPOCHS, "batchSize": 32,
            "seed": number, "optimizer": {"name": "adam", "learningRate": 0.001 * (number + 1)}, "metrics": ["accuracy"],
        }
        profile = ConfigProfile.create(
            profile_id, team_id=team_id, name=name, description="", owner=owner, document=document, cause=cause
        )
        yield events_of(NameIndex.reserve("config", f"{team_id}/{name}", profile_id, cause), profile)
        self.profiles[team_id].append(profile)

    def sealed(self) -> str:
        """Return text shaped like a sealed profile: ciphertext in URL-safe base64."""
        return base64.urlsafe_b64encode(self.random.getrandbits(96 * 8).to_bytes(96, "big")).decode()

    # models and their training runs

    def model_history(self, index: int) -> Iterator[list[Any]]:
        """Register a model, then train RUNS_PER_MODEL versions of it, moving `staging` to each and `production` to every other."""
        team = self.teams[index % TEAMS]
        owner = self.random.choice(self.editors[team.id])
        model_id, name = self.uuid(), f"churn-{index:05d}"
        cause = self.cause(owner, team.id, seconds=60)
        model = RegisteredModel.register(
            model_id, team_id=team.id, name=name, description="", task="classification",
            tags={"framework": "keras", "owner": "growth", "cohort": f"c{index % 12}"}, owner=owner, cause=cause,
        )
        yield events_of(NameIndex.reserve("model", f"{team.id}/{name}", model_id, cause), model)

        for run_number in range(RUNS_PER_MODEL):
            version = yield from self.training_run(model, owner, run_number)
            model.move_alias("staging", version.number, may_move_protected=True, cause=self.cause(owner, team.id))
            if run_number % 2 == 1:
                model.move_alias("production", version.number, may_move_protected=True, cause=self.cause(owner, team.id))
            yield events_of(model)

    def training_run(self, model: RegisteredModel, owner: uuid.UUID, run_number: int) -> Iterator[list[Any]]:
        team_id = model.team_id
        dataset_id, dataset_version_id = self.dataset_versions[team_id]
        profile = self.random.choice(self.profiles[team_id])
        run_id = self.uuid()
        plan = {"label": "label", "features": [f"f{column}" for column in range(FEATURES)], "textColumn": None,
                "imageShape": None, "classes": 2, "datasetSha256": self.digest(), "baseSha256": None}
        run = TrainingRun.queue(
            run_id, team_id=team_id, name=f"{model.name}-{run_number}", owner=owner, model_id=model.id, dataset_id=dataset_id,
            dataset_version_id=dataset_version_id, config_profile_id=profile.id, config_revision=profile.revision,
            config=profile.document, base_version_id=None, plan=plan, cause=self.cause(owner, team_id),
        )
        yield events_of(run)

        system = SYSTEM_ACTOR
        run.start(1, self.cause(system, team_id, seconds=2))
        yield events_of(run)
        summary = {"trainRows": 14_000, "validationRows": 3_000, "droppedRows": 0, "stepsPerEpoch": 438,
                   "features": plan["features"], "classes": 2, "parameters": FEATURES * 16 + 16 + 16 + 1, "workers": 1,
                   "metricNames": ["loss", "accuracy", "val_loss", "val_accuracy"], "chiefPid": 4242, "chiefNode": "worker-1"}
        run.prepare(1, summary, self.cause(system, team_id, seconds=8))
        yield events_of(run)

        loss = 0.7
        for epoch in range(1, EPOCHS + 1):
            loss *= 0.85 + 0.1 * self.random.random()
            metrics = {"loss": loss, "accuracy": 1 - loss / 2, "val_loss": loss * 1.1, "val_accuracy": 1 - loss / 1.8}
            record = {"epoch": epoch, "step": epoch * 438, "metrics": metrics, "learningRate": 0.001,
                      "durationSeconds": 4 + self.random.random(), "etaSeconds": 5.0 * (EPOCHS - epoch),
                      "histograms": self.histograms()}
            run.complete_epoch(1, record, self.cause(system, team_id, seconds=5))
            yield events_of(run)
            run.record_checkpoint(1, epoch, self.digest(), 60_000, self.cause(system, team_id, seconds=0.2))
            yield events_of(run)

        # Success registers the trained model as the model's next version in the same command.
        cause = self.cause(system, team_id, seconds=2)
        version_id, sha256 = self.uuid(), self.digest()
        number = model.add_version(version_id, sha256, cause)
        lineage = {"trainingRun": str(run_id), "datasetVersion": str(dataset_version_id), "configProfile": str(profile.id),
                   "configRevision": str(profile.revision)}
        version = ModelVersion.create(
            version_id, model=model, number=number, sha256=sha256, size=60_000, file_format="keras", filename="model.keras",
            source="training", upload_id=None, duplicate_of=None, lineage=lineage, cause=cause,
        )
        result = {"epochs": EPOCHS, "stoppedEarly": False, "bestEpoch": EPOCHS, "metrics": metrics, "classes": ["0", "1"]}
        run.succeed(1, result, {"sha256": sha256, "size": 60_000, "version_id": version_id, "number": number}, cause)
        yield events_of(model, version, NameIndex.reserve("digest", f"{team_id}/{sha256}", version_id, cause), run)

        signature = {"inputs": [{"name": "input_layer", "dtype": "float32", "shape": [None, FEATURES]}],
                     "outputs": [{"name": "output_0", "dtype": "float32", "shape": [None, 1]}]}
        version.record_inspection(
            signature=signature, trainable=FEATURES * 16 + 16 + 16 + 1, non_trainable=0, layer_count=3,
            report_sha256=self.digest(), cause=self.cause(system, team_id, seconds=3),
        )
        yield events_of(version)
        return version

    def histograms(self) -> list[dict[str, Any]]:
        """Return the weight and gradient histograms of a Dense(16) and a Dense(1) layer, as the training loop records them."""
        tensors = [("dense", "kernel", FEATURES * 16), ("dense", "bias", 16), ("dense_1", "kernel", 16), ("dense_1", "bias", 1)]
        entries = []
        for kind, scale in (("weights", 0.3), ("gradients", 0.01)):
            for layer, tensor, size in tensors:
                low, high = -scale * (1 + self.random.random()), scale * (1 + self.random.random())
                entries.append({
                    "layer": layer, "tensor": f"sequential/{layer}/{tensor}", "kind": kind, "nanCount": 0, "infCount": 0,
                    "low": low, "high": high, "counts": self.bell_counts(size), "min": low, "max": high,
                    "mean": (low + high) / 2 * self.random.random(), "std": (high - low) / 6,
                })
        return entries

    def bell_counts(self, size: int) -> list[int]:
        """Spread `size` values over HISTOGRAM_BINS bins in a bell shape whose centre moves by up to 3 bins."""
        return list(bell_counts(size, self.random.randint(-6, 6)))


@functools.lru_cache(maxsize=None)
def bell_counts(size: int, shift_half_bins: int) -> tuple[int, ...]:
    centre = (HISTOGRAM_BINS - 1) / 2 + shift_half_bins / 2
    weights = [math.exp(-(((bin_index - centre) / 6) ** 2)) for bin_index in range(HISTOGRAM_BINS)]
    total = sum(weights)
    counts = [int(size * weight / total) for weight in weights]
    counts[round(centre)] += size - sum(counts)
    return tuple(counts)


def events_of(*aggregates: Any) -> list[Any]:
    """Collect the pending events of the aggregates in the order given, as `EventStore.save` appends them."""
    return [event for aggregate in aggregates for event in aggregate.collect_events()]


def stored_rows(store: EventStore, events: int, counts: Counter[str]) -> Iterator[tuple[uuid.UUID, int, str, bytes]]:
    """Yield the first `events` events of the installation's history as the rows the store keeps, counting event types."""
    produced = 0
    for command in LogBuilder().commands():
        for event in command[: events - produced]:
            stored = store.mapper.to_stored_event(event)
            counts[type(event).__qualname__] += 1
            yield stored.originator_id, stored.originator_version, stored.topic, stored.state
        produced += min(len(command), events - produced)
        if produced >= events:
            return


# bulk loading


@dataclass(frozen=True)
class Fill:
    events: int
    seconds: float
    stored_bytes: int  # topic and state of every row


def fill_sqlite(database_url: str, events: int, counts: Counter[str]) -> Fill:
    """Build `events` events and insert them into a new SQLite store, INSERT_BATCH_ROWS rows to an `executemany`."""
    store = EventStore(database_url)
    table = store.recorder.events_table_name  # type: ignore[attr-defined]
    started = time.perf_counter()
    stored_bytes = 0
    connection = sqlite3.connect(sqlite_path(database_url), isolation_level=None)
    try:
        connection.execute("BEGIN")
        batch: list[tuple[str, int, str, bytes]] = []
        in_transaction = 0
        for originator_id, version, topic, state in stored_rows(store, events, counts):
            # The library's SQLite recorder stores an originator id as 32 hex digits.
            batch.append((originator_id.hex, version, topic, state))
            stored_bytes += len(topic) + len(state)
            if len(batch) == INSERT_BATCH_ROWS:
                connection.executemany(f"INSERT INTO {table} VALUES (?, ?, ?, ?)", batch)
                in_transaction += len(batch)
                batch.clear()
                if in_transaction >= ROWS_PER_TRANSACTION:
                    connection.execute("COMMIT")
                    connection.execute("BEGIN")
                    in_transaction = 0
        connection.executemany(f"INSERT INTO {table} VALUES (?, ?, ?, ?)", batch)
        connection.execute("COMMIT")
    finally:
        connection.close()
        store.close()
    return Fill(events, time.perf_counter() - started, stored_bytes)


def copy_to_postgres(sqlite_url: str, postgres_url: str, events: int) -> Fill:
    """Copy the first `events` rows of the SQLite store, in log order, into a new PostgreSQL store with binary COPY."""
    source = EventStore(sqlite_url)
    source_table = source.recorder.events_table_name  # type: ignore[attr-defined]
    source.close()
    target = EventStore(postgres_url)
    table = target.recorder.events_table_name  # type: ignore[attr-defined]
    target.close()

    started = time.perf_counter()
    stored_bytes = 0
    reader = sqlite3.connect(sqlite_path(sqlite_url))
    try:
        rows = reader.execute(
            f"SELECT originator_id, originator_version, topic, state FROM {source_table} ORDER BY rowid LIMIT ?", (events,)
        )
        with psycopg.connect(postgres_url) as connection, connection.cursor() as cursor:
            copied = 0
            while copied < events:
                chunk = rows.fetchmany(ROWS_PER_TRANSACTION)
                if not chunk:
                    break
                # notification_id is a bigserial, so COPY numbers the rows in the order they arrive.
                statement = f"COPY {table} (originator_id, originator_version, topic, state) FROM STDIN (FORMAT BINARY)"
                with cursor.copy(statement) as copy:
                    copy.set_types(["uuid", "int8", "text", "bytea"])
                    for originator_id, version, topic, state in chunk:
                        copy.write_row((uuid.UUID(hex=originator_id), version, topic, state))
                        stored_bytes += len(topic) + len(state)
                connection.commit()
                copied += len(chunk)
            # Autovacuum analyzes a table this size soon after. Without statistics the planner may scan it for every batch.
            connection.autocommit = True
            cursor.execute(f"ANALYZE {table}")
    finally:
        reader.close()
    return Fill(copied, time.perf_counter() - started, stored_bytes)


# the measured steps, each in a fresh process


def proc_status_bytes(field_name: str) -> int:
    """Return a memory field of /proc/self/status, such as VmHWM (peak RSS), in bytes."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field_name):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"/proc/self/status has no {field_name} line.")


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def read_step(database_url: str) -> dict[str, Any]:
    """Read every event in the projection runner's batches and decode it, as a rebuild does before applying."""
    from backend.projections.runner import BATCH_SIZE

    store = EventStore(database_url)
    rss_before = proc_status_bytes("VmRSS:")
    wall, cpu = time.perf_counter(), cpu_seconds()
    position = events = 0
    while True:
        notifications = store.read_log(after=position, limit=BATCH_SIZE)
        if not notifications:
            break
        decoded = [(notification.id, store.decode(notification)) for notification in notifications]
        events += len(decoded)
        position = decoded[-1][0]
    seconds, cpu_used = time.perf_counter() - wall, cpu_seconds() - cpu
    store.close()
    return {"events": events, "seconds": seconds, "cpu_seconds": cpu_used, "rss_before_bytes": rss_before,
            "peak_rss_bytes": proc_status_bytes("VmHWM:")}


def rebuild_step(database_url: str, artifacts: str) -> dict[str, Any]:
    """Rebuild every projection as `modelcloud projections rebuild` does, and return the time each projection's batches took."""
    from backend.runtime import Runtime
    from backend.settings import load_settings
    from backend.telemetry import registry

    runtime = Runtime.build(load_settings(database_url=database_url, artifacts=artifacts))
    runtime.prepare()
    rss_before = proc_status_bytes("VmRSS:")
    wall, cpu = time.perf_counter(), cpu_seconds()
    try:
        runtime.projections.rebuild()
        seconds, cpu_used = time.perf_counter() - wall, cpu_seconds() - cpu
        head = runtime.store.head()
        positions = runtime.projections.positions()
        failures = dict(runtime.projections.failures)
        rows = {}
        for table in COUNTED_TABLES:
            counted = runtime.database.fetchone(f"SELECT COUNT(*) AS n FROM {table}")
            rows[table] = int(counted["n"]) if counted else 0
    finally:
        runtime.stop()
    projection_seconds = {
        name: registry.get_sample_value("modelcloud_projection_batch_seconds_sum", {"projection": name}) or 0.0
        for name in positions
    }
    return {
        "events": head, "seconds": seconds, "cpu_seconds": cpu_used, "rss_before_bytes": rss_before,
        "peak_rss_bytes": proc_status_bytes("VmHWM:"), "positions": positions, "failures": failures,
        "projection_seconds": projection_seconds, "rows": rows,
    }


def run_step(step: str, database_url: str, artifacts: Path, output: Path) -> dict[str, Any]:
    """Run one step in a fresh process and return the JSON it wrote. Raise with its error output if it fails."""
    command = [sys.executable, "-m", "bench.projection_rebuild", step, database_url, str(artifacts), str(output)]
    environment = {**os.environ, "PYTHONPATH": str(REPOSITORY)}
    completed = subprocess.run(
        command, cwd=REPOSITORY, env=environment, capture_output=True, text=True, timeout=STEP_TIMEOUT_SECONDS
    )
    if completed.returncode != 0:
        raise RuntimeError(f"The {step} step exited with status {completed.returncode}:\n{completed.stderr[-3000:]}")
    return json.loads(output.read_text())


# measurements


@dataclass(frozen=True)
class StepRun:
    events: int
    seconds: float
    cpu_seconds: float
    rss_before_bytes: int  # after imports and set-up, before the timed work
    peak_rss_bytes: int  # VmHWM of the step's process

    @property
    def events_per_second(self) -> float:
        return self.events / self.seconds


@dataclass(frozen=True)
class DatabaseRebuild:
    database: str
    fill: Fill
    read: StepRun
    rebuild: StepRun
    projection_seconds: dict[str, float]  # time in each projection's batch transactions, by projection
    rows: dict[str, int]  # rows of some read models after the rebuild
    database_bytes: int  # size of the database after the rebuild: the event store and every read model
    load_averages: tuple[float, float]  # 1-minute load average as the read step and as the rebuild step started


@dataclass(frozen=True)
class ProjectionRebuildResult:
    databases: list[DatabaseRebuild]
    event_types: dict[str, int]  # events of each class in the SQLite log, by `Aggregate.Event` name
    seconds: float
    measured_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))


def step_run(measured: dict[str, Any]) -> StepRun:
    return StepRun(measured["events"], measured["seconds"], measured["cpu_seconds"], measured["rss_before_bytes"],
                   measured["peak_rss_bytes"])


def measure_database(database: str, database_url: str, fill: Fill, folder: Path) -> DatabaseRebuild:
    """Read the log, then rebuild every projection from it, each in a fresh process. Raise if the rebuild missed an event."""
    print(f"  {database}: reading and decoding {fill.events:,} events", flush=True)
    read_load = os.getloadavg()[0]
    read = run_step("read", database_url, folder / "artifacts", folder / f"read-{database}.json")
    print(f"  {database}: rebuilding every projection", flush=True)
    rebuild_load = os.getloadavg()[0]
    rebuilt = run_step("rebuild", database_url, folder / "artifacts", folder / f"rebuild-{database}.json")

    behind = {name: position for name, position in rebuilt["positions"].items() if position != fill.events}
    if rebuilt["failures"] or behind or read["events"] != fill.events or rebuilt["rows"]["audit_log"] != fill.events:
        raise RuntimeError(
            f"The {database} rebuild is incomplete: {fill.events:,} events stored, {read['events']:,} read, "
            f"{rebuilt['rows']['audit_log']:,} audit entries; projections short of the last event: {behind}; "
            f"failures: {rebuilt['failures']}."
        )
    return DatabaseRebuild(
        database, fill, step_run(read), step_run(rebuilt), rebuilt["projection_seconds"], rebuilt["rows"],
        database_size(database_url), (read_load, rebuild_load),
    )


def database_size(database_url: str) -> int:
    if database_url.startswith("sqlite:///"):
        path = Path(sqlite_path(database_url))
        return sum(file.stat().st_size for file in path.parent.glob(f"{path.name}*"))
    with psycopg.connect(database_url) as connection:
        row = connection.execute("SELECT pg_database_size(current_database())").fetchone()
    return int(row[0]) if row else 0


def measure(events: int = EVENTS, postgres_url: str | None = None, postgres_events: int = POSTGRES_EVENTS) -> ProjectionRebuildResult:
    """Measure on a SQLite file in a temporary folder and, when `postgres_url` is given, on that (empty) database."""
    started = time.monotonic()
    measured_at = datetime.now(timezone.utc)
    counts: Counter[str] = Counter()
    databases = []
    with tempfile.TemporaryDirectory(prefix="modelcloud-bench-rebuild-") as scratch:
        folder = Path(scratch)
        sqlite_url = f"sqlite:///{folder / 'modelcloud.db'}"
        print(f"  {SQLITE}: building {events:,} events and inserting them in bulk", flush=True)
        fill = fill_sqlite(sqlite_url, events, counts)
        databases.append(measure_database(SQLITE, sqlite_url, fill, folder))
        if postgres_url is not None:
            print(f"  {POSTGRES}: copying {min(events, postgres_events):,} of those rows with COPY", flush=True)
            postgres_fill = copy_to_postgres(sqlite_url, postgres_url, min(events, postgres_events))
            databases.append(measure_database(POSTGRES, postgres_url, postgres_fill, folder))
    return ProjectionRebuildResult(databases, dict(counts.most_common()), time.monotonic() - started, measured_at)


def main() -> None:
    parser = argparse.ArgumentParser(description="Measure how fast every projection is rebuilt from a large event log.")
    steps = parser.add_subparsers(dest="step")
    for step in ("read", "rebuild"):
        child = steps.add_parser(step, help=f"Run the {step} step in this process (the benchmark starts it itself).")
        child.add_argument("database_url")
        child.add_argument("artifacts")
        child.add_argument("output", type=Path)
    parser.add_argument("--events", type=int, default=EVENTS, help=f"Events in the SQLite log (default {EVENTS:,}).")
    parser.add_argument(
        "--postgres-events", type=int, default=POSTGRES_EVENTS,
        help=f"Events of the same log copied to PostgreSQL (default {POSTGRES_EVENTS:,}).",
    )
    parser.add_argument("--skip-postgres", action="store_true", help="Measure SQLite only.")
    arguments = parser.parse_args()

    if arguments.step == "read":
        arguments.output.write_text(json.dumps(read_step(arguments.database_url)))
        return
    if arguments.step == "rebuild":
        arguments.output.write_text(json.dumps(rebuild_step(arguments.database_url, arguments.artifacts)))
        return

    from bench.command_throughput import bench_postgres_database

    with bench_postgres_database(arguments.skip_postgres) as postgres_url:
        result = measure(arguments.events, postgres_url, arguments.postgres_events)
    print(json.dumps(asdict(result), default=str, indent=2))


if __name__ == "__main__":
    main()
