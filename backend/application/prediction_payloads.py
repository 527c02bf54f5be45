"""Prediction payloads in TensorFlow Serving's REST format, checked against a model version's signature.

A request is `{"instances": [...]}` (one entry per row: a value of the input's shape, or an
object keyed by input name) or `{"inputs": ...}` (columnar: one array, or an object of arrays
keyed by input name). Everything is checked before the model runs, and each error names the
path of the bad value and states what was expected against what was received.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from backend.domain.base import InvalidInput

MAX_ROWS = 10_000
FLOAT_TYPES = ("float16", "bfloat16", "float32", "float64", "half", "float", "double")
INTEGER_TYPES = ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")
SIGNATURE_NAME = "serving_default"
# The NumPy type whose range limits each float dtype, because the replica casts requests to the signature's dtype.
# NumPy has no bfloat16, whose range is nearly float32's.
FLOAT_RANGE_TYPES = {"float16": "float16", "half": "float16", "bfloat16": "float32", "float32": "float32", "float": "float32",
                     "float64": "float64", "double": "float64"}
# JSON Schema's type names. A received value is never "integer", because JSON has one number type; an input of an
# integer dtype expects "integer".
JSON_TYPES = ("null", "boolean", "number", "string", "array", "object")
EXPECTED_JSON_TYPES = (*JSON_TYPES, "integer")


class PayloadError(InvalidInput):
    """A request that does not fit the signature; `expected` and `received` describe the mismatch in English.

    So that clients can state the mismatch in their own language, the error also carries it as data.
    `received_type` is the JSON type of the value at `field` (one of JSON_TYPES), or None when the
    request has no JSON value there, such as a body that is not JSON or a missing key.
    `expected_type` is the JSON type the signature expects there (one of EXPECTED_JSON_TYPES), or None
    when the signature sets no type there, such as for an unknown key. When the mismatch is in the
    number of values, `expected_count` and `received_count` contain the numbers themselves, and for a
    number outside the range of the input's dtype, `expected_minimum` and `expected_maximum` contain
    the range.
    """

    def __init__(
        self,
        message: str,
        *,
        field: str,
        expected: str | None = None,
        received: str | None = None,
        expected_type: str | None = None,
        received_type: str | None = None,
        expected_count: int | None = None,
        received_count: int | None = None,
        expected_minimum: int | float | None = None,
        expected_maximum: int | float | None = None,
    ) -> None:
        super().__init__(message, field=field, value=received)
        if expected_type is not None and expected_type not in EXPECTED_JSON_TYPES:
            raise ValueError(f"expected_type {expected_type!r} is not one of {', '.join(EXPECTED_JSON_TYPES)}.")
        if received_type is not None and received_type not in JSON_TYPES:
            raise ValueError(f"received_type {received_type!r} is not one of {', '.join(JSON_TYPES)}.")
        self.expected = expected
        self.received = received
        self.expected_type = expected_type
        self.received_type = received_type
        self.expected_count = expected_count
        self.received_count = received_count
        self.expected_minimum = expected_minimum
        self.expected_maximum = expected_maximum


def json_type(value: Any) -> str:
    """Return the JSON type of a value that `json.loads` produced: null, boolean, number, string, array or object."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    raise TypeError(f"{type(value).__name__} is not a type that JSON decoding produces.")


def expected_json_type(dtype: str) -> str:
    """Return the JSON type that a value of the signature's `dtype` is sent as."""
    if dtype == "string":
        return "string"
    if dtype == "bool":
        return "boolean"
    return "integer" if dtype in INTEGER_TYPES else "number"


@dataclass(frozen=True)
class PredictionRequest:
    columnar: bool
    inputs: dict[str, np.ndarray]
    rows: int


