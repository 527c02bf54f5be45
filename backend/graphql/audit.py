"""GraphQL of the audit log: paged queries and the live `events` feed."""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator
from datetime import datetime, timezone
from typing import Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from backend.domain.access import Principal
from backend.domain.base import InvalidInput, NotFound, iso, parse_iso
from backend.graphql.coalescing import CoalescingReader
from backend.graphql.connections import DEFAULT_PAGE, Connection, check_first, decode_position_cursor, page
from backend.graphql.context import Context, in_thread
from backend.graphql.identity import parse_id, visible_team_ids
from backend.graphql.telemetry import pushing
from backend.projections.audit import AUDIT_TOPIC, AuditFilter, AuditReader

REPLAY_BATCH = 500
RIGHTS_ACTIONS = {"Team.MemberRemoved", "Team.MemberRoleChanged", "ApiToken.Revoked", "User.Erased"}
from backend.telemetry import subscriptions_active

Row = dict[str, Any]


@strawberry.type(description="One event of the log, as the audit log shows it.")
class AuditEntry:
    position: int = strawberry.field(description="The event's place in the one ordered log of all events.")
    occurred_at: datetime
    actor: str = strawberry.field(description="Opaque id of the user (or 'system') that caused the event.")
    team_id: strawberry.ID | None
    action: str = strawberry.field(description="Aggregate and event, such as Team.MemberAdded.")
    subject_type: str
    subject_id: strawberry.ID
    subject_version: int
    subject_name: str | None = strawberry.field(
        description="The subject's name when the entry was recorded, such as iris, or iris v3 for a version; "
        "null for subjects without a name."
    )
    summary: str = strawberry.field(description="What happened, in English, with names, numbers and reasons.")
    summary_parameters: JSON = strawberry.field(
        description="The summary's facts as named values, so a client can write the sentence in another language: "
        "subjects by name, numbers as numbers, times as ISO 8601 text. Every entry of one action has the same "
        "names, and a fact the summary leaves out is null. An action without parameters has an empty object."
    )
    correlation_id: str
    causation_id: str

    @classmethod
    def from_row(cls, row: Row) -> AuditEntry:
        return cls(
            position=int(row["position"]),
            occurred_at=parse_iso(row["occurred_at"]),  # type: ignore[arg-type]
            actor=row["actor"],
            team_id=strawberry.ID(row["team"]) if row["team"] else None,
            action=row["action"],
            subject_type=row["subject_type"],
            subject_id=strawberry.ID(row["subject_id"]),
            subject_version=int(row["subject_version"]),
            subject_name=row["subject_name"],
            summary=row["summary"],
            summary_parameters=json.loads(row["summary_parameters"]),
            correlation_id=row["correlation_id"],
            causation_id=row["causation_id"],
        )


@strawberry.input(description="Conditions on audit entries; every condition given must hold.")
class AuditLogFilter:
    actor: str | None = None
    team_id: strawberry.ID | None = None
    subject_id: strawberry.ID | None = None
    subject_type: str | None = None
    action: str | None = None
    since: datetime | None = strawberry.field(default=None, description="Entries at or after this time.")
    until: datetime | None = strawberry.field(default=None, description="Entries before this time.")


async def scoped_filter(info: Info[Context, None], given: AuditLogFilter | None) -> AuditFilter:
    """Translate the GraphQL filter and restrict it to the teams the caller may read."""
    given = given or AuditLogFilter()
    since = utc("filter.since", given.since)
    until = utc("filter.until", given.until)
    if since and until and since >= until:
        raise InvalidInput(
            f"filter.since {iso(since)} must be before filter.until {iso(until)}.", field="filter.since", value=iso(since)
        )
    team = str(parse_id("filter.teamId", given.team_id)) if given.team_id else None
    visible = await visible_team_ids(info)
    if team is not None and visible is not None and team not in visible:
        raise NotFound(f"Team {team} was not found among your teams.", field="filter.teamId", value=team)
    return AuditFilter(
        actor=given.actor,
        team=team,
        subject_id=given.subject_id,
        subject_type=given.subject_type,
        action=given.action,
        since=iso(since),
        until=iso(until),
        teams=tuple(visible) if visible is not None else None,
    )


