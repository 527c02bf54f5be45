"""The registry's first steps over the public API: upload, duplicates, aliases, compare and time travel."""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import CREATE_TEAM, unique
from tests.support.graphql_ws import GraphQLWebSocket
from tests.support.server import Client, Server

pytestmark = pytest.mark.e2e

REGISTER = "mutation($i: RegisterModelInput!) { registerModel(input: $i) { id name task versionCount } }"
UPLOAD_VERSION = (
    "mutation($i: UploadModelVersionInput!) { uploadModelVersion(input: $i) "
    "{ id number sha256 format status duplicateOfId downloadPath } }"
)
MOVE_ALIAS = "mutation($i: MoveAliasInput!) { moveAlias(input: $i) { aliases { alias versionNumber } } }"
MODEL_AS_OF = "query($id: ID!, $at: DateTime) { model(id: $id, asOf: $at) { asOf aliases { alias versionNumber } versionCount } }"
COMPARE = "query($a: ID!, $b: ID!) { compareModelVersions(a: $a, b: $b) { sameBytes sizeDelta changes { field a b } } }"
HISTORY = "query($id: ID!) { modelHistory(id: $id) { nodes { action actor occurredAt model { aliases { alias versionNumber } } } } }"
UPDATED = "subscription($id: ID!) { modelUpdated(id: $id) { model { aliases { alias versionNumber } } change { action summary } } }"


def upload(server: Server, path: Path, token: str, team_id: str) -> str:
    response = httpx.post(
        f"{server.url}/v1/uploads", params={"team": team_id}, content=path.read_bytes(),
        headers={"Authorization": f"Bearer {token}", "X-Filename": path.name},
    )
    assert response.status_code == 201, response.text
    return response.json()["uploadId"]


def test_registry_first_steps(server: Server, admin_token: Client, model_files: Path) -> None:
    team_id = admin_token.data(CREATE_TEAM, {"i": {"name": unique("registry")}})["createTeam"]["id"]
    token = server.admin_token
    model = admin_token.data(REGISTER, {"i": {"teamId": team_id, "name": "breast-cancer", "task": "CLASSIFICATION"}})["registerModel"]

    first = admin_token.data(UPLOAD_VERSION, {"i": {"modelId": model["id"], "uploadId": upload(server, model_files / "cancer_a.keras", token, team_id)}})
    duplicate = admin_token.error(UPLOAD_VERSION, {"i": {"modelId": model["id"], "uploadId": upload(server, model_files / "cancer_a.keras", token, team_id)}})
    second = admin_token.data(UPLOAD_VERSION, {"i": {"modelId": model["id"], "uploadId": upload(server, model_files / "cancer_b.keras", token, team_id)}})
    v1, v2 = first["uploadModelVersion"], second["uploadModelVersion"]

    assert (v1["number"], v2["number"]) == (1, 2)
    assert v1["sha256"] == hashlib.sha256((model_files / "cancer_a.keras").read_bytes()).hexdigest()
    assert duplicate["extensions"]["code"] == "CONFLICT"
    assert "already version 1 of model 'breast-cancer'" in duplicate["message"]

    async def watch_moves() -> list[dict[str, Any]]:
        socket = await GraphQLWebSocket.connect(server.ws_url, payload={"token": token})
        operation = await socket.subscribe(UPDATED, {"id": model["id"]})
        initial = (await socket.next_data(operation))["modelUpdated"]
        assert initial["change"] is None
        await asyncio.to_thread(admin_token.data, MOVE_ALIAS, {"i": {"modelId": model["id"], "alias": "production", "version": 1}})
        await asyncio.to_thread(admin_token.data, MOVE_ALIAS, {"i": {"modelId": model["id"], "alias": "production", "version": 2}})
        # The versions' inspections may finish meanwhile and push their own updates; keep the alias moves.
        updates: list[dict[str, Any]] = []
        while len(updates) < 2:
            update = (await socket.next_data(operation))["modelUpdated"]
            if update["change"]["action"] == "RegisteredModel.AliasMoved":
                updates.append(update)
        await socket.close()
        return updates

    updates = asyncio.run(asyncio.wait_for(watch_moves(), timeout=60))

    assert [update["model"]["aliases"] for update in updates] == [
        [{"alias": "production", "versionNumber": 1}],
        [{"alias": "production", "versionNumber": 2}],
    ]
    assert updates[1]["change"]["summary"] == "Moved alias 'production' of model 'breast-cancer' to version 2 from version 1"

    history = admin_token.data(HISTORY, {"id": model["id"]})["modelHistory"]["nodes"]
    first_move = next(entry for entry in reversed(history) if entry["action"] == "RegisteredModel.AliasMoved")
    then = admin_token.data(MODEL_AS_OF, {"id": model["id"], "at": first_move["occurredAt"]})["model"]
    now = admin_token.data(MODEL_AS_OF, {"id": model["id"], "at": None})["model"]
    assert then["aliases"] == [{"alias": "production", "versionNumber": 1}]
    assert now["aliases"] == [{"alias": "production", "versionNumber": 2}]

    compared = admin_token.data(COMPARE, {"a": v1["id"], "b": v2["id"]})["compareModelVersions"]
    assert compared["sameBytes"] is False
    assert compared["sizeDelta"] == (model_files / "cancer_b.keras").stat().st_size - (model_files / "cancer_a.keras").stat().st_size
    assert "sha256" in [change["field"] for change in compared["changes"]]

    downloaded = httpx.get(f"{server.url}{v1['downloadPath']}", headers={"Authorization": f"Bearer {token}"})
    assert downloaded.content == (model_files / "cancer_a.keras").read_bytes()

    audit = admin_token.data(
        'query($t: ID) { auditLog(filter: {teamId: $t, action: "RegisteredModel.AliasMoved"}) { nodes { summary } } }', {"t": team_id}
    )["auditLog"]["nodes"]
    assert [entry["summary"] for entry in audit] == [
        "Moved alias 'production' of model 'breast-cancer' to version 2 from version 1",
        "Moved alias 'production' of model 'breast-cancer' to version 1",
    ]


