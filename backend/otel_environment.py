"""Checks of the standard OTEL_* variables that the OpenTelemetry SDK would reject with an exception.

opentelemetry-sdk 1.45 raises ValueError for an unknown name in OTEL_PROPAGATORS (when
`opentelemetry.propagate` is imported), for a batch span processor size that is not positive,
and for a span limit that is not an integer. Tracing is optional, so such a value must not stop
a ModelCloud process: each one is removed from the environment, so the SDK's default applies, and
named in one warning. Removing it also keeps it from Ray jobs, which receive the API's OTEL_* variables.
"""

from __future__ import annotations

import os
import threading

PROPAGATORS = "OTEL_PROPAGATORS"
PROPAGATOR_ENTRY_POINTS = "opentelemetry_propagator"
BATCH_PROCESSOR_SIZES = ("OTEL_BSP_SCHEDULE_DELAY", "OTEL_BSP_MAX_QUEUE_SIZE", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE")
BATCH_PROCESSOR_TIMEOUT = "OTEL_BSP_EXPORT_TIMEOUT"
# OTEL_BSP_MAX_QUEUE_SIZE's default in opentelemetry-sdk 1.45, which an export batch may not exceed.
DEFAULT_MAX_QUEUE_SIZE = 2048
DEFAULT_APPLIES = "It is ignored, so the OpenTelemetry default applies."
SPAN_LIMITS = (
    "OTEL_ATTRIBUTE_COUNT_LIMIT",
    "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT",
    "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT",
    "OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT",
    "OTEL_SPAN_EVENT_COUNT_LIMIT",
    "OTEL_SPAN_LINK_COUNT_LIMIT",
    "OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT",
    "OTEL_LINK_ATTRIBUTE_COUNT_LIMIT",
)

_lock = threading.Lock()
_problems: list[str] | None = None


def remove_invalid_otel_variables() -> list[str]:
    """Remove the OTEL_* variables the SDK would reject, once per process, and return a message for each removed one."""
    global _problems
    with _lock:
        if _problems is None:
            _problems = [*_check_propagators(), *_check_batch_processor(), *_check_span_limits()]
        return list(_problems)


def _ignored(variable: str, value: str, accepted: str) -> str:
    os.environ.pop(variable, None)
    return _invalid(variable, value, accepted, DEFAULT_APPLIES)


def _invalid(variable: str, value: str, accepted: str, consequence: str) -> str:
    return f"{variable}={value!r} is invalid: it must be {accepted}. {consequence}"


def _check_propagators() -> list[str]:
    value = os.environ.get(PROPAGATORS, "")
    if not value.strip():
        return []
    from importlib.metadata import entry_points

    installed = {entry_point.name for entry_point in entry_points(group=PROPAGATOR_ENTRY_POINTS)}
    names = [name.strip() for name in value.split(",")]
    unknown = [name for name in names if name.lower() != "none" and name not in installed]
    if not unknown:
        return []
    accepted = f"a comma-separated list of installed propagators ({', '.join(sorted(installed))}) or none"
    known = [name for name in names if name not in unknown]
    if not known:
        return [_ignored(PROPAGATORS, value, accepted)]
    # The installed names still apply, which is nearer to what the operator meant than the default.
    os.environ[PROPAGATORS] = ",".join(known)
    verb = "applies" if len(known) == 1 else "apply"
    return [_invalid(PROPAGATORS, value, accepted, f"Only {', '.join(known)} {verb}.")]


def _check_batch_processor() -> list[str]:
    problems = []
    for variable in BATCH_PROCESSOR_SIZES:
        value = os.environ.get(variable)
        if value is not None and not _is_positive_integer(value):
            problems.append(_ignored(variable, value, "a positive integer"))
    timeout = os.environ.get(BATCH_PROCESSOR_TIMEOUT)
    if timeout is not None and not _is_integer(timeout, minimum=0):
        problems.append(_ignored(BATCH_PROCESSOR_TIMEOUT, timeout, "an integer of 0 or more (milliseconds)"))

    queue_size = int(os.environ.get("OTEL_BSP_MAX_QUEUE_SIZE", DEFAULT_MAX_QUEUE_SIZE))
    batch_size = os.environ.get("OTEL_BSP_MAX_EXPORT_BATCH_SIZE")
    if batch_size is not None and int(batch_size) > queue_size:
        problems.append(
            _ignored("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", batch_size, f"at most OTEL_BSP_MAX_QUEUE_SIZE, which is {queue_size}")
        )
    return problems


def _check_span_limits() -> list[str]:
    problems = []
    for variable in SPAN_LIMITS:
        value = os.environ.get(variable)
        if value is None or value.strip().lower() == "unset" or _is_integer(value, minimum=0):
            continue
        problems.append(_ignored(variable, value, "an integer of 0 or more, or 'unset'"))
    return problems


def _is_positive_integer(text: str) -> bool:
    return _is_integer(text, minimum=1)


def _is_integer(text: str, *, minimum: int) -> bool:
    try:
        return int(text.strip()) >= minimum
    except ValueError:
        return False
