"""Bad input gets an error with its code, field, value and what is accepted, and appends nothing to the log."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
import websockets

from tests.e2e.conftest import ADD_MEMBER, CREATE_TEAM, CREATE_TOKEN, CREATE_USER, TeamSetup, head_position, unique
from tests.support.graphql_ws import GraphQLWebSocket
from tests.support.server import Client, Server

pytestmark = pytest.mark.e2e

VIEWER = "{ viewer { user { username } } }"
TEAM = "query($id: ID!) { team(id: $id) { name } }"
REVOKE_TOKEN = "mutation($id: ID!) { revokeApiToken(id: $id) { id } }"
AUDIT_LOG = (
    "query($f: AuditLogFilter, $first: Int!, $after: String) "
    "{ auditLog(filter: $f, first: $first, after: $after) { nodes { position } } }"
)
LOGIN = "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { expiresAt } }"


@pytest.fixture(scope="module", autouse=True)
def settled_log(server: Server) -> None:
    """Make one write, which the server applies to the audit log before it responds, so head_position is current."""
    client = Client(server)
    client.login("admin", server.admin_password)
    client.data(CREATE_TEAM, {"i": {"name": unique("settle")}})
    client.close()


@pytest.fixture
def anonymous(server: Server) -> Iterator[Client]:
    client = Client(server)
    yield client
    client.close()


def single_error(client: Client, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return the single error of a request that must fail, its extensions merged beside the message."""
    error = client.error(query, variables)
    return {"message": error["message"], **error["extensions"]}


# Documents


def test_syntax_error_is_bad_input(admin: Client) -> None:
    before = head_position(admin)

    error = single_error(admin, "{ teams { ")

    assert error["code"] == "BAD_USER_INPUT"
    assert error["field"] == "query"
    assert error["message"] == "Syntax Error: Expected Name, found <EOF>."
    assert head_position(admin) == before


def test_unknown_field_is_bad_input(admin: Client) -> None:
    before = head_position(admin)

    error = single_error(admin, "{ viewer { shoeSize } }")

    assert error["code"] == "BAD_USER_INPUT"
    assert error["field"] == "query"
    assert error["message"] == "Cannot query field 'shoeSize' on type 'Viewer'."
    assert head_position(admin) == before


def test_query_deeper_than_limit_is_rejected(admin: Client) -> None:
    # NOTE: no query of real fields nests deeper than teams.edges.node.members.edges.node.user.id, so this
    # one nests unknown fields under User, and the response also names the first of them.
    nested = "a { b { c { d { e { f { g { h } } } } } } }"
    query = "{ teams { edges { node { members { edges { node { user { " + nested + " } } } } } } } }"
    before = head_position(admin)

    body = admin.post(query)

    messages = [error["message"] for error in body["errors"]]
    assert "'anonymous' exceeds maximum operation depth of 12" in messages
    assert {error["extensions"]["code"] for error in body["errors"]} == {"BAD_USER_INPUT"}
    assert body["data"] is None
    assert head_position(admin) == before


def test_too_many_aliases_are_rejected(admin: Client) -> None:
    query = "{ " + " ".join(f"alias{index}: viewer {{ scopes }}" for index in range(31)) + " }"
    before = head_position(admin)

    error = single_error(admin, query)

    assert error["code"] == "BAD_USER_INPUT"
    assert error["field"] == "query"
    assert error["message"] == "31 aliases found. Allowed: 30"
    assert head_position(admin) == before


def test_too_many_tokens_are_rejected(admin: Client) -> None:
    query = "{ viewer { " + "scopes " * 2001 + "} }"
    before = head_position(admin)

    error = single_error(admin, query)

    assert error["code"] == "BAD_USER_INPUT"
    assert error["field"] == "query"
    assert "more than 2000 tokens" in error["message"]
    assert head_position(admin) == before


def test_ten_megabyte_body_is_too_large(admin: Client) -> None:
    padding = "x" * 10_000_000
    before = head_position(admin)

    response = admin.http.post("/graphql", json={"query": VIEWER, "variables": {"padding": padding}})

    assert response.status_code == 413
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
    assert error["extensions"]["field"] == "body"
    assert error["extensions"]["value"] == int(response.request.headers["content-length"])
    assert "larger than the limit of 4194304 bytes" in error["message"]
    assert head_position(admin) == before


