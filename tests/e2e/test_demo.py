"""`modelcloud serve --demo`, as `make up` runs it: the first start builds the demo team, and `modelcloud demo` again adds nothing.

The demo trains one model on two Ray workers, and TensorFlow's multi-worker gRPC server
listens on every interface, so the server runs inside a private network namespace whose only
interface is loopback. This module is also the script that runs there. It starts the server,
waits for the demo and reads what it made through the public API. Then it runs the web app's
browser flows (frontend/e2e/run.mjs, headless Chromium) against the same server. Last, it trains
the demo's one-worker breast cancer configuration again on two workers, to compare their
held-out accuracy. Everything goes to a JSON file that the tests check. The tests are skipped where no namespace can be
made, and the browser flows are skipped where no Chromium is installed.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.unit.test_training_multiworker import loopback_namespace

pytestmark = pytest.mark.e2e

SCENARIO_SECONDS = 900
DEMO_SECONDS = 700.0
# The browser flows include a 25-epoch training run and a new deployment's start on Ray.
BROWSER_SECONDS = 480
BUILD_SECONDS = 600
# The first test to run pays for the build and the scenario, because pytest-timeout counts fixture set-up.
TEST_SECONDS = BUILD_SECONDS + SCENARIO_SECONDS + BROWSER_SECONDS + 60

REPOSITORY = Path(__file__).resolve().parents[2]
BROWSER_SCRIPT = REPOSITORY / "frontend" / "e2e" / "run.mjs"
SCREENSHOT_ARTIFACTS = REPOSITORY / "test-artifacts" / "screenshots"
# The flows of frontend/e2e/run.mjs in the order it runs them. Each one is reported as its own test.
BROWSER_FLOWS = ("signIn", "teamSwitcher", "registrySearch", "modelPage", "auditLive", "auditReconnect", "graphiql",
                 "language", "graphqlError", "structureDiagram", "trainingLiveCurve", "deployRequestConsole", "monitoringWallAlert")
# `make up` measures every 30 s; the wall's alert flow should not wait that long for its rule's first evaluation.
MONITORING_INTERVAL_SECONDS = "3"
NO_CHROMIUM = "Chromium is not installed (no `chromium` on PATH): run scripts/install-chromium.sh as root, or apt-get install chromium"

TEAM = "query { teams(first: 100) { nodes { id name } } }"
DATASETS = (
    "query($team: ID!) { datasets(teamId: $team) { nodes { name versions { nodes { number source status rows "
    "operations { op } splits { name rows } } } } } }"
)
MODELS = (
    "query($team: ID!) { models(teamId: $team) { nodes { id name task versionCount aliases { alias versionNumber "
    "version { id status } } } } }"
)
RUNS = (
    "query($team: ID!) { trainingRuns(teamId: $team) { nodes { name status workers modelVersionId datasetVersionId "
    "features dataSummary } } }"
)
EVALUATIONS = "query($team: ID!) { evaluations(teamId: $team) { nodes { modelVersionId status split slices } } }"
RULES = "query($model: ID!) { evaluationRules(modelId: $model) { nodes { name metric trialCount } } }"
DEPLOYMENTS = "query($team: ID!) { deployments(teamId: $team) { nodes { name status activeRevision config { traffic { version } } } } }"
ALERT_RULES = "query($team: ID!) { alertRules(teamId: $team) { nodes { name signal targetKind } } }"
ACTED = "query($actor: String!) { auditLog(filter: {actor: $actor}, first: 1) { edges { node { position } } } }"
EVENTS = "subscription($team: ID!) { events(filter: {teamId: $team}, afterPosition: 0) { position action actor } }"
VIEWER = "{ viewer { user { id } } }"
CONFIGS = "query($team: ID!) { configProfiles(teamId: $team) { nodes { name latestRevision { document } } } }"
CREATE_CONFIG = "mutation($i: CreateConfigProfileInput!) { createConfigProfile(input: $i) { id } }"
REGISTER = "mutation($i: RegisterModelInput!) { registerModel(input: $i) { id } }"
START = "mutation($i: StartTrainingRunInput!) { startTrainingRun(input: $i) { id } }"
RUN = "query($id: ID!) { trainingRun(id: $id) { status failureReason workers epochsDone dataSummary modelVersionId } }"


def run_scenario(home: Path, output: Path, chromium: str | None, screenshots: Path) -> None:
    """Inside the namespace: start the server as `make up` does, wait for the demo, record what it made, then run the browser flows."""
    from tests.support.server import Client, start_server

    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    server = start_server(home, arguments=("--demo",), MODELCLOUD_MONITORING_INTERVAL_SECONDS=MONITORING_INTERVAL_SECONDS)
    observed: dict[str, Any] = {}
    try:
        deadline = time.monotonic() + DEMO_SECONDS
        while not any(line.startswith(("demo: done", "modelcloud demo:")) for line in server.output):
            if time.monotonic() > deadline or server.process.poll() is not None:
                break
            time.sleep(1)
        observed["demo_lines"] = [line.rstrip() for line in server.output if line.startswith(("demo:", "modelcloud demo:"))]
        client = Client(server, token=server.admin_token)
        observed.update(read_demo(server, client))
        observed["audit"] = asyncio.run(replay_audit(server, observed["team_id"]))
        observed["viewer"] = viewer = client.data(VIEWER)["viewer"]["user"]["id"]

        # The platform keeps appending inference windows and measurements, so only the demo's own entries count.
        head = client.data(ACTED, {"actor": viewer})["auditLog"]["edges"][0]["node"]["position"]
        again = subprocess.run(
            [sys.executable, "-m", "backend.cli", "demo"], capture_output=True, text=True, timeout=300,
            env={**os.environ, "MODELCLOUD_TOKEN": server.admin_token, "MODELCLOUD_URL": server.url},
        )
        observed["rerun"] = {"returncode": again.returncode, "stdout": again.stdout, "stderr": again.stderr[-3000:],
                             "head_before": head,
                             "head_after": client.data(ACTED, {"actor": viewer})["auditLog"]["edges"][0]["node"]["position"]}

        # The browser flows come after the demo's own checks because they add audit entries (a sign-in, an API token).
        if chromium is not None:
            observed["browser"] = run_browser(server, chromium, home / "browser.json", screenshots)
        observed["workers"] = compare_workers(server, client, observed["team_id"])
    finally:
        server.stop()
        output.write_text(json.dumps(observed))


def compare_workers(server: Any, client: Any, team_id: str) -> dict[str, Any]:
    """Train the demo's one-worker breast cancer configuration again on two workers, in a model of its own.

    Returns both runs and the held-out accuracy of both versions on the cleaned version's test rows,
    computed with Keras outside the platform.
    """
    from tests.e2e.test_training_flow import wait_for

    configs = client.data(CONFIGS, {"team": team_id})["configProfiles"]["nodes"]
    small = next(config for config in configs if config["name"] == "breast-cancer-small")
    document = {**small["latestRevision"]["document"], "resources": {"workers": 2, "cpusPerWorker": 0.5}}
    config_id = client.data(CREATE_CONFIG, {"i": {"teamId": team_id, "name": "breast-cancer-small-two-workers",
                                                  "document": document}})["createConfigProfile"]["id"]
    model_id = client.data(REGISTER, {"i": {"teamId": team_id, "name": "breast-cancer-two-workers",
                                            "task": "CLASSIFICATION"}})["registerModel"]["id"]
    one = next(run for run in client.data(RUNS, {"team": team_id})["trainingRuns"]["nodes"]
               if run["name"] == "breast-cancer-small")
    started = client.data(START, {"i": {"modelId": model_id, "datasetVersionId": one["datasetVersionId"],
                                        "configProfileId": config_id}})["startTrainingRun"]
    two = wait_for(lambda: (run := client.data(RUN, {"id": started["id"]})["trainingRun"])["status"]
                   in ("SUCCEEDED", "FAILED", "CANCELLED") and run, 300, "the two-worker run")
    accuracy = {}
    if two["status"] == "SUCCEEDED":
        rows, labels = held_out_split(server, one["datasetVersionId"], one["features"])
        for name, run in (("one", one), ("two", two)):
            predicted = local_predictions(server, run["modelVersionId"], rows)
            accuracy[name] = sum((score[0] >= 0.5) == label for score, label in zip(predicted, labels, strict=True)) / len(labels)
    return {"one": one, "two": two, "accuracy": accuracy}


def held_out_split(server: Any, version_id: str, features: list[str]) -> tuple[list[list[float]], list[int]]:
    """Return the feature rows and labels of a dataset version's test split, read from its Parquet download."""
    import io

    import pandas as pd

    response = httpx.get(f"{server.url}/v1/dataset-versions/{version_id}/data", params={"format": "parquet"},
                         headers={"Authorization": f"Bearer {server.admin_token}"}, timeout=60)
    response.raise_for_status()
    data = pd.read_parquet(io.BytesIO(response.content))
    test = data[data["split"] == "test"]
    return test[features].astype("float32").values.tolist(), test["target"].astype(int).tolist()


