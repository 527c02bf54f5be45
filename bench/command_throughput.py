"""Command throughput of the identity service on SQLite and PostgreSQL, next to raw INSERTs into the same database.

Each workload runs its commands one after another in one process, once with the projections
off (the command path alone) and once with them running in a background thread, as
`modelcloud serve` runs them. The baseline copies the topic and state of every row that the
projections-off run stored into a scratch table of the same shape as the event table. That table is
`stored_events` on SQLite and `modelcloud_events` on PostgreSQL. The copies go in one row a
transaction, through the same driver (sqlite3 or psycopg).
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import TypeVar

import psycopg

from backend.application.commands import Outcome
from backend.application.identity import BOOTSTRAP_USERNAME
from backend.database import sqlite_path
from backend.domain.access import SESSION, Principal
from backend.domain.base import Cause, NameIndex, index_id
from backend.domain.identity import EDITOR, VIEWER, User
from backend.runtime import Runtime
from backend.settings import load_settings

COMMANDS = 500
REPEATS = 3
USERS_PER_SETUP_COMMAND = 50
PROJECTION_TIMEOUT_SECONDS = 60.0

POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
POSTGRES_URL_VARIABLE = "MODELCLOUD_BENCH_POSTGRES_URL"

SQLITE, POSTGRES = "SQLite", "PostgreSQL"
CREATE_TEAM = "createTeam"
MEMBER_ROLES = "addMember / changeMemberRole on one team"

RAW_TABLE = "bench_raw_events"
SQLITE_RAW_TABLE = (
    f"CREATE TABLE {RAW_TABLE} (originator_id TEXT, originator_version INTEGER, topic TEXT, state BLOB, "
    "PRIMARY KEY (originator_id, originator_version))"
)
POSTGRES_RAW_TABLE = (
    f"CREATE TABLE {RAW_TABLE} (originator_id uuid NOT NULL, originator_version bigint NOT NULL, topic text, "
    "state bytea, notification_id bigserial, PRIMARY KEY (originator_id, originator_version))"
)
POSTGRES_RAW_INDEX = f"CREATE UNIQUE INDEX {RAW_TABLE}_notification_id_idx ON {RAW_TABLE} (notification_id)"

T = TypeVar("T")
Command = Callable[[int], Outcome]
Workload = Callable[[Runtime, Principal, str, int], Command]


@dataclass(frozen=True)
class CommandRun:
    """One workload's sequential commands and the log positions (after, last] of the events they appended."""

    database: str
    events_table: str
    workload: str
    projections: bool
    commands: int
    events: int
    seconds: float
    after: int
    last: int
    rate_range: tuple[float, float] | None = None  # lowest and highest commands/s over the repetitions

    @property
    def commands_per_second(self) -> float:
        return self.commands / self.seconds

    @property
    def events_per_second(self) -> float:
        return self.events / self.seconds


@dataclass(frozen=True)
class RawInsertRun:
    """Single-row INSERT transactions with the topic and state of the events a workload stored."""

    database: str
    workload: str
    rows: int
    seconds: float
    mean_payload_bytes: float
    rate_range: tuple[float, float] | None = None  # lowest and highest INSERTs/s over the repetitions

    @property
    def inserts_per_second(self) -> float:
        return self.rows / self.seconds


@dataclass(frozen=True)
class ThroughputReport:
    """The median run of each measurement, out of `repeats` runs."""

    runs: list[CommandRun]
    baselines: list[RawInsertRun]
    repeats: int

    def baseline_for(self, run: CommandRun) -> RawInsertRun:
        return next(raw for raw in self.baselines if (raw.database, raw.workload) == (run.database, run.workload))


# workloads


def create_team_workload(runtime: Runtime, admin: Principal, tag: str, _commands: int) -> Command:
    """Return a command that creates a team with a new name, which appends a name reservation, Team.Created and MemberAdded."""

    def run(index: int) -> Outcome:
        cause = Cause.new(admin.actor, None, at=runtime.clock())
        _, outcome = runtime.identity.create_team(admin, cause, name=f"{tag}-team-{index}")
        return outcome

    return run


