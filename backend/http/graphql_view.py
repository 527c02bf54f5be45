"""The /graphql endpoint: strawberry's ASGI view with ModelCloud's context and WebSocket sign-in."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError

from backend.domain.base import DomainError
from backend.graphql.auth import Authenticator
from backend.graphql.context import Context, correlation_id_from, in_thread
from backend.runtime import Runtime


class ModelCloudGraphQL(GraphQL[Context, None]):
    """GraphQL over HTTP and over WebSocket (graphql-transport-ws and the older graphql-ws).

    Cross-origin WebSocket handshakes are rejected unless the origin is allowed in settings,
    which keeps other sites from using a browser's session cookie.
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
        self.authenticator = Authenticator(runtime)

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        return Context(
            runtime=self.runtime,
            authenticator=self.authenticator,
            request=request,
            response=response,
            correlation_id=correlation_id_from(request.headers),
        )

    async def on_ws_connect(self, context: Context) -> dict[str, object] | None:  # type: ignore[override]
        """Authenticate the connection once, from the connection_init payload or the session cookie."""
        try:
            principal, _ = await in_thread(context.authenticator.authenticate, context.credentials())
        except DomainError as error:
            raise ConnectionRejectionError({"code": error.code, "message": error.message}) from None
        context._auth = (principal, None)
        return {"userId": str(principal.user_id), "authenticatedBy": principal.via}
