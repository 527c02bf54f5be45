"""Serving a small Keras model: in-process baselines next to Ray Serve handles, with and without batching.

An MLP trained on scikit-learn's breast cancer data (30 features) is saved as a .keras file in
an artifact store folder, as an uploaded model version would be. Then CONCURRENCY clients send
requests of one row each, and the benchmark times every request:

(a) bare `model.predict` in the benchmark process, from CONCURRENCY threads;
(b) the model called through one `tf.function` with a fixed input signature, from CONCURRENCY threads;
(c) `workers.serving.predict` on a Serve application of the model with batching on
    (max_batch_size BATCH_SIZE), from CONCURRENCY asyncio tasks;
(d) the same application deployed again with batching off (max_batch_size 1);
(e) `workers.serving.predict` on a Serve application that returns its input, which shows what
    Serve's request path alone costs here;
(f) TensorFlow Serving's `POST /v1/models/{name}:predict` on a real `modelcloud serve`, with httpx
    from CONCURRENCY asyncio tasks, on a deployment of the same .keras file uploaded as a model
    version, with batching on (maxBatchSize BATCH_SIZE);
(g) the same deployment updated to batching off (maxBatchSize 1);
(h) `GET /v1/models/{name}` on the same server, which authenticates and reads the deployment
    but calls no model, so it shows what the API's HTTP path alone costs here.

The in-process baselines run TensorFlow with one intra-op and one inter-op thread, as a replica
does. Every Serve and REST output is compared with the bare model's outputs for the same row, and
the benchmark fails when any differs by MAX_DIFFERENCE or more. Ray 2.60 listens on every interface
whatever address it is given, so the measurement runs in a private network namespace whose
only interface is loopback (`unshare --net`), and is skipped where none can be made.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.metadata
import json
import math
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from bench.dataset_ingest import api_client, graphql
from bench.subscriber_latency import Server, log_tail, process_cpu_seconds, running_server
from bench.training import loopback_namespace, run_child

CONCURRENCY = 8
REQUESTS = 2000
PREDICT_REQUESTS = 500
"""`model.predict` takes tens of milliseconds a call, so it gets fewer requests."""
WARMUP_REQUESTS = 50
BATCH_SIZE = 16
BATCH_WAIT_MS = 5.0
CPUS_PER_REPLICA = 0.25
MAX_DIFFERENCE = 1e-5
HIDDEN_UNITS = (16, 8)
EPOCHS = 20
APP_NAME = "mc-bench-serving"
ECHO_APP_NAME = "mc-bench-echo"
DEPLOYMENT_NAME = "bench-cancer"
POLL_SECONDS = 0.1

# Limits that only catch a hung step: deploying took under 12 s and the whole child under 2.5 minutes on 2 cores.
RUNNING_TIMEOUT_SECONDS = 180.0
CHILD_TIMEOUT_SECONDS = 900


@dataclass(frozen=True)
class Variant:
    """One way of calling the model, timed over `requests` requests of one row from `concurrency` clients."""

    label: str
    requests: int
    concurrency: int
    p50_ms: float
    p99_ms: float
    requests_per_second: float
    max_difference: float | None
    """Largest absolute difference from the bare model's outputs, for Serve and REST only."""
    load_average: float
    """The 1-minute load average when the timed requests ended."""
    client_cpu_ms: float | None = None
    """CPU time of the benchmark process, all its threads, per timed request. Measured for Serve and REST only."""
    server_cpu_ms: float | None = None
    """CPU time of the `modelcloud serve` process per timed request, for REST only."""
    machine_busy: float | None = None
    """Share of all CPUs' time that any process kept busy during the timed requests (from /proc/stat), for Serve and REST only."""


@dataclass(frozen=True)
class RestSetup:
    """Seconds each step of setting up the REST rows took, and what the API checked."""

    server_start_seconds: float
    """From starting `modelcloud serve` until /healthz returned 200."""
    model_ready_seconds: float
    """From uploading the .keras file until its version was ready, inspection included."""
    healthy_seconds: float
    """From `createDeployment` until the deployment was HEALTHY with revision 1 active."""
    update_active_seconds: float
    """From `updateDeployment` (batching off) until revision 2 was active."""
    update_rollout_seconds: float
    """From `updateDeployment` until Serve reported the application RUNNING again after its update."""
    whole_dataset_difference: float
    """Largest difference on one REST request of every row of the dataset."""
    request_log_sample: float
    invalid_request_error: str
    """The `error` of a REST request whose rows are one value short."""


