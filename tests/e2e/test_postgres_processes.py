"""Two API processes on one PostgreSQL database: a change made through one is pushed live by the other."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import CREATE_TEAM, unique
from tests.support.graphql_ws import GraphQLWebSocket
from tests.support.server import Client, Server, launch_server, wait_until_up

pytestmark = pytest.mark.e2e

EVENTS = "subscription($after: Int) { events(afterPosition: $after) { position action summary } }"


@pytest.fixture
def two_servers(fresh_postgres_url: str, tmp_path: Path) -> Iterator[tuple[Server, Server]]:
    """Two API processes started at the same moment on one new database, as after a deployment."""
    first = launch_server(tmp_path / "first", fresh_postgres_url, MODELCLOUD_WORKERS="false")
    second = launch_server(tmp_path / "second", fresh_postgres_url, MODELCLOUD_WORKERS="false")
    try:
        wait_until_up(first)
        wait_until_up(second)
        yield first, second
    finally:
        # Stopping a server that already exited is harmless, and a failed start must not leave the other running.
        second.stop()
        first.stop()


def test_subscriber_on_one_process_sees_write_on_another(two_servers: tuple[Server, Server]) -> None:
    first, second = two_servers
    token = first.admin_token or second.admin_token
    writer = Client(second, token=token)
    name = unique("crossprocess")
    latest = writer.data("{ auditLog(first: 1) { edges { node { position } } } }")["auditLog"]["edges"]
    after = latest[0]["node"]["position"] if latest else 0

    async def scenario() -> list[str]:
        socket = await GraphQLWebSocket.connect(first.ws_url, payload={"token": token})
        operation = await socket.subscribe(EVENTS, {"after": after})
        await asyncio.to_thread(writer.data, CREATE_TEAM, {"i": {"name": name}})
        summaries = []
        while f"Created team {name!r}" not in summaries:
            summaries.append((await socket.next_data(operation))["events"]["summary"])
        await socket.close()
        return summaries

    summaries = asyncio.run(asyncio.wait_for(scenario(), timeout=60))

    assert f"Created team {name!r}" in summaries
    writer.close()


def test_only_one_process_bootstraps(two_servers: tuple[Server, Server]) -> None:
    first, second = two_servers

    printed = [server for server in (first, second) if server.admin_token]

    assert len(printed) == 1
