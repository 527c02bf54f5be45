"""Start a real ModelCloud server with uvicorn on a free loopback port, and talk to it over HTTP."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

STARTUP_TIMEOUT = 60.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    process: subprocess.Popen[str]
    port: int
    home: Path
    database_url: str
    admin_password: str = ""
    admin_token: str = ""
    output: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/graphql"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_server(
    home: Path, database_url: str | None = None, arguments: tuple[str, ...] = (), *, wrapper: tuple[str, ...] = (),
    **environment: str,
) -> Server:
    """Run `modelcloud serve` as its own process and wait until it responds with its projections caught up.

    `wrapper` is a command that runs the server, such as `unshare` with its options, placed before the Python call.
    """
    server = launch_server(home, database_url, arguments, wrapper=wrapper, **environment)
    wait_until_up(server)
    return server


def launch_server(
    home: Path, database_url: str | None = None, arguments: tuple[str, ...] = (), *, wrapper: tuple[str, ...] = (),
    **environment: str,
) -> Server:
    """Start `modelcloud serve` with `arguments` as its own process without waiting for it."""
    home.mkdir(parents=True, exist_ok=True)
    port = free_port()
    database_url = database_url or f"sqlite:///{home / 'modelcloud.db'}"
    env = {
        **os.environ,
        "MODELCLOUD_DATABASE_URL": database_url,
        "MODELCLOUD_ARTIFACTS": str(home / "artifacts"),
        "MODELCLOUD_PORT": str(port),
        "MODELCLOUD_HOST": "127.0.0.1",
        **environment,
    }
    process = subprocess.Popen(
        [*wrapper, sys.executable, "-m", "backend.cli", "serve", *arguments],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    server = Server(process=process, port=port, home=home, database_url=database_url)
    threading.Thread(target=_collect, args=(server,), daemon=True).start()
    return server


def _collect(server: Server) -> None:
    assert server.process.stdout is not None
    for line in server.process.stdout:
        server.output.append(line)
        password = re.search(r"password: (\S+)", line)
        token = re.search(r"token:\s+(mc_\S+)", line)
        if password:
            server.admin_password = password.group(1)
        if token:
            server.admin_token = token.group(1)


def wait_until_up(server: Server) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError("the server exited during start-up:\n" + "".join(server.output))
        try:
            if httpx.get(f"{server.url}/healthz", timeout=1).status_code == 200 and _caught_up(server):
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    server.stop()
    raise RuntimeError("the server did not answer /healthz in time:\n" + "".join(server.output))


def _caught_up(server: Server) -> bool:
    """Start-up is over and every projection has applied every event, the bootstrap included."""
    if not any("Application startup complete" in line for line in server.output):
        return False
    lag = httpx.get(f"{server.url}/readyz", timeout=1).json().get("projectionLag", {})
    return bool(lag) and not any(lag.values())


class Client:
    """An HTTP GraphQL client holding a bearer token or a session cookie with its CSRF token."""

    def __init__(self, server: Server, token: str | None = None) -> None:
        self.server = server
        self.http = httpx.Client(base_url=server.url, timeout=30)
        self.token = token
        self.csrf: str | None = None

    def post(self, query: str, variables: dict[str, Any] | None = None, headers: dict[str, str] | None = None) -> dict[str, Any]:
        all_headers = dict(headers or {})
        if self.token:
            all_headers["Authorization"] = f"Bearer {self.token}"
        if self.csrf:
            all_headers["X-CSRF-Token"] = self.csrf
        response = self.http.post("/graphql", json={"query": query, "variables": variables or {}}, headers=all_headers)
        assert response.status_code in (200, 413), response.text
        return response.json()

    def data(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The data of a request that must succeed."""
        body = self.post(query, variables)
        assert not body.get("errors"), body["errors"]
        return body["data"]

    def error(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The single error of a request that must fail."""
        body = self.post(query, variables)
        assert body.get("errors"), body
        assert len(body["errors"]) == 1, body["errors"]
        return body["errors"][0]

    def login(self, username: str, password: str) -> dict[str, Any]:
        data = self.data(
            "mutation($u: String!, $p: String!) { login(username: $u, password: $p) "
            "{ expiresAt viewer { csrfToken user { id username } } } }",
            {"u": username, "p": password},
        )
        self.csrf = data["login"]["viewer"]["csrfToken"]
        return data["login"]

    def close(self) -> None:
        self.http.close()
