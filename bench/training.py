"""Training runs on scikit-learn's breast cancer and digits data: the platform's loop, its histograms, 2 workers, long series.

Four measurements, one after another:

1. Loop next to Keras: `workers.training.loop.run_training` on one worker, with the real
   `TrainingRecorder` writing to a fresh SQLite event store, for a tabular MLP on breast cancer
   and a small CNN on digits. The baseline is a bare `model.fit` of the same architecture,
   epochs, batch size and seed on the same arrays. Both run in one fresh process
   (`python -m bench.training loop`), taking turns, with the thread settings that the loop
   gives a worker of one CPU.
2. Histogram cost: in the same runs, the seconds spent in `weight_histograms` and
   `gradient_histograms` each epoch, and the loop's epoch time with both replaced by functions
   that return no entries.
3. The platform end to end, with 1 and 2 workers: `modelcloud serve` with its local Ray, from
   the `startTrainingRun` mutation until the run is SUCCEEDED, then the held-out accuracy of the
   registered model on the test rows.
4. Long metric histories: a run with SERIES_POINTS step points of one metric, recorded through
   `TrainingService.record_points` and projected by a server, read with and without
   downsampling through `TrainingReader` and GraphQL.

TensorFlow's multi-worker gRPC server and Ray 2.60 listen on every interface, whatever address
they are given. So steps 3 and 4 run in a private network namespace whose only interface is
loopback (`unshare --net`), and are skipped where none can be made.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.metadata
import io
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from bench.dataset_ingest import api_client, graphql, upload_file, wait_until_profiled
from bench.registry_search import Latency, latency
from bench.subscriber_latency import log_tail, running_server

REPOSITORY = Path(__file__).resolve().parents[1]
DATASETS = ("breast_cancer", "digits")
LABEL = "target"
SPLIT = {"op": "split", "strategy": "stratified", "ratios": {"train": 0.7, "validation": 0.15, "test": 0.15}, "seed": 42}
MLP = {
    "model": {"template": "tabular_mlp", "hiddenUnits": [16, 8]}, "epochs": 10, "batchSize": 32, "seed": 7,
    "optimizer": {"name": "adam", "learningRate": 0.01}, "metrics": ["accuracy"],
}
CNN = {
    "model": {"template": "image_cnn", "filters": [8], "hiddenUnits": [32]}, "epochs": 6, "batchSize": 32, "seed": 3,
    "optimizer": {"name": "adam", "learningRate": 0.005}, "metrics": ["accuracy"],
}
CPUS_PER_WORKER = 0.5

LOOP_REPEATS = 5
PLATFORM_REPEATS = 3
SERIES_POINTS = 100_000
SERIES_MAX_POINTS = 1000
SERIES_ITERATIONS = 30
FULL_SERIES_ITERATIONS = 5
SERIES_METRIC = "step/loss"

# Limits that only catch a hung step. Each is several times what the step took on 2 cores.
LOOP_TIMEOUT_SECONDS = 900
PLATFORM_TIMEOUT_SECONDS = 900
RUN_TIMEOUT_SECONDS = 300.0
PROJECTION_TIMEOUT_SECONDS = 300.0
RUN_POLL_SECONDS = 0.1

CREATE_DATASET = "mutation($i: CreateDatasetInput!) { createDataset(input: $i) { id } }"
UPLOAD_VERSION = "mutation($i: UploadDatasetVersionInput!) { uploadDatasetVersion(input: $i) { id } }"
DERIVE = "mutation($i: DeriveDatasetVersionInput!) { deriveDatasetVersion(input: $i) { id } }"
REGISTER = "mutation($i: RegisterModelInput!) { registerModel(input: $i) { id } }"
CREATE_CONFIG = "mutation($i: CreateConfigProfileInput!) { createConfigProfile(input: $i) { id } }"
START = "mutation($i: StartTrainingRunInput!) { startTrainingRun(input: $i) { id features } }"
RUN_STATUS = "query($id: ID!) { trainingRun(id: $id) { status epochsDone failureReason } }"
RUN_DETAIL = (
    "query($id: ID!) { trainingRun(id: $id) { status dataSummary modelVersionId createdAt finishedAt "
    "epochs { epoch durationSeconds recordedAt } } }"
)
TOKEN_TEAM = "query { viewer { tokenTeamId } }"
SERIES_QUERY = (
    "query($id: ID!, $names: [String!], $max: Int!) { trainingRun(id: $id) { "
    "metrics(names: $names, maxPoints: $max) { name totalPoints downsampled points { step value } } } }"
)


@dataclass(frozen=True)
class Spread:
    """The median of repeated measurements and the lowest and highest of them."""

    median: float
    low: float
    high: float
    count: int

    @classmethod
    def of(cls, values: list[float]) -> Spread:
        if not values:
            return cls(math.nan, math.nan, math.nan, 0)
        return cls(statistics.median(values), min(values), max(values), len(values))


# the data


def write_datasets(folder: Path) -> dict[str, Path]:
    """Write scikit-learn's breast cancer and digits data as CSV files with a `target` column, as a user would upload them."""
    from sklearn import datasets as sklearn_datasets

    loaders = {"breast_cancer": sklearn_datasets.load_breast_cancer, "digits": sklearn_datasets.load_digits}
    paths = {}
    for name in DATASETS:
        path = folder / f"{name}.csv"
        loaders[name](as_frame=True).frame.to_csv(path, index=False)
        paths[name] = path
    return paths


