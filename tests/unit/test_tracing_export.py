"""Spans leave the process over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set, as the Kubernetes modules set it."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest, ExportTraceServiceResponse

from backend.telemetry import configure_tracing

pytestmark = pytest.mark.unit

REPOSITORY = Path(__file__).resolve().parents[2]


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


@pytest.fixture
def collector() -> Iterator[Collector]:
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


def run_traced_process(environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Configure tracing in a fresh process, record one span, and exit. The SDK flushes its spans at exit."""
    probe = (
        "from backend.telemetry import configure_tracing, tracer\n"
        "print(configure_tracing('modelcloud'))\n"
        "with tracer.start_as_current_span('command createTeam') as span:\n"
        "    span.set_attribute('modelcloud.correlation_id', 'c-1')\n"
    )
    clean = {key: value for key, value in os.environ.items() if not key.startswith("OTEL_")}
    return subprocess.run(
        [sys.executable, "-c", probe],
        cwd=REPOSITORY,
        env={**clean, **environment},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )


def exported_spans(received: list[ReceivedExport]) -> list[tuple[str, str]]:
    """Return (service name, span name) for every span the collector received."""
    spans = []
    for export in received:
        for resource_spans in export.request.resource_spans:
            service = next(attribute.value.string_value for attribute in resource_spans.resource.attributes if attribute.key == "service.name")
            for scope_spans in resource_spans.scope_spans:
                spans.extend((service, span.name) for span in scope_spans.spans)
    return spans


def test_spans_reach_otlp_endpoint(collector: Collector):
    result = run_traced_process({"OTEL_EXPORTER_OTLP_ENDPOINT": collector.url, "OTEL_SERVICE_NAME": "modelcloud-api"})

    assert result.stdout.strip() == "True"
    assert [export.path for export in collector.received] == ["/v1/traces"]
    assert exported_spans(collector.received) == [("modelcloud-api", "command createTeam")]


def test_otlp_headers_are_sent(collector: Collector):
    run_traced_process({
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": f"{collector.url}/v1/traces",
        "OTEL_EXPORTER_OTLP_HEADERS": "authorization=Bearer%20collector-secret",
    })

    assert len(collector.received) == 1
    assert collector.received[0].headers["authorization"] == "Bearer collector-secret"
    assert exported_spans(collector.received) == [("modelcloud", "command createTeam")]


def test_tracing_stays_off_without_endpoint(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_ENDPOINT", raising=False)
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", raising=False)

    assert configure_tracing("modelcloud") is False
