"""Single-value conversions against the dataset worker's Arrow conversions, value by value."""

from __future__ import annotations

import datetime as dt
import math
import random
from typing import Any

import pyarrow as pa
import pytest

from backend.domain.column_values import ConversionFailed, can_convert, convert_value, one_hot_name, read_json
from backend.domain.datasets import COLUMN_TYPES
from workers.datasets._types import LOGICAL_TYPES, UnsupportedConversion, convert_array
from workers.datasets._types import ConversionFailed as WorkerConversionFailed

pytestmark = pytest.mark.unit

UTC = dt.timezone.utc
_random = random.Random(5)

FLOATS = [
    0.0, -0.0, 1.0, 0.1, 1e20, 1e-7, 1e-6, 1.5e-6, 123456789.125, 1e15, 2.5e-5, math.inf, -math.inf, math.nan, 1.5e300,
    5e-324, 1.7976931348623157e308, 9.3e18, 9.2e18, 2.0**63, -(2.0**63), 1.5, 2.0, -7.0, 1e10, 9999999999.0, 9999999999.5,
    *[_random.uniform(-1e6, 1e6) for _ in range(200)],
    *[10 ** _random.uniform(-12, 25) * _random.choice([1, -1]) for _ in range(200)],
    *[float(_random.randint(-10**12, 10**12)) for _ in range(50)],
]
INTEGERS = [0, 1, -1, 2, 2**53 + 1, 2**62 + 1, -(2**63), 2**63 - 1, 12345, *[_random.randint(-10**18, 10**18) for _ in range(50)]]
NUMBER_TEXTS = [
    " 12", "+12", "12 ", "0x1F", "1_000", "1e3", "-0", "+0", "00012", "9223372036854775808", "-9223372036854775808", "",
    " +12 ", "+-1", "--1", "+ 1", "١٢", "1e5", "inf", "-inf", "nan", "Infinity", "+1.5", " 1.5", "1.", ".5", "1,5", "0x10",
    "1e400", "1_0", "-.5e-3", "NaN", "+inf", "1.5 ", "infinity", "INF", "1e", "e5", "1e+", "+", "-", ".", "1.5e3.2",
    " nan ", "-nan", "+nan", "1.5f", "1d", "0.", "00.5", "1E5", "inFinity", "infinit", "1e-400", "1__0", "++1", "nan(1)",
    "nan(abc_1)", "nan()", "infinityx", "1 5", "\u00a012\u3000", "\t1.5\n", "1" + "0" * 400,
]
WORD_TEXTS = ["true", " Yes", "T", "1", "0", "no", "NO", "y", "n", "f", "False", "2", "yes!", "", "Lyon"]
TIME_TEXTS = [
    "2024-05-01", " 2024-05-01", "2024-5-1", "20240501", "2024-05-01T00:00", "2024-02-30", "2024-02-29", "2023-02-29",
    "0001-01-01", "9999-12-31", "10000-01-01", "2024-05-01T10:20:30", "2024-05-01 10:20:30", "2024-05-01T10:20:30Z",
    "2024-05-01T10:20:30+02:00", "2024-05-01T10:20:30.123456789", "2024-05-01T10:20", "2024-05-01T10",
    "2024-05-01T10:20:30.5+0200", "2024-05-01T10:20:30+02", "2024-05-01T102030", "2024-05-01T10:20:30z",
    " 2024-05-01T10:20:30 ", "2024-05-01T1020", "2024-05-01T10:20:30.1234567", "2024-05-01T10:20:60", "2024-05-01T24:00:00",
    "2024-05-01Z", "2024-05-01T10Z", "2024-05-01T10:20Z", "2024-05-01t10:20:30", "2024-05-01T10:20:30.",
    "2024-05-01T10:20:30.1234560", "2024-05-01T10:20:30,5", "2024-05-01T10:20:30 Z", "2024-05-01T10:20:30+2",
    "2024-05-01T10:20:30+02:0", "2024-05-01T10:20:30-02:30", "2024-05-01T10:20:30+23:59", "2024-05-01T10:20:30+24:00",
    "2024-05-01T10:20:30+02:60", "2024-05-01 10", "2024-05-01  10", "2024-05-01T", "2024-05-01 ",
    "2024-05-01T10:20:30.123+05:45", "2024-05-01T10:2", "2024-13-01", "2024-05-01T10:20:30+02:00:00",
    "2024-05-01T10:20:30UTC", "+2024-05-01", "2024-05-01T10:20:30-0000", "2024-05-01T10+02", "2024-05-01 10:20:30z",
    "2024-05-01T23:59:59.999999-23:59", "2024-05-01T10:20:30+1234", "2024-05-01T10:20:30+123",
]
DATES = [dt.date(2024, 5, 1), dt.date(1, 1, 1), dt.date(9999, 12, 31), dt.date(1969, 12, 31)]
TIMES = [
    dt.datetime(2024, 5, 1, 10, 20, 30, 123456, tzinfo=UTC), dt.datetime(1969, 12, 31, 23, 0, tzinfo=UTC),
    dt.datetime(1, 1, 1, 0, 0, 0, 5, tzinfo=UTC), dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC),
    dt.datetime(2024, 1, 1, tzinfo=UTC),
]
VALUES: dict[str, list[Any]] = {
    "integer": INTEGERS,
    "float": FLOATS,
    "boolean": [True, False],
    "string": NUMBER_TEXTS + WORD_TEXTS + TIME_TEXTS,
    "datetime": TIMES,
    "date": DATES,
}
PAIRS = [(source, target) for source in COLUMN_TYPES for target in COLUMN_TYPES if source != target]
CONVERTIBLE = [(source, target) for source, target in PAIRS if can_convert(source, target)]


