"""Access rules: the caller of a command, and the rights its team role and token scopes give."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from backend.domain.base import Forbidden, NotFound
from backend.domain.identity import ADMIN, ADMIN_SCOPE, EDITOR, READ, ROLE_RANK, SCOPES, VIEWER, WRITE

SESSION, TOKEN, SYSTEM = "session", "token", "system"


@dataclass(frozen=True)
class Principal:
    """An authenticated caller: a signed-in user (all scopes) or an API token (bound to one team, some scopes)."""

    user_id: uuid.UUID
    username: str
    is_admin: bool
    via: str
    scopes: frozenset[str] = field(default_factory=lambda: frozenset(SCOPES))
    token_team: uuid.UUID | None = None
    token_id: uuid.UUID | None = None
    session_id: str | None = None

    @property
    def actor(self) -> str:
        return str(self.user_id)

    @property
    def caller_id(self) -> str:
        """The id a deployment counts this caller's requests under: the API token's id, or the signed-in user's id."""
        return str(self.token_id) if self.via == TOKEN and self.token_id is not None else self.actor

    @property
    def is_operator(self) -> bool:
        """A platform administrator acting with the admin scope reaches every team, even through a token."""
        return self.is_admin and ADMIN_SCOPE in self.scopes

    @property
    def reachable_team(self) -> uuid.UUID | None:
        """The one team this caller is confined to, or None when team membership alone decides."""
        return None if self.is_operator else self.token_team

    def require_scope(self, scope: str, action: str) -> None:
        if scope not in self.scopes:
            raise Forbidden(
                f"{action} needs a token with scope {scope!r}; this token has {', '.join(sorted(self.scopes)) or 'none'}.",
                field="scopes",
                value=sorted(self.scopes),
            )

    def require_platform_admin(self, action: str) -> None:
        self.require_scope(ADMIN_SCOPE, action)
        if not self.is_admin:
            raise Forbidden(f"{action} needs a platform administrator.", field="viewer", value=self.username)

    def check_team_reach(self, team_id: uuid.UUID) -> None:
        """Raise NotFound for a team outside this token's reach, so the team looks as if it did not exist."""
        # The message names the team by id only: its name would tell an outsider that the team exists.
        if self.reachable_team is not None and self.reachable_team != team_id:
            raise NotFound(
                f"Team {team_id} was not found among the teams this token can reach.",
                field="teamId",
                value=str(team_id),
            )

    def require_role(self, team_id: uuid.UUID, role: str | None, needed: str, action: str, *, team_name: str = "") -> None:
        """Raise unless the caller's role in the team is at least `needed` (and the token has the matching scope)."""
        self.check_team_reach(team_id)
        if role is None and not self.is_admin:
            raise NotFound(f"Team {team_id} was not found among your teams.", field="teamId", value=str(team_id))
        self.require_scope(SCOPE_FOR_ROLE[needed], action)
        if role is None or ROLE_RANK[role] < ROLE_RANK[needed]:
            raise Forbidden(
                f"{action} needs role {needed} in team {team_name or team_id}; you are {role or 'not a member'}.",
                field="role",
                value=role,
            )


# The token scope an action of each role level needs: reading needs `read`, editing `write`, managing `admin`.
SCOPE_FOR_ROLE = {VIEWER: READ, EDITOR: WRITE, ADMIN: ADMIN_SCOPE}


def system_principal() -> Principal:
    """Return the principal of the platform itself, for start-up work such as creating the first administrator."""
    return Principal(user_id=uuid.UUID(int=0), username="system", is_admin=True, via=SYSTEM)
