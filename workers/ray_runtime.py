"""One connection to Ray per process, started on first need, shared by the reconciler and dataset jobs."""

from __future__ import annotations

import logging
import threading

from backend.settings import Settings

log = logging.getLogger(__name__)

# A local Ray on the embedded default gets two CPUs and a small object store; work asks for fractions of a CPU.
LOCAL_CPUS = 2
OBJECT_STORE_BYTES = 128 * 1024 * 1024

_lock = threading.Lock()
_connected = False


def ensure_ray(settings: Settings) -> None:
    """Connect to the cluster at RAY_ADDRESS, or start a local Ray on loopback, unless this process already has."""
    global _connected
    with _lock:
        if _connected:
            return
        import ray

        address = settings.ray_address or None
        ray.init(
            address=address,
            # A local Ray serves only this machine, so it listens on loopback like the API.
            _node_ip_address=None if address else "127.0.0.1",
            num_cpus=None if address else LOCAL_CPUS,
            include_dashboard=False,
            ignore_reinit_error=True,
            log_to_driver=False,
            object_store_memory=None if address else OBJECT_STORE_BYTES,
        )
        _connected = True
        log.info("connected to Ray", extra={"address": address or "local"})


def shutdown_ray() -> None:
    global _connected
    with _lock:
        if not _connected:
            return
        import ray

        ray.shutdown()
        _connected = False
