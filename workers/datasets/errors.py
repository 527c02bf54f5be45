"""The one exception the dataset engine raises for problems in the user's file or request."""

from __future__ import annotations

from typing import Any

MAX_VALUE_LENGTH = 200


class DatasetInputError(Exception):
    """Raised when the user's file or request cannot be processed.

    `message` is a full sentence that names the problem, the value and what is accepted.
    `field` names the request field or part of the file at fault ("file", "columns",
    "columnTypes.age", "operations[2].columns"). `value` is a short JSON-ready copy of the
    offending value: strings are cut to 200 characters, and anything that is not a plain
    JSON value is replaced by its text.
    """

    def __init__(self, message: str, *, field: str, value: object = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.value = _short_json_value(value)

    def __str__(self) -> str:
        return self.message


def _short_json_value(value: object) -> Any:
    if value is None or isinstance(value, (bool, int)):
        return value
    if isinstance(value, float):
        # JSON has no NaN or infinity, so those travel as text.
        return value if value == value and value not in (float("inf"), float("-inf")) else str(value)
    if isinstance(value, str):
        return value[:MAX_VALUE_LENGTH]
    if isinstance(value, (list, tuple)):
        return [_short_json_value(item) for item in list(value)[:20]]
    return str(value)[:MAX_VALUE_LENGTH]
