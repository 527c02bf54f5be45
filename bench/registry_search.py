"""Registry search latency at 10,000 models and 100,000 versions, next to MLflow 3 on the same data in the same run.

ModelCloud runs on a fresh SQLite file through `Runtime`. The registry's domain classes build the
models, versions and aliases, which are appended MODELS_PER_COMMAND models to a command. Then the
projections catch up, and the queries go to `RegistryReader` with the arguments that the GraphQL
`models` query and `Model.versions` pass. MLflow runs `bench/mlflow_registry_search.py` in its own
virtualenv, bench/.venv-mlflow, which is created on first need. That script fills an MLflow SQLite
registry with the same names, tags, aliases, version numbers and timestamps, and times
`search_registered_models` and `search_model_versions`. Each query runs WARMUP times untimed and
then ITERATIONS times timed, the queries taking turns. Last, `modelcloud serve` and `mlflow server`
each serve the first page by name over HTTP, HTTP_ITERATIONS times. Both sides must find the same
models in the same order, or the run fails.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx

from backend.application.identity import BOOTSTRAP_USERNAME
from backend.domain.access import Principal
from backend.domain.base import Cause, NameIndex
from backend.domain.registry import TASKS, ModelVersion, RegisteredModel
from backend.graphql.auth import SESSION_COOKIE
from backend.projections.registry import ORDER_COLUMNS, ModelFilter, RegistryReader
from backend.runtime import Runtime
from backend.settings import load_settings
from bench.command_throughput import admin_principal
from bench.subscriber_latency import LOGIN, check_graphql, free_port, log_tail

MODELS = 10_000
VERSIONS = 100_000
TEAMS = 10
PAGE = 50  # the GraphQL `first` default
DEEP_OFFSET = 5_000
ITERATIONS = 200
HTTP_ITERATIONS = 100
WARMUP = 5
MODELS_PER_COMMAND = 20
MLFLOW_API_MODELS = 20
MLFLOW_MODELS_PER_TRANSACTION = 1_000
SEED = 20_261_204

MLFLOW_REQUIREMENT = "mlflow>=3,<4"
MLFLOW_VENV = Path(__file__).with_name(".venv-mlflow")
MLFLOW_SCRIPT = Path(__file__).with_name("mlflow_registry_search.py")
MLFLOW_INSTALL_TIMEOUT_SECONDS = 900
MLFLOW_RUN_TIMEOUT_SECONDS = 900
SERVER_START_TIMEOUT_SECONDS = 90.0
SERVER_STOP_TIMEOUT_SECONDS = 15.0
HTTP_TIMEOUT_SECONDS = 30.0

MODELS_QUERY = (
    "query Models($first: Int!) { models(first: $first) { nodes { id name description tags { key value } "
    "versionCount createdAt updatedAt aliases { alias versionNumber } } pageInfo { endCursor hasNextPage } } }"
)
MLFLOW_SEARCH_PATH = "/api/2.0/mlflow/registered-models/search"

FAMILIES = (
    "resnet", "vit", "bert", "gpt2", "t5", "whisper", "clip", "yolo", "unet", "lstm",
    "xgboost", "efficientnet", "mobilenet", "wav2vec", "dino", "segformer", "llama", "mistral", "phi", "gemma",
)
PURPOSES = ("classifier", "ranker", "encoder", "detector", "forecaster", "tagger", "scorer")
FIRST_REGISTRATION = datetime(2026, 1, 1, tzinfo=timezone.utc)
REGISTRATION_INTERVAL = timedelta(minutes=10)
VERSION_WINDOW_SECONDS = 90 * 24 * 3600  # versions of a model arrive within 90 days of its registration
BUSY_MODEL_EVERY = 10  # every tenth model gets 11 times the versions of the others
BUSY_MODEL_WEIGHT = 11
VERSION_SIZE_BYTES = 25_000_000

HTTP_LABEL = "GraphQL `models` over HTTP next to MLflow's REST `registered-models/search`, by name, first page"

NAME_COMMON, NAME_RARE = "bert", "0042"
TAG_KEY, TAG_VALUE = "family", "whisper"
RARE_ALIAS = "champion"


# the dataset


@dataclass(frozen=True)
class ModelSpec:
    """One registered model of the dataset. Times are whole milliseconds since the epoch, as MLflow stores them."""

    name: str
    team: int
    task: str
    tags: dict[str, str]
    created_ms: int
    version_times_ms: list[int]  # creation time of versions 1, 2, …, ascending
    aliases: dict[str, int]  # alias -> version number

    @property
    def updated_ms(self) -> int:
        """Time of the model's last event: its last version's creation, which is also when its aliases move."""
        return self.version_times_ms[-1] if self.version_times_ms else self.created_ms


def version_counts(models: int, versions: int) -> list[int]:
    """Share `versions` among `models`, giving every BUSY_MODEL_EVERY-th model BUSY_MODEL_WEIGHT shares."""
    weights = [BUSY_MODEL_WEIGHT if index % BUSY_MODEL_EVERY == 0 else 1 for index in range(models)]
    total = sum(weights)
    counts = [versions * weight // total for weight in weights]
    for index in range(versions - sum(counts)):
        counts[index % models] += 1
    return counts


def build_dataset(models: int, versions: int, seed: int = SEED) -> list[ModelSpec]:
    """Build the models of both registries: names, tags, tasks, version times and aliases, the same for every seed."""
    generator = random.Random(seed)
    last_updates: set[int] = set()
    dataset = []
    for index, count in enumerate(version_counts(models, versions)):
        family = FAMILIES[index % len(FAMILIES)]
        created_ms = to_milliseconds(FIRST_REGISTRATION + index * REGISTRATION_INTERVAL)
        offsets = sorted(generator.sample(range(1, VERSION_WINDOW_SECONDS), count))
        times = [created_ms + offset * 1000 for offset in offsets]
        if times:
            # A unique last update per model gives both registries one order when sorting by it.
            while times[-1] in last_updates:
                times[-1] += 1
            last_updates.add(times[-1])
        dataset.append(
            ModelSpec(
                name=f"{family}-{PURPOSES[index % len(PURPOSES)]}-{index:05d}",
                team=index % TEAMS,
                task=TASKS[(index // len(FAMILIES)) % len(TASKS)],
                tags={"family": family, "team": f"team-{index % TEAMS:02d}", "framework": ("keras", "tensorflow")[index % 2]},
                created_ms=created_ms,
                version_times_ms=times,
                aliases=aliases_for(index, count),
            )
        )
    return dataset


def aliases_for(index: int, count: int) -> dict[str, int]:
    """production on every 4th model, staging on every 3rd and RARE_ALIAS on every 100th."""
    if count == 0:
        return {}
    aliases = {}
    if index % 4 == 0:
        aliases["production"] = count
    if index % 3 == 0:
        aliases["staging"] = max(1, count - 1)
    if index % 100 == 0:
        aliases[RARE_ALIAS] = count
    return aliases


def to_milliseconds(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def from_milliseconds(milliseconds: int) -> datetime:
    return datetime.fromtimestamp(milliseconds / 1000, tz=timezone.utc)


def dataset_json(dataset: list[ModelSpec]) -> list[dict[str, Any]]:
    return [
        {
            "name": spec.name, "tags": spec.tags, "created_ms": spec.created_ms, "updated_ms": spec.updated_ms,
            "version_times_ms": spec.version_times_ms, "aliases": spec.aliases,
        }
        for spec in dataset
    ]


# the queries


@dataclass(frozen=True)
class SearchQuery:
    """One query, as `RegistryReader` and, when `mlflow_order_by` is set, as MLflow's store runs it.

    `where` None means the versions of `versions_of`, the dataset's model with the most versions.
    """

    key: str
    label: str
    where: ModelFilter | None
    order: str = "name"
    descending: bool = False
    deep: bool = False
    mlflow_filter: str | None = None
    mlflow_order_by: list[str] | None = None


def build_queries(deep_offset: int) -> list[SearchQuery]:
    visible = ModelFilter(archived=False)  # the GraphQL default: archived models are left out
    deep = f"page after {deep_offset:,} rows"
    return [
        SearchQuery("name", "All models by name, first page", visible, mlflow_order_by=["name ASC"]),
        SearchQuery("name_deep", f"All models by name, {deep}", visible, deep=True, mlflow_order_by=["name ASC"]),
        SearchQuery(
            "updated", "All models by last update, newest first, first page", visible, order="updated", descending=True,
            mlflow_order_by=["last_updated_timestamp DESC"],
        ),
        SearchQuery(
            "updated_deep", f"All models by last update, newest first, {deep}", visible, order="updated",
            descending=True, deep=True, mlflow_order_by=["last_updated_timestamp DESC"],
        ),
        SearchQuery("created", "All models by creation, newest first, first page", visible, order="created", descending=True),
        SearchQuery(
            "name_common", f"Name contains '{NAME_COMMON}', first page by name", replace(visible, name_contains=NAME_COMMON),
            mlflow_filter=f"name LIKE '%{NAME_COMMON}%'", mlflow_order_by=["name ASC"],
        ),
        SearchQuery(
            "name_rare", f"Name contains '{NAME_RARE}', first page by name", replace(visible, name_contains=NAME_RARE),
            mlflow_filter=f"name LIKE '%{NAME_RARE}%'", mlflow_order_by=["name ASC"],
        ),
        SearchQuery(
            "tag", f"Tag {TAG_KEY} = {TAG_VALUE}, first page by name",
            replace(visible, tag_key=TAG_KEY, tag_value=TAG_VALUE),
            mlflow_filter=f"tags.{TAG_KEY} = '{TAG_VALUE}'", mlflow_order_by=["name ASC"],
        ),
        SearchQuery("alias", f"Alias {RARE_ALIAS}, first page by name", replace(visible, alias=RARE_ALIAS)),
        SearchQuery("versions", "Versions of one model, first page by number", None, mlflow_order_by=["version_number ASC"]),
    ]


def mlflow_queries(queries: list[SearchQuery], versions_of: ModelSpec, deep_offset: int) -> list[dict[str, Any]]:
    """Translate the queries that MLflow can run into the form that mlflow_registry_search.py reads."""
    translated = []
    for query in queries:
        if query.mlflow_order_by is None:
            continue
        is_versions = query.where is None
        translated.append(
            {
                "key": query.key,
                "kind": "versions" if is_versions else "models",
                "filter": f"name = '{versions_of.name}'" if is_versions else query.mlflow_filter,
                "order_by": query.mlflow_order_by,
                "page": PAGE,
                "offset": deep_offset if query.deep else 0,
            }
        )
    return translated


# measurements


@dataclass(frozen=True)
class Latency:
    p50_ms: float
    p95_ms: float
    min_ms: float
    max_ms: float


@dataclass(frozen=True)
class QueryResult:
    label: str
    found: int  # rows on the page
    modelcloud: Latency
    mlflow: Latency | None  # None when MLflow has no equivalent


@dataclass(frozen=True)
class RegistrySearchResult:
    models: int
    versions: int
    teams: int
    aliases: int
    events: int
    iterations: int
    http_iterations: int
    warmup: int
    deep_offset: int
    versions_of: int  # versions of the model that the versions query reads
    rows: list[QueryResult]
    modelcloud_fill_seconds: float
    modelcloud_projection_seconds: float
    mlflow_fill_seconds: float
    mlflow_api_models: int
    mlflow_api_versions: int
    mlflow_api_seconds: float
    mlflow_version: str
    mlflow_sqlalchemy_version: str
    mlflow_sqlite_version: str
    mlflow_install_seconds: float | None  # None when the virtualenv was already there
    seconds: float
    measured_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))


def percentile(samples: list[float], fraction: float) -> float:
    """Nearest-rank percentile: the smallest sample at or above `fraction` of them (the same rule as the MLflow script)."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def latency(samples: list[float]) -> Latency:
    return Latency(percentile(samples, 0.50), percentile(samples, 0.95), min(samples), max(samples))


