"""Checks on what tracking clients send: metric names, points, parameters, tags and histograms.

A batch of metric points is checked point by point. A bad point is rejected with its index
and the reason, and the rest of the batch is kept, so one odd name never costs a run the
points around it. NaN and infinities are values like any other.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from backend.domain.base import InvalidInput
from backend.domain.validation import check_characters, check_length, check_pattern

# Letters, digits and the punctuation Keras, PyTorch Lightning and detection tool-kits put in
# metric names (`val_loss`, `val/AR@100`, `top-5 acc`, `loss[0]`), at most 250 characters.
METRIC_NAME_PATTERN = re.compile(r"[A-Za-z0-9_.\-/@:%+=#,()\[\] ]{1,250}")
METRIC_NAME_RULE = (
    "1 to 250 characters of letters, digits, spaces and _ . - / @ : % + = # , ( ) [ ], without a space at either end"
)
BATCH_ID_PATTERN = re.compile(r"[A-Za-z0-9_\-]{1,64}")
BATCH_ID_RULE = "1 to 64 letters, digits, '_' or '-'"
MAX_POINTS_PER_BATCH = 10_000
MAX_STEP = 2**53
# 2000-01-01T00:00:00Z in milliseconds: earlier wall times are rejected.
EARLIEST_WALL_TIME_MS = 946_684_800_000
MAX_FUTURE_MS = 24 * 3600 * 1000
NON_FINITE = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}
MAX_PARAMS = 500
MAX_PARAM_KEY = 250
MAX_PARAM_VALUE_BYTES = 6000
MAX_PARAM_DEPTH = 10
MAX_HISTOGRAMS = 1000
MAX_BINS = 1000


def metric_name_problem(name: Any) -> str | None:
    """Return why `name` is not a valid metric name, or None when it is."""
    if not isinstance(name, str):
        return f"a metric name must be text, not {type(name).__name__}"
    if not METRIC_NAME_PATTERN.fullmatch(name) or name != name.strip():
        return f"metric name {name[:100]!r} is invalid: it must be {METRIC_NAME_RULE}"
    return None


def check_batch_id(batch_id: str) -> str:
    return check_pattern("batchId", batch_id, BATCH_ID_PATTERN, BATCH_ID_RULE)


@dataclass
class CheckedBatch:
    """The points of a batch that may be recorded, and each rejected point with its index and reason."""

    accepted: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)


def check_points(points: list[dict[str, Any]], now: datetime) -> CheckedBatch:
    """Check each point {name, step, value, wallTime}; `value` is a float that may be NaN or infinite."""
    if len(points) > MAX_POINTS_PER_BATCH:
        raise InvalidInput(
            f"points has {len(points)} entries; at most {MAX_POINTS_PER_BATCH} are accepted in one batch, so split it.",
            field="points",
            value=len(points),
        )
    latest = now.timestamp() * 1000 + MAX_FUTURE_MS
    checked = CheckedBatch()
    seen: dict[tuple[str, int], int] = {}
    for index, point in enumerate(points):
        problem = _point_problem(point, latest)
        key = (point.get("name"), point.get("step"))
        if problem is None and key in seen:
            problem = f"point {seen[key]} of this batch has the same name and step"
        if problem is not None:
            checked.rejected.append(
                {"index": index, "name": str(point.get("name"))[:250], "step": point.get("step"), "reason": problem}
            )
            continue
        seen[key] = index  # type: ignore[index]
        checked.accepted.append(
            {"name": point["name"], "step": int(point["step"]), "value": float(point["value"]), "wallTime": int(point["wallTime"])}
        )
    return checked


def _point_problem(point: dict[str, Any], latest_ms: float) -> str | None:
    problem = metric_name_problem(point.get("name"))
    if problem is not None:
        return problem
    step = point.get("step")
    if isinstance(step, bool) or not isinstance(step, (int, float)) or not math.isfinite(step) or step != int(step):
        return f"step {step!r} is invalid: it must be a whole number"
    if not 0 <= step <= MAX_STEP:
        return f"step {int(step)} is invalid: it must be from 0 to {MAX_STEP}"
    value = point.get("value")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f"value {str(value)[:40]!r} is invalid: it must be a number, NaN or an infinity"
    return _wall_time_problem(point.get("wallTime"), latest_ms)


def _wall_time_problem(wall_time: Any, latest_ms: float) -> str | None:
    if isinstance(wall_time, bool) or not isinstance(wall_time, (int, float)) or not math.isfinite(wall_time):
        return f"wallTime {wall_time!r} is invalid: it must be milliseconds since 1970-01-01T00:00:00Z"
    if wall_time < EARLIEST_WALL_TIME_MS:
        if EARLIEST_WALL_TIME_MS / 1000 <= wall_time <= latest_ms / 1000:
            return f"wallTime {wall_time} looks like seconds since the Unix epoch; send milliseconds (multiply by 1000)"
        return f"wallTime {wall_time} is before 2000-01-01, so it cannot be a time of this run; send milliseconds since the Unix epoch"
    if wall_time > latest_ms:
        return f"wallTime {wall_time} is more than a day ahead of the server's clock; check the client's clock and units"
    return None


def check_params(params: Any, field_name: str = "params") -> dict[str, Any]:
    """Return the parameters if they are a JSON object of at most MAX_PARAMS keys with short keys and small values."""
    if not isinstance(params, dict):
        raise InvalidInput(f"{field_name} must be a JSON object of names and values.", field=field_name, value=None)
    if len(params) > MAX_PARAMS:
        raise InvalidInput(f"{field_name} has {len(params)} entries; at most {MAX_PARAMS} are accepted.",
                           field=field_name, value=len(params))
    for key, value in params.items():
        check_length(f"{field_name}.key", key, minimum=1, maximum=MAX_PARAM_KEY)
        where = f"{field_name}.{key}"
        # Depth first: a deeply nested value would overflow the recursion of every later copy of the run.
        _check_nesting(value, where, 1)
        encoded = json.dumps(value, allow_nan=False, default=str)
        if len(encoded.encode()) > MAX_PARAM_VALUE_BYTES:
            raise InvalidInput(
                f"{where} is {len(encoded.encode())} bytes as JSON; at most {MAX_PARAM_VALUE_BYTES} are accepted.",
                field=where,
                value=None,
            )
    return dict(params)


def _check_nesting(value: Any, where: str, depth: int) -> None:
    """Reject values nested deeper than MAX_PARAM_DEPTH and strings with characters that cannot be stored."""
    if depth > MAX_PARAM_DEPTH:
        raise InvalidInput(f"{where} is nested more than {MAX_PARAM_DEPTH} levels deep; flatten it.", field=where, value=None)
    if isinstance(value, str):
        check_characters(where, value)
    elif isinstance(value, dict):
        for key, item in value.items():
            check_characters(f"{where}.key", str(key))
            _check_nesting(item, f"{where}.{key}", depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_nesting(item, f"{where}[{index}]", depth + 1)


def check_histograms(histograms: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Check histograms in the platform's binned form: counts per bin between low and high, NaN and infinities apart."""
    if not histograms:
        raise InvalidInput("histograms is empty; send at least one histogram.", field="histograms", value=0)
    if len(histograms) > MAX_HISTOGRAMS:
        raise InvalidInput(f"histograms has {len(histograms)} entries; at most {MAX_HISTOGRAMS} are accepted.",
                           field="histograms", value=len(histograms))
    for index, histogram in enumerate(histograms):
        where = f"histograms[{index}]"
        check_length(f"{where}.layer", histogram["layer"], minimum=1, maximum=250)
        check_length(f"{where}.tensor", histogram["tensor"], minimum=1, maximum=500)
        counts = histogram["counts"]
        if not 1 <= len(counts) <= MAX_BINS or any(count < 0 for count in counts):
            raise InvalidInput(
                f"{where}.counts must have 1 to {MAX_BINS} counts that are not negative.", field=f"{where}.counts", value=len(counts)
            )
        low, high = histogram.get("low"), histogram.get("high")
        if (low is None) != (high is None) or (low is not None and not low <= high):
            raise InvalidInput(f"{where}.low and high must both be given with low ≤ high, or both be null.",
                               field=f"{where}.low", value=low)
        for name in ("nanCount", "infCount"):
            if histogram[name] < 0:
                raise InvalidInput(f"{where}.{name} {histogram[name]} is invalid: it must not be negative.",
                                   field=f"{where}.{name}", value=histogram[name])
    return histograms
