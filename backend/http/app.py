"""The Starlette application: /graphql, uploads, audit export, health, readiness, metrics and the web app."""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import anyio
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route, WebSocketRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backend.domain.access import Principal
from backend.domain.base import Cause, Conflict, DomainError, InvalidInput, NotFound, PayloadTooLarge, iso
from backend.domain.validation import parse_utc_time
from backend.graphql.auth import Authenticator, Credentials, check_csrf
from backend.graphql.context import correlation_id_from, in_thread
from backend.graphql.errors import (
    INSUFFICIENT_STORAGE,
    INTERNAL_SERVER_ERROR,
    artifact_store_unavailable_message,
    describe_domain_error,
    out_of_space,
    out_of_space_message,
)
from backend.graphql.schema import build_schema
from backend.http.deployment_metrics import DeploymentCollector
from backend.http.graphql_view import ModelCloudGraphQL
from backend.http.predictions import prediction_routes
from backend.http.web import web_routes
from backend.projections.audit import EXPORT_FORMATS, AuditFilter, export_lines
from backend.runtime import Runtime
from backend.storage import StoreUnavailable
from backend.telemetry import registry, uploads_bytes_total

log = logging.getLogger(__name__)

UPLOAD_SPOOL_BYTES = 8 * 1024 * 1024


def error_response(error: DomainError, status: int, correlation_id: str | None = None) -> JSONResponse:
    body = {"error": {"message": error.message, **describe_domain_error(error), "correlationId": correlation_id}}
    return JSONResponse(body, status_code=status)


STATUS_BY_CODE = {
    "BAD_USER_INPUT": 400,
    "UNAUTHENTICATED": 401,
    "FORBIDDEN": 403,
    "NOT_FOUND": 404,
    "CONFLICT": 409,
    "PAYLOAD_TOO_LARGE": 413,
    "SERVICE_UNAVAILABLE": 503,
    INSUFFICIENT_STORAGE: 507,
}


class BodyLimit:
    """Reject /graphql requests whose body exceeds the limit with 413 and a GraphQL-shaped error.

    The body is read up to the limit before the app runs, so a chunked body without a
    Content-Length is rejected before any response starts.
    """

    def __init__(self, app: ASGIApp, limit: int, path: str = "/graphql") -> None:
        self.app = app
        self.limit = limit
        self.path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != self.path:
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._reject(scope, receive, send, int(declared))
            return
        chunks: list[bytes] = []
        received = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return
            chunks.append(message.get("body", b""))
            received += len(chunks[-1])
            if received > self.limit:
                await self._reject(scope, receive, send, received)
                return
            if not message.get("more_body", False):
                break
        await self.app(scope, _replay(b"".join(chunks), receive), send)

    async def _reject(self, scope: Scope, receive: Receive, send: Send, size: int) -> None:
        message = f"The request body is larger than the limit of {self.limit} bytes (MODELCLOUD_MAX_REQUEST_BYTES)."
        body = {"errors": [{"message": message, "extensions": {"code": "PAYLOAD_TOO_LARGE", "field": "body", "value": size}}]}
        await JSONResponse(body, status_code=413)(scope, receive, send)