class RunFixture:
    """A profiled, split dataset version, a registered model and a configuration, built through the application services.

    Each `queue_job` queues a run and starts its first attempt as the reconciler would, so a
    `TrainingRecorder` can report on it, and returns the job that the reconciler would hand to a worker.
    """

    def __init__(self, runtime: Any, principal: Any, team_id: uuid.UUID, csv: Path, document: dict[str, Any]) -> None:
        self.runtime = runtime
        self.principal = principal
        self.team_id = team_id
        name = f"{csv.stem.replace('_', '-')}-{uuid.uuid4().hex[:6]}"
        dataset_id, outcome = runtime.datasets.create_dataset(principal, self._cause(), team_id=team_id, name=name)
        self._wait(outcome.position)

        received = runtime.uploads.receive(
            principal, self._cause(), team_id=team_id, body=io.BytesIO(csv.read_bytes()), max_size=10**8,
            filename=csv.name, content_type="text/csv",
        )
        self._wait(received.outcome.position)
        plain = runtime.datasets.upload_version(principal, self._cause(), dataset_id=dataset_id, upload_id=received.upload_id, label=LABEL)
        self._profile(plain)
        split = runtime.datasets.derive_version(principal, self._cause(), parent_id=plain.version_id, operations=[SPLIT])
        self._profile(split)
        self.version_id = split.version_id

        self.model_id, _ = runtime.registry.register_model(principal, self._cause(), team_id=team_id, name=name)
        self.profile_id, outcome = runtime.configs.create_profile(
            principal, self._cause(), team_id=team_id, name=name, description="bench/training.py", document=document
        )
        self._wait(outcome.position)

    def queue_job(self) -> Any:
        from workers.ray_runtime import worker_settings
        from workers.training.job import TrainingJob

        training = self.runtime.training
        run_id, _outcome = training.start_run(
            self.principal, self._cause(), model_id=self.model_id, dataset_version_id=self.version_id,
            config_profile_id=self.profile_id,
        )
        attempt = training.start_attempt(self.runtime.cause_from_system(), run_id=run_id, workers=1)
        run = training.get(run_id)
        plan = run.plan
        return TrainingJob(
            run_id=str(run_id), attempt=attempt, artifacts=worker_settings(self.runtime.settings)["artifacts"],
            dataset_sha256=plan["datasetSha256"], label=plan["label"], features=list(plan["features"]),
            text_column=plan.get("textColumn"), image_shape=plan.get("imageShape"), config=run.config,
            base_model_sha256=None, resume_sha256=None, resume_epoch=0,
        )

    def _profile(self, added: Any) -> None:
        from workers.dataset_jobs import profile_job
        from workers.profiling import record_profiling

        self._wait(added.outcome.position)
        row = self.runtime.readers.datasets.version(str(added.version_id))
        items = profile_job(self.runtime.settings.artifacts, row["sha256"], row["label"], row["split_column"])
        status = record_profiling(self.runtime, added.version_id, items)
        if status != "ready":
            raise RuntimeError(f"Profiling dataset version {added.version_id} failed: it ended with status {status} instead of ready.")

    def _wait(self, position: int) -> None:
        if not self.runtime.projections.wait_for(position, timeout=PROJECTION_TIMEOUT_SECONDS):
            raise TimeoutError(f"Timed out after {PROJECTION_TIMEOUT_SECONDS:.0f} s waiting for the projections to reach position {position}.")

    def _cause(self) -> Any:
        from backend.domain.base import Cause

        return Cause.new(self.principal.actor, None, at=self.runtime.clock())


def build_runtime(folder: Path) -> Any:
    """Build a Runtime on a SQLite file in `folder` that parses dataset files in this process instead of on Ray."""
    from backend.runtime import Runtime
    from backend.settings import load_settings
    from workers.dataset_engine import LocalDatasetEngine

    folder.mkdir(parents=True, exist_ok=True)
    artifacts = str(folder / "artifacts")
    settings = load_settings(database_url=f"sqlite:///{folder / 'modelcloud.db'}", artifacts=artifacts)
    return Runtime.build(settings, dataset_engine=LocalDatasetEngine(artifacts))


# 1 and 2: the loop next to Keras' fit, and the histograms' cost (in their own process)


class HistogramTimer:
    """Timing wrappers around the histogram functions, or stand-ins that return no entries, installed for a block."""

    def __init__(self) -> None:
        self.weight_seconds: list[float] = []
        self.gradient_seconds: list[float] = []

    @contextlib.contextmanager
    def installed(self, enabled: bool) -> Iterator[None]:
        # The loop imports these functions from the module at each epoch, so replacing the
        # module's attributes reaches it.
        from workers.training import histograms

        originals = histograms.weight_histograms, histograms.gradient_histograms
        if enabled:
            histograms.weight_histograms = self._timed(originals[0], self.weight_seconds)
            histograms.gradient_histograms = self._timed(originals[1], self.gradient_seconds)
        else:
            histograms.weight_histograms = lambda *_arguments: []
            histograms.gradient_histograms = lambda *_arguments: []
        try:
            yield
        finally:
            histograms.weight_histograms, histograms.gradient_histograms = originals

    @staticmethod
    def _timed(function: Callable[..., Any], seconds: list[float]) -> Callable[..., Any]:
        def timed(*arguments: Any) -> Any:
            began = time.perf_counter()
            try:
                return function(*arguments)
            finally:
                seconds.append(time.perf_counter() - began)

        return timed


