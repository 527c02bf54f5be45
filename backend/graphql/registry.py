"""GraphQL of the model registry: search, models, versions, aliases, history and time travel."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncGenerator
from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry.types import Info

from backend.domain.base import InvalidInput, NotFound, iso, parse_iso
from backend.graphql.audit import AuditEntry, utc
from backend.graphql.connections import DEFAULT_PAGE, Connection, check_first, decode_cursor, name_cursor, page
from backend.graphql.context import Context, in_thread
from backend.graphql.evaluation_comparison import EvaluationDiff, evaluation_diff
from backend.graphql.live import subject_changes
from backend.graphql.identity import parse_id, searched_team_ids, visible_team_ids
from backend.projections.registry import MODEL_TOPIC, ModelFilter

Row = dict[str, Any]


@strawberry.enum(description="What a model predicts.")
class ModelTask(Enum):
    CLASSIFICATION = "classification"
    REGRESSION = "regression"
    TEXT = "text"
    OTHER = "other"


@strawberry.enum(description="Sort order of a model search; ties are broken by id so pages never overlap.")
class ModelOrder(Enum):
    NAME = "name"
    CREATED = "created"
    UPDATED = "updated"


@strawberry.enum(description="How an uploaded model is packed, when its file name does not say.")
class ModelFileFormat(Enum):
    KERAS = "keras"
    SAVEDMODEL_ZIP = "savedmodel_zip"
    SAVEDMODEL_TAR = "savedmodel_tar"


@strawberry.type
class Tag:
    key: str
    value: str


@strawberry.input
class TagInput:
    key: str
    value: str


def tags_of(mapping: dict[str, str]) -> list[Tag]:
    return [Tag(key=key, value=value) for key, value in sorted(mapping.items())]


def tag_dict(tags: list[TagInput] | None, field: str = "tags") -> dict[str, str] | None:
    if tags is None:
        return None
    found: dict[str, str] = {}
    for tag in tags:
        if tag.key in found:
            raise InvalidInput(f"{field} names key {tag.key[:40]!r} twice; give each key once.", field=f"{field}.key", value=tag.key[:40])
        found[tag.key] = tag.value
    return found


@strawberry.type(description="A named input or output tensor; a null dimension is the batch or any size.")
class TensorSpec:
    name: str
    shape: list[int | None]
    dtype: str


@strawberry.type
class Signature:
    inputs: list[TensorSpec]
    outputs: list[TensorSpec]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Signature:
        return cls(
            inputs=[TensorSpec(name=spec["name"], shape=spec["shape"], dtype=spec["dtype"]) for spec in data.get("inputs", [])],
            outputs=[TensorSpec(name=spec["name"], shape=spec["shape"], dtype=spec["dtype"]) for spec in data.get("outputs", [])],
        )


@strawberry.type(description="A layer of a Keras model, for the structure diagram.")
class LayerInfo:
    name: str
    class_name: str
    output_shape: list[int | None] | None
    parameters: int
    trainable: bool = strawberry.field(
        description="Whether training updates any of the layer's parameters: false for a layer without parameters and for "
        "one whose parameters are all non-trainable, such as Normalization, even where Keras marks the layer trainable."
    )
    trainable_parameters: int | None = strawberry.field(
        description="How many of the layer's parameters training updates; null for models inspected before this was recorded."
    )

    @classmethod
    def from_report(cls, layer: dict[str, Any]) -> LayerInfo:
        # Reports made before the per-layer count was recorded have only Keras' flag.
        trainable_parameters = layer.get("trainableParameters")
        trainable = bool(layer["trainable"])
        if trainable_parameters is not None:
            trainable = trainable and trainable_parameters > 0
        return cls(
            name=layer["name"], class_name=layer["className"], output_shape=layer["outputShape"],
            parameters=int(layer["parameters"]), trainable=trainable, trainable_parameters=trainable_parameters,
        )


@strawberry.type(description="A connection in the layer graph: source feeds target.")
class LayerEdge:
    source: str
    target: str


@strawberry.type(description="Counts of finite values in equal-width bins; edges has one more entry than counts.")
class Histogram:
    edges: list[float]
    counts: list[int]


@strawberry.type(description="Statistics of one weight tensor; NaN and infinities are counted apart and left out of the rest.")
class WeightStatistics:
    name: str
    shape: list[int]
    count: int
    nan_count: int
    inf_count: int
    mean: float | None
    std: float | None
    min: float | None
    max: float | None
    histogram: Histogram | None


@strawberry.type(description="What the inspection worker found in the file. A SavedModel has signatures and variables but no layer graph.")
class Inspection:
    model_class: str
    signature: Signature
    trainable_parameters: int
    non_trainable_parameters: int
    layers: list[LayerInfo]
    edges: list[LayerEdge]
    weights: list[WeightStatistics]

    @classmethod
    def from_report(cls, report: dict[str, Any]) -> Inspection:
        return cls(
            model_class=report["modelClass"],
            signature=Signature.from_dict(report["signature"]),
            trainable_parameters=int(report["trainableParameters"]),
            non_trainable_parameters=int(report["nonTrainableParameters"]),
            layers=[LayerInfo.from_report(layer) for layer in report["layers"]],
            edges=[LayerEdge(source=edge["source"], target=edge["target"]) for edge in report["edges"]],
            weights=[
                WeightStatistics(
                    name=weight["name"], shape=weight["shape"], count=weight["count"], nan_count=weight["nanCount"],
                    inf_count=weight["infCount"], mean=weight["mean"], std=weight["std"], min=weight["min"], max=weight["max"],
                    histogram=Histogram(edges=weight["histogram"]["edges"], counts=weight["histogram"]["counts"]) if weight["histogram"] else None,
                )
                for weight in report["weights"]
            ],
        )


@strawberry.type(description="One uploaded artifact of a model.")
class ModelVersion:
    id: strawberry.ID
    model_id: strawberry.ID
    number: int
    sha256: str
    size: int = strawberry.field(description="Bytes of the uploaded file.")
    format: str = strawberry.field(description="keras or savedmodel.")
    filename: str
    source: str = strawberry.field(description="upload, or training for versions a run registered.")
    status: str = strawberry.field(description="pending until a worker has inspected the file, then ready or failed.")
    failure_reason: str | None = strawberry.field(description="Why inspection failed, when it did.")
    status_reason: str | None = strawberry.field(description="Why the version is expired or broken, when it is.")
    last_used_at: datetime | None = strawberry.field(description="Last upload, download or restore; retention counts from here.")
    trainable_parameters: int | None
    non_trainable_parameters: int | None
    layer_count: int | None
    signature: Signature | None
    report_sha256: strawberry.Private[str | None]
    duplicate_of_id: strawberry.ID | None = strawberry.field(description="The version that first had these bytes, if any.")
    lineage: list[Tag]
    created_by: str
    created_at: datetime

    @classmethod
    def from_row(cls, row: Row) -> ModelVersion:
        return cls(
            id=strawberry.ID(row["version_id"]),
            model_id=strawberry.ID(row["model_id"]),
            number=int(row["number"]),
            sha256=row["sha256"],
            size=int(row["size"]),
            format=row["format"],
            filename=row["filename"],
            source=row["source"],
            status=row["status"],
            failure_reason=row["failure_reason"],
            status_reason=row["status_reason"],
            last_used_at=parse_iso(row["last_used_at"]),
            trainable_parameters=row["trainable_parameters"],
            non_trainable_parameters=row["non_trainable_parameters"],
            layer_count=row["layer_count"],
            signature=Signature.from_dict(json.loads(row["signature"])) if row["signature"] else None,
            report_sha256=row["report_sha256"],
            duplicate_of_id=strawberry.ID(row["duplicate_of"]) if row["duplicate_of"] else None,
            lineage=tags_of(json.loads(row["lineage"])),
            created_by=row["created_by"],
            created_at=parse_iso(row["created_at"]),  # type: ignore[arg-type]
        )

    @strawberry.field(description="Where to download the artifact with the same credentials.")
    def download_path(self) -> str:
        return f"/v1/model-versions/{self.id}/artifact"

    @strawberry.field(description="The whole inspection: layers, graph and weight statistics; null until inspected.")
    async def inspection(self, info: Info[Context, None]) -> Inspection | None:
        if self.report_sha256 is None:
            return None
        report = await in_thread(info.context.runtime.registry.inspection_report, self.report_sha256)
        return Inspection.from_report(report)


@strawberry.type(description="A name such as production that points at one version of a model.")
class ModelAlias:
    alias: str
    version_number: int
    moved_at: datetime | None = strawberry.field(description="Null when read from a past state (asOf).")
    model_id: strawberry.Private[str]

    @strawberry.field
    async def version(self, info: Info[Context, None]) -> ModelVersion | None:
        reader = info.context.runtime.readers.registry
        row = await in_thread(reader.version_by_number, self.model_id, self.version_number)
        return ModelVersion.from_row(row) if row else None


@strawberry.type(description="A registered model of a team; with asOf, as it was at that moment.")
class Model:
    id: strawberry.ID
    team_id: strawberry.ID
    name: str
    description: str
    task: ModelTask
    tags: list[Tag]
    owner_id: str
    archived: bool
    protected_aliases: list[str]
    version_count: int
    retention_days: int | None = strawberry.field(description="Versions unused this many days with no alias expire; null keeps all.")
    created_at: datetime
    updated_at: datetime
    as_of: datetime | None = strawberry.field(description="The moment this state was read at; null for the current state.")
    alias_rows: strawberry.Private[list[ModelAlias] | None] = None

    @classmethod
    def from_row(cls, row: Row) -> Model:
        return cls(
            id=strawberry.ID(row["model_id"]),
            team_id=strawberry.ID(row["team_id"]),
            name=row["name"],
            description=row["description"],
            task=ModelTask(row["task"]),
            tags=tags_of(json.loads(row["tags"])),
            owner_id=row["owner"],
            archived=bool(row["archived"]),
            protected_aliases=json.loads(row["protected_aliases"]),
            version_count=int(row["version_count"]),
            retention_days=row["retention_days"],
            created_at=parse_iso(row["created_at"]),  # type: ignore[arg-type]
            updated_at=parse_iso(row["updated_at"]),  # type: ignore[arg-type]
            as_of=None,
        )

    @classmethod
    def from_state(cls, history: Row, as_of: datetime) -> Model:
        state = json.loads(history["state"])
        model_id = history["model_id"]
        aliases = [
            ModelAlias(alias=alias, version_number=number, moved_at=None, model_id=model_id)
            for alias, number in sorted(state["aliases"].items())
        ]
        return cls(
            id=strawberry.ID(model_id),
            team_id=strawberry.ID(history["team_id"]),
            name=state["name"],
            description=state["description"],
            task=ModelTask(state["task"]),
            tags=tags_of(state["tags"]),
            owner_id=state["owner"],
            archived=state["archived"],
            protected_aliases=state["protectedAliases"],
            version_count=state["versionCount"],
            retention_days=state.get("retentionDays"),
            created_at=parse_iso(state["createdAt"]),  # type: ignore[arg-type]
            updated_at=parse_iso(state["updatedAt"]),  # type: ignore[arg-type]
            as_of=as_of,
            alias_rows=aliases,
        )

    @strawberry.field
    async def aliases(self, info: Info[Context, None]) -> list[ModelAlias]:
        if self.alias_rows is not None:
            return self.alias_rows
        reader = info.context.runtime.readers.registry
        rows = await info.context.loader("model_aliases", reader.aliases).load(str(self.id))
        return [
            ModelAlias(alias=row["alias"], version_number=int(row["number"]), moved_at=parse_iso(row["moved_at"]), model_id=str(self.id))
            for row in rows or []
        ]

    @strawberry.field(description="Versions by number; with asOf, only those that existed then.")
    async def versions(self, info: Info[Context, None], first: int = DEFAULT_PAGE, after: str | None = None) -> Connection[ModelVersion]:
        check_first(first)
        number = decode_cursor("version", after)
        after_number = int(number) if number is not None and number.isdecimal() and len(number) < 10 else None
        if number is not None and after_number is None:
            raise InvalidInput(f"after {after!r} is not a cursor of this list.", field="after", value=(after or "")[:40])
        reader = info.context.runtime.readers.registry
        rows = await in_thread(reader.versions, str(self.id), after_number, first + 1, as_of=iso(self.as_of))
        return page(rows, first, "version", lambda row: row["number"], ModelVersion.from_row, has_previous=after is not None)


@strawberry.type(description="One change of a model, with the model's whole state right after it.")
class ModelHistoryEntry:
    position: int
    occurred_at: datetime
    actor: str
    action: str
    model: Model


@strawberry.type(description="What differs between two versions.")
class FieldChange:
    field: str
    a: str | None
    b: str | None


@strawberry.type(description="Two versions side by side; the inspection fields are null until both are inspected.")
class ModelVersionComparison:
    a: ModelVersion
    b: ModelVersion
    same_bytes: bool
    size_delta: int = strawberry.field(description="Bytes of b minus bytes of a.")
    changes: list[FieldChange]
    parameter_delta: int | None = strawberry.field(description="All parameters of b minus those of a.")
    signature_changed: bool | None
    layers_added: list[str] | None = strawberry.field(description="Layer names only b has.")
    layers_removed: list[str] | None = strawberry.field(description="Layer names only a has.")
    layers_changed: list[FieldChange] | None = strawberry.field(description="Layers in both whose class, shape or parameters differ.")

    @strawberry.field(
        description=(
            "The metrics of the newest completed evaluations of a and b on the same split of the same dataset version, "
            "with b minus a, or null when no such pair exists."
        )
    )
    async def evaluation(self, info: Info[Context, None]) -> EvaluationDiff | None:
        return await evaluation_diff(info, str(self.a.id), str(self.b.id))


@strawberry.type(description="A model after a change, and the change.")
class ModelUpdate:
    model: Model
    change: AuditEntry | None


@strawberry.input
class ModelSearch:
    name_contains: str | None = strawberry.field(default=None, description="Case-insensitive part of the name.")
    tag_key: str | None = None
    tag_value: str | None = strawberry.field(default=None, description="Needs tagKey.")
    task: ModelTask | None = None
    alias: str | None = strawberry.field(default=None, description="Models that have this alias.")
    archived: bool | None = strawberry.field(default=False, description="False by default; null for both.")
    owner_id: str | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None


@strawberry.input
class RegisterModelInput:
    team_id: strawberry.ID
    name: str
    description: str = ""
    task: ModelTask = ModelTask.OTHER
    tags: list[TagInput] = strawberry.field(default_factory=list)


@strawberry.input
class UpdateModelInput:
    id: strawberry.ID
    description: str | None = None
    task: ModelTask | None = None
    tags: list[TagInput] | None = strawberry.field(default=None, description="Replaces every tag.")
    protected_aliases: list[str] | None = strawberry.field(default=None, description="Team admins only.")


@strawberry.input
class UploadModelVersionInput:
    model_id: strawberry.ID
    upload_id: strawberry.ID
    allow_duplicate: bool = strawberry.field(default=False, description="Add bytes the team already has as a new version.")
    format: ModelFileFormat | None = strawberry.field(default=None, description="Needed when the upload's file name has no known extension.")
    lineage: list[TagInput] = strawberry.field(default_factory=list)


@strawberry.input
class MoveAliasInput:
    model_id: strawberry.ID
    alias: str
    version: int = strawberry.field(description="The version number the alias will point at.")


@strawberry.input
class RetentionPolicyInput:
    model_id: strawberry.ID
    unused_days: int | None = strawberry.field(description="1 to 36500 days; null keeps every version.")


@strawberry.input
class RemoveAliasInput:
    model_id: strawberry.ID
    alias: str


async def readable_model(info: Info[Context, None], model_id: str) -> Row:
    parsed = parse_id("id", model_id)
    row = await in_thread(info.context.runtime.readers.registry.model, str(parsed))
    visible = await visible_team_ids(info)
    if row is None or (visible is not None and row["team_id"] not in visible):
        raise NotFound(f"Model {model_id} was not found among your teams' models.", field="id", value=model_id)
    return row


async def readable_version(info: Info[Context, None], version_id: str, field: str = "id") -> Row:
    parsed = parse_id(field, version_id)
    row = await in_thread(info.context.runtime.readers.registry.version, str(parsed))
    visible = await visible_team_ids(info)
    if row is None or (visible is not None and row["team_id"] not in visible):
        raise NotFound(f"Model version {version_id} was not found among your teams' models.", field=field, value=version_id)
    return row


@strawberry.type
class RegistryQuery:
    @strawberry.field(
        description=(
            "Search the models of your teams. With asOf, every model as it was then, archived ones "
            "included, by name; filter and orderBy do not apply."
        )
    )
    async def models(
        self,
        info: Info[Context, None],
        team_id: strawberry.ID | None = None,
        filter: ModelSearch | None = None,  # noqa: A002
        order_by: ModelOrder = ModelOrder.NAME,
        descending: bool = False,
        first: int = DEFAULT_PAGE,
        after: str | None = None,
        as_of: datetime | None = None,
    ) -> Connection[Model]:
        check_first(first)
        teams = await searched_team_ids(info, team_id)
        reader = info.context.runtime.readers.registry
        cursor = name_cursor("models", after)
        moment = utc("asOf", as_of)
        if moment is not None:
            if filter is not None or order_by != ModelOrder.NAME or descending:
                raise InvalidInput(
                    "asOf lists every model that existed then, archived ones included, by name; "
                    "leave out filter, orderBy and descending with it.",
                    field="asOf",
                    value=iso(moment),
                )
            rows = await in_thread(reader.states_as_of, teams, iso(moment), cursor, first + 1)
            return page(
                rows, first, "models", lambda row: json.dumps([row["name_key"], row["model_id"]]),
                lambda row: Model.from_state(row, moment), has_previous=after is not None,
            )
        where = _model_filter(filter or ModelSearch())
        column = {"name": "name_key", "created": "created_at", "updated": "updated_at"}[order_by.value]
        rows = await in_thread(reader.search, teams, where, order_by.value, descending, cursor, first + 1)
        return page(
            rows, first, "models", lambda row: json.dumps([row[column], row["model_id"]]), Model.from_row, has_previous=after is not None
        )

    @strawberry.field(description="One model; with asOf, as it was at that moment.")
    async def model(self, info: Info[Context, None], id: strawberry.ID, as_of: datetime | None = None) -> Model:  # noqa: A002
        row = await readable_model(info, id)
        moment = utc("asOf", as_of)
        if moment is None:
            return Model.from_row(row)
        history = await in_thread(info.context.runtime.readers.registry.state_as_of, row["model_id"], iso(moment))
        if history is None:
            raise NotFound(f"Model {row['name']!r} did not exist yet at {iso(moment)}.", field="asOf", value=iso(moment))
        return Model.from_state(history, moment)

    @strawberry.field
    async def model_version(self, info: Info[Context, None], id: strawberry.ID) -> ModelVersion:  # noqa: A002
        return ModelVersion.from_row(await readable_version(info, id))

    @strawberry.field(description="Differences between two versions of any models of your teams.")
    async def compare_model_versions(self, info: Info[Context, None], a: strawberry.ID, b: strawberry.ID) -> ModelVersionComparison:
        first_row = await readable_version(info, a, "a")
        second_row = await readable_version(info, b, "b")
        first, second = ModelVersion.from_row(first_row), ModelVersion.from_row(second_row)
        changes = [
            FieldChange(field=name, a=str(left) if left is not None else None, b=str(right) if right is not None else None)
            for name, left, right in _compared_fields(first_row, second_row)
            if left != right
        ]
        structure = await _structure_diff(info, first, second)
        return ModelVersionComparison(
            a=first, b=second, same_bytes=first.sha256 == second.sha256, size_delta=second.size - first.size, changes=changes,
            **structure,
        )

    @strawberry.field(description="Every change of a model, newest first, each with who made it and the state after it.")
    async def model_history(
        self, info: Info[Context, None], id: strawberry.ID, first: int = DEFAULT_PAGE, after: str | None = None  # noqa: A002
    ) -> Connection[ModelHistoryEntry]:
        check_first(first)
        row = await readable_model(info, id)
        raw = decode_cursor("history", after)
        before = int(raw) if raw is not None and raw.isdecimal() and len(raw) < 19 else None
        if raw is not None and before is None:
            raise InvalidInput(f"after {after[:40]!r} is not a cursor of this list.", field="after", value=after[:40])  # type: ignore[index]
        rows = await in_thread(info.context.runtime.readers.registry.history, row["model_id"], before, first + 1)

        def entry(history: Row) -> ModelHistoryEntry:
            moment = parse_iso(history["occurred_at"])
            assert moment is not None
            return ModelHistoryEntry(
                position=int(history["position"]), occurred_at=moment, actor=history["actor"], action=history["action"],
                model=Model.from_state(history, moment),
            )

        return page(rows, first, "history", lambda history: history["position"], entry, has_previous=after is not None)


async def _structure_diff(info: Info[Context, None], first: ModelVersion, second: ModelVersion) -> dict[str, Any]:
    empty = {"parameter_delta": None, "signature_changed": None, "layers_added": None, "layers_removed": None, "layers_changed": None}
    if first.report_sha256 is None or second.report_sha256 is None:
        return empty
    registry = info.context.runtime.registry
    left = await in_thread(registry.inspection_report, first.report_sha256)
    right = await in_thread(registry.inspection_report, second.report_sha256)
    layers_a = {layer["name"]: layer for layer in left["layers"]}
    layers_b = {layer["name"]: layer for layer in right["layers"]}
    changed = []
    for name in sorted(set(layers_a) & set(layers_b)):
        described_a, described_b = _layer_text(layers_a[name]), _layer_text(layers_b[name])
        if described_a != described_b:
            changed.append(FieldChange(field=name, a=described_a, b=described_b))
    total = lambda report: int(report["trainableParameters"]) + int(report["nonTrainableParameters"])  # noqa: E731
    return {
        "parameter_delta": total(right) - total(left),
        "signature_changed": left["signature"] != right["signature"],
        "layers_added": sorted(set(layers_b) - set(layers_a)),
        "layers_removed": sorted(set(layers_a) - set(layers_b)),
        "layers_changed": changed,
    }


def _layer_text(layer: dict[str, Any]) -> str:
    return f"{layer['className']} {layer['outputShape']} {layer['parameters']} parameters"


def _compared_fields(a: Row, b: Row) -> list[tuple[str, Any, Any]]:
    lineage_a, lineage_b = json.loads(a["lineage"]), json.loads(b["lineage"])
    fields = [
        ("model", a["model_id"], b["model_id"]),
        ("sha256", a["sha256"], b["sha256"]),
        ("size", a["size"], b["size"]),
        ("format", a["format"], b["format"]),
        ("source", a["source"], b["source"]),
        ("status", a["status"], b["status"]),
    ]
    for key in sorted(set(lineage_a) | set(lineage_b)):
        fields.append((f"lineage.{key}", lineage_a.get(key), lineage_b.get(key)))
    return fields


def _model_filter(search: ModelSearch) -> ModelFilter:
    if search.tag_value is not None and search.tag_key is None:
        raise InvalidInput("filter.tagValue needs filter.tagKey.", field="filter.tagValue", value=search.tag_value[:40])
    after = utc("filter.createdAfter", search.created_after)
    before = utc("filter.createdBefore", search.created_before)
    return ModelFilter(
        name_contains=search.name_contains,
        tag_key=search.tag_key,
        tag_value=search.tag_value,
        task=search.task.value if search.task else None,
        alias=search.alias,
        archived=search.archived,
        owner=search.owner_id,
        created_after=iso(after),
        created_before=iso(before),
    )


async def _model_after(info: Info[Context, None], outcome: Any, model_id: uuid.UUID) -> Model:
    await info.context.settle(outcome)
    row = await in_thread(info.context.runtime.readers.registry.model, str(model_id))
    assert row is not None
    return Model.from_row(row)


@strawberry.type
class RegistryMutation:
    @strawberry.mutation(description="Register a model in a team; editors and admins may.")
    async def register_model(self, info: Info[Context, None], input: RegisterModelInput) -> Model:  # noqa: A002
        principal = await info.context.writer()
        team_id = parse_id("teamId", input.team_id)
        registry = info.context.runtime.registry
        model_id, outcome = await in_thread(
            lambda: registry.register_model(
                principal, info.context.cause(principal, team_id), team_id=team_id, name=input.name,
                description=input.description, task=input.task.value, tags=tag_dict(input.tags) or {},
            )
        )
        return await _model_after(info, outcome, model_id)

    @strawberry.mutation(description="Change a model's description, task, tags or (admins) protected aliases.")
    async def update_model(self, info: Info[Context, None], input: UpdateModelInput) -> Model:  # noqa: A002
        principal = await info.context.writer()
        model_id = parse_id("id", input.id)
        registry = info.context.runtime.registry
        outcome = await in_thread(
            lambda: registry.update_model(
                principal, info.context.cause(principal), model_id=model_id, description=input.description,
                task=input.task.value if input.task else None, tags=tag_dict(input.tags),
                protected_aliases=input.protected_aliases,
            )
        )
        return await _model_after(info, outcome, model_id)

    @strawberry.mutation(description="Make an upload the model's next version; the number is assigned here.")
    async def upload_model_version(self, info: Info[Context, None], input: UploadModelVersionInput) -> ModelVersion:  # noqa: A002
        principal = await info.context.writer()
        model_id, upload_id = parse_id("modelId", input.model_id), parse_id("uploadId", input.upload_id)
        registry = info.context.runtime.registry
        added = await in_thread(
            lambda: registry.upload_version(
                principal, info.context.cause(principal), model_id=model_id, upload_id=upload_id,
                allow_duplicate=input.allow_duplicate, file_format=input.format.value if input.format else None,
                lineage=tag_dict(input.lineage, "lineage") or {},
            )
        )
        await info.context.settle(added.outcome)
        row = await in_thread(info.context.runtime.readers.registry.version, str(added.version_id))
        return ModelVersion.from_row(row)  # type: ignore[arg-type]

    @strawberry.mutation(description="Point an alias at a version; protected aliases need a team admin.")
    async def move_alias(self, info: Info[Context, None], input: MoveAliasInput) -> Model:  # noqa: A002
        principal = await info.context.writer()
        model_id = parse_id("modelId", input.model_id)
        registry = info.context.runtime.registry
        outcome = await in_thread(
            lambda: registry.move_alias(principal, info.context.cause(principal), model_id=model_id, alias=input.alias, number=input.version)
        )
        return await _model_after(info, outcome, model_id)

    @strawberry.mutation(description="Remove an alias; protected aliases need a team admin.")
    async def remove_alias(self, info: Info[Context, None], input: RemoveAliasInput) -> Model:  # noqa: A002
        principal = await info.context.writer()
        model_id = parse_id("modelId", input.model_id)
        registry = info.context.runtime.registry
        outcome = await in_thread(
            lambda: registry.remove_alias(principal, info.context.cause(principal), model_id=model_id, alias=input.alias)
        )
        return await _model_after(info, outcome, model_id)

    @strawberry.mutation(description="Set how long an unaliased version may go unused before it expires; team admins only.")
    async def set_retention_policy(self, info: Info[Context, None], input: RetentionPolicyInput) -> Model:  # noqa: A002
        principal = await info.context.writer()
        model_id = parse_id("modelId", input.model_id)
        registry = info.context.runtime.registry
        outcome = await in_thread(
            lambda: registry.set_retention_policy(principal, info.context.cause(principal), model_id=model_id, unused_days=input.unused_days)
        )
        return await _model_after(info, outcome, model_id)

    @strawberry.mutation(description="Bring back an expired or broken version whose stored file is intact.")
    async def restore_model_version(self, info: Info[Context, None], id: strawberry.ID) -> ModelVersion:  # noqa: A002
        principal = await info.context.writer()
        version_id = parse_id("id", id)
        registry = info.context.runtime.registry
        outcome = await in_thread(lambda: registry.restore_version(principal, info.context.cause(principal), version_id=version_id))
        await info.context.settle(outcome)
        row = await in_thread(info.context.runtime.readers.registry.version, str(version_id))
        return ModelVersion.from_row(row)  # type: ignore[arg-type]

    @strawberry.mutation(description="Archive a model: it leaves default searches and takes no new versions.")
    async def archive_model(self, info: Info[Context, None], id: strawberry.ID) -> Model:  # noqa: A002
        principal = await info.context.writer()
        model_id = parse_id("id", id)
        registry = info.context.runtime.registry
        outcome = await in_thread(lambda: registry.archive_model(principal, info.context.cause(principal), model_id=model_id))
        return await _model_after(info, outcome, model_id)

    @strawberry.mutation(description="Bring an archived model back.")
    async def restore_model(self, info: Info[Context, None], id: strawberry.ID) -> Model:  # noqa: A002
        principal = await info.context.writer()
        model_id = parse_id("id", id)
        registry = info.context.runtime.registry
        outcome = await in_thread(lambda: registry.restore_model(principal, info.context.cause(principal), model_id=model_id))
        return await _model_after(info, outcome, model_id)


@strawberry.type
class RegistrySubscription:
    @strawberry.subscription(
        description=(
            "The model's current state at once (with change null), then its whole state each time it "
            "changes, with the change that did it."
        )
    )
    async def model_updated(self, info: Info[Context, None], id: strawberry.ID) -> AsyncGenerator[ModelUpdate, None]:  # noqa: A002
        row = await readable_model(info, id)
        async for change, entry in subject_changes(info, MODEL_TOPIC, row["model_id"]):
            current = row if change is None else await readable_model(info, id)
            yield ModelUpdate(model=Model.from_row(current), change=entry)
