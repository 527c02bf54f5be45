"""Contract of the projections on SQLite and PostgreSQL: exactly once, rebuild equals live, read-your-writes, live changes."""

from __future__ import annotations

import asyncio
import hashlib
import json
import threading
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from backend.application.identity import TOKEN_PREFIX
from backend.domain.access import SESSION, Principal
from backend.domain.base import Cause
from backend.domain.identity import EDITOR, VIEWER, User
from backend.graphql import context as graphql_context
from backend.http.app import create_app
from backend.projections.audit import AUDIT_TOPIC
from backend.projections.base import Change
from backend.runtime import Runtime
from tests.conftest import FrozenClock, build_runtime
from tests.integration.test_event_store import admin_of

pytestmark = pytest.mark.integration

# The web app's list of each audit action's parameter names, which its catalogue test checks the templates against.
PARAMETER_NAMES = Path(__file__).parents[2] / "frontend" / "src" / "audit" / "auditParameterNames.fixture.json"


def dump_read_models(runtime: Runtime) -> dict[str, list[dict[str, object]]]:
    tables: dict[str, list[dict[str, object]]] = {}
    for projection in runtime.projections.projections.values():
        for table in projection.tables:
            rows = runtime.database.fetchall(f"SELECT * FROM {table}")
            tables[table] = sorted((dict(row) for row in rows), key=repr)
    return tables


IRIS_UPLOAD = b"sepal_length,species\n5.1,setosa\n"


def populate(runtime: Runtime, clock) -> None:
    """A small history touching every projection: users, teams, roles, tokens, a revocation, an upload."""
    admin = admin_of(runtime)
    cause = lambda: Cause.new(admin.actor, None, at=clock())  # noqa: E731
    team_id, _ = runtime.identity.create_team(admin, cause(), name="Vision", description="image models")
    alice, _ = runtime.identity.create_user(admin, cause(), username="alice", password="alice-password", email="a@example.org")
    bob, _ = runtime.identity.create_user(admin, cause(), username="bob", password="bob-password")
    runtime.identity.add_member(admin, cause(), team_id=team_id, user_id=alice, role=EDITOR)
    runtime.identity.add_member(admin, cause(), team_id=team_id, user_id=bob, role=VIEWER)
    runtime.identity.change_member_role(admin, cause(), team_id=team_id, user_id=bob, role=EDITOR)
    runtime.identity.remove_member(admin, cause(), team_id=team_id, user_id=bob)
    issued = runtime.identity.issue_token(admin, cause(), team_id=team_id, name="ci", scopes=["read", "write"])
    runtime.identity.revoke_token(admin, cause(), token_id=issued.token_id)
    runtime.uploads.receive(
        admin, cause(), team_id=team_id, body=[IRIS_UPLOAD], max_size=1024,
        filename="iris.csv", content_type="text/csv",
    )
    clock.advance(minutes=5)
    runtime.identity.erase_user(admin, cause(), alice)


def test_rebuild_equals_live(runtime: Runtime, clock) -> None:
    populate(runtime, clock)
    assert runtime.projections.wait_for(runtime.store.head())
    live = dump_read_models(runtime)

    runtime.projections.rebuild()

    assert dump_read_models(runtime) == live
    assert set(runtime.projections.positions().values()) == {runtime.store.head()}


def test_rebuild_of_one_projection(runtime: Runtime, clock) -> None:
    populate(runtime, clock)
    assert runtime.projections.wait_for(runtime.store.head())
    live = dump_read_models(runtime)

    runtime.projections.rebuild(["audit"])

    assert dump_read_models(runtime) == live


