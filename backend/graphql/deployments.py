"""GraphQL of deployments: create and change them, roll back, stop, call them, and follow their state."""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator
from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from backend.application.request_log import REQUEST_LOG_TOPIC, RequestLog
from backend.domain.access import Principal
from backend.domain.base import Forbidden, InvalidInput, NotFound, iso, parse_iso
from backend.domain.deployments import DEFAULT_REQUEST_LOG_SAMPLE
from backend.domain.inference import LATENCY_BUCKETS_MS
from backend.graphql.audit import AuditEntry
from backend.graphql.callers import Caller
from backend.graphql.connections import DEFAULT_PAGE, Connection, check_first, decode_position_cursor, page
from backend.graphql.context import Context, in_thread
from backend.graphql.identity import parse_id, searched_team_ids, visible_team_ids
from backend.graphql.live import subject_changes
from backend.graphql.telemetry import pushing
from backend.projections.deployments import DEPLOYMENT_TOPIC
from backend.telemetry import subscriptions_active

Row = dict[str, Any]
# Entries one requestLogAppended message carries at most.
REQUEST_LOG_PUSH_LIMIT = 100


@strawberry.enum(description=(
    "deploying until every replica of the newest revision runs (an older revision keeps serving meanwhile), healthy, "
    "degraded when replicas failed or died, or stopped."
))
class DeploymentStatus(Enum):
    DEPLOYING = "deploying"
    HEALTHY = "healthy"
    DEGRADED = "degraded"
    STOPPED = "stopped"


@strawberry.type(description="A version's share of a deployment's requests.")
class TrafficEntry:
    version: int
    version_id: strawberry.ID
    percent: int


@strawberry.type(description="A language whose texts go to one version.")
class LanguageRoute:
    language: str = strawberry.field(description="An ISO 639 code as the detector reports it, such as en or de.")
    version: int
    version_id: strawberry.ID


@strawberry.input
class LanguageRouteInput:
    language: str
    version: int


@strawberry.type
class Scaling:
    min_replicas: int
    max_replicas: int = strawberry.field(description="Above minReplicas, Ray Serve autoscales between the two.")
    target_ongoing_requests: float = strawberry.field(description="Requests per replica that autoscaling aims for.")


@strawberry.type
class Batching:
    max_batch_size: int = strawberry.field(description="1 turns batching off.")
    batch_wait_ms: float = strawberry.field(description="How long a replica waits to fill a batch.")


@strawberry.type(description="The whole configuration of one revision.")
class DeploymentConfig:
    traffic: list[TrafficEntry]
    scaling: Scaling
    cpus_per_replica: float
    batching: Batching
    request_log_sample: float = strawberry.field(description="Share of calls whose payloads go to the request log, 0 to 1.")
    languages: list[LanguageRoute] = strawberry.field(
        description="Text models by detected language; other languages follow the traffic split.")

    @classmethod
    def from_json(cls, text: str) -> DeploymentConfig:
        config = json.loads(text)
        return cls(
            traffic=[TrafficEntry(version=e["version"], version_id=strawberry.ID(e["versionId"]), percent=e["percent"])
                     for e in config["traffic"]],
            scaling=Scaling(min_replicas=config["scaling"]["minReplicas"], max_replicas=config["scaling"]["maxReplicas"],
                            target_ongoing_requests=config["scaling"]["targetOngoingRequests"]),
            cpus_per_replica=config["cpusPerReplica"],
            batching=Batching(max_batch_size=config["batching"]["maxBatchSize"], batch_wait_ms=config["batching"]["batchWaitMs"]),
            request_log_sample=config.get("requestLogSample", DEFAULT_REQUEST_LOG_SAMPLE),
            languages=[LanguageRoute(language=route["language"], version=route["version"], version_id=strawberry.ID(route["versionId"]))
                       for route in config.get("languages") or []],
        )


@strawberry.type(description="One revision of a deployment's configuration and the action that made it.")
class DeploymentRevision:
    revision: int
    action: str = strawberry.field(description=(
        "created, trafficShifted, scaled (replicas or CPUs), batchingChanged, requestLogSampleChanged, languagesChanged, "
        "reconfigured (several kinds of settings), rolledBack, started or stopped."
    ))
    config: DeploymentConfig
    restored_revision: int | None
    created_by: str
    created_at: datetime
    activated_at: datetime | None = strawberry.field(description="When all of its replicas ran and traffic moved to it.")


