"""Identity: users, teams with their members' roles, and API tokens."""

from __future__ import annotations

import copy
import re
import uuid
from datetime import datetime, timedelta
from typing import Any

from backend.domain.base import Cause, Conflict, Forbidden, InvalidInput, ModelCloudAggregate, NotFound
from backend.domain.validation import check_choice, check_length, check_pattern

VIEWER, EDITOR, ADMIN = "viewer", "editor", "admin"
ROLES = (VIEWER, EDITOR, ADMIN)
ROLE_RANK = {VIEWER: 0, EDITOR: 1, ADMIN: 2}

READ, WRITE, PREDICT, ADMIN_SCOPE = "read", "write", "predict", "admin"
SCOPES = (READ, WRITE, PREDICT, ADMIN_SCOPE)
# The scopes a member may put on a token, by role: a token never grants more than its owner's role.
SCOPES_BY_ROLE = {
    VIEWER: frozenset({READ, PREDICT}),
    EDITOR: frozenset({READ, WRITE, PREDICT}),
    ADMIN: frozenset(SCOPES),
}

USERNAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9_.-]{1,31}")
TEAM_NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9 _.-]{0,62}[A-Za-z0-9]|[A-Za-z0-9]")
USERNAME_RULE = "2 to 32 characters of lowercase letters, digits, '_', '.' or '-', starting with a letter or digit"
TEAM_NAME_RULE = "1 to 64 characters of letters, digits, spaces, '_', '.' or '-', starting and ending with a letter or digit"
MAX_TOKEN_NAME = 100
MAX_TOKEN_LIFETIME = timedelta(days=3650)
MAX_DESCRIPTION = 2000


def check_username(value: str) -> str:
    return check_pattern("username", value, USERNAME_PATTERN, USERNAME_RULE)


def check_team_name(value: str) -> str:
    check_length("name", value, minimum=1, maximum=64)
    return check_pattern("name", value, TEAM_NAME_PATTERN, TEAM_NAME_RULE)


def check_role(value: str) -> str:
    return check_choice("role", value, ROLES)


class User(ModelCloudAggregate):
    """A person who signs in. Personal data (display name, e-mail) and the password hash are ciphertext
    under the user's own key, which lives outside the event store so erasing it erases them."""

    class Registered(ModelCloudAggregate.Created):
        username: str
        is_admin: bool
        sealed_profile: str

        def apply(self, aggregate: User) -> None:
            aggregate.username = self.username
            aggregate.is_admin = self.is_admin
            aggregate.sealed_profile = self.sealed_profile
            aggregate.sealed_password_hash = None
            aggregate.erased = False

    class PasswordChanged(ModelCloudAggregate.Event):
        sealed_password_hash: str

        def apply(self, aggregate: User) -> None:
            aggregate.sealed_password_hash = self.sealed_password_hash

    class Erased(ModelCloudAggregate.Event):
        def apply(self, aggregate: User) -> None:
            aggregate.erased = True

    username: str
    is_admin: bool
    sealed_profile: str
    sealed_password_hash: str | None
    erased: bool

    def __init__(self, **_: Any) -> None:
        pass

    @classmethod
    def register(cls, user_id: uuid.UUID, username: str, *, is_admin: bool, sealed_profile: str, cause: Cause) -> User:
        check_username(username)
        return cls._start(cls.Registered, cause, id=user_id, username=username, is_admin=is_admin, sealed_profile=sealed_profile)

    def change_password(self, sealed_password_hash: str, cause: Cause) -> None:
        self._check_not_erased()
        self._record(self.PasswordChanged, cause, sealed_password_hash=sealed_password_hash)

    def erase(self, cause: Cause) -> None:
        self._check_not_erased()
        self._record(self.Erased, cause)

    def _check_not_erased(self) -> None:
        if self.erased:
            raise NotFound(f"User {self.id} has been erased.", field="userId", value=str(self.id))