def test_rebuild_wakes_the_leaseholder(fresh_postgres_url: str, tmp_path: Path, clock) -> None:
    """`projections rebuild` in another process has the process that holds the leases replay at once, not at its next poll."""
    holder = build_runtime(fresh_postgres_url, tmp_path / "holder", clock)
    # Without a wake-up, the holder would not look at the rewound positions within this test.
    holder.projections.poll_interval = 3600
    holder.start()
    populate(holder, clock)
    assert holder.projections.wait_for(holder.store.head())
    live = dump_read_models(holder)
    rebuilder = build_runtime(fresh_postgres_url, tmp_path / "rebuilder", clock)
    rebuilder.prepare()

    replayed = rebuilder.projections.rebuild(["audit", "identity"], timeout=30)

    assert replayed
    assert rebuilder.projections.owned == frozenset()
    assert dump_read_models(holder) == live
    rebuilder.stop()
    holder.stop()


def test_rebuild_rejects_unknown_name(runtime: Runtime) -> None:
    with pytest.raises(KeyError, match="Unknown projection nonsense; known: identity, audit, uploads, registry"):
        runtime.projections.rebuild(["nonsense"])


def test_audit_has_one_row_per_event(runtime: Runtime, clock) -> None:
    populate(runtime, clock)
    assert runtime.projections.wait_for(runtime.store.head())

    positions = [row["position"] for row in runtime.database.fetchall("SELECT position FROM audit_log ORDER BY position")]

    assert positions == list(range(1, runtime.store.head() + 1))


