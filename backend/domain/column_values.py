"""Single values of the dataset column types, converted one at a time as the dataset worker converts whole columns.

Serving applies a training version's casts and fills to one request row, so each function
here gives the value that the worker's Arrow conversions (`workers/datasets/_types.py`)
give for the same input, without importing Arrow. A `date` value is a `datetime.date` and a
`datetime` value a `datetime.datetime` in UTC. A missing value is None, and in a float
column NaN also counts as missing.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from typing import Any

from backend.domain.datasets import COLUMN_TYPES

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
UTC = timezone.utc

# Spellings castColumns accepts when it converts text to boolean.
TRUE_WORDS = frozenset({"true", "t", "yes", "y", "1"})
FALSE_WORDS = frozenset({"false", "f", "no", "n", "0"})

# Conversions castColumns accepts besides text to any type and any type to text.
CONVERSIONS = frozenset({
    ("integer", "float"), ("float", "integer"),
    ("boolean", "integer"), ("boolean", "float"),
    ("integer", "boolean"), ("float", "boolean"),
    ("date", "datetime"), ("datetime", "date"),
})

ACCEPTED_JSON = {
    "integer": "a whole number",
    "float": "a finite number",
    "boolean": "true or false",
    "string": "a string",
    "date": "an ISO 8601 date such as '2024-05-01'",
    "datetime": "an ISO 8601 date and time such as '2024-05-01T12:30:00Z'",
}

# The text forms Arrow parses, with ASCII digits only. Arrow's float parser also takes
# "nan(chars)", which Python's float() does not.
_INTEGER_TEXT = re.compile(r"-?[0-9]+")
_FLOAT_TEXT = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[+-]?inf(?:inity)?", re.IGNORECASE)
_NAN_TEXT = re.compile(r"[+-]?nan(?:\([0-9A-Za-z_]*\))?", re.IGNORECASE)
_DATE_TEXT = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_DATETIME_TEXT = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})"
    r"(?:[T ]([0-9]{2})(?::([0-9]{2})(?::([0-9]{2})(?:\.([0-9]{1,6}))?)?)?"
    r"(?:([Zz])|([+-])([0-9]{2})(?::?([0-9]{2}))?)?)?"
)

# Arrow writes a float in fixed notation when its decimal exponent lies in this range, else as 1.5e+10.
_FIXED_EXPONENTS = range(-6, 10)


class ConversionFailed(ValueError):
    """Raised when a value does not convert to the requested column type."""


def is_missing(value: Any) -> bool:
    """Return whether a value is missing: None, or NaN in a float column."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def can_convert(source: str, target: str) -> bool:
    """Return whether castColumns converts columns of type `source` to `target` at all."""
    return source == target or "string" in (source, target) or (source, target) in CONVERSIONS


def convert_value(value: Any, source: str, target: str) -> Any:
    """Convert one value of column type `source` to `target` as castColumns does; None stays None.

    NaN becomes None for every target but float. Raises ConversionFailed for a value that
    does not convert, or a pair of types that `can_convert` rejects.
    """
    if not can_convert(source, target):
        raise ConversionFailed(f"{source} cannot be converted to {target}")
    if value is None or source == target:
        return value
    if source == "float" and math.isnan(value):
        return None
    if target == "string":
        return _text_of(value, source)
    if source == "string":
        return parse_text(value, target)
    if target == "boolean" and source in ("integer", "float"):
        if value == 1:
            return True
        if value == 0:
            return False
        raise ConversionFailed(f"only 0 and 1 convert to boolean, not {value!r}")
    if target == "integer" and source == "boolean":
        return int(value)
    if target == "integer" and source == "float":
        if not value.is_integer() or not INT64_MIN <= value <= INT64_MAX:
            raise ConversionFailed(f"{value!r} is not a whole number within the integer range")
        return int(value)
    if target == "float" and source in ("integer", "boolean"):
        return float(value)
    if source == "date" and target == "datetime":
        return datetime.combine(value, time(), tzinfo=UTC)
    # can_convert leaves only datetime to date.
    return value.astimezone(UTC).date()


def parse_text(text: str, target: str) -> Any:
    """Parse text as a value of column type `target`, as castColumns reads a string column; raises ConversionFailed."""
    if target == "string":
        return text
    if target == "integer":
        return _parse_integer(text)
    if target == "float":
        return _parse_float(text)
    if target == "boolean":
        return _parse_boolean(text)
    if target == "date":
        return _parse_date(text)
    if target == "datetime":
        return _parse_datetime(text)
    raise ConversionFailed(f"{target!r} is not a column type; the types are {', '.join(COLUMN_TYPES)}")


def read_json(value: Any, column_type: str) -> Any:
    """Return a JSON value as a value of `column_type`, or raise ConversionFailed. Null stays None.

    Integer columns take whole numbers, also written as 3.0, and float columns take finite
    numbers. Dates and times take ISO 8601 text, which is read as castColumns reads text.
    """
    if value is None:
        return None
    if column_type == "integer":
        return _read_integer(value)
    if column_type == "float":
        return _read_float(value)
    if column_type == "boolean" and isinstance(value, bool):
        return value
    if column_type in ("string", "date", "datetime") and isinstance(value, str):
        return parse_text(value, column_type)
    raise ConversionFailed(f"{describe(value)} is not {ACCEPTED_JSON.get(column_type, column_type)}")