@dataclass(frozen=True)
class ServingResult:
    variants: list[Variant]
    skipped_reason: str | None
    ray_start_seconds: float
    serve_start_seconds: float
    first_deploy_seconds: float
    """From `deploy` until the application is RUNNING with its replica, TensorFlow import and model load included."""
    update_seconds: float
    """From deploying the changed spec (batching off) until the application is RUNNING again."""
    batched_max_ongoing_requests: int
    unbatched_max_ongoing_requests: int
    whole_dataset_difference: float
    """Largest difference on one request of every row of the dataset."""
    rows: int
    parameters: int
    missing_app_error: str
    invalid_inputs_error: str
    rest: RestSetup | None
    """Setup of the REST rows' server and deployment, or None when the benchmark was skipped."""
    tensorflow_version: str
    keras_version: str
    ray_version: str
    measured_at: datetime
    seconds: float


# in the namespace


def train_model(folder: Path) -> tuple[Any, np.ndarray, Path]:
    """Train the MLP on breast cancer, with standardization in the model, and save it as model.keras in `folder`."""
    import keras
    from sklearn.datasets import load_breast_cancer

    features, labels = load_breast_cancer(return_X_y=True)
    features = features.astype("float32")
    keras.utils.set_random_seed(7)
    normalization = keras.layers.Normalization()
    normalization.adapt(features)
    model = keras.Sequential(
        [
            keras.Input((features.shape[1],)),
            normalization,
            *(keras.layers.Dense(units, activation="relu") for units in HIDDEN_UNITS),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer="adam", loss="binary_crossentropy")
    model.fit(features, labels, epochs=EPOCHS, batch_size=32, verbose=0)
    path = folder / "model.keras"
    model.save(path)
    return model, features, path


def run_threads(call: Callable[[np.ndarray], Any], rows: np.ndarray, requests: int, concurrency: int) -> tuple[list[float], float]:
    """Send `requests` one-row requests from `concurrency` threads, and return each request's seconds and the wall seconds."""
    seconds = [0.0] * requests
    counter = iter(range(requests))
    lock = threading.Lock()

    def client() -> None:
        while True:
            with lock:
                index = next(counter, None)
            if index is None:
                return
            row = rows[index % len(rows)][None]
            began = time.perf_counter()
            call(row)
            seconds[index] = time.perf_counter() - began

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return seconds, time.perf_counter() - began


async def run_tasks(
    call: Callable[[np.ndarray], Awaitable[Any]], rows: np.ndarray, requests: int, concurrency: int
) -> tuple[list[float], float, list[Any]]:
    """Send `requests` one-row requests from `concurrency` asyncio tasks, and return the seconds, wall seconds and outputs."""
    seconds = [0.0] * requests
    outputs: list[Any] = [None] * requests
    counter = iter(range(requests))

    async def client() -> None:
        for index in counter:
            row = rows[index % len(rows)][None]
            began = time.perf_counter()
            outputs[index] = await call(row)
            seconds[index] = time.perf_counter() - began

    began = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    return seconds, time.perf_counter() - began, outputs


def percentile(samples: list[float], fraction: float) -> float:
    """Return the nearest-rank percentile of the samples."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def variant(
    label: str, seconds: list[float], wall: float, concurrency: int, difference: float | None = None,
    client_cpu_seconds: float | None = None, server_cpu_seconds: float | None = None, machine_busy: float | None = None,
) -> dict[str, Any]:
    return asdict(
        Variant(
            label=label, requests=len(seconds), concurrency=concurrency, p50_ms=percentile(seconds, 0.50) * 1000,
            p99_ms=percentile(seconds, 0.99) * 1000, requests_per_second=len(seconds) / wall, max_difference=difference,
            load_average=os.getloadavg()[0],
            client_cpu_ms=None if client_cpu_seconds is None else client_cpu_seconds / len(seconds) * 1000,
            server_cpu_ms=None if server_cpu_seconds is None else server_cpu_seconds / len(seconds) * 1000,
            machine_busy=machine_busy,
        )
    )


def machine_cpu_ticks() -> tuple[int, int] | None:
    """Return the busy and total clock ticks of all CPUs since boot from /proc/stat, or None without it."""
    try:
        first_line = Path("/proc/stat").read_text().split("\n", 1)[0]
    except OSError:
        return None
    # The fields are user nice system idle iowait irq softirq steal guest guest_nice. Guest time is
    # already counted in user and nice, and steal (time the hypervisor gave to other machines) is left out.
    ticks = [int(value) for value in first_line.split()[1:8]]
    idle = ticks[3] + ticks[4]
    return sum(ticks) - idle, sum(ticks)


async def timed_tasks(
    call: Callable[[np.ndarray], Awaitable[Any]], rows: np.ndarray, server_pid: int | None = None
) -> tuple[list[float], float, list[Any], dict[str, Any]]:
    """Send WARMUP_REQUESTS untimed requests, then REQUESTS timed ones, from CONCURRENCY asyncio tasks.

    Returns each timed request's seconds, the wall seconds, the outputs, and the resource use as
    keyword arguments of `variant`. The resource use is the CPU seconds that this process and the
    process `server_pid` (when given) used during the timed requests, and the busy share of the
    machine's CPU time.
    """
    await run_tasks(call, rows, WARMUP_REQUESTS, CONCURRENCY)
    machine_began = machine_cpu_ticks()
    client_began = time.process_time()
    server_began = process_cpu_seconds(server_pid) if server_pid is not None else None
    seconds, wall, outputs = await run_tasks(call, rows, REQUESTS, CONCURRENCY)
    usage: dict[str, Any] = {"client_cpu_seconds": time.process_time() - client_began}
    if server_pid is not None and server_began is not None:
        usage["server_cpu_seconds"] = process_cpu_seconds(server_pid) - server_began
    machine_ended = machine_cpu_ticks()
    if machine_began is not None and machine_ended is not None:
        usage["machine_busy"] = (machine_ended[0] - machine_began[0]) / max(1, machine_ended[1] - machine_began[1])
    return seconds, wall, outputs, usage


def wait_until_running(app_name: str, *, after_change: bool) -> float:
    """Wait until the application is RUNNING with all its replicas, and return the seconds waited.

    Raises RuntimeError on DEPLOY_FAILED or after RUNNING_TIMEOUT_SECONDS. With `after_change`, it
    first waits up to 5 s for the application to leave RUNNING, because an update may not show yet
    in the first status read after `deploy` returned.
    """
    from workers.serving import statuses

    began = time.monotonic()
    left_running = not after_change
    while time.monotonic() - began < RUNNING_TIMEOUT_SECONDS:
        status = statuses(app_name).get(app_name)
        if status is not None and status.status == "DEPLOY_FAILED":
            raise RuntimeError(f"The application {app_name} failed to deploy: {status.message}")
        if status is not None and status.status != "RUNNING":
            left_running = True
        if left_running and status is not None and status.status == "RUNNING" and status.running_replicas == status.target_replicas:
            return time.monotonic() - began
        if not left_running and time.monotonic() - began > 5:
            left_running = True
        time.sleep(0.05)
    raise RuntimeError(f"The application {app_name} was not RUNNING after {RUNNING_TIMEOUT_SECONDS:.0f} s.")


def largest_difference(outputs: list[Any], expected: np.ndarray) -> float:
    """Return the largest absolute difference between each one-row output and the expected output of its row."""
    differences = [np.max(np.abs(np.asarray(answer) - expected[index % len(expected)])) for index, answer in enumerate(outputs)]
    return float(max(differences))


async def measure_serve(spec: Any, features: np.ndarray, expected: np.ndarray) -> dict[str, Any]:
    """Deploy the model with batching on, time it, deploy it again with batching off, time it, and delete it."""
    from workers.serving import AppNotFound, InvalidInputs, delete, deploy, predict, start_serve
    from workers.serving.spec import max_ongoing_requests

    began = time.monotonic()
    start_serve()
    serve_start = time.monotonic() - began

    began = time.monotonic()
    deploy(spec)
    first_deploy = time.monotonic() - began + wait_until_running(spec.app_name, after_change=False)
    print(f"  serving: first deploy RUNNING after {first_deploy:.1f} s", flush=True)

    async def call(row: np.ndarray) -> Any:
        return await predict(spec.app_name, row)

    whole = await predict(spec.app_name, features)
    whole_difference = float(np.max(np.abs(whole - expected)))
    seconds, wall, outputs, usage = await timed_tasks(call, features)
    batched = variant(
        f"Serve handle, batching on (max_batch_size {BATCH_SIZE})", seconds, wall, CONCURRENCY, largest_difference(outputs, expected),
        **usage,
    )

    try:
        await predict(spec.app_name, features[:, :-1])
        invalid_inputs_error = "no error"
    except InvalidInputs as error:
        invalid_inputs_error = f"{type(error).__name__}: {error}"
    try:
        await predict("mc-bench-missing", features[:1])
        missing_app_error = "no error"
    except AppNotFound as error:
        missing_app_error = f"{type(error).__name__}: {error}"

    unbatched_spec = replace(spec, max_batch_size=1)
    began = time.monotonic()
    deploy(unbatched_spec)
    update = time.monotonic() - began + wait_until_running(spec.app_name, after_change=True)
    print(f"  serving: update RUNNING after {update:.1f} s", flush=True)
    seconds, wall, outputs, usage = await timed_tasks(call, features)
    unbatched = variant("Serve handle, batching off", seconds, wall, CONCURRENCY, largest_difference(outputs, expected), **usage)

    delete(spec.app_name)

    deploy_echo(spec)

    async def echo_call(row: np.ndarray) -> Any:
        return await predict(ECHO_APP_NAME, row)

    seconds, wall, _, usage = await timed_tasks(echo_call, features)
    echo = variant("Serve handle to a deployment that returns its input", seconds, wall, CONCURRENCY, **usage)
    delete(ECHO_APP_NAME)

    return {
        "variants": [batched, unbatched, echo],
        "serveStartSeconds": serve_start,
        "firstDeploySeconds": first_deploy,
        "updateSeconds": update,
        "batchedMaxOngoingRequests": max_ongoing_requests(spec),
        "unbatchedMaxOngoingRequests": max_ongoing_requests(unbatched_spec),
        "wholeDatasetDifference": whole_difference,
        "invalidInputsError": invalid_inputs_error,
        "missingAppError": missing_app_error,
    }


def deploy_echo(spec: Any) -> None:
    """Deploy an application that returns its input, with the CPUs and request limit of the spec's replicas, and wait for it."""
    from ray import serve

    from workers.serving.spec import max_ongoing_requests

    @serve.deployment(
        name="echo", ray_actor_options={"num_cpus": CPUS_PER_REPLICA}, max_ongoing_requests=max_ongoing_requests(spec),
        logging_config={"enable_access_log": False},
    )
    class Echo:
        async def __call__(self, inputs: Any) -> Any:
            return inputs

    serve.run(Echo.bind(), name=ECHO_APP_NAME, route_prefix=None)


# the REST API, in the namespace after the Serve rows


TOKEN_TEAM = "query { viewer { tokenTeamId } }"
REGISTER = "mutation($i: RegisterModelInput!) { registerModel(input: $i) { id } }"
UPLOAD_MODEL_VERSION = "mutation($i: UploadModelVersionInput!) { uploadModelVersion(input: $i) { id } }"
MODEL_VERSION_STATUS = "query($id: ID!) { modelVersion(id: $id) { status failureReason } }"
CREATE_TOKEN = "mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { secret } }"
CREATE_DEPLOYMENT = "mutation($i: CreateDeploymentInput!) { createDeployment(input: $i) { id revision config { requestLogSample } } }"
UPDATE_DEPLOYMENT = "mutation($id: ID!, $i: UpdateDeploymentInput!) { updateDeployment(id: $id, input: $i) { revision } }"
DEPLOYMENT_STATE = "query($id: ID!) { deployment(id: $id) { status activeRevision healthReason } }"


def upload_model(client: httpx.Client, team_id: str, model_id: str, path: Path) -> None:
    """Upload the .keras file as a new version of the model and wait until inspection has made it ready."""
    response = client.post("/v1/uploads", params={"team": team_id}, content=path.read_bytes(), headers={"X-Filename": path.name})
    if response.status_code != 201:
        raise RuntimeError(f"POST /v1/uploads failed with HTTP {response.status_code}: {response.text[:500]}")
    added = graphql(client, UPLOAD_MODEL_VERSION, {"i": {"modelId": model_id, "uploadId": response.json()["uploadId"]}})
    version_id = added["uploadModelVersion"]["id"]
    began = time.monotonic()
    while time.monotonic() - began < RUNNING_TIMEOUT_SECONDS:
        version = graphql(client, MODEL_VERSION_STATUS, {"id": version_id})["modelVersion"]
        if version["status"] == "ready":
            return
        if version["status"] == "failed":
            raise RuntimeError(f"Inspecting model version {version_id} failed: {version['failureReason']}")
        time.sleep(POLL_SECONDS)
    raise TimeoutError(f"Model version {version_id} was not ready after {RUNNING_TIMEOUT_SECONDS:.0f} s.")


def deployment_state(client: httpx.Client, deployment_id: str) -> dict[str, Any]:
    return graphql(client, DEPLOYMENT_STATE, {"id": deployment_id})["deployment"]


def wait_until_healthy(client: httpx.Client, deployment_id: str) -> None:
    """Poll the new deployment until revision 1 is active and the deployment is HEALTHY."""
    began = time.monotonic()
    state = deployment_state(client, deployment_id)
    while time.monotonic() - began < RUNNING_TIMEOUT_SECONDS:
        if state["activeRevision"] == 1 and state["status"] == "HEALTHY":
            return
        time.sleep(POLL_SECONDS)
        state = deployment_state(client, deployment_id)
    raise TimeoutError(
        f"Deployment {deployment_id} was not HEALTHY after {RUNNING_TIMEOUT_SECONDS:.0f} s: it is {state['status']}, "
        f"health reason {state['healthReason']!r}."
    )


def wait_for_update(client: httpx.Client, deployment_id: str, revision: int, app: str) -> tuple[float, float]:
    """Poll until `revision` is active and HEALTHY and Serve has rolled the application out again.

    Returns the seconds until the revision was active and until Serve reported the application
    RUNNING after it had left RUNNING, both counted from the call. Waiting for both makes sure that
    the timed requests reach the replica with the new batching. Raises TimeoutError when either has
    not happened after RUNNING_TIMEOUT_SECONDS.
    """
    from workers.serving import statuses

    began = time.monotonic()
    active: float | None = None
    rolled_out: float | None = None
    left_running = False
    state: dict[str, Any] = {}
    while time.monotonic() - began < RUNNING_TIMEOUT_SECONDS:
        status = statuses(app).get(app)
        if status is not None and status.status == "DEPLOY_FAILED":
            raise RuntimeError(f"Serve failed to update the application {app}: {status.message}")
        if status is not None and status.status != "RUNNING":
            left_running = True
        elif left_running and rolled_out is None and status is not None and status.running_replicas == status.target_replicas:
            rolled_out = time.monotonic() - began
        state = deployment_state(client, deployment_id)
        if active is None and state["activeRevision"] == revision:
            active = time.monotonic() - began
        if active is not None and rolled_out is not None and state["status"] == "HEALTHY":
            return active, rolled_out
        time.sleep(POLL_SECONDS / 2)
    raise TimeoutError(
        f"After {RUNNING_TIMEOUT_SECONDS:.0f} s deployment {deployment_id} has active revision {state.get('activeRevision')} "
        f"(expected {revision}) and status {state.get('status')}, and Serve {'has' if rolled_out is not None else 'has not'} "
        f"finished updating the application {app}."
    )


def predictions_of(bodies: list[bytes]) -> list[Any]:
    return [json.loads(body)["predictions"] for body in bodies]


async def time_rest(
    base_url: str, token: str, features: np.ndarray, expected: np.ndarray, server_pid: int, label: str, *, first: bool,
) -> dict[str, Any]:
    """Time `POST /v1/models/{name}:predict` with one row a request, and check every response against the bare model.

    With `first`, it also sends one request of every row and one request whose rows are a value
    short, and adds the largest difference and the error message to the result. Without it, it
    also times `GET /v1/models/{name}`.
    """
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base_url, headers=headers, limits=limits, trust_env=False, timeout=60) as http:

        async def post(rows: np.ndarray) -> httpx.Response:
            return await http.post(f"/v1/models/{DEPLOYMENT_NAME}:predict", json={"instances": rows.tolist()})

        async def call(row: np.ndarray) -> bytes:
            response = await post(row)
            if response.status_code != 200:
                raise RuntimeError(f"POST /v1/models/{DEPLOYMENT_NAME}:predict failed with HTTP {response.status_code}: {response.text[:500]}")
            return response.content

        result: dict[str, Any] = {}
        if first:
            whole = await call(features)
            result["wholeDatasetDifference"] = float(np.max(np.abs(np.asarray(predictions_of([whole])[0]) - expected)))
            invalid = await post(features[:1, :-1])
            result["invalidRequestError"] = f"HTTP {invalid.status_code}: {invalid.json().get('error')}"

        seconds, wall, bodies, usage = await timed_tasks(call, features, server_pid)
        result["variant"] = variant(label, seconds, wall, CONCURRENCY, largest_difference(predictions_of(bodies), expected), **usage)

        if not first:

            async def status(_: np.ndarray) -> None:
                response = await http.get(f"/v1/models/{DEPLOYMENT_NAME}")
                if response.status_code != 200:
                    raise RuntimeError(f"GET /v1/models/{DEPLOYMENT_NAME} failed with HTTP {response.status_code}: {response.text[:500]}")

            seconds, wall, _, usage = await timed_tasks(status, features, server_pid)
            result["statusVariant"] = variant("REST `GET /v1/models/{name}`, no model call", seconds, wall, CONCURRENCY, **usage)
    return result


