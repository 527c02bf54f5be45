"""Contract of the event store and commands, run on SQLite and on PostgreSQL."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from backend.domain.access import SESSION, Principal
from backend.domain.base import Cause, Conflict, NameIndex
from backend.domain.identity import EDITOR, Team, User
from backend.runtime import Runtime

pytestmark = pytest.mark.integration


def admin_of(runtime: Runtime) -> Principal:
    credentials = runtime.bootstrap()
    assert credentials is not None
    runtime.projections.wait_for(credentials.outcome.position)
    row = runtime.readers.identity.user_by_username("admin")
    assert row is not None
    return Principal(user_id=uuid.UUID(row["user_id"]), username="admin", is_admin=True, via=SESSION)


def stored_events(runtime: Runtime) -> list[object]:
    return [runtime.store.decode(n) for n in runtime.store.read_log(after=0, limit=10_000)]


def test_event_records_actor_team_and_ids(runtime: Runtime, clock) -> None:
    admin = admin_of(runtime)
    cause = Cause.new(admin.actor, None, at=clock(), correlation_id="req-42")

    team_id, outcome = runtime.identity.create_team(admin, cause, name="Vision")

    created = [e for e in stored_events(runtime) if isinstance(e, Team.Created) and e.originator_id == team_id][0]
    assert created.actor == admin.actor
    assert created.team == str(team_id)
    assert created.correlation_id == "req-42"
    assert created.causation_id == "req-42"
    assert created.timestamp == clock()
    assert created.timestamp.utcoffset().total_seconds() == 0
    assert outcome.events == 3


def test_command_appends_all_or_nothing(runtime: Runtime, clock) -> None:
    admin = admin_of(runtime)
    head = runtime.store.head()
    cause = Cause.new(admin.actor, None, at=clock())

    def decide() -> list[object]:
        fresh = NameIndex.reserve("team", "Fresh", uuid.uuid4(), cause)
        taken = NameIndex.reserve("team", "default", uuid.uuid4(), cause)
        return [fresh, taken]

    with pytest.raises(Conflict):
        runtime.commands.run("two reservations", cause, decide)

    assert runtime.store.head() == head


def test_concurrent_same_name_creates_one_team(runtime: Runtime, clock) -> None:
    admin = admin_of(runtime)

    def create(_: int) -> str:
        try:
            runtime.identity.create_team(admin, Cause.new(admin.actor, None, at=clock()), name="Shared")
        except Conflict:
            return "conflict"
        return "created"

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(create, range(8)))

    assert results.count("created") == 1
    assert results.count("conflict") == 7
    created = [e for e in stored_events(runtime) if isinstance(e, Team.Created) and e.name == "Shared"]
    assert len(created) == 1


def test_concurrent_members_all_recorded(runtime: Runtime, clock) -> None:
    admin = admin_of(runtime)
    team_id, _ = runtime.identity.create_team(admin, Cause.new(admin.actor, None, at=clock()), name="Crowd")
    user_ids = []
    for index in range(8):
        user_id, _ = runtime.identity.create_user(
            admin, Cause.new(admin.actor, None, at=clock()), username=f"member{index}", password="correct horse"
        )
        user_ids.append(user_id)

    def add(user_id: uuid.UUID) -> None:
        runtime.identity.add_member(admin, Cause.new(admin.actor, None, at=clock()), team_id=team_id, user_id=user_id, role=EDITOR)

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(add, user_ids))

    team = runtime.store.repository.get(team_id)
    assert sorted(team.members) == sorted([admin.user_id, *user_ids])
    assert team.version == 2 + len(user_ids)


def test_personal_data_is_ciphertext_in_events(runtime: Runtime, clock) -> None:
    admin = admin_of(runtime)
    user_id, _ = runtime.identity.create_user(
        admin, Cause.new(admin.actor, None, at=clock()), username="grace", password="s3cret-passphrase",
        display_name="Grace Hopper", email="grace@example.org",
    )

    raw = b"".join(bytes(n.state) for n in runtime.store.read_log(after=0, limit=10_000))
    assert b"Grace Hopper" not in raw
    assert b"grace@example.org" not in raw
    assert b"s3cret-passphrase" not in raw
    registered = [e for e in stored_events(runtime) if isinstance(e, User.Registered) and e.originator_id == user_id][0]
    assert runtime.keys.open(user_id, registered.sealed_profile)["email"] == "grace@example.org"


def test_erasing_key_leaves_events_unreadable(runtime: Runtime, clock) -> None:
    admin = admin_of(runtime)
    user_id, _ = runtime.identity.create_user(
        admin, Cause.new(admin.actor, None, at=clock()), username="ada", password="analytical-engine", email="ada@example.org"
    )
    head_before = runtime.store.head()

    runtime.identity.erase_user(admin, Cause.new(admin.actor, None, at=clock()), user_id)

    registered = [e for e in stored_events(runtime) if isinstance(e, User.Registered) and e.originator_id == user_id][0]
    with pytest.raises(Exception, match="erased"):
        runtime.keys.open(user_id, registered.sealed_profile)
    assert runtime.store.head() == head_before + 1


def test_token_secret_is_never_stored(runtime: Runtime, clock) -> None:
    admin = admin_of(runtime)
    team = runtime.readers.identity.team_by_name("default")
    issued = runtime.identity.issue_token(
        admin, Cause.new(admin.actor, None, at=clock()), team_id=uuid.UUID(team["team_id"]), name="ci", scopes=["read"]
    )

    raw = b"".join(bytes(n.state) for n in runtime.store.read_log(after=0, limit=10_000))
    assert issued.secret.encode() not in raw
    assert issued.secret[10:].encode() not in raw


def test_repository_uses_aggregate_cache(runtime: Runtime) -> None:
    assert runtime.store.repository.cache is not None
    assert runtime.store.repository.fastforward is True
