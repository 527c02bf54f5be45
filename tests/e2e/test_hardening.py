"""Rights that change while a connection is open, and requests that once reached a 500."""

from __future__ import annotations

import asyncio
import base64
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import ADD_MEMBER, CREATE_TEAM, CREATE_TOKEN, TeamSetup, head_position, unique
from tests.support.graphql_ws import GraphQLWebSocket, SubscriptionError
from tests.support.server import Client, Server

pytestmark = pytest.mark.e2e

REVOKE = "mutation($id: ID!) { revokeApiToken(id: $id) { id revokedAt } }"
REMOVE = "mutation($t: ID!, $u: ID!) { removeMember(input: {teamId: $t, userId: $u}) { id } }"
TEAMS = "{ teams { nodes { id name } } }"
EVENTS = (
    "subscription($f: AuditLogFilter, $after: Int) "
    "{ events(filter: $f, afterPosition: $after) { position action summary } }"
)


def issue(client: Client, team_id: str, scopes: list[str]) -> tuple[str, str]:
    created = client.data(CREATE_TOKEN, {"i": {"teamId": team_id, "name": unique("tok"), "scopes": scopes}})
    return created["createApiToken"]["token"]["id"], created["createApiToken"]["secret"]


async def mutate_over_websocket(server: Server, secret: str, query: str, variables: dict[str, Any]) -> Any:
    socket = await GraphQLWebSocket.connect(server.ws_url, payload={"token": secret})
    try:
        operation = await socket.subscribe(query, variables)
        return await socket.next_data(operation)
    finally:
        await socket.close()


def test_revoked_token_cannot_mutate_on_open_socket(server: Server, team: TeamSetup) -> None:
    owner = team.members["admin"].client
    token_id, secret = issue(owner, team.team_id, ["READ", "WRITE", "ADMIN"])

    async def scenario() -> None:
        socket = await GraphQLWebSocket.connect(server.ws_url, payload={"token": secret})
        await asyncio.to_thread(owner.data, REVOKE, {"id": token_id})
        operation = await socket.subscribe(CREATE_TOKEN, {"i": {"teamId": team.team_id, "name": "late", "scopes": ["READ"]}})
        try:
            await socket.next_data(operation)
        finally:
            await socket.close()

    with pytest.raises(SubscriptionError) as raised:
        asyncio.run(asyncio.wait_for(scenario(), timeout=30))

    assert raised.value.payload[0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "was revoked" in raised.value.payload[0]["message"]


def test_removed_member_subscription_ends(server: Server, admin: Client, team: TeamSetup) -> None:
    editor = team.members["editor"]
    _, secret = issue(editor.client, team.team_id, ["READ"])
    after = head_position(admin)

    async def scenario() -> list[Any]:
        socket = await GraphQLWebSocket.connect(server.ws_url, payload={"token": secret})
        operation = await socket.subscribe(EVENTS, {"f": {"teamId": team.team_id}, "after": after})
        await asyncio.to_thread(admin.data, REMOVE, {"t": team.team_id, "u": editor.user_id})
        await asyncio.to_thread(admin.data, CREATE_TOKEN, {"i": {"teamId": team.team_id, "name": "after", "scopes": ["READ"]}})
        received = []
        try:
            while True:
                received.append((await socket.next_data(operation))["events"])
        except SubscriptionError as error:
            received.append(error.payload)
        await socket.close()
        return received

    received = asyncio.run(asyncio.wait_for(scenario(), timeout=30))

    summaries = [entry.get("summary", "") for entry in received if isinstance(entry, dict)]
    assert not any("Issued token 'after'" in summary for summary in summaries)
    assert isinstance(received[-1], list)
    assert received[-1][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_token_stays_dead_after_rejoining(server: Server, admin: Client, team: TeamSetup) -> None:
    editor = team.members["editor"]
    _, secret = issue(editor.client, team.team_id, ["READ"])
    admin.data(REMOVE, {"t": team.team_id, "u": editor.user_id})
    admin.data(ADD_MEMBER, {"i": {"teamId": team.team_id, "userId": editor.user_id, "role": "EDITOR"}})

    error = Client(server, token=secret).error(TEAMS)

    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert "no longer a member" in error["message"]


def test_predict_only_token_cannot_read(server: Server, team: TeamSetup) -> None:
    _, secret = issue(team.members["viewer"].client, team.team_id, ["PREDICT"])

    error = Client(server, token=secret).error(TEAMS)
    export = httpx.get(f"{server.url}/v1/audit/export", headers={"Authorization": f"Bearer {secret}"})

    assert error["extensions"]["code"] == "FORBIDDEN"
    assert "scope 'read'" in error["message"]
    assert export.status_code == 403


def test_viewer_upload_is_refused_before_the_body(server: Server, team: TeamSetup) -> None:
    _, secret = issue(team.members["viewer"].client, team.team_id, ["READ"])

    def chunks():
        for _ in range(40):
            yield b"z" * 65536

    response = httpx.post(f"{server.url}/v1/uploads", content=chunks(), headers={"Authorization": f"Bearer {secret}"})

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "FORBIDDEN"


def test_chunked_graphql_body_over_limit(server: Server) -> None:
    def chunks():
        yield b'{"query": "{ viewer { user { id } } }", "padding": "'
        # 80 chunks of 64 KiB: 5 MiB, over the 4 MiB default limit.
        for _ in range(80):
            yield b"p" * 65536
        yield b'"}'

    response = httpx.post(
        f"{server.url}/graphql", content=chunks(),
        headers={"Authorization": f"Bearer {server.admin_token}", "Content-Type": "application/json"},
    )

    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('"hello"', "The request body must be a JSON object with a 'query' string."),
        ("[1, 2]", "Batching is not enabled"),
        ("{not json", "Unable to parse request body as JSON"),
    ],
)
def test_malformed_body_gets_json_error(server: Server, body: str, message: str) -> None:
    response = httpx.post(
        f"{server.url}/graphql", content=body,
        headers={"Authorization": f"Bearer {server.admin_token}", "Content-Type": "application/json"},
    )

    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["message"] == message
    assert error["extensions"]["code"] == "BAD_USER_INPUT"