def measure_rest(folder: Path, model_path: Path, features: np.ndarray, expected: np.ndarray) -> dict[str, Any]:
    """Start `modelcloud serve` on this process's Ray, deploy the model through GraphQL, and time REST with batching on and off."""
    import ray

    server_folder = folder / "server"
    # The server joins the Ray that the Serve rows used, so this process can follow Serve's rollout of
    # the update. It inherits the Ray token that this process started Ray with through the environment.
    settings = {"RAY_ADDRESS": ray.get_runtime_context().gcs_address}
    began = time.monotonic()
    with running_server(server_folder, settings) as server, api_client(server) as client:
        try:
            return deploy_and_time_rest(server, client, model_path, features, expected, time.monotonic() - began)
        except (RuntimeError, TimeoutError, httpx.HTTPError) as error:
            raise RuntimeError(f"{error}\nLast server log lines:\n{log_tail(server_folder / 'server.log')}") from error


def deploy_and_time_rest(
    server: Server, client: httpx.Client, model_path: Path, features: np.ndarray, expected: np.ndarray, server_start: float
) -> dict[str, Any]:
    """Upload and deploy the model with the first administrator's token, then time REST calls with a PREDICT token."""
    from backend.domain.deployments import app_name

    team_id = graphql(client, TOKEN_TEAM)["viewer"]["tokenTeamId"]
    model_id = graphql(client, REGISTER, {"i": {"teamId": team_id, "name": DEPLOYMENT_NAME}})["registerModel"]["id"]
    began = time.monotonic()
    upload_model(client, team_id, model_id, model_path)
    model_ready = time.monotonic() - began
    print(f"  serving: model version ready after {model_ready:.1f} s", flush=True)
    created_token = graphql(client, CREATE_TOKEN, {"i": {"teamId": team_id, "name": "bench-predict", "scopes": ["PREDICT"]}})
    token = created_token["createApiToken"]["secret"]

    began = time.monotonic()
    batching = {"maxBatchSize": BATCH_SIZE, "batchWaitMs": BATCH_WAIT_MS}
    created = graphql(client, CREATE_DEPLOYMENT, {"i": {
        "modelId": model_id, "name": DEPLOYMENT_NAME, "batching": batching, "cpusPerReplica": CPUS_PER_REPLICA,
    }})["createDeployment"]
    deployment_id = created["id"]
    wait_until_healthy(client, deployment_id)
    healthy = time.monotonic() - began
    print(f"  serving: deployment HEALTHY after {healthy:.1f} s", flush=True)
    batched = asyncio.run(time_rest(
        server.base_url, token, features, expected, server.pid,
        f"REST `:predict`, batching on (maxBatchSize {BATCH_SIZE})", first=True,
    ))

    updated = graphql(client, UPDATE_DEPLOYMENT, {"id": deployment_id, "i": {"batching": {"maxBatchSize": 1}}})
    app = app_name(uuid.UUID(deployment_id), 1, {"cpusPerReplica": CPUS_PER_REPLICA})
    revision = updated["updateDeployment"]["revision"]
    update_active, update_rollout = wait_for_update(client, deployment_id, revision, app)
    print(f"  serving: revision {revision} active after {update_active:.1f} s, Serve rollout after {update_rollout:.1f} s", flush=True)
    unbatched = asyncio.run(time_rest(
        server.base_url, token, features, expected, server.pid, "REST `:predict`, batching off (maxBatchSize 1)", first=False,
    ))

    return {
        "variants": [batched["variant"], unbatched["variant"], unbatched["statusVariant"]],
        "setup": asdict(RestSetup(
            server_start_seconds=server_start, model_ready_seconds=model_ready, healthy_seconds=healthy,
            update_active_seconds=update_active, update_rollout_seconds=update_rollout,
            whole_dataset_difference=batched["wholeDatasetDifference"],
            request_log_sample=created["config"]["requestLogSample"], invalid_request_error=batched["invalidRequestError"],
        )),
    }


