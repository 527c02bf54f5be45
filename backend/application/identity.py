"""Identity commands: users, teams, members and API tokens, each checked against the caller's rights."""

from __future__ import annotations

import hashlib
import logging
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from backend.application.aggregates import exists, load
from backend.application.commands import CommandRunner, Outcome
from backend.application.keys import KeyErased, KeyStore
from backend.domain.access import Principal
from backend.domain.base import Cause, Conflict, InvalidInput, NameIndex, NotFound, index_id
from backend.domain.identity import ADMIN, EDITOR, SCOPES, VIEWER, ApiToken, Team, User, check_team_name, check_username
from backend.domain.validation import FORBIDDEN_CHARACTERS, check_length

log = logging.getLogger(__name__)

TOKEN_PREFIX = "mc_"
MIN_PASSWORD = 8
MAX_PASSWORD = 256
MAX_DISPLAY_NAME = 200
MAX_EMAIL = 320
BOOTSTRAP_USERNAME = "admin"
BOOTSTRAP_TEAM = "default"

T = TypeVar("T")


@dataclass(frozen=True)
class IssuedToken:
    """A new token's id and its secret, which exists only in this object and the caller's hands."""

    token_id: uuid.UUID
    secret: str
    outcome: Outcome


@dataclass(frozen=True)
class BootstrapCredentials:
    username: str
    password: str
    team_id: uuid.UUID
    token: str
    outcome: Outcome


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_token_secret() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