def member_roles_workload(runtime: Runtime, admin: Principal, tag: str, commands: int) -> Command:
    """Create a team and users, then return a command that alternates addMember and changeMemberRole on that team.

    Each call appends one event to the team's stream, so the aggregate that every call loads keeps growing.
    """
    setup_cause = Cause.new(admin.actor, None, at=runtime.clock())
    team_id, _ = runtime.identity.create_team(admin, setup_cause, name=f"{tag}-members")
    user_ids = register_users(runtime, tag, (commands + 1) // 2)

    def run(index: int) -> Outcome:
        user_id = user_ids[index // 2]
        cause = Cause.new(admin.actor, str(team_id), at=runtime.clock())
        if index % 2 == 0:
            return runtime.identity.add_member(admin, cause, team_id=team_id, user_id=user_id, role=VIEWER)
        return runtime.identity.change_member_role(admin, cause, team_id=team_id, user_id=user_id, role=EDITOR)

    return run


def register_users(runtime: Runtime, tag: str, count: int) -> list[uuid.UUID]:
    """Register users through the domain, in batches, without passwords.

    createUser would spend nearly all its time on argon2 hashing, which is no part of this measurement.
    """
    user_ids = [uuid.uuid4() for _ in range(count)]
    for start in range(0, count, USERS_PER_SETUP_COMMAND):
        batch = list(enumerate(user_ids[start : start + USERS_PER_SETUP_COMMAND], start))
        cause = runtime.cause_from_system()

        def decide(batch: list[tuple[int, uuid.UUID]] = batch, cause: Cause = cause) -> list[object]:
            aggregates: list[object] = []
            for number, user_id in batch:
                username = f"{tag}-user-{number}"
                aggregates.append(User.register(user_id, username, is_admin=False, sealed_profile="", cause=cause))
                aggregates.append(NameIndex.reserve("username", username, user_id, cause))
            return aggregates

        runtime.commands.run("registerBenchUsers", cause, decide)
    return user_ids


WORKLOADS: dict[str, Workload] = {CREATE_TEAM: create_team_workload, MEMBER_ROLES: member_roles_workload}


# command runs


def admin_principal(runtime: Runtime) -> Principal:
    """Bootstrap the installation if needed and act as its first administrator, signed in by session."""
    runtime.bootstrap()
    reservation = runtime.store.repository.get(index_id("username", BOOTSTRAP_USERNAME))
    return Principal(user_id=reservation.owner_id, username=BOOTSTRAP_USERNAME, is_admin=True, via=SESSION)


def run_workload(
    database_url: str, database: str, workload: str, *, projections: bool, commands: int, artifacts: Path
) -> CommandRun:
    """Run `commands` commands of one workload on a fresh Runtime.

    With projections on, the timing ends once they have applied the last event.
    """
    runtime = Runtime.build(load_settings(database_url=database_url, artifacts=str(artifacts)))
    runtime.start(run_projections=projections)
    try:
        admin = admin_principal(runtime)
        tag = f"bench-{uuid.uuid4().hex[:8]}"
        command = WORKLOADS[workload](runtime, admin, tag, commands)
        if projections:
            wait_for_projections(runtime, runtime.store.head())
        after = runtime.store.head()

        started = time.perf_counter()
        events, last = 0, after
        for index in range(commands):
            outcome = command(index)
            events += outcome.events
            last = max(last, outcome.position)
        if projections:
            wait_for_projections(runtime, last)
        seconds = time.perf_counter() - started
    finally:
        runtime.stop()
    events_table = runtime.store.recorder.events_table_name  # type: ignore[attr-defined]
    return CommandRun(database, events_table, workload, projections, commands, events, seconds, after, last)


def wait_for_projections(runtime: Runtime, position: int) -> None:
    if not runtime.projections.wait_for(position, PROJECTION_TIMEOUT_SECONDS):
        raise TimeoutError(
            f"Timed out after {PROJECTION_TIMEOUT_SECONDS:.0f} s waiting for the projections to reach log position {position}."
        )


# raw INSERT baselines


def raw_inserts_sqlite(path: str, run: CommandRun) -> RawInsertRun:
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        rows = connection.execute(
            f"SELECT topic, state FROM {run.events_table} WHERE rowid > ? AND rowid <= ? ORDER BY rowid",
            (run.after, run.last),
        ).fetchall()
        connection.execute(f"DROP TABLE IF EXISTS {RAW_TABLE}")
        connection.execute(SQLITE_RAW_TABLE)
        ids = [uuid.uuid4().hex for _ in rows]
        insert = f"INSERT INTO {RAW_TABLE} VALUES (?, 1, ?, ?)"

        started = time.perf_counter()
        for originator_id, (topic, state) in zip(ids, rows):
            connection.execute("BEGIN")
            connection.execute(insert, (originator_id, topic, state))
            connection.execute("COMMIT")
        seconds = time.perf_counter() - started

        connection.execute(f"DROP TABLE {RAW_TABLE}")
    finally:
        connection.close()
    return RawInsertRun(SQLITE, run.workload, len(rows), seconds, mean_payload(rows))


def raw_inserts_postgres(url: str, run: CommandRun) -> RawInsertRun:
    with psycopg.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute(
            f"SELECT topic, state FROM {run.events_table} WHERE notification_id > %s AND notification_id <= %s "
            "ORDER BY notification_id",
            (run.after, run.last),
        )
        rows = [(topic, bytes(state)) for topic, state in cursor.fetchall()]
        cursor.execute(f"DROP TABLE IF EXISTS {RAW_TABLE}")
        cursor.execute(POSTGRES_RAW_TABLE)
        cursor.execute(POSTGRES_RAW_INDEX)
        connection.commit()
        ids = [uuid.uuid4() for _ in rows]
        insert = f"INSERT INTO {RAW_TABLE} (originator_id, originator_version, topic, state) VALUES (%s, 1, %s, %s)"

        started = time.perf_counter()
        for originator_id, (topic, state) in zip(ids, rows):
            cursor.execute(insert, (originator_id, topic, state))
            connection.commit()
        seconds = time.perf_counter() - started

        cursor.execute(f"DROP TABLE {RAW_TABLE}")
        connection.commit()
    return RawInsertRun(POSTGRES, run.workload, len(rows), seconds, mean_payload(rows))


def mean_payload(rows: list[tuple[str, bytes]]) -> float:
    if not rows:
        return 0.0
    return sum(len(topic.encode()) + len(state) for topic, state in rows) / len(rows)


# databases


def measure_database(
    database_url: str, database: str, commands: int, repeats: int
) -> tuple[list[CommandRun], list[RawInsertRun]]:
    """Measure every workload `repeats` times on one database and keep the median of each measurement.

    Each repetition runs the workload with projections off, then the raw INSERT baseline of the rows
    that run stored, then the workload with projections on. Interleaving them this way lets a change in
    the machine's load reach the command runs and their baseline alike.
    """
    runs: list[CommandRun] = []
    baselines: list[RawInsertRun] = []
    with tempfile.TemporaryDirectory(prefix="modelcloud-bench-") as scratch:
        artifacts = Path(scratch) / "artifacts"
        for workload in WORKLOADS:
            without_projections: list[CommandRun] = []
            with_projections: list[CommandRun] = []
            raw_inserts: list[RawInsertRun] = []
            for _ in range(repeats):
                run = run_workload(database_url, database, workload, projections=False, commands=commands, artifacts=artifacts)
                without_projections.append(run)
                raw_inserts.append(raw_inserts_for(database_url, database, run))
                run = run_workload(database_url, database, workload, projections=True, commands=commands, artifacts=artifacts)
                with_projections.append(run)

            runs.append(median(without_projections, lambda run: run.commands_per_second))
            runs.append(median(with_projections, lambda run: run.commands_per_second))
            baselines.append(median(raw_inserts, lambda raw: raw.inserts_per_second))
            print(
                f"  {database}, {workload}: {runs[-2].commands_per_second:.0f} commands/s with projections off, "
                f"{runs[-1].commands_per_second:.0f} with them on, {baselines[-1].inserts_per_second:.0f} raw INSERTs/s",
                flush=True,
            )
    return runs, baselines


def raw_inserts_for(database_url: str, database: str, run: CommandRun) -> RawInsertRun:
    if database == SQLITE:
        return raw_inserts_sqlite(sqlite_path(database_url), run)
    return raw_inserts_postgres(database_url, run)


def median(measurements: list[T], rate: Callable[[T], float]) -> T:
    """Return the measurement with the median rate (the lower middle one of an even count), with the rates' range."""
    ordered = sorted(measurements, key=rate)
    middle = ordered[(len(ordered) - 1) // 2]
    if len(ordered) == 1:
        return middle
    return replace(middle, rate_range=(rate(ordered[0]), rate(ordered[-1])))  # type: ignore[type-var]


@contextmanager
def bench_postgres_database(skip: bool = False) -> Iterator[str | None]:
    """Yield MODELCLOUD_BENCH_POSTGRES_URL, or else the URL of a fresh database that is dropped afterwards.

    With `skip` it yields None.
    """
    configured = os.environ.get(POSTGRES_URL_VARIABLE)
    if skip or configured:
        yield None if skip else configured
        return

    name = f"modelcloud_bench_{datetime.now(timezone.utc):%Y%m%d%H%M%S}"
    try:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=5) as connection:
            connection.execute(f"CREATE DATABASE {name}")
    except psycopg.Error as error:
        raise SystemExit(
            f"Could not create a benchmark database on {POSTGRES_ADMIN_URL}: {error}. "
            f"Start PostgreSQL (`make bench` does), set {POSTGRES_URL_VARIABLE}, or pass --skip-postgres."
        ) from None
    try:
        yield f"{POSTGRES_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=5) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def measure(commands: int = COMMANDS, postgres_url: str | None = None, repeats: int = REPEATS) -> ThroughputReport:
    """Measure on a SQLite file in a temporary folder and, when `postgres_url` is given, on that database."""
    runs: list[CommandRun] = []
    baselines: list[RawInsertRun] = []
    with tempfile.TemporaryDirectory(prefix="modelcloud-bench-sqlite-") as folder:
        sqlite_runs, sqlite_baselines = measure_database(f"sqlite:///{folder}/modelcloud.db", SQLITE, commands, repeats)
        runs += sqlite_runs
        baselines += sqlite_baselines
    if postgres_url is not None:
        postgres_runs, postgres_baselines = measure_database(postgres_url, POSTGRES, commands, repeats)
        runs += postgres_runs
        baselines += postgres_baselines
    return ThroughputReport(runs, baselines, repeats)


def main() -> None:
    parser = argparse.ArgumentParser(description="Measure command throughput next to raw INSERTs on SQLite and PostgreSQL.")
    parser.add_argument("--commands", type=int, default=COMMANDS, help=f"Commands per workload and run (default {COMMANDS}).")
    parser.add_argument(
        "--repeats", type=int, default=REPEATS, help=f"Runs of each measurement, of which the median is reported (default {REPEATS})."
    )
    parser.add_argument("--skip-postgres", action="store_true", help="Measure SQLite only.")
    arguments = parser.parse_args()

    with bench_postgres_database(arguments.skip_postgres) as postgres_url:
        report = measure(arguments.commands, postgres_url, arguments.repeats)
    for run in report.runs:
        raw = report.baseline_for(run)
        print(
            f"{run.database:<10} {run.workload:<42} projections {'on ' if run.projections else 'off'} "
            f"{run.commands_per_second:8.1f} commands/s {run.events_per_second:8.1f} events/s "
            f"raw {raw.inserts_per_second:8.1f} inserts/s ratio {run.commands_per_second / raw.inserts_per_second:.3f}"
        )


if __name__ == "__main__":
    main()