def recorder_class() -> type:
    """Return a TrainingRecorder that also keeps each epoch's duration and the seconds spent recording."""
    from workers.training.recording import TrainingRecorder

    class TimedRecorder(TrainingRecorder):
        def __init__(self, *arguments: Any) -> None:
            super().__init__(*arguments)
            self.summary: dict[str, Any] = {}
            self.epoch_seconds: list[float] = []
            self.recording_seconds = 0.0

        def started(self, summary: dict[str, Any]) -> None:
            self.summary = summary
            self._timed(super().started, summary)

        def epoch(self, record: dict[str, Any]) -> None:
            self.epoch_seconds.append(float(record["durationSeconds"]))
            self._timed(super().epoch, record)

        def checkpoint(self, epoch: int, path: str) -> None:
            self._timed(super().checkpoint, epoch, path)

        def _timed(self, report: Callable[..., None], *arguments: Any) -> None:
            began = time.perf_counter()
            report(*arguments)
            self.recording_seconds += time.perf_counter() - began

    return TimedRecorder


def time_platform_loop(job: Any, database_url: str, histograms: bool) -> dict[str, Any]:
    """Run `run_training` once with the real recorder and return its wall time, epoch times and histogram seconds."""
    from workers.training.loop import run_training

    recorder = recorder_class()(database_url, job.artifacts, job.run_id, job.attempt)
    timer = HistogramTimer()
    load = os.getloadavg()[0]
    try:
        with tempfile.TemporaryDirectory(prefix="modelcloud-bench-train-") as workdir, timer.installed(histograms):
            began = time.perf_counter()
            result = run_training(job, recorder, workdir)
            seconds = time.perf_counter() - began
    finally:
        recorder.close()
    return {
        "seconds": seconds,
        "epochSeconds": recorder.epoch_seconds,
        "weightHistogramSeconds": timer.weight_seconds,
        "gradientHistogramSeconds": timer.gradient_seconds,
        "recordingSeconds": recorder.recording_seconds,
        "valAccuracy": result["metrics"].get("val_accuracy"),
        "parameters": recorder.summary.get("parameters"),
        "trainRows": recorder.summary.get("trainRows"),
        "stepsPerEpoch": recorder.summary.get("stepsPerEpoch"),
        "loadAverage": load,
    }


def bare_keras_model(keras: Any, config: dict[str, Any], data: Any) -> Any:
    """Build the template's architecture in plain Keras: the same layers, sizes and activations, no platform code."""
    spec = config["model"]
    units = len(data.classes) if len(data.classes) > 2 else 1
    activation = "softmax" if units > 1 else "sigmoid"
    features = data.train_x.shape[1]
    inputs = keras.Input(shape=(features,))

    if spec["template"] == "tabular_mlp":
        normalization = keras.layers.Normalization()
        normalization.adapt(data.train_x)
        hidden = normalization(inputs)
    else:
        side = math.isqrt(features)
        hidden = keras.layers.Rescaling(1.0 / float(np.max(data.train_x)))(inputs)
        hidden = keras.layers.Reshape((side, side, 1))(hidden)
        for filters in spec["filters"]:
            hidden = keras.layers.Conv2D(filters, spec["kernelSize"], padding="same", activation=spec["activation"])(hidden)
            hidden = keras.layers.MaxPooling2D(2)(hidden)
        hidden = keras.layers.Flatten()(hidden)
    for size in spec["hiddenUnits"]:
        hidden = keras.layers.Dense(size, activation=spec["activation"])(hidden)
    return keras.Model(inputs, keras.layers.Dense(units, activation=activation)(hidden))


def time_keras_fit(config: dict[str, Any], data: Any) -> dict[str, Any]:
    """Build, compile and fit the same architecture with Keras' `fit` and return its wall time and epoch times."""
    import keras

    epoch_seconds: list[float] = []

    class EpochClock(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch: int, logs: Any = None) -> None:
            self.began = time.perf_counter()

        def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
            epoch_seconds.append(time.perf_counter() - self.began)

    load = os.getloadavg()[0]
    began = time.perf_counter()
    keras.utils.set_random_seed(config["seed"])
    model = bare_keras_model(keras, config, data)
    loss = "sparse_categorical_crossentropy" if len(data.classes) > 2 else "binary_crossentropy"
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=config["optimizer"]["learningRate"]), loss=loss, metrics=["accuracy"])
    history = model.fit(
        data.train_x, data.train_y, batch_size=config["batchSize"], epochs=config["epochs"],
        validation_data=(data.validation_x, data.validation_y), verbose=0, callbacks=[EpochClock()],
    )
    seconds = time.perf_counter() - began
    return {
        "seconds": seconds,
        "epochSeconds": epoch_seconds,
        "valAccuracy": float(history.history["val_accuracy"][-1]),
        "parameters": int(sum(math.prod(weight.shape) for weight in model.trainable_weights)),
        "loadAverage": load,
    }


