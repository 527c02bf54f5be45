"""One client process of the tracking ingest benchmark: log the same points to ModelCloud or MLflow, then read them back.

    python -m bench.tracking_ingest_client modelcloud SPEC_JSON RESULT_JSON   (MODELCLOUD_TOKEN set)
    python -m bench.tracking_ingest_client mlflow SPEC_JSON RESULT_JSON

`bench/tracking_ingest.py` runs `modelcloud` with ModelCloud's virtualenv and `mlflow` with
bench/.venv-mlflow. Only the standard library is imported at the top, so each process loads
only the client under test, and its peak RSS covers that client and the logging loop.

The spec names the server, the metric names, the number of steps and a file of float64
values in native byte order, one per point, step by step and in the order of the names
within a step. The training loop logs every name at every step as fast as it can, with
nothing else in the loop. The result is a JSON object written to RESULT_JSON: the seconds of
each phase on this process's monotonic clock, the client's CPU seconds and peak RSS, and what
reading every point back returned.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import time
from array import array
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.dataset_ingest_subprocess import cpu_seconds, current_rss_bytes, peak_rss_bytes

RUN_STATUS = "query($id: ID!) { trainingRun(id: $id) { status } }"
RUN_SERIES = (
    "query($id: ID!, $names: [String!], $max: Int!) { trainingRun(id: $id) { "
    "metrics(names: $names, maxPoints: $max) { name totalPoints downsampled points { step value nonFinite } } } }"
)
# The `nonFinite` values of ModelCloud's GraphQL API, which returns `value` null for a non-finite point.
NON_FINITE_VALUES = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


def process_group_cpu_seconds(group: int) -> float:
    """Return the user plus system CPU seconds of the live processes in a process group, read from /proc."""
    ticks = 0
    for stat_path in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat_path.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group:
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def load_values(path: str, expected: int) -> array:
    values = array("d")
    values.frombytes(Path(path).read_bytes())
    if len(values) != expected:
        raise ValueError(f"{path} contains {len(values):,} values, but the spec asks for {expected:,}.")
    return values


def wait_until(check: Callable[[], bool], timeout: float, interval: float, description: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"Timed out after {timeout:.0f} s waiting until {description}.")
        time.sleep(interval)


def non_finite_label(value: float) -> str | None:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return None


def compare_points(names: list[str], steps: int, values: array, returned: dict[str, list[tuple[float, float]]]) -> dict[str, Any]:
    """Count the points read back that are missing, duplicated, unexpected or changed, and what came back for NaN and ±inf.

    `returned` maps each name to its (step, value) pairs. A finite value counts as changed
    unless it comes back bit for bit. For each kind of non-finite value the result counts
    the values that came back, by their repr, so that a NaN stored as 0.0 shows up as "0.0".
    """
    width = len(names)
    counts = Counter[str]()
    non_finite: dict[str, Counter[str]] = {label: Counter() for label in NON_FINITE_VALUES}
    for position, name in enumerate(names):
        seen: set[int] = set()
        for step, value in returned.get(name, []):
            whole = int(step)
            if whole != step or not 0 <= whole < steps:
                counts["unexpected"] += 1
                continue
            if whole in seen:
                counts["duplicated"] += 1
                continue
            seen.add(whole)
            counts["returned"] += 1
            logged = values[whole * width + position]
            label = non_finite_label(logged)
            if label is not None:
                non_finite[label][repr(value)] += 1
            elif value != logged:
                counts["changed"] += 1
        counts["missing"] += steps - len(seen)
    return {
        "returned": counts["returned"],
        "missing": counts["missing"],
        "duplicated": counts["duplicated"],
        "unexpected": counts["unexpected"],
        "changed": counts["changed"],
        "nonFinite": {label: dict(found) for label, found in non_finite.items()},
    }


# ModelCloud


def log_to_modelcloud(spec: dict[str, Any]) -> dict[str, Any]:
    """Log every point through `modelcloud.init`, `Run.log` and `Run.finish` with the client's default batching, then read them back."""
    import httpx
    import modelcloud

    names, steps = spec["names"], spec["steps"]
    values = load_values(spec["values"], steps * len(names))
    width = len(names)
    rss_after_imports = current_rss_bytes()

    # A flush_timeout longer than the default 30 s only lets `finish` wait for the last batch, and batching stays the default.
    run = modelcloud.init(
        team=spec["team"], name=spec["runName"], url=spec["url"], buffer_dir=spec["bufferDir"],
        flush_timeout=spec["timeoutSeconds"],
    )
    log_seconds = 0.0
    cpu_before, server_cpu_before = cpu_seconds(), process_group_cpu_seconds(spec["serverGroup"])
    began = time.perf_counter()
    for step in range(steps):
        row = step * width
        metrics = {name: values[row + position] for position, name in enumerate(names)}
        called = time.perf_counter()
        run.log(metrics, step=step)
        log_seconds += time.perf_counter() - called
    looped = time.perf_counter()
    sent_all = run.finish()
    finished = time.perf_counter()
    client_cpu = cpu_seconds() - cpu_before
    peak_rss = peak_rss_bytes()
    if not sent_all:
        raise RuntimeError(f"run.finish() returned False: records of run {run.id} were left in {run.buffer_dir}.")

    # The run's status and its points are in the same read model, written in log order, and the client sent
    # the finish after the last batch of points. So once the status is SUCCEEDED every point is readable.
    headers = {"Authorization": f"Bearer {os.environ['MODELCLOUD_TOKEN']}"}
    with httpx.Client(base_url=spec["url"], headers=headers, trust_env=False, timeout=60.0) as client:

        def graphql(query: str, variables: dict[str, Any]) -> dict[str, Any]:
            response = client.post("/graphql", json={"query": query, "variables": variables})
            body = response.json()
            if response.status_code != 200 or body.get("errors"):
                raise RuntimeError(f"GraphQL request failed with HTTP {response.status_code}: {json.dumps(body)[:500]}")
            return body["data"]

        def succeeded() -> bool:
            return graphql(RUN_STATUS, {"id": run.id})["trainingRun"]["status"] == "SUCCEEDED"

        wait_until(succeeded, spec["timeoutSeconds"], spec["pollSeconds"], f"run {run.id} is SUCCEEDED")
        readable = time.perf_counter()
        server_cpu = process_group_cpu_seconds(spec["serverGroup"]) - server_cpu_before

        returned: dict[str, list[tuple[float, float]]] = {}
        total_points = 0
        for name in names:
            series = graphql(RUN_SERIES, {"id": run.id, "names": [name], "max": steps})["trainingRun"]["metrics"][0]
            total_points += series["totalPoints"]
            returned[name] = [
                (point["step"], point["value"] if point["nonFinite"] is None else NON_FINITE_VALUES[point["nonFinite"]])
                for point in series["points"]
            ]
        read_back = time.perf_counter()

    return {
        "runId": run.id,
        "logSeconds": log_seconds,
        "loopSeconds": looped - began,
        "finishSeconds": finished - looped,
        "storedSeconds": finished - began,
        "readableSeconds": readable - began,
        "readBackSeconds": read_back - readable,
        "clientCpuSeconds": client_cpu,
        "serverCpuSeconds": server_cpu,
        "peakRssBytes": peak_rss,
        "rssAfterImportsBytes": rss_after_imports,
        "totalPoints": total_points,
        "check": compare_points(names, steps, values, returned),
        "version": modelcloud.__version__,
    }


