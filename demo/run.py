"""Populate a demo team through the public API, as a user's script would; running it again changes nothing that exists.

Each step first looks for what it would create, by name, and creates only what is missing. So an
interrupted demo resumes where it stopped, and a finished one is left as it is: the prediction
stream is sent only to a deployment that has no calls yet.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import httpx
from modelcloud.api import ApiClient
from modelcloud.errors import ApiError, ModelCloudError

from demo import plan
from demo.plan import DatasetPlan, TrainingPlan

T = TypeVar("T")

DEFAULT_URL = "http://127.0.0.1:8000"
READY_TIMEOUT = 180.0
PROFILE_TIMEOUT = 300.0
TRAINING_TIMEOUT = 1200.0
RULE_TIMEOUT = 600.0
EVALUATION_TIMEOUT = 600.0
DEPLOYMENT_TIMEOUT = 600.0
POLL_SECONDS = 1.0
PAGE = 100

TEAMS = "query($after: String) { teams(first: 100, after: $after) { nodes { id name } pageInfo { hasNextPage endCursor } } }"
CREATE_TEAM = "mutation($i: CreateTeamInput!) { createTeam(input: $i) { id } }"
DATASETS = "query($team: ID!, $name: String!) { datasets(teamId: $team, nameContains: $name, archived: null, first: 100) { nodes { id name } } }"
CREATE_DATASET = "mutation($i: CreateDatasetInput!) { createDataset(input: $i) { id } }"
DATASET_VERSIONS = (
    "query($id: ID!) { dataset(id: $id) { versions(first: 100) { nodes { id number source status parentId failureReason } } } }"
)
UPLOAD_VERSION = "mutation($i: UploadDatasetVersionInput!) { uploadDatasetVersion(input: $i) { id number } }"
DERIVE_VERSION = "mutation($i: DeriveDatasetVersionInput!) { deriveDatasetVersion(input: $i) { id number } }"
VERSION_STATUS = "query($id: ID!) { datasetVersion(id: $id) { status rows failureReason } }"
CONFIGS = "query($team: ID!, $name: String!) { configProfiles(teamId: $team, nameContains: $name, archived: null, first: 100) { nodes { id name } } }"
CREATE_CONFIG = "mutation($i: CreateConfigProfileInput!) { createConfigProfile(input: $i) { id } }"
REGISTER_MODEL = "mutation($i: RegisterModelInput!) { registerModel(input: $i) { id } }"
MODEL = "query($id: ID!) { model(id: $id) { aliases { alias versionNumber version { id } } versions(first: 100) { nodes { id number status } } } }"
RUNS = (
    "query($f: TrainingRunFilter!) { trainingRuns(filter: $f, first: 100) { nodes { id status modelVersionId features } } }"
)
START_RUN = "mutation($i: StartTrainingRunInput!) { startTrainingRun(input: $i) { id } }"
RULES = "query($model: ID!) { evaluationRules(modelId: $model, first: 100) { nodes { id name openTrial trialCount } } }"
CREATE_RULE = "mutation($i: CreateEvaluationRuleInput!) { createEvaluationRule(input: $i) { id } }"
RULE_TRIALS = (
    "query($id: ID!) { evaluationRule(id: $id) { openTrial trials(first: 100) { nodes { modelVersionNumber status value message } } } }"
)
MOVE_ALIAS = "mutation($i: MoveAliasInput!) { moveAlias(input: $i) { id } }"
EVALUATIONS = "query($f: EvaluationFilter!) { evaluations(filter: $f, first: 100) { nodes { id status slices failureReason } } }"
EVALUATE = "mutation($i: EvaluateModelVersionInput!) { evaluateModelVersion(input: $i) { id } }"
EVALUATION = "query($id: ID!) { evaluation(id: $id) { status failureReason summary { name value } } }"
DEPLOYMENTS = "query($team: ID!) { deployments(teamId: $team, first: 100) { nodes { id name status } } }"
CREATE_DEPLOYMENT = "mutation($i: CreateDeploymentInput!) { createDeployment(input: $i) { id } }"
DEPLOYMENT = (
    "query($id: ID!) { deployment(id: $id) { status activeRevision healthReason endpoint } }"
)
ALERT_RULES = "query($team: ID!) { alertRules(teamId: $team, first: 100) { nodes { id name } } }"
CREATE_ALERT_RULE = "mutation($i: CreateAlertRuleInput!) { createAlertRule(input: $i) { id } }"
TOKENS = "query($team: ID!) { team(id: $team) { apiTokens(first: 100) { nodes { name } } } }"
CREATE_TOKEN = "mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { secret } }"

FINISHED_RUN = ("SUCCEEDED", "FAILED", "CANCELLED")


class DemoError(Exception):
    """A step of the demo failed; the message names the step and the reason."""


class Demo:
    """The demo's steps against one server, each of which creates only what is missing."""

    def __init__(self, client: ApiClient, out: Callable[[str], None] = print) -> None:
        self.client = client
        self.out = out
        self.team_id = ""

    def run(self, data_folder: Path) -> None:
        files = plan.write_dataset_files(data_folder)
        self.team_id = self.ensure_team()
        cleaned = {dataset.name: self.ensure_dataset(dataset, files[dataset.name]) for dataset in plan.DATASETS}
        models = {dataset.name: self.ensure_model(dataset) for dataset in plan.DATASETS}
        configs = {
            training.config_name: self.ensure_config(training) for dataset in plan.DATASETS for training in dataset.trainings
        }
        rule_id = self.ensure_promotion_rule(models[plan.BREAST_CANCER.name], cleaned[plan.BREAST_CANCER.name][0])
        runs = [
            self.ensure_training(dataset, training, models[dataset.name], cleaned[dataset.name][1], configs[training.config_name])
            for dataset in plan.DATASETS
            for training in dataset.trainings
        ]
        for run_id in runs:
            self.wait_for_training(run_id)
        self.wait_for_rule(rule_id, models[plan.BREAST_CANCER.name])
        for dataset in plan.DATASETS:
            version_id = self.ensure_production(dataset, models[dataset.name])
            self.ensure_evaluation(dataset, version_id, cleaned[dataset.name][1])
        cancer_model = models[plan.BREAST_CANCER.name]
        deployment_id = self.ensure_deployment(cancer_model)
        self.ensure_alert_rules()
        self.stream_predictions(deployment_id, self.served_features(cancer_model), files[plan.BREAST_CANCER.name])
        self.out(f"demo: done. Team {plan.TEAM!r} ({self.team_id}) is ready; see docs/tour.md for a walk through it.")

    # team and data

    def ensure_team(self) -> str:
        after = None
        while True:
            connection = self.client.execute(TEAMS, {"after": after})["teams"]
            for node in connection["nodes"]:
                if node["name"] == plan.TEAM:
                    self.out(f"demo: team {plan.TEAM!r} exists")
                    return str(node["id"])
            if not connection["pageInfo"]["hasNextPage"]:
                break
            after = connection["pageInfo"]["endCursor"]
        created = self.client.execute(CREATE_TEAM, {"i": {"name": plan.TEAM, "description": plan.TEAM_DESCRIPTION}})
        self.out(f"demo: created team {plan.TEAM!r}")
        return str(created["createTeam"]["id"])

    def ensure_dataset(self, dataset: DatasetPlan, path: Path) -> tuple[str, str]:
        """Upload, profile and clean one dataset; returns the dataset's id and its cleaned, split version's id."""
        found = self.client.execute(DATASETS, {"team": self.team_id, "name": dataset.name})["datasets"]["nodes"]
        dataset_id = next((node["id"] for node in found if node["name"] == dataset.name), None)
        if dataset_id is None:
            created = self.client.execute(CREATE_DATASET, {"i": {
                "teamId": self.team_id, "name": dataset.name, "description": dataset.description, "tags": dataset.tags}})
            dataset_id = created["createDataset"]["id"]
            self.out(f"demo: created dataset {dataset.name!r}")
        versions = self.client.execute(DATASET_VERSIONS, {"id": dataset_id})["dataset"]["versions"]["nodes"]

        raw = next((version for version in versions if version["source"] == "UPLOAD" and version["status"] != "FAILED"), None)
        if raw is None:
            upload = self.client.upload(path, self.team_id)
            raw = self.client.execute(UPLOAD_VERSION, {"i": {"datasetId": dataset_id, "uploadId": upload["uploadId"],
                                                             "label": "target"}})["uploadDatasetVersion"]
            self.out(f"demo: uploaded {path.name} ({upload['size']:,} bytes) as {dataset.name} version {raw['number']}")
        self.wait_for_profile(dataset.name, raw["id"])

        cleaned = next(
            (version for version in versions if version["parentId"] == raw["id"] and version["status"] != "FAILED"), None
        )
        if cleaned is None:
            cleaned = self.client.execute(DERIVE_VERSION, {"i": {"parentId": raw["id"], "operations": dataset.cleaning}})[
                "deriveDatasetVersion"]
            steps = ", ".join(operation["op"] for operation in dataset.cleaning)
            self.out(f"demo: derived {dataset.name} version {cleaned['number']} ({steps})")
        self.wait_for_profile(dataset.name, cleaned["id"])
        return dataset_id, cleaned["id"]

    def wait_for_profile(self, name: str, version_id: str) -> None:
        def profiled() -> dict[str, Any] | None:
            version = self.client.execute(VERSION_STATUS, {"id": version_id})["datasetVersion"]
            return version if version["status"] != "PROFILING" else None

        version = wait(profiled, PROFILE_TIMEOUT, f"the profile of a {name} version")
        if version["status"] != "READY":
            raise DemoError(f"the {name} version {version_id} failed: {version['failureReason']}")

    # configurations, models and training

    def ensure_config(self, training: TrainingPlan) -> str:
        found = self.client.execute(CONFIGS, {"team": self.team_id, "name": training.config_name})["configProfiles"]["nodes"]
        existing = next((node["id"] for node in found if node["name"] == training.config_name), None)
        if existing is not None:
            return str(existing)
        created = self.client.execute(CREATE_CONFIG, {"i": {
            "teamId": self.team_id, "name": training.config_name, "description": training.description,
            "document": training.document}})
        self.out(f"demo: created configuration profile {training.config_name!r}")
        return str(created["createConfigProfile"]["id"])

    def ensure_model(self, dataset: DatasetPlan) -> str:
        existing = self.client.find_model(self.team_id, dataset.model)
        if existing is not None:
            return existing
        created = self.client.execute(REGISTER_MODEL, {"i": {
            "teamId": self.team_id, "name": dataset.model, "description": dataset.model_description, "task": dataset.task,
            "tags": dataset.tags}})
        self.out(f"demo: registered model {dataset.model!r}")
        return str(created["registerModel"]["id"])

    def ensure_training(self, dataset: DatasetPlan, training: TrainingPlan, model_id: str, version_id: str, config_id: str) -> str:
        """Start the run unless one of this model and configuration has succeeded or is still going."""
        runs = self.client.execute(RUNS, {"f": {"modelId": model_id, "configProfileId": config_id}})["trainingRuns"]["nodes"]
        reusable = next((run for run in runs if run["status"] not in ("FAILED", "CANCELLED")), None)
        if reusable is not None:
            return str(reusable["id"])
        started = self.client.execute(START_RUN, {"i": {
            "modelId": model_id, "datasetVersionId": version_id, "configProfileId": config_id,
            "name": training.config_name}})["startTrainingRun"]
        workers = training.document.get("resources", {}).get("workers", 1)
        self.out(f"demo: started training {dataset.model} with {training.config_name!r} on {plural(workers, 'Ray worker')}")
        return str(started["id"])

    def wait_for_training(self, run_id: str) -> None:
        def finished() -> dict[str, Any] | None:
            run = self.client.execute(
                "query($id: ID!) { trainingRun(id: $id) { name status modelVersionNumber failureReason "
                "registrationError finalMetrics { name value } modelVersion { status } } }", {"id": run_id})["trainingRun"]
            if run["status"] not in FINISHED_RUN:
                return None
            # The version is inspected after the run; an evaluation or a deployment needs it ready.
            if run["status"] == "SUCCEEDED" and (run["modelVersion"] is None or run["modelVersion"]["status"] == "pending"):
                return None
            return run

        run = wait(finished, TRAINING_TIMEOUT, f"training run {run_id}")
        if run["status"] != "SUCCEEDED":
            raise DemoError(f"training run {run['name']!r} ended {run['status']}: {run['failureReason']}")
        metrics = ", ".join(f"{metric['name']} {metric['value']:.3f}" for metric in run["finalMetrics"])
        self.out(f"demo: training {run['name']!r} registered version {run['modelVersionNumber']} ({metrics})")

    # promotion and evaluation

    def ensure_promotion_rule(self, model_id: str, dataset_id: str) -> str:
        rules = self.client.execute(RULES, {"model": model_id})["evaluationRules"]["nodes"]
        existing = next((rule["id"] for rule in rules if rule["name"] == plan.PROMOTION_RULE["name"]), None)
        if existing is not None:
            return str(existing)
        created = self.client.execute(CREATE_RULE, {"i": {**plan.PROMOTION_RULE, "modelId": model_id, "datasetId": dataset_id}})
        self.out(f"demo: created evaluation rule {plan.PROMOTION_RULE['name']!r}, which moves {plan.PRODUCTION!r} "
                 "to each better version")
        return str(created["createEvaluationRule"]["id"])

    def wait_for_rule(self, rule_id: str, model_id: str) -> None:
        """Wait until the rule has tried every ready version of the model."""
        def decided() -> dict[str, Any] | None:
            ready = [version for version in self.model(model_id)["versions"]["nodes"] if version["status"] == "ready"]
            rule = self.client.execute(RULE_TRIALS, {"id": rule_id})["evaluationRule"]
            tried = {trial["modelVersionNumber"] for trial in rule["trials"]["nodes"]}
            if rule["openTrial"] is not None or not {version["number"] for version in ready} <= tried:
                return None
            return rule

        rule = wait(decided, RULE_TIMEOUT, "the evaluation rule's trials")
        for trial in sorted(rule["trials"]["nodes"], key=lambda trial: trial["modelVersionNumber"]):
            outcome = "moved production to it" if trial["status"] == "PASSED" else trial["message"]
            self.out(f"demo: rule tried version {trial['modelVersionNumber']}: {outcome}")

    def model(self, model_id: str) -> dict[str, Any]:
        return self.client.execute(MODEL, {"id": model_id})["model"]

    def ensure_production(self, dataset: DatasetPlan, model_id: str) -> str:
        """Return the version that `production` points at, first moving it to the newest ready version if it is unset."""
        model = self.model(model_id)
        alias = next((alias for alias in model["aliases"] if alias["alias"] == plan.PRODUCTION), None)
        if alias is not None:
            return str(alias["version"]["id"])
        ready = [version for version in model["versions"]["nodes"] if version["status"] == "ready"]
        if not ready:
            raise DemoError(f"model {dataset.model!r} has no ready version to serve")
        newest = max(ready, key=lambda version: version["number"])
        self.client.execute(MOVE_ALIAS, {"i": {"modelId": model_id, "alias": plan.PRODUCTION, "version": newest["number"]}})
        self.out(f"demo: moved {plan.PRODUCTION!r} of {dataset.model} to version {newest['number']}")
        return str(newest["id"])

    def ensure_evaluation(self, dataset: DatasetPlan, version_id: str, dataset_version_id: str) -> None:
        """Evaluate the production version on the test split with the dataset's slices, unless that was done."""
        found = self.client.execute(EVALUATIONS, {"f": {"modelVersionId": version_id, "datasetVersionId": dataset_version_id}})
        sliced = [node for node in found["evaluations"]["nodes"] if node["slices"] and node["status"] != "FAILED"]
        if sliced:
            evaluation_id = sliced[0]["id"]
        else:
            evaluation_id = self.client.execute(EVALUATE, {"i": {
                "versionId": version_id, "datasetVersionId": dataset_version_id, "split": "test",
                "slices": dataset.slices}})["evaluateModelVersion"]["id"]

        def completed() -> dict[str, Any] | None:
            evaluation = self.client.execute(EVALUATION, {"id": evaluation_id})["evaluation"]
            return evaluation if evaluation["status"] != "PENDING" else None

        evaluation = wait(completed, EVALUATION_TIMEOUT, f"the evaluation of {dataset.model}")
        if evaluation["status"] != "COMPLETED":
            raise DemoError(f"the evaluation of {dataset.model} failed: {evaluation['failureReason']}")
        if not sliced:
            summary = ", ".join(f"{metric['name']} {metric['value']:.3f}" for metric in evaluation["summary"][:4])
            self.out(f"demo: evaluated {dataset.model} production on the test split with {plural(len(dataset.slices), 'slice spec')} "
                     f"({summary})")

    # serving and monitoring

    def ensure_deployment(self, model_id: str) -> str:
        deployments = self.client.execute(DEPLOYMENTS, {"team": self.team_id})["deployments"]["nodes"]
        existing = next((node for node in deployments if node["name"] == plan.DEPLOYMENT), None)
        if existing is not None and existing["status"] == "STOPPED":
            self.out(f"demo: deployment {plan.DEPLOYMENT!r} exists but is stopped; left as it is")
            return str(existing["id"])
        if existing is None:
            # No traffic split: the deployment serves the version that `production` points at.
            created = self.client.execute(CREATE_DEPLOYMENT, {"i": {
                "modelId": model_id, "name": plan.DEPLOYMENT, "requestLogSample": 1.0}})
            existing = {"id": created["createDeployment"]["id"]}
            self.out(f"demo: created deployment {plan.DEPLOYMENT!r} of the production version; waiting for Ray Serve")

        def serving() -> dict[str, Any] | None:
            deployment = self.client.execute(DEPLOYMENT, {"id": existing["id"]})["deployment"]
            return deployment if deployment["activeRevision"] is not None or deployment["status"] == "DEGRADED" else None

        deployment = wait(serving, DEPLOYMENT_TIMEOUT, f"deployment {plan.DEPLOYMENT!r}")
        if deployment["activeRevision"] is None:
            raise DemoError(f"deployment {plan.DEPLOYMENT!r} did not start: {deployment['healthReason']}")
        self.out(f"demo: deployment {plan.DEPLOYMENT!r} is serving at {deployment['endpoint']}")
        return str(existing["id"])

    def ensure_alert_rules(self) -> None:
        existing = {node["name"] for node in self.client.execute(ALERT_RULES, {"team": self.team_id})["alertRules"]["nodes"]}
        for rule in plan.ALERT_RULES:
            if rule["name"] not in existing:
                self.client.execute(CREATE_ALERT_RULE, {"i": {**rule, "teamId": self.team_id}})
                self.out(f"demo: created alert rule {rule['name']!r} ({rule['signal']} {rule['comparator']} {rule['threshold']})")

    def served_features(self, model_id: str) -> list[str]:
        """Return the feature columns, in the model's input order, of the version that `production` points at."""
        version_id = next(alias["version"]["id"] for alias in self.model(model_id)["aliases"] if alias["alias"] == plan.PRODUCTION)
        runs = self.client.execute(RUNS, {"f": {"modelId": model_id, "status": ["SUCCEEDED"]}})["trainingRuns"]["nodes"]
        return next(run["features"] for run in runs if run["modelVersionId"] == version_id)

    def stream_predictions(self, deployment_id: str, features: list[str], path: Path) -> None:
        """Send a stream of predictions with a predict-only token, unless the deployment has been called before.

        The cleaning steps of breast cancer change no feature, so its model takes each row as one
        list of the 30 feature values in the training run's order.
        """
        deployment = self.client.execute(DEPLOYMENT, {"id": deployment_id})["deployment"]
        tokens = self.client.execute(TOKENS, {"team": self.team_id})["team"]["apiTokens"]["nodes"]
        # Calls reach the request log only when their inference window closes, so the token marks a sent stream.
        if deployment["status"] == "STOPPED" or any(token["name"] == plan.PREDICTION_TOKEN for token in tokens):
            return
        token = self.client.execute(CREATE_TOKEN, {"i": {
            "teamId": self.team_id, "name": plan.PREDICTION_TOKEN, "scopes": ["PREDICT"]}})["createApiToken"]["secret"]
        with path.open(newline="") as file:
            rows = [[float(row[feature]) for feature in features] for row in csv.DictReader(file)]
        chooser = random.Random(plan.SEED)
        answered = 0
        with httpx.Client(base_url=self.client.url, headers={"Authorization": f"Bearer {token}"}, timeout=60) as http:
            for _ in range(plan.PREDICTION_REQUESTS):
                instances = chooser.sample(rows, chooser.randint(1, plan.MAX_ROWS_PER_REQUEST))
                response = http.post(f"/v1/models/{plan.DEPLOYMENT}:predict", json={"instances": instances})
                if response.status_code != 200:
                    raise DemoError(f"prediction request failed with HTTP {response.status_code}: {response.text[:300]}")
                answered += 1
                # Spread over about PREDICTION_SECONDS, so the monitoring wall shows a stream rather than one burst.
                time.sleep(plan.PREDICTION_SECONDS / plan.PREDICTION_REQUESTS)
        self.out(f"demo: sent {answered} prediction requests to {plan.DEPLOYMENT!r} with the predict-only token "
                 f"{plan.PREDICTION_TOKEN!r}")


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def wait(check: Callable[[], T | None], timeout: float, subject: str) -> T:
    """Call `check` every POLL_SECONDS until it returns a value; raises DemoError naming `subject` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value is not None:
            return value
        if time.monotonic() > deadline:
            raise DemoError(f"timed out after {timeout:.0f} s waiting for {subject}")
        time.sleep(POLL_SECONDS)


def wait_until_ready(url: str, timeout: float = READY_TIMEOUT) -> None:
    """Wait until the server's /readyz passes, so that a demo started beside the server does not race its start."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(f"{url}/readyz", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise DemoError(f"the server at {url} was not ready after {timeout:.0f} s")
        time.sleep(POLL_SECONDS)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="modelcloud demo",
        description="Create the demo team, datasets, models, deployment and alert rules through the API (MODELCLOUD_TOKEN).",
    )
    parser.add_argument("--url", default=os.environ.get("MODELCLOUD_URL", DEFAULT_URL),
                        help=f"The server's URL (default: MODELCLOUD_URL, else {DEFAULT_URL}).")
    parser.add_argument("--wait", type=float, default=READY_TIMEOUT, metavar="SECONDS",
                        help=f"Seconds to wait for the server to be ready (default {READY_TIMEOUT:.0f}).")
    arguments = parser.parse_args(argv)
    token = os.environ.get("MODELCLOUD_TOKEN", "")
    if not token:
        print("modelcloud demo: set MODELCLOUD_TOKEN to an API token of a platform administrator with the write and admin "
              "scopes, such as the one the server printed on its first start", file=sys.stderr)
        return 2
    try:
        client = ApiClient(arguments.url, token, timeout=120)
    except ValueError as error:
        print(f"modelcloud demo: --url: {error}", file=sys.stderr)
        return 2
    try:
        wait_until_ready(client.url, arguments.wait)
        with tempfile.TemporaryDirectory(prefix="modelcloud-demo-") as folder:
            Demo(client, out=lambda line: print(line, flush=True)).run(Path(folder))
    except (DemoError, ModelCloudError) as error:
        detail = f"{error.code}: {error.message}" if isinstance(error, ApiError) else str(error)
        print(f"modelcloud demo: {detail}", file=sys.stderr)
        print("modelcloud demo: run `modelcloud demo` again to resume; it keeps what was created.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("modelcloud demo: interrupted; run `modelcloud demo` again to resume.", file=sys.stderr)
        return 130
    finally:
        client.close()
    return 0
