"""A small SQL layer over SQLite and PostgreSQL for read models and the stores kept outside the event log.

SQL is written once with `?` placeholders and portable types; the PostgreSQL side
rewrites the placeholders for psycopg. Rows come back as dicts.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, ExitStack, contextmanager
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

Row = dict[str, Any]
Params = Sequence[Any]

SQLITE_BUSY_TIMEOUT_SECONDS = 30.0
UNSTORABLE_CHARACTERS = re.compile("[\x00\ud800-\udfff]")


class Transaction(Protocol):
    def execute(self, sql: str, params: Params = ()) -> int: ...
    def executemany(self, sql: str, rows: Sequence[Params]) -> None: ...
    def fetchall(self, sql: str, params: Params = ()) -> list[Row]: ...
    def fetchone(self, sql: str, params: Params = ()) -> Row | None: ...


class Database:
    """Connections to one database, with transactions that commit on success and roll back on error."""

    dialect: str

    def transaction(self) -> AbstractContextManager[Transaction]:
        raise NotImplementedError

    def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        with self.transaction() as tx:
            return tx.fetchall(sql, params)

    def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        with self.transaction() as tx:
            return tx.fetchone(sql, params)

    def execute(self, sql: str, params: Params = ()) -> int:
        with self.transaction() as tx:
            return tx.execute(sql, params)

    def close(self) -> None:
        """Release the connections."""


def storable(params: Params) -> tuple[Any, ...]:
    """Return the parameters with NUL and unpaired surrogates in strings replaced by U+FFFD.

    Inputs are validated before they become events, so this only keeps a stray character in a
    filter or an old event from failing a query or stopping a projection.
    """
    return tuple(_storable_text(value) if isinstance(value, str) else value for value in params)


def _storable_text(value: str) -> str:
    if value.isascii() and "\x00" not in value:
        return value
    return UNSTORABLE_CHARACTERS.sub("\ufffd", value)


class _SQLiteTransaction:
    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    def execute(self, sql: str, params: Params = ()) -> int:
        return self._connection.execute(sql, storable(params)).rowcount

    def executemany(self, sql: str, rows: Sequence[Params]) -> None:
        self._connection.executemany(sql, [storable(params) for params in rows])

    def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        return [dict(row) for row in self._connection.execute(sql, storable(params)).fetchall()]

    def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        row = self._connection.execute(sql, storable(params)).fetchone()
        return dict(row) if row is not None else None


class SQLiteDatabase(Database):
    """One connection per thread to a SQLite file in WAL mode; writers wait on the lock instead of failing."""

    dialect = "sqlite"

    def __init__(self, path: str) -> None:
        self.path = path
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    def _connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(
                self.path,
                timeout=SQLITE_BUSY_TIMEOUT_SECONDS,
                isolation_level=None,
                check_same_thread=False,
            )
            connection.row_factory = sqlite3.Row
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_TIMEOUT_SECONDS * 1000)}")
            self._local.connection = connection
            with self._lock:
                self._connections.append(connection)
        return connection

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:  # type: ignore[override]
        connection = self._connection()
        # BEGIN IMMEDIATE takes the write lock up front, so two writers queue on the
        # busy timeout instead of deadlocking when a reader upgrades to a writer.
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield _SQLiteTransaction(connection)
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")

    @contextmanager
    def read(self) -> Iterator[Transaction]:
        """Open a read-only snapshot that does not take the write lock."""
        connection = self._connection()
        connection.execute("BEGIN")
        try:
            yield _SQLiteTransaction(connection)
        finally:
            connection.execute("ROLLBACK")

    def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        with self.read() as tx:
            return tx.fetchall(sql, params)

    def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        with self.read() as tx:
            return tx.fetchone(sql, params)

    def close(self) -> None:
        with self._lock:
            for connection in self._connections:
                connection.close()
            self._connections.clear()
        self._local = threading.local()


class _PostgresTransaction:
    def __init__(self, cursor: Any) -> None:
        self._cursor = cursor

    def execute(self, sql: str, params: Params = ()) -> int:
        self._cursor.execute(_to_psycopg(sql), storable(params))
        return self._cursor.rowcount

    def executemany(self, sql: str, rows: Sequence[Params]) -> None:
        """Run one statement for each row; psycopg pipelines them, so the rows cost one round trip, not one each."""
        if rows:
            self._cursor.executemany(_to_psycopg(sql), [storable(params) for params in rows])

    def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        self._cursor.execute(_to_psycopg(sql), storable(params))
        return list(self._cursor.fetchall())

    def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        self._cursor.execute(_to_psycopg(sql), storable(params))
        return self._cursor.fetchone()


def _to_psycopg(sql: str) -> str:
    return sql.replace("%", "%%").replace("?", "%s")


class PostgresDatabase(Database):
    """A psycopg connection pool; each transaction runs on one pooled connection."""

    dialect = "postgres"

    def __init__(self, url: str, *, max_size: int = 8) -> None:
        from psycopg.rows import dict_row
        from psycopg_pool import ConnectionPool

        self.url = url
        self.max_size = max_size
        self._pool = ConnectionPool(
            url,
            min_size=1,
            max_size=max_size,
            kwargs={"row_factory": dict_row, "autocommit": False, "connect_timeout": 10},
            timeout=30,
            open=True,
        )

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:  # type: ignore[override]
        """Run the block in a transaction on a pooled connection.

        A pooled connection that the server ended (a restart, a failover, pg_terminate_backend) fails
        at BEGIN, before the block runs. The pool then discards it, and the transaction starts on
        another, so at most `max_size` dead connections are tried before the error is raised.
        """
        import psycopg

        for attempt in range(self.max_size + 1):
            with ExitStack() as stack:
                connection = stack.enter_context(self._pool.connection())
                try:
                    stack.enter_context(connection.transaction())
                except psycopg.OperationalError:
                    if attempt == self.max_size:
                        raise
                    continue
                cursor = stack.enter_context(connection.cursor())
                yield _PostgresTransaction(cursor)
                return

    def close(self) -> None:
        self._pool.close()


# Any constant works; every ModelCloud process takes this lock while it creates tables.
SETUP_LOCK_KEY = 7_243_519_806


@contextmanager
def setup_lock(url: str) -> Iterator[None]:
    """Serialize table creation across processes on PostgreSQL, whose CREATE TABLE IF NOT EXISTS can race."""
    if url.startswith("sqlite:///"):
        yield
        return
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True, connect_timeout=10) as connection:
        connection.execute("SELECT pg_advisory_lock(%s)", (SETUP_LOCK_KEY,))
        try:
            yield
        finally:
            connection.execute("SELECT pg_advisory_unlock(%s)", (SETUP_LOCK_KEY,))


def sqlite_path(url: str) -> str:
    """Return the file path of a sqlite:///PATH URL."""
    return unquote(url[len("sqlite:///") :]) or ":memory:"


def postgres_parameters(url: str) -> dict[str, str]:
    """Split a postgresql:// URL into the eventsourcing library's POSTGRES_* settings."""
    parts = urlsplit(url)
    return {
        "POSTGRES_DBNAME": parts.path.lstrip("/"),
        "POSTGRES_HOST": parts.hostname or "127.0.0.1",
        "POSTGRES_PORT": str(parts.port or 5432),
        "POSTGRES_USER": unquote(parts.username or "postgres"),
        "POSTGRES_PASSWORD": unquote(parts.password or ""),
    }


def redacted_url(url: str) -> str:
    """Return the database URL without its password, for logs and messages."""
    if "@" not in url:
        return url
    scheme, _, rest = url.partition("://")
    credentials, _, host = rest.rpartition("@")
    return f"{scheme}://{credentials.split(':')[0]}@{host}"


def open_database(url: str) -> Database:
    """Open the database a MODELCLOUD_DATABASE_URL names."""
    if url.startswith("sqlite:///"):
        return SQLiteDatabase(sqlite_path(url))
    return PostgresDatabase(url.replace("postgres://", "postgresql://", 1))
