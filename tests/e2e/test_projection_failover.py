"""Projections in processes of their own on PostgreSQL: one process applies them, and when it is killed
another takes over without applying any event twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from backend.leases import APPLICATION_NAME, lease_key
from backend.runtime import all_projections
from tests.e2e.conftest import CREATE_TEAM
from tests.support.server import Client, Server, launch_server, wait_until_up

pytestmark = pytest.mark.e2e

TEAMS = 40
PROJECTION_NAMES = [projection.name for projection in all_projections()]
TAKEOVER_TIMEOUT = 60.0


def start_projection_process(home: Path, database_url: str, **environment: str) -> subprocess.Popen[str]:
    """Start `modelcloud projections run` with `environment` added to this process's variables."""
    home.mkdir(parents=True, exist_ok=True)
    variables = {
        **os.environ, "MODELCLOUD_DATABASE_URL": database_url, "MODELCLOUD_ARTIFACTS": str(home / "artifacts"), **environment,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "backend.cli", "projections", "run"],
        env=variables, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True,
    )


def lease_holders(database_url: str) -> dict[int, int]:
    """Return, for each operating-system process id, how many projection leases its lease connection holds."""
    wanted = set()
    for name in PROJECTION_NAMES:
        key = lease_key(f"projection:{name}") & 0xFFFF_FFFF_FFFF_FFFF
        # pg_locks shows a bigint advisory key as its high and low 32 bits.
        wanted.add((key >> 32, key & 0xFFFF_FFFF))
    with psycopg.connect(database_url, autocommit=True) as connection:
        rows = connection.execute(
            "SELECT a.application_name, l.classid::bigint, l.objid::bigint FROM pg_locks l "
            "JOIN pg_stat_activity a ON a.pid = l.pid "
            # Advisory locks belong to one database, and other test workers hold the same keys in theirs.
            "WHERE l.locktype = 'advisory' AND l.granted AND a.application_name LIKE %s "
            "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            (f"{APPLICATION_NAME} %",),
        ).fetchall()
    holders: dict[int, int] = {}
    for application_name, high, low in rows:
        if (high, low) in wanted:
            pid = int(application_name.rsplit(" ", 1)[1])
            holders[pid] = holders.get(pid, 0) + 1
    return holders


def wait_for_holder(database_url: str, pid: int) -> None:
    deadline = time.monotonic() + TAKEOVER_TIMEOUT
    while lease_holders(database_url).get(pid) != len(PROJECTION_NAMES):
        if time.monotonic() > deadline:
            raise AssertionError(f"process {pid} did not hold every projection lease; holders: {lease_holders(database_url)}")
        time.sleep(0.1)


@pytest.fixture
def projection_processes(fresh_postgres_url: str, tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], subprocess.Popen[str]]]:
    first = start_projection_process(tmp_path / "first", fresh_postgres_url)
    wait_for_holder(fresh_postgres_url, first.pid)
    second = start_projection_process(tmp_path / "second", fresh_postgres_url)
    yield first, second
    for process in (first, second):
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=30)


@pytest.fixture
def api_server(fresh_postgres_url: str, tmp_path: Path, projection_processes: object) -> Iterator[Server]:
    server = launch_server(
        tmp_path / "api", fresh_postgres_url, MODELCLOUD_WORKERS="false", MODELCLOUD_PROJECTIONS_IN_PROCESS="false"
    )
    wait_until_up(server)
    yield server
    server.stop()


def test_killed_projection_process_is_replaced(
    fresh_postgres_url: str, projection_processes: tuple[subprocess.Popen[str], subprocess.Popen[str]], api_server: Server,
) -> None:
    first, second = projection_processes
    client = Client(api_server, token=api_server.admin_token)
    created: list[str] = []
    half_done = threading.Event()

    def create_teams() -> None:
        for index in range(TEAMS):
            name = f"failover-{index:02d}"
            client.data(CREATE_TEAM, {"i": {"name": name}})
            created.append(name)
            if index == TEAMS // 2:
                half_done.set()

    writer = threading.Thread(target=create_teams)
    writer.start()
    assert half_done.wait(timeout=120)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)
    wait_for_holder(fresh_postgres_url, second.pid)
    writer.join(timeout=120)

    teams = client.data("{ teams(first: 100) { edges { node { name } } } }")["teams"]["edges"]
    with psycopg.connect(fresh_postgres_url, autocommit=True) as connection:
        head = connection.execute("SELECT max(notification_id) FROM modelcloud_events").fetchone()[0]
        audit = connection.execute("SELECT count(*), count(DISTINCT position), max(position) FROM audit_log").fetchone()
        tracking = dict(connection.execute("SELECT name, position FROM projection_tracking").fetchall())
        team_rows = connection.execute("SELECT count(*) FROM teams WHERE name LIKE 'failover-%'").fetchone()[0]

    assert created == [f"failover-{index:02d}" for index in range(TEAMS)]
    assert sorted(edge["node"]["name"] for edge in teams if edge["node"]["name"].startswith("failover-")) == created
    assert team_rows == TEAMS
    assert audit == (head, head, head)
    assert tracking == dict.fromkeys(PROJECTION_NAMES, head)
    assert lease_holders(fresh_postgres_url) == {second.pid: len(PROJECTION_NAMES)}
    client.close()