def test_search_by_name_and_alias(server: Server, admin_token: Client) -> None:
    team_id = admin_token.data(CREATE_TEAM, {"i": {"name": unique("search")}})["createTeam"]["id"]
    for name in ("Iris-MLP", "wine-mlp", "digits-cnn"):
        admin_token.data(REGISTER, {"i": {"teamId": team_id, "name": name, "tags": [{"key": "family", "value": name[-3:].lower()}]}})

    found = admin_token.data(
        "query($t: ID) { models(teamId: $t, filter: {nameContains: \"MLP\"}) { nodes { name } } }", {"t": team_id}
    )["models"]["nodes"]
    tagged = admin_token.data(
        "query($t: ID) { models(teamId: $t, filter: {tagKey: \"family\", tagValue: \"cnn\"}) { nodes { name } } }", {"t": team_id}
    )["models"]["nodes"]

    assert [model["name"] for model in found] == ["Iris-MLP", "wine-mlp"]
    assert [model["name"] for model in tagged] == ["digits-cnn"]


def test_download_of_other_team_is_not_found(server: Server, admin_token: Client, model_files: Path, team) -> None:
    team_id = admin_token.data(CREATE_TEAM, {"i": {"name": unique("private")}})["createTeam"]["id"]
    model = admin_token.data(REGISTER, {"i": {"teamId": team_id, "name": "secret-model"}})["registerModel"]
    version = admin_token.data(
        UPLOAD_VERSION, {"i": {"modelId": model["id"], "uploadId": upload(server, model_files / "cancer_b.keras", server.admin_token, team_id), "allowDuplicate": True}}
    )["uploadModelVersion"]
    outsider = team.members["viewer"].client

    response = outsider.http.get(version["downloadPath"])
    error = outsider.error("query($id: ID!) { modelVersion(id: $id) { number } }", {"id": version["id"]})

    assert response.status_code == 404
    assert error["extensions"]["code"] == "NOT_FOUND"


def test_download_of_missing_file_is_conflict(server: Server, admin_token: Client, model_files: Path) -> None:
    team_id = admin_token.data(CREATE_TEAM, {"i": {"name": unique("lost")}})["createTeam"]["id"]
    model = admin_token.data(REGISTER, {"i": {"teamId": team_id, "name": "lost-file"}})["registerModel"]
    version = admin_token.data(
        UPLOAD_VERSION,
        {"i": {"modelId": model["id"], "uploadId": upload(server, model_files / "cancer_b.keras", server.admin_token, team_id), "allowDuplicate": True}},
    )["uploadModelVersion"]
    blob = next((server.home / "artifacts" / "blobs").rglob(version["sha256"]))
    kept = blob.read_bytes()
    blob.unlink()

    response = httpx.get(f"{server.url}{version['downloadPath']}", headers={"Authorization": f"Bearer {server.admin_token}"})
    blob.write_bytes(kept)

    assert response.status_code == 409
    assert response.json()["error"]["field"] == "versionId"
    assert "stored file is missing" in response.json()["error"]["message"]