def loop_main(spec_path: Path, output_path: Path) -> None:
    """In a fresh process: queue the runs, then time the loop with and without histograms and Keras' fit, taking turns."""
    import keras
    import tensorflow as tf

    # The loop gives a worker of one CPU one intra-op and one inter-op thread. Setting them here,
    # before TensorFlow runs anything, gives fit the same threads.
    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)

    from bench.command_throughput import admin_principal
    from workers.training.data import load_training_data

    spec = json.loads(spec_path.read_text())
    folder, repeats = Path(spec["folder"]), int(spec["repeats"])
    runtime = build_runtime(folder / "store")
    runtime.start()
    try:
        admin = admin_principal(runtime)
        team_id, _ = runtime.identity.create_team(admin, runtime.cause_from_system(), name=f"bench-{uuid.uuid4().hex[:6]}")
        jobs = {}
        for name, document in (("mlp", MLP), ("cnn", CNN)):
            fixture = RunFixture(runtime, admin, team_id, Path(spec["csv"][spec["datasets"][name]]), document)
            # One run of each loop variant to warm up, then the timed ones.
            jobs[name] = [fixture.queue_job() for _ in range(2 * (repeats + 1))]
        database_url = runtime.settings.database_url
    finally:
        # The projections stop here, so no background thread shares the CPU with the timed runs.
        runtime.stop()

    output: dict[str, Any] = {"tensorflow": tf.__version__, "keras": keras.__version__, "models": {}}
    for name, queued in jobs.items():
        data = load_training_data(queued[0])
        config = queued[0].config
        timings: dict[str, list[dict[str, Any]]] = {"platform": [], "platformWithoutHistograms": [], "fit": []}
        variants: dict[str, Callable[[], dict[str, Any]]] = {
            "platform": lambda: time_platform_loop(queued.pop(), database_url, histograms=True),
            "platformWithoutHistograms": lambda: time_platform_loop(queued.pop(), database_url, histograms=False),
            "fit": lambda: time_keras_fit(config, data),
        }
        order = list(variants)
        for repeat in range(repeats + 1):
            # Each repetition starts with another variant, so none always runs first.
            for variant in order[repeat % 3 :] + order[: repeat % 3]:
                measured = variants[variant]()
                keras.backend.clear_session()
                if repeat > 0:
                    timings[variant].append(measured)
            print(f"  training: {name} repetition {repeat}/{repeats} done", flush=True)
        output["models"][name] = {"config": config, "validationRows": len(data.validation_y), **timings}
    output_path.write_text(json.dumps(output))


# 3 and 4: the platform end to end and long series (inside the loopback-only namespace)


class ServerProject:
    """A profiled, split breast cancer version and a registered model on a running server, set up through GraphQL."""

    def __init__(self, client: httpx.Client, csv: Path) -> None:
        self.client = client
        team_id = graphql(client, TOKEN_TEAM)["viewer"]["tokenTeamId"]
        self.team_id = team_id
        dataset_id = graphql(client, CREATE_DATASET, {"i": {"teamId": team_id, "name": "bench-cancer"}})["createDataset"]["id"]
        upload_id = upload_file(client, csv)
        plain = graphql(client, UPLOAD_VERSION, {"i": {"datasetId": dataset_id, "uploadId": upload_id, "label": LABEL}})
        wait_until_profiled(client, plain["uploadDatasetVersion"]["id"])
        split = graphql(client, DERIVE, {"i": {"parentId": plain["uploadDatasetVersion"]["id"], "operations": [SPLIT]}})
        self.version_id = split["deriveDatasetVersion"]["id"]
        wait_until_profiled(client, self.version_id)
        self.model_id = graphql(client, REGISTER, {"i": {"teamId": team_id, "name": "bench-cancer-mlp"}})["registerModel"]["id"]

    def start(self, workers: int) -> tuple[dict[str, Any], float]:
        """Create a configuration with `workers` workers, start a run with it, and return the run and when the mutation was sent."""
        document = {**MLP, "resources": {"workers": workers, "cpusPerWorker": CPUS_PER_WORKER}}
        name = f"bench-{workers}-workers-{uuid.uuid4().hex[:6]}"
        profile_id = graphql(self.client, CREATE_CONFIG, {"i": {"teamId": self.team_id, "name": name, "document": document}})
        values = {"modelId": self.model_id, "datasetVersionId": self.version_id, "configProfileId": profile_id["createConfigProfile"]["id"]}
        sent = time.monotonic()
        run = graphql(self.client, START, {"i": values})["startTrainingRun"]
        return run, sent

    def held_out_rows(self) -> Any:
        import pandas as pd

        response = self.client.get(f"/v1/dataset-versions/{self.version_id}/data", params={"format": "parquet"})
        response.raise_for_status()
        rows = pd.read_parquet(io.BytesIO(response.content))
        return rows[rows["split"] == "test"]