# ModelCloud


def model_aggregates(spec: ModelSpec, team_id: uuid.UUID, owner: Principal) -> tuple[uuid.UUID, list[object]]:
    """Build one model with its name reservation, versions and aliases, as registerModel, uploads and moveAlias record them."""
    model_id = uuid.uuid4()
    cause = Cause.new(owner.actor, str(team_id), at=from_milliseconds(spec.created_ms))
    model = RegisteredModel.register(
        model_id, team_id=team_id, name=spec.name, description="", task=spec.task, tags=spec.tags, owner=owner.user_id,
        cause=cause,
    )
    aggregates: list[object] = [NameIndex.reserve("model", f"{team_id}/{spec.name}", model_id, cause), model]
    for number, moment in enumerate(spec.version_times_ms, 1):
        version_cause = replace(cause, at=from_milliseconds(moment))
        version_id = uuid.uuid4()
        digest = hashlib.sha256(f"{spec.name}/{number}".encode()).hexdigest()
        model.add_version(version_id, digest, version_cause)
        aggregates.append(
            ModelVersion.create(
                version_id, model=model, number=number, sha256=digest, size=VERSION_SIZE_BYTES, file_format="keras",
                filename="model.keras", source="upload", upload_id=None, duplicate_of=None, lineage={}, cause=version_cause,
            )
        )
    alias_cause = replace(cause, at=from_milliseconds(spec.updated_ms))
    for alias, number in spec.aliases.items():
        model.move_alias(alias, number, may_move_protected=True, cause=alias_cause)
    return model_id, aggregates


