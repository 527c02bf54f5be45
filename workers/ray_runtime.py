"""One connection to Ray per process, made on first need, shared by the reconciler and dataset jobs.

With `RAY_ADDRESS` set, the process joins that cluster. Otherwise it starts a local Ray head as
a process of its own (`ray start --head --block` in a new session, watched by `workers.ray_head`,
which stops it if this process dies), and connects to it. NOTE: the head is started with node
address 127.0.0.1, but Ray 2.60 still binds its GCS, raylet and workers on every interface.
Only the generated token keeps others out. In its own session the head does not receive the terminal's Ctrl-C, so the API disconnects
first and then stops the head and everything the head started. The head requires a token that
is generated for it and handed to this process only through its environment.
"""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from backend.settings import ENCRYPTION_KEY_VARIABLE, Settings, decode_encryption_key
from backend.storage.s3_location import is_s3_location

log = logging.getLogger(__name__)

# A local Ray gets two CPUs and a small object store; tasks request fractions of a CPU.
LOCAL_CPUS = 2
OBJECT_STORE_BYTES = 128 * 1024 * 1024
HEAD_START_SECONDS = 90.0
HEAD_STOP_SECONDS = 20.0
RAY_NAMESPACE = "modelcloud"
# The service name under which Ray workers export spans, unless their node sets OTEL_SERVICE_NAME.
WORKER_SERVICE_NAME = "modelcloud-worker"
# Variables that describe this process rather than the job, so neither workers nor a local head inherit them.
PROCESS_OWN_VARIABLES = frozenset({"OTEL_SERVICE_NAME"})


@dataclass
class LocalHead:
    process: subprocess.Popen[bytes]
    address: str
    log_path: Path


_lock = threading.Lock()
_connected = False
_head: LocalHead | None = None


def ensure_ray(settings: Settings) -> None:
    """Connect to the cluster at RAY_ADDRESS, or to a local head started now, unless this process already has."""
    global _connected, _head
    with _lock:
        if _connected:
            return
        address = settings.ray_address or None
        if address is None:
            _set_token()
            _head = _start_local_head()
            address = _head.address
        import ray

        try:
            _connect(ray, address, worker_environment(settings))
        except Exception:
            _stop_local_head()
            raise
        _connected = True
        log.info("connected to Ray", extra={"address": settings.ray_address or f"local head at {address}"})
        for problem in local_only_locations(settings):
            log.warning(problem, extra={"address": settings.ray_address})


def local_only_locations(settings: Settings) -> list[str]:
    """Return a warning for each location that Ray workers on other nodes of the cluster at RAY_ADDRESS cannot reach.

    Workers open the event store and the artifact store themselves. A SQLite file or a local folder is
    only reachable when every node mounts it at the same path, which Ray does not arrange.
    """
    if not settings.ray_address:
        return []
    problems = []
    if settings.database_url.startswith("sqlite:///"):
        problems.append(
            "RAY_ADDRESS names a Ray cluster, but MODELCLOUD_DATABASE_URL is a SQLite file that workers on other "
            "nodes cannot open; use PostgreSQL (postgresql://...) for a cluster."
        )
    if not is_s3_location(settings.artifacts):
        problems.append(
            "RAY_ADDRESS names a Ray cluster, but MODELCLOUD_ARTIFACTS is a local folder that workers on other "
            "nodes cannot read unless every node mounts it at the same path; use s3://bucket/prefix for a cluster."
        )
    return problems


def worker_settings(settings: Settings) -> dict[str, str]:
    """Return the database URL and artifact store as absolute locations, since Ray workers may run in another folder."""
    database_url = settings.database_url
    if database_url.startswith("sqlite:///"):
        path = database_url.removeprefix("sqlite:///")
        if path != ":memory:":
            database_url = f"sqlite:///{Path(path).resolve()}"
    artifacts = settings.artifacts
    if "://" not in artifacts:
        artifacts = str(Path(artifacts).resolve())
    return {"database_url": database_url, "artifacts": artifacts}


