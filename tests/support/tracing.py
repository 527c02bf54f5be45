"""Span capture for tests: an in-memory exporter behind the process's one tracer provider, and an OTLP/HTTP receiver."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from opentelemetry import trace
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest, ExportTraceServiceResponse
from opentelemetry.proto.common.v1.common_pb2 import AnyValue
from opentelemetry.sdk.trace import ReadableSpan, SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter


class SpanCapture(SpanProcessor):
    """Keeps finished spans in memory, but only while a test has turned capture on.

    OpenTelemetry lets a process set its tracer provider once, so one capture serves the
    whole test session, and spans of the tests that do not look at them are dropped.
    """

    def __init__(self) -> None:
        self.exporter = InMemorySpanExporter()
        self.active = False

    def on_end(self, span: ReadableSpan) -> None:
        if self.active:
            self.exporter.export((span,))

    def spans(self) -> list[ReadableSpan]:
        return list(self.exporter.get_finished_spans())

    @contextmanager
    def capturing(self) -> Iterator[SpanCapture]:
        self.exporter.clear()
        self.active = True
        try:
            yield self
        finally:
            self.active = False
            self.exporter.clear()


def install_span_capture() -> SpanCapture:
    """Install an SDK tracer provider with a SpanCapture as this process's global provider; fails if another was set first."""
    capture = SpanCapture()
    provider = TracerProvider()
    provider.add_span_processor(capture)
    trace.set_tracer_provider(provider)
    assert trace.get_tracer_provider() is provider, "another tracer provider was set in this test process first"
    return capture


@dataclass
class ReceivedExport:
    path: str
    headers: dict[str, str]
    request: ExportTraceServiceRequest


@dataclass
class Collector:
    """A stand-in for an OpenTelemetry collector's OTLP/HTTP receiver on a free loopback port."""

    url: str
    received: list[ReceivedExport] = field(default_factory=list)


@contextmanager
def running_collector() -> Iterator[Collector]:
    """Run an OTLP/HTTP receiver on 127.0.0.1 that keeps every export request it receives."""
    received: list[ReceivedExport] = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802  (the name http.server calls)
            body = self.rfile.read(int(self.headers["Content-Length"]))
            request = ExportTraceServiceRequest()
            request.ParseFromString(body)
            received.append(ReceivedExport(self.path, {key.lower(): value for key, value in self.headers.items()}, request))
            answer = ExportTraceServiceResponse().SerializeToString()
            self.send_response(200)
            self.send_header("Content-Type", "application/x-protobuf")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *_: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Collector(f"http://127.0.0.1:{server.server_address[1]}", received)
    finally:
        server.shutdown()
        server.server_close()


@dataclass(frozen=True)
class ExportedSpan:
    """One span as a collector received it, with ids in hexadecimal as trace views show them."""

    service: str
    name: str
    trace_id: str
    span_id: str
    parent_span_id: str
    """Empty for a root span."""
    links: tuple[tuple[str, str], ...]
    """(trace id, span id) of every linked span."""
    attributes: dict[str, Any]


def exported_spans(received: list[ReceivedExport]) -> list[ExportedSpan]:
    """Return every span in the export requests a Collector received."""
    spans = []
    for export in received:
        for resource_spans in export.request.resource_spans:
            resource = {attribute.key: _value(attribute.value) for attribute in resource_spans.resource.attributes}
            for scope_spans in resource_spans.scope_spans:
                spans.extend(
                    ExportedSpan(
                        service=resource["service.name"],
                        name=span.name,
                        trace_id=span.trace_id.hex(),
                        span_id=span.span_id.hex(),
                        parent_span_id=span.parent_span_id.hex(),
                        links=tuple((link.trace_id.hex(), link.span_id.hex()) for link in span.links),
                        attributes={attribute.key: _value(attribute.value) for attribute in span.attributes},
                    )
                    for span in scope_spans.spans
                )
    return spans


def _value(value: AnyValue) -> Any:
    kind = value.WhichOneof("value")
    if kind == "array_value":
        return [_value(item) for item in value.array_value.values]
    return getattr(value, kind) if kind else None