def child_main(output_path: Path) -> None:
    """Inside the namespace: bring loopback up, start a local Ray, measure every variant and write them as JSON."""
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "2"
    import keras
    import tensorflow as tf

    from backend.settings import Settings
    from backend.storage import open_artifact_store
    from workers.inspection import inspect_artifact
    from workers.ray_runtime import ensure_ray, shutdown_ray, worker_settings
    from workers.serving import ReplicaSpec

    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)

    with tempfile.TemporaryDirectory(prefix="mc-bench-serving-") as home:
        folder = Path(home)
        settings = Settings(artifacts=str(folder / "artifacts"), database_url=f"sqlite:///{folder / 'modelcloud.db'}", ray_address="")
        print("  serving: training the model", flush=True)
        model, features, path = train_model(folder)
        with open(path, "rb") as stream:
            blob = open_artifact_store(settings.artifacts).write(stream)
        signature = inspect_artifact(str(path), "keras", "model.keras")["signature"]
        expected = model(features, training=False).numpy()

        print("  serving: in-process baselines", flush=True)
        run_threads(lambda row: model.predict(row, verbose=0), features, WARMUP_REQUESTS, CONCURRENCY)
        seconds, wall = run_threads(lambda row: model.predict(row, verbose=0), features, PREDICT_REQUESTS, CONCURRENCY)
        bare = variant("in-process `model.predict`", seconds, wall, CONCURRENCY)

        compiled = tf.function(lambda batch: model(batch, training=False), input_signature=[tf.TensorSpec([None, features.shape[1]], tf.float32)])
        run_threads(lambda row: compiled(row).numpy(), features, WARMUP_REQUESTS, CONCURRENCY)
        seconds, wall = run_threads(lambda row: compiled(row).numpy(), features, REQUESTS, CONCURRENCY)
        function = variant("in-process `tf.function`", seconds, wall, CONCURRENCY)

        began = time.monotonic()
        ensure_ray(settings)
        ray_start = time.monotonic() - began
        try:
            spec = ReplicaSpec(
                app_name=APP_NAME, artifacts=worker_settings(settings)["artifacts"], model_sha256=blob.sha256,
                model_format="keras", signature=signature, cpus_per_replica=CPUS_PER_REPLICA, max_batch_size=BATCH_SIZE,
                batch_wait_ms=BATCH_WAIT_MS,
            )
            print("  serving: Serve", flush=True)
            served = asyncio.run(measure_serve(spec, features, expected))
            print("  serving: REST API", flush=True)
            rest = measure_rest(folder, path, features, expected)
        finally:
            from ray import serve

            serve.shutdown()
            shutdown_ray()

    output_path.write_text(
        json.dumps(
            {
                **served,
                "variants": [bare, function, *served["variants"], *rest["variants"]],
                "rest": rest["setup"],
                "rayStartSeconds": ray_start,
                "rows": len(features),
                "parameters": int(model.count_params()),
                "tensorflow": tf.__version__,
                "keras": keras.__version__,
            }
        )
    )


