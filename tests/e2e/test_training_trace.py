"""One trace shows a training run from the startTrainingRun mutation to its registered model version.

The server exports spans over OTLP/HTTP to a receiver this test runs on 127.0.0.1, and so do the
Ray workers it starts, which get the OTEL_* variables from it.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from backend.application.eventstore import EventStore
from backend.trace_context import span_context_of
from tests.e2e.conftest import CREATE_TEAM, unique
from tests.e2e.test_training_flow import (
    CREATE_CONFIG, CREATE_DATASET, FINAL_ACTIONS, REGISTER, RUN, START, UPDATED, UPLOAD_VERSION, VERSION_STATUS, upload, wait_for,
)
from tests.support.datasets import frame
from tests.support.graphql_ws import GraphQLWebSocket
from tests.support.server import Client, Server, start_server
from tests.support.tracing import Collector, ExportedSpan, exported_spans, running_collector

pytestmark = pytest.mark.e2e

RUN_TIMEOUT = 240.0
EXPORT_TIMEOUT = 30.0
SMALL_MLP = {
    "model": {"template": "tabular_mlp", "hiddenUnits": [8]}, "epochs": 2, "batchSize": 64, "seed": 7,
    "optimizer": {"name": "adam", "learningRate": 0.01}, "metrics": ["accuracy"], "checkpointEveryEpochs": 1,
}


@pytest.fixture
def traced(tmp_path: Path) -> Iterator[tuple[Server, Collector]]:
    """A server of its own whose spans, and its Ray workers' spans, go to a local OTLP receiver."""
    with running_collector() as collector:
        server = start_server(
            tmp_path / "server", OTEL_EXPORTER_OTLP_ENDPOINT=collector.url, OTEL_SERVICE_NAME="modelcloud-api",
            # Export every 100 ms instead of every 5 s, so the receiver has the spans soon after the run.
            OTEL_BSP_SCHEDULE_DELAY="100",
        )
        try:
            yield server, collector
        finally:
            server.stop()


def split_cancer_csv(folder: Path) -> Path:
    """Write the breast cancer data with a `split` column, so the uploaded version is ready to train without a derivation."""
    data = frame("breast_cancer")
    data["split"] = [split_of(index) for index in range(len(data))]
    path = folder / "breast_cancer_split.csv"
    data.to_csv(path, index=False)
    return path


def split_of(row: int) -> str:
    """Put one row in ten into the test split, one into validation, and the rest into train."""
    if row % 10 == 9:
        return "test"
    if row % 10 == 8:
        return "validation"
    return "train"


def prepare_run(server: Server, client: Client, csv: Path) -> dict[str, str]:
    """Create a team with a ready dataset version, a model and a configuration profile; return the startTrainingRun input."""
    team_id = client.data(CREATE_TEAM, {"i": {"name": unique("traced")}})["createTeam"]["id"]
    dataset_id = client.data(CREATE_DATASET, {"i": {"teamId": team_id, "name": "cancer"}})["createDataset"]["id"]
    upload_id = upload(server, csv.read_bytes(), csv.name, team_id)
    version_id = client.data(UPLOAD_VERSION, {"i": {"datasetId": dataset_id, "uploadId": upload_id, "label": "target"}})[
        "uploadDatasetVersion"
    ]["id"]
    status = wait_for(
        lambda: (s := client.data(VERSION_STATUS, {"id": version_id})["datasetVersion"]["status"]) != "PROFILING" and s,
        120, "profiling",
    )
    assert status == "READY"
    model_id = client.data(REGISTER, {"i": {"teamId": team_id, "name": "traced-model"}})["registerModel"]["id"]
    config_id = client.data(CREATE_CONFIG, {"i": {"teamId": team_id, "name": "small", "document": SMALL_MLP}})[
        "createConfigProfile"
    ]["id"]
    return {"modelId": model_id, "datasetVersionId": version_id, "configProfileId": config_id}


def start_and_follow(server: Server, client: Client, values: dict[str, str]) -> str:
    """Start the run and follow its updates over a subscription until it ends; return the run's id."""

    async def follow() -> str:
        run = await asyncio.to_thread(client.data, START, {"i": values})
        run_id = run["startTrainingRun"]["id"]
        socket = await GraphQLWebSocket.connect(server.ws_url, payload={"token": server.admin_token})
        try:
            operation = await socket.subscribe(UPDATED, {"id": run_id})
            while True:
                update = (await socket.next_data(operation, timeout=RUN_TIMEOUT))["trainingRunUpdated"]
                if update["change"] and update["change"]["action"] in FINAL_ACTIONS:
                    return run_id
        finally:
            await socket.close()

    return asyncio.run(follow())


