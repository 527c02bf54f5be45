"""Who may do what over the API: each team role against each identity mutation, token reach, CSRF, and reads."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.e2e.conftest import (
    ADD_MEMBER,
    CREATE_TEAM,
    CREATE_TOKEN,
    CREATE_USER,
    Member,
    TeamSetup,
    head_position,
    make_user,
    unique,
)
from tests.support.server import Client, Server

pytestmark = pytest.mark.e2e

ROLES = ("viewer", "editor", "admin")
SCOPES_BY_ROLE = {
    "viewer": ["PREDICT", "READ"],
    "editor": ["PREDICT", "READ", "WRITE"],
    "admin": ["ADMIN", "PREDICT", "READ", "WRITE"],
}

CHANGE_ROLE = "mutation($i: MemberInput!) { changeMemberRole(input: $i) { userId role } }"
REMOVE_MEMBER = "mutation($i: RemoveMemberInput!) { removeMember(input: $i) { id members { nodes { userId } } } }"
REVOKE_TOKEN = "mutation($id: ID!) { revokeApiToken(id: $id) { id revokedAt } }"
TEAM = "query($id: ID!) { team(id: $id) { id name } }"
TEAMS = "{ teams { nodes { name } } }"
TEAM_TOKENS = "query($id: ID!) { team(id: $id) { apiTokens { nodes { id userId } } } }"
AUDIT_LOG = "query($f: AuditLogFilter) { auditLog(filter: $f, first: 500) { nodes { teamId action } } }"


@dataclass
class Scene:
    """The team under test and the platform admin, who makes more users. Their clients close at teardown."""

    admin: Client
    server: Server
    team: TeamSetup
    extra_users: list[Member] = field(default_factory=list)

    def new_user(self) -> Member:
        user = make_user(self.admin, self.server)
        self.extra_users.append(user)
        return user

    def new_member(self, role: str) -> Member:
        user = self.new_user()
        self.admin.data(ADD_MEMBER, {"i": {"teamId": self.team.team_id, "userId": user.user_id, "role": role.upper()}})
        return user


@pytest.fixture
def scene(admin: Client, server: Server, team: TeamSetup) -> Iterator[Scene]:
    built = Scene(admin, server, team)
    yield built
    for user in built.extra_users:
        user.client.close()


def issue_token(client: Client, team_id: str, scopes: list[str]) -> tuple[str, str]:
    """Create a token through the API and return its id and secret."""
    created = client.data(CREATE_TOKEN, {"i": {"teamId": team_id, "name": unique("token"), "scopes": scopes}})["createApiToken"]
    return created["token"]["id"], created["secret"]


# Role × mutation


@dataclass
class Rejection:
    field: str
    value: object
    message: str


@dataclass
class Attempt:
    """One mutation a member tries, what the response shows when it is allowed, and the error when it is not."""

    query: str
    variables: dict[str, Any]
    result: Callable[[dict[str, Any]], object]
    expected_result: object
    rejection: Rejection | None = None


def team_admin_rejection(scene: Scene, role: str, mutation: str) -> Rejection:
    return Rejection("role", role, f"{mutation} needs role admin in team {scene.team.name}; you are {role}.")


def attempt_add_member(scene: Scene, role: str) -> Attempt:
    newcomer = scene.new_user()
    return Attempt(
        ADD_MEMBER,
        {"i": {"teamId": scene.team.team_id, "userId": newcomer.user_id, "role": "VIEWER"}},
        result=lambda data: data["addMember"],
        expected_result={"role": "VIEWER", "user": {"username": newcomer.username}},
        rejection=team_admin_rejection(scene, role, "addMember"),
    )


def attempt_change_member_role(scene: Scene, role: str) -> Attempt:
    target = scene.new_member("viewer")
    return Attempt(
        CHANGE_ROLE,
        {"i": {"teamId": scene.team.team_id, "userId": target.user_id, "role": "EDITOR"}},
        result=lambda data: data["changeMemberRole"],
        expected_result={"userId": target.user_id, "role": "EDITOR"},
        rejection=team_admin_rejection(scene, role, "changeMemberRole"),
    )


def attempt_remove_member(scene: Scene, role: str) -> Attempt:
    target = scene.new_member("viewer")
    return Attempt(
        REMOVE_MEMBER,
        {"i": {"teamId": scene.team.team_id, "userId": target.user_id}},
        result=lambda data: target.user_id in [node["userId"] for node in data["removeMember"]["members"]["nodes"]],
        expected_result=False,
        rejection=team_admin_rejection(scene, role, "removeMember"),
    )


def attempt_create_token(scene: Scene, role: str) -> Attempt:
    return Attempt(
        CREATE_TOKEN,
        {"i": {"teamId": scene.team.team_id, "name": "ci", "scopes": SCOPES_BY_ROLE[role]}},
        result=lambda data: sorted(data["createApiToken"]["token"]["scopes"]),
        expected_result=SCOPES_BY_ROLE[role],
    )


def attempt_revoke_own_token(scene: Scene, role: str) -> Attempt:
    token_id, _ = issue_token(scene.team.members[role].client, scene.team.team_id, ["READ"])
    return Attempt(
        REVOKE_TOKEN,
        {"id": token_id},
        result=lambda data: (data["revokeApiToken"]["id"], data["revokeApiToken"]["revokedAt"] is not None),
        expected_result=(token_id, True),
    )


def attempt_revoke_other_members_token(scene: Scene, role: str) -> Attempt:
    token_id, _ = issue_token(scene.admin, scene.team.team_id, ["READ"])
    return Attempt(
        REVOKE_TOKEN,
        {"id": token_id},
        result=lambda data: (data["revokeApiToken"]["id"], data["revokeApiToken"]["revokedAt"] is not None),
        expected_result=(token_id, True),
        rejection=team_admin_rejection(scene, role, "revokeApiToken"),
    )


def attempt_create_team(scene: Scene, role: str) -> Attempt:
    name = unique(f"{role}-team")
    return Attempt(
        CREATE_TEAM,
        {"i": {"name": name}},
        result=lambda data: data["createTeam"]["name"],
        expected_result=name,
    )


def attempt_create_user(scene: Scene, role: str) -> Attempt:
    username = unique("newcomer")
    return Attempt(
        CREATE_USER,
        {"i": {"username": username, "password": f"{username}-password"}},
        result=lambda data: data["createUser"]["username"],
        expected_result=username,
        rejection=Rejection("viewer", scene.team.members[role].username, "createUser needs a platform administrator."),
    )


ATTEMPTS: dict[str, Callable[[Scene, str], Attempt]] = {
    "addMember": attempt_add_member,
    "changeMemberRole": attempt_change_member_role,
    "removeMember": attempt_remove_member,
    "createApiToken": attempt_create_token,
    "revokeApiToken-own": attempt_revoke_own_token,
    "revokeApiToken-other": attempt_revoke_other_members_token,
    "createTeam": attempt_create_team,
    "createUser": attempt_create_user,
}

TEAM_ADMIN_ONLY = {"viewer": False, "editor": False, "admin": True}
EVERY_ROLE = {"viewer": True, "editor": True, "admin": True}
# Here `admin` is a team admin, and createUser also needs a platform administrator.
NO_ROLE = {"viewer": False, "editor": False, "admin": False}

ALLOWED_BY_ROLE = {
    "addMember": TEAM_ADMIN_ONLY,
    "changeMemberRole": TEAM_ADMIN_ONLY,
    "removeMember": TEAM_ADMIN_ONLY,
    "createApiToken": EVERY_ROLE,
    "revokeApiToken-own": EVERY_ROLE,
    "revokeApiToken-other": TEAM_ADMIN_ONLY,
    "createTeam": EVERY_ROLE,
    "createUser": NO_ROLE,
}

ALLOWED = [(mutation, role) for mutation, table in ALLOWED_BY_ROLE.items() for role in ROLES if table[role]]
REJECTED = [(mutation, role) for mutation, table in ALLOWED_BY_ROLE.items() for role in ROLES if not table[role]]


@pytest.mark.parametrize(("mutation", "role"), ALLOWED)
def test_role_may_run_mutation(scene: Scene, mutation: str, role: str) -> None:
    attempt = ATTEMPTS[mutation](scene, role)
    before = head_position(scene.admin)

    data = scene.team.members[role].client.data(attempt.query, attempt.variables)

    assert attempt.result(data) == attempt.expected_result
    assert head_position(scene.admin) > before


@pytest.mark.parametrize(("mutation", "role"), REJECTED)
def test_role_is_forbidden_mutation(scene: Scene, mutation: str, role: str) -> None:
    attempt = ATTEMPTS[mutation](scene, role)
    assert attempt.rejection is not None
    before = head_position(scene.admin)

    error = scene.team.members[role].client.error(attempt.query, attempt.variables)

    assert error["extensions"]["code"] == "FORBIDDEN"
    assert error["extensions"]["field"] == attempt.rejection.field
    assert error["extensions"]["value"] == attempt.rejection.value
    assert error["message"] == attempt.rejection.message
    assert head_position(scene.admin) == before


@pytest.mark.parametrize(
    ("role", "scopes", "beyond"),
    [
        ("viewer", ["READ", "WRITE"], ["write"]),
        ("viewer", ["PREDICT", "ADMIN"], ["admin"]),
        ("viewer", ["READ", "WRITE", "PREDICT", "ADMIN"], ["admin", "write"]),
        ("editor", ["READ", "ADMIN"], ["admin"]),
    ],
)
def test_token_scopes_beyond_role_are_forbidden(scene: Scene, role: str, scopes: list[str], beyond: list[str]) -> None:
    before = head_position(scene.admin)

    error = scene.team.members[role].client.error(
        CREATE_TOKEN, {"i": {"teamId": scene.team.team_id, "name": "ci", "scopes": scopes}}
    )

    assert error["extensions"]["code"] == "FORBIDDEN"
    assert error["extensions"]["field"] == "scopes"
    assert error["extensions"]["value"] == beyond
    assert f"cannot issue a token with scopes {', '.join(beyond)}" in error["message"]
    assert f"allowed: {', '.join(sorted(scope.lower() for scope in SCOPES_BY_ROLE[role]))}" in error["message"]
    assert head_position(scene.admin) == before


# Callers outside the team


def outsider_request(scene: Scene, operation: str) -> tuple[str, dict[str, Any]]:
    team_id = scene.team.team_id
    viewer_id = scene.team.members["viewer"].user_id
    if operation == "team":
        return TEAM, {"id": team_id}
    if operation == "addMember":
        return ADD_MEMBER, {"i": {"teamId": team_id, "userId": scene.new_user().user_id, "role": "VIEWER"}}
    if operation == "changeMemberRole":
        return CHANGE_ROLE, {"i": {"teamId": team_id, "userId": viewer_id, "role": "EDITOR"}}
    if operation == "removeMember":
        return REMOVE_MEMBER, {"i": {"teamId": team_id, "userId": viewer_id}}
    return CREATE_TOKEN, {"i": {"teamId": team_id, "name": "ci", "scopes": ["READ"]}}


@pytest.mark.parametrize("operation", ["team", "addMember", "changeMemberRole", "removeMember", "createApiToken"])
def test_outsider_gets_not_found(scene: Scene, operation: str) -> None:
    outsider = scene.new_user()
    query, variables = outsider_request(scene, operation)
    before = head_position(scene.admin)

    error = outsider.client.error(query, variables)

    assert error["extensions"]["code"] == "NOT_FOUND"
    assert error["extensions"]["field"] == "teamId"
    assert error["extensions"]["value"] == scene.team.team_id
    assert head_position(scene.admin) == before


def test_outsider_revoking_token_learns_nothing(scene: Scene) -> None:
    token_id, _ = issue_token(scene.admin, scene.team.team_id, ["READ"])
    outsider = scene.new_user()
    before = head_position(scene.admin)

    error = outsider.client.error(REVOKE_TOKEN, {"id": token_id})

    assert error["extensions"]["code"] == "NOT_FOUND"
    assert scene.team.name not in error["message"]
    assert scene.team.team_id not in error["message"]
    assert error["extensions"]["value"] == token_id
    assert head_position(scene.admin) == before


def test_audit_log_of_other_team_is_not_found(scene: Scene) -> None:
    viewer = scene.team.members["viewer"]
    other_team_id = scene.admin.data(CREATE_TEAM, {"i": {"name": unique("other")}})["createTeam"]["id"]

    body = viewer.client.post(AUDIT_LOG, {"f": {"teamId": other_team_id}})

    assert body.get("errors"), body
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert body["errors"][0]["extensions"]["field"] == "filter.teamId"


# Tokens


@pytest.fixture
def second_team(scene: Scene) -> str:
    """A team whose only admin is the admin member of the team under test."""
    owner = scene.team.members["admin"]
    return owner.client.data(CREATE_TEAM, {"i": {"name": unique("second")}})["createTeam"]["id"]


@pytest.fixture
def token_client(scene: Scene) -> Iterator[Client]:
    """The team admin member's token for the team under test, with every scope."""
    _, secret = issue_token(scene.team.members["admin"].client, scene.team.team_id, SCOPES_BY_ROLE["admin"])
    client = Client(scene.server, token=secret)
    yield client
    client.close()