def time_server_run(project: ServerProject, workers: int) -> dict[str, Any]:
    """Start a run and poll it until it ends; return the seconds to its first epoch and to SUCCEEDED, as polled and as recorded."""
    load = os.getloadavg()[0]
    run, sent = project.start(workers)
    first_epoch: float | None = None
    deadline = sent + RUN_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        state = graphql(project.client, RUN_STATUS, {"id": run["id"]})["trainingRun"]
        now = time.monotonic()
        if first_epoch is None and state["epochsDone"] >= 1:
            first_epoch = now - sent
        if state["status"] == "FAILED" or state["status"] == "CANCELLED":
            raise RuntimeError(f"Training run {run['id']} with {workers} workers ended {state['status']}: {state['failureReason']}")
        if state["status"] == "SUCCEEDED":
            detail = graphql(project.client, RUN_DETAIL, {"id": run["id"]})["trainingRun"]
            created = datetime.fromisoformat(detail["createdAt"])
            return {
                "workers": workers,
                "seconds": now - sent,
                "firstEpochSeconds": first_epoch if first_epoch is not None else now - sent,
                "epochSeconds": [epoch["durationSeconds"] for epoch in detail["epochs"]],
                # Event times, from the clock of the process that recorded each event, on this machine.
                "firstEpochRecordedSeconds": (datetime.fromisoformat(detail["epochs"][0]["recordedAt"]) - created).total_seconds(),
                "finishedRecordedSeconds": (datetime.fromisoformat(detail["finishedAt"]) - created).total_seconds(),
                "reportedWorkers": detail["dataSummary"]["workers"],
                "modelVersionId": detail["modelVersionId"],
                "features": run["features"],
                "loadAverage": load,
            }
        time.sleep(RUN_POLL_SECONDS)
    raise TimeoutError(f"Timed out after {RUN_TIMEOUT_SECONDS:.0f} s waiting for training run {run['id']} with {workers} workers to end.")


def held_out_accuracy(project: ServerProject, version_id: str, features: list[str], rows: Any) -> float:
    """Download the registered model and compute its accuracy on the test rows, outside the platform."""
    import keras

    response = project.client.get(f"/v1/model-versions/{version_id}/artifact")
    response.raise_for_status()
    with tempfile.TemporaryDirectory(prefix="modelcloud-bench-model-") as folder:
        path = Path(folder) / "model.keras"
        path.write_bytes(response.content)
        model = keras.saving.load_model(path, safe_mode=True)
    scores = model.predict(rows[features].to_numpy(dtype="float32"), verbose=0)
    predicted = (scores[:, 0] > 0.5).astype(int)
    return float((predicted == rows[LABEL].to_numpy()).mean())


def measure_platform_runs(folder: Path, csv: Path, repeats: int) -> dict[str, Any]:
    """Train the MLP on 1 and on 2 workers on a real server, taking turns, and measure each registered model."""
    server_folder = folder / "training-server"
    with running_server(server_folder) as server, api_client(server) as client:
        try:
            setup_began = time.monotonic()
            project = ServerProject(client, csv)
            setup_seconds = time.monotonic() - setup_began
            runs = []
            for repeat in range(repeats):
                for workers in ((1, 2) if repeat % 2 == 0 else (2, 1)):
                    runs.append(time_server_run(project, workers))
                    print(f"  training: server run {len(runs)}/{2 * repeats} done, {workers} worker{'s' if workers > 1 else ''}", flush=True)
            rows = project.held_out_rows()
            for run in runs:
                run["accuracy"] = held_out_accuracy(project, run["modelVersionId"], run["features"], rows)
        except (RuntimeError, TimeoutError, httpx.HTTPError) as error:
            raise RuntimeError(f"{error}\nLast server log lines:\n{log_tail(server_folder / 'server.log')}") from error
    return {"runs": runs, "setupSeconds": setup_seconds, "testRows": len(rows), "ray": importlib.metadata.version("ray")}


def series_points(count: int) -> list[dict[str, Any]]:
    """Return `count` seeded points of a falling, noisy loss curve with a few spikes, one per step from 1."""
    rng = np.random.default_rng(20_261_205)
    steps = np.arange(1, count + 1)
    values = 0.05 + 0.65 * np.exp(-steps / (count / 5)) + rng.normal(0.0, 0.02, count)
    values[rng.choice(count, size=5, replace=False)] += 2.0
    wall_start = int(time.time() * 1000) - count * 10
    return [
        {"name": SERIES_METRIC, "step": int(step), "value": float(value), "wallTime": wall_start + int(step) * 10}
        for step, value in zip(steps, values, strict=True)
    ]