class IdentityService:
    """Commands of the identity context. Team rights are checked on the Team aggregate itself, not a read model."""

    def __init__(
        self, runner: CommandRunner, keys: KeyStore, clock: Callable[[], datetime], hasher: PasswordHasher | None = None
    ) -> None:
        self.runner = runner
        self.store = runner.store
        self.keys = keys
        self.clock = clock
        # Each hash records its own parameters, so hashes made with other settings still verify.
        self.hasher = hasher or PasswordHasher()
        self._throwaway_hash: str | None = None

    def _load(self, aggregate_id: uuid.UUID, kind: type[T], field: str, label: str) -> T:
        return load(self.store, aggregate_id, kind, field, label)

    def _exists(self, aggregate_id: uuid.UUID) -> bool:
        return exists(self.store, aggregate_id)

    # users

    def bootstrap(self, cause: Cause) -> BootstrapCredentials | None:
        """Create the first administrator, a `default` team and a token with every scope, once per installation.

        Returns None when an installation already has its first administrator.
        """
        if self._exists(index_id("installation", "first-admin")):
            return None
        password = secrets.token_urlsafe(18)
        user_id, team_id, token_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
        secret = new_token_secret()

        def decide() -> list[object]:
            marker = NameIndex.reserve("installation", "first-admin", user_id, cause)
            user, user_name = self._new_user(user_id, BOOTSTRAP_USERNAME, password, "Administrator", "", True, cause)
            team_name = NameIndex.reserve("team", BOOTSTRAP_TEAM, team_id, cause.for_team(str(team_id)))
            team = Team.create(team_id, BOOTSTRAP_TEAM, "Created at first start.", user_id, cause)
            token = ApiToken.issue(
                token_id, team_id=team_id, user_id=user_id, role=ADMIN, name="bootstrap", scopes=list(SCOPES),
                secret_sha256=token_digest(secret), prefix=secret[:10], expires_at=None, cause=cause.for_team(str(team_id)),
            )
            return [marker, user, user_name, team_name, team, token]

        try:
            outcome = self.runner.run("bootstrap", cause, decide)
        except Conflict:
            return None
        return BootstrapCredentials(BOOTSTRAP_USERNAME, password, team_id, secret, outcome)

    def create_user(
        self, principal: Principal, cause: Cause, *, username: str, password: str,
        display_name: str = "", email: str = "", is_admin: bool = False,
    ) -> tuple[uuid.UUID, Outcome]:
        principal.require_platform_admin("createUser")
        check_username(username)
        check_password(password)
        user_id = uuid.uuid4()

        def decide() -> list[object]:
            if self._exists(index_id("username", username)):
                raise Conflict(f"username {username!r} is already taken; choose another.", field="username", value=username)
            user, reservation = self._new_user(user_id, username, password, display_name, email, is_admin, cause)
            return [reservation, user]

        return user_id, self.runner.run("createUser", cause, decide)

    def _new_user(
        self, user_id: uuid.UUID, username: str, password: str, display_name: str, email: str, is_admin: bool, cause: Cause
    ) -> tuple[User, NameIndex]:
        check_length("displayName", display_name, maximum=MAX_DISPLAY_NAME)
        check_length("email", email, maximum=MAX_EMAIL)
        if email and "@" not in email:
            raise InvalidInput(f"email {email!r} is invalid: expected an address such as name@example.org.", field="email", value=email)
        self.keys.create_key(user_id)
        profile = self.keys.seal(user_id, {"displayName": display_name, "email": email})
        user = User.register(user_id, username, is_admin=is_admin, sealed_profile=profile, cause=cause)
        user.change_password(self.keys.seal(user_id, {"argon2": self.hasher.hash(password)}), cause)
        reservation = NameIndex.reserve("username", username, user_id, cause)
        return user, reservation

    def change_password(self, principal: Principal, cause: Cause, *, current: str, new: str) -> Outcome:
        check_password(new, field="newPassword")

        def decide() -> list[object]:
            user = self._load(principal.user_id, User, "userId", "User")
            if not self.password_matches(user.id, user.sealed_password_hash, current):
                raise InvalidInput("currentPassword is not the current password.", field="currentPassword", value=None)
            user.change_password(self.keys.seal(user.id, {"argon2": self.hasher.hash(new)}), cause)
            return [user]

        return self.runner.run("changePassword", cause, decide)

    def spend_password_check(self, password: str) -> None:
        """Verify against a throwaway hash, so an unknown username takes as long as a wrong password."""
        if self._throwaway_hash is None:
            self._throwaway_hash = self.hasher.hash(secrets.token_urlsafe(16))
        try:
            self.hasher.verify(self._throwaway_hash, password)
        except (VerificationError, InvalidHashError):
            pass

    def password_matches(self, user_id: uuid.UUID, sealed_hash: str | None, password: str) -> bool:
        if not sealed_hash:
            return False
        try:
            stored = self.keys.open(user_id, sealed_hash)["argon2"]
            return self.hasher.verify(stored, password)
        except (KeyErased, VerificationError, InvalidHashError):
            return False

    def erase_user(self, principal: Principal, cause: Cause, user_id: uuid.UUID) -> Outcome:
        """Mark the user erased and delete their key, which leaves their personal data in the log unreadable."""
        principal.require_platform_admin("eraseUser")

        def decide() -> list[object]:
            user = self._load(user_id, User, "userId", "User")
            user.erase(cause)
            return [user]

        outcome = self.runner.run("eraseUser", cause, decide)
        self.keys.delete_key(user_id)
        return outcome

    # teams

    def create_team(self, principal: Principal, cause: Cause, *, name: str, description: str = "") -> tuple[uuid.UUID, Outcome]:
        principal.require_scope("write", "createTeam")
        if principal.token_team is not None:
            principal.require_scope("admin", "createTeam")
        check_team_name(name)
        team_id = uuid.uuid4()
        team_cause = cause.for_team(str(team_id))

        def decide() -> list[object]:
            if self._exists(index_id("team", name)):
                raise Conflict(f"Team name {name!r} is already taken; choose another.", field="name", value=name)
            reservation = NameIndex.reserve("team", name, team_id, team_cause)
            team = Team.create(team_id, name, description, principal.user_id, team_cause)
            return [reservation, team]

        return team_id, self.runner.run("createTeam", cause, decide)

    def add_member(self, principal: Principal, cause: Cause, *, team_id: uuid.UUID, user_id: uuid.UUID, role: str) -> Outcome:
        def decide() -> list[object]:
            team = self._team_for(principal, team_id, ADMIN, "addMember")
            user = self._load(user_id, User, "userId", "User")
            if user.erased:
                raise NotFound(f"User {user_id} was not found.", field="userId", value=str(user_id))
            team.add_member(user_id, role, cause.for_team(str(team_id)))
            return [team]

        return self.runner.run("addMember", cause, decide)

    def change_member_role(self, principal: Principal, cause: Cause, *, team_id: uuid.UUID, user_id: uuid.UUID, role: str) -> Outcome:
        def decide() -> list[object]:
            team = self._team_for(principal, team_id, ADMIN, "changeMemberRole")
            team.change_member_role(user_id, role, cause.for_team(str(team_id)))
            return [team]

        return self.runner.run("changeMemberRole", cause, decide)

    def remove_member(self, principal: Principal, cause: Cause, *, team_id: uuid.UUID, user_id: uuid.UUID) -> Outcome:
        def decide() -> list[object]:
            team = self._team_for(principal, team_id, ADMIN, "removeMember")
            team.remove_member(user_id, cause.for_team(str(team_id)))
            return [team]

        return self.runner.run("removeMember", cause, decide)

    def _team_for(self, principal: Principal, team_id: uuid.UUID, needed: str, action: str) -> Team:
        principal.check_team_reach(team_id)
        team = self._load(team_id, Team, "teamId", "Team")
        principal.require_role(team_id, team.role_of(principal.user_id), needed, action, team_name=team.name)
        return team

    # tokens

    def issue_token(
        self, principal: Principal, cause: Cause, *, team_id: uuid.UUID, name: str, scopes: list[str],
        expires_at: datetime | None = None,
    ) -> IssuedToken:
        """Issue a token for the caller in a team they belong to, with no scope beyond their role."""
        secret = new_token_secret()
        token_id = uuid.uuid4()
        if principal.token_team is not None:
            principal.require_scope("admin", "createApiToken")

        def decide() -> list[object]:
            team = self._team_for(principal, team_id, VIEWER, "createApiToken")
            role = team.role_of(principal.user_id) or VIEWER
            token = ApiToken.issue(
                token_id, team_id=team_id, user_id=principal.user_id, role=role, name=name, scopes=scopes,
                secret_sha256=token_digest(secret), prefix=secret[:10], expires_at=expires_at,
                cause=cause.for_team(str(team_id)),
            )
            return [token]

        outcome = self.runner.run("createApiToken", cause, decide)
        log.info("api token issued", extra={"token_id": str(token_id), "team_id": str(team_id), "correlation_id": cause.correlation_id})
        return IssuedToken(token_id, secret, outcome)

    def revoke_token(self, principal: Principal, cause: Cause, *, token_id: uuid.UUID) -> Outcome:
        """Revoke a token: its owner may, and so may an admin of its team."""

        def decide() -> list[object]:
            token = self._load(token_id, ApiToken, "id", "Token")
            if not self._may_see_token(principal, token):
                # The same error as for an unknown id, so token ids of other teams reveal nothing.
                raise NotFound(f"Token {token_id} was not found.", field="id", value=str(token_id))
            if token.user_id != principal.user_id:
                self._team_for(principal, token.team_id, ADMIN, "revokeApiToken")
            elif principal.token_team is not None:
                principal.require_scope("admin", "revokeApiToken")
            token.revoke(cause.for_team(str(token.team_id)))
            return [token]

        return self.runner.run("revokeApiToken", cause, decide)

    def _may_see_token(self, principal: Principal, token: ApiToken) -> bool:
        if principal.reachable_team is not None and principal.reachable_team != token.team_id:
            return False
        if token.user_id == principal.user_id or principal.is_operator:
            return True
        team = self._load(token.team_id, Team, "teamId", "Team")
        return team.role_of(principal.user_id) is not None


def check_password(password: str, field: str = "password") -> None:
    if FORBIDDEN_CHARACTERS.search(password):
        raise InvalidInput(f"{field} contains a NUL character or an unpaired surrogate; choose another.", field=field, value=None)
    if len(password) < MIN_PASSWORD or len(password) > MAX_PASSWORD:
        raise InvalidInput(
            f"{field} is invalid: it must be {MIN_PASSWORD} to {MAX_PASSWORD} characters long (got {len(password)}).",
            field=field,
            value=None,
        )


__all__ = ["BootstrapCredentials", "IdentityService", "IssuedToken", "token_digest", "EDITOR"]
