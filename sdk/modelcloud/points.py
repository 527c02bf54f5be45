"""Checking what a training script logs and turning it into the server's metric points.

JSON has no NaN or infinities, so a non-finite value travels as `nonFinite` (NAN,
INFINITY or NEGATIVE_INFINITY) with no `value`.
"""

from __future__ import annotations

import json
import math
import numbers
import re
from collections.abc import Mapping
from typing import Any

# Steps are sent as JSON numbers, which are doubles; larger integers would lose precision, and
# the server's GraphQL Float then rejects the whole request, not only the point.
MAX_STEP = 2**53
REPLACEMENT_CHARACTER = "\ufffd"
_NUL_OR_SURROGATE = re.compile("[\x00\ud800-\udfff]")


def metric_value(name: str, value: Any) -> float:
    """Return `value` as a float, or raise TypeError naming the metric when it is not a real number.

    Python ints and floats, numpy scalars and 0-d arrays or tensors with a real dtype are
    accepted without importing numpy. Booleans and complex numbers are rejected.
    """
    if is_real(value):
        try:
            return float(value)
        except OverflowError:
            raise ValueError(f"metric {name!r} has value {value!r}, which is too large for a 64-bit float") from None
    raise TypeError(
        f"metric {name!r} has value {value!r} of type {type(value).__name__}; only real numbers can be logged "
        "(int, float, a numpy scalar or a 0-d array)"
    )


def is_real(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, numbers.Real):
        return True
    # numpy 0-d arrays and scalar tensors of TensorFlow or PyTorch: shape () and float() works.
    dtype = str(getattr(value, "dtype", ""))
    return getattr(value, "shape", None) == () and hasattr(value, "__float__") and "bool" not in dtype and "complex" not in dtype


def check_name(name: Any) -> str:
    if not isinstance(name, str):
        raise TypeError(f"metric name {name!r} is a {type(name).__name__}; metric names must be strings")
    if not name:
        raise ValueError("a metric name is empty; give each metric a non-empty name such as 'loss'")
    return name


def check_step(step: Any, subject: str = "") -> int:
    """Return the step as an int, or raise when it is not a whole number from 0 to 2**53.

    `subject`, such as "metric 'loss'", names what the step is for in the error message.
    """
    label = f"step {step!r} of {subject}" if subject else f"step {step!r}"
    if isinstance(step, bool) or not isinstance(step, numbers.Real):
        raise TypeError(f"{label} is a {type(step).__name__}; the step must be a whole number from 0")
    if isinstance(step, numbers.Integral):
        whole = int(step)
    elif math.isfinite(step) and float(step).is_integer():
        whole = int(step)
    else:
        raise ValueError(f"{label} is invalid: the step must be a whole number from 0 to 2**53")
    if not 0 <= whole <= MAX_STEP:
        raise ValueError(f"{label} is invalid: the step must be a whole number from 0 to 2**53")
    return whole


def metrics_subject(metrics: Any) -> str:
    """Name the metrics of one `log` call for an error message, such as "metrics 'loss', 'accuracy'"."""
    names = [repr(name) for name in metrics] if isinstance(metrics, Mapping) else []
    if not names:
        return "the logged metrics"
    shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    return f"metric {shown}" if len(names) == 1 else f"metrics {shown}"


def clean_text(text: str) -> str:
    """Return `text` with NUL characters and unpaired surrogates replaced by U+FFFD.

    The server rejects NUL in names, reasons and parameters, and an unpaired surrogate (as
    `surrogateescape` makes from undecodable bytes) cannot be encoded as UTF-8. A high surrogate
    followed by a low one is joined into the character the pair encodes.
    """
    if not _NUL_OR_SURROGATE.search(text):
        return text
    joined = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return joined.replace("\x00", REPLACEMENT_CHARACTER)


def metric_point(name: str, step: int, value: float, wall_time_ms: float) -> dict[str, Any]:
    """Return the server's MetricPointInput for one value."""
    if math.isfinite(value):
        return {"name": name, "step": step, "value": value, "wallTime": wall_time_ms}
    return {"name": name, "step": step, "nonFinite": non_finite_name(value), "wallTime": wall_time_ms}


def non_finite_name(value: float) -> str:
    if math.isnan(value):
        return "NAN"
    return "INFINITY" if value > 0 else "NEGATIVE_INFINITY"


def metric_points(metrics: Mapping[str, Any], step: int, wall_time_ms: float) -> list[dict[str, Any]]:
    """Check every metric of one `log` call, raising before any point is made, and return their points."""
    if not isinstance(metrics, Mapping):
        raise TypeError(f"metrics must be a dict of name to number, not {type(metrics).__name__}")
    return [metric_point(check_name(name), step, metric_value(name, value), wall_time_ms) for name, value in metrics.items()]


def check_params(params: Any) -> dict[str, Any]:
    """Return a JSON-ready copy of the parameters, or raise naming the first one JSON cannot hold."""
    if not isinstance(params, Mapping):
        raise TypeError(f"params must be a dict of name to value, not {type(params).__name__}")
    checked: dict[str, Any] = {}
    for name, value in params.items():
        if not isinstance(name, str):
            raise TypeError(f"parameter name {name!r} is a {type(name).__name__}; parameter names must be strings")
        try:
            plain = json.loads(json.dumps(value, allow_nan=False, default=_plain))
        except TypeError as error:
            raise TypeError(f"parameter {name!r} has value {value!r}, which cannot be stored as JSON: {error}") from None
        except ValueError:
            raise ValueError(f"parameter {name!r} has value {value!r}; JSON cannot hold NaN or infinities") from None
        checked[clean_text(name)] = _clean_strings(plain)
    return checked


def _clean_strings(value: Any) -> Any:
    """Apply `clean_text` to every string and key of a JSON value."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [_clean_strings(item) for item in value]
    if isinstance(value, dict):
        return {clean_text(key): _clean_strings(item) for key, item in value.items()}
    return value


def _plain(value: Any) -> Any:
    """Convert numpy scalars and arrays (anything with `tolist`) for json.dumps."""
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")
