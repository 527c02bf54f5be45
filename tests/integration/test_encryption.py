"""Encryption at rest of event payloads, on SQLite and PostgreSQL: the stored bytes, the start-up checks, and the copy."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from backend.application import encryption
from backend.application.encryption import COPYING, EncryptionMismatch, key_fingerprint, record_for
from backend.application.request_log import LoggedCall
from backend.database import sqlite_path
from backend.domain.access import SESSION, Principal
from backend.domain.base import Cause, Conflict, NameIndex
from backend.runtime import Runtime
from backend.settings import load_settings
from backend.store_copy import CopyError, copy_store
from tests.conftest import FrozenClock
from tests.integration.test_projections import dump_read_models, populate
from workers.dataset_engine import LocalDatasetEngine

pytestmark = pytest.mark.integration

KEY = bytes(range(32))
OTHER_KEY = bytes(range(100, 124))
TEAM_NAME = "Aurora Vision Lab"


def encoded(key: bytes) -> str:
    return base64.b64encode(key).decode()


def build(database_url: str, artifacts: Path, clock: FrozenClock, key: bytes | None) -> Runtime:
    settings = load_settings(database_url=database_url, artifacts=str(artifacts), encryption_key=encoded(key) if key else "")
    return Runtime.build(settings, clock=clock, dataset_engine=LocalDatasetEngine(str(artifacts)))


def start(database_url: str, artifacts: Path, clock: FrozenClock, key: bytes | None) -> Runtime:
    runtime = build(database_url, artifacts, clock, key)
    runtime.start()
    return runtime


def stored_states(runtime: Runtime) -> bytes:
    """Return the `state` column of every stored event, read with SQL rather than through the library."""
    table = runtime.store.recorder.events_table_name  # type: ignore[attr-defined]
    return b"".join(bytes(row["state"]) for row in runtime.database.fetchall(f"SELECT state FROM {table}"))


def administrator(runtime: Runtime) -> Principal:
    """Return the first administrator, creating it on the first call."""
    credentials = runtime.bootstrap()
    if credentials is not None:
        assert runtime.projections.wait_for(credentials.outcome.position)
    row = runtime.readers.identity.user_by_username("admin")
    assert row is not None
    return Principal(user_id=uuid.UUID(row["user_id"]), username="admin", is_admin=True, via=SESSION)


def create_team(runtime: Runtime, clock: FrozenClock, name: str = TEAM_NAME) -> uuid.UUID:
    admin = administrator(runtime)
    team_id, outcome = runtime.identity.create_team(admin, Cause.new(admin.actor, None, at=clock()), name=name)
    assert runtime.projections.wait_for(outcome.position)
    return team_id


def modelcloud(*arguments: str, database_url: str, home: Path, **environment: str) -> subprocess.CompletedProcess[str]:
    env = {
        **{name: value for name, value in os.environ.items() if name != "MODELCLOUD_ENCRYPTION_KEY"},
        "MODELCLOUD_DATABASE_URL": database_url,
        "MODELCLOUD_ARTIFACTS": str(home / "artifacts"),
        "MODELCLOUD_WORKERS": "0",
        **environment,
    }
    return subprocess.run(
        [sys.executable, "-m", "backend.cli", *arguments], env=env, capture_output=True, text=True, timeout=120
    )


# the stored bytes


def test_payload_is_ciphertext_with_key(database_url: str, tmp_path: Path, clock: FrozenClock) -> None:
    runtime = start(database_url, tmp_path / "artifacts", clock, KEY)
    try:
        team_id = create_team(runtime, clock)

        assert TEAM_NAME.encode() not in stored_states(runtime)
        assert runtime.store.repository.get(team_id).name == TEAM_NAME
        assert runtime.readers.identity.team_by_name(TEAM_NAME) is not None
    finally:
        runtime.stop()


def test_payload_is_plaintext_without_key(database_url: str, tmp_path: Path, clock: FrozenClock) -> None:
    runtime = start(database_url, tmp_path / "artifacts", clock, None)
    try:
        create_team(runtime, clock)

        assert TEAM_NAME.encode() in stored_states(runtime)
    finally:
        runtime.stop()


def test_first_start_records_fingerprint(database_url: str, tmp_path: Path, clock: FrozenClock) -> None:
    runtime = start(database_url, tmp_path / "artifacts", clock, KEY)
    try:
        record = encryption.read_record(runtime.database)
    finally:
        runtime.stop()

    assert record is not None
    assert record.encrypted is True
    assert record.key_fingerprint == key_fingerprint(KEY)
    assert len(record.key_fingerprint) == 16
    assert record.state == "ready"


# start-up checks


def test_key_on_unencrypted_store_rejected(database_url: str, tmp_path: Path, clock: FrozenClock) -> None:
    start(database_url, tmp_path / "artifacts", clock, None).stop()

    with pytest.raises(EncryptionMismatch) as raised:
        build(database_url, tmp_path / "artifacts", clock, KEY)

    message = str(raised.value)
    assert "MODELCLOUD_ENCRYPTION_KEY is set, but the event store at" in message
    assert "was created unencrypted on 2026-12-01T09:00:00" in message
    assert "modelcloud events copy --to NEW_DATABASE_URL --to-key-env NEW_KEY_VARIABLE" in message


def test_missing_key_on_encrypted_store_rejected(database_url: str, tmp_path: Path, clock: FrozenClock) -> None:
    start(database_url, tmp_path / "artifacts", clock, KEY).stop()

    with pytest.raises(EncryptionMismatch) as raised:
        build(database_url, tmp_path / "artifacts", clock, None)

    message = str(raised.value)
    assert f"is encrypted with the key of fingerprint {key_fingerprint(KEY)}" in message
    assert "MODELCLOUD_ENCRYPTION_KEY is not set" in message


def test_other_key_rejected_with_fingerprints(database_url: str, tmp_path: Path, clock: FrozenClock) -> None:
    start(database_url, tmp_path / "artifacts", clock, KEY).stop()

    with pytest.raises(EncryptionMismatch) as raised:
        build(database_url, tmp_path / "artifacts", clock, OTHER_KEY)

    message = str(raised.value)
    assert f"MODELCLOUD_ENCRYPTION_KEY has fingerprint {key_fingerprint(OTHER_KEY)}" in message
    assert f"encrypted with the key of fingerprint {key_fingerprint(KEY)}" in message
    assert encoded(OTHER_KEY) not in message
    assert encoded(KEY) not in message


def test_same_key_starts_again(database_url: str, tmp_path: Path, clock: FrozenClock) -> None:
    first = start(database_url, tmp_path / "artifacts", clock, KEY)
    team_id = create_team(first, clock)
    first.stop()

    again = start(database_url, tmp_path / "artifacts", clock, KEY)
    try:
        assert again.store.repository.get(team_id).name == TEAM_NAME
    finally:
        again.stop()


def test_unfinished_copy_rejected(database_url: str, tmp_path: Path, clock: FrozenClock) -> None:
    runtime = start(database_url, tmp_path / "artifacts", clock, None)
    with runtime.database.transaction() as tx:
        encryption.write_record(tx, record_for(None, clock(), COPYING), replace=True)
    runtime.stop()

    with pytest.raises(EncryptionMismatch, match="is an unfinished copy: `modelcloud events copy` stopped"):
        build(database_url, tmp_path / "artifacts", clock, None)


def test_store_older_than_record_is_unencrypted(database_url: str, tmp_path: Path, clock: FrozenClock) -> None:
    """A database whose events were written before the record existed is taken as unencrypted."""
    runtime = start(database_url, tmp_path / "artifacts", clock, None)
    create_team(runtime, clock)
    runtime.database.execute(f"DROP TABLE {encryption.TABLE}")
    runtime.stop()

    with pytest.raises(EncryptionMismatch, match="was created unencrypted"):
        build(database_url, tmp_path / "artifacts", clock, KEY)
    again = start(database_url, tmp_path / "artifacts", clock, None)
    try:
        record = encryption.read_record(again.database)
        assert record is not None
        assert record.encrypted is False
        assert again.readers.identity.team_by_name(TEAM_NAME) is not None
    finally:
        again.stop()


def test_events_unreadable_with_recorded_key_rejected(database_url: str, tmp_path: Path, clock: FrozenClock) -> None:
    """A record that names the key while the events were written with another one stops start-up."""
    runtime = start(database_url, tmp_path / "artifacts", clock, OTHER_KEY)
    create_team(runtime, clock)
    with runtime.database.transaction() as tx:
        encryption.write_record(tx, record_for(KEY, clock()), replace=True)
    runtime.stop()

    with pytest.raises(EncryptionMismatch, match="cannot be read with the configured MODELCLOUD_ENCRYPTION_KEY"):
        build(database_url, tmp_path / "artifacts", clock, KEY)


@pytest.mark.parametrize(
    ("created_with", "started_with", "expected"),
    [
        (None, KEY, "was created unencrypted"),
        (KEY, None, "MODELCLOUD_ENCRYPTION_KEY is not set"),
        (KEY, OTHER_KEY, f"has fingerprint {key_fingerprint(OTHER_KEY)}"),
    ],
    ids=["key-added", "key-missing", "key-changed"],
)
def test_cli_mismatch_is_one_line(
    database_url: str, tmp_path: Path, clock: FrozenClock, created_with: bytes | None, started_with: bytes | None,
    expected: str,
) -> None:
    start(database_url, tmp_path / "artifacts", clock, created_with).stop()
    environment = {"MODELCLOUD_ENCRYPTION_KEY": encoded(started_with)} if started_with else {}

    result = modelcloud("projections", "rebuild", database_url=database_url, home=tmp_path, **environment)

    assert result.returncode == 2
    assert result.stderr.startswith("modelcloud: ")
    assert expected in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("not base64!", "its value is not valid base64"),
        (encoded(b"x" * 20), "its value decodes to 20 bytes, but an AES key has 16, 24 or 32 bytes"),
    ],
    ids=["not-base64", "wrong-length"],
)
def test_cli_invalid_key_names_variable(tmp_path: Path, value: str, expected: str) -> None:
    result = modelcloud(
        "projections", "rebuild", database_url=f"sqlite:///{tmp_path / 'modelcloud.db'}", home=tmp_path,
        MODELCLOUD_ENCRYPTION_KEY=value,
    )

    assert result.returncode == 2
    assert result.stderr.startswith("modelcloud: MODELCLOUD_ENCRYPTION_KEY is invalid: ")
    assert expected in result.stderr
    assert value not in result.stderr
    assert not (tmp_path / "modelcloud.db").exists()


# the copy


def fill(runtime: Runtime, clock: FrozenClock) -> None:
    """Write a history for every projection, a gap in the positions on PostgreSQL, and request log entries."""
    populate(runtime, clock)
    create_team(runtime, clock)
    admin = administrator(runtime)
    runtime.identity.create_user(
        admin, Cause.new(admin.actor, None, at=clock()), username="carol", password="carol-password",
        display_name="Carol Shaw", email="carol@example.org",
    )
    cause = Cause.new(admin.actor, None, at=clock())

    def reserve_taken_name() -> list[object]:
        return [NameIndex.reserve("team", "Fresh", uuid.uuid4(), cause), NameIndex.reserve("team", TEAM_NAME, uuid.uuid4(), cause)]

    # The second name is taken, so the insert fails and rolls back, after PostgreSQL has drawn positions for it.
    with pytest.raises(Conflict):
        runtime.commands.run("two reservations", cause, reserve_taken_name)
    create_team(runtime, clock, name="After the conflict")
    runtime.request_log.append([
        LoggedCall(deployment_id=f"d{number % 2}", logged_at=f"2026-12-01T09:00:{number:02d}.000000+00:00", version=1,
                   caller="someone", rows=1, latency_ms=2.5, inputs={"features": [[float(number)]]},
                   outputs={"predictions": [[0.5]]})
        for number in range(5)
    ])
    assert runtime.projections.wait_for(runtime.store.head())


def decoded_log(runtime: Runtime) -> list[tuple[int, str, dict[str, object]]]:
    return [
        (notification.id, notification.topic, vars(runtime.store.decode(notification)))
        for notification in runtime.store.read_log(after=0, limit=100_000)
    ]


def user_row(runtime: Runtime, username: str) -> dict[str, object]:
    row = runtime.readers.identity.user_by_username(username)
    assert row is not None
    return dict(row)


def check_copy(source_url: str, source_key: bytes | None, target_url: str, target_key: bytes | None, tmp_path: Path,
               clock: FrozenClock) -> None:
    source = start(source_url, tmp_path / "artifacts", clock, source_key)
    fill(source, clock)
    source.projections.stop()
    expected_log = decoded_log(source)
    expected_models = dump_read_models(source)
    expected_keys = source.database.fetchall("SELECT * FROM user_keys ORDER BY user_id")
    expected_requests = source.database.fetchall("SELECT * FROM request_log ORDER BY deployment_id, entry_id")
    carol = user_row(source, "carol")
    team_id = uuid.UUID(source.readers.identity.team_by_name(TEAM_NAME)["team_id"])
    expected_team = vars(source.store.repository.get(team_id))
    progress: list[tuple[int, int]] = []

    result = copy_store(
        source.store, source.database, target_url, target_key, progress=lambda *at: progress.append(at), clock=clock
    )
    source.stop()

    assert result.events == len(expected_log)
    assert result.last_position == expected_log[-1][0]
    assert progress[-1] == (expected_log[-1][0], expected_log[-1][0])
    assert result.table_rows == {"user_keys": len(expected_keys), "request_log": 5}
    target = start(target_url, tmp_path / "artifacts", clock, target_key)
    try:
        assert decoded_log(target) == expected_log
        assert vars(target.store.repository.get(team_id)) == expected_team
        assert dump_read_models(target) == expected_models
        assert target.database.fetchall("SELECT * FROM user_keys ORDER BY user_id") == expected_keys
        assert target.database.fetchall("SELECT * FROM request_log ORDER BY deployment_id, entry_id") == expected_requests
        carol_id = uuid.UUID(str(carol["user_id"]))
        assert target.identity.password_matches(carol_id, carol["sealed_password_hash"], "carol-password")
        assert target.keys.open(carol_id, str(carol["sealed_profile"])) == {"displayName": "Carol Shaw", "email": "carol@example.org"}
        if target_key is not None:
            assert TEAM_NAME.encode() not in stored_states(target)
        record = encryption.read_record(target.database)
        assert record == record_for(target_key, clock())

        next_team = create_team(target, clock, name="Written after the copy")
        assert target.store.head() > expected_log[-1][0]
        assert target.store.repository.get(next_team).name == "Written after the copy"
    finally:
        target.stop()


def test_copy_sqlite_to_postgres_changes_key(tmp_path: Path, fresh_postgres_url: str, clock: FrozenClock) -> None:
    check_copy(f"sqlite:///{tmp_path / 'source.db'}", KEY, fresh_postgres_url, OTHER_KEY, tmp_path, clock)


def test_copy_postgres_to_sqlite_turns_key_on(tmp_path: Path, fresh_postgres_url: str, clock: FrozenClock) -> None:
    check_copy(fresh_postgres_url, None, f"sqlite:///{tmp_path / 'target.db'}", KEY, tmp_path, clock)


def test_copy_postgres_keeps_position_gaps(tmp_path: Path, fresh_postgres_url: str, clock: FrozenClock) -> None:
    source = start(fresh_postgres_url, tmp_path / "artifacts", clock, KEY)
    fill(source, clock)
    positions = [notification.id for notification in source.store.read_log(after=0, limit=100_000)]
    target_url = f"sqlite:///{tmp_path / 'target.db'}"

    copy_store(source.store, source.database, target_url, None, clock=clock)
    source.stop()

    assert positions != list(range(1, len(positions) + 1))
    target = start(target_url, tmp_path / "artifacts", clock, None)
    try:
        assert [notification.id for notification in target.store.read_log(after=0, limit=100_000)] == positions
    finally:
        target.stop()


def test_copy_rejects_target_with_events(database_url: str, tmp_path: Path, clock: FrozenClock) -> None:
    source = start(database_url, tmp_path / "artifacts", clock, KEY)
    create_team(source, clock)
    target_url = f"sqlite:///{tmp_path / 'target.db'}"
    target = start(target_url, tmp_path / "artifacts", clock, None)
    create_team(target, clock)
    target.stop()

    try:
        with pytest.raises(CopyError, match=r"already contains events \(up to position \d+\)\. Copy into a new, empty database"):
            copy_store(source.store, source.database, target_url, OTHER_KEY, clock=clock)
    finally:
        source.stop()
    unchanged = start(target_url, tmp_path / "artifacts", clock, None)
    try:
        assert unchanged.readers.identity.team_by_name(TEAM_NAME) is not None
    finally:
        unchanged.stop()


def test_copy_rejects_source_as_target(database_url: str, tmp_path: Path, clock: FrozenClock) -> None:
    source = start(database_url, tmp_path / "artifacts", clock, None)
    try:
        with pytest.raises(CopyError, match="--to names the source database"):
            copy_store(source.store, source.database, database_url, KEY, clock=clock)
    finally:
        source.stop()


def other_url_of(database_url: str, tmp_path: Path) -> str:
    """Name the same database another way: `localhost` for 127.0.0.1, or the SQLite file through a hard link."""
    if database_url.startswith("sqlite:///"):
        linked = tmp_path / "linked.db"
        os.link(sqlite_path(database_url), linked)
        return f"sqlite:///{linked}"
    assert "@127.0.0.1:" in database_url
    return database_url.replace("@127.0.0.1:", "@localhost:")


def test_copy_rejects_source_under_other_url(database_url: str, tmp_path: Path, clock: FrozenClock) -> None:
    """An empty store named twice would otherwise be copied onto itself, and its record would take the new key."""
    source = start(database_url, tmp_path / "artifacts", clock, None)
    before = encryption.read_record(source.database)
    try:
        with pytest.raises(CopyError, match="names the source database"):
            copy_store(source.store, source.database, other_url_of(database_url, tmp_path), KEY, clock=clock)
        assert encryption.read_record(source.database) == before
    finally:
        source.stop()


def test_copy_rejects_appends_meanwhile(database_url: str, tmp_path: Path, clock: FrozenClock) -> None:
    source = start(database_url, tmp_path / "artifacts", clock, None)
    create_team(source, clock)
    target_url = f"sqlite:///{tmp_path / 'target.db'}"

    def append_during_copy(_position: int, _last: int) -> None:
        create_team(source, clock, name=f"Appended {uuid.uuid4().hex[:8]}")

    try:
        with pytest.raises(CopyError, match="Events were appended to the source while it was copied"):
            copy_store(source.store, source.database, target_url, KEY, progress=append_during_copy, clock=clock)
    finally:
        source.stop()
    with pytest.raises(EncryptionMismatch, match="is an unfinished copy"):
        build(target_url, tmp_path / "artifacts", clock, KEY)


class Interrupted(Exception):
    """Stands for a copy process that was killed after its first batch."""


def test_copy_rerun_on_unfinished_copy_says_so(database_url: str, tmp_path: Path, clock: FrozenClock) -> None:
    source = start(database_url, tmp_path / "artifacts", clock, None)
    create_team(source, clock)
    target_url = f"sqlite:///{tmp_path / 'target.db'}"

    def interrupt(_position: int, _last: int) -> None:
        raise Interrupted

    try:
        with pytest.raises(Interrupted):
            copy_store(source.store, source.database, target_url, KEY, progress=interrupt, clock=clock)
        with pytest.raises(CopyError) as raised:
            copy_store(source.store, source.database, target_url, KEY, clock=clock)
    finally:
        source.stop()

    message = str(raised.value)
    assert f"The target database at {target_url} is an unfinished copy" in message
    assert "Drop it (or delete the SQLite file), then run the copy again into a new, empty database." in message


def test_copy_detects_lost_event(database_url: str, tmp_path: Path, clock: FrozenClock) -> None:
    source = start(database_url, tmp_path / "artifacts", clock, None)
    create_team(source, clock)
    target_url = f"sqlite:///{tmp_path / 'target.db'}"

    def delete_copied_event(position: int, _last: int) -> None:
        import sqlite3

        with sqlite3.connect(tmp_path / "target.db") as connection:
            connection.execute("DELETE FROM stored_events WHERE rowid = ?", (position,))

    try:
        with pytest.raises(CopyError, match=r"The copy does not match the source: \d+ events with checksum"):
            copy_store(source.store, source.database, target_url, KEY, progress=delete_copied_event, clock=clock)
    finally:
        source.stop()


def test_cli_copy_rotates_key(tmp_path: Path, clock: FrozenClock) -> None:
    source_url = f"sqlite:///{tmp_path / 'source.db'}"
    target_url = f"sqlite:///{tmp_path / 'target.db'}"
    source = start(source_url, tmp_path / "artifacts", clock, KEY)
    create_team(source, clock)
    source.stop()

    result = modelcloud(
        "events", "copy", "--to", target_url, "--to-key-env", "NEW_KEY", database_url=source_url, home=tmp_path,
        MODELCLOUD_ENCRYPTION_KEY=encoded(KEY), NEW_KEY=encoded(OTHER_KEY),
    )

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Copied the events up to position ")
    assert lines[0].endswith(" (100%).")
    assert lines[1].startswith("Copied and verified ")
    assert f"encrypted with the key of fingerprint {key_fingerprint(OTHER_KEY)}" in lines[1]
    assert "set MODELCLOUD_ENCRYPTION_KEY to the new key" in lines[2]
    assert encoded(OTHER_KEY) not in result.stdout + result.stderr
    target = start(target_url, tmp_path / "artifacts", clock, OTHER_KEY)
    try:
        assert target.readers.identity.team_by_name(TEAM_NAME) is not None
    finally:
        target.stop()


@pytest.mark.parametrize(
    ("arguments", "environment", "expected"),
    [
        ([], {}, "The source store is encrypted. Name the copy's key with --to-key-env VARIABLE, or pass --unencrypted"),
        (["--to-key-env", "NEW_KEY"], {}, "--to-key-env names NEW_KEY, which is not set"),
        (["--to-key-env", "NEW_KEY"], {"NEW_KEY": "c2hvcnQ="}, "NEW_KEY is invalid: its value decodes to 5 bytes"),
    ],
    ids=["no-target-key", "unset-variable", "short-key"],
)
def test_cli_copy_rejects_target_key(
    tmp_path: Path, clock: FrozenClock, arguments: list[str], environment: dict[str, str], expected: str
) -> None:
    source_url = f"sqlite:///{tmp_path / 'source.db'}"
    start(source_url, tmp_path / "artifacts", clock, KEY).stop()

    result = modelcloud(
        "events", "copy", "--to", f"sqlite:///{tmp_path / 'target.db'}", *arguments, database_url=source_url,
        home=tmp_path, MODELCLOUD_ENCRYPTION_KEY=encoded(KEY), **environment,
    )

    assert result.returncode == 2
    assert expected in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "target.db").exists()


def test_cli_copy_rejects_bad_target_url(tmp_path: Path) -> None:
    result = modelcloud(
        "events", "copy", "--to", "mysql://db/x", database_url=f"sqlite:///{tmp_path / 'source.db'}", home=tmp_path
    )

    assert result.returncode == 2
    assert "--to 'mysql://db/x' is invalid: scheme 'mysql' is not supported" in result.stderr


def test_cli_copy_rejects_missing_source_file(tmp_path: Path) -> None:
    source_url = f"sqlite:///{tmp_path / 'typo.db'}"

    result = modelcloud("events", "copy", "--to", f"sqlite:///{tmp_path / 'target.db'}", database_url=source_url, home=tmp_path)

    assert result.returncode == 2
    assert f"MODELCLOUD_DATABASE_URL='{source_url}' names a SQLite file that does not exist" in result.stderr
    assert not (tmp_path / "typo.db").exists()
    assert not (tmp_path / "target.db").exists()


def test_projection_process_logs_fingerprint(tmp_path: Path, clock: FrozenClock) -> None:
    database_url = f"sqlite:///{tmp_path / 'modelcloud.db'}"
    start(database_url, tmp_path / "artifacts", clock, KEY).stop()
    env = {
        **os.environ, "MODELCLOUD_DATABASE_URL": database_url, "MODELCLOUD_ARTIFACTS": str(tmp_path / "artifacts"),
        "MODELCLOUD_ENCRYPTION_KEY": encoded(KEY),
    }

    process = subprocess.Popen(
        [sys.executable, "-m", "backend.cli", "projections", "run"], env=env, stderr=subprocess.PIPE, text=True
    )
    try:
        assert process.stderr is not None
        lines = []
        for line in process.stderr:
            lines.append(line)
            if "projections running" in line:
                break
    finally:
        process.terminate()
        process.wait(timeout=30)

    running = json.loads(lines[-1])
    assert running["message"] == "projections running"
    assert running["encrypted"] is True
    assert running["key_fingerprint"] == key_fingerprint(KEY)
    assert encoded(KEY) not in "".join(lines)


def test_training_worker_reads_encrypted_store(
    database_url: str, tmp_path: Path, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The chief worker of a training run opens the store with the key that the Ray job's environment passed on."""
    from workers.ray_runtime import worker_environment
    from workers.training.recording import TrainingRecorder

    runtime = start(database_url, tmp_path / "artifacts", clock, KEY)
    team_id = create_team(runtime, clock)
    for name, value in worker_environment(runtime.settings).items():
        monkeypatch.setenv(name, value)
    runtime.stop()

    recorder = TrainingRecorder(database_url, str(tmp_path / "artifacts"), str(uuid.uuid4()), 1)
    try:
        assert recorder.store.repository.get(team_id).name == TEAM_NAME
    finally:
        recorder.close()


def test_encrypted_store_without_record(database_url: str, tmp_path: Path, clock: FrozenClock) -> None:
    """Events encrypted before the record existed need the key, and are recorded with it once it reads them."""
    runtime = start(database_url, tmp_path / "artifacts", clock, KEY)
    create_team(runtime, clock)
    runtime.database.execute(f"DROP TABLE {encryption.TABLE}")
    runtime.stop()

    with pytest.raises(EncryptionMismatch, match="contains encrypted events, but MODELCLOUD_ENCRYPTION_KEY is not set"):
        build(database_url, tmp_path / "artifacts", clock, None)
    with pytest.raises(EncryptionMismatch, match="cannot be read with the configured MODELCLOUD_ENCRYPTION_KEY"):
        build(database_url, tmp_path / "artifacts", clock, OTHER_KEY)
    again = start(database_url, tmp_path / "artifacts", clock, KEY)
    try:
        record = encryption.read_record(again.database)
        assert record is not None
        assert record.encrypted is True
        assert record.key_fingerprint == key_fingerprint(KEY)
    finally:
        again.stop()