def test_token_lists_only_its_team(scene: Scene, second_team: str, token_client: Client) -> None:
    names = [node["name"] for node in token_client.data(TEAMS)["teams"]["nodes"]]

    assert names == [scene.team.name]


def test_token_cannot_read_other_team(scene: Scene, second_team: str, token_client: Client) -> None:
    error = token_client.error(TEAM, {"id": second_team})

    assert error["extensions"]["code"] == "NOT_FOUND"
    assert error["extensions"]["field"] == "teamId"
    assert error["extensions"]["value"] == second_team


@pytest.mark.parametrize("mutation", ["addMember", "createApiToken"])
def test_token_cannot_act_on_other_team(scene: Scene, second_team: str, token_client: Client, mutation: str) -> None:
    if mutation == "addMember":
        query, variables = ADD_MEMBER, {"i": {"teamId": second_team, "userId": scene.new_user().user_id, "role": "VIEWER"}}
    else:
        query, variables = CREATE_TOKEN, {"i": {"teamId": second_team, "name": "ci", "scopes": ["READ"]}}
    before = head_position(scene.admin)

    error = token_client.error(query, variables)

    assert error["extensions"]["code"] == "NOT_FOUND"
    assert error["extensions"]["field"] == "teamId"
    assert error["extensions"]["value"] == second_team
    assert head_position(scene.admin) == before


