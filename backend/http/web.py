"""The single-page web app: files of the built frontend, and its index.html for every client-side route."""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.staticfiles import StaticFiles

# Paths the API owns: an unknown path under them is a 404, never the web app's page.
API_PREFIXES = ("/graphql", "/v1/", "/healthz", "/readyz", "/metrics")
# Hashed bundle files never change under one name; index.html must be read again on every visit.
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"

NOT_BUILT = (
    "ModelCloud API: POST /graphql (GraphiQL at GET /graphql).\n"
    "The web app is not built: run `make up`, or `npm ci && npm run build` in frontend/, then reload this page.\n"
)


class WebApp:
    """Serves the files of `dist`, and `dist/index.html` for any other GET path outside the API.

    The folder is checked on each request, so a build made while the server runs is served at
    once. Until index.html exists, / returns a line that explains how to build the app.
    """

    def __init__(self, dist: Path) -> None:
        self.dist = dist
        self.index = dist / "index.html"
        self.files = StaticFiles(directory=dist, check_dir=False)

    async def respond(self, request: Request) -> Response:
        path = request.url.path
        if not self.index.is_file():
            if path == "/":
                return PlainTextResponse(NOT_BUILT)
            return PlainTextResponse("Not Found", status_code=404)

        file = self._file(path)
        if file is not None:
            cache = IMMUTABLE if path.startswith("/assets/") else REVALIDATE
            return FileResponse(file, headers={"cache-control": cache})
        if path.startswith(API_PREFIXES) or _looks_like_file(path):
            return PlainTextResponse("Not Found", status_code=404)
        return FileResponse(self.index, headers={"cache-control": REVALIDATE})

    def _file(self, path: str) -> Path | None:
        if path == "/":
            return None
        found, stat = self.files.lookup_path(path.lstrip("/"))
        if stat is None or not Path(found).is_file():
            return None
        return Path(found)


def _looks_like_file(path: str) -> bool:
    """Return whether the last segment has a file extension; client routes never do, so a missing asset stays a 404."""
    return "." in path.rsplit("/", 1)[-1]


def web_routes(dist: Path) -> list[BaseRoute]:
    """Routes for the web app; put them after every API route, because they match any GET path."""
    app = WebApp(dist)
    return [Route("/{path:path}", app.respond, methods=["GET", "HEAD"])]
