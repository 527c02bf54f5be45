"""GraphQL of configuration profiles: profiles, their revisions and diffs, the document's JSON Schema."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from backend.domain.base import InvalidInput, NotFound, parse_iso
from backend.domain.training_config import diff_documents, json_schema
from backend.graphql.connections import DEFAULT_PAGE, Connection, check_first, decode_cursor, name_cursor, page
from backend.graphql.context import Context, in_thread
from backend.graphql.identity import parse_id, searched_team_ids, visible_team_ids

Row = dict[str, Any]


@strawberry.type(description="One immutable revision of a configuration profile.")
class ConfigRevision:
    profile_id: strawberry.ID
    number: int
    document: JSON = strawberry.field(description="The whole configuration, every default filled in.")
    comment: str
    created_by: str
    created_at: datetime

    @classmethod
    def from_row(cls, row: Row) -> ConfigRevision:
        return cls(
            profile_id=strawberry.ID(row["profile_id"]),
            number=int(row["revision"]),
            document=json.loads(row["document"]),
            comment=row["comment"],
            created_by=row["created_by"],
            created_at=parse_iso(row["created_at"]),  # type: ignore[arg-type]
        )


@strawberry.type(description="A setting that differs between two revisions: its path, and its value in each (JSON).")
class ConfigChange:
    path: str
    a: JSON | None
    b: JSON | None


@strawberry.type(description="A team's named training configuration; its revisions are numbered from 1.")
class ConfigProfile:
    id: strawberry.ID
    team_id: strawberry.ID
    name: str
    description: str
    owner_id: str
    archived: bool
    latest_revision_number: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_row(cls, row: Row) -> ConfigProfile:
        return cls(
            id=strawberry.ID(row["profile_id"]),
            team_id=strawberry.ID(row["team_id"]),
            name=row["name"],
            description=row["description"],
            owner_id=row["owner"],
            archived=bool(row["archived"]),
            latest_revision_number=int(row["latest_revision"]),
            created_at=parse_iso(row["created_at"]),  # type: ignore[arg-type]
            updated_at=parse_iso(row["updated_at"]),  # type: ignore[arg-type]
        )

    @strawberry.field
    async def latest_revision(self, info: Info[Context, None]) -> ConfigRevision:
        return await _revision(info, self, self.latest_revision_number, "number")

    @strawberry.field(description="One revision by number.")
    async def revision(self, info: Info[Context, None], number: int) -> ConfigRevision:
        return await _revision(info, self, number, "number")

    @strawberry.field(description="Revisions, newest first.")
    async def revisions(self, info: Info[Context, None], first: int = DEFAULT_PAGE, after: str | None = None) -> Connection[ConfigRevision]:
        check_first(first)
        raw = decode_cursor("revision", after)
        before = int(raw) if raw is not None and raw.isdecimal() and len(raw) < 10 else None
        if raw is not None and before is None:
            raise InvalidInput(f"after {after!r} is not a cursor of this list.", field="after", value=(after or "")[:40])
        rows = await in_thread(info.context.runtime.readers.configs.revisions, str(self.id), before, first + 1)
        return page(rows, first, "revision", lambda row: row["revision"], ConfigRevision.from_row, has_previous=after is not None)

    @strawberry.field(description="The settings that differ between revisions a and b, by path.")
    async def diff(self, info: Info[Context, None], a: int, b: int) -> list[ConfigChange]:
        first = await _revision(info, self, a, "a")
        second = await _revision(info, self, b, "b")
        return [ConfigChange(path=path, a=left, b=right) for path, left, right in diff_documents(first.document, second.document)]


async def _revision(info: Info[Context, None], profile: ConfigProfile, number: int, field: str) -> ConfigRevision:
    row = await in_thread(info.context.runtime.readers.configs.revision, str(profile.id), number)
    if row is None:
        raise NotFound(
            f"Configuration {profile.name!r} has no revision {number}; it has revisions 1 to {profile.latest_revision_number}.",
            field=field,
            value=number,
        )
    return ConfigRevision.from_row(row)


@strawberry.input
class CreateConfigProfileInput:
    team_id: strawberry.ID
    name: str
    description: str = ""
    document: JSON = strawberry.field(description="The configuration; see trainingConfigSchema.")


@strawberry.input
class ReviseConfigProfileInput:
    id: strawberry.ID
    document: JSON
    comment: str = ""
    expected_revision: int | None = strawberry.field(
        default=None, description="The revision you edited; a different current revision fails with CONFLICT instead of overwriting it."
    )


async def readable_profile(info: Info[Context, None], profile_id: str, field: str = "id") -> Row:
    parsed = parse_id(field, profile_id)
    row = await in_thread(info.context.runtime.readers.configs.profile, str(parsed))
    visible = await visible_team_ids(info)
    if row is None or (visible is not None and row["team_id"] not in visible):
        raise NotFound(f"Configuration {profile_id} was not found among your teams' configurations.", field=field, value=profile_id)
    return row


@strawberry.type
class ConfigsQuery:
    @strawberry.field(description="Configuration profiles of your teams by name; archived ones only when archived is true or null.")
    async def config_profiles(
        self,
        info: Info[Context, None],
        team_id: strawberry.ID | None = None,
        name_contains: str | None = None,
        archived: bool | None = False,
        first: int = DEFAULT_PAGE,
        after: str | None = None,
    ) -> Connection[ConfigProfile]:
        check_first(first)
        teams = await searched_team_ids(info, team_id)
        rows = await in_thread(info.context.runtime.readers.configs.search, teams, name_contains, archived, name_cursor("configs", after), first + 1)
        return page(
            rows, first, "configs", lambda row: json.dumps([row["name_key"], row["profile_id"]]), ConfigProfile.from_row,
            has_previous=after is not None,
        )

    @strawberry.field
    async def config_profile(self, info: Info[Context, None], id: strawberry.ID) -> ConfigProfile:  # noqa: A002
        return ConfigProfile.from_row(await readable_profile(info, id))

    @strawberry.field(description="The JSON Schema of a configuration document, for generated forms.")
    def training_config_schema(self) -> JSON:
        return json_schema()


async def _profile_after(info: Info[Context, None], outcome: Any, profile_id: uuid.UUID) -> ConfigProfile:
    await info.context.settle(outcome)
    row = await in_thread(info.context.runtime.readers.configs.profile, str(profile_id))
    assert row is not None
    return ConfigProfile.from_row(row)


@strawberry.type
class ConfigsMutation:
    @strawberry.mutation(description="Create a configuration profile with its first revision; editors and admins may.")
    async def create_config_profile(self, info: Info[Context, None], input: CreateConfigProfileInput) -> ConfigProfile:  # noqa: A002
        principal = await info.context.writer()
        team_id = parse_id("teamId", input.team_id)
        configs = info.context.runtime.configs
        profile_id, outcome = await in_thread(
            lambda: configs.create_profile(
                principal, info.context.cause(principal, team_id), team_id=team_id, name=input.name,
                description=input.description, document=input.document,
            )
        )
        return await _profile_after(info, outcome, profile_id)

    @strawberry.mutation(description="Record a new revision with the whole document; an unchanged document records nothing.")
    async def revise_config_profile(self, info: Info[Context, None], input: ReviseConfigProfileInput) -> ConfigProfile:  # noqa: A002
        principal = await info.context.writer()
        profile_id = parse_id("id", input.id)
        configs = info.context.runtime.configs
        _revision, outcome = await in_thread(
            lambda: configs.revise_profile(
                principal, info.context.cause(principal), profile_id=profile_id, document=input.document, comment=input.comment,
                expected_revision=input.expected_revision,
            )
        )
        return await _profile_after(info, outcome, profile_id)

    @strawberry.mutation(description="Archive a configuration profile: it leaves default lists and takes no new revisions.")
    async def archive_config_profile(self, info: Info[Context, None], id: strawberry.ID) -> ConfigProfile:  # noqa: A002
        principal = await info.context.writer()
        profile_id = parse_id("id", id)
        configs = info.context.runtime.configs
        outcome = await in_thread(lambda: configs.archive_profile(principal, info.context.cause(principal), profile_id=profile_id))
        return await _profile_after(info, outcome, profile_id)
