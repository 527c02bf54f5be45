"""The modelcloud command line on a real database: rebuild, export, users, tokens and settings errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from backend.runtime import Runtime
from tests.conftest import build_runtime
from tests.integration.test_projections import dump_read_models, populate

pytestmark = pytest.mark.integration


def modelcloud(*arguments: str, database_url: str, home: Path, **environment: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "MODELCLOUD_DATABASE_URL": database_url,
        "MODELCLOUD_ARTIFACTS": str(home / "artifacts"),
        **environment,
    }
    return subprocess.run(
        [sys.executable, "-m", "backend.cli", *arguments], env=env, capture_output=True, text=True, timeout=120
    )


def test_cli_rebuild_equals_live(runtime: Runtime, database_url: str, tmp_path: Path, clock) -> None:
    populate(runtime, clock)
    assert runtime.projections.wait_for(runtime.store.head())
    live = dump_read_models(runtime)
    runtime.projections.stop()

    result = modelcloud("projections", "rebuild", database_url=database_url, home=tmp_path)

    assert result.returncode == 0, result.stderr
    assert "Rebuilt all projections." in result.stdout
    assert dump_read_models(runtime) == live


def test_cli_rebuild_unknown_projection(database_url: str, tmp_path: Path) -> None:
    result = modelcloud("projections", "rebuild", "nonsense", database_url=database_url, home=tmp_path)

    assert result.returncode == 2
    assert "Unknown projection nonsense" in result.stderr


def test_cli_creates_user_and_token(database_url: str, tmp_path: Path, clock) -> None:
    setup = build_runtime(database_url, tmp_path / "artifacts", clock)
    setup.start()
    setup.bootstrap()
    setup.stop()

    created = modelcloud(
        "user", "create", "carol", "--email", "carol@example.org",
        database_url=database_url, home=tmp_path, MODELCLOUD_NEW_PASSWORD="carol-password",
    )
    token = modelcloud("token", "create", "admin", "--team", "default", "--scopes", "read,write", database_url=database_url, home=tmp_path)

    assert created.returncode == 0, created.stderr
    assert created.stdout.startswith("Created user carol with id ")
    assert token.returncode == 0, token.stderr
    assert token.stdout.strip().startswith("mc_")


def test_cli_token_for_non_member_fails(database_url: str, tmp_path: Path, clock) -> None:
    setup = build_runtime(database_url, tmp_path / "artifacts", clock)
    setup.start()
    setup.bootstrap()
    setup.stop()
    modelcloud("user", "create", "dave", database_url=database_url, home=tmp_path, MODELCLOUD_NEW_PASSWORD="dave-password")

    result = modelcloud("token", "create", "dave", "--team", "default", database_url=database_url, home=tmp_path)

    assert result.returncode == 1
    assert "dave" not in result.stdout
    assert result.stderr.strip() == "modelcloud: user 'dave' is not a member of team 'default'; add them with addMember first."


def test_cli_audit_export_jsonl(runtime: Runtime, database_url: str, tmp_path: Path, clock) -> None:
    populate(runtime, clock)
    assert runtime.projections.wait_for(runtime.store.head())
    output = tmp_path / "audit.jsonl"

    result = modelcloud("audit", "export", "--format", "jsonl", "-o", str(output), database_url=database_url, home=tmp_path)

    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in output.read_text().splitlines()]
    assert [record["position"] for record in records] == list(range(1, runtime.store.head() + 1))
    assert records[0]["action"] == "NameIndex.Reserved"
    # The first-admin marker is a fixed key, not a name, so the entry names what it reserved without it.
    assert records[0]["summary_parameters"] == {"kind": "installation", "key": None}
    assert records[0]["summary"] == "Reserved the first administrator account of the installation"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("MODELCLOUD_PORT", "eighty"),
        ("MODELCLOUD_PORT", "70000"),
        ("MODELCLOUD_DATABASE_URL", "mysql://localhost/db"),
        ("MODELCLOUD_MAX_UPLOAD_BYTES", "-1"),
        ("MODELCLOUD_LOG_LEVEL", "LOUD"),
        ("MODELCLOUD_PROJECTIONS_IN_PROCESS", "maybe"),
        ("MODELCLOUD_READINESS_MAX_LAG", "-1"),
        ("MODELCLOUD_MONITORING_INTERVAL_SECONDS", "inf"),
        ("MODELCLOUD_RETENTION_INTERVAL_SECONDS", "1e308"),
        ("MODELCLOUD_INFERENCE_WINDOW_SECONDS", "nan"),
    ],
)
def test_invalid_setting_stops_with_one_line(variable: str, value: str, tmp_path: Path) -> None:
    result = modelcloud("serve", database_url=f"sqlite:///{tmp_path / 'x.db'}", home=tmp_path, **{variable: value})

    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"modelcloud: {variable}={value!r} is invalid")
    assert not (tmp_path / "x.db").exists()


def test_database_url_options_are_invalid(tmp_path: Path) -> None:
    """The event store's connections would ignore a URL's options, such as sslmode, so they are rejected, not half applied."""
    url = "postgresql://postgres@127.0.0.1:5432/modelcloud?sslmode=verify-full&sslrootcert=/etc/ca.pem"

    result = modelcloud("serve", database_url=url, home=tmp_path)

    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"modelcloud: MODELCLOUD_DATABASE_URL={url!r} is invalid")
    assert "sslmode, sslrootcert" in lines[0]
    assert "PGSSLMODE" in lines[0]


def test_invalid_database_url_hides_password(tmp_path: Path) -> None:
    result = modelcloud("serve", database_url="mysql://root:hunter2@db.internal/modelcloud", home=tmp_path)

    assert result.returncode == 2
    assert "hunter2" not in result.stderr
    assert "MODELCLOUD_DATABASE_URL='mysql://root@db.internal/modelcloud' is invalid" in result.stderr


@pytest.mark.parametrize(
    "variable",
    [
        "MODELCLOUD_RETENTION_INTERVAL_SECONDS", "MODELCLOUD_INTEGRITY_INTERVAL_SECONDS", "MODELCLOUD_INFERENCE_WINDOW_SECONDS",
        "MODELCLOUD_MONITORING_INTERVAL_SECONDS", "MODELCLOUD_WEBHOOK_INTERVAL_SECONDS",
    ],
)
def test_interval_beyond_a_year_is_invalid(variable: str, tmp_path: Path) -> None:
    """A timer thread cannot wait longer than the platform's time_t allows, so the settings stop at a year."""
    result = modelcloud("serve", database_url=f"sqlite:///{tmp_path / 'x.db'}", home=tmp_path, **{variable: "inf"})

    assert result.returncode == 2
    assert "less than or equal to 31536000" in result.stderr


