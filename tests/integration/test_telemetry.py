"""One trace follows a change from the GraphQL operation through its command and append to the projections and pushes."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from eventsourcing.persistence import StoredEvent
from opentelemetry.sdk.trace import ReadableSpan

from backend.domain.base import Cause, NameIndex
from backend.http.app import create_app
from backend.projections.audit import AuditFilter
from backend.runtime import Runtime
from tests.integration.test_event_store import admin_of, stored_events
from tests.support.graphql_ws import GraphQLWebSocket
from tests.support.server import free_port
from tests.support.tracing import SpanCapture

pytestmark = pytest.mark.integration

REGISTER = "mutation RegisterTraced($i: RegisterModelInput!) { registerModel(input: $i) { id } }"
DESCRIBE = "mutation DescribeTraced($i: UpdateModelInput!) { updateModel(input: $i) { id description } }"
MODEL_UPDATED = "subscription($id: ID!) { modelUpdated(id: $id) { model { description } change { action } } }"
SERVER_START_TIMEOUT = 10.0
REPOSITORY = Path(__file__).resolve().parents[2]


def traceparent_of(span: ReadableSpan) -> str:
    context = span.get_span_context()
    return f"00-{context.trace_id:032x}-{context.span_id:016x}-{context.trace_flags:02x}"


def named(spans: list[ReadableSpan], name: str) -> list[ReadableSpan]:
    return [span for span in spans if span.name == name]


def linked_to(span: ReadableSpan, target: ReadableSpan) -> bool:
    expected = (target.context.trace_id, target.context.span_id)
    return expected in {(link.context.trace_id, link.context.span_id) for link in span.links}


def test_command_and_projection_spans_share_correlation_id(runtime: Runtime, clock, spans: SpanCapture) -> None:
    admin = admin_of(runtime)
    spans.exporter.clear()

    _, outcome = runtime.identity.create_team(admin, Cause.new(admin.actor, None, at=clock(), correlation_id="trace-me"), name="Traced")
    assert runtime.projections.wait_for(outcome.position)

    finished = spans.spans()
    command = named(finished, "command createTeam")
    batches = [span for span in finished if span.name.startswith("projection ")]
    assert command[0].attributes["modelcloud.correlation_id"] == "trace-me"
    assert {span.attributes["modelcloud.projection"] for span in batches} >= {"identity", "audit"}
    assert all("trace-me" in span.attributes["modelcloud.correlation_ids"] for span in batches)


def test_events_carry_command_span_context(runtime: Runtime, clock, spans: SpanCapture) -> None:
    admin = admin_of(runtime)
    spans.exporter.clear()

    team_id, outcome = runtime.identity.create_team(admin, Cause.new(admin.actor, None, at=clock()), name="Carried")
    assert runtime.projections.wait_for(outcome.position)

    command = named(spans.spans(), "command createTeam")[0]
    appended = [event for event in stored_events(runtime) if getattr(event, "correlation_id", None) == command.attributes["modelcloud.correlation_id"]]
    assert len(appended) >= 2
    assert {event.traceparent for event in appended} == {traceparent_of(command)}
    assert runtime.store.creation_traceparent(team_id) == traceparent_of(command)


def test_append_span_is_child_of_command(runtime: Runtime, clock, spans: SpanCapture) -> None:
    admin = admin_of(runtime)
    spans.exporter.clear()

    _, outcome = runtime.identity.create_team(admin, Cause.new(admin.actor, None, at=clock()), name="Appended")

    finished = spans.spans()
    command = named(finished, "command createTeam")[0]
    appends = [span for span in named(finished, "append") if span.parent and span.parent.span_id == command.context.span_id]
    assert len(appends) == 1
    assert appends[0].context.trace_id == command.context.trace_id
    assert appends[0].attributes["modelcloud.events"] == outcome.events


def test_projection_batch_joins_command_trace(runtime: Runtime, clock, spans: SpanCapture) -> None:
    admin = admin_of(runtime)
    spans.exporter.clear()

    _, outcome = runtime.identity.create_team(admin, Cause.new(admin.actor, None, at=clock()), name="Projected")
    assert runtime.projections.wait_for(outcome.position)

    finished = spans.spans()
    command = named(finished, "command createTeam")[0]
    batches = {span.attributes["modelcloud.projection"]: span for span in finished if span.name.startswith("projection ")}
    assert set(batches) >= {"identity", "audit"}
    for name in ("identity", "audit"):
        assert linked_to(batches[name], command), name
        # Every event of the batch came from this one command, so the batch is also its child.
        assert batches[name].parent is not None, name
        assert batches[name].parent.span_id == command.context.span_id, name
        assert batches[name].context.trace_id == command.context.trace_id, name


def test_batch_of_several_commands_links_each(runtime: Runtime, clock, spans: SpanCapture) -> None:
    admin = admin_of(runtime)
    runtime.projections.stop()
    spans.exporter.clear()

    for name in ("First", "Second"):
        runtime.identity.create_team(admin, Cause.new(admin.actor, None, at=clock()), name=name)
    runtime.projections.catch_up()

    finished = spans.spans()
    commands = named(finished, "command createTeam")
    audit = [span for span in finished if span.name == "projection audit"]
    assert len(commands) == 2
    assert len(audit) == 1
    assert all(linked_to(audit[0], command) for command in commands)
    assert audit[0].parent is None


def test_event_stored_without_traceparent_decodes(runtime: Runtime, clock) -> None:
    """An event appended before events carried a traceparent still loads, with an empty one."""
    admin = admin_of(runtime)
    owner = uuid.uuid4()
    reservation = NameIndex.reserve("legacy", "old-name", owner, Cause.new(admin.actor, None, at=clock()))
    stored = runtime.store.mapper.to_stored_event(reservation.collect_events()[0])
    state = runtime.store.mapper.transcoder.decode(stored.state)
    del state["traceparent"]
    legacy = StoredEvent(stored.originator_id, stored.originator_version, stored.topic, runtime.store.mapper.transcoder.encode(state))

    runtime.store.recorder.insert_events([legacy])

    decoded = [event for event in stored_events(runtime) if event.originator_id == reservation.id]
    assert len(decoded) == 1
    assert decoded[0].traceparent == ""
    assert decoded[0].owner_id == owner
    assert runtime.store.repository.get(reservation.id).key == "old-name"
    assert runtime.store.creation_traceparent(reservation.id) == ""
    assert runtime.store.creation_traceparent(uuid.uuid4()) == ""
    assert runtime.projections.wait_for(runtime.store.head())
    assert runtime.projections.failures == {}


@pytest.mark.parametrize(
    "damaged",
    ["x" * 9000, "00-" + "a" * 7990, "00-zz", 12345, ["00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"], {"a": 1}, None],
    ids=["too-long", "too-long-w3c-prefix", "malformed", "number", "list", "object", "null"],
)
def test_damaged_traceparent_spares_projections(runtime: Runtime, clock, damaged: object) -> None:
    """An event whose stored traceparent is not one (written by hand, or by other software) is applied without a trace."""
    admin = admin_of(runtime)
    reservation = NameIndex.reserve("legacy", f"damaged-{uuid.uuid4().hex[:8]}", uuid.uuid4(), Cause.new(admin.actor, None, at=clock()))
    stored = runtime.store.mapper.to_stored_event(reservation.collect_events()[0])
    state = runtime.store.mapper.transcoder.decode(stored.state)
    state["traceparent"] = damaged
    runtime.store.recorder.insert_events(
        [StoredEvent(stored.originator_id, stored.originator_version, stored.topic, runtime.store.mapper.transcoder.encode(state))]
    )

    assert runtime.projections.wait_for(runtime.store.head())
    assert runtime.projections.failures == {}
    assert runtime.store.creation_traceparent(reservation.id) == ""
    audit = runtime.readers.audit.entries(AuditFilter(subject_id=str(reservation.id)), None, 10)
    assert len(audit) == 1


def test_no_traceparent_without_tracer_provider(tmp_path: Path) -> None:
    """With tracing off (no SDK provider, as without OTEL_* variables), events get an empty traceparent."""
    probe = (
        "from backend.domain.base import Cause\n"
        "from backend.domain.identity import Team\n"
        "from tests.conftest import build_runtime, FrozenClock\n"
        "from tests.integration.test_event_store import admin_of, stored_events\n"
        f"runtime = build_runtime('sqlite:///{tmp_path / 'untraced.db'}', {str(tmp_path / 'artifacts')!r}, FrozenClock())\n"
        "runtime.start()\n"
        "admin = admin_of(runtime)\n"
        "team_id, _ = runtime.identity.create_team(admin, Cause.new(admin.actor, None), name='Untraced')\n"
        "created = [e for e in stored_events(runtime) if isinstance(e, Team.Created) and e.originator_id == team_id]\n"
        "print(repr(created[0].traceparent), repr(runtime.store.creation_traceparent(team_id)))\n"
        "runtime.stop()\n"
    )
    clean = {key: value for key, value in os.environ.items() if not key.startswith("OTEL_")}

    result = subprocess.run([sys.executable, "-c", probe], cwd=REPOSITORY, env=clean, capture_output=True, text=True, timeout=120)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "'' ''"


@asynccontextmanager
async def serving(runtime: Runtime) -> AsyncIterator[str]:
    """Serve the API app for `runtime` with uvicorn on a free loopback port in this event loop; yield its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(runtime, manage_runtime=False), host="127.0.0.1", port=port, log_config=None))
    task = asyncio.create_task(server.serve())
    deadline = asyncio.get_running_loop().time() + SERVER_START_TIMEOUT
    while not server.started:
        assert not task.done(), "uvicorn stopped while starting"
        assert asyncio.get_running_loop().time() < deadline, "uvicorn did not start in time"
        await asyncio.sleep(0.02)
    try:
        yield f"127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