def parse_json(body: bytes) -> Any:
    """Decode the body, or raise PayloadError giving the position of the first error and the text found there."""
    try:
        return json.loads(body)
    except UnicodeDecodeError as error:
        raise PayloadError(f"The request body is not UTF-8 text: byte {error.start} is invalid.", field="body",
                           expected="a JSON object", received=f"the byte 0x{error.object[error.start]:02x}",
                           expected_type="object") from None
    except json.JSONDecodeError as error:
        raise PayloadError(
            f"The request body is not valid JSON: {error.msg} at line {error.lineno} column {error.colno} (character {error.pos}).",
            field="body", expected="a JSON object", received=_text_at(error.doc, error.pos), expected_type="object",
        ) from None
    except RecursionError:
        raise PayloadError("The request body nests lists or objects too deeply to be parsed.", field="body",
                           expected="a JSON object", received="lists or objects nested too deeply", expected_type="object") from None
    except ValueError:
        # Python raises ValueError on an integer of more digits than sys.get_int_max_str_digits() (4300 by default).
        limit = sys.get_int_max_str_digits()
        raise PayloadError(f"The request body has an integer of more than {limit} digits, which cannot be parsed.",
                           field="body", expected=f"numbers of at most {limit} digits",
                           received=f"an integer of more than {limit} digits", expected_type="object") from None


def _text_at(document: str, position: int) -> str:
    if position >= len(document):
        return "the end of the body"
    return f"the text {document[position:position + 20]!r}"


def check_payload(document: Any, signature: dict[str, Any], max_rows: int = MAX_ROWS) -> PredictionRequest:
    """Return the request's arrays by input name, in the signature's order, or raise PayloadError."""
    specs = list(signature.get("inputs") or [])
    if not specs:
        raise PayloadError("The model version has no input signature, so requests cannot be checked.", field="signature")
    if not isinstance(document, dict):
        raise PayloadError("The request body must be a JSON object with instances or inputs.", field="body",
                           expected="object", received=_kind(document), expected_type="object", received_type=json_type(document))
    _check_keys(document)
    if "instances" in document:
        inputs = _from_instances(document["instances"], specs, max_rows)
        columnar = False
    else:
        inputs = _from_columns(document["inputs"], specs, max_rows)
        columnar = True
    rows = len(next(iter(inputs.values())))
    return PredictionRequest(columnar=columnar, inputs=inputs, rows=rows)


def raw_rows(document: Any, transform: Any) -> list[dict[str, Any]]:
    """Return a request's rows as objects of raw columns, for a model trained on transformed data.

    Row format sends `{"instances": [{column: value, ...}, ...]}`; columnar format sends
    `{"inputs": {column: [values, ...], ...}}`. The transform then checks each value.
    """
    if not isinstance(document, dict):
        raise PayloadError("The request body must be a JSON object with instances or inputs.", field="body",
                           expected="object", received=_kind(document), expected_type="object", received_type=json_type(document))
    _check_keys(document)
    names = [column.name for column in transform.raw_columns]
    listed = ", ".join(names[:10]) + (f" and {len(names) - 10} more" if len(names) > 10 else "")
    if "instances" in document:
        rows = document["instances"]
        _check_rows("instances", rows, MAX_ROWS)
        for index, row in enumerate(rows):
            if not isinstance(row, dict):
                raise PayloadError(f"instances[{index}] must be an object of the raw columns the model was trained from: {listed}.",
                                   field=f"instances[{index}]", expected="object", received=_kind(row), expected_type="object",
                                   received_type=json_type(row))
        return rows
    columns = document["inputs"]
    if not isinstance(columns, dict):
        raise PayloadError(f"inputs must be an object of column lists: {listed}.", field="inputs", expected="object",
                           received=_kind(columns), expected_type="object", received_type=json_type(columns))
    counts = set()
    for name, values in columns.items():
        _check_rows(f"inputs.{name}", values, MAX_ROWS)
        counts.add(len(values))
    if len(counts) > 1:
        raise PayloadError("The input columns have different row counts; every column needs one value per row.", field="inputs",
                           expected="equal row counts", received=", ".join(str(count) for count in sorted(counts)),
                           expected_type="object", received_type="object")
    total = counts.pop() if counts else 0
    return [{name: values[index] for name, values in columns.items()} for index in range(total)]


