"""The cost of encrypting event payloads: appending and reading events with and without MODELCLOUD_ENCRYPTION_KEY.

Each run starts on a fresh database. Append runs `commands` createTeam commands one after another
through `IdentityService` on a `Runtime` with the projections off, the command path alone, and each
command appends 3 events in one transaction. Read opens a new `EventStore` with the same key, so no
aggregate cache helps, then reads the appended events READ_PASSES times in the projection runner's
batches and decodes every event, which a projection rebuild does first. The cipher alone encrypts and decrypts states of the
mean size the unencrypted SQLite run stored, in one thread without I/O. Copy runs `modelcloud events copy`'s `copy_store` from
the unencrypted store of the last repetition into a new encrypted database of the same kind.
"""

from __future__ import annotations

import argparse
import base64
import os
import tempfile
import textwrap
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

import psycopg

from backend.application.eventstore import EventStore
from backend.database import open_database
from backend.domain.base import Cause
from backend.projections.runner import BATCH_SIZE
from backend.runtime import Runtime
from backend.settings import load_settings
from backend.store_copy import copy_store
from bench.command_throughput import POSTGRES, SQLITE, admin_principal, bench_postgres_database

COMMANDS = 1000
REPEATS = 5
# Reading is about 50 times faster than appending, so each run reads its events this many times.
READ_PASSES = 20
WARM_UP_COMMANDS = 100
CIPHER_ITERATIONS = 20_000
# A fixed AES-256 key: the cost does not depend on the key's value.
KEY = bytes(range(32))

# Creates a new, empty database and yields its URL.
NewDatabase = Callable[[], AbstractContextManager[str]]


@dataclass(frozen=True)
class EncryptionRun:
    database: str
    encrypted: bool
    events: int
    append_seconds: float
    read_seconds: float
    mean_state_bytes: float
    append_range: tuple[float, float] | None = None  # lowest and highest events/s over the repetitions
    read_range: tuple[float, float] | None = None

    @property
    def append_rate(self) -> float:
        return self.events / self.append_seconds

    @property
    def read_rate(self) -> float:
        return self.events / self.read_seconds


@dataclass(frozen=True)
class CopyRun:
    database: str
    events: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.events / self.seconds


@dataclass(frozen=True)
class CipherCost:
    """Microseconds per event of the library's AES-GCM cipher alone, on states of the size createTeam stores."""

    state_bytes: int
    encrypt_us: float
    decrypt_us: float


@dataclass(frozen=True)
class EncryptionCostResult:
    runs: list[EncryptionRun]
    copies: list[CopyRun]
    cipher: CipherCost
    commands: int
    repeats: int
    measured_at: datetime
    seconds: float

    def run(self, database: str, encrypted: bool) -> EncryptionRun:
        return next(run for run in self.runs if run.database == database and run.encrypted == encrypted)


def append_and_read(database_url: str, database: str, key: bytes | None, commands: int, artifacts: Path) -> EncryptionRun:
    settings = load_settings(
        database_url=database_url, artifacts=str(artifacts), encryption_key=base64.b64encode(key).decode() if key else "",
    )
    runtime = Runtime.build(settings)
    runtime.prepare()
    try:
        admin = admin_principal(runtime)
        after = runtime.store.head()
        tag = uuid.uuid4().hex[:8]
        started = time.perf_counter()
        events = 0
        for index in range(commands):
            cause = Cause.new(admin.actor, None)
            _, outcome = runtime.identity.create_team(admin, cause, name=f"bench-{tag}-{index}", description="encryption cost")
            events += outcome.events
        append_seconds = time.perf_counter() - started
    finally:
        runtime.stop()

    reader = EventStore(database_url, key)
    try:
        started = time.perf_counter()
        for _ in range(READ_PASSES):
            read, stored_bytes = read_and_decode(reader, after)
        read_seconds = (time.perf_counter() - started) / READ_PASSES
    finally:
        reader.close()
    assert read == events, f"read {read} events, appended {events}"
    return EncryptionRun(database, key is not None, events, append_seconds, read_seconds, stored_bytes / read)