@pytest.mark.parametrize(
    ("mutation", "needed"),
    [("createTeam", "write"), ("addMember", "admin"), ("createApiToken", "admin")],
)
def test_read_only_token_cannot_mutate(scene: Scene, mutation: str, needed: str) -> None:
    _, secret = issue_token(scene.team.members["admin"].client, scene.team.team_id, ["READ"])
    if mutation == "createTeam":
        query, variables = CREATE_TEAM, {"i": {"name": unique("readonly")}}
    elif mutation == "addMember":
        query, variables = ADD_MEMBER, {"i": {"teamId": scene.team.team_id, "userId": scene.new_user().user_id, "role": "VIEWER"}}
    else:
        query, variables = CREATE_TOKEN, {"i": {"teamId": scene.team.team_id, "name": "ci", "scopes": ["READ"]}}
    client = Client(scene.server, token=secret)
    before = head_position(scene.admin)

    error = client.error(query, variables)
    client.close()

    assert error["extensions"]["code"] == "FORBIDDEN"
    assert error["extensions"]["field"] == "scopes"
    assert error["extensions"]["value"] == ["read"]
    assert f"{mutation} needs a token with scope {needed!r}; this token has read." == error["message"]
    assert head_position(scene.admin) == before


def test_token_without_admin_scope_cannot_create_token(scene: Scene) -> None:
    _, secret = issue_token(scene.team.members["editor"].client, scene.team.team_id, SCOPES_BY_ROLE["editor"])
    client = Client(scene.server, token=secret)
    before = head_position(scene.admin)

    error = client.error(CREATE_TOKEN, {"i": {"teamId": scene.team.team_id, "name": "ci", "scopes": ["READ"]}})
    client.close()

    assert error["extensions"]["code"] == "FORBIDDEN"
    assert error["extensions"]["field"] == "scopes"
    assert "needs a token with scope 'admin'" in error["message"]
    assert head_position(scene.admin) == before


