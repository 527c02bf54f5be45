"""Browser sessions and tokens over HTTP and WebSocket, with both subscription protocols."""

from __future__ import annotations

import asyncio

import pytest
import websockets.exceptions

from tests.e2e.conftest import CREATE_TEAM, TeamSetup, head_position, unique
from tests.support.graphql_ws import LEGACY_WS, TRANSPORT_WS, GraphQLWebSocket
from tests.support.server import Client, Server

pytestmark = pytest.mark.e2e

VIEWER = "{ viewer { authenticatedBy csrfToken user { username } } }"
TEAM_EVENTS = (
    "subscription($f: AuditLogFilter, $after: Int) "
    "{ events(filter: $f, afterPosition: $after) { action teamId summary } }"
)


def test_login_sets_httponly_strict_cookie(server: Server) -> None:
    client = Client(server)

    response = client.http.post(
        "/graphql",
        json={"query": 'mutation { login(username: "admin", password: "%s") { viewer { csrfToken } } }' % server.admin_password},
    )

    cookie = response.headers["set-cookie"]
    assert cookie.startswith("modelcloud_session=")
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie or "SameSite=Strict" in cookie
    assert response.json()["data"]["login"]["viewer"]["csrfToken"]


def test_session_reads_and_writes_with_csrf(server: Server) -> None:
    client = Client(server)
    client.login("admin", server.admin_password)

    viewer = client.data(VIEWER)["viewer"]
    created = client.data(CREATE_TEAM, {"i": {"name": unique("cookie")}})

    assert viewer["authenticatedBy"] == "session"
    assert viewer["user"]["username"] == "admin"
    assert created["createTeam"]["name"].startswith("cookie")


def test_session_mutation_without_csrf_is_forbidden(server: Server) -> None:
    client = Client(server)
    client.login("admin", server.admin_password)
    client.csrf = None

    error = client.error(CREATE_TEAM, {"i": {"name": unique("nocsrf")}})

    assert error["extensions"]["code"] == "FORBIDDEN"
    assert error["extensions"]["field"] == "X-CSRF-Token"


def test_logout_ends_the_session(server: Server) -> None:
    client = Client(server)
    client.login("admin", server.admin_password)

    assert client.data("mutation { logout }")["logout"] is True
    error = client.error(VIEWER)

    assert error["extensions"]["code"] == "UNAUTHENTICATED"


def test_token_subscription_uses_transport_ws(server: Server, team: TeamSetup, admin: Client) -> None:
    editor = team.members["editor"]
    token = editor.client.data(
        "mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { secret } }",
        {"i": {"teamId": team.team_id, "name": "watch", "scopes": ["READ"]}},
    )["createApiToken"]["secret"]

    entry = asyncio.run(watch_team(server, team, TRANSPORT_WS, payload={"token": token}, admin=admin))

    assert entry["action"] == "Team.MemberAdded"
    assert entry["teamId"] == team.team_id


def test_legacy_graphql_ws_protocol_streams(server: Server, team: TeamSetup, admin: Client) -> None:
    entry = asyncio.run(watch_team(server, team, LEGACY_WS, payload={"token": server.admin_token}, admin=admin))

    assert entry["action"] == "Team.MemberAdded"


def test_session_cookie_works_over_websocket(server: Server, team: TeamSetup, admin: Client) -> None:
    client = Client(server)
    client.login("admin", server.admin_password)
    cookie = f"modelcloud_session={client.http.cookies['modelcloud_session']}"

    entry = asyncio.run(
        watch_team(server, team, TRANSPORT_WS, headers={"Cookie": cookie}, origin=server.url, admin=admin)
    )

    assert entry["teamId"] == team.team_id


def test_websocket_from_foreign_origin_is_rejected(server: Server) -> None:
    client = Client(server)
    client.login("admin", server.admin_password)
    cookie = f"modelcloud_session={client.http.cookies['modelcloud_session']}"

    async def connect() -> None:
        await GraphQLWebSocket.connect(
            server.ws_url, headers={"Cookie": cookie}, origin="http://evil.example"
        )

    with pytest.raises(websockets.exceptions.InvalidStatus) as raised:
        asyncio.run(connect())

    assert raised.value.response.status_code == 403


async def watch_team(
    server: Server,
    team: TeamSetup,
    protocol: str,
    *,
    admin: Client,
    payload: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    origin: str | None = None,
) -> dict[str, str]:
    """Subscribe to the team's audit entries, add a member, and return the first entry that arrives."""
    after = await asyncio.to_thread(head_position, admin)
    socket = await GraphQLWebSocket.connect(server.ws_url, protocol=protocol, payload=payload, headers=headers, origin=origin)
    operation = await socket.subscribe(TEAM_EVENTS, {"f": {"teamId": team.team_id}, "after": after})
    newcomer = await asyncio.to_thread(make_viewer, admin, server, team)
    entry = (await socket.next_data(operation))["events"]
    await socket.close()
    assert entry["summary"] == f"Added user {newcomer!r} to team {team.name!r} as viewer"
    return entry


def make_viewer(admin: Client, server: Server, team: TeamSetup) -> str:
    from tests.e2e.conftest import ADD_MEMBER, make_user

    user = make_user(admin, server)
    admin.data(ADD_MEMBER, {"i": {"teamId": team.team_id, "userId": user.user_id, "role": "VIEWER"}})
    user.client.close()
    return user.username