def run_browser(server: Any, chromium: str, results: Path, screenshots: Path) -> dict[str, Any]:
    """Run frontend/e2e/run.mjs against the server and return its results, or the reason it wrote none."""
    started = time.monotonic()
    try:
        completed = subprocess.run(
            ["node", str(BROWSER_SCRIPT), "--url", server.url, "--results", str(results),
             "--screenshots", str(screenshots), "--chromium", chromium],
            capture_output=True, text=True, timeout=BROWSER_SECONDS, cwd=BROWSER_SCRIPT.parent.parent,
            env={**os.environ, "MODELCLOUD_ADMIN_PASSWORD": server.admin_password, "MODELCLOUD_TOKEN": server.admin_token},
        )
        output = completed.stdout[-3000:] + completed.stderr[-3000:]
    except subprocess.TimeoutExpired as timeout:
        output = f"frontend/e2e/run.mjs timed out after {timeout.timeout} s"
    except OSError as error:
        output = f"node could not be started: {error}"
    seconds = round(time.monotonic() - started, 1)
    if not results.is_file():
        return {"error": f"frontend/e2e/run.mjs wrote no results:\n{output}", "seconds": seconds, "flows": {}}
    return {**json.loads(results.read_text()), "seconds": seconds, "output": output}


def read_demo(server: Any, client: Any) -> dict[str, Any]:
    """Read the demo team's datasets, models, runs, evaluations, deployment and alert rules, and call its endpoint."""
    team_id = next(team["id"] for team in client.data(TEAM)["teams"]["nodes"] if team["name"] == "demo")
    models = client.data(MODELS, {"team": team_id})["models"]["nodes"]
    runs = client.data(RUNS, {"team": team_id})["trainingRuns"]["nodes"]
    cancer = next(model for model in models if model["name"] == "breast-cancer-classifier")
    production = next(alias for alias in cancer["aliases"] if alias["alias"] == "production")
    features = next(run["features"] for run in runs if run["modelVersionId"] == production["version"]["id"])
    rows = held_out_rows(features)

    # The bootstrap token belongs to team `default`, so the call names the demo team.
    answered = httpx.post(f"{server.url}/v1/models/breast-cancer:predict", json={"instances": rows}, timeout=60,
                          params={"team": team_id}, headers={"Authorization": f"Bearer {server.admin_token}"})
    return {
        "team_id": team_id,
        "datasets": client.data(DATASETS, {"team": team_id})["datasets"]["nodes"],
        "models": models,
        "runs": runs,
        "evaluations": client.data(EVALUATIONS, {"team": team_id})["evaluations"]["nodes"],
        "promotion_rules": client.data(RULES, {"model": cancer["id"]})["evaluationRules"]["nodes"],
        "deployments": client.data(DEPLOYMENTS, {"team": team_id})["deployments"]["nodes"],
        "alert_rules": client.data(ALERT_RULES, {"team": team_id})["alertRules"]["nodes"],
        "prediction": {"status": answered.status_code, "body": answered.json(),
                       "expected": local_predictions(server, production["version"]["id"], rows)},
    }


