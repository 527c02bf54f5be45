"""Event-to-subscriber latency of the live `events` subscription with many subscribers.

Starts `modelcloud serve` on a free loopback port with SQLite in a temporary folder, opens
CONNECTIONS WebSocket connections (graphql-transport-ws) with SUBSCRIPTIONS_PER_CONNECTION
`events` subscriptions each, then sends MUTATIONS createTeam mutations one at a time. Each
mutation carries its own X-Request-ID, which comes back as the correlationId of the audit
entries it caused, so every delivery is matched to its mutation. Latency is the time from just
before the mutation is sent to the receipt of an entry, both on this process's monotonic clock.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from backend.graphql.auth import SESSION_COOKIE

CONNECTIONS = 50
SUBSCRIPTIONS_PER_CONNECTION = 10
MUTATIONS = 50
MUTATIONS_WITHOUT_SUBSCRIBERS = 20
MUTATIONS_WITH_ONE_SUBSCRIBER = 20
MUTATION_GAP_SECONDS = 0.1
DELIVERY_TIMEOUT_SECONDS = 20.0
RUN_TIMEOUT_SECONDS = 150.0
SERVER_START_TIMEOUT_SECONDS = 60.0
SERVER_STOP_TIMEOUT_SECONDS = 15.0
HANDSHAKE_TIMEOUT_SECONDS = 30.0

SUBPROTOCOL = Subprotocol("graphql-transport-ws")
SUBSCRIPTION = "subscription { events { position action correlationId occurredAt } }"
CREATE_TEAM = "mutation CreateTeam($name: String!) { createTeam(input: {name: $name}) { id } }"
LOGIN = "mutation Login($username: String!, $password: String!) { login(username: $username, password: $password) { expiresAt } }"
RECENT_AUDIT = "query { auditLog(first: 50) { nodes { correlationId } } }"
ACTIVE_GAUGE = "modelcloud_subscriptions_active "
TOKEN_LINE = re.compile(r"^\s*token:\s+(\S+)", re.MULTILINE)
PASSWORD_LINE = re.compile(r"^\s*password:\s+(\S+)", re.MULTILINE)


@dataclass(frozen=True)
class LatencyResult:
    connections: int
    subscriptions: int
    mutations: int
    entries_per_mutation: int
    deliveries: int
    missed: int
    delivery_p50_ms: float
    delivery_p99_ms: float
    delivery_max_ms: float
    single_delivery_p50_ms: float
    single_delivery_p99_ms: float
    single_mutations: int
    idle_mutations: int
    mutation_p50_ms: float
    mutation_p99_ms: float
    idle_mutation_p50_ms: float
    server_cpu_seconds: float
    client_cpu_seconds: float
    wall_seconds: float


@dataclass(frozen=True)
class Server:
    base_url: str
    token: str
    password: str
    pid: int

    @property
    def websocket_url(self) -> str:
        return self.base_url.replace("http://", "ws://", 1) + "/graphql"


# the server process


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running_server(folder: Path, settings: Mapping[str, str] | None = None) -> Iterator[Server]:
    """Run `modelcloud serve` on SQLite in `folder` for the duration of the block, and yield its URL and bootstrap secrets.

    `settings` adds or replaces environment variables of the server, such as MODELCLOUD_MAX_UPLOAD_BYTES.
    """
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    environment = {
        **os.environ,
        "MODELCLOUD_DATABASE_URL": f"sqlite:///{folder / 'modelcloud.db'}",
        "MODELCLOUD_ARTIFACTS": str(folder / "artifacts"),
        "MODELCLOUD_HOST": "127.0.0.1",
        "MODELCLOUD_PORT": str(port),
        "MODELCLOUD_LOG_LEVEL": "WARNING",
        **(settings or {}),
    }
    stdout_path, log_path = folder / "server.out", folder / "server.log"
    with stdout_path.open("wb") as stdout, log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "backend.cli", "serve"], env=environment, stdout=stdout, stderr=log
        )
    try:
        token, password = wait_for_bootstrap(process, stdout_path, log_path)
        server = Server(f"http://127.0.0.1:{port}", token, password, process.pid)
        wait_for_health(process, server, log_path)
        yield server
    finally:
        stop_server(process)


def wait_for_bootstrap(process: subprocess.Popen[bytes], stdout_path: Path, log_path: Path) -> tuple[str, str]:
    """Read the first administrator's token and password from the lines the server prints at first start."""
    deadline = time.monotonic() + SERVER_START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        printed = stdout_path.read_text()
        token, password = TOKEN_LINE.search(printed), PASSWORD_LINE.search(printed)
        if token and password:
            return token[1], password[1]
        check_running(process, log_path)
        time.sleep(0.1)
    raise TimeoutError(
        f"Timed out after {SERVER_START_TIMEOUT_SECONDS:.0f} s waiting for the server's bootstrap token. "
        f"Last log lines:\n{log_tail(log_path)}"
    )


