"""When the PostgreSQL listener loses its connection, open WebSockets restart, because changes NOTIFYed meanwhile are lost."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from websockets.exceptions import ConnectionClosed

from backend.projections.broker import APPLICATION_NAME
from tests.e2e.conftest import CREATE_TEAM, unique
from tests.support.graphql_ws import GraphQLWebSocket
from tests.support.server import Client, Server, start_server

pytestmark = pytest.mark.e2e

EVENTS = "subscription($after: Int) { events(afterPosition: $after) { position summary } }"
RESTART_CLOSE_CODE = 1012


@pytest.fixture
def postgres_server(fresh_postgres_url: str, tmp_path: Path) -> Iterator[Server]:
    server = start_server(tmp_path / "server", fresh_postgres_url, MODELCLOUD_WORKERS="false")
    yield server
    server.stop()


def end_listener_connection(database_url: str, server: Server) -> int:
    """Terminate the server's listener session as a failover or a network cut would, and return how many ended."""
    with psycopg.connect(database_url, autocommit=True) as connection:
        rows = connection.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s",
            (f"{APPLICATION_NAME} {server.process.pid}",),
        ).fetchall()
    return len(rows)


def test_listener_loss_restarts_sockets(postgres_server: Server, fresh_postgres_url: str) -> None:
    token = postgres_server.admin_token
    writer = Client(postgres_server, token=token)
    name = unique("after-gap")

    async def scenario() -> tuple[int, list[str]]:
        socket = await GraphQLWebSocket.connect(postgres_server.ws_url, payload={"token": token})
        operation = await socket.subscribe(EVENTS, {"after": None})
        ended = await asyncio.to_thread(end_listener_connection, fresh_postgres_url, postgres_server)
        assert ended == 1
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                await socket.next_data(operation)
        assert closed.value.rcvd is not None

        again = await GraphQLWebSocket.connect(postgres_server.ws_url, payload={"token": token})
        operation = await again.subscribe(EVENTS, {"after": None})
        await asyncio.to_thread(writer.data, CREATE_TEAM, {"i": {"name": name}})
        summaries: list[str] = []
        while f"Created team {name!r}" not in summaries:
            summaries.append((await again.next_data(operation))["events"]["summary"])
        await again.close()
        return closed.value.rcvd.code, summaries

    code, summaries = asyncio.run(asyncio.wait_for(scenario(), timeout=60))

    assert code == RESTART_CLOSE_CODE
    assert f"Created team {name!r}" in summaries
    assert any("listener reconnected" in line for line in postgres_server.output)
    writer.close()
