"""One real server per test session, with helpers to make users, teams and tokens through the public API."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.server import Client, Server, start_server

_names = itertools.count()

CREATE_USER = "mutation($i: CreateUserInput!) { createUser(input: $i) { id username } }"
CREATE_TEAM = "mutation($i: CreateTeamInput!) { createTeam(input: $i) { id name } }"
ADD_MEMBER = "mutation($i: MemberInput!) { addMember(input: $i) { role user { username } } }"
CREATE_TOKEN = (
    "mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) "
    "{ secret token { id name scopes prefix teamId } } }"
)


def unique(prefix: str) -> str:
    return f"{prefix}{next(_names)}"


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = start_server(tmp_path_factory.mktemp("server"), MODELCLOUD_MAX_UPLOAD_BYTES=str(1024 * 1024),
                           MODELCLOUD_INFERENCE_WINDOW_SECONDS="2", MODELCLOUD_MONITORING_INTERVAL_SECONDS="1",
                           MODELCLOUD_WEBHOOK_ALLOWED_HOSTS='["127.0.0.1"]', MODELCLOUD_WEBHOOK_RETRY_SECONDS="1")
    yield running
    running.stop()


@pytest.fixture
def admin(server: Server) -> Iterator[Client]:
    """The first administrator signed in with a session, so it reads every team (a token reaches one team)."""
    client = Client(server)
    client.login("admin", server.admin_password)
    yield client
    client.close()


@pytest.fixture
def admin_token(server: Server) -> Iterator[Client]:
    """The bootstrap token printed at first start: team `default`, every scope."""
    client = Client(server, token=server.admin_token)
    yield client
    client.close()


@dataclass
class Member:
    user_id: str
    username: str
    password: str
    client: Client


@dataclass
class TeamSetup:
    team_id: str
    name: str
    members: dict[str, Member]


def make_user(admin: Client, server: Server, username: str | None = None) -> Member:
    username = username or unique("user")
    password = f"{username}-password"
    data = admin.data(CREATE_USER, {"i": {"username": username, "password": password, "displayName": username.title()}})
    client = Client(server)
    client.login(username, password)
    return Member(data["createUser"]["id"], username, password, client)


@pytest.fixture
def team(admin: Client, server: Server) -> Iterator[TeamSetup]:
    """A fresh team whose members are one signed-in user per role, besides the bootstrap admin."""
    name = unique("team")
    team_id = admin.data(CREATE_TEAM, {"i": {"name": name}})["createTeam"]["id"]
    members = {}
    for role in ("viewer", "editor", "admin"):
        member = make_user(admin, server)
        admin.data(ADD_MEMBER, {"i": {"teamId": team_id, "userId": member.user_id, "role": role.upper()}})
        members[role] = member
    yield TeamSetup(team_id, name, members)
    for member in members.values():
        member.client.close()


def head_position(admin: Client) -> int:
    """Position of the newest event, seen through the bootstrap admin (a platform administrator)."""
    data = admin.data("{ auditLog(first: 1) { edges { node { position } } } }")
    edges = data["auditLog"]["edges"]
    return edges[0]["node"]["position"] if edges else 0
