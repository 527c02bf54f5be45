"""The ModelCloud server's public API as the client uses it: GraphQL at /graphql and file uploads at /v1/uploads."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path
from typing import Any

import httpx

from modelcloud import __version__
from modelcloud.errors import ApiError, ServerUnavailable

# Statuses after which the same request may succeed: rate limiting and server-side failures.
TRANSIENT_STATUSES = frozenset({429, 500, 502, 503, 504})
# A server fault (a GraphQL resolver that crashed) may be a passing one, such as a database restart.
TRANSIENT_CODES = frozenset({"INTERNAL_SERVER_ERROR"})
TEAM_PAGE = 500

CREATE_RUN = """
mutation createRun($input: CreateRunInput!) {
  createRun(input: $input) { id name status teamId }
}"""

LOG_METRICS = """
mutation logMetrics($input: LogMetricsInput!) {
  logMetrics(input: $input) { accepted alreadyStored rejected { index name step reason } }
}"""

LOG_PARAMS = """
mutation logParams($input: LogParamsInput!) {
  logParams(input: $input) { id }
}"""

LOG_HISTOGRAMS = """
mutation logHistograms($input: LogHistogramsInput!) {
  logHistograms(input: $input) { id }
}"""

FINISH_RUN = """
mutation finishRun($input: FinishRunInput!) {
  finishRun(input: $input) { id status }
}"""

REGISTER_RUN_MODEL = """
mutation registerRunModel($input: RegisterRunModelInput!) {
  registerRunModel(input: $input) { id number modelId }
}"""

REGISTER_MODEL = """
mutation registerModel($input: RegisterModelInput!) {
  registerModel(input: $input) { id name }
}"""

TEAMS = """
query teams($first: Int!, $after: String) {
  teams(first: $first, after: $after) { nodes { id name } pageInfo { hasNextPage endCursor } }
}"""

MODELS = """
query models($teamId: ID!, $name: String!, $first: Int!, $after: String) {
  models(teamId: $teamId, filter: {nameContains: $name, archived: null}, first: $first, after: $after) {
    nodes { id name archived } pageInfo { hasNextPage endCursor }
  }
}"""


def base_url(url: str) -> str:
    """Return the server's root URL: without a trailing slash or a trailing /graphql."""
    root = url.strip().rstrip("/")
    if root.endswith("/graphql"):
        root = root[: -len("/graphql")]
    if not root.startswith(("http://", "https://")):
        raise ValueError(f"invalid server URL {url!r}: it must start with http:// or https://, e.g. http://127.0.0.1:8000")
    return root


