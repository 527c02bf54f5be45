"""`modelcloud demo` without a usable token or server: a clear message and exit status, and nothing created."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.support.server import Client, Server, free_port

pytestmark = pytest.mark.e2e

TEAMS = "{ teams(first: 100) { nodes { name } } }"


def run_demo(*arguments: str, **environment: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key not in ("MODELCLOUD_TOKEN", "MODELCLOUD_URL")}
    return subprocess.run([sys.executable, "-m", "backend.cli", "demo", *arguments], capture_output=True, text=True,
                          timeout=120, env={**env, **environment})


def test_demo_needs_token(server: Server) -> None:
    completed = run_demo("--url", server.url)

    assert completed.returncode == 2
    assert "set MODELCLOUD_TOKEN" in completed.stderr


def test_demo_rejects_unknown_token(server: Server) -> None:
    completed = run_demo("--url", server.url, MODELCLOUD_TOKEN="mc_not-a-token")

    assert completed.returncode == 1
    assert "UNAUTHENTICATED" in completed.stderr
    assert "run `modelcloud demo` again to resume" in completed.stderr
    teams = Client(server, token=server.admin_token).data(TEAMS)["teams"]["nodes"]
    assert "demo" not in [team["name"] for team in teams]


def test_demo_reports_unreachable_server() -> None:
    url = f"http://127.0.0.1:{free_port()}"

    completed = run_demo("--url", url, "--wait", "1", MODELCLOUD_TOKEN="mc_unused")

    assert completed.returncode == 1
    assert f"the server at {url} was not ready after 1 s" in completed.stderr


def test_demo_rejects_invalid_url() -> None:
    completed = run_demo("--url", "127.0.0.1:8000", MODELCLOUD_TOKEN="mc_unused")

    assert completed.returncode == 2
    assert "must start with http:// or https://" in completed.stderr