# Sessions and CSRF


@pytest.mark.parametrize("csrf_header", [None, "not-the-session-token"])
def test_session_mutation_needs_csrf_header(scene: Scene, csrf_header: str | None) -> None:
    admin_member = scene.team.members["admin"]
    client = Client(scene.server)
    client.login(admin_member.username, admin_member.password)
    headers = {"X-CSRF-Token": csrf_header} if csrf_header else {}
    client.csrf = None
    before = head_position(scene.admin)

    body = client.post(CREATE_TEAM, {"i": {"name": unique("csrf")}}, headers=headers)
    client.close()

    assert body["data"] is None
    assert len(body["errors"]) == 1
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert body["errors"][0]["extensions"]["field"] == "X-CSRF-Token"
    assert "X-CSRF-Token header" in body["errors"][0]["message"]
    assert head_position(scene.admin) == before


# The last admin


@pytest.fixture
def sole_admin_team(scene: Scene) -> tuple[Member, str]:
    """A team whose founder, the viewer member of the team under test, is its one admin."""
    founder = scene.team.members["viewer"]
    team_id = founder.client.data(CREATE_TEAM, {"i": {"name": unique("solo")}})["createTeam"]["id"]
    return founder, team_id


@pytest.mark.parametrize("operation", ["demote", "remove"])
def test_last_admin_cannot_leave(scene: Scene, sole_admin_team: tuple[Member, str], operation: str) -> None:
    founder, team_id = sole_admin_team
    requests = {
        "demote": (CHANGE_ROLE, {"i": {"teamId": team_id, "userId": founder.user_id, "role": "EDITOR"}}),
        "remove": (REMOVE_MEMBER, {"i": {"teamId": team_id, "userId": founder.user_id}}),
    }
    query, variables = requests[operation]
    before = head_position(scene.admin)

    error = founder.client.error(query, variables)

    assert error["extensions"]["code"] == "CONFLICT"
    assert error["extensions"]["field"] == "userId"
    assert error["extensions"]["value"] == founder.user_id
    assert "last admin" in error["message"]
    assert "make another member admin first" in error["message"]
    assert head_position(scene.admin) == before