def fill_modelcloud(runtime: Runtime, admin: Principal, dataset: list[ModelSpec]) -> dict[str, str]:
    """Create TEAMS teams and every model of `dataset`, and return the model ids by name."""
    team_ids = []
    for team in range(TEAMS):
        cause = Cause.new(admin.actor, None, at=FIRST_REGISTRATION)
        team_id, _ = runtime.identity.create_team(admin, cause, name=f"team-{team:02d}")
        team_ids.append(team_id)

    model_ids: dict[str, str] = {}
    for start in range(0, len(dataset), MODELS_PER_COMMAND):
        batch = dataset[start : start + MODELS_PER_COMMAND]

        def decide(batch: list[ModelSpec] = batch) -> list[object]:
            aggregates: list[object] = []
            for spec in batch:
                model_id, built = model_aggregates(spec, team_ids[spec.team], admin)
                model_ids[spec.name] = str(model_id)
                aggregates += built
            return aggregates

        runtime.commands.run("registerBenchModels", runtime.cause_from_system(), decide)
    return model_ids


def modelcloud_call(reader: RegistryReader, query: SearchQuery, versions_of: str, deep_offset: int) -> Callable[[], list[str]]:
    """Return a function that runs `query` as the GraphQL resolvers do, fetching one row more than a page."""
    if query.where is None:
        return lambda: [str(row["number"]) for row in reader.versions(versions_of, None, PAGE + 1)[:PAGE]]

    where = query.where
    cursor = None
    if query.deep:
        # The GraphQL cursor of a row is its sort value and id, as the resolver encodes it.
        skipped = reader.search(None, where, query.order, query.descending, None, deep_offset)
        column = ORDER_COLUMNS[query.order]
        cursor = (str(skipped[-1][column]), skipped[-1]["model_id"])
    return lambda: [row["name"] for row in reader.search(None, where, query.order, query.descending, cursor, PAGE + 1)[:PAGE]]


