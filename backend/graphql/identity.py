"""GraphQL of the identity context: the viewer, users, teams, members and API tokens."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry.types import Info

from backend.application.keys import KeyErased
from backend.domain.base import InvalidInput, NotFound, Unauthenticated, parse_iso
from backend.domain.identity import ADMIN
from backend.graphql.auth import SESSION_COOKIE
from backend.graphql.connections import (
    DEFAULT_PAGE,
    Connection,
    check_first,
    decode_cursor,
    decode_position_cursor,
    page,
)
from backend.graphql.context import Context, in_thread

Row = dict[str, Any]


@strawberry.enum(description="A member's role in a team: viewer reads; editor also changes; admin also manages.")
class Role(Enum):
    VIEWER = "viewer"
    EDITOR = "editor"
    ADMIN = "admin"


@strawberry.enum(description="What an API token may do, never beyond its owner's role.")
class Scope(Enum):
    READ = "read"
    WRITE = "write"
    PREDICT = "predict"
    ADMIN = "admin"


def parse_id(field: str, value: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise InvalidInput(
            f"{field} {str(value)[:40]!r} is not a valid id; expected a UUID such as 3f2c…-….",
            field=field,
            value=str(value)[:40],
        ) from None


@strawberry.type(description="A person who signs in.")
class User:
    id: strawberry.ID
    username: str
    is_admin: bool
    created_at: datetime
    erased: bool
    sealed_profile: strawberry.Private[str]

    @classmethod
    def from_row(cls, row: Row) -> User:
        return cls(
            id=strawberry.ID(row["user_id"]),
            username=row["username"],
            is_admin=bool(row["is_admin"]),
            created_at=parse_iso(row["created_at"]),  # type: ignore[arg-type]
            erased=bool(row["erased"]),
            sealed_profile=row["sealed_profile"],
        )

    async def _profile(self, info: Info[Context, None]) -> dict[str, str]:
        try:
            return await in_thread(info.context.runtime.keys.open, uuid.UUID(self.id), self.sealed_profile)
        except KeyErased:
            return {}

    @strawberry.field(description="Display name; null once the user's personal data has been erased.")
    async def display_name(self, info: Info[Context, None]) -> str | None:
        return (await self._profile(info)).get("displayName")

    @strawberry.field(description="E-mail address; visible to the user and to platform administrators only.")
    async def email(self, info: Info[Context, None]) -> str | None:
        principal = await info.context.principal()
        if str(principal.user_id) != self.id and not principal.is_admin:
            return None
        return (await self._profile(info)).get("email") or None


async def load_user(info: Info[Context, None], user_id: str) -> User | None:
    reader = info.context.runtime.readers.identity
    row = await info.context.loader("users", reader.users).load(user_id)
    return User.from_row(row) if row else None


@strawberry.type(description="A user's membership of a team.")
class TeamMember:
    team_id: strawberry.ID
    user_id: strawberry.ID
    role: Role
    added_at: datetime

    @classmethod
    def from_row(cls, row: Row) -> TeamMember:
        return cls(
            team_id=strawberry.ID(row["team_id"]),
            user_id=strawberry.ID(row["user_id"]),
            role=Role(row["role"]),
            added_at=parse_iso(row["added_at"]),  # type: ignore[arg-type]
        )

    @strawberry.field
    async def user(self, info: Info[Context, None]) -> User | None:
        return await load_user(info, self.user_id)


@strawberry.type(description="An API token. Its secret is shown once, by createApiToken, and never stored.")
class ApiToken:
    id: strawberry.ID
    name: str
    team_id: strawberry.ID
    user_id: strawberry.ID
    scopes: list[Scope]
    prefix: str = strawberry.field(description="The first characters of the secret, to recognise it.")
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None

    @classmethod
    def from_row(cls, row: Row) -> ApiToken:
        return cls(
            id=strawberry.ID(row["token_id"]),
            name=row["name"],
            team_id=strawberry.ID(row["team_id"]),
            user_id=strawberry.ID(row["user_id"]),
            scopes=[Scope(scope) for scope in json.loads(row["scopes"])],
            prefix=row["prefix"],
            created_at=parse_iso(row["created_at"]),  # type: ignore[arg-type]
            expires_at=parse_iso(row["expires_at"]),
            revoked_at=parse_iso(row["revoked_at"]),
        )

    @strawberry.field
    async def user(self, info: Info[Context, None]) -> User | None:
        return await load_user(info, self.user_id)


@strawberry.type(description="A team: it owns models, datasets and runs, and its members have roles.")
class Team:
    id: strawberry.ID
    name: str
    description: str
    created_at: datetime

    @classmethod
    def from_row(cls, row: Row) -> Team:
        return cls(
            id=strawberry.ID(row["team_id"]),
            name=row["name"],
            description=row["description"],
            created_at=parse_iso(row["created_at"]),  # type: ignore[arg-type]
        )

    @strawberry.field(description="The caller's role in this team; null for a platform administrator who is not a member.")
    async def viewer_role(self, info: Info[Context, None]) -> Role | None:
        role = await _role_in(info, self.id)
        return Role(role) if role else None

    @strawberry.field(description="The number of models in the team, archived ones excluded.")
    async def model_count(self, info: Info[Context, None]) -> int:
        counts = info.context.loader("team_model_counts", info.context.runtime.readers.registry.model_counts)
        return await counts.load(str(self.id)) or 0

    @strawberry.field
    async def members(self, info: Info[Context, None], first: int = DEFAULT_PAGE, after: str | None = None) -> Connection[TeamMember]:
        check_first(first)
        position = decode_position_cursor("member", after)
        rows = await in_thread(info.context.runtime.readers.identity.members, self.id, position, first + 1)
        return page(rows, first, "member", lambda row: row["position"], TeamMember.from_row, has_previous=after is not None)

    @strawberry.field(description="The team's API tokens: all of them for an admin, the caller's own otherwise.")
    async def api_tokens(self, info: Info[Context, None], first: int = DEFAULT_PAGE, after: str | None = None) -> Connection[ApiToken]:
        check_first(first)
        position = decode_position_cursor("token", after)
        principal = await info.context.principal()
        owner = None if await _role_in(info, self.id) == ADMIN else str(principal.user_id)
        rows = await in_thread(info.context.runtime.readers.identity.tokens, self.id, owner, position, first + 1)
        return page(rows, first, "token", lambda row: row["position"], ApiToken.from_row, has_previous=after is not None)


async def _role_in(info: Info[Context, None], team_id: str) -> str | None:
    principal = await info.context.principal()
    memberships = await info.context.loader(
        "memberships", lambda keys: {key: info.context.runtime.readers.identity.memberships(key) for key in keys}
    ).load(str(principal.user_id))
    return memberships.get(team_id)


async def visible_team_ids(info: Info[Context, None]) -> list[str] | None:
    """Return the ids of the teams the caller may read, or None when an administrator may read them all."""
    principal = await info.context.principal()
    return await in_thread(info.context.authenticator.readable_teams, principal, "Reading teams and their records")


async def searched_team_ids(info: Info[Context, None], team_id: str | None) -> list[str] | None:
    """Return the teams a list query reads: the one named (if the caller may read it) or every visible team."""
    teams = await visible_team_ids(info)
    if team_id is None:
        return teams
    wanted = str(parse_id("teamId", team_id))
    if teams is not None and wanted not in teams:
        raise NotFound(f"Team {team_id} was not found among your teams.", field="teamId", value=team_id)
    return [wanted]


async def readable_team(info: Info[Context, None], team_id: str) -> Team:
    """Return the team if the caller may read it, else raise NotFound, so other teams' ids reveal nothing."""
    parsed = parse_id("teamId", team_id)
    visible = await visible_team_ids(info)
    row = await in_thread(info.context.runtime.readers.identity.team, str(parsed))
    if row is None or (visible is not None and str(parsed) not in visible):
        raise NotFound(f"Team {team_id} was not found among your teams.", field="teamId", value=team_id)
    return Team.from_row(row)