# Reads


def test_teams_shows_only_callers_teams(scene: Scene) -> None:
    scene.admin.data(CREATE_TEAM, {"i": {"name": unique("hidden")}})

    names = [node["name"] for node in scene.team.members["viewer"].client.data(TEAMS)["teams"]["nodes"]]

    assert names == [scene.team.name]


def test_audit_log_shows_only_callers_teams(scene: Scene) -> None:
    scene.admin.data(CREATE_TEAM, {"i": {"name": unique("hidden")}})

    entries = scene.team.members["viewer"].client.data(AUDIT_LOG)["auditLog"]["nodes"]

    assert {entry["teamId"] for entry in entries} == {scene.team.team_id}
    assert "Team.Created" in [entry["action"] for entry in entries]
    assert "Team.MemberAdded" in [entry["action"] for entry in entries]


@pytest.fixture
def token_owners(scene: Scene) -> dict[str, str]:
    """One token for each member of the team under test: token id by role."""
    return {role: issue_token(scene.team.members[role].client, scene.team.team_id, ["READ"])[0] for role in ROLES}


def test_admin_sees_every_team_token(scene: Scene, token_owners: dict[str, str]) -> None:
    tokens = scene.team.members["admin"].client.data(TEAM_TOKENS, {"id": scene.team.team_id})["team"]["apiTokens"]["nodes"]

    assert {token["id"] for token in tokens} == set(token_owners.values())


@pytest.mark.parametrize("role", ["viewer", "editor"])
def test_member_sees_only_own_tokens(scene: Scene, token_owners: dict[str, str], role: str) -> None:
    member = scene.team.members[role]

    tokens = member.client.data(TEAM_TOKENS, {"id": scene.team.team_id})["team"]["apiTokens"]["nodes"]

    assert tokens == [{"id": token_owners[role], "userId": member.user_id}]