@strawberry.type(description="A named endpoint serving versions of one model: POST /v1/models/{name}:predict.")
class Deployment:
    id: strawberry.ID
    team_id: strawberry.ID
    model_id: strawberry.ID
    name: str
    status: DeploymentStatus
    revision: int
    config: DeploymentConfig = strawberry.field(description="The newest revision's configuration.")
    active_revision: int | None = strawberry.field(description="The revision the prediction API routes to.")
    active_config: DeploymentConfig | None
    replicas: int | None = strawberry.field(description="Running replicas when the active revision became healthy.")
    health_reason: str | None
    created_by: str
    created_at: datetime
    updated_at: datetime

    @strawberry.field(description="The REST path of its predictions.")
    def endpoint(self) -> str:
        return f"/v1/models/{self.name}:predict"

    @classmethod
    def from_row(cls, row: Row) -> Deployment:
        return cls(
            id=strawberry.ID(row["deployment_id"]), team_id=strawberry.ID(row["team_id"]), model_id=strawberry.ID(row["model_id"]),
            name=row["name"], status=DeploymentStatus(row["status"]), revision=int(row["revision"]),
            config=DeploymentConfig.from_json(row["config"]), active_revision=row["active_revision"],
            active_config=DeploymentConfig.from_json(row["active_config"]) if row["active_config"] else None,
            replicas=row["replicas"], health_reason=row["health_reason"], created_by=row["created_by"],
            created_at=parse_iso(row["created_at"]),  # type: ignore[arg-type]
            updated_at=parse_iso(row["updated_at"]),  # type: ignore[arg-type]
        )

    @strawberry.field(description="Inference windows that ended in [since, until), oldest first.")
    async def windows(self, info: Info[Context, None], since: datetime | None = None, until: datetime | None = None,
                      first: int = 500) -> list[InferenceWindow]:
        check_first(first)
        rows = await in_thread(info.context.runtime.readers.deployments.windows, str(self.id), iso(since), iso(until), first)
        return [InferenceWindow.from_row(row) for row in rows]

    @strawberry.field(description="Requests per caller over the windows that ended in [since, until), most first.")
    async def callers(self, info: Info[Context, None], since: datetime | None = None, until: datetime | None = None
                      ) -> list[CallerCount]:
        rows = await in_thread(info.context.runtime.readers.deployments.windows, str(self.id), iso(since), iso(until), 100_000)
        totals: dict[str, int] = {}
        for row in rows:
            for caller, count in json.loads(row["callers"]).items():
                totals[caller] = totals.get(caller, 0) + int(count)
        return [CallerCount(caller=caller, requests=count) for caller, count in sorted(totals.items(), key=lambda item: -item[1])]

    @strawberry.field(description="Sampled calls with their payloads, newest first (see requestLogSample).")
    async def request_log(self, info: Info[Context, None], first: int = DEFAULT_PAGE, after: str | None = None
                          ) -> Connection[RequestLogEntry]:
        check_first(first)
        rows = await in_thread(info.context.runtime.request_log.entries, str(self.id), decode_position_cursor("requestLog", after),
                               first + 1)
        return page(rows, first, "requestLog", lambda row: row["entry_id"], RequestLogEntry.from_row, has_previous=after is not None)

    @strawberry.field(description="The revisions, newest first.")
    async def revisions(self, info: Info[Context, None], first: int = DEFAULT_PAGE, after: str | None = None
                        ) -> Connection[DeploymentRevision]:
        check_first(first)
        rows = await in_thread(info.context.runtime.readers.deployments.revisions, str(self.id),
                               decode_position_cursor("revisions", after), first + 1)
        return page(rows, first, "revisions", lambda row: row["revision"], _revision, has_previous=after is not None)


@strawberry.type(description="A caller's share of a deployment's requests.")
class CallerCount(Caller):
    requests: int


@strawberry.type(description="A version's share of the requests in a window.")
class VersionCount:
    version: int
    requests: int


