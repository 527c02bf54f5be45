"""GraphiQL at GET /graphql comes from the web app's build, so it works on a network without internet access."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.integration.test_web_app import WebClient, runtime_serving

pytestmark = pytest.mark.integration

REPOSITORY = Path(__file__).resolve().parents[2]
BUILT_DIST = REPOSITORY / "frontend" / "dist"
BROWSER = {"accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
PAGE = (
    '<!doctype html><title>ModelCloud GraphiQL</title>'
    '<script type="module" src="/assets/graphiql-abc123.js"></script>'
    '<link rel="stylesheet" href="/assets/graphiql-abc123.css"><div id="graphiql"></div>'
)
# Any absolute address in markup or CSS: a src or href attribute, or a CSS url().
ABSOLUTE_URL = re.compile(r"""(?:src|href)\s*=\s*["']?((?:https?:)?//[^"'\s>]+)|url\(\s*["']?((?:https?:)?//[^"')\s]+)""")
LOCAL_REFERENCE = re.compile(r"""(?:src|href)\s*=\s*["'](/[^/"'][^"']*)["']""")


@pytest.fixture
def graphiql_dist(tmp_path: Path) -> Path:
    """A stand-in for `npm run build` output with the GraphiQL page and its two assets."""
    folder = tmp_path / "dist"
    (folder / "assets").mkdir(parents=True)
    (folder / "index.html").write_text("<!doctype html><div id=root></div>")
    (folder / "graphiql.html").write_text(PAGE)
    (folder / "assets" / "graphiql-abc123.js").write_text("console.log('graphiql');")
    (folder / "assets" / "graphiql-abc123.css").write_text("#graphiql { height: 100%; }")
    return folder


def external_addresses(text: str) -> list[str]:
    return [first or second for first, second in ABSOLUTE_URL.findall(text)]


def test_browser_get_returns_built_page(tmp_path: Path, graphiql_dist: Path) -> None:
    client = WebClient(runtime_serving(tmp_path, graphiql_dist))

    response = client.request("GET", "/graphql", headers=BROWSER)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-cache"
    assert response.text == PAGE
    assert "unpkg.com" not in response.text


def test_page_assets_load(tmp_path: Path, graphiql_dist: Path) -> None:
    client = WebClient(runtime_serving(tmp_path, graphiql_dist))
    page = client.request("GET", "/graphql", headers=BROWSER).text

    references = LOCAL_REFERENCE.findall(page)

    assert references == ["/assets/graphiql-abc123.js", "/assets/graphiql-abc123.css"]
    for reference in references:
        assert client.get(reference).status_code == 200, reference


def test_unbuilt_page_names_make_web(tmp_path: Path) -> None:
    client = WebClient(runtime_serving(tmp_path, tmp_path / "missing-dist"))

    response = client.request("GET", "/graphql", headers=BROWSER)

    assert response.status_code == 503
    assert response.headers["content-type"].startswith("text/plain")
    assert "make web" in response.text
    assert "unpkg.com" not in response.text


def test_get_query_still_answers(tmp_path: Path, graphiql_dist: Path) -> None:
    client = WebClient(runtime_serving(tmp_path, graphiql_dist))

    response = client.request("GET", "/graphql", params={"query": "{ __typename }"}, headers={"accept": "application/json"})

    assert response.status_code == 200
    assert response.json() == {"data": {"__typename": "Query"}}


@pytest.mark.skipif(not (BUILT_DIST / "graphiql.html").is_file(), reason="the web app is not built: run `make web`")
def test_built_page_references_no_other_host(tmp_path: Path) -> None:
    client = WebClient(runtime_serving(tmp_path, BUILT_DIST))

    response = client.request("GET", "/graphql", headers=BROWSER)
    references = LOCAL_REFERENCE.findall(response.text)
    stylesheets = [reference for reference in references if reference.endswith(".css")]

    assert response.status_code == 200
    assert external_addresses(response.text) == []
    assert any(reference.endswith(".js") for reference in references), response.text
    assert stylesheets, response.text
    for reference in references:
        assert client.get(reference).status_code == 200, reference
    for stylesheet in stylesheets:
        assert external_addresses(client.get(stylesheet).text) == [], stylesheet
