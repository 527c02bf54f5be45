"""The caller of a deployment: the API token that authenticated the calls, or the signed-in user, and the user behind either."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from backend.domain.base import SYSTEM_ACTOR
from backend.graphql.context import Context


@strawberry.type(description="The API token that authenticated a deployment's calls.")
class CallerToken:
    id: strawberry.ID
    name: str
    prefix: str = strawberry.field(description="The first characters of the token's secret, to recognise it.")


@strawberry.interface(description=(
    "Who called a deployment: an API token (then `token` is set and the user is the token's owner), "
    "a signed-in user, or the platform itself ('system')."
))
class Caller:
    caller: str = strawberry.field(description=(
        "The id the calls are counted under: the API token's id for calls authenticated by a token, else the user id, or 'system'."
    ))

    @strawberry.field(description="The API token that made the calls; null for a signed-in user and for 'system'.")
    async def token(self, info: Info[Context, None]) -> CallerToken | None:
        row = await _token(info, self.caller)
        if row is None:
            return None
        return CallerToken(id=strawberry.ID(row["token_id"]), name=row["name"], prefix=row["prefix"])

    @strawberry.field(description="The calling user, or the token's owner; null for 'system'.")
    async def user_id(self, info: Info[Context, None]) -> strawberry.ID | None:
        user_id = await _user_id(info, self.caller)
        return None if user_id is None else strawberry.ID(user_id)

    @strawberry.field(description="The username of the calling user or of the token's owner; null for 'system' and for an unknown id.")
    async def username(self, info: Info[Context, None]) -> str | None:
        user_id = await _user_id(info, self.caller)
        if user_id is None:
            return None
        row = await info.context.loader("users", info.context.runtime.readers.identity.users).load(user_id)
        return row["username"] if row else None


async def _token(info: Info[Context, None], caller: str) -> dict[str, Any] | None:
    if caller == SYSTEM_ACTOR:
        return None
    return await info.context.loader("apiTokens", info.context.runtime.readers.identity.tokens_by_id).load(caller)


async def _user_id(info: Info[Context, None], caller: str) -> str | None:
    if caller == SYSTEM_ACTOR:
        return None
    token = await _token(info, caller)
    return token["user_id"] if token is not None else caller
