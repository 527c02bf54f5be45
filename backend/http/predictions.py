"""TensorFlow Serving's REST API on deployments: predict, model status and metadata.

`{name}` is a deployment's name in the team of the caller's token, or in the team that `?team=`
names. A session needs `?team=`, and a token reaches another team that way only when it belongs
to a platform administrator and has the admin scope.
Errors keep TensorFlow Serving's `{"error": message}` body and add the field, the value, and
for payload errors what was expected against what was received.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from backend.application.prediction_payloads import parse_json
from backend.application.predictions import DeploymentNotFound
from backend.domain.access import Principal
from backend.domain.base import DomainError, InvalidInput, NotFound, PayloadTooLarge
from backend.graphql.context import correlation_id_from, in_thread
from backend.graphql.errors import describe_domain_error
from backend.runtime import Runtime

log = logging.getLogger(__name__)

STATUS_BY_CODE = {
    "BAD_USER_INPUT": 400,
    "UNAUTHENTICATED": 401,
    "FORBIDDEN": 403,
    "NOT_FOUND": 404,
    "CONFLICT": 409,
    "PAYLOAD_TOO_LARGE": 413,
    "MODEL_FAILED": 502,
    "SERVICE_UNAVAILABLE": 503,
}
TENSORFLOW_TYPES = {
    "float16": "DT_HALF", "float32": "DT_FLOAT", "float64": "DT_DOUBLE", "int8": "DT_INT8", "int16": "DT_INT16",
    "int32": "DT_INT32", "int64": "DT_INT64", "uint8": "DT_UINT8", "string": "DT_STRING", "bool": "DT_BOOL",
}

Authenticate = Callable[..., Awaitable[Principal]]


def tensorflow_error(error: DomainError, correlation_id: str) -> JSONResponse:
    body = {"error": error.message, **describe_domain_error(error), "correlationId": correlation_id}
    headers = {"Retry-After": "5"} if error.code == "SERVICE_UNAVAILABLE" else None
    return JSONResponse(body, status_code=STATUS_BY_CODE.get(error.code, 400), headers=headers)


def prediction_routes(runtime: Runtime, authenticate: Authenticate) -> list[Route]:
    async def predict(request: Request) -> Response:
        correlation_id = correlation_id_from(request.headers)
        try:
            principal = await authenticate(request, mutation=True)
            team_id = _team(request, principal)
            version = _version(request)
            body = await _body(request, runtime.settings.max_request_bytes)
            document = parse_json(body)
            prediction = await runtime.predictions.predict(principal, team_id, request.path_params["name"], document,
                                                           version=version)
        except DeploymentNotFound as error:
            return tensorflow_error(_with_team_hint(error, principal), correlation_id)
        except DomainError as error:
            return tensorflow_error(error, correlation_id)
        except ClientDisconnect:
            return Response(status_code=400)
        return JSONResponse(prediction.body, headers={"X-Model-Version": str(prediction.version)})

    async def status(request: Request) -> Response:
        correlation_id = correlation_id_from(request.headers)
        try:
            row = await _readable(request)
            version = _version(request)
            traffic = json.loads(row["active_config"] or row["config"])["traffic"]
            listed = [entry for entry in traffic if version is None or entry["version"] == version]
            if not listed:
                raise NotFound(f"Version {version} is not part of deployment {row['name']!r}.", field="version", value=version)
        except DomainError as error:
            return tensorflow_error(error, correlation_id)
        state = {"healthy": "AVAILABLE", "degraded": "AVAILABLE", "deploying": "LOADING", "stopped": "END"}[row["status"]]
        if row["active_config"] is None and row["status"] != "stopped":
            state = "LOADING"
        return JSONResponse({"model_version_status": [
            {"version": str(entry["version"]), "state": state, "status": {"error_code": "OK", "error_message": row["health_reason"] or ""}}
            for entry in listed
        ]})

    async def metadata(request: Request) -> Response:
        correlation_id = correlation_id_from(request.headers)
        try:
            row = await _readable(request)
            version, version_id = runtime.predictions.served_version(row, _version(request))
            signature = await in_thread(runtime.predictions.signature, version_id)
            transform = await in_thread(runtime.predictions.transform, version_id)
        except DomainError as error:
            return tensorflow_error(error, correlation_id)
        return JSONResponse({
            "model_spec": {"name": row["name"], "signature_name": "", "version": str(version)},
            "metadata": {"signature_def": {"signature_def": {"serving_default": {
                "inputs": _raw_inputs(transform) if transform is not None else
                {spec["name"]: _tensor_info(spec) for spec in signature.get("inputs") or []},
                "outputs": {spec["name"]: _tensor_info(spec) for spec in signature.get("outputs") or []},
                "method_name": "tensorflow/serving/predict",
            }}}},
        })

    async def _readable(request: Request) -> dict[str, Any]:
        principal = await authenticate(request, mutation=False)
        team_id = _team(request, principal)
        await in_thread(runtime.predictions.check_caller, principal, team_id)
        try:
            return await in_thread(runtime.predictions.deployment, team_id, request.path_params["name"])
        except DeploymentNotFound as error:
            raise _with_team_hint(error, principal) from None

    return [
        Route("/v1/models/{name}:predict", predict, methods=["POST"]),
        Route("/v1/models/{name}/versions/{version}:predict", predict, methods=["POST"]),
        Route("/v1/models/{name}/metadata", metadata, methods=["GET"]),
        Route("/v1/models/{name}/versions/{version}/metadata", metadata, methods=["GET"]),
        Route("/v1/models/{name}", status, methods=["GET"]),
        Route("/v1/models/{name}/versions/{version}", status, methods=["GET"]),
    ]


def _team(request: Request, principal: Principal) -> uuid.UUID:
    given = request.query_params.get("team")
    if given is None:
        if principal.token_team is None:
            raise InvalidInput("team is missing: call with a team's API token, or add ?team=<team id>.", field="team", value=None)
        return principal.token_team
    try:
        return uuid.UUID(given)
    except ValueError:
        raise InvalidInput(f"team {given[:40]!r} is not a valid team id.", field="team", value=given[:40]) from None


def _with_team_hint(error: DeploymentNotFound, principal: Principal) -> NotFound:
    """Add how to address another team's deployment, which depends on the teams the caller may reach."""
    if principal.reachable_team is not None:
        hint = (f"This API token can call only the deployments of team {error.team_name!r}; for another team's deployment, "
                "use a token issued in that team.")
    else:
        hint = "To call a deployment of another team, set ?team= to that team's id."
    return NotFound(f"{error.message} {hint}", field=error.field, value=error.value)


