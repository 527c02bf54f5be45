"""A small HTTP server on 127.0.0.1 that speaks the part of ModelCloud's API the client uses, and fails on request.

It keeps what it accepted in memory, stores a batch id once as the real server does, and
can respond with 503s, respond slowly, reject a whole request with a GraphQL error code, or
reject bodies over a size limit, so the client's retries and buffer are tested against real
sockets without a full server.
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

OPERATION = re.compile(r"(?:query|mutation)\s+(\w+)")


@dataclass
class Failure:
    """How the next matching requests fail: an HTTP status, a delay, or a GraphQL error code and message."""

    operation: str | None
    remaining: int
    status: int = 503
    delay: float = 0.0
    code: str | None = None
    field: str | None = None
    message: str | None = None


@dataclass
class FakeState:
    teams: dict[str, str] = field(default_factory=lambda: {"vision": str(uuid.uuid4())})
    runs: dict[str, dict[str, Any]] = field(default_factory=dict)
    batches: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    histograms: dict[str, dict[str, Any]] = field(default_factory=dict)
    models: dict[str, dict[str, Any]] = field(default_factory=dict)
    uploads: dict[str, bytes] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    max_body: int | None = None
    # Called with each logMetrics input before it is stored, to check what the client did before sending.
    on_batch: Callable[[dict[str, Any]], None] | None = None
    reject_point: Callable[[dict[str, Any]], str | None] = lambda point: None


class FakeServer:
    def __init__(self, port: int = 0) -> None:
        self.state = FakeState()
        self.lock = threading.Lock()
        handler = _handler_class(self)
        self.http = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.http.daemon_threads = True
        self.thread = threading.Thread(target=self.http.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    @property
    def port(self) -> int:
        return int(self.http.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.http.shutdown()
        self.http.server_close()

    def fail(self, operation: str | None, times: int, **failure: Any) -> None:
        """Make the next `times` requests of `operation` (of any operation when None) fail as `failure` describes."""
        with self.lock:
            self.state.failures.append(Failure(operation, times, **failure))

    def points(self, run_id: str) -> list[dict[str, Any]]:
        with self.lock:
            return [point for batch in self.state.batches.values() if batch and batch[0]["runId"] == run_id for point in batch]

    def add_run(self, run_id: str | None = None) -> str:
        run_id = run_id or str(uuid.uuid4())
        with self.lock:
            self.state.runs[run_id] = {"id": run_id, "status": "RUNNING", "params": {}}
        return run_id

    def clear_failures(self) -> None:
        with self.lock:
            self.state.failures.clear()

    def handle(self, operation: str, variables: dict[str, Any]) -> tuple[int, dict[str, Any], float]:
        """Return (status, body, delay) for one GraphQL request."""
        with self.lock:
            self.state.requests.append(operation)
            failure = next((f for f in self.state.failures if f.remaining > 0 and f.operation in (None, operation)), None)
            if failure is not None:
                failure.remaining -= 1
                if failure.code is not None:
                    message = failure.message or f"{failure.code} from the fake server"
                    error = {"message": message, "extensions": {"code": failure.code, "field": failure.field}}
                    return 200, {"errors": [error], "data": None}, failure.delay
                if failure.status != 200:
                    return failure.status, {"error": "unavailable"}, failure.delay
            delay = failure.delay if failure is not None else 0.0
            return 200, {"data": self._resolve(operation, variables)}, delay

    def handle_upload(self, content: bytes) -> tuple[int, dict[str, Any]]:
        """Return (status, body) for one POST to /v1/uploads, recorded as the operation "upload"."""
        with self.lock:
            self.state.requests.append("upload")
            failure = next((f for f in self.state.failures if f.remaining > 0 and f.operation == "upload"), None)
            if failure is not None:
                failure.remaining -= 1
                return failure.status, {"error": {"code": failure.code or f"HTTP_{failure.status}", "message": "upload failed"}}
            upload_id = str(uuid.uuid4())
            self.state.uploads[upload_id] = content
            return 201, {"uploadId": upload_id, "sha256": "0" * 64, "size": len(content)}

    def _resolve(self, operation: str, variables: dict[str, Any]) -> dict[str, Any]:
        state = self.state
        if operation == "teams":
            nodes = [{"id": team_id, "name": name} for name, team_id in state.teams.items()]
            return {"teams": {"nodes": nodes, "pageInfo": {"hasNextPage": False, "endCursor": None}}}
        if operation == "models":
            nodes = [model for model in state.models.values() if variables["name"] in model["name"]]
            return {"models": {"nodes": nodes, "pageInfo": {"hasNextPage": False, "endCursor": None}}}
        if operation == "registerModel":
            model = {"id": str(uuid.uuid4()), "name": variables["input"]["name"], "archived": False, "versions": 0}
            state.models[model["id"]] = model
            return {"registerModel": model}
        if operation == "registerRunModel":
            model = state.models[variables["input"]["modelId"]]
            model["versions"] += 1
            return {"registerRunModel": {"id": str(uuid.uuid4()), "number": model["versions"], "modelId": model["id"]}}
        if operation == "createRun":
            run_id = str(uuid.uuid4())
            run = {"id": run_id, "name": variables["input"]["name"], "status": "RUNNING", "teamId": variables["input"]["teamId"],
                   "input": variables["input"], "params": dict(variables["input"].get("params") or {})}
            state.runs[run_id] = run
            return {"createRun": run}
        run_id = variables["input"]["runId"]
        run = state.runs[run_id]
        if operation == "logMetrics":
            batch_id = f'{run_id}/{variables["input"]["batchId"]}'
            if batch_id in state.batches:
                return {"logMetrics": {"accepted": 0, "alreadyStored": True, "rejected": []}}
            if state.on_batch is not None:
                state.on_batch(variables["input"])
            accepted, rejected = [], []
            for index, point in enumerate(variables["input"]["points"]):
                reason = state.reject_point(point)
                if reason:
                    rejected.append({"index": index, "name": point["name"], "step": point["step"], "reason": reason})
                else:
                    accepted.append({**point, "runId": run_id})
            state.batches[batch_id] = accepted
            return {"logMetrics": {"accepted": len(accepted), "alreadyStored": False, "rejected": rejected}}
        if operation == "logHistograms":
            state.histograms.setdefault(f'{run_id}/{variables["input"]["batchId"]}', variables["input"])
            return {"logHistograms": {"id": run_id}}
        if operation == "logParams":
            run["params"] = {**variables["input"]["params"], **run["params"]}
            return {"logParams": {"id": run_id}}
        if operation == "finishRun":
            run["status"] = variables["input"]["status"]
            run["reason"] = variables["input"]["reason"]
            return {"finishRun": {"id": run_id, "status": run["status"]}}
        raise ValueError(f"the fake server does not know {operation}")


def _handler_class(server: FakeServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length", 0))
            body = self.rfile.read(length)
            if self.path.startswith("/v1/uploads"):
                status, reply = server.handle_upload(body)
                self._reply(status, reply)
                return
            limit = server.state.max_body
            if limit is not None and length > limit:
                error = {"message": "too large", "extensions": {"code": "PAYLOAD_TOO_LARGE", "field": "body", "value": length}}
                self._reply(413, {"errors": [error]})
                return
            request = json.loads(body)
            match = OPERATION.search(request["query"])
            status, reply, delay = server.handle(match.group(1) if match else "", request.get("variables") or {})
            if delay:
                time.sleep(delay)
            self._reply(status, reply)

        def _reply(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting, as a client with a short timeout does

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    return Handler