def one(spans: list[ExportedSpan], name: str, parent: ExportedSpan | None = None) -> ExportedSpan:
    """Return the one span named `name` (and child of `parent`, when given); fails listing the names present."""
    found = [span for span in spans if span.name == name and (parent is None or span.parent_span_id == parent.span_id)]
    assert len(found) == 1, f"{len(found)} spans named {name!r}{' under ' + parent.name if parent else ''}; have {sorted({s.name for s in spans})}"
    return found[0]


def trace_of(collector: Collector, root_name: str, required: set[str]) -> list[ExportedSpan]:
    """Wait until the trace that starts at the one span `root_name` has spans of every name in `required`; return its spans."""

    def complete() -> list[ExportedSpan] | None:
        spans = exported_spans(list(collector.received))
        roots = [span for span in spans if span.name == root_name]
        if len(roots) != 1:
            return None
        trace = [span for span in spans if span.trace_id == roots[0].trace_id]
        return trace if required <= {span.name for span in trace} else None

    return wait_for(complete, EXPORT_TIMEOUT, f"a trace from {root_name!r} with spans {sorted(required)}")


def test_training_run_is_one_trace(traced: tuple[Server, Collector], tmp_path: Path) -> None:
    server, collector = traced
    client = Client(server, token=server.admin_token)
    values = prepare_run(server, client, split_cancer_csv(tmp_path))

    run_id = start_and_follow(server, client, values)
    run = client.data(RUN, {"id": run_id})["trainingRun"]
    trace = trace_of(collector, "graphql startTrainingRun", {"command recordTrainingSucceeded"})

    assert run["status"] == "SUCCEEDED", run["failureReason"]
    # The click: the mutation, its command and the append of the run's first events, in the API process.
    mutation = one(trace, "graphql startTrainingRun")
    assert mutation.parent_span_id == ""
    assert mutation.service == "modelcloud-api"
    start = one(trace, "command startTrainingRun", parent=mutation)
    one(trace, "append", parent=start)

    # The read model of runs applies those events in a batch that links to the command.
    projection = one(trace, "projection training", parent=start)
    assert (start.trace_id, start.span_id) in projection.links

    # The supervisor continues the trace from the run's first event and starts the attempt.
    launch = one(trace, "launch training attempt", parent=start)
    assert launch.service == "modelcloud-api"
    assert launch.attributes["modelcloud.run_id"] == run_id
    assert launch.attributes["modelcloud.attempt"] == 1
    one(trace, "command startTrainingAttempt", parent=launch)

    # The Ray actor exports its own spans under the worker's service name.
    attempt = one(trace, "training attempt", parent=launch)
    assert attempt.service == "modelcloud-worker"
    assert attempt.attributes["modelcloud.outcome"] == "succeeded"
    for number in (1, 2):
        epoch = one(trace, f"epoch {number}", parent=attempt)
        assert epoch.service == "modelcloud-worker"
        one(trace, "command recordTrainingEpoch", parent=epoch)
        one(trace, "command recordTrainingCheckpoint", parent=epoch)
    one(trace, "save model", parent=attempt)

    # The command that records the success also registers the model version, in the same append.
    succeeded = one(trace, "command recordTrainingSucceeded", parent=attempt)
    assert succeeded.service == "modelcloud-worker"
    one(trace, "append", parent=succeeded)
    store = EventStore(server.database_url)
    try:
        registered = span_context_of(store.creation_traceparent(uuid.UUID(run["modelVersionId"])))
    finally:
        store.close()
    assert registered is not None
    assert (f"{registered.trace_id:032x}", f"{registered.span_id:016x}") == (succeeded.trace_id, succeeded.span_id)

    # The subscriber's message about the success is pushed within the same trace. Its span ends
    # once the message is sent, so it may reach the receiver after the others.
    pushes = wait_for(
        lambda: [
            span for span in exported_spans(list(collector.received))
            if span.name == "push trainingRunUpdated" and span.parent_span_id == succeeded.span_id
        ],
        EXPORT_TIMEOUT, "the push of the run's success",
    )
    assert len(pushes) == 1
    assert pushes[0].trace_id == mutation.trace_id
    assert (succeeded.trace_id, succeeded.span_id) in pushes[0].links
    assert {span.service for span in trace} == {"modelcloud-api", "modelcloud-worker"}
