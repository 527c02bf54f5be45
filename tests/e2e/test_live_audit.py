"""The README's first steps against a real server: every action shows in auditLog and live on `events`."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta, timezone

import httpx
import pytest
import websockets.exceptions

from tests.e2e.conftest import ADD_MEMBER, CREATE_TEAM, CREATE_TOKEN, CREATE_USER, head_position, unique
from tests.support.graphql_ws import LEGACY_WS, TRANSPORT_WS, GraphQLWebSocket, SubscriptionError
from tests.support.server import Client, Server

pytestmark = pytest.mark.e2e

EVENTS = (
    "subscription($f: AuditLogFilter, $after: Int) { events(filter: $f, afterPosition: $after) "
    "{ position action summary summaryParameters actor teamId subjectId correlationId } }"
)
AUDIT = (
    "query($f: AuditLogFilter, $first: Int!, $after: String) { auditLog(filter: $f, first: $first, after: $after) "
    "{ edges { cursor node { position action summary teamId } } pageInfo { hasNextPage endCursor } } }"
)


async def collect(socket: GraphQLWebSocket, operation_id: str, actions: list[str]) -> list[dict[str, object]]:
    """Receive entries until every action in `actions` was seen, in order of arrival."""
    received: list[dict[str, object]] = []
    waiting = list(actions)
    while waiting:
        entry = (await socket.next_data(operation_id))["events"]
        received.append(entry)
        if entry["action"] == waiting[0]:
            waiting.pop(0)
    return received


def test_readme_flow_is_audited_live(server: Server, admin: Client, admin_token: Client) -> None:
    after = head_position(admin)

    async def scenario() -> list[dict[str, object]]:
        socket = await GraphQLWebSocket.connect(server.ws_url, payload={"token": server.admin_token})
        operation = await socket.subscribe(EVENTS, {"after": after})
        await asyncio.to_thread(run_readme_steps, admin_token)
        entries = await collect(socket, operation, ["Team.Created", "ApiToken.Issued", "Team.MemberAdded"])
        await socket.close()
        return entries

    entries = asyncio.run(asyncio.wait_for(scenario(), timeout=60))

    actions = [entry["action"] for entry in entries]
    assert "Team.Created" in actions
    assert "ApiToken.Issued" in actions
    assert "Team.MemberAdded" in actions
    positions = [entry["position"] for entry in entries]
    assert positions == sorted(positions)
    issued = next(entry for entry in entries if entry["action"] == "ApiToken.Issued")
    assert issued["summaryParameters"]["token"] == "ci"
    assert issued["summaryParameters"]["scopes"] == ["read"]


def run_readme_steps(client: Client) -> None:
    name = unique("readme")
    team_id = client.data(CREATE_TEAM, {"i": {"name": name}})["createTeam"]["id"]
    client.data(CREATE_TOKEN, {"i": {"teamId": team_id, "name": "ci", "scopes": ["READ"]}})
    user = client.data(CREATE_USER, {"i": {"username": unique("newbie"), "password": "newbie-password"}})["createUser"]
    client.data(ADD_MEMBER, {"i": {"teamId": team_id, "userId": user["id"], "role": "VIEWER"}})


def test_entries_after_position_are_replayed(server: Server, admin: Client) -> None:
    before = head_position(admin)
    name = unique("replayed")
    admin.data(CREATE_TEAM, {"i": {"name": name}})

    async def scenario() -> list[dict[str, object]]:
        socket = await GraphQLWebSocket.connect(server.ws_url, protocol=LEGACY_WS, payload={"token": server.admin_token})
        operation = await socket.subscribe(EVENTS, {"after": before})
        entries = await collect(socket, operation, ["NameIndex.Reserved", "Team.Created", "Team.MemberAdded"])
        await socket.close()
        return entries

    entries = asyncio.run(asyncio.wait_for(scenario(), timeout=60))

    assert [entry["action"] for entry in entries] == ["NameIndex.Reserved", "Team.Created", "Team.MemberAdded"]
    assert entries[1]["summary"] == f"Created team {name!r}"
    assert [entry["position"] for entry in entries] == [before + 1, before + 2, before + 3]


def test_audit_pages_are_exact(admin: Client) -> None:
    name = unique("paged")
    team_id = admin.data(CREATE_TEAM, {"i": {"name": name}})["createTeam"]["id"]
    for index in range(100):
        admin.data(CREATE_TOKEN, {"i": {"teamId": team_id, "name": f"t{index}", "scopes": ["READ"]}})
    where = {"teamId": team_id, "action": "ApiToken.Issued"}

    pages, after, seen = 0, None, []
    while True:
        data = admin.data(AUDIT, {"f": where, "first": 1, "after": after})["auditLog"]
        pages += 1
        seen.extend(edge["node"]["position"] for edge in data["edges"])
        assert len(data["edges"]) == 1
        if not data["pageInfo"]["hasNextPage"]:
            break
        after = data["pageInfo"]["endCursor"]

    assert pages == 100
    assert seen == sorted(seen, reverse=True)
    assert len(set(seen)) == 100


def test_subscription_without_credentials_is_refused(server: Server) -> None:
    async def connect() -> None:
        await GraphQLWebSocket.connect(server.ws_url, payload={})

    with pytest.raises(websockets.exceptions.ConnectionClosed) as raised:
        asyncio.run(connect())

    assert raised.value.rcvd is not None
    assert raised.value.rcvd.code == 4403


def test_http_export_as_csv_and_jsonl(server: Server, admin: Client) -> None:
    name = unique("exported")
    team_id = admin.data(CREATE_TEAM, {"i": {"name": name}})["createTeam"]["id"]
    headers = {"Authorization": f"Bearer {server.admin_token}"}

    csv_text = httpx.get(f"{server.url}/v1/audit/export", params={"format": "csv", "team": team_id}, headers=headers).text
    jsonl = httpx.get(f"{server.url}/v1/audit/export", params={"format": "jsonl", "team": team_id}, headers=headers).text

    lines = csv_text.strip().splitlines()
    assert lines[0].startswith("position,occurred_at,actor,team,action")
    assert len(lines) == 1 + 3
    assert f"Created team '{name}'" in lines[2]
    records = [json.loads(line) for line in jsonl.strip().splitlines()]
    assert [record["action"] for record in records] == ["NameIndex.Reserved", "Team.Created", "Team.MemberAdded"]


def test_http_export_rejects_unknown_format(server: Server) -> None:
    response = httpx.get(
        f"{server.url}/v1/audit/export", params={"format": "xml"}, headers={"Authorization": f"Bearer {server.admin_token}"}
    )

    assert response.status_code == 400
    assert response.json()["error"]["field"] == "format"
    assert "csv, jsonl" in response.json()["error"]["message"]


def test_http_export_filters_by_time(server: Server, admin: Client) -> None:
    team_id = admin.data(CREATE_TEAM, {"i": {"name": unique("timed")}})["createTeam"]["id"]
    headers = {"Authorization": f"Bearer {server.admin_token}"}
    entries = [
        json.loads(line)
        for line in httpx.get(f"{server.url}/v1/audit/export", params={"team": team_id}, headers=headers).text.splitlines()
    ]
    created = entries[1]["occurred_at"]
    since_z = created.replace("+00:00", "Z")
    as_paris = datetime.fromisoformat(created).astimezone(timezone(timedelta(hours=1))).isoformat()

    def export(**params: str) -> list[str]:
        response = httpx.get(f"{server.url}/v1/audit/export", params={"team": team_id, **params}, headers=headers)
        return [json.loads(line)["action"] for line in response.text.splitlines()]

    assert export(since=since_z) == ["NameIndex.Reserved", "Team.Created", "Team.MemberAdded"]
    assert export(since=as_paris) == export(since=since_z)
    assert export(until=since_z) == []


def test_http_export_rejects_time_without_zone(server: Server) -> None:
    response = httpx.get(
        f"{server.url}/v1/audit/export",
        params={"since": "yesterday"},
        headers={"Authorization": f"Bearer {server.admin_token}"},
    )

    assert response.status_code == 400
    assert response.json()["error"]["field"] == "since"
    assert "2026-12-01T09:00:00Z" in response.json()["error"]["message"]