@strawberry.type(description="What one API process served for a deployment during one interval.")
class InferenceWindow:
    started_at: datetime
    ended_at: datetime
    process: str
    requests: int
    rows: int
    errors: int = strawberry.field(description="Requests the model or the serving layer failed.")
    client_errors: int = strawberry.field(description="Requests rejected before the model ran, such as a wrong shape.")
    latency_buckets_ms: list[float] = strawberry.field(description="Upper bounds of the latency histogram's buckets.")
    latency_counts: list[int] = strawberry.field(description="Requests per bucket; the last bucket has no upper bound.")
    mean_latency_ms: float | None
    p50_latency_ms: float | None = strawberry.field(description="Upper bound of the bucket holding the median (an estimate).")
    p99_latency_ms: float | None = strawberry.field(description="Upper bound of the bucket holding the 99th percentile.")
    callers: list[CallerCount]
    versions: list[VersionCount]

    @classmethod
    def from_row(cls, row: Row) -> InferenceWindow:
        counts = json.loads(row["latency_buckets"])
        requests = int(row["requests"])
        callers = json.loads(row["callers"])
        return cls(
            started_at=parse_iso(row["started_at"]),  # type: ignore[arg-type]
            ended_at=parse_iso(row["ended_at"]),  # type: ignore[arg-type]
            process=row["process"], requests=requests, rows=int(row["rows_predicted"]), errors=int(row["errors"]),
            client_errors=int(row["client_errors"]), latency_buckets_ms=[float(bound) for bound in LATENCY_BUCKETS_MS],
            latency_counts=counts, mean_latency_ms=float(row["latency_sum_ms"]) / requests if requests else None,
            p50_latency_ms=_percentile(counts, 0.5), p99_latency_ms=_percentile(counts, 0.99),
            callers=[CallerCount(caller=name, requests=count) for name, count in sorted(callers.items(), key=lambda item: -item[1])],
            versions=[VersionCount(version=int(number), requests=count) for number, count in sorted(json.loads(row["versions"]).items())],
        )


@strawberry.type(description="A sampled call: its first rows, the outputs returned, who called and which version served it.")
class RequestLogEntry(Caller):
    entry_id: int
    logged_at: datetime
    version: int
    rows: int = strawberry.field(description="Rows of the request; at most the first 100 are kept in inputs.")
    latency_ms: float
    inputs: JSON
    outputs: JSON

    @classmethod
    def from_row(cls, row: Row) -> RequestLogEntry:
        return cls(
            entry_id=int(row["entry_id"]), logged_at=parse_iso(row["logged_at"]),  # type: ignore[arg-type]
            version=int(row["version"]), caller=row["caller"], rows=int(row["rows_predicted"]),
            latency_ms=float(row["latency_ms"]), inputs=json.loads(row["inputs"]), outputs=json.loads(row["outputs"]),
        )


def _percentile(counts: list[int], share: float) -> float | None:
    total = sum(counts)
    if not total:
        return None
    seen = 0
    for index, count in enumerate(counts):
        seen += count
        if seen >= share * total:
            return float(LATENCY_BUCKETS_MS[index]) if index < len(LATENCY_BUCKETS_MS) else None
    return None


def _revision(row: Row) -> DeploymentRevision:
    return DeploymentRevision(
        revision=int(row["revision"]), action=row["action"], config=DeploymentConfig.from_json(row["config"]),
        restored_revision=row["restored_revision"], created_by=row["actor"],
        created_at=parse_iso(row["created_at"]),  # type: ignore[arg-type]
        activated_at=parse_iso(row["activated_at"]),
    )


@strawberry.input
class TrafficInput:
    version: int
    percent: int = strawberry.field(description="Whole percent; all entries sum to 100.")


@strawberry.input
class ScalingInput:
    min_replicas: int | None = None
    max_replicas: int | None = None
    target_ongoing_requests: float | None = None


@strawberry.input
class BatchingInput:
    max_batch_size: int | None = None
    batch_wait_ms: float | None = None


