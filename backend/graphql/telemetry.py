"""An OpenTelemetry span around every GraphQL operation, tagged with the request's correlation id."""

from __future__ import annotations

from collections.abc import Iterator

from strawberry.extensions import SchemaExtension

from backend.graphql.errors import operation_type_of
from backend.telemetry import graphql_operations_total, tracer


class OperationTracing(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        context = self.execution_context.context
        name = self.execution_context.operation_name or "anonymous"
        with tracer.start_as_current_span(f"graphql {name}") as span:
            span.set_attribute("modelcloud.correlation_id", getattr(context, "correlation_id", "") or "")
            yield
            operation = operation_type_of(self.execution_context)
            span.set_attribute("graphql.operation.type", operation)
            result = self.execution_context.result
            if not (result and getattr(result, "errors", None)):
                graphql_operations_total.labels(operation, "ok").inc()
