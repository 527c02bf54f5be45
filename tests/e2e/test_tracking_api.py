"""External runs over the public GraphQL API: create, log in batches, read back, finish, and the errors."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from tests.e2e.conftest import CREATE_TEAM, CREATE_TOKEN, unique
from tests.support.graphql_ws import GraphQLWebSocket
from tests.support.server import Client, Server

pytestmark = pytest.mark.e2e

CREATE_RUN = (
    "mutation($i: CreateRunInput!) { createRun(input: $i) { id status source params gitCommit gitDirty tags { key value } } }"
)
LOG = (
    "mutation($i: LogMetricsInput!) { logMetrics(input: $i) { accepted alreadyStored rejected { index name step reason } } }"
)
FINISH = "mutation($i: FinishRunInput!) { finishRun(input: $i) { status failureReason finishedAt } }"
SERIES = (
    "query($id: ID!) { trainingRun(id: $id) { latestMetrics { name value nonFinite } "
    "metrics(names: [\"loss\"]) { totalPoints points { step value nonFinite wallTime } } } }"
)
UPDATED = (
    "subscription($id: ID!) { trainingRunUpdated(id: $id) { run { step } points { name step value nonFinite } "
    "change { action } } }"
)


def now_ms() -> float:
    return float(int(time.time() * 1000))


def open_run(client: Client) -> tuple[str, dict[str, Any]]:
    team_id = client.data(CREATE_TEAM, {"i": {"name": unique("tracking")}})["createTeam"]["id"]
    run = client.data(CREATE_RUN, {"i": {
        "teamId": team_id, "name": "resnet-sweep-3", "params": {"lr": 0.001, "optimizer": "adam"}, "gitCommit": "9f1c2e7",
        "gitDirty": False, "tags": [{"key": "sweep", "value": "3"}],
    }})["createRun"]
    return team_id, run


def test_points_round_trip_with_non_finite(admin_token: Client, server: Server) -> None:
    _team_id, run = open_run(admin_token)
    points = [
        {"name": "loss", "step": 0, "value": 0.7, "wallTime": now_ms()},
        {"name": "loss", "step": 1, "nonFinite": "NAN", "wallTime": now_ms()},
        {"name": "loss", "step": 2, "nonFinite": "INFINITY", "wallTime": now_ms()},
        {"name": "loss", "step": 3, "nonFinite": "NEGATIVE_INFINITY", "wallTime": now_ms()},
        {"name": "val/AR@100", "step": 3, "value": 0.42, "wallTime": now_ms()},
    ]

    async def log_and_watch() -> tuple[dict[str, Any], dict[str, Any]]:
        socket = await GraphQLWebSocket.connect(server.ws_url, payload={"token": server.admin_token})
        operation = await socket.subscribe(UPDATED, {"id": run["id"]})
        await socket.next_data(operation)
        logged = await asyncio.to_thread(admin_token.data, LOG, {"i": {"runId": run["id"], "batchId": "b-1", "points": points}})
        update = (await socket.next_data(operation))["trainingRunUpdated"]
        await socket.close()
        return logged["logMetrics"], update

    logged, update = asyncio.run(log_and_watch())
    series = admin_token.data(SERIES, {"id": run["id"]})["trainingRun"]

    assert run["status"] == "RUNNING"
    assert run["source"] == "external"
    assert run["params"] == {"lr": 0.001, "optimizer": "adam"}
    assert run["gitCommit"] == "9f1c2e7"
    assert logged == {"accepted": 5, "alreadyStored": False, "rejected": []}
    assert update["change"]["action"] == "TrainingRun.MetricsLogged"
    assert update["run"]["step"] == 3
    assert [(p["name"], p["step"], p["value"], p["nonFinite"]) for p in update["points"]] == [
        ("loss", 0, 0.7, None), ("loss", 1, None, "NaN"), ("loss", 2, None, "Infinity"), ("loss", 3, None, "-Infinity"),
        ("val/AR@100", 3, 0.42, None),
    ]
    assert [(p["step"], p["value"], p["nonFinite"]) for p in series["metrics"][0]["points"]] == [
        (0, 0.7, None), (1, None, "NaN"), (2, None, "Infinity"), (3, None, "-Infinity"),
    ]
    assert {"name": "val/AR@100", "value": 0.42, "nonFinite": None} in series["latestMetrics"]


def test_retried_batch_and_bad_points(admin_token: Client) -> None:
    _team_id, run = open_run(admin_token)
    batch = {"runId": run["id"], "batchId": "retry-7", "points": [
        {"name": "acc", "step": 1, "value": 0.5, "wallTime": now_ms()},
        {"name": "acc", "step": 2, "value": 0.6, "wallTime": now_ms() / 1000},
    ]}

    first = admin_token.data(LOG, {"i": batch})["logMetrics"]
    again = admin_token.data(LOG, {"i": batch})["logMetrics"]

    assert first["accepted"] == 1
    assert first["rejected"][0]["index"] == 1
    assert "looks like seconds" in first["rejected"][0]["reason"]
    assert again == {"accepted": 0, "alreadyStored": True, "rejected": []}


def test_value_and_non_finite_together_rejected(admin_token: Client) -> None:
    _team_id, run = open_run(admin_token)
    point = {"name": "loss", "step": 0, "value": 1.0, "nonFinite": "NAN", "wallTime": now_ms()}

    error = admin_token.error(LOG, {"i": {"runId": run["id"], "batchId": "x", "points": [point]}})

    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == "points[0].value"


def test_finish_then_log_conflicts(admin_token: Client) -> None:
    _team_id, run = open_run(admin_token)

    finished = admin_token.data(FINISH, {"i": {"runId": run["id"], "status": "FAILED", "reason": "CUDA out of memory"}})
    error = admin_token.error(LOG, {"i": {"runId": run["id"], "batchId": "late", "points": [
        {"name": "loss", "step": 9, "value": 0.1, "wallTime": now_ms()}]}})

    assert finished["finishRun"]["status"] == "FAILED"
    assert finished["finishRun"]["failureReason"] == "CUDA out of memory"
    assert error["extensions"]["code"] == "CONFLICT"
    assert "has already ended as failed" in error["message"]


def test_unknown_run_not_found(admin_token: Client) -> None:
    error = admin_token.error(LOG, {"i": {"runId": "00000000-0000-4000-8000-000000000000", "batchId": "x", "points": []}})

    assert error["extensions"]["code"] == "NOT_FOUND"
    assert error["extensions"]["field"] == "runId"


def test_read_token_cannot_log(admin: Client, admin_token: Client, server: Server) -> None:
    team_id, run = open_run(admin_token)
    created = admin.data(CREATE_TOKEN, {"i": {"teamId": team_id, "name": unique("reader"), "scopes": ["READ"]}})
    reader = Client(server, token=created["createApiToken"]["secret"])
    batch = {"runId": run["id"], "batchId": "r-1", "points": [{"name": "loss", "step": 0, "value": 0.1, "wallTime": now_ms()}]}

    error = reader.error(LOG, {"i": batch})
    series = reader.data(SERIES, {"id": run["id"]})["trainingRun"]
    reader.close()

    assert error["extensions"]["code"] == "FORBIDDEN"
    assert series["metrics"][0]["totalPoints"] == 0
