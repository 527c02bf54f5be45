"""Leases on PostgreSQL advisory locks: one holder at a time, freed when the holder releases or loses its connection."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import psycopg
import pytest

from backend.leases import APPLICATION_NAME, AdvisoryLeases, LocalLeases, lease_key, open_leases
from backend.processes.scheduler import Periodic

NAMES = ["projection:audit", "projection:registry", "policy:monitoring"]


@pytest.fixture
def two_processes(fresh_postgres_url: str) -> Iterator[tuple[AdvisoryLeases, AdvisoryLeases]]:
    first, second = AdvisoryLeases(fresh_postgres_url), AdvisoryLeases(fresh_postgres_url)
    yield first, second
    first.release_all()
    second.release_all()


def test_one_holder_at_a_time(two_processes: tuple[AdvisoryLeases, AdvisoryLeases]) -> None:
    first, second = two_processes

    assert first.claim(NAMES) == frozenset(NAMES)
    assert second.claim(NAMES) == frozenset()
    assert first.claim(NAMES[:1]) == frozenset(NAMES[:1])


def test_released_leases_go_to_the_next_claim(two_processes: tuple[AdvisoryLeases, AdvisoryLeases]) -> None:
    first, second = two_processes
    first.claim(NAMES[:2])

    first.release_all()

    assert second.claim(NAMES) == frozenset(NAMES)
    assert first.claim(NAMES) == frozenset()


def test_lost_connection_frees_leases(fresh_postgres_url: str, two_processes: tuple[AdvisoryLeases, AdvisoryLeases]) -> None:
    first, second = two_processes
    first.claim(NAMES)
    with psycopg.connect(fresh_postgres_url, autocommit=True) as admin:
        terminated = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
            "AND application_name LIKE %s AND pid IN (SELECT pid FROM pg_locks WHERE locktype = 'advisory')",
            (f"{APPLICATION_NAME} %",),
        ).fetchall()
    assert terminated == [(True,)]

    assert second.claim(NAMES) == frozenset(NAMES)
    assert first.claim(NAMES) == frozenset()


def test_keys_are_stable_and_distinct() -> None:
    keys = {lease_key(name) for name in NAMES}

    assert len(keys) == len(NAMES)
    assert lease_key("projection:audit") == lease_key("projection:audit")
    assert all(-(2**63) <= key < 2**63 for key in keys)


def test_sqlite_grants_every_lease(tmp_path) -> None:
    leases = open_leases(f"sqlite:///{tmp_path / 'one.db'}")

    assert isinstance(leases, LocalLeases)
    assert leases.claim(NAMES) == frozenset(NAMES)


def test_policy_runs_in_one_process_until_it_stops(fresh_postgres_url: str) -> None:
    runs = {"first": 0, "second": 0}
    counted = threading.Condition()

    def record(process: str) -> None:
        with counted:
            runs[process] += 1
            counted.notify_all()

    def wait_for_runs(process: str, count: int) -> None:
        with counted:
            assert counted.wait_for(lambda: runs[process] >= count, timeout=30), runs

    leases = {process: AdvisoryLeases(fresh_postgres_url) for process in runs}
    first = Periodic("monitoring", 0.01, lambda: record("first"), leases=leases["first"])
    second = Periodic("monitoring", 0.01, lambda: record("second"), leases=leases["second"])
    first.start()
    wait_for_runs("first", 1)
    second.start()
    # The second process tries for the lease as often as the first runs the policy.
    wait_for_runs("first", runs["first"] + 10)
    assert runs["second"] == 0

    first.stop()
    leases["first"].release_all()
    wait_for_runs("second", 5)
    second.stop()
    leases["second"].release_all()

    assert runs["second"] >= 5


def test_lease_session_detects_lost_peer(two_processes: tuple[AdvisoryLeases, AdvisoryLeases]) -> None:
    """A holder whose machine vanishes sends nothing more, so only TCP keepalives let PostgreSQL end its session.

    Without them, Linux's defaults keep such a session, and its leases, for over two hours.
    """
    first, _ = two_processes
    first.claim(NAMES)
    # The lease connection is private; the test reads the settings PostgreSQL applies to its socket.
    connection = first._connection

    settings = {
        name: connection.execute(f"SHOW {name}").fetchone()[0]
        for name in ("tcp_keepalives_idle", "tcp_keepalives_interval", "tcp_keepalives_count")
    }

    assert settings == {"tcp_keepalives_idle": "10", "tcp_keepalives_interval": "5", "tcp_keepalives_count": "3"}
    assert connection.info.get_parameters()["keepalives_idle"] == "10"
