"""Spans for commands and projection batches share the request's correlation id."""

from __future__ import annotations

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from backend.domain.base import Cause
from backend.runtime import Runtime
from tests.integration.test_event_store import admin_of

pytestmark = pytest.mark.integration

EXPORTER = InMemorySpanExporter()


@pytest.fixture(scope="module", autouse=True)
def in_memory_tracing() -> None:
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(EXPORTER))
    trace.set_tracer_provider(provider)


def test_command_and_projection_spans_share_correlation_id(runtime: Runtime, clock) -> None:
    admin = admin_of(runtime)
    EXPORTER.clear()

    _, outcome = runtime.identity.create_team(admin, Cause.new(admin.actor, None, at=clock(), correlation_id="trace-me"), name="Traced")
    assert runtime.projections.wait_for(outcome.position)

    spans = EXPORTER.get_finished_spans()
    command = [span for span in spans if span.name == "command createTeam"]
    batches = [span for span in spans if span.name.startswith("projection ")]
    assert command[0].attributes["modelcloud.correlation_id"] == "trace-me"
    assert {span.attributes["modelcloud.projection"] for span in batches} >= {"identity", "audit"}
    assert all("trace-me" in span.attributes["modelcloud.correlation_ids"] for span in batches)
