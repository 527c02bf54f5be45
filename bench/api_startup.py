"""API cold start and resident memory of `modelcloud serve`, next to `mlflow server`, each on a fresh SQLite store.

Each run starts one server in a new temporary folder, with a new SQLite file, on a free
loopback port. From just before the process is spawned the benchmark polls its health
endpoints every POLL_SECONDS: `/healthz` and `/readyz` of ModelCloud, `/health` of
MLflow. When the readiness endpoint first returns 200 the benchmark sums VmRSS over the
server's process tree (from /proc). Then it sends REQUESTS requests over one keep-alive
connection, GraphQL `models(first: 50)` with the first administrator's token to ModelCloud
and REST `registered-models/search` to MLflow, and sums the RSS again. The servers take
turns, RUNS times each, after one untimed start of each that warms the operating system's
file cache.

`modelcloud serve` runs with its default settings, workers on. On a fresh store the
reconciler has nothing to hand to Ray, so Ray is not started. The benchmark counts Ray's
processes in the tree and checks whether Ray's native library is mapped into the API
process. MLflow runs in bench/.venv-mlflow (see bench/registry_search.py) with one uvicorn
worker and job execution off, as in the other MLflow comparisons.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import httpx

from bench.registry_search import (
    MLFLOW_SEARCH_PATH,
    MODELS_QUERY,
    Latency,
    latency,
    mlflow_environment,
    mlflow_python,
    stop_process_group,
)
from bench.subscriber_latency import TOKEN_LINE, check_graphql, free_port, log_tail
from bench.training import Spread

RUNS = 5
REQUESTS = 200
PAGE = 50
POLL_SECONDS = 0.025
START_TIMEOUT_SECONDS = 120.0
HTTP_TIMEOUT_SECONDS = 30.0

MODELCLOUD, MLFLOW = "modelcloud", "mlflow"
# Ray's processes: the GCS server, raylets, dashboard and log monitors, and workers named `ray::…`.
RAY_PROCESS = re.compile(r"raylet|gcs_server|ray::|/ray/(dashboard|_private)|ray\.util|ray_client_server")


# processes


def process_tree(root: int) -> list[int]:
    """Return `root` and every process descended from it, from the parent ids in /proc/*/stat."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    tree, pending = [], [root]
    while pending:
        pid = pending.pop()
        tree.append(pid)
        pending.extend(children.get(pid, []))
    return tree


def rss_bytes(pid: int) -> int:
    """Return a process's VmRSS in bytes, or 0 once it has exited (a zombie has no VmRSS line)."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return 0
    return next((int(line.split()[1]) * 1024 for line in lines if line.startswith("VmRSS:")), 0)


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


@dataclass(frozen=True)
class TreeMemory:
    rss_bytes: int  # VmRSS summed over the tree, so pages two processes share count twice
    largest_rss_bytes: int  # VmRSS of the tree's largest process
    processes: int
    ray_processes: int


def tree_memory(root: int) -> TreeMemory:
    pids = process_tree(root)
    sizes = [rss_bytes(pid) for pid in pids]
    ray = [pid for pid in pids if RAY_PROCESS.search(command_line(pid))]
    return TreeMemory(sum(sizes), max(sizes), len(pids), len(ray))


def ray_library_loaded(pid: int) -> bool:
    """Return whether Ray's native module (`_raylet`) is mapped into the process, which `import ray` does."""
    try:
        return "_raylet" in Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return False


# one run


@dataclass(frozen=True)
class ServerRun:
    ready_seconds: float  # from spawning the process to the first 200 from /readyz or MLflow's /health
    health_seconds: float | None  # to the first 200 from /healthz, or None for MLflow
    ready: TreeMemory
    after_requests: TreeMemory
    requests: Latency
    ray_loaded: bool


def wait_for_endpoints(
    process: subprocess.Popen[bytes], client: httpx.Client, paths: list[str], spawned: float, log_path: Path
) -> dict[str, float]:
    """Poll each path until it returns 200 and return the seconds from `spawned` to its first 200, by path."""
    first_ok: dict[str, float] = {}
    deadline = spawned + START_TIMEOUT_SECONDS
    while len(first_ok) < len(paths):
        if process.poll() is not None:
            raise RuntimeError(f"The server exited with status {process.returncode}. Last log lines:\n{log_tail(log_path)}")
        if time.perf_counter() > deadline:
            raise TimeoutError(
                f"Timed out after {START_TIMEOUT_SECONDS:.0f} s waiting for {', '.join(paths)} to return 200. "
                f"Last log lines:\n{log_tail(log_path)}"
            )
        for path in paths:
            if path in first_ok:
                continue
            try:
                status = client.get(path).status_code
            except httpx.TransportError:
                continue
            if status == 200:
                first_ok[path] = time.perf_counter() - spawned
        time.sleep(POLL_SECONDS)
    return first_ok


def start_and_measure(
    command: list[str], environment: dict[str, str], port: int, health_paths: list[str], ready_path: str, folder: Path,
    send: Callable[[httpx.Client, Path], Callable[[], None]],
) -> ServerRun:
    """Spawn a server, time its health endpoints, measure its memory when ready and after REQUESTS calls of `send`."""
    base_url = f"http://127.0.0.1:{port}"
    log_path = folder / "server.log"
    with log_path.open("wb") as log:
        spawned = time.perf_counter()
        process = subprocess.Popen(command, env=environment, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        with httpx.Client(base_url=base_url, trust_env=False, timeout=HTTP_TIMEOUT_SECONDS) as client:
            first_ok = wait_for_endpoints(process, client, health_paths, spawned, log_path)
            ready = tree_memory(process.pid)
            request = send(client, log_path)
            samples = []
            for _ in range(REQUESTS):
                started = time.perf_counter()
                request()
                samples.append((time.perf_counter() - started) * 1000)
            after_requests = tree_memory(process.pid)
        loaded = ray_library_loaded(process.pid)
    finally:
        stop_process_group(process)
    health = next((seconds for path, seconds in first_ok.items() if path != ready_path), None)
    return ServerRun(first_ok[ready_path], health, ready, after_requests, latency(samples), loaded)


def modelcloud_run(folder: Path) -> ServerRun:
    port = free_port()
    environment = {
        **os.environ,
        "MODELCLOUD_DATABASE_URL": f"sqlite:///{folder / 'modelcloud.db'}",
        "MODELCLOUD_ARTIFACTS": str(folder / "artifacts"),
        "MODELCLOUD_HOST": "127.0.0.1",
        "MODELCLOUD_PORT": str(port),
        "MODELCLOUD_LOG_LEVEL": "WARNING",
    }

    def models_query(client: httpx.Client, log_path: Path) -> Callable[[], None]:
        # At first start the server prints the first administrator's token, and its output goes to the log file.
        token = TOKEN_LINE.search(log_path.read_text(errors="replace"))
        if token is None:
            raise RuntimeError(f"The server printed no bootstrap token. Last log lines:\n{log_tail(log_path)}")
        headers = {"Authorization": f"Bearer {token[1]}"}
        body = {"query": MODELS_QUERY, "variables": {"first": PAGE}}
        return lambda: check_graphql(client.post("/graphql", json=body, headers=headers), "models")

    command = [sys.executable, "-m", "backend.cli", "serve"]
    return start_and_measure(command, environment, port, ["/healthz", "/readyz"], "/readyz", folder, models_query)


def mlflow_run(python: Path, folder: Path) -> ServerRun:
    port = free_port()
    environment = {**mlflow_environment(), "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false"}
    command = [
        str(python), "-m", "mlflow", "server", "--backend-store-uri", f"sqlite:///{folder / 'mlflow.db'}",
        "--default-artifact-root", (folder / "mlflow-artifacts").as_uri(), "--host", "127.0.0.1", "--port", str(port),
        "--workers", "1",
    ]

    def search(client: httpx.Client, _log_path: Path) -> Callable[[], None]:
        def call() -> None:
            response = client.get(MLFLOW_SEARCH_PATH, params={"max_results": PAGE})
            if response.status_code != 200:
                raise RuntimeError(f"{MLFLOW_SEARCH_PATH} failed with HTTP {response.status_code}: {response.text[:500]}")

        return call

    return start_and_measure(command, environment, port, ["/health"], "/health", folder, search)


# the benchmark


@dataclass(frozen=True)
class ServerRuns:
    """The runs of one server: medians with the lowest and highest run."""

    ready_seconds: Spread
    health_seconds: Spread | None
    ready_rss_bytes: Spread
    ready_largest_rss_bytes: Spread
    after_requests_rss_bytes: Spread
    request_p50_ms: Spread
    processes: list[int]  # distinct process counts of the tree, over every run and both samples
    ray_processes: int  # the most Ray processes seen in the tree in any sample
    ray_loaded: bool  # Ray's native library was mapped into the server process in some run
    version: str

    @classmethod
    def of(cls, runs: list[ServerRun], version: str) -> ServerRuns:
        health = [run.health_seconds for run in runs if run.health_seconds is not None]
        return cls(
            ready_seconds=Spread.of([run.ready_seconds for run in runs]),
            health_seconds=Spread.of(health) if health else None,
            ready_rss_bytes=Spread.of([run.ready.rss_bytes for run in runs]),
            ready_largest_rss_bytes=Spread.of([run.ready.largest_rss_bytes for run in runs]),
            after_requests_rss_bytes=Spread.of([run.after_requests.rss_bytes for run in runs]),
            request_p50_ms=Spread.of([run.requests.p50_ms for run in runs]),
            processes=sorted({memory.processes for run in runs for memory in (run.ready, run.after_requests)}),
            ray_processes=max(memory.ray_processes for run in runs for memory in (run.ready, run.after_requests)),
            ray_loaded=any(run.ray_loaded for run in runs),
            version=version,
        )


@dataclass(frozen=True)
class ApiStartupResult:
    modelcloud: ServerRuns
    mlflow: ServerRuns
    runs: int
    requests: int
    mlflow_install_seconds: float | None  # None when bench/.venv-mlflow was already there
    load_average: tuple[float, float]  # lowest and highest 1-minute load average as the timed runs started
    seconds: float
    measured_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))


def mlflow_version(python: Path) -> str:
    completed = subprocess.run(
        [str(python), "-c", "from importlib.metadata import version; print(version('mlflow'))"],
        capture_output=True, text=True, timeout=60, check=True,
    )
    return completed.stdout.strip()


def measure(runs: int = RUNS) -> ApiStartupResult:
    """Start each server once untimed, then `runs` times each in turn, and summarize the timed runs."""
    started = time.monotonic()
    measured_at = datetime.now(timezone.utc)
    python, install_seconds = mlflow_python()

    def fresh(kind: str, run: Callable[[Path], ServerRun]) -> ServerRun:
        with tempfile.TemporaryDirectory(prefix=f"modelcloud-bench-startup-{kind}-") as folder:
            return run(Path(folder))

    def start_mlflow(folder: Path) -> ServerRun:
        return mlflow_run(python, folder)

    print("  untimed first start of each server", flush=True)
    fresh(MODELCLOUD, modelcloud_run)
    fresh(MLFLOW, start_mlflow)

    measured: dict[str, list[ServerRun]] = {MODELCLOUD: [], MLFLOW: []}
    loads = []
    for index in range(runs):
        order = [(MODELCLOUD, modelcloud_run), (MLFLOW, start_mlflow)]
        for kind, run in order if index % 2 == 0 else order[::-1]:
            loads.append(os.getloadavg()[0])
            print(f"  run {index + 1} of {runs}: {kind}", flush=True)
            measured[kind].append(fresh(kind, run))

    return ApiStartupResult(
        modelcloud=ServerRuns.of(measured[MODELCLOUD], importlib.metadata.version("modelcloud")),
        mlflow=ServerRuns.of(measured[MLFLOW], mlflow_version(python)),
        runs=runs,
        requests=REQUESTS,
        mlflow_install_seconds=install_seconds,
        load_average=(min(loads), max(loads)),
        seconds=time.monotonic() - started,
        measured_at=measured_at,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="Measure the cold start and memory of `modelcloud serve` next to `mlflow server`.")
    parser.add_argument("--runs", type=int, default=RUNS, help=f"Timed starts of each server (default {RUNS}).")
    arguments = parser.parse_args()
    print(json.dumps(asdict(measure(arguments.runs)), default=str, indent=2))


if __name__ == "__main__":
    main()