@strawberry.type(description="The signed-in caller.")
class Viewer:
    user: User
    authenticated_by: str = strawberry.field(description="'session' for a browser sign-in, 'token' for an API token.")
    scopes: list[Scope]
    token_team_id: strawberry.ID | None
    csrf_token: str | None = strawberry.field(description="The value to send as X-CSRF-Token with mutations; sessions only.")


@strawberry.type
class LoginPayload:
    viewer: Viewer
    expires_at: datetime


@strawberry.type
class CreatedApiToken:
    token: ApiToken
    secret: str = strawberry.field(description="The token itself; shown only in this response.")


@strawberry.input
class CreateUserInput:
    username: str
    password: str
    display_name: str = ""
    email: str = ""
    is_admin: bool = False


@strawberry.input
class CreateTeamInput:
    name: str
    description: str = ""


@strawberry.input
class MemberInput:
    team_id: strawberry.ID
    user_id: strawberry.ID
    role: Role


@strawberry.input
class RemoveMemberInput:
    team_id: strawberry.ID
    user_id: strawberry.ID


@strawberry.input
class CreateApiTokenInput:
    team_id: strawberry.ID
    name: str
    scopes: list[Scope]
    expires_at: datetime | None = None


async def _viewer(info: Info[Context, None]) -> Viewer:
    principal, session = await info.context.authenticate()
    row = await in_thread(info.context.runtime.readers.identity.user, str(principal.user_id))
    if row is None:
        raise Unauthenticated("The user of these credentials no longer exists.", field="Authorization", value=None)
    return Viewer(
        user=User.from_row(row),
        authenticated_by=principal.via,
        scopes=[Scope(scope) for scope in sorted(principal.scopes)],
        token_team_id=strawberry.ID(str(principal.token_team)) if principal.token_team else None,
        csrf_token=session.csrf_token if session else None,
    )