def format_response(outputs: dict[str, np.ndarray], columnar: bool) -> dict[str, Any]:
    """Return `{"predictions": ...}` for row requests and `{"outputs": ...}` for columnar ones, as TensorFlow Serving does."""
    lists = {name: _plain(array) for name, array in outputs.items()}
    if columnar:
        return {"outputs": next(iter(lists.values())) if len(lists) == 1 else lists}
    if len(lists) == 1:
        return {"predictions": next(iter(lists.values()))}
    rows = len(next(iter(lists.values())))
    return {"predictions": [{name: values[index] for name, values in lists.items()} for index in range(rows)]}


def _plain(array: np.ndarray) -> Any:
    if array.dtype.kind in "SO":
        return np.vectorize(lambda value: value.decode() if isinstance(value, bytes) else value, otypes=[object])(array).tolist()
    if array.dtype in (np.float16, np.float32):
        # The shortest text that reads back as the same float32, as TensorFlow Serving prints it (0.2, not 0.20000000298).
        shortest = np.array([float(str(value)) for value in array.ravel()], dtype=object)
        return shortest.reshape(array.shape).tolist()
    return array.tolist()


def _check_keys(document: dict[str, Any]) -> None:
    given = [key for key in ("instances", "inputs") if key in document]
    if len(given) != 1:
        received = "both" if len(given) == 2 else "neither"
        raise PayloadError(f"The request must have exactly one of instances (row format) or inputs (columnar format); it has {received}.",
                           field="body", expected="instances or inputs", received=received, expected_type="object",
                           received_type="object")
    extra = sorted(set(document) - {"instances", "inputs", "signature_name"})
    if extra:
        raise PayloadError(f"The request has unknown fields {', '.join(map(repr, extra))}; expected instances or inputs, and "
                           "optionally signature_name.", field=extra[0], expected="instances, inputs, signature_name",
                           received=", ".join(extra), received_type=json_type(document[extra[0]]))
    name = document.get("signature_name", SIGNATURE_NAME)
    if name != SIGNATURE_NAME:
        raise PayloadError(f"signature_name {str(name)[:64]!r} is unknown; the model has {SIGNATURE_NAME!r}.", field="signature_name",
                           expected=SIGNATURE_NAME, received=str(name)[:64], expected_type="string", received_type=json_type(name))


def _from_instances(instances: Any, specs: list[dict[str, Any]], max_rows: int) -> dict[str, np.ndarray]:
    _check_rows("instances", instances, max_rows)
    names = [spec["name"] for spec in specs]
    keyed = isinstance(instances[0], dict)
    columns: dict[str, list[Any]] = {name: [] for name in names}
    for index, row in enumerate(instances):
        where = f"instances[{index}]"
        if keyed:
            if not isinstance(row, dict):
                raise PayloadError(f"{where} must be an object keyed by input name like instances[0].", field=where,
                                   expected="object", received=_kind(row), expected_type="object", received_type=json_type(row))
            _check_names(where, row, names)
            for name in names:
                columns[name].append(row[name])
        else:
            if len(specs) > 1:
                raise PayloadError(f"{where} must be an object with the inputs {', '.join(names)}.", field=where,
                                   expected="object", received=_kind(row), expected_type="object", received_type=json_type(row))
            columns[names[0]].append(row)
    arrays = {}
    for spec in specs:
        name = spec["name"]
        arrays[name] = _array(columns[name], spec, lambda index, n=name: f"instances[{index}].{n}" if keyed else f"instances[{index}]")
    return arrays


