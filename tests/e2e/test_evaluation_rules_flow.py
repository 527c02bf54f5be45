"""A user compares two trained versions, then lets a rule promote the next run's version on its own, on a real local Ray."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_evaluation_flow import EVALUATE, EVALUATION
from tests.e2e.test_training_flow import MLP, Project, wait_for
from tests.support.graphql_ws import GraphQLWebSocket
from tests.support.server import Client, Server

pytestmark = pytest.mark.e2e

# One epoch at a tiny learning rate leaves the network close to its random start: a clearly weaker model.
WEAK = {**MLP, "model": {"template": "tabular_mlp", "hiddenUnits": [2]}, "epochs": 1, "seed": 3,
        "optimizer": {"name": "sgd", "learningRate": 0.00001}}
VERSION_STATUS = "query($id: ID!) { modelVersion(id: $id) { status } }"
MOVE_ALIAS = "mutation($i: MoveAliasInput!) { moveAlias(input: $i) { aliases { alias versionNumber } } }"
ALIASES = "query($id: ID!) { model(id: $id) { aliases { alias versionNumber } } }"
CREATE_RULE = (
    "mutation($i: CreateEvaluationRuleInput!) { createEvaluationRule(input: $i) "
    "{ id metric higherIsBetter alias trigger watchesVersionsAfter trialCount } }"
)
RULES = "query($m: ID!) { evaluationRules(modelId: $m) { nodes { id name trialCount } } }"
RULE_UPDATED = (
    "subscription($id: ID!) { evaluationRuleUpdated(id: $id) { rule { trialCount openTrial "
    "trials { nodes { trial status modelVersionNumber holderVersionNumber value holderValue aliasMoved message } } } "
    "change { action } } }"
)
AUDIT = "query($s: ID!) { auditLog(filter: {subjectId: $s}) { nodes { action actor summary } } }"
RULE_TIMEOUT = 420.0


class Versions:
    """Trains versions of the project's model and evaluates them over GraphQL."""

    def __init__(self, project: Project, client: Client) -> None:
        self.project = project
        self.client = client

    def train(self, document: dict[str, Any]) -> dict[str, Any]:
        run = self.project.start(document)
        finished = self.project.finished(run["id"])
        assert finished["status"] == "SUCCEEDED", finished["failureReason"]
        version_id = finished["modelVersionId"]
        wait_for(lambda: self.client.data(VERSION_STATUS, {"id": version_id})["modelVersion"]["status"] == "ready", 120,
                 "inspection")
        return finished

    def evaluate(self, version_id: str, slices: list[dict[str, Any]]) -> dict[str, Any]:
        requested = self.client.data(EVALUATE, {"i": {"versionId": version_id, "datasetVersionId": self.project.version_id,
                                                      "slices": slices}})["evaluateModelVersion"]
        report = wait_for(
            lambda: (e := self.client.data(EVALUATION, {"id": requested["id"]})["evaluation"])["status"] != "PENDING" and e,
            180, "the evaluation",
        )
        assert report["status"] == "COMPLETED", report["failureReason"]
        return report


def f1_of(report: dict[str, Any]) -> float:
    return next(item["value"] for item in report["summary"] if item["name"] == "f1")


def test_rule_promotes_next_better_version(server: Server, dataset_files: Path) -> None:
    client = Client(server, token=server.admin_token)
    project = Project(server, client, dataset_files)
    versions = Versions(project, client)
    slices = [{"kind": "quantiles", "feature": "mean radius", "bins": 4}, {"kind": "label"}]

    strong = versions.train(MLP)
    weak = versions.train(WEAK)
    strong_report = versions.evaluate(strong["modelVersionId"], slices)
    weak_report = versions.evaluate(weak["modelVersionId"], slices)

    # The weaker version, and the slice where it fails worst: the slices come ranked by their gap.
    assert f1_of(weak_report) < f1_of(strong_report)
    worst = weak_report["slices"][0]
    assert worst["gap"] < 0
    accuracy = next(item["value"] for item in weak_report["summary"] if item["name"] == "accuracy")
    assert worst["metrics"]["accuracy"] == pytest.approx(accuracy + worst["gap"])
    # Thresholds of the stronger one, and which features matter to it.
    grid = strong_report["thresholds"]
    assert [row["threshold"] for row in grid] == sorted(row["threshold"] for row in grid)
    assert all(row["tp"] + row["fn"] == grid[0]["tp"] + grid[0]["fn"] for row in grid)
    importance = strong_report["attributions"]["permutation"]
    assert len(importance) == 30

    client.data(MOVE_ALIAS, {"i": {"modelId": project.model_id, "alias": "production", "version": weak["modelVersionNumber"]}})
    rule = client.data(CREATE_RULE, {"i": {
        "modelId": project.model_id, "name": "promote on f1", "datasetId": dataset_id(client, project.version_id),
        "datasetVersionId": project.version_id, "metric": "f1", "alias": "production",
    }})["createEvaluationRule"]
    assert (rule["metric"], rule["higherIsBetter"], rule["trigger"]) == ("f1", True, "NEW_VERSION")
    assert rule["watchesVersionsAfter"] == 2
    assert [node["id"] for node in client.data(RULES, {"m": project.model_id})["evaluationRules"]["nodes"]] == [rule["id"]]

    async def train_and_watch(document: dict[str, Any]) -> dict[str, Any]:
        socket = await GraphQLWebSocket.connect(server.ws_url, payload={"token": server.admin_token})
        operation = await socket.subscribe(RULE_UPDATED, {"id": rule["id"]})
        first = await socket.next_data(operation)
        trials_before = first["evaluationRuleUpdated"]["rule"]["trialCount"]
        await asyncio.to_thread(versions.train, document)
        while True:
            update = (await socket.next_data(operation, timeout=RULE_TIMEOUT))["evaluationRuleUpdated"]
            newest = update["rule"]["trials"]["nodes"]
            if update["rule"]["trialCount"] > trials_before and newest[0]["status"] != "EVALUATING":
                await socket.close()
                return newest[0]

    promoted = asyncio.run(train_and_watch(MLP))

    assert promoted["status"] == "PASSED", promoted["message"]
    assert (promoted["modelVersionNumber"], promoted["holderVersionNumber"]) == (3, weak["modelVersionNumber"])
    assert promoted["holderValue"] == pytest.approx(f1_of(weak_report))
    assert promoted["value"] > promoted["holderValue"]
    assert promoted["aliasMoved"] is True
    assert production(client, project.model_id) == 3

    refused = asyncio.run(train_and_watch(WEAK))

    assert refused["status"] == "FAILED"
    assert refused["holderVersionNumber"] == 3
    assert "'production' did not move" in refused["message"]
    assert production(client, project.model_id) == 3
    actions = [entry["action"] for entry in client.data(AUDIT, {"s": rule["id"]})["auditLog"]["nodes"]]
    assert sorted(actions) == sorted(["EvaluationRule.Created", "EvaluationRule.Triggered", "EvaluationRule.Passed",
                                      "EvaluationRule.Triggered", "EvaluationRule.Failed"])


def dataset_id(client: Client, version_id: str) -> str:
    return client.data("query($id: ID!) { datasetVersion(id: $id) { datasetId } }", {"id": version_id})["datasetVersion"]["datasetId"]


def production(client: Client, model_id: str) -> int | None:
    aliases = client.data(ALIASES, {"id": model_id})["model"]["aliases"]
    return next((item["versionNumber"] for item in aliases if item["alias"] == "production"), None)