def time_calls(calls: dict[str, Callable[[], list[str]]], iterations: int, warmup: int) -> tuple[dict[str, list[float]], dict[str, list[str]]]:
    """Run every call `warmup` times untimed, then `iterations` times timed, taking turns.

    Returns the milliseconds of each timed run and the result of the first run, by key.
    """
    found = {key: call() for key, call in calls.items()}
    for _ in range(warmup):
        for call in calls.values():
            call()
    samples: dict[str, list[float]] = {key: [] for key in calls}
    for _ in range(iterations):
        for key, call in calls.items():
            started = time.perf_counter()
            call()
            samples[key].append((time.perf_counter() - started) * 1000)
    return samples, found


# MLflow


def mlflow_python() -> tuple[Path, float | None]:
    """Return the interpreter of bench/.venv-mlflow, first creating it and installing MLflow 3 when needed.

    The second value is the seconds spent installing, or None when MLflow 3 was already there.
    """
    python = MLFLOW_VENV / "bin" / "python"
    if python.exists() and mlflow_major_version(python) == "3":
        return python, None

    print(f"  installing {MLFLOW_REQUIREMENT} into {MLFLOW_VENV}", flush=True)
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "venv", str(MLFLOW_VENV)], check=True, timeout=MLFLOW_INSTALL_TIMEOUT_SECONDS)
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", MLFLOW_REQUIREMENT], check=True, timeout=MLFLOW_INSTALL_TIMEOUT_SECONDS
    )
    if mlflow_major_version(python) != "3":
        raise RuntimeError(f"Installing {MLFLOW_REQUIREMENT} into {MLFLOW_VENV} did not give MLflow 3. Delete that folder and retry.")
    return python, time.monotonic() - started