def one_hot_name(column: str, category: Any) -> str:
    """Return the name of the 0/1 column that oneHot creates for `category`, a category as its fitted values record it."""
    if isinstance(category, bool):
        text = "true" if category else "false"
    elif isinstance(category, date):
        text = category.isoformat()
    else:
        text = str(category)
    return f"{column}_{text}"


def describe(value: Any) -> str:
    """Return a short description of a JSON value for an error message."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"[:60]
    if isinstance(value, str):
        return f"the string {value[:30]!r}" + ("…" if len(value) > 30 else "")
    if isinstance(value, list):
        return f"a list of {len(value)}"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _read_integer(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConversionFailed(f"{describe(value)} is not a whole number")
    if isinstance(value, float) and not value.is_integer():
        raise ConversionFailed(f"{describe(value)} is not a whole number")
    if not INT64_MIN <= value <= INT64_MAX:
        raise ConversionFailed(f"{describe(value)} is outside the integer range ({INT64_MIN} to {INT64_MAX})")
    return int(value)


def _read_float(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConversionFailed(f"{describe(value)} is not a number")
    try:
        number = float(value)
    except OverflowError:
        raise ConversionFailed(f"{describe(value)} is beyond the float64 range") from None
    if not math.isfinite(number):
        raise ConversionFailed(f"{describe(value)} is not finite; send null for a missing value")
    return number


def _text_of(value: Any, source: str) -> str:
    if source == "boolean":
        return "true" if value else "false"
    if source == "float":
        return _float_text(value)
    if source == "date":
        return value.isoformat()
    if source == "datetime":
        moment = value.astimezone(UTC)
        # Arrow's %S prints the microseconds of a microsecond timestamp, even when they are zero.
        return (
            f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}T"
            f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}.{moment.microsecond:06d}Z"
        )
    return str(value)


def _float_text(value: float) -> str:
    """Write a float as Arrow casts float64 to text: the shortest digits that read back, 1e+20 and 1e-7 style exponents."""
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    if value == 0:
        return "-0" if math.copysign(1.0, value) < 0 else "0"
    sign, digit_tuple, exponent = Decimal(repr(value)).as_tuple()
    digits = "".join(map(str, digit_tuple)).rstrip("0")
    exponent += len(digit_tuple) - len(digits)
    decimal_exponent = len(digits) - 1 + exponent
    if decimal_exponent in _FIXED_EXPONENTS:
        whole_digits = len(digits) + exponent
        if exponent >= 0:
            body = digits + "0" * exponent
        elif whole_digits > 0:
            body = f"{digits[:whole_digits]}.{digits[whole_digits:]}"
        else:
            body = "0." + "0" * -whole_digits + digits
    else:
        fraction = f".{digits[1:]}" if len(digits) > 1 else ""
        body = f"{digits[0]}{fraction}e{'+' if decimal_exponent > 0 else '-'}{abs(decimal_exponent)}"
    return f"-{body}" if sign else body


def _parse_integer(text: str) -> int:
    # Arrow rejects surrounding whitespace, so the worker retries with it trimmed and one leading "+" removed.
    trimmed = text.strip()
    if trimmed.startswith("+"):
        trimmed = trimmed[1:]
    if not _INTEGER_TEXT.fullmatch(trimmed):
        raise ConversionFailed(f"{text[:30]!r} is not a whole number")
    number = int(trimmed)
    if not INT64_MIN <= number <= INT64_MAX:
        raise ConversionFailed(f"{text[:30]!r} is outside the integer range")
    return number


def _parse_float(text: str) -> float:
    trimmed = text.strip()
    if _NAN_TEXT.fullmatch(trimmed):
        return math.nan
    if not _FLOAT_TEXT.fullmatch(trimmed):
        raise ConversionFailed(f"{text[:30]!r} is not a number")
    return float(trimmed)


def _parse_boolean(text: str) -> bool:
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ConversionFailed(f"{text[:30]!r} is not one of {', '.join(sorted(TRUE_WORDS | FALSE_WORDS))}")


def _parse_date(text: str) -> date:
    found = _DATE_TEXT.fullmatch(text.strip())
    try:
        if found is None:
            raise ValueError
        return date(int(found[1]), int(found[2]), int(found[3]))
    except ValueError:
        raise ConversionFailed(f"{text[:30]!r} is not an ISO 8601 date (YYYY-MM-DD)") from None


def _parse_datetime(text: str) -> datetime:
    """Parse ISO 8601 text as the worker does: no zone means UTC, a bare date means midnight UTC, fractions to microseconds."""
    found = _DATETIME_TEXT.fullmatch(text.strip())
    try:
        if found is None:
            raise ValueError
        year, month, day, hour, minute, second, fraction, utc, sign, offset_hours, offset_minutes = found.groups()
        zone = UTC
        if sign is not None:
            if int(offset_hours) > 23 or int(offset_minutes or 0) > 59:
                raise ValueError
            offset = timedelta(hours=int(offset_hours), minutes=int(offset_minutes or 0))
            zone = timezone(-offset if sign == "-" else offset)
        microseconds = int((fraction or "").ljust(6, "0"))
        local = datetime(
            int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0), microseconds, tzinfo=zone
        )
        return local.astimezone(UTC)
    except (ValueError, OverflowError):
        raise ConversionFailed(
            f"{text[:30]!r} is not an ISO 8601 date and time within the years 1 to 9999, such as '2024-05-01T12:30:00Z'"
        ) from None