def wait_for_health(process: subprocess.Popen[bytes], server: Server, log_path: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_SECONDS
    with httpx.Client(base_url=server.base_url, trust_env=False) as client:
        while time.monotonic() < deadline:
            check_running(process, log_path)
            try:
                if client.get("/healthz").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
    raise TimeoutError(
        f"Timed out after {SERVER_START_TIMEOUT_SECONDS:.0f} s waiting for {server.base_url}/healthz to return 200. "
        f"Last log lines:\n{log_tail(log_path)}"
    )


def check_running(process: subprocess.Popen[bytes], log_path: Path) -> None:
    if process.poll() is not None:
        raise RuntimeError(f"The server exited with status {process.returncode}. Last log lines:\n{log_tail(log_path)}")


def log_tail(log_path: Path) -> str:
    return log_path.read_text(errors="replace")[-2000:]


def process_cpu_seconds(pid: int) -> float:
    """Return the user plus system CPU seconds of a process, read from /proc on Linux, or NaN without /proc."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return math.nan
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=SERVER_STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# deliveries


class DeliveryLog:
    """Send time of each mutation and receipt times of the entries it caused, by correlation id."""

    def __init__(self) -> None:
        self.sent: dict[str, float] = {}
        self.received: dict[str, list[float]] = {}
        self.errors: list[str] = []
        self._expected: dict[str, int | None] = {}
        self._complete: dict[str, asyncio.Event] = {}

    def expect(self, correlation_id: str, deliveries: int | None) -> asyncio.Event:
        """Start tracking a mutation that is about to be sent, and return an event set once `deliveries` entries arrived.

        With `deliveries` None the event is never set, which suits a mutation whose entry count is not known yet.
        """
        self.received[correlation_id] = []
        self._expected[correlation_id] = deliveries
        self._complete[correlation_id] = asyncio.Event()
        self.sent[correlation_id] = time.monotonic()
        return self._complete[correlation_id]

    def record(self, correlation_id: str, received_at: float) -> None:
        times = self.received.get(correlation_id)
        if times is None:
            return
        times.append(received_at)
        expected = self._expected[correlation_id]
        if expected is not None and len(times) >= expected:
            self._complete[correlation_id].set()

    def latencies(self, correlation_ids: list[str]) -> list[float]:
        return [received - self.sent[key] for key in correlation_ids for received in self.received[key]]


async def open_subscriptions(server: Server, cookie: str, subscriptions: int, deliveries: DeliveryLog) -> ClientConnection:
    connection = await connect(
        server.websocket_url,
        subprotocols=[SUBPROTOCOL],
        additional_headers={"Cookie": f"{SESSION_COOKIE}={cookie}"},
        compression=None,
        proxy=None,
        open_timeout=HANDSHAKE_TIMEOUT_SECONDS,
    )
    await connection.send(json.dumps({"type": "connection_init", "payload": {}}))
    acknowledgement = json.loads(await asyncio.wait_for(connection.recv(), HANDSHAKE_TIMEOUT_SECONDS))
    if acknowledgement.get("type") != "connection_ack":
        raise RuntimeError(f"Expected connection_ack after connection_init, got {json.dumps(acknowledgement)[:300]}")
    for number in range(subscriptions):
        await connection.send(json.dumps({"id": str(number), "type": "subscribe", "payload": {"query": SUBSCRIPTION}}))
    return connection


async def read_entries(connection: ClientConnection, deliveries: DeliveryLog) -> None:
    """Record each entry's receipt time, reply to pings and collect error frames until the connection closes."""
    try:
        async for message in connection:
            received_at = time.monotonic()
            frame: dict[str, Any] = json.loads(message)
            kind = frame.get("type")
            if kind == "next" and frame["payload"].get("data"):
                deliveries.record(frame["payload"]["data"]["events"]["correlationId"], received_at)
            elif kind == "ping":
                await connection.send(json.dumps({"type": "pong"}))
            elif kind in ("next", "error", "complete"):
                deliveries.errors.append(json.dumps(frame)[:300])
    except ConnectionClosed:
        return


# HTTP calls


async def sign_in(client: httpx.AsyncClient, server: Server) -> str:
    """Sign in as the first administrator, who may read every team's entries, and return the session cookie."""
    response = await client.post("/graphql", json={"query": LOGIN, "variables": {"username": "admin", "password": server.password}})
    check_graphql(response, "login")
    return response.cookies[SESSION_COOKIE]


async def create_team(client: httpx.AsyncClient, server: Server, name: str, correlation_id: str) -> None:
    headers = {"Authorization": f"Bearer {server.token}", "X-Request-ID": correlation_id}
    response = await client.post("/graphql", json={"query": CREATE_TEAM, "variables": {"name": name}}, headers=headers)
    check_graphql(response, "createTeam")


async def entries_caused_by(client: httpx.AsyncClient, cookie: str, correlation_id: str) -> int:
    response = await client.post("/graphql", json={"query": RECENT_AUDIT}, cookies={SESSION_COOKIE: cookie})
    check_graphql(response, "auditLog")
    nodes = response.json()["data"]["auditLog"]["nodes"]
    return sum(1 for node in nodes if node["correlationId"] == correlation_id)


def check_graphql(response: httpx.Response, operation: str) -> None:
    body = response.json()
    if response.status_code != 200 or body.get("errors"):
        raise RuntimeError(f"{operation} failed with HTTP {response.status_code}: {json.dumps(body)[:500]}")


async def wait_for_active_subscriptions(client: httpx.AsyncClient, expected: int) -> None:
    """Poll /metrics until the server reports `expected` open subscriptions."""
    deadline = time.monotonic() + HANDSHAKE_TIMEOUT_SECONDS
    active = 0.0
    while time.monotonic() < deadline:
        metrics = (await client.get("/metrics")).text
        active = next((float(line.split()[1]) for line in metrics.splitlines() if line.startswith(ACTIVE_GAUGE)), 0.0)
        if active >= expected:
            return
        await asyncio.sleep(0.2)
    raise TimeoutError(
        f"Timed out after {HANDSHAKE_TIMEOUT_SECONDS:.0f} s waiting for {expected} open subscriptions, "
        f"and the server reports {active:.0f}."
    )


# the measurement


async def measure_async(server: Server, connections: int, per_connection: int, mutations: int) -> LatencyResult:
    subscriptions = connections * per_connection
    deliveries = DeliveryLog()
    async with httpx.AsyncClient(base_url=server.base_url, trust_env=False, timeout=DELIVERY_TIMEOUT_SECONDS) as client:
        cookie = await sign_in(client, server)
        idle_round_trips = await round_trips_without_subscribers(client, server, MUTATIONS_WITHOUT_SUBSCRIBERS)
        single_latencies = await deliveries_to_one_subscription(client, server, cookie, MUTATIONS_WITH_ONE_SUBSCRIBER)
        opened = await asyncio.gather(
            *(open_subscriptions(server, cookie, per_connection, deliveries) for _ in range(connections))
        )
        readers = [asyncio.create_task(read_entries(connection, deliveries)) for connection in opened]
        try:
            await wait_for_active_subscriptions(client, subscriptions)
            per_mutation = await warm_up(client, server, cookie, deliveries, subscriptions)
            started = (process_cpu_seconds(server.pid), time.process_time(), time.monotonic())
            correlation_ids, round_trips = await send_mutations(client, server, deliveries, subscriptions * per_mutation, mutations)
            server_cpu = process_cpu_seconds(server.pid) - started[0]
            client_cpu = time.process_time() - started[1]
            wall = time.monotonic() - started[2]
        finally:
            await asyncio.gather(*(connection.close() for connection in opened), return_exceptions=True)
            await asyncio.gather(*readers, return_exceptions=True)

    if deliveries.errors:
        raise RuntimeError(f"Subscriptions sent {len(deliveries.errors)} error frames. The first: {deliveries.errors[0]}")
    latencies = deliveries.latencies(correlation_ids)
    expected = len(correlation_ids) * subscriptions * per_mutation
    return LatencyResult(
        connections=connections,
        subscriptions=subscriptions,
        mutations=len(correlation_ids),
        entries_per_mutation=per_mutation,
        deliveries=len(latencies),
        missed=expected - len(latencies),
        delivery_p50_ms=percentile(latencies, 50) * 1000,
        delivery_p99_ms=percentile(latencies, 99) * 1000,
        delivery_max_ms=max(latencies, default=math.nan) * 1000,
        single_delivery_p50_ms=percentile(single_latencies, 50) * 1000,
        single_delivery_p99_ms=percentile(single_latencies, 99) * 1000,
        single_mutations=MUTATIONS_WITH_ONE_SUBSCRIBER,
        idle_mutations=MUTATIONS_WITHOUT_SUBSCRIBERS,
        mutation_p50_ms=percentile(round_trips, 50) * 1000,
        mutation_p99_ms=percentile(round_trips, 99) * 1000,
        idle_mutation_p50_ms=percentile(idle_round_trips, 50) * 1000,
        server_cpu_seconds=server_cpu,
        client_cpu_seconds=client_cpu,
        wall_seconds=wall,
    )


async def round_trips_without_subscribers(client: httpx.AsyncClient, server: Server, mutations: int) -> list[float]:
    """Time createTeam mutations while nothing subscribes, after one unmeasured call that warms the server up."""
    tag = uuid.uuid4().hex[:8]
    await create_team(client, server, f"idle-{tag}-warm-up", f"bench-idle-{tag}-warm-up")
    round_trips: list[float] = []
    for index in range(mutations):
        started = time.monotonic()
        await create_team(client, server, f"idle-{tag}-{index}", f"bench-idle-{tag}-{index}")
        round_trips.append(time.monotonic() - started)
        await asyncio.sleep(MUTATION_GAP_SECONDS)
    return round_trips


async def deliveries_to_one_subscription(client: httpx.AsyncClient, server: Server, cookie: str, mutations: int) -> list[float]:
    """Measure delivery latency with a single subscription open, the baseline for the many-subscriber figures.

    The connection is closed before returning, so the many-subscriber run starts from the same server with none open.
    """
    deliveries = DeliveryLog()
    connection = await open_subscriptions(server, cookie, 1, deliveries)
    reader = asyncio.create_task(read_entries(connection, deliveries))
    try:
        await wait_for_active_subscriptions(client, 1)
        per_mutation = await warm_up(client, server, cookie, deliveries, 1)
        correlation_ids, _ = await send_mutations(client, server, deliveries, per_mutation, mutations)
    finally:
        await connection.close()
        await asyncio.gather(reader, return_exceptions=True)
    if deliveries.errors:
        raise RuntimeError(f"The single subscription got {len(deliveries.errors)} error frames. The first: {deliveries.errors[0]}")
    expected = len(correlation_ids) * per_mutation
    latencies = deliveries.latencies(correlation_ids)
    if len(latencies) < expected:
        raise RuntimeError(f"The single subscription missed {expected - len(latencies)} of {expected} entries.")
    return latencies


async def warm_up(client: httpx.AsyncClient, server: Server, cookie: str, deliveries: DeliveryLog, subscriptions: int) -> int:
    """Send one unmeasured mutation, check that every subscription receives all its entries, and return their count."""
    correlation_id = f"bench-warm-up-{uuid.uuid4().hex[:8]}"
    deliveries.expect(correlation_id, None)
    await create_team(client, server, f"warm-up-{uuid.uuid4().hex[:8]}", correlation_id)
    per_mutation = await entries_caused_by(client, cookie, correlation_id)
    if per_mutation == 0:
        raise RuntimeError(f"The audit log has no entry with correlation id {correlation_id} after the warm-up mutation.")

    deadline = time.monotonic() + DELIVERY_TIMEOUT_SECONDS
    while len(deliveries.received[correlation_id]) < subscriptions * per_mutation and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    arrived = len(deliveries.received[correlation_id])
    if arrived < subscriptions * per_mutation:
        raise TimeoutError(
            f"Timed out after {DELIVERY_TIMEOUT_SECONDS:.0f} s with {arrived} of {subscriptions * per_mutation} warm-up entries delivered."
        )
    return per_mutation


async def send_mutations(
    client: httpx.AsyncClient, server: Server, deliveries: DeliveryLog, expected: int, mutations: int
) -> tuple[list[str], list[float]]:
    """Send the mutations one at a time, each after the previous one's entries all arrived or timed out."""
    correlation_ids: list[str] = []
    round_trips: list[float] = []
    deadline = time.monotonic() + RUN_TIMEOUT_SECONDS
    tag = uuid.uuid4().hex[:8]
    for index in range(mutations):
        if time.monotonic() > deadline:
            print(f"  subscriber latency: stopped after {index} mutations at the {RUN_TIMEOUT_SECONDS:.0f} s limit", flush=True)
            break
        correlation_id = f"bench-{tag}-{index}"
        complete = deliveries.expect(correlation_id, expected)
        await create_team(client, server, f"latency-{tag}-{index}", correlation_id)
        round_trips.append(time.monotonic() - deliveries.sent[correlation_id])
        correlation_ids.append(correlation_id)
        try:
            await asyncio.wait_for(complete.wait(), DELIVERY_TIMEOUT_SECONDS)
        except TimeoutError:
            pass  # the entries that never arrived count as missed in the result
        await asyncio.sleep(MUTATION_GAP_SECONDS)
    return correlation_ids, round_trips


def percentile(values: list[float], rank: float) -> float:
    """Return the nearest-rank percentile of `values`, or NaN when there are none."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(rank / 100 * len(ordered)) - 1)]


def measure(
    connections: int = CONNECTIONS, per_connection: int = SUBSCRIPTIONS_PER_CONNECTION, mutations: int = MUTATIONS
) -> LatencyResult:
    with tempfile.TemporaryDirectory(prefix="modelcloud-bench-server-") as folder, running_server(Path(folder)) as server:
        return asyncio.run(measure_async(server, connections, per_connection, mutations))


def main() -> None:
    parser = argparse.ArgumentParser(description="Measure event-to-subscriber latency of the `events` subscription.")
    parser.add_argument("--connections", type=int, default=CONNECTIONS, help=f"WebSocket connections (default {CONNECTIONS}).")
    parser.add_argument(
        "--per-connection", type=int, default=SUBSCRIPTIONS_PER_CONNECTION,
        help=f"Subscriptions on each connection, at most 100 (default {SUBSCRIPTIONS_PER_CONNECTION}).",
    )
    parser.add_argument("--mutations", type=int, default=MUTATIONS, help=f"Measured createTeam mutations (default {MUTATIONS}).")
    arguments = parser.parse_args()

    result = measure(arguments.connections, arguments.per_connection, arguments.mutations)
    for name, value in vars(result).items():
        print(f"{name:<22} {value:.1f}" if isinstance(value, float) else f"{name:<22} {value}")


if __name__ == "__main__":
    main()