def mlflow_major_version(python: Path) -> str | None:
    completed = subprocess.run(
        [str(python), "-c", "from importlib.metadata import version; print(version('mlflow'))"],
        capture_output=True, text=True, timeout=60,
    )
    return completed.stdout.strip().split(".")[0] if completed.returncode == 0 else None


def mlflow_environment() -> dict[str, str]:
    environment = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    # MLflow 3 sends usage telemetry unless one of these is set, and this benchmark sends nothing off the machine.
    environment.update(MLFLOW_DISABLE_TELEMETRY="true", DO_NOT_TRACK="true")
    return environment


def run_mlflow(python: Path, folder: Path, dataset: list[ModelSpec], queries: list[dict[str, Any]], iterations: int, warmup: int) -> dict[str, Any]:
    """Run mlflow_registry_search.py on a new SQLite file in `folder` and return the JSON it printed."""
    dataset_path, queries_path = folder / "dataset.json", folder / "queries.json"
    dataset_path.write_text(json.dumps(dataset_json(dataset)))
    queries_path.write_text(json.dumps(queries))
    command = [
        str(python), str(MLFLOW_SCRIPT), "--database", str(folder / "mlflow.db"), "--dataset", str(dataset_path),
        "--queries", str(queries_path), "--iterations", str(iterations), "--warmup", str(warmup),
        "--api-models", str(MLFLOW_API_MODELS), "--models-per-transaction", str(MLFLOW_MODELS_PER_TRANSACTION),
    ]
    completed = subprocess.run(command, capture_output=True, text=True, env=mlflow_environment(), timeout=MLFLOW_RUN_TIMEOUT_SECONDS)
    if completed.returncode != 0:
        raise RuntimeError(f"{MLFLOW_SCRIPT.name} exited with status {completed.returncode}:\n{completed.stderr[-3000:]}")
    lines = completed.stdout.strip().splitlines()
    if not lines:
        raise RuntimeError(f"{MLFLOW_SCRIPT.name} printed no result. Its error output:\n{completed.stderr[-3000:]}")
    return json.loads(lines[-1])


# over HTTP


@contextmanager
def server_process(command: list[str], environment: dict[str, str], health_url: str, log_path: Path) -> Iterator[None]:
    """Run a server in a process group of its own for the duration of the block, from the moment `health_url` returns 200."""
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, env=environment, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_until_healthy(process, health_url, log_path)
        yield
    finally:
        stop_process_group(process)


def wait_until_healthy(process: subprocess.Popen[bytes], url: str, log_path: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_SECONDS
    with httpx.Client(trust_env=False) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"The server behind {url} exited with status {process.returncode}. Last log lines:\n{log_tail(log_path)}")
            try:
                if client.get(url).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
    raise TimeoutError(
        f"Timed out after {SERVER_START_TIMEOUT_SECONDS:.0f} s waiting for {url} to return 200. Last log lines:\n{log_tail(log_path)}"
    )


def stop_process_group(process: subprocess.Popen[bytes]) -> None:
    """Stop the server and the processes it started: `mlflow server` runs uvicorn in a child process."""
    for stop_signal in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, stop_signal)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + SERVER_STOP_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            process.poll()
            try:
                os.killpg(process.pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.1)
    process.wait(timeout=SERVER_STOP_TIMEOUT_SECONDS)


