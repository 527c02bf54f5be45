"""A projection that fails on an event stops only itself, is retried, and is reported."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from backend.database import Transaction
from backend.domain.base import Cause
from backend.projections.audit import AuditProjection
from backend.projections.base import Change, Projection
from backend.projections.broker import ChangeBroker
from backend.projections.runner import ProjectionRunner
from backend.runtime import Runtime
from tests.integration.test_event_store import admin_of

pytestmark = pytest.mark.integration


class BrokenOnTeams(Projection):
    """Fails on every Team.Created until `healed` is set, like a bug fixed by an upgrade."""

    name = "broken"
    tables = {"broken_rows": "CREATE TABLE IF NOT EXISTS broken_rows (position BIGINT PRIMARY KEY)"}
    healed = False

    def apply(self, tx: Transaction, event: Any, position: int) -> list[Change]:
        if type(event).__qualname__ == "Team.Created" and not self.healed:
            raise ValueError("cannot store this team")
        tx.execute("INSERT INTO broken_rows (position) VALUES (?)", (position,))
        return []


def test_failing_projection_spares_the_others(runtime: Runtime, clock) -> None:
    admin = admin_of(runtime)
    runtime.identity.create_team(admin, Cause.new(admin.actor, None, at=clock()), name="Poison")
    broken = BrokenOnTeams()
    runner = ProjectionRunner(runtime.store, runtime.database, [AuditProjection(), broken], ChangeBroker())
    runtime.database.execute("DELETE FROM projection_tracking WHERE name = 'audit'")
    runtime.database.execute("DELETE FROM audit_log")
    runtime.database.execute("DELETE FROM audit_labels")
    runner.create_tables()

    runner.catch_up()

    head = runtime.store.head()
    assert runner.positions()["audit"] == head
    assert runner.positions()["broken"] < head
    assert "ValueError" in runner.failures["broken"]
    assert "cannot store this team" in runner.failures["broken"]


def test_failing_projection_recovers_when_fixed(runtime: Runtime, clock) -> None:
    admin = admin_of(runtime)
    runtime.identity.create_team(admin, Cause.new(admin.actor, None, at=clock()), name="Healing")
    broken = BrokenOnTeams()
    runner = ProjectionRunner(runtime.store, runtime.database, [broken], ChangeBroker())
    runner.create_tables()
    runner.catch_up()
    assert "broken" in runner.failures

    broken.healed = True
    runner.catch_up()

    assert runner.failures == {}
    assert runner.positions()["broken"] == runtime.store.head()


def test_nul_in_description_is_rejected(runtime: Runtime, clock) -> None:
    admin = admin_of(runtime)
    head = runtime.store.head()

    with pytest.raises(Exception, match="U\\+0000 at index 1"):
        runtime.identity.create_team(admin, Cause.new(admin.actor, None, at=clock()), name="Nul", description="x\x00y")

    assert runtime.store.head() == head


def test_stray_nul_in_a_filter_is_harmless(runtime: Runtime) -> None:
    assert runtime.readers.identity.user_by_username("ad\x00min") is None


def test_runtime_starts_despite_failing_projection(database_url: str, tmp_path: Path, clock) -> None:
    from tests.conftest import build_runtime

    first = build_runtime(database_url, tmp_path / "artifacts", clock)
    first.start()
    admin = admin_of(first)
    first.identity.create_team(admin, Cause.new(admin.actor, None, at=clock()), name="Before")
    first.stop()
    second = build_runtime(database_url, tmp_path / "artifacts", clock)
    second.projections.projections["broken"] = BrokenOnTeams()

    second.start()

    assert "broken" in second.projections.failures
    assert second.projections.positions()["audit"] == second.store.head()
    second.stop()