# Credentials


def test_missing_credentials_are_unauthenticated(admin: Client, anonymous: Client) -> None:
    before = head_position(admin)

    error = single_error(anonymous, VIEWER)

    assert error["code"] == "UNAUTHENTICATED"
    assert error["field"] == "Authorization"
    assert error["value"] is None
    assert "send 'Authorization: Bearer <token>'" in error["message"]
    assert head_position(admin) == before


def test_unknown_token_is_unauthenticated(admin: Client, server: Server) -> None:
    secret = "mc_" + "x" * 43
    client = Client(server, token=secret)
    before = head_position(admin)

    error = single_error(client, VIEWER)
    client.close()

    assert error["code"] == "UNAUTHENTICATED"
    assert error["field"] == "Authorization"
    assert error["value"] == "mc_xxxxxxx…"
    assert error["message"] == "The API token mc_xxxxxxx… is not valid."
    assert head_position(admin) == before


def test_revoked_token_is_unauthenticated(admin: Client, server: Server, team: TeamSetup) -> None:
    owner = team.members["editor"].client
    created = owner.data(CREATE_TOKEN, {"i": {"teamId": team.team_id, "name": "ci", "scopes": ["READ"]}})["createApiToken"]
    owner.data(REVOKE_TOKEN, {"id": created["token"]["id"]})
    client = Client(server, token=created["secret"])
    before = head_position(admin)

    error = single_error(client, VIEWER)
    client.close()

    assert error["code"] == "UNAUTHENTICATED"
    assert error["field"] == "Authorization"
    assert error["value"] == created["secret"][:10] + "…"
    assert "was revoked at" in error["message"]
    assert created["secret"] not in error["message"]
    assert head_position(admin) == before


def test_basic_authorization_is_unauthenticated(admin: Client, anonymous: Client) -> None:
    before = head_position(admin)

    body = anonymous.post(VIEWER, headers={"Authorization": "Basic YWRtaW46c2VjcmV0"})

    assert len(body["errors"]) == 1
    error = body["errors"][0]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert error["extensions"]["field"] == "Authorization"
    assert error["extensions"]["value"] == "Basic"
    assert error["message"] == "The Authorization header must be 'Bearer <token>'."
    assert head_position(admin) == before


def test_wrong_password_matches_unknown_user(admin: Client, anonymous: Client) -> None:
    before = head_position(admin)

    wrong_password = single_error(anonymous, LOGIN, {"u": "admin", "p": "not-the-password"})
    unknown_user = single_error(anonymous, LOGIN, {"u": unique("nobody"), "p": "not-the-password"})

    assert wrong_password["code"] == "UNAUTHENTICATED"
    assert wrong_password["message"] == "The username or password is incorrect."
    assert unknown_user["message"] == wrong_password["message"]
    assert unknown_user["field"] == wrong_password["field"]
    assert head_position(admin) == before


def test_websocket_with_invalid_token_is_closed(admin: Client, server: Server) -> None:
    async def connect() -> None:
        await GraphQLWebSocket.connect(server.ws_url, payload={"token": "mc_" + "x" * 43})

    before = head_position(admin)

    with pytest.raises(websockets.ConnectionClosed) as closed:
        asyncio.run(asyncio.wait_for(connect(), timeout=30))

    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4403
    assert head_position(admin) == before


# Rights and ids


def test_viewer_cannot_add_member(admin: Client, team: TeamSetup) -> None:
    viewer = team.members["viewer"]
    before = head_position(admin)

    error = single_error(viewer.client, ADD_MEMBER, {"i": {"teamId": team.team_id, "userId": viewer.user_id, "role": "ADMIN"}})

    assert error["code"] == "FORBIDDEN"
    assert error["field"] == "role"
    assert error["value"] == "viewer"
    assert error["message"] == f"addMember needs role admin in team {team.name}; you are viewer."
    assert head_position(admin) == before