def test_schema_command_prints_sdl(tmp_path: Path) -> None:
    result = modelcloud("schema", database_url=f"sqlite:///{tmp_path / 'x.db'}", home=tmp_path)

    assert result.returncode == 0
    assert "type Query {" in result.stdout
    assert "subscription" in result.stdout.lower()


def test_cli_audit_export_rejects_bad_time(tmp_path: Path) -> None:
    result = modelcloud("audit", "export", "--since", "yesterday", database_url=f"sqlite:///{tmp_path / 'x.db'}", home=tmp_path)

    assert result.returncode == 1
    assert "--since 'yesterday' is invalid" in result.stderr


def test_cli_audit_export_by_subject(runtime: Runtime, database_url: str, tmp_path: Path, clock) -> None:
    populate(runtime, clock)
    assert runtime.projections.wait_for(runtime.store.head())
    team = runtime.readers.identity.team_by_name("Vision")

    result = modelcloud("audit", "export", "--subject", team["team_id"], database_url=database_url, home=tmp_path)

    actions = [json.loads(line)["action"] for line in result.stdout.splitlines()]
    assert actions[:2] == ["Team.Created", "Team.MemberAdded"]
    assert set(actions) <= {"Team.Created", "Team.MemberAdded", "Team.MemberRoleChanged", "Team.MemberRemoved"}


def test_non_json_list_setting_fails(tmp_path: Path) -> None:
    result = modelcloud(
        "serve", database_url=f"sqlite:///{tmp_path / 'x.db'}", home=tmp_path, MODELCLOUD_ALLOWED_ORIGINS="http://x"
    )

    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("modelcloud: MODELCLOUD_ALLOWED_ORIGINS is invalid")
    assert "takes JSON" in lines[0]


def test_unreachable_database_stops_with_one_line(tmp_path: Path) -> None:
    result = modelcloud("serve", database_url="postgresql://postgres@127.0.0.1:1/nothing", home=tmp_path)

    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("modelcloud: cannot use the database at postgresql://postgres@127.0.0.1:1/nothing")


def test_cli_sync_forwards_to_client(tmp_path: Path) -> None:
    completed = modelcloud(
        "sync", "--buffer-dir", str(tmp_path / "buffer"), database_url=f"sqlite:///{tmp_path / 'unused.db'}", home=tmp_path,
        MODELCLOUD_TOKEN="mc_unused", MODELCLOUD_URL="http://127.0.0.1:9",
    )

    assert completed.returncode == 0, completed.stderr
    assert "0 runs sent, 0 runs left in the buffer" in completed.stderr