def measure_series(folder: Path, csv: Path, points: int, iterations: int, full_iterations: int) -> dict[str, Any]:
    """Record a long series into a server's store from this process, then time reading it with and without downsampling."""
    from backend.domain.training import MAX_POINTS_PER_BATCH
    from backend.projections.series import downsample
    from bench.command_throughput import admin_principal

    server_folder = folder / "series-server"
    # No workers: nothing starts Ray or trains the run that this process reports on.
    with running_server(server_folder, {"MODELCLOUD_WORKERS": "false"}) as server, api_client(server) as client:
        runtime = build_runtime(server_folder)
        # The server's projections write the read model, and this process only reads it.
        runtime.start(run_projections=False)
        try:
            admin = admin_principal(runtime)
            team_id = uuid.UUID(graphql(client, TOKEN_TEAM)["viewer"]["tokenTeamId"])
            job = RunFixture(runtime, admin, team_id, csv, MLP).queue_job()
            run_id = uuid.UUID(job.run_id)

            series = series_points(points)
            load = os.getloadavg()[0]
            began = time.perf_counter()
            for start in range(0, points, MAX_POINTS_PER_BATCH):
                outcome = runtime.training.record_points(
                    runtime.cause_from_system(), run_id=run_id, attempt=job.attempt, points=series[start : start + MAX_POINTS_PER_BATCH]
                )
            recorded = time.perf_counter()
            if not runtime.projections.wait_for(outcome.position, timeout=PROJECTION_TIMEOUT_SECONDS):
                raise TimeoutError(f"Timed out after {PROJECTION_TIMEOUT_SECONDS:.0f} s waiting for the server to project {points:,} points.")
            projected = time.perf_counter()

            reader = runtime.readers.training
            fetch_ms, downsample_ms = [], []
            for iteration in range(iterations + 1):
                began_fetch = time.perf_counter()
                rows = reader.points(str(run_id), SERIES_METRIC)
                fetched = time.perf_counter()
                downsampled_rows = downsample(rows, SERIES_MAX_POINTS)
                if iteration > 0:
                    fetch_ms.append((fetched - began_fetch) * 1000)
                    downsample_ms.append((time.perf_counter() - fetched) * 1000)
            if len(rows) != points:
                raise RuntimeError(f"The read model contains {len(rows):,} points of {SERIES_METRIC}, but {points:,} were recorded.")

            downsampled = time_series_query(client, str(run_id), SERIES_MAX_POINTS, iterations, points)
            full = time_series_query(client, str(run_id), points, full_iterations, points)
        finally:
            runtime.stop()
    return {
        "points": points,
        "batch": MAX_POINTS_PER_BATCH,
        "recordSeconds": recorded - began,
        "projectSeconds": projected - recorded,
        "recordLoadAverage": load,
        "keptPoints": len(downsampled_rows),
        "readerFetchMs": fetch_ms,
        "downsampleMs": downsample_ms,
        "graphqlDownsampledMs": downsampled["milliseconds"],
        "graphqlDownsampledPoints": downsampled["points"],
        "graphqlDownsampledBytes": downsampled["bytes"],
        "graphqlFullMs": full["milliseconds"],
        "graphqlFullBytes": full["bytes"],
        "queryLoadAverage": downsampled["loadAverage"],
    }


def time_series_query(client: httpx.Client, run_id: str, max_points: int, iterations: int, total: int) -> dict[str, Any]:
    """Time the GraphQL `metrics` query of the series over HTTP, after one untimed request, and check what it returned."""
    variables = {"id": run_id, "names": [SERIES_METRIC], "max": max_points}
    load = os.getloadavg()[0]
    milliseconds = []
    for iteration in range(iterations + 1):
        began = time.perf_counter()
        response = client.post("/graphql", json={"query": SERIES_QUERY, "variables": variables})
        body = response.json()
        elapsed = (time.perf_counter() - began) * 1000
        if response.status_code != 200 or body.get("errors"):
            raise RuntimeError(f"The metrics query failed with HTTP {response.status_code}: {json.dumps(body)[:500]}")
        if iteration > 0:
            milliseconds.append(elapsed)
    series = body["data"]["trainingRun"]["metrics"][0]
    if series["totalPoints"] != total or len(series["points"]) > max_points or series["downsampled"] != (max_points < total):
        raise RuntimeError(
            f"The metrics query with maxPoints {max_points} returned {len(series['points']):,} of {series['totalPoints']:,} points "
            f"(downsampled {series['downsampled']}), but the run has {total:,}."
        )
    return {"milliseconds": milliseconds, "points": len(series["points"]), "bytes": len(response.content), "loadAverage": load}


def platform_main(spec_path: Path, output_path: Path) -> None:
    """Inside the namespace: bring loopback up, then train on the platform and time the long series."""
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    spec = json.loads(spec_path.read_text())
    folder, csv = Path(spec["folder"]), Path(spec["csv"]["breast_cancer"])
    platform = measure_platform_runs(folder, csv, int(spec["platformRepeats"]))
    print("  training: long metric series", flush=True)
    series = measure_series(folder, csv, int(spec["seriesPoints"]), int(spec["seriesIterations"]), int(spec["fullSeriesIterations"]))
    output_path.write_text(json.dumps({"platform": platform, "series": series}))


# the whole benchmark


@dataclass(frozen=True)
class LoopComparison:
    """One model trained by the platform's loop (with and without histograms) and by Keras' fit, in one process."""

    template: str
    dataset: str
    epochs: int
    batch_size: int
    train_rows: int
    validation_rows: int
    steps_per_epoch: int
    parameters: int
    repeats: int
    platform: Spread
    platform_without_histograms: Spread
    fit: Spread
    ratio: Spread
    """Each repetition's platform seconds divided by its fit seconds."""
    platform_epoch: Spread
    platform_epoch_without_histograms: Spread
    fit_epoch: Spread
    """Median epoch time of each run, its first epoch left out, because it traces the step functions."""
    weight_histograms: Spread
    gradient_histograms: Spread
    histogram_share: Spread
    """Histogram seconds of each epoch divided by that epoch's duration."""
    first_gradient_histograms: Spread
    recording: Spread
    platform_accuracy: Spread
    fit_accuracy: Spread
    load_average: Spread


@dataclass(frozen=True)
class WorkerRuns:
    workers: int
    seconds: Spread
    first_epoch: Spread
    """From sending `startTrainingRun` until a poll shows the first epoch."""
    first_epoch_recorded: Spread
    """From the run's createdAt to its first epoch's recordedAt."""
    finished_recorded: Spread
    """From the run's createdAt to its finishedAt."""
    first_epoch_duration: Spread
    """The first epoch's own `durationSeconds`, which includes tracing the step functions."""
    epoch: Spread
    accuracy: Spread
    load_average: Spread