def held_out_rows(features: list[str]) -> list[list[float]]:
    """Return five breast cancer rows from scikit-learn, as lists of the served model's features in order."""
    from sklearn.datasets import load_breast_cancer

    bunch = load_breast_cancer()
    columns = [list(bunch.feature_names).index(feature) for feature in features]
    return [[float(row[column]) for column in columns] for row in bunch.data[:5]]


def local_predictions(server: Any, version_id: str, rows: list[list[float]]) -> list[list[float]]:
    """Download the served version's file and predict the rows with Keras, independently of the deployment."""
    import keras
    import numpy as np

    response = httpx.get(f"{server.url}/v1/model-versions/{version_id}/artifact",
                         headers={"Authorization": f"Bearer {server.admin_token}"}, timeout=60)
    response.raise_for_status()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.keras"
        path.write_bytes(response.content)
        model = keras.saving.load_model(path, safe_mode=True)
        return np.asarray(model(np.asarray(rows, dtype="float32"))).tolist()


async def replay_audit(server: Any, team_id: str) -> list[dict[str, Any]]:
    """Collect the demo team's audit entries from the live `events` subscription, replayed from position 0."""
    from tests.support.graphql_ws import GraphQLWebSocket
    from tests.support.server import Client

    newest = Client(server, token=server.admin_token).data(
        "query($team: ID!) { auditLog(filter: {teamId: $team}, first: 1) { nodes { position } } }", {"team": team_id}
    )["auditLog"]["nodes"][0]["position"]
    socket = await GraphQLWebSocket.connect(server.ws_url, payload={"token": server.admin_token})
    entries: list[dict[str, Any]] = []
    try:
        operation = await socket.subscribe(EVENTS, {"team": team_id})
        while not entries or entries[-1]["position"] < newest:
            entries.append((await socket.next_data(operation, timeout=30))["events"])
    finally:
        await socket.close()
    return entries


