"""Metric points per second from a training script into the server: ModelCloud's client next to MLflow 3's `log_batch`.

Every target gets the same points, len(METRIC_NAMES) metrics at each of STEPS steps, with
NaN, inf and -inf among them. In each repetition a fresh client process per target
(`bench/tracking_ingest_client.py`) logs them as fast as it can, waits until the server
returns the ended run, and then reads every point back. The targets:

- ModelCloud's client (`modelcloud.init`, `Run.log` once a step, `Run.finish`, with its
  default batching) against `modelcloud serve` on SQLite, and on PostgreSQL when a database
  URL is given;
- MLflow's `MlflowClient.log_batch` with MLFLOW_BATCH_METRICS metrics a call, its maximum,
  against `mlflow server` on a SQLite backend store, run in bench/.venv-mlflow.

All servers run at the same time on loopback ports, and the targets take turns, each
repetition starting with another one. ModelCloud's servers run with MODELCLOUD_WORKERS=false,
so nothing starts Ray, whose processes listen on every interface.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from array import array
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import httpx

from backend.application.eventstore import EventStore
from backend.domain.training import TrainingRun
from backend.runtime import Runtime
from backend.settings import load_settings
from bench.command_throughput import admin_principal
from bench.registry_search import (
    HTTP_TIMEOUT_SECONDS,
    mlflow_environment,
    mlflow_python,
    stop_process_group,
    wait_until_healthy,
)
from bench.subscriber_latency import free_port
from bench.training import REPOSITORY, Spread

METRIC_NAMES = (
    "loss", "accuracy", "val_loss", "val_accuracy", "learning_rate",
    "grad_norm", "step/loss", "step/accuracy", "examples_per_second", "epoch_seconds",
)
STEPS = 10_000
REPEATS = 3
WARM_UP_STEPS = 200
# Shares of the points that are NaN, inf and -inf, at seeded positions.
NON_FINITE_SHARES = {"NaN": 0.001, "Infinity": 0.0005, "-Infinity": 0.0005}
SEED = 20_261_205
# MLflow 3 rejects a log_batch of more metrics (MAX_METRICS_PER_BATCH in mlflow.utils.validation).
MLFLOW_BATCH_METRICS = 1_000
POLL_SECONDS = 0.05

# Limits that only catch a hung step: many times what a step took on 2 cores.
CLIENT_TIMEOUT_SECONDS = 600
READABLE_TIMEOUT_SECONDS = 300.0
TOKEN_TIMEOUT_SECONDS = 60.0

CLIENT_MODULE = "bench.tracking_ingest_client"
VIEWER_TEAM = "query { viewer { tokenTeamId } }"
MODELCLOUD = "modelcloud"
MLFLOW = "mlflow"


# the data


def write_values(path: Path, steps: int, seed: int = SEED) -> dict[str, int]:
    """Write steps × len(METRIC_NAMES) float64 values, step by step, and return how many of each non-finite kind it wrote.

    Each metric is a falling curve with noise, at its own scale. NaN, inf and -inf replace
    values at seeded positions, NON_FINITE_SHARES of them each.
    """
    generator = random.Random(seed)
    width = len(METRIC_NAMES)
    values = array("d")
    for step in range(steps):
        decay = math.exp(-3.0 * step / steps)
        values.extend((position + 1) * decay * (1.0 + 0.1 * generator.gauss(0.0, 1.0)) for position in range(width))

    counts = {label: max(1, round(share * len(values))) for label, share in NON_FINITE_SHARES.items()}
    positions = generator.sample(range(len(values)), sum(counts.values()))
    replacements = [math.nan] * counts["NaN"] + [math.inf] * counts["Infinity"] + [-math.inf] * counts["-Infinity"]
    for position, value in zip(positions, replacements, strict=True):
        values[position] = value
    path.write_bytes(values.tobytes())
    return counts


# the servers


@dataclass(frozen=True)
class Target:
    """A client library and the server it logs to."""

    client: str
    database: str
    url: str
    server_pid: int
    python: Path
    environment: dict[str, str]
    team: str | None = None
    database_url: str | None = None

    @property
    def label(self) -> str:
        name = "ModelCloud" if self.client == MODELCLOUD else "MLflow"
        return f"{name} on {self.database}"


@contextmanager
def server_group(command: list[str], environment: dict[str, str], health_url: str, log_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    """Run a server in a process group of its own for the duration of the block, from the moment `health_url` returns 200."""
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, env=environment, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_until_healthy(process, health_url, log_path)
        yield process
    finally:
        stop_process_group(process)


def issue_client_token(database_url: str, artifacts: Path) -> tuple[str, str]:
    """Create a team for the benchmark and an API token with the read and write scopes in it; return the team id and token.

    The first administrator is created when the database has none, so this works on a fresh
    database and on one that other benchmarks filled.
    """
    runtime = Runtime.build(load_settings(database_url=database_url, artifacts=str(artifacts)))
    runtime.start(run_projections=False)
    try:
        admin = admin_principal(runtime)
        team_id, _ = runtime.identity.create_team(admin, runtime.cause_from_system(), name=f"tracking-bench-{uuid.uuid4().hex[:8]}")
        issued = runtime.identity.issue_token(
            admin, runtime.cause_from_system(), team_id=team_id, name="tracking-bench", scopes=["read", "write"]
        )
    finally:
        runtime.stop()
    return str(team_id), issued.secret


def wait_for_token(url: str, token: str) -> None:
    """Wait until the server's projections have read the token, so that requests with it are authenticated."""
    deadline = time.monotonic() + TOKEN_TIMEOUT_SECONDS
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, trust_env=False, timeout=HTTP_TIMEOUT_SECONDS) as client:
        while time.monotonic() < deadline:
            body = client.post("/graphql", json={"query": VIEWER_TEAM}).json()
            if not body.get("errors") and body["data"]["viewer"]["tokenTeamId"]:
                return
            time.sleep(0.2)
    raise TimeoutError(f"Timed out after {TOKEN_TIMEOUT_SECONDS:.0f} s waiting for {url} to accept the benchmark's API token.")