def test_subscription_over_http_is_refused(server: Server) -> None:
    response = httpx.post(
        f"{server.url}/graphql", json={"query": "subscription { events { position } }"},
        headers={"Authorization": f"Bearer {server.admin_token}"},
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == "subscriptions are not allowed when using POST"


def test_after_position_beyond_newest_still_streams(server: Server, admin: Client) -> None:
    name = unique("beyond")

    async def scenario() -> dict[str, Any]:
        socket = await GraphQLWebSocket.connect(server.ws_url, payload={"token": server.admin_token})
        operation = await socket.subscribe(EVENTS, {"f": {"action": "Team.Created"}, "after": 2**31 - 1})
        await asyncio.to_thread(admin.data, CREATE_TEAM, {"i": {"name": name}})
        entry = (await socket.next_data(operation))["events"]
        await socket.close()
        return entry

    entry = asyncio.run(asyncio.wait_for(scenario(), timeout=30))

    assert entry["summary"] == f"Created team {name!r}"


@pytest.mark.parametrize("inside", ["audit:²", "audit:٥", "audit:" + "9" * 30])
def test_odd_cursor_is_bad_input(admin: Client, inside: str) -> None:
    cursor = base64.urlsafe_b64encode(inside.encode()).decode().rstrip("=")

    error = admin.error("query($a: String) { auditLog(after: $a) { nodes { position } } }", {"a": cursor})

    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == "after"


def test_time_beyond_utc_range_is_bad_input(admin: Client) -> None:
    error = admin.error(
        'query { auditLog(filter: {until: "9999-12-31T23:59:59-14:00"}) { nodes { position } } }'
    )

    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == "filter.until"


def test_far_expiry_is_bad_input(admin: Client, team: TeamSetup) -> None:
    before = head_position(admin)

    error = admin.error(
        CREATE_TOKEN, {"i": {"teamId": team.team_id, "name": "forever", "scopes": ["READ"], "expiresAt": "9999-12-31T23:59:59-14:00"}}
    )

    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == "expiresAt"
    assert "at most 3650 days away" in error["message"]
    assert head_position(admin) == before


def test_nul_in_token_name_is_bad_input(admin: Client, team: TeamSetup) -> None:
    before = head_position(admin)

    error = admin.error(CREATE_TOKEN, {"i": {"teamId": team.team_id, "name": "a\x00b", "scopes": ["READ"]}})

    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == "name"
    assert head_position(admin) == before



@pytest.mark.parametrize("inside", ["models:[1,2]", "models:" + "[" * 5000 + "]" * 5000, 'models:["a","not-a-uuid"]'])
def test_forged_model_cursor_is_bad_input(admin: Client, inside: str) -> None:
    cursor = base64.urlsafe_b64encode(inside.encode()).decode().rstrip("=")

    error = admin.error("query($a: String) { models(after: $a) { nodes { id } } }", {"a": cursor})

    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == "after"


def test_as_of_with_filter_is_bad_input(admin: Client) -> None:
    error = admin.error('{ models(asOf: "2026-12-01T00:00:00Z", filter: {nameContains: "x"}) { nodes { id } } }')

    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == "asOf"


def test_deeply_nested_body_is_bad_input(server: Server) -> None:
    body = '{"query": "{ me { id } }", "variables": {"x": ' + "[" * 50_000 + "]" * 50_000 + "}}"

    response = httpx.post(f"{server.url}/graphql", content=body, headers={"content-type": "application/json"})

    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == "The request body is nested too deeply to parse."