@strawberry.input
class CreateDeploymentInput:
    model_id: strawberry.ID
    name: str = strawberry.field(description="Unique in the team; lowercase letters, digits and '-'.")
    traffic: list[TrafficInput] | None = strawberry.field(
        default=None, description=(
            "Null serves the version the production alias points at now, or else the newest version; the deployment keeps "
            "that version when the alias moves later."))
    scaling: ScalingInput | None = None
    batching: BatchingInput | None = None
    cpus_per_replica: float | None = strawberry.field(default=None, description="Fractions allowed; 0.25 by default.")
    request_log_sample: float | None = strawberry.field(default=None, description="Share of calls logged with payloads; 0.1 by default.")
    languages: list[LanguageRouteInput] | None = strawberry.field(
        default=None, description="Route text requests by detected language; the traffic split serves the other languages.")


@strawberry.input(description="Only the parts given change.")
class UpdateDeploymentInput:
    traffic: list[TrafficInput] | None = None
    scaling: ScalingInput | None = None
    batching: BatchingInput | None = None
    cpus_per_replica: float | None = None
    request_log_sample: float | None = None
    languages: list[LanguageRouteInput] | None = strawberry.field(default=None, description="An empty list turns routing off.")


@strawberry.input
class PredictInput:
    deployment_id: strawberry.ID
    version: int | None = strawberry.field(default=None, description="A version of the active traffic; null follows the split.")
    instances: JSON | None = strawberry.field(default=None, description="Row format, as TensorFlow Serving's REST API takes it.")
    inputs: JSON | None = strawberry.field(default=None, description="Columnar format.")


@strawberry.type(description="What the model returned, in TensorFlow Serving's shape, and which version served it.")
class PredictResult:
    predictions: JSON | None
    outputs: JSON | None
    version: int
    rows: int


@strawberry.type(description="A deployment's current state and the change that brought it.")
class DeploymentUpdate:
    deployment: Deployment
    change: AuditEntry | None


@strawberry.type(description="Entries written to a deployment's request log since the previous message.")
class RequestLogAppended:
    deployment_id: strawberry.ID
    entries: list[RequestLogEntry] = strawberry.field(description=f"Newest first, at most {REQUEST_LOG_PUSH_LIMIT}.")
    has_gap: bool = strawberry.field(description=(
        f"True when more than {REQUEST_LOG_PUSH_LIMIT} entries were written since the previous message, so older new "
        "entries are left out; read requestLog again to see them."))