@contextmanager
def modelcloud_target(database: str, database_url: str, folder: Path) -> Iterator[Target]:
    """Run `modelcloud serve` without workers on `database_url` and yield the target that logs to it."""
    folder.mkdir(parents=True, exist_ok=True)
    artifacts = folder / "artifacts"
    team, token = issue_client_token(database_url, artifacts)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    environment = {
        **os.environ,
        "MODELCLOUD_DATABASE_URL": database_url,
        "MODELCLOUD_ARTIFACTS": str(artifacts),
        "MODELCLOUD_HOST": "127.0.0.1",
        "MODELCLOUD_PORT": str(port),
        "MODELCLOUD_LOG_LEVEL": "WARNING",
        # No Ray: its processes listen on every interface, and this benchmark trains nothing.
        "MODELCLOUD_WORKERS": "false",
    }
    command = [sys.executable, "-m", "backend.cli", "serve"]
    with server_group(command, environment, f"{url}/healthz", folder / "server.log") as process:
        wait_for_token(url, token)
        client_environment = {**os.environ, "MODELCLOUD_TOKEN": token}
        client_environment.pop("MODELCLOUD_URL", None)
        yield Target(MODELCLOUD, database, url, process.pid, Path(sys.executable), client_environment, team, database_url)


@contextmanager
def mlflow_target(python: Path, folder: Path) -> Iterator[Target]:
    """Run `mlflow server` (uvicorn, one worker) on a new SQLite backend store and yield the target that logs to it."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    environment = {**mlflow_environment(), "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false"}
    command = [
        str(python), "-m", "mlflow", "server", "--backend-store-uri", f"sqlite:///{folder / 'mlflow.db'}",
        "--default-artifact-root", (folder / "artifacts").as_uri(), "--host", "127.0.0.1", "--port", str(port),
        "--workers", "1",
    ]
    with server_group(command, environment, f"{url}/health", folder / "server.log") as process:
        yield Target(MLFLOW, "SQLite", url, process.pid, python, mlflow_environment())


# the clients


def run_client(target: Target, folder: Path, run_name: str, values: Path, steps: int) -> dict[str, Any]:
    """Log every point to `target` from a fresh client process and return what it measured, with the load average before it."""
    spec = {
        "url": target.url, "team": target.team, "runName": run_name, "names": list(METRIC_NAMES), "steps": steps,
        "values": str(values), "bufferDir": str(folder / "buffer"), "batchSize": MLFLOW_BATCH_METRICS,
        "pollSeconds": POLL_SECONDS, "timeoutSeconds": READABLE_TIMEOUT_SECONDS, "serverGroup": target.server_pid,
    }
    spec_path, result_path = folder / f"{run_name}.spec.json", folder / f"{run_name}.result.json"
    spec_path.write_text(json.dumps(spec))
    command = [str(target.python), "-m", CLIENT_MODULE, target.client, str(spec_path), str(result_path)]

    load_average = os.getloadavg()[0]
    completed = subprocess.run(
        command, cwd=REPOSITORY, env=target.environment, capture_output=True, text=True, timeout=CLIENT_TIMEOUT_SECONDS
    )
    if completed.returncode != 0:
        raise RuntimeError(f"The {target.label} client exited with status {completed.returncode}:\n{completed.stderr[-3000:]}")
    return {**json.loads(result_path.read_text()), "loadAverage": load_average}


def count_logged_points(database_url: str, run_id: str) -> dict[str, int]:
    """Count the run's MetricsLogged events in the event store, the points they carry, and their distinct batch ids and points.

    The read model keeps one point per name and step, so a batch recorded twice would not show
    there. The event store keeps every recorded batch.
    """
    store = EventStore(database_url)
    events = points = 0
    batch_ids: set[str | None] = set()
    keys: set[tuple[str, int]] = set()
    for event in store.events.get(uuid.UUID(run_id)):
        if isinstance(event, TrainingRun.MetricsLogged):
            events += 1
            points += len(event.points)
            batch_ids.add(event.batch_id)
            keys.update((point["name"], int(point["step"])) for point in event.points)
    return {"events": events, "points": points, "batches": len(batch_ids), "distinctPoints": len(keys)}


# the summary


@dataclass(frozen=True)
class PointCheck:
    """Counts of the points that the clients read back, summed over the repetitions."""

    returned: int
    missing: int
    duplicated: int
    unexpected: int
    changed: int
    """Finite values that did not come back bit for bit."""
    non_finite: dict[str, dict[str, int]]
    """For NaN, inf and -inf: how often each returned value (its Python repr) came back."""
    logged_events: list[int] | None
    """ModelCloud only: the MetricsLogged events of each run in the event store."""
    logged_points: list[int] | None
    """ModelCloud only: the points in those events, duplicates included."""


@dataclass(frozen=True)
class TargetRuns:
    """The repetitions of one target. Seconds run from just before the first `log` call on the client's clock."""

    client: str
    database: str
    label: str
    version: str
    readable: Spread
    """Until the client read the ended run back from the server."""
    stored: Spread
    """Until the last point was stored: `Run.finish` returned, or the last `log_batch` call did."""
    points_per_second: Spread
    loop: Spread
    """The whole training loop: building each step's values and the `log` or `log_batch` calls."""
    log_calls: Spread
    """Inside the `log` or `log_batch` calls alone."""
    finish: Spread
    """`Run.finish`, or MLflow's `set_terminated`."""
    read_back: Spread
    client_cpu: Spread
    """From the first `log` until the run ended, all threads of the client process."""
    server_cpu: Spread
    """The server's process group, from the first `log` until the run ended."""
    peak_rss_bytes: Spread
    rss_after_imports_bytes: Spread
    load_average: Spread
    check: PointCheck


