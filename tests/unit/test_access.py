"""Access rules: team checks that must not reveal a team's name to an outsider, and the id a caller is counted under."""

from __future__ import annotations

import uuid

import pytest

from backend.domain.access import Principal
from backend.domain.base import Forbidden, NotFound

pytestmark = pytest.mark.unit

TEAM = uuid.UUID("00000000-0000-0000-0000-00000000a1fa")


def test_outsider_sees_only_the_team_id() -> None:
    outsider = Principal(user_id=uuid.uuid4(), username="badmin", is_admin=False, via="session")

    with pytest.raises(NotFound) as raised:
        outsider.require_role(TEAM, None, "editor", "createAlertRule", team_name="alpha")

    assert raised.value.message == f"Team {TEAM} was not found among your teams."
    assert "alpha" not in raised.value.message


def test_token_of_another_team_sees_only_the_id() -> None:
    token = Principal(user_id=uuid.uuid4(), username="ada", is_admin=False, via="token", token_team=uuid.uuid4())

    with pytest.raises(NotFound) as raised:
        token.require_role(TEAM, "admin", "editor", "createAlertRule", team_name="alpha")

    assert "alpha" not in raised.value.message


def test_member_with_lower_role_sees_the_name() -> None:
    viewer = Principal(user_id=uuid.uuid4(), username="vi", is_admin=False, via="session")

    with pytest.raises(Forbidden) as raised:
        viewer.require_role(TEAM, "viewer", "editor", "createAlertRule", team_name="alpha")

    assert raised.value.message == "createAlertRule needs role editor in team alpha; you are viewer."


def test_caller_id_names_token_or_user() -> None:
    user_id, token_id = uuid.uuid4(), uuid.uuid4()
    by_token = Principal(user_id=user_id, username="ada", is_admin=False, via="token", token_team=TEAM, token_id=token_id)
    signed_in = Principal(user_id=user_id, username="ada", is_admin=False, via="session")

    assert by_token.caller_id == str(token_id)
    assert signed_in.caller_id == str(user_id)
