"""Trace context stored with events and changes, sent with NOTIFY payloads, and handed to Ray workers."""

from __future__ import annotations

import json

import pytest
from opentelemetry import trace

from backend.projections.base import Change
from backend.projections.broker import MAX_PAYLOAD_BYTES, decode, encode
from backend.settings import load_settings
from backend.telemetry import tracer
from backend.trace_context import (
    MAX_LINKS, continued, current_traceparent, extract_carrier, inject_carrier, links_to, parent_from, single_origin,
    span_context_of, stored_traceparent,
)
from tests.support.tracing import SpanCapture
from workers.ray_runtime import worker_environment

pytestmark = pytest.mark.unit

TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


def traceparent(number: int) -> str:
    return f"00-{number:032x}-{number:016x}-01"


def test_no_traceparent_outside_span() -> None:
    assert current_traceparent() == ""


def test_traceparent_names_current_span(spans: SpanCapture) -> None:
    with tracer.start_as_current_span("command createTeam") as span:
        stored = current_traceparent()

    context = span.get_span_context()
    assert stored == f"00-{context.trace_id:032x}-{context.span_id:016x}-{context.trace_flags:02x}"


def test_stored_traceparent_parses() -> None:
    context = span_context_of(TRACEPARENT)

    assert context is not None
    assert context.trace_id == 0x4BF92F3577B34DA6A3CE929D0E0E4736
    assert context.span_id == 0x00F067AA0BA902B7
    assert context.is_remote


@pytest.mark.parametrize("stored", ["", "00-zz", "00-00000000000000000000000000000000-00f067aa0ba902b7-01", "not a traceparent"])
def test_empty_or_malformed_traceparent_is_none(stored: str) -> None:
    assert span_context_of(stored) is None
    assert parent_from(stored) is None
    assert links_to([stored]) == []


def test_links_are_distinct_and_bounded() -> None:
    origins = [traceparent(number) for number in range(1, MAX_LINKS + 10)]

    links = links_to(["", origins[0], *origins, origins[1]])

    assert len(links) == MAX_LINKS
    assert [link.context.span_id for link in links] == list(range(1, MAX_LINKS + 1))


@pytest.mark.parametrize(
    ("origins", "expected"),
    [([], ""), (["", ""], ""), ([TRACEPARENT, "", TRACEPARENT], TRACEPARENT), ([TRACEPARENT, traceparent(1)], "")],
)
def test_single_origin(origins: list[str], expected: str) -> None:
    assert single_origin(origins) == expected


def test_continued_span_joins_stored_trace(spans: SpanCapture) -> None:
    with continued(TRACEPARENT):
        with tracer.start_as_current_span("launch training attempt") as span:
            pass

    assert span.get_span_context().trace_id == 0x4BF92F3577B34DA6A3CE929D0E0E4736
    assert span.parent is not None
    assert span.parent.span_id == 0x00F067AA0BA902B7
    assert trace.get_current_span() is trace.INVALID_SPAN


def test_continued_without_traceparent_keeps_current(spans: SpanCapture) -> None:
    with tracer.start_as_current_span("outer") as outer:
        with continued(""):
            with tracer.start_as_current_span("inner") as inner:
                pass

    assert inner.parent is not None
    assert inner.parent.span_id == outer.get_span_context().span_id


def test_carrier_round_trip(spans: SpanCapture) -> None:
    with tracer.start_as_current_span("launch training attempt") as span:
        carrier = inject_carrier()

    with tracer.start_as_current_span("training attempt", context=extract_carrier(carrier)) as worker:
        pass

    assert set(carrier) >= {"traceparent"}
    assert worker.parent is not None
    assert worker.parent.span_id == span.get_span_context().span_id


def test_empty_carrier_starts_new_trace(spans: SpanCapture) -> None:
    with tracer.start_as_current_span("outer"):
        with tracer.start_as_current_span("training attempt", context=extract_carrier(None)) as worker:
            pass

    assert worker.parent is None


def test_notify_payload_keeps_traceparent() -> None:
    change = Change("training", {"id": "r-1", "position": 7}, traceparent=TRACEPARENT)

    received = decode(encode(change))

    assert received == change
    assert received.traceparent == TRACEPARENT


def test_notify_payload_without_traceparent() -> None:
    payload = encode(Change("training", {"id": "r-1"}))

    assert json.loads(payload) == {"topic": "training", "keys": {"id": "r-1"}}
    assert decode(payload).traceparent == ""


@pytest.mark.parametrize("stored", ["x" * 9000, "00-zz", TRACEPARENT.upper(), f" {TRACEPARENT}", 12345, [TRACEPARENT], None])
def test_damaged_stored_traceparent_reads_as_none(stored: object) -> None:
    assert stored_traceparent(stored) == ""


def test_stored_traceparent_kept() -> None:
    assert stored_traceparent(TRACEPARENT) == TRACEPARENT


def test_notify_payload_drops_damaged_traceparent() -> None:
    payload = encode(Change("training", {"id": "r-1"}, traceparent="x" * 9000))

    assert payload is not None
    assert json.loads(payload) == {"topic": "training", "keys": {"id": "r-1"}}


def test_notify_payload_over_limit_is_none() -> None:
    assert encode(Change("training", {"id": "r" * MAX_PAYLOAD_BYTES})) is None
    assert MAX_PAYLOAD_BYTES == 7999


def test_received_damaged_traceparent_is_dropped() -> None:
    received = decode(json.dumps({"topic": "team", "keys": {"id": "t"}, "traceparent": ["not", "one"]}))

    assert received == Change("team", {"id": "t"})
    assert received.traceparent == ""


@pytest.mark.parametrize("payload", ["not json", "[1, 2]", '{"keys": {}}', '{"topic": "team", "keys": [1]}', '{"topic": 7}'])
def test_payload_that_is_no_change_is_rejected(payload: str) -> None:
    with pytest.raises(ValueError, match="not a change"):
        decode(payload)


def test_changes_equal_whatever_their_traceparent() -> None:
    assert Change("team", {"id": "t"}, traceparent=TRACEPARENT) == Change("team", {"id": "t"})


def test_worker_environment_forwards_otel_variables(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_HEADERS", "authorization=Bearer%20collector")
    monkeypatch.setenv("OTEL_SERVICE_NAME", "modelcloud-api")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "modelcloud")

    forwarded = worker_environment(load_settings(artifacts=str(tmp_path)))

    assert forwarded["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://127.0.0.1:4318"
    assert forwarded["OTEL_EXPORTER_OTLP_HEADERS"] == "authorization=Bearer%20collector"
    assert "OTEL_SERVICE_NAME" not in forwarded
    assert "AWS_ACCESS_KEY_ID" not in forwarded