def _settings(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    names = {"min_replicas": "minReplicas", "max_replicas": "maxReplicas", "target_ongoing_requests": "targetOngoingRequests",
             "max_batch_size": "maxBatchSize", "batch_wait_ms": "batchWaitMs"}
    return {names[key]: item for key, item in vars(value).items() if item is not None}


def _routes(value: list[LanguageRouteInput] | None) -> list[dict[str, Any]] | None:
    return None if value is None else [{"language": entry.language, "version": entry.version} for entry in value]


def _traffic(value: list[TrafficInput] | None) -> list[dict[str, Any]] | None:
    return None if value is None else [{"version": entry.version, "percent": entry.percent} for entry in value]


async def readable_deployment(info: Info[Context, None], deployment_id: str, field: str = "id") -> Row:
    parsed = parse_id(field, deployment_id)
    row = await in_thread(info.context.runtime.readers.deployments.deployment, str(parsed))
    visible = await visible_team_ids(info)
    if row is None or (visible is not None and row["team_id"] not in visible):
        raise NotFound(f"Deployment {deployment_id} was not found among your teams' deployments.", field=field, value=deployment_id)
    return row


async def _callable_deployment(info: Info[Context, None], principal: Principal, deployment_id: str) -> Row:
    """Return the deployment a caller may call: a token needs only the predict scope, not read, as over REST."""
    principal.require_scope("predict", "Calling a deployment")
    row = await in_thread(info.context.runtime.readers.deployments.deployment, str(parse_id("deploymentId", deployment_id)))
    try:
        if row is None:
            raise NotFound("no such deployment")
        await in_thread(info.context.runtime.predictions.check_caller, principal, parse_id("teamId", row["team_id"]))
    except (NotFound, Forbidden):
        raise NotFound(f"Deployment {deployment_id} was not found among your teams' deployments.", field="deploymentId",
                       value=deployment_id) from None
    return row


async def _current(info: Info[Context, None], deployment_id: str, outcome: Any) -> Deployment:
    await info.context.settle(outcome)
    return Deployment.from_row(await readable_deployment(info, deployment_id))


@strawberry.type
class DeploymentsQuery:
    @strawberry.field(description="Deployments of your teams, newest first.")
    async def deployments(
        self, info: Info[Context, None], team_id: strawberry.ID | None = None, model_id: strawberry.ID | None = None,
        status: list[DeploymentStatus] | None = None, first: int = DEFAULT_PAGE, after: str | None = None,
    ) -> Connection[Deployment]:
        check_first(first)
        teams = await searched_team_ids(info, team_id)
        model = None if model_id is None else str(parse_id("modelId", model_id))
        rows = await in_thread(lambda: info.context.runtime.readers.deployments.search(
            teams, model_id=model, statuses=[item.value for item in status] if status else None,
            before=decode_position_cursor("deployments", after), limit=first + 1))
        return page(rows, first, "deployments", lambda row: row["created_position"], Deployment.from_row,
                    has_previous=after is not None)

    @strawberry.field(description="A deployment by id, or by name within a team.")
    async def deployment(self, info: Info[Context, None], id: strawberry.ID | None = None,  # noqa: A002
                         team_id: strawberry.ID | None = None, name: str | None = None) -> Deployment:
        if id is not None:
            return Deployment.from_row(await readable_deployment(info, id))
        if team_id is None or name is None:
            raise InvalidInput("Give the deployment's id, or its teamId and name.", field="id", value=None)
        team = parse_id("teamId", team_id)
        row = await in_thread(info.context.runtime.readers.deployments.by_name, str(team), name)
        visible = await visible_team_ids(info)
        if row is None or (visible is not None and row["team_id"] not in visible):
            raise NotFound(f"The team has no deployment named {name[:63]!r}.", field="name", value=name[:63])
        return Deployment.from_row(row)


@strawberry.type
class DeploymentsMutation:
    @strawberry.mutation(description="Deploy versions of a model on Ray Serve under a name; editors and admins may.")
    async def create_deployment(self, info: Info[Context, None], input: CreateDeploymentInput) -> Deployment:  # noqa: A002
        principal = await info.context.writer()
        model_id = parse_id("modelId", input.model_id)
        service = info.context.runtime.deployments
        deployment_id, outcome = await in_thread(lambda: service.create(
            principal, info.context.cause(principal), model_id=model_id, name=input.name, traffic=_traffic(input.traffic),
            scaling=_settings(input.scaling), batching=_settings(input.batching), cpus_per_replica=input.cpus_per_replica,
            request_log_sample=input.request_log_sample, languages=_routes(input.languages),
        ))
        return await _current(info, str(deployment_id), outcome)

    @strawberry.mutation(description="Change traffic, scaling or batching as a new revision; traffic moves once its replicas run.")
    async def update_deployment(self, info: Info[Context, None], id: strawberry.ID,  # noqa: A002
                                input: UpdateDeploymentInput) -> Deployment:  # noqa: A002
        principal = await info.context.writer()
        deployment_id = parse_id("id", id)
        service = info.context.runtime.deployments
        outcome = await in_thread(lambda: service.update(
            principal, info.context.cause(principal), deployment_id=deployment_id, traffic=_traffic(input.traffic),
            scaling=_settings(input.scaling), batching=_settings(input.batching), cpus_per_replica=input.cpus_per_replica,
            request_log_sample=input.request_log_sample, languages=_routes(input.languages),
        ))
        return await _current(info, str(deployment_id), outcome)

    @strawberry.mutation(description="Restore the previous revision's configuration as a new revision.")
    async def rollback_deployment(self, info: Info[Context, None], id: strawberry.ID) -> Deployment:  # noqa: A002
        principal = await info.context.writer()
        deployment_id = parse_id("id", id)
        service = info.context.runtime.deployments
        outcome = await in_thread(lambda: service.roll_back(principal, info.context.cause(principal), deployment_id=deployment_id))
        return await _current(info, str(deployment_id), outcome)

    @strawberry.mutation(description="Stop serving and remove the replicas; the name stays reserved.")
    async def stop_deployment(self, info: Info[Context, None], id: strawberry.ID) -> Deployment:  # noqa: A002
        principal = await info.context.writer()
        deployment_id = parse_id("id", id)
        service = info.context.runtime.deployments
        outcome = await in_thread(lambda: service.stop(principal, info.context.cause(principal), deployment_id=deployment_id))
        return await _current(info, str(deployment_id), outcome)

    @strawberry.mutation(description="Serve a stopped deployment's newest revision again.")
    async def start_deployment(self, info: Info[Context, None], id: strawberry.ID) -> Deployment:  # noqa: A002
        principal = await info.context.writer()
        deployment_id = parse_id("id", id)
        service = info.context.runtime.deployments
        outcome = await in_thread(lambda: service.start(principal, info.context.cause(principal), deployment_id=deployment_id))
        return await _current(info, str(deployment_id), outcome)

    @strawberry.mutation(description="Call a deployment with a small payload; larger ones go to POST /v1/models/{name}:predict.")
    async def predict(self, info: Info[Context, None], input: PredictInput) -> PredictResult:  # noqa: A002
        principal = await info.context.writer()
        row = await _callable_deployment(info, principal, input.deployment_id)
        given = {key: value for key, value in (("instances", input.instances), ("inputs", input.inputs)) if value is not None}
        prediction = await info.context.runtime.predictions.predict(
            principal, parse_id("teamId", row["team_id"]), row["name"], given, version=input.version,
        )
        return PredictResult(predictions=prediction.body.get("predictions"), outputs=prediction.body.get("outputs"),
                             version=prediction.version, rows=prediction.rows)


@strawberry.type
class DeploymentsSubscription:
    @strawberry.subscription(description="The deployment's state at once (with change null), then on every revision and health change.")
    async def deployment_updated(self, info: Info[Context, None], id: strawberry.ID  # noqa: A002
                                 ) -> AsyncGenerator[DeploymentUpdate, None]:
        row = await readable_deployment(info, id)
        async for change, entry in subject_changes(info, DEPLOYMENT_TOPIC, row["deployment_id"]):
            current = row if change is None else await readable_deployment(info, id)
            yield DeploymentUpdate(deployment=Deployment.from_row(current), change=entry)

    @strawberry.subscription(description=(
        "Sampled calls as they are written to the deployment's request log. The first message comes once subscribed, "
        "with the entries numbered above `after` (none when `after` is null), then one message for each batch written."
    ))
    async def request_log_appended(self, info: Info[Context, None], deployment_id: strawberry.ID,
                                   after: int | None = None) -> AsyncGenerator[RequestLogAppended, None]:
        row = await readable_deployment(info, deployment_id, "deploymentId")
        subject = row["deployment_id"]
        request_log = info.context.runtime.request_log
        subscriptions_active.inc()
        try:
            async with info.context.runtime.broker.subscribe(lambda name: name == REQUEST_LOG_TOPIC) as changes:
                newest = after if after is not None else await in_thread(request_log.newest_id, subject)
                first, newest = await _appended(subject, request_log, newest)
                yield first
                async for change in changes:
                    if change.keys.get("id") != subject or int(change.keys.get("entryId", 0)) <= newest:
                        continue
                    with pushing(info, [change]):
                        await info.context.authenticate()
                        message, newest = await _appended(subject, request_log, newest)
                        if message.entries:
                            yield message
        finally:
            subscriptions_active.dec()


async def _appended(deployment_id: str, request_log: RequestLog, after: int) -> tuple[RequestLogAppended, int]:
    """Return the message with the entries numbered above `after`, and the newest entry id it covers."""
    rows = await in_thread(request_log.newer, deployment_id, after, REQUEST_LOG_PUSH_LIMIT + 1)
    sent = rows[:REQUEST_LOG_PUSH_LIMIT]
    newest = max([after, *(int(row["entry_id"]) for row in sent)])
    message = RequestLogAppended(deployment_id=strawberry.ID(deployment_id), entries=[RequestLogEntry.from_row(row) for row in sent],
                                 has_gap=len(rows) > REQUEST_LOG_PUSH_LIMIT)
    return message, newest
