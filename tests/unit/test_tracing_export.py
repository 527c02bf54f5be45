"""Spans leave the process over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set, as the Kubernetes modules set it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from backend import telemetry
from backend.telemetry import configure_tracing
from tests.support.tracing import Collector, ReceivedExport, running_collector

pytestmark = pytest.mark.unit

REPOSITORY = Path(__file__).resolve().parents[2]


@pytest.fixture
def collector() -> Iterator[Collector]:
    with running_collector() as running:
        yield running


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
    # Only the first call in a process decides, so this test forgets any earlier call.
    monkeypatch.setattr(telemetry, "_exporting", None)

    assert configure_tracing("modelcloud") is False


def test_flush_gives_up_on_silent_collector() -> None:
    """A collector that accepts the connection but never responds delays a worker's report by the flush timeout only."""
    with socket.create_server(("127.0.0.1", 0)) as silent:
        probe = (
            "import time\n"
            "from backend import telemetry\n"
            "telemetry.configure_tracing('modelcloud-worker')\n"
            "telemetry.FLUSH_TIMEOUT_SECONDS = 0.3\n"
            "with telemetry.tracer.start_as_current_span('training attempt'):\n"
            "    pass\n"
            "started = time.monotonic()\n"
            "telemetry.flush_spans()\n"
            "print(round(time.monotonic() - started, 1))\n"
        )
        clean = {key: value for key, value in os.environ.items() if not key.startswith("OTEL_")}
        environment = {
            **clean,
            "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{silent.getsockname()[1]}",
            "OTEL_EXPORTER_OTLP_TIMEOUT": "2",
        }
        result = subprocess.run(
            [sys.executable, "-c", probe], cwd=REPOSITORY, env=environment, capture_output=True, text=True, timeout=60, check=True
        )

    assert float(result.stdout.strip()) < 2.0
    assert "spans were not exported before the flush timed out" in result.stderr


def run_probe_with(environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Start a process as `modelcloud` commands do (JSON logs, then tracing), record a span and hand its context on."""
    probe = (
        "from backend.telemetry import configure_logging, configure_tracing, tracer\n"
        "from backend.trace_context import inject_carrier\n"
        "configure_logging('WARNING')\n"
        "print(configure_tracing('modelcloud'))\n"
        "with tracer.start_as_current_span('command createTeam'):\n"
        "    print(sorted(inject_carrier()))\n"
    )
    clean = {key: value for key, value in os.environ.items() if not key.startswith("OTEL_")}
    return subprocess.run(
        [sys.executable, "-c", probe], cwd=REPOSITORY, env={**clean, **environment}, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    ("variable", "value", "accepted"),
    [
        ("OTEL_PROPAGATORS", "tracecontext,bogus", "installed propagators"),
        ("OTEL_BSP_MAX_QUEUE_SIZE", "-5", "a positive integer"),
        ("OTEL_BSP_SCHEDULE_DELAY", "soon", "a positive integer"),
        ("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "4096", "at most OTEL_BSP_MAX_QUEUE_SIZE"),
        ("OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "many", "an integer of 0 or more, or 'unset'"),
        ("OTEL_SPAN_LINK_COUNT_LIMIT", "-1", "an integer of 0 or more, or 'unset'"),
    ],
)
def test_invalid_otel_variable_is_ignored(collector: Collector, variable: str, value: str, accepted: str) -> None:
    """A value the OpenTelemetry SDK would reject does not stop start-up: it is named in one warning, and spans still go out."""
    result = run_probe_with({"OTEL_EXPORTER_OTLP_ENDPOINT": collector.url, variable: value})

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["True", "['traceparent']"]
    warnings = [line for line in result.stderr.splitlines() if variable in line]
    assert len(warnings) == 1
    assert "Traceback" not in result.stderr
    assert f"{variable}={value!r} is invalid" in warnings[0]
    assert accepted in warnings[0]
    assert exported_spans(collector.received) == [("modelcloud", "command createTeam")]


def test_unknown_propagator_without_exporter_starts() -> None:
    """Without an exporter, OTEL_PROPAGATORS is still read, because it decides how a Ray call carries the context."""
    result = run_probe_with({"OTEL_PROPAGATORS": "bogus"})

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["False", "[]"]
    assert "OTEL_PROPAGATORS='bogus' is invalid" in result.stderr
    assert "the OpenTelemetry default applies" in result.stderr


def test_known_propagators_still_apply() -> None:
    result = run_probe_with({"OTEL_PROPAGATORS": "bogus, tracecontext"})

    assert result.returncode == 0, result.stderr
    assert "Only tracecontext applies." in result.stderr
