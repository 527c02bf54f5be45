"""Every GraphQL error leaves with a stable `extensions.code`, and the field and value it concerns.

Domain errors keep their message. An error the server did not expect is logged with its
traceback, and the client sees only INTERNAL_SERVER_ERROR with the correlation id.
"""

from __future__ import annotations

import errno
import logging
import math
import sqlite3
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.types import ExecutionContext
from strawberry.types.graphql import OperationType

from backend.domain.base import DomainError
from backend.storage import StoreUnavailable
from backend.telemetry import graphql_operations_total

log = logging.getLogger(__name__)

BAD_USER_INPUT = "BAD_USER_INPUT"
INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"
SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
INSUFFICIENT_STORAGE = "INSUFFICIENT_STORAGE"
OUT_OF_SPACE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})


def artifact_store_unavailable_message(correlation_id: str | None) -> str:
    return (
        "The artifact store could not be used, so the request failed. Try again shortly; if it keeps failing, the "
        f"server log has the cause under correlation id {correlation_id}."
    )


def out_of_space(error: BaseException | None) -> bool:
    """Return whether `error` reports a full disk or quota: a write's OSError, or SQLite's SQLITE_FULL."""
    if isinstance(error, OSError):
        return error.errno in OUT_OF_SPACE_ERRNOS
    if isinstance(error, sqlite3.OperationalError):
        return getattr(error, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL or "database or disk is full" in str(error)
    return False


def out_of_space_message(correlation_id: str | None) -> str:
    return (
        "The server ran out of disk space, so nothing was stored. Free space where it keeps its database, artifacts and "
        f"temporary files, then try again; the server log names the file under correlation id {correlation_id}."
    )


def describe_domain_error(error: DomainError) -> dict[str, Any]:
    described = {"code": error.code, "field": error.field, "value": _json_safe(error.value)}
    # A prediction payload error also states what the signature expected against what the request sent,
    # in English and as the JSON types of the two values. It adds the two counts for a wrong number of
    # values, and the range for a number out of range.
    for attribute, key in (
        ("expected", "expected"),
        ("received", "received"),
        ("expected_type", "expectedType"),
        ("received_type", "receivedType"),
        ("expected_count", "expectedCount"),
        ("received_count", "receivedCount"),
        ("expected_minimum", "expectedMinimum"),
        ("expected_maximum", "expectedMaximum"),
    ):
        if getattr(error, attribute, None) is not None:
            described[key] = getattr(error, attribute)
    return described


def _json_safe(value: Any) -> Any:
    """Return the value, with NaN and infinities as text, because JSON has no such numbers."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


def normalize(error: GraphQLError, correlation_id: str | None) -> None:
    """Give `error` a code (and field, value); hide the message of an unexpected exception."""
    extensions = dict(error.extensions or {})
    original = error.original_error
    if "code" in extensions:
        pass
    elif isinstance(original, DomainError):
        extensions.update(describe_domain_error(original))
    elif isinstance(original, StoreUnavailable):
        # The cause names the bucket and endpoint, which the log keeps and the client does not need.
        log.warning(
            "artifact store unavailable", extra={"path": error.path, "error": str(original), "correlation_id": correlation_id}
        )
        error.message = artifact_store_unavailable_message(correlation_id)
        extensions.update(code=SERVICE_UNAVAILABLE, field=None, value=None)
    elif out_of_space(original):
        log.error("out of disk space", extra={"path": error.path, "error": str(original), "correlation_id": correlation_id})
        error.message = out_of_space_message(correlation_id)
        extensions.update(code=INSUFFICIENT_STORAGE, field=None, value=None)
    elif original is None or isinstance(original, GraphQLError):
        extensions.update(code=BAD_USER_INPUT, field=_field_of(error) or "query", value=None)
    else:
        log.error(
            "unexpected error in a GraphQL resolver",
            exc_info=original,
            extra={"path": error.path, "correlation_id": correlation_id},
        )
        error.message = f"Internal error; the server log has the details under correlation id {correlation_id}."
        extensions.update(code=INTERNAL_SERVER_ERROR, field=None, value=None)
    if correlation_id:
        extensions["correlationId"] = correlation_id
    error.extensions = extensions


def _field_of(error: GraphQLError) -> str | None:
    if error.path:
        return ".".join(str(part) for part in error.path)
    return None


class ModelCloudSchema(strawberry.Schema):
    """A strawberry schema whose errors are normalized before any transport formats them."""

    async def execute(self, *args: Any, **kwargs: Any) -> Any:
        """Execute a query or mutation; subscriptions run only over WebSocket, through `subscribe`."""
        allowed = kwargs.get("allowed_operation_types")
        if allowed is not None:
            kwargs["allowed_operation_types"] = set(allowed) - {OperationType.SUBSCRIPTION}
        return await super().execute(*args, **kwargs)

    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        context = execution_context.context if execution_context else None
        correlation_id = getattr(context, "correlation_id", None)
        for error in errors:
            normalize(error, correlation_id)
            if error.extensions and error.extensions.get("code") != INTERNAL_SERVER_ERROR:
                log.info(
                    "GraphQL request rejected",
                    extra={"code": error.extensions.get("code"), "field": error.extensions.get("field"), "correlation_id": correlation_id},
                )
        graphql_operations_total.labels(operation_type_of(execution_context), "error").inc()


def operation_type_of(execution_context: ExecutionContext | None) -> str:
    """`query`, `mutation` or `subscription`; `unknown` when the document did not parse."""
    try:
        return execution_context.operation_type.value if execution_context else "unknown"
    except RuntimeError:
        return "unknown"
