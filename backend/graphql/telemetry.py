"""OpenTelemetry spans of the GraphQL layer: one around every operation, one for each message a subscription pushes."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from graphql import FieldNode
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext, Info
from strawberry.utils.operation import get_first_operation

from backend.graphql.errors import operation_type_of
from backend.projections.base import Change
from backend.telemetry import graphql_operations_total, tracer
from backend.trace_context import links_to, parent_from, single_origin


class OperationTracing(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        context = self.execution_context.context
        with tracer.start_as_current_span("graphql") as span:
            span.set_attribute("modelcloud.correlation_id", getattr(context, "correlation_id", "") or "")
            yield
            # The document is parsed only inside the operation, so the span gets its full name at the end.
            span.update_name(f"graphql {operation_label(self.execution_context)}")
            operation = operation_type_of(self.execution_context)
            span.set_attribute("graphql.operation.type", operation)
            result = self.execution_context.result
            if not (result and getattr(result, "errors", None)):
                graphql_operations_total.labels(operation, "ok").inc()


def operation_label(execution_context: ExecutionContext) -> str:
    """Return the operation's name or, for an anonymous operation, its root fields, such as `startTrainingRun`."""
    if execution_context.operation_name:
        return execution_context.operation_name
    document = execution_context.graphql_document
    operation = get_first_operation(document) if document else None
    if operation is None:
        return "anonymous"
    fields = [selection.name.value for selection in operation.selection_set.selections if isinstance(selection, FieldNode)]
    return ",".join(fields) or "anonymous"


@contextmanager
def pushing(info: Info[Any, Any], changes: Sequence[Change]) -> Iterator[None]:
    """Record a span `push <subscription field>` while a subscriber's message for `changes` is built and sent.

    The span links to the command spans behind the changes and, when they all come from one,
    is its child, so a trace of a mutation shows the pushes it caused. It is not made current,
    because the block suspends at a `yield` of the subscription's async generator.
    """
    origins = [change.traceparent for change in changes]
    span = tracer.start_span(f"push {info.field_name}", context=parent_from(single_origin(origins)), links=links_to(origins))
    span.set_attribute("modelcloud.topics", sorted({change.topic for change in changes}))
    positions = [int(change.keys["position"]) for change in changes if "position" in change.keys]
    if positions:
        span.set_attribute("modelcloud.position", max(positions))
    try:
        yield
    finally:
        span.end()
