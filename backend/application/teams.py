"""Loading a team to check the caller's role in it, shared by every context's commands."""

from __future__ import annotations

import uuid

from eventsourcing.application import AggregateNotFoundError

from backend.application.eventstore import EventStore
from backend.domain.access import Principal
from backend.domain.base import NotFound
from backend.domain.identity import Team


def team_with_role(store: EventStore, principal: Principal, team_id: uuid.UUID, needed: str, action: str) -> Team:
    """Return the team after checking the caller reaches it and has at least role `needed` in it."""
    principal.check_team_reach(team_id)
    try:
        team = store.repository.get(team_id)
    except AggregateNotFoundError:
        team = None
    if not isinstance(team, Team):
        raise NotFound(f"Team {team_id} was not found among your teams.", field="teamId", value=str(team_id))
    principal.require_role(team_id, team.role_of(principal.user_id), needed, action, team_name=team.name)
    return team
