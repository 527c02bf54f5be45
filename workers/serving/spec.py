"""What a Serve application of one model version is made of, and the Serve options it maps to.

Nothing here imports Ray or TensorFlow, so the API process and the unit tests can use it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from typing import Any

MODEL_FORMATS = ("keras", "savedmodel")
DEPLOYMENT_NAME = "model"

# With batching on, a replica admits twice the batch size, so that one batch can fill while the
# previous one runs. At the batch size or below, batches never fill.
ONGOING_REQUESTS_PER_BATCH = 2
# A request spends far longer in Serve's request path than in a small model, so a replica needs
# this many requests in flight to keep busy even with batching off. With 4, batching off served
# 186 requests/s in bench/serving.py on 2 cores, against 492 for a replica that only returns its input.
MIN_MAX_ONGOING_REQUESTS = 32

# Loading a model imports TensorFlow, about 4 s in a fresh actor, so a model that cannot be
# loaded fails after a few tries instead of Serve's default of 20.
CONSTRUCTOR_RETRIES = 3
GRACEFUL_SHUTDOWN_TIMEOUT_S = 20.0
HEALTH_CHECK_PERIOD_S = 10.0
HEALTH_CHECK_TIMEOUT_S = 30.0
# A changed application starts its new replicas before it stops the old ones, so predictions
# go on during the update.
MAX_SURGE_PERCENT = 100


@dataclass(frozen=True)
class ReplicaSpec:
    """One model version served as a Serve application. Deploying a changed spec of the same app_name updates the application."""

    app_name: str
    """Serve application name, such as "mc-<deployment id hex>-v<number>-<settings digest>"."""
    artifacts: str
    """Artifact store location, as `workers.ray_runtime.worker_settings(settings)["artifacts"]` returns it."""
    model_sha256: str
    model_format: str
    """"keras" or "savedmodel"."""
    signature: dict[str, Any]
    """The version's inspection signature: {"inputs": [{name, shape, dtype}], "outputs": [...]}."""
    min_replicas: int = 1
    max_replicas: int = 1
    """Equal to min_replicas: a fixed number of replicas. Larger: Serve autoscales between the two."""
    target_ongoing_requests: float = 2.0
    """Requests in progress per replica that the autoscaler aims for."""
    cpus_per_replica: float = 0.25
    max_batch_size: int = 16
    """Maximum number of requests joined into one model call. 1 turns batching off."""
    batch_wait_ms: float = 5.0
    """Longest time the first request of a batch waits for others, in milliseconds."""

    def __post_init__(self) -> None:
        validate_spec(self)

    @property
    def autoscaling(self) -> bool:
        return self.max_replicas > self.min_replicas

    @property
    def batching(self) -> bool:
        return self.max_batch_size > 1


@dataclass(frozen=True)
class AppStatus:
    """The state of one Serve application, read from the Serve controller."""

    status: str
    """RUNNING, DEPLOYING, UNHEALTHY, DEPLOY_FAILED or DELETING."""
    running_replicas: int
    target_replicas: int
    message: str
    """Why the application is not RUNNING, in one line without a traceback. Empty when Serve reports nothing."""


def validate_spec(spec: ReplicaSpec) -> None:
    """Raise ValueError naming the field, its value and what is accepted, unless the spec can be deployed."""
    if not spec.app_name or "#" in spec.app_name:
        raise ValueError(f"app_name {spec.app_name!r} is invalid: use a non-empty name without '#'.")
    if spec.model_format not in MODEL_FORMATS:
        raise ValueError(f"model_format {spec.model_format!r} is invalid: use one of {', '.join(MODEL_FORMATS)}.")
    if not spec.signature.get("inputs") or not spec.signature.get("outputs"):
        raise ValueError("signature must list at least one input and one output, as the version's inspection reports them.")
    if spec.model_format == "savedmodel" and (len(spec.signature["inputs"]) != 1 or len(spec.signature["outputs"]) != 1):
        # NOTE: the SavedModel loader shared with evaluation calls serving_default with one input and reads one output.
        raise ValueError(
            "signature is invalid for a SavedModel: serving calls its serving_default signature with one input and reads "
            "one output. Export a signature with a single input and a single output."
        )
    if spec.min_replicas < 0:
        raise ValueError(f"min_replicas {spec.min_replicas} is invalid: use 0 or more.")
    if spec.max_replicas < max(spec.min_replicas, 1):
        raise ValueError(
            f"max_replicas {spec.max_replicas} is invalid: use at least 1 and at least min_replicas ({spec.min_replicas})."
        )
    if spec.target_ongoing_requests <= 0:
        raise ValueError(f"target_ongoing_requests {spec.target_ongoing_requests} is invalid: use a number above 0.")
    if spec.cpus_per_replica <= 0:
        raise ValueError(f"cpus_per_replica {spec.cpus_per_replica} is invalid: use a number above 0, such as 0.25.")
    if spec.max_batch_size < 1:
        raise ValueError(f"max_batch_size {spec.max_batch_size} is invalid: use 1 (no batching) or more.")
    if spec.batch_wait_ms < 0:
        raise ValueError(f"batch_wait_ms {spec.batch_wait_ms} is invalid: use 0 or more milliseconds.")


def max_ongoing_requests(spec: ReplicaSpec) -> int:
    """Return the most requests Serve sends to one replica at a time, which must exceed the batch size."""
    return max(ONGOING_REQUESTS_PER_BATCH * spec.max_batch_size, MIN_MAX_ONGOING_REQUESTS)


def batching_config(spec: ReplicaSpec) -> dict[str, Any]:
    """Return the user_config that a replica's `reconfigure` receives: batching settings and the spec's digest."""
    return {
        "max_batch_size": spec.max_batch_size,
        "batch_wait_timeout_s": spec.batch_wait_ms / 1000,
        "spec_digest": spec_digest(spec),
    }


def deployment_options(spec: ReplicaSpec) -> dict[str, Any]:
    """Return the keyword arguments of `Deployment.options` for the spec's replicas."""
    options: dict[str, Any] = {
        "name": DEPLOYMENT_NAME,
        "ray_actor_options": {"num_cpus": spec.cpus_per_replica},
        "max_ongoing_requests": max_ongoing_requests(spec),
        "user_config": batching_config(spec),
        "health_check_period_s": HEALTH_CHECK_PERIOD_S,
        "health_check_timeout_s": HEALTH_CHECK_TIMEOUT_S,
        "graceful_shutdown_timeout_s": GRACEFUL_SHUTDOWN_TIMEOUT_S,
        "max_constructor_retry_count": CONSTRUCTOR_RETRIES,
        "max_surge_percent": MAX_SURGE_PERCENT,
        # Serve writes an access log line for every request by default, which costs each request CPU time in the replica.
        "logging_config": {"enable_access_log": False},
    }
    if spec.autoscaling:
        options["autoscaling_config"] = {
            "min_replicas": spec.min_replicas,
            "max_replicas": spec.max_replicas,
            "target_ongoing_requests": spec.target_ongoing_requests,
        }
    else:
        options["num_replicas"] = spec.min_replicas
    return options


def spec_digest(spec: ReplicaSpec) -> str:
    """Return a digest of every field of the spec, so that deploying an unchanged spec again can be skipped."""
    encoded = json.dumps(asdict(spec), sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(encoded.encode()).hexdigest()[:16]