@strawberry.type
class IdentityQuery:
    @strawberry.field(description="The signed-in caller.")
    async def viewer(self, info: Info[Context, None]) -> Viewer:
        return await _viewer(info)

    @strawberry.field(description="Teams the caller can read, by name.")
    async def teams(self, info: Info[Context, None], first: int = DEFAULT_PAGE, after: str | None = None) -> Connection[Team]:
        check_first(first)
        key = decode_cursor("team", after)
        visible = await visible_team_ids(info)
        rows = await in_thread(info.context.runtime.readers.identity.list_teams, visible, key, first + 1)
        return page(rows, first, "team", lambda row: row["name_key"], Team.from_row, has_previous=after is not None)

    @strawberry.field(description="One team the caller can read.")
    async def team(self, info: Info[Context, None], id: strawberry.ID) -> Team:  # noqa: A002
        return await readable_team(info, id)

    @strawberry.field(description="Every user; platform administrators only.")
    async def users(self, info: Info[Context, None], first: int = DEFAULT_PAGE, after: str | None = None) -> Connection[User]:
        principal = await info.context.principal()
        principal.require_platform_admin("users")
        check_first(first)
        position = decode_position_cursor("user", after)
        rows = await in_thread(info.context.runtime.readers.identity.list_users, position, first + 1)
        return page(rows, first, "user", lambda row: row["position"], User.from_row, has_previous=after is not None)


