"""W3C trace context carried with events, read-model changes and Ray calls.

A command stores the `traceparent` of its span on every event it appends. Work that follows
later, in another thread or process (a projection batch, a subscription push, a training
worker), reads it back and links to that span or continues its trace. When no tracer
provider is configured, the current span is invalid, so commands store "" and the helpers
here return empty values.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from types import ModuleType

from opentelemetry import context, trace
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from backend.otel_environment import remove_invalid_otel_variables

TRACEPARENT = "traceparent"

# More links than this on one span add little to a trace view. The SDK's own default limit is 128
# (OTEL_SPAN_LINK_COUNT_LIMIT in opentelemetry-sdk 1.45).
MAX_LINKS = 32

# Stored contexts always use the W3C format, whatever OTEL_PROPAGATORS selects for live requests,
# because events outlive any change of that setting.
_w3c = TraceContextTextMapPropagator()

# The form `current_traceparent` stores: W3C version 00, lowercase hex.
_STORED_FORMAT = re.compile(r"00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}")


def current_traceparent() -> str:
    """Return the W3C `traceparent` of the current span, or "" when there is no valid span."""
    carrier: dict[str, str] = {}
    _w3c.inject(carrier)
    return carrier.get(TRACEPARENT, "")


def stored_traceparent(value: object) -> str:
    """Return `value` when it is a `traceparent` in the form commands store, else "".

    Stored events are read back by every projection, so a damaged value (written by other
    software, or by hand) must read as no trace rather than fail the batch or overflow a NOTIFY.
    """
    if isinstance(value, str) and _STORED_FORMAT.fullmatch(value):
        return value
    return ""


def span_context_of(traceparent: str) -> trace.SpanContext | None:
    """Parse a stored `traceparent`, or return None for "" or a malformed value."""
    if not traceparent:
        return None
    span_context = trace.get_current_span(_w3c.extract({TRACEPARENT: traceparent})).get_span_context()
    return span_context if span_context.is_valid else None


def parent_from(traceparent: str) -> context.Context | None:
    """Return a context whose parent is the span in `traceparent`, or None (the current context) when there is none."""
    span_context = span_context_of(traceparent)
    if span_context is None:
        return None
    return trace.set_span_in_context(trace.NonRecordingSpan(span_context))


def single_origin(traceparents: Iterable[str]) -> str:
    """Return the one non-empty `traceparent` among `traceparents`, or "" when there are none or several."""
    distinct = set(traceparents) - {""}
    return next(iter(distinct)) if len(distinct) == 1 else ""


def links_to(traceparents: Iterable[str]) -> list[trace.Link]:
    """Return one span link per distinct valid `traceparent`, at most MAX_LINKS, in first-seen order."""
    links: list[trace.Link] = []
    seen: set[str] = set()
    for traceparent in traceparents:
        if not traceparent or traceparent in seen:
            continue
        seen.add(traceparent)
        span_context = span_context_of(traceparent)
        if span_context is not None:
            links.append(trace.Link(span_context))
            if len(links) == MAX_LINKS:
                break
    return links


@contextmanager
def continued(traceparent: str) -> Iterator[None]:
    """Make the span in `traceparent` the parent of the spans started inside the block; with "" the block runs as it is."""
    parent = parent_from(traceparent)
    if parent is None:
        yield
        return
    token = context.attach(parent)
    try:
        yield
    finally:
        context.detach(token)


def inject_carrier() -> dict[str, str]:
    """Return the current context as a carrier dict for a Ray call, in the format OTEL_PROPAGATORS selects."""
    carrier: dict[str, str] = {}
    _propagate().inject(carrier)
    return carrier


def extract_carrier(carrier: Mapping[str, str] | None) -> context.Context:
    """Return the context that `inject_carrier` put into `carrier`; an empty context for None or {}."""
    return _propagate().extract(dict(carrier or {}))


def _propagate() -> ModuleType:
    """Import `opentelemetry.propagate`, which reads OTEL_PROPAGATORS on import and raises for an unknown name, once that is checked."""
    remove_invalid_otel_variables()
    from opentelemetry import propagate

    return propagate
