"""The change broker: turns committed read-model changes into messages for live subscriptions.

In one process a change goes straight to the subscribers' queues. On PostgreSQL the runner
sends it with NOTIFY inside its transaction instead, so every API process that LISTENs
receives it once the transaction commits, including the one that wrote it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import threading
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from backend.leases import SESSION_KEEPALIVES
from backend.projections.base import Change
from backend.trace_context import stored_traceparent

log = logging.getLogger(__name__)

CHANNEL = "modelcloud_changes"
# The listener's connection shows under this name and its process id in pg_stat_activity.
APPLICATION_NAME = "modelcloud listener"
QUEUE_SIZE = 10_000
# PostgreSQL's NOTIFY documentation: in the default configuration a payload must be shorter than 8000 bytes.
MAX_PAYLOAD_BYTES = 7999

TopicFilter = Callable[[str], bool]


class _Subscriber:
    def __init__(self, loop: asyncio.AbstractEventLoop, wants: TopicFilter) -> None:
        self.loop = loop
        self.wants = wants
        self.queue: asyncio.Queue[Change | None] = asyncio.Queue(QUEUE_SIZE)
        self.overflowed = False


class ChangeBroker:
    """Fan-out of changes to asyncio subscribers; `publish` may be called from any thread."""

    def __init__(self) -> None:
        self._subscribers: set[_Subscriber] = set()
        self._lock = threading.Lock()
        self._gap_handlers: list[Callable[[], None]] = []

    def on_gap(self, handler: Callable[[], None]) -> None:
        """Call `handler`, from the thread that noticed it, whenever changes may have been missed."""
        with self._lock:
            self._gap_handlers.append(handler)

    def report_gap(self) -> None:
        """Tell the gap handlers that changes committed meanwhile may never reach the subscribers."""
        with self._lock:
            handlers = list(self._gap_handlers)
        for handler in handlers:
            handler()

    def publish(self, changes: list[Change]) -> None:
        with self._lock:
            subscribers = list(self._subscribers)
        for subscriber in subscribers:
            for change in changes:
                if subscriber.wants(change.topic):
                    subscriber.loop.call_soon_threadsafe(self._deliver, subscriber, change)

    @staticmethod
    def _deliver(subscriber: _Subscriber, change: Change) -> None:
        try:
            subscriber.queue.put_nowait(change)
        except asyncio.QueueFull:
            # A subscriber this far behind is ended rather than slowing every other one down;
            # its client re-subscribes and re-queries, as after any reconnect.
            subscriber.overflowed = True
            log.warning("subscriber dropped after its queue filled", extra={"queue_size": QUEUE_SIZE})

    @asynccontextmanager
    async def subscribe(self, wants: TopicFilter) -> AsyncIterator[AsyncIterator[Change]]:
        subscriber = _Subscriber(asyncio.get_running_loop(), wants)
        with self._lock:
            self._subscribers.add(subscriber)
        try:
            yield self._iterate(subscriber)
        finally:
            with self._lock:
                self._subscribers.discard(subscriber)

    @staticmethod
    async def _iterate(subscriber: _Subscriber) -> AsyncIterator[Change]:
        while not subscriber.overflowed:
            change = await subscriber.queue.get()
            if change is None:
                return
            yield change

    @property
    def subscriber_count(self) -> int:
        with self._lock:
            return len(self._subscribers)


def encode(change: Change) -> str | None:
    """Return a change as the JSON payload of a NOTIFY, or None when it would exceed MAX_PAYLOAD_BYTES.

    The `traceparent` key is left out when the change has no valid one.
    """
    data: dict[str, Any] = {"topic": change.topic, "keys": change.keys}
    traceparent = stored_traceparent(change.traceparent)
    if traceparent:
        data["traceparent"] = traceparent
    payload = json.dumps(data, separators=(",", ":"), default=str)
    if len(payload.encode("utf-8")) > MAX_PAYLOAD_BYTES:
        return None
    return payload


def decode(payload: str) -> Change:
    """Return the change in a NOTIFY payload; raise ValueError when the payload is not one, such as from other software."""
    try:
        data = json.loads(payload)
    except ValueError:
        raise ValueError("the payload is not a change: it is not JSON") from None
    if not isinstance(data, dict) or not isinstance(data.get("topic"), str) or not isinstance(data.get("keys", {}), dict):
        raise ValueError("the payload is not a change: it needs a text `topic` and an object `keys`")
    return Change(topic=data["topic"], keys=data.get("keys", {}), traceparent=stored_traceparent(data.get("traceparent", "")))


class PostgresChangeListener:
    """A thread that LISTENs for changes and for new events on PostgreSQL and hands both on.

    `on_change` gets each change another (or this) process committed; `on_events` is called when
    any process appends events, so projections here wake without polling. `events_channel` is the
    channel the event store NOTIFYs on each append (the eventsourcing library names it after the
    events table).
    """

    def __init__(
        self,
        url: str,
        broker: ChangeBroker,
        on_events: Callable[[], None],
        events_channel: str,
    ) -> None:
        self.url = url
        self.broker = broker
        self.on_events = on_events
        self.events_channel = events_channel
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._listen, name="postgres-listener", daemon=True)
        self.ready = threading.Event()
        # A channel only this listener follows, so stop() can end its wait for notifications at once.
        self._wake_channel = f"modelcloud_wake_{uuid.uuid4().hex}"
        self._rejected_payloads = 0

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        import psycopg

        self._stop.set()
        if self.ready.is_set():
            try:
                with psycopg.connect(self.url, autocommit=True, connect_timeout=2) as connection:
                    connection.execute(f'NOTIFY "{self._wake_channel}"')
            except psycopg.Error as error:
                # The listener then notices the stop at its next timeout, within half a second.
                log.warning("could not wake the PostgreSQL listener", extra={"error": str(error)})
        self._thread.join(timeout=5)

    def _listen(self) -> None:
        import psycopg

        connected_before = False
        while not self._stop.is_set():
            try:
                # Keepalives let this connection notice a server that vanished without closing it, and reconnect.
                with psycopg.connect(
                    self.url, autocommit=True, application_name=f"{APPLICATION_NAME} {os.getpid()}", **SESSION_KEEPALIVES
                ) as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    connection.execute(f'LISTEN "{self.events_channel}"')
                    connection.execute(f'LISTEN "{self._wake_channel}"')
                    self.ready.set()
                    if connected_before:
                        # Changes NOTIFYed while no connection listened are lost, so subscribers must read again.
                        log.warning("PostgreSQL listener reconnected; live subscriptions of this process start again")
                        self.broker.report_gap()
                    connected_before = True
                    self.on_events()
                    while not self._stop.is_set():
                        for notice in connection.notifies(timeout=0.5):
                            self._dispatch(notice.channel, notice.payload)
                            if self._stop.is_set():
                                break
            except psycopg.Error as error:
                log.warning("PostgreSQL listener lost its connection; reconnecting", extra={"error": str(error)})
                self._stop.wait(1.0)

    def is_alive(self) -> bool:
        return self._thread.is_alive()

    def _dispatch(self, channel: str, payload: str) -> None:
        if channel == self._wake_channel:
            return
        if channel != CHANNEL:
            self.on_events()
            return
        try:
            change = decode(payload)
        except ValueError as error:
            # Skipped rather than raised, which would end this thread and silence every subscription of the process.
            self._rejected_payloads += 1
            if self._rejected_payloads == 1 or self._rejected_payloads % 1000 == 0:
                log.warning(
                    "skipped a notification on the changes channel",
                    extra={"error": str(error), "payload_bytes": len(payload.encode("utf-8")), "skipped": self._rejected_payloads},
                )
            return
        self.broker.publish([change])