async def post(http: httpx.AsyncClient, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    response = await http.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    body = response.json()
    assert not body.get("errors"), body["errors"]
    return body["data"]


def test_one_trace_from_mutation_to_push(runtime: Runtime, spans: SpanCapture) -> None:
    credentials = runtime.bootstrap()
    assert credentials is not None
    assert runtime.projections.wait_for(credentials.outcome.position)

    async def register_then_describe() -> dict[str, Any]:
        async with serving(runtime) as address:
            headers = {"Authorization": f"Bearer {credentials.token}", "X-Request-ID": "traced-request"}
            async with httpx.AsyncClient(base_url=f"http://{address}", headers=headers, timeout=30) as http:
                registered = await post(http, REGISTER, {"i": {"teamId": str(credentials.team_id), "name": "traced"}})
                model_id = registered["registerModel"]["id"]
                socket = await GraphQLWebSocket.connect(f"ws://{address}/graphql", payload={"token": credentials.token})
                try:
                    operation = await socket.subscribe(MODEL_UPDATED, {"id": model_id})
                    # The first message is the current state, sent once the subscription is in place.
                    await socket.next_data(operation, timeout=30)
                    spans.exporter.clear()
                    await post(http, DESCRIBE, {"i": {"id": model_id, "description": "with a trace"}})
                    return await socket.next_data(operation, timeout=30)
                finally:
                    await socket.close()

    pushed = asyncio.run(register_then_describe())

    assert pushed["modelUpdated"]["model"]["description"] == "with a trace"
    finished = spans.spans()
    operation = named(finished, "graphql DescribeTraced")
    command = named(finished, "command updateModel")
    assert len(operation) == 1, sorted({span.name for span in finished})
    assert len(command) == 1
    assert operation[0].attributes["modelcloud.correlation_id"] == "traced-request"
    assert command[0].parent is not None
    assert command[0].parent.span_id == operation[0].context.span_id
    assert command[0].context.trace_id == operation[0].context.trace_id
    append = [span for span in named(finished, "append") if span.parent and span.parent.span_id == command[0].context.span_id]
    assert len(append) == 1
    assert append[0].context.trace_id == operation[0].context.trace_id

    registry = [span for span in named(finished, "projection registry") if linked_to(span, command[0])]
    assert len(registry) == 1

    pushes = named(finished, "push modelUpdated")
    assert len(pushes) == 1
    assert linked_to(pushes[0], command[0])
    assert pushes[0].context.trace_id == operation[0].context.trace_id
    assert "model" in pushes[0].attributes["modelcloud.topics"]


def test_change_keeps_traceparent_through_notify(runtime: Runtime, clock, spans: SpanCapture) -> None:
    """Changes reach subscribers with their command's traceparent, through NOTIFY on PostgreSQL and directly on SQLite."""
    admin = admin_of(runtime)
    received: list[Any] = []

    async def create_and_receive() -> uuid.UUID:
        async with runtime.broker.subscribe(lambda topic: topic == "team") as changes:
            team_id, _ = await asyncio.to_thread(
                runtime.identity.create_team, admin, Cause.new(admin.actor, None, at=clock()), name="Notified"
            )
            received.append(await asyncio.wait_for(anext(changes), timeout=10))
            return team_id

    team_id = asyncio.run(create_and_receive())

    command = named(spans.spans(), "command createTeam")[0]
    assert received[0].topic == "team"
    assert received[0].keys["id"] == str(team_id)
    assert received[0].traceparent == traceparent_of(command)
