"""Subscriptions that a client opens and stops at once, as the web app does when pages change fast, end cleanly."""

from __future__ import annotations

import asyncio
import gc
import logging
import uuid
from typing import Any

import httpx
import pytest

from backend.runtime import Runtime
from tests.integration.test_telemetry import REGISTER, post, serving
from tests.support.graphql_ws import GraphQLWebSocket

pytestmark = pytest.mark.integration

EVENTS = "subscription($f: AuditLogFilter) { events(filter: $f) { position action summary } }"
MODEL_UPDATED = "subscription($id: ID!) { modelUpdated(id: $id) { model { description } change { action } } }"
WALL = "subscription($team: ID!) { monitoringWall(teamId: $team) { teamId at } }"
DESCRIBE = "mutation($i: UpdateModelInput!) { updateModel(input: $i) { id } }"
SOCKETS = 4
ROUNDS = 40


async def churn(socket: GraphQLWebSocket, model_id: str, team_id: str) -> None:
    """Start subscriptions and stop each one after a few loop turns, before or while it reads.

    The monitoring wall is stopped after its first state, while it waits for the next change.
    """
    for round_number in range(ROUNDS):
        events = await socket.subscribe(EVENTS, {"f": {"teamId": team_id}})
        model = await socket.subscribe(MODEL_UPDATED, {"id": model_id})
        wall = await socket.subscribe(WALL, {"team": team_id})
        for _ in range(round_number % 5):
            await asyncio.sleep(0)
        await socket.complete(events)
        await socket.complete(model)
        await socket.next_data(wall)
        await socket.complete(wall)


async def describe_repeatedly(http: httpx.AsyncClient, model_id: str, stop: asyncio.Event) -> int:
    """Change the model until `stop` is set, so subscribers keep reading changes and audit entries."""
    changes = 0
    while not stop.is_set():
        await post(http, DESCRIBE, {"i": {"id": model_id, "description": f"change {changes}"}})
        changes += 1
    return changes


def test_stopped_subscriptions_leave_no_task(runtime: Runtime, caplog: pytest.LogCaptureFixture) -> None:
    credentials = runtime.bootstrap()
    assert credentials is not None
    assert runtime.projections.wait_for(credentials.outcome.position)
    team_id = str(credentials.team_id)

    async def scenario() -> int:
        async with serving(runtime) as address:
            headers = {"Authorization": f"Bearer {credentials.token}"}
            async with httpx.AsyncClient(base_url=f"http://{address}", headers=headers, timeout=30) as http:
                name = f"churn-{uuid.uuid4().hex[:8]}"
                model_id = (await post(http, REGISTER, {"i": {"teamId": team_id, "name": name}}))["registerModel"]["id"]
                sockets = [
                    await GraphQLWebSocket.connect(f"ws://{address}/graphql", payload={"token": credentials.token})
                    for _ in range(SOCKETS)
                ]
                stop = asyncio.Event()
                changing = asyncio.create_task(describe_repeatedly(http, model_id, stop))
                try:
                    await asyncio.gather(*(churn(socket, model_id, team_id) for socket in sockets))
                finally:
                    stop.set()
                    changes = await changing
                    for socket in sockets:
                        await socket.close()
            # Collected here, a task that no one references any more is reported while the loop still runs.
            for _ in range(3):
                gc.collect()
                await asyncio.sleep(0.05)
        return changes

    with caplog.at_level(logging.ERROR, logger="asyncio"):
        changes = asyncio.run(scenario())
        gc.collect()

    destroyed = [record.getMessage() for record in caplog.records if "Task was destroyed" in record.getMessage()]
    assert changes > 0
    assert destroyed == []