@dataclass(frozen=True)
class TrackingIngestResult:
    points: int
    steps: int
    names: tuple[str, ...]
    non_finite: dict[str, int]
    repeats: int
    warm_up_points: int
    targets: list[TargetRuns]
    ratios: dict[str, Spread]
    """For each ModelCloud target's label: each repetition's readable seconds divided by MLflow's in the same repetition."""
    mlflow_install_seconds: float | None
    measured_at: datetime
    seconds: float

    def target(self, client: str, database: str) -> TargetRuns | None:
        return next((runs for runs in self.targets if runs.client == client and runs.database == database), None)


def summarize_check(runs: list[dict[str, Any]], logged: list[dict[str, int]] | None) -> PointCheck:
    totals = Counter[str]()
    non_finite: dict[str, Counter[str]] = {label: Counter() for label in NON_FINITE_SHARES}
    for run in runs:
        check = run["check"]
        totals.update({key: check[key] for key in ("returned", "missing", "duplicated", "unexpected", "changed")})
        for label, found in check["nonFinite"].items():
            non_finite[label].update(found)
    return PointCheck(
        returned=totals["returned"], missing=totals["missing"], duplicated=totals["duplicated"],
        unexpected=totals["unexpected"], changed=totals["changed"],
        non_finite={label: dict(found) for label, found in non_finite.items()},
        logged_events=[count["events"] for count in logged] if logged is not None else None,
        logged_points=[count["points"] for count in logged] if logged is not None else None,
    )


def summarize_target(target: Target, runs: list[dict[str, Any]], points: int, logged: list[dict[str, int]] | None) -> TargetRuns:
    def spread(key: str) -> Spread:
        return Spread.of([float(run[key]) for run in runs])

    return TargetRuns(
        client=target.client,
        database=target.database,
        label=target.label,
        version=runs[0]["version"],
        readable=spread("readableSeconds"),
        stored=spread("storedSeconds"),
        points_per_second=Spread.of([points / run["readableSeconds"] for run in runs]),
        loop=spread("loopSeconds"),
        log_calls=spread("logSeconds"),
        finish=spread("finishSeconds"),
        read_back=spread("readBackSeconds"),
        client_cpu=spread("clientCpuSeconds"),
        server_cpu=spread("serverCpuSeconds"),
        peak_rss_bytes=spread("peakRssBytes"),
        rss_after_imports_bytes=spread("rssAfterImportsBytes"),
        load_average=spread("loadAverage"),
        check=summarize_check(runs, logged),
    )