def test_two_runners_apply_each_event_once(database_url: str, tmp_path: Path, clock) -> None:
    writer = build_runtime(database_url, tmp_path / "artifacts", clock)
    writer.prepare()
    admin = admin_of_without_projections(writer, clock)
    for index in range(30):
        writer.identity.create_team(admin, Cause.new(admin.actor, None, at=clock()), name=f"team-{index}")
    first = build_runtime(database_url, tmp_path / "artifacts", clock)
    second = build_runtime(database_url, tmp_path / "artifacts", clock)

    threads = [threading.Thread(target=runtime.projections.catch_up) for runtime in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    rows = writer.database.fetchall("SELECT position FROM audit_log ORDER BY position")
    assert [row["position"] for row in rows] == list(range(1, writer.store.head() + 1))
    teams = writer.database.fetchall("SELECT name FROM teams")
    assert len(teams) == 31
    for runtime in (first, second, writer):
        runtime.stop()


def admin_of_without_projections(runtime: Runtime, clock: FrozenClock) -> Principal:
    """The first administrator, read from the event log because no projection runs in `runtime`."""
    assert runtime.bootstrap() is not None
    events = [runtime.store.decode(notification) for notification in runtime.store.read_log(0, 100)]
    user_id = next(event.originator_id for event in events if isinstance(event, User.Registered))
    return Principal(user_id=user_id, username="admin", is_admin=True, via=SESSION)


def test_events_from_another_process_are_picked_up(runtime: Runtime, database_url: str, tmp_path: Path, clock) -> None:
    admin = admin_of(runtime)
    worker = build_runtime(database_url, tmp_path / "artifacts", clock)
    worker.start(run_projections=False)

    team_id, outcome = worker.identity.create_team(admin, Cause.new(admin.actor, None, at=clock()), name="FromWorker")

    assert runtime.projections.wait_for(outcome.position, timeout=30)
    assert runtime.readers.identity.team(str(team_id))["name"] == "FromWorker"
    worker.stop()


def test_command_result_is_readable_at_once(runtime: Runtime, clock) -> None:
    admin = admin_of(runtime)

    team_id, outcome = runtime.identity.create_team(admin, Cause.new(admin.actor, None, at=clock()), name="Instant")

    assert runtime.projections.wait_for(outcome.position)
    assert runtime.readers.identity.team(str(team_id))["name"] == "Instant"
    assert runtime.readers.identity.memberships(str(admin.user_id))[str(team_id)] == "admin"


def test_mutation_behind_projections_is_unavailable(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    """A mutation whose events the projections do not apply in time reports them as recorded, not as an internal error."""
    credentials = runtime.bootstrap()
    assert credentials is not None
    assert runtime.projections.wait_for(credentials.outcome.position)
    runtime.projections.stop()
    monkeypatch.setattr(graphql_context, "READ_YOUR_WRITES_TIMEOUT", 0.2)
    app = create_app(runtime, manage_runtime=False)

    async def create_team() -> dict[str, Any]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://api.test") as client:
            response = await client.post(
                "/graphql", json={"query": 'mutation { createTeam(input: {name: "Behind"}) { id } }'},
                headers={"Authorization": f"Bearer {credentials.token}"},
            )
            assert response.status_code == 200
            return response.json()

    body = asyncio.run(create_team())

    head = runtime.store.head()
    error = body["errors"][0]
    assert error["extensions"]["code"] == "SERVICE_UNAVAILABLE"
    assert error["extensions"]["field"] is None
    assert error["extensions"]["value"] == head
    assert f"recorded at log position {head}" in error["message"]
    assert "Do not send it again" in error["message"]
    runtime.projections.start()
    assert runtime.projections.wait_for(head)
    assert runtime.readers.identity.team_by_name("Behind") is not None


def test_lag_is_zero_when_caught_up(runtime: Runtime, clock) -> None:
    populate(runtime, clock)
    assert runtime.projections.wait_for(runtime.store.head())

    assert runtime.projections.lag() == {"identity": 0, "audit": 0, "uploads": 0, "registry": 0, "datasets": 0, "configs": 0,
                                         "training": 0, "evaluation": 0, "evaluation_rules": 0,
                                         "deployments": 0, "batch_predictions": 0, "monitoring": 0}


def test_subscriber_receives_committed_audit_change(runtime: Runtime, clock) -> None:
    admin = admin_of(runtime)

    async def scenario() -> Change:
        async with runtime.broker.subscribe(lambda topic: topic == AUDIT_TOPIC) as changes:
            await asyncio.to_thread(
                runtime.identity.create_team, admin, Cause.new(admin.actor, None, at=clock()), name="Live"
            )
            async for change in changes:
                row = runtime.readers.audit.entry(change.keys["position"])
                if row and row["action"] == "Team.Created":
                    return change
        raise AssertionError("the subscription ended without a Team.Created change")

    change = asyncio.run(asyncio.wait_for(scenario(), timeout=30))

    row = runtime.readers.audit.entry(change.keys["position"])
    assert row["summary"] == "Created team 'Live'"
    assert uuid.UUID(row["subject_id"])


def test_audit_entries_name_their_subject(runtime: Runtime, clock) -> None:
    populate(runtime, clock)
    assert runtime.projections.wait_for(runtime.store.head())

    rows = runtime.database.fetchall("SELECT action, subject_name FROM audit_log ORDER BY position")
    names = {row["action"]: row["subject_name"] for row in rows}
    assert names["Team.Created"] == "Vision"
    assert names["Team.MemberRemoved"] == "Vision"
    assert names["User.Registered"] == "bob"
    assert names["ApiToken.Revoked"] == "ci"
    assert names["Upload.Received"] is None


def upgrade_from_old_audit_table(runtime: Runtime, database_url: str, tmp_path: Path, clock, extra_columns: str) -> Runtime:
    """Replace the audit table with an older release's, whose columns after subject_version are `extra_columns`, and
    start a new runtime on the store as an upgrade does. The caller stops the runtime it returns."""
    runtime.database.execute("DROP TABLE audit_log")
    runtime.database.execute(
        "CREATE TABLE audit_log (position BIGINT PRIMARY KEY, occurred_at TEXT NOT NULL, actor TEXT NOT NULL, team TEXT, "
        "action TEXT NOT NULL, subject_type TEXT NOT NULL, subject_id TEXT NOT NULL, subject_version INTEGER NOT NULL, "
        f"{extra_columns}summary TEXT NOT NULL, correlation_id TEXT NOT NULL, causation_id TEXT NOT NULL)"
    )
    runtime.database.execute("UPDATE projection_schemas SET digest = 'an older release' WHERE name = 'audit'")
    # An upgrade stops the old process first; until then it holds the projections' leases.
    runtime.stop()

    upgraded = build_runtime(database_url, tmp_path / "artifacts", clock)
    upgraded.start()
    assert upgraded.projections.wait_for(upgraded.store.head())
    return upgraded


def test_audit_table_without_subject_names_is_rebuilt(runtime: Runtime, database_url: str, tmp_path: Path, clock) -> None:
    """A store made before audit entries had subject names starts, and its entries get the names."""
    populate(runtime, clock)
    assert runtime.projections.wait_for(runtime.store.head())

    upgraded = upgrade_from_old_audit_table(runtime, database_url, tmp_path, clock, "")

    rows = upgraded.database.fetchall("SELECT subject_name FROM audit_log WHERE action = ?", ("Team.MemberAdded",))
    assert {row["subject_name"] for row in rows} == {"default", "Vision"}
    upgraded.stop()


def audit_parameters(runtime: Runtime, action: str) -> list[dict[str, object]]:
    rows = runtime.database.fetchall(
        "SELECT summary_parameters FROM audit_log WHERE action = ? ORDER BY position", (action,)
    )
    return [json.loads(row["summary_parameters"]) for row in rows]


def test_audit_entries_carry_summary_parameters(runtime: Runtime, clock) -> None:
    populate(runtime, clock)
    assert runtime.projections.wait_for(runtime.store.head())

    assert audit_parameters(runtime, "Team.MemberRoleChanged") == [
        {"user": "bob", "team": "Vision", "previousRole": "viewer", "role": "editor"}
    ]
    assert audit_parameters(runtime, "Team.MemberRemoved") == [{"user": "bob", "team": "Vision", "previousRole": "editor"}]
    issued = [parameters for parameters in audit_parameters(runtime, "ApiToken.Issued") if parameters["token"] == "ci"]
    assert len(issued) == 1
    assert issued[0]["user"] == "admin"
    assert issued[0]["scopes"] == ["read", "write"]
    assert str(issued[0]["prefix"]).startswith(TOKEN_PREFIX)
    assert audit_parameters(runtime, "ApiToken.Revoked") == [{"token": "ci"}]
    assert audit_parameters(runtime, "Upload.Received") == [
        {"filename": "iris.csv", "unnamed": False, "size": len(IRIS_UPLOAD), "sha256": hashlib.sha256(IRIS_UPLOAD).hexdigest()[:12]}
    ]


def test_audit_parameters_have_the_declared_names(runtime: Runtime, clock) -> None:
    """Every recorded entry has exactly the parameter names the web app's checked-in list gives its action."""
    populate(runtime, clock)
    assert runtime.projections.wait_for(runtime.store.head())
    declared = json.loads(PARAMETER_NAMES.read_text(encoding="utf-8"))

    rows = runtime.database.fetchall("SELECT action, summary_parameters FROM audit_log ORDER BY position")

    assert rows
    for row in rows:
        assert sorted(json.loads(row["summary_parameters"])) == declared[row["action"]], row["action"]


def test_audit_table_without_summary_parameters_is_rebuilt(
    runtime: Runtime, database_url: str, tmp_path: Path, clock
) -> None:
    """A store made before audit entries had summary parameters starts, and its entries get the parameters."""
    populate(runtime, clock)
    assert runtime.projections.wait_for(runtime.store.head())

    upgraded = upgrade_from_old_audit_table(runtime, database_url, tmp_path, clock, "subject_name TEXT, ")

    assert audit_parameters(upgraded, "Team.MemberRemoved") == [{"user": "bob", "team": "Vision", "previousRole": "editor"}]
    upgraded.stop()


def test_changed_table_definition_rebuilds(runtime: Runtime, database_url: str, tmp_path: Path, clock) -> None:
    populate(runtime, clock)
    assert runtime.projections.wait_for(runtime.store.head())
    live = dump_read_models(runtime)
    runtime.database.execute("UPDATE projection_schemas SET digest = 'an older definition' WHERE name = 'audit'")
    runtime.database.execute("DELETE FROM audit_log WHERE position > 3")
    # An upgrade stops the old process first; until then it holds the projections' leases.
    runtime.stop()

    upgraded = build_runtime(database_url, tmp_path / "artifacts", clock)
    upgraded.start()

    assert dump_read_models(upgraded) == live
    upgraded.stop()