class Team(ModelCloudAggregate):
    """A team owns models, datasets and runs; its members each have one role."""

    class Created(ModelCloudAggregate.Created):
        name: str
        description: str

        def apply(self, aggregate: Team) -> None:
            aggregate.name = self.name
            aggregate.description = self.description
            aggregate.members = {}

    class MemberAdded(ModelCloudAggregate.Event):
        user_id: uuid.UUID
        role: str

        def apply(self, aggregate: Team) -> None:
            aggregate.members[self.user_id] = self.role

    class MemberRoleChanged(ModelCloudAggregate.Event):
        user_id: uuid.UUID
        role: str
        previous_role: str

        def apply(self, aggregate: Team) -> None:
            aggregate.members[self.user_id] = self.role

    class MemberRemoved(ModelCloudAggregate.Event):
        user_id: uuid.UUID
        previous_role: str

        def apply(self, aggregate: Team) -> None:
            del aggregate.members[self.user_id]

    name: str
    description: str
    members: dict[uuid.UUID, str]

    def __init__(self, **_: Any) -> None:
        pass

    def __deepcopy__(self, memo: dict[int, Any]) -> Team:
        # The repository copies every aggregate it hands out of its cache. A generic deep copy of a
        # large team copies each member's UUID, although UUIDs, strings and times never change, so
        # copying the two mutable containers is enough.
        copied = copy.copy(self)
        copied.members = dict(self.members)
        copied._pending_events = list(self._pending_events)
        return copied

    @classmethod
    def create(cls, team_id: uuid.UUID, name: str, description: str, founder: uuid.UUID, cause: Cause) -> Team:
        check_team_name(name)
        check_length("description", description, maximum=MAX_DESCRIPTION)
        team = cls._start(cls.Created, cause.for_team(str(team_id)), id=team_id, name=name, description=description)
        team.add_member(founder, ADMIN, cause.for_team(str(team_id)))
        return team

    def role_of(self, user_id: uuid.UUID) -> str | None:
        return self.members.get(user_id)

    def add_member(self, user_id: uuid.UUID, role: str, cause: Cause) -> None:
        check_role(role)
        if user_id in self.members:
            raise Conflict(
                f"User {user_id} is already a member of team {self.name!r} with role {self.members[user_id]}.",
                field="userId",
                value=str(user_id),
            )
        self._record(self.MemberAdded, cause, user_id=user_id, role=role)

    def change_member_role(self, user_id: uuid.UUID, role: str, cause: Cause) -> None:
        check_role(role)
        previous = self._role_or_raise(user_id)
        if previous == role:
            return
        if previous == ADMIN:
            self._check_not_last_admin(user_id, "change the role of")
        self._record(self.MemberRoleChanged, cause, user_id=user_id, role=role, previous_role=previous)

    def remove_member(self, user_id: uuid.UUID, cause: Cause) -> None:
        previous = self._role_or_raise(user_id)
        if previous == ADMIN:
            self._check_not_last_admin(user_id, "remove")
        self._record(self.MemberRemoved, cause, user_id=user_id, previous_role=previous)

    def _role_or_raise(self, user_id: uuid.UUID) -> str:
        role = self.members.get(user_id)
        if role is None:
            raise NotFound(f"User {user_id} is not a member of team {self.name!r}.", field="userId", value=str(user_id))
        return role

    def _check_not_last_admin(self, user_id: uuid.UUID, action: str) -> None:
        admins = [member for member, role in self.members.items() if role == ADMIN]
        if admins == [user_id]:
            raise Conflict(
                f"Cannot {action} the last admin of team {self.name!r}; make another member admin first.",
                field="userId",
                value=str(user_id),
            )


class ApiToken(ModelCloudAggregate):
    """A bearer token bound to one team and one user. Only the SHA-256 of the secret is recorded."""

    class Issued(ModelCloudAggregate.Created):
        team_id: uuid.UUID
        user_id: uuid.UUID
        name: str
        scopes: list[str]
        secret_sha256: str
        prefix: str
        expires_at: datetime | None

        def apply(self, aggregate: ApiToken) -> None:
            aggregate.team_id = self.team_id
            aggregate.user_id = self.user_id
            aggregate.name = self.name
            aggregate.scopes = list(self.scopes)
            aggregate.expires_at = self.expires_at
            aggregate.revoked = False

    class Revoked(ModelCloudAggregate.Event):
        def apply(self, aggregate: ApiToken) -> None:
            aggregate.revoked = True

    team_id: uuid.UUID
    user_id: uuid.UUID
    name: str
    scopes: list[str]
    expires_at: datetime | None
    revoked: bool

    def __init__(self, **_: Any) -> None:
        pass

    @classmethod
    def issue(
        cls,
        token_id: uuid.UUID,
        *,
        team_id: uuid.UUID,
        user_id: uuid.UUID,
        role: str,
        name: str,
        scopes: list[str],
        secret_sha256: str,
        prefix: str,
        expires_at: datetime | None,
        cause: Cause,
    ) -> ApiToken:
        check_length("name", name, minimum=1, maximum=MAX_TOKEN_NAME)
        if not scopes:
            raise_invalid_scopes(scopes, "at least one scope is needed")
        for scope in scopes:
            check_choice("scopes", scope, SCOPES)
        beyond_role = sorted(set(scopes) - SCOPES_BY_ROLE[role])
        if beyond_role:
            raise Forbidden(
                f"A member with role {role} cannot issue a token with scopes {', '.join(beyond_role)}; "
                f"allowed: {', '.join(sorted(SCOPES_BY_ROLE[role]))}.",
                field="scopes",
                value=beyond_role,
            )
        if expires_at is not None and not cause.at < expires_at <= cause.at + MAX_TOKEN_LIFETIME:
            raise_invalid_expiry(expires_at)
        return cls._start(
            cls.Issued,
            cause,
            id=token_id,
            team_id=team_id,
            user_id=user_id,
            name=name,
            scopes=sorted(set(scopes)),
            secret_sha256=secret_sha256,
            prefix=prefix,
            expires_at=expires_at,
        )

    def revoke(self, cause: Cause) -> None:
        if self.revoked:
            raise Conflict(f"Token {self.id} is already revoked.", field="id", value=str(self.id))
        self._record(self.Revoked, cause)


def raise_invalid_scopes(scopes: list[str], reason: str) -> None:
    raise InvalidInput(f"scopes {scopes!r} is invalid: {reason}; choose from {', '.join(SCOPES)}.", field="scopes", value=scopes)


def raise_invalid_expiry(expires_at: datetime) -> None:
    raise InvalidInput(
        f"expiresAt {expires_at.isoformat()} is invalid: it must be in the future and at most "
        f"{MAX_TOKEN_LIFETIME.days} days away.",
        field="expiresAt",
        value=expires_at.isoformat(),
    )