@dataclass(frozen=True)
class SeriesResult:
    points: int
    batch: int
    commands: int
    record_seconds: float
    project_seconds: float
    kept_points: int
    reader_fetch: Latency
    downsample: Latency
    graphql_downsampled: Latency
    graphql_full: Latency
    graphql_downsampled_points: int
    graphql_downsampled_bytes: int
    graphql_full_bytes: int
    iterations: int
    full_iterations: int
    load_average: float


@dataclass(frozen=True)
class TrainingResult:
    loops: list[LoopComparison]
    workers: list[WorkerRuns] | None
    """None, like `series`, when no loopback-only network namespace could be made."""
    series: SeriesResult | None
    skipped_reason: str | None
    platform_setup_seconds: float | None
    test_rows: int | None
    tensorflow_version: str
    keras_version: str
    ray_version: str
    measured_at: datetime
    seconds: float


def loopback_namespace() -> list[str] | None:
    """Return the command prefix that runs a command in a new network namespace with loopback up, or None where none can be made."""
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        return None
    for prefix in (["unshare", "--net"], ["unshare", "--user", "--map-root-user", "--net"]):
        probe = subprocess.run([*prefix, "ip", "link", "set", "lo", "up"], capture_output=True, timeout=30)
        if probe.returncode == 0:
            return prefix
    return None


def run_child(command: list[str], timeout: int, description: str) -> None:
    """Run a step of this benchmark in its own process, echoing its progress lines, and raise with its output if it fails."""
    environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONPATH": str(REPOSITORY)}
    output: list[str] = []
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(command, cwd=REPOSITORY, env=environment, stdout=subprocess.PIPE, stderr=errors, text=True)
        # `unshare` runs the command in its own process, so killing it stops the step.
        watchdog = threading.Timer(timeout, process.kill)
        watchdog.start()
        try:
            assert process.stdout is not None
            for line in process.stdout:
                output.append(line)
                if line.startswith("  training:"):
                    print(line, end="", flush=True)
            process.wait()
        finally:
            watchdog.cancel()
        errors.seek(0)
        error_tail = errors.read()[-3000:].decode(errors="replace")
    if process.returncode != 0:
        ended = f"was stopped after {timeout} s" if process.returncode == -9 else f"exited with status {process.returncode}"
        raise RuntimeError(f"{description} {ended}:\n{''.join(output)[-3000:]}\n{error_tail}")


def summarize_loop(name: str, measured: dict[str, Any]) -> LoopComparison:
    platform, bare, fit = measured["platform"], measured["platformWithoutHistograms"], measured["fit"]
    if {run["parameters"] for run in platform} != {run["parameters"] for run in fit}:
        raise RuntimeError(f"The {name} baseline has {fit[0]['parameters']} trainable parameters, but the platform's model has {platform[0]['parameters']}.")
    config = measured["config"]

    def steady_epochs(runs: list[dict[str, Any]]) -> Spread:
        return Spread.of([statistics.median(run["epochSeconds"][1:]) for run in runs])

    shares, weights, gradients = [], [], []
    for run in platform:
        for epoch, seconds in enumerate(run["epochSeconds"][1:], start=1):
            histogram_seconds = run["weightHistogramSeconds"][epoch] + run["gradientHistogramSeconds"][epoch]
            shares.append(histogram_seconds / seconds)
        weights.extend(run["weightHistogramSeconds"][1:])
        gradients.extend(run["gradientHistogramSeconds"][1:])

    return LoopComparison(
        template=config["model"]["template"],
        dataset="breast cancer" if name == "mlp" else "digits",
        epochs=config["epochs"],
        batch_size=config["batchSize"],
        train_rows=platform[0]["trainRows"],
        validation_rows=measured["validationRows"],
        steps_per_epoch=platform[0]["stepsPerEpoch"],
        parameters=platform[0]["parameters"],
        repeats=len(platform),
        platform=Spread.of([run["seconds"] for run in platform]),
        platform_without_histograms=Spread.of([run["seconds"] for run in bare]),
        fit=Spread.of([run["seconds"] for run in fit]),
        ratio=Spread.of([run["seconds"] / baseline["seconds"] for run, baseline in zip(platform, fit, strict=True)]),
        platform_epoch=steady_epochs(platform),
        platform_epoch_without_histograms=steady_epochs(bare),
        fit_epoch=steady_epochs(fit),
        weight_histograms=Spread.of(weights),
        gradient_histograms=Spread.of(gradients),
        histogram_share=Spread.of(shares),
        first_gradient_histograms=Spread.of([run["gradientHistogramSeconds"][0] for run in platform]),
        recording=Spread.of([run["recordingSeconds"] for run in platform]),
        platform_accuracy=Spread.of([run["valAccuracy"] for run in platform]),
        fit_accuracy=Spread.of([run["valAccuracy"] for run in fit]),
        load_average=Spread.of([run["loadAverage"] for run in platform + bare + fit]),
    )


