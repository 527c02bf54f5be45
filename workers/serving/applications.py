"""Start Ray Serve, deploy and delete the application of a model version, and read the applications' status.

Serve runs in the Ray that this process is connected to (`workers.ray_runtime.ensure_ray`),
with its HTTP proxy disabled: the API calls applications through handles
(`workers.serving.handles`). Serve's controller is a detached actor, so applications outlive
the process that deployed them, and any process connected to the same Ray can read and call them.

NOTE: Ray 2.60 gives every `serve.run` a new code version, so deploying a changed spec restarts
its replicas even when only the batching settings changed. The new replicas start before the
old ones stop (max_surge_percent), and an unchanged spec is not deployed again.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any

from workers.serving.errors import status_message
from workers.serving.spec import DEPLOYMENT_NAME, AppStatus, ReplicaSpec, deployment_options, spec_digest

if TYPE_CHECKING:
    from ray.serve.schema import ServeInstanceDetails

log = logging.getLogger(__name__)

# Serve's NOT_STARTED comes before the first replica is placed, so callers see it as DEPLOYING.
_STATUS_NAMES = {"NOT_STARTED": "DEPLOYING"}
# An application in one of these states with the same spec is left alone by `deploy`.
_LIVE_STATUSES = {"RUNNING", "DEPLOYING", "NOT_STARTED", "UNHEALTHY"}

_lock = threading.Lock()


def require_ray() -> None:
    """Raise RuntimeError unless this process is connected to Ray, because Serve would otherwise start a Ray of its own."""
    import ray

    if not ray.is_initialized():
        raise RuntimeError("This process is not connected to Ray. Call workers.ray_runtime.ensure_ray(settings) first.")


def start_serve() -> None:
    """Start Serve with no HTTP proxy in the connected Ray, or connect to the Serve already running there.

    Safe to call again: a running Serve is left as it is.
    """
    require_ray()
    from ray import serve

    with _lock:
        serve.start(proxy_location="Disabled")

    proxies = serve.status().proxies
    if proxies:
        # Serve applies proxy settings only when its controller starts, so one started elsewhere keeps its proxies.
        log.warning("Serve is running with HTTP proxies, which stay on", extra={"proxies": len(proxies)})


def deploy(spec: ReplicaSpec) -> None:
    """Deploy or update the spec's application and return without waiting for its replicas.

    An application already deploying or running the same spec is left as it is. Follow the
    progress with `statuses`.
    """
    start_serve()
    from ray import serve

    from workers.serving.replica import ModelReplica

    digest = spec_digest(spec)
    deployed = _deployed(spec.app_name)
    if deployed is not None and deployed == (digest, True):
        log.debug("application already has this spec", extra={"app": spec.app_name, "spec_digest": digest})
        return

    application = ModelReplica.options(**deployment_options(spec)).bind(spec)
    target = serve.RunTarget(target=application, name=spec.app_name, route_prefix=None)
    serve.run_many([target], wait_for_applications_running=False)
    log.info(
        "deployed application",
        extra={"app": spec.app_name, "spec_digest": digest, "updated": deployed is not None, "model_sha256": spec.model_sha256},
    )


def delete(app_name: str) -> None:
    """Start deleting the application and return at once. Its replicas finish the requests they hold, then stop.

    Deleting an application that does not exist does nothing.
    """
    require_ray()
    from ray import serve
    from ray.serve.exceptions import RayServeException

    from workers.serving.handles import forget_handle

    forget_handle(app_name)
    try:
        serve.delete(app_name, _blocking=False)
    except RayServeException:
        # Raised when Serve is not running, so there is no application to delete.
        return
    log.info("deleting application", extra={"app": app_name})


def statuses(prefix: str) -> dict[str, AppStatus]:
    """Return the status of every application whose name starts with `prefix`, by name."""
    details = _serve_details()
    if details is None:
        return {}
    found = {}
    for name, application in details.applications.items():
        if name.startswith(prefix):
            found[name] = _app_status(application)
    return found


def _app_status(application: Any) -> AppStatus:
    status = str(application.status.value)
    deployment = application.deployments.get(DEPLOYMENT_NAME)
    if deployment is None:
        return AppStatus(_STATUS_NAMES.get(status, status), 0, 0, status_message(application.message))

    running = sum(1 for replica in deployment.replicas if replica.state == "RUNNING")
    message = status_message(deployment.message or application.message)
    return AppStatus(_STATUS_NAMES.get(status, status), running, deployment.target_num_replicas, message)


def _deployed(app_name: str) -> tuple[str | None, bool] | None:
    """Return the deployed spec digest of the application and whether it is live, or None when there is no application."""
    details = _serve_details()
    application = details.applications.get(app_name) if details is not None else None
    if application is None:
        return None
    deployment = application.deployments.get(DEPLOYMENT_NAME)
    user_config = deployment.deployment_config.user_config if deployment is not None else None
    digest = user_config.get("spec_digest") if isinstance(user_config, dict) else None
    return digest, str(application.status.value) in _LIVE_STATUSES


def _serve_details() -> ServeInstanceDetails | None:
    """Return the Serve controller's details of every application, or None when Serve is not running.

    NOTE: `serve.status()` in Ray 2.60 leaves out each deployment's target replica count and
    config, so this reads the details that it is built from through Serve's private client.
    """
    require_ray()
    from ray.serve.context import _get_global_client
    from ray.serve.schema import ServeInstanceDetails

    client = _get_global_client(raise_if_no_controller_running=False)
    if client is None:
        return None
    return ServeInstanceDetails(**client.get_serve_details())