def check_counts(label: str, runs: list[dict[str, Any]], points: int, logged: list[dict[str, int]] | None) -> None:
    """Raise when a run lost, duplicated or changed a finite point, or when ModelCloud's event store recorded a point twice."""
    for run in runs:
        check = run["check"]
        if check["missing"] or check["duplicated"] or check["unexpected"] or check["changed"] or run["totalPoints"] != points:
            raise RuntimeError(f"{label} run {run['runId']} did not return the {points:,} points it logged: {json.dumps(check)}")
    for count in logged or []:
        if count["points"] != points or count["distinctPoints"] != points or count["batches"] != count["events"]:
            raise RuntimeError(f"The event store of {label} recorded other points than were logged: {json.dumps(count)}")


# the benchmark


def measure(steps: int = STEPS, repeats: int = REPEATS, postgres_url: str | None = None) -> TrackingIngestResult:
    """Start every server, log the same points to each target `repeats` times in turn, and check every point came back."""
    started = time.monotonic()
    measured_at = datetime.now(timezone.utc)
    points = steps * len(METRIC_NAMES)
    mlflow, install_seconds = mlflow_python()

    with tempfile.TemporaryDirectory(prefix="modelcloud-bench-tracking-") as scratch, ExitStack() as servers:
        folder = Path(scratch)
        values, warm_up_values = folder / "values.bin", folder / "warm-up.bin"
        non_finite = write_values(values, steps)
        write_values(warm_up_values, WARM_UP_STEPS, SEED + 1)

        print("  tracking ingest: starting the servers", flush=True)
        targets = [servers.enter_context(modelcloud_target("SQLite", f"sqlite:///{folder / 'modelcloud.db'}", folder / "modelcloud"))]
        if postgres_url is not None:
            targets.append(servers.enter_context(modelcloud_target("PostgreSQL", postgres_url, folder / "modelcloud-postgres")))
        targets.append(servers.enter_context(mlflow_target(mlflow, folder / "mlflow")))

        for index, target in enumerate(targets):
            run_client(target, folder, f"warm-up-{index}", warm_up_values, WARM_UP_STEPS)

        runs: dict[str, list[dict[str, Any]]] = {target.label: [] for target in targets}
        for repetition in range(repeats):
            shift = repetition % len(targets)
            for target in targets[shift:] + targets[:shift]:
                print(f"  tracking ingest: {target.label}, repetition {repetition + 1} of {repeats}", flush=True)
                runs[target.label].append(run_client(target, folder, f"run-{repetition}-{target.client}-{target.database}", values, steps))

        logged = {
            target.label: [count_logged_points(target.database_url, run["runId"]) for run in runs[target.label]]
            for target in targets
            if target.database_url is not None
        }

    for target in targets:
        check_counts(target.label, runs[target.label], points, logged.get(target.label))
    baseline = next(target for target in targets if target.client == MLFLOW)
    ratios = {
        target.label: Spread.of(
            [run["readableSeconds"] / other["readableSeconds"] for run, other in zip(runs[target.label], runs[baseline.label], strict=True)]
        )
        for target in targets
        if target.client == MODELCLOUD
    }
    return TrackingIngestResult(
        points=points,
        steps=steps,
        names=METRIC_NAMES,
        non_finite=non_finite,
        repeats=repeats,
        warm_up_points=WARM_UP_STEPS * len(METRIC_NAMES),
        targets=[summarize_target(target, runs[target.label], points, logged.get(target.label)) for target in targets],
        ratios=ratios,
        mlflow_install_seconds=install_seconds,
        measured_at=measured_at,
        seconds=time.monotonic() - started,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="Measure metric ingest through ModelCloud's client next to MLflow's log_batch.")
    parser.add_argument("--steps", type=int, default=STEPS, help=f"Steps, each with {len(METRIC_NAMES)} metrics (default {STEPS:,}).")
    parser.add_argument("--repeats", type=int, default=REPEATS, help=f"Timed runs of each target (default {REPEATS}).")
    parser.add_argument("--postgres-url", help="Also measure `modelcloud serve` on this PostgreSQL database.")
    arguments = parser.parse_args()
    result = measure(arguments.steps, arguments.repeats, arguments.postgres_url)
    print(json.dumps(asdict(result), default=str, indent=2))


if __name__ == "__main__":
    main()
