"""Call a Serve application through a handle cached in this process, and turn Ray's errors into serving errors."""

from __future__ import annotations

import asyncio
import threading
from typing import TYPE_CHECKING, Any

from workers.serving.applications import require_ray, statuses
from workers.serving.batching import Inputs, Outputs
from workers.serving.errors import AppNotFound, AppUnavailable, PredictionFailed, first_line
from workers.serving.spec import AppStatus

if TYPE_CHECKING:
    from ray.serve.handle import DeploymentHandle

# Long enough for an application that is still starting (importing TensorFlow and loading the
# model take several seconds), short enough that a stuck request does not hold its caller.
PREDICT_TIMEOUT_S = 30.0

_handles: dict[str, DeploymentHandle] = {}
_handles_lock = threading.Lock()


async def predict(app_name: str, inputs: Inputs, *, timeout_s: float = PREDICT_TIMEOUT_S) -> Outputs:
    """Return the model's outputs for one request of n rows.

    `inputs` is an array [n, ...] for a model with one input, or a dict of arrays by input name.
    The result is an array [n, ...] for a model with one output, or a dict of arrays by output name.
    Raises AppNotFound, AppUnavailable, InvalidInputs or PredictionFailed, each with a short message.
    """
    from ray.exceptions import RayActorError, RayTaskError
    from ray.serve.exceptions import DeploymentUnavailableError

    handle = await _handle(app_name)
    response = handle.remote(inputs)
    try:
        return await asyncio.wait_for(_result(response), timeout_s)
    except asyncio.TimeoutError:
        response.cancel()
        status = await asyncio.to_thread(_status, app_name)
        if status is not None and status.status == "DEPLOY_FAILED":
            raise _deploy_failed(app_name, status) from None
        state = f" It is {status.status}." if status is not None else ""
        raise AppUnavailable(f"The request to the model server {app_name!r} timed out after {timeout_s:g} s.{state}") from None
    except RayTaskError as error:
        raise _user_error(error) from None
    except RayActorError:
        raise AppUnavailable(f"A replica of the model server {app_name!r} stopped while serving the request. Try again.") from None
    except DeploymentUnavailableError:
        # The cached handle may outlive its application, which another process can delete.
        forget_handle(app_name)

    await _handle(app_name)
    raise AppUnavailable(f"The model server {app_name!r} is not available: it failed to deploy or is being deleted.")


def forget_handle(app_name: str) -> None:
    """Drop the cached handle of the application, as after deleting it."""
    with _handles_lock:
        _handles.pop(app_name, None)


async def _handle(app_name: str) -> DeploymentHandle:
    """Return the cached handle of the application, getting it from the Serve controller on first use, or raise AppNotFound."""
    with _handles_lock:
        handle = _handles.get(app_name)
    if handle is not None:
        return handle

    require_ray()
    from ray import serve
    from ray.serve.exceptions import RayServeException

    try:
        # Blocking calls to the Serve controller, so they run off the event loop.
        handle = await asyncio.to_thread(serve.get_app_handle, app_name)
        status = await asyncio.to_thread(_status, app_name)
    except RayServeException:
        # Raised when the application does not exist, or Serve does not run at all.
        raise AppNotFound(app_name) from None
    if status is not None and status.status == "DEPLOY_FAILED":
        # In Ray 2.60 a new handle to an application that failed to deploy waits for replicas instead of failing.
        raise _deploy_failed(app_name, status)

    with _handles_lock:
        return _handles.setdefault(app_name, handle)


def _status(app_name: str) -> AppStatus | None:
    return statuses(app_name).get(app_name)


def _deploy_failed(app_name: str, status: AppStatus) -> AppUnavailable:
    reason = f": {status.message}" if status.message else "."
    return AppUnavailable(f"The model server {app_name!r} failed to deploy{reason}")


async def _result(response: Any) -> Any:
    return await response


def _user_error(error: Any) -> Exception:
    """Return the error a replica raised, as a new exception of the same serving type without Ray's traceback text."""
    cause = getattr(error, "cause", None)
    if isinstance(cause, PredictionFailed):
        return type(cause)(str(cause))
    return PredictionFailed(f"The model server failed: {first_line(cause if cause is not None else error)}")