class ApiClient:
    """A connection to one ModelCloud server with one API token; safe to share between threads.

    Every method raises `ServerUnavailable` when sending again may help and `ApiError` when
    the server rejected the request.
    """

    def __init__(self, url: str, token: str | None, timeout: float = 30.0, transport: httpx.BaseTransport | None = None) -> None:
        self.url = base_url(url)
        headers = {"User-Agent": f"modelcloud-sdk/{__version__}"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self.http = httpx.Client(
            base_url=self.url, headers=headers, timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)), transport=transport
        )

    def close(self) -> None:
        self.http.close()

    def execute(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """Send one GraphQL operation and return its `data`."""
        # allow_nan=False: JSON has no NaN, so a NaN here is a bug of this package, not something to send.
        body_text = json.dumps({"query": query, "variables": variables or {}}, allow_nan=False, separators=(",", ":"))
        try:
            response = self.http.post("/graphql", content=body_text.encode(), headers={"Content-Type": "application/json"})
        except httpx.TransportError as error:
            raise _unavailable(error) from error
        body = _json_body(response)

        errors = body.get("errors") if isinstance(body, dict) else None
        if errors:
            raise _api_error(errors[0], response.status_code)
        if response.status_code in TRANSIENT_STATUSES:
            raise ServerUnavailable(f"the server returned HTTP {response.status_code} for /graphql")
        if response.status_code >= 400 or not isinstance(body, dict) or not isinstance(body.get("data"), dict):
            raise ApiError(f"the server returned HTTP {response.status_code} without GraphQL data", f"HTTP_{response.status_code}")
        return body["data"]

    def upload(self, path: str | os.PathLike[str], team_id: str) -> dict[str, Any]:
        """Stream a file to /v1/uploads and return `{uploadId, sha256, size}`."""
        file_path = Path(path)
        try:
            with file_path.open("rb") as file:
                response = self.http.post(
                    "/v1/uploads",
                    params={"team": team_id},
                    content=file,
                    headers={"X-Filename": file_path.name, "Content-Type": "application/octet-stream"},
                )
        except httpx.TransportError as error:
            raise _unavailable(error) from error
        body = _json_body(response)

        if response.status_code in TRANSIENT_STATUSES:
            raise ServerUnavailable(f"the server returned HTTP {response.status_code} for /v1/uploads")
        if response.status_code != 201:
            error = body.get("error") if isinstance(body, dict) else None
            raise _api_error(error if isinstance(error, dict) else {}, response.status_code, "/v1/uploads")
        return body

    def create_run(self, variables: dict[str, Any]) -> dict[str, Any]:
        return self.execute(CREATE_RUN, {"input": variables})["createRun"]

    def log_metrics(self, run_id: str, batch_id: str, points: list[dict[str, Any]]) -> dict[str, Any]:
        return self.execute(LOG_METRICS, {"input": {"runId": run_id, "batchId": batch_id, "points": points}})["logMetrics"]

    def log_params(self, run_id: str, params: dict[str, Any]) -> None:
        self.execute(LOG_PARAMS, {"input": {"runId": run_id, "params": params}})

    def log_histograms(self, run_id: str, batch_id: str, step: float, epoch: int | None, histograms: list[dict[str, Any]]) -> None:
        variables = {"runId": run_id, "batchId": batch_id, "step": step, "epoch": epoch, "histograms": histograms}
        self.execute(LOG_HISTOGRAMS, {"input": variables})

    def finish_run(self, run_id: str, status: str, reason: str | None) -> dict[str, Any]:
        return self.execute(FINISH_RUN, {"input": {"runId": run_id, "status": status, "reason": reason}})["finishRun"]

    def register_run_model(self, run_id: str, model_id: str, upload_id: str) -> dict[str, Any]:
        variables = {"runId": run_id, "modelId": model_id, "uploadId": upload_id}
        return self.execute(REGISTER_RUN_MODEL, {"input": variables})["registerRunModel"]

    def team_id(self, team: str) -> str:
        """Return the id of a team given by id or by name; a name must match exactly one team the token can read."""
        if _is_uuid(team):
            return team

        names: list[str] = []
        after: str | None = None
        while True:
            connection = self.execute(TEAMS, {"first": TEAM_PAGE, "after": after})["teams"]
            for node in connection["nodes"]:
                if node["name"] == team:
                    return str(node["id"])
                names.append(node["name"])
            if not connection["pageInfo"]["hasNextPage"]:
                break
            after = connection["pageInfo"]["endCursor"]
        readable = ", ".join(sorted(names)) or "none"
        raise ApiError(f"team {team!r} was not found; the teams this token can read are: {readable}", "NOT_FOUND", "team", team)

    def register_model(self, team_id: str, name: str) -> tuple[str, bool]:
        """Register the team's model `name`; return its id and whether this call registered it.

        When the team already has a model of that name (another client may have registered it
        in the meantime), that model's id is returned with False.
        """
        try:
            registered = self.execute(REGISTER_MODEL, {"input": {"teamId": team_id, "name": name}})["registerModel"]
        except ApiError as error:
            found = self.find_model(team_id, name) if error.code == "CONFLICT" else None
            if found is None:
                raise
            return found, False
        return str(registered["id"]), True

    def find_model(self, team_id: str, name: str) -> str | None:
        """Return the id of the team's model with exactly this name, archived or not, or None when it has none."""
        after: str | None = None
        while True:
            connection = self.execute(MODELS, {"teamId": team_id, "name": name, "first": TEAM_PAGE, "after": after})["models"]
            for node in connection["nodes"]:
                if node["name"] == name:
                    return str(node["id"])
            if not connection["pageInfo"]["hasNextPage"]:
                return None
            after = connection["pageInfo"]["endCursor"]


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def _unavailable(error: httpx.TransportError) -> ServerUnavailable:
    # Only a failed connection proves that the server never saw the request.
    request_sent = not isinstance(error, (httpx.ConnectError, httpx.ConnectTimeout))
    return ServerUnavailable(f"{type(error).__name__}: {error or 'no details'}", request_sent=request_sent)


def _json_body(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _api_error(error: dict[str, Any], status: int, endpoint: str = "/graphql") -> ApiError | ServerUnavailable:
    extensions = error.get("extensions") or {}
    code = extensions.get("code") or error.get("code") or f"HTTP_{status}"
    message = error.get("message") or f"the server returned HTTP {status} for {endpoint}"
    if code in TRANSIENT_CODES:
        return ServerUnavailable(message)
    if code == "CONFLICT" and extensions.get("field", error.get("field")) is None:
        # Write contention: the server's command lost a race with concurrent writes too often and
        # stored nothing ("conflicted with concurrent changes N times; try again"), so sending it
        # again is safe and usually succeeds.
        return ServerUnavailable(f"{code}: {message}", request_sent=False)
    return ApiError(message, str(code), extensions.get("field", error.get("field")), extensions.get("value", error.get("value")))