def read_and_decode(store: EventStore, after: int) -> tuple[int, int]:
    """Read and decode every event after position `after`, and return how many there were and their states' bytes."""
    position, read, stored_bytes = after, 0, 0
    while True:
        batch = store.read_log(after=position, limit=BATCH_SIZE)
        if not batch:
            return read, stored_bytes
        for notification in batch:
            store.decode(notification)
            stored_bytes += len(notification.state)
        read += len(batch)
        position = batch[-1].id


def measure_database(new_database: NewDatabase, database: str, commands: int, repeats: int) -> tuple[list[EncryptionRun], CopyRun]:
    """Alternate unencrypted and encrypted runs `repeats` times, each on a new database, and keep the medians."""
    runs: dict[bool, list[EncryptionRun]] = {False: [], True: []}
    copy: CopyRun | None = None
    with tempfile.TemporaryDirectory(prefix="modelcloud-bench-encryption-") as scratch:
        artifacts = Path(scratch) / "artifacts"
        # Untimed runs first, so neither side pays for the first imports, connections and caches.
        for key in (None, KEY):
            with new_database() as url:
                append_and_read(url, database, key, WARM_UP_COMMANDS, artifacts)
        for repetition in range(repeats):
            # Each repetition swaps which side goes first, so a drift in the machine's load reaches both.
            for key in (None, KEY) if repetition % 2 == 0 else (KEY, None):
                with new_database() as url:
                    runs[key is not None].append(append_and_read(url, database, key, commands, artifacts))
                    if key is None and repetition == 0:
                        copy = time_copy(url, new_database, database)
    assert copy is not None
    return [keep_median(runs[False]), keep_median(runs[True])], copy


def time_copy(source_url: str, new_database: NewDatabase, database: str) -> CopyRun:
    source = EventStore(source_url)
    source_database = open_database(source_url)
    try:
        with new_database() as target_url:
            started = time.perf_counter()
            result = copy_store(source, source_database, target_url, KEY)
            seconds = time.perf_counter() - started
    finally:
        source_database.close()
        source.close()
    return CopyRun(database, result.events, seconds)


def keep_median(runs: list[EncryptionRun]) -> EncryptionRun:
    """Return the run with the median append rate, carrying the median read time and both rates' ranges."""
    by_append = sorted(runs, key=lambda run: run.append_rate)
    by_read = sorted(runs, key=lambda run: run.read_rate)
    middle = (len(runs) - 1) // 2
    return replace(
        by_append[middle],
        read_seconds=by_read[middle].read_seconds,
        append_range=(by_append[0].append_rate, by_append[-1].append_rate) if len(runs) > 1 else None,
        read_range=(by_read[0].read_rate, by_read[-1].read_rate) if len(runs) > 1 else None,
    )


def sqlite_databases(folder: Path) -> NewDatabase:
    @contextmanager
    def new_database() -> Iterator[str]:
        yield f"sqlite:///{folder / f'{uuid.uuid4().hex}.db'}"

    return new_database


def postgres_databases(server_url: str) -> NewDatabase:
    """Return a context manager that creates a database on the server of `server_url` and drops it afterwards."""
    base = server_url.rsplit("/", 1)[0]

    @contextmanager
    def new_database() -> Iterator[str]:
        name = f"modelcloud_bench_enc_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=5) as connection:
            connection.execute(f"CREATE DATABASE {name}")
        try:
            yield f"{base}/{name}"
        finally:
            with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=5) as connection:
                connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    return new_database


