"""Leases that let exactly one process do a job, such as running a projection or the monitoring policy.

On PostgreSQL a lease is a session-level advisory lock held on a connection of its own: the
database frees it the moment the holder's connection ends, so when a process dies another takes
the job over at its next attempt. On SQLite the database belongs to one process, which holds
every lease.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Iterable
from typing import Any

log = logging.getLogger(__name__)

# pg_stat_activity shows this name and the process id for each lease connection, so an operator can
# see which process holds which lease by joining it with pg_locks.
APPLICATION_NAME = "modelcloud leases"

# A holder whose machine vanishes sends no FIN, so PostgreSQL would keep its session, and the leases,
# until the kernel's keepalive default of over two hours. With these the server ends it within about
# 25 s (10 s idle, then 3 probes 5 s apart), and the holder notices a vanished server as quickly.
# NOTE: tests check that the session carries these settings; no test cuts a live network path.
SESSION_KEEPALIVES = {
    "keepalives": 1,
    "keepalives_idle": 10,
    "keepalives_interval": 5,
    "keepalives_count": 3,
    "options": "-c tcp_keepalives_idle=10 -c tcp_keepalives_interval=5 -c tcp_keepalives_count=3",
}


def lease_key(name: str) -> int:
    """Return the signed 64-bit advisory-lock key for a lease name, the same in every process."""
    digest = hashlib.sha256(f"modelcloud lease {name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class Leases:
    """The leases this process holds; `claim` takes those that are free and returns every one held."""

    def claim(self, names: Iterable[str]) -> frozenset[str]:
        raise NotImplementedError

    def release_all(self) -> None:
        """Give up every lease this process holds."""


class LocalLeases(Leases):
    """Every lease granted at once, for a database that only this process opens."""

    def claim(self, names: Iterable[str]) -> frozenset[str]:
        return frozenset(names)


class AdvisoryLeases(Leases):
    """PostgreSQL advisory locks on one autocommit connection that lives as long as the leases."""

    def __init__(self, url: str) -> None:
        self.url = url.replace("postgres://", "postgresql://", 1)
        self._connection: Any = None
        self._held: set[str] = set()
        self._lock = threading.Lock()

    def claim(self, names: Iterable[str]) -> frozenset[str]:
        requested = list(names)
        with self._lock:
            if self._held and not self._still_connected():
                self._forget_connection()
            missing = [name for name in requested if name not in self._held]
            if missing:
                self._try_lock(missing)
            return frozenset(name for name in requested if name in self._held)

    def release_all(self) -> None:
        with self._lock:
            self._held.clear()
            if self._connection is not None:
                # Closing the session frees its advisory locks.
                self._connection.close()
                self._connection = None

    def _try_lock(self, names: list[str]) -> None:
        import psycopg

        try:
            connection = self._connect()
            keys = [lease_key(name) for name in names]
            rows = connection.execute(
                "SELECT key, pg_try_advisory_lock(key) AS acquired FROM unnest(%s::bigint[]) AS key", (keys,)
            ).fetchall()
        except psycopg.Error as error:
            # A lost connection lost its locks too, so nothing is held until a new one takes them again.
            log.warning("could not take leases; retrying at the next claim", extra={"error": str(error), "leases": names})
            self._forget_connection()
            return
        acquired_keys = {key for key, acquired in rows if acquired}
        newly_held = [name for name in names if lease_key(name) in acquired_keys]
        self._held.update(newly_held)
        if newly_held:
            log.debug("leases acquired", extra={"leases": newly_held})

    def _connect(self) -> Any:
        import psycopg

        if self._connection is None or self._connection.closed:
            self._forget_connection()
            self._connection = psycopg.connect(
                self.url, autocommit=True, connect_timeout=10, application_name=f"{APPLICATION_NAME} {os.getpid()}",
                **SESSION_KEEPALIVES,
            )
        return self._connection

    def _still_connected(self) -> bool:
        import psycopg

        if self._connection is None:
            return False
        try:
            self._connection.execute("SELECT 1")
        except psycopg.Error:
            return False
        return True

    def _forget_connection(self) -> None:
        if self._held:
            log.warning("lease connection lost; its leases are free for any process", extra={"leases": sorted(self._held)})
        self._held.clear()
        if self._connection is not None:
            try:
                self._connection.close()
            except Exception:  # noqa: BLE001  (the connection is already unusable)
                pass
        self._connection = None


def open_leases(database_url: str) -> Leases:
    """Return advisory-lock leases for PostgreSQL and local leases for SQLite."""
    if database_url.startswith("sqlite:///"):
        return LocalLeases()
    return AdvisoryLeases(database_url)
