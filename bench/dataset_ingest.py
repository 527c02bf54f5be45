"""Dataset ingestion and profiling of a generated CSV of about 1 GB, next to pandas on the same file.

Generates a seeded CSV with a mix of float, integer, text category and date columns and a label
into a temporary folder (untimed), then measures, one after another on the same file:

1. the engine: `workers.datasets.ingest.ingest` (CSV to canonical Parquet) and
   `workers.datasets.profile.profile` (per-column statistics), each in a fresh process;
2. the baseline: `pandas.read_csv` followed by `DataFrame.describe(include="all")` in a fresh process;
3. the platform end to end: a real `modelcloud serve` with Ray workers on a loopback port.
   It times the streamed upload to /v1/uploads, the `uploadDatasetVersion` mutation (which
   parses the file into Parquet in a Ray task) and the background profile until the version's
   status is READY.

The engine and pandas steps run in `bench/dataset_ingest_subprocess.py`, which reports wall and
CPU seconds and the peak RSS of its process. The benchmark checks that the engine, pandas and
the server agree on the row count, and that the engine and pandas agree on each column's count
of present values, mean and distinct count. It also records the CPU time that other processes
took during the measured steps, because they share the machine. The folder and the file are
deleted afterwards.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import math
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from bench.subscriber_latency import Server, log_tail, running_server

CSV_BYTES = 1_000_000_000
CHUNK_ROWS = 200_000
FIRST_CHUNK_ROWS = 1_000
SEED = 20_261_204
LABEL = "label"
WARM_UP_ROWS = 1_000
UPLOAD_CHUNK_BYTES = 1024 * 1024
STATUS_POLL_SECONDS = 0.25
RSS_SAMPLE_SECONDS = 0.25
# A step that runs longer than this is taken as hung. The limit is far above what 1 GB needs on 2 cores.
STEP_TIMEOUT_SECONDS = 1800.0
MEAN_RELATIVE_TOLERANCE = 1e-9


# the generated file


@dataclass(frozen=True)
class ColumnSpec:
    """One generated column: its name, logical type, how its values are drawn, and the share of empty fields."""

    name: str
    kind: str
    draw: str
    missing: float = 0.0


FLOAT_DRAWS = ("normal", "scaled", "lognormal", "uniform")
# Four of the twenty float columns have empty fields, at these shares.
FLOAT_MISSING = {3: 0.02, 7: 0.05, 11: 0.10, 15: 0.005}
COLUMNS: tuple[ColumnSpec, ...] = (
    *(ColumnSpec(f"x{index:02d}", "float", FLOAT_DRAWS[index % 4], FLOAT_MISSING.get(index, 0.0)) for index in range(20)),
    ColumnSpec("age", "integer", "age"),
    ColumnSpec("visits", "integer", "visits"),
    ColumnSpec("account_id", "integer", "account_id"),
    ColumnSpec("quantity", "integer", "quantity", 0.05),
    ColumnSpec("balance_change", "integer", "balance_change", 0.01),
    ColumnSpec("region", "string", "region"),
    ColumnSpec("product", "string", "product"),
    ColumnSpec("channel", "string", "channel", 0.03),
    ColumnSpec("signup_date", "date", "signup_date"),
    ColumnSpec(LABEL, "integer", "label"),
)
REGIONS = ("north", "south", "east", "west", "central", "north-east", "south-west", "islands")
PRODUCTS = tuple(f"product-{number:04d}" for number in range(500))
# Product k is drawn with a weight of 1 / (k + 1), so a few products are common and most are rare.
PRODUCT_WEIGHTS = 1.0 / np.arange(1, len(PRODUCTS) + 1)
CHANNELS = ("web", "store", "phone", "partner")
CHANNEL_WEIGHTS = (0.5, 0.3, 0.15, 0.05)
FIRST_SIGNUP = np.datetime64("2015-01-01")
SIGNUP_DAYS = 4_000
POSITIVE_LABEL_SHARE = 0.25


@dataclass(frozen=True)
class GeneratedCsv:
    path: Path
    bytes: int
    rows: int
    seconds: float


def draw_values(spec: ColumnSpec, rng: np.random.Generator, rows: int) -> pa.Array:
    """Draw one chunk of a column as Arrow values, with nulls where the CSV gets an empty field."""
    if spec.draw == "normal":
        values: Any = np.round(rng.normal(0.0, 1.0, rows), 4)
    elif spec.draw == "scaled":
        values = np.round(rng.normal(100.0, 15.0, rows), 2)
    elif spec.draw == "lognormal":
        values = np.round(rng.lognormal(3.0, 1.0, rows), 2)
    elif spec.draw == "uniform":
        values = np.round(rng.random(rows), 6)
    elif spec.draw == "age":
        values = rng.integers(18, 91, rows)
    elif spec.draw == "visits":
        values = rng.poisson(4.0, rows)
    elif spec.draw == "account_id":
        values = rng.integers(100_000_000, 1_000_000_000, rows)
    elif spec.draw == "quantity":
        values = rng.integers(1, 501, rows)
    elif spec.draw == "balance_change":
        values = rng.integers(-10_000, 10_001, rows)
    elif spec.draw == "region":
        values = np.asarray(REGIONS, dtype=object)[rng.integers(0, len(REGIONS), rows)]
    elif spec.draw == "product":
        values = np.asarray(PRODUCTS, dtype=object)[rng.choice(len(PRODUCTS), rows, p=PRODUCT_WEIGHTS / PRODUCT_WEIGHTS.sum())]
    elif spec.draw == "channel":
        values = np.asarray(CHANNELS, dtype=object)[rng.choice(len(CHANNELS), rows, p=CHANNEL_WEIGHTS)]
    elif spec.draw == "signup_date":
        values = FIRST_SIGNUP + rng.integers(0, SIGNUP_DAYS, rows).astype("timedelta64[D]")
    elif spec.draw == "label":
        values = (rng.random(rows) < POSITIVE_LABEL_SHARE).astype(np.int64)
    else:
        raise ValueError(f"Column {spec.name!r} has the unknown draw {spec.draw!r}.")
    mask = rng.random(rows) < spec.missing if spec.missing else None
    return pa.array(values, mask=mask)


def csv_chunk(rng: np.random.Generator, rows: int) -> bytes:
    """Format `rows` generated rows as CSV lines; Arrow writes each number in its shortest round-trip form."""
    fields = [pc.cast(draw_values(spec, rng, rows), pa.string()) for spec in COLUMNS]
    lines = pc.binary_join_element_wise(*fields, ",", null_handling="replace", null_replacement="")
    lines = pc.binary_join_element_wise(lines, pa.scalar("\n"), "")
    # The lines of a fresh string array lie back to back in its data buffer.
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int32)
    return lines.buffers()[2].to_pybytes()[offsets[0] : offsets[len(lines)]]


def generate_csv(path: Path, target_bytes: int, seed: int = SEED) -> GeneratedCsv:
    """Write rows to `path` in chunks of at most CHUNK_ROWS until it has about `target_bytes`, holding one chunk at a time.

    A first chunk of FIRST_CHUNK_ROWS rows measures the mean row length, from which the last
    chunk is sized, so the file ends within a few rows of the target.
    """
    started = time.monotonic()
    rng = np.random.default_rng(seed)
    rows = 0
    with path.open("wb") as file:
        header = file.write((",".join(spec.name for spec in COLUMNS) + "\n").encode())
        written = header
        while written < target_bytes:
            row_bytes = (written - header) / rows if rows else None
            chunk_rows = FIRST_CHUNK_ROWS if row_bytes is None else min(CHUNK_ROWS, math.ceil((target_bytes - written) / row_bytes))
            written += file.write(csv_chunk(rng, chunk_rows))
            rows += chunk_rows
    return GeneratedCsv(path, path.stat().st_size, rows, time.monotonic() - started)


def write_head(source: Path, target: Path, rows: int) -> None:
    """Copy the header and the first `rows` rows of `source` to `target`."""
    with source.open("rb") as reader, target.open("wb") as writer:
        for _ in range(rows + 1):
            writer.write(reader.readline())


# CPU used by other processes


def read_processes() -> dict[int, tuple[int, int]]:
    """Map every process id to its parent's id and its CPU ticks, including those of its waited-for children, from /proc."""
    processes = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # ppid is field 4 of /proc/PID/stat, and utime, stime, cutime and cstime are fields 14 to 17.
        # `fields` starts at field 3.
        processes[int(entry.name)] = (int(fields[1]), sum(int(value) for value in fields[11:15]))
    return processes


