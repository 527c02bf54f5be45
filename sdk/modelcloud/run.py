"""A training run that a script logs to: `init` creates it on the server, `Run` logs to it and finishes it."""

from __future__ import annotations

import atexit
import logging
import math
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

from modelcloud.api import ApiClient
from modelcloud.backoff import Backoff, call_with_retries
from modelcloud.buffer import RunBuffer, check_writable, default_root
from modelcloud.code_version import code_version, script_directory
from modelcloud.delivery import MAX_BATCH_BYTES, MAX_BATCH_POINTS, Delivery
from modelcloud.errors import ApiError, BufferNotWritable, ModelCloudError, ServerUnavailable
from modelcloud.histograms import histogram
from modelcloud.points import MAX_STEP, check_params, check_step, clean_text, is_real, metric_points, metrics_subject

log = logging.getLogger("modelcloud")

OUTCOMES = {"succeeded": "SUCCEEDED", "failed": "FAILED", "cancelled": "CANCELLED"}
MAX_REASON_LENGTH = 2000
# logHistograms takes its step as a GraphQL Int, a signed 32-bit number, while metric steps go up to 2**53.
MAX_HISTOGRAM_STEP = 2**31 - 1


class Run:
    """A run on the server that this process logs metrics, parameters, histograms and a model to.

    Logging does not wait for the server, because records go to a queue, then to the run's
    buffer folder, then to the server, from background threads. Invalid input raises at once
    in the caller, and the server's rejections are logged as warnings.
    """

    def __init__(
        self,
        api: ApiClient,
        *,
        run_id: str,
        name: str,
        team_id: str,
        buffer: RunBuffer,
        delivery: Delivery,
        flush_timeout: float,
        request_timeout: float,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.api = api
        self.id = run_id
        self.name = name
        self.team_id = team_id
        self.buffer = buffer
        self.flush_timeout = flush_timeout
        self.request_timeout = request_timeout
        self.clock = clock
        self._delivery = delivery
        self._step_lock = threading.Lock()
        self._next_step = 0
        self._finish_lock = threading.Lock()
        self._finished = False
        self._sent_all = False

    @property
    def url(self) -> str:
        return self.api.url

    @property
    def buffer_dir(self) -> Path:
        """The folder where this run's unsent records wait."""
        return self.buffer.folder

    @property
    def step(self) -> int:
        """The step the next `log` call without a step gets."""
        return self._next_step

    def log(self, metrics: Mapping[str, Any], step: int | None = None, wall_time_ms: float | None = None) -> None:
        """Queue metric values for one step; without `step`, the step after the largest one logged so far.

        Values are ints, floats, numpy scalars or 0-d arrays, NaN and infinities included. A
        value of any other type raises TypeError, and a step that is not a whole number from 0 to
        2**53 raises ValueError, the automatic step included. Either way no value of that call is logged.
        """
        self._check_open()
        wall_time = self.clock() * 1000.0 if wall_time_ms is None else _wall_time(wall_time_ms)
        with self._step_lock:
            if step is None:
                chosen = self._next_step
                if chosen > MAX_STEP:
                    raise ValueError(
                        f"the automatic step {chosen} of {metrics_subject(metrics)} is invalid: it follows step "
                        f"{chosen - 1}, the largest logged so far, and steps go up to 2**53; pass step= explicitly"
                    )
            else:
                chosen = check_step(step, metrics_subject(metrics))
            points = metric_points(metrics, chosen, wall_time)
            self._next_step = max(self._next_step, chosen + 1)
        if points:
            self._delivery.put_metrics(points)

    def log_params(self, params: Mapping[str, Any]) -> None:
        """Queue hyperparameters of the run; values must fit in JSON (numbers, strings, lists, dicts)."""
        self._check_open()
        self._delivery.put_record("params", {"kind": "params", "runId": self.id, "params": check_params(params)})

    def log_histogram(
        self,
        layer: str,
        values: Any,
        *,
        tensor: str | None = None,
        kind: str = "weights",
        step: int | None = None,
        epoch: int | None = None,
    ) -> None:
        """Queue a histogram of a weight tensor (kind "weights") or of its gradient (kind "gradients").

        `values` is an array-like of any shape, or `(counts, edges)` of 30 equal-width bins
        already computed. `tensor` names the weight within the layer (default: the layer's
        name); `step` defaults to the step of the latest `log` call.
        """
        self._check_open()
        entry = histogram(layer, tensor or layer, kind, values)
        chosen = max(self._next_step - 1, 0) if step is None else check_step(step)
        if chosen > MAX_HISTOGRAM_STEP:
            raise ValueError(f"step {chosen} is invalid for a histogram: the server takes histogram steps up to 2**31 - 1")
        if epoch is not None and (isinstance(epoch, bool) or not isinstance(epoch, int) or epoch < 0):
            raise ValueError(f"epoch {epoch!r} is invalid: it must be a whole number from 0")
        self._delivery.put_histogram(entry, chosen, epoch)

    def log_model(self, path: str | os.PathLike[str], model_name: str) -> dict[str, Any]:
        """Upload a model file and register it as the next version of the team's model `model_name`.

        The team's model of that name is used if it exists. Otherwise the model is registered
        after the upload succeeded and before the version. Returns the new version's
        `{id, number, modelId}`. Raises ApiError when the server rejects the file or the name,
        and ServerUnavailable when the server cannot be reached for `request_timeout`. The
        server checks the file only when it registers the version, so when that fails for a
        model this call registered, the model stays without versions, and the error message states this.
        """
        self._check_open()
        file = Path(path)
        if not file.is_file():
            raise FileNotFoundError(f"model file {str(file)!r} does not exist")

        existing = call_with_retries(lambda: self.api.find_model(self.team_id, model_name), timeout=self.request_timeout)
        upload = call_with_retries(lambda: self.api.upload(file, self.team_id), timeout=self.request_timeout)
        if existing is not None:
            model_id, created = existing, False
        else:
            model_id, created = call_with_retries(
                lambda: self.api.register_model(self.team_id, model_name), timeout=self.request_timeout
            )
        try:
            version = call_with_retries(
                lambda: self.api.register_run_model(self.id, model_id, upload["uploadId"]),
                timeout=self.request_timeout,
                retry_sent=False,
            )
        except (ApiError, ServerUnavailable) as error:
            if created:
                raise _with_created_model_note(error, model_name, model_id) from error
            raise
        log.info("run %s registered %s as version %s of model %s", self.id, file.name, version.get("number"), model_name)
        return version

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until everything logged so far is on the server, at most `timeout` seconds; return whether it is."""
        return self._delivery.flush(self.flush_timeout if timeout is None else timeout)

    def finish(self, status: str = "succeeded", reason: str | None = None) -> bool:
        """Record how the run ended, send everything left and stop; return whether the server has it all.

        Waits up to `flush_timeout` seconds. What was not sent stays in `buffer_dir`, and
        `modelcloud sync` sends it later, the finish included. A second call does nothing.
        """
        outcome = OUTCOMES.get(status.lower()) if isinstance(status, str) else None
        if outcome is None:
            raise ValueError(f"status {status!r} is invalid: use one of {', '.join(OUTCOMES)}")
        with self._finish_lock:
            if self._finished:
                return self._sent_all
            self._finished = True
        _active_runs.discard(self)

        # NUL and unpaired surrogates are replaced because the server rejects them, and a
        # rejected finish would leave the run RUNNING.
        trimmed = None if reason is None else clean_text(str(reason))[:MAX_REASON_LENGTH]
        self._delivery.put_record("finish", {"kind": "finish", "runId": self.id, "status": outcome, "reason": trimmed})
        self._sent_all = self._delivery.close(self.flush_timeout)
        ended = self._delivery.ended_on_server
        if self._sent_all:
            self.buffer.remove_if_empty()
            if ended is None:
                log.info("run %s finished as %s", self.id, status.lower())
            else:
                log.info(
                    "run %s had already ended on the server, so it was not finished as %s: %s", self.id, status.lower(), ended
                )
        else:
            self.buffer.unlock()
            log.warning(
                "run %s finished as %s, but %d records were not sent within %.0f s; they stay in %s for `modelcloud sync`",
                self.id, status.lower(), self._delivery.unsent_records, self.flush_timeout, self.buffer.folder,
            )
            in_memory = self._delivery.unsent_in_memory
            if in_memory:
                log.error(
                    "%d of run %s's unsent records could not be written to %s, so they are lost when this process exits",
                    in_memory, self.id, self.buffer.folder,
                )
        self.api.close()
        return self._sent_all

    def __enter__(self) -> Run:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if exc_type is None:
            self.finish("succeeded")
        elif issubclass(exc_type, KeyboardInterrupt):
            self.finish("cancelled", "interrupted (KeyboardInterrupt)")
        else:
            self.finish("failed", f"{exc_type.__name__}: {exc}")

    def __repr__(self) -> str:
        return f"Run(id={self.id!r}, name={self.name!r}, team_id={self.team_id!r})"

    def _check_open(self) -> None:
        if self._finished:
            raise RuntimeError(f"run {self.id} is finished; start another with modelcloud.init()")


def init(
    team: str,
    name: str,
    params: Mapping[str, Any] | None = None,
    tags: Mapping[str, str] | Iterable[str] | None = None,
    dataset_version: str | None = None,
    url: str | None = None,
    token: str | None = None,
    buffer_dir: str | os.PathLike[str] | None = None,
    *,
    # 100,000 points took 21 to 27 s to send to a server on PostgreSQL on 2 cores (bench/README.md), so 30 s was too close.
    flush_timeout: float = 120.0,
    request_timeout: float = 30.0,
    max_batch_points: int = MAX_BATCH_POINTS,
    max_batch_bytes: int = MAX_BATCH_BYTES,
    backoff: Backoff | None = None,
) -> Run:
    """Create a run on the server and return it, ready to log.

    `team` is a team id or name, `dataset_version` a dataset version id, and `tags` a dict
    or a list of keys (each with an empty value). `url` and `token` default to the environment
    variables MODELCLOUD_URL and MODELCLOUD_TOKEN, and `buffer_dir` to MODELCLOUD_BUFFER_DIR or
    ~/.modelcloud/buffer. The git commit of the script's checkout is recorded when there is one.
    NUL characters and unpaired surrogates in the name, tags and string parameters are replaced
    by U+FFFD. Raises ValueError for bad arguments, BufferNotWritable when the buffer folder
    cannot be written (before any run is created), ApiError when the server rejects the run, and
    ServerUnavailable when it cannot be reached for `request_timeout` seconds.

    `flush_timeout` bounds how long `finish` (or the interpreter's exit) waits for the
    server. `max_batch_points` and `max_batch_bytes` bound one logMetrics request, and
    `backoff` sets the delays between retries (0.5 s doubling up to 10 s, with jitter).
    """
    server_url = url or os.environ.get("MODELCLOUD_URL")
    if not server_url:
        raise ValueError("no server URL: pass url= or set MODELCLOUD_URL, e.g. http://127.0.0.1:8000")
    api_token = token or os.environ.get("MODELCLOUD_TOKEN")
    if not api_token:
        raise ValueError("no API token: pass token= or set MODELCLOUD_TOKEN (`modelcloud token create` makes one)")
    if not 1 <= max_batch_points <= MAX_BATCH_POINTS:
        raise ValueError(f"max_batch_points {max_batch_points} is invalid: it must be from 1 to {MAX_BATCH_POINTS}")
    checked_params = check_params(params) if params is not None else None
    tag_inputs = _tag_inputs(tags)
    run_name = clean_text(str(name))
    root = Path(buffer_dir).expanduser() if buffer_dir is not None else default_root()
    try:
        check_writable(root)
    except OSError as error:
        raise BufferNotWritable(
            f"the buffer folder {root} cannot be created or written ({error}); set buffer_dir= or "
            "MODELCLOUD_BUFFER_DIR to a writable folder. No run was created."
        ) from error

    api = ApiClient(server_url, api_token, timeout=request_timeout)
    try:
        team_id = call_with_retries(lambda: api.team_id(team), timeout=request_timeout, backoff=backoff)
        commit, dirty = code_version(script_directory())
        variables = {
            "teamId": team_id, "name": run_name, "tags": tag_inputs, "params": checked_params,
            "datasetVersionId": dataset_version, "gitCommit": commit, "gitDirty": dirty,
        }
        # createRun is not idempotent, so it is sent again only when the connection itself failed.
        created = call_with_retries(
            lambda: api.create_run(variables), timeout=request_timeout, backoff=backoff, retry_sent=False
        )
    except BaseException:
        api.close()
        raise

    run_id = str(created["id"])
    try:
        buffer = RunBuffer.create(root, run_id, {"runId": run_id, "teamId": team_id, "name": created["name"], "url": api.url})
    except OSError as error:
        # The folder passed the check above but failed now (a disk that filled up in between), so end the run at once.
        failed = _fail_created_run(api, run_id, f"the client could not write its buffer folder {root}: {error}")
        outcome = "is now marked failed" if failed else "stays RUNNING until it is cancelled"
        raise BufferNotWritable(
            f"the buffer folder {root} cannot be written ({error}); set buffer_dir= or MODELCLOUD_BUFFER_DIR to a "
            f"writable folder. Run {run_id} was created and {outcome}."
        ) from error
    delivery = Delivery(api, buffer, run_id, max_points=max_batch_points, max_bytes=max_batch_bytes, backoff=backoff)
    delivery.start()
    run = Run(
        api, run_id=run_id, name=created["name"], team_id=team_id, buffer=buffer, delivery=delivery,
        flush_timeout=flush_timeout, request_timeout=request_timeout,
    )
    _track(run)
    log.info("run %s (%s) started in team %s on %s", run_id, created["name"], team_id, api.url)
    return run


def _fail_created_run(api: ApiClient, run_id: str, reason: str) -> bool:
    """End a run that `init` created but cannot log to, so it does not stay RUNNING; return whether the server ended it."""
    try:
        api.finish_run(run_id, OUTCOMES["failed"], clean_text(reason)[:MAX_REASON_LENGTH])
    except (ApiError, ServerUnavailable) as error:
        log.error("marking run %s as failed did not succeed, so it stays RUNNING until it is cancelled: %s", run_id, error)
        return False
    finally:
        api.close()
    return True


def _with_created_model_note(error: ApiError | ServerUnavailable, model_name: str, model_id: str) -> ModelCloudError:
    """Return a copy of a failed registerRunModel's error that also states that this call registered the model."""
    note = f"; log_model registered the new model {model_name!r} ({model_id}) before this request"
    if isinstance(error, ApiError):
        message = f"{error.message}{note}, and the model stays registered without versions"
        return ApiError(message, error.code, error.field, error.value)
    # The request may have reached the server before the connection failed, so the version may exist.
    message = f"{error}{note}, and the model has no versions unless the server registered this one"
    return ServerUnavailable(message, request_sent=error.request_sent)


def _wall_time(wall_time_ms: Any) -> float:
    if isinstance(wall_time_ms, bool) or not is_real(wall_time_ms) or not math.isfinite(float(wall_time_ms)):
        raise ValueError(f"wall_time_ms {wall_time_ms!r} is invalid: give milliseconds since the Unix epoch, e.g. time.time() * 1000")
    return float(wall_time_ms)


def _tag_inputs(tags: Mapping[str, str] | Iterable[str] | None) -> list[dict[str, str]]:
    if tags is None:
        return []
    if isinstance(tags, str):
        raise TypeError(f"tags {tags!r} is a string; pass a dict such as {{'team': 'vision'}} or a list of keys")
    if isinstance(tags, Mapping):
        return [{"key": clean_text(str(key)), "value": clean_text(str(value))} for key, value in tags.items()]
    return [{"key": clean_text(str(key)), "value": ""} for key in tags]


# Runs not finished yet: at interpreter exit they are finished, as failed after an uncaught exception.
_active_runs: set[Run] = set()
_uncaught: list[BaseException] = []
_hooks_lock = threading.Lock()
_hooks_installed = False


def _track(run: Run) -> None:
    global _hooks_installed
    with _hooks_lock:
        _active_runs.add(run)
        if _hooks_installed:
            return
        _hooks_installed = True
        previous = sys.excepthook

        def record_uncaught(exc_type: type[BaseException], exc: BaseException, traceback: TracebackType | None) -> None:
            _uncaught.append(exc)
            previous(exc_type, exc, traceback)

        sys.excepthook = record_uncaught
        atexit.register(_finish_active_runs)


def _finish_active_runs() -> None:
    """Finish every run still open when the interpreter exits."""
    # NOTE: `sys.exit(1)` does not reach sys.excepthook, so such a run is recorded as succeeded.
    for run in list(_active_runs):
        if not _uncaught:
            run.finish("succeeded")
        elif isinstance(_uncaught[-1], KeyboardInterrupt):
            run.finish("cancelled", "interrupted (KeyboardInterrupt)")
        else:
            error = _uncaught[-1]
            run.finish("failed", f"uncaught {type(error).__name__}: {error}")