# the whole benchmark


def measure() -> ServingResult:
    """Run the measurement in a loopback-only network namespace and check that Serve and REST returned the model's outputs."""
    started = time.monotonic()
    measured_at = datetime.now(timezone.utc)
    prefix = loopback_namespace()
    if prefix is None:
        return skipped("no private network namespace could be made here (`unshare --net`)", measured_at, started)

    with tempfile.TemporaryDirectory(prefix="mc-bench-serving-") as folder:
        output = Path(folder) / "serving.json"
        run_child([*prefix, sys.executable, "-m", "bench.serving", "measure", str(output)], CHILD_TIMEOUT_SECONDS, "The serving benchmark")
        measured = json.loads(output.read_text())

    variants = [Variant(**entry) for entry in measured["variants"]]
    differences = [entry.max_difference for entry in variants if entry.max_difference is not None]
    differences.append(measured["wholeDatasetDifference"])
    differences.append(measured["rest"]["whole_dataset_difference"])
    if max(differences) >= MAX_DIFFERENCE:
        print(
            f"error: Serve or the REST API returned outputs that differ from the bare model's by up to {max(differences):.3g} "
            f"(allowed: below {MAX_DIFFERENCE:g}).",
            file=sys.stderr, flush=True,
        )
        raise SystemExit(1)

    return ServingResult(
        variants=variants,
        skipped_reason=None,
        ray_start_seconds=measured["rayStartSeconds"],
        serve_start_seconds=measured["serveStartSeconds"],
        first_deploy_seconds=measured["firstDeploySeconds"],
        update_seconds=measured["updateSeconds"],
        batched_max_ongoing_requests=measured["batchedMaxOngoingRequests"],
        unbatched_max_ongoing_requests=measured["unbatchedMaxOngoingRequests"],
        whole_dataset_difference=measured["wholeDatasetDifference"],
        rows=measured["rows"],
        parameters=measured["parameters"],
        missing_app_error=measured["missingAppError"],
        invalid_inputs_error=measured["invalidInputsError"],
        rest=RestSetup(**measured["rest"]),
        tensorflow_version=measured["tensorflow"],
        keras_version=measured["keras"],
        ray_version=importlib.metadata.version("ray"),
        measured_at=measured_at,
        seconds=time.monotonic() - started,
    )


def skipped(reason: str, measured_at: datetime, started: float) -> ServingResult:
    return ServingResult(
        variants=[], skipped_reason=reason, ray_start_seconds=math.nan, serve_start_seconds=math.nan,
        first_deploy_seconds=math.nan, update_seconds=math.nan, batched_max_ongoing_requests=0, unbatched_max_ongoing_requests=0,
        whole_dataset_difference=math.nan, rows=0, parameters=0,
        missing_app_error="", invalid_inputs_error="", rest=None, tensorflow_version="", keras_version="",
        ray_version=importlib.metadata.version("ray"), measured_at=measured_at, seconds=time.monotonic() - started,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="Run one step of the serving benchmark. `python -m bench.run --only serving` runs all of it.")
    parser.add_argument("step", choices=["measure"])
    parser.add_argument("output", type=Path, help="JSON file to write the measurements to.")
    arguments = parser.parse_args()
    child_main(arguments.output)


if __name__ == "__main__":
    main()