def descendants(processes: dict[int, tuple[int, int]], root: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for pid, (parent, _ticks) in processes.items():
        children.setdefault(parent, []).append(pid)
    found: set[int] = set()
    pending = [root]
    while pending:
        for child in children.get(pending.pop(), []):
            found.add(child)
            pending.append(child)
    return found


KERNEL_THREADS_PARENT = 2  # kthreadd, the parent of every kernel thread on Linux


class CpuLedger:
    """CPU seconds that processes outside this benchmark's process tree used during its measured windows.

    Kernel threads are counted apart, because they also write this benchmark's files to disk.
    A process that started and ended within a window counts only once its parent has waited for it.
    """

    def __init__(self) -> None:
        self.other_cpu_seconds = 0.0
        self.kernel_cpu_seconds = 0.0
        self.wall_seconds = 0.0

    @contextmanager
    def window(self) -> Iterator[None]:
        before, started = read_processes(), time.monotonic()
        yield
        after = read_processes()
        self.wall_seconds += time.monotonic() - started

        ours = {os.getpid()} | descendants(before, os.getpid()) | descendants(after, os.getpid())
        ticks_per_second = os.sysconf("SC_CLK_TCK")
        for pid, (parent, ticks) in after.items():
            if pid in ours:
                continue
            # A process id reused by a new process can show fewer ticks than before.
            used = max(0, ticks - before.get(pid, (0, 0))[1]) / ticks_per_second
            if KERNEL_THREADS_PARENT in (pid, parent):
                self.kernel_cpu_seconds += used
            else:
                self.other_cpu_seconds += used


# measured processes


@dataclass(frozen=True)
class ProcessRun:
    """Wall and CPU seconds of the measured calls in one process, and its peak RSS, imports included."""

    seconds: float
    cpu_seconds: float
    peak_rss_bytes: int
    rss_after_imports_bytes: int


@dataclass(frozen=True)
class EngineResult:
    ingest: ProcessRun
    profile: ProcessRun
    parquet_bytes: int
    column_types: dict[str, str]
    arrow_threads: int

    @property
    def total(self) -> ProcessRun:
        """Both steps together: seconds added up, and the larger of the two processes' peaks."""
        return ProcessRun(
            self.ingest.seconds + self.profile.seconds,
            self.ingest.cpu_seconds + self.profile.cpu_seconds,
            max(self.ingest.peak_rss_bytes, self.profile.peak_rss_bytes),
            self.ingest.rss_after_imports_bytes,
        )


@dataclass(frozen=True)
class PandasResult:
    read_csv: ProcessRun
    describe: ProcessRun
    frame_bytes: int
    version: str
    dtypes: dict[str, str]

    @property
    def total(self) -> ProcessRun:
        """Both calls together, with the peak of the one process that ran them."""
        return ProcessRun(
            self.read_csv.seconds + self.describe.seconds,
            self.read_csv.cpu_seconds + self.describe.cpu_seconds,
            self.describe.peak_rss_bytes,
            self.read_csv.rss_after_imports_bytes,
        )


def run_step(*arguments: str) -> dict[str, Any]:
    """Run one step of `bench.dataset_ingest_subprocess` in a fresh Python process and return its JSON result."""
    with tempfile.NamedTemporaryFile(prefix="modelcloud-bench-step-", suffix=".json") as result:
        command = [sys.executable, "-m", "bench.dataset_ingest_subprocess", *arguments, result.name]
        completed = subprocess.run(command, capture_output=True, text=True, timeout=STEP_TIMEOUT_SECONDS)
        if completed.returncode != 0:
            raise RuntimeError(
                f"The {arguments[0]} step exited with status {completed.returncode}. Its last output:\n"
                f"{(completed.stdout + completed.stderr)[-3000:]}"
            )
        return json.loads(Path(result.name).read_text())


def process_run(measured: dict[str, Any], rss_after_imports: int) -> ProcessRun:
    return ProcessRun(measured["seconds"], measured["cpu_seconds"], measured["peak_rss_bytes"], rss_after_imports)


def measure_engine(csv: GeneratedCsv, folder: Path, ledger: CpuLedger) -> tuple[EngineResult, dict[str, Any]]:
    """Run ingest and then profile, each in a fresh process, and return the result and the profile's column summary."""
    parquet = folder / "engine.parquet"
    with ledger.window():
        ingested = run_step("ingest", str(csv.path), str(parquet), LABEL)
    if ingested["rows"] != csv.rows:
        raise RuntimeError(f"The engine ingested {ingested['rows']:,} rows, but the generated file has {csv.rows:,}.")
    expected_types = {spec.name: spec.kind for spec in COLUMNS}
    if ingested["column_types"] != expected_types:
        raise RuntimeError(f"The engine inferred the column types {ingested['column_types']}, expected {expected_types}.")

    with ledger.window():
        profiled = run_step("profile", str(parquet), LABEL)
    parquet.unlink()
    result = EngineResult(
        ingest=process_run(ingested, ingested["rss_after_imports_bytes"]),
        profile=process_run(profiled, profiled["rss_after_imports_bytes"]),
        parquet_bytes=ingested["parquet_bytes"],
        column_types=ingested["column_types"],
        arrow_threads=ingested["arrow_threads"],
    )
    return result, profiled


def measure_pandas(csv: GeneratedCsv, ledger: CpuLedger) -> tuple[PandasResult, dict[str, Any]]:
    with ledger.window():
        measured = run_step("pandas", str(csv.path))
    if measured["rows"] != csv.rows:
        raise RuntimeError(f"pandas read {measured['rows']:,} rows, but the generated file has {csv.rows:,}.")
    after_imports = measured["rss_after_imports_bytes"]
    result = PandasResult(
        read_csv=process_run(measured["read_csv"], after_imports),
        describe=process_run(measured["describe"], after_imports),
        frame_bytes=measured["frame_bytes"],
        version=measured["pandas_version"],
        dtypes={name: column["dtype"] for name, column in measured["columns"].items()},
    )
    return result, measured


def check_agreement(profiled: dict[str, Any], described: dict[str, Any]) -> None:
    """Check that the engine's profile and pandas' describe() agree on present values, means and distinct counts."""
    problems = []
    for name, column in profiled["columns"].items():
        baseline = described["columns"][name]
        if column["present"] != baseline["present"]:
            problems.append(f"{name}: {column['present']:,} present values in the profile, {baseline['present']:,} in pandas")
        if column["mean"] is not None and baseline["mean"] is not None:
            if not math.isclose(column["mean"], baseline["mean"], rel_tol=MEAN_RELATIVE_TOLERANCE, abs_tol=1e-12):
                problems.append(f"{name}: mean {column['mean']!r} in the profile, {baseline['mean']!r} in pandas")
        if baseline["distinct"] is not None and column["distinct_exact"] and column["distinct"] != baseline["distinct"]:
            problems.append(f"{name}: {column['distinct']:,} distinct values in the profile, {baseline['distinct']:,} in pandas")
    if problems:
        raise RuntimeError("The engine's profile and pandas disagree: " + "; ".join(problems))


# the server


@dataclass(frozen=True)
class ServerPhase:
    """Seconds of one phase, and the largest RSS sampled during it in the API process and in any one Ray worker."""

    seconds: float
    api_peak_rss_bytes: int
    worker_peak_rss_bytes: int


@dataclass(frozen=True)
class ServerResult:
    upload: ServerPhase
    parse: ServerPhase
    profile: ServerPhase
    profile_start_seconds: float
    warm_up_seconds: float
    max_upload_bytes: int
    rows: int
    ray_version: str

    @property
    def seconds(self) -> float:
        return self.upload.seconds + self.parse.seconds + self.profile.seconds


class ProcessTreeSampler:
    """Samples, in a background thread, the RSS of a process and of each Ray worker among its descendants.

    Reads /proc every RSS_SAMPLE_SECONDS and whenever `mark` is called, so a peak shorter than
    that can be missed. Ray names its worker processes `ray::…` (the task they run, or IDLE);
    raylet, the GCS server and other helpers are left out.
    """

    def __init__(self, root_pid: int) -> None:
        self.root_pid = root_pid
        self.samples: list[tuple[float, int, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)
        self._page_bytes = os.sysconf("SC_PAGE_SIZE")

    def __enter__(self) -> ProcessTreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *_exception: object) -> None:
        self._stop.set()
        self._thread.join()

    def mark(self) -> float:
        """Take a sample now and return its monotonic time, so that a phase shorter than the interval has one too."""
        return self._sample()

    def peaks(self, start: float, end: float) -> tuple[int, int]:
        """Return the largest API and Ray-worker RSS sampled between two monotonic times."""
        window = [(api, worker) for at, api, worker in self.samples if start <= at <= end]
        return max((api for api, _ in window), default=0), max((worker for _, worker in window), default=0)

    def _run(self) -> None:
        while not self._stop.wait(RSS_SAMPLE_SECONDS):
            self._sample()

    def _sample(self) -> float:
        api = self._rss(self.root_pid)
        workers = [self._rss(pid) for pid in descendants(read_processes(), self.root_pid) if self._is_ray_worker(pid)]
        # list.append is atomic, so the sampling thread and `mark` can both add samples.
        at = time.monotonic()
        self.samples.append((at, api, max(workers, default=0)))
        return at

    def _rss(self, pid: int) -> int:
        try:
            return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * self._page_bytes
        except (OSError, IndexError, ValueError):
            return 0

    @staticmethod
    def _is_ray_worker(pid: int) -> bool:
        try:
            return Path(f"/proc/{pid}/cmdline").read_bytes().startswith(b"ray::")
        except OSError:
            return False


CREATE_DATASET = "mutation($i: CreateDatasetInput!) { createDataset(input: $i) { id } }"
UPLOAD_VERSION = "mutation($i: UploadDatasetVersionInput!) { uploadDatasetVersion(input: $i) { id rows status } }"
VERSION_STATUS = (
    "query($id: ID!) { datasetVersion(id: $id) { status failureReason profilingProgress { rowsDone rowsTotal } } }"
)
TOKEN_TEAM = "query { viewer { tokenTeamId } }"


def graphql(client: httpx.Client, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    response = client.post("/graphql", json={"query": query, "variables": variables or {}})
    body = response.json()
    if response.status_code != 200 or body.get("errors"):
        raise RuntimeError(f"GraphQL request failed with HTTP {response.status_code}: {json.dumps(body)[:500]}")
    return body["data"]


def file_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as file:
        while chunk := file.read(UPLOAD_CHUNK_BYTES):
            yield chunk


def upload_file(client: httpx.Client, path: Path) -> str:
    """Stream the file to /v1/uploads and return the upload id."""
    headers = {"X-Filename": path.name, "Content-Type": "text/csv", "Content-Length": str(path.stat().st_size)}
    response = client.post("/v1/uploads", content=file_chunks(path), headers=headers)
    if response.status_code != 201:
        raise RuntimeError(f"POST /v1/uploads failed with HTTP {response.status_code}: {response.text[:500]}")
    return str(response.json()["uploadId"])


def add_version(client: httpx.Client, dataset_id: str, upload_id: str) -> dict[str, Any]:
    variables = {"i": {"datasetId": dataset_id, "uploadId": upload_id, "label": LABEL}}
    return graphql(client, UPLOAD_VERSION, variables)["uploadDatasetVersion"]


def wait_until_profiled(client: httpx.Client, version_id: str) -> float | None:
    """Poll the version until it is READY and return when profiling progress first showed, or None if it never did."""
    deadline = time.monotonic() + STEP_TIMEOUT_SECONDS
    progress_seen: float | None = None
    while time.monotonic() < deadline:
        version = graphql(client, VERSION_STATUS, {"id": version_id})["datasetVersion"]
        if progress_seen is None and version["profilingProgress"]["rowsDone"] > 0:
            progress_seen = time.monotonic()
        if version["status"] == "READY":
            return progress_seen
        if version["status"] == "FAILED":
            raise RuntimeError(f"Profiling dataset version {version_id} failed: {version['failureReason']}")
        time.sleep(STATUS_POLL_SECONDS)
    raise TimeoutError(f"Timed out after {STEP_TIMEOUT_SECONDS:.0f} s waiting for dataset version {version_id} to be READY.")


def measure_server(csv: GeneratedCsv, folder: Path, ledger: CpuLedger) -> ServerResult:
    """Upload the file to a real server with Ray workers and time each phase until the version is READY."""
    max_upload_bytes = max(2 * csv.bytes, 1024**3)
    environment = {"MODELCLOUD_MAX_UPLOAD_BYTES": str(max_upload_bytes)}
    warm_up_csv = folder / "warm-up.csv"
    write_head(csv.path, warm_up_csv, WARM_UP_ROWS)
    server_folder = folder / "server"
    with running_server(server_folder, environment) as server, ProcessTreeSampler(server.pid) as sampler:
        try:
            with api_client(server) as client:
                team_id = graphql(client, TOKEN_TEAM)["viewer"]["tokenTeamId"]
                warm_up_seconds = upload_and_profile(client, team_id, "bench-warm-up", warm_up_csv)[0]

                dataset = graphql(client, CREATE_DATASET, {"i": {"teamId": team_id, "name": "bench-ingest"}})["createDataset"]
                with ledger.window():
                    started = sampler.mark()
                    upload_id = upload_file(client, csv.path)
                    uploaded = sampler.mark()
                    version = add_version(client, dataset["id"], upload_id)
                    parsed = sampler.mark()
                    progress_seen = wait_until_profiled(client, version["id"])
                    ready = sampler.mark()
        except (RuntimeError, TimeoutError, httpx.HTTPError) as error:
            # The server's folder is deleted with the temporary folder, so its log goes into the error.
            raise RuntimeError(f"{error}\nLast server log lines:\n{log_tail(server_folder / 'server.log')}") from error
    if version["rows"] != csv.rows:
        raise RuntimeError(f"The server recorded {version['rows']:,} rows, but the generated file has {csv.rows:,}.")

    def phase(start: float, end: float) -> ServerPhase:
        return ServerPhase(end - start, *sampler.peaks(start, end))

    return ServerResult(
        upload=phase(started, uploaded),
        parse=phase(uploaded, parsed),
        profile=phase(parsed, ready),
        profile_start_seconds=(progress_seen or ready) - parsed,
        warm_up_seconds=warm_up_seconds,
        max_upload_bytes=max_upload_bytes,
        rows=version["rows"],
        ray_version=importlib.metadata.version("ray"),
    )


def api_client(server: Server) -> httpx.Client:
    return httpx.Client(
        base_url=server.base_url,
        headers={"Authorization": f"Bearer {server.token}"},
        trust_env=False,
        timeout=httpx.Timeout(STEP_TIMEOUT_SECONDS, connect=30.0),
    )


def upload_and_profile(client: httpx.Client, team_id: str, name: str, path: Path) -> tuple[float, str]:
    """Create a dataset, upload `path` as its first version, wait until it is READY, and return the seconds and the version id."""
    started = time.monotonic()
    dataset = graphql(client, CREATE_DATASET, {"i": {"teamId": team_id, "name": name}})["createDataset"]
    version = add_version(client, dataset["id"], upload_file(client, path))
    wait_until_profiled(client, version["id"])
    return time.monotonic() - started, version["id"]


# the whole benchmark


@dataclass(frozen=True)
class DatasetIngestResult:
    csv_bytes: int
    rows: int
    columns: int
    generate_seconds: float
    engine: EngineResult
    pandas: PandasResult
    server: ServerResult
    pyarrow_version: str
    numpy_version: str
    measured_at: datetime
    seconds: float
    # CPU seconds that other processes and kernel threads used during the measured steps, and those steps' wall time.
    other_cpu_seconds: float
    kernel_cpu_seconds: float
    measured_wall_seconds: float


def measure(csv_bytes: int = CSV_BYTES) -> DatasetIngestResult:
    measured_at = datetime.now(timezone.utc)
    started = time.monotonic()
    ledger = CpuLedger()
    with tempfile.TemporaryDirectory(prefix="modelcloud-bench-datasets-") as temporary:
        folder = Path(temporary)
        print(f"  dataset ingest: generating a CSV of {csv_bytes / 1e6:,.0f} MB", flush=True)
        csv = generate_csv(folder / "bench.csv", csv_bytes)
        print(f"  dataset ingest: {csv.bytes / 1e6:,.0f} MB, {csv.rows:,} rows in {csv.seconds:.0f} s; engine", flush=True)
        engine, profiled = measure_engine(csv, folder, ledger)
        print("  dataset ingest: pandas", flush=True)
        pandas, described = measure_pandas(csv, ledger)
        check_agreement(profiled, described)
        print("  dataset ingest: server", flush=True)
        server = measure_server(csv, folder, ledger)
    return DatasetIngestResult(
        csv_bytes=csv.bytes,
        rows=csv.rows,
        columns=len(COLUMNS),
        generate_seconds=csv.seconds,
        engine=engine,
        pandas=pandas,
        server=server,
        pyarrow_version=pa.__version__,
        numpy_version=np.__version__,
        measured_at=measured_at,
        seconds=time.monotonic() - started,
        other_cpu_seconds=ledger.other_cpu_seconds,
        kernel_cpu_seconds=ledger.kernel_cpu_seconds,
        measured_wall_seconds=ledger.wall_seconds,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="Measure dataset ingestion and profiling of a generated CSV next to pandas.")
    parser.add_argument("--csv-bytes", type=int, default=CSV_BYTES, help=f"Size of the generated CSV in bytes (default {CSV_BYTES:,}).")
    arguments = parser.parse_args()
    result = measure(arguments.csv_bytes)
    print(json.dumps(result, default=lambda value: value.__dict__ if hasattr(value, "__dict__") else str(value), indent=2))


if __name__ == "__main__":
    main()