def build_web_app() -> str | None:
    """Build frontend/dist as `make up` does (only when missing or older than a source); return the failure, if any."""
    if shutil.which("make") is None:
        if (REPOSITORY / "frontend" / "dist" / "index.html").is_file():
            return None
        return "frontend/dist is not built and `make` is not installed: run `npm ci && npm run build` in frontend/"
    completed = subprocess.run(["make", "--no-print-directory", "web"], cwd=REPOSITORY, capture_output=True, text=True,
                               timeout=BUILD_SECONDS)
    if completed.returncode != 0:
        return f"`make web` failed with exit status {completed.returncode}:\n{completed.stdout[-3000:]}{completed.stderr[-3000:]}"
    return None


def keep_screenshots(screenshots: Path) -> None:
    """Replace test-artifacts/screenshots/ with this run's screenshots, so CI can keep them after the temporary folder is gone."""
    shutil.rmtree(SCREENSHOT_ARTIFACTS, ignore_errors=True)
    if screenshots.is_dir():
        shutil.copytree(screenshots, SCREENSHOT_ARTIFACTS)


@pytest.fixture(scope="module")
def observed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Run the scenario once for this module's tests and return what it recorded."""
    prefix = loopback_namespace()
    if prefix is None:
        pytest.skip("no network namespace can be made here (unshare --net), and TensorFlow's workers listen on every interface")
    folder = tmp_path_factory.mktemp("demo")
    output = folder / "demo.json"
    screenshots = folder / "screenshots"
    chromium = shutil.which("chromium")
    build_failure = build_web_app() if chromium is not None else None

    completed = subprocess.run(
        [*prefix, sys.executable, "-m", "tests.e2e.test_demo", str(folder / "server"), str(output),
         chromium if chromium is not None and build_failure is None else "", str(screenshots)],
        capture_output=True, text=True, timeout=SCENARIO_SECONDS + BROWSER_SECONDS,
    )

    keep_screenshots(screenshots)
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    observed = json.loads(output.read_text())
    if build_failure is not None:
        observed["browser"] = {"error": build_failure, "flows": {}}
    return observed


