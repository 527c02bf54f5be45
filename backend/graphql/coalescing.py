"""One read of an immutable row shared by every subscription that needs it at the same moment."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

import anyio.to_thread

RECENT_ROWS = 1000


class CoalescingReader:
    """Reads rows by key through `fetch` once per key, however many subscribers ask concurrently.

    Only for rows that never change once written, such as audit entries: a recent result is
    served from memory without asking the database again.
    """

    def __init__(self, fetch: Callable[[Any], Any]) -> None:
        self.fetch = fetch
        self._pending: dict[Hashable, asyncio.Task[Any]] = {}
        self._recent: OrderedDict[Hashable, Any] = OrderedDict()

    async def read(self, key: Hashable) -> Any:
        if key in self._recent:
            return self._recent[key]
        fetching = self._pending.get(key)
        if fetching is None:
            # The read runs as a task of its own, so a subscription stopped while it reads leaves
            # the read finishing for every other subscriber waiting on the same key.
            fetching = asyncio.create_task(self._fetch(key))
            self._pending[key] = fetching
            fetching.add_done_callback(lambda done: self._forget(key, done))
        return await asyncio.shield(fetching)

    async def _fetch(self, key: Hashable) -> Any:
        row = await anyio.to_thread.run_sync(self.fetch, key)
        if row is not None:
            self._remember(key, row)
        return row

    def _forget(self, key: Hashable, done: asyncio.Task[Any]) -> None:
        if self._pending.get(key) is done:
            del self._pending[key]
        if not done.cancelled():
            done.exception()  # mark retrieved, so asyncio does not report an error when no reader was left to await it

    def _remember(self, key: Hashable, row: Any) -> None:
        self._recent[key] = row
        while len(self._recent) > RECENT_ROWS:
            self._recent.popitem(last=False)