def utc(field: str, moment: datetime | None) -> datetime | None:
    """Return `moment` in UTC, or raise InvalidInput naming `field` when it has no zone or leaves the datetime range."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        raise InvalidInput(
            f"{field} {moment.isoformat()} has no time zone; send it in UTC such as 2026-12-01T00:00:00Z.",
            field=field,
            value=moment.isoformat(),
        )
    try:
        return moment.astimezone(timezone.utc)
    except OverflowError:
        raise InvalidInput(
            f"{field} {moment.isoformat()} is outside the years 1 to 9999 in UTC.", field=field, value=moment.isoformat()
        ) from None


@strawberry.type
class AuditQuery:
    @strawberry.field(description="Audit entries of the caller's teams, newest first.")
    async def audit_log(
        self,
        info: Info[Context, None],
        filter: AuditLogFilter | None = None,  # noqa: A002
        first: int = DEFAULT_PAGE,
        after: str | None = None,
    ) -> Connection[AuditEntry]:
        check_first(first)
        before = decode_position_cursor("audit", after)
        where = await scoped_filter(info, filter)
        rows = await in_thread(info.context.runtime.readers.audit.entries, where, before, first + 1)
        return page(rows, first, "audit", lambda row: row["position"], AuditEntry.from_row, has_previous=after is not None)


@strawberry.type
class AuditSubscription:
    @strawberry.subscription(
        description=(
            "Each new audit entry of the caller's teams that matches the filter, as it is recorded. "
            "With afterPosition, entries after that position are sent first, so a client that "
            "reconnects misses nothing; a position beyond the newest entry counts as the newest, "
            "and a negative one as 0."
        )
    )
    async def events(
        self,
        info: Info[Context, None],
        filter: AuditLogFilter | None = None,  # noqa: A002
        after_position: int | None = None,
    ) -> AsyncGenerator[AuditEntry, None]:
        where = await scoped_filter(info, filter)
        reader = info.context.runtime.readers.audit
        broker = info.context.runtime.broker
        rows = info.context.audit_rows or CoalescingReader(reader.entry)
        subscriptions_active.inc()
        try:
            async with broker.subscribe(lambda topic: topic == AUDIT_TOPIC) as changes:
                newest = await in_thread(_newest_position, reader)
                last = newest if after_position is None else max(0, min(after_position, newest))
                while True:
                    backlog = await in_thread(reader.entries, where, last, REPLAY_BATCH, oldest_first=True)
                    for row in backlog:
                        yield AuditEntry.from_row(row)
                    if len(backlog) < REPLAY_BATCH:
                        break
                    last = int(backlog[-1]["position"])
                last = int(backlog[-1]["position"]) if backlog else last
                scoped_at = info.context._auth_checked_at
                async for change in changes:
                    position = int(change.keys["position"])
                    if position <= last:
                        continue
                    # Raises Unauthenticated, ending the subscription, once the credentials stop working.
                    # A change to this caller's own rights is checked at once, any other within a second.
                    principal = await info.context.principal()
                    affected = affects_rights_of(principal, change.keys)
                    await info.context.authenticate(max_age=0.0 if affected else None)
                    if info.context._auth_checked_at != scoped_at:
                        where = await scoped_filter(info, filter)
                        scoped_at = info.context._auth_checked_at
                    if where.teams is not None and change.keys.get("team") not in where.teams:
                        continue
                    row = await rows.read(position)
                    if row is not None and where.matches(row):
                        last = position
                        with pushing(info, [change]):
                            yield AuditEntry.from_row(row)
        finally:
            subscriptions_active.dec()


def affects_rights_of(principal: Principal, keys: dict[str, Any]) -> bool:
    """Return whether an audit change may have narrowed this caller's rights: their role, token or user."""
    if keys.get("action") not in RIGHTS_ACTIONS:
        return False
    mine = {str(principal.user_id), str(principal.token_id)}
    return keys.get("user") in mine or keys.get("subject") in mine


def _newest_position(reader: AuditReader) -> int:
    rows = reader.entries(AuditFilter(), None, 1)
    return int(rows[0]["position"]) if rows else 0


