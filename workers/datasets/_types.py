"""Logical column types, the Arrow types that store them, and conversions between them.

Every canonical dataset column has one of six logical types: "integer" (int64), "float"
(float64), "boolean" (bool), "string" (utf8), "datetime" (timestamp[us, tz=UTC]) and
"date" (date32). Text from uploaded files is parsed by the functions here, both while the
type of a column is inferred and when it is converted, so both steps accept the same
spellings.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

LOGICAL_TYPES: dict[str, pa.DataType] = {
    "integer": pa.int64(),
    "float": pa.float64(),
    "boolean": pa.bool_(),
    "string": pa.string(),
    "datetime": pa.timestamp("us", tz="UTC"),
    "date": pa.date32(),
}
ACCEPTED_TYPES = ", ".join(f'"{name}"' for name in LOGICAL_TYPES)
NUMERIC_TYPES = ("integer", "float")
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1

# Spellings accepted when text is converted to boolean on request; inference only takes true and false.
_TRUE_WORDS = pa.array(["true", "t", "yes", "y", "1"])
_FALSE_WORDS = pa.array(["false", "f", "no", "n", "0"])
_INFERRED_TRUE_WORDS = pa.array(["true"])
_INFERRED_FALSE_WORDS = pa.array(["false"])

# Conversions a request may ask for, besides text to any type and any type to text.
_SUPPORTED_CONVERSIONS = {
    ("integer", "float"), ("float", "integer"),
    ("boolean", "integer"), ("boolean", "float"),
    ("integer", "boolean"), ("float", "boolean"),
    ("date", "datetime"), ("datetime", "date"),
}


class ConversionFailed(Exception):
    """Raised when a value does not convert; `index` is its position in the array and `value` the value."""

    def __init__(self, index: int, value: Any) -> None:
        super().__init__(f"value {value!r} at index {index} does not convert")
        self.index = index
        self.value = value


class UnsupportedConversion(Exception):
    """Raised when no value of the source type can be converted to the target type."""


def logical_type(data_type: pa.DataType) -> str:
    """Return the logical type stored as `data_type`, which must be one of the canonical Arrow types."""
    for name, candidate in LOGICAL_TYPES.items():
        if data_type == candidate:
            return name
    raise ValueError(f"{data_type} is not a canonical column type")


def canonical_schema(columns: list[tuple[str, str]]) -> pa.Schema:
    """Build the Arrow schema of a canonical dataset from (name, logical type) pairs."""
    return pa.schema([pa.field(name, LOGICAL_TYPES[logical], nullable=True) for name, logical in columns])


def describe_columns(schema: pa.Schema) -> list[dict[str, str]]:
    return [{"name": field.name, "type": logical_type(field.type)} for field in schema]


# --- Column names ----------------------------------------------------------------------------------


def invalid_name_character(name: str) -> str | None:
    """Return the first NUL or unpaired surrogate in a column name, or None.

    Later operations cannot name such a column, and a surrogate cannot be encoded as UTF-8.
    """
    for character in name:
        if character == "\x00" or "\ud800" <= character <= "\udfff":
            return character
    return None


def describe_character(character: str) -> str:
    """Return a character's code point written as "U+0000", noting when it is a surrogate."""
    code = f"U+{ord(character):04X}"
    return f"{code} (an unpaired surrogate)" if "\ud800" <= character <= "\udfff" else code


def printable_name(name: str) -> str:
    """Return `name` with NUL and surrogates written as \\uXXXX escapes, so that it is valid UTF-8 text."""
    return "".join(
        f"\\u{ord(character):04x}" if invalid_name_character(character) else character for character in name
    )


# --- Parsing text ---------------------------------------------------------------------------


def _cast_text(array: pa.Array, target: pa.DataType) -> pa.Array:
    """Cast text with Arrow, retrying once with surrounding whitespace and a leading plus sign removed."""
    try:
        return pc.cast(array, target)
    except pa.ArrowInvalid:
        trimmed = pc.utf8_trim_whitespace(array)
        if pa.types.is_integer(target):
            trimmed = pc.replace_substring_regex(trimmed, pattern=r"^\+", replacement="", max_replacements=1)
        return pc.cast(trimmed, target)


