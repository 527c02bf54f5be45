"""The server hands out the built web app at / without shadowing any API route."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest

from backend.http.app import create_app
from backend.runtime import Runtime
from backend.settings import load_settings
from tests.conftest import FrozenClock

pytestmark = pytest.mark.integration

INDEX = "<!doctype html><title>ModelCloud</title><div id=root></div>"
SCRIPT = "console.log('modelcloud');"


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    """A stand-in for `npm run build` output: an index page and one hashed asset."""
    folder = tmp_path / "dist"
    (folder / "assets").mkdir(parents=True)
    (folder / "index.html").write_text(INDEX)
    (folder / "assets" / "index-abc123.js").write_text(SCRIPT)
    (folder / "favicon.svg").write_text("<svg/>")
    return folder


def runtime_serving(tmp_path: Path, web_dist: Path) -> Runtime:
    settings = load_settings(
        database_url=f"sqlite:///{tmp_path / 'modelcloud.db'}", artifacts=str(tmp_path / "artifacts"), web_dist=web_dist
    )
    return Runtime.build(settings, clock=FrozenClock())


class WebClient:
    """Sends requests to the API app in this process, without a server."""

    def __init__(self, runtime: Runtime) -> None:
        self.app = create_app(runtime, manage_runtime=False)

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        async def send() -> httpx.Response:
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url="http://api.test") as client:
                return await client.request(method, path, **kwargs)

        return asyncio.run(send())

    def get(self, path: str) -> httpx.Response:
        return self.request("GET", path)


@pytest.fixture
def client(tmp_path: Path, dist: Path) -> WebClient:
    return WebClient(runtime_serving(tmp_path, dist))


@pytest.fixture
def unbuilt_client(tmp_path: Path) -> WebClient:
    return WebClient(runtime_serving(tmp_path, tmp_path / "missing-dist"))


def test_root_serves_index(client: WebClient) -> None:
    response = client.get("/")

    assert response.status_code == 200
    assert response.text == INDEX
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-cache"


def test_client_route_falls_back_to_index(client: WebClient) -> None:
    response = client.get("/teams/3f2c9d1e-0000-4000-8000-000000000000/models")

    assert response.status_code == 200
    assert response.text == INDEX


def test_asset_served_immutable(client: WebClient) -> None:
    response = client.get("/assets/index-abc123.js")

    assert response.status_code == 200
    assert response.text == SCRIPT
    assert "immutable" in response.headers["cache-control"]


def test_top_level_file_served(client: WebClient) -> None:
    response = client.get("/favicon.svg")

    assert response.status_code == 200
    assert response.text == "<svg/>"


def test_missing_asset_is_not_found(client: WebClient) -> None:
    response = client.get("/assets/index-gone.js")

    assert response.status_code == 404


def test_unknown_api_path_is_not_found(client: WebClient) -> None:
    response = client.get("/v1/no-such-route")

    assert response.status_code == 404
    assert INDEX not in response.text


def test_path_outside_dist_is_not_served(client: httpx.Client, tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("secret")

    response = client.get("/..%2Fsecret.txt")

    assert "secret" not in response.text


def test_graphql_still_answers_graphql(client: WebClient) -> None:
    response = client.request("POST", "/graphql", json={"query": "{ __typename }"})

    assert response.status_code == 200
    assert response.json() == {"data": {"__typename": "Query"}}


def test_graphql_wrong_method_still_rejected(client: WebClient) -> None:
    response = client.request("PUT", "/graphql", json={"query": "{ __typename }"})

    assert response.status_code == 405


def test_health_still_served(client: WebClient) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_unbuilt_root_says_how_to_build(unbuilt_client: WebClient) -> None:
    response = unbuilt_client.get("/")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert "POST /graphql" in response.text
    assert "npm run build" in response.text


def test_unbuilt_client_route_is_not_found(unbuilt_client: WebClient) -> None:
    response = unbuilt_client.get("/teams/x/models")

    assert response.status_code == 404


def test_web_dist_defaults_to_frontend_dist(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MODELCLOUD_WEB_DIST", raising=False)

    settings = load_settings()

    assert settings.web_dist == Path(__file__).resolve().parents[2] / "frontend" / "dist"
