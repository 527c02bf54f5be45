"""Check a request's inputs against the model's signature, and join and split the requests of a batch.

A request carries n rows: one array of shape [n, ...] for a model with one input, or a dict of
such arrays by input name. A batch joins the requests along axis 0, and the model's outputs are
split back by each request's row count. Pure NumPy, so it runs the same in a replica and in tests.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeAlias

import numpy as np

from workers.serving.errors import InvalidInputs

Inputs: TypeAlias = np.ndarray | Mapping[str, np.ndarray]
Outputs: TypeAlias = np.ndarray | dict[str, np.ndarray]
Tensors: TypeAlias = dict[str, np.ndarray]

_NUMERIC_KINDS = "biuf"
_TEXT_KINDS = "USO"


def prepare_inputs(signature: Mapping[str, Any], inputs: Any) -> Tensors:
    """Return the inputs by name, cast to the signature's dtypes, or raise InvalidInputs naming the input and what it accepts.

    Every input of the signature must be given, with the signature's rank and fixed sizes, and all
    with the same number of rows, at least one.
    """
    specs = signature["inputs"]
    names = [spec["name"] for spec in specs]
    if isinstance(inputs, Mapping):
        by_name = dict(inputs)
    elif len(specs) == 1:
        by_name = {names[0]: inputs}
    else:
        raise InvalidInputs(f"The model takes {len(specs)} inputs ({_listed(names)}). Send a dict of arrays by input name.")

    missing = [name for name in names if name not in by_name]
    unknown = [str(name) for name in by_name if name not in names]
    if missing or unknown:
        problems = []
        if missing:
            problems.append(f"{_listed(missing)} {'is' if len(missing) == 1 else 'are'} missing")
        if unknown:
            problems.append(f"{_listed(unknown)} {'is' if len(unknown) == 1 else 'are'} not among them")
        raise InvalidInputs(f"The model takes the inputs {_listed(names)}, but {' and '.join(problems)}.")

    prepared = {spec["name"]: _prepare_one(spec, by_name[spec["name"]]) for spec in specs}
    rows = {name: len(array) for name, array in prepared.items()}
    if len(set(rows.values())) > 1:
        counts = ", ".join(f"{name!r} {count}" for name, count in rows.items())
        raise InvalidInputs(f"Every input needs the same number of rows, but they have {counts}.")
    return prepared


def _prepare_one(spec: Mapping[str, Any], value: Any) -> np.ndarray:
    name, shape, dtype = spec["name"], list(spec["shape"]), str(spec["dtype"])
    try:
        array = np.asarray(value)
    except (ValueError, TypeError) as error:
        raise InvalidInputs(f"Input {name!r} is not a rectangular array: {error}") from None

    if array.ndim != len(shape):
        raise InvalidInputs(
            f"Input {name!r} has shape {list(array.shape)}, but the model takes shape {_shown(shape)} "
            f"({len(shape)} dimensions, rows first)."
        )
    if array.ndim == 0 or len(array) == 0:
        raise InvalidInputs(f"Input {name!r} has no rows. Send at least one row.")
    for axis, (size, expected) in enumerate(zip(array.shape, shape)):
        if axis > 0 and expected is not None and size != expected:
            raise InvalidInputs(
                f"Input {name!r} has shape {list(array.shape)}, but the model takes shape {_shown(shape)}: "
                f"dimension {axis} must be {expected}."
            )
    return _cast(name, array, dtype)


def _cast(name: str, array: np.ndarray, dtype: str) -> np.ndarray:
    if dtype == "string":
        if array.dtype.kind not in _TEXT_KINDS:
            raise InvalidInputs(f"Input {name!r} must be text, but it is {array.dtype}.")
        return array.astype(object)

    target = np.dtype(dtype)
    if array.dtype.kind not in _NUMERIC_KINDS:
        raise InvalidInputs(f"Input {name!r} must be numbers of type {dtype}, but it is {array.dtype}.")
    if target.kind in "iu" and array.dtype.kind == "f":
        raise InvalidInputs(f"Input {name!r} must be integers of type {dtype}, but it is {array.dtype}.")
    return array.astype(target, copy=False)


def concatenate_requests(requests: Sequence[Tensors]) -> tuple[Tensors, list[int]]:
    """Join the requests' inputs along axis 0, and return the batch with each request's row count."""
    names = list(requests[0])
    row_counts = [len(request[names[0]]) for request in requests]
    if len(requests) == 1:
        return dict(requests[0]), row_counts
    batch = {name: np.concatenate([request[name] for request in requests], axis=0) for name in names}
    return batch, row_counts


def split_outputs(outputs: Tensors, row_counts: Sequence[int]) -> list[Tensors]:
    """Split a batch's outputs back into one dict of arrays per request, in request order."""
    total = sum(row_counts)
    for name, array in outputs.items():
        if len(array) != total:
            raise ValueError(f"Output {name!r} has {len(array)} rows for a batch of {total} input rows.")
    boundaries = np.cumsum(row_counts)[:-1]
    split = {name: np.split(array, boundaries) for name, array in outputs.items()}
    return [{name: parts[index] for name, parts in split.items()} for index in range(len(row_counts))]


def response_outputs(outputs: Tensors) -> Outputs:
    """Return the only output's array for a model with one output, else the dict of outputs by name."""
    if len(outputs) == 1:
        return next(iter(outputs.values()))
    return outputs


def _shown(shape: list[int | None]) -> str:
    return "[" + ", ".join("None" if size is None else str(size) for size in shape) + "]"


def _listed(names: Sequence[str]) -> str:
    return ", ".join(repr(name) for name in names)