def _text_to_integer(array: pa.Array) -> pa.Array:
    converted = _cast_text(array, pa.int64())
    # Arrow also parses hexadecimal ("0x1F"), which would turn identifiers into numbers.
    if pc.any(pc.match_substring(array, "x", ignore_case=True)).as_py():
        raise pa.ArrowInvalid("hexadecimal text is not an integer")
    return converted


def _text_to_float(array: pa.Array) -> pa.Array:
    return _cast_text(array, pa.float64())


def _text_to_boolean(array: pa.Array, *, true_words: pa.Array = _TRUE_WORDS, false_words: pa.Array = _FALSE_WORDS) -> pa.Array:
    words = pc.utf8_lower(pc.utf8_trim_whitespace(array))
    is_true = pc.is_in(words, value_set=true_words)
    is_false = pc.is_in(words, value_set=false_words)
    unknown = pc.and_(pc.is_valid(words), pc.invert(pc.or_(is_true, is_false)))
    if pc.any(unknown).as_py():
        raise pa.ArrowInvalid("text is not a boolean")
    return pc.if_else(pc.is_valid(array), is_true, pa.scalar(None, pa.bool_()))


def _text_to_date(array: pa.Array) -> pa.Array:
    return _cast_text(array, pa.date32())


def _text_to_datetime(array: pa.Array) -> pa.Array:
    """Parse ISO 8601 text; a value without a zone offset is taken as UTC and a bare date as midnight UTC."""
    utc = LOGICAL_TYPES["datetime"]
    try:
        return pc.cast(pc.cast(array, pa.timestamp("us")), utc)
    except pa.ArrowInvalid:
        pass
    # Mixed or offset-carrying values: give every value an offset, then parse them all as UTC.
    text = pc.utf8_trim_whitespace(array)
    bare_date = pc.match_substring_regex(text, r"^\d{4}-\d{2}-\d{2}$")
    text = pc.if_else(bare_date, pc.binary_join_element_wise(text, "T00:00:00", ""), text)
    has_offset = pc.match_substring_regex(text, r"([Zz]|[+-]\d{2}(:?\d{2})?)$")
    text = pc.if_else(has_offset, text, pc.binary_join_element_wise(text, "Z", ""))
    text = pc.replace_substring_regex(text, pattern=r"z$", replacement="Z")
    return pc.cast(text, utc)


_TEXT_PARSERS: dict[str, Callable[[pa.Array], pa.Array]] = {
    "integer": _text_to_integer,
    "float": _text_to_float,
    "boolean": _text_to_boolean,
    "date": _text_to_date,
    "datetime": _text_to_datetime,
}

# Types a text column may turn out to be, in order of preference. A later type in the same
# chain accepts everything an earlier one accepts: an integer is also a float, a date also a datetime.
_INFERENCE_ORDER = ("integer", "float", "boolean", "date", "datetime")
_WIDER_TYPES = {"integer": ("float",), "float": (), "boolean": (), "date": ("datetime",), "datetime": ()}


def _accepts(logical: str, values: pa.Array) -> bool:
    try:
        if logical == "boolean":
            _text_to_boolean(values, true_words=_INFERRED_TRUE_WORDS, false_words=_INFERRED_FALSE_WORDS)
        else:
            _TEXT_PARSERS[logical](values)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return False
    return True


def narrow_text_type(current: str | None, values: pa.Array, *, candidates: tuple[str, ...] = _INFERENCE_ORDER) -> str | None:
    """Return the narrowest type that fits both the text seen so far (`current`) and `values`.

    `current` is None while every value seen was null; the result stays None when `values`
    contains no value either. `candidates` lists the types to try for a column's first
    values, in order of preference. A column that fits none of them is "string".
    """
    if current == "string":
        return current
    present = values.drop_null()
    if len(present) == 0:
        return current
    chain = candidates if current is None else (current, *_WIDER_TYPES[current])
    for candidate in chain:
        if _accepts(candidate, present):
            return candidate
    return "string"


# --- Converting between types ------------------------------------------------------------------


