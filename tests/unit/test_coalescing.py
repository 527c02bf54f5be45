"""CoalescingReader: one fetch per key for concurrent readers, whichever of them stops waiting."""

from __future__ import annotations

import asyncio
import threading

import pytest

from backend.graphql.coalescing import CoalescingReader

WAIT_SECONDS = 10.0


class BlockingFetch:
    """A fetch that blocks its worker thread until `release` is set, and counts its calls."""

    def __init__(self, error: Exception | None = None) -> None:
        self.release = threading.Event()
        self.started = threading.Event()
        self.calls = 0
        self.error = error

    def __call__(self, key: int) -> dict[str, int]:
        self.calls += 1
        self.started.set()
        self.release.wait(WAIT_SECONDS)
        if self.error is not None:
            raise self.error
        return {"position": key}


async def started(fetch: BlockingFetch) -> None:
    assert await asyncio.to_thread(fetch.started.wait, WAIT_SECONDS)


def test_concurrent_reads_fetch_once() -> None:
    fetch = BlockingFetch()
    reader = CoalescingReader(fetch)

    async def scenario() -> list[dict[str, int]]:
        reads = [asyncio.create_task(reader.read(7)) for _ in range(3)]
        await started(fetch)
        fetch.release.set()
        return await asyncio.wait_for(asyncio.gather(*reads), WAIT_SECONDS)

    rows = asyncio.run(scenario())

    assert rows == [{"position": 7}] * 3
    assert fetch.calls == 1


def test_stopped_first_reader_leaves_row_for_others() -> None:
    fetch = BlockingFetch()
    reader = CoalescingReader(fetch)

    async def scenario() -> tuple[dict[str, int], bool]:
        first = asyncio.create_task(reader.read(7))
        await started(fetch)
        second = asyncio.create_task(reader.read(7))
        await asyncio.sleep(0)
        first.cancel()
        fetch.release.set()
        row = await asyncio.wait_for(second, WAIT_SECONDS)
        with pytest.raises(asyncio.CancelledError):
            await first
        return row, first.cancelled()

    row, first_cancelled = asyncio.run(scenario())

    assert row == {"position": 7}
    assert first_cancelled
    assert fetch.calls == 1


def test_read_survives_every_reader_stopping() -> None:
    fetch = BlockingFetch()
    reader = CoalescingReader(fetch)

    async def scenario() -> dict[str, int]:
        first = asyncio.create_task(reader.read(7))
        await started(fetch)
        first.cancel()
        fetch.release.set()
        # The read goes on without readers, so a later one gets its row without a second fetch.
        return await asyncio.wait_for(reader.read(7), WAIT_SECONDS)

    row = asyncio.run(scenario())

    assert row == {"position": 7}
    assert fetch.calls == 1


def test_failed_fetch_raises_for_each_reader() -> None:
    fetch = BlockingFetch(error=RuntimeError("database unavailable"))
    reader = CoalescingReader(fetch)

    async def scenario() -> list[BaseException | dict[str, int]]:
        reads = [asyncio.create_task(reader.read(7)) for _ in range(2)]
        await started(fetch)
        fetch.release.set()
        return await asyncio.wait_for(asyncio.gather(*reads, return_exceptions=True), WAIT_SECONDS)

    outcomes = asyncio.run(scenario())

    assert [str(outcome) for outcome in outcomes] == ["database unavailable", "database unavailable"]
    assert fetch.calls == 1
