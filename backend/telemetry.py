"""Tracing, metrics and structured logs shared by every part of the backend."""

from __future__ import annotations

import json
import logging
import sys
from typing import Any

from opentelemetry import trace
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

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