def _from_columns(inputs: Any, specs: list[dict[str, Any]], max_rows: int) -> dict[str, np.ndarray]:
    names = [spec["name"] for spec in specs]
    if isinstance(inputs, dict):
        _check_names("inputs", inputs, names)
        arrays = {}
        for spec in specs:
            where = f"inputs.{spec['name']}"
            _check_rows(where, inputs[spec["name"]], max_rows)
            arrays[spec["name"]] = _array(inputs[spec["name"]], spec, lambda index, w=where: f"{w}[{index}]")
        counts = {name: len(array) for name, array in arrays.items()}
        if len(set(counts.values())) > 1:
            described = ", ".join(f"{name} {count}" for name, count in counts.items())
            raise PayloadError(f"The inputs have different row counts ({described}); every input needs one value per row.",
                               field="inputs", expected="equal row counts", received=described, expected_type="object",
                               received_type="object")
        return arrays
    if len(specs) > 1:
        raise PayloadError(f"inputs must be an object with the inputs {', '.join(names)}.", field="inputs", expected="object",
                           received=_kind(inputs), expected_type="object", received_type=json_type(inputs))
    _check_rows("inputs", inputs, max_rows)
    return {names[0]: _array(inputs, specs[0], lambda index: f"inputs[{index}]")}


def _check_rows(where: str, rows: Any, max_rows: int) -> None:
    if not isinstance(rows, list):
        raise PayloadError(f"{where} must be a list with one entry per row.", field=where, expected="list", received=_kind(rows),
                           expected_type="array", received_type=json_type(rows))
    if not rows:
        raise PayloadError(f"{where} is empty; send at least one row.", field=where, expected="at least 1 row", received="0 rows",
                           expected_type="array", received_type="array")
    if len(rows) > max_rows:
        raise PayloadError(f"{where} has {len(rows)} rows; at most {max_rows} are accepted per request.", field=where,
                           expected=f"at most {max_rows} rows", received=f"{len(rows)} rows", expected_type="array",
                           received_type="array")


def _check_names(where: str, row: dict[str, Any], names: list[str]) -> None:
    missing = [name for name in names if name not in row]
    extra = sorted(set(row) - set(names))
    if missing or extra:
        parts = ([f"missing {', '.join(map(repr, missing))}"] if missing else []) + (
            [f"unknown {', '.join(map(repr, extra))}"] if extra else [])
        raise PayloadError(f"{where} has the wrong inputs ({'; '.join(parts)}); the model expects {', '.join(map(repr, names))}.",
                           field=where, expected=", ".join(names), received=", ".join(sorted(row)), expected_type="object",
                           received_type="object")


def _row_shape(spec: dict[str, Any]) -> list[int | None]:
    return list(spec.get("shape") or [None])[1:]


def _array(values: list[Any], spec: dict[str, Any], path: Callable[[int], str]) -> np.ndarray:
    """Check every row's nesting and values against the input's shape and dtype, then build the array."""
    expected = _row_shape(spec)
    dtype = str(spec.get("dtype") or "float32")
    if expected == [1]:
        # An input of one value per row, such as a text model's [None, 1], also takes the bare value: "text" for ["text"].
        values = [row if isinstance(row, list) else [row] for row in values]
    for index, row in enumerate(values):
        _check_value(path(index), row, expected, dtype, spec)
    if dtype == "string":
        return np.asarray(values, dtype=object)
    return np.asarray(values, dtype=_numpy_type(dtype))


def _check_value(where: str, value: Any, shape: list[int | None], dtype: str, spec: dict[str, Any]) -> None:
    if not shape:
        _check_scalar(where, value, dtype)
        return
    size = shape[0]
    if not isinstance(value, list):
        raise PayloadError(
            f"{where} must be a list of {_values(size) if size is not None else 'any number of values'} for input "
            f"{spec['name']!r} (shape {_shape_text(spec)}), but it is {_kind(value)}.",
            field=where, expected=f"list of {size}" if size is not None else "list", received=_kind(value),
            expected_type="array", received_type=json_type(value), expected_count=size,
        )
    if size is not None and len(value) != size:
        raise PayloadError(
            f"{where} has {_values(len(value))}; input {spec['name']!r} expects {size} (shape {_shape_text(spec)}).",
            field=where, expected=_values(size), received=_values(len(value)), expected_type="array", received_type="array",
            expected_count=size, received_count=len(value),
        )
    for index, item in enumerate(value):
        _check_value(f"{where}[{index}]", item, shape[1:], dtype, spec)