def worker_conversion(value: Any, source: str, target: str) -> tuple[str, Any]:
    try:
        converted = convert_array(pa.array([value], LOGICAL_TYPES[source]), source, target)
    except (WorkerConversionFailed, UnsupportedConversion):
        return "failed", None
    try:
        return "converted", converted[0].as_py()
    except (ValueError, OverflowError):
        # Arrow stores times beyond year 9999 that Python cannot, and the worker rejects them when it writes the file.
        return "failed", None


def served_conversion(value: Any, source: str, target: str) -> tuple[str, Any]:
    try:
        return "converted", convert_value(value, source, target)
    except ConversionFailed:
        return "failed", None


def same_value(left: Any, right: Any) -> bool:
    if isinstance(left, float) and isinstance(right, float):
        return (math.isnan(left) and math.isnan(right)) or (left == right and math.copysign(1, left) == math.copysign(1, right))
    return type(left) is type(right) and left == right or (isinstance(left, dt.datetime) and left == right)


@pytest.mark.parametrize(("source", "target"), CONVERTIBLE, ids=[f"{source}-{target}" for source, target in CONVERTIBLE])
def test_conversion_matches_worker(source: str, target: str) -> None:
    mismatches = []
    for value in VALUES[source]:
        expected = worker_conversion(value, source, target)
        served = served_conversion(value, source, target)
        if expected[0] != served[0] or not same_value(expected[1], served[1]):
            mismatches.append((value, expected, served))

    assert mismatches == []


@pytest.mark.parametrize(("source", "target"), PAIRS, ids=[f"{source}-{target}" for source, target in PAIRS])
def test_unsupported_pairs_match_worker(source: str, target: str) -> None:
    value = VALUES[source][0]
    try:
        convert_array(pa.array([value], LOGICAL_TYPES[source]), source, target)
        worker_converts = True
    except UnsupportedConversion:
        worker_converts = False
    except WorkerConversionFailed:
        worker_converts = True

    assert can_convert(source, target) == worker_converts


def test_missing_value_stays_missing() -> None:
    assert convert_value(None, "string", "integer") is None
    assert convert_value(math.nan, "float", "string") is None
    assert math.isnan(convert_value(math.nan, "float", "float"))


@pytest.mark.parametrize(
    ("value", "column_type", "expected"),
    [
        (3, "integer", 3),
        (3.0, "integer", 3),
        (3, "float", 3.0),
        (True, "boolean", True),
        ("Lyon", "string", "Lyon"),
        ("2024-05-01", "date", dt.date(2024, 5, 1)),
        ("2024-05-01T12:30:00+02:00", "datetime", dt.datetime(2024, 5, 1, 10, 30, tzinfo=UTC)),
        ("2024-05-01T12:30:00.000001Z", "datetime", dt.datetime(2024, 5, 1, 12, 30, 0, 1, tzinfo=UTC)),
        (None, "float", None),
    ],
)
def test_json_values_are_read(value: Any, column_type: str, expected: Any) -> None:
    assert read_json(value, column_type) == expected


@pytest.mark.parametrize(
    ("value", "column_type"),
    [(True, "integer"), (3.5, "integer"), (2**63, "integer"), ("3", "integer"), (math.nan, "float"), (math.inf, "float"),
     (10**400, "float"), (1, "boolean"), (3, "string"), ("2024-05", "date"), ("yesterday", "datetime"), ([1], "float")],
)
def test_wrong_json_values_are_rejected(value: Any, column_type: str) -> None:
    with pytest.raises(ConversionFailed):
        read_json(value, column_type)


@pytest.mark.parametrize(
    ("category", "name"),
    [(True, "member_true"), (False, "member_false"), (7, "member_7"), ("gold", "member_gold"),
     ("2024-05-01", "member_2024-05-01"), (dt.date(2024, 5, 1), "member_2024-05-01")],
)
def test_one_hot_column_names(category: Any, name: str) -> None:
    assert one_hot_name("member", category) == name
