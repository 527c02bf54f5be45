"""Errors of the serving layer. `str(error)` is a short message for users, never a traceback.

Replicas raise InvalidInputs, PredictionFailed and ReplicaStartFailed. Ray carries them to the
caller, and `workers.serving.handles.predict` raises them again without Ray's traceback text.
"""

from __future__ import annotations

import re

MAX_MESSAGE_CHARS = 300
_TERMINAL_COLORS = re.compile(r"\x1b\[[0-9;]*m")


class ServingError(Exception):
    """Base class of the errors that `workers.serving` raises on purpose."""


class AppNotFound(ServingError):
    """Raised when no Serve application of that name exists."""

    def __init__(self, app_name: str) -> None:
        super().__init__(f"No model server named {app_name!r} is running. Deploy the model version first.")
        self.app_name = app_name


class AppUnavailable(ServingError):
    """Raised when the application exists but cannot serve the request: it failed to deploy, is being deleted, or timed out."""


class PredictionFailed(ServingError):
    """Raised when the model fails on the inputs."""


class InvalidInputs(PredictionFailed):
    """Raised when the inputs do not match the model's signature. The message names the input and what it accepts."""


class ReplicaStartFailed(ServingError):
    """Raised in a replica that cannot load its model. Serve reports the message in the application's status."""


def first_line(error: BaseException | str) -> str:
    """Return the first line of an error message, without terminal colors, cut to MAX_MESSAGE_CHARS."""
    text = _TERMINAL_COLORS.sub("", str(error)).strip()
    if not text:
        return type(error).__name__ if isinstance(error, BaseException) else ""
    line = text.splitlines()[0].strip()
    return line if len(line) <= MAX_MESSAGE_CHARS else line[: MAX_MESSAGE_CHARS - 1] + "…"


def status_message(text: str) -> str:
    """Return one line for users from a Serve status message, which may end in a replica's traceback.

    The line is the message of a ReplicaStartFailed when the traceback has one, else the traceback's
    last line (the exception), else the message's first line.
    """
    clean = _TERMINAL_COLORS.sub("", text).strip()
    if not clean:
        return ""
    lines = [line.strip() for line in clean.splitlines() if line.strip()]
    marker = f"{ReplicaStartFailed.__name__}: "
    for line in reversed(lines):
        if marker in line:
            return first_line(line.split(marker, 1)[1])
    if "Traceback" in clean:
        return first_line(lines[-1])
    return first_line(lines[0])