# MLflow


def log_to_mlflow(spec: dict[str, Any]) -> dict[str, Any]:
    """Log every point with `MlflowClient.log_batch`, `batchSize` metrics a call, end the run, then read the points back."""
    import mlflow
    from mlflow import MlflowClient
    from mlflow.entities import Metric, RunStatus

    names, steps, batch_size = spec["names"], spec["steps"], spec["batchSize"]
    values = load_values(spec["values"], steps * len(names))
    width = len(names)
    rss_after_imports = current_rss_bytes()

    client = MlflowClient(tracking_uri=spec["url"])
    experiment_id = client.create_experiment(spec["runName"])
    run_id = client.create_run(experiment_id, run_name=spec["runName"]).info.run_id
    log_seconds = 0.0
    batch: list[Metric] = []
    cpu_before, server_cpu_before = cpu_seconds(), process_group_cpu_seconds(spec["serverGroup"])
    began = time.perf_counter()
    for step in range(steps):
        row = step * width
        timestamp = int(time.time() * 1000)
        batch.extend(Metric(name, values[row + position], timestamp, step) for position, name in enumerate(names))
        if len(batch) >= batch_size or step == steps - 1:
            called = time.perf_counter()
            client.log_batch(run_id, metrics=batch)
            log_seconds += time.perf_counter() - called
            batch = []
    looped = time.perf_counter()
    client.set_terminated(run_id)
    finished = time.perf_counter()
    client_cpu = cpu_seconds() - cpu_before
    peak_rss = peak_rss_bytes()

    # log_batch returns after the server committed the points, so one read that returns the ended run is enough.
    wait_until(
        lambda: client.get_run(run_id).info.status == RunStatus.to_string(RunStatus.FINISHED),
        spec["timeoutSeconds"], spec["pollSeconds"], f"run {run_id} is FINISHED",
    )
    readable = time.perf_counter()
    server_cpu = process_group_cpu_seconds(spec["serverGroup"]) - server_cpu_before

    returned = {name: [(metric.step, metric.value) for metric in client.get_metric_history(run_id, name)] for name in names}
    read_back = time.perf_counter()

    return {
        "runId": run_id,
        "logSeconds": log_seconds,
        "loopSeconds": looped - began,
        "finishSeconds": finished - looped,
        "storedSeconds": looped - began,
        "readableSeconds": readable - began,
        "readBackSeconds": read_back - readable,
        "clientCpuSeconds": client_cpu,
        "serverCpuSeconds": server_cpu,
        "peakRssBytes": peak_rss,
        "rssAfterImportsBytes": rss_after_imports,
        "totalPoints": sum(len(points) for points in returned.values()),
        "check": compare_points(names, steps, values, returned),
        "version": mlflow.__version__,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="Log the benchmark's points to one tracking server and write the timings as JSON.")
    parser.add_argument("client", choices=["modelcloud", "mlflow"], help="The client library to log with.")
    parser.add_argument("spec", type=Path, help="JSON file with the server URL, metric names, steps and the values file.")
    parser.add_argument("result", type=Path, help="File to write the result to, as JSON.")
    arguments = parser.parse_args()

    spec = json.loads(arguments.spec.read_text())
    result = log_to_modelcloud(spec) if arguments.client == "modelcloud" else log_to_mlflow(spec)
    arguments.result.write_text(json.dumps(result))


if __name__ == "__main__":
    main()
