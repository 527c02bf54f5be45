"""Monitoring a real deployment: a wall that updates itself, alerts on rejected calls and on latency that fire and resolve,
a signed webhook and /metrics.

The server measures every second (MODELCLOUD_MONITORING_INTERVAL_SECONDS in the session's server)
and may send webhooks to this machine's loopback, where the test's receiver listens.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest

from backend.application.webhooks import verify
from tests.e2e.conftest import CREATE_TEAM, CREATE_TOKEN, unique
from tests.e2e.test_serving_flow import CREATE, STATE, STOP, UPDATE, UPLOAD_VERSION, VERSION_STATUS
from tests.e2e.test_training_flow import REGISTER, upload, wait_for
from tests.support.graphql_ws import GraphQLWebSocket
from tests.support.server import Client, Server

pytestmark = pytest.mark.e2e

CREATE_CHANNEL = (
    "mutation($team: ID!, $name: String!, $url: String!) { createNotificationChannel(teamId: $team, name: $name, url: $url) "
    "{ channel { id url } secret } }"
)
CREATE_RULE = (
    "mutation($i: CreateAlertRuleInput!) { createAlertRule(input: $i) { id signal comparator threshold targetKind } }"
)
WALL = (
    "subscription($team: ID!) { monitoringWall(teamId: $team) { changed deployments { deployment { name status } "
    "requestsPerSecond openAlerts worstSeverity } alerts { id incident state severity ruleName subjectName value } } }"
)
ALERT_UPDATED = (
    "subscription($team: ID) { alertUpdated(teamId: $team) { alert { id incident state value ruleName } change { action } } }"
)
NOTIFICATION_ADDED = "subscription($team: ID!) { notificationAdded(teamId: $team) { kind severity message read } }"
ACKNOWLEDGE = (
    "mutation($id: ID!) { acknowledgeAlert(id: $id, note: \"on it\") { state acknowledgedBy acknowledgedByUsername acknowledgeNote } }"
)
HEALTH = (
    "query($id: ID!) { deploymentHealth(id: $id, stepSeconds: 60) { signals { signal value } "
    "series { requests clientErrorRate } openAlerts { state } } }"
)
HEALTH_RANGE = (
    "query($id: ID!, $since: DateTime, $until: DateTime) { deploymentHealth(id: $id, since: $since, until: $until) "
    "{ series { requests } } }"
)
SILENCE = "mutation($id: ID!, $until: DateTime!) { silenceAlert(id: $id, until: $until) { silencedUntil } }"
MARK_READ = "mutation($team: ID!, $upTo: Int!) { markNotificationsRead(teamId: $team, upTo: $upTo) }"
ALERTS = (
    "query($team: ID!) { alerts(filter: {teamId: $team}) { nodes { ruleName incident state deliveries { status attemptCount } } } }"
)
NOTIFICATIONS = "query($team: ID!) { notifications(teamId: $team) { unread notifications { nodes { kind message read } } } }"
MONITOR_TIMEOUT = 90.0


class Receiver:
    """A webhook receiver on loopback that records each request and responds 200."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.arrived = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (the standard library's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append(({key.lower(): value for key, value in self.headers.items()}, body))
                receiver.arrived.set()
                self.send_response(200)
                self.end_headers()

            def log_message(self, *_: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/alerts"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    made = Receiver()
    yield made
    made.server.shutdown()
    made.server.server_close()


def test_wall_alert_webhook_and_metrics(server: Server, model_files: Path, dataset_files: Path, receiver: Receiver) -> None:
    client = Client(server, token=server.admin_token)
    team_id = client.data(CREATE_TEAM, {"i": {"name": unique("watch")}})["createTeam"]["id"]
    model_id = client.data(REGISTER, {"i": {"teamId": team_id, "name": unique("cancer")}})["registerModel"]["id"]
    upload_id = upload(server, (model_files / "cancer_a.keras").read_bytes(), "cancer_a.keras", team_id)
    added = client.data(UPLOAD_VERSION, {"i": {"modelId": model_id, "uploadId": upload_id}})["uploadModelVersion"]
    wait_for(lambda: client.data(VERSION_STATUS, {"id": added["id"]})["modelVersion"]["status"] == "ready", 120, "inspection")
    token = client.data(CREATE_TOKEN, {"i": {"teamId": team_id, "name": "predictor", "scopes": ["PREDICT"]}}
                        )["createApiToken"]["secret"]
    channel = client.data(CREATE_CHANNEL, {"team": team_id, "name": "on-call", "url": receiver.url})["createNotificationChannel"]
    deployment_id = client.data(CREATE, {"i": {"modelId": model_id, "name": "watched"}})["createDeployment"]["id"]
    try:
        asyncio.run(_watch(server, client, team_id, deployment_id, channel, token, dataset_files, receiver))
    finally:
        client.data(STOP, {"id": deployment_id})


async def _watch(server: Server, client: Client, team_id: str, deployment_id: str, channel: dict[str, Any], token: str,
                 dataset_files: Path, receiver: Receiver) -> None:
    socket = await GraphQLWebSocket.connect(server.ws_url, payload={"token": server.admin_token})
    try:
        wall = await socket.subscribe(WALL, {"team": team_id})
        # These streams send nothing at first, so they are opened long before the traffic that they must not miss.
        updates = await socket.subscribe(ALERT_UPDATED, {"team": team_id})
        notices = await socket.subscribe(NOTIFICATION_ADDED, {"team": team_id})
        first = (await socket.next_data(wall))["monitoringWall"]
        assert first["changed"] is None
        assert [item["deployment"]["name"] for item in first["deployments"]] == ["watched"]
        assert first["alerts"] == []
        await asyncio.to_thread(wait_for, lambda: _wall_status(client, deployment_id) == "HEALTHY", MONITOR_TIMEOUT, "healthy")

        rule = client.data(CREATE_RULE, {"i": {
            "teamId": team_id, "name": "rejected calls", "signal": "clientErrorRate", "comparator": ">", "threshold": 0.3,
            "targetKind": "DEPLOYMENT", "targetId": deployment_id, "windowSeconds": 60, "severity": "CRITICAL",
            "channelIds": [channel["channel"]["id"]],
        }})["createAlertRule"]
        assert rule["signal"] == "clientErrorRate"

        rows = np.loadtxt(dataset_files / "breast_cancer.csv", delimiter=",", skiprows=1, dtype="float32")[:5, :-1]
        with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"}, timeout=60) as http:
            for _ in range(4):
                assert http.post("/v1/models/watched:predict", json={"instances": rows.tolist()}).status_code == 200
            for _ in range(6):
                assert http.post("/v1/models/watched:predict", json={"instances": [[1.0, 2.0]]}).status_code == 400

        # The wall shows the firing alert without being asked again.
        firing = None
        while firing is None:
            state = (await socket.next_data(wall, timeout=MONITOR_TIMEOUT))["monitoringWall"]
            firing = next((alert for alert in state["alerts"] if alert["state"] == "FIRING"), None)
        assert (firing["ruleName"], firing["subjectName"], firing["severity"]) == ("rejected calls", "watched", "CRITICAL")
        assert firing["value"] == pytest.approx(0.6)
        assert state["deployments"][0]["worstSeverity"] == "CRITICAL"
        # Each transition comes with the alert's state at the time it is read: Pending (appended together with Raised,
        # as the rule has no forSeconds) already shows it firing.
        actions = []
        while "Alert.Raised" not in actions:
            update = (await socket.next_data(updates, timeout=MONITOR_TIMEOUT))["alertUpdated"]
            assert update["alert"]["state"] == "FIRING"
            actions.append(update["change"]["action"])
        assert set(actions) <= {"Alert.Pending", "Alert.Raised"}

        notice = (await socket.next_data(notices, timeout=MONITOR_TIMEOUT))["notificationAdded"]
        assert (notice["kind"], notice["severity"], notice["read"]) == ("firing", "CRITICAL", False)
        assert notice["message"].startswith("rejected calls: rejected request rate of watched is 0.6")

        # The webhook arrives signed with the channel's secret.
        assert await asyncio.to_thread(receiver.arrived.wait, MONITOR_TIMEOUT)
        headers, body = receiver.requests[0]
        assert verify(channel["secret"].encode(), int(headers["x-modelcloud-timestamp"]), body, headers["x-modelcloud-signature"])
        payload = json.loads(body)
        assert (payload["event"], payload["alert"]["subject"]["name"], payload["rule"]["name"]) == (
            "alert.firing", "watched", "rejected calls")

        acknowledged = client.data(ACKNOWLEDGE, {"id": firing["id"]})["acknowledgeAlert"]
        assert (acknowledged["state"], acknowledged["acknowledgeNote"]) == ("FIRING", "on it")
        assert acknowledged["acknowledgedByUsername"] == "admin"

        health = client.data(HEALTH, {"id": deployment_id})["deploymentHealth"]
        signals = {item["signal"]: item["value"] for item in health["signals"]}
        assert signals["clientErrorRate"] == pytest.approx(0.6)
        assert signals["replicaHealth"] == 1.0
        assert sum(point["requests"] for point in health["series"]) == 10
        assert [alert["state"] for alert in health["openAlerts"]] == ["FIRING"]
        far = client.data(HEALTH_RANGE, {"id": deployment_id, "since": "9999-12-31T22:59:59Z", "until": "9999-12-31T23:59:59.999999Z"})
        assert sum(point["requests"] for point in far["deploymentHealth"]["series"]) == 0
        for query, variables, field in (
            (HEALTH_RANGE, {"id": deployment_id, "since": "2026-12-05T00:00:00", "until": None}, "since"),
            (SILENCE, {"id": firing["id"], "until": "2027-01-01T00:00:00"}, "until"),
            (MARK_READ, {"team": team_id, "upTo": 2147483647}, "upTo"),
            (HEALTH_RANGE, {"id": deployment_id, "since": None, "until": "0001-01-01T00:10:00Z"}, "until"),
        ):
            error = client.error(query, variables)
            assert (error["extensions"]["code"], error["extensions"]["field"]) == ("BAD_USER_INPUT", field), variables

        # Well-formed calls push the share of rejected ones under the threshold: the alert resolves.
        with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"}, timeout=60) as http:
            for _ in range(30):
                assert http.post("/v1/models/watched:predict", json={"instances": rows.tolist()}).status_code == 200
        resolved = None
        while resolved is None:
            update = (await socket.next_data(updates, timeout=MONITOR_TIMEOUT))["alertUpdated"]
            resolved = update if update["alert"]["state"] == "RESOLVED" else None
        assert resolved["alert"]["id"] == firing["id"]
        assert resolved["alert"]["value"] < 0.3

        # A slow configuration: each lone call waits 300 ms for a batch of 16 that never fills, until the wait is cut.
        client.data(CREATE_RULE, {"i": {"teamId": team_id, "name": "slow calls", "signal": "latencyP50Ms", "comparator": ">",
                                        "threshold": 150, "targetKind": "DEPLOYMENT", "targetId": deployment_id,
                                        "windowSeconds": 10}})
        await asyncio.to_thread(_set_batch_wait, client, deployment_id, 300.0, 2)
        with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"}, timeout=60) as http:
            for _ in range(10):
                assert http.post("/v1/models/watched:predict", json={"instances": rows[:1].tolist()}).status_code == 200
        slow = await _next_state(socket, updates, "slow calls", "FIRING")
        assert 150 < slow["alert"]["value"] <= 500
        # Calls keep coming while the cut wait rolls out: an idle 10-second window would resolve the alert on
        # "no data" instead of on fast calls.
        switched = threading.Event()

        def keep_calling() -> None:
            with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"}, timeout=60) as http:
                while not switched.wait(0.5):
                    http.post("/v1/models/watched:predict", json={"instances": rows[:1].tolist()})

        caller = threading.Thread(target=keep_calling, daemon=True)
        caller.start()
        try:
            await asyncio.to_thread(_set_batch_wait, client, deployment_id, 1.0, 3)
        finally:
            switched.set()
            caller.join(timeout=60)
        deadline = time.monotonic() + MONITOR_TIMEOUT
        recovered = None
        with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"}, timeout=60) as http:
            while recovered is None:
                assert time.monotonic() < deadline, "the latency alert did not resolve"
                assert http.post("/v1/models/watched:predict", json={"instances": rows[:1].tolist()}).status_code == 200
                try:
                    recovered = await _next_state(socket, updates, "slow calls", "RESOLVED", timeout=0.5)
                except TimeoutError:
                    continue
        assert recovered["alert"]["value"] < 150
    finally:
        await socket.close()

    feed = client.data(NOTIFICATIONS, {"team": team_id})["notifications"]
    assert [node["kind"] for node in feed["notifications"]["nodes"]] == ["resolved", "firing", "resolved", "firing"]
    assert feed["unread"] == 4
    metrics = httpx.get(f"{server.url}/metrics", timeout=30).text
    [client_errors] = [line for line in metrics.splitlines()
                       if line.startswith('modelcloud_deployment_client_errors_total{deployment="watched"')]
    assert client_errors.endswith(" 6.0")
    delivered = wait_for(lambda: (node := _incident(client, team_id, "rejected calls"))
                         and [d["status"] for d in node["deliveries"]] == ["DELIVERED", "DELIVERED"] and node,
                         MONITOR_TIMEOUT, "the resolved notice to be delivered")
    assert delivered["state"] == "RESOLVED"
    assert json.loads(receiver.requests[-1][1])["event"] == "alert.resolved"


async def _next_state(socket: GraphQLWebSocket, operation: str, rule_name: str, state: str, timeout: float = MONITOR_TIMEOUT
                      ) -> dict[str, Any]:
    """Return the next alertUpdated message of the named rule in `state`, skipping the others."""
    while True:
        update = (await socket.next_data(operation, timeout=timeout))["alertUpdated"]
        if update["alert"]["ruleName"] == rule_name and update["alert"]["state"] == state:
            return update


def _set_batch_wait(client: Client, deployment_id: str, wait_ms: float, revision: int) -> None:
    client.data(UPDATE, {"id": deployment_id, "i": {"batching": {"maxBatchSize": 16, "batchWaitMs": wait_ms}}})
    wait_for(lambda: client.data(STATE, {"id": deployment_id})["deployment"]["activeRevision"] == revision, MONITOR_TIMEOUT,
             f"revision {revision} to serve")


def _incident(client: Client, team_id: str, rule_name: str) -> dict[str, Any] | None:
    nodes = client.data(ALERTS, {"team": team_id})["alerts"]["nodes"]
    return next((node for node in nodes if node["ruleName"] == rule_name), None)


def _wall_status(client: Client, deployment_id: str) -> str:
    return client.data("query($id: ID!) { deployment(id: $id) { status } }", {"id": deployment_id})["deployment"]["status"]


def test_bad_rules_and_channels_over_graphql(server: Server) -> None:
    client = Client(server, token=server.admin_token)
    team_id = client.data(CREATE_TEAM, {"i": {"name": unique("badwatch")}})["createTeam"]["id"]
    base = {"teamId": team_id, "name": "r", "signal": "errorRate", "comparator": ">", "threshold": 0.1, "targetKind": "TEAM"}
    for changes, field, text in (
        ({"signal": "cpu"}, "signal", "not a known signal"),
        ({"windowSeconds": -60}, "windowSeconds", "from 10 to 604800"),
        ({"targetKind": "DEPLOYMENT", "targetId": "00000000-0000-0000-0000-000000000001"}, "targetId", "not a deployment"),
        ({"targetKind": "DEPLOYMENT", "targetId": "nope"}, "targetId", "nope"),
        ({"comparator": "!="}, "comparator", "expected one of"),
    ):
        error = client.error(CREATE_RULE, {"i": {**base, **changes}})
        assert error["extensions"]["field"] == field, changes
        assert text in error["message"], (changes, error["message"])
    for url, text in (("gopher://example.org/", "http"), ("http://169.254.169.254/latest", "169.254.169.254"),
                      ("http://[::1]:8080/", "loopback")):
        error = client.error(CREATE_CHANNEL, {"team": team_id, "name": "hook", "url": url})
        assert (error["extensions"]["code"], error["extensions"]["field"]) == ("BAD_USER_INPUT", "url")
        assert text in error["message"], (url, error["message"])
    assert client.data("query($t: ID!) { alertRules(teamId: $t) { nodes { id } } notificationChannels(teamId: $t) "
                       "{ nodes { id } } }", {"t": team_id}) == {"alertRules": {"nodes": []}, "notificationChannels": {"nodes": []}}