def time_modelcloud_http(folder: Path, password: str, iterations: int, warmup: int) -> tuple[list[float], list[str]]:
    """Time the GraphQL `models` query of an administrator's session against `modelcloud serve` on the benchmark's database."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    environment = {
        **os.environ,
        "MODELCLOUD_DATABASE_URL": f"sqlite:///{folder / 'modelcloud.db'}",
        "MODELCLOUD_ARTIFACTS": str(folder / "artifacts"),
        "MODELCLOUD_HOST": "127.0.0.1",
        "MODELCLOUD_PORT": str(port),
        "MODELCLOUD_LOG_LEVEL": "WARNING",
        "MODELCLOUD_WORKERS": "false",
    }
    command = [sys.executable, "-m", "backend.cli", "serve"]
    with server_process(command, environment, f"{base_url}/healthz", folder / "modelcloud-server.log"):
        with httpx.Client(base_url=base_url, trust_env=False, timeout=HTTP_TIMEOUT_SECONDS) as client:
            response = client.post("/graphql", json={"query": LOGIN, "variables": {"username": BOOTSTRAP_USERNAME, "password": password}})
            check_graphql(response, "login")
            cookie = response.cookies[SESSION_COOKIE]
        headers = {"Cookie": f"{SESSION_COOKIE}={cookie}"}
        with httpx.Client(base_url=base_url, trust_env=False, timeout=HTTP_TIMEOUT_SECONDS, headers=headers) as client:

            def first_page() -> list[str]:
                response = client.post("/graphql", json={"query": MODELS_QUERY, "variables": {"first": PAGE}})
                check_graphql(response, "models")
                return [node["name"] for node in response.json()["data"]["models"]["nodes"]]

            samples, found = time_calls({"page": first_page}, iterations, warmup)
    return samples["page"], found["page"]


def time_mlflow_http(python: Path, folder: Path, iterations: int, warmup: int) -> tuple[list[float], list[str]]:
    """Time registered-models/search against `mlflow server` (uvicorn, one worker) on the registry the MLflow script filled."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    environment = {**mlflow_environment(), "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false"}
    command = [
        str(python), "-m", "mlflow", "server", "--backend-store-uri", f"sqlite:///{folder / 'mlflow.db'}",
        "--default-artifact-root", (folder / "mlflow-artifacts").as_uri(), "--host", "127.0.0.1", "--port", str(port),
        "--workers", "1",
    ]
    parameters = {"max_results": PAGE, "order_by": "name ASC"}
    with server_process(command, environment, f"{base_url}/health", folder / "mlflow-server.log"):
        with httpx.Client(base_url=base_url, trust_env=False, timeout=HTTP_TIMEOUT_SECONDS) as client:

            def first_page() -> list[str]:
                response = client.get(MLFLOW_SEARCH_PATH, params=parameters)
                if response.status_code != 200:
                    raise RuntimeError(f"{MLFLOW_SEARCH_PATH} failed with HTTP {response.status_code}: {response.text[:500]}")
                return [model["name"] for model in response.json()["registered_models"]]

            samples, found = time_calls({"page": first_page}, iterations, warmup)
    return samples["page"], found["page"]


# the benchmark