def test_other_teams_id_is_not_found(admin: Client, team: TeamSetup) -> None:
    other_team_id = admin.data(CREATE_TEAM, {"i": {"name": unique("other")}})["createTeam"]["id"]
    before = head_position(admin)

    error = single_error(team.members["admin"].client, TEAM, {"id": other_team_id})

    assert error["code"] == "NOT_FOUND"
    assert error["field"] == "teamId"
    assert error["value"] == other_team_id
    assert error["message"] == f"Team {other_team_id} was not found among your teams."
    assert head_position(admin) == before


def test_malformed_team_id_is_bad_input(admin: Client, team: TeamSetup) -> None:
    before = head_position(admin)

    error = single_error(admin, ADD_MEMBER, {"i": {"teamId": "not-a-uuid", "userId": team.members["viewer"].user_id, "role": "EDITOR"}})

    assert error["code"] == "BAD_USER_INPUT"
    assert error["field"] == "teamId"
    assert error["value"] == "not-a-uuid"
    assert "expected a UUID" in error["message"]
    assert head_position(admin) == before


def test_malformed_team_id_in_query_is_bad_input(admin: Client) -> None:
    before = head_position(admin)

    error = single_error(admin, TEAM, {"id": "not-a-uuid"})

    assert error["code"] == "BAD_USER_INPUT"
    assert error["field"] == "teamId"
    assert error["value"] == "not-a-uuid"
    assert "expected a UUID" in error["message"]
    assert head_position(admin) == before


def test_existing_member_cannot_be_added_again(admin: Client, team: TeamSetup) -> None:
    viewer = team.members["viewer"]
    before = head_position(admin)

    error = single_error(admin, ADD_MEMBER, {"i": {"teamId": team.team_id, "userId": viewer.user_id, "role": "EDITOR"}})

    assert error["code"] == "CONFLICT"
    assert error["field"] == "userId"
    assert error["value"] == viewer.user_id
    assert error["message"] == f"User {viewer.user_id} is already a member of team {team.name!r} with role viewer."
    assert head_position(admin) == before


# Team names


@pytest.mark.parametrize("spelling", ["same", "upper"])
def test_duplicate_team_name_conflicts(admin: Client, team: TeamSetup, spelling: str) -> None:
    name = team.name if spelling == "same" else team.name.upper()
    before = head_position(admin)

    error = single_error(admin, CREATE_TEAM, {"i": {"name": name}})

    assert error["code"] == "CONFLICT"
    assert error["field"] == "name"
    assert error["value"] == name
    assert error["message"] == f"Team name {name!r} is already taken; choose another."
    assert head_position(admin) == before


def test_empty_team_name_is_bad_input(admin: Client) -> None:
    before = head_position(admin)

    error = single_error(admin, CREATE_TEAM, {"i": {"name": ""}})

    assert error["code"] == "BAD_USER_INPUT"
    assert error["field"] == "name"
    assert error["value"] == ""
    assert error["message"] == "name must not be empty."
    assert head_position(admin) == before


def test_long_team_name_gets_short_message(admin: Client) -> None:
    name = "a" * 100_000
    before = head_position(admin)

    error = single_error(admin, CREATE_TEAM, {"i": {"name": name}})

    assert error["code"] == "BAD_USER_INPUT"
    assert error["field"] == "name"
    assert error["value"] == "a" * 40 + "…"
    assert "1 to 64 characters" in error["message"]
    assert "(100000 characters)" in error["message"]
    assert len(error["message"]) < 300
    assert head_position(admin) == before


# Users


def test_invalid_username_is_bad_input(admin: Client) -> None:
    before = head_position(admin)

    error = single_error(admin, CREATE_USER, {"i": {"username": "Ada Lovelace", "password": "long-enough-password"}})

    assert error["code"] == "BAD_USER_INPUT"
    assert error["field"] == "username"
    assert error["value"] == "Ada Lovelace"
    assert "2 to 32 characters of lowercase letters, digits" in error["message"]
    assert head_position(admin) == before


