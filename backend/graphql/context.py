"""The per-request context of every resolver: the runtime, the caller, and the request's correlation id."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.dataloader import DataLoader

from backend.application.commands import Outcome
from backend.application.sessions import Session
from backend.domain.access import Principal
from backend.domain.base import Cause, DomainError
from backend.graphql.auth import Authenticator, Credentials, check_csrf
from backend.graphql.coalescing import CoalescingReader
from backend.runtime import Runtime

T = TypeVar("T")

log = logging.getLogger(__name__)

REQUEST_ID_HEADER = "x-request-id"
REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9._-]{1,64}")
READ_YOUR_WRITES_TIMEOUT = 10.0
# A WebSocket connection lives for hours, so its credentials are checked again at most this many
# seconds apart: a revoked token, an ended session or a removed member loses access that quickly.
WEBSOCKET_REVALIDATE_SECONDS = 1.0


class ReadModelsBehind(DomainError):
    """Error for a command whose events are stored but not yet applied to the read models."""

    code = "SERVICE_UNAVAILABLE"


def correlation_id_from(headers: Any) -> str:
    """Use the client's X-Request-ID when it is a plain id; otherwise start a new correlation id."""
    given = headers.get(REQUEST_ID_HEADER, "") if headers is not None else ""
    return given if REQUEST_ID_PATTERN.fullmatch(given or "") else str(uuid.uuid4())


async def in_thread(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run blocking database or event-store work off the event loop."""
    return await anyio.to_thread.run_sync(lambda: function(*args, **kwargs))


@dataclass
class Context:
    runtime: Runtime
    authenticator: Authenticator
    request: Request | WebSocket
    response: Response | WebSocket | None
    correlation_id: str
    connection_params: dict[str, Any] | None = None
    _auth: tuple[Principal, Session | None] | None = None
    _auth_checked_at: float = 0.0
    audit_rows: CoalescingReader | None = None
    loaders: dict[str, DataLoader[Any, Any]] = field(default_factory=dict)

    @property
    def is_websocket(self) -> bool:
        return self.request.scope["type"] == "websocket"

    def credentials(self) -> Credentials:
        cookies = self.request.cookies
        if self.is_websocket:
            return Credentials.from_connection_params(self.connection_params, cookies)
        return Credentials.from_headers(self.request.headers, cookies)

    async def authenticate(self, *, max_age: float | None = None) -> tuple[Principal, Session | None]:
        """Return the caller and session, checking the credentials again when the last check is older than `max_age`.

        An HTTP request checks once. A WebSocket connection shares one context across its
        operations, so it checks again after WEBSOCKET_REVALIDATE_SECONDS unless `max_age` says otherwise.
        """
        if max_age is None:
            max_age = WEBSOCKET_REVALIDATE_SECONDS if self.is_websocket else float("inf")
        stale = time.monotonic() - self._auth_checked_at > max_age
        if self._auth is None or stale:
            self._auth = await in_thread(self.authenticator.authenticate, self.credentials())
            self._auth_checked_at = time.monotonic()
        return self._auth

    async def principal(self) -> Principal:
        """Return the authenticated caller, or raise Unauthenticated when the request has no valid credentials."""
        principal, _ = await self.authenticate()
        return principal

    async def writer(self) -> Principal:
        """Return the caller of a mutation, checked afresh; a cookie-authenticated caller must also send the CSRF token."""
        principal, session = await self.authenticate(max_age=0.0)
        if not self.is_websocket:
            check_csrf(session, self.request.headers.get("x-csrf-token"))
        return principal

    def cause(self, principal: Principal, team: uuid.UUID | None = None) -> Cause:
        return Cause.new(principal.actor, str(team) if team else None, at=self.runtime.clock(), correlation_id=self.correlation_id)

    async def settle(self, outcome: Outcome) -> None:
        """Wait until the projections include this command's events, so the response reads its own write.

        Raises ReadModelsBehind when they do not within READ_YOUR_WRITES_TIMEOUT, such as while no
        process holds the projections' leases; the events are stored all the same.
        """
        if not outcome.position:
            return
        timeout = READ_YOUR_WRITES_TIMEOUT
        if not await in_thread(self.runtime.projections.wait_for, outcome.position, timeout):
            log.warning(
                "read models did not include a command's events in time",
                extra={"position": outcome.position, "timeout_seconds": timeout, "correlation_id": self.correlation_id},
            )
            raise ReadModelsBehind(
                f"The change was recorded at log position {outcome.position}, but the read models did not include it "
                f"within {timeout:g} s, so the response cannot show it. Do not send it again: read it once /readyz "
                "reports the projections caught up, and check that a process runs them (`modelcloud projections run`).",
                field=None,
                value=outcome.position,
            )

    def loader(self, name: str, batch: Callable[[list[Any]], dict[Any, Any]]) -> DataLoader[Any, Any]:
        """Return this request's DataLoader `name`, which fetches many keys with one call of `batch` (keys -> {key: value})."""
        if name not in self.loaders:

            async def load(keys: list[Any]) -> list[Any]:
                found = await in_thread(batch, list(keys))
                return [found.get(key) for key in keys]

            # A WebSocket context outlives any one operation, so its loaders batch but do not cache.
            self.loaders[name] = DataLoader(load_fn=load, cache=not self.is_websocket)
        return self.loaders[name]