def _check_scalar(where: str, value: Any, dtype: str) -> None:
    if dtype == "string":
        ok = isinstance(value, str)
    elif dtype == "bool":
        ok = isinstance(value, bool)
    elif dtype in INTEGER_TYPES:
        ok = isinstance(value, int) and not isinstance(value, bool)
    else:
        # An int is always finite, and math.isfinite raises OverflowError on one beyond the float64 range.
        ok = (isinstance(value, int) and not isinstance(value, bool)) or (isinstance(value, float) and math.isfinite(value))
    if not ok:
        wanted = {"string": "a string", "bool": "true or false"}.get(dtype, "a whole number" if dtype in INTEGER_TYPES else "a finite number")
        raise PayloadError(f"{where} is {_kind(value)}; the model expects {wanted} ({dtype}).", field=where, expected=dtype,
                           received=_kind(value), expected_type=expected_json_type(dtype), received_type=json_type(value))
    if dtype == "string":
        _check_text(where, value)
    if dtype in INTEGER_TYPES or dtype in FLOAT_RANGE_TYPES:
        _check_range(where, value, dtype)


def _check_text(where: str, value: str) -> None:
    """Raise PayloadError for text that is not valid Unicode (an unpaired surrogate), which the model cannot encode as UTF-8."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise PayloadError(
            f"{where} contains the unpaired surrogate U+{ord(value[error.start]):04X} at index {error.start}; the model expects "
            "valid Unicode text (string).", field=where, expected="valid Unicode text",
            received=f"an unpaired surrogate at index {error.start}", expected_type="string", received_type="string") from None


def _check_range(where: str, value: int | float, dtype: str) -> None:
    """Raise PayloadError for a number that the input's dtype cannot hold, because casting it would overflow."""
    minimum: int | float
    maximum: int | float
    if dtype in INTEGER_TYPES:
        limits = np.iinfo(dtype)
        minimum, maximum = int(limits.min), int(limits.max)
        if minimum <= value <= maximum:
            return
        expected = f"a whole number from {minimum} to {maximum}"
        type_name = dtype
    else:
        type_name = FLOAT_RANGE_TYPES[dtype]
        maximum = float(np.finfo(type_name).max)
        minimum = -maximum
        if abs(value) <= maximum:
            return
        expected = f"a finite number within {type_name}'s range, ±{_magnitude(maximum)}"
    raise PayloadError(f"{where} is {_kind(value)}, outside the range of {type_name}; the model expects {expected}.", field=where,
                       expected=expected, received=_kind(value), expected_type=expected_json_type(dtype), received_type="number",
                       expected_minimum=minimum, expected_maximum=maximum)


def _magnitude(number: float) -> str:
    """Return 65504 as is and larger limits in short scientific notation, such as 3.4e38."""
    return f"{number:g}" if number < 1e6 else f"{number:.1e}".replace("e+", "e")


def _values(count: int) -> str:
    return "1 value" if count == 1 else f"{count} values"


def _numpy_type(dtype: str) -> str:
    if dtype in ("half", "float16", "bfloat16"):
        return "float32"
    if dtype in ("float", "double"):
        return "float64" if dtype == "double" else "float32"
    return dtype


def _shape_text(spec: dict[str, Any]) -> str:
    return "[" + ", ".join("null" if size is None else str(size) for size in spec.get("shape") or []) + "]"


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int) and len(str(abs(value))) > 40:
        return f"an integer of {len(str(abs(value)))} digits"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"[:60]
    if isinstance(value, str):
        return f"the string {value[:30]!r}"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__
