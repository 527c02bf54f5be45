"""A small GraphQL-over-WebSocket client speaking graphql-transport-ws and Apollo's older graphql-ws."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import websockets

TRANSPORT_WS = "graphql-transport-ws"
LEGACY_WS = "graphql-ws"


class SubscriptionError(Exception):
    def __init__(self, payload: Any) -> None:
        super().__init__(json.dumps(payload))
        self.payload = payload


class GraphQLWebSocket:
    def __init__(self, connection: Any, protocol: str) -> None:
        self.connection = connection
        self.protocol = protocol
        self._next_id = 0
        self.ack_payload: Any = None
        # Messages of other operations that arrived while one was awaited, kept for their own next_data.
        self._waiting: dict[str, list[dict[str, Any]]] = {}

    @classmethod
    async def connect(
        cls,
        url: str,
        *,
        protocol: str = TRANSPORT_WS,
        payload: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        origin: str | None = None,
    ) -> GraphQLWebSocket:
        connection = await websockets.connect(
            url, subprotocols=[protocol], additional_headers=headers or {}, origin=origin, open_timeout=10
        )
        client = cls(connection, protocol)
        await client._send({"type": "connection_init", "payload": payload or {}})
        while True:
            message = await client._receive()
            if message["type"] == "connection_ack":
                client.ack_payload = message.get("payload")
                return client
            if message["type"] == "connection_error":
                raise SubscriptionError(message.get("payload"))

    async def subscribe(self, query: str, variables: dict[str, Any] | None = None) -> str:
        self._next_id += 1
        operation_id = str(self._next_id)
        kind = "subscribe" if self.protocol == TRANSPORT_WS else "start"
        await self._send({"id": operation_id, "type": kind, "payload": {"query": query, "variables": variables or {}}})
        return operation_id

    async def complete(self, operation_id: str) -> None:
        """Stop one operation, as a client does when it no longer needs a subscription."""
        kind = "complete" if self.protocol == TRANSPORT_WS else "stop"
        await self._send({"id": operation_id, "type": kind})

    async def next_data(self, operation_id: str, timeout: float = 30.0) -> dict[str, Any]:
        """Return the next result of an operation; raises SubscriptionError on an error message.

        Messages of other operations on this socket are kept, so several subscriptions can be read in any order.
        """
        while True:
            kept = self._waiting.get(operation_id)
            message = kept.pop(0) if kept else await asyncio.wait_for(self._receive(), timeout)
            if message.get("id") != operation_id:
                self._waiting.setdefault(str(message.get("id")), []).append(message)
                continue
            if message["type"] in ("next", "data"):
                payload = message["payload"]
                if payload.get("errors"):
                    raise SubscriptionError(payload["errors"])
                return payload["data"]
            if message["type"] == "error":
                raise SubscriptionError(message.get("payload"))
            if message["type"] == "complete":
                raise SubscriptionError({"complete": operation_id})

    async def close(self) -> None:
        await self.connection.close()

    async def _send(self, message: dict[str, Any]) -> None:
        await self.connection.send(json.dumps(message))

    async def _receive(self) -> dict[str, Any]:
        while True:
            message = json.loads(await self.connection.recv())
            if message.get("type") in ("ka", "ping", "pong"):
                if message["type"] == "ping":
                    await self._send({"type": "pong"})
                continue
            return message
