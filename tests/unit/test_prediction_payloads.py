"""Checks of prediction payloads that need no model: what each rejection states, in English and as JSON types."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from backend.application.prediction_payloads import JSON_TYPES, PayloadError, check_payload, json_type, parse_json, raw_rows

pytestmark = pytest.mark.unit

TEXT_SIGNATURE = {"inputs": [{"name": "text", "shape": [None, 1], "dtype": "string"}]}
FEATURES = {"inputs": [{"name": "features", "shape": [None, 3], "dtype": "float32"}]}
TWO_INPUTS = {
    "inputs": [{"name": "a", "shape": [None, 1], "dtype": "float32"}, {"name": "b", "shape": [None, 1], "dtype": "int32"}]
}
FLAG = {"inputs": [{"name": "flag", "shape": [None], "dtype": "bool"}]}


@dataclass(frozen=True)
class Column:
    name: str


@dataclass(frozen=True)
class Transform:
    """The part of a serving transform that raw_rows reads: the raw columns' names."""

    raw_columns: tuple[Column, ...] = (Column("age"), Column("city"))


def test_unpaired_surrogate_refused() -> None:
    with pytest.raises(PayloadError) as raised:
        check_payload({"instances": [["fine"], ["bad \ud800 text"]]}, TEXT_SIGNATURE)

    assert raised.value.field == "instances[1][0]"
    assert "unpaired surrogate U+D800 at index 4" in raised.value.message
    assert raised.value.received == "an unpaired surrogate at index 4"


def test_valid_text_accepted() -> None:
    request = check_payload({"instances": [["naïve café"], ["日本語のレビュー"]]}, TEXT_SIGNATURE)

    assert request.rows == 2


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, "null"), (True, "boolean"), (0, "number"), (0.5, "number"), ("x", "string"), ([], "array"), ({}, "object")],
)
def test_json_type_of_each_value(value: Any, expected: str) -> None:
    assert json_type(value) == expected


@pytest.mark.parametrize(
    ("document", "signature", "field", "expected_type", "received_type"),
    [
        ([1, 2, 3], FEATURES, "body", "object", "array"),
        ({"instances": [[1, 2, 3]], "inputs": [[1, 2, 3]]}, FEATURES, "body", "object", "object"),
        ({"instances": [[1, 2, 3]], "extra": 5}, FEATURES, "extra", None, "number"),
        ({"instances": [[1, 2, 3]], "signature_name": 7}, FEATURES, "signature_name", "string", "number"),
        ({"instances": "1, 2, 3"}, FEATURES, "instances", "array", "string"),
        ({"instances": []}, FEATURES, "instances", "array", "array"),
        ({"instances": [[1, "2", 3]]}, FEATURES, "instances[0][1]", "number", "string"),
        ({"instances": [[1, None, 3]]}, FEATURES, "instances[0][1]", "number", "null"),
        ({"instances": [[1, True, 3]]}, FEATURES, "instances[0][1]", "number", "boolean"),
        ({"instances": [[1, [2], 3]]}, FEATURES, "instances[0][1]", "number", "array"),
        ({"instances": [0.5]}, FEATURES, "instances[0]", "array", "number"),
        ({"instances": [[1, 2]]}, FEATURES, "instances[0]", "array", "array"),
        ({"instances": [[1, 2, 1e39]]}, FEATURES, "instances[0][2]", "number", "number"),
        ({"instances": [{"a": 1.0, "b": 0.5}]}, TWO_INPUTS, "instances[0].b[0]", "integer", "number"),
        ({"instances": [{"a": 1.0, "b": 2**40}]}, TWO_INPUTS, "instances[0].b[0]", "integer", "number"),
        ({"instances": [{"a": 1.0, "b": 1}, [1.0, 1]]}, TWO_INPUTS, "instances[1]", "object", "array"),
        ({"instances": [[1.0, 1]]}, TWO_INPUTS, "instances[0]", "object", "array"),
        ({"instances": [{"a": 1.0}]}, TWO_INPUTS, "instances[0]", "object", "object"),
        ({"inputs": [1.0]}, TWO_INPUTS, "inputs", "object", "array"),
        ({"inputs": {"a": [1.0, 2.0], "b": [1]}}, TWO_INPUTS, "inputs", "object", "object"),
        ({"inputs": {"a": 1.0, "b": [1]}}, TWO_INPUTS, "inputs.a", "array", "number"),
        ({"instances": ["yes"]}, FLAG, "instances[0]", "boolean", "string"),
        ({"instances": [5]}, TEXT_SIGNATURE, "instances[0][0]", "string", "number"),
        ({"instances": ["bad \ud800 text"]}, TEXT_SIGNATURE, "instances[0][0]", "string", "string"),
    ],
    ids=[
        "body list", "both formats", "unknown key", "signature name number", "instances text", "no rows", "string for float",
        "null for float", "boolean for float", "list for float", "scalar for row", "value count",
        "beyond float32", "fraction for int32", "beyond int32", "unkeyed row after keyed", "unkeyed row of two inputs",
        "missing input", "columns as list", "row counts differ", "column not a list", "string for bool", "number for string",
        "unpaired surrogate",
    ],
)
def test_rejection_states_json_types(
    document: Any, signature: dict[str, Any], field: str, expected_type: str | None, received_type: str
) -> None:
    with pytest.raises(PayloadError) as raised:
        check_payload(document, signature)

    assert raised.value.field == field
    assert raised.value.expected_type == expected_type
    assert raised.value.received_type == received_type


