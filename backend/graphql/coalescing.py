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
        self._pending: dict[Hashable, asyncio.Future[Any]] = {}
        self._recent: OrderedDict[Hashable, Any] = OrderedDict()

    async def read(self, key: Hashable) -> Any:
        if key in self._recent:
            return self._recent[key]
        waiting = self._pending.get(key)
        if waiting is not None:
            return await asyncio.shield(waiting)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[key] = future
        try:
            row = await anyio.to_thread.run_sync(self.fetch, key)
        except Exception as error:
            future.set_exception(error)
            future.exception()  # mark retrieved, so asyncio does not report an error no other reader awaited
            raise
        finally:
            del self._pending[key]
        future.set_result(row)
        if row is not None:
            self._remember(key, row)
        return row

    def _remember(self, key: Hashable, row: Any) -> None:
        self._recent[key] = row
        while len(self._recent) > RECENT_ROWS:
            self._recent.popitem(last=False)