def _replay(body: bytes, receive: Receive) -> Receive:
    """Return a receive callable that hands over the buffered body once, then waits for the disconnect."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed


def create_app(runtime: Runtime, *, manage_runtime: bool = True) -> ASGIApp:
    """Build the ASGI app; with `manage_runtime` the app's lifespan starts and stops the runtime."""
    authenticator = Authenticator(runtime)
    graphql = ModelCloudGraphQL(runtime, build_schema(runtime.settings))

    async def authenticate(request: Request, *, mutation: bool) -> Any:
        credentials = Credentials.from_headers(request.headers, request.cookies)
        principal, session = await in_thread(authenticator.authenticate, credentials)
        if mutation:
            check_csrf(session, credentials.csrf)
        return principal

    async def upload(request: Request) -> Response:
        correlation_id = correlation_id_from(request.headers)
        try:
            principal = await authenticate(request, mutation=True)
            team_id = _team_of(request, principal)
            await in_thread(runtime.uploads.check_editor, principal, team_id)
            spooled = await _spool(request, runtime.settings.max_upload_bytes)
        except DomainError as error:
            return error_response(error, STATUS_BY_CODE[error.code], correlation_id)
        except ClientDisconnect:
            log.info("client disconnected during an upload; nothing was kept", extra={"correlation_id": correlation_id})
            return Response(status_code=400)
        try:
            cause = _cause(runtime, principal, correlation_id)
            received = await in_thread(
                lambda: runtime.uploads.receive(
                    principal, cause, team_id=team_id, body=spooled, max_size=runtime.settings.max_upload_bytes,
                    filename=_header_text(request, "x-filename"),
                    content_type=request.headers.get("content-type", "application/octet-stream"),
                )
            )
        except DomainError as error:
            return error_response(error, STATUS_BY_CODE[error.code], correlation_id)
        finally:
            spooled.close()
        await in_thread(runtime.projections.wait_for, received.outcome.position, 10.0)
        uploads_bytes_total.inc(received.size)
        return JSONResponse({"uploadId": str(received.upload_id), "sha256": received.sha256, "size": received.size}, status_code=201)

    async def audit_export(request: Request) -> Response:
        correlation_id = correlation_id_from(request.headers)
        try:
            principal = await authenticate(request, mutation=False)
            export_format = request.query_params.get("format", "jsonl")
            if export_format not in EXPORT_FORMATS:
                raise InvalidInput(
                    f"format {export_format!r} is invalid: expected one of {', '.join(EXPORT_FORMATS)}.",
                    field="format",
                    value=export_format[:40],
                )
            where = await _export_filter(authenticator, principal, request)
        except DomainError as error:
            return error_response(error, STATUS_BY_CODE[error.code], correlation_id)
        media = "text/csv; charset=utf-8" if export_format == "csv" else "application/x-ndjson"
        # Starlette iterates a plain generator in its thread pool, so the export streams in
        # batches of rows without blocking the event loop or holding the whole log in memory.
        lines = export_lines(runtime.readers.audit, where, export_format)
        filename = f"audit.{export_format}"
        return StreamingResponse(lines, media_type=media, headers={"content-disposition": f'attachment; filename="{filename}"'})

    async def download_version(request: Request) -> Response:
        correlation_id = correlation_id_from(request.headers)
        try:
            principal = await authenticate(request, mutation=False)
            row = await _readable_version(runtime, authenticator, principal, request.path_params["version_id"])
            if row["status"] == "broken" or not await in_thread(runtime.artifacts.exists, row["sha256"]):
                raise Conflict(
                    f"Version {row['number']} cannot be downloaded: its stored file is missing or altered "
                    f"({row['status_reason'] or 'the file is missing'}).",
                    field="versionId",
                    value=row["version_id"],
                )
            cause = _cause(runtime, principal, correlation_id)
            await in_thread(lambda: runtime.registry.record_download(principal, cause, version_id=uuid.UUID(row["version_id"])))
        except DomainError as error:
            return error_response(error, STATUS_BY_CODE[error.code], correlation_id)
        filename = _ascii_filename(row["filename"]) or f"model-version-{row['number']}"
        return StreamingResponse(
            _blob_chunks(runtime, row["sha256"]),
            media_type="application/octet-stream",
            headers={"content-disposition": f'attachment; filename="{filename}"', "content-length": str(row["size"])},
        )

    async def download_dataset_version(request: Request) -> Response:
        correlation_id = correlation_id_from(request.headers)
        try:
            principal = await authenticate(request, mutation=False)
            row = await _readable_dataset_version(runtime, authenticator, principal, request.path_params["version_id"])
            data_format = request.query_params.get("format", "parquet")
            if data_format not in DATASET_DOWNLOAD_FORMATS:
                raise InvalidInput(
                    f"format {data_format[:40]!r} is invalid: expected one of {', '.join(DATASET_DOWNLOAD_FORMATS)}.",
                    field="format",
                    value=data_format[:40],
                )
            if not await in_thread(runtime.artifacts.exists, row["sha256"]):
                raise Conflict(
                    f"Version {row['number']} cannot be downloaded: its stored file is missing.", field="versionId", value=row["version_id"]
                )
            holder = None
            if data_format == "parquet":
                sha256 = row["sha256"]
            else:
                # The CSV is kept for this response only and deleted after it, unless another download still uses it.
                holder = f"dataset-download:{uuid.uuid4()}"
                sha256 = await in_thread(runtime.datasets.export_csv_held, row["sha256"], holder)
            size = await in_thread(runtime.artifacts.size, sha256)
            cause = _cause(runtime, principal, correlation_id)
            version_id = uuid.UUID(row["version_id"])
            await in_thread(lambda: runtime.datasets.record_download(cause, version_id=version_id, file_format=data_format))
        except DomainError as error:
            return error_response(error, STATUS_BY_CODE[error.code], correlation_id)
        dataset = await in_thread(runtime.readers.datasets.dataset, row["dataset_id"])
        stem = _ascii_filename(dataset["name"] if dataset else "") or "dataset"
        filename = f"{stem}-v{row['number']}.{data_format}"
        media = "text/csv; charset=utf-8" if data_format == "csv" else "application/vnd.apache.parquet"
        return StreamingResponse(
            _blob_chunks(runtime, sha256, release_holder=holder),
            media_type=media,
            headers={"content-disposition": f'attachment; filename="{filename}"', "content-length": str(size)},
        )

    async def healthz(_: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(_: Request) -> Response:
        try:
            lag = await in_thread(runtime.projections.lag)
        except Exception as error:  # noqa: BLE001  (any failure to reach the store means not ready)
            log.warning("readiness check could not reach the store", extra={"error": str(error)})
            return JSONResponse({"status": "unavailable", "error": "the event store is unreachable"}, status_code=503)
        worst = max(lag.values(), default=0)
        failing = dict(runtime.projections.failures)
        ready = worst <= runtime.settings.readiness_max_lag and not failing
        status = "ready" if ready else "lagging"
        if failing:
            status = "failing"
        body = {
            "status": status,
            "projectionLag": lag,
            "maxLag": runtime.settings.readiness_max_lag,
            "failingProjections": failing,
        }
        return JSONResponse(body, status_code=200 if ready else 503)

    deployment_series = CollectorRegistry(auto_describe=False)
    deployment_series.register(DeploymentCollector(runtime))

    async def metrics(_: Request) -> Response:
        await in_thread(runtime.projections.lag)
        series = await in_thread(generate_latest, deployment_series)
        return Response(generate_latest(registry) + series, media_type=CONTENT_TYPE_LATEST)

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        if manage_runtime:
            await in_thread(runtime.start)
            credentials = await in_thread(runtime.bootstrap)
            if credentials is not None:
                print_bootstrap(credentials)
        try:
            yield
        finally:
            if manage_runtime:
                await in_thread(runtime.stop)

    routes = [
        Route("/graphql", graphql, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql),
        Route("/v1/uploads", upload, methods=["POST"]),
        Route("/v1/audit/export", audit_export, methods=["GET"]),
        Route("/v1/model-versions/{version_id}/artifact", download_version, methods=["GET"]),
        Route("/v1/dataset-versions/{version_id}/data", download_dataset_version, methods=["GET"]),
        *prediction_routes(runtime, authenticate),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/metrics", metrics),
        *web_routes(runtime.settings.web_dist),
    ]
    handlers = {StoreUnavailable: store_unavailable, OSError: storage_failure, sqlite3.OperationalError: storage_failure}
    app = Starlette(routes=routes, lifespan=lifespan, exception_handlers=handlers)
    return BodyLimit(app, runtime.settings.max_request_bytes)


async def store_unavailable(request: Request, error: Exception) -> Response:
    """Answer 503 for a request that the artifact store failed, with the cause in the log only, since it names the bucket and endpoint."""
    correlation_id = correlation_id_from(request.headers)
    log.warning("artifact store unavailable", extra={"path": request.url.path, "error": str(error), "correlation_id": correlation_id})
    body = {
        "error": {
            "message": artifact_store_unavailable_message(correlation_id), "code": "SERVICE_UNAVAILABLE", "field": None,
            "value": None, "correlationId": correlation_id,
        }
    }
    return JSONResponse(body, status_code=503, headers={"Retry-After": "5"})


async def storage_failure(request: Request, error: Exception) -> Response:
    """Return 507 for a request that found the disk full, and a JSON 500 for any other failed file or SQLite operation."""
    correlation_id = correlation_id_from(request.headers)
    if out_of_space(error):
        log.error("out of disk space", extra={"path": request.url.path, "error": str(error), "correlation_id": correlation_id})
        code, message, status = INSUFFICIENT_STORAGE, out_of_space_message(correlation_id), 507
    else:
        log.error("unexpected error", exc_info=error, extra={"path": request.url.path, "correlation_id": correlation_id})
        code, status = INTERNAL_SERVER_ERROR, 500
        message = f"Internal error; the server log has the details under correlation id {correlation_id}."
    body = {"error": {"message": message, "code": code, "field": None, "value": None, "correlationId": correlation_id}}
    return JSONResponse(body, status_code=status)


DOWNLOAD_CHUNK = 1024 * 1024
DATASET_DOWNLOAD_FORMATS = ("parquet", "csv")


def _blob_chunks(runtime: Runtime, sha256: str, release_holder: str | None = None) -> Iterator[bytes]:
    """Yield a blob in chunks; Starlette reads this generator in its thread pool, so memory stays bounded.

    With `release_holder`, that reference is released once the blob is sent or the client goes away.
    """
    try:
        with runtime.artifacts.open(sha256) as stream:
            while chunk := stream.read(DOWNLOAD_CHUNK):
                yield chunk
    finally:
        if release_holder is not None:
            runtime.artifacts.release_reference(sha256, release_holder)


def _ascii_filename(name: str) -> str:
    return "".join(character for character in name if character.isascii() and (character.isalnum() or character in "._-"))


async def _readable_version(
    runtime: Runtime, authenticator: Authenticator, principal: Principal, version_id: str
) -> dict[str, Any]:
    try:
        parsed = str(uuid.UUID(version_id))
    except ValueError:
        raise InvalidInput(f"version id {version_id[:40]!r} is not a valid id.", field="versionId", value=version_id[:40]) from None
    row = await in_thread(runtime.readers.registry.version, parsed)
    teams = await in_thread(authenticator.readable_teams, principal, "Downloading a model version")
    if row is None or (teams is not None and row["team_id"] not in teams):
        raise NotFound(f"Model version {version_id} was not found among your teams' models.", field="versionId", value=version_id)
    return row


async def _readable_dataset_version(
    runtime: Runtime, authenticator: Authenticator, principal: Principal, version_id: str
) -> dict[str, Any]:
    try:
        parsed = str(uuid.UUID(version_id))
    except ValueError:
        raise InvalidInput(f"version id {version_id[:40]!r} is not a valid id.", field="versionId", value=version_id[:40]) from None
    row = await in_thread(runtime.readers.datasets.version, parsed)
    teams = await in_thread(authenticator.readable_teams, principal, "Downloading a dataset version")
    if row is None or (teams is not None and row["team_id"] not in teams):
        raise NotFound(f"Dataset version {version_id} was not found among your teams' datasets.", field="versionId", value=version_id)
    return row


def _header_text(request: Request, name: str) -> str:
    """Return a header value as UTF-8 text, since Starlette decodes header bytes as Latin-1."""
    raw = request.headers.get(name, "")
    try:
        return raw.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return raw


def _team_of(request: Request, principal: Any) -> uuid.UUID:
    given = request.query_params.get("team")
    if given is None:
        if principal.token_team is None:
            raise InvalidInput("team is missing: add ?team=<team id> to the upload URL.", field="team", value=None)
        return principal.token_team
    try:
        return uuid.UUID(given)
    except ValueError:
        raise InvalidInput(f"team {given[:40]!r} is not a valid team id.", field="team", value=given[:40]) from None


async def _spool(request: Request, limit: int) -> Any:
    """Stream the request body into a temporary file, stopping at `limit` bytes, so memory stays bounded."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(
            f"The upload is larger than the limit of {limit} bytes (MODELCLOUD_MAX_UPLOAD_BYTES).", field="body", value=int(declared)
        )
    spooled = tempfile.SpooledTemporaryFile(max_size=UPLOAD_SPOOL_BYTES)
    received = 0
    try:
        async for chunk in request.stream():
            received += len(chunk)
            if received > limit:
                raise PayloadTooLarge(
                    f"The upload is larger than the limit of {limit} bytes (MODELCLOUD_MAX_UPLOAD_BYTES).", field="body", value=received
                )
            await anyio.to_thread.run_sync(spooled.write, chunk)
    except BaseException:
        spooled.close()
        raise
    if received == 0:
        spooled.close()
        raise InvalidInput("The upload is empty; send the file as the request body.", field="body", value=0)
    spooled.seek(0)
    return spooled


async def _export_filter(authenticator: Authenticator, principal: Principal, request: Request) -> AuditFilter:
    params = request.query_params
    readable = await in_thread(authenticator.readable_teams, principal, "Exporting the audit log")
    teams = tuple(readable) if readable is not None else None
    team = params.get("team")
    if team is not None and teams is not None and team not in teams:
        raise NotFound(f"Team {team[:40]} was not found among your teams.", field="team", value=team[:40])
    return AuditFilter(
        actor=params.get("actor"), team=team, subject_id=params.get("subject"), action=params.get("action"),
        since=iso(parse_utc_time("since", params.get("since"))), until=iso(parse_utc_time("until", params.get("until"))),
        teams=teams,
    )


def _cause(runtime: Runtime, principal: Principal, correlation_id: str) -> Cause:
    return Cause.new(principal.actor, None, at=runtime.clock(), correlation_id=correlation_id)


def print_bootstrap(credentials: Any) -> None:
    """Show the first administrator's password and token once, on the console of the first start."""
    lines = [
        "",
        "ModelCloud created its first administrator. These secrets are shown only now:",
        f"  username: {credentials.username}",
        f"  password: {credentials.password}",
        f"  token:    {credentials.token}   (team 'default', scopes read, write, predict, admin)",
        "",
    ]
    print("\n".join(lines), flush=True)  # noqa: T201  (the one place secrets go to the operator, never the log)

