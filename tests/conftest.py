"""Shared fixtures: a fresh SQLite file or PostgreSQL database per test, runtimes built on them, and one real server."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import psycopg
import pytest
from filelock import FileLock

from backend.runtime import Runtime
from workers.dataset_engine import LocalDatasetEngine
from backend.settings import load_settings

if TYPE_CHECKING:
    from tests.support.s3 import S3Server
    from tests.support.tracing import SpanCapture

# Argon2id at its production cost took about 0.15 s a hash on a 2-core machine, and most tests create users, so the
# suite, and every server it starts (they inherit the environment), hashes at the lowest cost instead.
# tests/unit/test_passwords.py checks the production defaults.
os.environ.setdefault("MODELCLOUD_PASSWORD_HASH_TIME_COST", "1")
os.environ.setdefault("MODELCLOUD_PASSWORD_HASH_MEMORY_KIB", "1024")
os.environ.setdefault("MODELCLOUD_PASSWORD_HASH_PARALLELISM", "1")

# `make test` creates a database for the run and names it here; each test then creates its own
# database through that connection, so no test reads another's events.
POSTGRES_ADMIN_URL = os.environ.get("MODELCLOUD_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


class FrozenClock:
    """A clock tests move by hand, so time-dependent rules are checked without sleeping."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture(scope="session")
def postgres_available() -> bool:
    """Return whether the PostgreSQL server accepts connections; in CI its absence fails the run instead of skipping tests."""
    try:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=5):
            return True
    except psycopg.Error as error:
        if os.environ.get("CI") or "MODELCLOUD_TEST_POSTGRES_URL" in os.environ:
            pytest.fail(f"PostgreSQL is required but unreachable at {POSTGRES_ADMIN_URL}: {error}")
        return False


# Rows a runtime writes when it creates its tables and that every new database shares.
TEMPLATE_KEPT_TABLES = frozenset({"projection_tracking", "projection_schemas"})


def _database_url(name: str) -> str:
    return f"{POSTGRES_ADMIN_URL.rsplit('/', 1)[0]}/{name}"


@pytest.fixture(scope="session")
def postgres_template(postgres_available: bool, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str | None]:
    """The name of a database holding every table a runtime creates, made once per test session.

    A runtime started on a copy finds every projection's schema digest current and runs none of
    the 120 DDL statements. On the 2-core test machine, creating a database and starting a runtime
    on it took 0.34 s from this template and 0.50 s from an empty one (mean of 8 each, load average
    near 5). A run has about 700 PostgreSQL tests.
    """
    if not postgres_available:
        yield None
        return
    name = f"modelcloud_template_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    prepared = build_runtime(_database_url(name), tmp_path_factory.mktemp("template"), FrozenClock())
    prepared.prepare()
    prepared.stop()
    # Opening the store records whether it is encrypted, and a test may start with a key, so the
    # template keeps only the tables and the projections' bookkeeping rows.
    with psycopg.connect(_database_url(name), autocommit=True) as connection:
        tables = connection.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()
        for (table,) in tables:
            if table not in TEMPLATE_KEPT_TABLES:
                connection.execute(f"DELETE FROM {table}")
    yield name
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def fresh_postgres_url(postgres_template: str | None) -> Iterator[str]:
    """A new database with every table already created, for this test alone."""
    if postgres_template is None:
        pytest.skip("PostgreSQL is not running; `make test` starts it")
    name = f"modelcloud_t_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name} TEMPLATE {postgres_template}")
    yield _database_url(name)
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The same test runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'modelcloud.db'}"
    return request.getfixturevalue("fresh_postgres_url")


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


def build_runtime(database_url: str, artifacts: Path, clock: FrozenClock) -> Runtime:
    settings = load_settings(database_url=database_url, artifacts=str(artifacts))
    # Dataset files are parsed in this process; the end-to-end tests run the same jobs on Ray.
    return Runtime.build(settings, clock=clock, dataset_engine=LocalDatasetEngine(str(artifacts)))


@pytest.fixture
def runtime(database_url: str, tmp_path: Path, clock: FrozenClock) -> Iterator[Runtime]:
    built = build_runtime(database_url, tmp_path / "artifacts", clock)
    built.start()
    yield built
    built.stop()


def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder every process of this pytest run shares.

    Under pytest-xdist each worker is a session of its own with its own base temporary folder, and
    those folders share one parent. Without xdist the session's own folder is the run's folder.
    """
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def model_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Keras models trained once per pytest run on scikit-learn's breast cancer data, in their own process.

    The first worker to need them trains them while holding a file lock. The others wait on the
    lock and then use the same files, which are complete once `report.json` exists.
    """
    shared = run_folder(tmp_path_factory)
    output = shared / "models"
    with FileLock(str(shared / "models.lock")):
        if not (output / "report.json").exists():
            output.mkdir(exist_ok=True)
            subprocess.run([sys.executable, "-m", "tests.support.train_models", str(output)], check=True,
                           capture_output=True, timeout=600)
    return output


@pytest.fixture(scope="session")
def dataset_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """scikit-learn's bundled datasets as CSV, Parquet and JSON Lines files, written once per test session."""
    from tests.support.datasets import write_dataset_files

    return write_dataset_files(tmp_path_factory.mktemp("datasets"))


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    """moto's S3 server on a free loopback port, shared by the tests of a session. Each test creates its own bucket."""
    from tests.support.s3 import running_s3_server

    with running_s3_server() as server:
        yield server


@pytest.fixture
def s3_environment(s3_server: S3Server, monkeypatch: pytest.MonkeyPatch) -> S3Server:
    """Point boto3 in this process, and in the processes it starts, at the local S3 server."""
    for name, value in s3_server.environment.items():
        monkeypatch.setenv(name, value)
    return s3_server


@pytest.fixture(scope="session")
def span_capture_session() -> SpanCapture:
    from tests.support.tracing import install_span_capture

    return install_span_capture()


@pytest.fixture
def spans(span_capture_session: SpanCapture) -> Iterator[SpanCapture]:
    """The spans this test finishes in this process, kept in memory by the SDK's in-memory exporter."""
    with span_capture_session.capturing() as capture:
        yield capture
