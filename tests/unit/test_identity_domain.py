"""Rules of the identity aggregates, without any I/O."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from backend.domain.base import Cause, Conflict, Forbidden, InvalidInput, NotFound, index_id
from backend.domain.identity import ADMIN, EDITOR, VIEWER, ApiToken, Team, check_team_name, check_username

pytestmark = pytest.mark.unit


def cause() -> Cause:
    return Cause.new("actor-1", None)


def new_team(founder: uuid.UUID) -> Team:
    return Team.create(uuid.uuid4(), "Vision", "", founder, cause())


def test_founder_becomes_admin() -> None:
    founder = uuid.uuid4()

    team = new_team(founder)

    assert team.members == {founder: ADMIN}
    assert [type(event).__name__ for event in team.collect_events()] == ["Created", "MemberAdded"]


def test_last_admin_cannot_leave() -> None:
    founder = uuid.uuid4()
    team = new_team(founder)

    with pytest.raises(Conflict, match="last admin of team 'Vision'"):
        team.remove_member(founder, cause())


def test_last_admin_cannot_be_demoted() -> None:
    founder = uuid.uuid4()
    team = new_team(founder)

    with pytest.raises(Conflict, match="make another member admin first"):
        team.change_member_role(founder, VIEWER, cause())


def test_admin_can_leave_when_another_admin_remains() -> None:
    founder, other = uuid.uuid4(), uuid.uuid4()
    team = new_team(founder)
    team.add_member(other, ADMIN, cause())

    team.remove_member(founder, cause())

    assert team.members == {other: ADMIN}


def test_adding_existing_member_conflicts() -> None:
    founder = uuid.uuid4()
    team = new_team(founder)

    with pytest.raises(Conflict, match="already a member"):
        team.add_member(founder, EDITOR, cause())


def test_unknown_role_is_rejected_with_choices() -> None:
    team = new_team(uuid.uuid4())

    with pytest.raises(InvalidInput) as raised:
        team.add_member(uuid.uuid4(), "owner", cause())

    assert raised.value.field == "role"
    assert "expected one of admin, editor, viewer" in raised.value.message


def test_removing_non_member_is_not_found() -> None:
    team = new_team(uuid.uuid4())

    with pytest.raises(NotFound):
        team.remove_member(uuid.uuid4(), cause())


def test_token_scopes_limited_by_role() -> None:
    with pytest.raises(Forbidden) as raised:
        issue(role=VIEWER, scopes=["read", "write"])

    assert raised.value.value == ["write"]


def test_token_needs_a_scope() -> None:
    with pytest.raises(InvalidInput, match="at least one scope"):
        issue(role=ADMIN, scopes=[])


def test_token_expiry_must_be_future() -> None:
    moment = cause()

    with pytest.raises(InvalidInput, match="must be in the future"):
        issue(role=ADMIN, scopes=["read"], expires_at=moment.at - timedelta(seconds=1), at=moment)


def test_token_revoked_twice_conflicts() -> None:
    token = issue(role=ADMIN, scopes=["read"])
    token.revoke(cause())

    with pytest.raises(Conflict, match="already revoked"):
        token.revoke(cause())


def issue(role: str, scopes: list[str], expires_at=None, at: Cause | None = None) -> ApiToken:
    return ApiToken.issue(
        uuid.uuid4(), team_id=uuid.uuid4(), user_id=uuid.uuid4(), role=role, name="ci", scopes=scopes,
        secret_sha256="0" * 64, prefix="mc_abc", expires_at=expires_at, cause=at or cause(),
    )


@pytest.mark.parametrize("name", ["", " leading", "trailing ", "a/b", "x" * 65])
def test_bad_team_names_are_rejected(name: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        check_team_name(name)

    assert raised.value.field == "name"


def test_huge_name_gives_short_message() -> None:
    with pytest.raises(InvalidInput) as raised:
        check_team_name("n" * 10_000_000)

    assert len(raised.value.message) < 200
    assert "(10000000 characters)" in raised.value.message


@pytest.mark.parametrize("username", ["A", "Bob", "has space", "x" * 33, "-dash"])
def test_bad_usernames_are_rejected(username: str) -> None:
    with pytest.raises(InvalidInput, match="lowercase letters"):
        check_username(username)


def test_index_ids_ignore_case() -> None:
    assert index_id("team", "Vision") == index_id("team", "vision")
    assert index_id("team", "Vision") != index_id("username", "vision")