def measure(
    models: int = MODELS, versions: int = VERSIONS, iterations: int = ITERATIONS, http_iterations: int = HTTP_ITERATIONS,
    warmup: int = WARMUP,
) -> RegistrySearchResult:
    """Fill both registries in a temporary folder and time every query on each; raise if their results differ."""
    started = time.monotonic()
    measured_at = datetime.now(timezone.utc)
    deep_offset = min(DEEP_OFFSET, models // 2)
    dataset = build_dataset(models, versions)
    versions_of = max(dataset, key=lambda spec: len(spec.version_times_ms))
    queries = build_queries(deep_offset)
    python, install_seconds = mlflow_python()

    with tempfile.TemporaryDirectory(prefix="modelcloud-bench-registry-") as scratch:
        folder = Path(scratch)
        runtime = Runtime.build(load_settings(database_url=f"sqlite:///{folder / 'modelcloud.db'}", artifacts=str(folder / "artifacts")))
        runtime.start(run_projections=False)
        try:
            credentials = runtime.bootstrap()
            assert credentials is not None, "a fresh database has no first administrator yet"
            admin = admin_principal(runtime)
            print(f"  ModelCloud: appending {models:,} models and {versions:,} versions", flush=True)
            fill_started = time.perf_counter()
            model_ids = fill_modelcloud(runtime, admin, dataset)
            fill_seconds = time.perf_counter() - fill_started
            projection_started = time.perf_counter()
            runtime.projections.catch_up()
            projection_seconds = time.perf_counter() - projection_started
            events = runtime.store.head()

            print(f"  ModelCloud: timing {len(queries)} queries", flush=True)
            reader = runtime.readers.registry
            calls = {query.key: modelcloud_call(reader, query, model_ids[versions_of.name], deep_offset) for query in queries}
            samples, found = time_calls(calls, iterations, warmup)
        finally:
            runtime.stop()

        print(f"  MLflow: filling a registry and timing {sum(q.mlflow_order_by is not None for q in queries)} queries", flush=True)
        mlflow = run_mlflow(python, folder, dataset, mlflow_queries(queries, versions_of, deep_offset), iterations, warmup)

        print("  HTTP: timing the first page by name on `modelcloud serve` and `mlflow server`", flush=True)
        modelcloud_http, found_http = time_modelcloud_http(folder, credentials.password, http_iterations, warmup)
        mlflow_http, mlflow_found_http = time_mlflow_http(python, folder, http_iterations, warmup)

    if found_http != mlflow_found_http:
        raise RuntimeError(f"The two servers returned different first pages: {found_http[:3]}… and {mlflow_found_http[:3]}….")
    rows = []
    for query in queries:
        other = mlflow["queries"].get(query.key)
        if other is not None and other["found"] != found[query.key]:
            raise RuntimeError(
                f"ModelCloud and MLflow found different rows for {query.label!r}: "
                f"{found[query.key][:3]}… ({len(found[query.key])}) and {other['found'][:3]}… ({len(other['found'])})."
            )
        mlflow_latency = None
        if other is not None:
            mlflow_latency = Latency(other["p50_ms"], other["p95_ms"], other["min_ms"], other["max_ms"])
        rows.append(QueryResult(query.label, len(found[query.key]), latency(samples[query.key]), mlflow_latency))
    rows.append(QueryResult(HTTP_LABEL, len(found_http), latency(modelcloud_http), latency(mlflow_http)))

    return RegistrySearchResult(
        models=models,
        versions=versions,
        teams=TEAMS,
        aliases=sum(len(spec.aliases) for spec in dataset),
        events=events,
        iterations=iterations,
        http_iterations=http_iterations,
        warmup=warmup,
        deep_offset=deep_offset,
        versions_of=len(versions_of.version_times_ms),
        rows=rows,
        modelcloud_fill_seconds=fill_seconds,
        modelcloud_projection_seconds=projection_seconds,
        mlflow_fill_seconds=mlflow["fill_seconds"],
        mlflow_api_models=mlflow["api_models"],
        mlflow_api_versions=mlflow["api_versions"],
        mlflow_api_seconds=mlflow["api_seconds"],
        mlflow_version=mlflow["mlflow"],
        mlflow_sqlalchemy_version=mlflow["sqlalchemy"],
        mlflow_sqlite_version=mlflow["sqlite"],
        mlflow_install_seconds=install_seconds,
        seconds=time.monotonic() - started,
        measured_at=measured_at,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="Measure registry search latency next to MLflow 3 on the same data.")
    parser.add_argument("--models", type=int, default=MODELS, help=f"Registered models (default {MODELS:,}).")
    parser.add_argument("--versions", type=int, default=VERSIONS, help=f"Model versions in all (default {VERSIONS:,}).")
    parser.add_argument("--iterations", type=int, default=ITERATIONS, help=f"Timed runs of each query (default {ITERATIONS}).")
    parser.add_argument(
        "--http-iterations", type=int, default=HTTP_ITERATIONS, help=f"Timed requests to each server (default {HTTP_ITERATIONS})."
    )
    arguments = parser.parse_args()

    result = measure(arguments.models, arguments.versions, arguments.iterations, arguments.http_iterations)
    for row in result.rows:
        mlflow = f"{row.mlflow.p50_ms:8.2f} {row.mlflow.p95_ms:8.2f}" if row.mlflow else f"{'-':>8} {'-':>8}"
        print(f"{row.label:<60} rows {row.found:3d}  ModelCloud {row.modelcloud.p50_ms:8.2f} {row.modelcloud.p95_ms:8.2f}  MLflow {mlflow} ms")
    print(f"{result.seconds:.0f} s in all")


if __name__ == "__main__":
    main()