def summarize_workers(runs: list[dict[str, Any]]) -> list[WorkerRuns]:
    summaries = []
    for workers in (1, 2):
        mine = [run for run in runs if run["workers"] == workers]
        for run in mine:
            if run["reportedWorkers"] != workers:
                raise RuntimeError(f"A run requested {workers} workers, but its data summary reports {run['reportedWorkers']}.")
        summaries.append(
            WorkerRuns(
                workers=workers,
                seconds=Spread.of([run["seconds"] for run in mine]),
                first_epoch=Spread.of([run["firstEpochSeconds"] for run in mine]),
                first_epoch_duration=Spread.of([run["epochSeconds"][0] for run in mine]),
                first_epoch_recorded=Spread.of([run["firstEpochRecordedSeconds"] for run in mine]),
                finished_recorded=Spread.of([run["finishedRecordedSeconds"] for run in mine]),
                epoch=Spread.of([statistics.median(run["epochSeconds"][1:]) for run in mine]),
                accuracy=Spread.of([run["accuracy"] for run in mine]),
                load_average=Spread.of([run["loadAverage"] for run in mine]),
            )
        )
    return summaries


def summarize_series(measured: dict[str, Any], iterations: int, full_iterations: int) -> SeriesResult:
    return SeriesResult(
        points=measured["points"],
        batch=measured["batch"],
        commands=math.ceil(measured["points"] / measured["batch"]),
        record_seconds=measured["recordSeconds"],
        project_seconds=measured["projectSeconds"],
        kept_points=measured["keptPoints"],
        reader_fetch=latency(measured["readerFetchMs"]),
        downsample=latency(measured["downsampleMs"]),
        graphql_downsampled=latency(measured["graphqlDownsampledMs"]),
        graphql_full=latency(measured["graphqlFullMs"]),
        graphql_downsampled_points=measured["graphqlDownsampledPoints"],
        graphql_downsampled_bytes=measured["graphqlDownsampledBytes"],
        graphql_full_bytes=measured["graphqlFullBytes"],
        iterations=iterations,
        full_iterations=full_iterations,
        load_average=measured["queryLoadAverage"],
    )


def measure(
    repeats: int = LOOP_REPEATS,
    platform_repeats: int = PLATFORM_REPEATS,
    points: int = SERIES_POINTS,
    iterations: int = SERIES_ITERATIONS,
    full_iterations: int = FULL_SERIES_ITERATIONS,
) -> TrainingResult:
    measured_at = datetime.now(timezone.utc)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="modelcloud-bench-training-") as temporary:
        folder = Path(temporary)
        csv = write_datasets(folder)
        spec = {
            "folder": str(folder), "csv": {name: str(path) for name, path in csv.items()},
            "datasets": {"mlp": "breast_cancer", "cnn": "digits"}, "repeats": repeats, "platformRepeats": platform_repeats,
            "seriesPoints": points, "seriesIterations": iterations, "fullSeriesIterations": full_iterations,
        }
        spec_path = folder / "spec.json"
        spec_path.write_text(json.dumps(spec))

        print("  training: platform loop and Keras fit, in one process", flush=True)
        loop_output = folder / "loop.json"
        run_child(
            [sys.executable, "-m", "bench.training", "loop", str(spec_path), str(loop_output)], LOOP_TIMEOUT_SECONDS, "The loop benchmark"
        )
        loops = json.loads(loop_output.read_text())

        prefix = loopback_namespace()
        platform: dict[str, Any] | None = None
        if prefix is not None:
            print("  training: platform runs on a server, in a loopback-only network namespace", flush=True)
            platform_output = folder / "platform.json"
            run_child(
                [*prefix, sys.executable, "-m", "bench.training", "platform", str(spec_path), str(platform_output)],
                PLATFORM_TIMEOUT_SECONDS, "The platform benchmark",
            )
            platform = json.loads(platform_output.read_text())

    return TrainingResult(
        loops=[summarize_loop(name, loops["models"][name]) for name in ("mlp", "cnn")],
        workers=summarize_workers(platform["platform"]["runs"]) if platform else None,
        series=summarize_series(platform["series"], iterations, full_iterations) if platform else None,
        skipped_reason=None if platform else "no private network namespace could be made here (`unshare --net`)",
        platform_setup_seconds=platform["platform"]["setupSeconds"] if platform else None,
        test_rows=platform["platform"]["testRows"] if platform else None,
        tensorflow_version=loops["tensorflow"],
        keras_version=loops["keras"],
        ray_version=importlib.metadata.version("ray"),
        measured_at=measured_at,
        seconds=time.monotonic() - started,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="Measure the platform's training runs on scikit-learn's data.")
    steps = parser.add_subparsers(dest="step")
    for step in ("loop", "platform"):
        child = steps.add_parser(step, help=f"Run the {step} step in this process (the benchmark starts it itself).")
        child.add_argument("spec", type=Path)
        child.add_argument("output", type=Path)
    parser.add_argument("--repeats", type=int, default=LOOP_REPEATS, help="Timed runs of each loop variant and of fit.")
    parser.add_argument("--platform-repeats", type=int, default=PLATFORM_REPEATS, help="Server runs with each number of workers.")
    parser.add_argument("--series-points", type=int, default=SERIES_POINTS, help="Step points in the long series.")
    arguments = parser.parse_args()

    if arguments.step == "loop":
        loop_main(arguments.spec, arguments.output)
        return
    if arguments.step == "platform":
        platform_main(arguments.spec, arguments.output)
        return
    result = measure(arguments.repeats, arguments.platform_repeats, arguments.series_points)
    print(json.dumps(asdict(result), default=str, indent=2))


if __name__ == "__main__":
    main()
