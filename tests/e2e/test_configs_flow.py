"""Configuration profiles over the public API: schema, create, revise, diff, conflicts and bad documents."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import CREATE_TEAM, unique
from tests.support.server import Client, Server

pytestmark = pytest.mark.e2e

CREATE = "mutation($i: CreateConfigProfileInput!) { createConfigProfile(input: $i) { id name latestRevisionNumber } }"
REVISE = "mutation($i: ReviseConfigProfileInput!) { reviseConfigProfile(input: $i) { latestRevisionNumber latestRevision { comment document } } }"
DIFF = "query($id: ID!) { configProfile(id: $id) { diff(a: 1, b: 2) { path a b } revisions { nodes { number } } } }"


def test_configuration_lifecycle(server: Server, admin_token: Client) -> None:
    team_id = admin_token.data(CREATE_TEAM, {"i": {"name": unique("configs")}})["createTeam"]["id"]
    schema = admin_token.data("{ trainingConfigSchema }")["trainingConfigSchema"]
    document = {"model": {"template": "tabular_mlp", "hiddenUnits": [32]}, "epochs": 5}

    profile = admin_token.data(CREATE, {"i": {"teamId": team_id, "name": "cancer-mlp", "document": document}})["createConfigProfile"]
    revised = admin_token.data(
        REVISE,
        {"i": {"id": profile["id"], "expectedRevision": 1, "comment": "more epochs", "document": {**document, "epochs": 30}}},
    )["reviseConfigProfile"]
    stale = admin_token.error(REVISE, {"i": {"id": profile["id"], "expectedRevision": 1, "document": {**document, "epochs": 40}}})
    invalid = admin_token.error(
        REVISE, {"i": {"id": profile["id"], "document": {**document, "optimizer": {"name": "adagrad", "learningRate": -0.5}}}}
    )
    compared = admin_token.data(DIFF, {"id": profile["id"]})["configProfile"]

    assert "model" in schema["required"]
    assert profile["latestRevisionNumber"] == 1
    assert revised["latestRevisionNumber"] == 2
    assert revised["latestRevision"]["comment"] == "more epochs"
    assert revised["latestRevision"]["document"]["optimizer"]["name"] == "adam"
    assert stale["extensions"]["code"] == "CONFLICT"
    assert stale["extensions"]["field"] == "expectedRevision"
    assert invalid["extensions"]["code"] == "BAD_USER_INPUT"
    assert invalid["extensions"]["field"] == "document.optimizer.name"
    assert invalid["extensions"]["value"] == "adagrad"
    assert "document.optimizer.learningRate: Input should be greater than 0 (got -0.5)" in invalid["message"]
    assert compared["diff"] == [{"path": "epochs", "a": 5, "b": 30}]
    assert [node["number"] for node in compared["revisions"]["nodes"]] == [2, 1]
