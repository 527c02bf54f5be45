"""A process on PostgreSQL keeps working when the server ends its connections, as a restart or a failover does."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from backend.domain.base import Cause
from backend.runtime import Runtime
from tests.conftest import FrozenClock, build_runtime
from tests.integration.test_event_store import admin_of

pytestmark = pytest.mark.integration


@pytest.fixture
def postgres_runtime(fresh_postgres_url: str, tmp_path: Path, clock: FrozenClock) -> Iterator[Runtime]:
    built = build_runtime(fresh_postgres_url, tmp_path / "artifacts", clock)
    built.start()
    yield built
    built.stop()


def end_every_connection(database_url: str) -> int:
    """Terminate every other session on the database, as a restarting server does, and return how many ended.

    Each termination waits up to 10 s for its session to exit, so no ended session still runs a query afterwards.
    """
    with psycopg.connect(database_url, autocommit=True) as admin:
        row = admin.execute(
            "SELECT count(pg_terminate_backend(pid, 10000)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchone()
    assert row is not None
    return int(row[0])


def test_reads_work_after_connections_end(postgres_runtime: Runtime, fresh_postgres_url: str, clock: FrozenClock) -> None:
    admin = admin_of(postgres_runtime)
    postgres_runtime.identity.create_team(admin, Cause.new(admin.actor, None, at=clock()), name="Before")

    assert end_every_connection(fresh_postgres_url) > 0

    team = postgres_runtime.readers.identity.team_by_name("Before")
    assert team is not None
    assert team["name"] == "Before"


def test_commands_work_after_connections_end(postgres_runtime: Runtime, fresh_postgres_url: str, clock: FrozenClock) -> None:
    admin = admin_of(postgres_runtime)

    assert end_every_connection(fresh_postgres_url) > 0

    _, outcome = postgres_runtime.identity.create_team(admin, Cause.new(admin.actor, None, at=clock()), name="After")
    assert postgres_runtime.projections.wait_for(outcome.position)
    assert postgres_runtime.projections.failures == {}
    team = postgres_runtime.readers.identity.team_by_name("After")
    assert team is not None
    assert team["name"] == "After"


def test_malformed_notification_keeps_listener(postgres_runtime: Runtime, fresh_postgres_url: str, clock: FrozenClock) -> None:
    """A payload on the changes channel that is not a change, such as one from another version, is skipped."""
    admin = admin_of(postgres_runtime)

    async def create_and_receive() -> str:
        async with postgres_runtime.broker.subscribe(lambda topic: topic == "team") as changes:
            with psycopg.connect(fresh_postgres_url, autocommit=True) as other:
                for payload in ("not json", "[1, 2]", '{"keys": {}}', '{"topic": "team", "keys": [1]}'):
                    other.execute("SELECT pg_notify('modelcloud_changes', %s)", (payload,))
            team_id, _ = await asyncio.to_thread(
                postgres_runtime.identity.create_team, admin, Cause.new(admin.actor, None, at=clock()), name="Heard"
            )
            change = await asyncio.wait_for(anext(changes), timeout=10)
            assert change.keys["id"] == str(team_id)
            return change.topic

    assert asyncio.run(create_and_receive()) == "team"
    assert postgres_runtime.listener is not None
    assert postgres_runtime.listener.is_alive()
