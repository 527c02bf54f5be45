"""Tracing, metrics and structured logs shared by every part of the backend."""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
from typing import Any

from opentelemetry import trace
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from backend.otel_environment import remove_invalid_otel_variables

tracer = trace.get_tracer("modelcloud")

registry = CollectorRegistry(auto_describe=True)

commands_total = Counter(
    "modelcloud_commands_total", "Commands handled, by name and outcome.", ["command", "outcome"], registry=registry
)
command_seconds = Histogram(
    "modelcloud_command_seconds", "Time to decide and append a command's events.", ["command"], registry=registry
)
command_conflicts_total = Counter(
    "modelcloud_command_conflicts_total", "Concurrent-write conflicts retried, by command.", ["command"], registry=registry
)
events_appended_total = Counter("modelcloud_events_appended_total", "Events appended to the log.", registry=registry)
projection_position = Gauge(
    "modelcloud_projection_position", "Last event position applied, by projection.", ["projection"], registry=registry
)
projection_lag_events = Gauge(
    "modelcloud_projection_lag_events", "Events in the log not yet applied, by projection.", ["projection"], registry=registry
)
projection_batch_seconds = Histogram(
    "modelcloud_projection_batch_seconds", "Time to apply one batch of events.", ["projection"], registry=registry
)
graphql_operations_total = Counter(
    "modelcloud_graphql_operations_total", "GraphQL operations, by type and outcome.", ["type", "outcome"], registry=registry
)
subscriptions_active = Gauge("modelcloud_subscriptions_active", "Open GraphQL subscriptions.", registry=registry)
uploads_bytes_total = Counter("modelcloud_uploads_bytes_total", "Bytes received by /v1/uploads.", registry=registry)


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message and any ids passed through `extra`."""

    RESERVED = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "color_message"}

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({key: value for key, value in vars(record).items() if key not in self.RESERVED})
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure_logging(level: str) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)


TRACES_ENDPOINT_VARIABLES = ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT")
# Maximum seconds a Ray worker waits for its spans to be sent before it reports back.
FLUSH_TIMEOUT_SECONDS = 5.0

_exporting: bool | None = None


def configure_tracing(service_name: str) -> bool:
    """Export this process's spans over OTLP/HTTP when an OTLP endpoint variable is set; return whether it does.

    The exporter reads the standard OTEL_EXPORTER_OTLP_* variables (endpoint, headers, timeout), and
    OTEL_SERVICE_NAME, when set, replaces `service_name`. Without an endpoint, spans stay unexported.
    Only the first call in a process decides, because OpenTelemetry sets its tracer provider once.
    An OTEL_* value that the SDK would reject is ignored with a warning (backend/otel_environment.py).
    """
    global _exporting
    if _exporting is not None:
        return _exporting
    for problem in remove_invalid_otel_variables():
        logging.getLogger(__name__).warning(problem)
    endpoint_variable = next((name for name in TRACES_ENDPOINT_VARIABLES if os.environ.get(name)), None)
    if endpoint_variable is None:
        _exporting = False
        return False

    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import SERVICE_NAME, Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    resource = Resource.create({SERVICE_NAME: os.environ.get("OTEL_SERVICE_NAME") or service_name})
    provider = TracerProvider(resource=resource)
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    _exporting = True
    logging.getLogger(__name__).info(
        "exporting spans over OTLP", extra={"endpoint": os.environ[endpoint_variable], "service": resource.attributes[SERVICE_NAME]}
    )
    return True


def flush_spans() -> None:
    """Send the spans that this process has finished but not yet exported, waiting at most FLUSH_TIMEOUT_SECONDS.

    A Ray worker calls it before it reports back, since the supervisor may kill its process
    right after, and a killed process runs no exit handler that would flush.
    """
    force_flush = getattr(trace.get_tracer_provider(), "force_flush", None)
    if force_flush is None:
        return
    # The SDK's BatchSpanProcessor (opentelemetry-sdk 1.45) ignores force_flush's timeout and exports
    # in the calling thread for as long as OTEL_EXPORTER_OTLP_TIMEOUT allows, so a thread bounds the wait.
    flushing = threading.Thread(target=force_flush, name="span-flush", daemon=True)
    flushing.start()
    flushing.join(FLUSH_TIMEOUT_SECONDS)
    if flushing.is_alive():
        logging.getLogger(__name__).warning(
            "spans were not exported before the flush timed out; they are sent later if the process lives on",
            extra={"timeout_seconds": FLUSH_TIMEOUT_SECONDS},
        )