def worker_environment(settings: Settings) -> dict[str, str]:
    """Return the variables of this process that every Ray worker of this job needs.

    Workers export their spans where this process does, so the OTEL_* variables go to them.
    Workers also open the stores themselves, so they get the event store's key when it is
    encrypted and the AWS_* variables when the artifact store is in S3. The nodes of a cluster
    at RAY_ADDRESS do not inherit this process's environment. OTEL_SERVICE_NAME stays behind, so workers report under
    their node's name or WORKER_SERVICE_NAME instead of this process's. Variables that name files
    (AWS_CONFIG_FILE, AWS_CA_BUNDLE, OTEL_EXPORTER_OTLP_CERTIFICATE) are passed as they are, so
    those files must exist at the same paths on the nodes.
    """
    forwarded = {name: value for name, value in os.environ.items() if name.startswith("OTEL_") and name not in PROCESS_OWN_VARIABLES}
    if settings.encryption_key_bytes is not None:
        forwarded[ENCRYPTION_KEY_VARIABLE] = settings.encryption_key.get_secret_value()
    if is_s3_location(settings.artifacts):
        forwarded.update((name, value) for name, value in os.environ.items() if name.startswith("AWS_"))
    return forwarded


def worker_encryption_key() -> bytes | None:
    """Return the event store's key that `worker_environment` passed to this Ray worker, or None."""
    return decode_encryption_key(os.environ.get(ENCRYPTION_KEY_VARIABLE, ""))


def shutdown_ray() -> None:
    """Disconnect from Ray, and stop the local head if this process started one."""
    global _connected
    with _lock:
        if _connected:
            import ray

            ray.shutdown()
            _connected = False
            log.info("disconnected from Ray")
        _stop_local_head()


def _connect(ray: object, address: str, environment: dict[str, str]) -> None:
    # Ray merges these job-level variables into the env_vars that an actor or task sets for itself.
    runtime_env = {"env_vars": environment} if environment else None
    deadline = time.monotonic() + HEAD_START_SECONDS
    while True:
        try:
            # A fixed namespace, so a restarted server finds the named training actors of the one before it.
            ray.init(  # type: ignore[attr-defined]
                address=address, namespace=RAY_NAMESPACE, ignore_reinit_error=True, log_to_driver=False, runtime_env=runtime_env,
            )
            return
        except ConnectionError:
            if _head is not None and _head.process.poll() is not None:
                raise RuntimeError(f"The local Ray head stopped while starting; see {_head.log_path}.") from None
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def _set_token() -> None:
    """Put a new token for the local head in this process's environment, which the head inherits.

    Ray 2.60 reads the token when `ray` is first imported, so this must run before that import.
    """
    if os.environ.get("RAY_AUTH_TOKEN"):
        return
    if "ray" in sys.modules:
        raise RuntimeError("Ray was imported before the local head's token was set; import it only after ensure_ray().")
    os.environ["RAY_AUTH_MODE"] = "token"
    os.environ["RAY_AUTH_TOKEN"] = secrets.token_urlsafe(32)


def _start_local_head() -> LocalHead:
    port, client_port = _free_port(), _free_port()
    folder = Path(tempfile.mkdtemp(prefix="mc-ray-"))
    log_path = folder / "head.log"
    command = [
        sys.executable, "-m", "workers.ray_head", str(os.getpid()),
        "--head", "--block", f"--port={port}", "--node-ip-address=127.0.0.1", f"--num-cpus={LOCAL_CPUS}",
        "--include-dashboard=false", f"--object-store-memory={OBJECT_STORE_BYTES}", "--disable-usage-stats",
        # Its own session folder and client port, so it never replaces another Ray's /tmp/ray state or port 10001.
        f"--temp-dir={folder}", f"--ray-client-server-port={client_port}",
    ]
    environment = {name: value for name, value in os.environ.items() if name not in PROCESS_OWN_VARIABLES}
    with open(log_path, "wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, start_new_session=True, env=environment)
    log.info("started a local Ray head", extra={"pid": process.pid, "port": port, "log": str(log_path)})
    return LocalHead(process=process, address=f"127.0.0.1:{port}", log_path=log_path)


def _stop_local_head() -> None:
    """Kill the head's process group: the GCS, the raylet, its agents and its workers.

    SIGKILL, because `ray start --block` took more than 30 seconds to act on SIGTERM here, and
    the driver has already disconnected, so nothing is mid-write.
    """
    global _head
    if _head is None:
        return
    head, _head = _head, None
    try:
        os.killpg(head.process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        head.process.wait(timeout=HEAD_STOP_SECONDS)
    except subprocess.TimeoutExpired:
        log.warning("the local Ray head did not stop in time", extra={"pid": head.process.pid})
        return
    log.info("stopped the local Ray head", extra={"pid": head.process.pid})
    shutil.rmtree(head.log_path.parent, ignore_errors=True)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