def test_short_password_is_bad_input(admin: Client) -> None:
    before = head_position(admin)

    error = single_error(admin, CREATE_USER, {"i": {"username": unique("shortpw"), "password": "hunter2"}})

    assert error["code"] == "BAD_USER_INPUT"
    assert error["field"] == "password"
    assert error["value"] is None
    assert "8 to 256 characters" in error["message"]
    assert "hunter2" not in error["message"]
    assert head_position(admin) == before


# Audit log paging and filters


@pytest.mark.parametrize("first", [0, 501])
def test_page_size_out_of_range_is_bad_input(admin: Client, first: int) -> None:
    before = head_position(admin)

    error = single_error(admin, AUDIT_LOG, {"first": first})

    assert error["code"] == "BAD_USER_INPUT"
    assert error["field"] == "first"
    assert error["value"] == first
    assert error["message"] == f"first {first} is invalid: it must be between 1 and 500."
    assert head_position(admin) == before


def test_garbage_cursor_is_bad_input(admin: Client) -> None:
    before = head_position(admin)

    error = single_error(admin, AUDIT_LOG, {"first": 10, "after": "garbage"})

    assert error["code"] == "BAD_USER_INPUT"
    assert error["field"] == "after"
    assert error["value"] == "garbage"
    assert "pass an endCursor this list returned" in error["message"]
    assert head_position(admin) == before


def test_cursor_of_other_list_is_bad_input(admin: Client) -> None:
    teams_cursor = admin.data("{ teams(first: 1) { pageInfo { endCursor } } }")["teams"]["pageInfo"]["endCursor"]
    before = head_position(admin)

    error = single_error(admin, AUDIT_LOG, {"first": 10, "after": teams_cursor})

    assert error["code"] == "BAD_USER_INPUT"
    assert error["field"] == "after"
    assert error["value"] == teams_cursor
    assert head_position(admin) == before


def test_since_after_until_is_bad_input(admin: Client) -> None:
    window = {"since": "2026-03-02T00:00:00Z", "until": "2026-03-01T00:00:00Z"}
    before = head_position(admin)

    error = single_error(admin, AUDIT_LOG, {"first": 10, "f": window})

    assert error["code"] == "BAD_USER_INPUT"
    assert error["field"] == "filter.since"
    assert error["value"] == "2026-03-02T00:00:00.000000+00:00"
    assert "must be before filter.until 2026-03-01T00:00:00.000000+00:00" in error["message"]
    assert head_position(admin) == before


# API tokens


def test_expiry_in_past_is_bad_input(admin: Client, team: TeamSetup) -> None:
    before = head_position(admin)

    error = single_error(
        admin, CREATE_TOKEN, {"i": {"teamId": team.team_id, "name": "ci", "scopes": ["READ"], "expiresAt": "2020-01-01T00:00:00Z"}}
    )

    assert error["code"] == "BAD_USER_INPUT"
    assert error["field"] == "expiresAt"
    assert error["value"] == "2020-01-01T00:00:00+00:00"
    assert "must be in the future" in error["message"]
    assert head_position(admin) == before


def test_expiry_without_time_zone_is_bad_input(admin: Client, team: TeamSetup) -> None:
    before = head_position(admin)

    error = single_error(
        admin, CREATE_TOKEN, {"i": {"teamId": team.team_id, "name": "ci", "scopes": ["READ"], "expiresAt": "2099-01-01T00:00:00"}}
    )

    assert error["code"] == "BAD_USER_INPUT"
    assert error["field"] == "expiresAt"
    assert error["value"] == "2099-01-01T00:00:00"
    assert "has no time zone; send it in UTC" in error["message"]
    assert head_position(admin) == before


def test_empty_scopes_are_bad_input(admin: Client, team: TeamSetup) -> None:
    before = head_position(admin)

    error = single_error(admin, CREATE_TOKEN, {"i": {"teamId": team.team_id, "name": "ci", "scopes": []}})

    assert error["code"] == "BAD_USER_INPUT"
    assert error["field"] == "scopes"
    assert error["value"] == []
    assert "at least one scope is needed; choose from read, write, predict, admin" in error["message"]
    assert head_position(admin) == before