def _to_text(array: pa.Array, source: str) -> pa.Array:
    if source == "datetime":
        text = pc.strftime(array, format="%Y-%m-%dT%H:%M:%S")
        return pc.binary_join_element_wise(text, "Z", "")
    if source == "float":
        array = pc.if_else(pc.is_nan(array), pa.scalar(None, pa.float64()), array)
    return pc.cast(array, pa.string())


def _convert_whole(array: pa.Array, source: str, target: str) -> pa.Array:
    if target == "string":
        return _to_text(array, source)
    if source == "string":
        return _TEXT_PARSERS[target](array)
    if source == "float":
        # NaN is a missing value, and every type but float stores it as null.
        array = pc.if_else(pc.is_nan(array), pa.scalar(None, pa.float64()), array)
    if target == "boolean":
        ones = pc.equal(array, 1)
        zeros = pc.equal(array, 0)
        if pc.any(pc.invert(pc.or_(ones, zeros))).as_py():
            raise pa.ArrowInvalid("only 0 and 1 convert to boolean")
        return ones
    if source == "datetime" and target == "date":
        return pc.cast(array, pa.date32(), safe=False)
    if source == "integer" and target == "float":
        # Integers beyond 2**53 round to the nearest float, which is accepted; a safe cast would reject them.
        return pc.cast(array, pa.float64(), safe=False)
    return pc.cast(array, LOGICAL_TYPES[target])


def convert_array(array: pa.Array, source: str, target: str) -> pa.Array:
    """Convert `array` from logical type `source` to `target`, keeping nulls.

    Raises UnsupportedConversion when the pair of types cannot be converted at all, and
    ConversionFailed with the first value that does not convert.
    """
    if source == target:
        return array
    if source != "string" and target != "string" and (source, target) not in _SUPPORTED_CONVERSIONS:
        raise UnsupportedConversion(f"{source} cannot be converted to {target}")
    try:
        return _convert_whole(array, source, target)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        index = _first_failure(array, source, target)
        raise ConversionFailed(index, json_value(array[index].as_py(), source)) from None


def _first_failure(array: pa.Array, source: str, target: str) -> int:
    """Find the first value that does not convert by bisection; conversions work value by value."""
    low, high = 0, len(array)
    while high - low > 1:
        middle = (low + high) // 2
        try:
            _convert_whole(array.slice(low, middle - low), source, target)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            high = middle
        else:
            low = middle
    return low


def convert_literal(value: Any, target: str) -> Any:
    """Convert a JSON literal (int, float, str or bool) to a Python value of logical type `target`.

    Raises UnsupportedConversion or ConversionFailed like convert_array.
    """
    source = literal_type(value)
    if source == "integer" and not INT64_MIN <= value <= INT64_MAX:
        return _convert_large_integer(value, target)
    converted = convert_array(pa.array([value], LOGICAL_TYPES[source]), source, target)
    return converted[0].as_py()


def _convert_large_integer(value: int, target: str) -> Any:
    """Convert an integer literal beyond the int64 range, which Arrow cannot hold."""
    if target == "string":
        return str(value)
    if target == "float":
        try:
            return float(value)
        except OverflowError:
            raise ConversionFailed(0, value) from None
    if target in ("integer", "boolean"):
        raise ConversionFailed(0, value)
    raise UnsupportedConversion(f"integer cannot be converted to {target}")


def literal_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "string"
    raise UnsupportedConversion(f"{type(value).__name__} is not a literal")


# --- JSON values ---------------------------------------------------------------------------------


def json_value(value: Any, logical: str, *, non_finite_as_text: bool = False) -> Any:
    """Return a Python value from Arrow as JSON-ready data.

    Datetimes and dates become ISO 8601 text. NaN and infinities become null, or the text
    "NaN", "Infinity" and "-Infinity" when `non_finite_as_text` is set.
    """
    if value is None:
        return None
    if logical == "float":
        if math.isfinite(value):
            return value
        if not non_finite_as_text:
            return None
        if math.isnan(value):
            return "NaN"
        return "Infinity" if value > 0 else "-Infinity"
    if logical == "datetime":
        return _iso_datetime(value)
    if logical == "date":
        return value.isoformat()
    return value


def _iso_datetime(value: dt.datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z")