@strawberry.type
class IdentityMutation:
    @strawberry.mutation(description="Sign in with a password; sets the HttpOnly session cookie.")
    async def login(self, info: Info[Context, None], username: str, password: str) -> LoginPayload:
        context = info.context
        runtime = context.runtime
        row = await in_thread(runtime.readers.identity.user_by_username, username[:64])
        if row is None or row["erased"]:
            await in_thread(runtime.identity.spend_password_check, password)
            matches = False
        else:
            matches = await in_thread(
                runtime.identity.password_matches, uuid.UUID(row["user_id"]), row["sealed_password_hash"], password
            )
        # NOTE: failed sign-ins are not rate-limited yet; a proxy in front should limit /graphql logins.
        if not matches:
            raise Unauthenticated("The username or password is incorrect.", field="username", value=username[:64])
        opened = await in_thread(runtime.sessions.open, uuid.UUID(row["user_id"]))
        if context.response is not None and not context.is_websocket:
            context.response.set_cookie(  # type: ignore[union-attr]
                SESSION_COOKIE,
                opened.cookie_value,
                max_age=runtime.settings.session_ttl_hours * 3600,
                httponly=True,
                samesite="strict",
                secure=runtime.settings.cookie_secure,
                path="/",
            )
        context._auth = (await in_thread(context.authenticator.from_session, opened.cookie_value))
        return LoginPayload(viewer=await _viewer(info), expires_at=opened.session.expires_at)

    @strawberry.mutation(description="End the current browser session.")
    async def logout(self, info: Info[Context, None]) -> bool:
        await info.context.writer()
        _, session = await info.context.authenticate()
        if session is None:
            raise InvalidInput("logout ends a browser session; an API token is revoked with revokeApiToken instead.", field="Authorization", value=None)
        await in_thread(info.context.runtime.sessions.close, session.session_id)
        if info.context.response is not None and not info.context.is_websocket:
            info.context.response.delete_cookie(SESSION_COOKIE, path="/")  # type: ignore[union-attr]
        return True

    @strawberry.mutation(description="Create a user; platform administrators only.")
    async def create_user(self, info: Info[Context, None], input: CreateUserInput) -> User:  # noqa: A002
        principal = await info.context.writer()
        runtime = info.context.runtime
        user_id, outcome = await in_thread(
            lambda: runtime.identity.create_user(
                principal, info.context.cause(principal), username=input.username, password=input.password,
                display_name=input.display_name, email=input.email, is_admin=input.is_admin,
            )
        )
        await info.context.settle(outcome)
        row = await in_thread(runtime.readers.identity.user, str(user_id))
        return User.from_row(row)  # type: ignore[arg-type]

    @strawberry.mutation(description="Create a team; the caller becomes its admin.")
    async def create_team(self, info: Info[Context, None], input: CreateTeamInput) -> Team:  # noqa: A002
        principal = await info.context.writer()
        runtime = info.context.runtime
        team_id, outcome = await in_thread(
            lambda: runtime.identity.create_team(principal, info.context.cause(principal), name=input.name, description=input.description)
        )
        await info.context.settle(outcome)
        row = await in_thread(runtime.readers.identity.team, str(team_id))
        return Team.from_row(row)  # type: ignore[arg-type]

    @strawberry.mutation(description="Add a user to a team with a role; team admins only.")
    async def add_member(self, info: Info[Context, None], input: MemberInput) -> TeamMember:  # noqa: A002
        principal = await info.context.writer()
        team_id, user_id = parse_id("teamId", input.team_id), parse_id("userId", input.user_id)
        runtime = info.context.runtime
        outcome = await in_thread(
            lambda: runtime.identity.add_member(principal, info.context.cause(principal, team_id), team_id=team_id, user_id=user_id, role=input.role.value)
        )
        return await _member_after(info, outcome, team_id, user_id)

    @strawberry.mutation(description="Change a member's role; team admins only. A team keeps at least one admin.")
    async def change_member_role(self, info: Info[Context, None], input: MemberInput) -> TeamMember:  # noqa: A002
        principal = await info.context.writer()
        team_id, user_id = parse_id("teamId", input.team_id), parse_id("userId", input.user_id)
        runtime = info.context.runtime
        outcome = await in_thread(
            lambda: runtime.identity.change_member_role(
                principal, info.context.cause(principal, team_id), team_id=team_id, user_id=user_id, role=input.role.value
            )
        )
        return await _member_after(info, outcome, team_id, user_id)

    @strawberry.mutation(description="Remove a member from a team; team admins only. A team keeps at least one admin.")
    async def remove_member(self, info: Info[Context, None], input: RemoveMemberInput) -> Team:  # noqa: A002
        principal = await info.context.writer()
        team_id, user_id = parse_id("teamId", input.team_id), parse_id("userId", input.user_id)
        runtime = info.context.runtime
        outcome = await in_thread(
            lambda: runtime.identity.remove_member(principal, info.context.cause(principal, team_id), team_id=team_id, user_id=user_id)
        )
        await info.context.settle(outcome)
        row = await in_thread(runtime.readers.identity.team, str(team_id))
        return Team.from_row(row)  # type: ignore[arg-type]

    @strawberry.mutation(description="Issue an API token for the caller in one of their teams; the secret is returned once.")
    async def create_api_token(self, info: Info[Context, None], input: CreateApiTokenInput) -> CreatedApiToken:  # noqa: A002
        principal = await info.context.writer()
        team_id = parse_id("teamId", input.team_id)
        runtime = info.context.runtime
        expires_at = input.expires_at
        if expires_at is not None and expires_at.tzinfo is None:
            raise InvalidInput(
                f"expiresAt {expires_at.isoformat()} has no time zone; send it in UTC such as 2027-01-31T00:00:00Z.",
                field="expiresAt",
                value=expires_at.isoformat(),
            )
        issued = await in_thread(
            lambda: runtime.identity.issue_token(
                principal, info.context.cause(principal, team_id), team_id=team_id, name=input.name,
                scopes=[scope.value for scope in input.scopes], expires_at=expires_at,
            )
        )
        await info.context.settle(issued.outcome)
        row = await in_thread(runtime.readers.identity.token, str(issued.token_id))
        return CreatedApiToken(token=ApiToken.from_row(row), secret=issued.secret)  # type: ignore[arg-type]

    @strawberry.mutation(description="Revoke an API token: its owner or an admin of its team may.")
    async def revoke_api_token(self, info: Info[Context, None], id: strawberry.ID) -> ApiToken:  # noqa: A002
        principal = await info.context.writer()
        token_id = parse_id("id", id)
        runtime = info.context.runtime
        outcome = await in_thread(lambda: runtime.identity.revoke_token(principal, info.context.cause(principal), token_id=token_id))
        await info.context.settle(outcome)
        row = await in_thread(runtime.readers.identity.token, str(token_id))
        return ApiToken.from_row(row)  # type: ignore[arg-type]


async def _member_after(info: Info[Context, None], outcome: Any, team_id: uuid.UUID, user_id: uuid.UUID) -> TeamMember:
    await info.context.settle(outcome)
    row = await in_thread(info.context.runtime.readers.identity.member, str(team_id), str(user_id))
    if row is None:
        raise NotFound(f"User {user_id} is not a member of team {team_id}.", field="userId", value=str(user_id))
    return TeamMember.from_row(row)
