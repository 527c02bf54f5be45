"""Checks on user-supplied values that raise InvalidInput naming the field, the value and what is accepted."""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import datetime, timezone
from typing import Any

from backend.domain.base import InvalidInput

MAX_SHOWN_CHARACTERS = 40
# NUL cannot be stored in a PostgreSQL text column, and a lone surrogate cannot be encoded as UTF-8.
FORBIDDEN_CHARACTERS = re.compile("[\x00\ud800-\udfff]")


def shown(value: Any) -> str:
    """Render a value for an error message, shortening long strings so a 10 MB input yields a short message."""
    if isinstance(value, str) and len(value) > MAX_SHOWN_CHARACTERS:
        return repr(value[:MAX_SHOWN_CHARACTERS]) + f"… ({len(value)} characters)"
    return repr(value)


def check_pattern(field: str, value: str, pattern: re.Pattern[str], accepted: str) -> str:
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise InvalidInput(f"{field} {shown(value)} is invalid: {accepted}.", field=field, value=trimmed(value))
    return value


def check_characters(field: str, value: str) -> str:
    found = FORBIDDEN_CHARACTERS.search(value)
    if found:
        raise InvalidInput(
            f"{field} contains the character U+{ord(found.group()):04X} at index {found.start()}, which is not "
            "accepted; remove NUL characters and unpaired surrogates.",
            field=field,
            value=trimmed(value),
        )
    return value


def clean_text(value: str) -> str:
    """Replace characters that cannot be stored (NUL, unpaired surrogates) with U+FFFD, for values taken as given."""
    return FORBIDDEN_CHARACTERS.sub("\ufffd", value)


def check_length(field: str, value: str, *, minimum: int = 0, maximum: int) -> str:
    check_characters(field, value)
    if len(value) < minimum or len(value) > maximum:
        if minimum and not value:
            raise InvalidInput(f"{field} must not be empty.", field=field, value=value)
        raise InvalidInput(
            f"{field} {shown(value)} is invalid: it must be {minimum} to {maximum} characters long.",
            field=field,
            value=trimmed(value),
        )
    return value


def check_choice(field: str, value: str, choices: Collection[str]) -> str:
    if value not in choices:
        raise InvalidInput(
            f"{field} {shown(value)} is invalid: expected one of {', '.join(sorted(choices))}.",
            field=field,
            value=trimmed(value),
        )
    return value


def trimmed(value: Any) -> Any:
    if isinstance(value, str) and len(value) > MAX_SHOWN_CHARACTERS:
        return value[:MAX_SHOWN_CHARACTERS] + "…"
    return value


def parse_utc_time(field: str, text: str | None) -> datetime | None:
    """Parse an ISO 8601 time with a zone (`Z` or an offset) into UTC; InvalidInput for anything else."""
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise InvalidInput(
            f"{field} {shown(text)} is invalid: expected an ISO 8601 time with a zone, such as 2026-12-01T09:00:00Z.",
            field=field,
            value=trimmed(text),
        )
    return moment.astimezone(timezone.utc)
