"""Errors the client raises: a server that cannot be reached, and a request the server rejected."""

from __future__ import annotations

from typing import Any


class ModelCloudError(Exception):
    """Base class of every error this package raises on purpose."""


class ServerUnavailable(ModelCloudError):
    """The request may succeed if sent again: the connection failed or timed out, or the server returned 429 or 5xx.

    `request_sent` is False only when the server surely did not act on the request: the
    connection failed, or the server returned CONFLICT without a field, its sign of write
    contention that stored nothing.
    """

    def __init__(self, message: str, request_sent: bool = True) -> None:
        super().__init__(message)
        self.request_sent = request_sent


class ApiError(ModelCloudError):
    """The server rejected the request, and sending it again unchanged gets the same error.

    `code` is the server's `extensions.code` (BAD_USER_INPUT, NOT_FOUND, CONFLICT, FORBIDDEN,
    UNAUTHENTICATED, PAYLOAD_TOO_LARGE), or `HTTP_<status>` when the response had no code.
    """

    def __init__(self, message: str, code: str, field: str | None = None, value: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field
        self.value = value

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class BufferNotWritable(ModelCloudError, OSError):
    """The buffer folder cannot be created or written, so `init` created no run."""
