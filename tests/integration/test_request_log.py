"""The request log's sampling, storage and live subscription, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from backend.application import request_log
from backend.application.request_log import LoggedCall, RequestSampler
from backend.graphql import deployments as deployments_graphql
from backend.runtime import Runtime
from tests.conftest import FrozenClock
from tests.integration.test_deployments import ConstantServer, Deployments
from tests.integration.test_telemetry import serving
from tests.support.graphql_ws import GraphQLWebSocket, SubscriptionError

pytestmark = pytest.mark.integration


def call(deployment_id: str, number: int) -> LoggedCall:
    return LoggedCall(deployment_id=deployment_id, logged_at=f"2026-12-01T09:00:{number:02d}.000000+00:00", version=1,
                      caller="someone", rows=1, latency_ms=2.5, inputs={"features": [[float(number)] * 3]},
                      outputs={"predictions": [[0.5]]})


def test_sampler_takes_exact_share() -> None:
    sampler = RequestSampler()

    taken = [sampler.take("a", 0.1) for _ in range(100)]

    assert sum(taken) == 10
    assert [index for index, kept in enumerate(taken) if kept][:3] == [9, 19, 29]
    assert sum(sampler.take("b", 0.0) for _ in range(50)) == 0
    assert sum(sampler.take("c", 1.0) for _ in range(50)) == 50


def test_entries_numbered_newest_first(runtime: Runtime) -> None:
    runtime.request_log.append([call("d1", 1), call("d1", 2), call("d2", 3)])
    runtime.request_log.append([call("d1", 4)])

    entries = runtime.request_log.entries("d1", None, 10)

    assert [row["entry_id"] for row in entries] == [3, 2, 1]
    assert entries[0]["inputs"] == '{"features": [[4.0, 4.0, 4.0]]}'
    assert [row["entry_id"] for row in runtime.request_log.entries("d1", 3, 10)] == [2, 1]
    assert len(runtime.request_log.entries("d2", None, 10)) == 1


def test_oldest_entries_dropped_beyond_cap(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(request_log, "MAX_ENTRIES_PER_DEPLOYMENT", 3)

    runtime.request_log.append([call("d1", number) for number in range(1, 6)])

    assert [row["entry_id"] for row in runtime.request_log.entries("d1", None, 10)] == [5, 4, 3]


APPENDED = (
    "subscription($d: ID!, $after: Int) { requestLogAppended(deploymentId: $d, after: $after) { deploymentId hasGap "
    "entries { entryId rows inputs caller username token { name prefix } } } }"
)


@pytest.fixture
def deployments(runtime: Runtime, clock: FrozenClock, dataset_files: Path, model_files: Path) -> Deployments:
    return Deployments(runtime, clock, dataset_files, model_files)


def issue(deployments: Deployments, name: str, scopes: list[str]) -> str:
    issued = deployments.runtime.identity.issue_token(deployments.editor, deployments.cause(deployments.editor),
                                                      team_id=deployments.team_id, name=name, scopes=scopes)
    assert deployments.runtime.projections.wait_for(issued.outcome.position)
    return issued.secret


def test_sampled_calls_pushed_when_written(deployments: Deployments) -> None:
    deployment_id = str(deployments.deploy(request_log_sample=1.0))
    deployments.healthy(uuid.UUID(deployment_id), 1)
    deployments.runtime.predictions.server = ConstantServer(0.5)
    reader, predictor = issue(deployments, "dashboard", ["read"]), issue(deployments, "ci-smoke", ["predict"])

    async def scenario() -> tuple[dict[str, Any], int, dict[str, Any]]:
        async with serving(deployments.runtime) as address:
            socket = await GraphQLWebSocket.connect(f"ws://{address}/graphql", payload={"token": reader})
            try:
                operation = await socket.subscribe(APPENDED, {"d": deployment_id})
                subscribed = await socket.next_data(operation)
                # Another deployment's entries are not this subscription's.
                await asyncio.to_thread(deployments.runtime.request_log.append, [call("elsewhere", 1)])
                headers = {"Authorization": f"Bearer {predictor}"}
                async with httpx.AsyncClient(base_url=f"http://{address}", headers=headers, timeout=30) as http:
                    for value in (0.0, 1.0):
                        answered = await http.post("/v1/models/cancer:predict", json={"instances": [[value] * 30]})
                        assert answered.status_code == 200, answered.text
                # `modelcloud serve` runs this every MODELCLOUD_REQUEST_LOG_FLUSH_SECONDS.
                written = await asyncio.to_thread(deployments.runtime.meter.flush_sampled)
                pushed = await socket.next_data(operation)
            finally:
                await socket.close()
        return subscribed, written, pushed

    subscribed, written, pushed = asyncio.run(scenario())

    assert subscribed["requestLogAppended"] == {"deploymentId": deployment_id, "hasGap": False, "entries": []}
    assert written == 2
    appended = pushed["requestLogAppended"]
    assert appended["hasGap"] is False
    assert [entry["entryId"] for entry in appended["entries"]] == [2, 1]
    assert [entry["inputs"] for entry in appended["entries"]] == [{"features": [[1.0] * 30]}, {"features": [[0.0] * 30]}]
    assert {entry["token"]["name"] for entry in appended["entries"]} == {"ci-smoke"}


def test_subscriber_catches_up_from_after(deployments: Deployments, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(deployments_graphql, "REQUEST_LOG_PUSH_LIMIT", 2)
    deployment_id = str(deployments.deploy())
    deployments.runtime.request_log.append([call(deployment_id, number) for number in range(1, 4)])
    reader = issue(deployments, "dashboard", ["read"])

    async def scenario() -> tuple[dict[str, Any], dict[str, Any]]:
        async with serving(deployments.runtime) as address:
            socket = await GraphQLWebSocket.connect(f"ws://{address}/graphql", payload={"token": reader})
            try:
                behind = await socket.next_data(await socket.subscribe(APPENDED, {"d": deployment_id, "after": 0}))
                close = await socket.next_data(await socket.subscribe(APPENDED, {"d": deployment_id, "after": 2}))
            finally:
                await socket.close()
        return behind, close

    behind, close = asyncio.run(scenario())

    # Three entries follow entry 0 but one message carries two, so it sets hasGap and the client reads the log again.
    assert [entry["entryId"] for entry in behind["requestLogAppended"]["entries"]] == [3, 2]
    assert behind["requestLogAppended"]["hasGap"] is True
    assert [entry["entryId"] for entry in close["requestLogAppended"]["entries"]] == [3]
    assert close["requestLogAppended"]["hasGap"] is False


def test_subscription_needs_read_scope(deployments: Deployments) -> None:
    deployment_id = str(deployments.deploy())
    predictor = issue(deployments, "ci-smoke", ["predict"])

    async def scenario() -> SubscriptionError:
        async with serving(deployments.runtime) as address:
            socket = await GraphQLWebSocket.connect(f"ws://{address}/graphql", payload={"token": predictor})
            try:
                with pytest.raises(SubscriptionError) as raised:
                    await socket.next_data(await socket.subscribe(APPENDED, {"d": deployment_id}))
            finally:
                await socket.close()
        return raised.value

    error = asyncio.run(scenario())

    assert error.payload[0]["extensions"]["code"] == "FORBIDDEN"
    assert "scope 'read'" in error.payload[0]["message"]