def time_cipher(state_bytes: int, iterations: int = CIPHER_ITERATIONS) -> CipherCost:
    cipher = EventStore("sqlite:///:memory:", KEY).mapper.cipher
    assert cipher is not None
    state = os.urandom(state_bytes)
    started = time.perf_counter()
    sealed = [cipher.encrypt(state) for _ in range(iterations)]
    encrypt_seconds = time.perf_counter() - started
    started = time.perf_counter()
    for ciphertext in sealed:
        cipher.decrypt(ciphertext)
    decrypt_seconds = time.perf_counter() - started
    return CipherCost(state_bytes, encrypt_seconds / iterations * 1e6, decrypt_seconds / iterations * 1e6)


def measure(commands: int = COMMANDS, postgres_url: str | None = None, repeats: int = REPEATS) -> EncryptionCostResult:
    """Measure on SQLite files in a temporary folder and, when `postgres_url` is given, on new databases of its server."""
    measured_at = datetime.now(timezone.utc)
    started = time.monotonic()
    runs: list[EncryptionRun] = []
    copies: list[CopyRun] = []
    with tempfile.TemporaryDirectory(prefix="modelcloud-bench-encryption-sqlite-") as folder:
        sqlite_runs, sqlite_copy = measure_database(sqlite_databases(Path(folder)), SQLITE, commands, repeats)
        runs += sqlite_runs
        copies.append(sqlite_copy)
    if postgres_url is not None:
        postgres_runs, postgres_copy = measure_database(postgres_databases(postgres_url), POSTGRES, commands, repeats)
        runs += postgres_runs
        copies.append(postgres_copy)
    state_bytes = round(next(run.mean_state_bytes for run in runs if not run.encrypted))
    cipher = time_cipher(state_bytes)
    return EncryptionCostResult(runs, copies, cipher, commands, repeats, measured_at, time.monotonic() - started)


# the README


ROW_PREFIX = "| Encryption at rest: "
HEADING = "## Encryption at rest (`bench/encryption_cost.py`)"


def readme_rows(result: EncryptionCostResult) -> list[str]:
    """Return the results table's rows: encrypted runs as results, unencrypted ones as baselines."""
    rows = []
    databases = list(dict.fromkeys(run.database for run in result.runs))
    for database in databases:
        plain, encrypted = result.run(database, False), result.run(database, True)
        rows.append(
            f"{ROW_PREFIX}{database}, createTeam appends, projections off "
            f"| {encrypted.append_rate:,.0f} events/s{_spread(encrypted.append_range)} "
            f"| unencrypted: {plain.append_rate:,.0f} events/s{_spread(plain.append_range)} "
            f"| {encrypted.append_rate / plain.append_rate:.2f} |"
        )
        rows.append(
            f"{ROW_PREFIX}{database}, read and decode the log "
            f"| {encrypted.read_rate:,.0f} events/s{_spread(encrypted.read_range)} "
            f"| unencrypted: {plain.read_rate:,.0f} events/s{_spread(plain.read_range)} "
            f"| {encrypted.read_rate / plain.read_rate:.2f} |"
        )
    cipher = result.cipher
    rows.append(
        f"{ROW_PREFIX}AES-GCM alone, {cipher.state_bytes}-byte state "
        f"| encrypt {cipher.encrypt_us:.1f} µs, decrypt {cipher.decrypt_us:.1f} µs per event | | |"
    )
    for copy in result.copies:
        rows.append(
            f"{ROW_PREFIX}{copy.database}, `modelcloud events copy` into a new encrypted store "
            f"| {copy.rate:,.0f} events/s ({copy.events:,} events in {copy.seconds:.2f} s) | | |"
        )
    return rows


