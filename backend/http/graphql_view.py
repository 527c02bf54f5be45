"""The /graphql endpoint: strawberry's ASGI view with ModelCloud's context and WebSocket sign-in."""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.websockets import WebSocket, WebSocketState
from strawberry.asgi import GraphQL
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.types import Receive, Scope, Send
from strawberry.exceptions import ConnectionRejectionError
from cross_web import HTTPException

from backend.domain.base import DomainError
from backend.graphql.auth import Authenticator
from backend.graphql.coalescing import CoalescingReader
from backend.graphql.context import Context, correlation_id_from, in_thread
from backend.runtime import Runtime


log = logging.getLogger(__name__)

# "Service restart": the web app and other graphql-ws clients reconnect after it, and read again what they show.
RESTART_CLOSE_CODE = 1012

GRAPHIQL_NOT_BUILT = (
    "GraphiQL is part of the web app, which is not built: run `make web` (or `make up`), "
    "or `npm ci && npm run build` in frontend/, then reload this page.\n"
    "The API itself works without it: POST GraphQL requests to /graphql.\n"
)


class ModelCloudGraphQL(GraphQL[Context, None]):
    """GraphQL over HTTP and over WebSocket (graphql-transport-ws and the older graphql-ws).

    Cross-origin WebSocket handshakes are rejected unless the origin is allowed in settings,
    which keeps other sites from using a browser's session cookie. A browser's GET gets the
    GraphiQL page of the web app's build, which loads nothing from other hosts.
    """

    def __init__(self, runtime: Runtime, schema: Any) -> None:
        settings = runtime.settings
        super().__init__(
            schema,
            graphql_ide="graphiql",
            allow_queries_via_get=True,
            keep_alive=True,
            keep_alive_interval=15,
            max_subscriptions_per_connection=100,
            allowed_origins=[*settings.own_origins, *settings.allowed_origins],
        )
        self.runtime = runtime
        self.graphiql_page = settings.web_dist / "graphiql.html"
        self.authenticator = Authenticator(runtime)
        self.audit_rows = CoalescingReader(runtime.readers.audit.entry)
        self._sockets: weakref.WeakSet[WebSocket] = weakref.WeakSet()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closing: set[asyncio.Task[None]] = set()
        runtime.broker.on_gap(self._restart_sockets)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope=scope, receive=receive)
        try:
            response = await self.run(request)
        except HTTPException as error:
            response = transport_error(error.status_code, error.reason)
        except (AttributeError, TypeError, ValueError) as error:
            # strawberry raises these for bodies that are valid JSON but not a GraphQL request object.
            log.warning("GraphQL request body rejected", exc_info=error)
            response = transport_error(400, "The request body must be a JSON object with a 'query' string.")
        await response(scope, receive, send)

    async def render_graphql_ide(self, request: Request) -> Response:
        # Checked on each request, like the web app's index.html, so a build made while the server runs is served at once.
        if not self.graphiql_page.is_file():
            return PlainTextResponse(GRAPHIQL_NOT_BUILT, status_code=503)
        return FileResponse(self.graphiql_page, media_type="text/html", headers={"cache-control": "no-cache"})

    def decode_json(self, data: str | bytes) -> object:
        try:
            return super().decode_json(data)
        except RecursionError:
            # Python's parser gives up on thousands of nested brackets; that is bad input, not a server fault.
            raise HTTPException(400, "The request body is nested too deeply to parse.") from None

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        return Context(
            runtime=self.runtime,
            authenticator=self.authenticator,
            request=request,
            response=response,
            correlation_id=correlation_id_from(request.headers),
            audit_rows=self.audit_rows,
        )

    async def on_ws_connect(self, context: Context) -> dict[str, object] | None:  # type: ignore[override]
        """Authenticate the connection once, from the connection_init payload or the session cookie."""
        try:
            principal, _ = await in_thread(context.authenticator.authenticate, context.credentials())
        except DomainError as error:
            raise ConnectionRejectionError({"code": error.code, "message": error.message}) from None
        context._auth = (principal, None)
        context._auth_checked_at = time.monotonic()
        if isinstance(context.request, WebSocket):
            self._loop = asyncio.get_running_loop()
            self._sockets.add(context.request)
        return {"userId": str(principal.user_id), "authenticatedBy": principal.via}


    def _restart_sockets(self) -> None:
        """Close every open WebSocket with 1012, from any thread, so that clients reconnect and read what they missed."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        loop.call_soon_threadsafe(self._close_sockets)

    def _close_sockets(self) -> None:
        for socket in list(self._sockets):
            task = asyncio.ensure_future(_close_restarting(socket))
            # A task nothing refers to may be collected before it ends, so the set keeps each one until then.
            self._closing.add(task)
            task.add_done_callback(self._closing.discard)


async def _close_restarting(socket: WebSocket) -> None:
    if socket.application_state == WebSocketState.DISCONNECTED or socket.client_state == WebSocketState.DISCONNECTED:
        return
    try:
        await socket.close(code=RESTART_CLOSE_CODE, reason="live updates were interrupted; reconnect")
    except RuntimeError as error:
        # The connection ended on its own meanwhile.
        log.info("WebSocket already closed", extra={"error": str(error)})


def transport_error(status: int, reason: str) -> Response:
    """A GraphQL-shaped error for requests rejected before execution (bad JSON, wrong method or content type)."""
    body = {"errors": [{"message": reason, "extensions": {"code": "BAD_USER_INPUT", "field": "body", "value": None}}]}
    return JSONResponse(body, status_code=status)