@pytest.mark.timeout(TEST_SECONDS)
def test_first_start_builds_demo_team(observed: dict[str, Any]) -> None:
    lines = observed["demo_lines"]
    assert lines[-1].startswith("demo: done"), "\n".join(lines)

    datasets = {dataset["name"]: dataset["versions"]["nodes"] for dataset in observed["datasets"]}
    assert sorted(datasets) == ["breast-cancer", "diabetes", "digits"]
    for name, versions in datasets.items():
        uploaded, cleaned = sorted(versions, key=lambda version: version["number"])
        assert (uploaded["source"], uploaded["status"]) == ("UPLOAD", "READY"), name
        assert (cleaned["source"], cleaned["status"]) == ("DERIVED", "READY"), name
        assert {split["name"] for split in cleaned["splits"]} == {"train", "validation", "test"}, name
    assert datasets["breast-cancer"][0]["rows"] + datasets["breast-cancer"][1]["rows"] == 2 * 569
    assert [operation["op"] for operation in max(datasets["diabetes"], key=lambda v: v["number"])["operations"]] == [
        "dropMissing", "split", "standardize"]

    models = {model["name"]: model for model in observed["models"]}
    assert {name: model["task"] for name, model in models.items()} == {
        "breast-cancer-classifier": "CLASSIFICATION", "digits-cnn": "CLASSIFICATION", "diabetes-regressor": "REGRESSION"}
    for name, model in models.items():
        production = [alias for alias in model["aliases"] if alias["alias"] == "production"]
        assert len(production) == 1, name
        assert production[0]["version"]["status"] == "ready", name
    assert models["breast-cancer-classifier"]["versionCount"] == 2

    runs = {run["name"]: run for run in observed["runs"]}
    assert {name: run["status"] for name, run in runs.items()} == {
        "breast-cancer-small": "SUCCEEDED", "breast-cancer-wide": "SUCCEEDED", "digits-cnn": "SUCCEEDED",
        "diabetes-two-workers": "SUCCEEDED"}
    assert runs["diabetes-two-workers"]["dataSummary"]["workers"] == 2
    assert observed["promotion_rules"][0]["trialCount"] == 2

    production_ids = {alias["version"]["id"] for model in models.values() for alias in model["aliases"]
                      if alias["alias"] == "production"}
    sliced = [evaluation for evaluation in observed["evaluations"] if evaluation["slices"]]
    assert {evaluation["modelVersionId"] for evaluation in sliced} == production_ids
    assert [evaluation["status"] for evaluation in sliced] == ["COMPLETED"] * 3
    assert [evaluation["split"] for evaluation in sliced] == ["test"] * 3

    (deployment,) = observed["deployments"]
    assert (deployment["name"], deployment["status"], deployment["activeRevision"]) == ("breast-cancer", "HEALTHY", 1)
    prediction = observed["prediction"]
    assert prediction["status"] == 200, prediction["body"]
    assert len(prediction["body"]["predictions"]) == 5
    for served, expected in zip(prediction["body"]["predictions"], prediction["expected"], strict=True):
        assert served == pytest.approx(expected, abs=1e-5)
    assert sorted(rule["name"] for rule in observed["alert_rules"]) == [
        "failed training", "input drift", "server errors", "slow predictions"]

    actions = [entry["action"] for entry in observed["audit"]]
    for action in ("Team.Created", "Dataset.Created", "ConfigProfile.Created", "TrainingRun.Succeeded",
                   "EvaluationRule.Passed", "Deployment.Requested", "AlertRule.Defined", "ApiToken.Issued"):
        assert action in actions, action
    created = next(entry for entry in observed["audit"] if entry["action"] == "Team.Created")
    assert created["actor"] == observed["viewer"]

    rerun = observed["rerun"]
    assert rerun["returncode"] == 0, rerun["stderr"]
    assert rerun["stdout"].splitlines()[-1].startswith("demo: done")
    assert rerun["head_after"] == rerun["head_before"]


@pytest.mark.timeout(TEST_SECONDS)
def test_two_workers_reach_one_worker_quality(observed: dict[str, Any]) -> None:
    one, two = observed["workers"]["one"], observed["workers"]["two"]
    accuracy = observed["workers"]["accuracy"]

    assert two["status"] == "SUCCEEDED", two["failureReason"]
    assert two["dataSummary"]["workers"] == 2
    assert two["epochsDone"] == 6
    assert accuracy["two"] >= 0.9
    assert accuracy["two"] >= accuracy["one"] - 0.03, one


@pytest.mark.timeout(TEST_SECONDS)
@pytest.mark.parametrize("flow", BROWSER_FLOWS)
def test_web_app_flow(observed: dict[str, Any], flow: str) -> None:
    if "browser" not in observed:
        pytest.skip(NO_CHROMIUM)
    browser = observed["browser"]
    result = browser["flows"].get(flow, {"passed": False, "error": browser.get("error") or "frontend/e2e/run.mjs did not run it"})

    assert result["passed"], f"{flow}: {result['error']}\nvalues: {result.get('values')}\nscreenshots: {result.get('screenshots')}"


if __name__ == "__main__":
    run_scenario(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3] or None, Path(sys.argv[4]))