def readme_method(result: EncryptionCostResult) -> str:
    plain = result.run(result.runs[0].database, False)
    encrypted = result.run(result.runs[0].database, True)
    text = (
        f"{result.commands:,} createTeam commands a run ({plain.events:,} events), each run on a new database, "
        f"{result.repeats} runs a side, after one untimed run of {WARM_UP_COMMANDS} commands on each side. Each figure "
        "is the median run, followed by the lowest and highest. The runs alternate between the sides and swap which "
        "goes first in each repetition. Append times the commands through `IdentityService` on a `Runtime` with the "
        "projections off, as in the command throughput rows. Read opens a new `EventStore` with the same key, so the "
        f"aggregate cache is empty, and reads the appended events {READ_PASSES} times in batches of {BATCH_SIZE}, "
        "decoding each, which a projection rebuild does before it applies them. The ratio divides the encrypted side's events/s by the "
        "unencrypted side's, so below 1 means encryption made it slower. The key is AES-256, and the cipher is "
        "eventsourcing's `cryptography` AES-GCM with a random 96-bit nonce and a 128-bit tag, which add 28 bytes to "
        f"each stored state: the mean state was {plain.mean_state_bytes:,.0f} bytes unencrypted and "
        f"{encrypted.mean_state_bytes:,.0f} bytes encrypted. The AES-GCM row times the cipher alone on "
        f"{CIPHER_ITERATIONS:,} random states of the unencrypted mean size, in one thread, without I/O. The copy row "
        "times `copy_store`, what `modelcloud events copy` runs, from the first unencrypted store of each kind into a "
        "new encrypted database of the same kind, verification included. It copies "
        f"{result.copies[0].events - plain.events} more events than a run appends: those that creating the first "
        "administrator appended. Per event on SQLite, the cipher alone took "
        f"{result.cipher.encrypt_us:.1f} µs to encrypt, against {1e6 / plain.append_rate:,.0f} µs to append an "
        f"unencrypted event, and {result.cipher.decrypt_us:.1f} µs to decrypt, against {1e6 / plain.read_rate:.1f} µs to "
        "read and decode one."
    )
    overlapping = [database for database in dict.fromkeys(run.database for run in result.runs) if _appends_overlap(result, database)]
    if overlapping:
        text += (
            f" On {' and '.join(overlapping)} the append runs of the two sides overlap, so their difference there is the "
            "machine's noise, not the cipher's cost."
        )
    return textwrap.fill(text, width=100, break_on_hyphens=False)


def _appends_overlap(result: EncryptionCostResult, database: str) -> bool:
    plain, encrypted = result.run(database, False).append_range, result.run(database, True).append_range
    if plain is None or encrypted is None:
        return False
    return plain[0] <= encrypted[1] and encrypted[0] <= plain[1]


def _spread(rate_range: tuple[float, float] | None) -> str:
    if rate_range is None:
        return ""
    return f", runs {rate_range[0]:,.0f}–{rate_range[1]:,.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description="Measure appending and reading events with and without encryption.")
    parser.add_argument("--commands", type=int, default=COMMANDS, help=f"createTeam commands per run (default {COMMANDS}).")
    parser.add_argument(
        "--repeats", type=int, default=REPEATS, help=f"Runs of each measurement, of which the median is reported (default {REPEATS})."
    )
    parser.add_argument("--skip-postgres", action="store_true", help="Measure SQLite only.")
    arguments = parser.parse_args()

    os.environ.pop("MODELCLOUD_ENCRYPTION_KEY", None)
    with bench_postgres_database(arguments.skip_postgres) as postgres_url:
        result = measure(arguments.commands, postgres_url, arguments.repeats)
    for run in result.runs:
        state = "encrypted" if run.encrypted else "unencrypted"
        print(
            f"{run.database} {state}: append {run.append_rate:,.0f} events/s, read and decode {run.read_rate:,.0f} events/s, "
            f"mean state {run.mean_state_bytes:,.0f} bytes"
        )
    cipher = result.cipher
    print(f"AES-GCM on {cipher.state_bytes} bytes: encrypt {cipher.encrypt_us:.1f} µs, decrypt {cipher.decrypt_us:.1f} µs")
    for copy in result.copies:
        print(f"{copy.database} copy into an encrypted store: {copy.rate:,.0f} events/s ({copy.events} events)")


if __name__ == "__main__":
    main()