def test_row_limit_states_array() -> None:
    with pytest.raises(PayloadError) as raised:
        check_payload({"instances": [[1, 2, 3]] * 3}, FEATURES, max_rows=2)

    assert (raised.value.field, raised.value.received) == ("instances", "3 rows")
    assert (raised.value.expected_type, raised.value.received_type) == ("array", "array")


def test_missing_signature_has_no_types() -> None:
    with pytest.raises(PayloadError) as raised:
        check_payload({"instances": [[1]]}, {"inputs": []})

    assert raised.value.field == "signature"
    assert (raised.value.expected_type, raised.value.received_type) == (None, None)


@pytest.mark.parametrize("body", [b'{"instances": [[1, 2,]]}', b'{"instances": \xff}', b"[" * 100_000])
def test_unreadable_body_expects_object(body: bytes) -> None:
    with pytest.raises(PayloadError) as raised:
        parse_json(body)

    assert raised.value.field == "body"
    assert (raised.value.expected_type, raised.value.received_type) == ("object", None)


@pytest.mark.parametrize(
    ("document", "field", "expected_type", "received_type"),
    [
        ("rows", "body", "object", "string"),
        ({"instances": {"age": 40}}, "instances", "array", "object"),
        ({"instances": [{"age": 40, "city": "Lyon"}, 40]}, "instances[1]", "object", "number"),
        ({"inputs": [[40, "Lyon"]]}, "inputs", "object", "array"),
        ({"inputs": {"age": [40, 41], "city": ["Lyon"]}}, "inputs", "object", "object"),
    ],
)
def test_raw_rows_rejection_states_json_types(
    document: Any, field: str, expected_type: str | None, received_type: str
) -> None:
    with pytest.raises(PayloadError) as raised:
        raw_rows(document, Transform())

    assert raised.value.field == field
    assert (raised.value.expected_type, raised.value.received_type) == (expected_type, received_type)


@pytest.mark.parametrize("received_type", ["integer", "list", "float"])
def test_received_type_outside_json_types_rejected(received_type: str) -> None:
    assert received_type not in JSON_TYPES
    with pytest.raises(ValueError):
        PayloadError("The body is wrong.", field="body", received_type=received_type)


@pytest.mark.parametrize(
    ("document", "signature", "minimum", "maximum"),
    [
        ({"instances": [[1, 2, 1e39]]}, FEATURES, -3.4028234663852886e38, 3.4028234663852886e38),
        ({"instances": [[1, 2, -(10**39)]]}, FEATURES, -3.4028234663852886e38, 3.4028234663852886e38),
        ({"instances": [{"a": 1.0, "b": 2**40}]}, TWO_INPUTS, -(2**31), 2**31 - 1),
    ],
    ids=["float32", "float32 integer", "int32"],
)
def test_value_out_of_range_states_range(document: Any, signature: dict[str, Any], minimum: float, maximum: float) -> None:
    with pytest.raises(PayloadError) as raised:
        check_payload(document, signature)

    assert (raised.value.expected_minimum, raised.value.expected_maximum) == (minimum, maximum)
    assert raised.value.received_type == "number"


def test_type_mismatch_states_no_range() -> None:
    with pytest.raises(PayloadError) as raised:
        check_payload({"instances": [[1, "2", 3]]}, FEATURES)

    assert (raised.value.expected_minimum, raised.value.expected_maximum) == (None, None)
