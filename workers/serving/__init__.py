"""Model versions served by Ray Serve: one Serve application per version, called through handles.

The API process and the reconciler use this package. Importing it loads neither Ray nor
TensorFlow. Ray Serve is imported on first use, and TensorFlow only in the replicas.

- `start_serve()` starts Serve in the connected Ray, with the HTTP proxy disabled.
- `deploy(spec)` creates or updates an application and returns without waiting for it.
- `delete(app_name)` starts a graceful delete and returns without waiting for it.
- `statuses(prefix)` returns the AppStatus of each application by name.
- `await predict(app_name, inputs)` returns the outputs for one request of n rows.
"""

from workers.serving.applications import delete, deploy, start_serve, statuses
from workers.serving.errors import AppNotFound, AppUnavailable, InvalidInputs, PredictionFailed, ReplicaStartFailed, ServingError
from workers.serving.handles import predict
from workers.serving.spec import AppStatus, ReplicaSpec

__all__ = [
    "AppNotFound",
    "AppStatus",
    "AppUnavailable",
    "InvalidInputs",
    "PredictionFailed",
    "ReplicaSpec",
    "ReplicaStartFailed",
    "ServingError",
    "delete",
    "deploy",
    "predict",
    "start_serve",
    "statuses",
]
