"""Authentication of HTTP requests and WebSocket connections: API tokens, session cookies and CSRF."""

from __future__ import annotations

import hmac
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from backend.application.identity import token_digest
from backend.application.sessions import Session
from backend.domain.access import SESSION, TOKEN, Principal
from backend.domain.base import Forbidden, Unauthenticated, parse_iso
from backend.domain.identity import ROLE_RANK, SCOPES_BY_ROLE
from backend.runtime import Runtime

SESSION_COOKIE = "modelcloud_session"
CSRF_HEADER = "x-csrf-token"


@dataclass(frozen=True)
class Credentials:
    """Credentials sent with a request: a bearer token, a session cookie, and a CSRF token header."""

    bearer: str | None
    cookie: str | None
    csrf: str | None

    @classmethod
    def from_headers(cls, headers: Mapping[str, str], cookies: Mapping[str, str]) -> Credentials:
        authorization = headers.get("authorization", "")
        bearer = None
        if authorization:
            scheme, _, value = authorization.partition(" ")
            if scheme.lower() != "bearer" or not value.strip():
                raise Unauthenticated(
                    "The Authorization header must be 'Bearer <token>'.", field="Authorization", value=scheme
                )
            bearer = value.strip()
        return cls(bearer=bearer, cookie=cookies.get(SESSION_COOKIE), csrf=headers.get(CSRF_HEADER))

    @classmethod
    def from_connection_params(cls, params: Mapping[str, object] | None, cookies: Mapping[str, str]) -> Credentials:
        params = params or {}
        token = params.get("token") or params.get("authToken")
        authorization = params.get("Authorization") or params.get("authorization")
        if token is None and isinstance(authorization, str) and authorization.lower().startswith("bearer "):
            token = authorization[7:]
        if token is not None and not isinstance(token, str):
            raise Unauthenticated("connection_init payload 'token' must be a string.", field="token", value=json.dumps(token)[:40])
        return cls(bearer=token or None, cookie=cookies.get(SESSION_COOKIE), csrf=None)


class Authenticator:
    """Turns credentials into a Principal by reading the identity read models and the sessions table."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.reader = runtime.readers.identity

    def authenticate(self, credentials: Credentials) -> tuple[Principal, Session | None]:
        if credentials.bearer is not None:
            return self.from_token(credentials.bearer), None
        if credentials.cookie is not None:
            return self.from_session(credentials.cookie)
        raise Unauthenticated(
            "Sign in first: send 'Authorization: Bearer <token>' or the session cookie from the login mutation.",
            field="Authorization",
            value=None,
        )

    def readable_teams(self, principal: Principal, action: str) -> list[str] | None:
        """Return the ids of the teams the caller may read: a token's own team, a user's teams, or None (all) for an administrator."""
        principal.require_scope("read", action)
        if principal.reachable_team is not None:
            return [str(principal.reachable_team)]
        if principal.is_admin:
            return None
        return sorted(self.reader.memberships(str(principal.user_id)))

    def from_token(self, secret: str) -> Principal:
        row = self.reader.token_by_digest(token_digest(secret))
        shown = secret[:10] + "…"
        if row is None:
            raise Unauthenticated(f"The API token {shown} is not valid.", field="Authorization", value=shown)
        if row["revoked_at"]:
            raise Unauthenticated(f"The API token {shown} was revoked at {row['revoked_at']}.", field="Authorization", value=shown)
        expires_at = parse_iso(row["expires_at"])
        if expires_at is not None and expires_at <= self.runtime.clock():
            raise Unauthenticated(f"The API token {shown} expired at {row['expires_at']}.", field="Authorization", value=shown)
        user = self._active_user(row["user_id"])
        member = self.reader.member(row["team_id"], row["user_id"])
        # A token issued before its owner's current membership began (they left and were added
        # back) belongs to the old membership and stays dead.
        if member is None or int(member["joined_position"]) > int(row["position"]):
            raise Unauthenticated(
                f"The API token {shown} belongs to a user who is no longer a member of its team.", field="Authorization", value=shown
            )
        # A token never grants more than its owner's current role allows.
        scopes = frozenset(json.loads(row["scopes"])) & SCOPES_BY_ROLE[member["role"]]
        return Principal(
            user_id=uuid.UUID(row["user_id"]),
            username=user["username"],
            is_admin=bool(user["is_admin"]),
            via=TOKEN,
            scopes=scopes,
            token_team=uuid.UUID(row["team_id"]),
            token_id=uuid.UUID(row["token_id"]),
        )

    def from_session(self, cookie: str) -> tuple[Principal, Session]:
        session = self.runtime.sessions.find(cookie)
        if session is None:
            raise Unauthenticated("The session has expired or was signed out; sign in again.", field="cookie", value=None)
        user = self._active_user(str(session.user_id))
        principal = Principal(
            user_id=session.user_id, username=user["username"], is_admin=bool(user["is_admin"]), via=SESSION,
            session_id=session.session_id,
        )
        return principal, session

    def _active_user(self, user_id: str) -> dict[str, object]:
        user = self.reader.user(user_id)
        if user is None or user["erased"]:
            raise Unauthenticated("The user of these credentials no longer exists.", field="Authorization", value=None)
        return user


def check_csrf(session: Session | None, presented: str | None) -> None:
    """Raise Forbidden unless a change made with a session cookie repeats the session's CSRF token."""
    if session is None:
        return
    if not presented:
        raise Forbidden(
            "Changes made with a session cookie need the X-CSRF-Token header; its value is viewer.csrfToken "
            "from the login response.",
            field="X-CSRF-Token",
            value=None,
        )
    if not hmac.compare_digest(presented, session.csrf_token):
        raise Forbidden(
            "The X-CSRF-Token header does not match this session; send viewer.csrfToken from this session's login.",
            field="X-CSRF-Token",
            value=presented[:8] + "…",
        )


def highest_role(memberships: Mapping[str, str]) -> str | None:
    if not memberships:
        return None
    return max(memberships.values(), key=ROLE_RANK.__getitem__)