def _version(request: Request) -> int | None:
    given = request.path_params.get("version")
    if given is None:
        return None
    # str.isdigit accepts digits such as "²" that int() rejects, and int() rejects more than 4300 digits.
    if not (given.isascii() and given.isdigit()) or len(given) > 18 or int(given) < 1:
        raise InvalidInput(f"version {given[:40]!r} is invalid: it must be a version number from 1.", field="version",
                           value=given[:40])
    return int(given)


async def _body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"The request body has {declared} bytes; the limit is {limit} bytes (MODELCLOUD_MAX_REQUEST_BYTES).",
                              field="body", value=int(declared))
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"The request body has more than {limit} bytes; the limit is {limit} bytes "
                                  "(MODELCLOUD_MAX_REQUEST_BYTES).", field="body", value=size)
        chunks.append(chunk)
    return b"".join(chunks)


def _raw_inputs(transform: Any) -> dict[str, Any]:
    """Describe the raw columns a model trained on transformed data takes, one value per row each."""
    types = {"integer": "DT_INT64", "float": "DT_DOUBLE", "string": "DT_STRING", "boolean": "DT_BOOL", "date": "DT_STRING",
             "datetime": "DT_STRING"}
    return {column.name: {"dtype": types.get(column.type, "DT_STRING"), "tensor_shape": {"dim": [{"size": "-1"}]},
                          "name": column.name} for column in transform.raw_columns}


def _tensor_info(spec: dict[str, Any]) -> dict[str, Any]:
    dims = [{"size": "-1" if size is None else str(size)} for size in spec.get("shape") or []]
    return {"dtype": TENSORFLOW_TYPES.get(str(spec.get("dtype")), "DT_INVALID"), "tensor_shape": {"dim": dims},
            "name": spec["name"]}
