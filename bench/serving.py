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
    Serve's request path alone costs here.

The in-process baselines run TensorFlow with one intra-op and one inter-op thread, as a replica
does. Every Serve answer is compared with the bare model's outputs for the same row, and the
benchmark fails when any differs by MAX_DIFFERENCE or more. Ray 2.60 listens on every interface
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
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

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

# Limits that only catch a hung step: deploying took under 10 s and the whole child about a minute on 2 cores.
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
    """Largest absolute difference from the bare model's outputs, for Serve only."""
    load_average: float
    """The 1-minute load average when the timed requests ended."""


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


def variant(label: str, seconds: list[float], wall: float, concurrency: int, difference: float | None = None) -> dict[str, Any]:
    return asdict(
        Variant(
            label=label, requests=len(seconds), concurrency=concurrency, p50_ms=percentile(seconds, 0.50) * 1000,
            p99_ms=percentile(seconds, 0.99) * 1000, requests_per_second=len(seconds) / wall, max_difference=difference,
            load_average=os.getloadavg()[0],
        )
    )


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
    await run_tasks(call, features, WARMUP_REQUESTS, CONCURRENCY)
    seconds, wall, outputs = await run_tasks(call, features, REQUESTS, CONCURRENCY)
    batched = variant(f"Serve handle, batching on (max_batch_size {BATCH_SIZE})", seconds, wall, CONCURRENCY, largest_difference(outputs, expected))

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
    await run_tasks(call, features, WARMUP_REQUESTS, CONCURRENCY)
    seconds, wall, outputs = await run_tasks(call, features, REQUESTS, CONCURRENCY)
    unbatched = variant("Serve handle, batching off", seconds, wall, CONCURRENCY, largest_difference(outputs, expected))

    delete(spec.app_name)

    deploy_echo(spec)

    async def echo_call(row: np.ndarray) -> Any:
        return await predict(ECHO_APP_NAME, row)

    await run_tasks(echo_call, features, WARMUP_REQUESTS, CONCURRENCY)
    seconds, wall, _ = await run_tasks(echo_call, features, REQUESTS, CONCURRENCY)
    echo = variant("Serve handle to a deployment that returns its input", seconds, wall, CONCURRENCY)
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
        finally:
            from ray import serve

            serve.shutdown()
            shutdown_ray()

    output_path.write_text(
        json.dumps(
            {
                **served,
                "variants": [bare, function, *served["variants"]],
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
    """Run the measurement in a loopback-only network namespace and check that Serve returned the model's outputs."""
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
    if max(differences) >= MAX_DIFFERENCE:
        print(
            f"error: Serve returned outputs that differ from the bare model's by up to {max(differences):.3g} "
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
        missing_app_error="", invalid_inputs_error="", tensorflow_version="", keras_version="",
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
